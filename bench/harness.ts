import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import IORedis from 'ioredis';
import mysql from 'mysql2/promise';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { Gateway } from '../src/gateway';
import { onCleanup } from './cleanup';

export { onCleanup, runCleanups } from './cleanup';

/**
 * The shared machinery of the benchmarks: options, the throwaway database, the MySQL status
 * counter, a closed-loop load generator, statistics, the printed table and the JSON results.
 * A benchmark (bench/<name>.bench.ts) only describes its workload and its variants.
 */

// ---------------------------------------------------------------------------------------------
// Options

export interface OptionSpec {
  default: number | string;
  /** The value under --tiny (CI's "does it still run" size); the default when absent. */
  tiny?: number | string;
  help: string;
}

export type Size = 'default' | 'tiny' | 'custom';

export class BenchOptions {
  constructor(
    private readonly values: Record<string, number | string>,
    readonly size: Size,
  ) {}

  num(name: string): number {
    const v = this.values[name];
    if (typeof v !== 'number') throw new Error(`option --${name} is not a number`);
    return v;
  }

  str(name: string): string {
    return String(this.values[name]);
  }

  /** A comma-separated list of numbers, e.g. --clients 1,8. */
  nums(name: string): number[] {
    return this.str(name).split(',').map((s) => Number(s.trim()));
  }

  /** A comma-separated list of words, e.g. --variants floor,gateway. */
  words(name: string): string[] {
    return this.str(name).split(',').map((s) => s.trim()).filter(Boolean);
  }

  all(): Record<string, number | string> {
    return { ...this.values };
  }

  static help(specs: Record<string, OptionSpec>): string {
    return Object.entries(specs)
      .map(([k, s]) => `  --${k.padEnd(16)} ${s.help} (default ${s.default}${s.tiny !== undefined ? `, --tiny ${s.tiny}` : ''})`)
      .join('\n');
  }

