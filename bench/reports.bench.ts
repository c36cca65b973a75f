import { performance } from 'node:perf_hooks';
import { protectionWidth, suppressCells, suppressCellsWithoutAudit, type CellSuppressionResult, type CountCell } from '../src/plugins/anonymization/cell-suppression';
import { loadLinearSolver, variableRanges, type LinearSolver } from '../src/plugins/anonymization/linear-solver';
import { prng } from '../src/demo-data';
import { peakRssKb, resetPeakRss, round, type BenchContext, type BenchmarkDef, type BenchReport, type Cell } from './harness';

/**
 * reports: the usage-report suppression with its solver audit (issue 26, point 1) against the
 * suppression alone (the line rules, what the audit starts from), on skewed count tables of
 * about 10, 100 and 1,000 cells: 1-way with 10 values, 2-way 10 × 10, 3-way 10 × 10 × 10. Counts
 * are log-uniform from 1 to 500 (most small, a few large); about one combination in ten never
 * occurs (a structural zero) and one in ten is absent by chance. Pure computation: a report's one
 * SQL statement (a GROUP BY) is the same with or without the audit and is not timed here. Figures:
 * milliseconds per table (median of the repetitions), the ratio to the line rules alone, linear
 * programs solved, suppressed cells either way, how many suppressed entries of the unaudited
 * release a solver narrows below the protection width, and the process's peak RSS.
 */
export const reportsBench: BenchmarkDef = {
  name: 'reports',
  description: 'usage-report suppression plus solver audit vs the line rules alone, tables of 10, 100 and 1,000 cells',
  options: {
    sizes: { default: '10,100,1000', tiny: '10,100', help: 'cells per table (10 = 1-way, 100 = 2-way, 1000 = 3-way; a value per dimension is the cube root)' },
    tables: { default: 5, tiny: 1, help: 'random tables per size' },
    repeats: { default: 5, tiny: 1, help: 'timed repetitions of each table, each way (median taken)' },
    k: { default: 11, help: 'minimum cell size' },
    'protection-percent': { default: 50, help: 'protection width as a percentage of k' },
    seed: { default: 26, help: 'random seed' },
  },
  run: runReports,
};

