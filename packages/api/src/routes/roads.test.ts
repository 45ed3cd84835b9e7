/**
 * Roads in the API: a `roads` dataset (validated on upload by building the road graph), named
 * by a plan, gives the plan's response figures travel on the streets. Runs on the demo city's
 * boundary and street grid (data/demo) with its first 6,000 incidents.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPlanJson, meetingPlaces } from '@beatplan/engine';
import { readRoadNetwork, readVenues } from '@beatplan/engine/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIncidents } from '../../../../test/support/demo-data.js';
import { createPlan, type Harness, removeDir, startHarness, waitForJob } from '../testing/harness.js';

const demo = (f: string) => fileURLToPath(new URL(`../../../../data/demo/${f}`, import.meta.url));

let h: Harness;
let data: { boundary: string; incidents: string; roads: string };
let onRoads: string;
let straightLine: string;

async function upload(path: string, type: string, body: string): Promise<{ status: number; body: Record<string, any> }> {
  const r = await h.http.post(`/api/v1/datasets/${path}`).set(h.auth('analyst')).set('Content-Type', type).send(body);
  return { status: r.status, body: r.body };
}

beforeAll(async () => {
  h = await startHarness({ jobConcurrency: 1 });
  // the header and the first 6,000 rows (generated on a fresh clone: the file is git-ignored)
  const csv = await demoIncidents(6000);
  const b = await upload('boundary', 'application/geo+json', readFileSync(demo('boundary.geojson'), 'utf8'));
  const i = await upload('incidents', 'text/csv', csv);
  const r = await upload('roads?name=Streets', 'application/geo+json', readFileSync(demo('roads.geojson'), 'utf8'));
  expect([b.status, i.status, r.status], JSON.stringify([b.body, i.body, r.body])).toEqual([201, 201, 201]);
  data = { boundary: b.body.id, incidents: i.body.id, roads: r.body.id };
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (h) removeDir(h.dir);
});

describe('roads dataset', () => {
  it('is validated on upload: the report gives the road graph of the demo street grid', async () => {
    const r = await h.http.get(`/api/v1/datasets/${data.roads}`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.body.kind).toBe('roads');
    // 4,920 shared vertices of the demo grid; every segment's speed from its road class
    expect(r.body.info.nodes).toBe(4920);
    expect(r.body.info.speedSources.roadClass).toBeGreaterThan(9000);
    expect(r.body.info.speedSources.default).toBe(0);
    expect(r.body.info.lengthKm).toBeGreaterThan(2000);
    const list = await h.http.get('/api/v1/datasets?kind=roads').set(h.auth('viewer'));
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual([data.roads]);
  });

  it('rejects a file without a driveable road (422 naming the file) and a plan naming a dataset of another kind (400 body.roads)', async () => {
    const points = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-87.7, 41.85] } }],
    };
    const bad = await upload('roads', 'application/geo+json', JSON.stringify(points));
    expect(bad.status).toBe(422);
    const footway = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { highway: 'footway' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [-87.7, 41.85],
              [-87.69, 41.85],
            ],
          },
        },
      ],
    };
    const none = await upload('roads', 'application/geo+json', JSON.stringify(footway));
    expect(none.status).toBe(422);
    expect(JSON.stringify(none.body)).toContain('no road');
    // a speed that is no speed is refused naming the feature, as the CLI's --roads
    const negative = { ...footway, features: [{ ...footway.features[0]!, properties: { highway: 'residential', speed_kmh: -30 } }] };
    const neg = await upload('roads', 'application/geo+json', JSON.stringify(negative));
    expect(neg.status).toBe(422);
    expect(JSON.stringify(neg.body)).toMatch(/feature 0 has speed_kmh -30; a road speed must be a number > 0 km\/h/);
    const wrong = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ boundary: data.boundary, incidents: data.incidents, beats: 4, roads: data.boundary });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.roads');
  });

  it('a plan that names the roads reports the road travel model in its response figures; without them the straight-line rule', async () => {
    const base = { boundary: data.boundary, incidents: data.incidents, beats: 6, resolution: 8, seed: 1 };
    onRoads = await createPlan(h, { ...base, name: 'on roads', roads: data.roads }, 120_000);
    const straight = (straightLine = await createPlan(h, { ...base, name: 'straight line' }, 120_000));
    const r = await h.http.get(`/api/v1/plans/${onRoads}/response`).set(h.auth('analyst'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.assumptions.travel).toMatch(/^road network/);
    expect(r.body.assumptions.speedKmh.every((s: unknown) => s === null)).toBe(true);
    const s = await h.http.get(`/api/v1/plans/${straight}/response`).set(h.auth('analyst'));
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body.assumptions.travel).toMatch(/^straight line/);
    expect(s.body.assumptions.speedKmh.every((x: unknown) => x === 30)).toBe(true);
    // different travel (and the roads plan is on street blocks): the figures differ
    expect(r.body.city.meanTravelMinutes).toBeGreaterThan(0);
    expect(r.body.city.meanTravelMinutes).not.toBeCloseTo(s.body.city.meanTravelMinutes, 3);
    // what-ifs of the plan travel on the roads too
    const w = await h.http.post(`/api/v1/plans/${onRoads}/response/whatif`).set(h.auth('analyst')).send({ saturationTarget: 0.5 });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(w.body.before.assumptions.travel).toMatch(/^road network/);
    expect(w.body.after.assumptions.travel).toMatch(/^road network/);
    expect(w.body.before.city).toEqual(r.body.city);
  }, 240_000);

  it("the plan's meeting places: residents walk on its roads (as the CLI's --roads), the same figures as the engine's", async () => {
    const v = await h.http
      .post('/api/v1/datasets/venues?name=Venues')
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(readFileSync(demo('venues.geojson'), 'utf8'));
    expect(v.status, JSON.stringify(v.body)).toBe(201);
    const walks = async (plan: string) => {
      const put = await h.http.put(`/api/v1/plans/${plan}/meetings`).set(h.auth('commander')).send({ venues: v.body.id });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      return put.body.beats as Array<{ beat: string; place: { name: string | null; meanWalkMinutes: number | null } | null }>;
    };
    const roads = await walks(onRoads);
    const straight = await walks(straightLine);
    // the engine on the same plan.json, venues and street grid: with the roads, and without
    const planJson = (await h.http.get(`/api/v1/plans/${onRoads}/export?format=plan`).set(h.auth('analyst'))).text;
    const loaded = loadPlanJson(planJson);
    const fc = await readVenues(demo('venues.geojson'), 'venues.geojson');
    const expected = meetingPlaces(loaded, fc, 'id', 'name', await readRoadNetwork(demo('roads.geojson'), 'roads.geojson'));
    const unroaded = meetingPlaces(loaded, fc, 'id', 'name');
    expect(roads.length).toBe(6);
    for (const b of roads) {
      expect(b.place, b.beat).toEqual(expected.get(b.beat));
      expect(b.place?.meanWalkMinutes, b.beat).toBeGreaterThan(0);
    }
    // the straight-line plan (on hex cells: the roads plan is on their street blocks) walks by the rule
    const straightPlan = loadPlanJson((await h.http.get(`/api/v1/plans/${straightLine}/export?format=plan`).set(h.auth('analyst'))).text);
    const rule = meetingPlaces(straightPlan, fc, 'id', 'name');
    for (const b of straight) expect(b.place, b.beat).toEqual(rule.get(b.beat));
    // on the same beats, streets make walks differ from straight line × 1.3 on the whole (the grid's detours)
    const mean = (bs: typeof roads) => bs.reduce((s, b) => s + (b.place?.meanWalkMinutes ?? 0), 0) / bs.length;
    expect(mean(roads)).not.toBeCloseTo(mean(roads.map((b) => ({ ...b, place: unroaded.get(b.beat) ?? null }))), 1);
    // the public lookup names the same place
    const beat = roads[0]!;
    const hit = expected.get(beat.beat)!;
    const look = await h.http.get(`/api/v1/plans/${onRoads}/lookup?lng=${hit.position![0]}&lat=${hit.position![1]}`).set(h.auth('viewer'));
    expect(look.status).toBe(200);
    if (look.body.beat) expect(look.body.meetingPlace).toEqual(expected.get(look.body.beat));
  }, 240_000);

  it("the plan's simulation travels on the roads too", async () => {
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let k = 0;
    for (const shift of ['0-8', '8-16', '16-24']) for (let n = 0; n < 40; n++) lines.push(`P${++k},Officer ${k},${shift},PO,,,true`);
    const roster = await h.http
      .post('/api/v1/datasets/rosters')
      .set(h.auth('commander'))
      .set('Content-Type', 'text/csv')
      .send(`${lines.join('\n')}\n`);
    expect(roster.status, JSON.stringify(roster.body)).toBe(201);
    const st = await h.http.post(`/api/v1/plans/${onRoads}/staffing`).set(h.auth('commander')).send({ roster: roster.body.id });
    const staffJob = await waitForJob(h, st.body.id, 120_000);
    expect(staffJob.status, JSON.stringify(staffJob.error)).toBe('succeeded');
    const staffing = (staffJob.result as { staffingId: string }).staffingId;
    const sim = await h.http
      .post(`/api/v1/plans/${onRoads}/simulations`)
      .set(h.auth('analyst'))
      .send({ staffing, poisson: true, days: 7, seed: 3 });
    expect(sim.status, JSON.stringify(sim.body)).toBe(202);
    const job = await waitForJob(h, sim.body.id, 120_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const doc = (await h.http.get((job.result as { simulation: string }).simulation).set(h.auth('analyst'))).body;
    expect(doc.assumptions.travel.model).toMatch(/road graph/);
    expect(doc.assumptions.travel.nodes).toBe(4920);
    expect(doc.city.meanTravelMinutes).toBeGreaterThan(0);
  }, 240_000);
});
