import fc from 'fast-check';
import {
  CellSuppressionResult,
  CountCell,
  protectionWidth,
  suppressCells,
  suppressCellsWithoutAudit,
} from '../../src/plugins/anonymization/cell-suppression';
import { loadLinearSolver, type LinearSolver } from '../../src/plugins/anonymization/linear-solver';
import { attackWithSolver, narrowerThan } from '../helpers/lp-attacker';

let solver: LinearSolver;
beforeAll(async () => {
  solver = await loadLinearSolver();
});

/** suppressCells with the default protection width, ⌈k/2⌉. */
function suppress(cells: readonly CountCell[], dimensions: readonly string[], k: number, width = protectionWidth(k, 50)): CellSuppressionResult {
  return suppressCells(cells, dimensions, k, { solver, width });
}

// ---------------------------------------------------------------------------------------------
// The attacker, written independently of the implementation: it sees the released table (cells,
// totals, grand total, which entries are suppressed) and knows zeros are always released, so a
// suppressed entry is at least 1.

interface Known {
  key: (string | null)[];
  count: number | null;
  suppressed?: string;
}

interface Group {
  total: Known;
  members: Known[];
}

function released(result: CellSuppressionResult): Known[] {
  return [...result.cells, ...result.totals, result.grandTotal];
}

/** Every marginal equation: a total and the entries that share its key but one fixed part. */
function groups(result: CellSuppressionResult): Group[] {
  const all = released(result);
  const out: Group[] = [];
  for (const total of all) {
    total.key.forEach((part, d) => {
      if (part !== null) return;
      const members = all.filter((e) => e.key[d] !== null && e.key.every((p, i) => i === d || p === total.key[i]));
      if (members.length > 0) out.push({ total, members });
    });
  }
  return out;
}

/** Entries the attacker can pin to one value; `truth` is for messages and to check the attacker. */
function attack(result: CellSuppressionResult, truth: Map<string, number>): string[] {
  const lines = groups(result);
  const value = new Map<string, number>();
  for (const e of released(result)) if (e.count !== null) value.set(JSON.stringify(e.key), e.count);
  const disclosed: string[] = [];

  // 1. Solve every equation with exactly one unknown, feeding what it yields into the others.
  for (let progress = true; progress; ) {
    progress = false;
    for (const { total, members } of lines) {
      const unknown = [total, ...members].filter((e) => !value.has(JSON.stringify(e.key)));
      if (unknown.length !== 1) continue;
      const id = JSON.stringify(unknown[0].key);
      const knownMembers = members.filter((m) => value.has(JSON.stringify(m.key))).reduce((s, m) => s + (value.get(JSON.stringify(m.key)) as number), 0);
      const derived = unknown[0] === total ? knownMembers : (value.get(JSON.stringify(total.key)) as number) - knownMembers;
      value.set(id, derived);
      disclosed.push(`${id} = ${derived} (true ${truth.get(id)})`);
      progress = true;
    }
  }

  // 2. With a released total, m suppressed members >= 1 each sum to S: each lies in [1, S - m + 1].
  for (const { total, members } of lines) {
    if (total.count === null) continue;
    const hidden = members.filter((m) => m.count === null);
    if (hidden.length === 0) continue;
    const sum = total.count - members.reduce((s, m) => s + (m.count ?? 0), 0);
    if (sum - hidden.length + 1 <= 1) disclosed.push(`${hidden.map((h) => JSON.stringify(h.key)).join(' + ')} = ${sum}: all 1`);
  }

  // 3. All equations together: start each hidden entry at [1, ∞) and narrow it with every
  //    equation (x = total - others, total = sum of members) until nothing moves.
  const lo = new Map<string, number>();
  const hi = new Map<string, number>();
  for (const e of released(result)) {
    const id = JSON.stringify(e.key);
    lo.set(id, e.count ?? 1);
    hi.set(id, e.count ?? Infinity);
  }
  const range = (ids: string[]): [number, number] => [ids.reduce((s, i) => s + (lo.get(i) as number), 0), ids.reduce((s, i) => s + (hi.get(i) as number), 0)];
  for (let sweep = 0, moved = true; moved && sweep < 1000; sweep++) {
    moved = false;
    for (const { total, members } of lines) {
      const t = JSON.stringify(total.key);
      const ms = members.map((m) => JSON.stringify(m.key));
      const narrow = (id: string, low: number, high: number): void => {
        if (low > (lo.get(id) as number)) (lo.set(id, low), (moved = true));
        if (high < (hi.get(id) as number)) (hi.set(id, high), (moved = true));
      };
      const [sumLo, sumHi] = range(ms);
      narrow(t, sumLo, sumHi);
      for (const m of ms) {
        const [restLo, restHi] = range(ms.filter((o) => o !== m));
        narrow(m, (lo.get(t) as number) - restHi, (hi.get(t) as number) - restLo);
      }
    }
  }
  for (const e of released(result)) {
    const id = JSON.stringify(e.key);
    if (e.count !== null) continue;
    // The attacker's bounds must hold the truth, or the attacker itself is wrong.
    const value = truth.get(id) as number;
    if (value < (lo.get(id) as number) || value > (hi.get(id) as number)) throw new Error(`attacker bug: ${id} = ${value} outside its bounds`);
    if (lo.get(id) === hi.get(id)) disclosed.push(`${id} in [${lo.get(id)}, ${hi.get(id)}] by propagation`);
  }
  return disclosed;
}

