import { In, type EntityManager } from 'typeorm';
import { DataCategory } from '../../entities/data-category.entity';
import { RECORD_CATEGORIES } from '../../domain/personal-data.catalogue';
import { LegalHoldStatus, SubjectStatus } from '../../entities/enums';
import { LegalHold } from '../../entities/legal-hold.entity';
import { LegalHoldSubject } from '../../entities/legal-hold-subject.entity';
import { systemActor, type Actor } from '../../domain/actor';
import { appendAudit } from '../../domain/audit.service';
import { badInput, conflict, notFound } from '../../domain/errors';
import { historyBoundsNow, lockSubjects, type HistoryBounds } from '../../domain/subject-records.read';
import type { DomainHooks, HookContext } from '../../domain/hooks';
import type { ErasureScope } from '../../domain/erasure-scope';
import type { JobIntent, UseCaseOutcome, UseCaseRunner } from '../../domain/job-intents';
import { HoldPreservation, PreservationStatus } from './hold-preservation.entity';
import { PreservedRecord } from './preserved-record.entity';
import { sha256, snapshotSubjects } from './preservation';
import { addToDigest, recordMac, sameMac, sealMac, ZERO_DIGEST } from '../../domain/integrity';

export interface LegalHoldOptions {
  /** Scopes with more subjects than this are snapshotted by a job instead of inline. */
  snapshotJobThreshold: number;
  /** Days the preserved records of a freed subject are kept after release (Purview's delay hold). */
  purgeGraceDays: number;
  /** The MAC key of preserved records and seals (INTEGRITY_KEY; never in the database). */
  integrityKey: string;
}

/**
 * A hold's seal after adding (or, with sign -1, removing) records: count, digest and its MAC, as
 * columns of legal_hold_preservations. The caller holds the preservation row's lock.
 */
export function nextSeal(key: string, holdId: number, current: { sealCount: number; sealDigest: string } | null, delta: { count: number; macs?: string[]; digest?: string }, sign: 1 | -1 = 1) {
  const count = (current?.sealCount ?? 0) + sign * delta.count;
  const base = current?.sealDigest ?? ZERO_DIGEST;
  const digest = delta.digest !== undefined ? addToDigest(base, [delta.digest], sign) : addToDigest(base, delta.macs ?? [], sign);
  return { sealCount: count, sealDigest: digest, sealMac: sealMac(key, holdId, count, digest) };
}

export interface PlaceHoldInput {
  matter: string;
  caseReference: string;
  description?: string | null;
  subjectIds: number[];
  categories?: string[] | null;
  from?: Date | null;
  until?: Date | null;
}

export interface HoldScopeResult {
  hold: LegalHold;
  /** Subjects already erased when the hold came: nothing left to preserve. */
  alreadyErasedSubjectIds: number[];
  addedSubjectIds: number[];
  /** True when the snapshot runs as a job (after commit) rather than in this transaction. */
  snapshotQueued: boolean;
}

export const MAX_SUBJECTS_PER_CALL = 10_000;

export const SNAPSHOT_JOB = 'legal-hold.snapshot';

/**
 * The snapshot job of a hold, keyed by the hold: declared again when the scope grows, it runs
 * again (the snapshot skips subjects that already have their copy).
 */
export const snapshotIntent = (holdId: number): JobIntent => ({ name: SNAPSHOT_JOB, key: `hold-${holdId}`, payload: { holdId } });

/** The use case of placing a hold: the hold, its inline copies or its snapshot job, one change. */
export function placeHold(run: UseCaseRunner, actor: Actor, input: PlaceHoldInput, options: LegalHoldOptions): Promise<UseCaseOutcome<HoldScopeResult>> {
  return run(async (uow) => {
    const result = await placeLegalHold(uow.em, actor, input, options);
    if (result.snapshotQueued) await uow.declare(snapshotIntent(result.hold.id));
    return result;
  });
}

/** The use case of widening a hold's scope. */
export function extendHold(run: UseCaseRunner, actor: Actor, holdId: number, subjectIds: number[], options: LegalHoldOptions): Promise<UseCaseOutcome<HoldScopeResult>> {
  return run(async (uow) => {
    const result = await addSubjectsToLegalHold(uow.em, actor, holdId, subjectIds, options);
    if (result.snapshotQueued) await uow.declare(snapshotIntent(result.hold.id));
    return result;
  });
}

