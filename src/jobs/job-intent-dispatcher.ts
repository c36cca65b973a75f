import type { DataSource } from 'typeorm';
import { intentsDeclaredBefore, satisfyIntents, type DeclaredIntent, type FinishedRun, type JobDispatcher } from '../domain/job-intents';
import type { QueueRegistry } from './queue-registry';

/**
 * The one component that hands job intents to BullMQ: right after the declaring change
 * committed (dispatch), and again for any intent the queue does not hold (replay, a repeatable
 * job). Every job a change asks for goes through here; nothing else enqueues domain work.
 */
export class JobIntentDispatcher implements JobDispatcher {
  constructor(private readonly queues: QueueRegistry) {}

  async dispatch(intents: DeclaredIntent[]): Promise<void> {
    for (const intent of intents) await this.queues.enqueue(intent.name, intent.payload, { jobId: intent.jobId, priority: intent.priority, delayMs: intent.delayMs, replaceFinished: true });
  }

  /**
   * Looks at every intent older than the grace and brings the queue in line with it:
   * - no job with its id (never queued, or Redis lost it): queue it;
   * - a completed job that began after the intent was declared: the intent is satisfied, drop it;
   * - a completed job that began before (the change came while it ran), or a failed job (its
   *   attempts ran out on something other than a rule): queue it again;
   * - waiting, delayed or running: leave it.
   * Returns what it did, for the job's result.
   */
  async replay(dataSource: DataSource, graceMs: number, now = Date.now()): Promise<{ queued: number; satisfied: number; waiting: number }> {
    const intents = await intentsDeclaredBefore(dataSource.manager, new Date(now - graceMs));
    const satisfied: FinishedRun[] = [];
    const again: DeclaredIntent[] = [];
    let waiting = 0;
    for (const intent of intents) {
      const definition = this.queues.definition(intent.name);
      if (!definition) continue; // a plugin that is not loaded in this process; its own process replays it
      const queue = this.queues.queue(definition.queue);
      const job = await queue.getJob(intent.jobId);
      if (!job) {
        again.push(intent);
        continue;
      }
      const state = await job.getState();
      if (state === 'completed' && job.processedOn !== undefined && job.processedOn >= intent.declaredAt.getTime()) satisfied.push({ jobId: intent.jobId, startedAt: new Date(job.processedOn) });
      else if (state === 'completed' || state === 'failed') again.push(intent);
      else waiting += 1;
    }
    await satisfyIntents(dataSource.manager, satisfied);
    await this.dispatch(again);
    return { queued: again.length, satisfied: satisfied.length, waiting };
  }
}

/**
 * Collects the runs a worker finished and removes the intents they satisfied, in batches: one
 * DELETE per batch rather than one per job, so the erasure and notice workers pay next to
 * nothing for it. A batch lost in a crash is harmless: the replay finds the completed jobs.
 */
export class IntentSatisfier {
  private pending: FinishedRun[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly onError: (err: unknown) => void,
    private readonly batch = 200,
    private readonly everyMs = 250,
  ) {}

  finished(jobId: string | undefined, startedAt: number | undefined): void {
    // Only intents have `@` ids (jobIdOf); repeatable jobs and others have nothing to remove.
    if (!jobId || !jobId.includes('@') || startedAt === undefined) return;
    this.pending.push({ jobId, startedAt: new Date(startedAt) });
    if (this.pending.length >= this.batch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.everyMs);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const runs = this.pending.splice(0);
    if (runs.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => satisfyIntents(this.dataSource.manager, runs).then(() => undefined, this.onError));
    return this.flushing;
  }
}
