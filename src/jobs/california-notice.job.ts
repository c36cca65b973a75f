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
  // A job's statements are small now that letters are rendered at delivery; the database is the
  // bottleneck and one job's audit append waits for another's commit, so three keep it busy.
  concurrency: 3,
  async process({ requestIds }, ctx) {
    return inTransaction(ctx.dataSource, (em) => compileCaliforniaNotices(em, { id: 'system:notice-worker', roles: [Role.ADMIN] }, requestIds, ctx.config.company.name));
  },
};