/** The use case of releasing a hold; the core's handlers declare the erasures it frees. */
export function releaseHold(run: UseCaseRunner, actor: Actor, holdId: number, reason: string, options: LegalHoldOptions, hooks: DomainHooks): Promise<UseCaseOutcome<ReleaseResult>> {
  return run((uow) => releaseLegalHold(uow.em, actor, holdId, reason, options, hooks, { actor, jobs: uow }));
}

/**
 * Locks the subject rows in id order (so two placements cannot deadlock) and splits them into
 * active and erased. The lock is what makes a hold and an erasure of the same subject
 * serialize: whichever locks first wins, and the other sees its result.
 */
async function lockScope(em: EntityManager, subjectIds: number[]): Promise<{ active: number[]; erased: number[] }> {
  const ids = [...new Set(subjectIds)].sort((a, b) => a - b);
  if (ids.length === 0) throw badInput('a hold covers at least one subject', { field: 'subjectIds' });
  if (ids.length > MAX_SUBJECTS_PER_CALL) throw badInput(`at most ${MAX_SUBJECTS_PER_CALL} subjects per call; add more with addSubjectsToLegalHold`, { field: 'subjectIds' });
  const rows = await lockSubjects(em, ids);
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => Number(r.id)));
    throw notFound('subject', ids.filter((id) => !found.has(id)).join(', '));
  }
  return {
    // A person whose processing is restricted (another hold stopped their erasure) can be held too.
    active: rows.filter((r) => r.status !== SubjectStatus.ERASED).map((r) => Number(r.id)),
    erased: rows.filter((r) => r.status === SubjectStatus.ERASED).map((r) => Number(r.id)),
  };
}

async function addScope(em: EntityManager, actor: Actor, hold: LegalHold, subjectIds: number[], options: LegalHoldOptions, now: Date): Promise<Omit<HoldScopeResult, 'hold'>> {
  const { active, erased } = await lockScope(em, subjectIds);
  const existing = new Set(
    (await em.getRepository(LegalHoldSubject).find({ select: { subjectId: true }, where: { holdId: hold.id, subjectId: In(active.length ? active : [0]) } })).map((s) => s.subjectId),
  );
  const added = active.filter((id) => !existing.has(id));
  if (added.length > 0)
    await em.getRepository(LegalHoldSubject).insert(added.map((subjectId) => ({ holdId: hold.id, subjectId, addedAt: now, addedBy: actor.id })));
  const queued = added.length > options.snapshotJobThreshold;
  const preservation = await em.getRepository(HoldPreservation).findOne({ where: { holdId: hold.id }, lock: { mode: 'pessimistic_write' } });
  // The data as of placement (point 11): everyone's current state (record, consents) is copied now,
  // in this change, so no later update can alter what is preserved; a large scope leaves the
  // history, which only grows, to the job, bounded to the rows that exist now.
  const inline = await snapshotSubjects(em, hold, added, options.integrityKey, now, queued ? { parts: 'CURRENT' } : {});
  if (queued) {
    const bounds = await historyBoundsNow(em);
    for (let i = 0; i < added.length; i += 1000) {
      const part = added.slice(i, i + 1000);
      await em.query(
        `INSERT INTO legal_hold_pending_copies (hold_id, subject_id, part, consent_event_bound, disclosure_bound, collection_event_bound) VALUES ${part.map(() => "(?, ?, 'HISTORY', ?, ?, ?)").join(',')}`,
        part.flatMap((subjectId) => [hold.id, subjectId, bounds.consentEventId, bounds.disclosureId, bounds.collectionEventId]),
      );
    }
  }
  const next = {
    holdId: hold.id,
    status: queued || preservation?.status === PreservationStatus.PENDING ? PreservationStatus.PENDING : PreservationStatus.COMPLETED,
    subjectsTotal: (preservation?.subjectsTotal ?? 0) + added.length,
    subjectsDone: (preservation?.subjectsDone ?? 0) + (queued ? 0 : added.length),
    recordsPreserved: (preservation?.recordsPreserved ?? 0) + inline.count,
    ...nextSeal(options.integrityKey, hold.id, preservation, inline),
    updatedAt: now,
  };
  // The seal is chained into the audit log as well: a database writer who puts back an older
  // preserved set with its older seal still contradicts the (checkpointed) chain.
  if (inline.count > 0) await sealAudited(em, actor, hold.id, next);
  if (preservation) await em.getRepository(HoldPreservation).update({ holdId: hold.id }, next);
  else await em.getRepository(HoldPreservation).insert(next);
  return { alreadyErasedSubjectIds: erased, addedSubjectIds: added, snapshotQueued: queued };
}

