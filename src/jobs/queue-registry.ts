import { FlowProducer, Queue, type FlowJob } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Config } from '../config';
import { DomainError } from '../domain/errors';
import type { AnyJobDefinition } from './job-definition';

export interface EnqueueOptions {
  /** Stable job id (jobIdOf) so that the same work is never queued twice. */
  jobId?: string;
  /** Lower runs first (BullMQ priority); child deletions use 1. */
  priority?: number;
  delayMs?: number;
  /** Replace a finished (completed or failed) job with the same id, to run it again. */
  replaceFinished?: boolean;
}

/**
 * Knows every job definition (core and plugins) and the queue each runs on, and enqueues by
 * job name. Domain work reaches it only through job intents (JobIntentDispatcher); tests and
 * the repeatable jobs call it directly.
 */
export class QueueRegistry {
  private readonly definitions = new Map<string, AnyJobDefinition>();
  private readonly queues = new Map<string, Queue>();
  private flowProducer: FlowProducer | null = null;

  constructor(
    private readonly connection: Redis | Cluster,
    private readonly prefix: string,
    definitions: AnyJobDefinition[] = [],
    private readonly enqueueTimeoutMs = 5000,
  ) {
    for (const d of definitions) this.define(d);
  }

  define(definition: AnyJobDefinition): void {
    if (this.definitions.has(definition.name)) throw new Error(`job "${definition.name}" is defined twice`);
    this.definitions.set(definition.name, definition);
  }

  definition(name: string): AnyJobDefinition | undefined {
    return this.definitions.get(name);
  }

  queueNames(): string[] {
    return [...new Set([...this.definitions.values()].map((d) => d.queue))].sort();
  }

  definitionsOf(queue: string): AnyJobDefinition[] {
    return [...this.definitions.values()].filter((d) => d.queue === queue);
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(jobName: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
    const def = this.definitions.get(jobName);
    if (!def) throw new Error(`no job named "${jobName}" is registered`);
    // Fail within the timeout instead of hanging when Redis is down: the caller's row is
    // committed and the sweep re-enqueues it later.
    if (this.connection.status !== 'ready') await this.readyWithin(this.enqueueTimeoutMs);
    const queue = this.queue(def.queue);
    if (options.replaceFinished && options.jobId) {
      const existing = await queue.getJob(options.jobId);
      const state = existing ? await existing.getState() : null;
      if (existing && (state === 'completed' || state === 'failed')) await existing.remove();
    }
    const add = queue.add(jobName, payload, {
      jobId: options.jobId,
      priority: options.priority,
      delay: options.delayMs,
      attempts: def.attempts ?? 5,
      backoff: def.backoff ?? { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 10000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DomainError('SERVICE_UNAVAILABLE', 'the job queue (Redis) did not answer in time')), this.enqueueTimeoutMs);
    });
    try {
      await Promise.race([add, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readyWithin(ms: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connection.off('ready', onReady);
        reject(new DomainError('SERVICE_UNAVAILABLE', 'the job queue (Redis) is unavailable; try again shortly'));
      }, ms);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connection.once('ready', onReady);
    });
  }

  /** Adds a flow on the shared connection (one producer per process, not one per call). */
  async addFlow(flow: FlowJob): Promise<void> {
    this.flowProducer ??= new FlowProducer({ connection: this.connection, prefix: this.prefix });
    await this.flowProducer.add(flow);
  }

  /**
   * Installs the repeatable jobs (idempotent: BullMQ keys them by name and schedule), and removes a
   * schedule of one of them left on another queue of this process by an earlier version (a job that
   * moved queue, as access.purge did): two schedules would run it twice. Schedules of jobs this
   * process does not define are left alone: another process may define them.
   */
  async scheduleRepeatable(): Promise<void> {
    const repeating = [...this.definitions.values()].filter((d) => d.repeat);
    for (const def of repeating) await this.queue(def.queue).upsertJobScheduler(def.name, { every: def.repeat!.every }, { name: def.name, data: {} });
    for (const name of this.queueNames())
      for (const def of repeating) if (def.queue !== name && (await this.queue(name).getJobScheduler(def.name))) await this.queue(name).removeJobScheduler(def.name);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await this.flowProducer?.close();
    this.flowProducer = null;
  }
}

export function queuePrefix(config: Config): string {
  return config.redis.prefix;
}
