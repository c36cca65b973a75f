import type { EntityManager } from 'typeorm';
import type { DataRequest } from '../entities/data-request.entity';
import { DataRequestStatus, type DataRequestType, RecipientKind, SubjectStatus } from '../entities/enums';
import type { Actor } from './actor';
import { appendAudit } from './audit.service';
import { ERASURE_TYPES, OPEN_STATUSES, erasureJob } from './data-request.service';
import { notFound } from './errors';
import type { DomainHooks, ErasureVeto, HookContext, RetainedCopy } from './hooks';
import { erasureBlockedNotice, erasureConfirmation, recipientErasureNotice, requestRecordKeptUntil, type RecipientDisclosures } from './erasure-notice';
import { CONTACT_COLUMNS, deliveryTo, type PersonContact } from './postal-letter';
import { OutboxChannel } from '../entities/outbox-message.entity';
import type { JobDeclarer } from './job-intents';
import { cancelPendingMessagesTo, enqueueMessages, type OutboxDraft } from './outbox.service';
import { SUBJECT_COLUMNS_ERASED_TO_NULL, TABLES_DELETED_ON_ERASURE } from './personal-data.catalogue';

export type ErasureOutcome =
  | { status: 'COMPLETED'; erased: Record<string, number>; notifiedRecipientIds: number[]; kept?: RetainedCopy[]; alreadyErased?: boolean }
  | { status: 'BLOCKED_BY_HOLD'; code: string; refs: Record<string, number[]>; reasons: string[] }
  | { status: 'NOOP'; reason: string };

/** Recipients told of an erasure (CCPA: service providers, contractors and third parties). Authorities are not. */
export const NOTIFIED_KINDS = [RecipientKind.AGENT, RecipientKind.THIRD_PARTY, RecipientKind.AFFILIATE, RecipientKind.ACQUIRER, RecipientKind.PARTNER];

/**
 * Carries out one erasure request in the caller's transaction, on the locked subject row:
 * a legal hold (any plugin's veto) always wins; otherwise the subject's personal data goes,
 * consents and their history go, plugins de-identify what they retain, recipients that got
 * identifiable data are told through the outbox, and the request completes with a summary.
 * Running it again on a completed request does nothing.
 */
// The erasure is the hot path of the workers: its statements are plain SQL (no query builder,
// no entity hydration), so the locks it takes are held no longer than the database needs.
async function completeRequest(em: EntityManager, requestId: number, now: Date, result: Record<string, unknown>, reasonCode: string | null): Promise<void> {
  await em.query(`UPDATE data_requests SET status = ?, completed_at = ?, result = ?, reason_code = ? WHERE id = ?`, [DataRequestStatus.COMPLETED, now, JSON.stringify(result), reasonCode, requestId]);
}

/**
 * What the vetoes of all plugins add up to: the first veto's code (plugins in registry order),
 * each kind of reference merged and sorted, every reason.
 */
export function blockedBy(vetoes: ErasureVeto[]): { code: string; refs: Record<string, number[]>; reasons: string[] } {
  const refs: Record<string, number[]> = {};
  for (const v of vetoes) for (const [kind, ids] of Object.entries(v.refs)) refs[kind] = [...new Set([...(refs[kind] ?? []), ...ids])].sort((a, b) => a - b);
  const sorted = Object.fromEntries(Object.entries(refs).sort(([a], [b]) => a.localeCompare(b)));
  return { code: vetoes[0]!.code, refs: sorted, reasons: vetoes.map((v) => `${v.plugin}: ${v.reason}`) };
}

/** The references a blocked request's result holds (everything but its reasons). */
function refsOf(result: Record<string, unknown> | null): Record<string, unknown> {
  const { reasons: _reasons, ...refs } = result ?? {};
  return Object.fromEntries(Object.entries(refs).sort(([a], [b]) => a.localeCompare(b)));
}

// The statements' column and table lists come from the personal-data catalogue, built once here:
// the tombstone sets every personal field of the subject to NULL; the consent history, the
// consents and the email opens are deleted (in that order).
const TOMBSTONE_SQL = `UPDATE subjects SET ${SUBJECT_COLUMNS_ERASED_TO_NULL.map((c) => `${c} = NULL`).join(', ')}, status = ?, erased_at = ?, updated_at = ? WHERE id = ?`;
const DELETE_ROWS_SQL: Readonly<Record<string, string>> = Object.fromEntries(TABLES_DELETED_ON_ERASURE.map((t) => [t, `DELETE FROM ${t} WHERE subject_id = ?`]));

/** The erasure steps a plugin may take over from the core (see GatewayPlugin.erasureSteps). */
export const COLLECTION_EVENTS_STEP = 'collection_events_deidentified';
export const DISCLOSURES_STEP = 'disclosures_unlinked';

