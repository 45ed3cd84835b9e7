/**
 * planOnContext, the one planning use-case behind `beatplan plan` and `POST /plans`, on the
 * golden "lakeside" fixture: the default beat count, a balanced plan, determinism, the output
 * folder's documents (which never change the plan), an import, and a re-plan from the plan's own
 * beats as the current layer (ids inherited, nothing moved under a zero change budget).
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LoadedCity, loadCity } from '../io/load-city.js';
import { readRoster } from '../io/read-roster.js';
import { parseShifts } from '../score/index.js';
import { type PlanContext, planContextOfCity } from './plan.js';
import { DEFAULT_BEAT_WORKLOAD_HOURS, type PlanRequest, planOnContext, predecessorBeatCount } from './plan-use-case.js';
import { staffPlan, whatIfOnPlan } from './staff.js';
import { loadPlanJson } from './stored-plan.js';

const input = (f: string) => fileURLToPath(new URL(`../golden/fixtures/lakeside/in/${f}`, import.meta.url));
const options = { tolerance: 0.1, seed: 7 };
/** The request `beatplan plan` makes: the output folder's documents, on a fixed clock. */
const cli = (o: Partial<PlanRequest['options']> = {}, rest: Partial<PlanRequest> = {}): PlanRequest => ({
  options: { ...options, ...o },
  inputs: {},
  documents: { startedAt: 0 },
  now: () => 0,
  ...rest,
});

let city: LoadedCity;
let ctx: PlanContext;
beforeAll(async () => {
  city = await loadCity({
    boundary: { source: input('boundary.geojson') },
    incidents: { source: input('incidents.csv') },
    resolution: 9,
    score: { shifts: parseShifts('0-8,8-16,16-24') },
  });
  ctx = planContextOfCity(city);
});

describe('predecessorBeatCount', () => {
  it('takes --beats, else the distinct current beat ids', () => {
    expect(predecessorBeatCount(5, undefined, { ids: ['a'] })).toBe(5);
    expect(predecessorBeatCount(undefined, undefined, { ids: ['a', 'b', 'b'] })).toBe(2);
    expect(predecessorBeatCount(undefined, undefined, undefined)).toBeUndefined();
  });
});

