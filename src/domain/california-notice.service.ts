import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DataRequest } from '../entities/data-request.entity';
import { DataRequestStatus, DataRequestType, DisclosurePurpose, RecipientKind, SubjectStatus } from '../entities/enums';
import type { Actor } from './actor';
import { appendAuditBatch, type AuditEntry } from './audit.service';
import { OPEN_STATUSES } from './data-request.service';
import { CALIFORNIA_NOTICE_DAYS, addDays } from './deadlines';
import { badInput, notFound } from './errors';
import { enqueueMessages, type OutboxDraft } from './outbox.service';
import { OutboxChannel } from '../entities/outbox-message.entity';
import { CONTACT_COLUMNS, deliveryTo, escapeHtml, type Delivery, type PersonContact } from './postal-letter';
import type { JobIntent, UseCaseOutcome, UseCaseRunner } from './job-intents';
import { insertRows } from './transaction';
import { CALIFORNIA_REGION, californiaYear, californiaYearRange, statuteOrder } from './shine-the-light';

export type NoticeChannel = 'DESIGNATED' | 'OTHER';
export const NOTICE_JOB = 'california-notice.compile';
/** Requests compiled per job: one fixed set of statements per chunk. */
export const NOTICE_CHUNK = 400;

/** Recipients whose own direct marketing the statute covers: third parties, and affiliates (separate entities). */
const COVERED_KINDS = [RecipientKind.THIRD_PARTY, RecipientKind.AFFILIATE];

export interface NoticeRecipient {
  name: string;
  postalAddress: string | null;
  /** Examples of what it markets, where the name does not make its business clear. */
  businessDescription: string | null;
}

/**
 * The notice as stored on the request: structured data only. The letter (text and HTML) is
 * rendered from it when read and when mailed, so it is never stored twice per request (a 500-
 * request chunk wrote ~3 MB of letters, more than all its reads), and the greeting uses the
 * person's current name: after an erasure the stored notice names no one.
 */
export interface StoredCaliforniaNotice {
  /** The calendar year the notice covers: the one before the request was received. */
  year: number;
  categories: string[];
  recipients: NoticeRecipient[];
  noDisclosures: boolean;
  /** The company that answered, as configured when the notice was compiled. */
  company?: string;
}

export interface CaliforniaNotice extends StoredCaliforniaNotice {
  text: string;
  html: string;
}

export const CALIFORNIA_NOTICE_KIND = 'CALIFORNIA_NOTICE';

/** How a compiled notice went: by email, by post, or not at all (no address on record). */
export type NoticeDelivery = 'EMAIL' | 'POSTAL_MAIL' | null;

/** A compiled request's answer, as its own row stores it (california_notice_answers). */
export interface NoticeAnswer {
  notice: StoredCaliforniaNotice;
  delivery: NoticeDelivery;
}

/** The stored notice with its letter rendered for this addressee. */
export function renderedNotice(stored: StoredCaliforniaNotice, addressee: string | null, defaultCompany: string): CaliforniaNotice {
  const { year, categories, recipients, noDisclosures } = stored;
  const company = stored.company ?? defaultCompany;
  return { year, categories, recipients, noDisclosures, company, ...renderNotice({ year, categories, recipients, noDisclosures }, addressee, company) };
}

const parsed = <T>(json: unknown): T => (typeof json === 'string' ? JSON.parse(json) : json) as T;

/** The answers of these requests, by request id (requests not compiled are absent): one statement. */
export async function noticeAnswers(em: EntityManager, requestIds: readonly number[]): Promise<Map<number, NoticeAnswer>> {
  const out = new Map<number, NoticeAnswer>();
  if (requestIds.length === 0) return out;
  const rows: { request_id: number; notice: unknown; delivery: NoticeDelivery }[] = await em.query(
    'SELECT request_id, notice, delivery FROM california_notice_answers WHERE request_id IN (?)',
    [[...requestIds]],
  );
  for (const r of rows) out.set(Number(r.request_id), { notice: parsed<StoredCaliforniaNotice>(r.notice), delivery: r.delivery });
  return out;
}

/**
 * The letters of queued notice emails, rendered at delivery (the outbox row holds no body): for
 * each request, its notice and the subject's current name (none once erased).
 */
