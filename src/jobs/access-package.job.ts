import { accessSettingsOf, type Config } from '../config';
import { ACCESS_JOB, purgeNextAccessPackage, runAccessRequest, sweepAbandonedFiles } from '../domain/access-request.service';
import { inTransaction } from '../domain/transaction';
import type { JobDefinition } from './job-definition';
import { REQUESTS_QUEUE } from './request-monitor.job';

export const ACCESS_QUEUE = 'access';
export const ACCESS_PURGE_JOB = 'access.purge';

/**
 * One access request per job (keyed by the request id). Assembling reads, sealing writes a file of
 * its own, and one change records the package: a worker killed anywhere leaves nothing half-done,
 * and the job runs again. Lost connections and deadlocks retry; rule violations do not.
 */
export function accessPackageJob(config: Config): JobDefinition<{ requestId: number }> {
  const settings = accessSettingsOf(config);
  return {
    name: ACCESS_JOB,
    queue: ACCESS_QUEUE,
    attempts: 6,
    backoff: { type: 'exponential', delay: 1000 },
    // One package at a time per worker: each holds a snapshot open and streams to disk.
    concurrency: 1,
    process: ({ requestId }, ctx) => runAccessRequest(ctx, settings, requestId),
  };
}

/**
 * Purges packages past their retention (or of erased people), one change each. On the `requests`
 * queue with the deadline monitor: a purge that an erasure made due must not wait behind the long
 * package builds of the `access` queue.
 */
export function accessPurgeJob(everyMs: number, dir: string): JobDefinition<Record<string, never>> {
  return {
    name: ACCESS_PURGE_JOB,
    queue: REQUESTS_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    async process(_payload, ctx) {
      let purged = 0;
      while ((await inTransaction(ctx.dataSource, (em) => purgeNextAccessPackage(em))) !== null) purged += 1;
      const abandoned = await sweepAbandonedFiles(ctx.dataSource, dir);
      return { purged, abandoned };
    },
  };
}
