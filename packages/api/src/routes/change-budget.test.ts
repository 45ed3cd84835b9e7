/**
 * A change budget exceeded is said through the API too (#12): a re-plan with `maxChange: 0`
 * from current beats with a beat in two pieces must mend it (contiguity before the budget);
 * the job result's `warnings` say the budget was exceeded and why, and the change curve's
 * point at budget 0 carries the same reason (`budgetExceeded`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX, createPlan, type Harness, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

let h: Harness;
let parentId: string;

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  // four vertical strips; beat A holds strips 1 and 3, so it is in two pieces
  const { west: w, south: s, east: e, north: n } = BOX;
  const x = [0, 1, 2, 3, 4].map((k) => w + ((e - w) * k) / 4);
  const strip = (k: number) => [
    [
      [x[k]!, s],
      [x[k + 1]!, s],
      [x[k + 1]!, n],
      [x[k]!, n],
      [x[k]!, s],
    ],
  ];
  const beats = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { beat: 'A' }, geometry: { type: 'MultiPolygon', coordinates: [strip(0), strip(2)] } },
      { type: 'Feature', properties: { beat: 'B' }, geometry: { type: 'Polygon', coordinates: strip(1) } },
      { type: 'Feature', properties: { beat: 'C' }, geometry: { type: 'Polygon', coordinates: strip(3) } },
    ],
  };
  const up = await h.http
    .post('/api/v1/datasets/beats?idField=beat')
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(beats));
  expect(up.status, JSON.stringify(up.body)).toBe(201);
  parentId = await createPlan(h, { ...data, method: 'import', existing: up.body.id, resolution: 9 });
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('change budget exceeded, through the API', () => {
  it('re-plan with maxChange 0 from a split beat: the job result warns, naming the mended beat', async () => {
    const r = await h.http
      .post(`/api/v1/plans/${parentId}/replan`)
      .set(h.auth('analyst'))
      .send({ maxChange: 0, seed: 1, startFromExisting: true });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJob(h, r.body.id, 90_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const warnings = (job.result as { warnings: string[] }).warnings;
    const said = warnings.filter((w) => w.startsWith('the change budget of 0% of the workload is exceeded'));
    expect(said, JSON.stringify(warnings)).toHaveLength(1);
    expect(said[0]).toMatch(/mending the contiguity of beat A \(2 pieces in the predecessor\)/);
  }, 120_000);

  it('the change curve point at budget 0 carries the reason', async () => {
    const r = await h.http
      .post(`/api/v1/plans/${parentId}/change-curve`)
      .set(h.auth('analyst'))
      .send({ budgets: [0, 1], seed: 1 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const job = await waitForJob(h, r.body.id, 90_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const got = await h.http.get(`/api/v1/plans/${parentId}/change-curve/${r.body.id}`).set(h.auth('analyst'));
    const points = got.body.curve.points as Array<{ budget: number; movedWorkloadShare: number; budgetExceeded?: string }>;
    const zero = points.find((p) => p.budget === 0)!;
    expect(zero.movedWorkloadShare).toBeGreaterThan(0);
    expect(zero.budgetExceeded).toMatch(/^the change budget of 0% of the workload is exceeded: .*mending the contiguity of beat A/);
    // the 100% budget is never exceeded
    expect(points.find((p) => p.budget === 1)!.budgetExceeded).toBeUndefined();
  }, 120_000);
});
