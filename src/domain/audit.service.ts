import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditChainHead } from '../entities/audit-chain-head.entity';
import { AuditEvent } from '../entities/audit-event.entity';
import type { Actor } from './actor';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | number | null;
  /** Ids and codes only, never personal data. */
  details?: Record<string, unknown> | null;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so MySQL's JSON normalization cannot change a hash. */
function canonical(value: unknown): string {
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
 * Appends one event to the hash chain inside the caller's transaction. The chain head row is
 * locked last, just before commit, so appends serialize without holding the lock for long.
 */
export async function appendAudit(em: EntityManager, actor: Actor, entry: AuditEntry): Promise<AuditEvent> {
  const head = await em.getRepository(AuditChainHead).findOne({ where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
  if (!head) throw new Error('audit chain head missing: run the migrations');
  const event = em.getRepository(AuditEvent).create({
    seq: head.lastSeq + 1,
    occurredAt: new Date(),
    actor: actor.id,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    details: entry.details ?? null,
    prevHash: head.lastHash,
  });
  event.hash = auditHash(event);
  // The JSON column's unknown values defeat TypeORM's deep-partial type; the entity is complete.
  await em.getRepository(AuditEvent).insert(event as QueryDeepPartialEntity<AuditEvent>);
  await em.getRepository(AuditChainHead).update({ id: 1 }, { lastSeq: event.seq, lastHash: event.hash });
  return event;
}

/** Appends many events with one lock of the chain head, one insert and one head update. */
export async function appendAuditBatch(em: EntityManager, actor: Actor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const head = await em.getRepository(AuditChainHead).findOne({ where: { id: 1 }, lock: { mode: 'pessimistic_write' } });
  if (!head) throw new Error('audit chain head missing: run the migrations');
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const occurredAt = new Date();
  const events = entries.map((entry) => {
    seq += 1;
    const event = em.getRepository(AuditEvent).create({
      seq,
      occurredAt,
      actor: actor.id,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: entry.details ?? null,
      prevHash,
    });
    event.hash = auditHash(event);
    prevHash = event.hash;
    return event;
  });
  await em.getRepository(AuditEvent).insert(events as QueryDeepPartialEntity<AuditEvent>[]);
  await em.getRepository(AuditChainHead).update({ id: 1 }, { lastSeq: seq, lastHash: prevHash });
}

export interface AuditChainReport {
  valid: boolean;
  eventsChecked: number;
  /** Position of the first broken link, if any. */
  brokenAtSeq: number | null;
  brokenEventId: number | null;
  reason: string | null;
}

/** Walks the chain in order and reports the first event whose link or content does not verify. */
export async function verifyAuditChain(em: EntityManager, batchSize = 2000): Promise<AuditChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const broken = (e: AuditEvent | null, seq: number, reason: string): AuditChainReport => ({
    valid: false,
    eventsChecked: checked,
    brokenAtSeq: seq,
    brokenEventId: e?.id ?? null,
    reason,
  });
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
      if (e.prevHash !== prevHash) return broken(e, e.seq, 'link to the previous event does not match');
      if (auditHash(e) !== e.hash) return broken(e, e.seq, 'content does not match its hash');
      prevHash = e.hash;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.length < batchSize) break;
  }
  const head = await em.getRepository(AuditChainHead).findOneBy({ id: 1 });
  if (head && (head.lastSeq !== expectedSeq - 1 || head.lastHash !== prevHash)) {
    return broken(null, expectedSeq, `chain ends at ${expectedSeq - 1} but the head records ${head.lastSeq}`);
  }
  return { valid: true, eventsChecked: checked, brokenAtSeq: null, brokenEventId: null, reason: null };
}
