/**
 * The one solver interface of the engine: {@link solve}.
 */
import { BeatplanError } from '../errors.js';
import { checkSolution, isIntegral } from './check.js';
import { solveWithHighs } from './highs.js';
import { type RawSolve, solveWithJsl } from './jsl.js';
import { integerCount, type LinearModel, objectiveOf, type SolveOptions, type SolveResult } from './model.js';

/**
 * Size above which `'auto'` sends a model to HiGHS. javascript-lp-solver keeps a dense tableau
 * (rows × columns doubles, bounds as extra rows) and branches without strong bounding, so the
 * limits are on tableau cells and on integer variables.
 */
export const AUTO_LIMITS = {
  /** Max dense tableau cells (rows incl. bound rows × columns) for javascript-lp-solver. */
  jslMaxTableauCells: 400_000,
  /** Max integer variables for javascript-lp-solver. */
  jslMaxIntegers: 30,
} as const;

/**
 * Backend that `'auto'` picks for `model`: javascript-lp-solver for small and medium models
 * (see {@link AUTO_LIMITS}), HiGHS otherwise.
 */
export function chooseBackend(model: LinearModel): 'jsl' | 'highs' {
  let boundRows = 0;
  for (const v of model.variables) {
    if (Number.isFinite(v.upper)) boundRows++;
    if (v.lower !== 0 && Number.isFinite(v.lower)) boundRows++;
  }
  const rows = model.constraints.length + boundRows;
  const cells = (rows + 1) * (model.variables.length + rows + 1);
  if (cells > AUTO_LIMITS.jslMaxTableauCells) return 'highs';
  if (integerCount(model) > AUTO_LIMITS.jslMaxIntegers) return 'highs';
  return 'jsl';
}

/**
 * Solves a linear or mixed-integer model and checks the answer.
 *
 * Every returned solution is verified against the model: finite values, integrality of integer
 * variables, every bound and row within `tolerance` (default 1e-6). A solution that fails the
 * check comes back with `status: 'error'` and the `violations` (javascript-lp-solver, for one,
 * can return a fractional LP relaxation marked feasible). The objective is recomputed from the
 * values. `'timeout'` means the limit stopped the solve; `values` then holds the best checked
 * incumbent, or is empty. Never throws for solver trouble; see {@link requireSolution}.
 *
 * @param model sparse model (see {@link LinearModelBuilder})
 * @param options `timeLimitMs` (wall clock), `backend` (`'auto'` default), `tolerance`, `mipGap`
 * @example
 * const r = await solve(model, { timeLimitMs: 5000 });
 * if (r.status === 'optimal') console.log(r.objective, r.values);
 */
export async function solve(model: LinearModel, options: SolveOptions): Promise<SolveResult> {
  const t0 = performance.now();
  const tol = options.tolerance ?? 1e-6;
  const requested = options.backend ?? 'auto';
  const backend = requested === 'auto' ? chooseBackend(model) : requested;
  if (!(options.timeLimitMs > 0)) {
    throw new BeatplanError('BAD_INPUT', 'solve: timeLimitMs must be a positive number', {
      field: 'timeLimitMs',
      value: options.timeLimitMs,
    });
  }
  let raw: RawSolve;
  if (model.variables.length === 0) raw = { status: 'optimal', values: new Float64Array(0) };
  else if (backend === 'jsl') raw = solveWithJsl(model, options.timeLimitMs);
  else raw = await solveWithHighs(model, options.timeLimitMs, options.mipGap ?? 0);
  return finishResult(model, raw, backend, performance.now() - t0, tol);
}

function finishResult(model: LinearModel, raw: RawSolve, backend: 'jsl' | 'highs', timeMs: number, tol: number): SolveResult {
  const empty = new Float64Array(0);
  if (!raw.values) {
    return {
      status: raw.status === 'optimal' || raw.status === 'feasible' ? 'error' : raw.status,
      objective: NaN,
      bound: raw.bound,
      values: empty,
      timeMs,
      backend,
      integral: false,
      violations: [],
      message: raw.message,
    };
  }
  const violations = checkSolution(model, raw.values, tol);
  const integral = isIntegral(model, raw.values, tol);
  const objective = objectiveOf(model, raw.values);
  if (violations.length) {
    return {
      status: 'error',
      objective,
      bound: raw.bound,
      values: raw.values,
      timeMs,
      backend,
      integral,
      violations,
      message: `${raw.message ?? backend}: returned solution fails the check (${violations.length} violation(s), first: ${violations[0]!.kind} ${violations[0]!.name})`,
    };
  }
  return {
    status: raw.status,
    objective,
    bound: raw.status === 'optimal' ? (integerCount(model) ? (raw.bound ?? objective) : objective) : raw.bound,
    values: raw.values,
    timeMs,
    backend,
    integral,
    violations,
    message: raw.message,
  };
}

/**
 * Returns `result` when it holds a usable (checked) solution, else throws the matching
 * {@link BeatplanError}: `INFEASIBLE`, `SOLVER_TIMEOUT`, or `SOLVER_FAILED` (with the violations).
 *
 * @param what names the model in the message, e.g. `"allocation, shift 0-8"`
 * @param acceptFeasible also accept a non-proven (`'feasible'`/`'timeout'` with values) answer
 */
export function requireSolution(result: SolveResult, what: string, acceptFeasible = false): SolveResult {
  if (result.status === 'optimal') return result;
  if (acceptFeasible && (result.status === 'feasible' || result.status === 'timeout') && result.values.length) {
    return result;
  }
  const details = { backend: result.backend, status: result.status, timeMs: result.timeMs, violations: result.violations };
  if (result.status === 'infeasible') throw new BeatplanError('INFEASIBLE', `${what}: no solution satisfies the constraints`, details);
  if (result.status === 'timeout')
    throw new BeatplanError('SOLVER_TIMEOUT', `${what}: time limit reached (${Math.round(result.timeMs)} ms)`, details);
  throw new BeatplanError('SOLVER_FAILED', `${what}: ${result.message ?? result.status}`, details);
}
