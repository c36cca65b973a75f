import { createHash } from 'node:crypto';
import type { AuditCheckpoint } from './integrity';
import type { EntityManager } from 'typeorm';
import { AuditChainHead } from '../entities/audit-chain-head.entity';
import { AuditEvent } from '../entities/audit-event.entity';
import type { Actor } from './actor';
import { insertRows } from './transaction';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  /** Ids and codes only, never personal data. */
  details?: Record<string, unknown> | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so MySQL's JSON normalization cannot change a hash. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
    .join(',')}}`;
}

export function auditHash(e: Pick<AuditEvent, 'seq' | 'occurredAt' | 'actor' | 'action' | 'entityType' | 'entityId' | 'details' | 'prevHash'>): string {
  const body = canonical([
    e.seq,
    e.occurredAt.toISOString(),
    e.actor,
    e.action,
    e.entityType,
    e.entityId,
    e.details,
    e.prevHash,
  ]);
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Appends one event to the hash chain inside the caller's transaction. Callers append last,
 * just before commit: the chain head row lock serializes every writer, so it is held briefly.
 *
 * The link is computed by the database: the INSERT reads the head (and locks it) and hashes
 * the event with the head's seq and hash, then one UPDATE moves the head. So the lock is held
 * for two statements and the commit, with no round trip to the application in between; the
 * hash is the one auditHash computes (verifyAuditChain recomputes it in the application).
 */
export async function appendAudit(em: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
  const occurredAt = new Date();
  const entityId = entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId);
  const details = entry.details ?? null;
  // canonical([seq, …, prevHash]) with seq and prevHash left for SQL: '[' seq MIDDLE '"' prevHash '"]'.
  const middle = `,${[occurredAt.toISOString(), actor.id, entry.action, entry.entityType, entityId, details].map(canonical).join(',')},`;
  const link = `SHA2(CONCAT('[', h.last_seq + 1, ?, '"', h.last_hash, '"]'), 256)`;
  const inserted: { affectedRows?: number } = await em.query(
    `INSERT INTO audit_events (seq, occurred_at, actor, action, entity_type, entity_id, details, prev_hash, hash)
     SELECT h.last_seq + 1, ?, ?, ?, ?, ?, ?, h.last_hash, ${link} FROM audit_chain_head h WHERE h.id = 1 FOR UPDATE`,
    [occurredAt, actor.id, entry.action, entry.entityType, entityId, details === null ? null : JSON.stringify(details), middle],
  );
  if (Number(inserted.affectedRows ?? 0) !== 1) throw new Error('audit chain head missing: run the migrations');
  // last_hash is assigned before last_seq, so it reads the old seq whether MariaDB assigns left
  // to right (the default) or simultaneously (SIMULTANEOUS_ASSIGNMENT).
  await em.query(`UPDATE audit_chain_head h SET h.last_hash = ${link}, h.last_seq = h.last_seq + 1 WHERE h.id = 1`, [middle]);
}

/**
 * Appends events with one lock of the chain head, one insert and one head update. Plain SQL:
 * while the head is locked every other writer waits, so nothing slow runs between statements.
 */
export async function appendAuditBatch(em: EntityManager, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length === 1) return appendAudit(em, actor, entries[0]!);
  const [head]: { last_seq: number; last_hash: string }[] = await em.query('SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE');
  if (!head) throw new Error('audit chain head missing: run the migrations');
  let prevHash = head.last_hash;
  let seq = Number(head.last_seq);
  const occurredAt = new Date();
  const values: unknown[] = [];
  for (const entry of entries) {
    seq += 1;
    const event = {
      seq,
      occurredAt,
      actor: actor.id,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: entry.details ?? null,
      prevHash,
    };
    const hash = auditHash(event);
    values.push(seq, occurredAt, event.actor, event.action, event.entityType, event.entityId, event.details === null ? null : JSON.stringify(event.details), prevHash, hash);
    prevHash = hash;
  }
  await insertRows(
    em,
    entries.length,
    `INSERT INTO audit_events (seq, occurred_at, actor, action, entity_type, entity_id, details, prev_hash, hash) VALUES ${entries.map(() => '(?,?,?,?,?,?,?,?,?)').join(',')}`,
    values,
  );
  await em.query('UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1', [seq, prevHash]);
}

export interface AuditChainReport {
  valid: boolean;
  eventsChecked: number;
  /** Position of the first broken link, if any. */
  brokenAtSeq: number | null;
  brokenEventId: number | null;
  reason: string | null;
  /** Signed checkpoints (published outside the database) the chain was checked against. */
  checkpointsChecked: number;
  lastCheckpointSeq: number | null;
}

/**
 * Walks the chain in order and reports the first event whose link or content does not verify,
 * or that differs from a signed checkpoint published outside the database: a writer who rewrites
 * a stretch of the chain and every hash after it, or cuts it short, still cannot match a
 * checkpoint without the key (docs/legal.md, point 10). What changed after the last checkpoint
 * is only as safe as the chain's own hashes.
 */
export async function verifyAuditChain(
  em: EntityManager,
  published: { checkpoints: AuditCheckpoint[]; badLines: number[] } = { checkpoints: [], badLines: [] },
  batchSize = 2000,
): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  let previous: AuditEvent | null = null;
  const signed = new Map(published.checkpoints.map((c) => [c.seq, c]));
  const lastCheckpointSeq = published.checkpoints.reduce<number | null>((m, c) => (m === null || c.seq > m ? c.seq : m), null);
  const checkpointsChecked = published.checkpoints.length;
  const broken = (e: AuditEvent | null, seq: number, reason: string): AuditChainReport => ({
    valid: false,
    eventsChecked: checked,
    brokenAtSeq: seq,
    brokenEventId: e?.id ?? null,
    reason,
    checkpointsChecked,
    lastCheckpointSeq,
  });
  if (published.badLines.length > 0) return broken(null, 0, `the checkpoint file has lines that are not signed checkpoints: ${published.badLines.slice(0, 10).join(', ')}`);
  for (;;) {
    const rows = await em
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.seq >= :from', { from: expectedSeq })
      .orderBy('e.seq', 'ASC')
      .limit(batchSize)
      .getMany();
    for (const e of rows) {
      if (e.seq !== expectedSeq) return broken(e, expectedSeq, `event ${expectedSeq} is missing (next is ${e.seq})`);
      // Events are inserted in chain order under the head lock, so row ids grow with seq. A
      // row with a larger id than its successor was inserted afterwards: even with a
      // recomputed hash, the forgery is reported at itself, not at the event after it.
      if (previous && e.id < previous.id) {
        checked -= 1;
        return broken(previous, previous.seq, `event ${previous.seq} was stored after event ${e.seq} (row ids out of order)`);
      }
      if (e.prevHash !== prevHash) return broken(e, e.seq, 'link to the previous event does not match');
      if (auditHash(e) !== e.hash) return broken(e, e.seq, 'content does not match its hash');
      const cp = signed.get(e.seq);
      if (cp && cp.hash !== e.hash) return broken(e, e.seq, `event ${e.seq} differs from the signed checkpoint published at ${cp.at}`);
      prevHash = e.hash;
      previous = e;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < batchSize) break;
  }
  if (lastCheckpointSeq !== null && lastCheckpointSeq > expectedSeq - 1)
    return broken(null, expectedSeq, `chain ends at ${expectedSeq - 1} but a signed checkpoint records event ${lastCheckpointSeq}`);
  const head = await em.getRepository(AuditChainHead).findOneBy({ id: 1 });
  if (head && (head.lastSeq !== expectedSeq - 1 || head.lastHash !== prevHash)) {
    return broken(null, expectedSeq, `chain ends at ${expectedSeq - 1} but the head records ${head.lastSeq}`);
  }
  return { valid: true, eventsChecked: checked, brokenAtSeq: null, brokenEventId: null, reason: null, checkpointsChecked, lastCheckpointSeq };
}
