import { markOverdue } from '../domain/data-request.service';
import { inTransaction } from '../domain/transaction';
import type { JobDefinition } from './job-definition';

export const REQUESTS_QUEUE = 'requests';
export const REQUEST_MONITOR_JOB = 'requests.monitor';
export const INTENT_REPLAY_JOB = 'job-intents.replay';

/** Marks requests whose answer is overdue. */
export function requestMonitorJob(everyMs: number): JobDefinition<Record<string, never>> {
  return {
    name: REQUEST_MONITOR_JOB,
    queue: REQUESTS_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    async process(_payload, ctx) {
      const overdue = await inTransaction(ctx.dataSource, (em) => markOverdue(em));
      return { overdue };
    },
  };
}

/**
 * Hands to the queue again every job intent the queue does not hold, core's and plugins' alike
 * (a crash between a change's commit and its enqueue, a Redis outage, a Redis restart that lost
 * its queues). It replaced three hand-made sweeps. An intent younger than the grace is left
 * alone: its job may simply not have been taken yet.
 */
export function intentReplayJob(everyMs: number, graceMs: number): JobDefinition<Record<string, never>> {
  return {
    name: INTENT_REPLAY_JOB,
    queue: REQUESTS_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    process: (_payload, ctx) => ctx.intents.replay(ctx.dataSource, graceMs),
  };
}
