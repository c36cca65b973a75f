import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import type { Actor } from '../src/domain/actor';
import { Role } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { TransferPhase } from '../src/plugins/business-transfer/business-transfer.entity';
import type { Manifest } from '../src/plugins/business-transfer/export-files';
import { transferReference } from '../src/plugins/business-transfer/transfer-shared';
import type { DdFloorInput, DdFloorOutput } from './export/dd-floor';
import { EXPORT_DATA_OPTIONS, exportSizes, runTransferToCompletion } from './export/transfer-run';
import { scanGzip } from './export/scan';
import { growTo, seedBase } from './export/seed';
import {
  createBenchDatabase, measuredTarget, mysqlConnection, onCleanup, peakRssKb, processTicks, resetPeakRss, round, startWorkerAs, TICKS_PER_SECOND,
  WORKER_MODES, type BenchContext, type BenchmarkDef, type BenchReport, type Cell, type CliWorker, type Target, type WorkerMode,
} from './harness';

/**
 * due-diligence: a DUE_DILIGENCE business-transfer export (class aggregates of at least k, issue
 * 26) of every active subject at two sizes, with the worker started in each way it can be (npm run
 * work:export, npm run work, npm start), next to a hand-written floor (bench/export/dd-floor.ts:
 * one SELECT, every row in memory, the same release rules, gzip). The gateway's chunks count
 * their subjects by class into their checkpoint rows and the assembly releases from the merged
 * counts; its peak RSS must not grow with the number of subjects. The first mode's files must
 * decompress to the floor's bytes; the other modes' files and anonymization must equal the
 * first's. Figures: subjects exported per second (wall time from the start to
 * COMPLETED), peak RSS of the process that runs the export jobs.
 */
export const dueDiligenceBench: BenchmarkDef = {
  name: 'due-diligence',
  description: 'DUE_DILIGENCE business-transfer export (streamed k-anonymous assembly): subjects/s and peak RSS under each way of starting the worker, vs a hand-written floor, at two sizes',
  options: {
    ...EXPORT_DATA_OPTIONS,
    'floor-rounds': { default: 2, tiny: 1, help: 'floor runs per size (the faster one is the floor)' },
    timeout: { default: 900, help: 'seconds to wait for one gateway export' },
    modes: { default: WORKER_MODES.join(','), help: `how the worker is started, comma-separated (${WORKER_MODES.join(', ')})` },
  },
  run: runDueDiligence,
};

const ACTOR: Actor = { id: 'bench-dd', roles: [Role.MNA] };

interface GatewayRun {
  mode: WorkerMode;
  transferId: number;
  seconds: number;
  subjectsPerSec: number;
  peakRssKb: number | null;
  parentPeakRssKb: number | null;
  procCpuMs: number;
  manifest: Manifest;
  /** SHA-256 of each decompressed file, by name. */
  sha: Record<string, string>;
}

interface FloorRun {
  seconds: number;
  subjectsPerSec: number;
  peakRssKb: number | null;
  output: DdFloorOutput;
  sha: Record<string, string>;
}

interface SizeResult {
  subjects: number;
  gateways: GatewayRun[];
  floors: FloorRun[];
  /** The first mode's files decompress to the floor's bytes; every mode's totals and anonymization equal the first's. */
  same: boolean;
  sameDetail: string;
}

