/**
 * Small-cell suppression for aggregate count tables (LEGAL.md, Anonymization: minimum cell size
 * k, 11 by default, with secondary suppression where a suppressed cell could be derived).
 *
 * The table is treated together with its margins as one extended table: every dimension gets an
 * extra "total" value (null in keys), so a marginal total is just another entry. A *line* is a
 * marginal total together with the entries it sums: all entries sharing every key part but one,
 * where that one part runs over the dimension's values. Rows and columns of a 2-way table, with
 * their totals, are lines; so is the row of row totals with the grand total; in a 3-way table so
 * are the (a, b, *) lines of the 2-way margins and the lines through them. Each line is one
 * linear equation an attacker can solve.
 *
 * Rules:
 * - Zero cells are released as 0 and never suppressed: a zero counts no one, and hiding zeros
 *   costs a lot of table for little. (A zero can still say "nobody in group G has X"; when that
 *   matters, coarsen the dimension rather than hide zeros.) Cells missing from the input are
 *   zeros too. So an attacker knows every suppressed entry is at least 1, and the rules below
 *   hold against that knowledge.
 * - PRIMARY: every entry, cell or marginal total, with 0 < count < k.
 * - SECONDARY, until nothing changes, for every line:
 *   - a line may never have exactly one suppressed entry (it would be its total minus the rest);
 *   - when the line's total is released, the suppressed entries in it must sum to at least k
 *     and to more than their number. A smaller sum would itself be a small count released (the
 *     people in those cells together), and a sum equal to their number means they are all 1.
 *   A line that breaks a rule gets its smallest released non-zero entry suppressed as the
 *   complement; only when it has none is its total suppressed instead. Each step suppresses one
 *   more entry, so this ends; a fully suppressed table breaks no rule.
 * - Then the audit (issue 26, point 1): a linear program per suppressed entry and direction over
 *   everything released at once (every line equation, every released count, every unlisted cell
 *   as 0, every listed suppressed cell as at least 1), as τ-ARGUS audits a table. The whole
 *   numbers in each entry's feasible range [⌈min⌉, ⌊max⌋] must span at least the protection width
 *   w: max - min >= w. This is a sliding protection range in the sense of Hundepool et al.,
 *   Statistical Disclosure Control (Wiley 2012), chapters on tabular data: a required width, not
 *   upper and lower levels fixed around the true value, since a cell of 1 has no room below it. The default is w = ⌈k/2⌉ (ANONYMIZATION_PROTECTION_PERCENT = 50). An entry
 *   that fails gets the smallest released non-zero entry on its lines suppressed too, then the
 *   line rules run again, and the audit again, until every entry passes. Solved by HiGHS
 *   (linear-solver.ts).
 *
 * Guaranteed: every released count is 0 or >= k; the suppressed entries of a line with a released
 * total add up to >= k; given the whole release, every suppressed entry lies in a range at least
 * w wide that no linear reasoning can narrow. Not guaranteed: the audit is a linear
 * program, as τ-ARGUS's is; on a 3-way table an integer program could in rare cases narrow a range
 * a little further than its rounded-in LP bounds. Structural zeros (a combination that never
 * occurs, Edge on a tablet) are released as zeros, never suppressed: the audit counts them as
 * known, so where one would pin a neighbour the neighbour's lines lose more cells instead.
 * Publish one symbol for both reasons: telling the public which suppressions are PRIMARY
 * (1..k-1) and which SECONDARY (>= k) gives away bounds these rules do not assume.
 */

import { narrowVariables, type LinearSolver } from './linear-solver';

export type SuppressionReason = 'PRIMARY' | 'SECONDARY';

export interface CountCell {
  key: readonly string[];
  count: number;
}

export interface ReleasedCell {
  key: string[];
  count: number | null;
  suppressed?: SuppressionReason;
}

export interface ReleasedTotal {
  /** One part per dimension: the value fixed, or null where the total runs over that dimension. */
  key: (string | null)[];
  count: number | null;
  suppressed?: SuppressionReason;
}

