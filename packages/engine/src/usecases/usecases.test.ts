/**
 * The use-cases the CLI and the API share, on Chicago's files (the 22 police districts as the
 * current beats, the 2015 crime slice, resolution 9) and as properties on any input.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { BeatplanError } from '../errors.js';
import { cellEdgeLengthKm, cellsToPolygons, coarseCellsOf } from '../grid/index.js';
import { shiftLengthHours } from '../score/shifts.js';
import { allocatedOfficersOf } from '../staff/staffing-json.js';
import { DEFAULT_MIN_OFFICERS_PER_BEAT, DEFAULT_OFFICER_HOURS_PER_WEEK, DEFAULT_SATURATION_TARGET } from '../staff/time-model.js';
import { lookupBeat, moveOnPlan, setLocked } from './edit.js';
import { buildContext, planOnFiles, readIdPolygons, scoredCellsOfCsv, staffPlanFromFiles } from './files.js';
import { contextCellsCsv, type PlanContext, parseBalance, rebalancePlan } from './plan.js';
import { planOnContext } from './plan-use-case.js';
import { planResponse, REQUIRED_OFFICERS_RULE, requiredOfficersRule, requiredUnits, whatIfUnits } from './response.js';
import { allocatedUnitsOf } from './staff.js';
import { evaluateLoadedPlan, type LoadedPlan, lineageSummary, loadPlanJson } from './stored-plan.js';
import { comparePlanPair, incidentBinsOf, planCellsJson, publicWorkload } from './views.js';

describe('time-model rule text', () => {
  it('is built from the time model constants, and reads as before', () => {
    expect(REQUIRED_OFFICERS_RULE).toBe('officers required by the time model (36 h/week, saturation 0.6, min 1 per beat per shift)');
    expect(REQUIRED_OFFICERS_RULE).toContain(`${DEFAULT_OFFICER_HOURS_PER_WEEK} h/week`);
    expect(REQUIRED_OFFICERS_RULE).toContain(`saturation ${DEFAULT_SATURATION_TARGET}`);
    expect(REQUIRED_OFFICERS_RULE).toContain(`min ${DEFAULT_MIN_OFFICERS_PER_BEAT} per beat`);
    expect(requiredOfficersRule(0.5, 2)).toContain('saturation 0.5, min 2 per beat');
  });
});

describe('parseBalance', () => {
  it('reads total, shift:ID and mix:W,N and names the field on a bad value', () => {
    expect(parseBalance(undefined, ['a'])).toBe('total');
    expect(parseBalance('shift:16-24', ['0-8', '8-16', '16-24'])).toEqual({ shift: 2 });
    expect(parseBalance('mix:1,0.5', [])).toEqual({ mix: { workload: 1, need: 0.5 } });
    for (const bad of ['shift:9-17', 'median', 'mix:1']) {
      try {
        parseBalance(bad, ['0-8'], 'balance');
        expect.unreachable(bad);
      } catch (e) {
        expect((e as BeatplanError).code).toBe('BAD_INPUT');
        expect((e as BeatplanError).details.field).toBe('balance');
      }
    }
  });
});

describe('coarse cells: one meaning (H3 parents)', () => {
  const cellArb = fc
    .record({
      lat: fc.double({ min: -70, max: 70, noNaN: true }),
      lng: fc.double({ min: -179, max: 179, noNaN: true }),
      res: fc.integer({ min: 5, max: 11 }),
      k: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ lat, lng, res, k }) => gridDisk(latLngToCell(lat, lng, res), k));

  it('every cell maps to its cellToParent; the parents are distinct and in first-appearance order', () => {
    fc.assert(
      fc.property(cellArb, fc.integer({ min: 0, max: 4 }), (cells, up) => {
        const r = Math.max(0, 5 - up);
        const c = coarseCellsOf(cells, r);
        expect(new Set(c.h3).size).toBe(c.h3.length);
        cells.forEach((h, i) => expect(c.h3[c.parentOf[i]!]).toBe(cellToParent(h, r)));
        const firsts = c.h3.map((p) => cells.findIndex((h) => cellToParent(h, r) === p));
        expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('a cell at or coarser than the resolution is its own coarse cell; a bad resolution is BAD_INPUT', () => {
    const h = latLngToCell(41.88, -87.63, 7);
    expect(coarseCellsOf([h], 9).h3).toEqual([h]);
    expect(() => coarseCellsOf([h], 16)).toThrow(BeatplanError);
  });

  it('edge length is h3-js getHexagonEdgeLengthAvg (km), decreasing with resolution', () => {
    for (let r = 0; r <= 15; r++) expect(cellEdgeLengthKm(r)).toBe(getHexagonEdgeLengthAvg(r, UNITS.km));
    for (let r = 1; r <= 15; r++) expect(cellEdgeLengthKm(r)).toBeLessThan(cellEdgeLengthKm(r - 1));
  });
});

describe.skipIf(!hasRealdata())('use-cases on Chicago (districts as current beats, 2015 crimes, resolution 9)', () => {
  let ctx: PlanContext;
  let imported: LoadedPlan;
  let importedJson: string;
  let plannedJson: string;
  let planned: LoadedPlan;
  const file = (name: string) => ({ path: realdata('chicago', name), fileName: name });
  const districts = { ...file('police_districts.geojson'), idField: 'dist_num' };

  beforeAll(async () => {
    ctx = await buildContext({
      boundary: file('police_beats.geojson'),
      incidents: { ...file('crimes_2015_jan23_feb08_10k.csv'), read: {} },
      resolution: 9,
    });
    const imp = await planOnFiles(ctx, 'import', {}, districts);
    importedJson = imp.planJson;
    imported = loadPlanJson(importedJson, ctx.grid);
    const p = await planOnFiles(ctx, 'plan', { seed: 1, startFromExisting: true, maxChange: 0.2 }, undefined, undefined, {
      planJson: importedJson,
      name: 'districts as a plan',
    });
    plannedJson = p.planJson;
    planned = loadPlanJson(plannedJson, ctx.grid);
  }, 240_000);

  it('buildContext: the grid and scores of the files; cells.csv reads back with the engine CSV reader', async () => {
    expect(ctx.grid.resolution).toBe(9);
    expect(ctx.grid.cellCount).toBeGreaterThan(5000);
    expect(ctx.ingest.used).toBeGreaterThan(9000);
    const back = await scoredCellsOfCsv(contextCellsCsv(ctx));
    expect(back.grid.cellCount).toBe(ctx.grid.cellCount);
    let total = 0;
    let backTotal = 0;
    for (let i = 0; i < ctx.grid.cellCount; i++) total += ctx.scores.workloadHours[i]!;
    for (let i = 0; i < back.grid.cellCount; i++) backTotal += back.workload[i]!;
    expect(backTotal).toBeCloseTo(total, 0);
  });

  it('import: the 22 districts as a plan, evaluated on the same grid; metrics read back equal', () => {
    expect(imported.plan.beatIds.length).toBe(22);
    expect(imported.extra.method).toBe('import');
    const m = evaluateLoadedPlan(imported);
    expect(m.beats).toBe(22);
    expect(m.unassignedCells).toBe(0);
  });

  it('plan from a parent: the lineage inherits the parent ids; the change budget holds', () => {
    const l = lineageSummary(plannedJson)!;
    expect(l.parent).toMatchObject({ kind: 'plan', name: 'districts as a plan', beats: 22 });
    expect(l.inheritedBeats).toBe(22);
    expect(new Set(planned.plan.beatIds)).toEqual(new Set(imported.plan.beatIds));
    const cmp = comparePlanPair(imported, plannedJson);
    expect(cmp.changedCells.count).toBeGreaterThan(0);
    expect(cmp.changedCells.cells.every((h) => ctx.grid.indexOf(h) >= 0)).toBe(true);
    const before = evaluateLoadedPlan(imported).workload.maxOverMean;
    const after = evaluateLoadedPlan(planned).workload.maxOverMean;
    expect(after).toBeLessThan(before);
    expect(comparePlanPair(planned, plannedJson).changedCells.count).toBe(0);
  });

  it('districts nest beats (PlanRequest.districts) and the balance measure is recorded', async () => {
    const d = await readIdPolygons(districts);
    const r = planOnContext(ctx, { method: 'plan', options: { beats: 44, seed: 1, timeLimitMs: 20_000 }, districts: d });
    const p = loadPlanJson(r.planJson, ctx.grid);
    expect(p.extra.balanceOn).toBe('total');
    const night = loadPlanJson(
      planOnContext(ctx, { method: 'plan', options: { beats: 22, seed: 1, balance: 'shift:16-24', timeLimitMs: 20_000 } }).planJson,
      ctx.grid,
    );
    expect(night.extra.balanceOn).toEqual({ shift: 2 });
    expect(p.plan.districtIds?.length).toBe(22);
    // every cell inside a district polygon lies in a beat of that district
    const districtOfCell = cellsToPolygons(ctx.grid, d.fc);
    let checked = 0;
    for (let i = 0; i < ctx.grid.cellCount; i++) {
      const b = p.plan.beatOfCell[i]!;
      const dist = districtOfCell[i]!;
      if (b < 0 || dist < 0) continue;
      expect(p.plan.districtOfBeat![b]).toBe(dist);
      checked++;
    }
    expect(checked).toBeGreaterThan(0.95 * ctx.grid.cellCount);
  }, 120_000);

  it('edits: a move changes one cell and keeps the metrics honest; lock; lookup', () => {
    // a cell on the boundary of two beats, moved into its neighbour
    const { adjOffsets, adjTargets } = ctx.grid;
    let done = false;
    for (let i = 0; i < ctx.grid.cellCount && !done; i++) {
      const b = planned.plan.beatOfCell[i]!;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]! && !done; e++) {
        const c = planned.plan.beatOfCell[adjTargets[e]!]!;
        if (c < 0 || c === b) continue;
        try {
          const r = moveOnPlan(planned, [ctx.grid.h3[i]!], planned.plan.beatIds[c]!);
          const after = loadPlanJson(r.planJson, ctx.grid);
          expect(r.moved).toBe(1);
          expect(after.plan.beatOfCell[i]).toBe(c);
          const { timingsMs: _a, ...m } = r.metrics;
          const { timingsMs: _b, ...again } = evaluateLoadedPlan(after);
          expect(m).toEqual(again);
          done = true;
        } catch (err) {
          expect((err as BeatplanError).code).toBe('MOVE_REJECTED');
        }
      }
    }
    expect(done).toBe(true);
    const locked = loadPlanJson(setLocked(planned, [planned.plan.beatIds[0]!], true).planJson, ctx.grid);
    expect(locked.plan.locked[0]).toBe(1);
    expect(() => setLocked(planned, ['nope'], true)).toThrow(BeatplanError);
    const [lat, lng] = cellToLatLng(ctx.grid.h3[100]!);
    expect(lookupBeat(planned, lng, lat)).toEqual({ beat: planned.plan.beatIds[planned.plan.beatOfCell[100]!], cell: ctx.grid.h3[100] });
    expect(lookupBeat(planned, 0, 0)).toBeNull();
  });

  it('re-plan keeps locked beats and K; response figures under the time model', () => {
    const lockedJson = setLocked(planned, [planned.plan.beatIds[0]!], true).planJson;
    const r = rebalancePlan(lockedJson, { seed: 2, timeLimitMs: 10_000 });
    const after = loadPlanJson(r.planJson, ctx.grid);
    expect(r.report.locked).toEqual([planned.plan.beatIds[0]]);
    expect(after.plan.beatIds.length).toBe(22);
    for (let i = 0; i < ctx.grid.cellCount; i++) if (planned.plan.beatOfCell[i] === 0) expect(after.plan.beatOfCell[i]).toBe(0);
    const units = requiredUnits(planned);
    expect(units.length).toBe(3);
    for (const row of units) for (const n of row) expect(n).toBeGreaterThanOrEqual(1);
    const fig = planResponse(planned, units, REQUIRED_OFFICERS_RULE);
    expect(fig.staffingRule).toBe(REQUIRED_OFFICERS_RULE);
    expect(fig.unitsByShift).toEqual(units.map((u) => Array.from(u)));
    expect(fig.city.meanTravelMinutes).toBeGreaterThan(0);
    const w = whatIfUnits(planned, { saturationTarget: 0.5, units: [{ beat: planned.plan.beatIds[0]!, shift: '0-8', officers: 9 }] });
    expect(w.units[0]![0]).toBe(9);
    expect(w.rule).toContain('saturation 0.5');
  }, 120_000);

  it('public views: cells as JSON with pooled workload; heat bins keep every incident', () => {
    const cells = planCellsJson(plannedJson);
    expect(cells.rows.length).toBe(ctx.grid.cellCount);
    expect(cells.columns.slice(0, 4)).toEqual(['h3', 'beat', 'workload', 'need']);
    const bins = incidentBinsOf({ h3: ctx.grid.h3, scores: planned.scores }, 5);
    expect(bins.total).toBe(Array.from(planned.scores.incidentCount).reduce((a, b) => a + b, 0));
    const pub = publicWorkload({ h3: ctx.grid.h3, scores: planned.scores }, 5);
    const publicCells = planCellsJson(plannedJson, bins);
    expect(publicCells.columns).not.toContain('incidents');
    publicCells.rows.forEach((row, i) => expect(row[2]).toBe(Number.isNaN(pub[i]!) ? null : pub[i]));
  });

  it('staffing from a roster file: every beat gets the minimum, officers follow their district', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'usecases-'));
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let k = 0;
    for (const shift of ['0-8', '8-16', '16-24'])
      for (const id of imported.plan.beatIds) for (let n = 0; n < 6; n++) lines.push(`P${++k},Officer ${k},${shift},PO,${id},,true`);
    writeFileSync(join(dir, 'roster.csv'), lines.join('\n'));
    const s = (await staffPlanFromFiles(plannedJson, { path: join(dir, 'roster.csv'), fileName: 'roster.csv' }, undefined, {
      minOfficersPerBeat: 2,
    })) as {
      beats: Array<{ id: string; shifts: Array<{ required: number; allocated: number }> }>;
      continuity: { percent: number; basis: string };
    };
    expect(s.beats.length).toBe(22);
    for (const b of s.beats) for (const sh of b.shifts) expect(sh.required).toBeGreaterThanOrEqual(2);
    // read against the parent (the districts), most officers keep the successor of their district
    expect(s.continuity.percent).toBeGreaterThan(50);
    expect(readFileSync(join(dir, 'roster.csv'), 'utf8').split('\n').length).toBe(k + 1);
    const units = allocatedUnitsOf({ beats: s.beats } as never, planned.plan.beatIds, 3);
    expect(units[0]!.length).toBe(22);
  }, 120_000);
});

describe('one response shape for the CLI and the API', () => {
  it("the API's planResponse on the golden lakeside plan with its staffing's officers is staffing.json's response (the CLI's bytes) plus the per-beat figures and units", () => {
    const dir = new URL('../golden/fixtures/lakeside/expected/', import.meta.url);
    const p = loadPlanJson(readFileSync(new URL('plan.json', dir), 'utf8'));
    const staffing = JSON.parse(readFileSync(new URL('staffing.json', dir), 'utf8'));
    const shiftIds = p.scores.shifts.map((s) => s.id);
    const officers = allocatedOfficersOf(staffing, p.plan.beatIds, shiftIds, 'staffing.json');
    const api = planResponse(p, officers, staffing.response.staffingRule);
    const { timingsMs, unitsOnDutyByShift, beats, unitsByShift, ...shared } = api;
    // the golden files leave timings out; every other field is the CLI's, value for value
    expect(timingsMs.total).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(JSON.stringify(shared))).toEqual(staffing.response);
    expect(Object.keys(shared)).toEqual(Object.keys(staffing.response));
    // what the API adds: per beat, and the units by the time model (officers × 36 h ÷ shift hours per week)
    expect(beats.map((b) => b.id)).toEqual(p.plan.beatIds);
    expect(unitsByShift).toEqual(officers);
    unitsOnDutyByShift.forEach((row, s) =>
      row.forEach((u, b) => expect(u).toBeCloseTo((officers[s]![b]! * 36) / (7 * shiftLengthHours(p.scores.shifts[s]!)), 9)),
    );
  });
});