async function runDueDiligence(ctx: BenchContext): Promise<BenchReport> {
  const o = ctx.options;
  const sizes = exportSizes(o);
  const modes = o.words('modes') as WorkerMode[];
  if (modes.length === 0 || modes.some((m) => !(WORKER_MODES as readonly string[]).includes(m))) throw new Error(`--modes takes ${WORKER_MODES.join(', ')}`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drg-dd-bench-'));
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  const unregisterRoot = onCleanup(removeRoot);
  const db = await createBenchDatabase('dd', { EXPORT_DIR: path.join(root, 'gateway'), OUTBOX_POLL_MS: '3600000', REQUEST_MONITOR_MS: '3600000' });
  let gateway: Gateway | null = null;
  let conn: mysql.Connection | null = null;
  let worker: CliWorker | null = null;
  try {
    gateway = await Gateway.open(db.config, {}, () => undefined);
    conn = await mysqlConnection(db.config);
    const per = o.num('disclosures');
    const baseN = Math.min(o.num('base'), sizes[0]!);
    ctx.log(`seeding ${baseN} subjects into ${db.config.mysql.database}`);
    await seedBase(gateway.dataSource, baseN, { recipients: o.num('recipients'), consents: o.num('consents'), disclosures: per, seed: o.num('seed') });
    const [acq] = (await conn.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' AND FIND_IN_SET('BUSINESS_TRANSFER', allowed_purposes) ORDER BY id LIMIT 1`))[0] as { id: number }[];
    if (!acq) throw new Error('the demo data has no ACQUIRER recipient allowed BUSINESS_TRANSFER');
    const results: SizeResult[] = [];
    for (const size of sizes) {
      await growTo(conn, size, per);
      await conn.query('ANALYZE TABLE subjects, consents, disclosures');
      const gateways: GatewayRun[] = [];
      for (const mode of modes) {
        worker = await startWorkerAs(mode, db.env);
        // An acquirer gets one due-diligence export over the same people (issue 26): each run is a bidder of its own.
        const [bidder] = await conn.query(
          `INSERT INTO recipients (kind, name, allowed_purposes) SELECT 'ACQUIRER', CONCAT(name, ?), allowed_purposes FROM recipients WHERE id = ?`,
          [` (bench ${size} ${mode})`, acq.id],
        );
        const g = await runGateway(gateway, conn, worker, mode, Number((bidder as { insertId: number }).insertId), size, o.num('timeout'), ctx);
        await worker.stop();
        worker = null;
        gateways.push(g);
        ctx.log(`${size} (${mode}): ${g.manifest.subjects} subjects released in ${g.seconds.toFixed(1)} s = ${Math.round(g.subjectsPerSec)} subjects/s, export process peak RSS ${mb(g.peakRssKb)} MB${g.parentPeakRssKb === null ? '' : `, serving parent ${mb(g.parentPeakRssKb)} MB`}`);
      }
      const first = gateways[0]!;
      const [t] = (await conn.query('SELECT generated_at AS g, subject_max_id AS s, disclosure_max_id AS d, k FROM business_transfers WHERE id = ?', [first.transferId]))[0] as { g: Date; s: number; d: number; k: number }[];
      const floors: FloorRun[] = [];
      for (let r = 0; r < Math.max(1, o.num('floor-rounds')); r += 1) {
        const dir = path.join(root, `floor-${size}-${r}`);
        const f = await runFloor({
          mysql: { host: db.config.mysql.host, port: db.config.mysql.port, user: db.config.mysql.user, password: db.config.mysql.password, database: db.config.mysql.database },
          dir, transferId: first.transferId, generatedAt: new Date(t!.g).toISOString(), subjectMaxId: Number(t!.s), disclosureMaxId: Number(t!.d), k: Number(t!.k),
        });
        floors.push(f);
        fs.rmSync(dir, { recursive: true, force: true });
        ctx.log(`${size}: floor ${f.output.subjects} subjects in ${f.seconds.toFixed(1)} s = ${Math.round(f.subjectsPerSec)} subjects/s, peak RSS ${mb(f.peakRssKb)} MB`);
      }
      const problems: string[] = [];
      for (const [name, sha] of Object.entries(first.sha)) if (floors[0]!.sha[name] !== sha) problems.push(`${name} differs from the floor's`);
      for (const g of gateways.slice(1)) {
        for (const name of Object.keys(first.sha).filter((n) => !n.startsWith('subjects'))) if (g.sha[name] !== first.sha[name]) problems.push(`${g.mode}: ${name} differs`);
        if (JSON.stringify(g.manifest.anonymization) !== JSON.stringify(first.manifest.anonymization) || g.manifest.subjects !== first.manifest.subjects) problems.push(`${g.mode}: anonymization differs`);
      }
      results.push({ subjects: size, gateways, floors, same: problems.length === 0, sameDetail: problems.join('; ') || `${first.mode}'s files = the floor's (SHA-256 of the decompressed bytes); every mode's totals and anonymization equal` });
      for (const g of gateways) await conn.query('DELETE FROM disclosures WHERE transaction_reference = ?', [transferReference(g.transferId)]);
    }
    return report(results);
  } finally {
    await worker?.stop().catch(() => undefined);
    await conn?.end().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    await db.drop();
    removeRoot();
    unregisterRoot();
  }
}

async function runGateway(gateway: Gateway, conn: mysql.Connection, worker: CliWorker, mode: WorkerMode, acquirerId: number, size: number, timeoutS: number, ctx: BenchContext): Promise<GatewayRun> {
  const pid = worker.exportPid;
  if (pid !== worker.pid) resetPeakRss(worker.pid);
  resetPeakRss(pid);
  const ticks0 = processTicks(pid);
  const transfer = await runTransferToCompletion(gateway, conn, worker, {
    actor: ACTOR, dealName: `bench due diligence ${size} ${mode}`, phase: TransferPhase.DUE_DILIGENCE, acquirerId, timeoutS,
    progress: (p) => ctx.log(`${size} (${mode}): ${p.done}/${p.total} subjects, ${p.seconds.toFixed(0)} s`),
  });
  const seconds = transfer.seconds;
  const procCpuMs = ((processTicks(pid) - ticks0) * 1000) / TICKS_PER_SECOND;
  const peak = peakRssKb(pid);
  const parentPeakRssKb = pid === worker.pid ? null : peakRssKb(worker.pid);
  const [rows] = await conn.query('SELECT manifest, export_path AS dir, subjects_total AS total FROM business_transfers WHERE id = ?', [transfer.transferId]);
  const r = (rows as { manifest: string; dir: string; total: number }[])[0]!;
  const manifest = JSON.parse(r.manifest) as Manifest;
  const sha: Record<string, string> = {};
  for (const f of manifest.files) sha[f.name] = (await scanGzip(path.join(r.dir, f.name))).sha256;
  fs.rmSync(r.dir, { recursive: true, force: true });
  return { mode, transferId: transfer.transferId, seconds, subjectsPerSec: Number(r.total) / seconds, peakRssKb: peak, parentPeakRssKb, procCpuMs, manifest, sha };
}

async function runFloor(input: DdFloorInput): Promise<FloorRun> {
  const child: ChildProcess = fork(path.join(__dirname, 'export', 'dd-floor.js'), [JSON.stringify(input)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const unregister = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  try {
    const output = await new Promise<DdFloorOutput>((resolve, reject) => {
      child.once('message', (raw) => {
        const msg = raw as { ok: boolean; output?: DdFloorOutput; error?: string };
        if (msg.ok) resolve(msg.output!);
        else reject(new Error(`floor failed: ${msg.error}`));
      });
      child.once('exit', (code) => reject(new Error(`floor exited with ${code}`)));
    });
    const sha: Record<string, string> = {};
    for (const f of output.files) sha[f.name] = (await scanGzip(path.join(input.dir, f.name))).sha256;
    return { seconds: output.seconds, subjectsPerSec: output.subjects / output.seconds, peakRssKb: output.peakRssKb, output, sha };
  } finally {
    unregister();
  }
}

const mb = (kb: number | null) => (kb === null ? '-' : (kb / 1024).toFixed(0));

function report(results: SizeResult[]): BenchReport {
  const best = (r: SizeResult) => r.floors.reduce((a, b) => (b.subjectsPerSec > a.subjectsPerSec ? b : a));
  const rows: Record<string, Cell>[] = [];
  for (const r of results) {
    const f = best(r);
    for (const g of r.gateways)
      rows.push({
        size: r.subjects, variant: `gateway (${g.mode})`, released: g.manifest.subjects, seconds: round(g.seconds, 1), perSec: Math.round(g.subjectsPerSec), ratio: (g.subjectsPerSec / f.subjectsPerSec).toFixed(2),
        peak: g.peakRssKb === null ? null : round(g.peakRssKb / 1024, 0), parent: g.parentPeakRssKb === null ? null : round(g.parentPeakRssKb / 1024, 0), cpu: round(g.procCpuMs / 1000, 1),
        levels: JSON.stringify(g.manifest.anonymization?.levels ?? {}), same: r.same ? 'yes' : 'NO',
      });
    for (const fl of r.floors)
      rows.push({
        size: r.subjects, variant: `floor${fl === f ? ' *' : ''}`, released: fl.output.released, seconds: round(fl.seconds, 1), perSec: Math.round(fl.subjectsPerSec), ratio: (fl.subjectsPerSec / f.subjectsPerSec).toFixed(2),
        peak: fl.peakRssKb === null ? null : round(fl.peakRssKb / 1024, 0), parent: null, cpu: null, levels: null, same: null,
      });
  }
  const targets: Target[] = [];
  const modes = results[0]?.gateways.map((g) => g.mode) ?? [];
  for (const mode of modes) {
    const of = (r: SizeResult) => r.gateways.find((g) => g.mode === mode)!;
    for (const r of results) {
      const ratio = of(r).subjectsPerSec / best(r).subjectsPerSec;
      targets.push(measuredTarget(`${mode}: gateway ≥ 0.5× the floor's subjects/s at ${r.subjects} subjects`, { value: round(ratio, 3), atLeast: 0.5 }, `${Math.round(of(r).subjectsPerSec)} vs ${Math.round(best(r).subjectsPerSec)} subjects/s = ${ratio.toFixed(2)}×`));
    }
    const peaks = results.map((r) => of(r).peakRssKb);
    if (peaks.every((p): p is number => p !== null)) {
      const max = Math.max(...peaks);
      const min = Math.min(...peaks);
      targets.push(measuredTarget(`${mode}: export process peak RSS ≤ 256 MB at every size`, { value: round(max / 1024, 0), atMost: 256 }, results.map((r) => `${mb(of(r).peakRssKb)} MB at ${r.subjects}`).join(', ')));
      targets.push(measuredTarget(`${mode}: export process peak RSS about the same at every size (within 20%)`, { value: round(max / min, 3), atMost: 1.2 }, `largest/smallest = ${(max / min).toFixed(2)}`));
    } else targets.push({ name: `${mode}: export process peak RSS`, status: 'SKIP', detail: 'VmHWM not readable' });
  }
  targets.push({ name: 'check: the gateway\'s files equal the floor\'s, and every mode\'s totals and anonymization', status: results.every((r) => r.same) ? 'PASS' : 'FAIL', detail: results.map((r) => `${r.subjects}: ${r.sameDetail}`).join(' | ') });
  return {
    tables: [{
      title: `due diligence: subjects exported per second (class aggregates, k = ${results[0]?.gateways[0]?.manifest.anonymization?.k ?? '?'}), by how the worker was started`,
      columns: [
        { key: 'size', title: 'subjects' }, { key: 'variant', title: 'variant', align: 'left' }, { key: 'released', title: 'released' }, { key: 'seconds', title: 's' },
        { key: 'perSec', title: 'subjects/s' }, { key: 'ratio', title: '×floor' }, { key: 'peak', title: 'peak RSS MB' }, { key: 'parent', title: 'serving parent MB' },
        { key: 'cpu', title: 'proc CPU s' }, { key: 'levels', title: 'levels', align: 'left' }, { key: 'same', title: 'same' },
      ],
      rows,
    }],
    targets,
    notes: [
      `gateway: startBusinessTransfer (DUE_DILIGENCE, NDJSON, statuses ACTIVE) + plan job; the worker started as package.json's scripts start it (${modes.join(', ')}); seconds from the start to COMPLETED; peak RSS is the VmHWM of the process running the export jobs (for start, its child), reset before each export`,
      'floor: bench/export/dd-floor.ts, one SELECT with correlated subqueries for consents and disclosure counts, rows held, the same class tally, k-anonymity plan and audited suppression, gzip level 6; the faster of its rounds',
    ],
    figures: { results: results.map((r) => ({ subjects: r.subjects, gateways: r.gateways.map(({ manifest, sha, ...g }) => ({ ...g, released: manifest.subjects, anonymization: manifest.anonymization })), floors: r.floors.map(({ output, sha, ...f }) => ({ ...f, released: output.released })), same: r.same })) },
  };
}
