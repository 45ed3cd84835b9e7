import { randomUUID } from 'node:crypto';
import { BeatplanError, createPlanState, moveCells } from '@beatplan/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedPlan } from '../engine-service.js';
import type { PlanRecord } from '../store/store.js';
import { createPlan, type Harness, loadedPlan, removeDir, startHarness, twoBeats, uploadBasics, waitForJob } from '../testing/harness.js';
import { planEtag } from './plans.js';

let h: Harness;
let data: { boundary: string; incidents: string };
beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const NOPE = '00000000-0000-4000-8000-000000000000';

/**
 * Seeds a plan with versions straight into the store (fixture data, opaque blobs), to test
 * the version machinery (ETag, If-Match, undo/redo) without depending on the engine's
 * planner. Versions: 1 ← 2 ← 3, current 3.
 */
async function seedPlan(): Promise<PlanRecord> {
  const now = new Date().toISOString();
  const p: PlanRecord = {
    id: randomUUID(),
    name: 'seeded',
    inputs: { ...data, beats: 2 },
    currentVersion: 0,
    latestVersion: 0,
    createdAt: now,
    updatedAt: now,
    createdBy: null,
  };
  await h.store.insertPlan(p);
  for (let v = 1; v <= 3; v++) {
    const planBlobRef = await h.store.putBlob(Buffer.from(`{"fixture":${v}}`));
    const metricsBlobRef = await h.store.putBlob(Buffer.from(JSON.stringify({ fixtureVersion: v })));
    const ok = await h.store.appendPlanVersion(
      {
        planId: p.id,
        version: v,
        parentVersion: v === 1 ? null : v - 1,
        action: v === 1 ? 'plan' : 'move',
        summary: { v },
        planBlobRef,
        metricsBlobRef,
        createdAt: now,
        createdBy: null,
      },
      v - 1,
    );
    expect(ok).toBe(true);
  }
  return (await h.store.getPlan(p.id))!;
}

let existingId: string;
const planIds: string[] = [];

/** Plans the square into 4 beats at resolution 9 with seed 1 (a real job). */
async function makePlan(): Promise<string> {
  const planId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'four beats' });
  planIds.push(planId);
  return planId;
}

async function importedPlan(): Promise<string> {
  if (!existingId) {
    const e = await h.http
      .post('/api/v1/datasets/beats?idField=beat')
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(twoBeats()));
    existingId = e.body.id;
  }
  const r = await h.http
    .post('/api/v1/plans')
    .set(h.auth('analyst'))
    .send({ ...data, existing: existingId, method: 'import', resolution: 9 });
  expect(r.status).toBe(202);
  const job = await waitForJob(h, r.body.id, 60_000);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return (job.result as { planId: string }).planId;
}

/** The current plan.json of a plan, loaded with the engine (to pick legal and illegal moves). */
const loaded = (planId: string) => loadedPlan(h, planId);

/** Finds a move (one cell into a neighbouring beat) the engine accepts, or one it rejects. */
function findMove(p: LoadedPlan, accepted: boolean): { cell: string; toBeat: string } {
  const state = createPlanState(p.grid, p.plan, p.scores);
  const { adjOffsets, adjTargets } = p.grid;
  for (let i = 0; i < p.grid.cellCount; i++) {
    const b = p.plan.beatOfCell[i]!;
    const targets = new Set<number>();
    if (accepted) for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) targets.add(p.plan.beatOfCell[adjTargets[e]!]!);
    else for (let c = 0; c < p.plan.beatIds.length; c++) targets.add(c);
    for (const c of targets) {
      if (c === b || c < 0) continue;
      try {
        moveCells(p.grid, state, [i], c);
        if (accepted) return { cell: p.grid.h3[i]!, toBeat: p.plan.beatIds[c]! };
      } catch (e) {
        if (!accepted && e instanceof BeatplanError && e.code === 'MOVE_REJECTED')
          return { cell: p.grid.h3[i]!, toBeat: p.plan.beatIds[c]! };
      }
    }
  }
  throw new Error('no such move');
}