export interface CellSuppressionResult {
  dimensions: string[];
  k: number;
  /** Input order. */
  cells: ReleasedCell[];
  /**
   * Every marginal total short of the grand total: per dimension value (one part fixed) and, for
   * three or more dimensions, the finer margins too. Ordered by number of fixed parts, then key.
   */
  totals: ReleasedTotal[];
  grandTotal: ReleasedTotal;
  /** What the solver audit cost: rounds of auditing, and linear programs solved (at most two per suppressed entry of a block not seen before). */
  audit: { rounds: number; linearPrograms: number };
}

interface Entry {
  key: (string | null)[];
  count: number;
  isCell: boolean;
  suppressed: SuppressionReason | null;
  /** Lines this entry is a summand of, and lines it is the total of. */
  inLines: number[];
  totalOf: number[];
}

interface Line {
  total: number;
  members: number[];
}

function keyOf(parts: readonly (string | null)[]): string {
  return JSON.stringify(parts);
}

function validate(cells: readonly CountCell[], dimensions: readonly string[], k: number): void {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
  if (dimensions.length === 0) throw new RangeError('a table needs at least one dimension');
  // Every cell contributes to 2^n - 1 totals.
  if (dimensions.length > 8) throw new RangeError('at most 8 dimensions');
  if (new Set(dimensions).size !== dimensions.length) throw new RangeError('dimension names must be unique');
  for (const cell of cells) {
    if (cell.key.length !== dimensions.length) throw new RangeError(`cell ${JSON.stringify(cell.key)} does not have ${dimensions.length} key parts`);
    if (cell.key.some((part) => typeof part !== 'string')) throw new TypeError(`cell ${JSON.stringify(cell.key)} has a key part that is not a string`);
    if (!Number.isSafeInteger(cell.count) || cell.count < 0) throw new RangeError(`cell ${JSON.stringify(cell.key)} has a count that is not a non-negative integer`);
  }
}

function buildTable(cells: readonly CountCell[], n: number): { entries: Entry[]; lines: Line[]; grand: number } {
  const entries: Entry[] = [];
  const index = new Map<string, number>();
  const entryAt = (key: (string | null)[], isCell: boolean): number => {
    const id = keyOf(key);
    let i = index.get(id);
    if (i === undefined) {
      i = entries.length;
      entries.push({ key, count: 0, isCell, suppressed: null, inLines: [], totalOf: [] });
      index.set(id, i);
    }
    return i;
  };

  const grand = entryAt(new Array<null>(n).fill(null), false);
  for (const cell of cells) {
    const key = [...cell.key];
    const id = keyOf(key);
    if (index.has(id)) throw new RangeError(`cell ${id} is listed twice`);
    entries[entryAt(key, true)].count += cell.count;
    // Every total this cell is part of: each non-empty set of summed-over dimensions.
    for (let mask = 1; mask < 1 << n; mask++) {
      const total = key.map((part, d) => (mask & (1 << d) ? null : part));
      entries[entryAt(total, false)].count += cell.count;
    }
  }

  // The line along d through entry e has e's key with part d nulled as its total.
  const lines: Line[] = [];
  const lineIndex = new Map<string, number>();
  entries.forEach((entry, e) => {
    entry.key.forEach((part, d) => {
      if (part === null) return;
      const total = index.get(keyOf(entry.key.map((p, i) => (i === d ? null : p))));
      if (total === undefined) throw new Error('unreachable: a total is missing');
      const id = `${total}:${d}`;
      let l = lineIndex.get(id);
      if (l === undefined) {
        l = lines.length;
        lines.push({ total, members: [] });
        lineIndex.set(id, l);
        entries[total].totalOf.push(l);
      }
      lines[l].members.push(e);
      entry.inLines.push(l);
    });
  });
  return { entries, lines, grand };
}

/** The entry to suppress next so that `line` obeys the rules, or null when it already does. */
function repairFor(line: Line, entries: readonly Entry[], k: number): number | null {
  const total = entries[line.total];
  let suppressedMembers = 0;
  let suppressedSum = 0;
  let smallest = -1;
  for (const m of line.members) {
    const entry = entries[m];
    if (entry.suppressed) {
      suppressedMembers++;
      suppressedSum += entry.count;
    } else if (entry.count > 0 && (smallest < 0 || entry.count < entries[smallest].count)) {
      smallest = m;
    }
  }
  const broken = total.suppressed
    ? suppressedMembers === 0 // the total alone: it is the sum of the released members
    : suppressedMembers > 0 && (suppressedMembers === 1 || suppressedSum < k || suppressedSum <= suppressedMembers);
  if (!broken) return null;
  if (smallest >= 0) return smallest;
  // No member left to hide: hide the total. (A suppressed total with no suppressed member would
  // have a non-zero released member, so this branch only runs with the total released.)
  return line.total;
}

