/**
 * Named constraints of the districting local search (GerryChain's validators): each says
 * whether one move — cell `i` from beat `from` to beat `to` — is allowed, and if not, why.
 * The cheap ones run for every candidate; contiguity (a local rule, then a bounded BFS) runs
 * last, on the chosen move only. To add a constraint, implement {@link MoveConstraint} and
 * list it in `searchParts` (local-search.ts).
 */
import type { Partition } from '../partition.js';
import { canRemoveCell } from '../topology.js';
import type { ChangeLedger } from './terms.js';

/** A rule a move must keep. `check` returns `null` when allowed, else the reason. */
export interface MoveConstraint {
  readonly name: string;
  check(i: number, from: number, to: number): string | null;
}

/** Locked beats and pinned cells (seeds, attached islands) never change. */
export class LockConstraint implements MoveConstraint {
  readonly name = 'locks';
  constructor(
    private readonly lockedBeat: Uint8Array,
    private readonly pinned: Uint8Array,
  ) {}

  check(i: number, from: number, to: number): string | null {
    if (this.pinned[i]) return 'the cell is pinned (seed, locked beat or attached island)';
    if ((from >= 0 && this.lockedBeat[from]) || (to >= 0 && this.lockedBeat[to])) return 'a locked beat';
    return null;
  }
}

/** Beats never cross regions (districts × connected pieces). */
export class RegionConstraint implements MoveConstraint {
  readonly name = 'regions';
  constructor(private readonly regionOfBeat: Int32Array) {}

  check(_i: number, from: number, to: number): string | null {
    return to < 0 || from < 0 || this.regionOfBeat[from] !== this.regionOfBeat[to] ? 'the beats lie in different regions' : null;
  }
}

/**
 * Change budget: the workload away from its initial beat (balanced measure) stays at most
 * `budget` (hours/week). A move that returns a cell to its initial beat is always allowed.
 */
export class ChangeBudgetConstraint implements MoveConstraint {
  readonly name = 'change-budget';
  constructor(
    private readonly ledger: ChangeLedger,
    readonly budget: number,
  ) {}

  check(i: number, from: number, to: number): string | null {
    const d = this.ledger.deltaWorkload(i, from, to);
    return d > 0 && this.ledger.movedWorkload + d > this.budget * (1 + 1e-12) ? 'the change budget is spent' : null;
  }
}

/**
 * Contiguity: the beat a cell leaves stays one piece on the travel graph and keeps a cell.
 * O(1) local rule; a BFS of at most `bfsLimit` cells when the rule is inconclusive (a BFS that
 * hits the limit refuses, which is safe). `bfsChecks` counts the BFS runs.
 */
export class ContiguityConstraint implements MoveConstraint {
  readonly name = 'contiguity';
  bfsChecks = 0;
  constructor(
    private readonly part: Partition,
    readonly bfsLimit: number,
  ) {}

  check(i: number, from: number): string | null {
    if (from < 0) return null;
    if (this.part.cells[from]! <= 1) return 'the last cell of its beat';
    const ok = canRemoveCell(this.part.topo, this.part.beatOfCell, i, this.bfsLimit);
    if (ok === 2) this.bfsChecks++;
    return ok === 0 ? 'the beat it leaves would split' : null;
  }
}

/** The first constraint that refuses the move, with its reason, or `null` when all allow it. */
export function firstViolation(
  constraints: readonly MoveConstraint[],
  i: number,
  from: number,
  to: number,
): { constraint: string; reason: string } | null {
  for (const c of constraints) {
    const r = c.check(i, from, to);
    if (r !== null) return { constraint: c.name, reason: r };
  }
  return null;
}

/**
 * Tendril guard: a cell joins a beat along a side — at least two travel links into the beat
 * it joins — unless it hangs on its own beat by a single link (then moving it removes a
 * spike). Keeps minimal-change balancing from growing one-cell-wide arms.
 */
export class TendrilConstraint implements MoveConstraint {
  readonly name = 'tendril-guard';
  constructor(private readonly part: Partition) {}

  check(i: number, from: number, to: number): string | null {
    return this.part.travelLinks(i, to) >= 2 || this.part.travelLinks(i, from) <= 1
      ? null
      : 'the cell would hang on its new beat by one side';
  }
}

/**
 * No beat made worse (a budgeted re-plan): every beat's workload (balanced measure) stays in
 * [min(w₀, T(1 − band)), max(w₀, T(1 + band))], with w₀ its workload when the constraint was
 * built (the predecessor on the grid) and T its target. So no beat moves further from the
 * band than it started (|w − T| never grows beyond max(|w₀ − T|, band × T)), a beat inside
 * the band stays inside it, and no beat falls below min(w₀, lower band edge): an over-loaded
 * beat gives only down to the band, an under-loaded one is never drained. Beats without a
 * target (locked, empty) are unbounded.
 */