describe('plans: create', () => {
  it('validates the body, naming each field (problem+json)', async () => {
    const r = await h.http.post('/api/v1/plans').set(h.auth('analyst')).send({ boundary: data.boundary, beats: 0, tolerance: 3 });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.incidents', 'body.beats', 'body.tolerance']));
  });

  it('401 without a token, 403 for a viewer', async () => {
    expect((await h.http.post('/api/v1/plans').send({ ...data, beats: 2 })).status).toBe(401);
    const v = await h.http
      .post('/api/v1/plans')
      .set(h.auth('viewer'))
      .send({ ...data, beats: 2 });
    expect(v.status).toBe(403);
    expect(v.body.code).toBe('FORBIDDEN');
  });

  it('plans beats as a job: 202 → job succeeded → plan version 1 with metrics', async () => {
    const planId = await makePlan();
    const one = await h.http.get(`/api/v1/plans/${planId}`).set(h.auth('viewer'));
    expect(one.body).toMatchObject({ version: 1, inputs: { beats: 4, resolution: 9 } });
    expect(one.body.job).toMatch(/^[0-9a-f-]{36}$/);
    const m = await h.http.get(`/api/v1/plans/${planId}/metrics`).set(h.auth('viewer'));
    expect(m.body).toMatchObject({ resolution: 9, beats: 4, unassignedCells: 0, contiguity: { nonContiguousBeats: 0 } });
    expect(m.body.perBeat).toHaveLength(4);
    expect(m.body.workload.maxOverMean).toBeLessThan(1.5);
  });

  it('same inputs and seed give a byte-identical plan.json', async () => {
    const a = await makePlan();
    const b = await makePlan();
    const ea = await h.http.get(`/api/v1/plans/${a}/export?format=plan`).set(h.auth('analyst'));
    const eb = await h.http.get(`/api/v1/plans/${b}/export?format=plan`).set(h.auth('analyst'));
    expect(ea.text.length).toBeGreaterThan(100);
    // name the differing top-level and `extra` keys when it fails (workers load the engine afresh per job)
    const x = JSON.parse(ea.text) as Record<string, unknown> & { extra: Record<string, unknown> };
    const y = JSON.parse(eb.text) as Record<string, unknown> & { extra: Record<string, unknown> };
    const diff = [
      ...Object.keys(x).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])),
      ...Object.keys(x.extra)
        .filter((k) => JSON.stringify(x.extra[k]) !== JSON.stringify(y.extra[k]))
        .map((k) => `extra.${k}`),
    ];
    expect(diff).toEqual([]);
    expect(ea.text).toBe(eb.text);
  });

  it('imports the existing beats (method "import") and evaluates them', async () => {
    const id = await importedPlan();
    const m = await h.http.get(`/api/v1/plans/${id}/metrics`).set(h.auth('viewer'));
    expect(m.body.perBeat.map((b: { id: string }) => b.id)).toEqual(['0101', '0102']);
    const bad = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, method: 'import', resolution: 9 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.existing');
  });

  it('a plan without a beat count is 400 naming body.beats', async () => {
    const r = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('body.beats');
  });

  it('an infeasible plan fails the job with the engine code', async () => {
    const r = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, resolution: 7, beats: 4000 });
    expect(r.status).toBe(202);
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status).toBe('failed');
    expect((job.error as { code: string }).code).toMatch(/INFEASIBLE|BAD_INPUT|EMPTY_GRID/);
  });
});

