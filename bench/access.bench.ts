import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedDemoData } from '../src/demo-data';
import { systemActor } from '../src/domain/actor';
import { ACCESS_JOB, requestAccess } from '../src/domain/access-request.service';
import { jobIdOf } from '../src/domain/job-intents';
import { VerificationMethod } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { ACCESS_QUEUE } from '../src/jobs/access-package.job';
import { EXPORT_WORKER_NODE_FLAGS } from '../src/ops/node-flags';
import { onCleanup } from './cleanup';
import {
  createBenchDatabase, measuredTarget, median, peakRssKb, resetPeakRss, round, startCliWorker,
  type BenchContext, type BenchReport, type BenchmarkDef, type Target,
} from './harness';

/**
 * An access package for a person with a long history (issue 22): the `access` worker, run as an
 * operator runs it (`work --queues access`, a process of its own), answers a request for a person
 * with 1,000,000 collection events; the floor dumps the same rows with hand-written SQL (one
 * streamed statement per table, the same JSON and CSV lines) in a process of its own, in the
 * same run. Reported: time, the ratio, SQL statements, bytes, and each process's peak RSS; and the
 * worker's peak RSS for a person with a short history, to show that memory does not grow with it.
 */
export const accessBench: BenchmarkDef = {
  name: 'access',
  description: 'an access package for a person with 1,000,000 collection events (time, statements, peak RSS) vs the same rows dumped with hand-written SQL',
  options: {
    events: { default: 1_000_000, tiny: 3000, help: 'collection events of the large person' },
    'small-events': { default: 100_000, tiny: 300, help: 'collection events of the person with a tenth of the history (memory must not grow from it to the large one)' },
    disclosures: { default: 2000, tiny: 50, help: 'disclosures of each person' },
    'access-log': { default: 10_000, tiny: 100, help: 'access-log rows of each person' },
    rounds: { default: 3, tiny: 1, help: 'rounds of floor and gateway (alternating)' },
  },
  run: runAccessBench,
};

const LARGE = 1;
const SMALL = 2;

interface GatewayRun {
  subject: number;
  seconds: number;
  peakRssMb: number | null;
  statements: number | null;
  archiveBytes: number;
  ms: { snapshot: number; archive: number; commit: number } | null;
}

interface FloorRun {
  seconds: number;
  peakRssMb: number | null;
  statements: number;
  rows: number;
  bytes: number;
}

async function seedHistory(g: Gateway, subjectId: number, o: { events: number; disclosures: number; accessLog: number }): Promise<void> {
  const ds = g.dataSource;
  // MariaDB's SEQUENCE engine: seq_1_to_N is a table of 1..N, no rows stored.
  for (let from = 1; from <= o.events; from += 200_000) {
    const to = Math.min(o.events, from + 199_999);
    await ds.query(
      `INSERT INTO collection_events (subject_id, ip_address, latitude, longitude, geo_accuracy_m, region, device_id, cookie_id, user_agent, page, dnt, gpc, occurred_at)
       SELECT ?, CONCAT('10.', seq DIV 65536 MOD 256, '.', seq DIV 256 MOD 256, '.', seq MOD 256), 37 + (seq MOD 1000) / 1000, -122 - (seq MOD 997) / 1000, 20 + seq MOD 900,
              'US-CA', CONCAT('device-', seq MOD 7), CONCAT('cookie-', seq MOD 13), 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
              CONCAT('/products/', seq MOD 5000, '?ref=newsletter&utm_campaign=', seq MOD 40), seq MOD 2, seq MOD 3 = 0, TIMESTAMP('2025-01-01') + INTERVAL (seq * 7) SECOND
         FROM seq_${from}_to_${to}`,
      [subjectId],
    );
  }
  await ds.query(
    `INSERT INTO disclosures (subject_id, recipient_id, purpose, identifiable, transaction_reference, occurred_at, recorded_by)
     SELECT ?, r.id, 'SERVICE_PROVISION', 1, CONCAT('order-', s.seq), TIMESTAMP('2025-01-01') + INTERVAL s.seq HOUR, 'bench'
       FROM seq_1_to_${o.disclosures} s
       JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn, COUNT(*) OVER () AS n FROM recipients) r ON r.rn = s.seq MOD r.n`,
    [subjectId],
  );
  await ds.query(`INSERT INTO disclosure_categories (disclosure_id, category_key) SELECT id, 'user.contact.email' FROM disclosures WHERE subject_id = ?`, [subjectId]);
  await ds.query(`INSERT INTO disclosure_categories (disclosure_id, category_key) SELECT id, 'user.name' FROM disclosures WHERE subject_id = ? AND id MOD 2 = 0`, [subjectId]);
  await ds.query(
    `INSERT INTO access_log (request_id, actor, role, purpose, subject_id, categories, accessed_at)
     SELECT UUID(), 'app:crm', 'APP', 'SUPPORT', ?, 'user.contact.email,user.name', TIMESTAMP('2025-01-01') + INTERVAL seq MINUTE FROM seq_1_to_${o.accessLog}`,
    [subjectId],
  );
}

