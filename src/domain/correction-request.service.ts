import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CorrectionChange, CorrectionRequest } from '../entities/correction.entity';
import { DataRequest } from '../entities/data-request.entity';
import { CorrectionStatus, DataRequestStatus, DataRequestType, SubjectStatus } from '../entities/enums';
import { Subject } from '../entities/subject.entity';
import type { Actor } from './actor';
import { appendAudit, type AuditEntry } from './audit.service';
import { correctionAnswer, recipientCorrectionNotice, type CorrectionLine } from './correction-notice';
import { OPEN_STATUSES, arrivedRequest, parseChannel } from './data-request.service';
import { californiaLongDate } from './deadlines';
import { recipientsOf } from './erasure-notice';
import { KINDS_TOLD_OF_REQUESTS, identifiableRecipientsOf } from './recipient.service';
import { badInput, conflict, notFound } from './errors';
import { enqueueMessages, type OutboxDraft } from './outbox.service';
import { SUBJECT_FIELDS, categoryOf, type SubjectField } from './personal-data.catalogue';
import { deliveryTo, writtenAnswer, type PersonContact } from './postal-letter';
import { checkSubjectChange, updateSubject, type SubjectFields } from './subject.service';
import { REQUIRED_LEVEL, VerificationLevel, VerificationMethod, levelOf, meets } from './verification.rules';

/**
 * Correction requests (CCPA 1798.106, 11 CCR 7023; issue 22, point 3): the person says which of
 * their fields are wrong and what is right; privacy operations accept or reject each with a reason;
 * once every change is decided, the accepted ones go through the normal update path (its rules and
 * its audit), the recipients that received a corrected category are told, and the person is
 * answered, rejections with their reasons. Deadlines as a deletion's.
 */

export interface ProposedCorrection {
  field: SubjectField;
  value: string | null;
}

const FIELD = new Map(SUBJECT_FIELDS.map((f) => [f.property as string, f]));

export interface OpenedCorrection {
  request: DataRequest;
  changes: CorrectionChange[];
}

/**
 * Opens a correction request. Each proposed value is checked by the rules of the update path now
 * (a bad value is the requester's mistake, refused at once); the email's uniqueness is checked
 * when it is applied. A person verified below a reasonable degree (7062(d)) gets no change: the
 * request is recorded, rejected at once, and they are told why.
 */
