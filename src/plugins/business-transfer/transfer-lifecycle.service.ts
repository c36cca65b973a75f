/** A transfer's lifecycle: start (acquirer, scope and key checks, snapshot), cancel, fail, mark planned, the sweep's query; and the scope rules. */
import { createPublicKey, publicEncrypt, randomBytes, constants as cryptoConstants } from 'node:crypto';
import path from 'node:path';
import { dataKeyEncryptionKey, sealDataKey } from './data-key';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { badInput, conflict, notFound } from '../../domain/errors';
import { inTransaction } from '../../domain/transaction';
import { DisclosurePurpose, RecipientKind, SubjectStatus } from '../../entities/enums';
import { Recipient } from '../../entities/recipient.entity';
import { BusinessTransfer, TransferFormat, TransferPhase, TransferStatus } from './business-transfer.entity';
import { TERMINAL } from './transfer-shared';
import { overlappingDueDiligence } from './due-diligence-scope.rules';

export interface BusinessTransferOptions {
  /** Root folder of exports; each transfer gets `transfer-<id>` under it. */
  exportDir: string;
  /** Subjects per chunk job. */
  chunkSize: number;
  /** Minimum quasi-identifier class size of due-diligence exports. */
  k: number;
  /** Days the export files stay on disk after the transfer ends (docs/legal.md, point 3). */
  artifactRetentionDays: number;
  /** The secret (outside the database) the data keys of encrypted exports are sealed under (data-key.ts). */
  dataKeySecret: string;
}