export class NoWorseConstraint implements MoveConstraint {
  readonly name = 'no-worse';
  /** Lowest allowed workload per beat (hours/week). */
  readonly lo: Float64Array;
  /** Highest allowed workload per beat (hours/week). */
  readonly hi: Float64Array;
  constructor(
    private readonly part: Partition,
    target: Float64Array,
    band: number,
  ) {
    const load = part.sums[0]!;
    const K = part.beatCount;
    this.lo = new Float64Array(K).fill(-Infinity);
    this.hi = new Float64Array(K).fill(Infinity);
    for (let b = 0; b < K; b++) {
      const t = target[b]!;
      if (!(t > 0)) continue;
      this.lo[b] = Math.min(load[b]!, t * (1 - band));
      this.hi[b] = Math.max(load[b]!, t * (1 + band));
    }
  }

  /**
   * Workload per beat it may give ahead of an inflow already planned (hours/week), set by the
   * flow-guided transfers for one round, which undo the round if a beat ends out of its range.
   */
  credit: Float64Array | null = null;

  check(i: number, from: number, to: number): string | null {
    const w = this.part.channels[0]![i]!;
    if (!(w > 0)) return null;
    const load = this.part.sums[0]!;
    if (from >= 0 && load[from]! - w < this.lo[from]! * (1 - 1e-12) - (this.credit ? this.credit[from]! : 0))
      return 'the beat it leaves would fall below its initial workload or the band';
    if (to >= 0 && load[to]! + w > this.hi[to]! * (1 + 1e-12)) return 'the beat it joins would rise above its initial workload or the band';
    return null;
  }

  /** Beats whose workload lies outside their range now (0 unless a round gave ahead). */
  violations(): number {
    const load = this.part.sums[0]!;
    let v = 0;
    for (let b = 0; b < load.length; b++) if (load[b]! < this.lo[b]! * (1 - 1e-9) - 1e-9 || load[b]! > this.hi[b]! * (1 + 1e-9) + 1e-9) v++;
    return v;
  }
}

/**
 * Shape floor (a budgeted re-plan): a move that lowers the plan's mean Polsby-Popper
 * (4πA / P² per beat, from the partition's dissolved perimeter and area) is refused when the
 * mean would fall below its value when the constraint was built minus `margin`. So the
 * re-plan's mean PP stays at least the predecessor's minus `margin`, and the shape the
 * budget may cost is spent where it buys balance, not along ragged fronts.
 */
export class ShapeFloorConstraint implements MoveConstraint {
  readonly name = 'shape-floor';
  /** Lowest mean Polsby-Popper a move may leave (initial mean − margin). */
  readonly floor: number;
  private sum = 0;
  private stamp = -1;
  constructor(
    private readonly part: Partition,
    readonly margin: number,
  ) {
    this.floor = this.sumPP() / Math.max(1, this.beats()) - margin;
  }

  check(i: number, from: number, to: number): string | null {
    const p = this.part;
    const g = p.grid;
    let d = 0;
    if (from >= 0) {
      const a = p.areaKm2[from]!;
      const after =
        p.cells[from]! > 1 ? polsbyPopper(a - g.areaKm2[i]!, p.perimeterKm[from]! - g.perimeterKm[i]! + p.sharedKm(i, from)) : 0;
      d += after - polsbyPopper(a, p.perimeterKm[from]!);
    }
    if (to >= 0) {
      const a = p.areaKm2[to]!;
      d +=
        polsbyPopper(a + g.areaKm2[i]!, p.perimeterKm[to]! + g.perimeterKm[i]! - p.sharedKm(i, to)) - polsbyPopper(a, p.perimeterKm[to]!);
    }
    if (d >= 0) return null;
    if (this.stamp !== p.moves) {
      this.sum = this.sumPP();
      this.stamp = p.moves;
    }
    return (this.sum + d) / Math.max(1, this.beats()) < this.floor ? 'the mean Polsby-Popper would fall below its floor' : null;
  }

  private beats(): number {
    let k = 0;
    for (let b = 0; b < this.part.beatCount; b++) if (this.part.cells[b]! > 0) k++;
    return k;
  }

  private sumPP(): number {
    const p = this.part;
    let s = 0;
    for (let b = 0; b < p.beatCount; b++) if (p.cells[b]! > 0) s += polsbyPopper(p.areaKm2[b]!, p.perimeterKm[b]!);
    return s;
  }
}

/** Polsby-Popper 4πA / P² (0 for an empty shape). */
function polsbyPopper(areaKm2: number, perimeterKm: number): number {
  return perimeterKm > 0 ? (4 * Math.PI * areaKm2) / (perimeterKm * perimeterKm) : 0;
}