export async function runErasure(em: EntityManager, actor: Actor, requestId: number, hooks: DomainHooks, jobs: HookContext['jobs'], now = new Date()): Promise<ErasureOutcome> {
  const [row]: { type: DataRequest['type']; status: DataRequestStatus; subject_id: number; result: string | Record<string, unknown> | null; reason_code: string | null }[] = await em.query(
    'SELECT type, status, subject_id, result, reason_code FROM data_requests WHERE id = ? FOR UPDATE',
    [requestId],
  );
  if (!row) throw notFound('data request', requestId);
  if (!ERASURE_TYPES.includes(row.type)) return { status: 'NOOP', reason: `request ${requestId} is a ${row.type}` };
  if (!OPEN_STATUSES.includes(row.status)) return { status: 'NOOP', reason: `request ${requestId} is already ${row.status}` };
  const previous = (typeof row.result === 'string' ? JSON.parse(row.result) : row.result) as Record<string, unknown> | null;

  const [subject]: ({ id: number; status: SubjectStatus; phone: string | null } & PersonContact)[] = await em.query(`SELECT id, status, phone, ${CONTACT_COLUMNS} FROM subjects WHERE id = ? FOR UPDATE`, [row.subject_id]);
  if (!subject) throw notFound('subject', row.subject_id);
  const ctx: HookContext = { actor, jobs };

  if (subject.status === SubjectStatus.ERASED) {
    const result = { erased: {}, notifiedRecipientIds: [], alreadyErased: true };
    await completeRequest(em, requestId, now, result, 'ALREADY_ERASED');
    await appendAudit(em, actor, { action: 'erasure.completed', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, alreadyErased: true } });
    return { status: 'COMPLETED', ...result };
  }

  const vetoes = await hooks.vetoErasure(em, subject.id, ctx);
  if (vetoes.length > 0) {
    const blocked = blockedBy(vetoes);
    if (row.status !== DataRequestStatus.BLOCKED_BY_HOLD || JSON.stringify(refsOf(previous)) !== JSON.stringify(blocked.refs) || row.reason_code !== blocked.code) {
      await em.query(`UPDATE data_requests SET status = ?, result = ?, reason_code = ? WHERE id = ?`, [
        DataRequestStatus.BLOCKED_BY_HOLD, JSON.stringify({ ...blocked.refs, reasons: blocked.reasons }), blocked.code, requestId,
      ]);
      // Kept only because of the hold: used for its purpose alone until the erasure completes (point 7).
      if (subject.status === SubjectStatus.ACTIVE) await em.query('UPDATE subjects SET status = ? WHERE id = ?', [SubjectStatus.RESTRICTED, subject.id]);
      await appendAudit(em, actor, { action: 'erasure.blocked', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, ...blocked.refs } });
      // The person is told once, when the request stops (7022(f)(1)); not again each time it is asked anew.
      if (row.status !== DataRequestStatus.BLOCKED_BY_HOLD) await enqueueMessages(em, toPerson(requestId, subject, 'ERASURE_BLOCKED', erasureBlockedNotice(requestId)), now);
    }
    return { status: 'BLOCKED_BY_HOLD', ...blocked };
  }

  // What plugins keep of the person afterwards (export files, preserved copies): read before any step changes it.
  const kept = await hooks.retainedCopies(em, subject.id, ctx);
  // Who received identifiable data, and which categories and when: read before the disclosures
  // are unlinked, so each recipient's notice can name the person by what it received (point 4).
  const received: { id: number; name: string; email: string | null; category_key: string | null; first_at: Date; last_at: Date }[] = await em.query(
    `SELECT r.id, r.name, r.email, dc.category_key, MIN(d.occurred_at) AS first_at, MAX(d.occurred_at) AS last_at
       FROM disclosures d JOIN recipients r ON r.id = d.recipient_id
       LEFT JOIN disclosure_categories dc ON dc.subject_id = d.subject_id AND dc.disclosure_id = d.id
      WHERE d.subject_id = ? AND d.identifiable = 1 AND r.kind IN (?)
      GROUP BY r.id, r.name, r.email, dc.category_key ORDER BY r.id, dc.category_key`,
    [subject.id, NOTIFIED_KINDS],
  );
  const recipients = recipientsOf(received);

  const erased: Record<string, number> = {};
  const count = (table: string, result: { affectedRows?: number }) => {
    erased[table] = (erased[table] ?? 0) + Number(result.affectedRows ?? 0);
  };
  for (const table of TABLES_DELETED_ON_ERASURE) count(table, await em.query(DELETE_ROWS_SQL[table]!, [subject.id]));

  const steps = await hooks.erasureSteps(em, subject.id, ctx);
  for (const [table, n] of Object.entries(steps)) erased[table] = (erased[table] ?? 0) + n;
  // Whatever no plugin took over cannot stay linked: raw collection events go, disclosures are unlinked.
  if (!(COLLECTION_EVENTS_STEP in steps)) count('collection_events', await em.query('DELETE FROM collection_events WHERE subject_id = ?', [subject.id]));
  if (!(DISCLOSURES_STEP in steps)) count('disclosures_unlinked', await em.query('UPDATE disclosures SET subject_id = NULL WHERE subject_id = ?', [subject.id]));

  // Nothing more is sent to the person but this erasure's confirmation (docs/legal.md, 11 CCR 7022):
  // mail still waiting for them (a policy notice, a marketing email) is cancelled first.
  count('outbox_messages_cancelled', { affectedRows: await cancelPendingMessagesTo(em, { email: subject.email, subjectId: subject.id }) });
  erased.subjects = 1;
  await enqueueMessages(em, erasureMessages(requestId, subject, recipients, { erased, kept, completedAt: now }), now);

  await em.query(TOMBSTONE_SQL, [SubjectStatus.ERASED, now, now, subject.id]);
  const notifiedRecipientIds = recipients.map((r) => Number(r.id));
  const result = {
    erased,
    notifiedRecipientIds,
    recipientsWithoutContact: recipients.filter((r) => !r.email).map((r) => Number(r.id)),
    // What stays, under which exception and until when, as the confirmation tells the person (7022(f)).
    kept: kept.map((k) => ({ ...k, until: k.until ? k.until.toISOString() : null })),
    requestRecordKeptUntil: requestRecordKeptUntil(now).toISOString(),
  };
  await completeRequest(em, requestId, now, result, null);
  await appendAudit(em, actor, { action: 'erasure.completed', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, ...result } });
  return { status: 'COMPLETED', erased, notifiedRecipientIds, kept };
}