/** Every suppressed entry's feasible range must span at least this many counts. */
export interface Protection {
  solver: LinearSolver;
  width: number;
}

/** The smallest protection width allowed: a width of 0 would accept a pinned entry. */
export const MIN_PROTECTION_WIDTH = 1;

/** ⌈k × percent / 100⌉, at least 1: the protection width a report with minimum cell size k gets. */
export function protectionWidth(k: number, percent: number): number {
  return Math.max(MIN_PROTECTION_WIDTH, Math.ceil((k * percent) / 100));
}

/**
 * The audit: what an attacker holding the whole release can say about each suppressed entry.
 * One linear program per entry and direction over every line equation at once, with a listed
 * cell at least 1 (it occurred) and every released count and unlisted cell a constant, as
 * τ-ARGUS audits a table. Lines are grouped into independent blocks (suppressed entries joined by
 * a line) so each program is small; a block seen in an earlier round is not solved again.
 * Returns the suppressed entries whose integer range [⌈lo⌉, ⌊hi⌋] spans fewer than `width`.
 */
function underProtected(entries: readonly Entry[], lines: readonly Line[], protection: Protection, seen: Map<number, { lo: number; hi: number }>, cost: { rounds: number; linearPrograms: number }): number[] {
  cost.rounds++;
  const parent = entries.map((_, e) => e);
  const root = (e: number): number => {
    while (parent[e] !== e) e = parent[e] = parent[parent[e]];
    return e;
  };
  const hidden = (line: Line): number[] => [line.total, ...line.members].filter((e) => entries[e].suppressed);
  for (const line of lines) {
    const unknown = hidden(line);
    for (const e of unknown.slice(1)) parent[root(e)] = root(unknown[0]);
  }
  const blocks = new Map<number, { members: number[]; lines: Line[] }>();
  entries.forEach((entry, e) => {
    if (!entry.suppressed) return;
    const block = blocks.get(root(e)) ?? { members: [], lines: [] };
    block.members.push(e);
    blocks.set(root(e), block);
  });
  for (const line of lines) {
    const unknown = hidden(line);
    if (unknown.length > 0) (blocks.get(root(unknown[0])) as { lines: Line[] }).lines.push(line);
  }

  const failing: number[] = [];
  for (const block of blocks.values()) {
    const column = new Map(block.members.map((e, c) => [e, c]));
    const equations = block.lines.map((line) => {
      // sum(members) - total = 0, with the released parts moved to the right-hand side.
      const terms: [number, number][] = [];
      let rhs = 0;
      for (const [e, sign] of [[line.total, -1], ...line.members.map((m) => [m, 1])] as [number, number][]) {
        const c = column.get(e);
        if (c === undefined) rhs -= sign * entries[e].count;
        else terms.push([c, sign]);
      }
      return { terms, rhs };
    });
    // Feasible values seen in earlier rounds still are: a round only turns constants into variables.
    const known = { lo: block.members.map((e) => seen.get(e)?.lo ?? entries[e].count), hi: block.members.map((e) => seen.get(e)?.hi ?? entries[e].count) };
    const { narrow, programs } = narrowVariables(
      protection.solver,
      { lower: block.members.map((e) => (entries[e].isCell ? 1 : 0)), upper: block.members.map(() => Number.POSITIVE_INFINITY), equations },
      protection.width,
      known,
    );
    block.members.forEach((e, c) => seen.set(e, { lo: known.lo[c], hi: known.hi[c] }));
    cost.linearPrograms += programs;
    const blockFailing = narrow.map((c) => block.members[c]);
    failing.push(...blockFailing);
  }
  return failing.sort((a, b) => a - b);
}

/**
 * Suppresses cells and totals of a count table so that every released count is 0 or at least k
 * and no suppressed one can be recovered from the marginal equations. See the rules at the top.
 */
export function suppressCells(cells: readonly CountCell[], dimensions: readonly string[], k: number, protection: Protection): CellSuppressionResult {
  if (!Number.isSafeInteger(protection.width) || protection.width < MIN_PROTECTION_WIDTH) throw new RangeError('the protection width must be a positive integer');
  return suppress(cells, dimensions, k, protection);
}

