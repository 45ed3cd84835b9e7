/**
 * Allocation of a shift's officers to its beats, solved exactly.
 *
 * Objective (per shift): `wSat · max(σ, max_b saturation_b) + wComm · Σ_b shortfall_b / Σ_b C_b`
 * (σ the saturation target: lowering saturation below it is not worth moving officers for),
 * with integer officers `n_b ≥ min_b` and `Σ n_b ≤ H` (the shift's headcount).
 *
 * Method — parametric marginal allocation. For a cap `z` on the worst saturation the least
 * officers meeting it are `need_b(z) = max(min_b, ⌈W_b/(z·h)⌉)`; the leftover `H − Σ need_b(z)`
 * then goes to the largest marginal shortfall reductions, which is exact because each beat's
 * shortfall is convex in `n_b` (concave returns: `h, h, …, remainder, 0`) and the only coupling
 * row has unit coefficients (an LP with an integral optimum; its dual price λ is the smallest
 * reduction taken). The optimum's worst saturation is one of the values the min-max greedy
 * passes through, so walking that greedy and evaluating every breakpoint finds the exact
 * optimum (the walk stops at the first breakpoint at or below σ).
 *
 * Surplus — officers left once every beat has its optimal count and no shortfall remains (they do
 * not change the objective) go where they lower saturation most: they maximise
 * `Σ_b [−saturation_b(n_b) + κ · min(n_b, current_b)]`, with κ the continuity weight
 * ({@link AllocationProblem.surplusContinuityWeight}, saturation points one officer who can stay
 * on their beat is worth; default {@link DEFAULT_SURPLUS_CONTINUITY}). Each term is concave in
 * `n_b`, so giving officers one at a time to the largest marginal gain
 * `saturation_b(n_b) − saturation_b(n_b + 1) + κ·[n_b < current_b]` is exact. Continuity thus
 * decides between beats whose saturation gains differ by less than κ, and never sends an officer
 * to a quiet beat while an extra officer would lower another beat's saturation by more than κ.
 */
import { BeatplanError } from '../errors.js';
import { type LinearModel, LinearModelBuilder } from '../solver/model.js';
import { communityShortfallOf, saturationOf } from './time-model.js';

/** One shift's allocation problem. Arrays are per beat. */
export interface AllocationProblem {
  readonly workloadHours: ArrayLike<number>;
  readonly communityHours: ArrayLike<number>;
  readonly minOfficers: ArrayLike<number>;
  /** Officers available in the shift. */
  readonly headcount: number;
  readonly officerHoursPerWeek: number;
  readonly saturationWeight: number;
  readonly communityWeight: number;
  /**
   * Saturation at or below this target costs nothing extra: the saturation term is
   * `wSat · max(target, worst saturation)`. Default 0 (plain min-max).
   */
  readonly saturationTarget?: number;
  /**
   * Officers of the shift whose target beat is each beat (continuity). Among allocations with
   * the optimal objective, one that lets them stay is preferred. Default none.
   */
  readonly current?: ArrayLike<number>;
  /**
   * κ: how much one surplus officer who can stay on their beat (`current`) is worth, in units of
   * saturation (0.05 = 5 percentage points of one beat's saturation). Default
   * {@link DEFAULT_SURPLUS_CONTINUITY}. See the module doc.
   */
  readonly surplusContinuityWeight?: number;
}

/** Default κ of {@link AllocationProblem.surplusContinuityWeight}: 0.05 (5 saturation points). */
export const DEFAULT_SURPLUS_CONTINUITY = 0.05;

/** Exact allocation with the facts that prove it. */
export interface AllocationResult {
  /** Officers per beat. */
  readonly officers: Int32Array;
  /** Objective value (see module doc). */
  readonly objective: number;
  readonly maxSaturation: number;
  readonly communityShortfallHours: number;
  /** Breakpoints of the worst saturation that were evaluated. */
  readonly breakpoints: number;
  /** Dual price of the headcount row in the shortfall LP at the optimum (hours per officer). */
  readonly lambda: number;
}

