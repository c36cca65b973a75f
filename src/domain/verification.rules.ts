/**
 * Identity verification as data (CCPA regulations, 11 CCR 7060-7062; docs/legal.md, point 15).
 * Every request records how the person was verified; the request type (and, for access, what is
 * asked) needs a level; a request verified below its level is answered only as far as its level
 * allows, and the answer says why.
 */

import { VerificationLevel, VerificationMethod } from '../entities/enums';

export { VerificationLevel, VerificationMethod };

const RANK: Readonly<Record<VerificationLevel, number>> = { NONE: 0, REASONABLE: 1, REASONABLY_HIGH: 2 };

/** The level a method reaches. */
export const LEVEL_OF_METHOD: Readonly<Record<VerificationMethod, VerificationLevel>> = {
  NONE: VerificationLevel.NONE,
  // One data point (control of the address on file): the regulations' example of a reasonable degree for categories.
  EMAIL_ROUND_TRIP: VerificationLevel.REASONABLE,
  TWO_DATA_POINTS: VerificationLevel.REASONABLE,
  THREE_DATA_POINTS_DECLARATION: VerificationLevel.REASONABLY_HIGH,
  // An account holder verified through the account's own authentication (7061(a)).
  SIGNED_IN_SESSION: VerificationLevel.REASONABLY_HIGH,
  NOT_APPLICABLE: VerificationLevel.NONE,
};

export function levelOf(method: VerificationMethod): VerificationLevel {
  return LEVEL_OF_METHOD[method];
}

export function meets(achieved: VerificationLevel, required: VerificationLevel): boolean {
  return RANK[achieved] >= RANK[required];
}

/** What an access request answers. */
export enum AccessScope {
  /** Every specific piece of information, the full package. */
  SPECIFIC_PIECES = 'SPECIFIC_PIECES',
  /** Only the categories (of information, sources, purposes, recipients): 1798.110(a)(1)-(4). */
  CATEGORIES = 'CATEGORIES',
  /** Nothing about the person: they are pointed to the privacy policy's general description. */
  NONE = 'NONE',
}

export interface AccessDecision {
  scope: AccessScope;
  /** The level the full answer needs. */
  required: VerificationLevel;
  achieved: VerificationLevel;
  /** Null when the full answer is given; otherwise a code and the sentence the person reads. */
  limitedBecause: { code: 'CATEGORIES_ONLY' | 'NOT_VERIFIED'; reason: string } | null;
}

/**
 * What an access request verified by `method` answers. Specific pieces need a reasonably high
 * degree; with less the request is treated as one for categories (7062(c), 7024(c)); with less than
 * a reasonable degree no personal information is disclosed and the person is told so (7024(c)).
 */
export function accessDecision(method: VerificationMethod): AccessDecision {
  const achieved = levelOf(method);
  const required = VerificationLevel.REASONABLY_HIGH;
  if (meets(achieved, required)) return { scope: AccessScope.SPECIFIC_PIECES, required, achieved, limitedBecause: null };
  if (meets(achieved, VerificationLevel.REASONABLE))
    return {
      scope: AccessScope.CATEGORIES,
      required,
      achieved,
      limitedBecause: {
        code: 'CATEGORIES_ONLY',
        reason:
          'We could verify your identity to a reasonable degree, which lets us tell you the categories of information we hold, but not to the reasonably high degree the law asks before we give the specific pieces. ' +
          'To receive them, make the request again from your signed-in account, or with three pieces of information we hold about you and a signed declaration.',
      },
    };
  return {
    scope: AccessScope.NONE,
    required,
    achieved,
    limitedBecause: {
      code: 'NOT_VERIFIED',
      reason:
        'We could not verify that the request came from you, so we cannot disclose any information about you. ' +
        'Our privacy policy describes what we collect, why, and with whom we share it. You may make the request again with information that lets us verify you.',
    },
  };
}

/** The level each request type needs for its full answer (a correction like a deletion, 7062(d)). */
export const REQUIRED_LEVEL = {
  ACCESS: VerificationLevel.REASONABLY_HIGH,
  ERASURE: VerificationLevel.REASONABLE,
  CHILD_DELETION: VerificationLevel.NONE,
  // Shine the Light asks for no verification: the notice names categories and recipients, no specific pieces.
  CALIFORNIA_NOTICE: VerificationLevel.NONE,
} as const;
