import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { readCheckpoints, signCheckpoint, type AuditCheckpoint } from '../domain/integrity';
import type { JobDefinition } from './job-definition';

export const AUDIT_QUEUE = 'audit';
export const AUDIT_CHECKPOINT_JOB = 'audit.checkpoint';

/** The published checkpoints file's text; empty when nothing was published yet. */
export async function readCheckpointFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/**
 * Publishes a signed checkpoint of the audit chain's head, outside the database (an append-only
 * file; in production a write-once bucket or another host's disk, docs/deployment.md), when the
 * head moved since the last one. A database writer who rewrites the chain up to a published
 * checkpoint, or truncates it below one, is found by verifyAuditChain (docs/legal.md, point 10).
 */
export async function publishCheckpoint(ds: DataSource, key: string, file: string, now = new Date()): Promise<AuditCheckpoint | null> {
  const [head]: { last_seq: number; last_hash: string }[] = await ds.query('SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1');
  if (!head || Number(head.last_seq) === 0) return null;
  const { checkpoints } = readCheckpoints(key, await readCheckpointFile(file));
  const last = checkpoints.reduce((m, c) => Math.max(m, c.seq), 0);
  if (Number(head.last_seq) <= last) return null;
  const cp = signCheckpoint(key, { seq: Number(head.last_seq), hash: head.last_hash, at: now.toISOString() });
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
  return cp;
}

export function auditCheckpointJob(everyMs: number): JobDefinition<Record<string, never>> {
  return {
    name: AUDIT_CHECKPOINT_JOB,
    queue: AUDIT_QUEUE,
    attempts: 1,
    concurrency: 1,
    repeat: { every: everyMs },
    async process(_payload, ctx) {
      const cp = await publishCheckpoint(ctx.dataSource, ctx.config.integrity.key, ctx.config.integrity.checkpointFile);
      return { published: cp?.seq ?? null };
    },
  };
}
