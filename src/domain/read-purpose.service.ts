import type { EntityManager } from 'typeorm';
import { ConsentSource, ConsentStatus, PurposeKey, Role, SubjectStatus } from '../entities/enums';
import type { Subject } from '../entities/subject.entity';
import type { Anonymizer } from './plugin-services.port';
import type { Actor } from './actor';
import { DomainError } from './errors';
import { FIELD_CATEGORY, READ_PURPOSE_RULES, READ_PURPOSES, ReadPurpose, type PersonalField, type ReadPurposeRule } from './read-purpose.rules';

/**
 * Only APP tokens are purpose-bound: internal apps read for a declared reason. LEGAL,
 * PRIVACY_OPS and ADMIN act on people's rights (erasure, holds, notices, audits) and must see
 * the record as it is; they may still declare a purpose, and then the same rules apply to them.
 */
export function isPurposeBound(actor: Actor): boolean {
  return actor.roles.includes(Role.APP) && !actor.roles.some((r) => r === Role.LEGAL || r === Role.PRIVACY_OPS || r === Role.ADMIN);
}

/**
 * Personal fields whose use in a lookup or a write answers for them: an email is unique, so
 * filtering by one, or a CONFLICT on registering or changing to one, says whether it is known.
 */
export const PROBING_FIELDS: readonly PersonalField[] = ['email'];

/**
 * Refuses a lookup or write that names a field the purpose may not see and whose use would reveal
 * it (PROBING_FIELDS): a request without a purpose is not bound. `fields`: the input's field
 * names; `at` prefixes the field in the error (e.g. `filter`, `input`).
 */
export function assertMayUseFields(purpose: ReadPurpose | null, fields: readonly string[], at: string, what: string): void {
  if (purpose === null) return;
  const rule = READ_PURPOSE_RULES[purpose];
  const blocked = PROBING_FIELDS.find((f) => fields.includes(f) && !rule.fields.includes(f));
  if (blocked)
    throw new DomainError('FORBIDDEN', `${purpose} may not see ${blocked} values, so it may not ${what} with one`, { reason: 'FIELD_NOT_ALLOWED_FOR_PURPOSE', field: `${at}.${blocked}` });
}

export const isReadPurpose = (value: string): value is ReadPurpose => (READ_PURPOSES as string[]).includes(value);

/**
 * The purpose of one request, from its `X-Purpose` header, checked against the token's
 * `purposes` claim (no claim: any purpose). An error means the request runs nothing.
 */
export function declaredPurpose(actor: Actor | null, header: string | string[] | undefined): { purpose: ReadPurpose | null; error: DomainError | null } {
  const raw = Array.isArray(header) ? header.join(',') : header?.trim();
  if (!actor) return { purpose: null, error: null };
  if (!raw) {
    return isPurposeBound(actor)
      ? { purpose: null, error: new DomainError('FORBIDDEN', `an APP request must declare its purpose in the X-Purpose header (${READ_PURPOSES.join(', ')})`, { reason: 'PURPOSE_REQUIRED' }) }
      : { purpose: null, error: null };
  }
  if (!isReadPurpose(raw))
    return { purpose: null, error: new DomainError('BAD_USER_INPUT', `X-Purpose must be one of ${READ_PURPOSES.join(', ')}`, { reason: 'PURPOSE_UNKNOWN', field: 'X-Purpose' }) };
  if (actor.purposes && !actor.purposes.includes(raw))
    return {
      purpose: null,
      error: new DomainError('FORBIDDEN', `this token may declare only ${actor.purposes.join(', ') || 'no purpose'}`, { reason: 'PURPOSE_NOT_ALLOWED', purpose: raw }),
    };
  return { purpose: raw, error: null };
}

/** Why a person is left out of a read for a purpose, or null when they are in. */
export type ExclusionReason = 'PURPOSE_CONSENT_MISSING' | 'GPC_OPT_OUT' | 'PROCESSING_RESTRICTED';

/**
 * A person kept only because of a legal hold (RESTRICTED) is, to every read purpose but SECURITY,
 * as if erased: personal fields null, lists empty, status ERASED (11 CCR 7022(f)(3): used for the
 * hold's purpose alone; docs/legal.md, point 7). SECURITY sees what its row of the table allows.
 * Privileged roles, reading without a purpose, see the record as it is.
 */
export function seesRestrictedAsErased(purpose: ReadPurpose | null): boolean {
  return purpose !== null && purpose !== ReadPurpose.SECURITY;
}

/**
 * The SQL condition that keeps, in a list, only the people the purpose may read about (for
 * marketing: the consent granted, and no GPC opt-out where the row says so). Null when the
 * purpose reads about everyone. Being part of the list's own statement, pages stay full and
 * the statement count does not change.
 */
