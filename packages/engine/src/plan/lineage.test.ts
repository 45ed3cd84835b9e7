import fc from 'fast-check';
import { cellToParent } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { gridFromCells } from '../grid/build-grid.js';
import { shutdownHighsWorkers, solve } from '../solver/index.js';
import { flowNetworkToModel } from '../solver/min-cost-flow.js';
import {
  beatOverlap,
  freshBeatIds,
  inheritBeatIds,
  isMajority,
  mapParentOntoGrid,
  matchBeats,
  type ParentPlan,
  parentAsInitialPlan,
  refreshLineage,
} from './lineage.js';
import { planFromJson, planToJson } from './output.js';
import { planBeats } from './plan-beats.js';
import { syntheticCity } from './synthetic.js';
import type { BeatPlan } from './types.js';

afterAll(() => shutdownHighsWorkers());

const city = syntheticCity({ seed: 4, cells: 900, resolution: 9, roughness: 0.45 });
const { grid, workload } = city;

function parentOf(plan: BeatPlan, extra: Partial<ParentPlan> = {}): ParentPlan {
  return { kind: 'plan', name: 'A/plan.json', sha256: 'ab'.repeat(32), beatIds: plan.beatIds, beatOfCell: plan.beatOfCell, ...extra };
}

describe('freshBeatIds', () => {
  it('continues the most common numbered prefix and never reuses an id', () => {
    expect(freshBeatIds(2, ['B001', 'B002', 'B007'])).toEqual(['B008', 'B009']);
    expect(freshBeatIds(2, ['0111', '2535', '1713', 'B001'])).toEqual(['2536', '2537']);
    expect(freshBeatIds(1, ['north', 'south'])).toEqual(['B001']);
    expect(freshBeatIds(0, ['B001'])).toEqual([]);
  });
});

describe('matchBeats', () => {
  it('equals the LP optimum of the assignment (random partitions, solver layer, integral)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          n: fc.integer({ min: 1, max: 60 }),
          ko: fc.integer({ min: 1, max: 12 }),
          kn: fc.integer({ min: 1, max: 12 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        async ({ n, ko, kn, seed }) => {
          let x = seed;
          const next = () => ((x = (x * 1103515245 + 12345) % 2147483648), x / 2147483648);
          const oldOf = Int32Array.from({ length: n }, () => Math.floor(next() * (ko + 1)) - 1);
          const newOf = Int32Array.from({ length: n }, () => Math.floor(next() * kn));
          const w = Float64Array.from({ length: n }, () => (next() < 0.2 ? 0 : next() * 10));
          const o = beatOverlap(oldOf, ko, newOf, kn, w);
          const m = matchBeats(o, ko, kn);
          const r = await solve(flowNetworkToModel(m.network), { timeLimitMs: 20_000 });
          expect(r.status).toBe('optimal');
          expect(r.objective).toBeCloseTo(m.cost, 6);
          // a matching: every new beat has at most one old beat and vice versa
          const used = [...m.oldOfNew].filter((v) => v >= 0);
          expect(new Set(used).size).toBe(used.length);
        },
      ),
      { numRuns: 40, seed: 12 },
    );
  });
});

