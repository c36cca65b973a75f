import { systemActor } from '../../domain/actor';
import { DomainError } from '../../domain/errors';
import type { JobContext, JobDefinition } from '../../jobs/job-definition';
import { jobIdOf } from '../../domain/job-intents';
import { assembleTransfer } from './transfer-assembly.service';
import { exportChunk, planChunks } from './transfer-chunk.service';
import { failBusinessTransfer, markPlanned } from './transfer-lifecycle.service';
import { ASSEMBLE_JOB, BUSINESS_TRANSFER_QUEUE, CHUNK_JOB, PLAN_JOB } from './transfer-start.use-case';
import { inTransaction } from '../../domain/transaction';
import { purgeExpiredArtifacts } from './export-retention.service';
import { dataKeyEncryptionKey } from './data-key';

export const ARTIFACT_PURGE_JOB = 'business-transfer.purge-artifacts';

const ATTEMPTS = 10;
const BACKOFF = { type: 'exponential' as const, delay: 1000 };

/** The key the transfer's data key is sealed under: from the environment, never the database. */
const kekOf = (ctx: JobContext) => dataKeyEncryptionKey(ctx.config.plugins.businessTransfer.dataKeySecret);

/** Marks the transfer FAILED when this was the job's last attempt (or a rule says no), then rethrows. */
async function failOnLastAttempt<T>(ctx: JobContext, transferId: number, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const last = err instanceof DomainError || ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);
    if (last) await failBusinessTransfer(ctx.dataSource, transferId, `${ctx.job.name}: ${(err as Error).message}`);
    throw err;
  }
}

/**
 * Cuts the transfer into chunk ranges (once, checkpointed in MySQL) and adds the flow: one child
 * per chunk, the assembly as parent. Job ids are stable, so running the plan twice adds nothing.
 */
export const planJob: JobDefinition<{ transferId: number }> = {
  name: PLAN_JOB,
  queue: BUSINESS_TRANSFER_QUEUE,
  attempts: ATTEMPTS,
  backoff: BACKOFF,
  async process({ transferId }, ctx) {
    return failOnLastAttempt(ctx, transferId, async () => {
      const chunks = await planChunks(ctx.dataSource, transferId);
      if (!chunks) return { skipped: true };
      const keep = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } };
      // The flow's jobs follow the one id rule too, keyed below the transfer.
      await ctx.flows.addFlow({
        name: ASSEMBLE_JOB,
        queueName: BUSINESS_TRANSFER_QUEUE,
        data: { transferId },
        opts: { jobId: jobIdOf(ASSEMBLE_JOB, `transfer-${transferId}`), attempts: ATTEMPTS, backoff: BACKOFF, ...keep },
        children: chunks.map((c) => ({
          name: CHUNK_JOB,
          queueName: BUSINESS_TRANSFER_QUEUE,
          data: { transferId, seq: c.seq },
          opts: { jobId: jobIdOf(CHUNK_JOB, `transfer-${transferId}-chunk-${c.seq}`), attempts: ATTEMPTS, backoff: BACKOFF, failParentOnFailure: true, ...keep },
        })),
      });
      await markPlanned(ctx.dataSource, transferId);
      return { chunks: chunks.length };
    });
  },
};

export const chunkJob: JobDefinition<{ transferId: number; seq: number }> = {
  name: CHUNK_JOB,
  queue: BUSINESS_TRANSFER_QUEUE,
  // A chunk keeps a CPU busy (rows to JSON to gzip): two per process keep the database fed, and
  // more only add heap. More throughput comes from more worker processes, each with its own CPU.
  concurrency: 2,
  attempts: ATTEMPTS,
  backoff: BACKOFF,
  async process({ transferId, seq }, ctx) {
    return failOnLastAttempt(ctx, transferId, () => exportChunk(ctx.dataSource, ctx.reads, ctx.run, ctx.hooks, ctx.services, transferId, seq, systemActor, kekOf(ctx)));
  },
};

export const assembleJob: JobDefinition<{ transferId: number }> = {
  name: ASSEMBLE_JOB,
  queue: BUSINESS_TRANSFER_QUEUE,
  attempts: ATTEMPTS,
  backoff: BACKOFF,
  async process({ transferId }, ctx) {
    return failOnLastAttempt(ctx, transferId, async () => {
      const result = await assembleTransfer(ctx.dataSource, ctx.run, ctx.hooks, ctx.services, transferId, systemActor, kekOf(ctx));
      return result.skipped ? { skipped: result.skipped } : { files: result.manifest?.files };
    });
  },
};

/** Deletes the export files whose retention has passed (docs/legal.md, point 3), a transfer per change. */
export const artifactPurgeJob: JobDefinition<Record<string, never>> = {
  name: ARTIFACT_PURGE_JOB,
  queue: BUSINESS_TRANSFER_QUEUE,
  attempts: 1,
  repeat: { every: 3_600_000 },
  async process(_payload, ctx) {
    const purged: number[] = [];
    for (;;) {
      const id = await inTransaction(ctx.dataSource, (em) => purgeExpiredArtifacts(em));
      if (id === null) return { purged };
      purged.push(id);
    }
  },
};
