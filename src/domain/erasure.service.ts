import type { EntityManager } from 'typeorm';
import type { DataRequest } from '../entities/data-request.entity';
import { DataRequestStatus, type DataRequestType, RecipientKind, SubjectStatus } from '../entities/enums';
import type { Actor } from './actor';
import { appendAudit, appendAuditBatch } from './audit.service';
import { ERASURE_TYPES, OPEN_STATUSES, erasureJob } from './data-request.service';
import { notFound } from './errors';
import type { DomainHooks, ErasureVeto, HeldRows, HookContext, RetainedCopy } from './hooks';
import { consentEventKept, disclosureKept, keepsConsents, keepsEverything, keptCategoryKeys, keptSubjectColumns, visitKept, type ErasureScope } from './erasure-scope';
import { erasureBlockedNotice, erasureConfirmation, erasurePartialNotice, heldDescription, recipientErasureNotice, recipientsOf, requestRecordKeptUntil, type NotifiedRecipient, type RecipientDisclosures } from './erasure-notice';
import { CONTACT_COLUMNS, deliveryTo, writtenAnswer, type PersonContact } from './postal-letter';
import type { JobDeclarer } from './job-intents';
import { cancelPendingMessagesTo, enqueueMessages, type OutboxDraft } from './outbox.service';
import { closeNoticesOfErased } from './california-notice.service';
import { closeAccessRequestsOfErased, expireAccessPackagesOf, restartAccessRequestsOf } from './access-request.service';
import { clearCorrectionsOf, closeCorrectionsOfErased } from './correction-request.service';
import { SUBJECT_COLUMNS_ERASED_TO_NULL, TABLES_DELETED_ON_ERASURE } from './personal-data.catalogue';
import { KINDS_TOLD_OF_REQUESTS, identifiableRecipientsOf } from './recipient.service';

export type ErasureOutcome =
  | { status: 'COMPLETED'; erased: Record<string, number>; notifiedRecipientIds: number[]; kept?: RetainedCopy[]; alreadyErased?: boolean }
  | { status: 'BLOCKED_BY_HOLD'; code: string; refs: Record<string, number[]>; reasons: string[] }
  | { status: 'PARTIALLY_COMPLETED'; code: string; refs: Record<string, number[]>; erased: Record<string, number>; keptColumns: string[] }
  | { status: 'NOOP'; reason: string };

/** Recipients told of an erasure (CCPA: service providers, contractors and third parties). Authorities are not. */
export const NOTIFIED_KINDS = KINDS_TOLD_OF_REQUESTS;

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

/** What a request's result carries besides the vetoes' references (a partial run's account). */
const NOT_REFS = new Set(['reasons', 'partial', 'erased', 'keptColumns', 'keptCategories', 'kept', 'notifiedRecipientIds', 'recipientsWithoutContact', 'unreachableRecipients']);

/** The references a blocked or partial request's result holds. */
function refsOf(result: Record<string, unknown> | null): Record<string, unknown> {
  return Object.fromEntries(Object.entries(result ?? {}).filter(([k]) => !NOT_REFS.has(k)).sort(([a], [b]) => a.localeCompare(b)));
}

/** A recipient a partial run could not tell (no address): what it received, to tell it on a later run. */
interface UnreachableRecipient {
  id: number;
  categories: string[];
  firstAt: string;
  lastAt: string;
}