/** Objective of an allocation `n` under `p` (the function {@link allocateOfficers} minimises). */
export function allocationObjective(
  p: AllocationProblem,
  n: ArrayLike<number>,
): {
  objective: number;
  maxSaturation: number;
  shortfallHours: number;
} {
  let zmax = 0;
  let sf = 0;
  let ct = 0;
  for (let b = 0; b < n.length; b++) {
    zmax = Math.max(zmax, saturationOf(p.workloadHours[b]!, n[b]!, p.officerHoursPerWeek));
    sf += communityShortfallOf(p.workloadHours[b]!, p.communityHours[b]!, n[b]!, p.officerHoursPerWeek);
    ct += p.communityHours[b]!;
  }
  const objective = p.saturationWeight * Math.max(p.saturationTarget ?? 0, zmax) + (ct > 0 ? (p.communityWeight * sf) / ct : 0);
  return { objective, maxSaturation: zmax, shortfallHours: sf };
}

/** Max-heap of beats by a key (saturation, or a surplus gain); ties: lower index first. */
class SatHeap {
  private readonly idx: number[] = [];
  constructor(private readonly key: Float64Array) {}
  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka > kb || (ka === kb && a < b);
  }
  push(b: number): void {
    const h = this.idx;
    h.push(b);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  top(): number {
    return this.idx[0]!;
  }
  get size(): number {
    return this.idx.length;
  }
  pop(): number {
    const h = this.idx;
    const t = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return t;
  }
}

/**
 * Allocates `p.headcount` officers to beats, exactly minimising the weighted worst saturation
 * and community shortfall (see module doc).
 *
 * @throws BeatplanError `INFEASIBLE` when the headcount is below the beats' minimum staffing
 * @example
 * allocateOfficers({ workloadHours: [40, 10], communityHours: [0, 0], minOfficers: [1, 1],
 *   headcount: 3, officerHoursPerWeek: 40, saturationWeight: 1, communityWeight: 1 }).officers // [2, 1]
 */
