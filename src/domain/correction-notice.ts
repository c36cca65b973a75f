import { COLUMN_WORDS, disclosureDates, identifierLines, type PersonIdentifiers, type RecipientDisclosures } from './erasure-notice';

/**
 * The words of a correction request (CCPA 1798.106, 11 CCR 7023; docs/legal.md, point 20): what
 * a recipient that received the corrected information is told, and the answer to the person.
 */

/** One decided change, in words. */
export interface CorrectionLine {
  /** The subject's column ("street_address"). */
  column: string;
  /** Its category (data_categories key), to tell only recipients that received it. */
  category: string;
  value: string | null;
}

export function fieldWords(column: string): string {
  return COLUMN_WORDS[column] ?? column.replace(/_/g, ' ');
}

/**
 * The notice to one recipient: the person as it knows them (the identifiers it received, before
 * the correction), then each corrected value of a category it received. A removed value says so.
 * Null when none of the corrections is of a category the recipient received.
 */
export function recipientCorrectionNotice(requestId: number, person: PersonIdentifiers, recipient: RecipientDisclosures, corrections: readonly CorrectionLine[]): { subject: string; text: string } | null {
  const received = new Set(recipient.categories);
  const relevant = corrections.filter((c) => received.has(c.category));
  if (relevant.length === 0) return null;
  const ids = identifierLines(person, received);
  const lines = [
    `Dear ${recipient.name},`,
    '',
    `A person whose personal information we disclosed to you ${disclosureDates(recipient)} has asked us to correct it, and we have (our reference ${requestId}). Please correct the information you hold about this person, and tell your own service providers and contractors to do the same.`,
    '',
    ...(ids.length > 0
      ? ['You can find the person in your records by the information you received from us (as it was before the correction):', ...ids]
      : ['We sent you no name or contact details of this person; the dates above say when you received their information.']),
    '',
    'The corrected information:',
    ...relevant.map((c) => `  ${capitalize(fieldWords(c.column))}: ${c.value ?? '(removed: it was wrong and we hold no correct value)'}`),
    '',
    'This message identifies the person only by what you already received and the corrections; please do not keep it once you have acted on it.',
    '',
  ];
  return { subject: `Correction request ${requestId}: correct the personal information we disclosed to you`, text: lines.join('\n') };
}

/** The answer to the person: what was corrected, what was not and why (7023(f)), and who was told. */
export function correctionAnswer(input: {
  requestId: number;
  company: string;
  accepted: readonly CorrectionLine[];
  rejected: readonly { column: string; reason: string }[];
  /** Recipients told, by email. */
  recipientsTold: number;
  /** Recipients that received a corrected value but whose address we do not hold. */
  recipientsUnreachable: number;
}): { subject: string; text: string } {
  const lines = [`We have decided on your request to correct your personal information (reference ${input.requestId}).`, ''];
  if (input.accepted.length > 0) {
    lines.push('We corrected:', ...input.accepted.map((c) => `  - your ${fieldWords(c.column)}: ${c.value ?? 'removed'}`), '');
    const businesses = (n: number) => (n === 1 ? 'one business' : `${n} businesses`);
    if (input.recipientsTold > 0) lines.push(`We have asked ${businesses(input.recipientsTold)} to which we disclosed this information to correct it too.`);
    if (input.recipientsUnreachable > 0) lines.push(`We hold no address for ${businesses(input.recipientsUnreachable)} to which we disclosed this information, so we could not ask ${input.recipientsUnreachable === 1 ? 'it' : 'them'} to correct it.`);
    if (input.recipientsTold === 0 && input.recipientsUnreachable === 0) lines.push('We have not disclosed this information to other businesses that would need to correct it.');
    lines.push('');
  }
  if (input.rejected.length > 0) {
    lines.push('We did not correct:', ...input.rejected.map((r) => `  - your ${fieldWords(r.column)}: ${r.reason}`), '');
    lines.push('If you disagree, you may send us more documentation and ask again.', '');
  }
  lines.push(input.company, '');
  return {
    subject: input.rejected.length === 0 ? 'We corrected your personal information' : input.accepted.length === 0 ? 'Your request to correct your personal information' : 'We corrected some of your personal information',
    text: lines.join('\n'),
  };
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