  /** Picks the size's values, then applies the flags given; a number option must get a number. */
  static resolve(specs: Record<string, OptionSpec>, flags: Map<string, string>, tiny: boolean): BenchOptions {
    const values: Record<string, number | string> = {};
    let custom = false;
    for (const [name, spec] of Object.entries(specs)) {
      values[name] = tiny && spec.tiny !== undefined ? spec.tiny : spec.default;
      const given = flags.get(name);
      if (given === undefined) continue;
      custom = true;
      if (typeof spec.default === 'number') {
        const n = Number(given);
        if (!Number.isFinite(n) || given.trim() === '') throw new Error(`--${name} must be a number, got "${given}"`);
        values[name] = n;
      } else values[name] = given;
    }
    // A --tiny run stays a smoke run even with other flags: its figures are not for comparing.
    return new BenchOptions(values, tiny ? 'tiny' : custom ? 'custom' : 'default');
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmark contract

export interface Column {
  key: string;
  title: string;
  align?: 'left' | 'right';
}

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

/** A target is reported, never asserted: benchmarks inform, tests decide. */
export interface Target {
  name: string;
  status: 'PASS' | 'FAIL' | 'SKIP';
  detail: string;
  /** The figure the target is about and its bound, so that several runs are judged on their median. */
  measure?: Measure;
}

export interface Measure {
  value: number;
  atLeast?: number;
  atMost?: number;
}

/** A target on one figure: PASS when the figure is within its bound. */
export function measuredTarget(name: string, measure: Measure, detail: string): Target {
  return { name, status: withinBound(measure.value, measure) ? 'PASS' : 'FAIL', detail, measure };
}

function withinBound(value: number, m: Measure): boolean {
  return (m.atLeast === undefined || value >= m.atLeast) && (m.atMost === undefined || value <= m.atMost);
}

/** How far a figure is inside its bound, as a share of the bound (negative: outside). */
export function marginOf(value: number, m: Measure): number {
  const margins: number[] = [];
  if (m.atLeast !== undefined) margins.push((value - m.atLeast) / Math.abs(m.atLeast || 1));
  if (m.atMost !== undefined) margins.push((m.atMost - value) / Math.abs(m.atMost || 1));
  return Math.min(...margins);
}

/** One target over several runs of a benchmark. */
export interface TargetSummary {
  name: string;
  /** On the median of the figure when it has one; otherwise PASS only when every run that judged it passed. */
  status: 'PASS' | 'FAIL' | 'SKIP';
  runs: ('PASS' | 'FAIL' | 'SKIP')[];
  values?: number[];
  median?: number;
  /** (max − min) / median of the figure over the runs, in %. */
  spreadPct?: number;
  /** How far the median is inside its bound, in % of the bound; below 10 is a thin margin. */
  marginPct?: number;
  atLeast?: number;
  atMost?: number;
}

/** Judges each target over the runs: on the median of its figure, never on one lucky run. */
export function summarizeTargets(runs: Target[][]): TargetSummary[] {
  const names = [...new Set(runs.flatMap((r) => r.map((t) => t.name)))];
  return names.map((name) => {
    const of = runs.map((r) => r.find((t) => t.name === name));
    const statuses = of.map((t) => t?.status ?? 'SKIP');
    const measured = of.filter((t): t is Target & { measure: Measure } => t?.measure !== undefined);
    if (measured.length === 0) {
      // A check without a figure (same data, constant statements) is not noise: one failed run fails it.
      const judged = statuses.filter((s) => s !== 'SKIP');
      return { name, runs: statuses, status: judged.length === 0 ? 'SKIP' : judged.every((s) => s === 'PASS') ? 'PASS' : 'FAIL' };
    }
    const values = measured.map((t) => t.measure.value);
    const bound = measured[0]!.measure;
    const sorted = [...values].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    // The true median (an even count averages its middle two): no bias toward either bound.
    const med = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    const spreadPct = med === 0 ? 0 : ((Math.max(...values) - Math.min(...values)) / Math.abs(med)) * 100;
    return {
      name,
      runs: statuses,
      status: withinBound(med, bound) ? 'PASS' : 'FAIL',
      values,
      median: Number(med.toFixed(4)),
      spreadPct: Number(spreadPct.toFixed(1)),
      marginPct: Number((marginOf(med, bound) * 100).toFixed(1)),
      atLeast: bound.atLeast,
      atMost: bound.atMost,
    };
  });
}

export function formatTargetSummary(summaries: TargetSummary[]): string {
  return summaries
    .map((s) => {
      const figures = s.median === undefined
        ? `runs ${s.runs.join('/')}`
        : `median ${s.median} of ${s.values!.join(', ')} (spread ${s.spreadPct}%), bound ${s.atLeast !== undefined ? `≥ ${s.atLeast}` : ''}${s.atMost !== undefined ? `≤ ${s.atMost}` : ''}, margin ${s.marginPct}%${s.marginPct! >= 0 && s.marginPct! < 10 ? ' (thin)' : ''}`;
      return `${s.status}  ${s.name}: ${figures}`;
    })
    .join('\n');
}

/** The 1-minute load average, sampled while a benchmark runs (noise from outside shows here). */
export function sampleLoadAverage(everyMs = 5000): { stop(): { samples: number; mean: number; max: number } } {
  const samples: number[] = [os.loadavg()[0]!];
  const timer = setInterval(() => samples.push(os.loadavg()[0]!), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(os.loadavg()[0]!);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return { samples: samples.length, mean: Number(mean.toFixed(2)), max: Number(Math.max(...samples).toFixed(2)) };
    },
  };
}

export interface BenchReport {
  tables: Table[];
  targets: Target[];
  notes: string[];
  /** Everything a later run needs to compare against (raw rounds, settings, methods). */
  figures: Record<string, unknown>;
  /** Figures distorted on purpose (profiler, experimental flags): written as a tmp- file. */
  scratch?: boolean;
}

export interface BenchContext {
  options: BenchOptions;
  log(line: string): void;
}

export interface BenchmarkDef {
  name: string;
  description: string;
  options: Record<string, OptionSpec>;
  run(ctx: BenchContext): Promise<BenchReport>;
}

// ---------------------------------------------------------------------------------------------
// The throwaway database (and Redis prefix) of one benchmark

export interface BenchDatabase {
  /** Environment for loadConfig, also handed to child servers so they use the same settings. */
  env: NodeJS.ProcessEnv;
  config: Config;
  /** Drops the database and the Redis keys; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates `drg_bench_<name>_<pid>` with the gateway's migrations. NODE_ENV=production because
 * that is how users run it (the secret is random, as production requires one).
 */
export async function createBenchDatabase(name: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchDatabase> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    // Production refuses plain-http unsubscribe links; the bench sends no mail.
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'https://gateway.bench.invalid',
    HOST: '127.0.0.1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    MYSQL_DATABASE: `drg_bench_${name.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}`,
    QUEUE_PREFIX: `drg_bench_${process.pid}`,
    ...extraEnv,
  };
  const config = loadProductionConfig(env);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await dropDatabase(config);
    await deleteRedisPrefix(config);
  };
  const unregister = onCleanup(drop);
  try {
    const gateway = await Gateway.open(config, {}, () => undefined);
    try {
      await gateway.migrate();
    } finally {
      await gateway.stop();
    }
  } catch (err) {
    unregister();
    await drop();
    throw err;
  }
  return {
    env,
    config,
    async drop() {
      unregister();
      await drop();
    },
  };
}

