import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config';
import {
  BenchOptions, formatTable, formatTargets, formatTargetSummary, machineInfo, mysqlConnection, runCleanups, sampleLoadAverage, summarizeTargets, writeResults,
  type BenchmarkDef, type BenchReport,
} from './harness';

/**
 * node dist/bench/run.js [name ...] [--tiny] [--runs N] [--<option> <value> ...]
 *
 * Runs the named benchmarks (all when none is named) N times each (3 by default, 1 under
 * --tiny), prints each run's tables and targets, judges every target on the median of its
 * figure over the runs, and writes bench/results/<name>-<timestamp>.json with the summary
 * (median, spread, margin), the load average before and during each run, and every run's own
 * tables. --tiny is CI's size: it only proves that the benchmarks still run.
 */

/**
 * The benchmarks, by name. A new one is bench/<name>.bench.ts exporting a BenchmarkDef, added
 * here; the import is lazy so that running one benchmark loads only its modules.
 */
const BENCHMARKS: Record<string, () => Promise<BenchmarkDef>> = {
  read: async () => (await import('./read.bench')).readBench,
  erasure: async () => (await import('./erasure.bench')).erasureBench,
  notices: async () => (await import('./notices.bench')).noticesBench,
  export: async () => (await import('./export.bench')).exportBench,
  access: async () => (await import('./access.bench')).accessBench,
  'due-diligence': async () => (await import('./due-diligence.bench')).dueDiligenceBench,
  reports: async () => (await import('./reports.bench')).reportsBench,
};

function usage(defs: BenchmarkDef[]): string {
  return [
    'usage: node dist/bench/run.js [benchmark ...] [--tiny] [--runs N] [--<option> <value> ...]',
    '',
    ...defs.flatMap((d) => [`${d.name}: ${d.description}`, BenchOptions.help(d.options), '']),
  ].join('\n');
}

interface RunRecord {
  startedAt: string;
  seconds: number;
  /** os.loadavg() as the run began: 1, 5 and 15 minutes. */
  loadAverageBefore: number[];
  /** The 1-minute load average sampled every 5 s during the run. */
  loadAverageDuring: { samples: number; mean: number; max: number };
  tables: BenchReport['tables'];
  targets: BenchReport['targets'];
  notes: string[];
  figures: Record<string, unknown>;
}

function parseArgs(argv: string[]): { names: string[]; flags: Map<string, string>; tiny: boolean; help: boolean; runs: number | null } {
  const names: string[] = [];
  const flags = new Map<string, string>();
  let tiny = false;
  let help = false;
  let runs: number | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--tiny') tiny = true;
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = arg.includes('=') ? arg.slice('--runs='.length) : argv[(i += 1)];
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs takes a whole number from 1 to 50, got "${value}"`);
    }
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      else {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
        flags.set(arg.slice(2), value);
        i += 1;
      }
    } else names.push(arg);
  }
  return { names, flags, tiny, help, runs };
}

async function mariadbVersion(): Promise<string> {
  const conn = await mysqlConnection(loadConfig(process.env), false);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0]?.v);
  } finally {
    await conn.end();
  }
}

/** The commit measured, and whether src/ had uncommitted changes (read-only git commands). */
function gitInfo(): { commit: string | null; srcDirty: boolean | null } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), srcDirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    return { commit: null, srcDirty: null };
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = args.names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const names = args.names.length > 0 ? args.names : Object.keys(BENCHMARKS);
  const defs = await Promise.all(names.map((n) => BENCHMARKS[n]!()));
  if (args.help) {
    process.stdout.write(`${usage(defs)}\n`);
    return 0;
  }
  // A flag must mean something to at least one of the benchmarks being run.
  for (const flag of args.flags.keys())
    if (!defs.some((d) => flag in d.options)) throw new Error(`--${flag} is not an option of ${names.join(', ')}\n\n${usage(defs)}`);

  const machine = machineInfo(await mariadbVersion());
  const git = gitInfo();
  process.stdout.write(`machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}, MariaDB ${machine.mariadb}\n`);
  let failed = 0;
  // Every target is judged on the median of several runs (issue 23): one run is one sample.
  const runCount = args.runs ?? (args.tiny ? 1 : 3);
  for (const def of defs) {
    const own = new Map([...args.flags].filter(([k]) => k in def.options));
    const options = BenchOptions.resolve(def.options, own, args.tiny);
    process.stdout.write(`\n== ${def.name} (${options.size}: ${JSON.stringify(options.all())}), ${runCount} run${runCount === 1 ? '' : 's'}\n`);
    const startedAt = new Date();
    const t0 = performance.now();
    const runs: RunRecord[] = [];
    let scratch = false;
    try {
      for (let r = 0; r < runCount; r += 1) {
        if (runCount > 1) process.stdout.write(`\n-- run ${r + 1} of ${runCount}\n`);
        const loadBefore = os.loadavg();
        const load = sampleLoadAverage();
        const runStarted = new Date();
        const r0 = performance.now();
        const report = await def.run({ options, log: (line) => process.stdout.write(`  ${line}\n`) });
        const during = load.stop();
        scratch ||= report.scratch === true;
        process.stdout.write(`\n${report.tables.map(formatTable).join('\n\n')}\n\n${formatTargets(report.targets)}\n`);
        runs.push({
          startedAt: runStarted.toISOString(),
          seconds: Number(((performance.now() - r0) / 1000).toFixed(1)),
          loadAverageBefore: loadBefore,
          loadAverageDuring: during,
          tables: report.tables,
          targets: report.targets,
          notes: report.notes,
          figures: report.figures,
        });
      }
      const seconds = (performance.now() - t0) / 1000;
      const summary = summarizeTargets(runs.map((r) => r.targets));
      const last = runs[runs.length - 1]!;
      process.stdout.write(`\n${last.notes.map((n) => `note: ${n}`).join('\n')}\n\ntargets over ${runs.length} run${runs.length === 1 ? '' : 's'}, judged on the median:\n${formatTargetSummary(summary)}\n`);
      const file = writeResults(def.name, options.size, {
        benchmark: def.name,
        size: options.size,
        options: options.all(),
        machine,
        git,
        startedAt: startedAt.toISOString(),
        seconds: Number(seconds.toFixed(1)),
        runCount: runs.length,
        // Judged on the median of the runs; each run's own tables and targets follow.
        targets: summary,
        notes: last.notes,
        runs,
      }, scratch);
      process.stdout.write(`\n${def.name}: ${seconds.toFixed(0)} s, results in ${file}\n`);
    } catch (err) {
      failed += 1;
      process.stderr.write(`\n${def.name} failed: ${String((err as Error)?.stack ?? err)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${String((err as Error)?.message ?? err)}\n`);
    return 2;
  })
  .then(async (code) => {
    await runCleanups();
    // Nothing should be left open, but a benchmark must never hang CI.
    process.exit(code);
  });
