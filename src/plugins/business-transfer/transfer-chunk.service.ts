/** Chunk writing: plan a transfer's keyset ranges, write one range's parts, checkpoint it (and record its disclosures at closing). */
import { mkdir, rename, rm } from 'node:fs/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { announceDisclosures } from '../../domain/disclosure.service';
import type { DomainHooks } from '../../domain/hooks';
import type { UseCaseRunner } from '../../domain/job-intents';
import { DomainError, notFound } from '../../domain/errors';
import { CONSENT_HISTORY_CATEGORY, DISCLOSURE_LOG_CATEGORY, SUBJECT_FIELDS, transferredSubjectCategories, type SubjectColumn, type SubjectField } from '../../domain/personal-data.catalogue';
import { inTransaction } from '../../domain/transaction';
import { DisclosurePurpose } from '../../entities/enums';
import type { Anonymizer, PluginServices } from '../../domain/plugin-services.port';
import { BusinessTransfer, TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';
import { EXPORT_FILES, GzipLineWriter, encryptFrame, rowFormatter, type ExportFile } from './export-files';
import { ChunkStatus, TransferChunk } from './transfer-chunk.entity';
import { tallySubjects, type ClassTally, type SubjectFacts } from './due-diligence-release';
import { scopeWhere } from './transfer-lifecycle.service';
import type { ReadRouting } from '../../domain/read-routing.port';
import {
  COLUMNS, CONSENT_PURPOSES, DISCLOSURE_PURPOSES, DUE_DILIGENCE_CATEGORIES, TERMINAL, dataKeyOf, partFile, partsDir, transferReference,
} from './transfer-shared';

/**
 * Subjects read per keyset page inside a chunk: bounds memory whatever the chunk size. Small on
 * purpose: a page of 500 (some 13,000 row objects for each chunk in flight) outlived the young
 * generation, and promoting it was a quarter of the worker's CPU; at 100 the worker needed about
 * a third less CPU per row, with a lower peak RSS (export bench, 50k subjects).
 */
const PAGE = 100;
/** Rows per multi-row INSERT. */
const INSERT_BATCH = 1000;

// Categories of the subject fields a closing export carries, per field: from the personal-data catalogue.
const SUBJECT_FIELD_CATEGORIES = transferredSubjectCategories('CLOSING');

// ---------------------------------------------------------------------------------------------
// Plan: cut the scope into keyset ranges of subject ids, once.

/**
 * Returns the transfer's chunks, creating them on first call: each range (after, upTo] holds
 * chunkSize subjects in scope, found by keyset (one indexed query per boundary).
 */
export async function planChunks(ds: DataSource, transferId: number): Promise<TransferChunk[] | null> {
  return inTransaction(ds, async (em) => {
    const t = await em.getRepository(BusinessTransfer).findOne({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
    if (!t) throw notFound('business transfer', transferId);
    if (TERMINAL.has(t.status)) return null;
    const existing = await em.getRepository(TransferChunk).find({ where: { transferId }, order: { seq: 'ASC' } });
    if (existing.length > 0) return existing;
    const where = scopeWhere(t);
    const chunks: TransferChunk[] = [];
    let after = 0;
    for (let seq = 0; ; seq += 1) {
      const rows: { id: number }[] = await em.query(`SELECT s.id FROM subjects s WHERE ${where.sql} AND s.id > ? ORDER BY s.id LIMIT 1 OFFSET ?`, [...where.params, after, t.chunkSize - 1]);
      const upTo = rows.length ? Number(rows[0]!.id) : t.subjectMaxId;
      chunks.push(em.getRepository(TransferChunk).create({ transferId, seq, afterSubjectId: after, upToSubjectId: upTo, status: ChunkStatus.PENDING, subjects: 0, parts: null, completedAt: null }));
      if (!rows.length || upTo >= t.subjectMaxId) break;
      after = upTo;
    }
    for (let i = 0; i < chunks.length; i += INSERT_BATCH) await em.getRepository(TransferChunk).insert(chunks.slice(i, i + INSERT_BATCH));
    await em.getRepository(BusinessTransfer).update({ id: transferId }, { chunksTotal: chunks.length, status: TransferStatus.RUNNING });
    return chunks;
  });
}

// ---------------------------------------------------------------------------------------------
// Chunk: write the parts of one range, then checkpoint (and record disclosures) in one transaction.

type SubjectRow = { id: number } & Record<SubjectField, string | null> & { source: string; createdAt: string; updatedAt: string };

/** How the export reads a personal column that is not text: a DATE as its day, YYYY-MM-DD. */
const SELECT_AS: Partial<Record<SubjectColumn, (column: string) => string>> = { birth_date: (c) => `DATE_FORMAT(${c}, '%Y-%m-%d')` };
/** The subject's personal fields (the catalogue's), under their property names, in catalogue order: the closing file's, so its rows take the formatter's fast path. */
const SUBJECT_SELECT = SUBJECT_FIELDS.map((f) => {
  const sql = SELECT_AS[f.column]?.(`s.${f.column}`) ?? `s.${f.column}`;
  return sql === `s.${f.property}` ? sql : `${sql} AS ${f.property}`;
}).join(', ');

/**
 * A DATETIME(3) column as the ISO string JSON.stringify writes for the driver's Date (columns
 * hold UTC, the connection reads them as UTC). The export writes millions of timestamps: made by
 * the database, they cost the worker no Date object, no parse and no toJSON call each.
 */
export const isoUtc = (column: string) => `CONCAT(LEFT(DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')`;

async function subjectPage(ds: DataSource, t: BusinessTransfer, after: number, upTo: number): Promise<SubjectRow[]> {
  const where = scopeWhere(t);
  const rows: SubjectRow[] = await ds.query(
    `SELECT s.id, ${SUBJECT_SELECT}, s.source, ${isoUtc('s.created_at')} AS createdAt, ${isoUtc('s.updated_at')} AS updatedAt
       FROM subjects s WHERE ${where.sql} AND s.id > ? AND s.id <= ? ORDER BY s.id LIMIT ${PAGE}`,
    [...where.params, after, upTo],
  );
  // subjects.id is an INT: the driver's rows already hold it as a number, and are used as they come.
  return rows;
}

interface ConsentRow {
  subjectId: number;
  purpose: string;
  status: string;
  source: string;
  policyVersion: string | null;
  version: number;
  updatedAt: string;
}
interface ConsentEventRow {
  subjectId: number;
  purpose: string;
  seq: number;
  status: string;
  source: string;
  policyVersion: string | null;
  occurredAt: string;
}
interface DisclosureRow {
  id: number;
  subjectId: number;
  recipientId: number;
  recipientName: string;
  recipientKind: string;
  purpose: string;
  identifiable: number | boolean;
  transactionReference: string | null;
  occurredAt: string;
  categories: string | null;
}

// FORCE INDEX below: with an IN list longer than eq_range_index_dive_limit (200) and stale
// statistics, MariaDB prefers a primary-key range (`id <= watermark`), a scan of the whole table
// for every page.
async function consentsOf(ds: DataSource, ids: number[]): Promise<ConsentRow[]> {
  return ds.query(
    `SELECT subject_id AS subjectId, purpose, status, source, policy_version AS policyVersion, version, ${isoUtc('updated_at')} AS updatedAt
       FROM consents FORCE INDEX (uq_consents_subject_purpose) WHERE subject_id IN (?) ORDER BY subject_id, purpose`,
    [ids],
  );
}

async function consentEventsOf(ds: DataSource, t: BusinessTransfer, ids: number[]): Promise<ConsentEventRow[]> {
  return ds.query(
    `SELECT subject_id AS subjectId, purpose, seq, status, source, policy_version AS policyVersion, ${isoUtc('occurred_at')} AS occurredAt
       FROM consent_events FORCE INDEX (uq_consent_events_seq) WHERE subject_id IN (?) AND id <= ? ORDER BY subject_id, purpose, seq`,
    [ids, t.consentEventMaxId],
  );
}

async function disclosuresOf(ds: DataSource, t: BusinessTransfer, ids: number[]): Promise<DisclosureRow[]> {
  return ds.query(
    `SELECT d.id, d.subject_id AS subjectId, d.recipient_id AS recipientId, r.name AS recipientName, r.kind AS recipientKind, d.purpose,
            d.identifiable, d.transaction_reference AS transactionReference, ${isoUtc('d.occurred_at')} AS occurredAt,
            (SELECT GROUP_CONCAT(dc.category_key ORDER BY dc.category_key SEPARATOR ';') FROM disclosure_categories dc WHERE dc.disclosure_id = d.id) AS categories
       FROM disclosures d FORCE INDEX (idx_disclosures_subject_time) JOIN recipients r ON r.id = d.recipient_id
      WHERE d.subject_id IN (?) AND d.id <= ? ORDER BY d.subject_id, d.id`,
    [ids, t.disclosureMaxId],
  );
}

function groupBySubject<R extends { subjectId: number }>(rows: R[]): Map<number, R[]> {
  const map = new Map<number, R[]>();
  for (const r of rows) {
    const id = Number(r.subjectId);
    const list = map.get(id);
    if (list) list.push(r);
    else map.set(id, [r]);
  }
  return map;
}

interface ChunkResult {
  skipped?: string;
  subjects?: number;
}

interface ExportedSubject {
  id: number;
  categories: string[];
}

async function writeClosingChunk(ds: DataSource, t: BusinessTransfer, chunk: TransferChunk, writers: Record<ExportFile, GzipLineWriter>): Promise<ExportedSubject[]> {
  const format = t.format;
  const cols = COLUMNS.CLOSING;
  const subjectLine = rowFormatter(format, cols.subjects);
  const consentLine = rowFormatter(format, cols.consents);
  const disclosureLine = rowFormatter(format, cols.disclosures);
  const exported: ExportedSubject[] = [];
  for (let after = chunk.afterSubjectId; ; ) {
    const subjects = await subjectPage(ds, t, after, chunk.upToSubjectId);
    if (subjects.length === 0) break;
    const ids = subjects.map((s) => s.id);
    const [consents, events, disclosures] = await Promise.all([consentsOf(ds, ids), consentEventsOf(ds, t, ids), disclosuresOf(ds, t, ids)]);
    // A subject's events in (purpose, seq) order, the query's; a consent's history is those of its purpose.
    const eventsBy = groupBySubject(events);
    const consentsBy = groupBySubject(consents);
    const disclosuresBy = groupBySubject(disclosures);
    for (const s of subjects) {
      const subjectRow = s as unknown as Record<string, unknown>;
      const wroteSubject = writers.subjects.line(subjectLine(subjectRow));
      if (wroteSubject) await wroteSubject;
      const categories = new Set<string>(SUBJECT_FIELD_CATEGORIES.filter(([field]) => subjectRow[field] != null).map(([, c]) => c));
      if (categories.size === 0) categories.add('user.name');
      // Every category that goes (issue 26, point 4): the consents with their history, the record of disclosures.
      if ((consentsBy.get(s.id) ?? []).length > 0) categories.add(CONSENT_HISTORY_CATEGORY);
      if ((disclosuresBy.get(s.id) ?? []).length > 0) categories.add(DISCLOSURE_LOG_CATEGORY);
      exported.push({ id: s.id, categories: [...categories].sort() });
      // The rows are this page's own objects: completed in place rather than copied.
      for (const c of consentsBy.get(s.id) ?? []) {
        const row = c as unknown as Record<string, unknown>;
        row.subjectId = s.id;
        row.version = Number(c.version);
        const history: Record<string, unknown>[] = [];
        for (const e of eventsBy.get(s.id) ?? [])
          if (e.purpose === c.purpose) history.push({ seq: Number(e.seq), status: e.status, source: e.source, policyVersion: e.policyVersion, occurredAt: e.occurredAt });
        row.history = history;
        const wrote = writers.consents.line(consentLine(row));
        if (wrote) await wrote;
      }
      for (const d of disclosuresBy.get(s.id) ?? []) {
        const row = d as unknown as Record<string, unknown>;
        row.id = Number(d.id);
        row.subjectId = s.id;
        row.recipientId = Number(d.recipientId);
        row.identifiable = Boolean(Number(d.identifiable));
        row.categories = format === 'CSV' ? (d.categories ?? '') : (d.categories ?? '').split(';').filter(Boolean);
        const wrote = writers.disclosures.line(disclosureLine(row));
        if (wrote) await wrote;
      }
    }
    after = ids[ids.length - 1]!;
    if (subjects.length < PAGE) break;
  }
  return exported;
}

/**
 * A chunk's subjects counted by quasi-identifier class, with each class's consent statuses and
 * disclosure counts (due-diligence-release.ts): no row per person is written anywhere. The tally
 * is stored in the chunk's row when the chunk is checkpointed.
 */
async function tallyDueDiligenceChunk(ds: DataSource, t: BusinessTransfer, chunk: TransferChunk, anonymizer: Anonymizer): Promise<{ exported: ExportedSubject[]; tallies: ClassTally[] }> {
  const exported: ExportedSubject[] = [];
  const facts: SubjectFacts[] = [];
  for (let after = chunk.afterSubjectId; ; ) {
    const subjects = await subjectPage(ds, t, after, chunk.upToSubjectId);
    if (subjects.length === 0) break;
    const ids = subjects.map((s) => s.id);
    const consents = groupBySubject(await consentsOf(ds, ids));
    const counts: { subjectId: number; purpose: string; n: number }[] = await ds.query(
      `SELECT subject_id AS subjectId, purpose, COUNT(*) AS n FROM disclosures WHERE subject_id IN (?) AND id <= ? GROUP BY subject_id, purpose ORDER BY subject_id, purpose`,
      [ids, t.disclosureMaxId],
    );
    const countsBy = groupBySubject(counts);
    for (const s of subjects) {
      const consentOf = new Map((consents.get(s.id) ?? []).map((c) => [c.purpose, c.status]));
      const countOf = new Map((countsBy.get(s.id) ?? []).map((c) => [c.purpose, Number(c.n)]));
      facts.push({
        values: [s.region, (s.birthDate ? anonymizer.ageBand(s.birthDate, t.generatedAt) : null) ?? s.ageRange, anonymizer.month(new Date(s.createdAt))],
        consents: Object.fromEntries(CONSENT_PURPOSES.map((p) => [p, consentOf.get(p) ?? 'NONE'])),
        disclosures: Object.fromEntries(DISCLOSURE_PURPOSES.map((p) => [p, countOf.get(p) ?? 0])),
      });
      exported.push({ id: s.id, categories: DUE_DILIGENCE_CATEGORIES });
    }
    after = ids[ids.length - 1]!;
    if (subjects.length < PAGE) break;
  }
  return { exported, tallies: tallySubjects(facts) };
}

/**
 * Writes one chunk's parts (gzip members, encrypted frames when asked) to temp files and renames
 * them into place, then checkpoints in one transaction: the chunk is DONE, progress moves, and at
 * closing every exported subject gets its BUSINESS_TRANSFER disclosure. A worker killed anywhere
 * before the commit redoes the whole chunk and writes the same bytes.
 */
export async function exportChunk(ds: DataSource, reads: ReadRouting, run: UseCaseRunner, hooks: DomainHooks, services: PluginServices, transferId: number, seq: number, actor: Actor, kek: Buffer): Promise<ChunkResult> {
  const t = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (TERMINAL.has(t.status)) return { skipped: t.status };
  const chunk = await ds.getRepository(TransferChunk).findOneBy({ transferId, seq });
  if (!chunk) throw notFound('business transfer chunk', `${transferId}/${seq}`);
  if (chunk.status === ChunkStatus.DONE) return { skipped: 'DONE' };
  const dataKey = dataKeyOf(t, kek);
  await mkdir(partsDir(t), { recursive: true });

  // Due diligence writes no part: its chunk's tally goes into the checkpoint's row.
  const files: readonly ExportFile[] = t.phase === TransferPhase.CLOSING ? EXPORT_FILES : [];
  let writers = {} as Record<ExportFile, GzipLineWriter>;
  let tallies: ClassTally[] | null = null;
  // The data pages may come from a replica that has applied everything the primary had committed
  // (the transfer's watermarks included); the erasure re-check below runs on the primary. If the
  // replica goes away mid-chunk the primary writes the chunk again, into fresh files.
  const exported = await reads.current('business-transfer chunk', async (source) => {
    if (t.phase !== TransferPhase.CLOSING) {
      const anonymizer = services.anonymizer;
      if (!anonymizer) throw new DomainError('CONFLICT', 'due diligence needs the anonymization plugin');
      const out = await tallyDueDiligenceChunk(source, t, chunk, anonymizer);
      tallies = out.tallies;
      return out.exported;
    }
    writers = Object.fromEntries(files.map((f) => [f, new GzipLineWriter(`${partFile(t, f, seq)}.gz.tmp`)])) as Record<ExportFile, GzipLineWriter>;
    try {
      // The CSV header goes in the first chunk only, so the parts concatenate into one table.
      if (t.format === TransferFormat.CSV && seq === 0) for (const f of files) await writers[f].line(COLUMNS.CLOSING[f].join(','), false);
      return await writeClosingChunk(source, t, chunk, writers);
    } finally {
      for (const f of files) await writers[f].close();
    }
  });
  const isLastChunk = t.chunksTotal !== null && seq === t.chunksTotal - 1;
  const parts: Record<string, { rows: number }> = {};
  for (const f of files) {
    const gz = `${partFile(t, f, seq)}.gz.tmp`;
    if (dataKey) {
      await encryptFrame(gz, `${partFile(t, f, seq)}.tmp`, dataKey, f, seq, isLastChunk);
      await rm(gz);
    } else await rename(gz, `${partFile(t, f, seq)}.tmp`);
    await rename(`${partFile(t, f, seq)}.tmp`, partFile(t, f, seq));
    parts[f] = { rows: writers[f].rows };
  }

  const { result } = await run(async (uow): Promise<ChunkResult> => {
    const em = uow.em;
    const locked = await em.getRepository(BusinessTransfer).findOne({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
    if (!locked || TERMINAL.has(locked.status)) return { skipped: locked?.status ?? 'GONE' };
    const row = await em.getRepository(TransferChunk).findOne({ where: { transferId, seq }, lock: { mode: 'pessimistic_write' } });
    if (!row || row.status === ChunkStatus.DONE) return { skipped: 'DONE' };
    const ids = exported.map((e) => e.id);
    if (ids.length > 0) {
      // An erasure that slipped in while the part was written: redo the chunk without that subject.
      const still: { id: number }[] = await em.query(`SELECT id FROM subjects WHERE id IN (?) AND status = 'ACTIVE' ORDER BY id LOCK IN SHARE MODE`, [ids]);
      if (still.length !== ids.length) throw new Error(`a subject of chunk ${seq} was erased during the export; the chunk is written again`);
      if (t.phase === TransferPhase.CLOSING) await announceDisclosures(uow, hooks, actor, await recordTransferDisclosures(em, actor, locked, exported));
    }
    await em.getRepository(TransferChunk).update({ transferId, seq }, { status: ChunkStatus.DONE, subjects: ids.length, parts: JSON.stringify(parts), tallies: tallies === null ? null : JSON.stringify(tallies), completedAt: new Date() });
    await em.query('UPDATE business_transfers SET subjects_done = subjects_done + ?, chunks_done = chunks_done + 1 WHERE id = ?', [ids.length, transferId]);
    return { subjects: ids.length };
  });
  return result;
}

/** One BUSINESS_TRANSFER disclosure per exported subject, with the categories exported, in multi-row INSERTs. */
async function recordTransferDisclosures(em: EntityManager, actor: Actor, t: BusinessTransfer, exported: ExportedSubject[]): Promise<number[]> {
  const now = new Date();
  const recorded: number[] = [];
  const reference = transferReference(t.id);
  for (let i = 0; i < exported.length; i += INSERT_BATCH) {
    const batch = exported.slice(i, i + INSERT_BATCH);
    await em.query(
      `INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, transaction_reference, occurred_at, recorded_by) VALUES ${batch.map(() => '(?,?,?,1,?,?,?)').join(',')}`,
      batch.flatMap((e) => [e.id, t.acquirerId, DisclosurePurpose.BUSINESS_TRANSFER, reference, now, actor.id]),
    );
    // Read the ids back rather than trusting auto-increment to be consecutive.
    const rows: { id: number; subjectId: number }[] = await em.query(
      `SELECT id, subject_id AS subjectId FROM disclosures WHERE subject_id IN (?) AND transaction_reference = ? AND recipient_id = ? AND purpose = 'BUSINESS_TRANSFER'`,
      [batch.map((e) => e.id), reference, t.acquirerId],
    );
    recorded.push(...rows.map((r) => Number(r.id)));
    const bySubject = new Map(batch.map((e) => [e.id, e.categories]));
    const pairs = rows.flatMap((r) => (bySubject.get(Number(r.subjectId)) ?? []).map((c) => [Number(r.id), c]));
    for (let j = 0; j < pairs.length; j += INSERT_BATCH) {
      const part = pairs.slice(j, j + INSERT_BATCH);
      await em.query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES ${part.map(() => '(?,?)').join(',')}`, part.flat());
    }
  }
  return recorded;
}
