import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { evaluatePlan } from './evaluate.js';
import { planToJson } from './output.js';
import { planBeats } from './plan-beats.js';
import { syntheticCity } from './synthetic.js';
import { labelPieces, topologyOf } from './topology.js';
import type { BeatPlan } from './types.js';

/** Small random cities: a cache so fast-check shrinking does not rebuild grids. */
const cities = new Map<string, ReturnType<typeof syntheticCity>>();
function city(seed: number, cells: number) {
  const key = `${seed}:${cells}`;
  let c = cities.get(key);
  if (!c) {
    c = syntheticCity({ seed, cells, resolution: 9, roughness: 0.45 });
    cities.set(key, c);
  }
  return c;
}

function assertPartition(grid: Grid, plan: BeatPlan, allowNonContiguous: ReadonlySet<number> = new Set()) {
  const K = plan.beatIds.length;
  const cells = new Int32Array(K);
  for (let i = 0; i < grid.cellCount; i++) {
    const b = plan.beatOfCell[i]!;
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(K);
    cells[b]++;
  }
  for (let b = 0; b < K; b++) expect(cells[b]).toBeGreaterThan(0);
  const { piecesOfBeat } = labelPieces(topologyOf(grid), plan.beatOfCell, K);
  for (let b = 0; b < K; b++) if (!allowNonContiguous.has(b)) expect(piecesOfBeat[b], `beat ${plan.beatIds[b]}`).toBe(1);
}

const arbCase = fc.record({
  seed: fc.integer({ min: 1, max: 6 }),
  cells: fc.constantFrom(300, 900, 1800),
  beats: fc.integer({ min: 1, max: 24 }),
  planSeed: fc.integer({ min: 0, max: 1000 }),
});