describe('plans: read', () => {
  it('lists plans and gets one with its version as ETag', async () => {
    const p = await seedPlan();
    const list = await h.http.get('/api/v1/plans').set(h.auth('viewer'));
    expect(list.status).toBe(200);
    expect(list.body.items.some((x: { id: string }) => x.id === p.id)).toBe(true);
    const one = await h.http.get(`/api/v1/plans/${p.id}`).set(h.auth('viewer'));
    expect(one.status).toBe(200);
    expect(one.headers.etag).toBe(planEtag(p.id, 3));
    expect(one.body).toMatchObject({ id: p.id, version: 3, latestVersion: 3 });
  });

  it('lists versions with the current one marked', async () => {
    const p = await seedPlan();
    const r = await h.http.get(`/api/v1/plans/${p.id}/versions`).set(h.auth('viewer'));
    expect(r.body.items.map((v: { version: number; current: boolean }) => [v.version, v.current])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  it('serves the stored metrics of the current or a given version', async () => {
    const p = await seedPlan();
    const cur = await h.http.get(`/api/v1/plans/${p.id}/metrics`).set(h.auth('analyst'));
    expect(cur.body).toEqual({ fixtureVersion: 3 });
    const v1 = await h.http.get(`/api/v1/plans/${p.id}/metrics?version=1`).set(h.auth('analyst'));
    expect(v1.body).toEqual({ fixtureVersion: 1 });
    expect(v1.headers.etag).toBe(planEtag(p.id, 1));
    const missing = await h.http.get(`/api/v1/plans/${p.id}/metrics?version=9`).set(h.auth('viewer'));
    expect(missing.status).toBe(404);
    const bad = await h.http.get(`/api/v1/plans/${p.id}/metrics?version=zero`).set(h.auth('viewer'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.version');
  });

  it('exports plan.json and metrics.json as attachments', async () => {
    const p = await seedPlan();
    const r = await h.http.get(`/api/v1/plans/${p.id}/export?format=plan&version=2`).set(h.auth('analyst'));
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toContain(`plan-${p.id.slice(0, 8)}-v2-plan.json`);
    expect(JSON.parse(r.text)).toEqual({ fixture: 2 });
    const bad = await h.http.get(`/api/v1/plans/${p.id}/export?format=pdf`).set(h.auth('viewer'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.format');
  });

  it('404 for unknown plans on every read', async () => {
    for (const path of [
      '',
      '/versions',
      '/metrics',
      '/beats',
      '/cells',
      `/compare?with=${NOPE}`,
      '/export?format=plan',
      '/lookup?lat=41.86&lng=-87.68',
    ]) {
      const r = await h.http.get(`/api/v1/plans/${NOPE}${path}`).set(h.auth('viewer'));
      expect([404, 501], path).toContain(r.status);
      if (r.status === 404) expect(r.body.code).toBe('NOT_FOUND');
    }
  });

  it('lookup validates lat/lng, naming the field', async () => {
    const p = await seedPlan();
    const r = await h.http.get(`/api/v1/plans/${p.id}/lookup?lat=123&lng=-87.68`).set(h.auth('viewer'));
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('query.lat');
    const m = await h.http.get(`/api/v1/plans/${p.id}/lookup?lng=-87.68`).set(h.auth('viewer'));
    expect(m.body.errors[0].path).toBe('query.lat');
    expect((await h.http.get(`/api/v1/plans/${p.id}/lookup?lat=41.86&lng=-87.68`)).status).toBe(401);
  });

  it('beats as GeoJSON: one dissolved feature per beat with its metrics', async () => {
    const id = await makePlan();
    const r = await h.http.get(`/api/v1/plans/${id}/beats`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('application/geo+json');
    const fc = JSON.parse(r.text);
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(4);
    for (const f of fc.features) {
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
      expect(f.properties.id).toBe(f.id);
      expect(f.properties.contiguous).toBe(true);
    }
  });

  it('cells as compact JSON and as cells.csv with full scores', async () => {
    const id = await makePlan();
    const j = await h.http.get(`/api/v1/plans/${id}/cells`).set(h.auth('analyst'));
    expect(j.body.columns.slice(0, 4)).toEqual(['h3', 'beat', 'workload', 'need']);
    const m = await h.http.get(`/api/v1/plans/${id}/metrics`).set(h.auth('viewer'));
    expect(j.body.rows).toHaveLength(m.body.cells);
    const beats = new Set(m.body.perBeat.map((b: { id: string }) => b.id));
    for (const row of j.body.rows) expect(beats.has(row[1])).toBe(true);
    const total = j.body.rows.reduce((s: number, r: number[]) => s + (r[2] as number), 0);
    expect(total).toBeCloseTo(m.body.workload.total, 6);
    const csv = await h.http.get(`/api/v1/plans/${id}/cells?format=csv`).set(h.auth('analyst'));
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^h3,beat,workload,need,incidents,population/);
    expect(lines).toHaveLength(m.body.cells + 1);
    const incidents = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[4]), 0);
    expect(incidents).toBeGreaterThan(250);
    const exp = await h.http.get(`/api/v1/plans/${id}/export?format=csv`).set(h.auth('analyst'));
    // the JSON carries the per-shift workload, incidents and population of cells.csv (from plan.json)
    const head = lines[0]!.split(',');
    const shiftCols = head.filter((c) => c.startsWith('workload_'));
    expect(shiftCols.length).toBeGreaterThan(0);
    // one vocabulary and one column order in JSON and CSV
    expect(j.body.columns).toEqual(head);
    expect(j.body.columns).toEqual(['h3', 'beat', 'workload', 'need', 'incidents', 'population', ...shiftCols]);
    const byH3 = new Map(lines.slice(1).map((l) => [l.split(',')[0]!, l.split(',')]));
    for (const row of j.body.rows.slice(0, 50) as Array<Array<string | number>>) {
      const c = byH3.get(row[0] as string)!;
      for (const name of [...shiftCols, 'incidents', 'population'])
        expect(row[j.body.columns.indexOf(name)]).toBeCloseTo(Number(c[head.indexOf(name)]), 6);
    }
    const shiftSum = j.body.rows.reduce(
      (s: number, r: number[]) => s + shiftCols.reduce((t, c) => t + (r[j.body.columns.indexOf(c)] as number), 0),
      0,
    );
    expect(shiftSum).toBeCloseTo(total, 6);
    expect(exp.text).toBe(csv.text);
    expect(exp.headers['content-disposition']).toContain('cells.csv');
    const geo = await h.http.get(`/api/v1/plans/${id}/export?format=geojson`).set(h.auth('viewer'));
    expect(JSON.parse(geo.text).features).toHaveLength(4);
  });

  it('compares two plans on one grid', async () => {
    const a = await makePlan();
    const b = await importedPlan();
    const r = await h.http.get(`/api/v1/plans/${a}/compare?with=${b}`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.body.metrics.a.beats).toBe(4);
    expect(r.body.metrics.b.beats).toBe(2);
    expect(r.body.changedCells.count).toBe(r.body.changedCells.cells.length);
    expect(r.body.deltas).toHaveProperty('cv');
    const bad = await h.http.get(`/api/v1/plans/${a}/compare`).set(h.auth('viewer'));
    expect(bad.body.errors[0].path).toBe('query.with');
  });

  it('lookup: lat/lng → beat id for a viewer; null outside the city', async () => {
    const id = await makePlan();
    const r = await h.http.get(`/api/v1/plans/${id}/lookup?lat=41.87&lng=-87.675`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.body.beat).toMatch(/\S/);
    expect(r.body.cell).toMatch(/^[0-9a-f]{15}$/);
    const cells = await h.http.get(`/api/v1/plans/${id}/cells`).set(h.auth('viewer'));
    const row = cells.body.rows.find((x: string[]) => x[0] === r.body.cell);
    expect(row[1]).toBe(r.body.beat);
    const out = await h.http.get(`/api/v1/plans/${id}/lookup?lat=40.0&lng=-87.675`).set(h.auth('viewer'));
    expect(out.body).toMatchObject({ beat: null, cell: null });
  });
});

describe('plans: edits and concurrency', () => {
  it('undo/redo move the current version; ETag follows', async () => {
    const p = await seedPlan();
    const undo = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 3));
    expect(undo.status).toBe(200);
    expect(undo.headers.etag).toBe(planEtag(p.id, 2));
    expect(undo.body).toMatchObject({ version: 2, metrics: { fixtureVersion: 2 } });
    const undo2 = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 2));
    expect(undo2.body.version).toBe(1);
    const none = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 1));
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('CONFLICT');
    const redo = await h.http.post(`/api/v1/plans/${p.id}/redo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 1));
    expect(redo.body.version).toBe(2);
    const redo2 = await h.http.post(`/api/v1/plans/${p.id}/redo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 2));
    expect(redo2.body.version).toBe(3);
    const noRedo = await h.http.post(`/api/v1/plans/${p.id}/redo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 3));
    expect(noRedo.status).toBe(409);
    expect((await h.store.listPlanVersions(p.id)).length).toBe(3);
  });

  it('412 on a stale If-Match (with the current ETag), 428 without one', async () => {
    const p = await seedPlan();
    const stale = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 2));
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect(stale.headers.etag).toBe(planEtag(p.id, 3));
    const missing = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander'));
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
    const moves = await h.http
      .post(`/api/v1/plans/${p.id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', '"other"')
      .send({ cells: ['8a2664c1acb7fff'], toBeat: 'B001' });
    expect(moves.status).toBe(412);
  });

  it('two commanders editing the same version: exactly one wins, the other gets 412', async () => {
    const p = await seedPlan();
    const send = () => h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(p.id, 3));
    const [a, b] = await Promise.all([send(), send()]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
  });

  it('edits need the commander role; bodies are validated naming the field', async () => {
    const p = await seedPlan();
    const analyst = await h.http.post(`/api/v1/plans/${p.id}/undo`).set(h.auth('analyst')).set('If-Match', planEtag(p.id, 3));
    expect(analyst.status).toBe(403);
    const viewer = await h.http
      .post(`/api/v1/plans/${p.id}/locks`)
      .set(h.auth('viewer'))
      .set('If-Match', planEtag(p.id, 3))
      .send({ beats: ['B001'] });
    expect(viewer.status).toBe(403);
    const bad = await h.http
      .post(`/api/v1/plans/${p.id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(p.id, 3))
      .send({ cells: ['not-h3'], toBeat: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.cells.0', 'body.toBeat']);
    const empty = await h.http
      .post(`/api/v1/plans/${p.id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(p.id, 3))
      .send({ beats: [] });
    expect(empty.body.errors[0].path).toBe('body.beats');
    const nf = await h.http.post(`/api/v1/plans/${NOPE}/undo`).set(h.auth('commander')).set('If-Match', '"x"');
    expect(nf.status).toBe(404);
  });

  it('move cells: 200 with a new version and metrics; the old ETag then gets 412', async () => {
    const id = await makePlan();
    const mv = findMove(await loaded(id), true);
    const r = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.etag).toBe(planEtag(id, 2));
    expect(r.body).toMatchObject({ version: 2, action: 'move', summary: { moved: 1, toBeat: mv.toBeat } });
    expect(r.body.metrics.beats).toBe(4);
    const look = await h.http.get(`/api/v1/plans/${id}/cells`).set(h.auth('viewer'));
    expect(look.body.rows.find((x: string[]) => x[0] === mv.cell)[1]).toBe(mv.toBeat);
    const stale = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(stale.status).toBe(412);
    const again = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 2))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    const unknownBeat = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 2))
      .send({ cells: [mv.cell], toBeat: 'B999' });
    expect(unknownBeat.status).toBe(422);
    expect(unknownBeat.body.errors[0].path).toContain('toBeat');
  });

  it('a move the engine rejects (contiguity) is 409 MOVE_REJECTED and writes no version', async () => {
    const id = await makePlan();
    const mv = findMove(await loaded(id), false);
    const r = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('MOVE_REJECTED');
    expect((await h.store.getPlan(id))!.latestVersion).toBe(1);
  });

  it('lock/unlock write versions; a move into a locked beat is 409', async () => {
    const id = await makePlan();
    const mv = findMove(await loaded(id), true);
    const lock = await h.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ beats: [mv.toBeat] });
    expect(lock.status).toBe(200);
    expect(lock.body.metrics.perBeat.find((b: { id: string }) => b.id === mv.toBeat).locked).toBe(true);
    const blocked = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 2))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('MOVE_REJECTED');
    const unknown = await h.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 2))
      .send({ beats: ['nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toContain('beats.0');
    const unlock = await h.http
      .post(`/api/v1/plans/${id}/unlocks`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 2))
      .send({ beats: [mv.toBeat] });
    expect(unlock.body.version).toBe(3);
    const ok = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 3))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    expect(ok.status).toBe(200);
  });

  it('an edit after undo branches; redo then follows the newest child', async () => {
    const id = await makePlan();
    const mv = findMove(await loaded(id), true);
    await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ cells: [mv.cell], toBeat: mv.toBeat });
    await h.http.post(`/api/v1/plans/${id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(id, 2));
    const lock = await h.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ beats: [mv.toBeat] });
    expect(lock.body.version).toBe(3);
    await h.http.post(`/api/v1/plans/${id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(id, 3));
    const redo = await h.http.post(`/api/v1/plans/${id}/redo`).set(h.auth('commander')).set('If-Match', planEtag(id, 1));
    expect(redo.body).toMatchObject({ version: 3, action: 'lock' });
  });
});