export function allocateOfficers(p: AllocationProblem): AllocationResult {
  const B = p.workloadHours.length;
  const h = p.officerHoursPerWeek;
  const H = p.headcount;
  const n = new Int32Array(B);
  let used = 0;
  for (let b = 0; b < B; b++) {
    n[b] = p.minOfficers[b]!;
    used += n[b]!;
  }
  if (used > H) {
    throw new BeatplanError('INFEASIBLE', `${H} officers available but the ${B} beats need at least ${used} (minimum staffing)`, {
      value: H,
      required: used,
    });
  }
  let ct = 0;
  for (let b = 0; b < B; b++) ct += p.communityHours[b]!;
  const target = p.saturationTarget ?? 0;
  const cur = p.current;
  const deficit = (b: number, n: ArrayLike<number>) => (cur ? Math.max(0, cur[b]! - n[b]!) : 0);
  const key = new Float64Array(B);
  const heap = new SatHeap(key);
  for (let b = 0; b < B; b++) {
    key[b] = saturationOf(p.workloadHours[b]!, n[b]!, h);
    heap.push(b);
  }
  // Shortfall state per beat, kept incrementally as the greedy adds officers.
  const sfB = new Float64Array(B);
  const fullB = new Float64Array(B);
  let SF = 0;
  let FULL = 0;
  const setShortfall = (b: number) => {
    SF -= sfB[b]!;
    FULL -= fullB[b]!;
    sfB[b] = communityShortfallOf(p.workloadHours[b]!, p.communityHours[b]!, n[b]!, h);
    fullB[b] = Math.floor(sfB[b]! / h + 1e-12);
    SF += sfB[b]!;
    FULL += fullB[b]!;
  };
  for (let b = 0; b < B; b++) setShortfall(b);
  const rem = new Float64Array(B);
  const evaluate = (z: number, leftover: number): { cost: number; lambda: number } => {
    // The shortfall LP: take the `leftover` largest marginal reductions (h, …, h, remainder).
    // λ = the smallest reduction taken: the dual price of the headcount row.
    let red: number;
    let lambda: number;
    if (leftover <= FULL) {
      red = leftover * h;
      lambda = leftover > 0 ? h : 0;
    } else {
      let m = 0;
      for (let b = 0; b < B; b++) {
        const r = sfB[b]! - fullB[b]! * h;
        if (r > 1e-12) rem[m++] = r;
      }
      const sorted = rem.subarray(0, m).sort().reverse();
      const k = Math.min(leftover - FULL, m);
      red = FULL * h;
      for (let i = 0; i < k; i++) red += sorted[i]!;
      lambda = k > 0 ? sorted[k - 1]! : FULL > 0 ? h : 0;
    }
    const cost = p.saturationWeight * Math.max(target, z) + (ct > 0 ? (p.communityWeight * Math.max(0, SF - red)) / ct : 0);
    return { cost, lambda };
  };

  let best = { cost: Infinity, z: Infinity, n: n.slice(), used, lambda: 0 };
  let lastZ = NaN;
  let breakpoints = 0;
  for (;;) {
    const z = B ? key[heap.top()]! : 0;
    if (z !== lastZ && Number.isFinite(z)) {
      breakpoints++;
      lastZ = z;
      const e = evaluate(z, H - used);
      // Strict improvement: among equal costs keep the earliest (most leftover, most freedom).
      if (e.cost < best.cost - 1e-12) best = { cost: e.cost, z, n: n.slice(), used, lambda: e.lambda };
    }
    // Below the target a lower cap cannot pay: the saturation term is flat and forcing officers
    // only removes freedom from the shortfall step.
    if (used >= H || B === 0 || z === 0 || z <= target) break;
    const b = heap.pop();
    n[b]!++;
    used++;
    key[b] = saturationOf(p.workloadHours[b]!, n[b]!, h);
    setShortfall(b);
    heap.push(b);
  }
  if (!Number.isFinite(best.cost)) {
    throw new BeatplanError('INFEASIBLE', 'no allocation gives every beat with work at least one officer', { value: H });
  }
  // Rebuild the optimum: need(z*) + the largest marginal shortfall reductions.
  const out = best.n;
  let leftover = H - best.used;
  // Each beat offers its marginal reductions (h, …, h, remainder); no beat can take more than
  // `leftover` of them, so that many per beat suffice for the exact greedy.
  const gains: Array<{ b: number; g: number }> = [];
  for (let b = 0; b < B; b++) {
    let s = communityShortfallOf(p.workloadHours[b]!, p.communityHours[b]!, out[b]!, h);
    for (let k = 0; s > 1e-12 && k < leftover; k++) {
      const g = Math.min(h, s);
      gains.push({ b, g });
      s -= g;
    }
  }
  // Equal reductions: beats whose current officers could then stay come first.
  const d0 = Array.from({ length: B }, (_, b) => deficit(b, out));
  gains.sort((a, c) => c.g - a.g || d0[c.b]! - d0[a.b]! || a.b - c.b);
  for (let i = 0; i < gains.length && leftover > 0; i++) {
    out[gains[i]!.b]!++;
    leftover--;
  }
  if (leftover > 0) distributeSurplus(p, out, leftover);
  const ev = allocationObjective(p, out);
  return {
    officers: out,
    objective: ev.objective,
    maxSaturation: ev.maxSaturation,
    communityShortfallHours: ev.shortfallHours,
    breakpoints,
    lambda: best.lambda,
  };
}

/**
 * Marginal gain of a surplus officer on beat `b` that has `n` officers: the saturation drop
 * `W/(n·h) − W/((n+1)·h)` plus κ when one of the beat's current officers could then stay.
 * A beat with work and no officer gains Infinity.
 */