/** The same check as the brief states it: a released total never has exactly one hidden member. */
function singleUnknownGroups(result: CellSuppressionResult): Group[] {
  return groups(result).filter(({ total, members }) => {
    if (total.count === null) return false;
    const hidden = members.filter((m) => m.count === null);
    if (hidden.length !== 1) return false;
    return true;
  });
}

/** Sum of the suppressed members of every group with a released total, which must be >= k. */
function smallHiddenSums(result: CellSuppressionResult): number[] {
  return groups(result)
    .filter(({ total, members }) => total.count !== null && members.some((m) => m.count === null))
    .map(({ total, members }) => (total.count as number) - members.reduce((s, m) => s + (m.count ?? 0), 0))
    .filter((sum) => sum < result.k);
}

/** The true value of every entry of the extended table, from the input cells. */
function truthOf(cells: CountCell[], n: number): Map<string, number> {
  // The grand total exists even for an empty table.
  const truth = new Map<string, number>([[JSON.stringify(new Array(n).fill(null)), 0]]);
  for (const cell of cells) {
    for (let mask = 0; mask < 1 << n; mask++) {
      const id = JSON.stringify(cell.key.map((p, d) => (mask & (1 << d) ? null : p)));
      truth.set(id, (truth.get(id) ?? 0) + cell.count);
    }
  }
  return truth;
}

function byKey(result: CellSuppressionResult): Map<string, Known> {
  return new Map(released(result).map((e) => [JSON.stringify(e.key), e]));
}

const count = (result: CellSuppressionResult, ...key: (string | null)[]): number | null | undefined => byKey(result).get(JSON.stringify(key))?.count;
const reason = (result: CellSuppressionResult, ...key: (string | null)[]): string | undefined => byKey(result).get(JSON.stringify(key))?.suppressed;

// ---------------------------------------------------------------------------------------------