export async function placeLegalHold(em: EntityManager, actor: Actor, input: PlaceHoldInput, options: LegalHoldOptions, now = new Date()): Promise<HoldScopeResult> {
  const matter = input.matter.trim();
  const caseReference = input.caseReference.trim();
  if (!matter) throw badInput('matter must not be empty', { field: 'matter' });
  if (!caseReference) throw badInput('caseReference must not be empty', { field: 'caseReference' });
  if (input.from && input.until && input.from >= input.until) throw badInput('from must be before until', { field: 'from' });
  const categories = [...new Set(input.categories ?? [])].sort();
  if (categories.length > 0) {
    const known = await em.getRepository(DataCategory).countBy({ key: In(categories) });
    if (known !== categories.length) throw badInput('unknown data category in categories', { field: 'categories' });
    // Records about the person rather than fields of them: kept only by a hold of every category (erasure-scope.ts).
    const records = categories.filter((c) => (RECORD_CATEGORIES as readonly string[]).includes(c));
    if (records.length > 0) throw badInput(`${records.join(' and ')} cannot be held by name: a hold of every category (no categories) keeps a person's consents and disclosure records`, { field: 'categories', reason: 'CATEGORY_NOT_HOLDABLE' });
  }
  const repo = em.getRepository(LegalHold);
  const hold = repo.create({
    matter,
    caseReference,
    description: input.description?.trim() || null,
    status: LegalHoldStatus.ACTIVE,
    categories: categories.length ? categories : null,
    scopeFrom: input.from ?? null,
    scopeUntil: input.until ?? null,
    placedBy: actor.id,
    placedAt: now,
    releasedBy: null,
    releasedAt: null,
    releaseReason: null,
  });
  await repo.insert(hold);
  const scope = await addScope(em, actor, hold, input.subjectIds, options, now);
  await appendAudit(em, actor, {
    action: 'legal-hold.placed',
    entityType: 'LegalHold',
    entityId: hold.id,
    details: { subjectIds: scope.addedSubjectIds, alreadyErasedSubjectIds: scope.alreadyErasedSubjectIds, categories, snapshotQueued: scope.snapshotQueued },
  });
  return { hold: await repo.findOneByOrFail({ id: hold.id }), ...scope };
}

async function lockActiveHold(em: EntityManager, holdId: number): Promise<LegalHold> {
  const hold = await em.getRepository(LegalHold).findOne({ where: { id: holdId }, lock: { mode: 'pessimistic_write' } });
  if (!hold) throw notFound('legal hold', holdId);
  if (hold.status !== LegalHoldStatus.ACTIVE) throw conflict(`legal hold ${holdId} was released on ${hold.releasedAt?.toISOString()}; place a new hold`, { reason: 'HOLD_RELEASED' });
  return hold;
}

export async function addSubjectsToLegalHold(em: EntityManager, actor: Actor, holdId: number, subjectIds: number[], options: LegalHoldOptions, now = new Date()): Promise<HoldScopeResult> {
  const hold = await lockActiveHold(em, holdId);
  const scope = await addScope(em, actor, hold, subjectIds, options, now);
  await appendAudit(em, actor, {
    action: 'legal-hold.subjects-added',
    entityType: 'LegalHold',
    entityId: hold.id,
    details: { subjectIds: scope.addedSubjectIds, alreadyErasedSubjectIds: scope.alreadyErasedSubjectIds, snapshotQueued: scope.snapshotQueued },
  });
  return { hold, ...scope };
}

/** Subjects among these that no ACTIVE hold covers. */
async function uncoveredSubjects(em: EntityManager, subjectIds: number[]): Promise<number[]> {
  if (subjectIds.length === 0) return [];
  const covered: { subject_id: number }[] = await em.query(
    `SELECT DISTINCT hs.subject_id FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id
      WHERE hs.subject_id IN (?) AND h.status = 'ACTIVE'`,
    [subjectIds],
  );
  const held = new Set(covered.map((c) => Number(c.subject_id)));
  return subjectIds.filter((id) => !held.has(id));
}

