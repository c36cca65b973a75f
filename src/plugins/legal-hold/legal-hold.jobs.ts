import type { JobDefinition } from '../../jobs/job-definition';
import { inTransaction } from '../../domain/transaction';
import { SNAPSHOT_JOB, purgeExpiredRecords, snapshotNextBatch } from './legal-hold.service';

export const LEGAL_HOLD_QUEUE = 'legal-hold';
export const MAINTENANCE_JOB = 'legal-hold.maintenance';

/**
 * Snapshots a large scope in batches, one transaction each, so a worker killed midway
 * resumes where the last committed batch ended (subjects with a preserved copy are skipped).
 */
export const snapshotJob: JobDefinition<{ holdId: number }> = {
  name: SNAPSHOT_JOB,
  queue: LEGAL_HOLD_QUEUE,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async process({ holdId }, ctx) {
    let total = 0;
    for (;;) {
      const { done, remaining } = await inTransaction(ctx.dataSource, (em) => snapshotNextBatch(em, holdId, 200, ctx.config.integrity.key));
      total += done;
      await ctx.job.updateProgress({ subjectsSnapshotted: total });
      if (!remaining) return { subjectsSnapshotted: total };
    }
  },
};

/** Purges the preserved copies whose grace after release has passed. */
export const maintenanceJob: JobDefinition<Record<string, never>> = {
  name: MAINTENANCE_JOB,
  queue: LEGAL_HOLD_QUEUE,
  attempts: 1,
  repeat: { every: 60_000 },
  async process(_payload, ctx) {
    const key = ctx.config.integrity.key;
    let purged = 0;
    for (;;) {
      const n = await inTransaction(ctx.dataSource, (em) => purgeExpiredRecords(em, key));
      purged += n;
      if (n < 5000) break;
    }
    return { purged };
  },
};
