import fc from 'fast-check';
import type { FeatureCollection, Polygon } from 'geojson';
import { cellToBoundary } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { Grid } from '../grid/grid.js';
import { evaluatePlan } from '../plan/evaluate.js';
import { planFromJson, planToJson } from '../plan/output.js';
import { Partition } from '../plan/partition.js';
import { planBeats } from '../plan/plan-beats.js';
import { createPlanState, moveCells } from '../plan/plan-state.js';
import { syntheticCity } from '../plan/synthetic.js';
import { createRng } from '../random.js';
import { type CellUnits, cellsOfUnits, unitsOfCells, unitsOnGrid } from './assign.js';
import { majorityPerUnit, unitBalanceBound, unitGrid, unitSums } from './quotient.js';

/** Random connected units: `count` seed cells grown in random order over the travel graph. */
function randomUnits(grid: Grid, count: number, seed: number): CellUnits {
  const rng = createRng(seed);
  const n = grid.cellCount;
  const label = new Int32Array(n).fill(-1);
  const frontier: number[] = [];
  let made = 0;
  while (made < count) {
    const s = Math.floor(rng.next() * n);
    if (label[s] !== -1) continue;
    label[s] = made++;
    frontier.push(s);
  }
  while (frontier.length) {
    const k = Math.floor(rng.next() * frontier.length);
    const c = frontier[k]!;
    let grown = false;
    for (let e = grid.adjOffsets[c]!; e < grid.adjOffsets[c + 1]!; e++) {
      const j = grid.adjTargets[e]!;
      if (label[j] === -1) {
        label[j] = label[c]!;
        frontier.push(j);
        grown = true;
        break;
      }
    }
    if (!grown) frontier.splice(k, 1);
  }
  // cells in components without a seed: a unit per component
  for (let i = 0; i < n; i++) {
    if (label[i] !== -1) continue;
    const stack = [i];
    label[i] = made;
    while (stack.length) {
      const c = stack.pop()!;
      for (let e = grid.adjOffsets[c]!; e < grid.adjOffsets[c + 1]!; e++) {
        const j = grid.adjTargets[e]!;
        if (label[j] === -1) {
          label[j] = made;
          stack.push(j);
        }
      }
    }
    made++;
  }
  return { unitOfCell: label, unitIds: Array.from({ length: made }, (_, u) => `U${u}`) };
}

function everyUnitWhole(units: CellUnits, beatOfCell: Int32Array): boolean {
  const beatOfUnit = new Int32Array(units.unitIds.length).fill(-2);
  for (let i = 0; i < beatOfCell.length; i++) {
    const u = units.unitOfCell[i]!;
    if (beatOfUnit[u] === -2) beatOfUnit[u] = beatOfCell[i]!;
    else if (beatOfUnit[u] !== beatOfCell[i]) return false;
  }
  return true;
}

