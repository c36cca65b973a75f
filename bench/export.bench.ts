import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type mysql from 'mysql2/promise';
import type { Actor } from '../src/domain/actor';
import { Role } from '../src/entities/enums';
import { Gateway } from '../src/gateway';
import { TransferPhase } from '../src/plugins/business-transfer/business-transfer.entity';
import { chunkJob } from '../src/plugins/business-transfer/business-transfer.job';
import { BUSINESS_TRANSFER_QUEUE } from '../src/plugins/business-transfer/transfer-start.use-case';
import { transferReference } from '../src/plugins/business-transfer/transfer-shared';
import type { Manifest } from '../src/plugins/business-transfer/export-files';
import { FLOOR_SQL, type FloorInput, type FloorOutput } from './export/floor';
import { EXPORT_DATA_OPTIONS, exportSizes, runTransferToCompletion } from './export/transfer-run';
import { scanGzip, type Scanned } from './export/scan';
import { EXPORT_WORKER_NODE_FLAGS, WORKER_NODE_FLAGS } from '../src/ops/node-flags';
import { newestProfile, profileTables, summarizeProfile } from './profile';
import { dataCounts, growTo, seedBase, type DataCounts } from './export/seed';
import {
  createBenchDatabase, cpuOfOthers, findDatabasePid, measuredTarget, mysqlConnection, onCleanup, peakRssKb, processTicks, resetPeakRss, RESULTS_DIR, round, TICKS_PER_SECOND,
  type BenchContext, type BenchmarkDef, type BenchReport, type Cell, type Target,
  startCliWorker, startWorkerAs, WORKER_MODES, type CliWorker, type WorkerMode,
} from './harness';

/**
 * export: a CLOSING business-transfer export (issue 7) of every active subject, at two sizes,
 * through the real path, next to the floor.
 *   gateway  startBusinessTransfer + the plan job, as `transfer start` does, run by `npm run
 *            work:export` (its node flags, then `work --queues business-transfer`) in a child process (so its peak
 *            RSS, VmHWM reset before each size, is the export's alone); wall time from the start
 *            to status COMPLETED. Rows = subjects + consents + consent events + disclosures
 *            written, from the manifest (consent events counted in the consents file).
 *   floor    the same rows with plain mysql2 (bench/export/floor.ts, a child process): three
 *            streamed SELECTs on three connections at once, NDJSON, gzip level 6. Run before
 *            and after the gateway; the faster run is the floor.
 * The gateway's files and the floor's must decompress to the same bytes (SHA-256), or the
 * comparison is void. The data: seedDemoData for a base block, then copied server-side with
 * shifted ids (bench/export/seed.ts); between sizes the first transfer's disclosures are deleted,
 * so both sizes have exactly 5 consents and 10 disclosures per subject.
 */

export const exportBench: BenchmarkDef = {
  name: 'export',
  description: 'CLOSING business-transfer export: rows/s and peak RSS of the BullMQ worker vs plain mysql2 streaming NDJSON+gzip (floor), at two sizes',
  options: {
    ...EXPORT_DATA_OPTIONS,
    'chunk-size': { default: 0, help: 'BUSINESS_TRANSFER_CHUNK_SIZE (0: the configured default)' },
    outfile: { default: 1, help: '1: also time the floor\'s three SELECTs as SELECT ... INTO OUTFILE (server-side, plain TSV; a reference, not the floor)' },
    'floor-rounds': { default: 2, help: 'floor runs per size (before and after the gateway, alternating)' },
    timeout: { default: 900, help: 'seconds to wait for one gateway export' },
    profile: { default: 0, help: '1: run the worker under node --cpu-prof and summarize it (a tmp- result)' },
    'worker-flags': { default: '', help: 'extra node flags for the worker process, space-separated, e.g. --max-old-space-size=96 (a tmp- result)' },
    modes: { default: WORKER_MODES.join(','), help: `how the worker is started, comma-separated (${WORKER_MODES.join(', ')}); the first is the one profiled and given --worker-flags` },
  },
  run: runExport,
};

const ACTOR: Actor = { id: 'bench-export', roles: [Role.MNA] };

interface Watermarks {
  subjectMaxId: number;
  consentEventMaxId: number;
  disclosureMaxId: number;
}

interface RowCounts {
  subjects: number;
  consents: number;
  consentEvents: number;
  disclosures: number;
  total: number;
}

