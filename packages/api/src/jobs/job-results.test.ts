/**
 * Storing a job's result is idempotent per job (issue 18): a worker killed after storing a
 * result and before writing the job's final state leaves the job retried, and the retry must
 * find what was stored instead of writing a second plan, version or staffing. Simulated here by
 * calling the store path twice (one after the other, and at the same moment) for the same job,
 * on the harness's store (SQLite, and PostgreSQL in the `postgres` project), with the output of
 * a real planning job.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PlanRequest, PlanRequestSchema } from '../schemas.js';
import type { JobRecord } from '../store/store.js';
import { blobCount, createPlan, type Harness, startHarness, uploadBasics } from '../testing/harness.js';
import { finishComputed, jobScopedId, type ResultSpec, storeJobResult } from './job-results.js';
import { newJobRecord } from './job-runner.js';

let h: Harness;
let body: PlanRequest;
let parentId: string;
/** The output of a plan job, rebuilt from the version 1 a real job stored. */
let out: Record<string, unknown>;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  const request = { ...data, beats: 2, resolution: 9, seed: 1, name: 'idempotent' };
  body = PlanRequestSchema.parse(request); // with its defaults, as the route hands it to the job
  parentId = await createPlan(h, request);
  const v = (await h.store.getPlanVersion(parentId, 1))!;
  const plan = (await h.store.getPlan(parentId))!;
  out = {
    planJson: (await h.store.getBlob(v.planBlobRef)).toString('utf8'),
    metrics: JSON.parse((await h.store.getBlob(v.metricsBlobRef!)).toString('utf8')),
    resolution: Number(plan.inputs.resolution),
    report: v.summary.report,
  };
});
afterAll(async () => h?.close());

/** A new job row of `kind`, as a route would have queued it. */
async function newJob(kind: JobRecord['kind']): Promise<JobRecord> {
  const job = newJobRecord(kind, { note: 'idempotence test' }, null);
  await h.store.insertJob(job);
  return job;
}

/** The plans the job `jobId` stored (their inputs name the job). */
const plansOf = async (jobId: string) => (await h.store.listPlans()).filter((p) => p.inputs.jobId === jobId);

