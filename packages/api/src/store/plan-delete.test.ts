/**
 * `Store.deletePlan` and `Store.renamePlan` on the test store (SQLite, and PostgreSQL in the
 * postgres project): for any forest of plans (lineage parents named by `inputs.from` or
 * `inputs.lineage.parent.planId`) and any jobs (live or finished, naming a plan as `planId` or
 * `from`), a delete succeeds exactly when no live job names the plan and no remaining plan names
 * it as its parent; a deleted plan leaves no version, settings or staffing row, and datasets stay.
 * The blobs a deleted plan named go with it unless another row (a copy's version, a dataset, a
 * job result) still names them, and of a plan and its copy deleted at the same moment the second
 * delete sees the first's rows gone (no leak); a rename writes a version, so a stale rename is refused.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobCount, type Harness, removeDir, startHarness } from '../testing/harness.js';
import { boundaryDataset, finishedJob } from '../testing/records.js';
import type { JobStatus, PlanDeleteResult, PlanRecord, PlanVersionRecord } from './store.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const now = '2026-01-01T00:00:00.000Z';

/** A scenario: plan k's parent (an earlier plan, or none) and how it names it; jobs on plans. */
const scenario = fc.record({
  plans: fc.array(fc.record({ parent: fc.option(fc.nat(), { nil: null }), via: fc.constantFrom('from', 'lineage') }), {
    minLength: 1,
    maxLength: 7,
  }),
  jobs: fc.array(
    fc.record({
      plan: fc.nat(),
      key: fc.constantFrom('planId', 'from'),
      status: fc.constantFrom<JobStatus>('queued', 'running', 'succeeded', 'failed', 'cancelled'),
    }),
    { maxLength: 4 },
  ),
  order: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
});