describe('units: planning keeps every unit whole', () => {
  it('on random cities and random unit labelings: whole units, full partition, contiguous beats, exact quotient area and perimeter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 30, max: 120 }),
        fc.integer({ min: 2, max: 8 }),
        (seed, unitCount, K) => {
          const { grid, workload } = syntheticCity({ seed, cells: 500, resolution: 9, roughness: 0.2 });
          const units = randomUnits(grid, unitCount, seed);
          const { plan, report } = planBeats(grid, workload, { beats: K, seed, units, compactSweeps: 10 });
          expect(everyUnitWhole(units, plan.beatOfCell)).toBe(true);
          const m = evaluatePlan(grid, plan, workload);
          expect(m.unassignedCells).toBe(0);
          expect(m.contiguity.emptyBeats).toBe(0);
          // contiguity on the travel graph, except islands the report names
          expect(m.contiguity.nonContiguousBeats).toBeLessThanOrEqual(new Set(report.islands.map((x) => x.beat)).size);
          expect(plan.units).toBe(units);
          // the quotient measures a set of units exactly as the grid measures their cells
          const q = unitGrid(grid, units);
          const rng = createRng(seed + 1);
          const pick = Int32Array.from({ length: q.cellCount }, () => (rng.next() < 0.4 ? 0 : -1));
          const onUnits = Partition.fromAssignment(q, pick, 1, []);
          const onCells = Partition.fromAssignment(
            grid,
            Int32Array.from(units.unitOfCell, (u) => pick[u]!),
            1,
            [],
          );
          expect(onUnits.areaKm2[0]).toBeCloseTo(onCells.areaKm2[0]!, 9);
          expect(onUnits.perimeterKm[0]).toBeCloseTo(onCells.perimeterKm[0]!, 9);
          expect(onUnits.cells[0]! <= onCells.cells[0]!).toBe(true);
          // the report's bound is what it says
          expect(report.units!.heaviestOverMean).toBeCloseTo(
            (Math.max(...unitSums(units, workload)) * K) / workload.reduce((a, b) => a + b, 0),
            9,
          );
        },
      ),
      { numRuns: 12 },
    );
  });

  it('re-planning from a plan with units, moving cells and plan.json keep the units', () => {
    const { grid, workload } = syntheticCity({ seed: 5, cells: 800, resolution: 9 });
    const units = randomUnits(grid, 90, 5);
    const first = planBeats(grid, workload, { beats: 6, seed: 2, units });
    // initial carries the units: a re-plan with no units option stays on units
    const again = planBeats(grid, workload, { initial: first.plan, seed: 3 });
    expect(again.plan.units).toBe(units);
    expect(everyUnitWhole(units, again.plan.beatOfCell)).toBe(true);
    // the brush paints whole units
    const state = createPlanState(grid, first.plan, workload);
    const b0 = first.plan.beatOfCell;
    let cell = -1;
    let to = -1;
    for (let i = 0; i < grid.cellCount && cell < 0; i++) {
      for (let e = grid.adjOffsets[i]!; e < grid.adjOffsets[i + 1]!; e++) {
        const j = grid.adjTargets[e]!;
        if (b0[j] !== b0[i]) {
          try {
            const r = moveCells(grid, state, [i], b0[j]!);
            expect(r.moved).toBe(cellsOfUnits(units, [i]).length);
            expect(everyUnitWhole(units, r.plan.beatOfCell)).toBe(true);
            expect(r.plan.units).toBe(units);
            cell = i;
            to = b0[j]!;
          } catch {
            /* a move that breaks contiguity: try another */
          }
          break;
        }
      }
    }
    expect(cell).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThanOrEqual(0);
    // plan.json round trip
    const back = planFromJson(JSON.parse(JSON.stringify(planToJson(grid, first.plan, workload))), grid);
    expect(back.plan.units!.unitIds).toEqual(units.unitIds);
    expect(Array.from(back.plan.units!.unitOfCell)).toEqual(Array.from(units.unitOfCell));
    // read without a grid (a --from parent): the file's cell order, mapped back onto the grid
    const json = planToJson(grid, first.plan, workload);
    const loose = planFromJson({
      ...json,
      cells: {
        ...json.cells,
        h3: [...json.cells.h3].reverse(),
        unit: [...json.cells.unit!].reverse(),
        beat: [...json.cells.beat].reverse(),
      },
    });
    expect(Array.from(unitsOnGrid(grid, loose.h3, loose.plan.units)!.unitOfCell)).toEqual(Array.from(units.unitOfCell));
    expect(unitsOnGrid(grid, loose.h3.slice(1), loose.plan.units)).toBeUndefined();
    expect(() => planFromJson({ ...json, cells: { ...json.cells, unit: json.cells.unit!.map(() => 999) } })).toThrow(/cell 0 has unit 999/);
  });

  it('reports the heaviest-unit bound, says when ±ε is out of reach and gives the heavy unit a beat of its own', () => {
    const { grid, workload } = syntheticCity({ seed: 9, cells: 600, resolution: 9 });
    const units = randomUnits(grid, 40, 9);
    const w = Float64Array.from(workload);
    // make unit 0 carry 40% of the workload: with K = 5 it alone is 2× the mean
    const uw = unitSums(units, w);
    const total = uw.reduce((a, b) => a + b, 0);
    const factor = (0.4 * (total - uw[0]!)) / 0.6 / uw[0]!;
    for (let i = 0; i < grid.cellCount; i++) if (units.unitOfCell[i] === 0) w[i] *= factor;
    const bound = unitBalanceBound(units, unitSums(units, w), 5, 0.025);
    expect(bound.heaviestUnit).toBe('U0');
    expect(bound.heaviestOverMean).toBeCloseTo(2, 6);
    expect(bound.reachableTolerance).toBeCloseTo(1, 6);
    const { plan, report } = planBeats(grid, w, { beats: 5, units });
    expect(report.units!.heaviestOverMean).toBeCloseTo(2, 6);
    expect(report.unmet[0]).toMatch(/band mean × \(1 ± 0.025\) is unreachable with these units: unit U0 alone carries 2.000× the mean/);
    expect(everyUnitWhole(units, plan.beatOfCell)).toBe(true);
    const m = evaluatePlan(grid, plan, w);
    expect(m.workload.maxOverMean).toBeCloseTo(2, 6);
    expect(m.perBeat[plan.beatOfCell[units.unitOfCell.indexOf(0)]!]!.workload).toBeCloseTo(uw[0]! * factor, 6);
  });
});

