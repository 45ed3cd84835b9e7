/**
 * The API plans on street blocks as the CLI does (#17 follow-up, #15 parity): `POST /plans`
 * with a `roads` dataset and no `units` makes the plan on the street blocks the roads enclose
 * within the boundary (the plan use-case's `roadLines`, as `beatplan plan --roads`), and
 * `GET /plans/{id}/beats` is the dissolve of each beat's blocks, derived again from the roads.
 * Runs on the harness's square city with a small street grid.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dissolvedFigures, type LoadedPlan, loadPlanJson, outlineProblems, unitsFromRoads } from '@beatplan/engine';
import { runCli } from '@beatplan/engine/cli';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOX,
  createPlan,
  type Harness,
  incidentsCsv,
  loadedPlan,
  removeDir,
  squareBoundary,
  startHarness,
  uploadBasics,
} from '../testing/harness.js';

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
type Fc = {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; id?: string | number; properties: Record<string, unknown>; geometry: Geometry }>;
};

const polygonsOfGeometry = (g: Geometry) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
/** Twice the signed planar area of a ring (> 0 counter-clockwise). */
const signedArea2 = (ring: number[][]) => ring.slice(1).reduce((s, p, k) => s + ring[k]![0]! * p[1]! - p[0]! * ring[k]![1]!, 0);
const areaM2 = (g: Geometry) => dissolvedFigures(g as never, 1).unitAreaKm2 * 1e6;

/**
 * A street grid over the box: 3 north–south and 3 east–west streets running past the city
 * limits (4 × 4 = 16 blocks of about 1 km², each many res-9 cells), and a dead-end spur.
 */
function streetGrid(xs = [0.25, 0.5, 0.75], ys = [0.25, 0.5, 0.75]): Fc {
  const { west: w, south: s, east: e, north: n } = BOX;
  const pad = 0.002;
  const line = (coordinates: number[][], name: string) => ({
    type: 'Feature' as const,
    properties: { name, highway: 'residential' },
    geometry: { type: 'LineString', coordinates } as unknown as Geometry,
  });
  const features = [];
  xs.forEach((t, k) => {
    const x = w + (e - w) * t;
    features.push(
      line(
        [
          [x, s - pad],
          [x, n + pad],
        ],
        `${k + 1} AVE`,
      ),
    );
  });
  ys.forEach((t, k) => {
    const y = s + (n - s) * t;
    features.push(
      line(
        [
          [w - pad, y],
          [e + pad, y],
        ],
        `${k + 1} ST`,
      ),
    );
  });
  // a cul-de-sac into the first block: pruned, it cuts nothing
  const [x1, y1] = [w + (e - w) / 4, s + (n - s) / 8];
  features.push(
    line(
      [
        [x1, y1],
        [x1 - 0.004, y1],
      ],
      'DEAD END',
    ),
  );
  return { type: 'FeatureCollection', features };
}

let h: Harness;
let planId: string;
let plan: LoadedPlan;
let planJson: { extra: { inputs: { units: unknown } } };
let cliPlan: LoadedPlan;
let cliBeats: Fc;
const roads = streetGrid();
/** The street blocks, as the engine derives them from the same lines and boundary. */
const blocks = unitsFromRoads(roads as never, squareBoundary() as never).blocks;
const params = { beats: 3, resolution: 9, seed: 1 };

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  const r = await h.http
    .post('/api/v1/datasets/roads')
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(roads));
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  planId = await createPlan(h, { ...data, ...params, roads: r.body.id }, 120_000);
  plan = await loadedPlan(h, planId);
  planJson = (await h.http.get(`/api/v1/plans/${planId}/export?format=plan`).set(h.auth('analyst'))).body;
  // the CLI on the same files
  const dir = mkdtempSync(join(tmpdir(), 'bp-roads-blocks-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const argv = [
    'plan',
    '--boundary',
    file('boundary.geojson', JSON.stringify(squareBoundary())),
    '--incidents',
    file('incidents.csv', incidentsCsv()),
    '--roads',
    file('roads.geojson', JSON.stringify(roads)),
    '--beats',
    String(params.beats),
    '--resolution',
    String(params.resolution),
    '--seed',
    String(params.seed),
    '--out',
    join(dir, 'out'),
  ];
  let err = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => s.length }, stderr: { write: (s: string) => (err += s).length } });
  expect(code, err).toBe(0);
  cliPlan = loadPlanJson(readFileSync(join(dir, 'out', 'plan.json'), 'utf8'));
  cliBeats = JSON.parse(readFileSync(join(dir, 'out', 'beats.geojson'), 'utf8')) as Fc;
}, 240_000);

afterAll(async () => {
  await h?.close();
  if (h) removeDir(h.dir);
});

