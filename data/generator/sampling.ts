/**
 * Weighted sampling helpers shared by the incident and venue generators.
 */

/**
 * Normalised cumulative weights (the last entry is exactly 1), for {@link pick}.
 * @example pick(cumulative([1, 3]), 0.5) // 1
 */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, k) => {
    s += w;
    out[k] = s;
  });
  for (let k = 0; k < out.length; k++) out[k]! /= s;
  out[out.length - 1] = 1;
  return out;
}

/** Index of the first cumulative weight above `u` ∈ [0, 1) (binary search); zero weights are never picked. */
export function pick(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
