/**
 * The solver-neutral sparse linear model and the shape of every solver's answer.
 *
 * A {@link LinearModel} is built once (usually with {@link LinearModelBuilder}) and can be
 * solved by any backend behind {@link solve}. Variables are referred to by index; names are
 * for people (reports, LP files), not for lookup.
 */

/** One decision variable: `lower <= x <= upper`, integral when `integer`. */
export interface ModelVariable {
  /** Human-readable name (unique within the model; used in reports and `values` maps). */
  readonly name: string;
  /** Lower bound; default 0. `-Infinity` for a free variable. */
  readonly lower: number;
  /** Upper bound; default `Infinity`. */
  readonly upper: number;
  /** True for an integer variable. */
  readonly integer: boolean;
  /** Objective coefficient. */
  readonly cost: number;
}

/** One sparse row: `lower <= Σ coefs[k] · x[indices[k]] <= upper`. */
export interface ModelConstraint {
  readonly name: string;
  /** Variable indices (distinct). */
  readonly indices: readonly number[];
  /** Coefficients, parallel to `indices`. */
  readonly coefs: readonly number[];
  /** Lower bound of the row activity; `-Infinity` when none. */
  readonly lower: number;
  /** Upper bound of the row activity; `Infinity` when none. */
  readonly upper: number;
}

/** A sparse linear (or mixed-integer linear) program. */
export interface LinearModel {
  readonly sense: 'min' | 'max';
  readonly variables: readonly ModelVariable[];
  readonly constraints: readonly ModelConstraint[];
  /** Constant added to the objective; default 0. */
  readonly objectiveOffset?: number;
}

/** Backend names accepted by {@link SolveOptions.backend}. */
export type SolverBackend = 'auto' | 'jsl' | 'highs';

/** Options of {@link solve}. */
export interface SolveOptions {
  /** Wall-clock limit in milliseconds. HiGHS stops itself at the limit and is terminated hard shortly after. */
  readonly timeLimitMs: number;
  /** `'auto'` (default) picks javascript-lp-solver for small/medium models, HiGHS for large ones. */
  readonly backend?: SolverBackend;
  /** Feasibility / integrality tolerance of the result check; default 1e-6. */
  readonly tolerance?: number;
  /** Relative MIP gap accepted as optimal; default 0 (exact). */
  readonly mipGap?: number;
}

/** Final state of a solve, after the result check. */
export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeout' | 'error';

/** One way a returned solution breaks the model (found by {@link checkSolution}). */
export interface Violation {
  readonly kind: 'integrality' | 'bound' | 'row' | 'non-finite';
  /** Variable or constraint name. */
  readonly name: string;
  /** The offending value (variable value or row activity). */
  readonly value: number;
  /** What it should have been within, e.g. `[0, 4]` or `integer`. */
  readonly expected: string;
  /** Size of the violation (distance to the nearest admissible value). */
  readonly amount: number;
}

/** The answer of {@link solve}. Every `values` vector has been checked against the model. */
export interface SolveResult {
  readonly status: SolveStatus;
  /** Objective value of `values` (recomputed from the model, offset included); NaN without a solution. */
  readonly objective: number;
  /** Best proven bound on the objective (MIP dual bound); equals `objective` when optimal. */
  readonly bound?: number;
  /** Value of each variable by index; empty when there is no solution. */
  readonly values: Float64Array;
  /** Wall-clock time of the solve, ms (model translation included). */
  readonly timeMs: number;
  /** Backend that produced the answer. */
  readonly backend: 'jsl' | 'highs';
  /** True when every integer variable has an integral value (within tolerance). */
  readonly integral: boolean;
  /** What the check found wrong (non-empty only with status `'error'`). */
  readonly violations: readonly Violation[];
  /** A short human-readable note (backend status text, error message). */
  readonly message?: string;
}

/** Options of {@link LinearModelBuilder.addVariable}. */
export interface VariableSpec {
  lower?: number;
  upper?: number;
  integer?: boolean;
  cost?: number;
}

/**
 * Mutable helper that assembles a {@link LinearModel}.
 *
 * @example
 * const m = new LinearModelBuilder('max');
 * const x = m.addVariable('x', { upper: 4, integer: true, cost: 3 });
 * const y = m.addVariable('y', { cost: 2 });
 * m.addConstraint('cap', [[x, 1], [y, 1]], { upper: 5 });
 * const model = m.build();
 */
export class LinearModelBuilder {
  private readonly vars: ModelVariable[] = [];
  private readonly rows: ModelConstraint[] = [];
  private offset = 0;

  constructor(private readonly sense: 'min' | 'max') {}

  /** Number of variables added so far. */
  get variableCount(): number {
    return this.vars.length;
  }

  /** Adds a variable (default: continuous, `[0, ∞)`, cost 0) and returns its index. */
  addVariable(name: string, spec: VariableSpec = {}): number {
    this.vars.push({
      name,
      lower: spec.lower ?? 0,
      upper: spec.upper ?? Infinity,
      integer: spec.integer ?? false,
      cost: spec.cost ?? 0,
    });
    return this.vars.length - 1;
  }

  /**
   * Adds a row `lower <= Σ coef·x <= upper` from `[index, coef]` terms (duplicates are summed,
   * zeros dropped) and returns its index.
   */
  addConstraint(
    name: string,
    terms: ReadonlyArray<readonly [number, number]>,
    bounds: { lower?: number; upper?: number; equal?: number },
  ): number {
    const acc = new Map<number, number>();
    for (const [i, c] of terms) acc.set(i, (acc.get(i) ?? 0) + c);
    const indices: number[] = [];
    const coefs: number[] = [];
    for (const [i, c] of acc) {
      if (c !== 0) {
        indices.push(i);
        coefs.push(c);
      }
    }
    this.rows.push({
      name,
      indices,
      coefs,
      lower: bounds.equal ?? bounds.lower ?? -Infinity,
      upper: bounds.equal ?? bounds.upper ?? Infinity,
    });
    return this.rows.length - 1;
  }

  /** Adds a constant to the objective. */
  addObjectiveConstant(c: number): void {
    this.offset += c;
  }

  /** The finished model (the builder may be reused afterwards; the model is a snapshot). */
  build(): LinearModel {
    return {
      sense: this.sense,
      variables: this.vars.slice(),
      constraints: this.rows.slice(),
      objectiveOffset: this.offset,
    };
  }
}

/** Objective value of `values` under `model` (offset included). */
export function objectiveOf(model: LinearModel, values: ArrayLike<number>): number {
  let z = model.objectiveOffset ?? 0;
  const vars = model.variables;
  for (let j = 0; j < vars.length; j++) z += vars[j]!.cost * values[j]!;
  return z;
}

/** Number of integer variables of `model`. */
export function integerCount(model: LinearModel): number {
  let n = 0;
  for (const v of model.variables) if (v.integer) n++;
  return n;
}
