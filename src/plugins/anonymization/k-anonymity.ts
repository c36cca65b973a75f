/**
 * k-anonymity over rows in memory: full-domain generalization of the quasi-identifiers, one
 * level per column for all rows (Datafly, Sweeney 2002), then bounded suppression of the rows
 * left in classes smaller than k.
 */

/**
 * Maps a value to its generalization at `level`: level 0 is the finest published form, each
 * level must be a function of the one below it (so that generalizing only ever merges
 * classes), and `maxLevel` is usually "*".
 */
export type Hierarchy = (value: unknown, level: number) => string | null;

export interface GeneralizationHierarchy {
  hierarchy: Hierarchy;
  maxLevel: number;
}

export interface QuasiIdentifier extends GeneralizationHierarchy {
  column: string;
}

export interface KAnonymizeOptions {
  quasiIdentifiers: readonly QuasiIdentifier[];
  k: number;
  /** Share of rows that may be suppressed instead of generalizing further (default 0.05). */
  maxSuppressionRate?: number;
}

export type GeneralizedRow<R> = { [C in keyof R]: R[C] | string | null };

export interface KAnonymizeResult<R> {
  /** Input order, quasi-identifiers generalized, suppressed rows left out. */
  rows: GeneralizedRow<R>[];
  /** Generalization level chosen per quasi-identifier column. */
  levels: Record<string, number>;
  /** Size of the smallest equivalence class released: >= k, or 0 when no row is left. */
  kAchieved: number;
  suppressedRows: number;
}

export const DEFAULT_MAX_SUPPRESSION_RATE = 0.05;

/**
 * Rows that share their quasi-identifier values (in the order of `quasiIdentifiers`), counted:
 * all the decision needs. A table of any size is decided from its histogram, and its rows then
 * streamed through `generalize` (a due-diligence export never holds its rows at once).
 */
export interface QuasiIdentifierGroup {
  values: readonly unknown[];
  count: number;
}

export interface KAnonymityPlan {
  /** Generalization level chosen per quasi-identifier column. */
  levels: Record<string, number>;
  /** Size of the smallest equivalence class released: >= k, or 0 when no row is left. */
  kAchieved: number;
  suppressedRows: number;
  /** A row's quasi-identifier values generalized at the chosen levels, or null when its class is suppressed. */
  generalize(values: readonly unknown[]): (string | null)[] | null;
}

interface Partition {
  /** Class key of every group. */
  keys: string[];
  sizes: Map<string, number>;
  rowsInSmallClasses: number;
}

function validate(options: KAnonymizeOptions, rate: number): void {
  if (!Number.isSafeInteger(options.k) || options.k < 1) throw new RangeError('k must be a positive integer');
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('maxSuppressionRate must be between 0 and 1');
  const seen = new Set<string>();
  for (const qi of options.quasiIdentifiers) {
    if (seen.has(qi.column)) throw new RangeError(`quasi-identifier ${qi.column} is listed twice`);
    seen.add(qi.column);
    if (!Number.isSafeInteger(qi.maxLevel) || qi.maxLevel < 0) throw new RangeError(`maxLevel of ${qi.column} must be a non-negative integer`);
  }
}

// JSON keeps null apart from "null" and cannot be confused by separators inside values.
const classKey = (values: readonly (string | null)[]) => JSON.stringify(values);

/**
 * Decides the generalization from the groups: level by level, always the column with the most
 * distinct values (Datafly), until the rows in classes smaller than k fit the suppression budget
 * or nothing can be generalized; then lowers any level it can without leaving the budget (Datafly
 * alone over-generalizes); the rows still in small classes are suppressed. The same decision as
 * on the rows themselves: every level is a function of the one below, so rows with equal values
 * fall in one class at every level.
 */