describe('planOnContext (lakeside fixture)', () => {
  it('defaults K to the workload ÷ 100.8 officer-hours (at most one beat per 20 cells)', () => {
    const r = planOnContext(ctx, cli());
    const expected = Math.max(
      1,
      Math.min(Math.round(city.score.report.totalWorkloadHours / DEFAULT_BEAT_WORKLOAD_HOURS), Math.floor(city.grid.cellCount / 20)),
    );
    expect(r.beats).toBe(expected);
    expect(r.plan.beatIds).toHaveLength(expected);
  });

  it('plans K balanced beats covering every cell, the same bytes on every run', () => {
    const a = planOnContext(ctx, cli({ beats: 4 }));
    const b = planOnContext(ctx, cli({ beats: 4 }));
    expect(a.plan.beatIds).toHaveLength(4);
    expect(a.metrics.unassignedCells).toBe(0);
    expect(a.metrics.contiguity.nonContiguousBeats).toBe(0);
    expect(a.metrics.workload.maxOverMean).toBeLessThanOrEqual(1 + 0.1 + 1e-9);
    expect(a.documents!.unmet).toEqual([]);
    expect(a.planJson).toBe(b.planJson);
    expect(a.documents!.cellsCsv).toBe(b.documents!.cellsCsv);
    expect(a.documents!.existing).toBeUndefined();
    expect(a.lineage).toBeUndefined();
  });

  it("the documents (the CLI's output folder) never change the plan: the API's request gives the same plan.json", () => {
    const folder = planOnContext(ctx, cli({ beats: 4 }, { inputs: undefined }));
    const stored = planOnContext(ctx, { options: { ...options, beats: 4 } });
    expect(stored.documents).toBeUndefined();
    expect(stored.planJson).toBe(folder.planJson);
    expect(stored.report).toEqual(folder.report);
    // the document metrics are the stored metrics plus the figures: the same balance and compactness
    expect(folder.documents!.metrics.workload).toEqual(stored.metrics.workload);
    expect(folder.documents!.metrics.compactness).toEqual(stored.metrics.compactness);
    expect((folder.documents!.metrics.response as { staffingRule: string }).staffingRule).toMatch(/^officers required by the time model/);
    // provenance and method are recorded as the caller gives them
    const api = JSON.parse(planOnContext(ctx, { method: 'plan', options: { ...options, beats: 4 } }).planJson).extra;
    const cliExtra = JSON.parse(folder.planJson).extra;
    expect(api.method).toBe('plan');
    expect(cliExtra.method).toBeUndefined();
    expect(Object.keys(api).filter((k) => k !== 'method')).toEqual(Object.keys(cliExtra));
  });

  it('property: for any K, seed and balance measure, the CLI request and the API request make the same plan.json', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom('total', 'shift:16-24', 'mix:1,0.5'),
        (beats, seed, balance) => {
          const o = { beats, seed, balance, tolerance: 0.1 };
          const folder = planOnContext(ctx, cli(o, { inputs: undefined }));
          const stored = planOnContext(ctx, { options: o });
          expect(stored.planJson).toBe(folder.planJson);
          expect(folder.documents!.metrics.workload).toEqual(stored.metrics.workload);
          // the plan's own beats imported back are the plan, cell for cell
          const back = planOnContext(ctx, {
            method: 'import',
            options: { balance, tolerance: 0.1 },
            existing: {
              fc: folder.documents!.beatsGeojson as FeatureCollection<Polygon | MultiPolygon>,
              ids: folder.plan.beatIds.slice(),
              fileName: 'beats.geojson',
              sha256: null,
            },
          });
          expect(Array.from(back.plan.beatOfCell)).toEqual(Array.from(folder.plan.beatOfCell));
          expect(back.metrics.workload).toEqual(stored.metrics.workload);
        },
      ),
      { numRuns: 6, seed: 15 },
    );
  });

  it('imports the current beats as the plan (no districting; report null), and refuses an import without them', () => {
    const first = planOnContext(ctx, cli({ beats: 4 }));
    const fc = first.documents!.beatsGeojson as FeatureCollection<Polygon | MultiPolygon>;
    const r = planOnContext(ctx, {
      method: 'import',
      options: {},
      existing: { fc, ids: first.plan.beatIds.slice(), fileName: 'beats.geojson', sha256: null },
    });
    expect(r.report).toBeNull();
    expect(r.plan.beatIds).toEqual(first.plan.beatIds);
    expect(Array.from(r.plan.beatOfCell)).toEqual(Array.from(first.plan.beatOfCell));
    expect(JSON.parse(r.planJson).extra).toMatchObject({ method: 'import', report: null });
    expect(() => planOnContext(ctx, { method: 'import', options: {} })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('re-plans from the current beats: K from the layer, ids inherited, nothing moved with a zero budget', () => {
    const first = planOnContext(ctx, cli({ beats: 4 }));
    const fc = first.documents!.beatsGeojson as FeatureCollection<Polygon | MultiPolygon>;
    const ids = first.plan.beatIds.slice();
    const r = planOnContext(
      ctx,
      cli({ startFromExisting: true, maxChange: 0 }, { existing: { fc, ids, fileName: 'beats.geojson', sha256: null } }),
    );
    expect(r.beats).toBe(4);
    expect(r.notCountedInK).toEqual([]);
    expect(r.planReport?.change?.movedWorkloadShare).toBe(0);
    expect([...r.plan.beatIds].sort()).toEqual([...ids].sort());
    expect(r.lineage?.beats.every((b) => b.inherited)).toBe(true);
    expect(r.documents!.existing?.metrics.beats).toBe(4);
    // the current beats imported on the same grid are the plan: no cell changed beat
    expect(r.documents!.existing!.comparison.changedCells.count).toBe(0);
  });
});

/** A staffing.json without its timings (`timeMs`, `timingsMs`), which differ between runs. */
const untimed = (json: unknown) => JSON.parse(JSON.stringify(json, (k, v) => (k === 'timeMs' || k === 'timingsMs' ? undefined : v)));

describe('staffPlan and whatIfOnPlan (lakeside fixture): one staff use-case for `beatplan staff` and the API', () => {
  it("staffs every beat; the figures (the CLI's staffing.json) add response and access, never change the staffing", async () => {
    const planned = loadPlanJson(planOnContext(ctx, cli({ beats: 4 })).planJson);
    const roster = await readRoster(input('roster.csv'));
    const withFigures = await staffPlan(planned, roster, { figures: {} });
    const plain = await staffPlan(planned, roster);
    expect(withFigures.result.beats.map((b) => b.id).sort()).toEqual([...planned.plan.beatIds].sort());
    // every beat gets at least the default one officer per shift when the roster allows it
    if (withFigures.result.unfilled.length === 0)
      for (const b of withFigures.result.beats) for (const s of b.shifts) expect(s.allocated).toBeGreaterThanOrEqual(1);
    expect(withFigures.result.totals.assigned).toBeLessThanOrEqual(roster.officers.filter((o) => o.available).length);
    expect((withFigures.staffingJson.beatFigures as unknown[]).length).toBe(4);
    expect(withFigures.staffingJson.roster).toBe(roster.report);
    const { response: _r, access: _a, beatFigures: _b, ...rest } = withFigures.staffingJson;
    expect(untimed(rest)).toEqual(untimed(plain.staffingJson));
    expect(plain.staffingJson).not.toHaveProperty('response');
  });

  it('the what-if is staffPlan on the request with the scenario: its baseline and scenario are those two calls', async () => {
    const planned = loadPlanJson(planOnContext(ctx, cli({ beats: 4 })).planJson);
    const roster = await readRoster(input('roster.csv'));
    const scenario = { officersOut: [{ shift: '16-24', count: 2 }], seed: 3 };
    const w = await whatIfOnPlan(planned, roster, scenario);
    expect(untimed(w.baseline.staffingJson)).toEqual(untimed((await staffPlan(planned, roster)).staffingJson));
    expect(untimed(w.scenario!.staffingJson)).toEqual(untimed((await staffPlan(planned, roster, { scenario })).staffingJson));
    expect(w.json.scenario).toEqual({ officersOut: scenario.officersOut, area: null, seed: 3 });
    expect(w.json.infeasible).toBeNull();
    const shift = (w.json.diff as { shifts: Array<{ shift: string; headcountDelta: number }> }).shifts.find((x) => x.shift === '16-24');
    expect(shift?.headcountDelta).toBe(-2);
    const response = w.json.response as { before: { staffingRule: string }; after: { staffingRule: string } };
    expect(response.before.staffingRule).toBe('allocated officers (baseline staffing)');
    expect(response.after.staffingRule).toBe('allocated officers (what-if staffing)');
    // every available officer of the shift out: fewer than the beats need, reported, not thrown
    const none = await whatIfOnPlan(planned, roster, { officersOut: [{ shift: '16-24', count: 9 }] });
    expect(none.scenario).toBeNull();
    expect(none.json.infeasible).toMatch(/16-24/);
    expect(none.json.diff).toBeNull();
  });
});
