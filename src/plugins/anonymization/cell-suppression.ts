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
 * - Then an audit across lines: bounds on every suppressed entry, narrowed by every equation in
 *   turn until nothing moves (what a patient attacker does by hand). If that pins an entry, the
 *   smallest released non-zero entry on its lines (or anywhere, if they have none) is suppressed
 *   too, and the line rules run again. Each round hides one more entry, so this ends as well;
 *   with every non-zero entry hidden no upper bound ever becomes finite, so nothing is pinned.
 *
 * Guaranteed: every released count is 0 or >= k; no suppressed entry follows from one equation
 * or from chaining them (that needs a line with one unknown to start from, and there is none);
 * the suppressed entries of a line with a released total add up to >= k; bounds propagation
 * over all equations (up to 100 sweeps) pins nothing. Not guaranteed: an exact linear-programming
 * attack over all equations at once (a τ-ARGUS-style audit) can narrow ranges further.
 * Publish one symbol for both reasons: telling the public which suppressions are PRIMARY
 * (1..k-1) and which SECONDARY (>= k) gives away bounds these rules do not assume.
 */

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

// Bounds can keep shrinking by small steps around cycles of lines; past this many sweeps the
// audit stops (what it found so far is still real) rather than run for as long as the counts are big.
const MAX_AUDIT_SWEEPS = 100;

/**
 * The attacker's cheap global attack: start every suppressed entry at [1, ∞), then narrow the
 * bounds with every line equation in turn (a + b + ... = total) until nothing moves. Returns
 * the suppressed entries pinned to a single value. Sound but weaker than linear programming.
 */
function pinnedByPropagation(entries: readonly Entry[], lines: readonly Line[]): number[] {
  const lo = entries.map((e) => (e.suppressed ? 1 : e.count));
  const hi = entries.map((e) => (e.suppressed ? Number.POSITIVE_INFINITY : e.count));
  for (let sweep = 0, moved = true; moved && sweep < MAX_AUDIT_SWEEPS; sweep++) {
    moved = false;
    for (const line of lines) {
      // sum(members) - total = 0, as sum(sign * x) = constant over the unknowns.
      const terms: Array<[number, number]> = [...line.members.map((m): [number, number] => [m, 1]), [line.total, -1]];
      let constant = 0;
      const unknown: Array<[number, number]> = [];
      for (const [e, sign] of terms) {
        if (entries[e].suppressed) unknown.push([e, sign]);
        else constant -= sign * entries[e].count;
      }
      if (unknown.length === 0) continue;
      // Range of the whole unknown sum, with infinite parts counted apart to avoid ∞ - ∞.
      const low = (e: number, sign: number): number => (sign > 0 ? lo[e] : -hi[e]);
      const high = (e: number, sign: number): number => (sign > 0 ? hi[e] : -lo[e]);
      let lowSum = 0;
      let lowInfinite = 0;
      let highSum = 0;
      let highInfinite = 0;
      for (const [e, sign] of unknown) {
        if (Number.isFinite(low(e, sign))) lowSum += low(e, sign);
        else lowInfinite++;
        if (Number.isFinite(high(e, sign))) highSum += high(e, sign);
        else highInfinite++;
      }
      for (const [e, sign] of unknown) {
        const ownLow = low(e, sign);
        const ownHigh = high(e, sign);
        const restLow = lowInfinite - (Number.isFinite(ownLow) ? 0 : 1) > 0 ? Number.NEGATIVE_INFINITY : lowSum - (Number.isFinite(ownLow) ? ownLow : 0);
        const restHigh = highInfinite - (Number.isFinite(ownHigh) ? 0 : 1) > 0 ? Number.POSITIVE_INFINITY : highSum - (Number.isFinite(ownHigh) ? ownHigh : 0);
        // sign * x = constant - rest
        const [newLo, newHi] = sign > 0 ? [constant - restHigh, constant - restLow] : [restLow - constant, restHigh - constant];
        if (newLo > lo[e]) {
          lo[e] = newLo;
          moved = true;
        }
        if (newHi < hi[e]) {
          hi[e] = newHi;
          moved = true;
        }
      }
    }
  }
  return entries.flatMap((e, i) => (e.suppressed && lo[i] === hi[i] ? [i] : []));
}

/**
 * Suppresses cells and totals of a count table so that every released count is 0 or at least k
 * and no suppressed one can be recovered from the marginal equations. See the rules at the top.
 */
export function suppressCells(cells: readonly CountCell[], dimensions: readonly string[], k: number): CellSuppressionResult {
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
  const suppress = (e: number, reason: SuppressionReason): void => {
    entries[e].suppressed = reason;
    for (const l of [...entries[e].inLines, ...entries[e].totalOf]) enqueue(l);
  };
  const settleLines = (): void => {
    for (let head = 0; head < queue.length; head++) {
      const l = queue[head];
      queued[l] = false;
      const target = repairFor(lines[l], entries, k);
      if (target === null) continue;
      suppress(target, 'SECONDARY');
      enqueue(l);
    }
    queue.length = 0;
  };

  entries.forEach((entry, e) => {
    if (entry.count > 0 && entry.count < k) suppress(e, 'PRIMARY');
  });
  settleLines();

  // Line by line is not enough: equations combined can still pin an entry. Each round hides one
  // more entry next to a pinned one, so this ends, at the latest with every non-zero entry hidden,
  // where no bound below infinity can arise and nothing is pinned.
  for (let pinned = pinnedByPropagation(entries, lines); pinned.length > 0; pinned = pinnedByPropagation(entries, lines)) {
    const near = [...entries[pinned[0]].inLines, ...entries[pinned[0]].totalOf].flatMap((l) => [lines[l].total, ...lines[l].members]);
    const smallestReleased = (candidates: number[]): number =>
      candidates.reduce((best, e) => (entries[e].suppressed || entries[e].count === 0 || (best >= 0 && entries[best].count <= entries[e].count) ? best : e), -1);
    let complement = smallestReleased(near);
    if (complement < 0) complement = smallestReleased(entries.map((_, e) => e));
    if (complement < 0) throw new Error('unreachable: an entry is pinned with every non-zero entry hidden');
    suppress(complement, 'SECONDARY');
    settleLines();
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
  };
}