export function planKAnonymity(groups: readonly QuasiIdentifierGroup[], options: KAnonymizeOptions): KAnonymityPlan {
  const rate = options.maxSuppressionRate ?? DEFAULT_MAX_SUPPRESSION_RATE;
  validate(options, rate);
  if (!Array.isArray(groups)) throw new TypeError('groups must be an array');
  const { k } = options;
  const qis = options.quasiIdentifiers;
  for (const g of groups) {
    if (!Number.isSafeInteger(g.count) || g.count < 1) throw new RangeError('a group counts at least one row');
    if (g.values.length !== qis.length) throw new RangeError(`a group has ${g.values.length} values for ${qis.length} quasi-identifiers`);
  }
  const total = groups.reduce((n, g) => n + g.count, 0);
  const budget = Math.floor(rate * total);

  // Generalized values per column and level, computed once: hierarchies may be costly.
  const cache = qis.map(() => new Map<number, (string | null)[]>());
  const column = (q: number, level: number): (string | null)[] => {
    let values = cache[q].get(level);
    if (!values) {
      values = groups.map((g) => qis[q].hierarchy(g.values[q], level));
      cache[q].set(level, values);
    }
    return values;
  };

  const partition = (levels: readonly number[]): Partition => {
    const cols = qis.map((_, q) => column(q, levels[q]));
    const keys = groups.map((_, i) => classKey(cols.map((c) => c[i])));
    const sizes = new Map<string, number>();
    keys.forEach((key, i) => sizes.set(key, (sizes.get(key) ?? 0) + groups[i].count));
    let rowsInSmallClasses = 0;
    for (const size of sizes.values()) if (size < k) rowsInSmallClasses += size;
    return { keys, sizes, rowsInSmallClasses };
  };

  const levels = qis.map(() => 0);
  let current = partition(levels);
  while (current.rowsInSmallClasses > budget) {
    let pick = -1;
    let mostDistinct = -1;
    qis.forEach((qi, q) => {
      if (levels[q] >= qi.maxLevel) return;
      const distinct = new Set(column(q, levels[q])).size;
      if (distinct > mostDistinct) {
        pick = q;
        mostDistinct = distinct;
      }
    });
    if (pick < 0) break; // fully generalized: whatever is still small gets suppressed
    levels[pick]++;
    current = partition(levels);
  }

  if (current.rowsInSmallClasses <= budget) {
    // Minimality pass: undo any step that turns out not to be needed.
    for (let improved = true; improved; ) {
      improved = false;
      for (let q = 0; q < qis.length; q++) {
        if (levels[q] === 0) continue;
        levels[q]--;
        const lower = partition(levels);
        if (lower.rowsInSmallClasses <= budget) {
          current = lower;
          improved = true;
        } else {
          levels[q]++;
        }
      }
    }
  }

  let kAchieved = Number.POSITIVE_INFINITY;
  let released = 0;
  for (const size of current.sizes.values()) {
    if (size < k) continue;
    kAchieved = Math.min(kAchieved, size);
    released += size;
  }
  const sizes = current.sizes;
  const chosen = [...levels];
  return {
    levels: Object.fromEntries(qis.map((qi, q) => [qi.column, chosen[q]])),
    kAchieved: released === 0 ? 0 : kAchieved,
    suppressedRows: total - released,
    generalize(values) {
      const generalized = qis.map((qi, q) => qi.hierarchy(values[q], chosen[q]));
      return (sizes.get(classKey(generalized)) ?? 0) >= k ? generalized : null;
    },
  };
}

/**
 * k-anonymity over rows in memory: the rows grouped by their quasi-identifiers' finest form,
 * decided by planKAnonymity, released in input order.
 */
export function kAnonymize<R extends Record<string, unknown>>(rows: readonly R[], options: KAnonymizeOptions): KAnonymizeResult<R> {
  validate(options, options.maxSuppressionRate ?? DEFAULT_MAX_SUPPRESSION_RATE);
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array');
  const qis = options.quasiIdentifiers;
  const groups = new Map<string, { values: unknown[]; count: number }>();
  for (const row of rows) {
    const values = qis.map((qi) => row[qi.column]);
    const key = classKey(qis.map((qi, q) => qi.hierarchy(values[q], 0)));
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { values, count: 1 });
  }
  const plan = planKAnonymity([...groups.values()], options);
  const released: GeneralizedRow<R>[] = [];
  for (const row of rows) {
    const generalized = plan.generalize(qis.map((qi) => row[qi.column]));
    if (!generalized) continue;
    const out: Record<string, unknown> = { ...row };
    qis.forEach((qi, q) => {
      out[qi.column] = generalized[q];
    });
    released.push(out as GeneralizedRow<R>);
  }
  return { rows: released, levels: plan.levels, kAchieved: plan.kAchieved, suppressedRows: plan.suppressedRows };
}

// ---------------------------------------------------------------------------------------------
// Ready-made hierarchies. Below the top level, a missing value stays null (its own class); at the
// top everything, missing or not, becomes "*" so that the top level is one class.

const TOP = '*';

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** "US-CA" → "US" → "*" (ISO 3166-2 subdivision → country). */
export const regionHierarchy: GeneralizationHierarchy = {
  maxLevel: 2,
  hierarchy: (value, level) => {
    if (level >= 2) return TOP;
    const region = text(value);
    if (region === null) return null;
    const upper = region.toUpperCase();
    return level === 0 ? upper : upper.split('-')[0];
  },
};

const WIDER_AGE_BAND: Readonly<Record<string, string>> = {
  'under-13': 'under-18',
  '13-17': 'under-18',
  '18-24': '18-44',
  '25-34': '18-44',
  '35-44': '18-44',
  '45-54': '45+',
  '55-64': '45+',
  '65+': '45+',
};

/** An age band ("25-34") → "under-18" | "18-44" | "45+" → "*". */
export const ageBandHierarchy: GeneralizationHierarchy = {
  maxLevel: 2,
  hierarchy: (value, level) => {
    if (level >= 2) return TOP;
    const band = text(value);
    if (band === null) return null;
    // An unknown band is not passed through at level 1: a rare value is what identifies.
    return level === 0 ? band : (WIDER_AGE_BAND[band] ?? null);
  },
};

const MONTH = /^(\d{4})-(\d{2})/;

/** A signup month ("2026-03", a longer ISO date or a Date) → "2026" → "*". */
export const signupMonthHierarchy: GeneralizationHierarchy = {
  maxLevel: 2,
  hierarchy: (value, level) => {
    if (level >= 2) return TOP;
    let month: string | null = null;
    if (value instanceof Date) {
      if (!Number.isNaN(value.getTime())) month = value.toISOString().slice(0, 7);
    } else {
      const m = MONTH.exec(text(value) ?? '');
      if (m) month = `${m[1]}-${m[2]}`;
    }
    if (month === null) return null;
    return level === 0 ? month : month.slice(0, 4);
  },
};
