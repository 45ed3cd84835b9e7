/**
 * Issue 17 on Chicago: the 77 community areas as atomic units for 22 districts (every area
 * whole, contiguous, the heaviest-unit bound reported), then 274 beats nested in those
 * districts. Grid: the 274 police beats as boundary, resolution 10; 2015 crime slice.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGrid } from '../packages/engine/src/grid/build-grid.js';
import type { Grid } from '../packages/engine/src/grid/grid.js';
import { pointToCellLocator } from '../packages/engine/src/grid/locate.js';
import { readIncidents } from '../packages/engine/src/io/index.js';
import { evaluatePlan } from '../packages/engine/src/plan/evaluate.js';
import { planBeats } from '../packages/engine/src/plan/plan-beats.js';
import type { BeatPlan } from '../packages/engine/src/plan/types.js';
import { scoreCells } from '../packages/engine/src/score/score-cells.js';
import type { CellScores } from '../packages/engine/src/score/types.js';
import { unitsOfCells, type CellUnits } from '../packages/engine/src/units/assign.js';
import { unitSums } from '../packages/engine/src/units/quotient.js';
import { hasRealdata, realdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())('Chicago: 22 districts of whole community areas, 274 beats nested in them', () => {
  let grid: Grid;
  let scores: CellScores;
  let units: CellUnits;
  let districts: BeatPlan;

  beforeAll(async () => {
    const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8'));
    grid = buildGrid(beats, { resolution: 10 });
    const { incidents } = await readIncidents(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), { locate: pointToCellLocator(grid) });
    scores = scoreCells(grid, incidents).scores;
    const areas = JSON.parse(readFileSync(realdata('chicago', 'community_areas_2020_acs.geojson'), 'utf8'));
    units = unitsOfCells(grid, areas, { idField: 'community' });
  }, 180_000);

  it('maps the 77 community areas onto the 39,517 cells, saying what it did', () => {
    expect(grid.cellCount).toBe(39517);
    expect(units.unitIds.length).toBe(77);
    const r = units.report!;
    expect(r.mergedUnits).toEqual([]);
    // cells of the beats' outline that no community area covers take the nearest area's unit
    expect(r.uncoveredCells).toBe(98);
    // the Loop leaves 2 cells cut off on the travel graph; they joined the neighbour they touch most
    expect(r.splitUnits).toEqual([{ id: 'LOOP', cellsMoved: 2, newUnits: [] }]);
  });

  it('plans 22 contiguous districts of whole community areas and reports the bound the heaviest area sets', () => {
    const { plan, report } = planBeats(grid, scores, { beats: 22, seed: 1, units });
    districts = plan;
    const m = evaluatePlan(grid, plan, scores);
    // whole units
    const beatOfUnit = new Int32Array(77).fill(-1);
    for (let i = 0; i < grid.cellCount; i++) {
      const u = units.unitOfCell[i]!;
      if (beatOfUnit[u] === -1) beatOfUnit[u] = plan.beatOfCell[i]!;
      expect(plan.beatOfCell[i]).toBe(beatOfUnit[u]);
    }
    expect(m.unassignedCells).toBe(0);
    expect(m.contiguity.emptyBeats).toBe(0);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    // Austin alone carries 1.79 mean districts: ±2.5% is out of reach, and the plan says so
    const uw = unitSums(units, scores.workloadHours);
    const total = uw.reduce((a, b) => a + b, 0);
    const b = report.units!;
    expect(b.heaviestUnit).toBe('AUSTIN');
    expect(b.heaviestOverMean).toBeCloseTo((uw[units.unitIds.indexOf('AUSTIN')]! * 22) / total, 12);
    expect(b.heaviestOverMean).toBeCloseTo(1.794, 3);
    expect(b.reachableTolerance).toBeCloseTo(b.heaviestOverMean - 1, 12);
    expect(report.unmet[0]).toMatch(/^the band mean × \(1 ± 0.025\) is unreachable with these units: unit AUSTIN alone carries 1.794× the mean beat workload/);
    // Austin's district is Austin alone; no district is heavier
    const austin = plan.beatOfCell[units.unitOfCell.indexOf(units.unitIds.indexOf('AUSTIN'))]!;
    expect(beatOfUnit.filter((x) => x === austin).length).toBe(1);
    expect(m.workload.maxOverMean).toBeCloseTo(b.heaviestOverMean, 9);
    console.log(`Chicago 22 districts on 77 community areas: max/mean ${m.workload.maxOverMean.toFixed(4)} min/mean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)} ` +
      `PP (cells) ${m.compactness.polsbyPopperMean.toFixed(3)}; ${report.outsideBand.length} districts outside ±2.5%`);
  }, 120_000);

  it('nests 274 contiguous beats in those districts: no beat crosses a district', () => {
    const { plan } = planBeats(grid, scores, { beats: 274, seed: 1, districts: districts.beatOfCell, districtIds: districts.beatIds });
    const m = evaluatePlan(grid, plan, scores);
    expect(m.unassignedCells).toBe(0);
    expect(m.contiguity.emptyBeats).toBe(0);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    const districtOfBeat = new Int32Array(274).fill(-1);
    let crossing = 0;
    for (let i = 0; i < grid.cellCount; i++) {
      const beat = plan.beatOfCell[i]!;
      const d = districts.beatOfCell[i]!;
      if (districtOfBeat[beat] === -1) districtOfBeat[beat] = d;
      else if (districtOfBeat[beat] !== d) crossing++;
    }
    expect(crossing).toBe(0);
    // every district holds at least one beat
    expect(new Set(districtOfBeat).size).toBe(22);
    expect(m.workload.cv).toBeLessThan(0.05);
    console.log(`Chicago 274 beats in the 22 unit districts: max/mean ${m.workload.maxOverMean.toFixed(4)} min/mean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)} PP ${m.compactness.polsbyPopperMean.toFixed(3)}`);
  }, 180_000);
});