export async function renderNoticeMessages(em: EntityManager, requestIds: number[], defaultCompany: string): Promise<Map<number, { text: string; html: string }>> {
  const out = new Map<number, { text: string; html: string }>();
  if (requestIds.length === 0) return out;
  const rows: { id: number; notice: unknown; name: string | null; status: SubjectStatus | null }[] = await em.query(
    `SELECT a.request_id AS id, a.notice, s.name, s.status FROM california_notice_answers a
       JOIN data_requests r ON r.id = a.request_id LEFT JOIN subjects s ON s.id = r.subject_id WHERE a.request_id IN (?)`,
    [requestIds],
  );
  for (const r of rows) {
    const notice = renderedNotice(parsed<StoredCaliforniaNotice>(r.notice), r.status === SubjectStatus.ERASED ? null : r.name, defaultCompany);
    out.set(Number(r.id), { text: notice.text, html: notice.html });
  }
  return out;
}

export interface OpenedNotices {
  requests: DataRequest[];
  /** Requests opened now (not rejected, not already open): these get a compile job. */
  toCompile: number[];
  /**
   * Open requests compiled before for a person with no address, asked for again: compiled again,
   * keyed on the person's record version, so asking twice with nothing changed queues nothing.
   */
  toRedeliver: { requestId: number; subjectVersion: number }[];
  /** Every request this call created, rejected ones included. */
  createdIds: number[];
}

/**
 * Opens California notice requests for many subjects at once, in a fixed number of statements:
 * a subject who is not a California resident, or who already had an answer this calendar year,
 * gets a REJECTED request with the reason; one with an open request gets that request back.
 */