describe('storing a job result twice (a retry after the worker died between storing and finishing)', () => {
  const planSpec = (): ResultSpec => ({ kind: 'plan', body, beats: null, from: null });

  it('plan: the retry returns the same result; one plan with one version', async () => {
    const job = await newJob('plan');
    const first = await storeJobResult(h.store, job, planSpec(), out);
    const again = await storeJobResult(h.store, job, planSpec(), out);
    expect(again).toEqual(first);
    expect(first.planId).toBe(jobScopedId(job.id, 'plan'));
    const plans = await plansOf(job.id);
    expect(plans.map((p) => [p.id, p.currentVersion, p.latestVersion])).toEqual([[first.planId, 1, 1]]);
    expect(await h.store.listPlanVersions(String(first.planId))).toHaveLength(1);
    // the result names the plan, and it is readable
    const r = await h.http.get(String(first.plan)).set(h.auth('viewer'));
    expect(r.status).toBe(200);
  });

  it('plan: the worker path (finishComputed) twice gives the same outcome; one plan', async () => {
    const job = await newJob('plan');
    const a = await finishComputed(h.store, log, job.id, planSpec(), { type: 'done', result: out });
    const b = await finishComputed(h.store, log, job.id, planSpec(), { type: 'done', result: out });
    expect(a?.status).toBe('succeeded');
    expect(b).toEqual(a);
    expect(await plansOf(job.id)).toHaveLength(1);
  });

  it('plan: killed after the plan row and before its version, the retry writes version 1 once', async () => {
    const job = await newJob('plan');
    const id = jobScopedId(job.id, 'plan');
    const now = new Date().toISOString();
    await h.store.insertPlan({
      id,
      name: 'half stored',
      inputs: { jobId: job.id },
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const result = await storeJobResult(h.store, job, planSpec(), out);
    expect(result).toMatchObject({ planId: id, version: 1 });
    expect(await h.store.getPlan(id)).toMatchObject({ currentVersion: 1, latestVersion: 1 });
    expect(await h.store.listPlanVersions(id)).toHaveLength(1);
  });

  it('plan: two attempts storing at the same moment write one plan with one version and agree', async () => {
    const job = await newJob('plan');
    const [a, b] = await Promise.all([storeJobResult(h.store, job, planSpec(), out), storeJobResult(h.store, job, planSpec(), out)]);
    expect(b).toEqual(a);
    expect(await plansOf(job.id)).toHaveLength(1);
    expect(await h.store.listPlanVersions(String(a.planId))).toHaveLength(1);
  });

  it('20 alternatives, each stored twice: 20 plans, one version each', async () => {
    const jobs = await Promise.all(Array.from({ length: 20 }, () => newJob('plan')));
    const spec: ResultSpec = { kind: 'plan', body, beats: null, from: { planId: parentId, version: 1 } };
    const results = await Promise.all(jobs.flatMap((j) => [storeJobResult(h.store, j, spec, out), storeJobResult(h.store, j, spec, out)]));
    for (let i = 0; i < 20; i++) expect(results[2 * i + 1]).toEqual(results[2 * i]);
    const stored = (await Promise.all(jobs.map((j) => plansOf(j.id)))).map((ps) => ps.length);
    expect(stored).toEqual(Array(20).fill(1));
    expect(new Set(results.map((r) => r.planId)).size).toBe(20);
    for (const j of jobs) expect(await h.store.listPlanVersions(jobScopedId(j.id, 'plan'))).toHaveLength(1);
  });

  it('rebalance: the retry finds the version the first attempt wrote (marked with the job id); one new version', async () => {
    const planId = await createPlan(h, { ...body });
    const rebalanced = { ...out, report: { movedShare: 0.25, locked: [], warnings: [] } };
    const job = await newJob('rebalance');
    const spec: ResultSpec = { kind: 'rebalance', planId, fromVersion: 1 };
    const first = await storeJobResult(h.store, job, spec, rebalanced);
    const again = await storeJobResult(h.store, job, spec, rebalanced);
    expect(first).toMatchObject({ planId, version: 2, fromVersion: 1, movedShare: 0.25 });
    expect(again).toEqual(first);
    const versions = await h.store.listPlanVersions(planId);
    expect(versions.map((v) => [v.version, v.summary.jobId ?? null])).toEqual([
      [1, null],
      [2, job.id],
    ]);
    expect(versions[1]?.action).toBe('rebalance');
    // two attempts at once from version 2: one version 3
    const job2 = await newJob('rebalance');
    const spec2: ResultSpec = { kind: 'rebalance', planId, fromVersion: 2 };
    const blobs = await blobCount(h);
    const [a, b] = await Promise.all([storeJobResult(h.store, job2, spec2, rebalanced), storeJobResult(h.store, job2, spec2, rebalanced)]);
    expect(a).toMatchObject({ version: 3 });
    expect(b).toEqual(a);
    expect(await h.store.listPlanVersions(planId)).toHaveLength(3);
    // the losing attempt's plan.json and metrics were deleted: only version 3's two stay
    expect(await blobCount(h)).toBe(blobs + 2);
    // another job from a version the plan has left is still refused, and leaves no file
    const stale = await newJob('rebalance');
    await expect(storeJobResult(h.store, stale, spec2, rebalanced)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await blobCount(h)).toBe(blobs + 2);
  });

  it('staff: the retry returns the same staffing; one staffing row', async () => {
    const job = await newJob('staff');
    const spec: ResultSpec = { kind: 'staff', planId: parentId, version: 1, rosterId: 'roster-of-the-test' };
    const staffing = { staffing: { assignments: [] } };
    const [a, b] = await Promise.all([storeJobResult(h.store, job, spec, staffing), storeJobResult(h.store, job, spec, staffing)]);
    const c = await storeJobResult(h.store, job, spec, staffing);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.staffingId).toBe(jobScopedId(job.id, 'staffing'));
    expect((await h.store.listStaffing(parentId)).filter((s) => s.id === a.staffingId)).toHaveLength(1);
  });
});

describe('result blobs of a retried job (score, what-if, simulation)', () => {
  const cases: Array<{ kind: JobRecord['kind']; spec: ResultSpec; out: Record<string, unknown>; ref: string }> = [
    { kind: 'score', spec: { kind: 'score' }, out: { cellsCsv: 'h3,workload\n8a2664c1a8d7fff,1.5\n', resolution: 10 }, ref: 'cellsBlob' },
    {
      kind: 'whatif',
      spec: { kind: 'whatif', planId: 'p', version: 1, rosterId: 'r' },
      out: { whatIf: { infeasible: null, units: [1, 2] } },
      ref: 'whatIfBlob',
    },
    {
      kind: 'simulate',
      spec: { kind: 'simulate', planId: 'p', version: 1, staffingId: 's' },
      out: { simulation: { mode: 'replay', city: { calls: 3 }, warnings: [] } },
      ref: 'simulationBlob',
    },
  ];
  for (const c of cases) {
    it(`${c.kind}: a retry, and two attempts at once, store one blob; every result names it`, async () => {
      const job = await newJob(c.kind);
      const before = await blobCount(h);
      const first = await storeJobResult(h.store, job, c.spec, c.out);
      expect(await blobCount(h)).toBe(before + 1);
      const again = await storeJobResult(h.store, job, c.spec, c.out);
      expect(again).toEqual(first);
      expect(await blobCount(h)).toBe(before + 1);
      const stored = (await h.store.getBlob(String(first[c.ref]))).toString('utf8');
      if (c.kind === 'score') expect(stored).toBe(c.out.cellsCsv);
      else expect(JSON.parse(stored)).toMatchObject(Object.values(c.out)[0] as object);
      // two attempts at the same moment (a worker presumed dead still running)
      const other = await newJob(c.kind);
      const [a, b] = await Promise.all([storeJobResult(h.store, other, c.spec, c.out), storeJobResult(h.store, other, c.spec, c.out)]);
      expect(b[c.ref]).toBe(a[c.ref]);
      expect(a[c.ref]).not.toBe(first[c.ref]);
      expect(await blobCount(h)).toBe(before + 2);
    });
  }
});

describe('jobScopedId', () => {
  it('is a version-5 UUID, the same for the same job and kind, different otherwise', () => {
    const id = jobScopedId('5b0e6f4e-1d2c-4c1a-9f3e-0a1b2c3d4e5f', 'plan');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jobScopedId('5b0e6f4e-1d2c-4c1a-9f3e-0a1b2c3d4e5f', 'plan')).toBe(id);
    expect(jobScopedId('5b0e6f4e-1d2c-4c1a-9f3e-0a1b2c3d4e5f', 'staffing')).not.toBe(id);
    expect(jobScopedId('6b0e6f4e-1d2c-4c1a-9f3e-0a1b2c3d4e5f', 'plan')).not.toBe(id);
  });
});