export interface ReleaseResult {
  hold: LegalHold;
  freedSubjectIds: number[];
}

/**
 * Releases a hold for good. Subjects no other active hold covers are freed: their preserved
 * records are purged after the grace period, and the core hears of it (blocked erasures resume).
 */
export async function releaseLegalHold(
  em: EntityManager,
  actor: Actor,
  holdId: number,
  reason: string,
  options: LegalHoldOptions,
  hooks: DomainHooks,
  hookCtx: HookContext,
  now = new Date(),
): Promise<ReleaseResult> {
  if (!reason.trim()) throw badInput('a release states its reason', { field: 'reason' });
  const hold = await lockActiveHold(em, holdId);
  await em.getRepository(LegalHold).update({ id: holdId }, { status: LegalHoldStatus.RELEASED, releasedAt: now, releasedBy: actor.id, releaseReason: reason.trim() });
  // A released hold copies nothing more.
  await em.query('DELETE FROM legal_hold_pending_copies WHERE hold_id = ?', [holdId]);
  const subjectIds = (await em.getRepository(LegalHoldSubject).find({ select: { subjectId: true }, where: { holdId } })).map((s) => s.subjectId);
  const freed = await uncoveredSubjects(em, subjectIds);
  if (freed.length > 0) {
    const purgeAfter = new Date(now.getTime() + options.purgeGraceDays * 86400_000);
    // Records of freed subjects in every released hold: nothing preserves them any longer.
    await em.query(
      `UPDATE legal_hold_preserved_records r JOIN legal_holds h ON h.id = r.hold_id
          SET r.purge_after = ? WHERE r.subject_id IN (?) AND h.status = 'RELEASED' AND r.purge_after IS NULL`,
      [purgeAfter, freed],
    );
  }
  await appendAudit(em, actor, { action: 'legal-hold.released', entityType: 'LegalHold', entityId: holdId, details: { freedSubjectIds: freed, subjects: subjectIds.length } });
  // Every subject the hold covered: a freed one's erasure runs, a still-held one's is blocked
  // again, citing only the holds still active.
  await hooks.onHoldReleased(em, subjectIds, hookCtx);
  return { hold: await em.getRepository(LegalHold).findOneByOrFail({ id: hold.id }), freedSubjectIds: freed };
}

/** The active holds on a person, each with the scope it keeps (categories, dates), in id order. */
export async function activeHoldsFor(em: EntityManager, subjectId: number): Promise<{ id: number; scope: ErasureScope }[]> {
  const rows: { id: number; categories: string | null; scope_from: Date | null; scope_until: Date | null; pending: number }[] = await em.query(
    `SELECT h.id, h.categories, h.scope_from, h.scope_until,
            EXISTS (SELECT 1 FROM legal_hold_pending_copies p WHERE p.hold_id = h.id AND p.subject_id = hs.subject_id) AS pending
       FROM legal_hold_subjects hs JOIN legal_holds h ON h.id = hs.hold_id WHERE hs.subject_id = ? AND h.status = 'ACTIVE' ORDER BY h.id`,
    [subjectId],
  );
  // Until the person's history is copied, the hold keeps everything: a partial erasure would
  // delete rows the copy has still to take (point 11).
  return rows.map((r) => ({
    id: Number(r.id),
    scope: Number(r.pending)
      ? { categories: null, from: null, until: null }
      : {
          categories: r.categories ? r.categories.split(',').filter(Boolean) : null,
          from: r.scope_from ? new Date(r.scope_from) : null,
          until: r.scope_until ? new Date(r.scope_until) : null,
        },
  }));
}

/**
 * Copies the history of the next batch of a hold's people still pending, each bounded to what
 * existed when they were placed under the hold; resumable (a batch's pending rows go in its own
 * change). People placed in one call share their bounds, so a batch is a few groups of one read each.
 */
