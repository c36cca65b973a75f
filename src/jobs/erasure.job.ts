import { ERASURE_JOB } from '../domain/data-request.service';
import { runErasure } from '../domain/erasure.service';
import type { Actor } from '../domain/actor';
import { Role } from '../entities/enums';
import type { JobDefinition } from './job-definition';

export const ERASURE_QUEUE = 'erasure';

/** The actor the audit log names for erasures the workers carry out. */
export const erasureWorker: Actor = { id: 'system:erasure-worker', roles: [Role.ADMIN] };

/**
 * One erasure request per job (keyed by the request id). The whole erasure is one transaction on
 * the locked subject, so a worker killed at any instant leaves either nothing or everything
 * done; the job then runs again, and a completed request is a no-op. Deadlocks and lost
 * connections retry with backoff; rule violations do not retry.
 */
export const erasureJob: JobDefinition<{ requestId: number }> = {
  name: ERASURE_JOB,
  queue: ERASURE_QUEUE,
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  async process({ requestId }, ctx) {
    return (await ctx.run((uow) => runErasure(uow.em, erasureWorker, requestId, ctx.hooks, uow))).result;
  },
};
