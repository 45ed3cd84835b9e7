/**
 * Local search over a {@link Partition}, composed from parts (see `search/`): sweeps over the
 * cells in a seeded random order and moves a boundary cell to a neighbouring beat when the
 * acceptance rule takes the move.
 *
 * - Primary objective: balance (`BalanceTerm`, zero inside the band).
 * - Secondary objective: compactness (Σ 1/Polsby-Popper) + `cutWeight` × cut edges + the
 *   change against an initial plan (`ChangeTerm`, in workload units).
 * - Constraints: locks, regions, the change budget and no beat made worse (per candidate),
 *   the tendril guard (from a predecessor), contiguity (on the chosen
 *   move: O(1) local rule, bounded BFS when inconclusive).
 * - Acceptance: greedy, or annealing on the secondary objective.
 *
 * All deltas come from the partition's incremental aggregates.
 */
import { throwIfAborted } from '../errors.js';
import { type Rng, shuffleInPlace } from '../random.js';
import type { Partition } from './partition.js';
import { type Acceptance, AnnealingAcceptance, EPS_PRIMARY, greedyAcceptance } from './search/acceptance.js';
import {
  ChangeBudgetConstraint,
  ContiguityConstraint,
  LockConstraint,
  type MoveConstraint,
  NoWorseConstraint,
  RegionConstraint,
  ShapeFloorConstraint,
  TendrilConstraint,
} from './search/constraints.js';
import { BalanceTerm, ChangeLedger, ChangeTerm, CompactnessTerm, CutEdgeTerm, type ObjectiveTerm } from './search/terms.js';

export { balancePenalty } from './search/terms.js';

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
  /** Half-width of the balance band, as a share of the target (the tolerance ε). */
  readonly band: number;
  /** Cost of moving one mean beat's workload away from its initial beat (Σ 1/PP units). */
  readonly changePenalty: number;
  /** Cost per cell away from its initial beat (Σ 1/PP units). */
  readonly changePerCell: number;
  /**
   * Most workload (balanced measure, hours/week) that may sit away from its initial beat. A
   * budget also adds the {@link NoWorseConstraint}: no beat ends further from the band than it
   * started.
   */
  readonly changeBudget?: number;
  readonly cutWeight: number;
  /** Adds the {@link TendrilConstraint} to the search's constraints. */
  readonly tendrilGuard?: boolean;
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

/** The parts a search composes; built once per plan by {@link searchParts}. */
export interface SearchParts {
  /** Balance terms (decide first). */
  readonly primary: readonly ObjectiveTerm[];
  /** Shape and change terms (decide between moves of equal balance). */
  readonly secondary: readonly ObjectiveTerm[];
  /** Constraints checked for every candidate move (cheap). */
  readonly constraints: readonly MoveConstraint[];
  /** Checked on the chosen move only (may run a BFS). */
  readonly contiguity: ContiguityConstraint;
  /** Change against the initial plan, when there is one. */
  readonly ledger?: ChangeLedger;
  /** Under a change budget: the workload range each beat must stay in (also in `constraints`). */
  readonly noWorse?: NoWorseConstraint;
}

/**
 * Polsby-Popper a budgeted re-plan may take off any beat's initial shape
 * ({@link ShapeFloorConstraint}); the plan's mean PP stays at least the predecessor's minus it.
 */
export const SHAPE_MARGIN = 0.03;

/** Mean of the positive targets (the workload unit of the change term). */
function meanTarget(target: Float64Array): number {
  let s = 0;
  let k = 0;
  for (let b = 0; b < target.length; b++) {
    if (target[b]! > 0) {
      s += target[b]!;
      k++;
    }
  }
  return k ? s / k : 1;
}