interface FloorRun {
  round: number;
  when: 'before' | 'after';
  seconds: number;
  rows: RowCounts;
  rowsPerSec: number;
  gzBytes: number;
  peakRssKb: number | null;
  procCpuMs: number;
  dbCpuMs: number;
  otherCpuPct: number;
  fileSeconds: Record<string, number>;
}

interface GatewayRun {
  transferId: number;
  seconds: number;
  rows: RowCounts;
  rowsPerSec: number;
  gzBytes: number;
  peakRssKb: number | null;
  /** RSS of the idle worker right after the reset (the floor of its peak). */
  startRssKb: number | null;
  procCpuMs: number;
  dbCpuMs: number;
  otherCpuPct: number;
  phases: { planS: number; chunksS: number; assembleS: number; chunks: number; statusS: number };
  manifest: Manifest;
}

interface ModeRun {
  mode: WorkerMode;
  run: GatewayRun;
  /** Peak RSS of the process started (for `start`, the serving parent beside the export child). */
  parentPeakRssKb: number | null;
  sameAsFloor: boolean;
}

interface SizeResult {
  subjects: number;
  /** Every way the worker ran at this size; `gateway` is the first. */
  modes: ModeRun[];
  data: DataCounts;
  seedSeconds: number;
  watermarks: Watermarks;
  gateway: GatewayRun;
  floors: FloorRun[];
  outfile: OutfileRun | null;
  same: { file: string; gateway: Scanned; floor: Scanned; equal: boolean }[];
}

