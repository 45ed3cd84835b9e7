/**
 * Plans without curl: copy (analyst), rename and delete (commander) with their refusals (403,
 * 404, 409, 412, 428), and the change curve of a plan as a job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobCount, createPlan, type Harness, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

let h: Harness;
let data: { boundary: string; incidents: string };
let parentId: string;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
  parentId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'parent' });
}, 120_000);
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const etagOf = (id: string, version: number) => `"${id}.v${version}"`;

describe('copy', () => {
  it('makes a new plan whose version 1 is the source version, lineage and all; analysts may copy, viewers not', async () => {
    const childId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 2, from: parentId, name: 'child' });
    const child = (await h.http.get(`/api/v1/plans/${childId}`).set(h.auth('viewer'))).body;
    expect((await h.http.post(`/api/v1/plans/${childId}/copy`).set(h.auth('viewer')).send({})).status).toBe(403);
    const r = await h.http.post(`/api/v1/plans/${childId}/copy`).set(h.auth('analyst')).send({});
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.headers.location).toBe(`/api/v1/plans/${r.body.id}`);
    expect(r.headers.etag).toBe(etagOf(r.body.id, 1));
    expect(r.body).toMatchObject({ name: 'child (copy)', version: 1, latestVersion: 1, job: null });
    expect(r.body.id).not.toBe(childId);
    // the lineage is the source's: same parent plan, same inherited ids
    expect(r.body.lineage).toEqual(child.lineage);
    expect(r.body.lineage.parent.planId).toBe(parentId);
    expect(r.body.inputs).toMatchObject({ from: parentId, boundary: data.boundary, copiedFrom: { planId: childId, version: 1 } });
    // the same plan.json, byte for byte, and the same metrics
    const a = await h.http.get(`/api/v1/plans/${childId}/export?format=plan`).set(h.auth('analyst'));
    const b = await h.http.get(`/api/v1/plans/${r.body.id}/export?format=plan`).set(h.auth('analyst'));
    expect(b.text).toBe(a.text);
    const ma = (await h.http.get(`/api/v1/plans/${childId}/metrics`).set(h.auth('analyst'))).body;
    const mb = (await h.http.get(`/api/v1/plans/${r.body.id}/metrics`).set(h.auth('analyst'))).body;
    expect(mb.perBeat).toEqual(ma.perBeat);
    const versions = (await h.http.get(`/api/v1/plans/${r.body.id}/versions`).set(h.auth('analyst'))).body.items;
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      version: 1,
      parentVersion: null,
      action: 'copy',
      summary: { from: { planId: childId, version: 1 } },
    });
  });

  it('copies a named version under a chosen name; an edit of the copy leaves the source as it was', async () => {
    const src = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 3, name: 'source' });
    const beats = (await h.http.get(`/api/v1/plans/${src}/metrics`).set(h.auth('viewer'))).body.perBeat.map((b: { id: string }) => b.id);
    const lock = await h.http
      .post(`/api/v1/plans/${src}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', etagOf(src, 1))
      .send({ beats: [beats[0]] });
    expect(lock.status).toBe(200);
    const r = await h.http.post(`/api/v1/plans/${src}/copy`).set(h.auth('analyst')).send({ name: '  Summer  ', version: 1 });
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('Summer');
    expect(r.body.inputs.copiedFrom).toEqual({ planId: src, version: 1 });
    // version 1 of the source has no locked beat; the copy neither
    const copyMetrics = (await h.http.get(`/api/v1/plans/${r.body.id}/metrics`).set(h.auth('viewer'))).body;
    expect(copyMetrics.perBeat.some((b: { locked?: boolean }) => b.locked)).toBe(false);
    const unlockCopy = await h.http
      .post(`/api/v1/plans/${r.body.id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', etagOf(r.body.id, 1))
      .send({ beats: [beats[1]] });
    expect(unlockCopy.status).toBe(200);
    const srcNow = (await h.http.get(`/api/v1/plans/${src}`).set(h.auth('viewer'))).body;
    expect(srcNow.version).toBe(2);
    expect(srcNow.latestVersion).toBe(2);
  });

  it('answers 404 for an unknown plan or version and 400 for an empty name', async () => {
    expect((await h.http.post(`/api/v1/plans/${UNKNOWN}/copy`).set(h.auth('analyst')).send({})).status).toBe(404);
    expect((await h.http.post(`/api/v1/plans/${parentId}/copy`).set(h.auth('analyst')).send({ version: 99 })).status).toBe(404);
    const bad = await h.http.post(`/api/v1/plans/${parentId}/copy`).set(h.auth('analyst')).send({ name: '   ' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.name');
  });
});

describe('rename', () => {
  it('the OpenAPI document says a rename writes a version and changes the ETag (the operation and the edits tag)', async () => {
    const doc = (await h.http.get('/api/v1/openapi.json')).body;
    const op = doc.paths['/api/v1/plans/{id}'].patch;
    expect(op.operationId).toBe('renamePlan');
    expect(op.description).toMatch(/A rename writes a new version .* so the plan's ETag changes/);
    expect(op.responses['200'].headers.ETag.description).toMatch(/the rename/);
    const edits = doc.tags.find((t: { name: string }) => t.name === 'edits');
    expect(edits.description).toMatch(/writes a new version .* its ETag changes: .* a rename/);
    expect(edits.description).toMatch(/Meeting places and schedules are settings of the plan, not versions/);
  });

  it('needs a commander and If-Match of the current version; writes a rename version, whose ETag it answers', async () => {
    const id = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 4, name: 'to rename' });
    const send = (role: 'analyst' | 'commander', ifMatch: string | null, name = 'North side 2027') => {
      const req = h.http.patch(`/api/v1/plans/${id}`).set(h.auth(role));
      return (ifMatch ? req.set('If-Match', ifMatch) : req).send({ name });
    };
    expect((await send('analyst', etagOf(id, 1))).status).toBe(403);
    expect((await send('commander', null)).status).toBe(428);
    expect((await send('commander', etagOf(id, 7))).status).toBe(412);
    const ok = await send('commander', etagOf(id, 1));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.headers.etag).toBe(etagOf(id, 2));
    expect(ok.body).toMatchObject({ id, name: 'North side 2027', version: 2 });
    expect((await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'))).body.name).toBe('North side 2027');
    // a second rename sent with the ETag both read: stale, the first name stays
    const second = await send('commander', etagOf(id, 1), 'South side 2027');
    expect(second.status).toBe(412);
    expect(second.body.code).toBe('PRECONDITION_FAILED');
    expect(second.headers.etag).toBe(etagOf(id, 2));
    expect((await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'))).body.name).toBe('North side 2027');
    // the rename version has the same beats as version 1
    const v2 = await h.store.getPlanVersion(id, 2);
    expect(v2).toMatchObject({ action: 'rename', parentVersion: 1, summary: { name: { from: 'to rename', to: 'North side 2027' } } });
    expect(v2?.planBlobRef).toBe((await h.store.getPlanVersion(id, 1))?.planBlobRef);
    // after an edit the old ETag is stale
    const beats = (await h.http.get(`/api/v1/plans/${id}/metrics`).set(h.auth('viewer'))).body.perBeat.map((b: { id: string }) => b.id);
    expect(
      (
        await h.http
          .post(`/api/v1/plans/${id}/locks`)
          .set(h.auth('commander'))
          .set('If-Match', etagOf(id, 2))
          .send({ beats: [beats[0]] })
      ).status,
    ).toBe(200);
    const stale = await send('commander', etagOf(id, 2), 'too late');
    expect(stale.status).toBe(412);
    expect(stale.headers.etag).toBe(etagOf(id, 3));
    expect((await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'))).body.name).toBe('North side 2027');
    expect(
      (await h.http.patch(`/api/v1/plans/${UNKNOWN}`).set(h.auth('commander')).set('If-Match', etagOf(UNKNOWN, 1)).send({ name: 'x' }))
        .status,
    ).toBe(404);
    expect(
      (await h.http.patch(`/api/v1/plans/${id}`).set(h.auth('commander')).set('If-Match', etagOf(id, 3)).send({ name: 'x', colour: 'red' }))
        .status,
    ).toBe(400);
  });
});

describe('delete', () => {
  it('refuses while a job works on the plan and while it is a lineage parent; then deletes it, keeping the datasets and copies', async () => {
    const base = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 5, name: 'to delete' });
    const copy = await h.http.post(`/api/v1/plans/${base}/copy`).set(h.auth('analyst')).send({ name: 'kept copy' });
    expect(copy.status).toBe(201);
    // a re-plan from it runs: refused, naming the job
    const job = await h.http.post(`/api/v1/plans/${base}/replan`).set(h.auth('analyst')).send({ seed: 2, maxChange: 0.2 });
    expect(job.status).toBe(202);
    expect((await h.http.delete(`/api/v1/plans/${base}`).set(h.auth('analyst'))).status).toBe(403);
    const busy = await h.http.delete(`/api/v1/plans/${base}`).set(h.auth('commander'));
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('CONFLICT');
    expect(busy.body.detail).toContain(job.body.id);
    const done = await waitForJob(h, job.body.id, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const childId = (done.result as { planId: string }).planId;
    // the re-plan names it as its parent: refused, naming the child
    const parentOf = await h.http.delete(`/api/v1/plans/${base}`).set(h.auth('commander'));
    expect(parentOf.status).toBe(409);
    expect(parentOf.body.detail).toContain(childId);
    // a stale If-Match is refused before anything is deleted
    expect((await h.http.delete(`/api/v1/plans/${childId}`).set(h.auth('commander')).set('If-Match', etagOf(childId, 5))).status).toBe(412);
    expect((await h.http.delete(`/api/v1/plans/${childId}`).set(h.auth('commander')).set('If-Match', etagOf(childId, 1))).status).toBe(204);
    expect((await h.http.get(`/api/v1/plans/${childId}`).set(h.auth('viewer'))).status).toBe(404);
    const gone = await h.http.delete(`/api/v1/plans/${base}`).set(h.auth('commander'));
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    for (const path of [`/api/v1/plans/${base}`, `/api/v1/plans/${base}/versions`, `/api/v1/plans/${base}/metrics`]) {
      expect((await h.http.get(path).set(h.auth('commander'))).status).toBe(404);
    }
    expect((await h.http.delete(`/api/v1/plans/${base}`).set(h.auth('commander'))).status).toBe(404);
    const list = (await h.http.get('/api/v1/plans?limit=100').set(h.auth('viewer'))).body.items.map((p: { id: string }) => p.id);
    expect(list).not.toContain(base);
    expect(list).toContain(copy.body.id);
    // the datasets stay, and the copy (sharing the stored files) still reads
    for (const d of [data.boundary, data.incidents])
      expect((await h.http.get(`/api/v1/datasets/${d}`).set(h.auth('analyst'))).status).toBe(200);
    expect((await h.http.get(`/api/v1/plans/${copy.body.id}/export?format=plan`).set(h.auth('analyst'))).status).toBe(200);
    expect((await h.http.get(`/api/v1/plans/${copy.body.id}/cells`).set(h.auth('analyst'))).status).toBe(200);
  }, 120_000);

  it('a copy whose source is deleted while it is made (the delete took the shared files) is undone: 404, no copy left', async () => {
    const source = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 6, name: 'deleted while copied' });
    const v1 = (await h.store.getPlanVersion(source, 1))!;
    const before = await blobCount(h);
    // the delete lands after the copy route read the source's version and before it writes the copy
    const insertPlan = h.store.insertPlan;
    h.store.insertPlan = async (p) => {
      h.store.insertPlan = insertPlan;
      expect((await h.store.deletePlan(source)).status).toBe('deleted');
      return insertPlan.call(h.store, p);
    };
    try {
      const r = await h.http.post(`/api/v1/plans/${source}/copy`).set(h.auth('analyst')).send({ name: 'orphan copy' });
      expect(r.status, JSON.stringify(r.body)).toBe(404);
      expect(r.body.detail).toContain('deleted while it was copied');
    } finally {
      h.store.insertPlan = insertPlan;
    }
    expect((await h.store.listPlans()).filter((p) => p.name === 'orphan copy')).toEqual([]);
    // the source's plan.json and metrics went with it
    expect(await blobCount(h)).toBe(before - 2);
    await expect(h.store.getBlob(v1.planBlobRef)).rejects.toThrow();
  }, 120_000);
});

describe('change curve', () => {
  it('re-plans once per budget and reports moved share, balance and compactness per budget', async () => {
    expect((await h.http.post(`/api/v1/plans/${parentId}/change-curve`).set(h.auth('viewer')).send({})).status).toBe(403);
    const r = await h.http
      .post(`/api/v1/plans/${parentId}/change-curve`)
      .set(h.auth('analyst'))
      .send({ budgets: [1, 0, 0.1], seed: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.kind).toBe('changecurve');
    expect(r.headers.location).toBe(`/api/v1/plans/${parentId}/change-curve/${r.body.id}`);
    const job = await waitForJob(h, r.body.id, 90_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const got = await h.http.get(`/api/v1/plans/${parentId}/change-curve/${r.body.id}`).set(h.auth('analyst'));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ planId: parentId, version: 1, curve: { balanceOn: 'total' } });
    const points = got.body.curve.points as Array<{
      budget: number;
      movedWorkloadShare: number;
      movedCellShare: number;
      maxOverMean: number;
      polsbyPopperMean: number;
      unconstrained: boolean;
    }>;
    expect(points.map((p) => p.budget)).toEqual([0, 0.1, 1]);
    // a zero budget keeps every cell; a budget under the free re-plan's change stays within it
    expect(points[0]!.movedWorkloadShare).toBe(0);
    expect(points[0]!.movedCellShare).toBe(0);
    for (const p of points) {
      if (!p.unconstrained) expect(p.movedWorkloadShare).toBeLessThanOrEqual(p.budget + 1e-9);
      expect(p.maxOverMean).toBeGreaterThanOrEqual(1);
      expect(p.polsbyPopperMean).toBeGreaterThan(0);
      expect(p.polsbyPopperMean).toBeLessThanOrEqual(1);
    }
    expect(points[2]!.unconstrained).toBe(true);
    // the balance at budget 0 is the plan's own
    const own = (await h.http.get(`/api/v1/plans/${parentId}/metrics`).set(h.auth('analyst'))).body;
    expect(points[0]!.maxOverMean).toBeCloseTo(own.workload.maxOverMean, 9);
    expect((await h.http.get(`/api/v1/plans/${UNKNOWN}/change-curve/${r.body.id}`).set(h.auth('analyst'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/plans/${parentId}/change-curve/${r.body.id}`).set(h.auth('viewer'))).status).toBe(403);
    const bad = await h.http
      .post(`/api/v1/plans/${parentId}/change-curve`)
      .set(h.auth('analyst'))
      .send({ budgets: [1.5] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toMatch(/^body\.budgets/);
  }, 120_000);
});
