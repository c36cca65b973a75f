import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from './transaction';

/**
 * A job a change asks for, written in the change's own transaction (the `job_intents` table, as
 * the mail outbox is for mail) and handed to the queue after commit. An intent stays until a run
 * of its job that began after it was declared has finished, so a crash between commit and
 * enqueue, a Redis outage or a Redis restart that lost its queues never loses the work: the
 * replay (src/jobs/job-intent-dispatcher.ts) queues again what the queue does not hold.
 */
export interface JobIntent {
  /** The job's stable name (`erasure.run`). */
  name: string;
  /**
   * What the job works on, unique among this job's intents (`request-42`, `hold-7`). The job id
   * is derived from it by the one rule, jobIdOf: declaring the same key twice never queues the
   * same work twice.
   */
  key: string;
  /** Ids only, never entities. */
  payload: Record<string, unknown>;
  /** BullMQ priority: lower runs first. */
  priority?: number;
  delayMs?: number;
}

/** The one job-id rule: `<job name>@<key>` (BullMQ forbids `:` in ids; names and keys have none). */
export function jobIdOf(name: string, key: string): string {
  if (!/^[a-z][a-z0-9.-]*$/.test(name)) throw new Error(`job name "${name}" must be lower-case words with dots or dashes`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/.test(key)) throw new Error(`job key "${key}" must be letters, digits, dots, dashes or underscores`);
  return `${name}@${key}`;
}

/** An intent as stored: with its job id and the moment it was declared. */
export interface DeclaredIntent extends JobIntent {
  jobId: string;
  declaredAt: Date;
}

/**
 * Writes intents in the caller's transaction: one multi-row INSERT. Declaring an intent whose job
 * id is already waiting moves its declaration time forward, so a run that began before this
 * change does not count as having done it (a hold that grew while its snapshot ran).
 */
export async function declareJobs(em: EntityManager, intents: JobIntent[], now = new Date()): Promise<DeclaredIntent[]> {
  if (intents.length === 0) return [];
  const declared = intents.map((i) => ({ ...i, jobId: jobIdOf(i.name, i.key), declaredAt: now }));
  await em.query(
    `INSERT INTO job_intents (job_id, name, payload, priority, delay_ms, declared_at) VALUES ${declared.map(() => '(?,?,?,?,?,?)').join(',')}
     ON DUPLICATE KEY UPDATE payload = VALUES(payload), priority = VALUES(priority), delay_ms = VALUES(delay_ms), declared_at = VALUES(declared_at)`,
    declared.flatMap((d) => [d.jobId, d.name, JSON.stringify(d.payload), d.priority ?? null, d.delayMs ?? null, now]),
  );
  return declared;
}

/** Intents declared before `before`, oldest first: the replay's candidates. */
export async function intentsDeclaredBefore(em: EntityManager, before: Date, limit = 1000): Promise<DeclaredIntent[]> {
  const rows: { job_id: string; name: string; payload: string | Record<string, unknown>; priority: number | null; delay_ms: number | null; declared_at: Date }[] = await em.query(
    `SELECT job_id, name, payload, priority, delay_ms, declared_at FROM job_intents WHERE declared_at < ? ORDER BY declared_at, id LIMIT ?`,
    [before, limit],
  );
  return rows.map((r) => ({
    jobId: r.job_id,
    name: r.name,
    key: r.job_id.slice(r.name.length + 1),
    payload: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
    priority: r.priority ?? undefined,
    delayMs: r.delay_ms ?? undefined,
    declaredAt: new Date(r.declared_at),
  }));
}

/**
 * A finished run of a job: its intent is satisfied if it was declared no later than the
 * millisecond the run began. The declaration and the job it dispatches after commit often fall
 * in one millisecond, and that run does see the change; a change declared again in the very
 * millisecond a run of the same job began is the one case counted wrongly as done (see the
 * issue 23 note: carrying the declaration time in the job would tell the two apart).
 */
export interface FinishedRun {
  jobId: string;
  startedAt: Date;
}

/** Removes the intents that the given runs satisfied; one statement for the whole batch. */
export async function satisfyIntents(em: EntityManager, runs: FinishedRun[]): Promise<number> {
  if (runs.length === 0) return 0;
  const result = await em.query(
    `DELETE FROM job_intents WHERE ${runs.map(() => '(job_id = ? AND declared_at <= ?)').join(' OR ')}`,
    runs.flatMap((r) => [r.jobId, r.startedAt]),
  );
  return Number(result.affectedRows ?? 0);
}

/** What the domain needs from the queue: hand declared intents over (after their commit). */
export interface JobDispatcher {
  dispatch(intents: DeclaredIntent[]): Promise<void>;
}

/** What a rule that runs inside a change may ask of it: more jobs after commit. */
export interface JobDeclarer {
  declare(...intents: JobIntent[]): Promise<void>;
}

/** One change: its transaction and the jobs it declares. */
export interface UnitOfWork extends JobDeclarer {
  em: EntityManager;
}

export interface UseCaseOutcome<T> {
  result: T;
  /** The intents the change declared. */
  declared: DeclaredIntent[];
  /** False when the change committed but its jobs could not be handed to the queue yet (the replay will). */
  queued: boolean;
}

/** Runs a change: one transaction (retried whole on a deadlock), then its jobs after commit. */
export type UseCaseRunner = <T>(work: (uow: UnitOfWork) => Promise<T>) => Promise<UseCaseOutcome<T>>;

export function useCaseRunner(dataSource: DataSource, dispatcher: JobDispatcher): UseCaseRunner {
  return async <T>(work: (uow: UnitOfWork) => Promise<T>): Promise<UseCaseOutcome<T>> => {
    let declared: DeclaredIntent[] = [];
    const result = await inTransaction(dataSource, async (em) => {
      // A retried transaction starts again from nothing, its intents too.
      declared = [];
      return work({
        em,
        declare: async (...intents) => {
          declared.push(...(await declareJobs(em, intents)));
        },
      });
    });
    if (declared.length === 0) return { result, declared, queued: true };
    try {
      await dispatcher.dispatch(declared);
      return { result, declared, queued: true };
    } catch {
      // Committed: the intents are in MySQL and the replay hands them over once the queue answers.
      return { result, declared, queued: false };
    }
  };
}
