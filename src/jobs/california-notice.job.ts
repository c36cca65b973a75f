import { compileCaliforniaNotices, NOTICE_JOB } from '../domain/california-notice.service';
import { inTransaction } from '../domain/transaction';
import { Role } from '../entities/enums';
import type { JobDefinition } from './job-definition';

export const NOTICE_QUEUE = 'california-notice';

/** Compiles one chunk of notice requests in one transaction; a request already completed is skipped. */
export const californiaNoticeJob: JobDefinition<{ requestIds: number[] }> = {
  name: NOTICE_JOB,
  queue: NOTICE_QUEUE,
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  // Each job builds megabyte statements; two at a time kept peak RSS lower and finished sooner than four.
  concurrency: 2,
  async process({ requestIds }, ctx) {
    return inTransaction(ctx.dataSource, (em) => compileCaliforniaNotices(em, { id: 'system:notice-worker', roles: [Role.ADMIN] }, requestIds, ctx.config.company.name));
  },
};