async function runExport(ctx: BenchContext): Promise<BenchReport> {
  const o = ctx.options;
  const sizes = exportSizes(o);
  const per = o.num('disclosures');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drg-export-bench-'));
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  const unregisterRoot = onCleanup(removeRoot);
  const extra: NodeJS.ProcessEnv = { EXPORT_DIR: path.join(root, 'gateway'), OUTBOX_POLL_MS: '3600000', REQUEST_MONITOR_MS: '3600000' };
  if (o.num('chunk-size') > 0) extra.BUSINESS_TRANSFER_CHUNK_SIZE = String(o.num('chunk-size'));
  const db = await createBenchDatabase('export', extra);
  let gateway: Gateway | null = null;
  let conn: mysql.Connection | null = null;
  let worker: CliWorker | null = null;
  try {
    gateway = await Gateway.open(db.config, {}, () => undefined);
    conn = await mysqlConnection(db.config);
    const seedOpts = { recipients: o.num('recipients'), consents: o.num('consents'), disclosures: per, seed: o.num('seed') };
    const baseN = Math.min(o.num('base'), sizes[0]!);
    ctx.log(`seeding ${baseN} subjects with seedDemoData into ${db.config.mysql.database}`);
    let t = performance.now();
    await seedBase(gateway.dataSource, baseN, seedOpts);
    let seedSeconds = (performance.now() - t) / 1000;
    const [acq] = (await conn.query(`SELECT id FROM recipients WHERE kind = 'ACQUIRER' AND FIND_IN_SET('BUSINESS_TRANSFER', allowed_purposes) ORDER BY id LIMIT 1`))[0] as { id: number }[];
    if (!acq) throw new Error('the demo data has no ACQUIRER recipient allowed BUSINESS_TRANSFER');
    const acquirerId = Number(acq.id);

    const profileDir = path.join(RESULTS_DIR, `tmp-profile-export-${process.pid}`);
    const modes = o.words('modes') as WorkerMode[];
    const unknownMode = modes.find((m) => !(WORKER_MODES as readonly string[]).includes(m));
    if (modes.length === 0 || unknownMode) throw new Error(`--modes takes ${WORKER_MODES.join(', ')}; got ${o.str('modes')}`);
    // The first mode as its npm script runs it, plus any flags to try (profile, --worker-flags).
    const trial = [...(o.num('profile') > 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...o.str('worker-flags').split(/\s+/).filter(Boolean)];
    const startWorker = async (mode: WorkerMode, first: boolean): Promise<CliWorker> =>
      first && trial.length > 0 && mode === 'work:export'
        ? startCliWorker(db.env, [BUSINESS_TRANSFER_QUEUE], [...EXPORT_WORKER_NODE_FLAGS, ...trial])
        : startWorkerAs(mode, db.env);
    ctx.log(`worker modes: ${modes.join(', ')} (package.json's scripts), ${chunkJob.concurrency} chunk jobs at once, chunk size ${db.config.plugins.businessTransfer.chunkSize}`);
    const dbPid = findDatabasePid();
    const results: SizeResult[] = [];

    for (const size of sizes) {
      t = performance.now();
      await growTo(conn, size, per);
      await conn.query('ANALYZE TABLE subjects, consents, consent_events, disclosures, disclosure_categories, recipients');
      seedSeconds += (performance.now() - t) / 1000;
      const data = await dataCounts(conn);
      ctx.log(`${size} subjects: ${JSON.stringify(data)} (seeding so far ${seedSeconds.toFixed(1)} s)`);
      const watermarks = await currentWatermarks(conn);
      const floorDir = (r: number) => path.join(root, `floor-${size}-${r}`);
      const floorInput = (r: number, w: Watermarks): FloorInput => ({
        mysql: { host: db.config.mysql.host, port: db.config.mysql.port, user: db.config.mysql.user, password: db.config.mysql.password, database: db.config.mysql.database },
        dir: floorDir(r),
        ...w,
      });
      const ourPids = (pid: number) => [pid, ...(dbPid === null ? [] : [dbPid])];
      const floors: FloorRun[] = [];
      const floorRounds = Math.max(1, o.num('floor-rounds'));
      const runOneFloor = async (r: number, when: FloorRun['when'], w: Watermarks) => {
        const f = await runFloorChild(floorInput(r, w), dbPid, ourPids);
        floors.push({ ...f, round: r, when });
        ctx.log(`${size}: floor (${when}) ${f.rows.total} rows in ${f.seconds.toFixed(1)} s = ${Math.round(f.rowsPerSec)} rows/s, peak RSS ${mb(f.peakRssKb)} MB`);
        // Only the first round's files are kept, for the comparison with the gateway's.
        if (r > 0) fs.rmSync(floorDir(r), { recursive: true, force: true });
      };
      // Before the gateway: ceil(rounds/2) floors; after it: the rest.
      const before = Math.ceil(floorRounds / 2);
      for (let r = 0; r < before; r += 1) await runOneFloor(r, 'before', watermarks);

      let outfile: OutfileRun | null = null;
      if (o.num('outfile') > 0) {
        outfile = await runOutfile(db.config, path.join(root, `outfile-${size}`), watermarks, dbPid);
        ctx.log(`${size}: SELECT ... INTO OUTFILE ${outfile.resultRows} result rows in ${outfile.seconds.toFixed(1)} s`);
      }

      const modeRuns: ModeRun[] = [];
      let same: SizeResult['same'] = [];
      for (const [mi, mode] of modes.entries()) {
        worker = await startWorker(mode, mi === 0);
        const g = await runGateway(gateway, conn, worker, acquirerId, dbPid, ourPids(worker.exportPid), o.num('timeout'), ctx, size);
        const parentPeakRssKb = worker.exportPid === worker.pid ? null : peakRssKb(worker.pid);
        await worker.stop();
        worker = null;
        const transferMarks = await transferWatermarks(conn, g.transferId);
        if (JSON.stringify(transferMarks) !== JSON.stringify(watermarks))
          throw new Error(`the gateway's snapshot ${JSON.stringify(transferMarks)} differs from the floor's ${JSON.stringify(watermarks)}`);
        if (mi === 0) for (let r = before; r < floorRounds; r += 1) await runOneFloor(r, 'after', watermarks);
        // Same bytes once decompressed, file by file, whichever way the worker ran.
        const compared: SizeResult['same'] = [];
        for (const f of g.manifest.files) {
          const gs = await scanGzip(path.join(exportPathOf(db.config.plugins.businessTransfer.exportDir, g.transferId), f.name));
          const fs0 = await scanGzip(path.join(floorDir(0), f.name));
          compared.push({ file: f.name, gateway: gs, floor: fs0, equal: gs.sha256 === fs0.sha256 });
        }
        const consentsScan = compared.find((c) => c.file.startsWith('consents'))!;
        g.rows.consentEvents = consentsScan.gateway.seqKeys;
        g.rows.total = g.rows.subjects + g.rows.consents + g.rows.consentEvents + g.rows.disclosures;
        g.rowsPerSec = g.rows.total / g.seconds;
        if (mi === 0) same = compared;
        const sameAsFloor = compared.every((c) => c.equal);
        modeRuns.push({ mode, run: g, parentPeakRssKb, sameAsFloor });
        ctx.log(`${size} (${mode}): gateway ${g.rows.total} rows in ${g.seconds.toFixed(1)} s = ${Math.round(g.rowsPerSec)} rows/s, peak RSS ${mb(g.peakRssKb)} MB (idle ${mb(g.startRssKb)} MB)${parentPeakRssKb === null ? '' : `, serving parent ${mb(parentPeakRssKb)} MB`}; files ${sameAsFloor ? 'decompress to the floor\'s bytes' : `DIFFER: ${compared.filter((c) => !c.equal).map((c) => c.file).join(', ')}`}`);
        fs.rmSync(exportPathOf(db.config.plugins.businessTransfer.exportDir, g.transferId), { recursive: true, force: true });
        // Each run's BUSINESS_TRANSFER disclosures go, so the next run exports exactly the same rows.
        await conn.query('DELETE FROM disclosures WHERE transaction_reference = ?', [transferReference(g.transferId)]);
      }
      const g = modeRuns[0]!.run;
      fs.rmSync(floorDir(0), { recursive: true, force: true });
      results.push({ subjects: size, modes: modeRuns, data, seedSeconds, watermarks, gateway: g, floors, outfile, same });
    }

    const report = buildReport(results, ctx, seedSeconds, chunkJob.concurrency ?? db.config.workers.concurrency, db.config.plugins.businessTransfer.chunkSize);
    // Flags beyond npm run work:export's make the figures scratch: they are not how users run it.
    const extraFlags = o.str('worker-flags').split(/\s+/).filter(Boolean);
    if (extraFlags.length > 0) {
      report.scratch = true;
      report.notes.push(`extra worker node flags: ${extraFlags.join(' ')} (scratch figures)`);
    }
    if (o.num('profile') > 0) {
      const file = newestProfile(profileDir);
      report.scratch = true;
      if (file) {
        const profile = summarizeProfile(file, 30);
        report.tables.push(...profileTables(`worker CPU profile (${path.relative(process.cwd(), file)}; covers start-up, every size and idle time)`, profile));
        report.figures.profile = profile;
        report.notes.push(`CPU profile of the worker: ${file}`);
      } else report.notes.push(`no CPU profile found in ${profileDir}`);
    }
    return report;
  } finally {
    await worker?.stop().catch(() => undefined);
    await conn?.end().catch(() => undefined);
    await gateway?.stop().catch(() => undefined);
    await db.drop();
    removeRoot();
    unregisterRoot();
  }
}

const exportPathOf = (exportDir: string, id: number) => path.resolve(exportDir, `transfer-${id}`);
const mb = (kb: number | null) => (kb === null ? '-' : (kb / 1024).toFixed(0));

async function scalar(conn: mysql.Connection, sql: string, params: unknown[] = []): Promise<number> {
  const [rows] = await conn.query(sql, params);
  return Number(Object.values((rows as Record<string, unknown>[])[0]!)[0]);
}

async function currentWatermarks(conn: mysql.Connection): Promise<Watermarks> {
  return {
    subjectMaxId: await scalar(conn, 'SELECT COALESCE(MAX(id), 0) FROM subjects'),
    consentEventMaxId: await scalar(conn, 'SELECT COALESCE(MAX(id), 0) FROM consent_events'),
    disclosureMaxId: await scalar(conn, 'SELECT COALESCE(MAX(id), 0) FROM disclosures'),
  };
}

async function transferWatermarks(conn: mysql.Connection, id: number): Promise<Watermarks> {
  const [rows] = await conn.query('SELECT subject_max_id AS s, consent_event_max_id AS c, disclosure_max_id AS d FROM business_transfers WHERE id = ?', [id]);
  const r = (rows as { s: number; c: number; d: number }[])[0]!;
  return { subjectMaxId: Number(r.s), consentEventMaxId: Number(r.c), disclosureMaxId: Number(r.d) };
}

// ---------------------------------------------------------------------------------------------
// The gateway: start, plan job, chunk jobs, assembly, in the worker process

async function runGateway(
  gateway: Gateway, conn: mysql.Connection, worker: CliWorker, acquirerId: number, dbPid: number | null, ourPids: number[], timeoutS: number, ctx: BenchContext, size: number,
): Promise<GatewayRun> {
  // The process that runs the export jobs (for `start`, its child); the serving parent's peak is reset too.
  const pid = worker.exportPid;
  if (pid !== worker.pid) resetPeakRss(worker.pid);
  const resettable = resetPeakRss(pid);
  const startRssKb = resettable ? peakRssKb(pid) : null;
  const procTicks0 = processTicks(pid);
  const dbTicks0 = dbPid === null ? 0 : processTicks(dbPid);
  const { result, otherCpuPct } = await cpuOfOthers(ourPids, () =>
    runTransferToCompletion(gateway, conn, worker, {
      actor: ACTOR, dealName: `bench export ${size}`, phase: TransferPhase.CLOSING, acquirerId, timeoutS,
      progress: (p) => ctx.log(`${size}: gateway ${p.done}/${p.total} subjects, ${p.chunksDone}/${p.chunksTotal ?? '?'} chunks, ${p.seconds.toFixed(0)} s`),
    }),
  );
  const procCpuMs = ((processTicks(pid) - procTicks0) * 1000) / TICKS_PER_SECOND;
  const dbCpuMs = dbPid === null ? 0 : ((processTicks(dbPid) - dbTicks0) * 1000) / TICKS_PER_SECOND;
  const peak = peakRssKb(pid);

  const [rows] = await conn.query(
    `SELECT t.manifest, t.started_at AS startedAt, t.planned_at AS plannedAt, t.finished_at AS finishedAt, t.chunks_total AS chunks,
            (SELECT MAX(c.completed_at) FROM business_transfer_chunks c WHERE c.transfer_id = t.id) AS lastChunkAt
       FROM business_transfers t WHERE t.id = ?`,
    [result.transferId],
  );
  const r = (rows as { manifest: string; startedAt: Date; plannedAt: Date; finishedAt: Date; chunks: number; lastChunkAt: Date }[])[0]!;
  const manifest = JSON.parse(r.manifest) as Manifest;
  const fileRows = (prefix: string) => manifest.files.find((f) => f.name.startsWith(prefix))?.rows ?? 0;
  const counts: RowCounts = { subjects: fileRows('subjects'), consents: fileRows('consents'), consentEvents: 0, disclosures: fileRows('disclosures'), total: 0 };
  counts.total = counts.subjects + counts.consents + counts.disclosures;
  const ms = (a: Date, b: Date) => (new Date(b).getTime() - new Date(a).getTime()) / 1000;
  return {
    transferId: result.transferId,
    seconds: result.seconds,
    rows: counts,
    rowsPerSec: counts.total / result.seconds,
    gzBytes: manifest.files.reduce((s, f) => s + f.bytes, 0),
    peakRssKb: peak,
    startRssKb,
    procCpuMs,
    dbCpuMs,
    otherCpuPct,
    phases: {
      planS: ms(r.startedAt, r.plannedAt),
      chunksS: ms(r.plannedAt, r.lastChunkAt),
      assembleS: ms(r.lastChunkAt, r.finishedAt),
      chunks: Number(r.chunks),
      statusS: ms(r.startedAt, r.finishedAt),
    },
    manifest,
  };
}

// ---------------------------------------------------------------------------------------------
// The floor, in its own process

async function runFloorChild(input: FloorInput, dbPid: number | null, ourPids: (pid: number) => number[]): Promise<Omit<FloorRun, 'round' | 'when'>> {
  const script = path.join(__dirname, 'export', 'floor.js');
  const child: ChildProcess = fork(script, [JSON.stringify(input)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const unregister = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const dbTicks0 = dbPid === null ? 0 : processTicks(dbPid);
  let lastTicks = 0;
  // The child's CPU is read while it runs (its /proc entry goes when it exits).
  const sampler = setInterval(() => {
    lastTicks = Math.max(lastTicks, processTicks(child.pid!));
  }, 100);
  try {
    const { result: out, otherCpuPct } = await cpuOfOthers(ourPids(child.pid!), () =>
      new Promise<FloorOutput>((resolve, reject) => {
        child.once('message', (raw) => {
          const msg = raw as { ok: boolean; output?: FloorOutput; error?: string };
          lastTicks = Math.max(lastTicks, processTicks(child.pid!));
          if (msg.ok) resolve(msg.output!);
          else reject(new Error(`floor failed: ${msg.error}`));
        });
        child.once('exit', (code) => reject(new Error(`floor exited with ${code}`)));
      }),
    );
    const dbCpuMs = dbPid === null ? 0 : ((processTicks(dbPid) - dbTicks0) * 1000) / TICKS_PER_SECOND;
    const file = (prefix: string) => out.files.find((f) => f.name.startsWith(prefix))!;
    const rows: RowCounts = { subjects: file('subjects').rows, consents: file('consents').rows, consentEvents: out.consentEvents, disclosures: file('disclosures').rows, total: 0 };
    rows.total = rows.subjects + rows.consents + rows.consentEvents + rows.disclosures;
    return {
      seconds: out.seconds,
      rows,
      rowsPerSec: rows.total / out.seconds,
      gzBytes: out.files.reduce((s, f) => s + f.bytes, 0),
      peakRssKb: out.peakRssKb,
      procCpuMs: (lastTicks * 1000) / TICKS_PER_SECOND,
      dbCpuMs,
      otherCpuPct,
      fileSeconds: Object.fromEntries(out.files.map((f) => [f.name, round(f.seconds, 2)])),
    };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    unregister();
  }
}

// ---------------------------------------------------------------------------------------------
// SELECT ... INTO OUTFILE: the server reading the same rows and writing them as plain TSV

interface OutfileRun {
  seconds: number;
  /** Result rows of the three SELECTs (the consents one has a row per consent event). */
  resultRows: number;
  bytes: number;
  dbCpuMs: number;
  secureFilePriv: string | null;
}

async function runOutfile(config: Gateway['config'], dir: string, w: Watermarks, dbPid: number | null): Promise<OutfileRun> {
  // The server writes as its own user: the folder (and the way to it) must let it in.
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(path.dirname(dir), 0o711);
  fs.chmodSync(dir, 0o777);
  const conns = await Promise.all([0, 1, 2].map(() => mysqlConnection(config)));
  try {
    const [priv] = await conns[0]!.query('SELECT @@secure_file_priv AS p');
    const secureFilePriv = (priv as { p: string | null }[])[0]!.p;
    const dbTicks0 = dbPid === null ? 0 : processTicks(dbPid);
    const t0 = performance.now();
    const affected = await Promise.all([
      conns[0]!.query(`${FLOOR_SQL.subjects} INTO OUTFILE '${path.join(dir, 'subjects.tsv')}'`, [w.subjectMaxId]),
      conns[1]!.query(`${FLOOR_SQL.consents} INTO OUTFILE '${path.join(dir, 'consents.tsv')}'`, [w.consentEventMaxId, w.subjectMaxId]),
      conns[2]!.query(`${FLOOR_SQL.disclosures} INTO OUTFILE '${path.join(dir, 'disclosures.tsv')}'`, [w.subjectMaxId, w.disclosureMaxId]),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    const dbCpuMs = dbPid === null ? 0 : ((processTicks(dbPid) - dbTicks0) * 1000) / TICKS_PER_SECOND;
    const resultRows = affected.reduce((s, [r]) => s + Number((r as { affectedRows?: number }).affectedRows ?? 0), 0);
    const bytes = fs.readdirSync(dir).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    return { seconds, resultRows, bytes, dbCpuMs, secureFilePriv };
  } finally {
    await Promise.all(conns.map((c) => c.end().catch(() => undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The worker process: exactly what an operator runs


// ---------------------------------------------------------------------------------------------
// Report

function buildReport(results: SizeResult[], ctx: BenchContext, seedSeconds: number, concurrency: number, chunkSize: number): BenchReport {
  const bestFloor = (r: SizeResult) => r.floors.reduce((a, b) => (b.rowsPerSec > a.rowsPerSec ? b : a));
  const rows: Record<string, Cell>[] = [];
  for (const r of results) {
    const floor = bestFloor(r);
    for (const { mode, run: g, sameAsFloor, parentPeakRssKb } of r.modes)
      rows.push({
        size: r.subjects, variant: `gateway (${mode})`, rows: g.rows.total, seconds: round(g.seconds, 1), rowsPerSec: Math.round(g.rowsPerSec), ratio: (g.rowsPerSec / floor.rowsPerSec).toFixed(2),
        peak: round((g.peakRssKb ?? NaN) / 1024, 0), parent: parentPeakRssKb === null ? null : round(parentPeakRssKb / 1024, 0), cpu: round(g.procCpuMs / 1000, 1), db: round(g.dbCpuMs / 1000, 1), gz: round(g.gzBytes / 1048576, 1), other: round(g.otherCpuPct, 0),
        same: sameAsFloor ? 'yes' : 'NO',
      });
    for (const f of r.floors)
      rows.push({
        size: r.subjects, variant: `floor ${f.when}${f === floor ? ' *' : ''}`, rows: f.rows.total, seconds: round(f.seconds, 1), rowsPerSec: Math.round(f.rowsPerSec), ratio: (f.rowsPerSec / floor.rowsPerSec).toFixed(2),
        peak: round((f.peakRssKb ?? NaN) / 1024, 0), cpu: round(f.procCpuMs / 1000, 1), db: round(f.dbCpuMs / 1000, 1), gz: round(f.gzBytes / 1048576, 1), other: round(f.otherCpuPct, 0),
        same: f.round === 0 ? (r.same.every((s) => s.equal) ? 'yes' : 'NO') : null,
      });
    if (r.outfile) {
      // The same logical rows, read and written by the server alone (plain TSV, consents one row per event).
      const perSec = floor.rows.total / r.outfile.seconds;
      rows.push({
        size: r.subjects, variant: 'INTO OUTFILE (ref)', rows: floor.rows.total, seconds: round(r.outfile.seconds, 1), rowsPerSec: Math.round(perSec), ratio: (perSec / floor.rowsPerSec).toFixed(2),
        peak: null, cpu: null, db: round(r.outfile.dbCpuMs / 1000, 1), gz: null, other: null, same: null,
      });
    }
  }
  const phaseRows = results.map((r) => ({
    size: r.subjects,
    subjects: r.gateway.rows.subjects,
    consents: r.gateway.rows.consents,
    events: r.gateway.rows.consentEvents,
    disclosures: r.gateway.rows.disclosures,
    chunks: r.gateway.phases.chunks,
    plan: round(r.gateway.phases.planS, 2),
    chunksS: round(r.gateway.phases.chunksS, 1),
    assemble: round(r.gateway.phases.assembleS, 1),
    rowsPerCpuS: Math.round(r.gateway.rows.total / (r.gateway.procCpuMs / 1000)),
    floorRowsPerCpuS: Math.round(bestFloor(r).rows.total / (bestFloor(r).procCpuMs / 1000)),
  }));

  const targets: Target[] = [];
  const modes = results[0]?.modes.map((m) => m.mode) ?? [];
  for (const mode of modes) {
    const runOf = (r: SizeResult) => r.modes.find((m) => m.mode === mode)!.run;
    for (const r of results) {
      const f = bestFloor(r);
      const g = runOf(r);
      const ratio = g.rowsPerSec / f.rowsPerSec;
      targets.push(measuredTarget(`${mode}: gateway ≥ 0.5× the floor's rows/s at ${r.subjects} subjects`, { value: round(ratio, 3), atLeast: 0.5 }, `${Math.round(g.rowsPerSec)} vs ${Math.round(f.rowsPerSec)} rows/s = ${ratio.toFixed(2)}×`));
    }
    const peaks = results.map((r) => runOf(r).peakRssKb);
    if (peaks.every((p): p is number => p !== null)) {
      const max = Math.max(...peaks);
      const min = Math.min(...peaks);
      targets.push(measuredTarget(`${mode}: export process peak RSS ≤ 256 MB at every size`, { value: round(max / 1024, 0), atMost: 256 }, results.map((r) => `${mb(runOf(r).peakRssKb)} MB at ${r.subjects}`).join(', ')));
      targets.push(measuredTarget(`${mode}: export process peak RSS about the same at every size (within 20%)`, { value: round(max / min, 3), atMost: 1.2 }, `largest/smallest = ${(max / min).toFixed(2)} (${results.map((r) => `${mb(runOf(r).peakRssKb)}`).join(' / ')} MB)`));
    } else targets.push({ name: `${mode}: export process peak RSS`, status: 'SKIP', detail: 'VmHWM could not be read or reset' });
  }
  const allSame = results.every((r) => r.same.every((s) => s.equal) && r.modes.every((m) => m.sameAsFloor));
  targets.push({
    name: 'check: the gateway\'s files and the floor\'s decompress to the same bytes',
    status: allSame ? 'PASS' : 'FAIL',
    detail: allSame ? `${results.length * 3} files compared by SHA-256` : results.flatMap((r) => r.same.filter((s) => !s.equal).map((s) => `${r.subjects}: ${s.file} (${s.gateway.lines} vs ${s.floor.lines} lines)`)).join('; '),
  });

  const o = ctx.options;
  const notes = [
    `data: ${results.map((r) => `${r.subjects} subjects: ${JSON.stringify(r.data)}`).join('; ')}; seeded in ${seedSeconds.toFixed(1)} s (seedDemoData for ${Math.min(o.num('base'), results[0]!.subjects)} subjects, then server-side copies with shifted ids; PARTNER disclosures have no subject and are not exported)`,
    `gateway: startBusinessTransfer (scope: statuses ACTIVE, CLOSING, NDJSON, unencrypted) + plan job, run by the worker started as each npm script starts it (package.json): work:export = \`node ${EXPORT_WORKER_NODE_FLAGS.join(' ')} dist/src/cli.js work --queues business-transfer,access\`; work = \`node ${WORKER_NODE_FLAGS.join(' ')} dist/src/cli.js work\` (every queue); start = \`node --max-semi-space-size=128 dist/src/cli.js start\` (serving; the export queues run in its child process with the export flags, whose RSS is the peak shown; the serving parent's beside it) (${concurrency} chunk jobs at once, the chunk job's own concurrency, whatever WORKER_CONCURRENCY says; chunk size ${chunkSize}); seconds from the start to status COMPLETED (polled every 50 ms); rows = subjects + consents + disclosures from the manifest + consent events counted in the consents file's histories`,
    'floor: bench/export/floor.ts in a child process, plain mysql2: three streamed SELECTs (subjects; consents LEFT JOIN consent_events; disclosures JOIN recipients with GROUP_CONCAT of categories) on three connections at once, ordered by subject id (index order), NDJSON with the gateway\'s keys, gzip level 6; the same snapshot (max ids) as the gateway; "*" marks the faster run, the one compared',
    `peak RSS: VmHWM of the process that runs the export jobs, reset (clear_refs) before each export, so it is that export's peak; the floor's is its own process's VmHWM; idle worker RSS after reset ${results.map((r) => `${mb(r.gateway.startRssKb)} MB`).join(' / ')}`,
    'CPU s: user+system CPU of the process (worker or floor) and of mariadbd during the run; other %: CPU used by everything else, in % of one CPU (noise)',
    results[0]?.outfile
      ? `INTO OUTFILE (ref): the floor's three SELECTs run by the server into plain TSV files (secure_file_priv ${results[0].outfile.secureFilePriv ? `'${results[0].outfile.secureFilePriv}'` : 'unset: no folder restriction'}), all three at once; ${results.map((r) => `${r.outfile!.resultRows} result rows, ${round(r.outfile!.bytes / 1048576, 0)} MB at ${r.subjects}`).join('; ')}. It cannot gzip nor nest the consent history (one TSV row per consent event), so it is a reference for the database's share, not the floor`
      : 'INTO OUTFILE not run (--outfile 0)',
  ];
  return {
    tables: [
      {
        title: `export: CLOSING export, rows (subjects + consents + consent events + disclosures) per second, ${o.num('consents')} consents and ${o.num('disclosures')} disclosures per subject`,
        columns: [
          { key: 'size', title: 'subjects' },
          { key: 'variant', title: 'variant', align: 'left' },
          { key: 'rows', title: 'rows' },
          { key: 'seconds', title: 's' },
          { key: 'rowsPerSec', title: 'rows/s' },
          { key: 'ratio', title: '×floor' },
          { key: 'peak', title: 'peak RSS MB' },
          { key: 'parent', title: 'serving parent MB' },
          { key: 'cpu', title: 'proc CPU s' },
          { key: 'db', title: 'DB CPU s' },
          { key: 'gz', title: 'gz MB' },
          { key: 'other', title: 'other CPU %' },
          { key: 'same', title: 'same bytes' },
        ],
        rows,
      },
      {
        title: 'gateway: rows written and where the wall time went (from the transfer and chunk rows)',
        columns: [
          { key: 'size', title: 'subjects' },
          { key: 'subjects', title: 'subject rows' },
          { key: 'consents', title: 'consents' },
          { key: 'events', title: 'consent events' },
          { key: 'disclosures', title: 'disclosures' },
          { key: 'chunks', title: 'chunks' },
          { key: 'plan', title: 'plan s' },
          { key: 'chunksS', title: 'chunk jobs s' },
          { key: 'assemble', title: 'assemble s' },
          { key: 'rowsPerCpuS', title: 'rows/CPU-s worker' },
          { key: 'floorRowsPerCpuS', title: 'rows/CPU-s floor' },
        ],
        rows: phaseRows,
      },
    ],
    targets,
    notes,
    figures: {
      results: results.map((r) => ({ ...r, gateway: { ...r.gateway, manifest: { ...r.gateway.manifest, files: r.gateway.manifest.files } } })),
      chunkJobsAtOnce: concurrency,
      chunkSize,
      seedSeconds: round(seedSeconds, 1),
      memory: { method: 'VmHWM of /proc/<pid>/status, reset by writing 5 to /proc/<pid>/clear_refs before each size' },
    },
  };
}
