import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan, type Harness, removeDir, startHarness, twoBeats, uploadBasics } from '../testing/harness.js';
import { referenceFeatures } from './reference.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const post = async (path: string, body: object) => {
  const r = await h.http
    .post(`/api/v1/datasets/${path}`)
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(body));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};

describe('GET /plans/:id/reference', () => {
  it('gives the plan’s area layer, districts and barriers as geometry and a name only, to every role', async () => {
    const { boundary, incidents } = await uploadBasics(h);
    const river = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'North Branch', secret: 'x' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [-87.675, 41.85],
              [-87.675, 41.89],
            ],
          },
        },
      ],
    };
    const barriers = await post('barriers', river);
    const areas = twoBeats() as { features: Array<{ properties: Record<string, unknown> }> };
    areas.features.forEach((f, k) => (f.properties = { ...f.properties, community: `Area ${k + 1}`, pop: 100 * (k + 1) }));
    const population = await post('layers?field=pop', areas);
    // districts: the two halves, each holding one beat (a `beats` dataset with an id field)
    const halves = twoBeats() as { features: Array<{ properties: Record<string, unknown> }> };
    halves.features.forEach((f, k) => (f.properties = { ...f.properties, district: `D${k + 1}`, commander: 'secret' }));
    const districts = await post('beats?idField=district', halves);
    const planId = await createPlan(h, { boundary, incidents, barriers, population, districts, beats: 2, seed: 1, resolution: 9 });
    const r = await h.http.get(`/api/v1/plans/${planId}/reference`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.body.layers.map((l: { kind: string }) => l.kind)).toEqual(['areas', 'districts', 'barriers']);
    const [a, d, b] = r.body.layers;
    expect(a.data.features.map((f: { properties: unknown }) => f.properties)).toEqual([{ name: 'Area 1' }, { name: 'Area 2' }]);
    expect(d.data.features.map((f: { properties: unknown }) => f.properties)).toEqual([{ name: 'D1' }, { name: 'D2' }]);
    expect(b.data.features).toEqual([{ type: 'Feature', properties: { name: 'North Branch' }, geometry: river.features[0]!.geometry }]);
    const none = await h.http.get('/api/v1/plans/00000000-0000-4000-8000-000000000000/reference').set(h.auth('viewer'));
    expect(none.status).toBe(404);
  });

  it('gives the plan’s meeting venues as points named by the upload’s nameProperty, nothing else, to every role', async () => {
    const { boundary, incidents } = await uploadBasics(h);
    const planId = await createPlan(h, { boundary, incidents, beats: 2, seed: 1, resolution: 9 });
    const kinds = async () =>
      ((await h.http.get(`/api/v1/plans/${planId}/reference`).set(h.auth('viewer'))).body.layers as Array<{ kind: string }>).map(
        (l) => l.kind,
      );
    expect(await kinds()).toEqual([]);
    const point = (lng: number, lat: number, properties: Record<string, unknown>) => ({
      type: 'Feature',
      properties,
      geometry: { type: 'Point', coordinates: [lng, lat] },
    });
    const venues = await post('venues?idProperty=vid&nameProperty=title', {
      type: 'FeatureCollection',
      features: [
        point(-87.69, 41.86, { vid: 'v1', title: 'Hansen School', name: 'not this one', contact: 'private@example.org' }),
        point(-87.66, 41.88, { vid: 'v2', title: 'Elm Library', kind: 'library' }),
      ],
    });
    const put = await h.http.put(`/api/v1/plans/${planId}/meetings`).set(h.auth('commander')).send({ venues });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    for (const role of ['viewer', 'analyst'] as const) {
      const r = await h.http.get(`/api/v1/plans/${planId}/reference`).set(h.auth(role));
      expect(r.status).toBe(200);
      expect(r.body.layers).toEqual([
        {
          kind: 'venues',
          name: expect.any(String),
          data: {
            type: 'FeatureCollection',
            features: [
              { type: 'Feature', properties: { name: 'Hansen School' }, geometry: { type: 'Point', coordinates: [-87.69, 41.86] } },
              { type: 'Feature', properties: { name: 'Elm Library' }, geometry: { type: 'Point', coordinates: [-87.66, 41.88] } },
            ],
          },
        },
      ]);
    }
    // venues taken off the plan: the layer goes
    await h.http.put(`/api/v1/plans/${planId}/meetings`).set(h.auth('commander')).send({ venues: null });
    expect(await kinds()).toEqual([]);
  });

  it('names features by the first name-like property, or none', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { dist_num: 7, other: 'y' }, geometry: { type: 'Point', coordinates: [0, 0] } },
        { type: 'Feature', properties: null, geometry: { type: 'Point', coordinates: [1, 1] } },
        { type: 'Feature', properties: { name: 'no geometry' }, geometry: null },
      ],
    });
    expect(referenceFeatures(text).map((f) => f.properties.name)).toEqual(['7', null]);
    expect(referenceFeatures(text, ['other']).map((f) => f.properties.name)).toEqual(['y', null]);
  });
});
