import type { DataSource, EntityManager } from 'typeorm';
import { AccessLogEntry } from '../entities/access-log-entry.entity';
import { Role } from '../entities/enums';

/** One person returned to one request. */
export interface AccessLogRow {
  requestId: string;
  actor: string;
  role: string;
  /** Null for a privileged read without a declared purpose. */
  purpose: string | null;
  subjectId: number;
  /** Every category of the person this request returned so far: a later row of the same request and person replaces the earlier one's. */
  categories: string[];
  accessedAt: Date;
}

/** The role a read is logged under: the most privileged the token holds. */
export function readerRole(roles: readonly Role[]): Role {
  for (const r of [Role.ADMIN, Role.PRIVACY_OPS, Role.LEGAL, Role.MNA, Role.APP]) if (roles.includes(r)) return r;
  return roles[0]!;
}

export interface AccessLogWriterOptions {
  /** How long the first entry of a batch waits for others (0: only those of the same event-loop turn). */
  flushMs: number;
  /** A batch that reaches this many rows is written at once. */
  batchRows: number;
}

interface Batch {
  rows: AccessLogRow[];
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
}

/**
 * Group commit for the access log. `write` resolves only once the rows are committed, so a
 * request that awaits it before answering never acknowledges data whose access could still be
 * lost. Entries of concurrent requests share one multi-row INSERT: a batch is written when it
 * has `batchRows` rows or `flushMs` after its first entry, one INSERT at a time; entries that
 * arrive while an INSERT runs form the next batch, written as soon as it ends.
 */
export class AccessLogWriter {
  private batch: Batch = { rows: [], waiters: [] };
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private writing: Promise<void> | null = null;
  private closed = false;
  /** Batches written (for tests and benchmarks). */
  batches = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: AccessLogWriterOptions,
  ) {}

  write(rows: AccessLogRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the access log is closed'));
    const done = new Promise<void>((resolve, reject) => this.batch.waiters.push({ resolve, reject }));
    for (const r of rows) this.batch.rows.push(r);
    this.schedule();
    return done;
  }

  private schedule(): void {
    // A running INSERT picks the next batch up when it ends.
    if (this.writing || this.batch.rows.length === 0) return;
    if (this.batch.rows.length >= this.options.batchRows) {
      this.cancelTimer();
      this.flush();
    } else if (!this.timer) {
      this.timer = this.options.flushMs > 0 ? setTimeout(() => this.flush(), this.options.flushMs) : setImmediate(() => this.flush());
    }
  }

  private cancelTimer(): void {
    if (!this.timer) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = null;
  }

  private flush(): void {
    this.cancelTimer();
    if (this.writing || this.batch.rows.length === 0) return;
    const batch = this.batch;
    this.batch = { rows: [], waiters: [] };
    this.writing = insertAccessLog(this.dataSource.manager, batch.rows).then(
      () => {
        this.batches += 1;
        for (const w of batch.waiters) w.resolve();
      },
      (err) => {
        for (const w of batch.waiters) w.reject(err);
      },
    ).finally(() => {
      this.writing = null;
      // Whatever arrived meanwhile has waited one INSERT already: write it now.
      if (this.batch.rows.length > 0) this.flush();
    });
  }

  /** Writes what is buffered and refuses new entries (after the HTTP server has drained). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing || this.batch.rows.length > 0) {
      if (!this.writing) this.flush();
      await this.writing?.catch(() => undefined);
    }
  }
}

/**
 * One multi-row INSERT. A person already logged for the request (reached again later in the
 * answer) keeps one row, with the categories of the later row: the recorder sends every category
 * so far, so the set only grows.
 */
export async function insertAccessLog(em: EntityManager, rows: AccessLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  for (const r of rows) values.push(r.requestId, r.actor, r.role, r.purpose, r.subjectId, [...r.categories].sort().join(','), r.accessedAt);
  await em.query(
    `INSERT INTO access_log (request_id, actor, role, purpose, subject_id, categories, accessed_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE categories = VALUES(categories)`,
    values,
  );
}

export interface AccessLogFilter {
  subjectId?: number | null;
  actor?: string | null;
  role?: string | null;
  purpose?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** Newest first (by id: rows are written in the order requests answered), `take` rows after the id cursor. */
export async function findAccessLog(em: EntityManager, filter: AccessLogFilter, take: number, beforeId: string | null): Promise<AccessLogEntry[]> {
  const qb = em.getRepository(AccessLogEntry).createQueryBuilder('a');
  if (filter.subjectId != null) qb.andWhere('a.subject_id = :subjectId', { subjectId: filter.subjectId });
  if (filter.actor) qb.andWhere('a.actor = :actor', { actor: filter.actor });
  if (filter.role) qb.andWhere('a.role = :role', { role: filter.role });
  if (filter.purpose) qb.andWhere('a.purpose = :purpose', { purpose: filter.purpose });
  if (filter.since) qb.andWhere('a.accessed_at >= :since', { since: filter.since });
  if (filter.until) qb.andWhere('a.accessed_at < :until', { until: filter.until });
  if (beforeId !== null) qb.andWhere('a.id < :beforeId', { beforeId });
  return qb.orderBy('a.id', 'DESC').limit(take).getMany();
}

/** The newest `take` entries about each of many people, after an id cursor, in one statement. */
export async function accessLogOfSubjects(em: EntityManager, subjectIds: readonly number[], take: number, beforeId: string | null): Promise<AccessLogEntry[]> {
  if (subjectIds.length === 0) return [];
  const rows: Record<string, unknown>[] = await em.query(
    `SELECT t.* FROM (
       SELECT a.*, ROW_NUMBER() OVER (PARTITION BY a.subject_id ORDER BY a.id DESC) AS rn
         FROM access_log a WHERE a.subject_id IN (?)${beforeId !== null ? ' AND a.id < ?' : ''}
     ) t WHERE t.rn <= ? ORDER BY t.subject_id, t.rn`,
    beforeId !== null ? [subjectIds, beforeId, take] : [subjectIds, take],
  );
  return rows.map((r) =>
    Object.assign(new AccessLogEntry(), {
      id: String(r.id),
      requestId: r.request_id as string,
      actor: r.actor as string,
      role: r.role as string,
      purpose: (r.purpose as string | null) ?? null,
      subjectId: Number(r.subject_id),
      categories: r.categories as string,
      accessedAt: r.accessed_at as Date,
    }),
  );
}
