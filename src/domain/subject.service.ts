import type { EntityManager } from 'typeorm';
import { Subject } from '../entities/subject.entity';
import { SubjectSource, SubjectStatus } from '../entities/enums';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { isDuplicateKeyError } from './db-errors';
import { badInput, conflict, notFound } from './errors';

export interface SubjectFields {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  streetAddress?: string | null;
  city?: string | null;
  postalCode?: string | null;
  region?: string | null;
  country?: string | null;
  birthDate?: string | null;
  ageRange?: string | null;
}

export interface RegisterSubjectInput extends SubjectFields {
  source?: SubjectSource;
}

/** The policy: the company does not knowingly collect data of children under 13. */
export const MINIMUM_AGE = 13;

export function ageOn(birthDate: string, on: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = on.getUTCFullYear() - y;
  const beforeBirthday = on.getUTCMonth() + 1 < m || (on.getUTCMonth() + 1 === m && on.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

function checkAge(fields: SubjectFields, now: Date): void {
  if (fields.birthDate) {
    const age = ageOn(fields.birthDate, now);
    if (age < 0) throw badInput('birthDate is in the future', { field: 'birthDate' });
    if (age < MINIMUM_AGE)
      throw badInput(`we do not collect data of children under ${MINIMUM_AGE}; nothing was stored`, {
        field: 'birthDate',
        reason: 'UNDER_MINIMUM_AGE',
      });
  }
  if (fields.ageRange) {
    const m = /^(\d{1,3})(?:-(\d{1,3})|\+)$/.exec(fields.ageRange);
    if (!m) throw badInput('ageRange must look like "25-34" or "65+"', { field: 'ageRange' });
    const upper = m[2] === undefined ? Infinity : Number(m[2]);
    if (upper < Number(m[1])) throw badInput('ageRange upper bound is below its lower bound', { field: 'ageRange' });
    if (upper < MINIMUM_AGE)
      throw badInput(`we do not collect data of children under ${MINIMUM_AGE}; nothing was stored`, {
        field: 'ageRange',
        reason: 'UNDER_MINIMUM_AGE',
      });
  }
}

function normalize<T extends SubjectFields>(fields: T): T {
  const out = { ...fields };
  for (const key of Object.keys(out) as (keyof SubjectFields)[]) {
    const v = out[key];
    if (typeof v === 'string') (out as SubjectFields)[key] = v.trim() === '' ? null : v.trim();
  }
  if (out.email) out.email = out.email.toLowerCase();
  if (out.country) out.country = out.country.toUpperCase();
  if (out.region) out.region = out.region.toUpperCase();
  if (out.region && out.country && !out.region.startsWith(`${out.country}-`))
    throw badInput(`region ${out.region} is not in country ${out.country}`, { field: 'region' });
  return out;
}

export async function registerSubject(em: EntityManager, actor: Actor, input: RegisterSubjectInput, now = new Date()): Promise<Subject> {
  const fields = normalize(input);
  if (!fields.email && !fields.phone) throw badInput('an email or a phone number is required', { field: 'email' });
  checkAge(fields, now);
  const repo = em.getRepository(Subject);
  const subject = repo.create({ ...fields, status: SubjectStatus.ACTIVE, source: input.source ?? SubjectSource.CONTACT_FORM });
  try {
    await repo.insert(subject);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict('a subject with this email already exists', { field: 'email' });
    throw err;
  }
  await appendAudit(em, actor, { action: 'subject.registered', entityType: 'Subject', entityId: subject.id, details: { source: subject.source } });
  return repo.findOneByOrFail({ id: subject.id });
}

/** Loads and locks a subject for a change; erased subjects cannot change. */
export async function lockSubjectForChange(em: EntityManager, subjectId: number): Promise<Subject> {
  const subject = await em.getRepository(Subject).findOne({ where: { id: subjectId }, lock: { mode: 'pessimistic_write' } });
  if (!subject) throw notFound('subject', subjectId);
  if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subjectId} has been erased`, { reason: 'SUBJECT_ERASED' });
  return subject;
}

/**
 * The rules of a change to a subject's fields, without writing it: normalized values, an email or
 * a phone left, a region in its country, no child. A correction request checks what the person
 * proposes with it when it arrives, and the update path again when it is applied.
 */
export function checkSubjectChange(current: SubjectFields, input: SubjectFields, now = new Date()): { changes: SubjectFields; changed: (keyof SubjectFields)[] } {
  const changes = normalize(input);
  const merged = { ...current, ...changes };
  if (!merged.email && !merged.phone) throw badInput('an email or a phone number is required', { field: 'email' });
  if (merged.region && merged.country && !merged.region.startsWith(`${merged.country}-`))
    throw badInput(`region ${merged.region} is not in country ${merged.country}`, { field: 'region' });
  checkAge(changes, now);
  const changed = (Object.keys(changes) as (keyof SubjectFields)[]).filter((k) => changes[k] !== undefined);
  if (changed.length === 0) throw badInput('nothing to update');
  return { changes, changed };
}

export async function updateSubject(em: EntityManager, actor: Actor, subjectId: number, input: SubjectFields, now = new Date()): Promise<Subject> {
  const current = await lockSubjectForChange(em, subjectId);
  const { changes, changed } = checkSubjectChange(current, input, now);
  try {
    await em.getRepository(Subject).update({ id: subjectId }, changes);
  } catch (err) {
    if (isDuplicateKeyError(err)) throw conflict('a subject with this email already exists', { field: 'email' });
    throw err;
  }
  // Field names only: the audit log holds no personal data.
  await appendAudit(em, actor, { action: 'subject.updated', entityType: 'Subject', entityId: subjectId, details: { fields: changed.sort() } });
  return em.getRepository(Subject).findOneByOrFail({ id: subjectId });
}