export function eligibilitySql(rule: ReadPurposeRule, subjectIdColumn: string): { sql: string; params: Record<string, unknown> } | null {
  if (!rule.requiresConsent && !rule.honoursGpcOptOut) return null;
  // A marketing purpose never reads about a person whose processing is restricted.
  const parts: string[] = [`NOT EXISTS (SELECT 1 FROM subjects rp_s WHERE rp_s.id = ${subjectIdColumn} AND rp_s.status = :rpRestricted)`];
  const params: Record<string, unknown> = { rpRestricted: SubjectStatus.RESTRICTED };
  if (rule.requiresConsent) {
    parts.push(`EXISTS (SELECT 1 FROM consents rp_c WHERE rp_c.subject_id = ${subjectIdColumn} AND rp_c.purpose = :rpConsent AND rp_c.status = :rpGranted)`);
    Object.assign(params, { rpConsent: rule.requiresConsent, rpGranted: ConsentStatus.GRANTED });
  }
  if (rule.honoursGpcOptOut) {
    parts.push(
      `NOT EXISTS (SELECT 1 FROM consents rp_g WHERE rp_g.subject_id = ${subjectIdColumn} AND rp_g.purpose = :rpSharing AND rp_g.status = :rpWithdrawn AND rp_g.source = :rpGpc)`,
    );
    Object.assign(params, { rpSharing: PurposeKey.THIRD_PARTY_MARKETING_SHARING, rpWithdrawn: ConsentStatus.WITHDRAWN, rpGpc: ConsentSource.GPC_SIGNAL });
  }
  return { sql: parts.join(' AND '), params };
}

/** For people asked for one by one: why each is left out (null: shown), in one statement. */
export async function exclusions(em: EntityManager, rule: ReadPurposeRule, subjectIds: readonly number[]): Promise<Map<number, ExclusionReason | null>> {
  const out = new Map<number, ExclusionReason | null>(subjectIds.map((id) => [id, null]));
  if ((!rule.requiresConsent && !rule.honoursGpcOptOut) || subjectIds.length === 0) return out;
  // One statement: the person's status (a restricted person is out) and the consents that decide.
  const rows: { subject_id: number; subject_status: string; purpose: string | null; status: string | null; source: string | null }[] = await em.query(
    `SELECT s.id AS subject_id, s.status AS subject_status, c.purpose, c.status, c.source
       FROM subjects s LEFT JOIN consents c ON c.subject_id = s.id AND c.purpose IN (?)
      WHERE s.id IN (?)`,
    [[rule.requiresConsent ?? PurposeKey.THIRD_PARTY_MARKETING_SHARING, PurposeKey.THIRD_PARTY_MARKETING_SHARING], subjectIds],
  );
  const granted = new Set<number>();
  const gpc = new Set<number>();
  const restricted = new Set<number>();
  for (const r of rows) {
    if (r.subject_status === SubjectStatus.RESTRICTED) restricted.add(Number(r.subject_id));
    const id = Number(r.subject_id);
    if (r.purpose === rule.requiresConsent && r.status === ConsentStatus.GRANTED) granted.add(id);
    if (r.purpose === PurposeKey.THIRD_PARTY_MARKETING_SHARING && r.status === ConsentStatus.WITHDRAWN && r.source === ConsentSource.GPC_SIGNAL) gpc.add(id);
  }
  for (const id of subjectIds) {
    if (restricted.has(id)) out.set(id, 'PROCESSING_RESTRICTED');
    else if (rule.honoursGpcOptOut && gpc.has(id)) out.set(id, 'GPC_OPT_OUT');
    else if (rule.requiresConsent && !granted.has(id)) out.set(id, 'PURPOSE_CONSENT_MISSING');
  }
  return out;
}

export function exclusionError(purpose: ReadPurpose, subjectId: number, reason: ExclusionReason): DomainError {
  const rule = READ_PURPOSE_RULES[purpose];
  return new DomainError(
    'FORBIDDEN',
    reason === 'PROCESSING_RESTRICTED'
      ? `user ${subjectId} asked to be erased; what is kept may be used for a legal obligation only, not for ${purpose}`
      : reason === 'GPC_OPT_OUT'
        ? `user ${subjectId} opted out of sharing with a Global Privacy Control signal, which ${purpose} honours`
        : `user ${subjectId} has not granted ${rule.requiresConsent}, which ${purpose} needs`,
    { reason, purpose, id: String(subjectId) },
  );
}

/**
 * One personal field of a person as a purpose may see it: as stored, generalized by the
 * anonymizer (null without one), or masked (null). `category` is set when a value is returned.
 */
export function presentField(
  rule: ReadPurposeRule,
  field: PersonalField,
  subject: Pick<Subject, PersonalField>,
  anonymizer: Anonymizer | undefined,
  now: Date,
): { value: string | null; category: string | null } {
  let value: string | null = null;
  if (rule.fields.includes(field)) value = subject[field] ?? null;
  else if (rule.generalized[field] === 'AGE_BAND' && anonymizer) {
    // A stored range is already generalized; a date of birth becomes its band.
    value = subject.birthDate ? anonymizer.ageBand(subject.birthDate, now) : (subject.ageRange ?? null);
  }
  return { value, category: value === null ? null : FIELD_CATEGORY[field] };
}
