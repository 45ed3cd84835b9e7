/**
 * Issue 17 on San Francisco: the 579 census block groups of 2010 (with their July–December
 * 2012 crime counts) as boundary, atomic units and workload; K = 30 beats. Every block group's
 * cells share one beat, beats are contiguous, and the balance the units allow is reported.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { buildGrid } from '../packages/engine/src/grid/build-grid.js';
import type { Grid } from '../packages/engine/src/grid/grid.js';
import { evaluatePlan } from '../packages/engine/src/plan/evaluate.js';
import { planFromJson } from '../packages/engine/src/plan/output.js';
import { planBeats } from '../packages/engine/src/plan/plan-beats.js';
import { contiguityFloor } from '../packages/engine/src/plan/tree-start.js';
import { beatsOutsideBand } from '../packages/engine/src/plan/weights.js';
import { spreadCounts } from '../packages/engine/src/score/score-cells.js';
import { type CellUnits, unitsOfCells } from '../packages/engine/src/units/assign.js';
import { unitGrid, unitSums } from '../packages/engine/src/units/quotient.js';
import { captureIo } from './support/cli-io.js';
import { hasRealdata, realdata } from './support/realdata.js';

interface BlockGroup {
  readonly type: 'Feature';
  readonly geometry: { readonly type: 'MultiPolygon'; readonly coordinates: number[][][][] };
  readonly properties: { GEO_ID: string; Vandalism: number; Robbery: number; Drugs: number; CarTheft: number };
}
interface BlockGroups {
  readonly type: 'FeatureCollection';
  readonly features: BlockGroup[];
}

/** Beat of each unit, or −2 when a unit's cells are in more than one beat. */
function beatOfUnits(units: CellUnits, beatOfCell: Int32Array): Int32Array {
  const out = new Int32Array(units.unitIds.length).fill(-3);
  for (let i = 0; i < beatOfCell.length; i++) {
    const u = units.unitOfCell[i]!;
    out[u] = out[u] === -3 || out[u] === beatOfCell[i] ? beatOfCell[i]! : -2;
  }
  return out;
}