describe('suppressCells: examples', () => {
  it('1-way: hides a small cell and the smallest other non-zero cell, releases zeros', () => {
    const r = suppress(
      [
        { key: ['A'], count: 5 },
        { key: ['B'], count: 30 },
        { key: ['C'], count: 40 },
        { key: ['D'], count: 0 },
      ],
      ['region'],
      11,
    );
    expect(r.cells).toEqual([
      { key: ['A'], count: null, suppressed: 'PRIMARY' },
      { key: ['B'], count: null, suppressed: 'SECONDARY' },
      { key: ['C'], count: 40 },
      { key: ['D'], count: 0 },
    ]);
    expect(r.grandTotal).toEqual({ key: [null], count: 75 });
    expect(r.totals).toEqual([]);
  });

  it('1-way: two small cells whose sum is below k need a complement too', () => {
    // Without one, 2 + 3 = 5 would be released: five people in A or B.
    const r = suppress(
      [
        { key: ['A'], count: 2 },
        { key: ['B'], count: 3 },
        { key: ['C'], count: 50 },
        { key: ['D'], count: 20 },
      ],
      ['region'],
      11,
    );
    expect(r.cells.map((c) => c.suppressed ?? c.count)).toEqual(['PRIMARY', 'PRIMARY', 50, 'SECONDARY']);
    expect(r.grandTotal.count).toBe(75);
  });

  it('1-way: cells that are all 1 are never pinned by their sum', () => {
    const r = suppress(
      [
        { key: ['A'], count: 1 },
        { key: ['B'], count: 1 },
        { key: ['C'], count: 1 },
      ],
      ['x'],
      3,
    );
    // 1 + 1 + 1 = 3 >= k, but three unknowns >= 1 summing to 3 are all 1: the total must go.
    expect(r.grandTotal).toEqual({ key: [null], count: null, suppressed: 'SECONDARY' });
    expect(r.cells.every((c) => c.suppressed === 'PRIMARY')).toBe(true);
  });

  it('1-way: the grand total below k is suppressed, and zeros stay released', () => {
    const r = suppress(
      [
        { key: ['A'], count: 4 },
        { key: ['B'], count: 0 },
      ],
      ['x'],
      11,
    );
    expect(r.grandTotal.suppressed).toBe('PRIMARY');
    expect(r.cells[0].suppressed).toBe('PRIMARY');
    expect(r.cells[1]).toEqual({ key: ['B'], count: 0 });
  });

  it('2-way: secondary suppression in rows and columns, margins released where safe', () => {
    //            c1   c2   c3
    //   r1        3   20   30
    //   r2       25   40   50
    //   r3       12   14   60
    const table = [
      [3, 20, 30],
      [25, 40, 50],
      [12, 14, 60],
    ];
    const cells = table.flatMap((row, i) => row.map((n, j) => ({ key: [`r${i + 1}`, `c${j + 1}`], count: n })));
    const r = suppress(cells, ['row', 'col'], 11);
    expect(reason(r, 'r1', 'c1')).toBe('PRIMARY');
    // r1's smallest other cell is 20 (c2), c1's is 12 (r3); then c2 needs a second one (14, r3),
    // and r3 now has two hidden: 12 + 14.
    expect(reason(r, 'r1', 'c2')).toBe('SECONDARY');
    expect(reason(r, 'r3', 'c1')).toBe('SECONDARY');
    expect(reason(r, 'r3', 'c2')).toBe('SECONDARY');
    expect(r.cells.filter((c) => c.count === null)).toHaveLength(4);
    expect(count(r, 'r1', null)).toBe(53);
    expect(count(r, null, 'c1')).toBe(40);
    expect(count(r, null, null)).toBe(254);
    expect(r.totals).toHaveLength(6);
    expect(attack(r, truthOf(cells, 2))).toEqual([]);
  });

  it('2-way: a small row total is suppressed and protected like a cell', () => {
    const cells = [
      { key: ['a', 'x'], count: 4 },
      { key: ['a', 'y'], count: 0 },
      { key: ['b', 'x'], count: 30 },
      { key: ['b', 'y'], count: 40 },
      { key: ['c', 'x'], count: 50 },
      { key: ['c', 'y'], count: 60 },
    ];
    const r = suppress(cells, ['row', 'col'], 11);
    expect(reason(r, 'a', null)).toBe('PRIMARY');
    expect(reason(r, 'a', 'x')).toBe('PRIMARY');
    expect(count(r, 'a', 'y')).toBe(0);
    // Row totals with the grand total form a line: a's total needs a partner there.
    expect(reason(r, 'b', null)).toBe('SECONDARY');
    expect(count(r, null, null)).toBe(184);
    expect(attack(r, truthOf(cells, 2))).toEqual([]);
  });

  it('2-way: a row with no complement left hides its total instead', () => {
    // k = 3: row a is three 1s adding up to 3 >= k, but three unknowns >= 1 summing to 3 are all
    // 1, and every non-zero cell of the row is already hidden: only the row total can go.
    const cells = ['x', 'y', 'z'].flatMap((col) => [
      { key: ['a', col], count: 1 },
      { key: ['b', col], count: 10 },
    ]);
    const r = suppress(cells, ['row', 'col'], 3);
    expect(reason(r, 'a', null)).toBe('SECONDARY');
    // ... and that total now needs a partner in the line of row totals.
    expect(reason(r, 'b', null)).toBe('SECONDARY');
    expect(count(r, null, null)).toBe(33);
    expect(singleUnknownGroups(r)).toEqual([]);
    expect(attack(r, truthOf(cells, 2))).toEqual([]);
  });

  it('3-way: releases 2-way and 1-way margins and protects them all', () => {
    const cells: CountCell[] = [];
    for (const a of ['a1', 'a2']) for (const b of ['b1', 'b2']) for (const c of ['c1', 'c2']) cells.push({ key: [a, b, c], count: 20 });
    cells[0] = { key: ['a1', 'b1', 'c1'], count: 2 };
    const r = suppress(cells, ['a', 'b', 'c'], 11);
    // 12 two-way margins (a,b,*), (a,*,c), (*,b,c) and 6 one-way ones.
    expect(r.totals).toHaveLength(18);
    expect(r.totals.slice(0, 6).every((t) => t.key.filter((p) => p !== null).length === 1)).toBe(true);
    expect(reason(r, 'a1', 'b1', 'c1')).toBe('PRIMARY');
    expect(singleUnknownGroups(r)).toEqual([]);
    expect(attack(r, truthOf(cells, 3))).toEqual([]);
  });

  it('2-way: also withstands equations combined, not only one line at a time', () => {
    //        c1  c2  c3
    //   r1    0   0   1
    //   r2    0   1  51
    // Line by line everything holds, yet with r1 = r1c3, c2 = r2c2, r2 = r2c2 + 51,
    // c3 = r1c3 + 51 and r1 + r2 = 53, the two hidden cells add up to 2: both are 1.
    const cells = [
      { key: ['r1', 'c1'], count: 0 },
      { key: ['r1', 'c2'], count: 0 },
      { key: ['r1', 'c3'], count: 1 },
      { key: ['r2', 'c1'], count: 0 },
      { key: ['r2', 'c2'], count: 1 },
      { key: ['r2', 'c3'], count: 51 },
    ];
    const r = suppress(cells, ['row', 'col'], 10);
    expect(r.grandTotal).toEqual({ key: [null, null], count: null, suppressed: 'SECONDARY' });
    expect(attack(r, truthOf(cells, 2))).toEqual([]);
  });

  it('k = 1 suppresses nothing; an empty table has a zero grand total', () => {
    const r = suppress([{ key: ['a'], count: 1 }], ['x'], 1);
    expect(r.cells[0]).toEqual({ key: ['a'], count: 1 });
    expect(suppress([], ['x'], 11).grandTotal).toEqual({ key: [null], count: 0 });
  });

  it('refuses malformed input', () => {
    expect(() => suppress([{ key: ['a'], count: 1 }], ['x'], 0)).toThrow(RangeError);
    expect(() => suppress([{ key: ['a'], count: 1 }], [], 11)).toThrow(RangeError);
    expect(() => suppress([{ key: ['a', 'b'], count: 1 }], ['x'], 11)).toThrow(RangeError);
    expect(() => suppress([{ key: ['a'], count: -1 }], ['x'], 11)).toThrow(RangeError);
    expect(() => suppress([{ key: ['a'], count: 1.5 }], ['x'], 11)).toThrow(RangeError);
    expect(() => suppress([{ key: ['a'], count: 1 }, { key: ['a'], count: 2 }], ['x'], 11)).toThrow(RangeError);
    expect(() => suppress([], ['x', 'x'], 11)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------

// Under mutation testing (stryker.issue26.config.mjs sets DRG_MUTATION_RUN) each mutant reruns this
// file: a fifth of the random tables still kill what the full runs kill, in a fifth of the time.
const SHARE = process.env.DRG_MUTATION_RUN ? 0.2 : 1;
const RUNS = Math.ceil(200 * SHARE);

/** Random n-way tables, sparse or dense, with many zeros and many small counts. */
function tables(n: number, maxValues: number) {
  return fc
    .record({
      k: fc.integer({ min: 2, max: 12 }),
      sizes: fc.array(fc.integer({ min: 1, max: maxValues }), { minLength: n, maxLength: n }),
      seedCounts: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 80 })), { minLength: 64, maxLength: 64 }),
      missing: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    })
    .map(({ k, sizes, seedCounts, missing }) => {
      let keys: string[][] = [[]];
      sizes.forEach((size, d) => {
        keys = keys.flatMap((prefix) => Array.from({ length: size }, (_, v) => [...prefix, `d${d}v${v}`]));
      });
      const cells = keys.map((key, i) => ({ key, count: seedCounts[i % 64] })).filter((_, i) => !(missing[i % 64] && i % 3 === 0));
      return { k, cells, dimensions: sizes.map((_, d) => `d${d}`) };
    });
}

describe.each([
  [1, 8],
  [2, 5],
  [3, 4],
])('suppressCells: %i-way tables (property)', (n, maxValues) => {
  it('releases no count below k, and the released counts are the true ones', () => {
    fc.assert(
      fc.property(tables(n, maxValues), ({ k, cells, dimensions }) => {
        const r = suppress(cells, dimensions, k);
        const truth = truthOf(cells, n);
        // Plain checks collected into one expect: thousands of expect calls would dominate the run.
        const problems: string[] = [];
        for (const e of released(r)) {
          const id = JSON.stringify(e.key);
          if ((e.count === null) !== (e.suppressed !== undefined)) problems.push(`${id}: count and reason disagree`);
          if (e.count !== null && e.count !== 0 && e.count < k) problems.push(`${id}: ${e.count} released below k = ${k}`);
          if (e.count !== null && e.count !== truth.get(id)) problems.push(`${id}: released ${e.count}, true ${truth.get(id)}`);
          // Zeros are always released.
          if (e.count === null && truth.get(id) === 0) problems.push(`${id}: a zero is suppressed`);
        }
        // Every margin of the table is in the release, and nothing else.
        if (r.totals.length + r.cells.length + 1 !== truth.size) problems.push('margins missing or extra');
        expect(problems).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('an attacker solving the marginal equations pins down no suppressed entry', () => {
    fc.assert(
      fc.property(tables(n, maxValues), ({ k, cells, dimensions }) => {
        const r = suppress(cells, dimensions, k);
        const truth = truthOf(cells, n);
        const problems: string[] = [];
        // As the brief puts it: no group with a released total has exactly one hidden cell, so
        // the released cells never add up to "total minus one hidden cell's value".
        for (const { total, members } of groups(r)) {
          if (total.count === null) continue;
          const hidden = members.filter((m) => m.count === null);
          const releasedSum = members.reduce((s, m) => s + (m.count ?? 0), 0);
          for (const h of hidden) {
            const value = truth.get(JSON.stringify(h.key)) as number;
            if (hidden.length === 1 && releasedSum === total.count - value) problems.push(`${JSON.stringify(h.key)} = ${value} from ${JSON.stringify(total.key)}`);
          }
        }
        problems.push(...singleUnknownGroups(r).map((g) => `one unknown under ${JSON.stringify(g.total.key)}`));
        problems.push(...attack(r, truth));
        problems.push(...smallHiddenSums(r).map((sum) => `hidden cells summing to ${sum} < k`));
        expect(problems).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 26, point 1: the release audited as τ-ARGUS audits a table, by an attacker that solves a
// linear program per suppressed entry over everything released (test/helpers/lp-attacker.ts).

/**
 * Skewed tables as visits are: counts log-uniform from 1 to 500 (most small, a few large),
 * combinations that never occur (a browser never on tablets: a structural zero, unlisted), and
 * some cells absent by chance.
 */
function skewedTables(n: number, maxValues: number) {
  return fc
    .record({
      k: fc.integer({ min: 3, max: 15 }),
      sizes: fc.array(fc.integer({ min: 2, max: maxValues }), { minLength: n, maxLength: n }),
      spread: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }),
      // Pairs of (first-dimension value, second-dimension value) that never occur together.
      structural: fc.array(fc.tuple(fc.nat(maxValues - 1), fc.nat(maxValues - 1)), { maxLength: 3 }),
      chance: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 64, maxLength: 64 }),
    })
    .map(({ k, sizes, spread, structural, chance }) => {
      let keys: string[][] = [[]];
      sizes.forEach((size, d) => {
        keys = keys.flatMap((prefix) => Array.from({ length: size }, (_, v) => [...prefix, `d${d}v${v}`]));
      });
      const never = new Set(structural.map(([a, b]) => (n === 1 ? `d0v${a}` : `d0v${a}|d1v${b}`)));
      const cells = keys
        .map((key, i) => ({ key, count: Math.floor(Math.exp(spread[i % 64] * Math.log(500))) }))
        .filter((cell, i) => !never.has(n === 1 ? cell.key[0] : `${cell.key[0]}|${cell.key[1]}`) && chance[i % 64] !== 0);
      return { k, cells, dimensions: sizes.map((_, d) => `d${d}`) };
    });
}

describe.each([
  [1, 8, 100],
  [2, 5, 100],
  [3, 4, 30],
])('suppressCells: %i-way skewed tables with structural zeros, audited by a solver (property)', (n, maxValues, runs) => {
  it('no released report pins a suppressed entry or narrows it below the protection width', () => {
    fc.assert(
      fc.property(skewedTables(n, maxValues), ({ k, cells, dimensions }) => {
        const width = protectionWidth(k, 50);
        const r = suppress(cells, dimensions, k, width);
        const truth = truthOf(cells, n);
        const problems: string[] = [];
        for (const e of attackWithSolver(solver, r)) {
          const value = truth.get(JSON.stringify(e.key)) as number;
          // The attacker's range must hold the truth, or the attacker itself is wrong.
          if (value < e.lo || value > e.hi) throw new Error(`attacker bug: ${JSON.stringify(e.key)} = ${value} outside [${e.lo}, ${e.hi}]`);
          if (e.hi - e.lo < width) problems.push(`${JSON.stringify(e.key)} = ${value} in [${e.lo}, ${e.hi}], narrower than ${width}`);
        }
        for (const e of released(r)) if (e.count !== null && e.count !== 0 && e.count < k) problems.push(`${JSON.stringify(e.key)}: ${e.count} released below k`);
        expect(problems).toEqual([]);
      }),
      { numRuns: Math.ceil(runs * SHARE) },
    );
  });
});

describe('suppressCells: the solver audit at its edges', () => {
  // BROWSER × DEVICE_TYPE with Edge never on tablets. The line rules alone release Chrome 658,
  // Safari 674, mobile 306, tablet 317 and the desktop cells; then mobile + tablet − (Chrome −
  // 343) − (Safari − 369) = 306 + 317 − 315 − 305 = 3 = Edge × mobile exactly (issue 26).
  const edgeMobile: CountCell[] = [
    { key: ['Chrome', 'desktop'], count: 343 },
    { key: ['Chrome', 'mobile'], count: 1 },
    { key: ['Chrome', 'tablet'], count: 314 },
    { key: ['Edge', 'desktop'], count: 15 },
    { key: ['Edge', 'mobile'], count: 3 },
    { key: ['Firefox', 'desktop'], count: 18 },
    { key: ['Safari', 'desktop'], count: 369 },
    { key: ['Safari', 'mobile'], count: 302 },
    { key: ['Safari', 'tablet'], count: 3 },
  ];
  const edgeMobileRange = (r: CellSuppressionResult) => attackWithSolver(solver, r).find((e) => JSON.stringify(e.key) === '["Edge","mobile"]');

  it('Edge × mobile: pinned at 3 by the line rules alone, kept at least ⌈k/2⌉ wide by the audit', () => {
    expect(edgeMobileRange(suppressCellsWithoutAudit(edgeMobile, ['BROWSER', 'DEVICE_TYPE'], 11))).toEqual({ key: ['Edge', 'mobile'], lo: 3, hi: 3 });
    const r = suppress(edgeMobile, ['BROWSER', 'DEVICE_TYPE'], 11);
    const range = edgeMobileRange(r);
    expect(range).toBeDefined();
    expect((range?.hi ?? 0) - (range?.lo ?? 0)).toBeGreaterThanOrEqual(6);
    expect(narrowerThan(solver, r, 6)).toEqual([]);
    // The structural zero stays unlisted (released as 0) and no released count is below k.
    expect(r.cells.find((c) => c.key.join() === 'Edge,tablet')).toBeUndefined();
    expect(released(r).filter((e) => e.count !== null && e.count > 0 && e.count < 11)).toEqual([]);
  });

  it('cells known to have occurred, and margins leaving one visit each, are not released as all 1', () => {
    // Four listed cells of 1 under released totals adding up to 4: the line rules see a hidden
    // sum of 4 = their number and hide more; the solver confirms none is pinned at 1.
    const cells = ['a', 'b'].flatMap((row) => ['x', 'y'].map((col) => ({ key: [row, col], count: 1 })));
    cells.push({ key: ['c', 'x'], count: 40 }, { key: ['c', 'y'], count: 50 });
    const r = suppress(cells, ['row', 'col'], 3);
    expect(narrowerThan(solver, r, 2)).toEqual([]);
  });

  it('the width is a hard edge: a hidden sum of width + 2 passes, one less needs another cell', () => {
    // 1-way, k = 11, width 20: two hidden cells summing to S range over [1, S − 1], S − 2 wide.
    const passes = suppress(
      [
        { key: ['A'], count: 5 },
        { key: ['B'], count: 17 },
        { key: ['C'], count: 40 },
      ],
      ['x'],
      11,
      20,
    );
    expect(passes.cells.map((c) => c.count)).toEqual([null, null, 40]);
    const fails = suppress(
      [
        { key: ['A'], count: 5 },
        { key: ['B'], count: 16 },
        { key: ['C'], count: 40 },
      ],
      ['x'],
      11,
      20,
    );
    // [1, 20] is 19 wide: C goes too, and with the grand total released all three range widely.
    expect(fails.cells.map((c) => c.count)).toEqual([null, null, null]);
    expect(fails.grandTotal.count).toBe(61);
    expect(narrowerThan(solver, fails, 20)).toEqual([]);
  });

  it('protectionWidth is ⌈k × percent / 100⌉, never below 1', () => {
    expect(protectionWidth(11, 50)).toBe(6);
    expect(protectionWidth(10, 50)).toBe(5);
    expect(protectionWidth(2, 50)).toBe(1);
    expect(protectionWidth(11, 100)).toBe(11);
    expect(protectionWidth(11, 1)).toBe(1);
    expect(protectionWidth(3, 10)).toBe(1);
    expect(protectionWidth(100, 1)).toBe(1);
    expect(protectionWidth(101, 1)).toBe(2);
  });

  it('refuses a protection width that would accept a pinned entry', () => {
    for (const width of [0, -1, 1.5, Number.NaN]) expect(() => suppress([{ key: ['a'], count: 1 }], ['x'], 11, width)).toThrow('the protection width must be a positive integer');
  });
});
