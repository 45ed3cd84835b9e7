/**
 * The balanced start of a region: recursive bisection. A set of cells that must become `k`
 * beats is cut by a straight line into two sets carrying workload in the ratio
 * ⌊k/2⌋ : ⌈k/2⌉; of several line directions the cut that crosses the fewest travel edges
 * and leaves both sides in one piece wins. Balance is exact up to one cell per cut, shapes
 * are convex-ish; the local search then repairs, balances finely and compacts.
 */
import type { Grid } from '../grid/grid.js';
import type { Rng } from '../random.js';

const KM_PER_DEG = 111.195;

/** Options of {@link balancedStart}. */
export interface BalancedStartOptions {
  /** Line directions tried per cut (default 8). */
  directions?: number;
}

/**
 * Assigns the cells of one region to `k` beats `beatOffset .. beatOffset+k−1`.
 * @param cells cells of the region (grid indices)
 * @param seeds cells that should start separate beats (cuts that put more seeds on a side
 *   than it has beats are avoided)
 * @param out beat per cell, written for the region's cells
 */
export function balancedStart(
  grid: Grid,
  weight: Float64Array,
  cells: Int32Array,
  k: number,
  beatOffset: number,
  seeds: readonly number[],
  rng: Rng,
  out: Int32Array,
  options: BalancedStartOptions = {},
): void {
  const n = grid.cellCount;
  const dirs = options.directions ?? 8;
  const { adjOffsets, adjTargets } = grid;
  let lat0 = 0;
  for (let t = 0; t < cells.length; t++) lat0 += grid.lat[cells[t]!]!;
  lat0 /= Math.max(1, cells.length);
  const kx = Math.cos((lat0 * Math.PI) / 180) * KM_PER_DEG;
  const isSeed = new Uint8Array(n);
  for (const s of seeds) isSeed[s] = 1;
  /** Side of each cell during a cut: 0/1 inside the set being cut, 255 outside. */
  const side = new Uint8Array(n).fill(255);
  const mark = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const proj = new Float64Array(n);
  const phase = rng.next();

  const piecesOf = (set: Int32Array, s: number, stamp: number): number => {
    let pieces = 0;
    for (let t = 0; t < set.length; t++) {
      const c0 = set[t]!;
      if (side[c0] !== s || mark[c0] === stamp) continue;
      pieces++;
      let head = 0;
      let tail = 0;
      queue[tail++] = c0;
      mark[c0] = stamp;
      while (head < tail) {
        const c = queue[head++]!;
        for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
          const j = adjTargets[e]!;
          if (side[j] === s && mark[j] !== stamp) {
            mark[j] = stamp;
            queue[tail++] = j;
          }
        }
      }
    }
    return pieces;
  };
  let stampCounter = 0;

  const split = (set: Int32Array, kk: number, offset: number): void => {
    if (kk <= 1 || set.length <= 1) {
      for (let t = 0; t < set.length; t++) out[set[t]!] = offset;
      return;
    }
    const k1 = Math.floor(kk / 2);
    let W = 0;
    let seedCount = 0;
    for (let t = 0; t < set.length; t++) {
      W += weight[set[t]!]!;
      seedCount += isSeed[set[t]!]!;
    }
    const useArea = !(W > 0);
    if (useArea) for (let t = 0; t < set.length; t++) W += grid.areaKm2[set[t]!]!;
    const goal = (W * k1) / kk;
    let bestScore = Infinity;
    let bestOrder: Uint32Array | null = null;
    let bestCut = 0;
    const order = new Uint32Array(set.length);
    // Linear-time quantile for large sets without seeds; a full sort otherwise.
    const fast = seedCount === 0 && set.length >= 256 && set.length >= 16 * kk;
    for (let d = 0; d < dirs; d++) {
      const theta = (Math.PI * (d + phase)) / dirs;
      const cx = Math.cos(theta) * kx;
      const cy = Math.sin(theta) * KM_PER_DEG;
      for (let t = 0; t < set.length; t++) {
        const i = set[t]!;
        proj[i] = grid.lng[i]! * cx + grid.lat[i]! * cy;
      }
      let cut = fast ? quantileOrder(set, order, proj, useArea ? grid.areaKm2 : weight, goal) : -1;
      if (cut < 0) {
        for (let t = 0; t < set.length; t++) order[t] = set[t]!;
        order.sort((p, q) => proj[p]! - proj[q]! || p - q);
        // weighted quantile: first `cut` cells (at least 1, at most all but one) go to side 0
        let acc = 0;
        cut = 0;
        while (cut < set.length - 1) {
          const w = useArea ? grid.areaKm2[order[cut]!]! : weight[order[cut]!]!;
          if (acc + w / 2 > goal && cut > 0) break;
          acc += w;
          cut++;
        }
      }
      if (cut < k1) cut = Math.min(k1, set.length - 1);
      if (set.length - cut < kk - k1) cut = set.length - (kk - k1);
      if (seedCount > 0) {
        // keep at most k1 seeds before the cut and at most kk − k1 after it
        let seen = 0;
        let lo = 0;
        let hi = set.length;
        for (let t = 0; t < set.length; t++) {
          if (!isSeed[order[t]!]) continue;
          seen++;
          if (seen === seedCount - (kk - k1)) lo = t + 1;
          if (seen === k1 + 1) hi = t;
        }
        if (cut < lo) cut = lo;
        if (cut > hi) cut = hi;
      }
      let seeds0 = 0;
      for (let t = 0; t < set.length; t++) {
        side[order[t]!] = t < cut ? 0 : 1;
        if (t < cut) seeds0 += isSeed[order[t]!]!;
      }
      let crossing = 0;
      for (let t = 0; t < cut; t++) {
        const i = order[t]!;
        for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) if (side[adjTargets[e]!] === 1) crossing++;
      }
      const stamp = ++stampCounter;
      const pieces = piecesOf(set, 0, stamp) + piecesOf(set, 1, stamp);
      const seedExcess = Math.max(0, seeds0 - k1) + Math.max(0, seedCount - seeds0 - (kk - k1));
      const score = crossing + 1000 * (pieces - 2) + 1e6 * seedExcess;
      if (score < bestScore) {
        bestScore = score;
        bestOrder = Uint32Array.from(order);
        bestCut = cut;
      }
    }
    for (let t = 0; t < set.length; t++) side[set[t]!] = 255;
    const a = Int32Array.from(bestOrder!.subarray(0, bestCut));
    const b = Int32Array.from(bestOrder!.subarray(bestCut));
    split(a, k1, offset);
    split(b, kk - k1, offset + k1);
  };
  split(cells, k, beatOffset);
}

