/**
 * Simulation runs through the API: a job with progress whose result is `beatplan simulate`'s
 * simulation.json for a stored staffing's plan version, readable per plan and version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulationResultSchema } from '../schemas.js';
import { createPlan, type Harness, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

let h: Harness;
let planId: string;
let staffingId: string;
const NOPE = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startHarness({ jobConcurrency: 1 });
  const data = await uploadBasics(h);
  planId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'four beats' });
  const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
  let k = 0;
  for (const shift of ['0-8', '8-16', '16-24']) for (let n = 0; n < 10; n++) lines.push(`P${++k},Officer ${k},${shift},PO,,,true`);
  const r = await h.http
    .post('/api/v1/datasets/rosters')
    .set(h.auth('commander'))
    .set('Content-Type', 'text/csv')
    .send(`${lines.join('\n')}\n`);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const s = await h.http.post(`/api/v1/plans/${planId}/staffing`).set(h.auth('commander')).send({ roster: r.body.id });
  const job = await waitForJob(h, s.body.id, 60_000);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  staffingId = (job.result as { staffingId: string }).staffingId;
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (h) removeDir(h.dir);
});

describe('POST /plans/:id/simulations', () => {
  it("replays the plan's incidents against the staffing as a job; the result is simulation.json, listed per version", async () => {
    const r = await h.http.post(`/api/v1/plans/${planId}/simulations`).set(h.auth('analyst')).send({ staffing: staffingId, seed: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.kind).toBe('simulate');
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.progress).toBe(1);
    const result = job.result as { simulation: string; city: { calls: number }; version: number };
    expect(result.city.calls).toBeGreaterThan(100);
    const doc = await h.http.get(result.simulation).set(h.auth('analyst'));
    expect(doc.status).toBe(200);
    expect(doc.body.format).toBe('beatplan.simulation/1');
    // the answer is what the documented schema (and the map's SimulationResultDto) says
    expect(SimulationResultSchema.safeParse(doc.body).error).toBeUndefined();
    expect(doc.body.mode).toBe('replay');
    expect(doc.body.staffing).toBe(staffingId);
    expect(doc.body.city.response.meanMinutes).toBeCloseTo(doc.body.city.meanWaitMinutes + doc.body.city.meanTravelMinutes, 3);
    expect(doc.body.beats).toHaveLength(4);
    expect(doc.body.hypercube.city.rho).toBeGreaterThan(0);
    expect(doc.body.comparison.city.utilisation.simulation).toBe(doc.body.city.utilisation);
    // the staffing's officers: 10 per shift over 4 beats, 36 h of the shift's 56 h a week
    for (const s of doc.body.unitsOnDuty.byShift) expect(s.total).toBeCloseTo((10 * 36) / 56, 3);
    const list = await h.http.get(`/api/v1/plans/${planId}/simulations?version=${result.version}`).set(h.auth('analyst'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { jobId: string }) => i.jobId)).toContain(r.body.id);
    expect((await h.http.get(`/api/v1/plans/${planId}/simulations?version=99`).set(h.auth('analyst'))).body.items).toEqual([]);
  }, 90_000);

  it('in Poisson mode draws its own calls; the same seed gives the same result', async () => {
    const run = async () => {
      const r = await h.http
        .post(`/api/v1/plans/${planId}/simulations`)
        .set(h.auth('analyst'))
        .send({ staffing: staffingId, poisson: true, days: 14, seed: 5 });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      const job = await waitForJob(h, r.body.id, 60_000);
      expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
      return (await h.http.get((job.result as { simulation: string }).simulation).set(h.auth('analyst'))).body;
    };
    const a = await run();
    expect(a.mode).toBe('poisson');
    expect(SimulationResultSchema.safeParse(a).error).toBeUndefined();
    expect(a.period.days).toBe(14);
    expect(JSON.stringify(await run())).toBe(JSON.stringify(a));
  }, 90_000);

  it('validates, authenticates and 404s', async () => {
    const post = (body: object, role: 'viewer' | 'analyst' = 'analyst') =>
      h.http.post(`/api/v1/plans/${planId}/simulations`).set(h.auth(role)).send(body);
    expect((await post({ staffing: staffingId }, 'viewer')).status).toBe(403);
    const noStaffing = await post({});
    expect(noStaffing.status).toBe(400);
    expect(noStaffing.body.errors[0].path).toBe('body.staffing');
    const days = await post({ staffing: staffingId, days: 3 });
    expect(days.status).toBe(400);
    expect(days.body.errors[0].path).toBe('body.days');
    const unknown = await post({ staffing: staffingId, speed: 3 });
    expect(unknown.status).toBe(400);
    expect((await post({ staffing: NOPE })).status).toBe(404);
    const badIncidents = await post({ staffing: staffingId, incidents: NOPE });
    expect(badIncidents.status).toBe(400);
    expect(badIncidents.body.errors[0].path).toBe('body.incidents');
    expect((await h.http.get(`/api/v1/plans/${planId}/simulations/${NOPE}`).set(h.auth('analyst'))).status).toBe(404);
  });
});