describe.skipIf(!hasRealdata())('San Francisco block groups as atomic units (resolution 10, K = 30)', () => {
  let layer: BlockGroups;
  let grid: Grid;
  let units: CellUnits;
  let workload: Float64Array;

  beforeAll(() => {
    layer = JSON.parse(readFileSync(realdata('sanfrancisco', 'sf_crime_blockgroups_jul_dec2012.geojson'), 'utf8'));
    grid = buildGrid(layer as never, { resolution: 10 });
    units = unitsOfCells(grid, layer as never, { idField: 'GEO_ID' });
    // Workload: the four crime counts of each block group spread over its cells by area,
    // 45 minutes each over the 26 weeks of July–December 2012 (officer-hours per week).
    const p = (f: BlockGroup) => f.properties.Vandalism + f.properties.Robbery + f.properties.Drugs + f.properties.CarTheft;
    const counts = spreadCounts(grid, { features: layer.features.map((f) => ({ geometry: f.geometry as never, value: p(f) })) });
    workload = Float64Array.from(counts, (c) => (c * 0.75) / 26);
  });

  it('maps every block group to whole cells: 579 units, none merged, every cell in one unit', () => {
    expect(layer.features.length).toBe(579);
    expect(grid.cellCount).toBe(7905);
    const r = units.report!;
    expect(r.features).toBe(579);
    expect(units.unitIds.length).toBe(579);
    expect(r.mergedUnits).toEqual([]);
    expect(r.uncoveredCells).toBe(0);
    // the fragments some block groups leave on the hex grid joined their neighbours; none became a unit
    expect(r.splitUnits.every((s) => s.newUnits.length === 0)).toBe(true);
    expect(new Set(units.unitIds)).toEqual(new Set(layer.features.map((f) => f.properties.GEO_ID)));
    // each unit is one connected piece on the travel graph
    const plan = { beatOfCell: units.unitOfCell };
    const m = evaluatePlan(
      grid,
      { resolution: 10, cellCount: grid.cellCount, beatIds: units.unitIds, beatOfCell: plan.beatOfCell, locked: new Uint8Array(579) },
      workload,
    );
    expect(m.contiguity.nonContiguousBeats).toBe(0);
  });

  it('plans 30 contiguous beats of whole block groups and reports the balance the units allow', () => {
    const { plan, report } = planBeats(grid, workload, { beats: 30, seed: 1, units });
    const m = evaluatePlan(grid, plan, workload);
    const perUnit = beatOfUnits(units, plan.beatOfCell);
    expect(perUnit.every((b) => b >= 0)).toBe(true);
    expect(m.unassignedCells).toBe(0);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.contiguity.emptyBeats).toBe(0);
    // the bound: the heaviest block group carries 0.83 of a mean beat, so ±2.5% is not ruled out
    const uw = unitSums(units, workload);
    const total = uw.reduce((a, b) => a + b, 0);
    expect(report.units!.heaviestUnitWorkload).toBe(Math.max(...uw));
    expect(report.units!.heaviestOverMean).toBeCloseTo((Math.max(...uw) * 30) / total, 12);
    expect(report.units!.heaviestOverMean).toBeCloseTo(0.8325, 3);
    expect(report.units!.reachableTolerance).toBe(0.025);
    // lumpy units leave some beats outside the band: named exactly, and said
    const outside = beatsOutsideBand(
      Float64Array.from(m.perBeat, (b) => b.workload),
      0.025,
    ).map((b) => plan.beatIds[b]);
    expect(report.outsideBand).toEqual(outside);
    if (outside.length) expect(report.unmet.some((u) => u.startsWith(`${outside.length} of 30 beats outside the band`))).toBe(true);
    expect(report.unmet).toContain(
      `the band mean × (1 ± 0.025) is unreachable with these units: unit ${report.units!.heaviestUnit} carries 0.832× the mean beat workload and touches no unit lighter than 0.201×, ` +
        'so its beat is at 0.832× alone or at least 1.033× (narrowest band not ruled out: ± 0.033)',
    );
    // the heaviest block group's beat cannot be in the band (next test); the plan reaches that
    // floor: max/mean is the heaviest block group plus its lightest neighbour, nothing heavier
    const floor = contiguityFloor(unitGrid(grid, units), uw, total / 30, 0.025);
    expect(m.workload.maxOverMean).toBeLessThanOrEqual(1 + Math.max(...floor) + 1e-9);
    expect(m.workload.minOverMean).toBeGreaterThan(0.9);
    expect(m.workload.cv).toBeLessThan(0.025);
    expect(outside.length).toBeLessThanOrEqual(3);
    console.log(
      `SF K=30 on 579 block groups: max/mean ${m.workload.maxOverMean.toFixed(4)} min/mean ${m.workload.minOverMean.toFixed(4)} cv ${m.workload.cv.toFixed(4)}, ` +
        `${outside.length} beats outside ±2.5%, heaviest unit ${report.units!.heaviestOverMean.toFixed(4)}× mean, PP (cells) ${m.compactness.polsbyPopperMean.toFixed(3)}`,
    );
  });

  it('±2.5% is out of reach on these block groups: the heaviest one (0.83× a mean beat) touches none lighter than 0.20×, so its beat is at most 0.83× or at least 1.03×', () => {
    const q = unitGrid(grid, units);
    const uw = unitSums(units, workload);
    const mean = uw.reduce((a, b) => a + b, 0) / 30;
    const h = uw.indexOf(Math.max(...uw));
    let lightest = Infinity;
    for (let e = q.adjOffsets[h]!; e < q.adjOffsets[h + 1]!; e++) lightest = Math.min(lightest, uw[q.adjTargets[e]!]!);
    // a beat holding unit h is h alone or h with at least one of its neighbours (contiguity)
    expect(uw[h]! / mean).toBeLessThan(0.975);
    expect((uw[h]! + lightest) / mean).toBeGreaterThan(1.025);
    expect((uw[h]! + lightest) / mean).toBeCloseTo(1.0335, 3);
    // so every plan leaves at least the beat of unit h outside the band, at h + its lightest neighbour or more, or at h alone
    expect(Math.max(...contiguityFloor(q, uw, mean, 0.025))).toBeCloseTo((uw[h]! + lightest) / mean - 1, 12);
    for (const seed of [1, 2]) {
      const { plan } = planBeats(grid, workload, { beats: 30, seed, units });
      const m = evaluatePlan(grid, plan, workload);
      const loads = Float64Array.from(m.perBeat, (b) => b.workload);
      const hb = plan.beatOfCell[units.unitOfCell.indexOf(h)]!;
      expect(beatsOutsideBand(loads, 0.025)).toContain(hb);
      const r = loads[hb]! / m.workload.mean;
      expect(r <= uw[h]! / mean + 1e-9 || r >= (uw[h]! + lightest) / mean - 1e-9).toBe(true);
    }
  });

  it('with K = 40 the heaviest block group alone exceeds the band: the plan says so, gives it a beat of its own and names the beats outside the band', () => {
    const { plan, report } = planBeats(grid, workload, { beats: 40, seed: 1, units });
    const m = evaluatePlan(grid, plan, workload);
    const b = report.units!;
    expect(b.heaviestOverMean).toBeGreaterThan(1.025);
    expect(b.reachableTolerance).toBeCloseTo(b.heaviestOverMean - 1, 12);
    expect(report.unmet[0]).toMatch(
      new RegExp(
        `^the band mean × \\(1 ± 0.025\\) is unreachable with these units: unit ${b.heaviestUnit} alone carries ${b.heaviestOverMean.toFixed(3)}× the mean beat workload`,
      ),
    );
    // the bound holds; the heaviest block group's beat carries nothing else
    expect(m.workload.maxOverMean).toBeGreaterThanOrEqual(b.heaviestOverMean - 1e-12);
    const heavyBeat = plan.beatOfCell[units.unitOfCell.indexOf(units.unitIds.indexOf(b.heaviestUnit))]!;
    expect(m.perBeat[heavyBeat]!.workload).toBeCloseTo(b.heaviestUnitWorkload, 9);
    const others = m.perBeat.filter((_, k) => k !== heavyBeat).map((x) => x.workload / m.workload.mean);
    console.log(
      `SF K=40: heaviest unit ${b.heaviestOverMean.toFixed(4)}× mean in a beat of its own; other beats ${Math.min(...others).toFixed(4)}..${Math.max(...others).toFixed(4)}× mean, cv ${m.workload.cv.toFixed(4)}, ${report.outsideBand.length} beats outside ±2.5%`,
    );
    // block groups of 0.5–0.9 of a mean beat are lumpy: the beats left outside the band are named
    expect(report.outsideBand).toEqual(
      beatsOutsideBand(
        Float64Array.from(m.perBeat, (x) => x.workload),
        0.025,
      ).map((k) => plan.beatIds[k]),
    );
    expect(m.contiguity.emptyBeats).toBe(0);
    expect(beatOfUnits(units, plan.beatOfCell).every((x) => x >= 0)).toBe(true);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
  });
});