/** A message to the person, by email or else by post; none when neither address is on record. */
function toPerson(requestId: number, person: PersonContact, kind: string, message: { subject: string; text: string }): OutboxDraft[] {
  const delivery = deliveryTo(person);
  if (delivery.by === 'NONE') return [];
  return [{ kind, channel: delivery.by === 'EMAIL' ? OutboxChannel.EMAIL : OutboxChannel.POST, to: delivery.to, subject: message.subject, text: message.text, dataRequestId: requestId }];
}

/** A recipient of the person's data, with every category it received and when. */
export interface NotifiedRecipient extends RecipientDisclosures {
  id: number;
  email: string | null;
}

/** Folds the recipients statement's rows (one per recipient and category) into one entry per recipient. */
export function recipientsOf(rows: { id: number; name: string; email: string | null; category_key: string | null; first_at: Date; last_at: Date }[]): NotifiedRecipient[] {
  const byId = new Map<number, NotifiedRecipient>();
  for (const r of rows) {
    const id = Number(r.id);
    const first = new Date(r.first_at);
    const last = new Date(r.last_at);
    const entry = byId.get(id);
    if (!entry) byId.set(id, { id, name: r.name, email: r.email, categories: r.category_key ? [r.category_key] : [], firstAt: first, lastAt: last });
    else {
      if (r.category_key) entry.categories.push(r.category_key);
      if (first < entry.firstAt) entry.firstAt = first;
      if (last > entry.lastAt) entry.lastAt = last;
    }
  }
  return [...byId.values()];
}

/**
 * The notices an erasure sends: one to each recipient with an address, naming the person by what
 * it received (its body is cleared once sent: ERASURE_NOTICE is a kind whose body names someone
 * other than its addressee), and a confirmation to the person (by email, or by post to a person
 * without one) saying what went and what stays.
 */
export function erasureMessages(
  requestId: number,
  subject: { id: number; phone: string | null } & PersonContact,
  recipients: NotifiedRecipient[],
  account: { erased: Record<string, number>; kept: RetainedCopy[]; completedAt: Date },
): OutboxDraft[] {
  const person = {
    name: subject.name,
    email: subject.email,
    phone: subject.phone,
    postalAddress: [subject.street_address, subject.city, subject.postal_code].map((p) => p?.trim()).filter(Boolean).join(', ') || null,
  };
  const drafts: OutboxDraft[] = recipients
    .filter((r) => r.email)
    .map((r) => {
      const notice = recipientErasureNotice(requestId, person, r);
      return { kind: 'ERASURE_NOTICE', to: r.email!, subject: notice.subject, text: notice.text, dataRequestId: requestId, recipientId: r.id };
    });
  drafts.push(...toPerson(requestId, subject, 'ERASURE_CONFIRMATION', erasureConfirmation({ requestId, ...account })));
  return drafts;
}

/**
 * Core handler of onHoldReleased: the blocked erasures of the hold's subjects run again, their
 * jobs declared in the release's own change (so a Redis outage only delays them). The job asks the
 * vetoes afresh: a freed subject is erased; one still held stays blocked, citing only what still
 * vetoes it (docs/legal.md, point 9). The status stays BLOCKED_BY_HOLD until the job decides.
 */
export async function resumeBlockedErasures(em: EntityManager, subjectIds: number[], jobs: JobDeclarer): Promise<number[]> {
  if (subjectIds.length === 0) return [];
  const blocked: { id: number; type: DataRequestType }[] = await em.query(
    `SELECT id, type FROM data_requests WHERE subject_id IN (?) AND status = ? ORDER BY id FOR UPDATE`,
    [subjectIds, DataRequestStatus.BLOCKED_BY_HOLD],
  );
  if (blocked.length === 0) return [];
  await jobs.declare(...blocked.map((b) => erasureJob(Number(b.id), b.type)));
  return blocked.map((b) => Number(b.id));
}
