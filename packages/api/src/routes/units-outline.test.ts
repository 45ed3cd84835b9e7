/**
 * Outputs follow the units (#17): for a plan made on a units dataset, `GET /plans/{id}/beats`
 * and the beats export are the dissolve of each beat's unit polygons (as the CLI's
 * beats.geojson), computed in the compute pool and cached per version; `?outline=cells` keeps
 * the hexagon outline.
 */

import { beatOfUnitFeatures, dissolvedFigures, dissolveUnits, type LoadedPlan, outlineProblems, unitIdsOf } from '@beatplan/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX, createPlan, type Harness, loadedPlan, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
type Fc = {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; id?: string; properties: Record<string, unknown>; geometry: Geometry }>;
};

let h: Harness;
let planId: string;
let plan: LoadedPlan;
/** Eight units: the box cut into 4 columns × 2 rows, ids `B1`… in `block`. */
let layer: Fc;

const polygonsOfGeometry = (g: Geometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
/** Twice the signed planar area of a ring (> 0 counter-clockwise). */
const signedArea2 = (ring: number[][]) => ring.slice(1).reduce((s, p, k) => s + ring[k]![0]! * p[1]! - p[0]! * ring[k]![1]!, 0);
const areaM2 = (g: Geometry) => dissolvedFigures(g as never, 1).unitAreaKm2 * 1e6;

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  const { west: w, south: s, east: e, north: n } = BOX;
  const xs = [0, 1, 2, 3, 4].map((k) => w + ((e - w) * k) / 4);
  const ys = [s, (s + n) / 2, n];
  layer = { type: 'FeatureCollection', features: [] };
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 4; c++) {
      const [a, b, x, y] = [xs[c]!, ys[r]!, xs[c + 1]!, ys[r + 1]!];
      layer.features.push({
        type: 'Feature',
        properties: { block: `B${layer.features.length + 1}` },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [a, b],
              [x, b],
              [x, y],
              [a, y],
              [a, b],
            ],
          ],
        },
      });
    }
  }
  // a unit smaller than a cell (~40 m square) cut out of B1: it merges into B1 when planned, and
  // the outline keeps it with B1 (no hole)
  const [cx, cy] = [(xs[0]! + xs[1]!) / 2, (ys[0]! + ys[1]!) / 2];
  const tiny = [
    [cx, cy],
    [cx + 0.0005, cy],
    [cx + 0.0005, cy + 0.0004],
    [cx, cy + 0.0004],
    [cx, cy],
  ];
  (layer.features[0]!.geometry.coordinates as number[][][]).push([...tiny].reverse());
  layer.features.push({ type: 'Feature', properties: { block: 'T' }, geometry: { type: 'Polygon', coordinates: [tiny] } });
  const u = await h.http
    .post('/api/v1/datasets/units?idField=block')
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(layer));
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  planId = await createPlan(h, { ...data, beats: 3, resolution: 9, seed: 1, units: u.body.id });
  plan = await loadedPlan(h, planId);
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('beats of a plan made on units', () => {
  it('GET /beats: each feature is the dissolve of its units (area within 1 m²), valid, outer rings counter-clockwise, metrics and dissolve figures as properties', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/beats`).set(h.auth('analyst'));
    expect(r.status).toBe(200);
    const got = JSON.parse(r.text) as Fc;
    const metrics = (await h.http.get(`/api/v1/plans/${planId}/metrics`).set(h.auth('analyst'))).body as {
      perBeat: Array<Record<string, unknown>>;
    };
    // the expectation, in process: the engine's dissolve of the layer with each unit in its cells' beat
    expect(plan.plan.units!.unitIds).not.toContain('T');
    const beatOfUnit = beatOfUnitFeatures(
      unitIdsOf(layer.features as never, { idField: 'block' }),
      { ...plan.plan.units!, report: { mergedUnits: [{ id: 'T', into: 'B1' }] } },
      plan.plan.beatOfCell,
    );
    expect(Array.from(beatOfUnit).every((b) => b >= 0)).toBe(true);
    expect(beatOfUnit[8]).toBe(beatOfUnit[0]);
    const want = dissolveUnits(layer as never, beatOfUnit, plan.plan.beatIds);
    expect(got.features.map((f) => f.id).sort()).toEqual(want.features.map((f) => String(f.id)).sort());
    expect(got.features.length).toBe(new Set(plan.plan.beatOfCell).size);
    expect(outlineProblems(got as never)).toEqual([]);
    for (const f of got.features) {
      const b = plan.plan.beatIds.indexOf(String(f.id));
      const w = want.features.find((x) => String(x.id) === f.id)!;
      expect(Math.abs(areaM2(f.geometry) - areaM2(w.geometry as Geometry)), `beat ${f.id}`).toBeLessThan(1);
      // and the sum of its units' own areas (the units tile the box: no clipping)
      const unitsArea = layer.features.reduce((s, u, k) => s + (beatOfUnit[k] === b ? areaM2(u.geometry) : 0), 0);
      expect(Math.abs(areaM2(f.geometry) - unitsArea), `beat ${f.id}`).toBeLessThan(1);
      for (const rings of polygonsOfGeometry(f.geometry)) {
        expect(signedArea2(rings[0]!), `beat ${f.id} outer ring`).toBeGreaterThan(0);
        // the units tile the box: no hole (the merged unit T fills B1's)
        expect(rings.length, `beat ${f.id} rings`).toBe(1);
      }
      expect(f.properties.unitCount).toBe(Array.from(beatOfUnit).filter((x) => x === b).length);
      // the beat's metrics (as the hex outline carries them), then the dissolve figures
      expect(f.properties).toMatchObject(metrics.perBeat[b]!);
      expect(f.properties.unitAreaKm2 as number).toBeCloseTo(areaM2(f.geometry) / 1e6, 9);
    }
  });

  it('?outline=cells keeps the hexagon outline; the geojson export follows the units too; a viewer gets the unit outline on public metrics', async () => {
    const units = (await h.http.get(`/api/v1/plans/${planId}/beats`).set(h.auth('analyst'))).text;
    const cells = JSON.parse((await h.http.get(`/api/v1/plans/${planId}/beats?outline=cells`).set(h.auth('analyst'))).text) as Fc;
    expect(cells.features.length).toBe(JSON.parse(units).features.length);
    for (const f of cells.features) expect(f.properties.unitCount).toBeUndefined();
    // hexagons do not follow the straight unit edges: the outlines differ
    expect(
      cells.features.some(
        (f) => Math.abs(areaM2(f.geometry) - areaM2((JSON.parse(units) as Fc).features.find((x) => x.id === f.id)!.geometry)) > 1,
      ),
    ).toBe(true);
    const exported = await h.http.get(`/api/v1/plans/${planId}/export?format=geojson`).set(h.auth('analyst'));
    expect(exported.status).toBe(200);
    expect(exported.text).toBe(units);
    const exportedCells = await h.http.get(`/api/v1/plans/${planId}/export?format=geojson&outline=cells`).set(h.auth('analyst'));
    expect(exportedCells.headers['content-disposition']).toMatch(/beats-cells\.geojson/);
    const viewer = JSON.parse((await h.http.get(`/api/v1/plans/${planId}/beats`).set(h.auth('viewer'))).text) as Fc;
    const analyst = JSON.parse(units) as Fc;
    for (const f of viewer.features) {
      const a = analyst.features.find((x) => x.id === f.id)!;
      expect(f.geometry).toEqual(a.geometry);
      expect(f.properties.unitCount).toBe(a.properties.unitCount);
    }
  });

  it('a rebalanced version stays on the units (whole units move) and its beats are still the unit outline', async () => {
    const r = await h.http
      .post(`/api/v1/plans/${planId}/rebalance`)
      .set(h.auth('commander'))
      .set('If-Match', `"${planId}.v1"`)
      .send({ seed: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJob(h, r.body.id, 90_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const version = (job.result as { version: number }).version;
    const v2 = JSON.parse((await h.http.get(`/api/v1/plans/${planId}/beats?version=${version}`).set(h.auth('analyst'))).text) as Fc;
    const p2 = await loadedPlan(h, planId);
    expect(p2.plan.units?.unitIds).toEqual(plan.plan.units!.unitIds);
    // every unit's cells share a beat, and every feature is made of whole units
    const beatOfUnit = new Map<number, number>();
    for (let i = 0; i < p2.grid.cellCount; i++) {
      const u = p2.plan.units!.unitOfCell[i]!;
      expect(beatOfUnit.get(u) ?? p2.plan.beatOfCell[i]).toBe(p2.plan.beatOfCell[i]);
      beatOfUnit.set(u, p2.plan.beatOfCell[i]!);
    }
    for (const f of v2.features) expect(f.properties.unitCount as number).toBeGreaterThanOrEqual(1);
    expect(v2.features.reduce((s, f) => s + (f.properties.unitCount as number), 0)).toBe(layer.features.length);
  }, 120_000);

  it('a bad outline value is 400 naming the field', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/beats?outline=hexes`).set(h.auth('analyst'));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/outline/);
  });
});
