import { createPublicKey, publicEncrypt, randomBytes, constants as cryptoConstants } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { recordDisclosure } from '../../domain/disclosure.service';
import { DomainError, badInput, conflict, notFound } from '../../domain/errors';
import { SUBJECT_FIELDS, transferCategoryList, transferColumns, transferredSubjectCategories, type SubjectColumn, type SubjectField } from '../../domain/personal-data.catalogue';
import { inTransaction } from '../../domain/transaction';
import { DisclosurePurpose, PurposeKey, RecipientKind, SubjectStatus } from '../../entities/enums';
import { Recipient } from '../../entities/recipient.entity';
import type { Anonymizer, PluginServices } from '../../domain/plugin-services.port';
import { BusinessTransfer, TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';
import {
  EXPORT_FILES, FRAMING, GzipLineWriter, SCHEMA_VERSION, concatenate, encryptFrame, exportFileName, formatRow, rowFormatter, writeFileAtomic,
  type ExportFile, type Manifest, type ManifestFile,
} from './export-files';
import { ChunkStatus, TransferChunk } from './transfer-chunk.entity';

export interface BusinessTransferOptions {
  /** Root folder of exports; each transfer gets `transfer-<id>` under it. */
  exportDir: string;
  /** Subjects per chunk job. */
  chunkSize: number;
  /** Minimum quasi-identifier class size of due-diligence exports. */
  k: number;
}

export interface TransferScope {
  regions: string[] | null;
  statuses: SubjectStatus[] | null;
  createdBefore: string | null;
}

export interface StartTransferInput {
  dealName: string;
  acquirerId: number;
  phase: TransferPhase;
  scope: { regions?: string[] | null; statuses?: SubjectStatus[] | null; createdBefore?: Date | null };
  format?: TransferFormat | null;
  encryptFor?: string | null;
}

export const TERMINAL = new Set([TransferStatus.COMPLETED, TransferStatus.CANCELLED, TransferStatus.FAILED]);
/**
 * Subjects read per keyset page inside a chunk: bounds memory whatever the chunk size. Small on
 * purpose: a page of 500 (some 13,000 row objects for each chunk in flight) outlived the young
 * generation, and promoting it was a quarter of the worker's CPU; at 100 the worker needed about
 * a third less CPU per row, with a lower peak RSS (export bench, 50k subjects).
 */
const PAGE = 100;
/** Rows per multi-row INSERT. */
const INSERT_BATCH = 1000;
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

// Categories of the subject fields a closing export carries, per field, and what a due-diligence
// export reveals (generalized, non-identifying): both from the personal-data catalogue.
const SUBJECT_FIELD_CATEGORIES = transferredSubjectCategories('CLOSING');
const DUE_DILIGENCE_CATEGORIES = transferCategoryList('DUE_DILIGENCE');

const CONSENT_PURPOSES = Object.values(PurposeKey).sort();
const DISCLOSURE_PURPOSES = Object.values(DisclosurePurpose).sort();

export const COLUMNS: Record<TransferPhase, Record<ExportFile, readonly string[]>> = {
  // The personal columns are the catalogue's (what each phase exports of each field); the rest are keys, times and counts.
  CLOSING: {
    subjects: ['id', ...transferColumns('CLOSING', 'subjects', 'subjects'), 'source', 'createdAt', 'updatedAt'],
    consents: ['subjectId', ...transferColumns('CLOSING', 'consents', 'consents'), 'version', 'updatedAt', ...transferColumns('CLOSING', 'consent_events', 'consents')],
    disclosures: ['id', 'subjectId', 'recipientId', 'recipientName', 'recipientKind', ...transferColumns('CLOSING', 'disclosures', 'disclosures'), 'occurredAt', 'categories'],
  },
  DUE_DILIGENCE: {
    subjects: ['pseudonym', ...transferColumns('DUE_DILIGENCE', 'subjects', 'subjects'), 'signupMonth', ...CONSENT_PURPOSES.map((p) => `consent_${p}`), ...DISCLOSURE_PURPOSES.map((p) => `disclosures_${p}`)],
    consents: ['purpose', 'status', 'subjects'],
    disclosures: ['purpose', 'disclosures', 'subjects'],
  },
};

export const transferReference = (id: number) => `business-transfer:${id}`;
export const pseudonymScope = (id: number) => `transfer-${id}`;

export function parseScope(t: BusinessTransfer): TransferScope {
  return JSON.parse(t.scope) as TransferScope;
}

/** The WHERE clause of a transfer's subjects: active only (erased subjects are never exported), within the snapshot. */
function scopeWhere(t: BusinessTransfer): { sql: string; params: unknown[] } {
  const scope = parseScope(t);
  const parts = [`s.status = 'ACTIVE'`, 's.id <= ?'];
  const params: unknown[] = [t.subjectMaxId];
  if (scope.regions) {
    parts.push('s.region IN (?)');
    params.push(scope.regions);
  }
  if (scope.createdBefore) {
    parts.push('s.created_at < ?');
    params.push(new Date(scope.createdBefore));
  }
  return { sql: parts.join(' AND '), params };
}

function normalizeScope(input: StartTransferInput['scope']): TransferScope {
  const regions = input.regions == null ? null : [...new Set(input.regions.map((r) => r.trim().toUpperCase()))].sort();
  if (regions && regions.length === 0) throw badInput('scope.regions is empty: name at least one region or leave it out', { field: 'scope.regions', reason: 'EMPTY_SCOPE' });
  if (regions && regions.some((r) => !REGION.test(r))) throw badInput('scope.regions are ISO 3166-2 codes such as US-CA', { field: 'scope.regions' });
  const statuses = input.statuses == null ? null : [...new Set(input.statuses)].sort();
  if (statuses && statuses.length === 0) throw badInput('scope.statuses is empty', { field: 'scope.statuses', reason: 'EMPTY_SCOPE' });
  if (statuses && !statuses.includes(SubjectStatus.ACTIVE)) throw badInput('erased subjects are never exported: scope.statuses must include ACTIVE', { field: 'scope.statuses', reason: 'EMPTY_SCOPE' });
  const createdBefore = input.createdBefore ?? null;
  if (createdBefore && Number.isNaN(createdBefore.getTime())) throw badInput('scope.createdBefore is not a date', { field: 'scope.createdBefore' });
  if (!regions && !statuses && !createdBefore) throw badInput('the scope is empty: name regions, statuses or createdBefore', { field: 'scope', reason: 'EMPTY_SCOPE' });
  return { regions, statuses, createdBefore: createdBefore ? createdBefore.toISOString() : null };
}

function checkPublicKey(pem: string): ReturnType<typeof createPublicKey> {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw badInput('encryptFor is not a PEM public key', { field: 'encryptFor' });
  }
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048)
    throw badInput('encryptFor must be an RSA public key of at least 2048 bits', { field: 'encryptFor' });
  return key;
}