function table(cells: number, rnd: () => number): { cells: CountCell[]; dimensions: string[] } {
  const n = cells <= 10 ? 1 : cells <= 100 ? 2 : 3;
  const per = Math.round(cells ** (1 / n));
  let keys: string[][] = [[]];
  for (let d = 0; d < n; d++) keys = keys.flatMap((prefix) => Array.from({ length: per }, (_, v) => [...prefix, `d${d}v${v}`]));
  const out: CountCell[] = [];
  for (const key of keys) {
    const roll = rnd();
    if (roll < 0.2) continue; // structural zero or absent by chance: unlisted either way
    out.push({ key, count: Math.floor(Math.exp(rnd() * Math.log(500))) });
  }
  return { cells: out, dimensions: Array.from({ length: n }, (_, d) => `d${d}`) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Suppressed entries of a release that a solver narrows below `width` (the bench's own attacker on the line rules' output). */
function narrowedBy(solver: LinearSolver, r: CellSuppressionResult, width: number): number {
  const all = [...r.cells, ...r.totals, r.grandTotal];
  const listed = new Set(r.cells.map((c) => JSON.stringify(c.key)));
  const hidden = all.filter((e) => e.count === null);
  const column = new Map(hidden.map((e, i) => [JSON.stringify(e.key), i]));
  const equations: { terms: [number, number][]; rhs: number }[] = [];
  for (const total of all) {
    total.key.forEach((part, d) => {
      if (part !== null) return;
      const members = all.filter((e) => e.key[d] !== null && e.key.every((p, i) => i === d || p === total.key[i]));
      const terms: [number, number][] = [];
      let rhs = total.count ?? 0;
      if (total.count === null) terms.push([column.get(JSON.stringify(total.key))!, -1]);
      for (const m of members) {
        if (m.count === null) terms.push([column.get(JSON.stringify(m.key))!, 1]);
        else rhs -= m.count;
      }
      if (terms.length > 0) equations.push({ terms, rhs });
    });
  }
  if (hidden.length === 0) return 0;
  const ranges = variableRanges(solver, { lower: hidden.map((e) => (listed.has(JSON.stringify(e.key)) ? 1 : 0)), upper: hidden.map(() => Number.POSITIVE_INFINITY), equations });
  return ranges.filter((x) => Math.floor(x.hi + 1e-6) - Math.ceil(x.lo - 1e-6) < width).length;
}

async function runReports(ctx: BenchContext): Promise<BenchReport> {
  const o = ctx.options;
  const k = o.num('k');
  const width = protectionWidth(k, o.num('protection-percent'));
  const solver = await loadLinearSolver();
  // The demo data's generator: every run times the same tables.
  const rnd = prng(o.num('seed'));
  resetPeakRss(process.pid);
  const rows: Record<string, Cell>[] = [];
  const figures: Record<string, unknown> = {};
  for (const size of o.nums('sizes')) {
    const alone: number[] = [];
    const audited: number[] = [];
    let programs = 0;
    let rounds = 0;
    let hiddenAlone = 0;
    let hiddenAudited = 0;
    let narrowed = 0;
    let listedCells = 0;
    for (let t = 0; t < o.num('tables'); t++) {
      const { cells, dimensions } = table(size, rnd);
      listedCells += cells.length;
      const perTableAlone: number[] = [];
      const perTableAudited: number[] = [];
      let lastAlone: CellSuppressionResult | null = null;
      let lastAudited: CellSuppressionResult | null = null;
      for (let r = 0; r < o.num('repeats'); r++) {
        let start = performance.now();
        lastAlone = suppressCellsWithoutAudit(cells, dimensions, k);
        perTableAlone.push(performance.now() - start);
        start = performance.now();
        lastAudited = suppressCells(cells, dimensions, k, { solver, width });
        perTableAudited.push(performance.now() - start);
      }
      alone.push(median(perTableAlone));
      audited.push(median(perTableAudited));
      programs += lastAudited!.audit.linearPrograms;
      rounds += lastAudited!.audit.rounds;
      hiddenAlone += lastAlone!.cells.filter((c) => c.count === null).length;
      hiddenAudited += lastAudited!.cells.filter((c) => c.count === null).length;
      narrowed += narrowedBy(solver, lastAlone!, width);
    }
    const tables = o.num('tables');
    const msAlone = median(alone);
    const msAudited = median(audited);
    const row = {
      size,
      listed: round(listedCells / tables, 1),
      msAlone: round(msAlone, 2),
      msAudited: round(msAudited, 2),
      ratio: round(msAudited / Math.max(msAlone, 1e-3), 1),
      programs: round(programs / tables, 0),
      rounds: round(rounds / tables, 1),
      hiddenAlone: round(hiddenAlone / tables, 1),
      hiddenAudited: round(hiddenAudited / tables, 1),
      narrowed: round(narrowed / tables, 1),
    };
    rows.push(row);
    figures[`cells${size}`] = { ...row, msAlonePerTable: alone.map((x) => round(x, 3)), msAuditedPerTable: audited.map((x) => round(x, 3)) };
    ctx.log(`${size} cells: ${row.msAudited} ms with the audit vs ${row.msAlone} ms alone (${row.ratio}×), ${row.programs} linear programs, ${row.narrowed} entries the line rules alone leave narrower than ${width}`);
  }
  const peak = peakRssKb(process.pid);
  return {
    tables: [
      {
        title: `Suppression with the solver audit vs the line rules alone (k = ${k}, protection width ${width}; per table, median of ${o.num('repeats')} repetitions, median over ${o.num('tables')} tables)`,
        columns: [
          { key: 'size', title: 'cells' },
          { key: 'listed', title: 'listed (mean)' },
          { key: 'msAlone', title: 'line rules ms' },
          { key: 'msAudited', title: 'with audit ms' },
          { key: 'ratio', title: 'ratio' },
          { key: 'programs', title: 'LPs (mean)' },
          { key: 'rounds', title: 'audit rounds (mean)' },
          { key: 'hiddenAlone', title: 'suppressed cells, line rules' },
          { key: 'hiddenAudited', title: 'suppressed cells, audited' },
          { key: 'narrowed', title: 'entries the line rules leave narrower than the width' },
        ],
        rows,
      },
    ],
    targets: [],
    notes: [
      'SQL statements per report: 1 (the GROUP BY over collection_events), with or without the audit; not timed here.',
      `Peak RSS of the benchmark process: ${peak === null ? 'n/a' : `${Math.round(peak / 1024)} MB`}.`,
    ],
    figures: { ...figures, k, width, peakRssKb: peak, sqlStatementsPerReport: 1 },
  };
}