export async function snapshotNextBatch(em: EntityManager, holdId: number, batchSize: number, integrityKey: string, now = new Date()): Promise<{ done: number; remaining: boolean }> {
  const preservation = await em.getRepository(HoldPreservation).findOne({ where: { holdId }, lock: { mode: 'pessimistic_write' } });
  const hold = await em.getRepository(LegalHold).findOneBy({ id: holdId });
  if (!preservation || !hold) throw notFound('legal hold', holdId);
  const pending: { subject_id: number; part: 'ALL' | 'HISTORY'; ce: number | null; d: number | null; c: number | null }[] = await em.query(
    `SELECT subject_id, part, consent_event_bound AS ce, disclosure_bound AS d, collection_event_bound AS c FROM legal_hold_pending_copies
      WHERE hold_id = ? ORDER BY disclosure_bound, subject_id LIMIT ? FOR UPDATE`,
    [holdId, batchSize],
  );
  const groups = new Map<string, { part: 'ALL' | 'HISTORY'; upTo: HistoryBounds | null; ids: number[] }>();
  for (const p of pending) {
    const key = `${p.part}:${p.ce}:${p.d}:${p.c}`;
    const upTo = p.d === null ? null : { consentEventId: Number(p.ce), disclosureId: Number(p.d), collectionEventId: Number(p.c) };
    const group = groups.get(key) ?? { part: p.part, upTo, ids: [] };
    group.ids.push(Number(p.subject_id));
    groups.set(key, group);
  }
  let records = { count: 0, digest: ZERO_DIGEST };
  for (const g of groups.values()) {
    const copied = await snapshotSubjects(em, hold, g.ids, integrityKey, now, { parts: g.part === 'ALL' ? 'ALL' : 'HISTORY', upTo: g.upTo });
    records = { count: records.count + copied.count, digest: addToDigest(records.digest, [copied.digest]) };
  }
  const ids = pending.map((p) => Number(p.subject_id));
  if (ids.length > 0) await em.query('DELETE FROM legal_hold_pending_copies WHERE hold_id = ? AND subject_id IN (?)', [holdId, ids]);
  const remaining = ids.length === batchSize;
  const seal = nextSeal(integrityKey, holdId, preservation, records);
  await em.getRepository(HoldPreservation).update(
    { holdId },
    {
      subjectsDone: Math.min(preservation.subjectsTotal, preservation.subjectsDone + ids.length),
      recordsPreserved: preservation.recordsPreserved + records.count,
      ...seal,
      status: remaining ? PreservationStatus.PENDING : PreservationStatus.COMPLETED,
      updatedAt: now,
    },
  );
  if (records.count > 0) await sealAudited(em, systemActor, holdId, seal);
  return { done: ids.length, remaining };
}

async function sealAudited(em: EntityManager, actor: Actor, holdId: number, seal: { sealCount: number; sealDigest: string }): Promise<void> {
  await appendAudit(em, actor, { action: 'legal-hold.sealed', entityType: 'LegalHold', entityId: holdId, details: { records: seal.sealCount, digest: seal.sealDigest } });
}

export interface PreservationReport {
  holdId: number;
  valid: boolean;
  recordsChecked: number;
  /** Records whose content, hash or MAC does not verify (an edit, or a record written without the key). */
  mismatchedRecordIds: number[];
  /** How many records the hold's seal says it preserved (and has not purged). */
  recordsSealed: number;
  /** The seal itself verifies under the key. */
  sealValid: boolean;
  /** The records found are exactly the sealed set: none deleted, none inserted. */
  setMatchesSeal: boolean;
}

/**
 * Checks a hold's preserved set against what no database writer can forge (docs/legal.md,
 * point 10): each record's content against its hash and its MAC, and the set (count and digest of
 * MACs) against the hold's seal. An edit with a recomputed hash fails the MAC; a deleted or an
 * inserted record changes the count or the digest.
 */
