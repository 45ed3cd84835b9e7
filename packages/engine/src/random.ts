/**
 * Seeded pseudo-random generators. Every random choice in the engine takes a {@link Rng}
 * so that the same input and seed give the same output, byte for byte.
 */

/** A generator of uniform floats in [0, 1). */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A new independent generator derived from this one (for sub-tasks, workers). */
  fork(): Rng;
}

/**
 * sfc32 seeded through splitmix32: fast, 128-bit state, good statistical quality.
 * @param seed any integer (or string, hashed)
 * @example const rng = createRng(42); rng.int(10);
 */
export function createRng(seed: number | string): Rng {
  let h = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  const split = () => {
    h = (h + 0x9e3779b9) | 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    next,
    int: (n: number) => Math.floor(next() * n),
    fork: () => createRng((next() * 4294967296) >>> 0),
  };
  return rng;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle in place, driven by `rng`. */
export function shuffleInPlace<T>(arr: T[] | Int32Array | Uint32Array, rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = arr[i]!;
    arr[i] = arr[j]!;
    arr[j] = t as never;
  }
}

/**
 * Weighted draw by cumulative weights: the first index in `[lo, hi]` whose cumulative weight
 * exceeds `x` (binary search). With `x = rng.next() × cum[hi]` (cumulative over the range),
 * index k is drawn with probability proportional to its weight; zero weights are never drawn.
 * @param cum non-decreasing cumulative weights
 * @param x a value in `[cum[lo−1] (or 0), cum[hi])`
 * @example pickCumulative(Float64Array.from([1, 1, 3]), 0.5 * 3) // 2
 */
export function pickCumulative(cum: ArrayLike<number>, x: number, lo = 0, hi = cum.length - 1): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