export async function openCorrectionRequest(
  em: EntityManager,
  actor: Actor,
  input: { subjectId: number; changes: SubjectFields; evidence: string | null; channel: string; verification: VerificationMethod; receivedAt?: Date },
  now = new Date(),
): Promise<OpenedCorrection> {
  const channel = parseChannel(input.channel);
  const receivedAt = input.receivedAt ?? now;
  if (receivedAt.getTime() > now.getTime() + 5 * 60_000) throw badInput('receivedAt is in the future', { field: 'receivedAt' });
  if (receivedAt.getTime() < now.getTime() - 366 * 86400_000) throw badInput('receivedAt is more than 366 days ago', { field: 'receivedAt' });
  if (input.verification === VerificationMethod.NOT_APPLICABLE) throw badInput('a person asks for a correction: their verification applies', { field: 'verification' });
  const evidence = input.evidence?.trim() || null;
  if (evidence && evidence.length > 10_000) throw badInput('evidence is at most 10,000 characters', { field: 'evidence' });
  const proposed = (Object.keys(input.changes) as (keyof SubjectFields)[]).filter((k) => input.changes[k] !== undefined);
  for (const k of proposed) if (!FIELD.has(k)) throw badInput(`${k} is not a field a person can correct`, { field: k });

  const subject = await em.getRepository(Subject).findOne({ where: { id: input.subjectId }, lock: { mode: 'pessimistic_write' } });
  if (!subject) throw notFound('subject', input.subjectId);
  if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subject.id} has been erased: there is nothing to correct`, { reason: 'SUBJECT_ERASED' });
  if (subject.status === SubjectStatus.RESTRICTED) throw conflict(`subject ${subject.id} asked to be erased and a legal hold keeps part of their data: it is not changed`, { reason: 'SUBJECT_RESTRICTED' });
  const { changes } = checkSubjectChange(subject, input.changes, now);
  const open = await em.getRepository(DataRequest).findOne({ where: { subjectId: subject.id, type: DataRequestType.CORRECTION, status: In(OPEN_STATUSES) } });
  if (open) throw conflict(`correction request ${open.id} of this person is still open: decide it first`, { reason: 'CORRECTION_OPEN', requestId: String(open.id) });

  const verified = meets(levelOf(input.verification), REQUIRED_LEVEL.ERASURE);
  const repo = em.getRepository(DataRequest);
  const request = repo.create(arrivedRequest({
    type: DataRequestType.CORRECTION, channel, subjectId: subject.id, receivedAt,
    verificationMethod: input.verification, verificationRequired: VerificationLevel.REASONABLE, createdBy: actor.id,
    rejectedWith: verified ? undefined : 'NOT_VERIFIED',
  }, now));
  await repo.insert(request as QueryDeepPartialEntity<DataRequest>);
  await em.getRepository(CorrectionRequest).insert({ requestId: request.id, subjectId: subject.id, evidence });
  const notVerified = 'we could not verify that the request came from you';
  await em.getRepository(CorrectionChange).insert(
    proposed.map((k) => ({
      requestId: request.id, subjectId: subject.id, field: k, proposedValue: (changes[k] as string | null | undefined) ?? null,
      status: verified ? CorrectionStatus.PENDING : CorrectionStatus.REJECTED, reason: verified ? null : notVerified,
      decidedBy: verified ? null : actor.id, decidedAt: verified ? null : now,
    })),
  );
  const message = verified
    ? { kind: 'REQUEST_ACKNOWLEDGEMENT', subject: 'We received your request to correct your personal information', text: `We received your request (reference ${request.id}) on ${californiaLongDate(receivedAt)} to correct your personal information.\nWe will answer by ${californiaLongDate(request.dueAt)}.` }
    : {
        kind: 'CORRECTION_ANSWER',
        subject: 'Your request to correct your personal information',
        text: `We received your request (reference ${request.id}) to correct your personal information, but we could not verify that it came from you, so we have not changed anything.\nYou may make the request again with information that lets us verify you.`,
      };
  await enqueueMessages(em, writtenAnswer(deliveryTo(contactOf(subject)), request.id, message), now);
  await appendAudit(em, actor, {
    action: verified ? 'request.received' : 'request.rejected', entityType: 'DataRequest', entityId: request.id,
    details: { type: DataRequestType.CORRECTION, subjectId: subject.id, channel, verification: input.verification, fields: [...proposed].sort(), ...(verified ? {} : { reasonCode: 'NOT_VERIFIED' }) },
  });
  return { request: await repo.findOneByOrFail({ id: request.id }), changes: await changesOf(em, request.id) };
}

export function changesOf(em: EntityManager, requestId: number): Promise<CorrectionChange[]> {
  return em.getRepository(CorrectionChange).find({ where: { requestId }, order: { id: 'ASC' } });
}

function contactOf(s: Subject): PersonContact {
  return { email: s.email, name: s.name, street_address: s.streetAddress, city: s.city, postal_code: s.postalCode, region: s.region, country: s.country };
}

export interface CorrectionDecision {
  field: SubjectField;
  accept: boolean;
  reason: string;
}

/**
 * Decides some or all of a request's changes, each with its reason. When none is left pending, in
 * the same change: the accepted values are applied through updateSubject (a value its rules refuse
 * now, such as an email another person has, fails the whole decision and changes nothing: reject
 * it instead), each recipient that received a corrected category is told, the person is answered,
 * and the request completes (REJECTED when nothing was accepted).
 */
export async function decideCorrection(em: EntityManager, actor: Actor, requestId: number, decisions: CorrectionDecision[], settings: { company: string }, now = new Date()): Promise<DataRequest> {
  if (decisions.length === 0) throw badInput('decide at least one change', { field: 'decisions' });
  const fields = decisions.map((d) => d.field);
  if (new Set(fields).size !== fields.length) throw badInput('a field is decided twice', { field: 'decisions' });
  for (const d of decisions) {
    if (!d.reason.trim()) throw badInput(`the decision on ${d.field} states its reason`, { field: 'reason' });
    if (d.reason.length > 1000) throw badInput('a reason is at most 1000 characters', { field: 'reason' });
  }
  const seen = await em.getRepository(DataRequest).findOneBy({ id: requestId });
  if (!seen) throw notFound('data request', requestId);
  if (seen.type !== DataRequestType.CORRECTION) throw badInput(`request ${requestId} is ${seen.type}, not CORRECTION`);
  // The person first, then the request: the erasure's order.
  const subject = await em.getRepository(Subject).findOne({ where: { id: seen.subjectId }, lock: { mode: 'pessimistic_write' } });
  const request = await em.getRepository(DataRequest).findOneOrFail({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
  if (!OPEN_STATUSES.includes(request.status)) throw conflict(`request ${requestId} is ${request.status}`, { reason: 'REQUEST_CLOSED' });
  if (!subject || subject.status === SubjectStatus.ERASED) throw conflict(`subject ${request.subjectId} has been erased`, { reason: 'SUBJECT_ERASED' });
  // Restricted (a hold stops their erasure): what it keeps is used for the hold alone and not
  // changed; a change can still be rejected, so that the request can be answered in time.
  if (subject.status === SubjectStatus.RESTRICTED && decisions.some((d) => d.accept))
    throw conflict(`subject ${request.subjectId} is restricted: what a hold keeps is not changed; reject the changes with that reason`, { reason: 'SUBJECT_RESTRICTED' });
  const changes = await changesOf(em, requestId);
  for (const d of decisions) {
    const change = changes.find((c) => c.field === d.field);
    if (!change) throw badInput(`request ${requestId} does not ask to correct ${d.field}`, { field: d.field });
    if (change.status !== CorrectionStatus.PENDING) throw conflict(`${d.field} was already ${change.status.toLowerCase()}`, { reason: 'ALREADY_DECIDED', field: d.field });
    change.status = d.accept ? CorrectionStatus.ACCEPTED : CorrectionStatus.REJECTED;
    change.reason = d.reason.trim();
    change.decidedBy = actor.id;
    change.decidedAt = now;
    await em.getRepository(CorrectionChange).update({ id: change.id }, { status: change.status, reason: change.reason, decidedBy: actor.id, decidedAt: now });
  }
  await appendAudit(em, actor, { action: 'request.correction-decided', entityType: 'DataRequest', entityId: requestId, details: { decisions: decisions.map((d) => ({ field: d.field, accepted: d.accept })) } });

  if (changes.some((c) => c.status === CorrectionStatus.PENDING)) {
    if (request.status !== DataRequestStatus.IN_PROGRESS) await em.getRepository(DataRequest).update({ id: requestId }, { status: DataRequestStatus.IN_PROGRESS });
    return em.getRepository(DataRequest).findOneByOrFail({ id: requestId });
  }
  return completeCorrection(em, actor, request, subject, changes, settings, now);
}

async function completeCorrection(em: EntityManager, actor: Actor, request: DataRequest, before: Subject, changes: CorrectionChange[], settings: { company: string }, now: Date): Promise<DataRequest> {
  const accepted = changes.filter((c) => c.status === CorrectionStatus.ACCEPTED);
  const rejected = changes.filter((c) => c.status === CorrectionStatus.REJECTED);
  const lines: CorrectionLine[] = accepted.map((c) => {
    const f = FIELD.get(c.field)!;
    return { column: f.column, category: categoryOf(f), value: c.proposedValue };
  });
  let told: number[] = [];
  const unreachable: number[] = [];
  const drafts: OutboxDraft[] = [];
  if (accepted.length > 0) {
    // The normal update path: its rules (an email or a phone left, no child, a unique email) and its audit.
    const patch: SubjectFields = Object.fromEntries(accepted.map((c) => [c.field, c.proposedValue]));
    await updateSubject(em, actor, request.subjectId, patch, now);
    // Who received a corrected category, identifiably: named by what it received, before the correction.
    const rows = await identifiableRecipientsOf(em, request.subjectId, KINDS_TOLD_OF_REQUESTS);
    const person = {
      name: before.name, email: before.email, phone: before.phone,
      postalAddress: [before.streetAddress, before.city, before.postalCode].map((p) => p?.trim()).filter(Boolean).join(', ') || null,
    };
    for (const r of recipientsOf(rows)) {
      const notice = recipientCorrectionNotice(request.id, person, r, lines);
      if (!notice) continue;
      if (!r.email) {
        unreachable.push(r.id);
        continue;
      }
      told.push(r.id);
      drafts.push({ kind: 'CORRECTION_NOTICE', to: r.email, subject: notice.subject, text: notice.text, dataRequestId: request.id, recipientId: r.id });
    }
    told = told.sort((a, b) => a - b);
  }
  const after = await em.getRepository(Subject).findOneByOrFail({ id: request.subjectId });
  const answer = correctionAnswer({ requestId: request.id, company: settings.company, accepted: lines, rejected: rejected.map((c) => ({ column: FIELD.get(c.field)!.column, reason: c.reason ?? '' })), recipientsTold: told.length, recipientsUnreachable: unreachable.length });
  drafts.push(...writtenAnswer(deliveryTo(contactOf(after)), request.id, { kind: 'CORRECTION_ANSWER', ...answer }));
  await enqueueMessages(em, drafts, now);
  const status = accepted.length > 0 ? DataRequestStatus.COMPLETED : DataRequestStatus.REJECTED;
  const reasonCode = accepted.length === 0 ? 'CORRECTION_REJECTED' : rejected.length > 0 ? 'PARTLY_REJECTED' : null;
  const result = {
    corrected: accepted.map((c) => c.field), rejected: rejected.map((c) => ({ field: c.field, reason: c.reason })),
    recipientsTold: told, recipientsWithoutContact: unreachable.sort((a, b) => a - b),
  };
  await em.getRepository(DataRequest).update({ id: request.id }, { status, completedAt: now, reasonCode, result } as QueryDeepPartialEntity<DataRequest>);
  await appendAudit(em, actor, { action: 'request.correction-completed', entityType: 'DataRequest', entityId: request.id, details: { corrected: result.corrected, rejected: rejected.map((c) => c.field), recipientsTold: told } });
  return em.getRepository(DataRequest).findOneByOrFail({ id: request.id });
}

/**
 * At erasure: the person's correction requests still open close (SUBJECT_ERASED, or
 * SUBJECT_RESTRICTED when a hold keeps part of them: restricted data is used for the hold alone),
 * their pending changes rejected with the reason; the audit entries are the erasure's to append.
 */
export async function closeCorrectionsOfErased(em: EntityManager, subjectId: number, how: 'ERASED' | 'RESTRICTED', now: Date): Promise<AuditEntry[]> {
  const open: { id: number }[] = await em.query(`SELECT id FROM data_requests WHERE subject_id = ? AND type = 'CORRECTION' AND status IN (?) FOR UPDATE`, [subjectId, OPEN_STATUSES]);
  if (open.length === 0) return [];
  const ids = open.map((r) => Number(r.id));
  const reasonCode = how === 'ERASED' ? 'SUBJECT_ERASED' : 'SUBJECT_RESTRICTED';
  const why = how === 'ERASED' ? 'your information was deleted at your request before this change was decided' : 'your information was deleted at your request, except what a legal obligation keeps, which may not be changed';
  await em.query(`UPDATE correction_changes SET status = 'REJECTED', reason = ?, decided_by = 'system:erasure', decided_at = ? WHERE request_id IN (?) AND status = 'PENDING'`, [why, now, ids]);
  await em.query(`UPDATE data_requests SET status = 'REJECTED', reason_code = ?, completed_at = ? WHERE id IN (?)`, [reasonCode, now, ids]);
  return ids.map((id) => ({ action: 'request.rejected', entityType: 'DataRequest', entityId: id, details: { subjectId, reasonCode } }));
}

/** At erasure: what the person proposed and sent goes; the decisions stay with the request record. */
export async function clearCorrectionsOf(em: EntityManager, subjectId: number): Promise<void> {
  await em.query('UPDATE correction_changes SET proposed_value = NULL WHERE subject_id = ?', [subjectId]);
  await em.query('UPDATE correction_requests SET evidence = NULL WHERE subject_id = ?', [subjectId]);
}