/** What an earlier partial run did, carried into the request's later results: who was told, what went. */
function carriedOver(previous: Record<string, unknown> | null): Record<string, unknown> {
  if (!previous?.partial) return {};
  return {
    partial: true, erased: previous.erased, notifiedRecipientIds: previous.notifiedRecipientIds, recipientsWithoutContact: previous.recipientsWithoutContact,
    unreachableRecipients: previous.unreachableRecipients,
  };
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
  // A veto that names no scope keeps everything; a hold scoped to categories or dates keeps only
  // those, and the rest is erased now (docs/legal.md, point 6).
  const scopes = vetoes.flatMap((v) => v.keep ?? [EVERYTHING]);
  if (vetoes.length > 0 && scopes.some(keepsEverything)) {
    const blocked = blockedBy(vetoes);
    if (row.status !== DataRequestStatus.BLOCKED_BY_HOLD || JSON.stringify(refsOf(previous)) !== JSON.stringify(blocked.refs) || row.reason_code !== blocked.code) {
      await em.query(`UPDATE data_requests SET status = ?, result = ?, reason_code = ? WHERE id = ?`, [
        DataRequestStatus.BLOCKED_BY_HOLD, JSON.stringify({ ...carriedOver(previous), ...blocked.refs, reasons: blocked.reasons }), blocked.code, requestId,
      ]);
      // Kept only because of the hold: used for its purpose alone until the erasure completes (point 7).
      if (subject.status === SubjectStatus.ACTIVE) await em.query('UPDATE subjects SET status = ? WHERE id = ?', [SubjectStatus.RESTRICTED, subject.id]);
      await appendAudit(em, actor, { action: 'erasure.blocked', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, ...blocked.refs } });
      // The person is told once, when the request stops (7022(f)(1)); not again each time it is asked anew.
      if (row.status !== DataRequestStatus.BLOCKED_BY_HOLD) await enqueueMessages(em, toPerson(requestId, subject, 'ERASURE_BLOCKED', erasureBlockedNotice(requestId)), now);
    }
    return { status: 'BLOCKED_BY_HOLD', ...blocked };
  }

  const partial = vetoes.length > 0 ? blockedBy(vetoes) : null;
  // What plugins keep of the person afterwards (export files, preserved copies): read before any step changes it.
  const kept = await hooks.retainedCopies(em, subject.id, ctx);
  // Who received identifiable data, and which categories and when: read before the disclosures
  // are unlinked, so each recipient's notice can name the person by what it received (point 4).
  const received = await identifiableRecipientsOf(em, subject.id, NOTIFIED_KINDS);
  // A recipient told by an earlier, partial run of this request is not told twice; one that had
  // no address then is asked again (it may have one now).
  const unreachable = new Set(((previous?.recipientsWithoutContact as number[] | undefined) ?? []).map(Number));
  const told = new Set(((previous?.notifiedRecipientIds as number[] | undefined) ?? []).map(Number).filter((id) => !unreachable.has(id)));
  // Its disclosures may have been unlinked by that run (outside the holds' scope): what it
  // received then was kept on the request (ids, category keys and dates, no values) and is folded
  // in with what is still linked, so a recipient with both gets the union.
  const earlier = ((previous?.unreachableRecipients as UnreachableRecipient[] | undefined) ?? []).filter((e) => !told.has(Number(e.id)));
  const remembered: typeof received = [];
  if (earlier.length > 0) {
    const contacts: { id: number; name: string; email: string | null }[] = await em.query('SELECT id, name, email FROM recipients WHERE id IN (?)', [earlier.map((e) => Number(e.id))]);
    const byId = new Map(contacts.map((r) => [Number(r.id), r]));
    for (const e of earlier) {
      const r = byId.get(Number(e.id));
      if (!r) continue;
      for (const category of e.categories.length > 0 ? e.categories : [null]) remembered.push({ ...r, id: Number(e.id), category_key: category, first_at: new Date(e.firstAt), last_at: new Date(e.lastAt) });
    }
  }
  const recipients = recipientsOf([...received, ...remembered]).filter((r) => !told.has(r.id));

  const erased: Record<string, number> = {};
  const count = (table: string, result: { affectedRows?: number }) => {
    erased[table] = (erased[table] ?? 0) + Number(result.affectedRows ?? 0);
  };
  let held: HeldRows = { collectionEventIds: [], disclosureIds: [] };
  if (partial) held = await eraseOutsideScopes(em, subject.id, scopes, count);
  else for (const table of TABLES_DELETED_ON_ERASURE) count(table, await em.query(DELETE_ROWS_SQL[table]!, [subject.id]));

  const steps = await hooks.erasureSteps(em, subject.id, ctx, held);
  for (const [table, n] of Object.entries(steps)) erased[table] = (erased[table] ?? 0) + n;
  // Whatever no plugin took over cannot stay linked: raw collection events go, disclosures are unlinked.
  const except = (ids: number[]) => (ids.length ? { sql: ' AND id NOT IN (?)', params: [ids] } : { sql: '', params: [] });
  const events = except(held.collectionEventIds);
  const disclosures = except(held.disclosureIds);
  if (!(COLLECTION_EVENTS_STEP in steps)) count('collection_events', await em.query(`DELETE FROM collection_events WHERE subject_id = ?${events.sql}`, [subject.id, ...events.params]));
  if (!(DISCLOSURES_STEP in steps)) count('disclosures_unlinked', await em.query(`UPDATE disclosures SET subject_id = NULL WHERE subject_id = ?${disclosures.sql}`, [subject.id, ...disclosures.params]));

  // Nothing more is sent to the person but this erasure's confirmation (docs/legal.md, 11 CCR 7022):
  // mail still waiting for them (a policy notice, a marketing email) is cancelled first.
  // Their Shine-the-Light requests still open can no longer be answered: they close (not counted
  // as erased rows), before the cancel, so that a compile running for them is waited for.
  // So do their correction requests (what they proposed is cleared below), and, on a full
  // erasure, their access requests: a package would be a copy of what is being erased.
  const closedNotices = [
    ...(await closeNoticesOfErased(em, subject.id, partial ? 'RESTRICTED' : 'ERASED', now)),
    ...(await closeCorrectionsOfErased(em, subject.id, partial ? 'RESTRICTED' : 'ERASED', now)),
    ...(partial ? [] : await closeAccessRequestsOfErased(em, subject.id, now)),
  ];
  // A partial erasure leaves the person's access requests open, but a package already being built
  // holds what was just erased: it is built again from what is left.
  if (partial) await restartAccessRequestsOf(em, subject.id, ctx.jobs);
  count('outbox_messages_cancelled', { affectedRows: await cancelPendingMessagesTo(em, { email: subject.email, subjectId: subject.id, keepRequestId: requestId }) });
  // An access package is a copy of what was just erased: its link stops, its file goes at the next purge run.
  await expireAccessPackagesOf(em, subject.id, now);
  // What the person proposed in a correction request, and sent with it, is theirs: it goes too.
  await clearCorrectionsOf(em, subject.id);
  const notifiedRecipientIds = [...told, ...recipients.map((r) => Number(r.id))].sort((a, b) => a - b);
  if (partial) {
    const keptColumns = keptSubjectColumns(scopes);
    const gone = SUBJECT_COLUMNS_ERASED_TO_NULL.filter((c) => !keptColumns.includes(c));
    await em.query(`UPDATE subjects SET ${gone.map((c) => `${c} = NULL, `).join('')}status = ?, updated_at = ? WHERE id = ?`, [SubjectStatus.RESTRICTED, now, subject.id]);
    const labels = await categoryLabels(em, scopes);
    const heldText = heldDescription(scopes.map((sc) => ({ labels: sc.categories === null ? null : sc.categories.map((c) => labels.get(c) ?? c), from: sc.from, until: sc.until })));
    const drafts = recipients.filter((r) => r.email).map((r) => recipientDraft(requestId, subject, r));
    // The person is told when the request becomes partial, not each time it is asked anew.
    if (row.status !== DataRequestStatus.PARTIALLY_COMPLETED)
      drafts.push(...toPerson(requestId, subject, 'ERASURE_PARTIAL', erasurePartialNotice({ requestId, erased, deletedColumns: gone, held: heldText, kept, completedAt: now })));
    await enqueueMessages(em, drafts, now);
    const result = {
      partial: true, ...partial.refs, reasons: partial.reasons, erased, keptColumns, keptCategories: keptCategoryKeys(scopes),
      notifiedRecipientIds, recipientsWithoutContact: recipients.filter((r) => !r.email).map((r) => Number(r.id)),
      unreachableRecipients: recipients.filter((r) => !r.email).map((r): UnreachableRecipient => ({ id: r.id, categories: r.categories, firstAt: r.firstAt.toISOString(), lastAt: r.lastAt.toISOString() })),
      kept: kept.map((k) => ({ ...k, until: k.until ? k.until.toISOString() : null })),
    };
    await em.query(`UPDATE data_requests SET status = ?, result = ?, reason_code = ? WHERE id = ?`, [DataRequestStatus.PARTIALLY_COMPLETED, JSON.stringify(result), partial.code, requestId]);
    await appendAuditBatch(em, actor, closedNotices);
    await appendAudit(em, actor, { action: 'erasure.partial', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, ...partial.refs, erased, keptColumns } });
    return { status: 'PARTIALLY_COMPLETED', code: partial.code, refs: partial.refs, erased, keptColumns };
  }
  erased.subjects = 1;
  await enqueueMessages(em, erasureMessages(requestId, subject, recipients, { erased, kept, completedAt: now }), now);

  await em.query(TOMBSTONE_SQL, [SubjectStatus.ERASED, now, now, subject.id]);
  const result = {
    erased,
    notifiedRecipientIds,
    recipientsWithoutContact: recipients.filter((r) => !r.email).map((r) => Number(r.id)),
    // What stays, under which exception and until when, as the confirmation tells the person (7022(f)).
    kept: kept.map((k) => ({ ...k, until: k.until ? k.until.toISOString() : null })),
    requestRecordKeptUntil: requestRecordKeptUntil(now).toISOString(),
  };
  await completeRequest(em, requestId, now, result, null);
  await appendAuditBatch(em, actor, closedNotices);
  await appendAudit(em, actor, { action: 'erasure.completed', entityType: 'DataRequest', entityId: requestId, details: { subjectId: subject.id, ...result } });
  return { status: 'COMPLETED', erased, notifiedRecipientIds, kept };
}