function runFloor(env: NodeJS.ProcessEnv, args: Record<string, unknown>): Promise<FloorRun> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'access', 'floor.js'), [JSON.stringify(args)], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const unregister = onCleanup(() => void child.kill('SIGKILL'));
    let result: FloorRun | null = null;
    child.on('message', (m) => {
      const r = m as { ms: number; statements: number; rows: number; bytes: number; peakRssKb: number | null };
      result = { seconds: r.ms / 1000, peakRssMb: r.peakRssKb === null ? null : r.peakRssKb / 1024, statements: r.statements, rows: r.rows, bytes: r.bytes };
    });
    child.once('exit', (code) => {
      unregister();
      if (code === 0 && result) resolve(result);
      else reject(new Error(`the floor exited with ${code}`));
    });
  });
}

async function runGateway(g: Gateway, workerPid: number, subjectId: number): Promise<GatewayRun> {
  resetPeakRss(workerPid);
  const t0 = performance.now();
  const opened = await requestAccess(g.run, systemActor, { subjectId, channel: 'WEB_FORM', verification: VerificationMethod.SIGNED_IN_SESSION });
  const requestId = opened.result.request.id;
  for (;;) {
    const [row] = await g.dataSource.query('SELECT status FROM data_requests WHERE id = ?', [requestId]);
    if (row.status === 'COMPLETED') break;
    if (row.status === 'REJECTED') throw new Error(`access request ${requestId} was rejected`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t0) / 1000;
  const peak = peakRssKb(workerPid);
  const job = await g.queues.queue(ACCESS_QUEUE).getJob(jobIdOf(ACCESS_JOB, `request-${requestId}`));
  const value = (job?.returnvalue ?? null) as { statements?: number; ms?: GatewayRun['ms'] } | null;
  const [pkg] = await g.dataSource.query('SELECT bytes, file_path FROM access_packages WHERE request_id = ?', [requestId]);
  // The package itself is not needed: the next round makes another.
  if (pkg?.file_path) await rm(pkg.file_path, { force: true });
  return { subject: subjectId, seconds, peakRssMb: peak === null ? null : peak / 1024, statements: value?.statements ?? null, archiveBytes: Number(pkg?.bytes ?? 0), ms: value?.ms ?? null };
}

async function runAccessBench(ctx: BenchContext): Promise<BenchReport> {
  const o = ctx.options;
  const packageDir = await mkdtemp(path.join(tmpdir(), 'drg-bench-access-'));
  const db = await createBenchDatabase('access', { ACCESS_PACKAGE_DIR: packageDir, OUTBOX_POLL_MS: '3600000', REQUEST_MONITOR_MS: '3600000' });
  const g = await Gateway.open(db.config, {}, () => undefined);
  let worker: Awaited<ReturnType<typeof startCliWorker>> | null = null;
  try {
    ctx.log(`seeding ${o.num('events')} + ${o.num('small-events')} collection events into ${db.config.mysql.database}`);
    const seedStart = performance.now();
    await seedDemoData(g.dataSource, systemActor, { subjects: 20, recipients: 12, collectionEventsPerSubject: 0, disclosuresPerSubject: 0, seed: 3 });
    await seedHistory(g, LARGE, { events: o.num('events'), disclosures: o.num('disclosures'), accessLog: o.num('access-log') });
    await seedHistory(g, SMALL, { events: o.num('small-events'), disclosures: o.num('disclosures'), accessLog: o.num('access-log') });
    await g.dataSource.query('ANALYZE TABLE collection_events, disclosures, disclosure_categories, access_log');
    const seedSeconds = (performance.now() - seedStart) / 1000;
    ctx.log(`seeded in ${seedSeconds.toFixed(1)} s`);

    // As `npm run work:export` runs it (src/ops/node-flags.ts).
    worker = await startCliWorker(db.env, [ACCESS_QUEUE], [...EXPORT_WORKER_NODE_FLAGS]);
    const idleRssMb = (peakRssKb(worker.pid) ?? 0) / 1024;
    const floorArgs = (subjectId: number) => ({ ...db.config.mysql, subjectId, dir: path.join(packageDir, `floor-${subjectId}`) });

    // The short history first, on the fresh worker: the peak after a long one would only show that RSS, once grown, stays.
    const small = await runGateway(g, worker.pid, SMALL);
    ctx.log(`gateway, short history: ${small.seconds.toFixed(2)} s, peak RSS ${small.peakRssMb?.toFixed(0)} MB`);
    const floors: FloorRun[] = [];
    const gateways: GatewayRun[] = [];
    for (let r = 0; r < o.num('rounds'); r += 1) {
      // Alternate which goes first, so that drift hits both alike.
      const steps = r % 2 === 0 ? ['floor', 'gateway'] : ['gateway', 'floor'];
      for (const step of steps) {
        if (step === 'floor') {
          const f = await runFloor(db.env, floorArgs(LARGE));
          floors.push(f);
          ctx.log(`floor   round ${r + 1}: ${f.seconds.toFixed(2)} s, ${f.rows} rows, ${f.statements} statements, peak RSS ${f.peakRssMb?.toFixed(0)} MB`);
        } else {
          const w = await runGateway(g, worker.pid, LARGE);
          gateways.push(w);
          ctx.log(`gateway round ${r + 1}: ${w.seconds.toFixed(2)} s (snapshot ${w.ms?.snapshot} ms, archive ${w.ms?.archive} ms, commit ${w.ms?.commit} ms), ${w.statements} statements, peak RSS ${w.peakRssMb?.toFixed(0)} MB`);
        }
      }
    }
    const medGateway = median(gateways.map((x) => x.seconds));
    const medFloor = median(floors.map((x) => x.seconds));
    const ratio = medGateway / medFloor;
    const medRss = median(gateways.map((x) => x.peakRssMb ?? NaN));
    const growth = medRss - (small.peakRssMb ?? NaN);
    const targets: Target[] = [
      measuredTarget('memory stays flat whatever the history (growth ≤ 64 MB)', { value: round(growth, 0), atMost: 64 }, `worker peak RSS ${round(medRss, 0)} MB for ${o.num('events')} events vs ${round(small.peakRssMb ?? NaN, 0)} MB for ${o.num('small-events')} (growth ${round(growth, 0)} MB; pass at 64 MB or less)`),
    ];
    const rows = gateways.map((w, i) => ({
      round: i + 1,
      gatewayS: round(w.seconds, 2),
      floorS: round(floors[i]!.seconds, 2),
      ratio: round(w.seconds / floors[i]!.seconds, 2),
      snapshotS: w.ms ? round(w.ms.snapshot / 1000, 2) : null,
      archiveS: w.ms ? round(w.ms.archive / 1000, 2) : null,
      gatewayStatements: w.statements,
      floorStatements: floors[i]!.statements,
      gatewayRssMb: w.peakRssMb === null ? null : round(w.peakRssMb, 0),
      floorRssMb: floors[i]!.peakRssMb === null ? null : round(floors[i]!.peakRssMb!, 0),
      archiveMb: round(w.archiveBytes / 1048576, 1),
      floorMb: round(floors[i]!.bytes / 1048576, 1),
    }));
    return {
      tables: [{
        title: `Access package for a person with ${o.num('events')} collection events (median ratio ${round(ratio, 2)}x the floor)`,
        columns: [
          { key: 'round', title: 'round' }, { key: 'gatewayS', title: 'gateway s' }, { key: 'floorS', title: 'floor s' }, { key: 'ratio', title: 'ratio' },
          { key: 'snapshotS', title: 'read+write files s' }, { key: 'archiveS', title: 'zip+seal s' },
          { key: 'gatewayStatements', title: 'gateway SQL' }, { key: 'floorStatements', title: 'floor SQL' },
          { key: 'gatewayRssMb', title: 'worker peak RSS MB' }, { key: 'floorRssMb', title: 'floor peak RSS MB' },
          { key: 'archiveMb', title: 'archive MB' }, { key: 'floorMb', title: 'floor files MB' },
        ],
        rows,
      }],
      targets,
      notes: [
        `the worker's RSS when idle (after start): ${round(idleRssMb, 0)} MB; short history (${o.num('small-events')} events): ${round(small.seconds, 2)} s, peak RSS ${round(small.peakRssMb ?? NaN, 0)} MB`,
        'gateway time runs from the request\'s commit to its COMPLETED status (queue, snapshot read in keyset pages, JSON and CSV files, ZIP, AES-GCM seal, the recording change); the floor streams each table in one statement and writes the same JSON and CSV lines, nothing else',
        `seeding took ${round(seedSeconds, 1)} s`,
      ],
      figures: { gateways, floors, small, idleRssMb, ratio, medianGatewaySeconds: medGateway, medianFloorSeconds: medFloor },
    };
  } finally {
    await worker?.stop();
    await g.stop();
    await db.drop();
    await rm(packageDir, { recursive: true, force: true });
  }
}
