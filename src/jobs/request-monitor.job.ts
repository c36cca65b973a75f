import { noticeJobs } from '../domain/california-notice.service';
import { enqueueErasure, markOverdue, requestsToSweep } from '../domain/data-request.service';
import { DataRequestType } from '../entities/enums';
import { inTransaction } from '../domain/transaction';
import type { JobDefinition } from './job-definition';

export const REQUESTS_QUEUE = 'requests';
export const REQUEST_MONITOR_JOB = 'requests.monitor';

/**
 * Marks overdue requests, and re-queues open requests whose job never arrived (a crash
 * between the commit and the enqueue); the job id is the request id, so nothing runs twice.
 */
export function requestMonitorJob(everyMs: number, sweepAfterMs: number): JobDefinition<Record<string, never>> {
  return {
    name: REQUEST_MONITOR_JOB,
    queue: REQUESTS_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    async process(_payload, ctx) {
      const overdue = await inTransaction(ctx.dataSource, (em) => markOverdue(em));
      const open = await requestsToSweep(ctx.dataSource.manager, new Date(Date.now() - sweepAfterMs));
      for (const r of open) if (r.type !== DataRequestType.CALIFORNIA_NOTICE) await enqueueErasure(ctx.jobs, r.id, r.type);
      const notices = open.filter((r) => r.type === DataRequestType.CALIFORNIA_NOTICE).map((r) => r.id);
      for (const job of noticeJobs(notices)) await ctx.jobs.enqueue(job.name, job.payload, { ...job.options, replaceFinished: true });
      return { overdue, requeued: open.length };
    },
  };
}