/** A message to the person, by email or else by post; none when neither address is on record. */
function toPerson(requestId: number, person: PersonContact, kind: string, message: { subject: string; text: string }): OutboxDraft[] {
  return writtenAnswer(deliveryTo(person), requestId, { kind, ...message });
}

// Kept here too: the erasure's callers (and its benchmark) know them as the erasure's.
export { recipientsOf };
export type { NotifiedRecipient };

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
  const drafts: OutboxDraft[] = recipients.filter((r) => r.email).map((r) => recipientDraft(requestId, subject, r));
  drafts.push(...toPerson(requestId, subject, 'ERASURE_CONFIRMATION', erasureConfirmation({ requestId, ...account })));
  return drafts;
}

/** One recipient's erasure notice, naming the person by what it received. */
function recipientDraft(requestId: number, subject: { phone: string | null } & PersonContact, r: NotifiedRecipient): OutboxDraft {
  const person = {
    name: subject.name,
    email: subject.email,
    phone: subject.phone,
    postalAddress: [subject.street_address, subject.city, subject.postal_code].map((p) => p?.trim()).filter(Boolean).join(', ') || null,
  };
  const notice = recipientErasureNotice(requestId, person, r);
  return { kind: 'ERASURE_NOTICE', to: r.email!, subject: notice.subject, text: notice.text, dataRequestId: requestId, recipientId: r.id };
}