/** When a transfer's files expire: its end plus the retention fixed at its start. */
export function artifactsExpireAt(finishedAt: Date, retentionDays: number): Date {
  return new Date(finishedAt.getTime() + retentionDays * 86_400_000);
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

const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export function parseScope(t: BusinessTransfer): TransferScope {
  return JSON.parse(t.scope) as TransferScope;
}

/** The WHERE clause of a transfer's subjects: active only (erased subjects are never exported), within the snapshot. */
export function scopeWhere(t: BusinessTransfer): { sql: string; params: unknown[] } {
  return scopeWhereOf(parseScope(t), t.subjectMaxId);
}

/**
 * How many people a transfer with this scope would export if started now: the count
 * startBusinessTransfer fixes at start (the console shows it before the M&A user starts one).
 */
export async function countTransferScope(em: EntityManager, input: StartTransferInput['scope']): Promise<number> {
  const where = scopeWhereOf(normalizeScope(input), await maxId(em, 'subjects'));
  const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM subjects s WHERE ${where.sql}`, where.params);
  return Number(n);
}

function scopeWhereOf(scope: TransferScope, subjectMaxId: number): { sql: string; params: unknown[] } {
  const parts = [`s.status = 'ACTIVE'`, 's.id <= ?'];
  const params: unknown[] = [subjectMaxId];
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

/** Refuses a due-diligence export whose people may overlap one the acquirer has or is getting (due-diligence-scope.rules.ts). */
async function assertNoOverlappingDueDiligence(em: EntityManager, acquirerId: number, regions: string[] | null): Promise<void> {
  const earlier: { id: number; scope: string }[] = await em.query(
    `SELECT id, scope FROM business_transfers WHERE acquirer_id = ? AND phase = 'DUE_DILIGENCE' AND status NOT IN ('CANCELLED', 'FAILED') ORDER BY id`,
    [acquirerId],
  );
  const overlapping = overlappingDueDiligence(
    earlier.map((t) => ({ transferId: Number(t.id), regions: (JSON.parse(t.scope) as TransferScope).regions })),
    regions,
  );
  if (overlapping.length === 0) return;
  throw badInput(
    `acquirer ${acquirerId} already has due-diligence export ${overlapping.map((o) => o.transferId).join(', ')} over some of these people; the difference of two would count single people. A further export must name regions none of the earlier ones named`,
    { field: 'scope.regions', reason: 'DUE_DILIGENCE_OVERLAPS', transferIds: overlapping.map((o) => o.transferId) },
  );
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
  // Locked: two due-diligence exports to one acquirer are checked against each other in turn.
  const acquirer = await em.getRepository(Recipient).findOne({ where: { id: input.acquirerId }, lock: { mode: 'pessimistic_write' } });
  if (!acquirer) throw notFound('recipient', input.acquirerId);
  if (acquirer.kind !== RecipientKind.ACQUIRER)
    throw badInput(`recipient ${acquirer.id} is ${acquirer.kind}, not an ACQUIRER`, { field: 'acquirerId', reason: 'NOT_AN_ACQUIRER' });
  if (!acquirer.allowedPurposes.includes(DisclosurePurpose.BUSINESS_TRANSFER))
    throw badInput(`recipient ${acquirer.id} is not allowed data for BUSINESS_TRANSFER`, { field: 'acquirerId', reason: 'PURPOSE_NOT_ALLOWED' });
  const scope = normalizeScope(input.scope);
  const publicKey = input.encryptFor ? checkPublicKey(input.encryptFor) : null;
  if (input.phase === TransferPhase.DUE_DILIGENCE) await assertNoOverlappingDueDiligence(em, acquirer.id, scope.regions);

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
    artifactRetentionDays: options.artifactRetentionDays,
    artifactsExpireAt: null,
    artifactsPurgedAt: null,
  });
  const where = scopeWhere(draft);
  const [{ n }] = await em.query(`SELECT COUNT(*) AS n FROM subjects s WHERE ${where.sql}`, where.params);
  if (Number(n) === 0) throw badInput('the scope matches no active subject', { field: 'scope', reason: 'EMPTY_SCOPE' });
  draft.subjectsTotal = Number(n);
  // Drawn once and kept (sealed, with the transfer's id, once it has one) until the transfer ends, so a resumed run encrypts to the same bytes.
  const dataKey = publicKey ? randomBytes(32) : null;
  if (publicKey && dataKey) draft.wrappedKey = publicEncrypt({ key: publicKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey).toString('base64');
  await repo.insert(draft);
  const exportPath = path.resolve(options.exportDir, `transfer-${draft.id}`);
  await repo.update({ id: draft.id }, { exportPath, dataKey: dataKey ? sealDataKey(dataKey, dataKeyEncryptionKey(options.dataKeySecret), draft.id) : null });
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
  // Its files are deleted now; any the deletion misses, the purge sweep takes at once.
  await repo.update({ id }, { status: TransferStatus.CANCELLED, cancelledBy: actor.id, finishedAt: now, dataKey: null, artifactsExpireAt: now });
  // A due-diligence chunk's class counts (before k-anonymity) go with the export they were for.
  await em.query('UPDATE business_transfer_chunks SET tallies = NULL WHERE transfer_id = ?', [id]);
  await appendAudit(em, actor, { action: 'business-transfer.cancelled', entityType: 'BusinessTransfer', entityId: id, details: { subjectsDone: t.subjectsDone, subjectsTotal: t.subjectsTotal } });
  return repo.findOneByOrFail({ id });
}

/** Marks a transfer failed (a chunk or the assembly gave up), once. */
export async function failBusinessTransfer(ds: DataSource, id: number, error: string): Promise<void> {
  await inTransaction(ds, async (em) => {
    const t = await em.getRepository(BusinessTransfer).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!t || TERMINAL.has(t.status)) return;
    const finishedAt = new Date();
    // A failed transfer's files (parts written so far) are kept for the retention too, then purged.
    await em.getRepository(BusinessTransfer).update({ id }, {
      status: TransferStatus.FAILED, error: error.slice(0, 2000), finishedAt, dataKey: null, artifactsExpireAt: artifactsExpireAt(finishedAt, t.artifactRetentionDays),
    });
    await em.query('UPDATE business_transfer_chunks SET tallies = NULL WHERE transfer_id = ?', [id]);
    await appendAudit(em, { id: 'system', roles: [] }, { action: 'business-transfer.failed', entityType: 'BusinessTransfer', entityId: id, details: { error: error.slice(0, 500) } });
  });
}

export async function markPlanned(ds: DataSource, transferId: number): Promise<void> {
  await ds.getRepository(BusinessTransfer).update({ id: transferId }, { plannedAt: new Date() });
}
