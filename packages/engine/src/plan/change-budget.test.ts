/**
 * A change budget exceeded is said (#12, "say when the answer is not what was asked"): with
 * `maxChange`, a moved workload share above the budget is an `unmet` item of the report (the
 * CLI's warning, exit 3 under --strict) naming why — e.g. the planner mending a predecessor
 * beat that is in two pieces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changeBudgetExceeded, planBeats } from './plan-beats.js';
import { syntheticCity } from './synthetic.js';
import { labelPieces, topologyOf } from './topology.js';
import { planChange } from './weights.js';

const { grid, workload } = syntheticCity({ seed: 7, cells: 600, resolution: 9, roughness: 0.2 });
const n = grid.cellCount;
const K = 4;
const fresh = planBeats(grid, workload, { beats: K, seed: 2 }).plan;

/** A cell of beat `b` all of whose neighbours are in beat `b` too (an interior cell) with positive workload. */
function interiorCell(beatOfCell: Int32Array, b: number): number {
  const { adjOffsets, adjTargets } = grid;
  for (let i = 0; i < n; i++) {
    if (beatOfCell[i] !== b || !(workload[i]! > 0) || adjOffsets[i + 1]! - adjOffsets[i]! < 6) continue;
    let inside = true;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) if (beatOfCell[adjTargets[e]!] !== b) inside = false;
    if (inside) return i;
  }
  throw new Error(`beat ${b} has no interior cell`);
}

describe('change budget', () => {
  it('a predecessor with a split beat, budget 0: the mend moves workload and the report says so, naming the beat', () => {
    const split = Int32Array.from(fresh.beatOfCell);
    // an enclave of beat 0 inside beat 1: beat 0 is then in two pieces
    const cell = interiorCell(split, 1);
    split[cell] = 0;
    expect(labelPieces(topologyOf(grid), split, K).piecesOfBeat[0]).toBe(2);
    const initial = { ...fresh, beatOfCell: split, locked: new Uint8Array(K) };
    const r = planBeats(grid, workload, { initial, seed: 2, maxChange: 0 });
    // contiguity wins over the budget: every beat is in one piece, so something moved
    for (const p of labelPieces(topologyOf(grid), r.plan.beatOfCell, K).piecesOfBeat) expect(p).toBe(1);
    const moved = planChange(split, r.plan.beatOfCell, workload).movedWorkloadShare;
    expect(moved).toBeGreaterThan(0);
    expect(r.report.change!.movedWorkloadShare).toBeCloseTo(moved, 12);
    const said = r.report.unmet.filter((m) => m.startsWith('the change budget of 0% of the workload is exceeded'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`mending the contiguity of beat ${fresh.beatIds[0]} (2 pieces in the predecessor)`);
    expect(said[0]).toContain(`${Number((moved * 100).toPrecision(3))}% moved`);
  });

  it('within the budget nothing is said', () => {
    const initial = { ...fresh, locked: new Uint8Array(K) };
    const r = planBeats(grid, workload, { initial, seed: 2, maxChange: 0.05 });
    expect(r.report.change!.movedWorkloadShare).toBeLessThanOrEqual(0.05 + 1e-12);
    expect(r.report.unmet.some((m) => m.startsWith('the change budget of'))).toBe(false);
  });

  it('property: a message exactly when the moved share is above the budget', () => {
    const before = fresh.beatOfCell;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (moved, budget) => {
        const m = changeBudgetExceeded(grid, before, before, fresh.beatIds, workload, moved, budget);
        expect(m !== undefined).toBe(moved > budget + 1e-9);
      }),
      { numRuns: 200 },
    );
  });
});