export async function openCaliforniaNotices(
  em: EntityManager,
  actor: Actor,
  input: { subjectIds: number[]; channel: NoticeChannel; receivedAt: Date },
  now = new Date(),
): Promise<OpenedNotices> {
  const ids = [...new Set(input.subjectIds)].sort((a, b) => a - b);
  if (ids.length === 0) throw badInput('name at least one subject', { field: 'subjectIds' });
  if (input.receivedAt.getTime() > now.getTime() + 60_000) throw badInput('receivedAt is in the future', { field: 'receivedAt' });
  const subjects: { id: number; region: string | null; status: SubjectStatus; updated_at: Date }[] = await em.query('SELECT id, region, status, updated_at FROM subjects WHERE id IN (?) ORDER BY id FOR UPDATE', [ids]);
  if (subjects.length !== ids.length) {
    const found = new Set(subjects.map((s) => Number(s.id)));
    throw notFound('subject', ids.filter((id) => !found.has(id)).slice(0, 20).join(', '));
  }
  // Once per calendar year, keyed on the request's receipt (1798.83(b); docs/legal.md point 16): a
  // request received in late December and answered in January does not use up the new year.
  const year = californiaYear(input.receivedAt);
  const { start, end } = californiaYearRange(year);
  const existing: { id: number; subject_id: number; status: DataRequestStatus; completed_at: Date | null; reason_code: string | null }[] = await em.query(
    `SELECT id, subject_id, status, completed_at, reason_code FROM data_requests
      WHERE type = 'CALIFORNIA_NOTICE' AND subject_id IN (?) AND (status IN (?) OR (status = 'COMPLETED' AND received_at >= ? AND received_at < ?))
      ORDER BY id`,
    [ids, OPEN_STATUSES, start, end],
  );
  const openBySubject = new Map<number, number>();
  const answeredBySubject = new Map<number, number>();
  // An open request compiled for a person with no address: asked again (once an address is on
  // record), it is compiled again rather than left waiting.
  const undelivered: { id: number; subjectId: number }[] = [];
  for (const r of existing) {
    if (r.status === DataRequestStatus.COMPLETED) answeredBySubject.set(Number(r.subject_id), Number(r.id));
    else if (!openBySubject.has(Number(r.subject_id))) {
      openBySubject.set(Number(r.subject_id), Number(r.id));
      if (r.reason_code === NO_DELIVERY_ADDRESS) undelivered.push({ id: Number(r.id), subjectId: Number(r.subject_id) });
    }
  }

  const dueAt = addDays(input.receivedAt, CALIFORNIA_NOTICE_DAYS[input.channel]);
  const rows: QueryDeepPartialEntity<DataRequest>[] = [];
  for (const s of subjects) {
    const id = Number(s.id);
    if (openBySubject.has(id)) continue;
    const base = {
      type: DataRequestType.CALIFORNIA_NOTICE,
      channel: input.channel,
      subjectId: id,
      receivedAt: input.receivedAt,
      acknowledgeDueAt: null,
      acknowledgedAt: now,
      dueAt,
      overdue: false,
      createdBy: actor.id,
    };
    const reject = (reasonCode: string, result: { reason: string; earlierRequestId?: number }) =>
      rows.push({ ...base, status: DataRequestStatus.REJECTED, reasonCode, result: result as QueryDeepPartialEntity<Record<string, unknown>>, completedAt: now });
    if (s.status === SubjectStatus.ERASED) reject('SUBJECT_ERASED', { reason: 'the subject has been erased; no personal information is held' });
    else if (s.region !== CALIFORNIA_REGION) reject('NOT_CALIFORNIA_RESIDENT', { reason: 'Shine the Light covers California residents only' });
    else if (answeredBySubject.has(id))
      reject('ALREADY_ANSWERED_THIS_YEAR', { reason: `a request received in ${year} was already answered`, earlierRequestId: answeredBySubject.get(id) });
    else rows.push({ ...base, status: DataRequestStatus.ACKNOWLEDGED, reasonCode: null, result: null, completedAt: null });
  }
  if (rows.length > 0) await em.getRepository(DataRequest).insert(rows);
  const all = await em.getRepository(DataRequest).createQueryBuilder('r').where('r.type = :t AND r.subject_id IN (:...ids)', { t: DataRequestType.CALIFORNIA_NOTICE, ids }).orderBy('r.id', 'DESC').getMany();
  // The newest request per subject is the one this call opened or returned.
  const latest = new Map<number, DataRequest>();
  for (const r of all) if (!latest.has(r.subjectId)) latest.set(r.subjectId, r);
  const requests = ids.map((id) => latest.get(id)!);
  const opened = requests.filter((r) => !openBySubject.has(r.subjectId));
  await appendAuditBatch(
    em,
    actor,
    opened.map((r) => ({ action: r.status === DataRequestStatus.REJECTED ? 'notice.rejected' : 'notice.received', entityType: 'DataRequest', entityId: r.id, details: { subjectId: r.subjectId, channel: input.channel, reasonCode: r.reasonCode } })),
  );
  const updatedAt = new Map(subjects.map((s) => [Number(s.id), new Date(s.updated_at).getTime()]));
  return {
    requests,
    toCompile: opened.filter((r) => r.status === DataRequestStatus.ACKNOWLEDGED).map((r) => r.id),
    toRedeliver: undelivered.map((u) => ({ requestId: u.id, subjectVersion: updatedAt.get(u.subjectId)! })),
    createdIds: opened.map((r) => r.id),
  };
}

/** The compile jobs of opened requests, NOTICE_CHUNK requests each, keyed by the chunk. */
export function noticeJobs(requestIds: number[]): JobIntent[] {
  const jobs: JobIntent[] = [];
  for (let i = 0; i < requestIds.length; i += NOTICE_CHUNK) {
    const chunk = requestIds.slice(i, i + NOTICE_CHUNK);
    jobs.push({ name: NOTICE_JOB, key: `notices-${chunk[0]}-${chunk[chunk.length - 1]}-${chunk.length}`, payload: { requestIds: chunk } });
  }
  return jobs;
}

/** One compile job per request to compile again, keyed on the person's record version. */
export function redeliveryJobs(requests: OpenedNotices['toRedeliver']): JobIntent[] {
  return requests.map((r) => ({ name: NOTICE_JOB, key: `notice-redeliver-${r.requestId}-${r.subjectVersion}`, payload: { requestIds: [r.requestId] } }));
}