/** Builds the objective terms and constraints of a search context. */
export function searchParts(ctx: SearchContext): SearchParts {
  const { part } = ctx;
  const ledger = ctx.initialBeat ? new ChangeLedger(ctx.initialBeat, part.channels[0]!, part.beatOfCell) : undefined;
  const secondary: ObjectiveTerm[] = [new CompactnessTerm(part), new CutEdgeTerm(part, ctx.cutWeight)];
  if (ledger && (ctx.changePenalty > 0 || ctx.changePerCell > 0))
    secondary.push(new ChangeTerm(ledger, ctx.changePenalty, ctx.changePerCell, meanTarget(ctx.target)));
  const constraints: MoveConstraint[] = [new LockConstraint(ctx.lockedBeat, ctx.pinned), new RegionConstraint(ctx.regionOfBeat)];
  const noWorse = ledger && ctx.changeBudget !== undefined ? new NoWorseConstraint(part, ctx.target, ctx.band) : undefined;
  if (ledger && ctx.changeBudget !== undefined) constraints.push(new ChangeBudgetConstraint(ledger, ctx.changeBudget));
  if (noWorse) constraints.push(noWorse, new ShapeFloorConstraint(part, SHAPE_MARGIN));
  if (ledger && ctx.tendrilGuard) constraints.push(new TendrilConstraint(part));
  return {
    primary: [new BalanceTerm(part, ctx.target, ctx.band)],
    secondary,
    constraints,
    contiguity: new ContiguityConstraint(part, ctx.bfsLimit),
    ...(ledger ? { ledger } : {}),
    ...(noWorse ? { noWorse } : {}),
  };
}

/** Applies a move that the constraints allowed: partition and change ledger. */
export function applyMove(part: Partition, parts: SearchParts, i: number, from: number, to: number): void {
  part.move(i, to);
  parts.ledger?.record(i, from, to);
}

/** Runs one phase of the local search; mutates `ctx.part`. */
export function localSearch(ctx: SearchContext, parts: SearchParts, phase: SearchPhase, stats: SearchStats): void {
  const { part, rng } = ctx;
  const { primary, secondary, constraints, contiguity } = parts;
  const n = part.grid.cellCount;
  const { adjOffsets, adjTargets } = part.grid;
  const beat = part.beatOfCell;
  const count = part.cells;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const cand = new Int32Array(16);
  const minMoves = phase.minMoves ?? 1;
  const t0 = phase.t0 ?? 0;
  const annealing = t0 > 0 ? new AnnealingAcceptance(rng, t0) : null;
  const acceptance: Acceptance = annealing ?? greedyAcceptance;
  const np = primary.length;
  const ns = secondary.length;
  const nc0 = constraints.length;
  const bfs0 = contiguity.bfsChecks;

  for (let s = 0; s < phase.sweeps; s++) {
    throwIfAborted(ctx.signal);
    if (ctx.now() > ctx.deadline) {
      stats.timedOut = true;
      break;
    }
    const temp = t0 > 0 ? t0 * (1 - s / phase.sweeps) : 0;
    if (annealing) annealing.temperature = temp;
    shuffleInPlace(order, rng);
    let accepted = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const a = beat[i]!;
      if (a < 0 || count[a]! <= 1) continue;
      let nc = 0;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = beat[adjTargets[e]!]!;
        if (b === a || b < 0) continue;
        let q = 0;
        while (q < nc && cand[q] !== b) q++;
        if (q === nc && nc < 16) cand[nc++] = b;
      }
      if (nc === 0) continue;
      let bestTo = -1;
      let bestP = Infinity;
      let bestS = Infinity;
      let tried = false;
      for (let q = 0; q < nc; q++) {
        const c = cand[q]!;
        let ok = true;
        for (let t = 0; t < nc0 && ok; t++) ok = constraints[t]!.check(i, a, c) === null;
        if (!ok) continue;
        tried = true;
        let dp = 0;
        for (let t = 0; t < np; t++) dp += primary[t]!.delta(i, a, c);
        if (dp > bestP + EPS_PRIMARY) continue;
        let ds = 0;
        for (let t = 0; t < ns; t++) ds += secondary[t]!.delta(i, a, c);
        if (dp < bestP - EPS_PRIMARY || ds < bestS) {
          bestTo = c;
          bestP = dp;
          bestS = ds;
        }
      }
      if (tried) stats.tried++;
      if (bestTo < 0 || !acceptance.accept(bestP, bestS)) continue;
      if (contiguity.check(i, a) !== null) continue;
      applyMove(part, parts, i, a, bestTo);
      accepted++;
    }
    stats.sweeps++;
    stats.accepted += accepted;
    ctx.onSweep?.(s);
    if (accepted < minMoves && temp === 0) break;
  }
  stats.bfs += contiguity.bfsChecks - bfs0;
}
