/**
 * Issue 17 on Chicago: the 77 community areas as atomic units for 22 districts (every area
 * whole, contiguous, the heaviest-unit bound reported), then 274 beats nested in those
 * districts. Grid: the 274 police beats as boundary, resolution 10; 2015 crime slice.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGrid } from '../packages/engine/src/grid/build-grid.js';
import type { Grid } from '../packages/engine/src/grid/grid.js';
import { cellsToPolygons, pointToCellLocator } from '../packages/engine/src/grid/locate.js';
import { readIncidents } from '../packages/engine/src/io/index.js';
import { evaluatePlan } from '../packages/engine/src/plan/evaluate.js';
import { planBeats } from '../packages/engine/src/plan/plan-beats.js';
import type { BeatPlan } from '../packages/engine/src/plan/types.js';
import { scoreCells } from '../packages/engine/src/score/score-cells.js';
import type { CellScores } from '../packages/engine/src/score/types.js';
import { type CellUnits, unitIdsOf, unitsOfCells } from '../packages/engine/src/units/assign.js';
import { beatOfUnitFeatures, dissolveUnits } from '../packages/engine/src/units/dissolve.js';
import { unitSums } from '../packages/engine/src/units/quotient.js';
import { hasRealdata, realdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())('Chicago: 22 districts of whole community areas, 274 beats nested in them', () => {
  let grid: Grid;
  let scores: CellScores;
  let units: CellUnits;
  let districts: BeatPlan;
  let areas: Parameters<typeof dissolveUnits>[0];

  beforeAll(async () => {
    const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8'));
    grid = buildGrid(beats, { resolution: 10 });
    const { incidents } = await readIncidents(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), { locate: pointToCellLocator(grid) });
    scores = scoreCells(grid, incidents).scores;
    areas = JSON.parse(readFileSync(realdata('chicago', 'community_areas_2020_acs.geojson'), 'utf8'));
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
    expect(report.unmet[0]).toMatch(
      /^the band mean × \(1 ± 0.025\) is unreachable with these units: unit AUSTIN alone carries 1.794× the mean beat workload/,
    );
    // Austin's district is Austin alone; no district is heavier
    const austin = plan.beatOfCell[units.unitOfCell.indexOf(units.unitIds.indexOf('AUSTIN'))]!;
    expect(beatOfUnit.filter((x) => x === austin).length).toBe(1);
    expect(m.workload.maxOverMean).toBeCloseTo(b.heaviestOverMean, 9);
    console.log(
      `Chicago 22 districts on 77 community areas: max/mean ${m.workload.maxOverMean.toFixed(4)} min/mean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)} ` +
        `PP (cells) ${m.compactness.polsbyPopperMean.toFixed(3)}; ${report.outsideBand.length} districts outside ±2.5%`,
    );
  }, 120_000);

  it('nests 274 contiguous beats in those districts, read back from their dissolved outlines (as --districts reads beats.geojson): no beat crosses a district', () => {
    // the districts as the CLI writes them (beats.geojson = the dissolve of each district's community areas), read back as --districts does
    const dissolved = dissolveUnits(
      areas,
      beatOfUnitFeatures(unitIdsOf(areas.features, { idField: 'community' }), units, districts.beatOfCell),
      districts.beatIds,
    );
    expect(dissolved.features.length).toBe(22);
    const districtOfCell = cellsToPolygons(grid, dissolved);
    let same = 0;
    for (let i = 0; i < grid.cellCount; i++) if (districtOfCell[i] === districts.beatOfCell[i]) same++;
    // a cell whose centre lies in another district than most of its area: on the outlines only
    expect(same / grid.cellCount).toBeGreaterThan(0.98);
    const { plan, report } = planBeats(grid, scores, {
      beats: 274,
      seed: 1,
      districts: districtOfCell,
      districtIds: dissolved.features.map((f) => String(f.id)),
    });
    const m = evaluatePlan(grid, plan, scores);
    expect(m.unassignedCells).toBe(0);
    expect(m.contiguity.emptyBeats).toBe(0);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    // every cell lies in its beat's district, except the pieces too small for a beat that the
    // report names (planned with a neighbouring district) and cells outside every district
    let crossing = 0;
    let outside = 0;
    for (let i = 0; i < grid.cellCount; i++) {
      const d = districtOfCell[i]!;
      if (d < 0) outside++;
      else if (plan.districtOfBeat![plan.beatOfCell[i]!] !== d) crossing++;
    }
    const merged = report.warnings
      .map((w) => /^(\d+) cells of district \S+ form a piece too small for a beat/.exec(w))
      .reduce((a, x) => a + (x ? Number(x[1]) : 0), 0);
    expect(crossing).toBeLessThanOrEqual(merged);
    expect(crossing).toBeLessThan(grid.cellCount * 0.005);
    // every district holds beats
    expect(new Set(plan.districtOfBeat).size).toBe(22);
    expect(m.workload.cv).toBeLessThan(0.05);
    console.log(
      `Chicago 274 beats in the 22 dissolved unit districts (${((100 * same) / grid.cellCount).toFixed(2)}% of cells in their unit's district; ${outside} cells in none, ${crossing} planned with a neighbouring district): max/mean ${m.workload.maxOverMean.toFixed(4)} min/mean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)} PP ${m.compactness.polsbyPopperMean.toFixed(3)}`,
    );
  }, 180_000);
});