/** The use case of Shine-the-Light requests: opens them and declares their compile jobs, in one change. */
export function requestCaliforniaNotices(
  run: UseCaseRunner,
  actor: Actor,
  input: { subjectIds: number[]; channel: NoticeChannel; receivedAt: Date },
  now = new Date(),
): Promise<UseCaseOutcome<OpenedNotices>> {
  return run(async (uow) => {
    const opened = await openCaliforniaNotices(uow.em, actor, input, now);
    await uow.declare(...noticeJobs(opened.toCompile), ...redeliveryJobs(opened.toRedeliver));
    return opened;
  });
}

export function renderNotice(n: Omit<StoredCaliforniaNotice, 'company'>, addressee: string | null, company: string): { text: string; html: string } {
  const greeting = addressee ? `Dear ${addressee},` : 'Dear customer,';
  const intro = `You asked which categories of your personal information ${company} disclosed to third parties for their own direct marketing purposes during ${n.year}, and to whom (California Civil Code section 1798.83).`;
  // Only the statute's categories are answered for (1798.83(e)(6)(A)): a disclosure of anything
  // else (a device id) may have happened, so the letter does not deny every disclosure
  // (docs/legal.md, point 15).
  const none = `During ${n.year}, ${company} did not disclose to third parties, for their direct marketing purposes, any personal information about you of the categories California Civil Code section 1798.83 lists (such as your name and address, email address or telephone number).`;
  const lines = [greeting, '', intro, ''];
  if (n.noDisclosures) lines.push(none);
  else {
    lines.push(`During ${n.year}, ${company} disclosed the following categories of your personal information to third parties for their direct marketing purposes:`, '');
    for (const c of n.categories) lines.push(`  - ${c}`);
    lines.push('', 'It disclosed them to:', '');
    for (const r of n.recipients) {
      lines.push(`  ${r.name}`);
      if (r.postalAddress) lines.push(`  ${r.postalAddress}`);
      if (r.businessDescription) lines.push(`  Products or services it markets: ${r.businessDescription}`);
      lines.push('');
    }
  }
  lines.push('', 'This answer is free of charge. You may ask once per calendar year.', '', `${company} Privacy Team`);
  const text = `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
  const body = n.noDisclosures
    ? `<p>${escapeHtml(none)}</p>`
    : `<p>${escapeHtml(`During ${n.year}, ${company} disclosed the following categories of your personal information to third parties for their direct marketing purposes:`)}</p>
<ul>${n.categories.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>
<p>It disclosed them to:</p>
${n.recipients.map((r) => `<address><strong>${escapeHtml(r.name)}</strong>${r.postalAddress ? `<br>${escapeHtml(r.postalAddress)}` : ''}${r.businessDescription ? `<br>Products or services it markets: ${escapeHtml(r.businessDescription)}` : ''}</address>`).join('\n')}`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Your California privacy notice for ${n.year}</title></head>
<body style="font-family: Georgia, serif; max-width: 40em; margin: 2em auto; line-height: 1.5">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(intro)}</p>
${body}
<p>This answer is free of charge. You may ask once per calendar year.</p>
<p>${escapeHtml(company)} Privacy Team</p>
</body></html>
`;
  return { text, html };
}

/** A notice whose letter is in the print queue: it completes when the letter is handed over. */
export const LETTER_QUEUED = 'LETTER_QUEUED';
/** A notice compiled for a person with neither an email nor a postal address on record. */
export const NO_DELIVERY_ADDRESS = 'NO_DELIVERY_ADDRESS';

/** Why an erased person's open notice request was closed, as its result says. */
export const ERASED_BEFORE_ANSWER = 'the person was erased at their request before the notice was sent; no personal information about them is held';
/** Why a person's open notice request was closed by an erasure a legal hold made partial. */
export const RESTRICTED_BEFORE_ANSWER =
  'the person asked for their information to be deleted before the notice was sent; what a legal hold still keeps of it is not used for anything else, mailing included';

/**
 * A person's open Shine-the-Light requests close with their erasure (docs/legal.md, point 14):
 * the erasure cancels the letter or email waiting for them, and a request compiled later would
 * find no address and wait, overdue, for ever. They become REJECTED, SUBJECT_ERASED (as a request
 * made after the erasure is) or, when a hold made the erasure partial, SUBJECT_RESTRICTED; their
 * compiled answer goes (it was never sent). A letter the print queue has already taken (SENDING)
 * cannot be recalled: its request is answered at the hand-over, as any other.
 *
 * Called before the erasure cancels the person's messages: the requests are locked first, so a
 * compile still running for them commits its letter before this looks, and the cancel then takes
 * it. Returns the audit entries, for the caller to append with its own, last (the chain's lock).
 */
export async function closeNoticesOfErased(em: EntityManager, subjectId: number, how: 'ERASED' | 'RESTRICTED', now = new Date()): Promise<AuditEntry[]> {
  const locked: { id: number }[] = await em.query(`SELECT id FROM data_requests WHERE subject_id = ? AND type = 'CALIFORNIA_NOTICE' AND status IN (?) ORDER BY id FOR UPDATE`, [
    subjectId, OPEN_STATUSES,
  ]);
  if (locked.length === 0) return [];
  // A statement of its own, after the locks: under READ COMMITTED it sees what a compile committed meanwhile.
  const taken: { id: number }[] = await em.query(`SELECT DISTINCT data_request_id AS id FROM outbox_messages WHERE data_request_id IN (?) AND status IN ('SENDING', 'SENT')`, [
    locked.map((r) => Number(r.id)),
  ]);
  const left = new Set(taken.map((r) => Number(r.id)));
  const ids = locked.map((r) => Number(r.id)).filter((id) => !left.has(id));
  if (ids.length === 0) return [];
  const reasonCode = how === 'ERASED' ? 'SUBJECT_ERASED' : 'SUBJECT_RESTRICTED';
  await em.query(`UPDATE data_requests SET status = 'REJECTED', reason_code = ?, completed_at = ?, result = ? WHERE id IN (?)`, [
    reasonCode, now, JSON.stringify({ reason: how === 'ERASED' ? ERASED_BEFORE_ANSWER : RESTRICTED_BEFORE_ANSWER }), ids,
  ]);
  await em.query('DELETE FROM california_notice_answers WHERE request_id IN (?)', [ids]);
  return ids.map((id) => ({ action: 'notice.rejected', entityType: 'DataRequest', entityId: id, details: { subjectId, reasonCode } }));
}

/**
 * The hand-over of posted notices: once a letter is in the print queue, its request is answered.
 * Requests already answered (or no longer waiting for their letter) are left alone.
 */
export async function completePostedNotices(em: EntityManager, actor: Actor, requestIds: number[], now = new Date()): Promise<number[]> {
  if (requestIds.length === 0) return [];
  const waiting: { id: number; subject_id: number }[] = await em.query(
    `SELECT id, subject_id FROM data_requests WHERE id IN (?) AND type = 'CALIFORNIA_NOTICE' AND status IN (?) AND reason_code = ? FOR UPDATE`,
    [requestIds, OPEN_STATUSES, LETTER_QUEUED],
  );
  if (waiting.length === 0) return [];
  const ids = waiting.map((r) => Number(r.id));
  await em.query(`UPDATE data_requests SET status = 'COMPLETED', completed_at = ?, reason_code = NULL WHERE id IN (?)`, [now, ids]);
  await appendAuditBatch(em, actor, waiting.map((r) => ({ action: 'notice.completed', entityType: 'DataRequest', entityId: r.id, details: { subjectId: Number(r.subject_id), delivery: 'POSTAL_MAIL' } })));
  return ids;
}

/**
 * Compiles the notices of a chunk of requests in a fixed number of statements: the qualifying
 * disclosures (that subject, the year before receipt in California time, identifiable, direct
 * marketing, to a third party or an affiliate), their statutory categories in the statute's
 * order, and every such recipient; then stores each notice, emails it, and completes the request.
 */
export async function compileCaliforniaNotices(em: EntityManager, actor: Actor, requestIds: number[], company: string, now = new Date()): Promise<{ compiled: number; skipped: number }> {
  if (requestIds.length === 0) return { compiled: 0, skipped: 0 };
  const requests: { id: number; subject_id: number; received_at: Date; status: DataRequestStatus; type: DataRequestType; reason_code: string | null }[] = await em.query(
    'SELECT id, subject_id, received_at, status, type, reason_code FROM data_requests WHERE id IN (?) ORDER BY id FOR UPDATE',
    [requestIds],
  );
  // A request whose letter is already in the print queue waits for the hand-over, not a second letter.
  const open = requests.filter((r) => r.type === DataRequestType.CALIFORNIA_NOTICE && OPEN_STATUSES.includes(r.status) && r.reason_code !== LETTER_QUEUED);
  if (open.length === 0) return { compiled: 0, skipped: requestIds.length };
  const subjectIds = open.map((r) => Number(r.subject_id));
  const subjects: ({ id: number } & PersonContact)[] = await em.query(
    `SELECT id, ${CONTACT_COLUMNS} FROM subjects WHERE id IN (?)`,
    [subjectIds],
  );
  const subjectById = new Map(subjects.map((s) => [Number(s.id), s]));

  // One statement covers every year in the chunk: each row carries the year it falls in, and a
  // request keeps only the rows of its own year (the one before receipt).
  // A chunk's requests mostly share a receipt time: the time-zone formatting runs once per instant.
  const yearAt = new Map<number, number>();
  const years = open.map((r) => {
    const at = new Date(r.received_at).getTime();
    let year = yearAt.get(at);
    if (year === undefined) yearAt.set(at, (year = californiaYear(new Date(at)) - 1));
    return year;
  });
  const ranges = [...new Set(years)].map((y) => ({ y, ...californiaYearRange(y) }));
  const bucket = `CASE ${ranges.map(() => 'WHEN d.occurred_at >= ? AND d.occurred_at < ? THEN ?').join(' ')} END`;
  const rows: { subject_id: number; year: number | null; categories: string; recipients: string }[] = await em.query(
    // STRAIGHT_JOIN from the chunk's disclosures: InnoDB's sampled statistics overcount the
    // distinct category keys, and left to itself MariaDB starts from data_categories and reads
    // every disclosure_categories row for each chunk (26 s a job at 2M disclosures; 0.3 s so).
    // The index holds every filter and the recipient: only qualifying disclosures are read, and
    // none from the table itself (it was 121 ms a chunk of 400 on (subject_id, occurred_at)).
    // The categories are read by subject too: a chunk's rows lie side by side in that index,
    // where by disclosure id they are spread over ~2,000 pages (migration 1766000400000).
    // A category without a statutory label neither counts nor brings its recipient: those rows
    // are dropped here, and each person's year comes back as one row of two lists (a fifth of
    // the rows a (recipient, category) grouping returned).
    `SELECT STRAIGHT_JOIN d.subject_id, ${bucket} AS year,
            GROUP_CONCAT(DISTINCT c.shine_the_light_category SEPARATOR '\n') AS categories, GROUP_CONCAT(DISTINCT d.recipient_id) AS recipients
       FROM disclosures d FORCE INDEX (idx_disclosures_subject_purpose)
       JOIN recipients r ON r.id = d.recipient_id
       JOIN disclosure_categories dc FORCE INDEX (idx_disclosure_categories_subject) ON dc.subject_id = d.subject_id AND dc.disclosure_id = d.id
       JOIN data_categories c ON c.\`key\` = dc.category_key
      WHERE d.subject_id IN (?) AND d.identifiable = 1 AND d.purpose = ? AND r.kind IN (?)
        AND d.occurred_at >= ? AND d.occurred_at < ? AND c.shine_the_light_category IS NOT NULL
      GROUP BY d.subject_id, year`,
    [
      ...ranges.flatMap((r) => [r.start, r.end, r.y]),
      subjectIds,
      DisclosurePurpose.DIRECT_MARKETING,
      COVERED_KINDS,
      new Date(Math.min(...ranges.map((r) => r.start.getTime()))),
      new Date(Math.max(...ranges.map((r) => r.end.getTime()))),
    ],
  );
  const found = new Map(rows.map((r) => [`${Number(r.subject_id)}:${Number(r.year)}`, { categories: String(r.categories).split('\n'), recipientIds: String(r.recipients).split(',').map(Number) }]));
  const recipientIds = [...new Set([...found.values()].flatMap((f) => f.recipientIds))];
  const recipients: { id: number; name: string; postal_address: string | null; business_description: string | null }[] = recipientIds.length
    ? await em.query('SELECT id, name, postal_address, business_description FROM recipients WHERE id IN (?)', [recipientIds])
    : [];
  // Sorted by name once per chunk (localeCompare per notice cost more than the notice's SQL).
  recipients.sort((a, b) => a.name.localeCompare(b.name));
  const recipientById = new Map(recipients.map((r, rank) => [Number(r.id), { ...r, rank }]));

  const notices = new Map<number, StoredCaliforniaNotice>();
  const drafts: OutboxDraft[] = [];
  const audits: AuditEntry[] = [];
  const deliveries = new Map<number, Delivery>();
  for (let i = 0; i < open.length; i += 1) {
    const req = open[i]!;
    const year = years[i]!;
    const mine = found.get(`${Number(req.subject_id)}:${year}`);
    const categories = statuteOrder(mine?.categories ?? []);
    const recipientList = (mine?.recipientIds ?? [])
      .map((id) => recipientById.get(id)!)
      .sort((a, b) => a.rank - b.rank)
      .map((r) => ({ name: r.name, postalAddress: r.postal_address, businessDescription: r.business_description }));
    const noDisclosures = categories.length === 0;
    const subject = subjectById.get(Number(req.subject_id));
    const notice: StoredCaliforniaNotice = { year, categories, recipients: noDisclosures ? [] : recipientList, noDisclosures, company };
    notices.set(Number(req.id), notice);
    // The body is rendered by the outbox at delivery (renderNoticeMessages).
    const delivery = deliveryTo(subject);
    deliveries.set(Number(req.id), delivery);
    const title = `Your California privacy notice for ${year}`;
    if (delivery.by === 'EMAIL') drafts.push({ kind: CALIFORNIA_NOTICE_KIND, to: delivery.to, subject: title, text: '', html: null, dataRequestId: Number(req.id) });
    else if (delivery.by === 'POSTAL_MAIL') drafts.push({ kind: CALIFORNIA_NOTICE_KIND, channel: OutboxChannel.POST, to: delivery.to, subject: title, text: '', html: null, dataRequestId: Number(req.id) });
    const details = { subjectId: Number(req.subject_id), year, categories: categories.length, recipients: notice.recipients.length, delivery: delivery.by };
    audits.push({ action: delivery.by === 'EMAIL' ? 'notice.completed' : delivery.by === 'POSTAL_MAIL' ? 'notice.letter_queued' : 'notice.undeliverable', entityType: 'DataRequest', entityId: req.id, details });
  }
  const ids = [...notices.keys()];
  // Emailed: answered now. Posted: answered when the letter is handed over (completePostedNotices).
  // No address at all: kept open, flagged, until one is recorded and the request is made again.
  // Status and reason by membership (IN lists are sorted once): one statement, and with
  // ROW_FORMAT=REDUNDANT every change is in place. The answers are one insert; a request compiled
  // again (its person had no address) replaces its answer.
  const by = (kind: Delivery['by']) => [...ids.filter((id) => deliveries.get(id)!.by === kind), 0];
  await em.query(
    `UPDATE data_requests SET
       status = IF(id IN (?), 'COMPLETED', 'IN_PROGRESS'),
       completed_at = IF(id IN (?), ?, NULL),
       reason_code = IF(id IN (?), ?, IF(id IN (?), ?, NULL))
     WHERE id IN (?)`,
    [by('EMAIL'), by('EMAIL'), now, by('POSTAL_MAIL'), LETTER_QUEUED, by('NONE'), NO_DELIVERY_ADDRESS, ids],
  );
  const deliveryOf: Record<Delivery['by'], NoticeDelivery> = { EMAIL: 'EMAIL', POSTAL_MAIL: 'POSTAL_MAIL', NONE: null };
  await insertRows(
    em,
    ids.length,
    `INSERT INTO california_notice_answers (request_id, notice, delivery, compiled_at) VALUES ${ids.map(() => '(?,?,?,?)').join(',')}
     ON DUPLICATE KEY UPDATE notice = VALUES(notice), delivery = VALUES(delivery), compiled_at = VALUES(compiled_at)`,
    ids.flatMap((id) => [id, JSON.stringify(notices.get(id)), deliveryOf[deliveries.get(id)!.by], now]),
  );
  await enqueueMessages(em, drafts, now);
  await appendAuditBatch(em, actor, audits);
  return { compiled: ids.length, skipped: requestIds.length - ids.length };
}
