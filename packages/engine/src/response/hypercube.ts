/**
 * Larson's hypercube queueing model with an infinite FCFS queue (Larson 1974), exact for
 * small systems and by Larson's approximation (1975, the "A-hypercube") at city scale.
 *
 * The numeric core knows no geography: units come in *groups* (a beat's units, which are
 * interchangeable), demand in *atoms* (each with an arrival rate), and each atom has a
 * dispatch preference over groups. A call goes to a free unit of the first group on its
 * list that has one, chosen uniformly among that group's free units (a beat with 2 units =
 * 2 units sharing the preference rank). When every unit is busy the call waits in one
 * city-wide FCFS queue and goes to the first unit that frees (each unit takes the same
 * share of queued calls). Service times are exponential with one rate μ for all units.
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import { larsonCorrectionFactors, mmnFigures, type MmnFigures } from './queueing.js';

/** Input of the hypercube solvers (plain arrays; indices are group and atom numbers). */
export interface HypercubeSystem {
  /** Units in each group (integers ≥ 0). Group `g` is typically beat `g`. */
  readonly unitsByGroup: ArrayLike<number>;
  /** Arrival rate of each atom, calls per hour (≥ 0). */
  readonly callsPerHour: ArrayLike<number>;
  /**
   * Dispatch preference of each atom: group indices, most preferred first. Must name every
   * group that has units (groups without units are skipped).
   */
  readonly preference: ReadonlyArray<ArrayLike<number>>;
  /** Service rate μ of every unit, calls per hour (1 / mean service time in hours). */
  readonly serviceRatePerHour: number;
}

/** Options of the hypercube solvers. */
export interface HypercubeOptions {
  /** Convergence tolerance on utilisations / state probabilities (default 1e-10). */
  tolerance?: number;
  /** Iteration cap (default: exact 20,000 sweeps, approximation 1,000). */
  maxIterations?: number;
  /**
   * Approximation only: a preference list is followed until the probability of reaching
   * further down is below this (default 1e-12).
   */
  truncation?: number;
  /** Exact only: largest number of units accepted (default 15; 2^N states). */
  maxUnits?: number;
  signal?: AbortSignal;
}

/** What the hypercube solvers return. Arrays are typed arrays (convert before JSON). */
export interface HypercubeSolution {
  readonly method: 'exact' | 'approx';
  /** Units N. */
  readonly units: number;
  /** Total arrival rate λ, calls per hour. */
  readonly callsPerHour: number;
  /** Mean utilisation ρ = λ/(Nμ). */
  readonly rho: number;
  /** P(all units busy) = share of calls that wait in the queue (Erlang C; exact in both methods). */
  readonly pAllBusy: number;
  /** Mean wait in queue of all calls, hours (Erlang C formula; exact in both methods). */
  readonly meanQueueWaitHours: number;
  /** Utilisation of each unit of group g (mean over the group's units; 0 for empty groups). */
  readonly rhoByGroup: Float64Array;
  /** P(all units of group g busy) (time average = share of calls that find them all busy). */
  readonly pGroupAllBusy: Float64Array;
  /**
   * Immediate dispatches (CSR by atom): atom j's calls go to group `dispatchGroup[e]` with
   * share `dispatchShare[e]`, e in `dispatchOffsets[j]..dispatchOffsets[j+1]`. Shares of an
   * atom sum to 1 − pAllBusy; the rest (queued calls) are served by units in equal shares.
   */
  readonly dispatchOffsets: Uint32Array;
  readonly dispatchGroup: Int32Array;
  readonly dispatchShare: Float64Array;
  /** Exact only: utilisation of each unit (units numbered group by group). */
  readonly rhoByUnit?: Float64Array;
  /**
   * Exact only: probability of each binary state (bit i = unit i busy) with nobody waiting;
   * together with `pQueue` they sum to 1.
   */
  readonly stateProbabilities?: Float64Array;
  /** P(calls waiting) (all units busy and a queue). */
  readonly pQueue: number;
  readonly iterations: number;
  readonly converged: boolean;
}

