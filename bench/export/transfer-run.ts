import { performance } from 'node:perf_hooks';
import type mysql from 'mysql2/promise';
import type { Actor } from '../../src/domain/actor';
import { inTransaction } from '../../src/domain/transaction';
import { SubjectStatus } from '../../src/entities/enums';
import type { Gateway } from '../../src/gateway';
import { TransferFormat, type TransferPhase } from '../../src/plugins/business-transfer/business-transfer.entity';
import { startBusinessTransfer } from '../../src/plugins/business-transfer/transfer-lifecycle.service';
import { planIntent } from '../../src/plugins/business-transfer/transfer-start.use-case';
import type { BenchOptions, CliWorker } from '../harness';

/** The data options the export and due-diligence benchmarks share (bench/export/seed.ts). */
export const EXPORT_DATA_OPTIONS = {
  sizes: { default: '50000,200000', tiny: '2000,4000', help: 'subjects of each size, comma-separated, increasing' },
  base: { default: 5000, tiny: 1000, help: 'subjects written by seedDemoData; the rest are server-side copies of them' },
  consents: { default: 5, help: 'consents per subject' },
  disclosures: { default: 10, help: 'disclosures per subject' },
  recipients: { default: 40, help: 'recipients seeded (every sixth is an ACQUIRER)' },
  seed: { default: 7, help: 'seed of the demo data' },
} as const;

/** --sizes, checked to be increasing whole numbers. */
export function exportSizes(o: BenchOptions): number[] {
  const sizes = o.nums('sizes');
  if (sizes.length === 0 || sizes.some((s, i) => !Number.isInteger(s) || s < 1 || (i > 0 && s <= sizes[i - 1]!))) throw new Error('--sizes must be increasing whole numbers');
  return sizes;
}

export interface TransferProgress {
  done: number;
  total: number;
  chunksDone: number;
  chunksTotal: number | null;
  seconds: number;
}

/**
 * Starts a transfer of every active subject as `transfer start` does (startBusinessTransfer, then
 * the plan job) and waits, polling every 50 ms, until it is COMPLETED; fails when it ends
 * otherwise, when the worker dies, or after timeoutS. `progress` is called every 15 s.
 */
export async function runTransferToCompletion(
  gateway: Gateway,
  conn: mysql.Connection,
  worker: CliWorker,
  opts: { actor: Actor; dealName: string; phase: TransferPhase; acquirerId: number; timeoutS: number; progress: (p: TransferProgress) => void },
): Promise<{ transferId: number; seconds: number }> {
  const t0 = performance.now();
  const transfer = await inTransaction(gateway.dataSource, (em) =>
    startBusinessTransfer(
      em,
      opts.actor,
      { dealName: opts.dealName, acquirerId: opts.acquirerId, phase: opts.phase, format: TransferFormat.NDJSON, scope: { statuses: [SubjectStatus.ACTIVE] }, encryptFor: null },
      gateway.config.plugins.businessTransfer,
    ),
  );
  await gateway.declareJobs(planIntent(transfer.id));
  let lastLog = performance.now();
  for (;;) {
    const [rows] = await conn.query('SELECT status, subjects_done AS done, subjects_total AS total, chunks_done AS cd, chunks_total AS ct, error FROM business_transfers WHERE id = ?', [transfer.id]);
    const s = (rows as { status: string; done: number; total: number; cd: number; ct: number | null; error: string | null }[])[0]!;
    if (s.status === 'COMPLETED') break;
    if (s.status === 'FAILED' || s.status === 'CANCELLED') throw new Error(`business transfer ${transfer.id} ended ${s.status}: ${s.error}`);
    if (!worker.alive()) throw new Error('the worker process died');
    const now = performance.now();
    if (now - t0 > opts.timeoutS * 1000) throw new Error(`business transfer ${transfer.id} did not finish within ${opts.timeoutS} s (${s.done}/${s.total} subjects)`);
    if (now - lastLog > 15_000) {
      lastLog = now;
      opts.progress({ done: s.done, total: s.total, chunksDone: s.cd, chunksTotal: s.ct, seconds: (now - t0) / 1000 });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { transferId: transfer.id, seconds: (performance.now() - t0) / 1000 };
}