describe('street blocks are re-derivable from the stored roads', () => {
  it('property: unitsFromRoads of the lines read back from their stored bytes gives the same blocks, ids and order (nx+1)·(ny+1) of them', () => {
    const cuts = fc
      .uniqueArray(fc.integer({ min: 1, max: 19 }), { minLength: 1, maxLength: 4 })
      .map((a) => a.sort((p, q) => p - q).map((k) => k / 20));
    fc.assert(
      fc.property(cuts, cuts, (xs, ys) => {
        const lines = streetGrid(xs, ys);
        const first = unitsFromRoads(lines as never, squareBoundary() as never);
        const again = unitsFromRoads(JSON.parse(JSON.stringify(lines)), JSON.parse(JSON.stringify(squareBoundary())));
        expect(again).toEqual(first);
        expect(first.blocks.features.length).toBe((xs.length + 1) * (ys.length + 1));
      }),
      { numRuns: 25, seed: 17 },
    );
  });
});

describe('a plan with roads and no units is made on street blocks, as the CLI makes it', () => {
  it('derives 16 blocks; the API plan equals the CLI use-case plan on the same files (cells, beats, units)', () => {
    expect(blocks.features.length).toBe(16);
    expect(plan.plan.units, 'planned on units').toBeDefined();
    expect(Array.from(plan.grid.h3)).toEqual(Array.from(cliPlan.grid.h3));
    expect(plan.plan.beatIds).toEqual(cliPlan.plan.beatIds);
    expect(Array.from(plan.plan.beatOfCell)).toEqual(Array.from(cliPlan.plan.beatOfCell));
    expect(plan.plan.units!.unitIds).toEqual(cliPlan.plan.units!.unitIds);
    expect(Array.from(plan.plan.units!.unitOfCell)).toEqual(Array.from(cliPlan.plan.units!.unitOfCell));
    // every block holds cells (none merged away) and the units are the blocks' ids
    expect([...plan.plan.units!.unitIds].sort()).toEqual(blocks.features.map((f) => String(f.id)).sort());
    expect(new Set(plan.plan.beatOfCell).size).toBe(params.beats);
    // recorded as the CLI records it (the file name is the dataset's)
    expect(planJson.extra.inputs.units).toMatchObject({ idField: null, streetBlocks: true });
  });

  it("every block's cells share a beat", () => {
    const { unitOfCell } = plan.plan.units!;
    const beatOfUnit = new Map<number, number>();
    for (let i = 0; i < plan.grid.cellCount; i++) {
      const u = unitOfCell[i]!;
      expect(u).toBeGreaterThanOrEqual(0);
      expect(beatOfUnit.get(u) ?? plan.plan.beatOfCell[i], `cell ${i}`).toBe(plan.plan.beatOfCell[i]);
      beatOfUnit.set(u, plan.plan.beatOfCell[i]!);
    }
    expect(beatOfUnit.size).toBe(16);
  });

  it('GET /beats is the dissolve of each beat’s blocks (area within 1 m² of their union), valid, outer rings counter-clockwise; the export and the CLI’s beats.geojson agree', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/beats`).set(h.auth('analyst'));
    expect(r.status).toBe(200);
    const got = JSON.parse(r.text) as Fc;
    expect(got.features.map((f) => String(f.id)).sort()).toEqual([...plan.plan.beatIds].sort());
    expect(outlineProblems(got as never)).toEqual([]);
    const { unitIds, unitOfCell } = plan.plan.units!;
    const beatOfBlock = new Map<string, number>();
    for (let i = 0; i < plan.grid.cellCount; i++) beatOfBlock.set(unitIds[unitOfCell[i]!]!, plan.plan.beatOfCell[i]!);
    let total = 0;
    for (const f of got.features) {
      const b = plan.plan.beatIds.indexOf(String(f.id));
      const mine = blocks.features.filter((u) => beatOfBlock.get(String(u.id)) === b);
      // the blocks tile the box without overlap: their union's area is the sum of theirs
      const union = mine.reduce((s, u) => s + areaM2(u.geometry as Geometry), 0);
      expect(Math.abs(areaM2(f.geometry) - union), `beat ${f.id}`).toBeLessThan(1);
      expect(f.properties.unitCount, `beat ${f.id}`).toBe(mine.length);
      for (const rings of polygonsOfGeometry(f.geometry)) expect(signedArea2(rings[0]!), `beat ${f.id} outer ring`).toBeGreaterThan(0);
      total += areaM2(f.geometry);
    }
    expect(Math.abs(total - blocks.features.reduce((s, u) => s + areaM2(u.geometry as Geometry), 0))).toBeLessThan(3);
    // the hexagon outline differs (the blocks' edges are straight)
    const cells = JSON.parse((await h.http.get(`/api/v1/plans/${planId}/beats?outline=cells`).set(h.auth('analyst'))).text) as Fc;
    expect(cells.features.some((f) => f.properties.unitCount !== undefined)).toBe(false);
    const exported = await h.http.get(`/api/v1/plans/${planId}/export?format=geojson`).set(h.auth('analyst'));
    expect(exported.text).toBe(r.text);
    // the CLI's beats.geojson: the same outline, beat by beat
    for (const f of got.features) {
      const c = cliBeats.features.find((x) => String(x.id ?? x.properties.beat) === String(f.id));
      expect(c, `CLI beat ${f.id}`).toBeDefined();
      expect(Math.abs(areaM2(c!.geometry) - areaM2(f.geometry)), `beat ${f.id}`).toBeLessThan(1);
    }
  });
});
