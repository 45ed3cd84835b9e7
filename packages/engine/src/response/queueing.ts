/**
 * M/M/N (Erlang) formulas and Larson's correction factors Q(N, ρ, j) for the
 * infinite-queue hypercube approximation. Pure numeric helpers, log-domain so that
 * N in the thousands neither overflows nor underflows.
 */
import { BeatplanError } from '../errors.js';

/** Stationary figures of an M/M/N queue with an infinite FCFS queue. */
export interface MmnFigures {
  /** Servers N. */
  readonly servers: number;
  /** Offered load a = λ/μ (erlangs). */
  readonly offeredErlangs: number;
  /** Utilisation per server ρ = a/N, in [0, 1). */
  readonly rho: number;
  /**
   * `busyNoQueue[k]` = P(k servers busy and nobody waiting), k = 0..N. Σ_k busyNoQueue[k] +
   * `pQueue` = 1.
   */
  readonly busyNoQueue: Float64Array;
  /** P(all N busy) = Erlang C = the share of calls that wait (PASTA). */
  readonly pAllBusy: number;
  /** P(at least one call waiting) = busyNoQueue[N] · ρ/(1−ρ). */
  readonly pQueue: number;
  /** Mean wait in queue, in units of the mean service time (W_q · μ). */
  readonly meanQueueWaitServiceTimes: number;
}

/**
 * ln k! for k = 0..n.
 * @example logFactorials(3)[3] // ln 6
 */
export function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) lf[k] = lf[k - 1]! + Math.log(k);
  return lf;
}

/**
 * M/M/N with an infinite queue (Erlang C).
 * @param servers N ≥ 1 (integer)
 * @param offeredErlangs a = λ/μ ≥ 0, must be < N (stable queue)
 * @throws BeatplanError `BAD_INPUT` (bad N or a), `INFEASIBLE` (a ≥ N: the queue grows without bound)
 * @example mmnFigures(2, 1).pAllBusy // 1/3
 */
export function mmnFigures(servers: number, offeredErlangs: number): MmnFigures {
  const n = servers;
  const a = offeredErlangs;
  if (!Number.isInteger(n) || n < 1)
    throw new BeatplanError('BAD_INPUT', 'servers must be a positive integer', { field: 'servers', value: n });
  if (!(a >= 0) || !Number.isFinite(a))
    throw new BeatplanError('BAD_INPUT', 'offered load must be a finite number ≥ 0', { field: 'offeredErlangs', value: a });
  if (a >= n) {
    throw new BeatplanError('INFEASIBLE', `offered load ${a.toFixed(3)} erlangs ≥ ${n} units: calls queue without bound`, {
      field: 'rho',
      value: a / n,
    });
  }
  const rho = a / n;
  const busy = new Float64Array(n + 1);
  if (a === 0) {
    busy[0] = 1;
    return { servers: n, offeredErlangs: 0, rho: 0, busyNoQueue: busy, pAllBusy: 0, pQueue: 0, meanQueueWaitServiceTimes: 0 };
  }
  const lf = logFactorials(n);
  const la = Math.log(a);
  const logs = new Float64Array(n + 2);
  let max = -Infinity;
  for (let k = 0; k <= n; k++) {
    logs[k] = k * la - lf[k]!;
    if (logs[k]! > max) max = logs[k]!;
  }
  // Tail of the queue: Σ_{q≥1} P_N ρ^q = P_N ρ/(1−ρ).
  logs[n + 1] = logs[n]! + Math.log(rho) - Math.log1p(-rho);
  if (logs[n + 1]! > max) max = logs[n + 1]!;
  let z = 0;
  for (let k = 0; k <= n + 1; k++) z += Math.exp(logs[k]! - max);
  for (let k = 0; k <= n; k++) busy[k] = Math.exp(logs[k]! - max) / z;
  const pQueue = Math.exp(logs[n + 1]! - max) / z;
  const pAllBusy = busy[n]! + pQueue;
  return {
    servers: n,
    offeredErlangs: a,
    rho,
    busyNoQueue: busy,
    pAllBusy,
    pQueue,
    meanQueueWaitServiceTimes: pAllBusy / (n - a),
  };
}