const EVERYTHING: ErasureScope = { categories: null, from: null, until: null };

/**
 * A partial erasure's deletions (point 6): the privacy choices and their history unless a scope of
 * every category keeps them (by its dates), email opens always (no hold copies them); and which
 * disclosures and visits the scopes keep linked, for the steps that unlink or de-identify the rest.
 */
async function eraseOutsideScopes(em: EntityManager, subjectId: number, scopes: ErasureScope[], count: (table: string, result: { affectedRows?: number }) => void): Promise<HeldRows> {
  const consentEvents: { id: number; occurred_at: Date }[] = await em.query('SELECT id, occurred_at FROM consent_events WHERE subject_id = ? FOR UPDATE', [subjectId]);
  const keptEvents = consentEvents.filter((e) => consentEventKept(scopes, new Date(e.occurred_at))).map((e) => Number(e.id));
  count('consent_events', await em.query(`DELETE FROM consent_events WHERE subject_id = ?${keptEvents.length ? ' AND id NOT IN (?)' : ''}`, keptEvents.length ? [subjectId, keptEvents] : [subjectId]));
  if (!keepsConsents(scopes)) count('consents', await em.query('DELETE FROM consents WHERE subject_id = ?', [subjectId]));
  count('email_opens', await em.query('DELETE FROM email_opens WHERE subject_id = ?', [subjectId]));
  const disclosures: { id: number; occurred_at: Date; categories: string | null }[] = await em.query(
    `SELECT d.id, d.occurred_at, GROUP_CONCAT(dc.category_key) AS categories FROM disclosures d LEFT JOIN disclosure_categories dc ON dc.disclosure_id = d.id
      WHERE d.subject_id = ? GROUP BY d.id, d.occurred_at`,
    [subjectId],
  );
  const visits: (Record<string, unknown> & { id: number; occurred_at: Date })[] = await em.query('SELECT * FROM collection_events WHERE subject_id = ?', [subjectId]);
  return {
    disclosureIds: disclosures.filter((d) => disclosureKept(scopes, new Date(d.occurred_at), (d.categories ?? '').split(',').filter(Boolean))).map((d) => Number(d.id)),
    collectionEventIds: visits.filter((v) => visitKept(scopes, v)).map((v) => Number(v.id)),
  };
}

/** The labels of the categories the scopes name, for telling the person. */
async function categoryLabels(em: EntityManager, scopes: ErasureScope[]): Promise<Map<string, string>> {
  const keys = [...new Set(scopes.flatMap((s) => s.categories ?? []))];
  if (keys.length === 0) return new Map();
  const rows: { key: string; label: string }[] = await em.query('SELECT `key`, label FROM data_categories WHERE `key` IN (?)', [keys]);
  return new Map(rows.map((r) => [r.key, r.label]));
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
    `SELECT id, type FROM data_requests WHERE subject_id IN (?) AND status IN (?) ORDER BY id FOR UPDATE`,
    [subjectIds, [DataRequestStatus.BLOCKED_BY_HOLD, DataRequestStatus.PARTIALLY_COMPLETED]],
  );
  if (blocked.length === 0) return [];
  await jobs.declare(...blocked.map((b) => erasureJob(Number(b.id), b.type)));
  return blocked.map((b) => Number(b.id));
}
