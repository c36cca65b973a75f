import type { LinearSolver } from '../../src/plugins/anonymization/linear-solver';

/**
 * The τ-ARGUS-style attacker, written apart from the implementation: it reads only a released
 * table (listed cells, totals, grand total; null where suppressed), writes one linear program per
 * suppressed entry and direction in CPLEX LP text, and solves it with HiGHS's one-shot API. What
 * it knows: every line equation (a total is the sum of the entries that share its key but one
 * part), every released count, that an unlisted cell is 0 and that a listed suppressed cell
 * occurred at least once.
 */

export interface ReleasedEntry {
  key: readonly (string | null)[];
  count: number | null;
}

export interface ReleasedTable {
  cells: readonly ReleasedEntry[];
  totals: readonly ReleasedEntry[];
  grandTotal: ReleasedEntry;
}

export interface AttackedEntry {
  key: (string | null)[];
  /** The whole numbers the entry can be, given the release: [⌈LP min⌉, ⌊LP max⌋]. */
  lo: number;
  hi: number;
}

const id = (key: readonly (string | null)[]): string => JSON.stringify(key);

export function attackWithSolver(solver: LinearSolver, table: ReleasedTable): AttackedEntry[] {
  const cellIds = new Set(table.cells.map((c) => id(c.key)));
  const all = [...table.cells, ...table.totals, table.grandTotal];
  const unknown = all.filter((e) => e.count === null);
  const variable = new Map(unknown.map((e, i) => [id(e.key), `x${i}`]));

  // A total with a null part d is the sum of every listed entry equal to it elsewhere and fixed at d.
  const constraints: string[] = [];
  for (const total of all) {
    total.key.forEach((part, d) => {
      if (part !== null) return;
      const members = all.filter((e) => e.key[d] !== null && e.key.every((p, i) => i === d || p === total.key[i]));
      if (members.length === 0) return;
      let rhs = 0;
      const terms: string[] = [];
      for (const m of members) {
        if (m.count === null) terms.push(`+ ${variable.get(id(m.key))}`);
        else rhs -= m.count;
      }
      if (total.count === null) terms.push(`- ${variable.get(id(total.key))}`);
      else rhs += total.count;
      if (terms.length > 0) constraints.push(` c${constraints.length}: ${terms.join(' ')} = ${rhs}`);
    });
  }
  const bounds = unknown.map((e) => ` ${variable.get(id(e.key))} >= ${cellIds.has(id(e.key)) ? 1 : 0}`);

  return unknown.map((e) => {
    const x = variable.get(id(e.key)) as string;
    const solve = (sense: 'Minimize' | 'Maximize'): number => {
      const lp = [sense, ` obj: ${x}`, 'Subject To', ...(constraints.length > 0 ? constraints : [` c0: ${x} >= 0`]), 'Bounds', ...bounds, 'End'].join('\n');
      const result = solver.solve(lp);
      if (result.Status === 'Optimal') return result.ObjectiveValue;
      if (result.Status === 'Unbounded' || result.Status === 'Primal infeasible or unbounded') return sense === 'Minimize' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      throw new Error(`attacker's LP ended ${result.Status} for ${id(e.key)}`);
    };
    return { key: [...e.key], lo: Math.ceil(solve('Minimize') - 1e-6), hi: Math.floor(solve('Maximize') + 1e-6) };
  });
}

/** The suppressed entries whose range, given the release, is narrower than `width`. */
export function narrowerThan(solver: LinearSolver, table: ReleasedTable, width: number): AttackedEntry[] {
  return attackWithSolver(solver, table).filter((e) => e.hi - e.lo < width);
}
