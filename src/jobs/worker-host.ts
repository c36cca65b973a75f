import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { DomainHooks } from '../domain/hooks';
import type { PluginServices } from '../domain/plugin-services.port';
import { DomainError } from '../domain/errors';
import { errorFields, type Logger } from '../ops/logger';
import type { GatewayMetrics } from '../ops/metrics';
import { useCaseRunner, type UseCaseRunner } from '../domain/job-intents';
import { IntentSatisfier, JobIntentDispatcher } from './job-intent-dispatcher';
import type { QueueRegistry } from './queue-registry';
import { primaryReads, type ReadRouting } from '../domain/read-routing.port';

export interface WorkerHostOptions {
  /** Queues this process runs; all registered queues when omitted. */
  queues?: string[];
  concurrency?: number;
  hooks: DomainHooks;
  services: PluginServices;
  /** Where reads that may use a MySQL replica go; the primary when omitted. */
  reads?: ReadRouting;
  /** One log line per job run (with its own request id) and job metrics (issue 11). */
  logger?: Logger;
  metrics?: GatewayMetrics;
}

/**
 * Runs the workers of the queues a process is told to run. Each worker dispatches by job
 * name to its definition. Rule violations (DomainError) are not retried.
 */
export class WorkerHost {
  private readonly workers: Worker[] = [];
  private readonly intents: JobIntentDispatcher;
  private readonly satisfier: IntentSatisfier;
  private readonly run: UseCaseRunner;

  constructor(
    private readonly registry: QueueRegistry,
    private readonly connection: Redis | Cluster,
    private readonly dataSource: DataSource,
    private readonly config: Config,
    private readonly options: WorkerHostOptions,
  ) {
    this.intents = new JobIntentDispatcher(registry);
    this.run = useCaseRunner(dataSource, this.intents);
    this.satisfier = new IntentSatisfier(dataSource, (err) => this.options.logger?.warn({ ...errorFields(err) }, 'could not remove satisfied job intents; the replay will'));
  }

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
      // Failures inside process() are logged there; this catches the ones BullMQ decides alone
      // (a job that stalled too often).
      worker.on('failed', (job, err) => {
        if (/stalled/i.test(err.message)) this.options.logger?.warn({ queue, job: job?.name, jobId: job?.id, ...errorFields(err) }, 'job failed');
      });
      worker.on('error', (err) => this.options.logger?.error({ queue, ...errorFields(err) }, 'worker error'));
      this.workers.push(worker);
    }
    return wanted;
  }

  private async process(job: Job): Promise<unknown> {
    const started = process.hrtime.bigint();
    // Payloads are ids; they stay out of the log all the same (a plugin's payload may not be).
    const log = this.options.logger?.child({ requestId: randomUUID(), queue: job.queueName, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
    const finished = (outcome: 'completed' | 'failed') => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.options.metrics?.jobFinished(job.queueName, job.name, outcome, seconds);
      return Math.round(seconds * 1e4) / 10;
    };
    log?.debug('job started');
    try {
      const def = this.registry.definition(job.name);
      if (!def) throw new UnrecoverableError(`no job named "${job.name}" is registered in this process`);
      const result = await def.process(job.data, {
        dataSource: this.dataSource,
        config: this.config,
        run: this.run,
        reads: this.options.reads ?? primaryReads(this.dataSource),
        flows: this.registry,
        intents: this.intents,
        hooks: this.options.hooks,
        services: this.options.services,
        job,
      });
      // A repeatable job that found nothing to do (every few seconds) is a debug line, not news.
      log?.[def.repeat && isIdleRun(result) ? 'debug' : 'info']({ durationMs: finished('completed'), outcome: 'completed' }, 'job done');
      this.satisfier.finished(job.id, job.processedOn);
      return result;
    } catch (err) {
      const rule = err instanceof DomainError || err instanceof UnrecoverableError;
      const final = rule || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log?.[final ? 'error' : 'warn']({ durationMs: finished('failed'), outcome: 'failed', willRetry: !final, ...errorFields(err) }, 'job failed');
      // A rule's refusal satisfies the intent (running it again cannot help); attempts that ran
      // out on anything else leave it, and the replay runs the job again later.
      if (rule) this.satisfier.finished(job.id, job.processedOn);
      if (err instanceof DomainError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  }

  /**
   * Stops taking jobs and lets the active ones finish (BullMQ's close waits for them). After
   * timeoutMs it gives up waiting and answers false: the caller then closes the connections,
   * the unfinished jobs' locks expire, and another worker's stalled check puts them back in the
   * queue (their transactions roll back, so nothing is done twice).
   */
  async close(timeoutMs = this.config.shutdown.timeoutMs): Promise<boolean> {
    const workers = this.workers.splice(0);
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(workers.map((w) => w.close())).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    if (!drained) this.options.logger?.warn({ timeoutMs }, 'active jobs did not finish in time; they return to the queue when their locks expire');
    await this.satisfier.flush();
    return drained;
  }
}

/** A run that did nothing: no result, or one whose counts are all zero, lists empty and other values null. */
export function isIdleRun(result: unknown): boolean {
  if (result === undefined || result === null) return true;
  if (typeof result !== 'object' || Array.isArray(result)) return false;
  return Object.values(result).every((v) => v === 0 || v === null || v === undefined || (Array.isArray(v) && v.length === 0));
}