/**
 * loadConfig for NODE_ENV=production, giving a random value to every secret that production
 * insists on ("X must be set in production"), so new secrets in src/config.ts need no change
 * here. Fills `env` in place: child servers get the same values.
 */
function loadProductionConfig(env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const missing = err.problems.map((p) => /^([A-Z][A-Z0-9_]*) must be set in production$/.exec(p)?.[1]).filter((k): k is string => k !== undefined);
    if (missing.length === 0 || missing.length < err.problems.length) throw err;
    for (const key of missing) env[key] = randomBytes(32).toString('hex');
    return loadConfig(env);
  }
}

export async function dropDatabase(config: Config): Promise<void> {
  const conn = await mysqlConnection(config, false);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${config.mysql.database}\``);
  } finally {
    await conn.end();
  }
}

/** Deletes the benchmark's BullMQ keys (the read path writes none; later benchmarks will). */
async function deleteRedisPrefix(config: Config): Promise<void> {
  const redis = new IORedis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function mysqlConnection(config: Config, withDatabase = true, options: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: config.mysql.host,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    database: withDatabase ? config.mysql.database : undefined,
    ...options,
  });
}

// ---------------------------------------------------------------------------------------------
// MySQL's statement counter

/**
 * Reads `Questions` (statements the server executed, for every connection). Other
 * connections on the server add noise, so the benchmarks also report the app's own count.
 * The SHOW statement itself counts; `overhead` is measured and subtracted.
 */
export class QuestionsCounter {
  overhead = 0;
  private constructor(private readonly conn: mysql.Connection) {}

  static async open(config: Config): Promise<QuestionsCounter> {
    const counter = new QuestionsCounter(await mysqlConnection(config, false));
    const a = await counter.raw();
    await counter.raw();
    const c = await counter.raw();
    counter.overhead = (c - a) / 2;
    return counter;
  }

  private async raw(): Promise<number> {
    const [rows] = await this.conn.query<mysql.RowDataPacket[]>(`SHOW GLOBAL STATUS LIKE 'Questions'`);
    return Number(rows[0]?.Value);
  }

  /** Starts a measurement; the returned function gives the statements executed since. */
  async start(): Promise<() => Promise<number>> {
    const before = await this.raw();
    return async () => (await this.raw()) - before - this.overhead;
  }

  async version(): Promise<string> {
    const [rows] = await this.conn.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    return String(rows[0]?.v);
  }

