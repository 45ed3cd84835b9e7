/**
 * The result check that every solver answer goes through: integrality, bounds, rows.
 */
import type { LinearModel, Violation } from './model.js';

/**
 * Checks `values` against `model`: every value finite, every integer variable integral, every
 * bound and every row satisfied within `tolerance` (absolute, scaled by `max(1, |rhs|)` for rows).
 *
 * @param model the model the values claim to solve
 * @param values one value per variable, by index
 * @param tolerance default 1e-6
 * @returns the violations found, at most `limit` (default 20) of them; empty when the solution is valid
 * @example
 * const v = checkSolution(model, result.values);
 * if (v.length) console.error(v[0].name, v[0].kind);
 */
export function checkSolution(model: LinearModel, values: ArrayLike<number>, tolerance = 1e-6, limit = 20): Violation[] {
  const out: Violation[] = [];
  const vars = model.variables;
  if (values.length !== vars.length) {
    out.push({
      kind: 'non-finite',
      name: '(solution length)',
      value: values.length,
      expected: `${vars.length} values`,
      amount: Math.abs(values.length - vars.length),
    });
    return out;
  }
  for (let j = 0; j < vars.length && out.length < limit; j++) {
    const v = vars[j]!;
    const x = values[j]!;
    if (!Number.isFinite(x)) {
      out.push({ kind: 'non-finite', name: v.name, value: x, expected: 'a finite number', amount: Infinity });
      continue;
    }
    if (x < v.lower - tolerance || x > v.upper + tolerance) {
      out.push({
        kind: 'bound',
        name: v.name,
        value: x,
        expected: `[${v.lower}, ${v.upper}]`,
        amount: x < v.lower ? v.lower - x : x - v.upper,
      });
    }
    if (v.integer) {
      const frac = Math.abs(x - Math.round(x));
      if (frac > tolerance) {
        out.push({ kind: 'integrality', name: v.name, value: x, expected: 'integer', amount: frac });
      }
    }
  }
  for (const row of model.constraints) {
    if (out.length >= limit) break;
    let a = 0;
    for (let k = 0; k < row.indices.length; k++) a += row.coefs[k]! * values[row.indices[k]!]!;
    const tolLo = tolerance * Math.max(1, Math.abs(row.lower));
    const tolHi = tolerance * Math.max(1, Math.abs(row.upper));
    if (a < row.lower - tolLo || a > row.upper + tolHi) {
      out.push({
        kind: 'row',
        name: row.name,
        value: a,
        expected: `[${row.lower}, ${row.upper}]`,
        amount: a < row.lower ? row.lower - a : a - row.upper,
      });
    }
  }
  return out;
}

/** True when every integer variable of `model` is integral in `values` (within `tolerance`). */
export function isIntegral(model: LinearModel, values: ArrayLike<number>, tolerance = 1e-6): boolean {
  const vars = model.variables;
  for (let j = 0; j < vars.length; j++) {
    if (vars[j]!.integer && Math.abs(values[j]! - Math.round(values[j]!)) > tolerance) return false;
  }
  return true;
}
