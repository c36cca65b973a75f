import fs from 'node:fs';
import path from 'node:path';
import type { Table } from './harness';

/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per
 * package. Used by `--profile <variant>` and standalone:
 *   node dist/bench/profile.js <file.cpuprofile> [--top N]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  functions: { name: string; where: string; pkg: string; selfMs: number; pct: number }[];
  packages: { pkg: string; selfMs: number; pct: number }[];
}

/** Which package (or part of this repository) a script belongs to. */
function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return 'node core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/dist/src/')) return 'gateway src';
  if (url.includes('/dist/bench/')) return 'bench';
  return url;
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const m = /node_modules\/(.*)$/.exec(url);
  const file = m ? m[1]! : url.replace(/^file:\/\//, '').replace(/^.*\/dist\//, 'dist/');
  return `${file}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<number, number>();
  // A sample lasts until the next one: its duration is the following delta.
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const byFunction = new Map<string, { name: string; where: string; pkg: string; us: number }>();
  const byPackage = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const f = frames.get(id)!;
    const name = f.functionName || '(anonymous)';
    const where = shortWhere(f.url, f.lineNumber);
    const pkg = packageOf(f.url, name);
    // (idle) is the event loop waiting: not time the server spent.
    if (name === '(idle)') continue;
    totalUs += us;
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, pkg, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => Number(((100 * us) / totalUs).toFixed(1));
  return {
    totalMs: Math.round(totalUs / 1000),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, pkg: f.pkg, selfMs: Math.round(f.us / 1000), pct: pct(f.us) })),
    packages: [...byPackage.entries()].sort((a, b) => b[1] - a[1]).map(([pkg, us]) => ({ pkg, selfMs: Math.round(us / 1000), pct: pct(us) })),
  };
}

export function profileTables(title: string, s: ProfileSummary, topPackages = 15): Table[] {
  return [
    {
      title: `${title}: self time by package (busy time ${s.totalMs} ms, idle excluded)`,
      columns: [
        { key: 'pkg', title: 'package', align: 'left' },
        { key: 'selfMs', title: 'self ms' },
        { key: 'pct', title: '%' },
      ],
      rows: s.packages.slice(0, topPackages),
    },
    {
      title: `${title}: top functions by self time`,
      columns: [
        { key: 'name', title: 'function', align: 'left' },
        { key: 'pkg', title: 'package', align: 'left' },
        { key: 'selfMs', title: 'self ms' },
        { key: 'pct', title: '%' },
        { key: 'where', title: 'where', align: 'left' },
      ],
      rows: s.functions,
    },
  ];
}

/** The newest .cpuprofile in a folder (node names them by time and pid). */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}

if (require.main === module) {
  void (async () => {
    const { formatTable } = await import('./harness');
    const file = process.argv[2];
    if (!file) {
      process.stderr.write('usage: node dist/bench/profile.js <file.cpuprofile> [--top N]\n');
      process.exit(2);
    }
    const i = process.argv.indexOf('--top');
    const top = i > 0 ? Number(process.argv[i + 1]) : 25;
    for (const t of profileTables(path.basename(file), summarizeProfile(file, top))) process.stdout.write(`${formatTable(t)}\n\n`);
  })();
}