describe('staffing', () => {
  it('staffing is commander-only: analysts and viewers get 403', async () => {
    const p = await seedPlan();
    for (const role of ['viewer', 'analyst'] as const) {
      expect((await h.http.post(`/api/v1/plans/${p.id}/staffing`).set(h.auth(role)).send({ roster: NOPE })).status).toBe(403);
      expect((await h.http.get(`/api/v1/plans/${p.id}/staffing`).set(h.auth(role))).status).toBe(403);
      expect((await h.http.get(`/api/v1/plans/${p.id}/staffing/${NOPE}`).set(h.auth(role))).status).toBe(403);
    }
    const list = await h.http.get(`/api/v1/plans/${p.id}/staffing`).set(h.auth('commander'));
    expect(list.body).toEqual({ items: [], next: null });
    const nf = await h.http.get(`/api/v1/plans/${p.id}/staffing/${NOPE}`).set(h.auth('commander'));
    expect(nf.status).toBe(404);
    const bad = await h.http.post(`/api/v1/plans/${p.id}/staffing`).set(h.auth('commander')).send({ roster: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.roster');
  });

  it('staffs a plan from a roster as a job; officer names for commanders only', async () => {
    const id = await makePlan();
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let k = 0;
    for (const shift of ['0-8', '8-16', '16-24']) for (let n = 0; n < 14; n++) lines.push(`P${++k},Officer ${k},${shift},PO,,,true`);
    const roster = await h.http
      .post('/api/v1/datasets/rosters?name=watch')
      .set(h.auth('commander'))
      .set('Content-Type', 'text/csv')
      .send(lines.join('\n'));
    expect(roster.status).toBe(201);
    const r = await h.http.post(`/api/v1/plans/${id}/staffing`).set(h.auth('commander')).send({ roster: roster.body.id });
    expect(r.status).toBe(202);
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const sid = (job.result as { staffingId: string }).staffingId;
    const list = await h.http.get(`/api/v1/plans/${id}/staffing`).set(h.auth('commander'));
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([sid]);
    const s = await h.http.get(`/api/v1/plans/${id}/staffing/${sid}`).set(h.auth('commander'));
    expect(s.status).toBe(200);
    expect(JSON.stringify(s.body)).toContain('P1');
    expect(s.body.roster).toBeDefined();
    expect((await h.http.get(`/api/v1/plans/${id}/staffing/${sid}`).set(h.auth('analyst'))).status).toBe(403);
    const wrong = await h.http.post(`/api/v1/plans/${id}/staffing`).set(h.auth('commander')).send({ roster: data.incidents });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.roster');
  });
});