  async close(): Promise<void> {
    await this.conn.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Load

export interface LoadResult {
  ops: number;
  elapsedMs: number;
  opsPerSec: number;
  /** Per-operation latency in milliseconds, in completion order. */
  latenciesMs: number[];
  nextIndex: number;
}

/**
 * A closed loop: `concurrency` clients each send the next operation as soon as their last one
 * answered, until `durationMs` has passed; operations in flight at the deadline are finished
 * and counted. `op(i)` gets a shared, increasing index so that every variant sees the same
 * sequence of operations. The first failure stops the loop and is thrown.
 */
export async function closedLoop(opts: { concurrency: number; durationMs: number; startIndex: number; op: (i: number) => Promise<void> }): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = opts.startIndex;
  let failure: unknown = null;
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const client = async () => {
    while (failure === null && performance.now() < deadline) {
      const i = next++;
      const start = performance.now();
      try {
        await opts.op(i);
      } catch (err) {
        failure ??= err;
        return;
      }
      latenciesMs.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  if (failure !== null) throw failure;
  const elapsedMs = performance.now() - t0;
  return { ops: latenciesMs.length, elapsedMs, opsPerSec: (latenciesMs.length * 1000) / elapsedMs, latenciesMs, nextIndex: next };
}

// ---------------------------------------------------------------------------------------------
// Statistics

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (no interpolation: a reported p99 is a latency that happened). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Half the spread of the rounds, relative to their median: a quick read of how stable a figure is. */
export function spread(values: number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / 2 / median(values);
}

export const round = (n: number, digits = 1): number => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

// ---------------------------------------------------------------------------------------------
// Memory of a child process

/** Peak resident set size (kB) since start or the last reset, from the kernel. */
export function peakRssKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resets the peak to the current RSS (Linux ≥ 4.0, needs the right to write clear_refs). */
export function resetPeakRss(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

export function formatTable(table: Table): string {
  const cell = (v: Cell) => (v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '-' : String(v));
  const widths = table.columns.map((c) => Math.max(c.title.length, ...table.rows.map((r) => cell(r[c.key] ?? null).length)));
  const line = (values: string[]) =>
    values.map((v, i) => (table.columns[i]!.align === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [
    table.title,
    line(table.columns.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...table.rows.map((r) => line(table.columns.map((c) => cell(r[c.key] ?? null)))),
  ].join('\n');
}

export function formatTargets(targets: Target[]): string {
  return targets.map((t) => `${t.status}  ${t.name}: ${t.detail}`).join('\n');
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryMb: number;
  os: string;
  node: string;
  mariadb: string;
}

export function machineInfo(mariadbVersion: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    mariadb: mariadbVersion,
  };
}

/** The repository root: the nearest folder up from here with a package.json (works from dist/ and from bench/). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const RESULTS_DIR = path.join(repoRoot(), 'bench', 'results');

/**
 * Writes bench/results/<name>-<timestamp>.json. Runs at --tiny size are CI smoke runs, and
 * scratch runs (profiled, experimental flags) are distorted; neither is a figure to compare,
 * so they go to tmp-<name>-<size>-<timestamp>.json, which git ignores.
 */
export function writeResults(name: string, size: Size, payload: Record<string, unknown>, scratch = false): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  // ISO 8601 basic time (no colons) so the name is valid on every file system.
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(RESULTS_DIR, size === 'tiny' || scratch ? `tmp-${name}-${size}-${stamp}.json` : `${name}-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(payload, null, 2)}\n`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// CPU used by everything else on the machine (noise on a small box)

/** user+system CPU ticks (1/100 s) of a process, or 0 when it is gone. */
export function processTicks(pid: number): number {
  try {
    // Fields after the command name (which may contain spaces): utime is the 12th, stime the 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Busy ticks of all CPUs (everything but idle and iowait). */
function machineBusyTicks(): number {
  try {
    const [, ...v] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal
    return v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + (v[7] ?? 0);
  } catch {
    return NaN;
  }
}

/** The MariaDB/MySQL server's pid when it runs on this machine (its CPU is part of the benchmark). */
export function findDatabasePid(): number | null {
  return findServerPid('mariadbd', 'mysqld');
}

/** The Redis server's pid when it runs on this machine. */
export function findRedisPid(): number | null {
  return findServerPid('redis-server');
}

function findServerPid(...names: string[]): number | null {
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        if (names.includes(comm)) return Number(entry);
      } catch {
        /* the process ended while we looked */
      }
    }
  } catch {
    /* no /proc: not Linux */
  }
  return null;
}

export const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

/**
 * Measures how much CPU the rest of the machine used during a stretch of time, in percent of
 * one CPU: the whole machine's busy time minus that of our own processes (this one, the
 * servers, and the database server). High values mean the figures are noisy.
 */
export async function cpuOfOthers<T>(ourPids: number[], fn: () => Promise<T>): Promise<{ result: T; otherCpuPct: number }> {
  const pids = [process.pid, ...ourPids];
  const ours = () => pids.reduce((s, p) => s + processTicks(p), 0);
  const busy0 = machineBusyTicks();
  const ours0 = ours();
  const t0 = performance.now();
  const result = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const other = machineBusyTicks() - busy0 - (ours() - ours0);
  return { result, otherCpuPct: Math.max(0, (100 * other) / TICKS_PER_SECOND / seconds) };
}

export interface CliWorker {
  pid: number;
  /** The process that runs the export jobs: the worker itself, or the child `start` runs them in. */
  exportPid: number;
  /** SIGKILL, for work that must not be waited for. */
  kill(): void;
  alive(): boolean;
  /** SIGTERM (SIGKILL after 15 s), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * `node dist/src/cli.js work --queues <queues>`, exactly as an operator runs it, in a child
 * process whose RSS and CPU are its own. Resolves once it reports its workers started.
 */
export async function startCliWorker(env: NodeJS.ProcessEnv, queues: string[], execArgv: string[] = []): Promise<CliWorker> {
  return startCliProcess(env, ['work', '--queues', queues.join(',')], execArgv, /"workers started"/);
}

/** How an operator can run the export worker (issue 23: its memory is bounded in each). */
export const WORKER_MODES = ['work:export', 'work', 'start'] as const;
export type WorkerMode = (typeof WORKER_MODES)[number];

/**
 * The worker as the named npm script starts it: `npm run work:export` (the export flags, the
 * export queues), `npm run work` (the worker flags, every queue), or
 * `npm start` (the serve flags; it runs the export queues in a child process with the export
 * flags, whose pid is `exportPid`). `start` serves HTTP on a free port and seeds no demo data.
 */
export async function startWorkerAs(mode: WorkerMode, env: NodeJS.ProcessEnv): Promise<CliWorker> {
  const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).scripts as Record<string, string>;
  const script = scripts[mode === 'start' ? 'start' : mode];
  if (!script) throw new Error(`package.json has no ${mode} script`);
  // The node flags and the CLI arguments exactly as the script has them.
  const words = script.split(/\s+/);
  const cliAt = words.findIndex((w) => w.endsWith('cli.js'));
  const execArgv = words.slice(1, cliAt);
  const args = words.slice(cliAt + 1);
  if (mode !== 'start') return startCliProcess(env, args, execArgv, /"workers started"/);
  const port = await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
  return startCliProcess({ ...env, PORT: String(port), HOST: '127.0.0.1', DEMO_SUBJECTS: '0' }, args, execArgv, /"serving"/, /"export worker process started"/);
}

/**
 * Runs the built CLI with the given node flags and arguments in a child process, resolves once
 * stdout shows `ready` (and `exportChild`, whose JSON line names the export child's pid).
 */
async function startCliProcess(env: NodeJS.ProcessEnv, args: string[], execArgv: string[], ready: RegExp, exportChild?: RegExp): Promise<CliWorker> {
  const cli = path.join(__dirname, '..', 'src', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [...execArgv, cli, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const unregister = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exportPid = child.pid!;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start within 60 s`)), 60_000);
    let buffer = '';
    let isReady = false;
    let childSeen = !exportChild;
    // Read every line (a full pipe would stall the worker); show only failures.
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (ready.test(line)) isReady = true;
        if (exportChild?.test(line)) {
          exportPid = (JSON.parse(line) as { pid: number }).pid;
          childSeen = true;
        } else if (line.includes('"job failed"') || line.includes('"level":"error"') || line.includes('"level":50')) process.stderr.write(`worker: ${line.slice(0, 2000)}\n`);
        if (isReady && childSeen) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code}`));
    });
  });
  return {
    pid: child.pid!,
    exportPid,
    kill: () => void child.kill('SIGKILL'),
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      unregister();
    },
  };
}
