/**
 * Real-data targets on Chicago (issue 3): the 274 beats as boundary, the 2015 crime slice as
 * incidents, resolution 10, K = 274 — plain and nested in the 22 police districts.
 */
import { readFileSync } from 'node:fs';
import { area as turfArea, length as turfLength } from '@turf/turf';
import { cellsToMultiPolygon } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { buildGrid } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { cellsToPolygons, pointToCellLocator } from '../grid/locate.js';
import { readIncidents } from '../io/index.js';
import { aggregateCounts, binMeans, scoreCells } from '../score/index.js';
import type { CellScores } from '../score/types.js';
import { type ChangeCurve, changeCurve } from './change-curve.js';
import { comparePlans, evaluatePlan, importPlan } from './evaluate.js';
import { SHAPE_MARGIN } from './local-search.js';
import { planToCellsCsv } from './output.js';
import { planBeats } from './plan-beats.js';
import { createPlanState, moveCells, stateMetrics } from './plan-state.js';
import { labelPieces, topologyOf } from './topology.js';
import type { BeatPlan, PlanMetrics } from './types.js';

const fmt = (m: PlanMetrics) =>
  `maxOverMean ${m.workload.maxOverMean.toFixed(4)} minOverMean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)} ` +
  `PP mean ${m.compactness.polsbyPopperMean.toFixed(4)} min ${m.compactness.polsbyPopperMin.toFixed(3)} nonContiguous ${m.contiguity.nonContiguousBeats} ` +
  `unassigned ${m.unassignedCells} cutEdges ${m.cutEdges}`;