interface Checked {
  units: Int32Array;
  lambda: Float64Array;
  n: number;
  totalLambda: number;
  mu: number;
}

function check(sys: HypercubeSystem): Checked {
  const g = sys.unitsByGroup.length;
  const units = new Int32Array(g);
  let n = 0;
  for (let i = 0; i < g; i++) {
    const m = sys.unitsByGroup[i]!;
    if (!Number.isInteger(m) || m < 0) throw new BeatplanError('BAD_INPUT', `units of group ${i} must be an integer ≥ 0`, { field: 'unitsByGroup', value: m });
    units[i] = m;
    n += m;
  }
  const j = sys.callsPerHour.length;
  if (sys.preference.length !== j) {
    throw new BeatplanError('BAD_INPUT', 'one preference list per atom is needed', { field: 'preference', value: sys.preference.length });
  }
  const lambda = new Float64Array(j);
  let total = 0;
  for (let a = 0; a < j; a++) {
    const l = sys.callsPerHour[a]!;
    if (!(l >= 0) || !Number.isFinite(l)) throw new BeatplanError('BAD_INPUT', `calls per hour of atom ${a} must be finite and ≥ 0`, { field: 'callsPerHour', value: l });
    lambda[a] = l;
    total += l;
  }
  const mu = sys.serviceRatePerHour;
  if (!(mu > 0) || !Number.isFinite(mu)) throw new BeatplanError('BAD_INPUT', 'service rate must be > 0', { field: 'serviceRatePerHour', value: mu });
  if (n === 0 && total > 0) throw new BeatplanError('INFEASIBLE', 'calls arrive but no unit is on duty', { field: 'unitsByGroup', value: 0 });
  // Every list must name every staffed group (else a call could wait while a unit is free).
  const seen = new Int32Array(g).fill(-1);
  let staffed = 0;
  for (let k = 0; k < g; k++) if (units[k]! > 0) staffed++;
  for (let a = 0; a < j; a++) {
    if (lambda[a] === 0) continue;
    const p = sys.preference[a]!;
    let covered = 0;
    for (let k = 0; k < p.length; k++) {
      const grp = p[k]!;
      if (!(grp >= 0 && grp < g) || !Number.isInteger(grp)) throw new BeatplanError('BAD_INPUT', `atom ${a}: unknown group in preference`, { field: 'preference', value: grp });
      if (seen[grp] !== a && units[grp]! > 0) covered++;
      seen[grp] = a;
    }
    if (covered !== staffed) {
      throw new BeatplanError('BAD_INPUT', `atom ${a}: the preference list must name every group that has units`, { field: 'preference', row: a });
    }
  }
  return { units, lambda, n, totalLambda: total, mu };
}

