/**
 * Objective terms of the districting local search, as GerryChain composes its updaters: each
 * term is one figure of the plan with an incremental `delta(cell, from, to)` read from the
 * partition's aggregates (O(degree) per call, no allocation). The search sums the deltas of
 * its terms; to add a balance or shape objective, write a term here and list it in
 * `searchParts` (local-search.ts).
 */
import type { Partition } from '../partition.js';

/** One term of the objective (lower is better). */
export interface ObjectiveTerm {
  /** Name shown in reports and tests. */
  readonly name: string;
  /**
   * Change of the term if cell `i` moved from beat `from` to beat `to`, on the current state
   * (before the move). Pure: the state is not modified.
   */
  delta(i: number, from: number, to: number): number;
}

/**
 * Balance penalty of one beat: `max(0, |w − T| / T − band)²` — zero inside the band
 * T × (1 ± band), quadratic outside it (a share of the target, squared).
 * @example balancePenalty(110, 100, 0.025) // (0.1 − 0.025)² = 0.005625
 */
export function balancePenalty(w: number, target: number, band: number): number {
  if (!(target > 0)) return 0;
  const d = Math.abs(w - target) / target - band;
  return d > 0 ? d * d : 0;
}

/**
 * Balance: Σ_b {@link balancePenalty}(w_b, T_b, band) over the balanced measure (channel 0 of
 * the partition), with T_b the beat's target (mean workload of its region).
 */
export class BalanceTerm implements ObjectiveTerm {
  readonly name = 'balance';
  constructor(
    private readonly part: Partition,
    private readonly target: Float64Array,
    readonly band: number,
  ) {}

  delta(i: number, from: number, to: number): number {
    const load = this.part.sums[0]!;
    const wi = this.part.channels[0]![i]!;
    const band = this.band;
    let d = 0;
    if (from >= 0) d += balancePenalty(load[from]! - wi, this.target[from]!, band) - balancePenalty(load[from]!, this.target[from]!, band);
    if (to >= 0) d += balancePenalty(load[to]! + wi, this.target[to]!, band) - balancePenalty(load[to]!, this.target[to]!, band);
    return d;
  }
}

const INV_4PI = 1 / (4 * Math.PI);

/**
 * Compactness: Σ_b P_b² / (4π A_b) = Σ_b 1 / Polsby-Popper_b (P perimeter of the dissolved
 * cells in km, A area in km²). The `from` side of a cell is cached until the next move, so a
 * cell weighed against several neighbouring beats reads its own beat once.
 */
export class CompactnessTerm implements ObjectiveTerm {
  readonly name = 'compactness';
  private memoCell = -1;
  private memoFrom = -1;
  private memoStamp = -1;
  private memo = 0;
  constructor(private readonly part: Partition) {}

  delta(i: number, from: number, to: number): number {
    const p = this.part;
    const g = p.grid;
    let d: number;
    if (i === this.memoCell && from === this.memoFrom && this.memoStamp === p.moves) d = this.memo;
    else {
      d = 0;
      if (from >= 0 && p.cells[from]! > 1) {
        const pa = p.perimeterKm[from]!;
        const aa = p.areaKm2[from]!;
        const pa2 = pa - g.perimeterKm[i]! + p.sharedKm(i, from);
        const aa2 = aa - g.areaKm2[i]!;
        d = ((pa2 * pa2) / aa2 - (pa * pa) / aa) * INV_4PI;
      } else if (from >= 0) d = -(p.perimeterKm[from]! ** 2 / p.areaKm2[from]!) * INV_4PI;
      this.memoCell = i;
      this.memoFrom = from;
      this.memoStamp = p.moves;
      this.memo = d;
    }
    if (to >= 0) {
      const pc = p.perimeterKm[to]!;
      const ac = p.areaKm2[to]!;
      const pc2 = pc + g.perimeterKm[i]! - p.sharedKm(i, to);
      const ac2 = ac + g.areaKm2[i]!;
      d += ((pc2 * pc2) / ac2 - (ac > 0 ? (pc * pc) / ac : 0)) * INV_4PI;
    }
    return d;
  }
}

/** Cut edges: `weight` × travel-graph edges between cells of different beats. */
export class CutEdgeTerm implements ObjectiveTerm {
  readonly name = 'cut-edges';
  constructor(
    private readonly part: Partition,
    readonly weight: number,
  ) {}

  delta(i: number, from: number, to: number): number {
    return this.weight * (this.part.travelLinks(i, from) - this.part.travelLinks(i, to));
  }
}

/**
 * Minimal change against an initial plan: every cell away from its initial beat costs
 * `perWorkload` × (its workload on the balanced measure / `unit`) + `perCell`. With `unit` the
 * mean beat workload, moving one average beat's worth of workload costs `perWorkload`.
 */
export class ChangeTerm implements ObjectiveTerm {
  readonly name = 'change';
  constructor(
    private readonly ledger: ChangeLedger,
    readonly perWorkload: number,
    readonly perCell: number,
    readonly unit: number,
  ) {}

  delta(i: number, from: number, to: number): number {
    const init = this.ledger.initialBeat[i]!;
    const was = init !== from ? 1 : 0;
    const will = init !== to ? 1 : 0;
    if (was === will) return 0;
    return (will - was) * ((this.perWorkload * this.ledger.weight[i]!) / this.unit + this.perCell);
  }
}

/**
 * Running account of the change against an initial plan: the workload (balanced measure) and
 * the cells whose beat differs from their initial beat. Updated by {@link ChangeLedger.record}
 * on every move; read by the change term and the change-budget constraint.
 */
export class ChangeLedger {
  /** Workload of the cells away from their initial beat. */
  movedWorkload = 0;
  /** Cells away from their initial beat. */
  movedCells = 0;
  /**
   * @param initialBeat beat per cell in the initial plan
   * @param weight balanced measure per cell
   * @param beatOfCell current assignment (read once to start the account)
   */
  constructor(
    readonly initialBeat: Int32Array,
    readonly weight: Float64Array,
    beatOfCell: Int32Array,
  ) {
    this.recount(beatOfCell);
  }

  /** Recounts the account from an assignment changed outside the search. */
  recount(beatOfCell: Int32Array): void {
    this.movedWorkload = 0;
    this.movedCells = 0;
    for (let i = 0; i < beatOfCell.length; i++) {
      if (beatOfCell[i] !== this.initialBeat[i]) {
        this.movedWorkload += this.weight[i]!;
        this.movedCells++;
      }
    }
  }

  /** Change of the moved workload if cell `i` moved from `from` to `to`. */
  deltaWorkload(i: number, from: number, to: number): number {
    const init = this.initialBeat[i]!;
    return ((init !== to ? 1 : 0) - (init !== from ? 1 : 0)) * this.weight[i]!;
  }

  /** Books a move that has been applied. */
  record(i: number, from: number, to: number): void {
    const init = this.initialBeat[i]!;
    const d = (init !== to ? 1 : 0) - (init !== from ? 1 : 0);
    this.movedWorkload += d * this.weight[i]!;
    this.movedCells += d;
  }
}

/** Σ of the terms' deltas for one move. */
export function sumDelta(terms: readonly ObjectiveTerm[], i: number, from: number, to: number): number {
  let d = 0;
  for (let t = 0; t < terms.length; t++) d += terms[t]!.delta(i, from, to);
  return d;
}
