import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { inTransaction } from '../../src/domain/transaction';
import { Role, SubjectStatus } from '../../src/entities/enums';
import { BusinessTransfer, TransferPhase } from '../../src/plugins/business-transfer/business-transfer.entity';
import { planIntent } from '../../src/plugins/business-transfer/transfer-start.use-case';
import { startBusinessTransfer } from '../../src/plugins/business-transfer/transfer-lifecycle.service';
import type { Manifest } from '../../src/plugins/business-transfer/export-files';
import { runCli, type CliRun } from '../helpers/cli-process';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';

const SUBJECTS = 1200;
const CHUNK = '40';
// Everything the bytes depend on is fixed: data (seed and clock), the transfer spec and its start time.
const NOW = new Date('2026-03-01T12:00:00.000Z');
const SPEC = { dealName: 'Project Osprey', phase: TransferPhase.CLOSING, scope: { statuses: [SubjectStatus.ACTIVE] } };

async function digests(folder: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as Manifest;
  const out: Record<string, string> = { 'manifest.json': createHash('sha256').update(await readFile(path.join(folder, 'manifest.json'))).digest('hex') };
  for (const f of manifest.files) {
    const sha = createHash('sha256').update(await readFile(path.join(folder, f.name))).digest('hex');
    expect(sha).toBe(f.sha256);
    out[f.name] = sha;
  }
  return out;
}

/**
 * The same transfer of the same data twice, each in its own database: once uninterrupted, once
 * with its worker (a child process) killed with SIGKILL mid-export and a new worker resuming.
 * The files come out byte for byte the same.
 */
describe('a business transfer whose worker is killed mid-export', () => {
  let a: TestGateway;
  let b: TestGateway;
  let dirA: string;
  let dirB: string;
  let worker: CliRun | null = null;

  const open = async (name: string, dir: string) => {
    const t = await startTestGateway(name, { serve: false, env: { EXPORT_DIR: dir, BUSINESS_TRANSFER_CHUNK_SIZE: CHUNK } });
    await seedDemoData(t.gateway.dataSource, systemActor, { subjects: SUBJECTS, recipients: 12, consentsPerSubject: 5, disclosuresPerSubject: 10, seed: 99, now: NOW });
    return t;
  };
  const begin = async (t: TestGateway) => {
    const [acq] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
    const transfer = await inTransaction(t.gateway.dataSource, (em) =>
      startBusinessTransfer(em, { id: 'test-mna', roles: [Role.MNA] }, { ...SPEC, acquirerId: Number(acq.id) }, t.config.plugins.businessTransfer, NOW),
    );
    await t.gateway.declareJobs(planIntent(transfer.id));
    return transfer.id;
  };
  const row = (t: TestGateway, id: number) => t.gateway.dataSource.getRepository(BusinessTransfer).findOneByOrFail({ id });
  const env = (t: TestGateway, dir: string) => ({
    MYSQL_DATABASE: t.config.mysql.database,
    QUEUE_PREFIX: t.config.redis.prefix,
    EXPORT_DIR: dir,
    BUSINESS_TRANSFER_CHUNK_SIZE: CHUNK,
    WORKER_CONCURRENCY: '1',
    WORKER_LOCK_MS: '1000',
    WORKER_STALLED_CHECK_MS: '500',
    OUTBOX_POLL_MS: '3600000',
    REQUEST_MONITOR_MS: '3600000',
  });

  beforeAll(async () => {
    dirA = await mkdtemp(path.join(tmpdir(), 'drg-bt-a-'));
    dirB = await mkdtemp(path.join(tmpdir(), 'drg-bt-b-'));
    a = await open('bt_crash_a', dirA);
    b = await open('bt_crash_b', dirB);
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await a.close();
    await b.close();
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it('resumes from its checkpoint and writes the same bytes as an uninterrupted run', async () => {
    // Uninterrupted, in this process.
    const idA = await begin(a);
    await a.gateway.work(['business-transfer']);
    const doneA = await waitFor(async () => ((await row(a, idA)).status === 'COMPLETED' ? row(a, idA) : undefined), 'the uninterrupted transfer', 90000, 100);

    // Killed mid-export, in a child process.
    const idB = await begin(b);
    worker = runCli(['work', '--queues', 'business-transfer'], env(b, dirB));
    await worker.waitFor(/workers started/);
    await waitFor(async () => (await row(b, idB)).chunksDone >= 5, 'five chunks written', 60000, 2);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const killed = await row(b, idB);
    expect(killed.status).toBe('RUNNING');
    expect(killed.chunksDone).toBeLessThan(killed.chunksTotal!);

    worker = runCli(['work', '--queues', 'business-transfer'], env(b, dirB));
    await worker.waitFor(/workers started/);
    await waitFor(async () => ((await row(b, idB)).status === 'COMPLETED' ? true : undefined), 'the resumed transfer', 90000, 100);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const doneB = await row(b, idB);

    expect(doneB.chunksDone).toBe(doneB.chunksTotal);
    expect(doneB.subjectsDone).toBe(SUBJECTS);
    expect(await digests(doneB.exportPath)).toEqual(await digests(doneA.exportPath));
    expect(doneB.manifest).toBe(doneA.manifest);

    // Each subject got exactly one disclosure, although a chunk may have been written twice.
    const per: { n: number }[] = await b.gateway.dataSource.query(
      `SELECT COUNT(*) AS n FROM disclosures WHERE purpose = 'BUSINESS_TRANSFER' AND transaction_reference = ? GROUP BY subject_id`,
      [`business-transfer:${idB}`],
    );
    expect(per).toHaveLength(SUBJECTS);
    expect(per.every((p) => Number(p.n) === 1)).toBe(true);
  });
});