function emptySolution(method: 'exact' | 'approx', c: Checked, atoms: number): HypercubeSolution {
  const g = c.units.length;
  return {
    method,
    units: c.n,
    callsPerHour: 0,
    rho: 0,
    pAllBusy: 0,
    meanQueueWaitHours: 0,
    rhoByGroup: new Float64Array(g),
    pGroupAllBusy: new Float64Array(g),
    dispatchOffsets: new Uint32Array(atoms + 1),
    dispatchGroup: new Int32Array(0),
    dispatchShare: new Float64Array(0),
    pQueue: 0,
    iterations: 0,
    converged: true,
  };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Solves the hypercube model exactly: the balance equations of the 2^N binary states
 * (Gauss–Seidel sweeps, each followed by rescaling every layer of states with k busy units
 * to the M/M/N probability of k busy — exact, since the number busy is a birth–death
 * process whatever the dispatch policy), with the infinite queue's tail in closed form.
 * @param system groups, atoms, preferences and service rate (see {@link HypercubeSystem})
 * @param options tolerance, iteration cap, `maxUnits` (default 15)
 * @throws BeatplanError `BAD_INPUT` (bad system, more than `maxUnits` units), `INFEASIBLE`
 *   (ρ ≥ 1 or calls but no unit), `ABORTED`
 * @example
 * solveHypercubeExact({ unitsByGroup: [1], callsPerHour: [0.5], preference: [[0]], serviceRatePerHour: 1 }).rhoByGroup[0] // 0.5
 */
export function solveHypercubeExact(system: HypercubeSystem, options: HypercubeOptions = {}): HypercubeSolution {
  const c = check(system);
  const atoms = c.lambda.length;
  const maxUnits = options.maxUnits ?? 15;
  if (c.n > maxUnits) {
    throw new BeatplanError('BAD_INPUT', `the exact hypercube model takes at most ${maxUnits} units; use the approximation`, { field: 'units', value: c.n });
  }
  if (c.totalLambda === 0) return emptySolution('exact', c, atoms);
  const n = c.n;
  const mu = c.mu;
  const lam = c.totalLambda;
  const mmn = mmnFigures(n, lam / mu);
  const groups = c.units.length;
  const groupMask = new Int32Array(groups);
  const groupOfUnit = new Int32Array(n);
  for (let g = 0, u = 0; g < groups; g++) {
    for (let k = 0; k < c.units[g]!; k++, u++) {
      groupMask[g]! |= 1 << u;
      groupOfUnit[u] = g;
    }
  }
  // Compact preference lists: staffed groups only.
  const prefs: Int32Array[] = [];
  for (let a = 0; a < atoms; a++) {
    const p = system.preference[a]!;
    const out: number[] = [];
    for (let k = 0; k < p.length; k++) if (c.units[p[k]!]! > 0 && !out.includes(p[k]!)) out.push(p[k]!);
    prefs.push(Int32Array.from(out));
  }
  const states = 1 << n;
  const full = states - 1;
  // upRate[S·n + i]: rate of S → S + unit i.
  const upRate = new Float64Array(states * n);
  for (let s = 0; s < full; s++) {
    for (let a = 0; a < atoms; a++) {
      const l = c.lambda[a]!;
      if (l === 0) continue;
      const p = prefs[a]!;
      for (let k = 0; k < p.length; k++) {
        const free = groupMask[p[k]!]! & ~s;
        if (free === 0) continue;
        const share = l / popcount(free);
        for (let i = 0; i < n; i++) if (free & (1 << i)) upRate[s * n + i]! += share;
        break;
      }
    }
  }
  const layer = new Int32Array(states);
  for (let s = 0; s < states; s++) layer[s] = popcount(s);
  const layerCount = new Float64Array(n + 1);
  for (let s = 0; s < states; s++) layerCount[layer[s]!]!++;
  const p = new Float64Array(states);
  for (let s = 0; s < states; s++) p[s] = mmn.busyNoQueue[layer[s]!]! / layerCount[layer[s]!]!;
  const tol = options.tolerance ?? 1e-10;
  const maxIt = options.maxIterations ?? 20_000;
  const layerSum = new Float64Array(n + 1);
  let it = 0;
  let converged = false;
  while (it < maxIt) {
    it++;
    if ((it & 63) === 0) throwIfAborted(options.signal);
    let maxDiff = 0;
    for (let s = 0; s < states; s++) {
      let inflow = 0;
      for (let i = 0; i < n; i++) {
        const bit = 1 << i;
        if (s & bit) inflow += upRate[(s ^ bit) * n + i]! * p[s ^ bit]!;
        else inflow += mu * p[s | bit]!;
      }
      const out = layer[s]! * mu + (s === full ? 0 : lam);
      const v = inflow / out;
      const d = Math.abs(v - p[s]!);
      if (d > maxDiff) maxDiff = d;
      p[s] = v;
    }
    layerSum.fill(0);
    for (let s = 0; s < states; s++) layerSum[layer[s]!]! += p[s]!;
    for (let s = 0; s < states; s++) {
      const ls = layerSum[layer[s]!]!;
      p[s] = ls > 0 ? (p[s]! * mmn.busyNoQueue[layer[s]!]!) / ls : 0;
    }
    if (maxDiff < tol) {
      converged = true;
      break;
    }
  }
  // Outputs.
  const tailFull = p[full]! + mmn.pQueue; // all busy, with or without a queue
  const rhoByUnit = new Float64Array(n);
  const pGroupAllBusy = new Float64Array(groups);
  for (let s = 0; s < states; s++) {
    const w = s === full ? tailFull : p[s]!;
    for (let i = 0; i < n; i++) if (s & (1 << i)) rhoByUnit[i]! += w;
    for (let g = 0; g < groups; g++) if (groupMask[g] !== 0 && (s & groupMask[g]!) === groupMask[g]) pGroupAllBusy[g]! += w;
  }
  const rhoByGroup = new Float64Array(groups);
  for (let i = 0; i < n; i++) rhoByGroup[groupOfUnit[i]!]! += rhoByUnit[i]! / c.units[groupOfUnit[i]!]!;
  const offsets = new Uint32Array(atoms + 1);
  const dg: number[] = [];
  const ds: number[] = [];
  const acc = new Float64Array(groups);
  for (let a = 0; a < atoms; a++) {
    acc.fill(0);
    const pr = prefs[a]!;
    for (let s = 0; s < full; s++) {
      for (let k = 0; k < pr.length; k++) {
        if ((groupMask[pr[k]!]! & ~s) !== 0) {
          acc[pr[k]!]! += p[s]!;
          break;
        }
      }
    }
    for (let k = 0; k < pr.length; k++) {
      if (acc[pr[k]!]! > 0) {
        dg.push(pr[k]!);
        ds.push(acc[pr[k]!]!);
      }
    }
    offsets[a + 1] = dg.length;
  }
  return {
    method: 'exact',
    units: n,
    callsPerHour: lam,
    rho: mmn.rho,
    pAllBusy: mmn.pAllBusy,
    meanQueueWaitHours: mmn.meanQueueWaitServiceTimes / mu,
    rhoByGroup,
    pGroupAllBusy,
    dispatchOffsets: offsets,
    dispatchGroup: Int32Array.from(dg),
    dispatchShare: Float64Array.from(ds),
    rhoByUnit,
    stateProbabilities: p,
    pQueue: mmn.pQueue,
    iterations: it,
    converged,
  };
}

/**
 * P(all m units of a group busy) when each is busy ρ of the time and they share one demand
 * stream: the Erlang loss (M/M/m/m) node whose carried load is m·ρ, i.e. B(m, a) with a solved
 * from a·(1 − B(m, a)) = m·ρ (bisection to 1e-13 relative). m = 1 gives ρ (Larson's unit).
 * @param m units in the group (integer ≥ 1)
 * @param rho utilisation of each unit, in [0, 1)
 * @example groupAllBusyProbability(2, 0.3) // ≈ 0.121 (independent units would give 0.09)
 */
export function groupAllBusyProbability(m: number, rho: number): number {
  if (!(rho > 0)) return 0;
  if (m <= 1) return Math.min(1, rho);
  if (rho >= 1) return 1;
  const carried = m * rho;
  const lossB = (a: number): number => {
    let b = 1;
    for (let k = 1; k <= m; k++) b = (a * b) / (k + a * b);
    return b;
  };
  let lo = carried;
  let hi = carried * 2;
  while (hi * (1 - lossB(hi)) < carried && hi < 1e9) {
    lo = hi;
    hi *= 2;
  }
  for (let it = 0; it < 200 && hi - lo > 1e-13 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (mid * (1 - lossB(mid)) < carried) lo = mid;
    else hi = mid;
  }
  return lossB((lo + hi) / 2);
}

/**
 * Hypercube approximation with multi-unit beats: Larson's approximation (1975, infinite
 * queue) lifted from units to groups, in the spirit of Budge, Ingolfsson & Erkut (2009). The
 * units of a group share its demand, so they are busy together more often than independent
 * units: each group is an M/M/m-like node whose all-busy probability is the Erlang loss
 * B_g = B(m_g, a_g) with carried load m_g ρ_g (see {@link groupAllBusyProbability}); groups are
 * independent up to Larson's correction applied to groups, Q(G, ρ', k) for k groups ahead on a
 * list (G staffed groups, ρ' = the mean of B_g over them: the chance that a group is all busy).
 * With one unit per group this is Larson's method (ρ' = ρ once Σ ρ_g = N ρ). Fixed point, per group g:
 *
 * ρ_g = (1 − B_g) · V_g + ρ · P_W,  V_g = (1/(m_g μ)) Σ_atoms λ_j Q(G, ρ', k_g) Π_{groups h ahead of g} B_h,
 *
 * solved as ρ_g ← (h_g V_g + ρ P_W)/(1 + h_g V_g) with h_g = (1 − B_g)/(1 − ρ_g) at the current
 * ρ_g (Larson's update when h = 1) until it settles. The approximation conserves workload only nearly,
 * so the utilisations are rescaled by one common factor to make Σ_g m_g ρ_g = λ/μ exact, and
 * each atom's dispatch shares are rescaled to sum to 1 − P_W. Against the exact model on random
 * instances with N ≤ 15, 1–5 units per group, ρ 0.05–0.5 and loads per unit within 3×, the city
 * cross-beat share is within 3.5% relative and unit utilisations within 5.6% when groups have
 * equal sizes; mixed sizes reach 11% on utilisation and, in systems of two or three beats of
 * unequal size, 11% on cross-beat share — short of issue 13's 5% (`pnpm bench response` prints
 * the table; docs/time-model.md says where and why; tests hold mixed sizes at 12%).
 * Cost per iteration: O(atoms × list positions actually reached + G²).
 * @param system groups, atoms, preferences and service rate (see {@link HypercubeSystem})
 * @throws BeatplanError `BAD_INPUT`, `INFEASIBLE` (ρ ≥ 1 or calls but no unit), `ABORTED`
 * @example
 * solveHypercubeApprox({ unitsByGroup: [1, 1], callsPerHour: [0.3, 0.3], preference: [[0, 1], [1, 0]], serviceRatePerHour: 1 })
 */
export function solveHypercubeApprox(system: HypercubeSystem, options: HypercubeOptions = {}): HypercubeSolution {
  const c = check(system);
  const atoms = c.lambda.length;
  if (c.totalLambda === 0) return emptySolution('approx', c, atoms);
  const n = c.n;
  const mu = c.mu;
  const mmn: MmnFigures = mmnFigures(n, c.totalLambda / mu);
  const groups = c.units.length;
  const units = c.units;
  let staffedGroups = 0;
  for (let g = 0; g < groups; g++) if (units[g]! > 0) staffedGroups++;
  const rho = mmn.rho;
  const queued = rho * mmn.pAllBusy; // utilisation from queued calls, per unit
  const eps = options.truncation ?? 1e-12;
  const tol = options.tolerance ?? 1e-10;
  const maxIt = options.maxIterations ?? 1000;
  const r = new Float64Array(groups);
  for (let g = 0; g < groups; g++) r[g] = units[g]! > 0 ? rho : 0;
  const busy = new Float64Array(groups); // B_g
  const v = new Float64Array(groups);
  const prefs = system.preference;
  const lambda = c.lambda;
  let q: Float64Array = new Float64Array(staffedGroups).fill(1);
  let walkDeepest = 0;
  /** B_g from ρ_g, then the group-level correction factors Q(G, ρ', ·). */
  const updateBusy = (final = false): void => {
    let sb = 0;
    for (let g = 0; g < groups; g++) {
      const m = units[g]!;
      if (m === 0) continue;
      busy[g] = groupAllBusyProbability(m, Math.min(r[g]!, 1 - 1e-12));
      sb += busy[g]!;
    }
    const rp = Math.min(1 - 1e-9, sb / staffedGroups);
    // Q is O(G²) to compute: only up to the deepest list position the walks reached (with a
    // margin; a walk that goes past it asks for a recomputation), and not while ρ' moves less
    // than 1e-5 relative (recomputed exactly at the end).
    const jMax = Math.min(staffedGroups - 1, 2 * deepest + 16);
    if (!final && Math.abs(rp - qRho) <= 1e-5 * rp && jMax <= qMax) return;
    qRho = rp;
    qMax = jMax;
    q = rp > 0 ? larsonCorrectionFactors(mmnFigures(staffedGroups, staffedGroups * rp), jMax) : q.fill(1);
  };
  let qRho = -1;
  let qMax = -1;
  let deepest = staffedGroups;

  /** Adds atom a's V contributions (mode 0) or its raw dispatch shares into `sink` (mode 1). */
  const walk = (a: number, sink: Float64Array, mode: 0 | 1, touched?: number[]): void => {
    const l = lambda[a]!;
    if (l === 0) return;
    const pr = prefs[a]!;
    let prod = 1;
    let k = 0;
    for (let t = 0; t < pr.length && k < staffedGroups; t++) {
      const g = pr[t]!;
      if (units[g]! === 0) continue;
      const s = q[k]! * prod;
      if (mode === 0) sink[g]! += l * s;
      else {
        sink[g]! += s * (1 - busy[g]!);
        touched!.push(g);
      }
      prod *= busy[g]!;
      k++;
      if (k > walkDeepest) walkDeepest = k;
      if (k >= staffedGroups || q[k]! * prod < eps) break;
    }
  };

  let it = 0;
  let converged = false;
  while (it < maxIt) {
    it++;
    if ((it & 15) === 0) throwIfAborted(options.signal);
    updateBusy();
    v.fill(0);
    walkDeepest = 0;
    for (let a = 0; a < atoms; a++) walk(a, v, 0);
    const stale = walkDeepest > qMax && qMax < staffedGroups - 1;
    deepest = walkDeepest;
    let maxDiff = 0;
    for (let g = 0; g < groups; g++) {
      const m = units[g]!;
      if (m === 0) continue;
      // ρ = (1 − B_g)·V_g + ρP_W with 1 − B_g = (1 − ρ_g)·h_g, h_g at the current ρ_g (h = 1
      // for one unit): solved for ρ_g as in Larson's update, ρ ← (hV + ρP_W)/(1 + hV).
      const vg = v[g]! / (m * mu);
      const h = r[g]! < 1 ? (1 - busy[g]!) / (1 - r[g]!) : 1;
      const next = (h * vg + queued) / (1 + h * vg);
      const d = Math.abs(next - r[g]!);
      if (d > maxDiff) maxDiff = d;
      r[g] = next;
    }
    if (maxDiff < tol && !stale) {
      converged = true;
      break;
    }
  }
  // Utilisations: the fixed point, rescaled by one factor so that Σ_g m_g ρ_g = λ/μ.
  let total = 0;
  for (let g = 0; g < groups; g++) total += units[g]! * r[g]!;
  const factor = total > 0 ? c.totalLambda / mu / total : 0;
  const rhoByGroup = new Float64Array(groups);
  for (let g = 0; g < groups; g++) if (units[g]! > 0) rhoByGroup[g] = r[g] = Math.min(1, r[g]! * factor);
  updateBusy(true);
  const pGroupAllBusy = Float64Array.from(busy);
  // Final dispatch shares, rescaled per atom to 1 − P_W.
  const offsets = new Uint32Array(atoms + 1);
  const dg: number[] = [];
  const ds: number[] = [];
  const share = new Float64Array(groups);
  const target = 1 - mmn.pAllBusy;
  for (let a = 0; a < atoms; a++) {
    const touched: number[] = [];
    walk(a, share, 1, touched);
    let sum = 0;
    for (const g of touched) sum += share[g]!;
    const scale = sum > 0 ? target / sum : 0;
    for (const g of touched) {
      if (share[g]! > 0) {
        const sh = share[g]! * scale;
        dg.push(g);
        ds.push(sh);
      }
      share[g] = 0;
    }
    offsets[a + 1] = dg.length;
  }
  return {
    method: 'approx',
    units: n,
    callsPerHour: c.totalLambda,
    rho,
    pAllBusy: mmn.pAllBusy,
    meanQueueWaitHours: mmn.meanQueueWaitServiceTimes / mu,
    rhoByGroup,
    pGroupAllBusy,
    dispatchOffsets: offsets,
    dispatchGroup: Int32Array.from(dg),
    dispatchShare: Float64Array.from(ds),
    pQueue: mmn.pQueue,
    iterations: it,
    converged,
  };
}
