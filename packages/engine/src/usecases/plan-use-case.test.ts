/**
 * planCity, the use-case behind `beatplan plan`, on the golden "lakeside" fixture: the default
 * beat count, a balanced plan, determinism, and a re-plan from the plan's own beats as the
 * current layer (ids inherited, nothing moved under a zero change budget).
 */
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadedCity, loadCity } from '../io/load-city.js';
import { readRoster } from '../io/read-roster.js';
import { parseShifts } from '../score/index.js';
import { DEFAULT_BEAT_WORKLOAD_HOURS, planCity, predecessorBeatCount } from './plan-city.js';
import { staffPlanWithFigures } from './staff.js';
import { loadPlanJson } from './stored-plan.js';

const input = (f: string) => fileURLToPath(new URL(`../golden/fixtures/lakeside/in/${f}`, import.meta.url));
const base = { tolerance: 0.1, seed: 7, inputs: {}, now: () => 0, startedAt: 0 };

let city: LoadedCity;
beforeAll(async () => {
  city = await loadCity({
    boundary: { source: input('boundary.geojson') },
    incidents: { source: input('incidents.csv') },
    resolution: 9,
    score: { shifts: parseShifts('0-8,8-16,16-24') },
  });
});

describe('predecessorBeatCount', () => {
  it('takes --beats, else the distinct current beat ids', () => {
    expect(predecessorBeatCount(5, undefined, { ids: ['a'] })).toBe(5);
    expect(predecessorBeatCount(undefined, undefined, { ids: ['a', 'b', 'b'] })).toBe(2);
    expect(predecessorBeatCount(undefined, undefined, undefined)).toBeUndefined();
  });
});

describe('planCity (lakeside fixture)', () => {
  it('defaults K to the workload ÷ 100.8 officer-hours (at most one beat per 20 cells)', () => {
    const r = planCity(city, base);
    const expected = Math.max(
      1,
      Math.min(Math.round(city.score.report.totalWorkloadHours / DEFAULT_BEAT_WORKLOAD_HOURS), Math.floor(city.grid.cellCount / 20)),
    );
    expect(r.beats).toBe(expected);
    expect(r.plan.beatIds).toHaveLength(expected);
  });

  it('plans K balanced beats covering every cell, the same bytes on every run', () => {
    const a = planCity(city, { ...base, beats: 4 });
    const b = planCity(city, { ...base, beats: 4 });
    expect(a.plan.beatIds).toHaveLength(4);
    expect(a.metrics.unassignedCells).toBe(0);
    expect(a.metrics.contiguity.nonContiguousBeats).toBe(0);
    expect(a.metrics.workload.maxOverMean).toBeLessThanOrEqual(1 + 0.1 + 1e-9);
    expect(a.unmet).toEqual([]);
    expect(JSON.stringify(a.planJson)).toBe(JSON.stringify(b.planJson));
    expect(a.cellsCsv).toBe(b.cellsCsv);
    expect(a.existing).toBeUndefined();
    expect(a.lineage).toBeUndefined();
  });

  it('re-plans from the current beats: K from the layer, ids inherited, nothing moved with a zero budget', () => {
    const first = planCity(city, { ...base, beats: 4 });
    const fc = first.beatsGeojson as FeatureCollection<Polygon | MultiPolygon>;
    const ids = first.plan.beatIds.slice();
    const r = planCity(city, {
      ...base,
      existing: { fc, ids, fileName: 'beats.geojson', sha256: null },
      startFromExisting: true,
      maxChange: 0,
    });
    expect(r.beats).toBe(4);
    expect(r.notCountedInK).toEqual([]);
    expect(r.report.change?.movedWorkloadShare).toBe(0);
    expect([...r.plan.beatIds].sort()).toEqual([...ids].sort());
    expect(r.lineage?.beats.every((b) => b.inherited)).toBe(true);
    expect(r.existing?.metrics.beats).toBe(4);
    // the current beats imported on the same grid are the plan: no cell changed beat
    expect(r.existing!.comparison.changedCells.count).toBe(0);
  });
});

describe('staffPlanWithFigures (lakeside fixture), the use-case behind `beatplan staff`', () => {
  it('staffs every beat of the plan and reports the what-if with one shift short of 2 officers', async () => {
    const planned = planCity(city, { ...base, beats: 4 });
    const roster = await readRoster(input('roster.csv'));
    const r = await staffPlanWithFigures(loadPlanJson(JSON.stringify(planned.planJson)), roster, {
      officersOut: [{ shift: '16-24', count: 2 }],
    });
    expect(r.result.beats.map((b) => b.id).sort()).toEqual([...planned.plan.beatIds].sort());
    // every beat gets at least the default one officer per shift when the roster allows it
    if (r.result.unfilled.length === 0)
      for (const b of r.result.beats) for (const s of b.shifts) expect(s.allocated).toBeGreaterThanOrEqual(1);
    expect(r.result.totals.assigned).toBeLessThanOrEqual(roster.officers.filter((o) => o.available).length);
    expect((r.staffingJson.beatFigures as unknown[]).length).toBe(4);
    expect(r.staffingJson.roster).toBe(roster.report);
    expect(r.whatIf?.scenario).toEqual({ officersOut: [{ shift: '16-24', count: 2 }] });
  });
});