describe.skipIf(!hasRealdata())('Chicago (real data, resolution 10, 274 beats)', () => {
  let grid: Grid;
  let scores: CellScores;
  let beatsGeo: { features: Array<{ properties: { beat_num: string } }> };
  let existing: PlanMetrics;
  let plan: BeatPlan;
  let current: BeatPlan;
  let curve: ChangeCurve | undefined;
  /** The change curve from the current beats, computed once for the tests that read it. */
  const curveOnce = () => (curve ??= changeCurve(grid, scores, current, [0.05, 0.1, 0.2, 0.5, 1], { seed: 1 }));
  /** Share of the workload whose cell's beat changed, recomputed from the two assignments. */
  const movedShare = (a: Int32Array, b: Int32Array) => {
    let moved = 0;
    let all = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i]! < 0 && b[i]! < 0) continue;
      all += scores.workloadHours[i]!;
      if (a[i] !== b[i]) moved += scores.workloadHours[i]!;
    }
    return moved / all;
  };

  beforeAll(async () => {
    beatsGeo = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8'));
    grid = buildGrid(beatsGeo as never, { resolution: 10 });
    const { incidents } = await readIncidents(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), { locate: pointToCellLocator(grid) });
    scores = scoreCells(grid, incidents).scores;
    current = importPlan(
      grid,
      cellsToPolygons(grid, beatsGeo as never),
      beatsGeo.features.map((f) => f.properties.beat_num),
    );
    existing = evaluatePlan(grid, current, scores);
    console.log(`Chicago current beats: ${fmt(existing)}`);
  });

  it('plans 274 contiguous, balanced beats more compact than the current ones, in seconds', () => {
    expect(grid.cellCount).toBe(39517);
    expect(grid.bridges.length).toBe(5);
    const t = performance.now();
    const r = planBeats(grid, scores, { beats: 274, seed: 1 });
    const ms = performance.now() - t;
    plan = r.plan;
    const m = evaluatePlan(grid, plan, scores, { timingsMs: { plan: ms } });
    console.log(`Chicago plan (${ms.toFixed(0)} ms, ${JSON.stringify(r.report.iterations)}): ${fmt(m)}`);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.contiguity.emptyBeats).toBe(0);
    expect(m.unassignedCells).toBe(0);
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1.05);
    expect(m.workload.cv).toBeLessThanOrEqual(0.03);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThanOrEqual(existing.compactness.polsbyPopperMean);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThan(0.45);
    expect(ms).toBeLessThan(20_000);
    const cmp = comparePlans(
      grid,
      importPlan(
        grid,
        cellsToPolygons(grid, beatsGeo as never),
        beatsGeo.features.map((f) => f.properties.beat_num),
      ),
      plan,
      scores,
    );
    console.log(
      `vs current beats: ${cmp.changedCells.count} cells changed (${(cmp.changedCells.share * 100).toFixed(1)}%), ΔPP ${cmp.deltas.polsbyPopperMean.toFixed(4)}, Δcv ${cmp.deltas.cv.toFixed(4)}`,
    );
    expect(cmp.deltas.cv).toBeLessThan(0);
  });

  it('tight balance: ±1% reaches max/mean ≤ 1.01 with every beat in the band and PP ≥ 0.48, in seconds', () => {
    const t = performance.now();
    const r = planBeats(grid, scores, { beats: 274, seed: 1, tolerance: 0.01 });
    const ms = performance.now() - t;
    const m = evaluatePlan(grid, r.plan, scores, { tolerance: 0.01 });
    console.log(`Chicago ±1% (${ms.toFixed(0)} ms, flow ${JSON.stringify(r.report.flow)}): ${fmt(m)}`);
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1.01);
    expect(m.workload.minOverMean).toBeGreaterThanOrEqual(0.99);
    expect(m.beatsOutsideTolerance).toBe(0);
    expect(r.report.outsideBand).toEqual([]);
    expect(r.report.unmet).toEqual([]);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThanOrEqual(0.48);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(ms).toBeLessThan(30_000); // ~2.5 s of CPU here; the bound allows for a shared machine
  });

  it('minimal change from the current beats: every beat in ±2.5%, PP ≥ 0.43 and min ≥ 0.10, moved share = recount', () => {
    const r = curveOnce().results.at(-1)!;
    const m = evaluatePlan(grid, r.plan, scores);
    const moved = movedShare(current.beatOfCell, r.plan.beatOfCell);
    console.log(
      `Chicago from the current beats: ${fmt(m)}; moved ${(100 * moved).toFixed(1)}% of workload, ${(100 * r.report.change!.movedCellShare).toFixed(1)}% of cells`,
    );
    expect(m.beatsOutsideTolerance).toBe(0);
    expect(m.tolerance).toBe(0.025);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThanOrEqual(0.43);
    expect(m.compactness.polsbyPopperMin).toBeGreaterThanOrEqual(0.1);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.unassignedCells).toBe(0);
    expect(r.plan.beatIds).toEqual(current.beatIds);
    expect(r.report.change!.movedWorkloadShare).toBeCloseTo(moved, 12);
    expect(moved).toBeLessThan(0.6); // a fresh plan matched to the current beats moves 57%
    expect(r.report.unmet).toEqual([]);
  }, 120_000);

  it('a 10% change budget: at most 10% of the workload moves (recounted), no beat is made worse, max/mean falls well below 3.89', () => {
    const k = curveOnce().points.findIndex((p) => p.budget === 0.1);
    const r = curveOnce().results[k]!;
    const m = evaluatePlan(grid, r.plan, scores);
    const moved = movedShare(current.beatOfCell, r.plan.beatOfCell);
    console.log(`Chicago with a 10% budget: ${fmt(m)}; moved ${(100 * moved).toFixed(2)}%`);
    expect(moved).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(moved).toBeGreaterThan(0.09);
    expect(existing.workload.maxOverMean).toBeGreaterThan(3.8);
    // No beat made worse (NoWorseConstraint) and the shape floor (ShapeFloorConstraint) cost
    // balance: 2.155 = 0.55 × measured (the unguarded budget reached 1.82 by draining beats).
    expect(m.workload.maxOverMean).toBeLessThan(0.56 * existing.workload.maxOverMean);
    expect(m.workload.cv).toBeLessThan(existing.workload.cv);
    // no beat is made worse: none leaves the band, none ends further from it, none is drained
    const w0 = new Float64Array(274);
    const w1 = new Float64Array(274);
    for (let i = 0; i < current.beatOfCell.length; i++) {
      if (current.beatOfCell[i]! >= 0) w0[current.beatOfCell[i]!] += scores.workloadHours[i]!;
      if (r.plan.beatOfCell[i]! >= 0) w1[r.plan.beatOfCell[i]!] += scores.workloadHours[i]!;
    }
    // against the predecessor after the grid repair (the range the engine reports), and that
    // range is the current beats' own [min(w0, lower edge), max(w0, upper edge)] wherever the
    // repair (pieces split off by the grid, cells in no polygon) left a beat's workload alone
    const T = m.workload.mean;
    const range = r.report.noWorseRange!;
    let asPredecessor = 0;
    for (let b = 0; b < 274; b++) {
      expect(w1[b]!).toBeGreaterThanOrEqual(range.lo[b]! - 1e-6);
      expect(w1[b]!).toBeLessThanOrEqual(range.hi[b]! + 1e-6);
      if (Math.abs(range.lo[b]! - Math.min(w0[b]!, T * 0.975)) < 1e-6 && Math.abs(range.hi[b]! - Math.max(w0[b]!, T * 1.025)) < 1e-6)
        asPredecessor++;
    }
    console.log(`  no-worse range = the current beats' own for ${asPredecessor} of 274 beats`);
    expect(asPredecessor).toBeGreaterThanOrEqual(265); // 270 measured
    expect(m.beatsOutsideTolerance).toBeLessThan(existing.beatsOutsideTolerance);
    expect(m.workload.minOverMean).toBeGreaterThanOrEqual(existing.workload.minOverMean - 1e-9);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThanOrEqual(existing.compactness.polsbyPopperMean - SHAPE_MARGIN - 0.002);
    expect(m.contiguity.nonContiguousBeats).toBeLessThanOrEqual(existing.contiguity.nonContiguousBeats);
    // the band is not reachable with 10%: said, with the beats named
    expect(r.report.unmet.join(' ')).toMatch(/beats outside the band .*change budget/);
  }, 120_000);

  it('the change curve is monotone (more change, better balance) and its 100% point matches a fresh plan', () => {
    const c = curveOnce();
    for (const p of c.points) console.log(`  curve ${JSON.stringify(p, (_, v) => (typeof v === 'number' ? Number(v.toFixed(4)) : v))}`);
    for (let k = 1; k < c.points.length; k++) {
      const [a, b] = [c.points[k - 1]!, c.points[k]!];
      expect(b.movedWorkloadShare).toBeGreaterThanOrEqual(a.movedWorkloadShare - 1e-12);
      expect(b.maxOverMean).toBeLessThanOrEqual(a.maxOverMean + 1e-12);
      expect(b.cv).toBeLessThanOrEqual(a.cv + 1e-12);
      expect(b.beatsOutsideBand).toBeLessThanOrEqual(a.beatsOutsideBand);
    }
    // a budget never makes a beat worse: beats outside never above the predecessor's, min/mean
    // never below it, mean PP at most the shape margin below it (partition vs turf: 0.002)
    for (const [k, p] of c.points.entries()) {
      const m = evaluatePlan(grid, c.results[k]!.plan, scores);
      expect(p.beatsOutsideBand).toBeLessThanOrEqual(existing.beatsOutsideTolerance);
      expect(m.workload.minOverMean).toBeGreaterThanOrEqual(existing.workload.minOverMean - 1e-9);
      expect(p.polsbyPopperMean).toBeGreaterThanOrEqual(existing.compactness.polsbyPopperMean - SHAPE_MARGIN - 0.002);
    }
    expect(c.points[0]!.beatsOutsideBand).toBeLessThan(existing.beatsOutsideTolerance);
    for (const p of c.points) if (!p.unconstrained) expect(p.movedWorkloadShare).toBeLessThanOrEqual(p.budget + 1e-9);
    const full = c.points.at(-1)!;
    const fresh = evaluatePlan(grid, plan ?? planBeats(grid, scores, { beats: 274, seed: 1 }).plan, scores);
    expect(full.budget).toBe(1);
    expect(full.beatsOutsideBand).toBe(0);
    expect(full.maxOverMean).toBeLessThanOrEqual(fresh.workload.maxOverMean + 1e-3);
    expect(full.polsbyPopperMean).toBeGreaterThanOrEqual(fresh.compactness.polsbyPopperMean - 0.01);
    expect(full.polsbyPopperMin).toBeGreaterThanOrEqual(fresh.compactness.polsbyPopperMin - 0.01);
  }, 180_000);

  it('a seed gives the same plan on every run: fresh, and under a change budget (no clock read without a time limit)', () => {
    // a clock that jumps by an hour per read: without timeLimitMs it must not change anything
    let t = 0;
    const again = planBeats(grid, scores, { beats: 274, seed: 1, now: () => (t += 3_600_000) });
    expect(again.report.timedOut).toBe(false);
    const first = plan ?? planBeats(grid, scores, { beats: 274, seed: 1 }).plan;
    expect(Buffer.from(again.plan.beatOfCell.buffer).equals(Buffer.from(first.beatOfCell.buffer))).toBe(true);
    const k = curveOnce().points.findIndex((p) => p.budget === 0.1);
    const budgeted = planBeats(grid, scores, { initial: current, seed: 1, maxChange: 0.1 });
    expect(Buffer.from(budgeted.plan.beatOfCell.buffer).equals(Buffer.from(curveOnce().results[k]!.plan.beatOfCell.buffer))).toBe(true);
  }, 120_000);

  it('budget 0 from the current beats: split beats are mended anyway, and the report says the budget is exceeded and why', () => {
    const r = planBeats(grid, scores, { initial: current, seed: 1, maxChange: 0 });
    const moved = r.report.change!.movedWorkloadShare;
    const said = r.report.unmet.filter((m) => m.startsWith('the change budget of 0% of the workload is exceeded'));
    console.log(`Chicago, budget 0: ${(moved * 100).toFixed(4)}% of the workload moved; ${said[0]}`);
    expect(moved).toBeGreaterThan(0);
    expect(said).toHaveLength(1);
    const { piecesOfBeat } = labelPieces(topologyOf(grid), current.beatOfCell, current.beatIds.length);
    const named = [...said[0]!.matchAll(/(\S+) \((\d+) pieces in the predecessor\)/g)];
    expect(named.length).toBeGreaterThan(0);
    for (const [, id, k] of named) expect(piecesOfBeat[current.beatIds.indexOf(id!)]).toBe(Number(k));
    // every beat ends in one piece (the mend), the budget notwithstanding
    expect(evaluatePlan(grid, r.plan, scores).contiguity.nonContiguousBeats).toBe(0);
  }, 120_000);

  it('plans the same run nested in the 22 police districts', () => {
    const districtsGeo = JSON.parse(readFileSync(realdata('chicago', 'police_districts.geojson'), 'utf8'));
    const districts = cellsToPolygons(grid, districtsGeo);
    const ids = districtsGeo.features.map((f: { properties: { dist_num: string } }) => f.properties.dist_num);
    const t = performance.now();
    const r = planBeats(grid, scores, { beats: 274, seed: 1, districts, districtIds: ids });
    const ms = performance.now() - t;
    const m = evaluatePlan(grid, r.plan, scores);
    console.log(`Chicago nested in 22 districts (${ms.toFixed(0)} ms): ${fmt(m)}`);
    for (const w of r.report.warnings) console.log(`  warning: ${w}`);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.unassignedCells).toBe(0);
    expect(r.report.regions.length).toBeGreaterThanOrEqual(22);
    let crossing = 0;
    for (let i = 0; i < grid.cellCount; i++) if (ids[r.plan.districtOfBeat![r.plan.beatOfCell[i]!]!] !== ids[districts[i]!]) crossing++;
    expect(crossing).toBeLessThan(20); // only district pieces too small for a beat (reported)
    // Whole beats per district bound the balance: within-district balance is still tight.
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1.1);
    expect(m.workload.cv).toBeLessThanOrEqual(0.05);
    expect(m.compactness.polsbyPopperMean).toBeGreaterThan(0.45);
  });

  it('recomputes Polsby-Popper (h3-js + turf) and workload (cells.csv) exactly', () => {
    const m = evaluatePlan(grid, plan, scores);
    const cellsOf: string[][] = plan.beatIds.map(() => []);
    for (let i = 0; i < grid.cellCount; i++) cellsOf[plan.beatOfCell[i]!]!.push(grid.h3[i]!);
    for (let b = 0; b < plan.beatIds.length; b += 3) {
      const geom = { type: 'MultiPolygon' as const, coordinates: cellsToMultiPolygon(cellsOf[b]!, true) };
      const a = turfArea(geom) / 1e6;
      const p = turfLength({ type: 'Feature', properties: {}, geometry: geom }, { units: 'kilometers' });
      const pp = (4 * Math.PI * a) / (p * p);
      expect(Math.abs(m.perBeat[b]!.areaKm2 - a) / a).toBeLessThan(1e-6);
      expect(Math.abs(m.perBeat[b]!.perimeterKm - p) / p).toBeLessThan(1e-6);
      expect(Math.abs(m.perBeat[b]!.polsbyPopper - pp) / pp).toBeLessThan(1e-6);
    }
    const lines = planToCellsCsv(grid, plan, scores).trim().split('\n');
    expect(lines[0]!.startsWith('h3,beat,workload,need')).toBe(true);
    const sum = new Map<string, number>();
    for (const line of lines.slice(1)) {
      const [, beat, w] = line.split(',');
      sum.set(beat!, (sum.get(beat!) ?? 0) + Number(w));
    }
    for (const pb of m.perBeat) expect(Math.abs(sum.get(pb.id)! - pb.workload)).toBeLessThan(1e-9 * Math.max(1, pb.workload));
  });

  it('aggregates the 2015 incidents for the public: every area shown holds ≥ 5 incidents', () => {
    const t = performance.now();
    const bins = aggregateCounts(grid.h3, scores.incidentCount, 5);
    const ms = performance.now() - t;
    const shownAsCells = [...bins.cells].filter((c) => c === 1).length;
    console.log(
      `Chicago k=5: ${bins.h3.length} bins (${shownAsCells} single cells) for ${bins.total} incidents, suppressed ${bins.suppressed.incidents} incidents in ${bins.suppressed.cells} cells, ${ms.toFixed(0)} ms`,
    );
    expect(Math.min(...bins.count)).toBeGreaterThanOrEqual(5);
    expect(bins.count.reduce((a, b) => a + b, 0) + bins.suppressed.incidents).toBe(bins.total);
    expect(bins.total).toBe(scores.incidentCount.reduce((a, b) => a + b, 0));
    // the public workload keeps the city total up to the suppressed cells
    const pub = binMeans(bins, scores.workloadHours);
    let shown = 0;
    let hidden = 0;
    for (let i = 0; i < grid.cellCount; i++) Number.isNaN(pub[i]!) ? (hidden += scores.workloadHours[i]!) : (shown += pub[i]!);
    expect(shown + hidden).toBeCloseTo(
      scores.workloadHours.reduce((a, b) => a + b, 0),
      6,
    );
    expect(ms).toBeLessThan(2000);
  });

  it('moveCells paints a 50-cell stroke in under 5 ms and keeps every beat contiguous', () => {
    let state = createPlanState(grid, plan, scores);
    const { adjOffsets, adjTargets } = grid;
    const times: number[] = [];
    let rejected = 0;
    for (let start = 0; start < grid.cellCount && times.length < 20; start += 997) {
      // a brush stroke: 50 cells of a neighbouring beat, grown from a boundary cell of beat b
      const b = state.plan.beatOfCell[start]!;
      let c = -1;
      for (let e = adjOffsets[start]!; e < adjOffsets[start + 1]!; e++) {
        const x = state.plan.beatOfCell[adjTargets[e]!]!;
        if (x !== b) c = x;
      }
      if (c < 0) continue;
      const stroke: number[] = [];
      const seen = new Set<number>();
      for (let e = adjOffsets[start]!; e < adjOffsets[start + 1]!; e++)
        if (state.plan.beatOfCell[adjTargets[e]!] === c) {
          stroke.push(adjTargets[e]!);
          seen.add(adjTargets[e]!);
          break;
        }
      for (let q = 0; q < stroke.length && stroke.length < 50; q++) {
        const i = stroke[q]!;
        for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
          const j = adjTargets[e]!;
          if (!seen.has(j) && state.plan.beatOfCell[j] === c && stroke.length < 50) {
            seen.add(j);
            stroke.push(j);
          }
        }
      }
      const t = performance.now();
      try {
        const r = moveCells(grid, state, stroke, b);
        times.push(performance.now() - t);
        for (const a of r.after) expect(a.contiguous).toBe(true);
        state = r.state;
      } catch (e) {
        expect((e as { code?: string }).code).toBe('MOVE_REJECTED');
        rejected++;
      }
    }
    times.sort((x, y) => x - y);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `moveCells 50-cell stroke: median ${median.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms over ${times.length} strokes (${rejected} rejected)`,
    );
    expect(median).toBeLessThan(5);
    const full = evaluatePlan(grid, state.plan, scores);
    const inc = stateMetrics(state);
    expect(full.contiguity.nonContiguousBeats).toBe(0);
    expect(inc.cutEdges).toBe(full.cutEdges);
    for (let b = 0; b < full.perBeat.length; b++) {
      expect(inc.perBeat[b]!.workload).toBeCloseTo(full.perBeat[b]!.workload, 6);
      expect(inc.perBeat[b]!.perimeterKm).toBeCloseTo(full.perBeat[b]!.perimeterKm, 6);
    }
  });
});