/**
 * Orders `set` into `order` so that the cells before the returned position carry the
 * weighted quantile `goal` by projection (cells below the split bin first, the split bin
 * sorted, then the rest unordered). Returns −1 when the projection is degenerate.
 */
function quantileOrder(set: Int32Array, order: Uint32Array, proj: Float64Array, w: Float64Array, goal: number): number {
  const m = set.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = 0; t < m; t++) {
    const p = proj[set[t]!]!;
    if (p < lo) lo = p;
    if (p > hi) hi = p;
  }
  if (!(hi > lo)) return -1;
  const B = Math.min(4096, m >> 2);
  const scale = B / (hi - lo);
  const binOf = (p: number) => Math.min(B - 1, Math.floor((p - lo) * scale));
  const binW = new Float64Array(B);
  for (let t = 0; t < m; t++) binW[binOf(proj[set[t]!]!)] += w[set[t]!]!;
  let acc = 0;
  let split = 0;
  while (split < B - 1 && acc + binW[split]! <= goal) acc += binW[split++]!;
  let head = 0;
  const mid: number[] = [];
  let tail = m;
  for (let t = 0; t < m; t++) {
    const i = set[t]!;
    const b = binOf(proj[i]!);
    if (b < split) order[head++] = i;
    else if (b > split) order[--tail] = i;
    else mid.push(i);
  }
  mid.sort((p, q) => proj[p]! - proj[q]! || p - q);
  let cut = head;
  for (const i of mid) order[head++] = i;
  while (cut < m - 1) {
    const x = w[order[cut]!]!;
    if (cut >= tail || (acc + x / 2 > goal && cut > 0)) break;
    acc += x;
    cut++;
  }
  return Math.max(1, cut);
}
