/**
 * The plan and staffing options the CLI has, through the API: balance measure, districts,
 * atomic units, locked beats; fleet, saturation target, minimum officers and skills. Each is
 * checked on its outcome (the plan nests beats in districts and keeps units whole; staffing
 * meets the minimum and the saturation target, assigns vehicles, names needed skills), and a
 * bad reference is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOX,
  createPlan,
  type Harness,
  loadedPlan,
  removeDir,
  startHarness,
  twoBeats,
  uploadBasics,
  waitForJob,
} from '../testing/harness.js';

let h: Harness;
let data: { boundary: string; incidents: string };
let districts: string;
let units: string;
beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
  const upload = async (path: string, body: string, type: string, role: 'analyst' | 'commander' = 'analyst') => {
    const r = await h.http.post(`/api/v1/datasets/${path}`).set(h.auth(role)).set('Content-Type', type).send(body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; info: Record<string, unknown> };
  };
  districts = (await upload('beats?idField=beat', JSON.stringify(twoBeats()), 'application/geo+json')).id;
  // Four quadrant units with ids in `uid`.
  const { west: w, south: s, east: e, north: n } = BOX;
  const [mx, my] = [(w + e) / 2, (s + n) / 2];
  const box = (a: number, b: number, c: number, d: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [a, b],
        [c, b],
        [c, d],
        [a, d],
        [a, b],
      ],
    ],
  });
  const quads = [box(w, s, mx, my), box(mx, s, e, my), box(w, my, mx, n), box(mx, my, e, n)];
  const u = await upload(
    'units?idField=uid',
    JSON.stringify({
      type: 'FeatureCollection',
      features: quads.map((g, k) => ({ type: 'Feature', properties: { uid: `U${k + 1}` }, geometry: g })),
    }),
    'application/geo+json',
  );
  expect(u.info).toMatchObject({ units: 4, idField: 'uid', features: 4 });
  units = u.id;
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('plan options from the CLI', () => {
  it('balance, districts and units: beats nest in districts, every unit stays in one beat, the balance measure is recorded', async () => {
    const id = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, balance: 'shift:16-24', districts, units });
    const p = await loadedPlan(h, id);
    expect(p.extra.balanceOn).toEqual({ shift: 2 });
    expect(p.plan.districtIds).toEqual(['0101', '0102']);
    // every beat lies in one district, two beats each (K split by workload: 4 → 2 + 2 on an even square)
    const districtOfBeat = Array.from(p.plan.districtOfBeat ?? []);
    expect(districtOfBeat.length).toBe(4);
    expect(new Set(districtOfBeat)).toEqual(new Set([0, 1]));
    // the units are kept whole
    expect(p.plan.units?.unitIds).toEqual(['U1', 'U2', 'U3', 'U4']);
    const beatsOfUnit = new Map<number, Set<number>>();
    for (let i = 0; i < p.grid.cellCount; i++) {
      const u = p.plan.units!.unitOfCell[i]!;
      if (!beatsOfUnit.has(u)) beatsOfUnit.set(u, new Set());
      beatsOfUnit.get(u)!.add(p.plan.beatOfCell[i]!);
    }
    for (const [u, beats] of beatsOfUnit) expect(beats.size, `unit U${u + 1}`).toBe(1);
  });

  it('locked beats of the existing layer are kept exactly; locked without a parent is 400', async () => {
    const existing = districts; // the west/east split, as current beats
    const id = await createPlan(h, { ...data, existing, resolution: 9, seed: 1, startFromExisting: true, locked: ['0101'] });
    const p = await loadedPlan(h, id);
    // 0101 is the west half: kept exactly, every cell west of the middle is still in it and none east of it
    const b = p.plan.beatIds.indexOf('0101');
    expect(b).toBeGreaterThanOrEqual(0);
    expect(p.plan.locked[b]).toBe(1);
    const mid = (BOX.west + BOX.east) / 2;
    const slack = 0.002; // a cell whose centre is within ~150 m of the dividing line may fall either side
    for (let i = 0; i < p.grid.cellCount; i++) {
      if (p.grid.lng[i]! < mid - slack) expect(p.plan.beatOfCell[i]).toBe(b);
      if (p.grid.lng[i]! > mid + slack) expect(p.plan.beatOfCell[i]).not.toBe(b);
    }
    const bad = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, beats: 2, locked: ['0101'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.locked');
  });

  it("the equity lens (the CLI's --areas): per area, plan against the current beats it was made from", async () => {
    const planId = await createPlan(h, { ...data, existing: districts, beats: 3, resolution: 9, seed: 1 });
    const r = await h.http.get(`/api/v1/plans/${planId}/equity?areas=${districts}`).set(h.auth('analyst'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.staffingRule).toContain('required by the time model');
    const ids = (rep: { areas: Array<{ id: string }> }) => rep.areas.map((x) => x.id);
    expect(ids(r.body.plan)).toEqual(['0101', '0102']);
    expect(ids(r.body.existing)).toEqual(['0101', '0102']);
    expect(ids(r.body.change)).toEqual(['0101', '0102']);
    // the areas' cells and reactive hours do not depend on the plan; officer hours do
    type Area = { cells: number; reactiveHours: { hours: number }; officerHours: { hours: number } };
    r.body.plan.areas.forEach((x: Area, k: number) => {
      expect(x.cells).toBe(r.body.existing.areas[k].cells);
      expect(x.reactiveHours.hours).toBeCloseTo(r.body.existing.areas[k].reactiveHours.hours, 6);
      expect(x.officerHours.hours).toBeGreaterThan(0);
    });
    expect((await h.http.get(`/api/v1/plans/${planId}/equity?areas=${districts}`).set(h.auth('viewer'))).status).toBe(403);
    const wrong = await h.http.get(`/api/v1/plans/${planId}/equity?areas=${units}`).set(h.auth('analyst'));
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('query.areas');
  });

  it("incident counts per polygon (the CLI's --incident-counts) add their workload; countsPeriodDays is required with them", async () => {
    // 70 narcotics incidents in each half over 7 days
    const halves = twoBeats() as { features: Array<{ properties: Record<string, unknown> }> };
    halves.features.forEach((f) => (f.properties = { ...f.properties, Drugs: 70 }));
    const up = await h.http
      .post('/api/v1/datasets/counts?columns=Drugs%3DNARCOTICS')
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(halves));
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.info.columns).toEqual([{ field: 'Drugs', type: 'NARCOTICS' }]);
    expect(up.body.info.report).toMatchObject({ used: 2, rejected: 0, totals: [140] });
    const total = async (extra: Record<string, unknown>) => {
      const id = await createPlan(h, { ...data, beats: 2, resolution: 9, seed: 1, ...extra });
      const m = await h.http.get(`/api/v1/plans/${id}/metrics`).set(h.auth('analyst'));
      return m.body.workload.total as number;
    };
    const without = await total({});
    const withCounts = await total({ incidentCounts: up.body.id, countsPeriodDays: 7 });
    // 140 narcotics calls a week at the service time of NARCOTICS: more workload, never less
    expect(withCounts).toBeGreaterThan(without + 1);
    const noDays = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, beats: 2, incidentCounts: up.body.id });
    expect(noDays.status).toBe(400);
    expect(noDays.body.errors[0].path).toBe('body.countsPeriodDays');
  });

  it('a districts or units id of another kind is 400 naming the field', async () => {
    for (const field of ['districts', 'units'] as const) {
      const r = await h.http
        .post('/api/v1/plans')
        .set(h.auth('analyst'))
        .send({ ...data, beats: 2, [field]: data.incidents });
      expect(r.status, field).toBe(400);
      expect(r.body.errors[0].path).toBe(`body.${field}`);
    }
    const badBalance = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, beats: 2, balance: 'median' });
    expect(badBalance.status).toBe(400);
  });
});

describe('staffing options from the CLI', () => {
  it('fleet, saturation target, minimum officers and skills reach the staffing', async () => {
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let k = 0;
    for (const shift of ['0-8', '8-16', '16-24'])
      for (let n = 0; n < 14; n++) lines.push(`P${++k},Officer ${k},${shift},PO,,${n % 3 === 0 ? 'spanish' : ''},true`);
    const roster = await h.http
      .post('/api/v1/datasets/rosters')
      .set(h.auth('commander'))
      .set('Content-Type', 'text/csv')
      .send(lines.join('\n'));
    expect(roster.status).toBe(201);
    const fleet = await h.http
      .post('/api/v1/datasets/fleet')
      .set(h.auth('analyst'))
      .set('Content-Type', 'text/csv')
      .send('shift,vehicle_type,count\n0-8,car,10\n8-16,car,10\n16-24,car,10\n');
    expect(fleet.status, JSON.stringify(fleet.body)).toBe(201);
    expect(fleet.body.info).toEqual({ rows: 3, vehicles: 30 });
    // residents: all of the west half speaks the skill's language
    const west = twoBeats() as { features: Array<{ properties: Record<string, unknown> }> };
    west.features.forEach((f, i) => (f.properties = { ...f.properties, speakers: i === 0 ? 1000 : 0, pop: 1000 }));
    const layer = await h.http
      .post('/api/v1/datasets/layers?field=speakers')
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(west));
    expect(layer.status, JSON.stringify(layer.body)).toBe(201);
    const pop = await h.http
      .post('/api/v1/datasets/layers?field=pop')
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(west));
    expect(pop.status).toBe(201);
    // the plan carries residents per cell (population layer), which skill rules need
    const planId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, population: pop.body.id, districts });

    const r = await h.http
      .post(`/api/v1/plans/${planId}/staffing`)
      .set(h.auth('commander'))
      .send({
        roster: roster.body.id,
        fleet: fleet.body.id,
        saturationTarget: 0.3,
        minOfficersPerBeat: 2,
        skills: [{ skill: 'spanish', layer: layer.body.id, minShare: 0.5 }],
      });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const s = await h.http
      .get(`/api/v1/plans/${planId}/staffing/${(job.result as { staffingId: string }).staffingId}`)
      .set(h.auth('commander'));
    expect(s.status).toBe(200);
    const beats = s.body.beats as Array<{
      id: string;
      skillsNeeded?: string[];
      shifts: Array<{ required: number; saturation: number | null; vehicle: string | null; allocated: number }>;
    }>;
    // districts west/east: the two western beats are all speakers (share 1 ≥ 0.5), the eastern none
    const needing = beats.filter((b) => b.skillsNeeded?.includes('spanish')).length;
    expect(needing).toBe(2);
    for (const b of beats) {
      expect(Array.isArray(b.skillsNeeded), b.id).toBe(true);
      for (const sh of b.shifts) {
        expect(sh.required).toBeGreaterThanOrEqual(2);
        if (sh.allocated >= sh.required && sh.saturation !== null) expect(sh.saturation).toBeLessThanOrEqual(0.3 + 1e-9);
      }
    }
    expect(beats.flatMap((b) => b.shifts).some((sh) => sh.vehicle !== null && sh.vehicle !== undefined)).toBe(true);

    // the what-if staffs under the same options: every beat-shift of the baseline has at least 2 officers
    const w = await h.http
      .post(`/api/v1/plans/${planId}/whatif`)
      .set(h.auth('commander'))
      .send({ roster: roster.body.id, officersOut: [{ shift: '16-24', count: 2 }], minOfficersPerBeat: 2, fleet: fleet.body.id });
    expect(w.status, JSON.stringify(w.body)).toBe(202);
    const wj = await waitForJob(h, w.body.id, 60_000);
    expect(wj.status, JSON.stringify(wj.error)).toBe('succeeded');
    const what = await h.http.get(`/api/v1/plans/${planId}/whatif/${w.body.id}`).set(h.auth('commander'));
    expect(what.status).toBe(200);
    const before = what.body.response.before as { unitsByShift: number[][] };
    for (const row of before.unitsByShift) for (const n of row) expect(n).toBeGreaterThanOrEqual(2);

    const wrong = await h.http
      .post(`/api/v1/plans/${planId}/staffing`)
      .set(h.auth('commander'))
      .send({ roster: roster.body.id, fleet: roster.body.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.fleet');
  });
});