describe('Store.deletePlan', () => {
  it('deletes a plan exactly when no live job names it and no remaining plan descends from it', async () => {
    const dataset = randomUUID();
    await h.store.insertDataset(boundaryDataset(await h.store.putBlob(Buffer.from('{}')), 1, dataset));
    await fc.assert(
      fc.asyncProperty(scenario, async ({ plans, jobs, order }) => {
        // one plan.json shared by every plan of the run (as copies share their source's)
        const blob = await h.store.putBlob(Buffer.from('{"format":"beatplan.plan/1"}'));
        const ids = plans.map(() => randomUUID());
        const parentOf = plans.map((p, k) => (p.parent === null || k === 0 ? null : p.parent % k));
        for (const [k, p] of plans.entries()) {
          const parent = parentOf[k];
          const inputs: Record<string, unknown> = { boundary: dataset };
          if (parent !== null && parent !== undefined) {
            if (p.via === 'from') inputs.from = ids[parent];
            else inputs.lineage = { parent: { kind: 'plan', planId: ids[parent], version: 1 } };
          }
          const rec: PlanRecord = {
            id: ids[k]!,
            name: `p${k}`,
            inputs,
            currentVersion: 0,
            latestVersion: 0,
            createdAt: now,
            createdBy: null,
            updatedAt: now,
          };
          await h.store.insertPlan(rec);
          await h.store.appendPlanVersion(
            {
              planId: rec.id,
              version: 1,
              parentVersion: null,
              action: 'plan',
              summary: {},
              planBlobRef: blob,
              metricsBlobRef: null,
              createdAt: now,
              createdBy: null,
            },
            0,
          );
          await h.store.putPlanSettings(rec.id, { venues: null, meetingSchedule: 'Tuesdays', meetingScheduleByBeat: {} }, now);
        }
        const live = new Map<number, Set<string>>();
        for (const j of jobs) {
          const target = j.plan % plans.length;
          const id = randomUUID();
          await h.store.insertJob({
            id,
            kind: 'plan',
            status: j.status,
            progress: 0,
            stage: null,
            params: { [j.key]: ids[target] },
            error: null,
            result: null,
            createdAt: now,
            startedAt: null,
            finishedAt: null,
            createdBy: null,
          });
          if (j.status === 'queued' || j.status === 'running') live.set(target, (live.get(target) ?? new Set()).add(id));
        }
        const alive = new Set(ids.keys());
        for (const o of order) {
          const k = o % plans.length;
          const got: PlanDeleteResult = await h.store.deletePlan(ids[k]!);
          const child = [...alive].find((c) => c !== k && parentOf[c] === k);
          const expected = !alive.has(k) ? 'not-found' : live.has(k) ? 'job-running' : child !== undefined ? 'lineage-parent' : 'deleted';
          if (got.status !== expected) return false;
          if (got.status === 'job-running' && !live.get(k)!.has(got.jobId)) return false;
          if (got.status === 'lineage-parent' && !ids.some((id, c) => id === got.planId && alive.has(c) && parentOf[c] === k)) return false;
          if (got.status === 'deleted') {
            alive.delete(k);
            if (
              (await h.store.getPlan(ids[k]!)) !== undefined ||
              (await h.store.listPlanVersions(ids[k]!)).length ||
              (await h.store.getPlanSettings(ids[k]!)) !== undefined
            )
              return false;
          }
        }
        // what stays is whole; the dataset stays; the shared blob stays exactly while a plan names it
        for (const k of alive) if ((await h.store.getPlanVersion(ids[k]!, 1))?.planBlobRef !== blob) return false;
        const blobKept = await h.store.getBlob(blob).then(
          (b) => b.length > 0,
          () => false,
        );
        return (await h.store.getDataset(dataset)) !== undefined && blobKept === alive.size > 0;
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

/** A new plan with one version per entry of `versions` (blob refs of plan.json and metrics.json), each from the previous. */
async function planWithVersions(versions: Array<[string, string | null]>, name = 'p'): Promise<string> {
  const id = randomUUID();
  await h.store.insertPlan({ id, name, inputs: {}, currentVersion: 0, latestVersion: 0, createdAt: now, updatedAt: now, createdBy: null });
  for (const [k, [planBlobRef, metricsBlobRef]] of versions.entries()) {
    const v: PlanVersionRecord = {
      planId: id,
      version: k + 1,
      parentVersion: k || null,
      action: k ? 'move' : 'plan',
      summary: {},
      planBlobRef,
      metricsBlobRef,
      createdAt: now,
      createdBy: null,
    };
    expect(await h.store.appendPlanVersion(v, k)).toBe(true);
  }
  return id;
}

const put = (text: string) => h.store.putBlob(Buffer.from(text));
const exists = (ref: string) =>
  h.store.getBlob(ref).then(
    () => true,
    () => false,
  );

describe('Store.deletePlan and blobs', () => {
  it("deletes the blobs of a plan's versions and staffing results: the blob count returns to its value before the plan", async () => {
    const before = await blobCount(h);
    const [p1, m1, p2, m2, staffing] = await Promise.all(['{"v":1}', '{"m":1}', '{"v":2}', '{"m":2}', '{"s":1}'].map(put));
    const id = await planWithVersions([
      [p1!, m1!],
      [p2!, m2!],
    ]);
    await h.store.insertStaffing({
      id: randomUUID(),
      planId: id,
      planVersion: 2,
      rosterDatasetId: randomUUID(),
      blobRef: staffing!,
      createdAt: now,
      createdBy: null,
    });
    // a copy of version 1 (the same blobs, as POST /plans/{id}/copy stores it), deleted after its source
    const copy = await planWithVersions([[p1!, m1!]], 'copy');
    // a finished job on the plan whose result names no blob (nulls, numbers, nesting)
    await h.store.insertJob(finishedJob({ planId: id, version: 2, infeasible: null, nested: { whatIfBlob: null } }, { planId: id }));
    expect(await blobCount(h)).toBe(before + 5);
    expect((await h.store.deletePlan(id)).status).toBe('deleted');
    expect(await blobCount(h)).toBe(before + 2);
    expect(await exists(p1!)).toBe(true);
    expect(await exists(m1!)).toBe(true);
    expect(await exists(p2!)).toBe(false);
    expect(await exists(staffing!)).toBe(false);
    expect((await h.store.deletePlan(copy)).status).toBe('deleted');
    expect(await blobCount(h)).toBe(before);
  });

  it('keeps a blob another row names: a dataset, a job result, a version of a plan kept as a lineage parent', async () => {
    const [shared, inJob, own, forParent] = await Promise.all(['{"d":1}', '{"w":1}', '{"own":1}', '{"parent":1}'].map(put));
    await h.store.insertDataset(boundaryDataset(shared!, 7));
    await h.store.insertJob(finishedJob({ whatIfBlob: inJob }));
    const parent = await planWithVersions([[forParent!, null]], 'parent');
    const child = await planWithVersions([
      [shared!, inJob!],
      [own!, null],
      [forParent!, null],
    ]);
    await h.store.insertPlan({
      id: randomUUID(),
      name: 'grandchild',
      inputs: { from: parent },
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const before = await blobCount(h);
    expect((await h.store.deletePlan(child)).status).toBe('deleted');
    expect(await blobCount(h)).toBe(before - 1);
    expect(await exists(own!)).toBe(false);
    for (const ref of [shared!, inJob!, forParent!]) expect(await exists(ref)).toBe(true);
    // the parent is refused (a plan descends from it): its blob stays
    expect((await h.store.deletePlan(parent)).status).toBe('lineage-parent');
    expect(await exists(forParent!)).toBe(true);
  });
});

describe('Store.deletePlan of a plan and its copy at the same moment', () => {
  it('deletes the blobs they share: neither delete keeps them for the other (20 rounds)', async () => {
    const before = await blobCount(h);
    for (let round = 0; round < 20; round++) {
      const [p1, m1] = await Promise.all([put(`{"round":${round}}`), put(`{"metrics":${round}}`)]);
      const source = await planWithVersions([[p1!, m1!]], `source ${round}`);
      const copy = await planWithVersions([[p1!, m1!]], `copy ${round}`);
      const got = await Promise.all([h.store.deletePlan(source), h.store.deletePlan(copy)]);
      expect(got.map((r) => r.status)).toEqual(['deleted', 'deleted']);
      expect([await exists(p1!), await exists(m1!)]).toEqual([false, false]);
    }
    expect(await blobCount(h)).toBe(before);
  });
});

describe('Store.renamePlan', () => {
  it('renames only at the expected current version, by writing a rename version; a second rename from the same version is stale', async () => {
    const blob = await put('{}');
    const id = await planWithVersions([[blob, null]], 'old');
    expect(await h.store.renamePlan(id, 'stale', 0, now, null)).toBeUndefined();
    expect(await h.store.renamePlan(randomUUID(), 'nobody', 1, now, null)).toBeUndefined();
    const v = await h.store.renamePlan(id, 'new name', 1, '2026-02-02T00:00:00.000Z', 'token-1');
    expect(v).toMatchObject({
      version: 2,
      parentVersion: 1,
      action: 'rename',
      summary: { name: { from: 'old', to: 'new name' } },
      planBlobRef: blob,
      metricsBlobRef: null,
      createdBy: 'token-1',
    });
    expect(await h.store.getPlanVersion(id, 2)).toEqual(v);
    expect(await h.store.getPlan(id)).toMatchObject({
      name: 'new name',
      currentVersion: 2,
      latestVersion: 2,
      updatedAt: '2026-02-02T00:00:00.000Z',
    });
    // the other rename read version 1 too: refused, the first one's name stays
    expect(await h.store.renamePlan(id, 'lost update', 1, now, null)).toBeUndefined();
    expect((await h.store.getPlan(id))?.name).toBe('new name');
    // the same name again writes nothing
    expect((await h.store.renamePlan(id, 'new name', 2, now, null))?.version).toBe(2);
    expect((await h.store.listPlanVersions(id)).length).toBe(2);
  });

  it('of two renames of one version sent at the same moment, exactly one is stored', async () => {
    const id = await planWithVersions([[await put('{}'), null]], 'race');
    const got = await Promise.all(['A', 'B'].map((name) => h.store.renamePlan(id, name, 1, now, null)));
    const won = got.filter((v) => v !== undefined);
    expect(won.length).toBe(1);
    expect((await h.store.getPlan(id))?.name).toBe((won[0]!.summary.name as { to: string }).to);
    expect((await h.store.listPlanVersions(id)).length).toBe(2);
  });
});
