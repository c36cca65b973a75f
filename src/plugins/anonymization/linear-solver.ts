import highsLoader, { type Highs } from 'highs';

/**
 * HiGHS (University of Edinburgh) compiled to WebAssembly, from the npm package `highs`: the
 * linear-programming solver the suppression audit uses (issue 26 asks for a well-kept solver,
 * not one of our own). Solves are synchronous; the runtime loads once per process.
 */
export type LinearSolver = Highs;

let loading: Promise<LinearSolver> | undefined;

export function loadLinearSolver(): Promise<LinearSolver> {
  loading ??= highsLoader().catch((error: unknown) => {
    // A failed load is retried by the next caller rather than cached forever.
    loading = undefined;
    throw error;
  });
  return loading;
}

export interface Interval {
  /** Smallest value the variable can take, -Infinity when unbounded. */
  lo: number;
  /** Largest value, Infinity when unbounded. */
  hi: number;
}

export interface LinearSystem {
  /** Lower and upper bound of each variable (Infinity for none). */
  lower: number[];
  upper: number[];
  /** Equations: sum of coefficient × variable = rhs, each term [variable, coefficient]. */
  equations: { terms: [number, number][]; rhs: number }[];
}

type Sense = 'minimize' | 'maximize';

/** The system as one persistent HiGHS model, and a way to optimise one variable at a time on it. */
function withModel<T>(solver: LinearSolver, system: LinearSystem, use: (optimum: (column: number, sense: Sense) => { value: number; point: Float64Array | null }) => T): T {
  const numCols = system.lower.length;
  const numRows = system.equations.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const equation of system.equations) {
    for (const [column, coefficient] of equation.terms) {
      indices.push(column);
      values.push(coefficient);
    }
    starts.push(indices.length);
  }
  const inf = (v: number): number => (v === Number.POSITIVE_INFINITY ? solver.infinity : v === Number.NEGATIVE_INFINITY ? -solver.infinity : v);
  // Built on the first solve: a system whose every variable is already answered costs nothing.
  let model: ReturnType<LinearSolver['createModel']> | null = null;
  const open = (): ReturnType<LinearSolver['createModel']> => {
    model ??= solver.createModel({
      numCols,
      numRows,
      colCost: new Array<number>(numCols).fill(0),
      colLower: system.lower.map(inf),
      colUpper: system.upper.map(inf),
      rowLower: system.equations.map((e) => e.rhs),
      rowUpper: system.equations.map((e) => e.rhs),
      matrix: { format: 'csr', numRows, numCols, starts, indices, values },
    });
    model.options.set({ output_flag: false, presolve: 'off' });
    return model;
  };
  try {
    const status = solver.constants.modelStatus;
    let costed = -1;
    return use((column, sense) => {
      const model = open();
      if (costed !== column) {
        if (costed >= 0) model.changeColCost(costed, 0);
        model.changeColCost(column, 1);
        costed = column;
      }
      model.changeObjectiveSense(solver.constants.objectiveSense[sense]);
      model.run();
      let outcome = model.getModelStatus();
      if (outcome === status.unknown) {
        // Seen after an unbounded solve: the basis carried over is no start. Solve from scratch.
        model.clearSolver();
        model.run();
        outcome = model.getModelStatus();
      }
      if (outcome === status.optimal) return { value: model.getObjectiveValue(), point: model.getSolution().colValue };
      // The system is feasible by construction (the true values satisfy it), so "unbounded or
      // infeasible" can only mean unbounded.
      if (outcome === status.unbounded || outcome === status.unboundedOrInfeasible) return { value: sense === 'minimize' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, point: null };
      throw new Error(`linear solver ended with model status ${outcome} on a feasible system`);
    });
  } finally {
    (model as ReturnType<LinearSolver['createModel']> | null)?.dispose();
  }
}

/** The whole numbers in an interval, end to end: ⌊hi⌋ − ⌈lo⌉, with a tolerance for float noise. */
export function wholeSpan(lo: number, hi: number): number {
  return Math.floor(hi + 1e-6) - Math.ceil(lo - 1e-6);
}

/** The range of every variable over the system's feasible set: two linear programs per variable. */
export function variableRanges(solver: LinearSolver, system: LinearSystem): Interval[] {
  return withModel(solver, system, (optimum) => system.lower.map((_, column) => ({ lo: optimum(column, 'minimize').value, hi: optimum(column, 'maximize').value })));
}

/**
 * The variables whose whole-number range spans fewer than `width`, and how many linear programs
 * that took. `seen` holds, per variable, the smallest and largest value of the feasible points
 * known so far (at least the true values); every optimum found is added to it. Two feasible
 * points at least `width` apart in a variable prove its range wide without a program for it, so
 * most variables of a large table cost none, and a caller that only relaxes the system (turns a
 * constant into a variable, whose old value stays feasible) can carry `seen` over.
 */
export function narrowVariables(solver: LinearSolver, system: LinearSystem, width: number, seen: { lo: number[]; hi: number[] }): { narrow: number[]; programs: number } {
  const see = (point: Float64Array | null): void => {
    if (point === null) return;
    point.forEach((v, c) => {
      if (v < seen.lo[c]) seen.lo[c] = v;
      if (v > seen.hi[c]) seen.hi[c] = v;
    });
  };
  const proven = (c: number): boolean => wholeSpan(seen.lo[c], seen.hi[c]) >= width;
  let programs = 0;
  const narrow = withModel(solver, system, (optimum) =>
    system.lower.flatMap((_, column) => {
      if (proven(column)) return [];
      programs++;
      const high = optimum(column, 'maximize');
      if (high.value === Number.POSITIVE_INFINITY) {
        seen.hi[column] = Number.POSITIVE_INFINITY;
        return [];
      }
      see(high.point);
      if (proven(column)) return [];
      programs++;
      const low = optimum(column, 'minimize');
      see(low.point);
      return wholeSpan(low.value, high.value) < width ? [column] : [];
    }),
  );
  return { narrow, programs };
}
