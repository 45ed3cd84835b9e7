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
  constructor(private readonly lockedBeat: Uint8Array, private readonly pinned: Uint8Array) {}

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
  constructor(private readonly ledger: ChangeLedger, readonly budget: number) {}

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
  constructor(private readonly part: Partition, readonly bfsLimit: number) {}

  check(i: number, from: number): string | null {
    if (from < 0) return null;
    if (this.part.cells[from]! <= 1) return 'the last cell of its beat';
    const ok = canRemoveCell(this.part.topo, this.part.beatOfCell, i, this.bfsLimit);
    if (ok === 2) this.bfsChecks++;
    return ok === 0 ? 'the beat it leaves would split' : null;
  }
}

/** The first constraint that refuses the move, with its reason, or `null` when all allow it. */
export function firstViolation(constraints: readonly MoveConstraint[], i: number, from: number, to: number): { constraint: string; reason: string } | null {
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
    return this.part.travelLinks(i, to) >= 2 || this.part.travelLinks(i, from) <= 1 ? null : 'the cell would hang on its new beat by one side';
  }
}
