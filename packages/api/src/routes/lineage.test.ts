/**
 * Lineage through the API: a plan made `from` another records the parent (id, version, hash of
 * the stored plan.json), inherits its beat ids, keeps the lineage across edits, and staffing
 * reads a roster's current beats against the parent.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan, type Harness, loadedPlan, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

let h: Harness;
let data: { boundary: string; incidents: string };
let parentId: string;
beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
  parentId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'parent' });
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('plan lineage', () => {
  it('records the parent plan, inherits its ids, and shows the lineage', async () => {
    const parentJson = (await h.http.get(`/api/v1/plans/${parentId}/export?format=plan`).set(h.auth('analyst'))).text;
    const childId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 2, from: parentId, name: 'child' });
    const got = await h.http.get(`/api/v1/plans/${childId}`).set(h.auth('viewer'));
    expect(got.status).toBe(200);
    expect(got.body.lineage).toMatchObject({
      parent: {
        kind: 'plan',
        planId: parentId,
        version: 1,
        beats: 4,
        sha256: createHash('sha256').update(parentJson, 'utf8').digest('hex'),
      },
      generation: 1,
    });
    expect(got.body.lineage.inheritedBeats + got.body.lineage.newBeats).toBe(4);
    const full = await h.http.get(`/api/v1/plans/${childId}/lineage`).set(h.auth('analyst'));
    expect(full.status).toBe(200);
    const parent = await loadedPlan(h, parentId);
    const child = await loadedPlan(h, childId);
    expect(full.body.lineage.parent.beats).toEqual(parent.plan.beatIds);
    for (const b of full.body.lineage.beats) if (b.inherited) expect(parent.plan.beatIds).toContain(b.id);
    expect(child.plan.beatIds).toEqual(full.body.lineage.beats.map((b: { id: string }) => b.id));
    // an edit (a lock) keeps the lineage in the new version
    const lock = await h.http
      .post(`/api/v1/plans/${childId}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', `"${childId}.v1"`)
      .send({ beats: [child.plan.beatIds[0]] });
    expect(lock.status, JSON.stringify(lock.body)).toBe(200);
    const after = await h.http.get(`/api/v1/plans/${childId}/lineage`).set(h.auth('analyst'));
    expect(after.body.version).toBe(2);
    expect(after.body.lineage).toEqual(full.body.lineage);
    // workload shares are analyst figures
    expect((await h.http.get(`/api/v1/plans/${childId}/lineage`).set(h.auth('viewer'))).status).toBe(403);
    // a plan without a parent has none
    expect((await h.http.get(`/api/v1/plans/${parentId}`).set(h.auth('viewer'))).body.lineage).toBeNull();
  });

  it('re-plans from a plan with a change budget, on its datasets', async () => {
    const r = await h.http.post(`/api/v1/plans/${parentId}/replan`).set(h.auth('analyst')).send({ seed: 3, maxChange: 0.2 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const childId = (job.result as { planId: string }).planId;
    const got = (await h.http.get(`/api/v1/plans/${childId}`).set(h.auth('viewer'))).body;
    expect(got.inputs).toMatchObject({ from: parentId, fromVersion: 1, maxChange: 0.2, startFromExisting: true, boundary: data.boundary });
    expect(got.lineage.parent.planId).toBe(parentId);
    // starting from the parent keeps its beats: every beat inherits its id
    expect(got.lineage.inheritedBeats).toBe(4);
  });

  it('refuses an unknown parent by name', async () => {
    const r = await h.http
      .post('/api/v1/plans')
      .set(h.auth('analyst'))
      .send({ ...data, beats: 4, from: '00000000-0000-4000-8000-000000000000' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('body.from');
  });

  it('reads a roster against the parent: unknown beats are named, never matched', async () => {
    const child = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 2, from: parentId, name: 'child 2' });
    const parent = await loadedPlan(h, parentId);
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    for (const shift of [1, 2, 3])
      parent.plan.beatIds.forEach((b, k) => lines.push(`P${shift}-${k},Officer ${shift}-${k},${shift},PO,${b},,true`));
    lines.push('X1,Jane Roe,1,PO,NOT-A-BEAT,,true');
    const up = await h.http
      .post('/api/v1/datasets/rosters')
      .set(h.auth('commander'))
      .set('Content-Type', 'text/csv')
      .send(`${lines.join('\n')}\n`);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const job = await h.http.post(`/api/v1/plans/${child}/staffing`).set(h.auth('commander')).send({ roster: up.body.id });
    expect(job.status, JSON.stringify(job.body)).toBe(202);
    const done = await waitForJob(h, job.body.id, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const got = await h.http
      .get(`/api/v1/plans/${child}/staffing/${(done.result as { staffingId: string }).staffingId}`)
      .set(h.auth('commander'));
    const staffing = got.body as { continuity: Record<string, unknown> };
    expect(staffing.continuity).toMatchObject({
      officersWithBeat: 12,
      unknownCurrentBeats: [{ officerId: 'X1', name: 'Jane Roe', currentBeat: 'NOT-A-BEAT' }],
    });
    expect(String(staffing.continuity.basis)).toContain(`plan ${parentId} version 1`);
  });
});