describe('units with districts, locks, seeds and too many beats', () => {
  const { grid, workload } = syntheticCity({ seed: 11, cells: 900, resolution: 9 });
  const units = randomUnits(grid, 120, 11);

  it('maps districts onto units by area: no beat crosses the district of its units', () => {
    // two districts: west and east of the median longitude
    const lngs = Array.from(grid.lng).sort((a, b) => a - b);
    const mid = lngs[Math.floor(lngs.length / 2)]!;
    const districts = Int32Array.from(grid.lng, (x) => (x < mid ? 0 : 1));
    const { plan } = planBeats(grid, workload, { beats: 8, units, districts, districtIds: ['W', 'E'] });
    expect(everyUnitWhole(units, plan.beatOfCell)).toBe(true);
    const byUnit = majorityPerUnit(units, districts, grid.areaKm2, grid.areaKm2);
    const districtOfBeat = new Map<number, number>();
    for (let i = 0; i < grid.cellCount; i++) {
      const b = plan.beatOfCell[i]!;
      const d = byUnit[units.unitOfCell[i]!]!;
      expect(districtOfBeat.get(b) ?? d).toBe(d);
      districtOfBeat.set(b, d);
    }
    expect(plan.districtIds).toEqual(['W', 'E']);
  });

  it('keeps a locked beat made of whole units exactly, and says when a lock cannot hold', () => {
    const first = planBeats(grid, workload, { beats: 6, units, seed: 4 });
    const again = planBeats(grid, workload, { initial: first.plan, locked: [first.plan.beatIds[2]!], seed: 5 });
    for (let i = 0; i < grid.cellCount; i++) expect(again.plan.beatOfCell[i] === 2).toBe(first.plan.beatOfCell[i] === 2);
    expect(again.report.unmet.some((u) => u.startsWith('locked beat'))).toBe(false);
    // a plan on cells whose beat 0 cuts through units: locked, it cannot keep its exact cells
    const onCells = planBeats(grid, workload, { beats: 6, seed: 4 });
    const locked = planBeats(grid, workload, { initial: onCells.plan, locked: [0], units, seed: 5 });
    expect(everyUnitWhole(units, locked.plan.beatOfCell)).toBe(true);
    const cut = Array.from(units.unitIds.keys()).some((u) => {
      let inside = 0;
      let all = 0;
      for (let i = 0; i < grid.cellCount; i++)
        if (units.unitOfCell[i] === u) {
          all++;
          if (onCells.plan.beatOfCell[i] === 0) inside++;
        }
      return inside > 0 && inside < all;
    });
    expect(cut).toBe(true);
    expect(locked.report.unmet.some((u) => u.startsWith(`locked beat ${onCells.plan.beatIds[0]} changed: units straddle its edge`))).toBe(
      true,
    );
    expect(locked.report.method[0]).toBe('locked');
  });

  it('starts a beat at the unit of each seed cell, and refuses more beats than units', () => {
    const seeds = [0, grid.cellCount - 1];
    const { plan } = planBeats(grid, workload, { beats: 5, units, seeds });
    expect(plan.beatOfCell[0]).not.toBe(plan.beatOfCell[grid.cellCount - 1]);
    expect(() => planBeats(grid, workload, { beats: 121, units })).toThrow(/121 beats cannot be made from 120 units/);
  });
});

describe('unitsOfCells', () => {
  const { grid } = syntheticCity({ seed: 4, cells: 400, resolution: 9 });
  // units = the H3 cells of the parent resolution 8 (7 children each), plus a tiny square
  it('gives every cell the unit holding most of its area, merges units smaller than a cell, names duplicates', async () => {
    const { cellToParent } = await import('h3-js');
    const ps = [...new Set(grid.h3.map((h) => cellToParent(h, 8)))].sort();
    const features = ps.map((p, k) => ({
      type: 'Feature' as const,
      properties: { code: `P${k}` },
      geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(p, true)] },
    }));
    // a tiny square inside the first cell of the grid: smaller than a cell, wins nothing
    const [x, y] = [grid.lng[0]!, grid.lat[0]!];
    const d = 0.0002;
    features.push({
      type: 'Feature',
      properties: { code: 'TINY' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [x, y],
            [x + d, y],
            [x + d, y + d],
            [x, y + d],
            [x, y],
          ],
        ],
      },
    });
    const layer: FeatureCollection<Polygon> = { type: 'FeatureCollection', features };
    const units = unitsOfCells(grid, layer, { idField: 'code' });
    expect(units.report!.mergedUnits).toEqual([{ id: 'TINY', into: units.unitIds[units.unitOfCell[0]!] }]);
    // every feature is a unit, or merged; mended pieces that touch no other unit become units of their own
    expect(units.unitIds.length + units.report!.mergedUnits.length).toBe(
      ps.length + 1 + units.report!.splitUnits.reduce((s, u) => s + u.newUnits.length, 0),
    );
    expect(units.report!.uncoveredCells).toBe(0);
    // a cell whose centre lies in a parent hexagon belongs to it unless most of its area lies elsewhere
    let agree = 0;
    for (let i = 0; i < grid.cellCount; i++)
      if (units.unitIds[units.unitOfCell[i]!] === `P${ps.indexOf(cellToParent(grid.h3[i]!, 8))}`) agree++;
    expect(agree / grid.cellCount).toBeGreaterThan(0.7);
    expect(() => unitsOfCells(grid, { type: 'FeatureCollection', features: [features[0]!, features[0]!] }, { idField: 'code' })).toThrow(
      /unit id "P0" is used by features 0 and 1/,
    );
    expect(() => unitsOfCells(grid, layer, { idField: 'nope' })).toThrow(/no "nope" property/);
  });
});