async function maxId(em: EntityManager, table: string): Promise<number> {
  const [{ m }] = await em.query(`SELECT COALESCE(MAX(id), 0) AS m FROM \`${table}\``);
  return Number(m);
}

/**
 * Starts a transfer: checks the acquirer and the scope, and fixes everything the output bytes
 * depend on (generation time, snapshot watermarks, data key). The caller enqueues the plan job
 * after commit.
 */
export async function startBusinessTransfer(em: EntityManager, actor: Actor, input: StartTransferInput, options: BusinessTransferOptions, now = new Date()): Promise<BusinessTransfer> {
  const dealName = input.dealName.trim();
  if (!dealName || dealName.length > 200) throw badInput('dealName is 1 to 200 characters', { field: 'dealName' });
  if (!Object.values(TransferPhase).includes(input.phase)) throw badInput(`phase must be one of ${Object.values(TransferPhase).join(', ')}`, { field: 'phase' });
  if (input.format && !Object.values(TransferFormat).includes(input.format)) throw badInput(`format must be one of ${Object.values(TransferFormat).join(', ')}`, { field: 'format' });
  if (!Number.isInteger(input.acquirerId) || input.acquirerId < 1) throw badInput('acquirerId is not a valid id', { field: 'acquirerId' });
  const acquirer = await em.getRepository(Recipient).findOneBy({ id: input.acquirerId });
  if (!acquirer) throw notFound('recipient', input.acquirerId);
  if (acquirer.kind !== RecipientKind.ACQUIRER)
    throw badInput(`recipient ${acquirer.id} is ${acquirer.kind}, not an ACQUIRER`, { field: 'acquirerId', reason: 'NOT_AN_ACQUIRER' });
  if (!acquirer.allowedPurposes.includes(DisclosurePurpose.BUSINESS_TRANSFER))
    throw badInput(`recipient ${acquirer.id} is not allowed data for BUSINESS_TRANSFER`, { field: 'acquirerId', reason: 'PURPOSE_NOT_ALLOWED' });
  const scope = normalizeScope(input.scope);
  const publicKey = input.encryptFor ? checkPublicKey(input.encryptFor) : null;

  const repo = em.getRepository(BusinessTransfer);
  const draft = repo.create({
    dealName,
    acquirerId: acquirer.id,
    phase: input.phase,
    format: input.format ?? TransferFormat.NDJSON,
    scope: JSON.stringify(scope),
    status: TransferStatus.PENDING,
    generatedAt: now,
    subjectMaxId: await maxId(em, 'subjects'),
    disclosureMaxId: await maxId(em, 'disclosures'),
    consentEventMaxId: await maxId(em, 'consent_events'),
    chunkSize: options.chunkSize,
    k: options.k,
    publicKey: input.encryptFor ?? null,
    dataKey: null,
    wrappedKey: null,
    exportPath: '',
    subjectsTotal: 0,
    subjectsDone: 0,
    chunksTotal: null,
    chunksDone: 0,
    manifest: null,
    error: null,
    startedBy: actor.id,
    startedAt: now,
    plannedAt: null,
    finishedAt: null,
    cancelledBy: null,
  });
  const where = scopeWhere(draft);
  const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM subjects s WHERE ${where.sql}`, where.params);
  if (Number(n) === 0) throw badInput('the scope matches no active subject', { field: 'scope', reason: 'EMPTY_SCOPE' });
  draft.subjectsTotal = Number(n);
  if (publicKey) {
    // Drawn once and kept until the transfer ends, so a resumed run encrypts to the same bytes.
    const dataKey = randomBytes(32);
    draft.dataKey = dataKey.toString('hex');
    draft.wrappedKey = publicEncrypt({ key: publicKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey).toString('base64');
  }
  await repo.insert(draft);
  const exportPath = path.resolve(options.exportDir, `transfer-${draft.id}`);
  await repo.update({ id: draft.id }, { exportPath });
  await appendAudit(em, actor, {
    action: 'business-transfer.started',
    entityType: 'BusinessTransfer',
    entityId: draft.id,
    details: { acquirerId: acquirer.id, phase: draft.phase, format: draft.format, scope, subjectsTotal: draft.subjectsTotal, encrypted: publicKey !== null },
  });
  return repo.findOneByOrFail({ id: draft.id });
}

export async function cancelBusinessTransfer(em: EntityManager, actor: Actor, id: number, now = new Date()): Promise<BusinessTransfer> {
  const repo = em.getRepository(BusinessTransfer);
  const t = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!t) throw notFound('business transfer', id);
  if (TERMINAL.has(t.status)) throw conflict(`business transfer ${id} is already ${t.status}`, { reason: 'TRANSFER_FINISHED' });
  await repo.update({ id }, { status: TransferStatus.CANCELLED, cancelledBy: actor.id, finishedAt: now, dataKey: null });
  await appendAudit(em, actor, { action: 'business-transfer.cancelled', entityType: 'BusinessTransfer', entityId: id, details: { subjectsDone: t.subjectsDone, subjectsTotal: t.subjectsTotal } });
  return repo.findOneByOrFail({ id });
}

/** Marks a transfer failed (a chunk or the assembly gave up), once. */
export async function failBusinessTransfer(ds: DataSource, id: number, error: string): Promise<void> {
  await inTransaction(ds, async (em) => {
    const t = await em.getRepository(BusinessTransfer).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!t || TERMINAL.has(t.status)) return;
    await em.getRepository(BusinessTransfer).update({ id }, { status: TransferStatus.FAILED, error: error.slice(0, 2000), finishedAt: new Date(), dataKey: null });
    await appendAudit(em, { id: 'system', roles: [] }, { action: 'business-transfer.failed', entityType: 'BusinessTransfer', entityId: id, details: { error: error.slice(0, 500) } });
  });
}

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

export async function markPlanned(ds: DataSource, transferId: number): Promise<void> {
  await ds.getRepository(BusinessTransfer).update({ id: transferId }, { plannedAt: new Date() });
}

// ---------------------------------------------------------------------------------------------
// Chunk: write the parts of one range, then checkpoint (and record disclosures) in one transaction.

const pad = (n: number) => String(n).padStart(6, '0');
const partsDir = (t: BusinessTransfer) => path.join(t.exportPath, '.parts');
const partFile = (t: BusinessTransfer, file: ExportFile, seq: number) => path.join(partsDir(t), `${file}.${pad(seq)}.part`);

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
      const categories = [...new Set(SUBJECT_FIELD_CATEGORIES.filter(([field]) => subjectRow[field] != null).map(([, c]) => c))].sort();
      exported.push({ id: s.id, categories: categories.length ? categories : ['user.name'] });
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

/** One raw (not yet k-anonymous) due-diligence row, under the transfer's pseudonym. */
async function writeDueDiligenceChunk(ds: DataSource, t: BusinessTransfer, chunk: TransferChunk, writer: GzipLineWriter, anonymizer: Anonymizer): Promise<ExportedSubject[]> {
  const exported: ExportedSubject[] = [];
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
      const row: Record<string, unknown> = {
        pseudonym: anonymizer.pseudonymize(String(s.id), pseudonymScope(t.id)),
        region: s.region,
        ageBand: (s.birthDate ? anonymizer.ageBand(s.birthDate, t.generatedAt) : null) ?? s.ageRange,
        signupMonth: anonymizer.month(new Date(s.createdAt)),
      };
      const consentOf = new Map((consents.get(s.id) ?? []).map((c) => [c.purpose, c.status]));
      for (const p of CONSENT_PURPOSES) row[`consent_${p}`] = consentOf.get(p) ?? null;
      const countOf = new Map((countsBy.get(s.id) ?? []).map((c) => [c.purpose, Number(c.n)]));
      for (const p of DISCLOSURE_PURPOSES) row[`disclosures_${p}`] = countOf.get(p) ?? 0;
      await writer.line(JSON.stringify(row));
      exported.push({ id: s.id, categories: DUE_DILIGENCE_CATEGORIES });
    }
    after = ids[ids.length - 1]!;
    if (subjects.length < PAGE) break;
  }
  return exported;
}

function dataKeyOf(t: BusinessTransfer): Buffer | null {
  if (!t.publicKey) return null;
  if (!t.dataKey) throw new DomainError('CONFLICT', `business transfer ${t.id} has lost its data key`);
  return Buffer.from(t.dataKey, 'hex');
}

/**
 * Writes one chunk's parts (gzip members, encrypted frames when asked) to temp files and renames
 * them into place, then checkpoints in one transaction: the chunk is DONE, progress moves, and at
 * closing every exported subject gets its BUSINESS_TRANSFER disclosure. A worker killed anywhere
 * before the commit redoes the whole chunk and writes the same bytes.
 */
export async function exportChunk(ds: DataSource, services: PluginServices, transferId: number, seq: number, actor: Actor): Promise<ChunkResult> {
  const t = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (TERMINAL.has(t.status)) return { skipped: t.status };
  const chunk = await ds.getRepository(TransferChunk).findOneBy({ transferId, seq });
  if (!chunk) throw notFound('business transfer chunk', `${transferId}/${seq}`);
  if (chunk.status === ChunkStatus.DONE) return { skipped: 'DONE' };
  const dataKey = dataKeyOf(t);
  await mkdir(partsDir(t), { recursive: true });

  const files: readonly ExportFile[] = t.phase === TransferPhase.CLOSING ? EXPORT_FILES : ['subjects'];
  const writers = Object.fromEntries(files.map((f) => [f, new GzipLineWriter(`${partFile(t, f, seq)}.gz.tmp`)])) as Record<ExportFile, GzipLineWriter>;
  let exported: ExportedSubject[];
  try {
    if (t.phase === TransferPhase.CLOSING) {
      // The CSV header goes in the first chunk only, so the parts concatenate into one table.
      if (t.format === TransferFormat.CSV && seq === 0) for (const f of files) await writers[f].line(COLUMNS.CLOSING[f].join(','), false);
      exported = await writeClosingChunk(ds, t, chunk, writers);
    } else {
      const anonymizer = services.anonymizer;
      if (!anonymizer) throw new DomainError('CONFLICT', 'due diligence needs the anonymization plugin');
      exported = await writeDueDiligenceChunk(ds, t, chunk, writers.subjects, anonymizer);
    }
  } finally {
    for (const f of files) await writers[f].close();
  }
  const isLastChunk = t.chunksTotal !== null && seq === t.chunksTotal - 1;
  const parts: Record<string, { rows: number }> = {};
  for (const f of files) {
    const gz = `${partFile(t, f, seq)}.gz.tmp`;
    // Due-diligence parts are intermediate (k-anonymized at assembly), so only closing parts are encrypted here.
    if (dataKey && t.phase === TransferPhase.CLOSING) {
      await encryptFrame(gz, `${partFile(t, f, seq)}.tmp`, dataKey, f, seq, isLastChunk);
      await rm(gz);
    } else await rename(gz, `${partFile(t, f, seq)}.tmp`);
    await rename(`${partFile(t, f, seq)}.tmp`, partFile(t, f, seq));
    parts[f] = { rows: writers[f].rows };
  }

  return inTransaction(ds, async (em) => {
    const locked = await em.getRepository(BusinessTransfer).findOne({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
    if (!locked || TERMINAL.has(locked.status)) return { skipped: locked?.status ?? 'GONE' };
    const row = await em.getRepository(TransferChunk).findOne({ where: { transferId, seq }, lock: { mode: 'pessimistic_write' } });
    if (!row || row.status === ChunkStatus.DONE) return { skipped: 'DONE' };
    const ids = exported.map((e) => e.id);
    if (ids.length > 0) {
      // An erasure that slipped in while the part was written: redo the chunk without that subject.
      const still: { id: number }[] = await em.query(`SELECT id FROM subjects WHERE id IN (?) AND status = 'ACTIVE' ORDER BY id LOCK IN SHARE MODE`, [ids]);
      if (still.length !== ids.length) throw new Error(`a subject of chunk ${seq} was erased during the export; the chunk is written again`);
      if (t.phase === TransferPhase.CLOSING) await recordTransferDisclosures(em, actor, locked, exported);
    }
    await em.getRepository(TransferChunk).update({ transferId, seq }, { status: ChunkStatus.DONE, subjects: ids.length, parts: JSON.stringify(parts), completedAt: new Date() });
    await em.query('UPDATE business_transfers SET subjects_done = subjects_done + ?, chunks_done = chunks_done + 1 WHERE id = ?', [ids.length, transferId]);
    return { subjects: ids.length };
  });
}

/** One BUSINESS_TRANSFER disclosure per exported subject, with the categories exported, in multi-row INSERTs. */
async function recordTransferDisclosures(em: EntityManager, actor: Actor, t: BusinessTransfer, exported: ExportedSubject[]): Promise<void> {
  const now = new Date();
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
    const bySubject = new Map(batch.map((e) => [e.id, e.categories]));
    const pairs = rows.flatMap((r) => (bySubject.get(Number(r.subjectId)) ?? []).map((c) => [Number(r.id), c]));
    for (let j = 0; j < pairs.length; j += INSERT_BATCH) {
      const part = pairs.slice(j, j + INSERT_BATCH);
      await em.query(`INSERT INTO disclosure_categories (disclosure_id, category_key) VALUES ${part.map(() => '(?,?)').join(',')}`, part.flat());
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Assemble: concatenate the parts (closing) or k-anonymize them (due diligence), write the manifest.

async function* readJsonLines(file: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as Record<string, unknown>;
}

async function writeWholeFile(t: BusinessTransfer, file: ExportFile, lines: Iterable<string>, dataKey: Buffer | null): Promise<{ rows: number; gz: string }> {
  const gz = path.join(partsDir(t), `${file}.final.gz`);
  const writer = new GzipLineWriter(gz);
  if (t.format === TransferFormat.CSV) await writer.line(COLUMNS.DUE_DILIGENCE[file].join(','), false);
  for (const line of lines) await writer.line(line);
  await writer.close();
  if (!dataKey) return { rows: writer.rows, gz };
  const enc = `${gz}.enc`;
  await encryptFrame(gz, enc, dataKey, file, 0, true);
  return { rows: writer.rows, gz: enc };
}

interface DueDiligenceOutput {
  files: Record<ExportFile, { rows: number; path: string }>;
  anonymization: NonNullable<Manifest['anonymization']>;
  subjects: number;
}

/**
 * k-anonymity needs every row at once (the anonymizer generalizes whole columns), so the
 * due-diligence rows, small and non-identifying, are held in memory here.
 */
async function assembleDueDiligence(t: BusinessTransfer, chunks: TransferChunk[], anonymizer: Anonymizer, dataKey: Buffer | null): Promise<DueDiligenceOutput> {
  const raw: Record<string, unknown>[] = [];
  for (const c of chunks) for await (const row of readJsonLines(partFile(t, 'subjects', c.seq))) raw.push(row);
  const quasiIdentifiers = [
    { column: 'region', kind: 'REGION' as const },
    { column: 'ageBand', kind: 'AGE_BAND' as const },
    { column: 'signupMonth', kind: 'SIGNUP_MONTH' as const },
  ];
  const result = anonymizer.kAnonymize(raw, { quasiIdentifiers, k: t.k });
  // Sorted by pseudonym: subject-id order would leak signup order.
  const rows = [...result.rows].sort((a, b) => String(a.pseudonym).localeCompare(String(b.pseudonym)));
  const consentCounts = new Map<string, number>();
  const disclosureCounts = new Map<string, { disclosures: number; subjects: number }>();
  for (const r of rows) {
    for (const p of CONSENT_PURPOSES) {
      const key = `${p}\u0000${r[`consent_${p}`] ?? 'NONE'}`;
      consentCounts.set(key, (consentCounts.get(key) ?? 0) + 1);
    }
    for (const p of DISCLOSURE_PURPOSES) {
      const n = Number(r[`disclosures_${p}`] ?? 0);
      const agg = disclosureCounts.get(p) ?? { disclosures: 0, subjects: 0 };
      agg.disclosures += n;
      agg.subjects += n > 0 ? 1 : 0;
      disclosureCounts.set(p, agg);
    }
  }
  // The totals follow from the released rows, so they reveal nothing the subjects file does not.
  const consentRows = [...consentCounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, subjects]) => {
    const [purpose, status] = key.split('\u0000');
    return { purpose, status, subjects };
  });
  const disclosureRows = DISCLOSURE_PURPOSES.map((purpose) => ({ purpose, ...disclosureCounts.get(purpose)! })).filter((r) => r.disclosures > 0);
  const cols = COLUMNS.DUE_DILIGENCE;
  const subjects = await writeWholeFile(t, 'subjects', rows.map((r) => formatRow(t.format, cols.subjects, r)), dataKey);
  const consents = await writeWholeFile(t, 'consents', consentRows.map((r) => formatRow(t.format, cols.consents, r)), dataKey);
  const disclosures = await writeWholeFile(t, 'disclosures', disclosureRows.map((r) => formatRow(t.format, cols.disclosures, r)), dataKey);
  return {
    files: { subjects: { rows: subjects.rows, path: subjects.gz }, consents: { rows: consents.rows, path: consents.gz }, disclosures: { rows: disclosures.rows, path: disclosures.gz } },
    anonymization: { k: t.k, kAchieved: result.kAchieved, suppressedRows: result.suppressedRows, levels: result.levels, quasiIdentifiers: quasiIdentifiers.map((q) => q.column) },
    subjects: rows.length,
  };
}

export function buildManifest(t: BusinessTransfer, acquirer: Recipient, files: ManifestFile[], subjects: number, anonymization: Manifest['anonymization']): Manifest {
  return {
    schemaVersion: SCHEMA_VERSION,
    transferId: t.id,
    deal: t.dealName,
    phase: t.phase,
    format: t.format,
    acquirer: { id: acquirer.id, name: acquirer.name },
    scope: parseScope(t),
    generatedAt: t.generatedAt.toISOString(),
    subjects,
    files,
    encryption: t.wrappedKey ? { algorithm: 'AES-256-GCM', keyWrap: 'RSA-OAEP-SHA256', wrappedKey: t.wrappedKey, framing: FRAMING } : null,
    anonymization,
  };
}

/**
 * Runs after every chunk: writes the final files and the manifest (temp then rename, so a crash
 * redoes it from the parts), then completes the transfer in one transaction, with the one
 * non-identifiable disclosure of a due-diligence export, and its audit event.
 */
export async function assembleTransfer(ds: DataSource, services: PluginServices, transferId: number, actor: Actor): Promise<{ skipped?: string; manifest?: Manifest }> {
  const t = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
  if (!t) throw notFound('business transfer', transferId);
  if (t.status === TransferStatus.CANCELLED) {
    await rm(t.exportPath, { recursive: true, force: true });
    return { skipped: t.status };
  }
  if (TERMINAL.has(t.status)) return { skipped: t.status };
  const chunks = await ds.getRepository(TransferChunk).find({ where: { transferId }, order: { seq: 'ASC' } });
  const pending = chunks.filter((c) => c.status !== ChunkStatus.DONE).map((c) => c.seq);
  if (chunks.length === 0 || pending.length > 0) throw new Error(`business transfer ${transferId} has chunks still to write: ${pending.slice(0, 10).join(', ')}`);
  const acquirer = await ds.getRepository(Recipient).findOneByOrFail({ id: t.acquirerId });
  const dataKey = dataKeyOf(t);
  const encrypted = dataKey !== null;

  const manifestFiles: ManifestFile[] = [];
  let subjects: number;
  let anonymization: Manifest['anonymization'] = null;
  if (t.phase === TransferPhase.CLOSING) {
    subjects = chunks.reduce((n, c) => n + c.subjects, 0);
    for (const f of EXPORT_FILES) {
      const name = exportFileName(f, t.format, encrypted);
      const { sha256, bytes } = await concatenate(chunks.map((c) => partFile(t, f, c.seq)), path.join(t.exportPath, name));
      const rows = chunks.reduce((n, c) => n + ((JSON.parse(c.parts ?? '{}') as Record<string, { rows: number }>)[f]?.rows ?? 0), 0);
      manifestFiles.push({ name, rows, bytes, sha256 });
    }
  } else {
    const anonymizer = services.anonymizer;
    if (!anonymizer) throw new DomainError('CONFLICT', 'due diligence needs the anonymization plugin');
    const out = await assembleDueDiligence(t, chunks, anonymizer, dataKey);
    for (const f of EXPORT_FILES) {
      const name = exportFileName(f, t.format, encrypted);
      const { sha256, bytes } = await concatenate([out.files[f].path], path.join(t.exportPath, name));
      manifestFiles.push({ name, rows: out.files[f].rows, bytes, sha256 });
    }
    subjects = out.subjects;
    anonymization = out.anonymization;
  }
  const manifest = buildManifest(t, acquirer, manifestFiles, subjects, anonymization);
  await writeFileAtomic(path.join(t.exportPath, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const done = await inTransaction(ds, async (em) => {
    const locked = await em.getRepository(BusinessTransfer).findOne({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
    if (!locked || TERMINAL.has(locked.status)) return false;
    if (t.phase === TransferPhase.DUE_DILIGENCE)
      await recordDisclosure(em, actor, {
        subjectId: null,
        recipientId: t.acquirerId,
        purpose: DisclosurePurpose.BUSINESS_TRANSFER,
        categories: DUE_DILIGENCE_CATEGORIES,
        identifiable: false,
        transactionReference: transferReference(t.id),
      });
    await em.getRepository(BusinessTransfer).update({ id: transferId }, { status: TransferStatus.COMPLETED, manifest: JSON.stringify(manifest), finishedAt: new Date(), dataKey: null });
    await appendAudit(em, actor, {
      action: 'business-transfer.finished',
      entityType: 'BusinessTransfer',
      entityId: transferId,
      details: { phase: t.phase, subjects, files: manifestFiles.map((f) => ({ name: f.name, rows: f.rows, sha256: f.sha256 })) },
    });
    return true;
  });
  if (!done) {
    const now = await ds.getRepository(BusinessTransfer).findOneBy({ id: transferId });
    if (now?.status === TransferStatus.CANCELLED) await rm(t.exportPath, { recursive: true, force: true });
    return { skipped: now?.status ?? 'GONE' };
  }
  await rm(partsDir(t), { recursive: true, force: true });
  return { manifest };
}

/** Transfers whose plan job may never have arrived (a crash between commit and enqueue). */
export async function unplannedTransferIds(ds: DataSource, olderThanMs: number): Promise<number[]> {
  const rows: { id: number }[] = await ds.query(
    `SELECT id FROM business_transfers WHERE status IN ('PENDING', 'RUNNING') AND planned_at IS NULL AND started_at < ? ORDER BY id LIMIT 100`,
    [new Date(Date.now() - olderThanMs)],
  );
  return rows.map((r) => Number(r.id));
}

export interface TransferProgress {
  processed: number;
  total: number;
  percent: number;
  /** Subjects per second since the start. */
  rate: number;
  estimatedFinish: Date | null;
}

export function progressOf(t: BusinessTransfer, now = new Date()): TransferProgress {
  const total = t.subjectsTotal;
  const processed = Math.min(t.subjectsDone, total);
  const elapsed = Math.max(0.001, ((t.finishedAt ?? now).getTime() - t.startedAt.getTime()) / 1000);
  const rate = processed / elapsed;
  const percent = total === 0 ? 100 : Math.round((processed / total) * 1000) / 10;
  let estimatedFinish: Date | null = null;
  if (t.status === TransferStatus.COMPLETED) estimatedFinish = t.finishedAt;
  else if (!TERMINAL.has(t.status) && rate > 0) estimatedFinish = new Date(now.getTime() + ((total - processed) / rate) * 1000);
  return { processed, total, percent: t.status === TransferStatus.COMPLETED ? 100 : percent, rate: Math.round(rate * 10) / 10, estimatedFinish };
}
