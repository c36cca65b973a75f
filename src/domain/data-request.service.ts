import { In, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DataRequest } from '../entities/data-request.entity';
import { DataRequestStatus, DataRequestType, SubjectStatus, VerificationMethod, type VerificationLevel } from '../entities/enums';
import { REQUIRED_LEVEL } from './verification.rules';
import { Subject } from '../entities/subject.entity';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { ACKNOWLEDGE_BUSINESS_DAYS, ANSWER_DAYS, EXTENSION_DAYS, addBusinessDays, addDays, californiaLongDate } from './deadlines';
import { badInput, conflict, notFound } from './errors';
import { enqueueMessages } from './outbox.service';
import type { JobDeclarer, JobIntent, UseCaseOutcome, UseCaseRunner } from './job-intents';

export const OPEN_STATUSES = [DataRequestStatus.RECEIVED, DataRequestStatus.ACKNOWLEDGED, DataRequestStatus.IN_PROGRESS, DataRequestStatus.BLOCKED_BY_HOLD, DataRequestStatus.PARTIALLY_COMPLETED];
export const ERASURE_TYPES = [DataRequestType.ERASURE, DataRequestType.CHILD_DELETION];

export const ERASURE_JOB = 'erasure.run';
/** BullMQ priority: lower runs first. A child's data jumps every queue. */
export const PRIORITY = { CHILD_DELETION: 1, ERASURE: 10 } as const;

/** The erasure job of a request, keyed by the request id, so it is never queued twice. */
export function erasureJob(requestId: number, type: DataRequestType): JobIntent {
  return { name: ERASURE_JOB, key: `request-${requestId}`, payload: { requestId }, priority: type === DataRequestType.CHILD_DELETION ? PRIORITY.CHILD_DELETION : PRIORITY.ERASURE };
}

/** Declares the erasure job of a request in the caller's change. */
export async function declareErasure(jobs: JobDeclarer, requestId: number, type: DataRequestType): Promise<void> {
  await jobs.declare(erasureJob(requestId, type));
}

export interface OpenedRequest {
  request: DataRequest;
  /** False when an open request for the same subject was returned instead. */
  created: boolean;
}

/**
 * The row of a person's request as it arrives: acknowledged now, due to be acknowledged within 10
 * business days of receipt and answered within 45 days (1798.130(a)(2)), overdue from the start
 * when it arrived more than 45 days ago. Access and correction requests are opened with it.
 */
export function arrivedRequest(input: {
  type: DataRequestType;
  channel: string;
  subjectId: number;
  receivedAt: Date;
  verificationMethod: VerificationMethod;
  verificationRequired: VerificationLevel;
  createdBy: string;
  /** Closed on arrival (e.g. not verified): REJECTED with this code. */
  rejectedWith?: string;
}, now: Date): Omit<DataRequest, 'id' | 'subject' | 'createdAt' | 'updatedAt'> {
  const dueAt = addDays(input.receivedAt, ANSWER_DAYS);
  const rejected = input.rejectedWith !== undefined;
  return {
    type: input.type,
    status: rejected ? DataRequestStatus.REJECTED : DataRequestStatus.ACKNOWLEDGED,
    channel: input.channel,
    subjectId: input.subjectId,
    receivedAt: input.receivedAt,
    acknowledgeDueAt: addBusinessDays(input.receivedAt, ACKNOWLEDGE_BUSINESS_DAYS),
    acknowledgedAt: now,
    dueAt,
    extendedAt: null,
    extensionReason: null,
    completedAt: rejected ? now : null,
    overdue: !rejected && dueAt < now,
    reasonCode: input.rejectedWith ?? null,
    result: null,
    verificationMethod: input.verificationMethod,
    verificationRequired: input.verificationRequired,
    createdBy: input.createdBy,
  };
}

/** A request's channel as stored: one upper-case word such as WEB_FORM, EMAIL or PHONE. */
export function parseChannel(raw: string): string {
  const channel = raw.trim().toUpperCase();
  if (!/^[A-Z_]{2,40}$/.test(channel)) throw badInput('channel must be a word such as WEB_FORM, EMAIL or PHONE', { field: 'channel' });
  return channel;
}

async function lockSubject(em: EntityManager, subjectId: number): Promise<Subject> {
  const subject = await em.getRepository(Subject).findOne({ where: { id: subjectId }, lock: { mode: 'pessimistic_write' } });
  if (!subject) throw notFound('subject', subjectId);
  return subject;
}

/**
 * Opens an erasure (or child deletion) request. The subject row lock serializes duplicate
 * requests: a second request while one is open returns the open one. Receipt is confirmed
 * at once through the outbox, so the 10-business-day acknowledgement is met on arrival.
 */
