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

/**
 * The range of every variable over the system's feasible set: two linear programs per variable
 * (minimise it, maximise it) on one persistent model, so each solve starts from the last basis.
 */
export function variableRanges(solver: LinearSolver, system: LinearSystem): Interval[] {
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
  const model = solver.createModel({
    numCols,
    numRows,
    colCost: new Array<number>(numCols).fill(0),
    colLower: system.lower.map(inf),
    colUpper: system.upper.map(inf),
    rowLower: system.equations.map((e) => e.rhs),
    rowUpper: system.equations.map((e) => e.rhs),
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
  });
  try {
    model.options.set('output_flag', false);
    const status = solver.constants.modelStatus;
    const optimum = (sense: 'minimize' | 'maximize'): number => {
      model.changeObjectiveSense(solver.constants.objectiveSense[sense]);
      model.run();
      let outcome = model.getModelStatus();
      if (outcome === status.unknown) {
        // Seen after an unbounded solve: the basis carried over is no start. Solve from scratch.
        model.clearSolver();
        model.run();
        outcome = model.getModelStatus();
      }
      if (outcome === status.optimal) return model.getObjectiveValue();
      // The system is feasible by construction (the true values satisfy it), so "unbounded or
      // infeasible" can only mean unbounded.
      if (outcome === status.unbounded || outcome === status.unboundedOrInfeasible) return sense === 'minimize' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      throw new Error(`linear solver ended with model status ${outcome} on a feasible system`);
    };
    const ranges: Interval[] = [];
    for (let column = 0; column < numCols; column++) {
      if (column > 0) model.changeColCost(column - 1, 0);
      model.changeColCost(column, 1);
      ranges.push({ lo: optimum('minimize'), hi: optimum('maximize') });
    }
    return ranges;
  } finally {
    model.dispose();
  }
}
