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
import { exchangeableAllBusy, logFactorials, type MmnFigures, mmnFigures } from './queueing.js';

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
  /**
   * Approximation only: correct the shares for pairs of neighbouring beats that back each other
   * up (part 3 of {@link solveHypercubeApprox}; default true; false gives the method without it,
   * which with one unit per beat is Larson's 1975 method).
   */
  pairCorrection?: boolean;
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
    if (!Number.isInteger(m) || m < 0)
      throw new BeatplanError('BAD_INPUT', `units of group ${i} must be an integer ≥ 0`, { field: 'unitsByGroup', value: m });
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
    if (!(l >= 0) || !Number.isFinite(l))
      throw new BeatplanError('BAD_INPUT', `calls per hour of atom ${a} must be finite and ≥ 0`, { field: 'callsPerHour', value: l });
    lambda[a] = l;
    total += l;
  }
  const mu = sys.serviceRatePerHour;
  if (!(mu > 0) || !Number.isFinite(mu))
    throw new BeatplanError('BAD_INPUT', 'service rate must be > 0', { field: 'serviceRatePerHour', value: mu });
  if (n === 0 && total > 0)
    throw new BeatplanError('INFEASIBLE', 'calls arrive but no unit is on duty', { field: 'unitsByGroup', value: 0 });
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
      if (!(grp >= 0 && grp < g) || !Number.isInteger(grp))
        throw new BeatplanError('BAD_INPUT', `atom ${a}: unknown group in preference`, { field: 'preference', value: grp });
      if (seen[grp] !== a && units[grp]! > 0) covered++;
      seen[grp] = a;
    }
    if (covered !== staffed) {
      throw new BeatplanError('BAD_INPUT', `atom ${a}: the preference list must name every group that has units`, {
        field: 'preference',
        row: a,
      });
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
    throw new BeatplanError('BAD_INPUT', `the exact hypercube model takes at most ${maxUnits} units; use the approximation`, {
      field: 'units',
      value: c.n,
    });
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
 * P(all m units of a group busy) when each is busy ρ of the time, they share one demand stream,
 * and the city's queue is non-empty a share `pQueue` of the time (then every unit is busy and a
 * unit that frees takes the next queued call). Outside the queue the group is a birth–death
 * chain on its number busy n = 0..m: calls arrive at rate a·μ·shape[n] while n < m (shape 1:
 * the Erlang loss node M/M/m/m) and each busy unit frees at rate μ; a is solved (bisection to
 * 1e-13 relative) so that the chain carries the group's work, E[n] = m ρ:
 *
 * π(n) ∝ Π_{i<n} a·shape[i] ÷ n!,  B = pQueue + (1 − pQueue)·π(m),  Σ n π(n) = m (ρ − pQueue)/(1 − pQueue).
 *
 * m = 1 gives ρ (Larson's unit).
 * @param m units in the group (integer ≥ 1)
 * @param rho utilisation of each unit, in [0, 1)
 * @param pQueue P(calls waiting) of the whole system, in [0, ρ] (default 0: a pure loss node)
 * @param shape relative arrival rate with n units busy, n = 0..m−1 (default all 1)
 * @example groupAllBusyProbability(2, 0.3) // ≈ 0.122 (independent units would give 0.09)
 */
export function groupAllBusyProbability(m: number, rho: number, pQueue = 0, shape?: ArrayLike<number>): number {
  return groupChain(m, rho, pQueue, shape).busy;
}

/**
 * {@link groupAllBusyProbability} and the chain's ln a (a warm start for the next call):
 * Newton's method on ln a, where d E[n] / d ln a = Var[n], to 1e-12 relative.
 */
function groupChain(m: number, rho: number, pQueue: number, shape?: ArrayLike<number>, lnStart?: number): { busy: number; lnA: number } {
  if (!(rho > 0)) return { busy: 0, lnA: -Infinity };
  if (m <= 1) return { busy: Math.min(1, rho), lnA: Math.log(rho) };
  if (rho >= 1) return { busy: 1, lnA: Infinity };
  const q = Math.min(Math.max(0, pQueue), rho);
  const target = (m * (rho - q)) / (1 - q);
  if (!(target > 0)) return { busy: q, lnA: -Infinity };
  let lnA = lnStart !== undefined && Number.isFinite(lnStart) ? lnStart : Math.log(target);
  let lo = -Infinity;
  let hi = Infinity;
  let full = 0;
  for (let it = 0; it < 100; it++) {
    // the chain at load a: x_n ∝ Π_{i<n} a·shape[i] / n!
    const a = Math.exp(lnA);
    let x = 1;
    let sum = 1;
    let first = 0;
    let second = 0;
    for (let n = 1; n <= m; n++) {
      x = (x * a * (shape ? shape[n - 1]! : 1)) / n;
      sum += x;
      first += n * x;
      second += n * n * x;
    }
    full = x / sum;
    const mean = first / sum;
    const diff = target - mean;
    if (Math.abs(diff) <= 1e-12 * target) break;
    if (diff > 0) lo = lnA;
    else hi = lnA;
    const variance = second / sum - mean * mean;
    let next = variance > 0 ? lnA + diff / variance : lnA + (diff > 0 ? 1 : -1);
    // stay inside the bracket found so far (bisect when Newton jumps out of it)
    if (!(next > lo && next < hi))
      next = Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : lnA + Math.max(-2, Math.min(2, next - lnA));
    lnA = next;
  }
  return { busy: q + (1 - q) * full, lnA };
}

/**
 * How much more often calls from other beats' lists reach a group of m units when n of them are
 * busy than on average (n = 0..m−1, mean 1 over the group's non-full states): in the M/M/N system
 * with busy sets of one size equally likely, the probability that `ahead` other given units are
 * all busy, given that n of the group's m units are. The busier the group, the busier the city,
 * and the likelier the beats ahead on a list are all busy.
 */
function overflowLoadCorrelation(mmn: MmnFigures, lf: Float64Array, m: number, ahead: number): Float64Array {
  const n = mmn.servers;
  const out = new Float64Array(m);
  const weight = new Float64Array(m);
  const others = n - m;
  const lnC = (a: number, b: number) => (b < 0 || b > a ? -Infinity : lf[a]! - lf[b]! - lf[a - b]!);
  let pMax = 0;
  for (let k = 0; k <= n; k++) pMax = Math.max(pMax, mmn.busyNoQueue[k]!);
  for (let k = 0; k <= n; k++) {
    const pk = mmn.busyNoQueue[k]! + (k === n ? mmn.pQueue : 0);
    if (!(pk > 1e-16 * pMax)) continue; // ±8 standard deviations or so: the rest is below rounding
    for (let b = 0; b < m && b <= k; b++) {
      // P(b of the group busy | k busy) × P(`ahead` given others busy | k − b of the others busy)
      const hyp = Math.exp(lnC(m, b) + lnC(others, k - b) - lnC(n, k));
      if (!(hyp > 0)) continue;
      const rest = k - b;
      const cond = rest >= ahead ? Math.exp(lnC(others - ahead, rest - ahead) - lnC(others, rest)) : 0;
      weight[b]! += pk * hyp;
      out[b]! += pk * hyp * cond;
    }
  }
  let sw = 0;
  let so = 0;
  for (let b = 0; b < m; b++) {
    sw += weight[b]!;
    so += out[b]!;
    out[b] = weight[b]! > 0 ? out[b]! / weight[b]! : 0;
  }
  const mean = so / sw;
  for (let b = 0; b < m; b++) out[b] = mean > 0 ? out[b]! / mean : 1;
  return out;
}

/**
 * How much less often one of two neighbouring beats that back each other up is free when the
 * other is full than independence says, in a joint birth–death chain on the two beats' numbers
 * busy (x, y), time in service times, outside the city's queue: writes
 * `out[at]` = φ_fg = P(f full, g not full) ÷ (P(f full) · P(g not full)) and `out[at + 1]` = φ_gf
 * (the same with f and g swapped), where P(f full) = P_Q + (1 − P_Q)·π(x = m_f) (with a queue
 * every unit is busy) and P(g not full) = (1 − P_Q)·π(y < m_g).
 * f's calls arrive at `rf[x]` plus `ogf` while g is full (`ogf`: the calls that reach f only
 * past g, g ahead of f on their list, per service time while g is full and f is not), g's at
 * `rg[y]` plus `ofg` while f is full; the base rates `rf`, `rg` (each beat's own chain) already
 * carry that overflow on average (`subF`, `subG` per service time of the beat's non-full time),
 * so it is taken out of them (at most 90%).
 * At most `maxSweeps` Gauss–Seidel sweeps on `pi` ((mf + 1)(mg + 1) states, x-major; its values
 * are the warm start and are updated in place, so the chain converges along with the outer fixed
 * point) until no state moves by 1e-12; `up` is scratch of 2 × states. A factor is 1 when its
 * beat never fills or the other is always full.
 */
function pairFreeFactor(
  mf: number,
  mg: number,
  rf: ArrayLike<number>,
  rg: ArrayLike<number>,
  ofg: number,
  ogf: number,
  subF: number,
  subG: number,
  pQueue: number,
  pi: Float64Array,
  up: Float64Array,
  maxSweeps: number,
  out: Float64Array,
  at: number,
): void {
  out[at] = 1;
  out[at + 1] = 1;
  if (!(rf[0]! > 0 && rg[0]! > 0)) return; // an idle beat: no chain to solve
  const w = mg + 1;
  const s = (mf + 1) * w;
  // up[2i], up[2i + 1]: rates of (x, y) → (x + 1, y) and → (x, y + 1)
  for (let x = 0; x <= mf; x++) {
    for (let y = 0; y <= mg; y++) {
      const i = x * w + y;
      up[2 * i] = x < mf ? Math.max(0.1 * rf[x]!, rf[x]! - subF) + (y === mg ? ogf : 0) : 0;
      up[2 * i + 1] = y < mg ? Math.max(0.1 * rg[y]!, rg[y]! - subG) + (x === mf ? ofg : 0) : 0;
    }
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let diff = 0;
    let total = 0;
    for (let x = 0; x <= mf; x++) {
      for (let y = 0; y <= mg; y++) {
        const i = x * w + y;
        let inflow = 0;
        if (x > 0) inflow += pi[i - w]! * up[2 * (i - w)]!;
        if (y > 0) inflow += pi[i - 1]! * up[2 * (i - 1) + 1]!;
        if (x < mf) inflow += pi[i + w]! * (x + 1);
        if (y < mg) inflow += pi[i + 1]! * (y + 1);
        const v = inflow / (up[2 * i]! + up[2 * i + 1]! + x + y);
        diff = Math.max(diff, Math.abs(v - pi[i]!));
        pi[i] = v;
        total += v;
      }
    }
    if (!(total > 0 && Number.isFinite(total))) {
      pi.fill(1); // lost (a rate out of range): start afresh next time
      return;
    }
    for (let i = 0; i < s; i++) pi[i]! /= total;
    if (diff < 1e-12 * total) break;
  }
  let pF = 0;
  let pG = 0;
  let pBoth = 0;
  for (let x = 0; x <= mf; x++) {
    for (let y = 0; y <= mg; y++) {
      const v = pi[x * w + y]!;
      if (x === mf) pF += v;
      if (y === mg) pG += v;
      if (x === mf && y === mg) pBoth += v;
    }
  }
  // the chain is the time without a queue (1 − P_Q); with a queue both beats are full
  const fg = pF > 0 && pG < 1 ? (pF - pBoth) / ((pQueue + (1 - pQueue) * pF) * (1 - pG)) : 1;
  const gf = pG > 0 && pF < 1 ? (pG - pBoth) / ((pQueue + (1 - pQueue) * pG) * (1 - pF)) : 1;
  if (fg > 0 && Number.isFinite(fg)) out[at] = fg;
  if (gf > 0 && Number.isFinite(gf)) out[at + 1] = gf;
}

/**
 * Hypercube approximation with multi-unit beats (groups), after Larson (1975, infinite queue)
 * and in the spirit of Budge, Ingolfsson & Erkut (2009). Two parts, solved as one fixed point
 * on the units' utilisations ρ_g:
 *
 * 1. **Own beat.** P(all units of group g busy) is B_g = {@link groupAllBusyProbability}(m_g,
 *    ρ_g, P_Q): an Erlang loss node at the group's carried load, held full while the city's
 *    queue is non-empty (P_Q, exact from M/M/N). A call is answered in its own (first-listed)
 *    group with probability 1 − B_g: the units of one beat share its demand, so they are busy
 *    together far more often than independent units (ρ^m) would be.
 * 2. **Further down the list.** The share of calls that find the groups S ahead all busy and
 *    group g not, for g after the first, is taken ∝ Π_{h∈S} (B_h / H(m_h)) · (H(M_S) − H(M_S +
 *    m_g)) / (1 − H(m_g)) · (1 − B_g), with M_S the units of S and H(M) the M/M/N probability
 *    that M given units are busy when busy sets of one size are equally likely
 *    ({@link exchangeableAllBusy}): Larson's correction for the city's load, applied to units,
 *    with each group's own all-busy probability in place of ρ^m. These shares are scaled so that
 *    they sum to B_first − P_W (every call not answered in its own beat and not queued).
 * 3. **Neighbours that back each other up.** For each pair (f, g) with g second on the list of
 *    some of f's calls (one-unit beats included), a joint chain of the two beats' numbers busy
 *    ({@link pairFreeFactor}) gives φ_fg = P(f full, g not full) ÷ (P(f full) P(g not full)) and
 *    φ_gf; in it each beat takes, while the other is full, the calls that reach it only past the
 *    other (at any position of any list, from the previous iteration's shares), at the rate
 *    those calls imply over the time the chain itself has the other full and this one not, and
 *    the chain is the time without a queue (1 − P_Q). The second-listed beat's share is at most
 *    B_f (1 − B_g) φ_fg (what the cap takes off goes further down in proportion to the shares):
 *    Larson's conditioning (part 2) and the pair chain measure the same dependence from two
 *    sides, so at the second position the stronger of the two is kept. A beat at the third or a
 *    later position is multiplied (before scaling) by the smallest pair factor it has with a
 *    beat ahead of it on the list (φ_fg with f ahead, φ_gf with g ahead): there Larson's
 *    conditioning is on the city's load given all the units ahead, which does not know that one
 *    of them is the beat this one backs up (chosen by measurement against the stronger-of-two
 *    rule there; docs/time-model.md).
 *
 * Queued calls (P_W, Erlang C) go to every unit in equal shares, so ρ_g = Σ_j λ_j s_jg ÷ (m_g μ)
 * + ρ P_W; workload is conserved by construction (Σ_g m_g ρ_g = λ/μ). With one unit per group
 * and `pairCorrection: false` it is Larson's method (then B_h / H(1) = ρ_h / ρ and the second
 * factor is Larson's Q). Against the exact model on random instances (N ≤ 15, 1–5 units per
 * group, ρ 0.05–0.5, loads per unit within 3×) the city cross-beat share and every unit's
 * utilisation are within 5% relative in every system drawn: 2,151 mixed systems (cross-beat
 * 2.0% worst, utilisation 3.6% worst) and 600 of equal sizes 1–5 (1.7%, 3.8%; Larson's own
 * method 5.6% there). In a symmetric city (every preference order equally likely), where
 * Larson's method is exact, utilisations stay exact and shares are within 4.5%. `pnpm bench
 * response` prints the table and sweep; docs/time-model.md. Utilisation error is |approx −
 * exact| ÷ max(exact, 0.05). Cost per iteration: O(atoms × list positions actually reached ×
 * pairs per beat + pairs × 36); once O(N²) for H.
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
  const rho = mmn.rho;
  const pW = mmn.pAllBusy;
  const queued = rho * pW; // utilisation from queued calls, per unit
  const eps = options.truncation ?? 1e-12;
  const tol = options.tolerance ?? 1e-10;
  const maxIt = options.maxIterations ?? 1000;
  const h = exchangeableAllBusy(mmn);
  const invOneMinusH = new Float64Array(n + 1);
  for (let m = 0; m < n; m++) invOneMinusH[m] = 1 / (1 - h[m]!);
  const r = new Float64Array(groups);
  for (let g = 0; g < groups; g++) r[g] = units[g]! > 0 ? rho : 0;
  const busy = new Float64Array(groups); // B_g
  const ratio = new Float64Array(groups); // B_g / H(m_g)
  const lnLoad = new Float64Array(groups).fill(NaN); // each group chain's ln a, a warm start
  const work = new Float64Array(groups); // Σ_j λ_j s_jg
  const prefs = system.preference;
  const lambda = c.lambda;
  const posGroup = new Int32Array(groups);
  const posShare = new Float64Array(groups);
  const posAhead = new Int32Array(groups);
  // Calls from other beats' lists (overflow) reach a group more often while it is busy: its
  // chain's arrival rate with n busy is (1 − w_g) + w_g·√κ(n) times the mean, w_g the share of
  // its calls that are overflow, κ from {@link overflowLoadCorrelation} at the overflow's mean
  // number of units ahead (the square root: calibrated against the exact model, as the
  // exchangeable-units conditioning overstates how much one beat's state says about the city's).
  const ownWork = new Float64Array(groups);
  const aheadWork = new Float64Array(groups);
  const overflowShare = new Float64Array(groups);
  const aheadUnits = new Int32Array(groups).fill(-1);
  const shapes: Array<Float64Array | undefined> = new Array(groups);
  const correlations = new Map<number, Float64Array>();
  const lf = logFactorials(n);
  const updateShapes = (): void => {
    for (let g = 0; g < groups; g++) {
      const m = units[g]!;
      const over = work[g]! - ownWork[g]!;
      if (m <= 1 || !(over > 0)) {
        shapes[g] = undefined;
        continue;
      }
      overflowShare[g] = over / work[g]!;
      const ahead = Math.max(1, Math.min(n - m, Math.round(aheadWork[g]! / over)));
      const key = m * (n + 1) + ahead;
      let kappa = correlations.get(key);
      if (!kappa) correlations.set(key, (kappa = overflowLoadCorrelation(mmn, lf, m, ahead)));
      aheadUnits[g] = ahead;
      const w = overflowShare[g]!;
      const sh = (shapes[g] ??= new Float64Array(m));
      for (let b = 0; b < m; b++) sh[b] = 1 - w + w * Math.sqrt(kappa[b]!);
    }
  };

  // Pairs (f, g): beat f first and beat g second on some atom's list, not both of one unit (one
  // unit per beat stays Larson's method). Partners of a group t (CSR, entry 2p + role): role 0 =
  // t is f of pair p, role 1 = t is g of pair p.
  const correct = options.pairCorrection !== false;
  const pairKey = new Map<number, number>();
  const atomPair = new Int32Array(atoms).fill(-1);
  const pairF: number[] = [];
  const pairG: number[] = [];
  for (let a = 0; a < atoms && correct; a++) {
    if (!(lambda[a]! > 0)) continue;
    const pr = prefs[a]!;
    let f = -1;
    let sg = -1;
    for (let t = 0; t < pr.length; t++) {
      const g = pr[t]!;
      if (units[g]! === 0) continue;
      if (f < 0) f = g;
      else if (g !== f) {
        sg = g;
        break;
      }
    }
    if (sg < 0) continue;
    const key = f * groups + sg;
    let p = pairKey.get(key);
    if (p === undefined) {
      p = pairF.length;
      pairKey.set(key, p);
      pairF.push(f);
      pairG.push(sg);
    }
    atomPair[a] = p;
  }
  const pairs = pairF.length;
  const partnerAt = new Uint32Array(groups + 1);
  for (let p = 0; p < pairs; p++) {
    partnerAt[pairF[p]! + 1]!++;
    partnerAt[pairG[p]! + 1]!++;
  }
  for (let g = 0; g < groups; g++) partnerAt[g + 1]! += partnerAt[g]!;
  const partners = new Int32Array(2 * pairs);
  {
    const fill = partnerAt.slice(0, groups);
    for (let p = 0; p < pairs; p++) {
      partners[fill[pairF[p]!]!++] = 2 * p;
      partners[fill[pairG[p]!]!++] = 2 * p + 1;
    }
  }
  // Calls per hour that reach f only because g is full (g ahead of f on their list, f not first)
  // and the reverse: the two beats' coupling, from the previous iteration's shares.
  const flowIntoF = new Float64Array(pairs);
  const flowIntoG = new Float64Array(pairs);
  const nextIntoF = new Float64Array(pairs);
  const nextIntoG = new Float64Array(pairs);
  const seenInList = new Int32Array(groups).fill(-1); // = a call's mark: the group was passed on that call's list
  // φ_fg at 2p, φ_gf at 2p + 1 ({@link pairFreeFactor})
  const pairFactors = new Float64Array(2 * pairs).fill(1);
  const pairStateAt = new Uint32Array(pairs + 1); // each pair chain's states in pairStates
  for (let p = 0; p < pairs; p++) pairStateAt[p + 1] = pairStateAt[p]! + (units[pairF[p]!]! + 1) * (units[pairG[p]!]! + 1);
  const pairStates = new Float64Array(pairStateAt[pairs]!).fill(1);
  const pairSolved = new Uint8Array(pairs); // 1 once a pair's chain has been solved
  const aheadMark = new Int32Array(groups); // = listMark: the group is ahead on the list at hand
  let listMark = 0; // one mark per list walked (shares, addPairFlows)
  const pairUp = new Float64Array(72); // scratch: a pair chain's up-rates (at most 6 × 6 states)
  const baseRate = (g: number): Float64Array => {
    const m = units[g]!;
    const out = new Float64Array(m);
    let la: number;
    if (m === 1) {
      const q = Math.min(mmn.pQueue, r[g]!);
      const t = Math.min(0.999, (r[g]! - q) / (1 - q));
      la = t / (1 - t);
    } else la = Math.exp(lnLoad[g]!);
    for (let b = 0; b < m; b++) out[b] = la * (shapes[g] ? shapes[g]![b]! : 1);
    return out;
  };
  const updatePairs = (): void => {
    const rates: Array<Float64Array | undefined> = new Array(groups);
    for (let p = 0; p < pairs; p++) {
      const f = pairF[p]!;
      const g = pairG[p]!;
      const rf = (rates[f] ??= baseRate(f));
      const rg = (rates[g] ??= baseRate(g));
      const bf = busy[f]!;
      const bg = busy[g]!;
      const mf = units[f]!;
      const mg = units[g]!;
      const pi = pairStates.subarray(pairStateAt[p]!, pairStateAt[p + 1]!);
      // P(f full, g not full) and the reverse: from the chain's last solve (the time without a
      // queue, 1 − P_Q), by independence until it has one
      let pFnG = bf * (1 - bg);
      let pGnF = bg * (1 - bf);
      if (pairSolved[p]) {
        pFnG = 0;
        pGnF = 0;
        for (let y = 0; y < mg; y++) pFnG += pi[mf * (mg + 1) + y]!;
        for (let x = 0; x < mf; x++) pGnF += pi[x * (mg + 1) + mg]!;
        pFnG *= 1 - mmn.pQueue;
        pGnF *= 1 - mmn.pQueue;
      }
      // overflow rates (per service time) while the other beat is full and this one is not, and
      // their means over this beat's non-full time (already in its own chain's rates)
      const ofg = bf > 0 && bg < 1 && pFnG > 0 ? flowIntoG[p]! / (mu * pFnG) : 0;
      const ogf = bg > 0 && bf < 1 && pGnF > 0 ? flowIntoF[p]! / (mu * pGnF) : 0;
      const subF = bf < 1 ? flowIntoF[p]! / (mu * (1 - bf)) : 0;
      const subG = bg < 1 ? flowIntoG[p]! / (mu * (1 - bg)) : 0;
      pairFreeFactor(mf, mg, rf, rg, ofg, ogf, subF, subG, mmn.pQueue, pi, pairUp, 4, pairFactors, 2 * p);
      pairSolved[p] = pi[0]! < 1 ? 1 : 0; // normalised by a solve (a start or a reset is all ones)
    }
  };
  /**
   * Adds an atom's overflow (`l` calls per hour; its shares in posGroup/posShare, `count` of them) to the pairs'
   * coupling, down the list until what is left is below 1e-4 of it.
   */
  const addPairFlows = (l: number, count: number): void => {
    // a mark of this call (not the atom's index: a group reached by the same atom's list in an
    // earlier iteration, and not stamped since, would count as ahead of a group it is behind)
    const a = ++listMark;
    seenInList[posGroup[0]!] = a;
    let left = 1 - pW - posShare[0]!; // the shares after the first (all shares sum to 1 − P_W)
    const enough = 1e-4 * left;
    for (let e = 1; e < count && left > enough; e++) {
      left -= posShare[e]!;
      const t = posGroup[e]!;
      const flow = l * posShare[e]!;
      for (let q = partnerAt[t]!; q < partnerAt[t + 1]!; q++) {
        const entry = partners[q]!;
        const p = entry >> 1;
        if (entry & 1) {
          if (seenInList[pairF[p]!] === a) nextIntoG[p]! += flow;
        } else if (seenInList[pairG[p]!] === a) nextIntoF[p]! += flow;
      }
      seenInList[t] = a;
    }
  };

  const updateBusy = (): void => {
    for (let g = 0; g < groups; g++) {
      const m = units[g]!;
      if (m === 0) continue;
      const chain = groupChain(m, Math.min(r[g]!, 1 - 1e-12), mmn.pQueue, shapes[g], lnLoad[g]);
      busy[g] = chain.busy;
      lnLoad[g] = chain.lnA;
      ratio[g] = h[m]! > 0 ? busy[g]! / h[m]! : 0;
    }
    updatePairs();
  };

  /**
   * Dispatch shares of atom a into posGroup/posShare (list order, staffed groups only);
   * returns how many.
   */
  const shares = (a: number): number => {
    const pr = prefs[a]!;
    const mark = ++listMark;
    let count = 0;
    let first = -1;
    let prodAhead = 1; // Π_{h ahead} B_h / H(m_h)
    let ahead = 0; // units ahead
    let tail = 0;
    for (let t = 0; t < pr.length; t++) {
      const g = pr[t]!;
      const m = units[g]!;
      if (m === 0) continue;
      if (first < 0) {
        first = g;
        posGroup[0] = g;
        count = 1;
      } else {
        const free = ahead + m <= n ? h[ahead]! - h[ahead + m]! : h[ahead]!;
        let s = prodAhead * free * invOneMinusH[m]! * (1 - busy[g]!);
        // third and later: times the smallest pair factor of g with a beat ahead of it (while the
        // calls that get this far are 1e-4 of the overflow or more, as for the pairs' coupling)
        if (count >= 2 && prodAhead * h[ahead]! >= 1e-4 * busy[first]!) {
          let phi = 1;
          for (let q = partnerAt[g]!; q < partnerAt[g + 1]!; q++) {
            const entry = partners[q]!;
            const p = entry >> 1;
            // g is the pair's g (entry & 1) and its f is ahead: φ_fg at 2p; or the reverse: φ_gf
            if (aheadMark[entry & 1 ? pairF[p]! : pairG[p]!] === mark) phi = Math.min(phi, pairFactors[entry ^ 1]!);
          }
          s *= phi;
        }
        posGroup[count] = g;
        posAhead[count] = ahead;
        posShare[count++] = s;
        tail += s;
      }
      prodAhead *= ratio[g]!;
      aheadMark[g] = mark;
      ahead += m;
      // P(every group so far busy) ≈ prodAhead · H(units so far): the rest of the list is negligible
      if (ahead >= n || !(prodAhead * h[ahead]! >= eps)) break;
    }
    // the own group answers 1 − B (at most 1 − P_W); the rest of the non-queued calls go down the list
    const rest = Math.max(0, busy[first]! - pW);
    posShare[0] = 1 - pW - (tail > 0 ? rest : 0);
    const scale = tail > 0 ? rest / tail : 0;
    for (let k = 1; k < count; k++) posShare[k]! *= scale;
    // the second-listed beat: at most B_f (1 − B_g) φ_fg; what it does not take goes further down
    const pair = atomPair[a]!;
    if (pair >= 0 && count >= 3) {
      const capped = busy[first]! * (1 - busy[posGroup[1]!]!) * pairFactors[2 * pair]!;
      const behind = rest - posShare[1]!;
      if (capped < posShare[1]! && behind > 0) {
        const grow = (rest - capped) / behind;
        for (let k = 2; k < count; k++) posShare[k]! *= grow;
        posShare[1] = capped;
      }
    }
    return count;
  };

  let it = 0;
  let converged = false;
  while (it < maxIt) {
    it++;
    if ((it & 15) === 0) throwIfAborted(options.signal);
    updateBusy();
    work.fill(0);
    ownWork.fill(0);
    aheadWork.fill(0);
    nextIntoF.fill(0);
    nextIntoG.fill(0);
    for (let a = 0; a < atoms; a++) {
      const l = lambda[a]!;
      if (l === 0) continue;
      const k = shares(a);
      ownWork[posGroup[0]!]! += l * posShare[0]!;
      for (let e = 0; e < k; e++) work[posGroup[e]!]! += l * posShare[e]!;
      for (let e = 1; e < k; e++) aheadWork[posGroup[e]!]! += l * posShare[e]! * posAhead[e]!;
      if (pairs > 0) addPairFlows(l, k);
    }
    flowIntoF.set(nextIntoF);
    flowIntoG.set(nextIntoG);
    updateShapes();
    let maxDiff = 0;
    for (let g = 0; g < groups; g++) {
      const m = units[g]!;
      if (m === 0) continue;
      // Every share into g carries the factor 1 − B_g: ρ_g = (1 − B_g)·V_g + ρP_W with V_g =
      // work ÷ ((1 − B_g) m μ). With 1 − B_g = (1 − ρ_g)·h_g, h_g at the current ρ_g, solved for
      // ρ_g as in Larson's update (h = 1 for one unit): ρ ← (hV + ρP_W)/(1 + hV). The plain
      // update ρ ← work ÷ (m μ) + ρP_W overshoots to 1 at high loads.
      const free = 1 - busy[g]!;
      const vg = free > 0 ? work[g]! / (free * m * mu) : 0;
      const hg = r[g]! < 1 ? free / (1 - r[g]!) : 1;
      const next = (hg * vg + queued) / (1 + hg * vg);
      const d = Math.abs(next - r[g]!);
      if (d > maxDiff) maxDiff = d;
      r[g] = next;
    }
    if (maxDiff < tol) {
      converged = true;
      break;
    }
  }
  // The outputs from one last pass: utilisations from the shares (so workload is conserved exactly).
  updateBusy();
  const pGroupAllBusy = Float64Array.from(busy);
  const offsets = new Uint32Array(atoms + 1);
  const dg: number[] = [];
  const ds: number[] = [];
  work.fill(0);
  for (let a = 0; a < atoms; a++) {
    const l = lambda[a]!;
    if (l > 0) {
      const k = shares(a);
      for (let e = 0; e < k; e++) {
        if (posShare[e]! > 0) {
          dg.push(posGroup[e]!);
          ds.push(posShare[e]!);
          work[posGroup[e]!]! += l * posShare[e]!;
        }
      }
    }
    offsets[a + 1] = dg.length;
  }
  const rhoByGroup = new Float64Array(groups);
  for (let g = 0; g < groups; g++) if (units[g]! > 0) rhoByGroup[g] = Math.min(1, work[g]! / (units[g]! * mu) + queued);
  return {
    method: 'approx',
    units: n,
    callsPerHour: c.totalLambda,
    rho,
    pAllBusy: pW,
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