export async function openErasureRequest(
  em: EntityManager,
  actor: Actor,
  input: { subjectId: number; type: DataRequestType.ERASURE | DataRequestType.CHILD_DELETION; channel: string; verification?: VerificationMethod | null },
  now = new Date(),
): Promise<OpenedRequest> {
  const channel = parseChannel(input.channel);
  const subject = await lockSubject(em, input.subjectId);
  if (subject.status === SubjectStatus.ERASED) throw conflict(`subject ${subject.id} has already been erased`, { reason: 'SUBJECT_ERASED' });
  const repo = em.getRepository(DataRequest);
  const open = await repo.findOne({ where: { subjectId: subject.id, type: input.type, status: In(OPEN_STATUSES) }, order: { id: 'ASC' } });
  if (open) return { request: open, created: false };

  const child = input.type === DataRequestType.CHILD_DELETION;
  const request = repo.create({
    type: input.type,
    status: DataRequestStatus.ACKNOWLEDGED,
    channel,
    subjectId: subject.id,
    receivedAt: now,
    acknowledgeDueAt: addBusinessDays(now, ACKNOWLEDGE_BUSINESS_DAYS),
    acknowledgedAt: now,
    // COPPA: on actual knowledge, at once.
    dueAt: child ? now : addDays(now, ANSWER_DAYS),
    extendedAt: null,
    extensionReason: null,
    completedAt: null,
    overdue: false,
    reasonCode: null,
    result: null,
    // A child's data is the company's own finding; a deletion records how its person was verified, when the caller says.
    verificationMethod: child ? VerificationMethod.NOT_APPLICABLE : (input.verification ?? null),
    verificationRequired: REQUIRED_LEVEL[input.type],
    createdBy: actor.id,
  });
  // The JSON result column defeats TypeORM's deep-partial type; the entity is complete.
  await repo.insert(request as QueryDeepPartialEntity<DataRequest>);
  if (subject.email && !child) {
    await enqueueMessages(em, [{
      kind: 'REQUEST_ACKNOWLEDGEMENT',
      to: subject.email,
      subject: 'We received your request to delete your personal information',
      text: `We received your request (reference ${request.id}) on ${californiaLongDate(now)} to delete the personal information we hold about you.\nWe will answer by ${californiaLongDate(request.dueAt)}.`,
      dataRequestId: request.id,
    }], now);
  }
  await appendAudit(em, actor, { action: child ? 'request.child-flagged' : 'request.received', entityType: 'DataRequest', entityId: request.id, details: { type: input.type, subjectId: subject.id, channel } });
  return { request: await repo.findOneByOrFail({ id: request.id }), created: true };
}

/** One extension of 45 days (90 at most), with the reason kept and the person told. */
export async function extendRequestDeadline(em: EntityManager, actor: Actor, requestId: number, reason: string, now = new Date()): Promise<DataRequest> {
  if (!reason.trim()) throw badInput('an extension states its reason', { field: 'reason' });
  const repo = em.getRepository(DataRequest);
  const request = await repo.findOne({ where: { id: requestId }, lock: { mode: 'pessimistic_write' } });
  if (!request) throw notFound('data request', requestId);
  // Deletion, access and correction have the 45 + 45 days of 1798.130(a)(2); a child's data goes at once; a Shine-the-Light notice has its own days.
  if (![DataRequestType.ERASURE, DataRequestType.ACCESS, DataRequestType.CORRECTION].includes(request.type)) throw conflict(`a ${request.type} request cannot be extended`, { reason: 'NOT_EXTENDABLE' });
  if (!OPEN_STATUSES.includes(request.status)) throw conflict(`request ${requestId} is ${request.status}`, { reason: 'REQUEST_CLOSED' });
  if (request.extendedAt) throw conflict(`request ${requestId} was already extended on ${request.extendedAt.toISOString()}`, { reason: 'ALREADY_EXTENDED' });
  const dueAt = addDays(request.dueAt, EXTENSION_DAYS);
  await repo.update({ id: requestId }, { dueAt, extendedAt: now, extensionReason: reason.trim(), overdue: dueAt < now });
  const subject = await em.getRepository(Subject).findOneBy({ id: request.subjectId });
  if (subject?.email)
    await enqueueMessages(em, [{
      kind: 'DEADLINE_EXTENSION',
      to: subject.email,
      subject: 'We need more time to answer your request',
      text: `We need more time to complete your request (reference ${request.id}). We will answer by ${californiaLongDate(dueAt)}.\nReason: ${reason.trim()}`,
      dataRequestId: request.id,
    }], now);
  await appendAudit(em, actor, { action: 'request.extended', entityType: 'DataRequest', entityId: requestId, details: { dueAt: dueAt.toISOString() } });
  return repo.findOneByOrFail({ id: requestId });
}

/** Marks open requests past their due date as overdue (and clears the flag when no longer true). */
export async function markOverdue(em: EntityManager, now = new Date()): Promise<number> {
  const result = await em.query(
    `UPDATE data_requests SET overdue = 1 WHERE overdue = 0 AND due_at < ? AND status IN (?)`,
    [now, OPEN_STATUSES],
  );
  return Number(result.affectedRows ?? 0);
}

/**
 * The use case of an erasure (or child deletion) request: opens it and, when it is new, declares
 * its job; both commit together.
 */
export function requestErasure(
  run: UseCaseRunner,
  actor: Actor,
  input: { subjectId: number; type: DataRequestType.ERASURE | DataRequestType.CHILD_DELETION; channel: string; verification?: VerificationMethod | null },
): Promise<UseCaseOutcome<OpenedRequest>> {
  return run(async (uow) => {
    const opened = await openErasureRequest(uow.em, actor, input);
    if (opened.created) await declareErasure(uow, opened.request.id, opened.request.type);
    return opened;
  });
}
