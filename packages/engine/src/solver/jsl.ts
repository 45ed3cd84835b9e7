/**
 * javascript-lp-solver backend: translates a {@link LinearModel} to its JSON model.
 */
import { type JslModel, jslSolve } from './backends.js';
import type { LinearModel } from './model.js';

/** Raw outcome of a backend before the common result check. */
export interface RawSolve {
  status: 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'timeout' | 'error';
  values?: Float64Array;
  bound?: number;
  message?: string;
}

const OBJ = '__objective';

/** Translates `model` to a javascript-lp-solver JSON model (bounds become rows). */
export function toJslModel(model: LinearModel, timeLimitMs: number): JslModel {
  const constraints: JslModel['constraints'] = {};
  const variables: JslModel['variables'] = {};
  const ints: Record<string, 1> = {};
  const unrestricted: Record<string, 1> = {};
  model.variables.forEach((v, j) => {
    const name = `v${j}`;
    const col: Record<string, number> = { [OBJ]: v.cost };
    if (v.lower < 0) unrestricted[name] = 1;
    if (v.lower === v.upper) {
      constraints[`fx${j}`] = { equal: v.lower };
      col[`fx${j}`] = 1;
    } else {
      if (v.lower !== 0 && Number.isFinite(v.lower)) {
        constraints[`lb${j}`] = { min: v.lower };
        col[`lb${j}`] = 1;
      }
      if (Number.isFinite(v.upper)) {
        constraints[`ub${j}`] = { max: v.upper };
        col[`ub${j}`] = 1;
      }
    }
    if (v.integer) ints[name] = 1;
    variables[name] = col;
  });
  model.constraints.forEach((row, i) => {
    if (row.indices.length === 0) return;
    const key = `c${i}`;
    const b: { min?: number; max?: number; equal?: number } = {};
    if (row.lower === row.upper) b.equal = row.lower;
    else {
      if (Number.isFinite(row.lower)) b.min = row.lower;
      if (Number.isFinite(row.upper)) b.max = row.upper;
    }
    if (b.min === undefined && b.max === undefined && b.equal === undefined) return;
    constraints[key] = b;
    for (let k = 0; k < row.indices.length; k++) {
      variables[`v${row.indices[k]}`]![key] = row.coefs[k]!;
    }
  });
  const m: JslModel = {
    optimize: OBJ,
    opType: model.sense,
    constraints,
    variables,
    options: { timeout: Math.max(1, Math.floor(timeLimitMs)) },
  };
  if (Object.keys(ints).length) m.ints = ints;
  if (Object.keys(unrestricted).length) m.unrestricted = unrestricted;
  return m;
}

/**
 * Solves `model` with javascript-lp-solver (synchronously, on this thread). The answer is
 * NOT checked here; {@link solve} checks it.
 */
export function solveWithJsl(model: LinearModel, timeLimitMs: number): RawSolve {
  const t0 = performance.now();
  let r;
  try {
    r = jslSolve(toJslModel(model, timeLimitMs));
  } catch (e) {
    return { status: 'error', message: `javascript-lp-solver threw: ${(e as Error).message}` };
  }
  const elapsed = performance.now() - t0;
  const timedOut = elapsed >= timeLimitMs * 0.98;
  if (r.bounded === false) return { status: 'unbounded', message: 'javascript-lp-solver: unbounded' };
  if (!r.feasible) {
    return timedOut
      ? { status: 'timeout', message: `javascript-lp-solver: no solution within ${timeLimitMs} ms` }
      : { status: 'infeasible', message: 'javascript-lp-solver: infeasible' };
  }
  const values = new Float64Array(model.variables.length);
  for (let j = 0; j < values.length; j++) {
    const x = r[`v${j}`];
    values[j] = typeof x === 'number' ? x : 0;
  }
  const isMip = model.variables.some((v) => v.integer);
  return {
    status: timedOut && isMip ? 'feasible' : 'optimal',
    values,
    message: `javascript-lp-solver: feasible=${r.feasible} isIntegral=${String(r.isIntegral)}`,
  };
}