describe('planBeats — properties on random cities', () => {
  it('every output is a partition into contiguous beats, and the same seed gives the same plan.json', () => {
    fc.assert(
      fc.property(arbCase, ({ seed, cells, beats, planSeed }) => {
        const { grid, workload } = city(seed, cells);
        const K = Math.min(beats, grid.cellCount);
        const a = planBeats(grid, workload, { beats: K, seed: planSeed, compactSweeps: 15 });
        const islands = new Set(a.report.islands.filter((x) => x.policy === 'attach').map((x) => x.beat));
        assertPartition(grid, a.plan, islands);
        const b = planBeats(grid, workload, { beats: K, seed: planSeed, compactSweeps: 15 });
        expect(JSON.stringify(planToJson(grid, b.plan, workload))).toBe(JSON.stringify(planToJson(grid, a.plan, workload)));
      }),
      { numRuns: 8, seed: 42 },
    );
  });

  it('locked beats never change and the rest stays a contiguous partition', () => {
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 0, max: 1 << 30 }), ({ seed, cells, beats, planSeed }, pick) => {
        const { grid, workload } = city(seed, cells);
        const K = Math.max(3, Math.min(beats, 20));
        const first = planBeats(grid, workload, { beats: K, seed: planSeed, compactSweeps: 5 }).plan;
        const lockedIdx = [pick % K, (pick >> 8) % K];
        // perturb the weights so that the unlocked beats must move
        const w2 = Float64Array.from(workload, (v, i) => (i % 7 === 0 ? v * 3 : v));
        const second = planBeats(grid, w2, { initial: first, locked: lockedIdx, seed: planSeed, compactSweeps: 5 });
        for (let i = 0; i < grid.cellCount; i++) {
          const was = first.beatOfCell[i]!;
          if (lockedIdx.includes(was)) expect(second.plan.beatOfCell[i]).toBe(was);
          if (lockedIdx.includes(second.plan.beatOfCell[i]!)) expect(was).toBe(second.plan.beatOfCell[i]);
        }
        for (const b of lockedIdx) expect(second.report.method[b]).toBe('locked');
        expect(second.report.movedShare).toBeGreaterThanOrEqual(0);
        assertPartition(grid, second.plan);
      }),
      { numRuns: 5, seed: 7 },
    );
  });

  it('balances a smooth synthetic city within the tolerance and beats the start on compactness', () => {
    const { grid, workload } = city(3, 1800);
    const r = planBeats(grid, workload, { beats: 12, seed: 1 });
    const m = evaluatePlan(grid, r.plan, workload);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.unassignedCells).toBe(0);
    // the default band is ±2.5% (tolerance 0.025, ±ε around the mean)
    expect(m.tolerance).toBe(0.025);
    expect(m.beatsOutsideTolerance).toBe(0);
    expect(r.report.outsideBand).toEqual([]);
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1.025 + 1e-12);
    expect(m.workload.minOverMean).toBeGreaterThanOrEqual(0.975 - 1e-12);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThan(0.4);
  });

  it('reaches a ±1% band on the same city with every beat inside it', () => {
    const { grid, workload } = city(3, 1800);
    const r = planBeats(grid, workload, { beats: 12, seed: 1, tolerance: 0.01 });
    const m = evaluatePlan(grid, r.plan, workload, { tolerance: 0.01 });
    expect(m.beatsOutsideTolerance).toBe(0);
    expect(r.report.unmet).toEqual([]);
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1.01 + 1e-12);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
  });

  it('nests beats in districts: no beat crosses a district, districts get beats by workload', () => {
    const { grid, workload } = city(2, 1800);
    // three districts by longitude thirds
    const lngs = Array.from(grid.lng).sort((a, b) => a - b);
    const t1 = lngs[Math.floor(lngs.length / 3)]!;
    const t2 = lngs[Math.floor((2 * lngs.length) / 3)]!;
    const districts = Int32Array.from(grid.lng, (x) => (x < t1 ? 0 : x < t2 ? 1 : 2));
    const r = planBeats(grid, workload, { beats: 12, seed: 5, districts, districtIds: ['W', 'C', 'E'] });
    assertPartition(grid, r.plan);
    const dOfBeat = r.plan.districtOfBeat!;
    let merged = 0;
    for (let i = 0; i < grid.cellCount; i++) if (dOfBeat[r.plan.beatOfCell[i]!] !== districts[i]) merged++;
    // only cells of district pieces too small for a beat may be planned with a neighbour
    expect(merged).toBeLessThan(grid.cellCount * 0.01);
    expect(r.plan.districtIds).toEqual(['W', 'C', 'E']);
    expect(r.report.regions.reduce((s, x) => s + x.beats, 0)).toBe(12);
  });

  it('keeps seed cells in separate beats', () => {
    const { grid, workload } = city(4, 900);
    const seeds = [0, Math.floor(grid.cellCount / 2), grid.cellCount - 1];
    const r = planBeats(grid, workload, { beats: 6, seed: 2, seeds });
    const beatsOfSeeds = seeds.map((s) => r.plan.beatOfCell[s]);
    expect(new Set(beatsOfSeeds).size).toBe(3);
    assertPartition(grid, r.plan);
  });

  it('handles an island on purpose: attached and reported, or its own beat', () => {
    const main = city(5, 900);
    const islandPoly = syntheticCity({ seed: 9, cells: 12, resolution: 9, center: [-87.2, 41.85] }).boundary;
    const grid = buildGrid(
      { type: 'FeatureCollection', features: [main.boundary, islandPoly].map((g) => ({ type: 'Feature', properties: {}, geometry: g })) },
      { resolution: 9 },
    );
    expect(grid.componentCount).toBe(2);
    const w = new Float64Array(grid.cellCount).fill(1);
    const attached = planBeats(grid, w, { beats: 8, seed: 1 });
    expect(attached.report.islands).toHaveLength(1);
    const ib = attached.report.islands[0]!.beat;
    assertPartition(grid, attached.plan, new Set([ib]));
    expect(evaluatePlan(grid, attached.plan, w).contiguity.nonContiguousBeats).toBe(1);
    const own = planBeats(grid, w, { beats: 8, seed: 1, islands: 'own-beat' });
    assertPartition(grid, own.plan);
    expect(own.report.islands[0]!.policy).toBe('own-beat');
  });

  it('rejects bad input with BeatplanError codes', () => {
    const { grid, workload } = city(1, 300);
    expect(() => planBeats(grid, workload, { beats: grid.cellCount + 1 })).toThrow(expect.objectContaining({ code: 'INFEASIBLE' }));
    expect(() => planBeats(grid, workload, { beats: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => planBeats(grid, workload.subarray(1), { beats: 2 })).toThrow(expect.objectContaining({ code: 'PLAN_GRID_MISMATCH' }));
    const ac = new AbortController();
    ac.abort();
    expect(() => planBeats(grid, workload, { beats: 3, signal: ac.signal })).toThrow(expect.objectContaining({ code: 'ABORTED' }));
    const seen: number[] = [];
    planBeats(grid, workload, { beats: 3, onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
  });
});