/**
 * Larson's (1975) correction factors for the infinite-queue hypercube approximation:
 * `q[j]` = Q(N, ρ, j), j = 0..N−1, chosen so that in the symmetric M/M/N system the
 * probability that a call finds its first j preferred units busy and its (j+1)-th free,
 * Q(N, ρ, j) · ρ^j · (1−ρ), is exact:
 *
 * Q(N, ρ, j) = Σ_{k=j}^{N−1} [(N−j−1)! (N−k) / (k−j)!] · [N^k / N!] · ρ^{k−j} · P_0 / (1−ρ).
 *
 * Q(N, ρ, 0) = 1. Values are capped at e^700 (they then multiply negligible products).
 * @param mmn figures of the symmetric M/M/N system (from {@link mmnFigures}); ρ > 0
 * @param maxJ largest j wanted (default N−1)
 */
export function larsonCorrectionFactors(mmn: MmnFigures, maxJ = mmn.servers - 1): Float64Array {
  const n = mmn.servers;
  const rho = mmn.rho;
  const jMax = Math.min(maxJ, n - 1);
  const q = new Float64Array(n).fill(1);
  if (rho <= 0) return q;
  const lf = logFactorials(n);
  const lp = new Float64Array(n);
  for (let k = 0; k < n; k++) lp[k] = Math.log(mmn.busyNoQueue[k]!);
  const lr = Math.log(rho);
  const l1r = Math.log1p(-rho);
  for (let j = 0; j <= jMax; j++) {
    // D(j) = Σ_{k=j}^{N−1} P_k · k!/(k−j)! · (N−j−1)!/N! · (N−k)   (exact symmetric probability)
    let max = -Infinity;
    const base = lf[n - j - 1]! - lf[n]!;
    const terms: number[] = [];
    for (let k = j; k < n; k++) {
      const t = lp[k]! + lf[k]! - lf[k - j]! + base + Math.log(n - k);
      terms.push(t);
      if (t > max) max = t;
    }
    let s = 0;
    for (const t of terms) s += Math.exp(t - max);
    const logD = max + Math.log(s);
    q[j] = Math.exp(Math.min(700, logD - j * lr - l1r));
  }
  return q;
}

/**
 * P(M given units are all busy) in the M/M/N system when, given the number busy K, every set of
 * K busy units is equally likely (Larson's exchangeable-units assumption):
 *
 * H(M) = Σ_{K ≥ M} P(K) · C(N−M, K−M) / C(N, K),   M = 0..N,
 *
 * with P(N) = P(all busy), queue included. H(0) = 1, H(1) = ρ, H(N) = Erlang C. Larson's factor
 * is Q(N, ρ, j) = (H(j) − H(j+1)) / (ρ^j (1−ρ)). Cost O(N²) (about 0.3 M steps for N = 800).
 * @param mmn figures of the M/M/N system (from {@link mmnFigures})
 * @returns `h[M]`, M = 0..N (a Float64Array of N + 2 entries; `h[N+1]` = 0)
 * @example exchangeableAllBusy(mmnFigures(2, 1))[2] // 1/3 (Erlang C)
 */
export function exchangeableAllBusy(mmn: MmnFigures): Float64Array {
  const n = mmn.servers;
  const h = new Float64Array(n + 2);
  for (let k = 0; k <= n; k++) {
    // term = P(K = k) · k!/(k−M)! · (N−M)!/N!, M = 0..k
    let term = mmn.busyNoQueue[k]! + (k === n ? mmn.pQueue : 0);
    for (let m = 0; m <= k && term > 0; m++) {
      h[m]! += term;
      term *= (k - m) / (n - m);
    }
  }
  return h;
}