/**
 * The line rules alone, without the audit: the benchmark's baseline ("suppression alone"). Its
 * output can be pinned by a solver; never release it.
 */
export function suppressCellsWithoutAudit(cells: readonly CountCell[], dimensions: readonly string[], k: number): CellSuppressionResult {
  return suppress(cells, dimensions, k, null);
}

function suppress(cells: readonly CountCell[], dimensions: readonly string[], k: number, protection: Protection | null): CellSuppressionResult {
  validate(cells, dimensions, k);
  const { entries, lines, grand } = buildTable(cells, dimensions.length);

  // Work list of lines to check; a new suppression re-queues every line the entry is on.
  const queued = lines.map(() => false);
  const queue: number[] = [];
  const enqueue = (l: number): void => {
    if (queued[l]) return;
    queued[l] = true;
    queue.push(l);
  };
  const hide = (e: number, reason: SuppressionReason): void => {
    entries[e].suppressed = reason;
    for (const l of [...entries[e].inLines, ...entries[e].totalOf]) enqueue(l);
  };
  const settleLines = (): void => {
    for (let head = 0; head < queue.length; head++) {
      const l = queue[head];
      queued[l] = false;
      const target = repairFor(lines[l], entries, k);
      if (target === null) continue;
      hide(target, 'SECONDARY');
      enqueue(l);
    }
    queue.length = 0;
  };

  entries.forEach((entry, e) => {
    if (entry.count > 0 && entry.count < k) hide(e, 'PRIMARY');
  });
  settleLines();

  const cost = { rounds: 0, linearPrograms: 0 };
  if (protection !== null) {
    // Line by line is not enough: equations combined can still pin or narrow an entry. Each round
    // hides, for every entry that fails the audit, the smallest released non-zero entry on its
    // lines (anywhere, if its lines have none), unless one hidden this round is already on them.
    // Each round hides at least one more entry, so this ends, at the latest with every non-zero
    // entry hidden, where any entry can grow with its totals and no range is bounded above.
    const seen = new Map<number, { lo: number; hi: number }>();
    const smallestReleased = (candidates: Iterable<number>): number => {
      let best = -1;
      for (const e of candidates) if (!entries[e].suppressed && entries[e].count > 0 && (best < 0 || entries[e].count < entries[best].count)) best = e;
      return best;
    };
    for (let failing = underProtected(entries, lines, protection, seen, cost); failing.length > 0; failing = underProtected(entries, lines, protection, seen, cost)) {
      const chosen = new Set<number>();
      for (const e of failing) {
        const near = new Set([...entries[e].inLines, ...entries[e].totalOf].flatMap((l) => [lines[l].total, ...lines[l].members]));
        if ([...chosen].some((c) => near.has(c))) continue;
        const complement = smallestReleased(near) >= 0 ? smallestReleased(near) : smallestReleased(entries.keys());
        // Nothing left to hide: an entry hidden earlier this round may already mend this one.
        if (complement < 0) break;
        chosen.add(complement);
        entries[complement].suppressed = 'SECONDARY';
      }
      if (chosen.size === 0) throw new Error('unreachable: an entry fails the audit with every non-zero entry hidden');
      for (const c of chosen) hide(c, 'SECONDARY');
      settleLines();
    }
  }

  const release = (entry: Entry): ReleasedTotal =>
    entry.suppressed ? { key: [...entry.key], count: null, suppressed: entry.suppressed } : { key: [...entry.key], count: entry.count };
  const byKey = new Map(entries.map((entry) => [keyOf(entry.key), entry]));
  const fixedParts = (entry: Entry): number => entry.key.filter((part) => part !== null).length;

  return {
    dimensions: [...dimensions],
    k,
    cells: cells.map((cell) => release(byKey.get(keyOf([...cell.key])) as Entry) as ReleasedCell),
    totals: entries
      .filter((entry, e) => !entry.isCell && e !== grand)
      .sort((a, b) => fixedParts(a) - fixedParts(b) || (keyOf(a.key) < keyOf(b.key) ? -1 : 1))
      .map(release),
    grandTotal: release(entries[grand]),
    audit: cost,
  };
}
