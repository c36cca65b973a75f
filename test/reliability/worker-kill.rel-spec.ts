import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedDemoData } from '../../src/demo-data';
import { systemActor } from '../../src/domain/actor';
import { erasureJob, openErasureRequest } from '../../src/domain/data-request.service';
import { inTransaction } from '../../src/domain/transaction';
import { DataRequestType, Role } from '../../src/entities/enums';
import { BusinessTransfer, TransferFormat, TransferPhase } from '../../src/plugins/business-transfer/business-transfer.entity';
import { planIntent } from '../../src/plugins/business-transfer/transfer-start.use-case';
import { startBusinessTransfer } from '../../src/plugins/business-transfer/transfer-lifecycle.service';
import type { Manifest } from '../../src/plugins/business-transfer/export-files';
import { runCli, type CliRun } from '../helpers/cli-process';
import { halfErasedSubjects } from '../helpers/erasure-checks';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway';
import { waitFor } from '../helpers/wait';
import { RELIABILITY_SEED, seededRandom, size } from './support/scale';

// At least 20 kills at the default size, shared between erasure workers and export workers.
const KILLS = Math.max(20, size('RELIABILITY_KILLS', 20));
// A cap: requests are opened as the workers eat them.
// A quiet 2-core machine erases up to ~600 a second at concurrency 4, and the exports may end
// early and leave most of the 20 kills to the erasures: ~0.8 s each can use ~10,000.
const ERASURE_SUBJECTS = size('RELIABILITY_ERASURE_SUBJECTS', 20000);
// Exports cannot be refilled: enough of them that several kills strike an export worker even
// now that a chunk costs little (2,400 subjects ran out after two).
const TRANSFER_SUBJECTS = size('RELIABILITY_TRANSFER_SUBJECTS', 6000);
// Enough open requests that a worker's random lifetime (0.1 to 1.5 s) ends before they run out,
// even on a fast machine (1.5 s at ~600 a second).
const OPEN_AHEAD = 1000;
// Small chunks: many checkpoints for the kills to fall between.
const CHUNK = '10';
const NOW = new Date('2026-03-01T12:00:00.000Z');
// One transfer per region (disjoint subjects), phases and formats alternating.
const REGIONS = ['US-CA', 'US-NY', 'US-TX', 'US-WA', 'US-IL', 'CA-ON', 'GB-ENG', 'DE-BE'];
const mna = { id: 'test-mna', roles: [Role.MNA] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const workerEnv = (t: TestGateway, extra: NodeJS.ProcessEnv = {}) => ({
  MYSQL_DATABASE: t.config.mysql.database,
  QUEUE_PREFIX: t.config.redis.prefix,
  WORKER_LOCK_MS: '1000',
  WORKER_STALLED_CHECK_MS: '500',
  OUTBOX_POLL_MS: '3600000',
  REQUEST_MONITOR_MS: '3600000',
  ...extra,
});

async function digests(folder: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8')) as Manifest;
  const out: Record<string, string> = { 'manifest.json': createHash('sha256').update(await readFile(path.join(folder, 'manifest.json'))).digest('hex') };
  for (const f of manifest.files) out[f.name] = createHash('sha256').update(await readFile(path.join(folder, f.name))).digest('hex');
  return out;
}

interface KillReport {
  /** Kills while work remained (the ones counted). */
  kills: number;
  /** Of those, kills that struck while the queue had a job active (not between jobs). */
  withActiveJob: number;
  /** Kills after the work had run out (not counted; the loop refills and goes on). */
  idle: number;
}

/** Kill counts shared by the loops: they stop together once `total` reaches `goal`. */
interface KillPlan {
  goal: number;
  total: number;
  failed: boolean;
}

/**
 * Starts a worker (the built CLI, as production runs it), lets it run for a random while,
 * SIGKILLs it, and again until the loops together made `plan.goal` kills while work remained.
 * A loop whose work cannot be refilled (`refills: false`) stops when its work is done, and the
 * other loop makes up the count; one that can refill gives up after `plan.goal` idle kills.
 */
async function killLoop(
  rnd: () => number,
  plan: KillPlan,
  w: { start: () => CliRun; busy: () => Promise<boolean>; active: () => Promise<number>; before: () => Promise<void>; refills: boolean; track: (w: CliRun | null) => void },
): Promise<KillReport> {
  const report: KillReport = { kills: 0, withActiveJob: 0, idle: 0 };
  try {
    while (plan.total < plan.goal) {
      if (plan.failed) throw new Error('the other kill loop failed');
      if (report.idle > plan.goal) throw new Error(`stopped after ${report.kills} kills (${report.idle} idle): the work ran out; raise the sizes`);
      await w.before();
      if (!w.refills && !(await w.busy())) break;
      const worker = w.start();
      w.track(worker);
      await worker.waitFor(/workers started/);
      await sleep(100 + Math.floor(rnd() * 1400));
      const busy = await w.busy();
      const activeNow = await w.active();
      worker.child.kill('SIGKILL');
      await worker.exited;
      w.track(null);
      if (!busy) report.idle += 1;
      else {
        report.kills += 1;
        plan.total += 1;
        if (activeNow > 0) report.withActiveJob += 1;
      }
    }
    return report;
  } catch (err) {
    plan.failed = true;
    throw err;
  }
}

/**
 * SIGKILL of worker processes at random (seeded) points while erasures and business-transfer
 * exports run, a new worker after each kill. Afterwards every erasure request is COMPLETED
 * exactly once, no subject is half-erased, no notice is duplicated, and every export's files
 * are byte-identical to the same transfers run without interruption.
 */
describe(`${KILLS} worker kills during erasures and exports (seed ${RELIABILITY_SEED})`, () => {
  let erasures: TestGateway;
  let killed: TestGateway;
  let reference: TestGateway;
  let dirKilled: string;
  let dirRef: string;
  const live = new Set<CliRun>();
  const track = (slot: { w: CliRun | null }) => (w: CliRun | null) => {
    if (slot.w) live.delete(slot.w);
    slot.w = w;
    if (w) live.add(w);
  };

  beforeAll(async () => {
    dirKilled = await mkdtemp(path.join(tmpdir(), 'h10f_export_killed_'));
    dirRef = await mkdtemp(path.join(tmpdir(), 'h10f_export_ref_'));
    erasures = await startTestGateway('rel_kill_erasure', { serve: false });
    await seedDemoData(erasures.gateway.dataSource, systemActor, { subjects: ERASURE_SUBJECTS, recipients: 16, consentsPerSubject: 4, disclosuresPerSubject: 4, collectionEventsPerSubject: 4, seed: 31 });
    const env = { EXPORT_DIR: '', BUSINESS_TRANSFER_CHUNK_SIZE: CHUNK };
    killed = await startTestGateway('rel_kill_export', { serve: false, env: { ...env, EXPORT_DIR: dirKilled } });
    reference = await startTestGateway('rel_kill_export_ref', { serve: false, env: { ...env, EXPORT_DIR: dirRef } });
    for (const t of [killed, reference])
      await seedDemoData(t.gateway.dataSource, systemActor, { subjects: TRANSFER_SUBJECTS, recipients: 12, consentsPerSubject: 4, disclosuresPerSubject: 5, collectionEventsPerSubject: 0, seed: 77, now: NOW });
  }, 300000);

  afterAll(async () => {
    for (const w of live) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all([...live].map((w) => w.exited));
    for (const t of [erasures, killed, reference]) await t?.close();
    await rm(dirKilled, { recursive: true, force: true });
    await rm(dirRef, { recursive: true, force: true });
  });

  it('completes every request exactly once and writes every export byte for byte', async () => {
    const rnd = seededRandom(RELIABILITY_SEED);
    const eds = erasures.gateway.dataSource;

    // Erasures: requests are opened ahead of the workers so each kill finds work in flight.
    const requestIds: number[] = [];
    let nextSubject = 1;
    const openRequests = async () => Number((await eds.query(`SELECT COUNT(*) AS n FROM data_requests WHERE status <> 'COMPLETED'`))[0].n);
    const topUp = async () => {
      for (let open = await openRequests(); open < OPEN_AHEAD && nextSubject <= ERASURE_SUBJECTS; open += 1, nextSubject += 1) {
        const subjectId = nextSubject;
        const { request } = await inTransaction(eds, (em) => openErasureRequest(em, systemActor, { subjectId, type: DataRequestType.ERASURE, channel: 'WEB' }));
        requestIds.push(request.id);
        await erasures.gateway.declareJobs(erasureJob(request.id, DataRequestType.ERASURE));
      }
    };

    // Exports: the same eight transfers in two databases with the same data.
    const begin = async (t: TestGateway, i: number) => {
      const [acq] = await t.gateway.dataSource.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' ORDER BY id LIMIT 1`);
      const spec = {
        dealName: `Project ${i}`,
        phase: i % 2 === 0 ? TransferPhase.CLOSING : TransferPhase.DUE_DILIGENCE,
        format: i % 4 < 2 ? TransferFormat.NDJSON : TransferFormat.CSV,
        scope: { regions: [REGIONS[i]!] },
        acquirerId: Number(acq.id),
      };
      const transfer = await inTransaction(t.gateway.dataSource, (em) => startBusinessTransfer(em, mna, spec, t.config.plugins.businessTransfer, NOW));
      await t.gateway.declareJobs(planIntent(transfer.id));
      return transfer.id;
    };
    const killedIds: number[] = [];
    for (let i = 0; i < REGIONS.length; i += 1) killedIds.push(await begin(killed, i));
    const transferStatuses = async (t: TestGateway) => (await t.gateway.dataSource.getRepository(BusinessTransfer).find({ order: { id: 'ASC' } })).map((r) => r.status);

    const erasureSlot = { w: null as CliRun | null };
    const exportSlot = { w: null as CliRun | null };
    // The kills alternate between the loops as they run in parallel; exports cannot be refilled
    // (the reference must run the same transfers), so on a fast machine the erasure loop may
    // make more of the kills.
    const plan: KillPlan = { goal: KILLS, total: 0, failed: false };
    const [erasureKills, exportKills] = await Promise.all([
      killLoop(rnd, plan, {
        start: () => runCli(['work', '--queues', 'erasure'], workerEnv(erasures, { WORKER_CONCURRENCY: '4' })),
        busy: async () => (await openRequests()) > 0,
        active: () => erasures.gateway.queues.queue('erasure').getActiveCount(),
        before: topUp,
        refills: true,
        track: track(erasureSlot),
      }),
      killLoop(rnd, plan, {
        start: () => runCli(['work', '--queues', 'business-transfer'], workerEnv(killed, { WORKER_CONCURRENCY: '2', EXPORT_DIR: dirKilled, BUSINESS_TRANSFER_CHUNK_SIZE: CHUNK })),
        busy: async () => (await transferStatuses(killed)).some((s) => s !== 'COMPLETED'),
        active: () => killed.gateway.queues.queue('business-transfer').getActiveCount(),
        before: async () => undefined,
        refills: false,
        track: track(exportSlot),
      }),
    ]);
    process.stdout.write(`worker kills: erasure ${JSON.stringify(erasureKills)}, export ${JSON.stringify(exportKills)}\n`);
    expect(erasureKills.kills + exportKills.kills).toBeGreaterThanOrEqual(20);
    // Both kinds of work were struck, several times.
    expect(erasureKills.kills).toBeGreaterThanOrEqual(3);
    expect(exportKills.kills).toBeGreaterThanOrEqual(3);
    // Most kills strike a worker with a job in hand (the rest land between jobs).
    expect(erasureKills.withActiveJob + exportKills.withActiveJob).toBeGreaterThan(0);

    // A last worker of each kind finishes the work; meanwhile the reference runs uninterrupted.
    const finalErasure = runCli(['work', '--queues', 'erasure'], workerEnv(erasures, { WORKER_CONCURRENCY: '4' }));
    const finalExport = runCli(['work', '--queues', 'business-transfer'], workerEnv(killed, { WORKER_CONCURRENCY: '2', EXPORT_DIR: dirKilled, BUSINESS_TRANSFER_CHUNK_SIZE: CHUNK }));
    live.add(finalErasure);
    live.add(finalExport);
    const refIds: number[] = [];
    for (let i = 0; i < REGIONS.length; i += 1) refIds.push(await begin(reference, i));
    await reference.gateway.work(['business-transfer']);
    await waitFor(async () => (await openRequests()) === 0, 'every erasure request completed', 600000, 200);
    await waitFor(async () => (await transferStatuses(killed)).every((s) => s === 'COMPLETED'), 'the killed transfers', 600000, 200);
    await waitFor(async () => (await transferStatuses(reference)).every((s) => s === 'COMPLETED'), 'the reference transfers', 600000, 200);
    for (const w of [finalErasure, finalExport]) {
      w.child.kill('SIGTERM');
      expect(await w.exited).toBe(0);
      live.delete(w);
    }

    // Erasures: all completed, each once, nothing half done, no notice twice.
    const opened = requestIds.length;
    process.stdout.write(`erasure requests: ${opened}\n`);
    const [{ n: completed }] = await eds.query(`SELECT COUNT(*) AS n FROM data_requests WHERE status = 'COMPLETED' AND id IN (?)`, [requestIds]);
    expect(Number(completed)).toBe(opened);
    const [{ n: erased }] = await eds.query(`SELECT COUNT(*) AS n FROM subjects WHERE status = 'ERASED'`);
    expect(Number(erased)).toBe(opened);
    const subjectIds = Array.from({ length: ERASURE_SUBJECTS }, (_, i) => i + 1);
    expect(await halfErasedSubjects(eds, subjectIds)).toEqual([]);
    const audits: { entity_id: string; n: number }[] = await eds.query(`SELECT entity_id, COUNT(*) AS n FROM audit_events WHERE action = 'erasure.completed' GROUP BY entity_id`);
    expect(audits).toHaveLength(opened);
    expect(audits.filter((a) => Number(a.n) !== 1)).toEqual([]);
    const [{ n: confirmations }] = await eds.query(`SELECT COUNT(DISTINCT data_request_id) AS n FROM outbox_messages WHERE kind = 'ERASURE_CONFIRMATION'`);
    expect(Number(confirmations)).toBe(opened);
    const duplicates = await eds.query(`SELECT kind, data_request_id, recipient_id, COUNT(*) AS n FROM outbox_messages WHERE data_request_id IS NOT NULL GROUP BY kind, data_request_id, recipient_id HAVING COUNT(*) > 1`);
    expect(duplicates).toEqual([]);
    const [{ n: notices }] = await eds.query(`SELECT COUNT(*) AS n FROM outbox_messages WHERE kind = 'ERASURE_NOTICE'`);
    expect(Number(notices)).toBeGreaterThan(0);

    // Exports: same ids, same bytes, one disclosure per exported subject of a closing.
    expect(refIds).toEqual(killedIds);
    for (const id of killedIds) {
      const [a, b] = await Promise.all([killed, reference].map((t) => t.gateway.dataSource.getRepository(BusinessTransfer).findOneByOrFail({ id })));
      expect(a!.chunksDone).toBe(a!.chunksTotal);
      expect({ id, files: await digests(a!.exportPath) }).toEqual({ id, files: await digests(b!.exportPath) });
      expect(a!.manifest).toBe(b!.manifest);
      if (a!.phase === TransferPhase.CLOSING) {
        const per: { n: number }[] = await killed.gateway.dataSource.query(
          `SELECT COUNT(*) AS n FROM disclosures WHERE purpose = 'BUSINESS_TRANSFER' AND transaction_reference = ? GROUP BY subject_id`,
          [`business-transfer:${id}`],
        );
        expect(per).toHaveLength(a!.subjectsDone);
        expect(per.filter((p) => Number(p.n) !== 1)).toEqual([]);
      }
    }
  }, 1_200_000);
});
