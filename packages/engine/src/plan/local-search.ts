/**
 * Local search over a {@link Partition}: sweeps over the cells in a seeded random order, moving
 * a boundary cell to a neighbouring beat when that lowers the objective, balance first:
 *
 * 1. balance — Σ_b max(0, |w_b − T_b| / T_b − band)² (zero inside the band);
 * 2. compactness — Σ_b P_b² / (4π A_b) (= Σ 1/Polsby-Popper) + `cutWeight` × cut edges
 *    + `changePenalty` × cells away from their initial beat.
 *
 * A move is taken when it lowers (1), or leaves (1) unchanged and lowers (2) — or, while the
 * annealing temperature is above zero, raises (2) by Δ with probability exp(−Δ/temperature).
 * Contiguity is kept by {@link canRemoveCell} (O(1) local rule, bounded BFS when inconclusive);
 * all deltas come from the partition's incremental aggregates.
 */
import { throwIfAborted } from '../errors.js';
import { shuffleInPlace, type Rng } from '../random.js';
import type { Partition } from './partition.js';
import { canRemoveCell } from './topology.js';

/** Inputs of {@link localSearch}. Internal to `plan/`. */
export interface SearchContext {
  readonly part: Partition;
  /** Target of the balanced measure per beat (channel 0 of the partition). */
  readonly target: Float64Array;
  readonly regionOfBeat: Int32Array;
  readonly lockedBeat: Uint8Array;
  readonly pinned: Uint8Array;
  /** Beat per cell in the initial plan (minimal change), or undefined. */
  readonly initialBeat?: Int32Array;
  /** Half-width of the balance band, as a share of the target. */
  readonly band: number;
  readonly changePenalty: number;
  readonly cutWeight: number;
  readonly rng: Rng;
  /** Most cells a contiguity BFS may visit (a larger BFS rejects the move). */
  readonly bfsLimit: number;
  readonly signal?: AbortSignal;
  /** Called after each sweep with the sweep index. */
  readonly onSweep?: (sweep: number) => void;
  /** Absolute deadline on `now()`, or Infinity. */
  readonly deadline: number;
  readonly now: () => number;
}

/** Counters of one search run. */
export interface SearchStats {
  sweeps: number;
  tried: number;
  accepted: number;
  bfs: number;
  timedOut: boolean;
}

/** A phase: sweeps and the annealing temperature schedule (linear from `t0` to 0). */
export interface SearchPhase {
  readonly sweeps: number;
  readonly t0?: number;
  /** Stop the phase at the first sweep that accepts fewer moves than this. Default 1. */
  readonly minMoves?: number;
}

const INV_4PI = 1 / (4 * Math.PI);
const EPS_G = 1e-15;
const EPS_C = 1e-12;

/** Balance penalty of one beat. */
export function balancePenalty(w: number, target: number, band: number): number {
  if (!(target > 0)) return 0;
  const d = Math.abs(w - target) / target - band;
  return d > 0 ? d * d : 0;
}

/** Runs one phase of the local search; mutates `ctx.part`. */
export function localSearch(ctx: SearchContext, phase: SearchPhase, stats: SearchStats): void {
  const { part, target, regionOfBeat, lockedBeat, pinned, initialBeat, band, changePenalty: mu, cutWeight, rng, bfsLimit } = ctx;
  const grid = part.grid;
  const n = grid.cellCount;
  const { adjOffsets, adjTargets, geoOffsets, geoTargets } = grid;
  const pair = part.topo.edgePairKm;
  const beat = part.beatOfCell;
  const load = part.sums[0]!;
  const weight = part.channels[0]!;
  const cellArea = grid.areaKm2;
  const cellPerim = grid.perimeterKm;
  const area = part.areaKm2;
  const perim = part.perimeterKm;
  const count = part.cells;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const cand = new Int32Array(16);
  const links = new Int32Array(16);
  const shared = new Float64Array(16);
  const minMoves = phase.minMoves ?? 1;

  for (let s = 0; s < phase.sweeps; s++) {
    throwIfAborted(ctx.signal);
    if (ctx.now() > ctx.deadline) {
      stats.timedOut = true;
      return;
    }
    const t0 = phase.t0 ?? 0;
    const temp = t0 > 0 ? t0 * (1 - s / phase.sweeps) : 0;
    shuffleInPlace(order, rng);
    let accepted = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const a = beat[i]!;
      if (a < 0 || pinned[i] || lockedBeat[a]) continue;
      const ra = regionOfBeat[a]!;
      let nc = 0;
      let linksA = 0;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = beat[adjTargets[e]!]!;
        if (b === a) {
          linksA++;
          continue;
        }
        if (b < 0 || lockedBeat[b] || regionOfBeat[b] !== ra) continue;
        let q = 0;
        while (q < nc && cand[q] !== b) q++;
        if (q === nc) {
          if (nc === 16) continue;
          cand[nc] = b;
          links[nc] = 0;
          shared[nc] = 0;
          nc++;
        }
        links[q]++;
      }
      if (nc === 0 || count[a]! <= 1) continue;
      stats.tried++;
      let sa = 0;
      for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) {
        const b = beat[geoTargets[e]!]!;
        if (b === a) sa += pair[e]!;
        else for (let q = 0; q < nc; q++) if (cand[q] === b) shared[q] += pair[e]!;
      }
      const wi = weight[i]!;
      const wa = load[a]!;
      const ta = target[a]!;
      const dgA = balancePenalty(wa - wi, ta, band) - balancePenalty(wa, ta, band);
      const pa = perim[a]!;
      const aa = area[a]!;
      const pa2 = pa - cellPerim[i]! + sa;
      const aa2 = aa - cellArea[i]!;
      const dcA = (pa2 * pa2 / aa2 - pa * pa / aa) * INV_4PI;
      const init = initialBeat ? initialBeat[i]! : -2;
      const chA = init === -2 ? 0 : init !== a ? 1 : 0;
      let bestQ = -1;
      let bestG = Infinity;
      let bestC = Infinity;
      for (let q = 0; q < nc; q++) {
        const c = cand[q]!;
        const wc = load[c]!;
        const tc = target[c]!;
        const dg = dgA + balancePenalty(wc + wi, tc, band) - balancePenalty(wc, tc, band);
        const pc = perim[c]!;
        const ac = area[c]!;
        const pc2 = pc + cellPerim[i]! - shared[q]!;
        const ac2 = ac + cellArea[i]!;
        let dc = dcA + (pc2 * pc2 / ac2 - pc * pc / ac) * INV_4PI + cutWeight * (linksA - links[q]!);
        if (init !== -2) dc += mu * ((init !== c ? 1 : 0) - chA);
        if (dg < bestG - EPS_G || (dg <= bestG + EPS_G && dc < bestC)) {
          bestQ = q;
          bestG = dg;
          bestC = dc;
        }
      }
      let take = bestG < -EPS_G;
      if (!take && bestG <= EPS_G) {
        take = bestC < -EPS_C || (temp > 0 && rng.next() < Math.exp(-bestC / temp));
      }
      if (!take) continue;
      const ok = canRemoveCell(part.topo, beat, i, bfsLimit);
      if (ok === 0) continue;
      if (ok === 2) stats.bfs++;
      part.move(i, cand[bestQ]!);
      accepted++;
    }
    stats.sweeps++;
    stats.accepted += accepted;
    ctx.onSweep?.(s);
    if (accepted < minMoves && temp === 0) break;
  }
}