export function surplusGain(p: AllocationProblem, b: number, n: number): number {
  const h = p.officerHoursPerWeek;
  const W = p.workloadHours[b]!;
  const drop = W <= 0 ? 0 : n === 0 ? Infinity : saturationOf(W, n, h) - saturationOf(W, n + 1, h);
  const kappa = p.surplusContinuityWeight ?? DEFAULT_SURPLUS_CONTINUITY;
  return drop + (p.current && n < p.current[b]! ? kappa : 0);
}

/** Gives `count` surplus officers, one at a time, to the largest {@link surplusGain} (ties: lower index). */
function distributeSurplus(p: AllocationProblem, n: Int32Array, count: number): void {
  const B = n.length;
  if (B === 0) return;
  const key = new Float64Array(B);
  const heap = new SatHeap(key);
  for (let b = 0; b < B; b++) {
    key[b] = surplusGain(p, b, n[b]!);
    heap.push(b);
  }
  for (let k = 0; k < count; k++) {
    const b = heap.pop();
    n[b]!++;
    key[b] = surplusGain(p, b, n[b]!);
    heap.push(b);
  }
}

/**
 * The allocation problem as a MIP (integer officers per beat, the worst saturation bounded by
 * the chords of each beat's convex saturation curve, shortfall rows), for cross-checking
 * {@link allocateOfficers} with `solve()`. Chords stop at the saturation target, so with a target
 * the model has a few rows per beat; without one it grows with beats × leftover officers.
 * Variables 0..B−1 are the officer counts.
 */
export function allocationModel(p: AllocationProblem): LinearModel {
  const B = p.workloadHours.length;
  const h = p.officerHoursPerWeek;
  let lo = 0;
  let ct = 0;
  for (let b = 0; b < B; b++) {
    lo += p.minOfficers[b]!;
    ct += p.communityHours[b]!;
  }
  const leftover = p.headcount - lo;
  const target = p.saturationTarget ?? 0;
  const m = new LinearModelBuilder('min');
  const nv: number[] = [];
  for (let b = 0; b < B; b++) {
    nv.push(m.addVariable(`n_${b}`, { integer: true, lower: p.minOfficers[b]!, upper: p.minOfficers[b]! + leftover }));
  }
  const z = m.addVariable('maxSaturation', { cost: p.saturationWeight, lower: p.saturationTarget ?? 0 });
  for (let b = 0; b < B; b++) {
    const W = p.workloadHours[b]!;
    if (W <= 0) continue;
    const k0 = Math.max(1, p.minOfficers[b]!);
    if (p.minOfficers[b]! === 0) {
      // n = 0 would be infinitely saturated: force at least one officer for a beat with work.
      m.addConstraint(`work_${b}`, [[nv[b]!, 1]], { lower: 1 });
    }
    for (let k = k0; k < p.minOfficers[b]! + leftover; k++) {
      // Chords past the saturation target are redundant (z ≥ target anyway): stop there.
      if (k > k0 && W / (k * h) <= target) break;
      const sk = W / (k * h);
      const sk1 = W / ((k + 1) * h);
      // z ≥ sk + (sk1 − sk)(n − k)  ⇔  z − (sk1 − sk) n ≥ sk − (sk1 − sk) k
      m.addConstraint(
        `chord_${b}_${k}`,
        [
          [z, 1],
          [nv[b]!, -(sk1 - sk)],
        ],
        { lower: sk - (sk1 - sk) * k },
      );
    }
    if (p.minOfficers[b]! + leftover === k0) m.addConstraint(`sat_${b}`, [[z, 1]], { lower: W / (k0 * h) });
  }
  if (ct > 0) {
    for (let b = 0; b < B; b++) {
      const C = p.communityHours[b]!;
      if (C <= 0) continue;
      const s = m.addVariable(`shortfall_${b}`, { cost: p.communityWeight / ct });
      // s ≥ C + W − n·h
      m.addConstraint(
        `short_${b}`,
        [
          [s, 1],
          [nv[b]!, h],
        ],
        { lower: C + p.workloadHours[b]! },
      );
    }
  }
  m.addConstraint(
    'headcount',
    nv.map((v) => [v, 1] as [number, number]),
    { upper: p.headcount },
  );
  return m.build();
}