describe('inheritBeatIds', () => {
  const { plan: A } = planBeats(grid, workload, { beats: 8, seed: 1 });
  const { plan: B } = planBeats(grid, workload, { beats: 9, seed: 2 });

  it('gives an unchanged plan its parent ids with shares of 1', () => {
    const renamed = { ...A, beatIds: A.beatIds.map((_, b) => `X${b}`) };
    const { plan, lineage } = inheritBeatIds(renamed, parentOf(A), workload);
    expect(plan.beatIds).toEqual(A.beatIds);
    expect(
      lineage.beats.every((b) => b.inherited && b.from.length === 1 && b.from[0]!.parentShare === 1 && b.from[0]!.workloadShare === 1),
    ).toBe(true);
    expect(lineage.matching.majorityPairsKept).toBe(8);
    expect(lineage.generation).toBe(1);
  });

  it('names every new beat that holds most of one old beat after it; fresh ids avoid every ancestor', () => {
    const { plan, lineage } = inheritBeatIds(B, parentOf(A, { ancestorIds: ['B010', 'B011'], generation: 3 }), workload);
    expect(lineage.generation).toBe(4);
    expect(new Set(plan.beatIds).size).toBe(9);
    const o = beatOverlap(A.beatOfCell, 8, plan.beatOfCell, 9, workload);
    const majorityOf = new Map<number, number[]>();
    for (const p of o.pairs) if (isMajority(o, p)) (majorityOf.get(p.new) ?? majorityOf.set(p.new, []).get(p.new)!).push(p.old);
    for (const [nb, olds] of majorityOf) {
      if (olds.length === 1) expect(plan.beatIds[nb]).toBe(A.beatIds[olds[0]!]);
      else expect(olds.map((b) => A.beatIds[b])).toContain(plan.beatIds[nb]);
    }
    for (const b of lineage.beats) {
      if (!b.inherited) expect(['B010', 'B011', ...A.beatIds]).not.toContain(b.id);
      expect(b.from.reduce((s, f) => s + f.workloadShare, 0)).toBeCloseTo(1, 9);
    }
    expect(lineage.usedIds).toEqual(expect.arrayContaining(['B010', 'B011', ...A.beatIds, ...plan.beatIds]));
  });

  it("keepIds: a plan planned from its parent keeps its own (the parent's) ids, so ids and the moved share agree", () => {
    // a re-plan that started from A: its beats are A's beats, under A's ids, with cells moved
    const { plan: planned, report } = planBeats(grid, workload, { initial: A, seed: 3, tolerance: 0.01 });
    expect(planned.beatIds).toEqual(A.beatIds);
    // swap two beats' cells wholesale: the matching would re-pair them, keepIds must not
    const swapped = { ...planned, beatOfCell: Int32Array.from(planned.beatOfCell, (b) => (b === 0 ? 1 : b === 1 ? 0 : b)) };
    expect(inheritBeatIds(swapped, parentOf(A), workload).plan.beatIds.slice(0, 2)).toEqual([A.beatIds[1], A.beatIds[0]]);
    const { plan, lineage } = inheritBeatIds(planned, parentOf(A), workload, { keepIds: true });
    expect(plan.beatIds).toEqual(A.beatIds);
    expect(lineage.beats.every((b) => b.inherited)).toBe(true);
    // the planner's moved share equals the id-by-id recount anyone can make from the two plans
    let moved = 0;
    let all = 0;
    for (let i = 0; i < grid.cellCount; i++) {
      all += workload[i]!;
      if (A.beatIds[A.beatOfCell[i]!] !== plan.beatIds[plan.beatOfCell[i]!]) moved += workload[i]!;
    }
    expect(report.change!.movedWorkloadShare).toBeCloseTo(moved / all, 12);
    // an id the parent does not know gets a fresh one
    const extra = inheritBeatIds({ ...planned, beatIds: [...planned.beatIds.slice(0, -1), 'NEW'] }, parentOf(A), workload, {
      keepIds: true,
    });
    expect(extra.plan.beatIds.at(-1)).not.toBe('NEW');
    expect(A.beatIds).not.toContain(extra.plan.beatIds.at(-1));
  });

  it('round-trips through plan.json, survives an edit, and refuses a malformed lineage', () => {
    const { plan, lineage } = inheritBeatIds(B, parentOf(A), workload);
    const json = planToJson(grid, plan, workload, {}, lineage);
    const back = planFromJson(JSON.parse(JSON.stringify(json)), grid);
    expect(back.lineage).toEqual(lineage);
    // move one cell: sources are recomputed, ids and flags kept
    const beatOfCell = plan.beatOfCell.slice();
    const c = beatOfCell.indexOf(0);
    beatOfCell[c] = 1;
    const edited = refreshLineage(lineage, { ...plan, beatOfCell }, workload);
    expect(edited.beats.map((b) => [b.id, b.inherited])).toEqual(lineage.beats.map((b) => [b.id, b.inherited]));
    expect(edited.parentBeatOfCell).toEqual(lineage.parentBeatOfCell);
    const bad = { ...json, lineage: { ...json.lineage!, parentBeatOfCell: json.lineage!.parentBeatOfCell.map(() => 99) } };
    expect(() => planFromJson(bad, grid)).toThrowError(BeatplanError);
    expect(() => planFromJson(bad, grid)).toThrowError(/lineage\.parentBeatOfCell/);
  });
});

describe('mapParentOntoGrid', () => {
  it('maps by H3 equality on the same grid, else by the parent cell holding the centre', () => {
    const { plan: A } = planBeats(grid, workload, { beats: 6, seed: 3 });
    expect(Array.from(mapParentOntoGrid(grid, { h3: grid.h3, resolution: grid.resolution, beatOfCell: A.beatOfCell }))).toEqual(
      Array.from(A.beatOfCell),
    );
    // a parent on the coarser resolution 8: each fine cell takes the beat of its resolution-8 parent
    const coarse = [...new Set(grid.h3.map((h) => cellToParent(h, 8)))].sort();
    const beatOfCoarse = coarse.map((_, k) => k % 4);
    const mapped = mapParentOntoGrid(grid, { h3: coarse, resolution: 8, beatOfCell: beatOfCoarse });
    const coarseIndex = new Map(coarse.map((h, k) => [h, k]));
    let agree = 0;
    for (let i = 0; i < grid.cellCount; i++) if (mapped[i] === beatOfCoarse[coarseIndex.get(cellToParent(grid.h3[i]!, 8))!]) agree++;
    // a child's centre lies in its H3 parent except for a few cells along the parent's edge
    expect(agree / grid.cellCount).toBeGreaterThan(0.9);
    expect(mapped.every((b) => b >= 0)).toBe(true);
  });

  it('makes the parent an initial plan on the grid (beats with no cell dropped)', () => {
    const { plan: A } = planBeats(grid, workload, { beats: 6, seed: 3 });
    const sub = gridFromCells(grid.h3.slice(0, 300));
    const beatOfCell = mapParentOntoGrid(sub, { h3: grid.h3, resolution: grid.resolution, beatOfCell: A.beatOfCell });
    const initial = parentAsInitialPlan(sub, parentOf(A, { beatOfCell }));
    expect(initial.cellCount).toBe(300);
    expect(initial.beatIds.every((id) => A.beatIds.includes(id))).toBe(true);
    expect(new Set(initial.beatOfCell).size).toBe(initial.beatIds.length);
  });
});
