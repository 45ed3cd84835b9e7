import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePlans, evaluatePlan, importPlan } from './evaluate.js';
import { beatsToGeojson, planFromJson, planToCellsCsv, planToJson } from './output.js';
import { planBeats } from './plan-beats.js';
import { createPlanState, moveCells, stateMetrics } from './plan-state.js';
import { syntheticCity } from './synthetic.js';
import { labelPieces, topologyOf } from './topology.js';

const { grid, workload } = syntheticCity({ seed: 11, cells: 1500, resolution: 9, roughness: 0.5 });
const base = planBeats(grid, workload, { beats: 10, seed: 3, compactSweeps: 10 }).plan;

describe('moveCells', () => {
  it('never produces a non-contiguous beat, never touches a locked beat, and matches a full evaluation', () => {
    const locked = { ...base, locked: Uint8Array.from(base.locked, (_, b) => (b === 0 ? 1 : 0)) };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(grid.cellCount - 1), fc.integer({ min: 1, max: 12 }), fc.nat(9)), { minLength: 1, maxLength: 12 }),
        (strokes) => {
          let state = createPlanState(grid, locked, workload);
          const parent = state;
          const parentPlan = Int32Array.from(state.plan.beatOfCell);
          for (const [center, radius, to] of strokes) {
            // a stroke: the `radius`·3 cells nearest to `center` by BFS
            const cells = [center];
            const seen = new Set(cells);
            for (let q = 0; q < cells.length && cells.length < radius * 3; q++) {
              for (let e = grid.adjOffsets[cells[q]!]!; e < grid.adjOffsets[cells[q]! + 1]!; e++) {
                const j = grid.adjTargets[e]!;
                if (!seen.has(j) && cells.length < radius * 3) {
                  seen.add(j);
                  cells.push(j);
                }
              }
            }
            try {
              const r = moveCells(grid, state, cells, to);
              state = r.state;
              for (const m of r.after) expect(m.contiguous).toBe(true);
            } catch (e) {
              expect((e as { code?: string }).code).toBe('MOVE_REJECTED');
              expect((e as Error).message).toMatch(/beat B\d+/);
            }
            const { piecesOfBeat } = labelPieces(topologyOf(grid), state.plan.beatOfCell, 10);
            expect(Array.from(piecesOfBeat)).toEqual(new Array(10).fill(1));
            let lockedChanged = 0;
            for (let i = 0; i < grid.cellCount; i++) if ((state.plan.beatOfCell[i] === 0) !== (parentPlan[i] === 0)) lockedChanged++;
            expect(lockedChanged).toBe(0);
          }
          // the parent state is untouched (immutability)
          expect(Array.from(parent.plan.beatOfCell)).toEqual(Array.from(parentPlan));
          const full = evaluatePlan(grid, state.plan, workload);
          const inc = stateMetrics(state);
          expect(inc.cutEdges).toBe(full.cutEdges);
          for (let b = 0; b < 10; b++) {
            expect(inc.perBeat[b]!.workload).toBeCloseTo(full.perBeat[b]!.workload, 8);
            expect(inc.perBeat[b]!.perimeterKm).toBeCloseTo(full.perBeat[b]!.perimeterKm, 8);
          }
        },
      ),
      { numRuns: 25, seed: 3 },
    );
  });

  it('names the beat and the reason when rejecting', () => {
    const locked = { ...base, locked: Uint8Array.from(base.locked, (_, b) => (b === 2 ? 1 : 0)) };
    const state = createPlanState(grid, locked, workload);
    const cell = state.plan.beatOfCell.indexOf(2);
    expect(() => moveCells(grid, state, [cell], 1)).toThrow(
      expect.objectContaining({ code: 'MOVE_REJECTED', details: expect.objectContaining({ reason: 'locked-beat', beat: 'B003' }) }),
    );
  });
});

describe('outputs', () => {
  it('plan.json round-trips exactly', () => {
    const json = planToJson(grid, base, workload, { seed: 3, note: 'test' });
    expect(json.format).toBe('beatplan.plan/1');
    const text = JSON.stringify(json);
    const back = planFromJson(JSON.parse(text), grid);
    expect(JSON.stringify(planToJson(grid, back.plan, back.scores, back.extra as Record<string, unknown>))).toBe(text);
    expect(Array.from(back.plan.beatOfCell)).toEqual(Array.from(base.beatOfCell));
    const gridless = planFromJson(JSON.parse(text));
    expect(gridless.h3).toEqual(grid.h3);
    expect(() => planFromJson({ ...json, format: 'beatplan.plan/9' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
  });

  it('beats.geojson has one dissolved feature per beat with its metrics; cells.csv starts h3,beat,workload,need', () => {
    const m = evaluatePlan(grid, base, workload);
    const fcol = beatsToGeojson(grid, base, m);
    expect(fcol.features).toHaveLength(10);
    for (const f of fcol.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(f.properties.polsbyPopper).toBeGreaterThan(0);
    }
    const csv = planToCellsCsv(grid, base, workload);
    expect(csv.split('\n')[0]).toMatch(/^h3,beat,workload,need/);
    expect(csv.trim().split('\n')).toHaveLength(grid.cellCount + 1);
  });

  it('importPlan counts cells outside every polygon as unassigned; comparePlans matches beats by overlap', () => {
    const feature = Int32Array.from(base.beatOfCell, (b, i) => (i % 50 === 0 ? -1 : b));
    const imported = importPlan(
      grid,
      feature,
      base.beatIds.map((id) => `X${id}`),
    );
    const m = evaluatePlan(grid, imported, workload);
    expect(m.unassignedCells).toBe(Math.ceil(grid.cellCount / 50));
    const cmp = comparePlans(grid, imported, base, workload);
    expect(cmp.changedCells.count).toBe(m.unassignedCells);
    expect(cmp.beats.every((b) => b.matchedId === `X${b.id}`)).toBe(true);
    expect(cmp.deltas.unassignedCells).toBe(-m.unassignedCells);
  });

  it('re-plans from an initial plan with minimal change', () => {
    const again = planBeats(grid, workload, { initial: base, seed: 3, compactSweeps: 10 });
    expect(again.report.movedShare).toBeLessThan(0.1);
  });
});