describe.skipIf(!hasRealdata())('beatplan plan --units on San Francisco (end to end)', () => {
  it('writes plan.json with cells.unit, cells.csv with a unit column and the units block of metrics.json; --strict exits 3 on an unreachable band', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-units-'));
    const blockGroups = realdata('sanfrancisco', 'sf_crime_blockgroups_jul_dec2012.geojson');
    const args = [
      'plan',
      '--boundary',
      blockGroups,
      '--incidents',
      realdata('sanfrancisco', 'sf_cartheft_july2012.geojson'),
      '--date-only',
      'noon',
      '--resolution',
      '9',
      '--units',
      `${blockGroups}:GEO_ID`,
    ];
    const run = captureIo();
    const code = await runCli([...args, '--beats', '12', '--out', join(dir, 'a')], run.io);
    expect(run.err).not.toMatch(/error/i);
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'a', 'plan.json'), 'utf8'));
    expect(json.cells.unit.length).toBe(json.cells.h3.length);
    expect(Math.max(...json.cells.unit)).toBe(json.units.ids.length - 1);
    // every unit's cells share one beat, in the file
    const beatOfUnit = new Map<number, number>();
    json.cells.unit.forEach((u: number, k: number) => {
      expect(beatOfUnit.get(u) ?? json.cells.beat[k]).toBe(json.cells.beat[k]);
      beatOfUnit.set(u, json.cells.beat[k]);
    });
    const back = planFromJson(json);
    expect(back.plan.units!.unitIds).toEqual(json.units.ids);
    const metrics = JSON.parse(readFileSync(join(dir, 'a', 'metrics.json'), 'utf8'));
    expect(metrics.units.count).toBe(json.units.ids.length);
    expect(metrics.units.features).toBe(579);
    expect(metrics.units.mergedUnits).toBe(metrics.units.merged.length);
    expect(metrics.units.count + metrics.units.mergedUnits).toBe(
      579 + metrics.units.split.reduce((s: number, x: { newUnits: string[] }) => s + x.newUnits.length, 0),
    );
    expect(metrics.units.heaviestOverMean).toBeGreaterThan(0);
    expect(metrics.contiguity.nonContiguousBeats).toBe(0);
    expect(run.out).toMatch(
      new RegExp(`units: ${metrics.units.count} units from 579 features \\(${metrics.units.mergedUnits} merged into a neighbour`),
    );
    const csv = readFileSync(join(dir, 'a', 'cells.csv'), 'utf8').split('\n');
    expect(csv[0]!.split(',').slice(0, 3)).toEqual(['h3', 'beat', 'unit']);
    expect(csv[1]!.split(',')[2]).toBe(json.units.ids[json.cells.unit[0]]);
    // a re-plan from this plan (--from, no --units) stays on its units
    const again = captureIo();
    expect(
      await runCli(
        [...args.slice(0, -2), '--from', join(dir, 'a', 'plan.json'), '--start-from-existing', '--out', join(dir, 'c')],
        again.io,
      ),
    ).toBe(0);
    const json2 = JSON.parse(readFileSync(join(dir, 'c', 'plan.json'), 'utf8'));
    expect(json2.units.ids).toEqual(json.units.ids);
    expect(json2.cells.unit).toEqual(json.cells.unit);
    // TRACT is shared by the block groups of a tract: not an id, refused naming the features (exit 2)
    const dup = captureIo();
    expect(await runCli([...args.slice(0, -2), '--units', `${blockGroups}:TRACT`, '--beats', '12', '--out', join(dir, 'd')], dup.io)).toBe(
      2,
    );
    expect(dup.err).toMatch(/BAD_INPUT: unit id "\d+" is used by features \d+ and \d+; unit ids must be unique/);
    expect(dup.err).toMatch(/sf_crime_blockgroups_jul_dec2012\.geojson/);
    // K = 200 beats on ~500 units: single block groups exceed the band; said, and exit 3 under --strict
    const strict = captureIo();
    expect(await runCli([...args, '--beats', '200', '--strict', '--out', join(dir, 'b')], strict.io)).toBe(3);
    expect(strict.err).toMatch(
      /warning: the band mean × \(1 ± 0.025\) is unreachable with these units: unit \S+ alone carries [\d.]+× the mean beat workload/,
    );
    const m2 = JSON.parse(readFileSync(join(dir, 'b', 'metrics.json'), 'utf8'));
    expect(m2.units.reachableTolerance).toBeGreaterThan(0.025);
    expect(m2.warnings.some((w: string) => w.startsWith('the band mean × (1 ± 0.025) is unreachable'))).toBe(true);
  }, 120_000);
});