export async function verifyPreservation(em: EntityManager, holdId: number, integrityKey: string): Promise<PreservationReport> {
  if (!(await em.getRepository(LegalHold).existsBy({ id: holdId }))) throw notFound('legal hold', holdId);
  const preservation = await em.getRepository(HoldPreservation).findOneBy({ holdId });
  const mismatched: number[] = [];
  const macs: string[] = [];
  let checked = 0;
  let after = 0;
  for (;;) {
    const rows: { id: number; subject_id: number; record_type: string; record_id: number; content: string; sha256: string; mac: string | null }[] = await em.query(
      'SELECT id, subject_id, record_type, record_id, content, sha256, mac FROM legal_hold_preserved_records WHERE hold_id = ? AND id > ? ORDER BY id LIMIT 2000',
      [holdId, after],
    );
    for (const r of rows) {
      const hash = sha256(r.content);
      const expected = recordMac(integrityKey, { holdId, subjectId: Number(r.subject_id), recordType: r.record_type, recordId: Number(r.record_id), sha256: hash });
      if (hash !== r.sha256 || !sameMac(r.mac, expected)) mismatched.push(Number(r.id));
      if (r.mac) macs.push(r.mac);
    }
    checked += rows.length;
    if (rows.length < 2000) break;
    after = Number(rows[rows.length - 1]!.id);
  }
  const sealCount = preservation?.sealCount ?? 0;
  const sealDigest = preservation?.sealDigest ?? ZERO_DIGEST;
  // Every placement writes a seal (an empty one too), and every change of it an audit event: a
  // missing seal, or an older set put back with its older seal, does not verify (the chain is
  // checkpointed outside the database).
  const [audited]: { details: string | { records: number; digest: string } | null }[] = await em.query(
    `SELECT details FROM audit_events WHERE action = 'legal-hold.sealed' AND entity_type = 'LegalHold' AND entity_id = ? ORDER BY seq DESC LIMIT 1`,
    [String(holdId)],
  );
  const last = typeof audited?.details === 'string' ? (JSON.parse(audited.details) as { records: number; digest: string }) : audited?.details ?? null;
  const matchesAudit = last === null ? sealCount === 0 : last.records === sealCount && last.digest === sealDigest;
  const sealValid = preservation !== null && sameMac(preservation.sealMac, sealMac(integrityKey, holdId, sealCount, sealDigest)) && matchesAudit;
  const setMatchesSeal = checked === sealCount && addToDigest(ZERO_DIGEST, macs) === sealDigest;
  return { holdId, valid: mismatched.length === 0 && sealValid && setMatchesSeal, recordsChecked: checked, mismatchedRecordIds: mismatched, recordsSealed: sealCount, sealValid, setMatchesSeal };
}

async function reseal(em: EntityManager, integrityKey: string, holdId: number, delta: { count: number; macs: string[] }, sign: 1 | -1): Promise<void> {
  const current = await em.getRepository(HoldPreservation).findOne({ where: { holdId }, lock: { mode: 'pessimistic_write' } });
  if (!current) return;
  const seal = nextSeal(integrityKey, holdId, current, delta, sign);
  await em.getRepository(HoldPreservation).update({ holdId }, seal);
  await sealAudited(em, systemActor, holdId, seal);
}

/**
 * Deletes preserved records whose grace period has passed: only of released holds, only of people
 * no active hold covers, whatever purge_after a database writer sets (it is not under the MAC).
 */
export async function purgeExpiredRecords(em: EntityManager, integrityKey: string, now = new Date()): Promise<number> {
  const rows: { id: number; hold_id: number; mac: string | null }[] = await em.query(
    `SELECT r.id, r.hold_id, r.mac FROM legal_hold_preserved_records r JOIN legal_holds h ON h.id = r.hold_id
      WHERE r.purge_after IS NOT NULL AND r.purge_after <= ? AND h.status = 'RELEASED'
        AND NOT EXISTS (SELECT 1 FROM legal_hold_subjects hs JOIN legal_holds a ON a.id = hs.hold_id WHERE hs.subject_id = r.subject_id AND a.status = 'ACTIVE')
      ORDER BY r.id LIMIT 5000 FOR UPDATE`,
    [now],
  );
  if (rows.length === 0) return 0;
  await em.query('DELETE FROM legal_hold_preserved_records WHERE id IN (?)', [rows.map((r) => r.id)]);
  // The seal follows: a purge is the one removal that keeps the set whole.
  const byHold = new Map<number, string[]>();
  for (const r of rows) if (r.mac) byHold.set(Number(r.hold_id), [...(byHold.get(Number(r.hold_id)) ?? []), r.mac]);
  for (const [holdId, macs] of byHold) await reseal(em, integrityKey, holdId, { count: macs.length, macs }, -1);
  return rows.length;
}
