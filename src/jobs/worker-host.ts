import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { DomainHooks } from '../domain/hooks';
import type { PluginServices } from '../plugins/services';
import { DomainError } from '../domain/errors';
import type { QueueRegistry } from './queue-registry';

export interface WorkerHostOptions {
  /** Queues this process runs; all registered queues when omitted. */
  queues?: string[];
  concurrency?: number;
  log?: (line: Record<string, unknown>) => void;
  hooks: DomainHooks;
  services: PluginServices;
}

/**
 * Runs the workers of the queues a process is told to run. Each worker dispatches by job
 * name to its definition. Rule violations (DomainError) are not retried.
 */
export class WorkerHost {
  private readonly workers: Worker[] = [];

  constructor(
    private readonly registry: QueueRegistry,
    private readonly connection: Redis,
    private readonly dataSource: DataSource,
    private readonly config: Config,
    private readonly options: WorkerHostOptions,
  ) {}

  start(): string[] {
    const known = this.registry.queueNames();
    const wanted = this.options.queues ?? known;
    const unknown = wanted.filter((q) => !known.includes(q));
    if (unknown.length > 0) throw new Error(`unknown queue(s): ${unknown.join(', ')}; known: ${known.join(', ') || 'none'}`);
    for (const queue of wanted) {
      const defs = this.registry.definitionsOf(queue);
      const concurrency = Math.max(...defs.map((d) => d.concurrency ?? 0), 0) || this.options.concurrency || this.config.workers.concurrency;
      const worker = new Worker(queue, (job) => this.process(job), {
        connection: this.connection,
        prefix: this.config.redis.prefix,
        concurrency,
        // A job whose worker died is handed to another worker after this long.
        lockDuration: this.config.workers.lockDurationMs,
        stalledInterval: this.config.workers.stalledIntervalMs,
        maxStalledCount: 5,
      });
      worker.on('failed', (job, err) => this.options.log?.({ msg: 'job failed', queue, job: job?.name, jobId: job?.id, error: err.message }));
      worker.on('error', (err) => this.options.log?.({ msg: 'worker error', queue, error: err.message }));
      this.workers.push(worker);
    }
    return wanted;
  }

  private async process(job: Job): Promise<unknown> {
    const def = this.registry.definition(job.name);
    if (!def) throw new UnrecoverableError(`no job named "${job.name}" is registered in this process`);
    try {
      return await def.process(job.data, { dataSource: this.dataSource, config: this.config, jobs: this.registry, hooks: this.options.hooks, services: this.options.services, job });
    } catch (err) {
      if (err instanceof DomainError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  /** Lets active jobs finish (BullMQ's close waits for them), then stops taking new ones. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers.length = 0;
  }
}
