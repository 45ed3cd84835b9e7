/**
 * `Store.deletePlan` and `Store.renamePlan` on the test store (SQLite, and PostgreSQL in the
 * postgres project): for any forest of plans (lineage parents named by `inputs.from` or
 * `inputs.lineage.parent.planId`) and any jobs (live or finished, naming a plan as `planId` or
 * `from`), a delete succeeds exactly when no live job names the plan and no remaining plan names
 * it as its parent; a deleted plan leaves no version, settings or staffing row, and datasets stay.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, startHarness } from '../testing/harness.js';
import type { JobStatus, PlanDeleteResult, PlanRecord } from './store.js';

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
    await h.store.insertDataset({
      id: dataset,
      kind: 'boundary',
      name: 'b',
      format: 'geojson',
      bytes: 1,
      sha256: 'x',
      blobRef: await h.store.putBlob(Buffer.from('{}')),
      info: {},
      createdAt: now,
      createdBy: null,
    });
    const blob = await h.store.putBlob(Buffer.from('{"format":"beatplan.plan/1"}'));
    await fc.assert(
      fc.asyncProperty(scenario, async ({ plans, jobs, order }) => {
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
        // what stays is whole; the dataset and the shared blob stay
        for (const k of alive) if ((await h.store.getPlanVersion(ids[k]!, 1))?.planBlobRef !== blob) return false;
        return (await h.store.getDataset(dataset)) !== undefined && (await h.store.getBlob(blob)).length > 0;
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('Store.renamePlan', () => {
  it('renames only at the expected current version', async () => {
    const id = randomUUID();
    await h.store.insertPlan({
      id,
      name: 'old',
      inputs: {},
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const blob = await h.store.putBlob(Buffer.from('{}'));
    await h.store.appendPlanVersion(
      {
        planId: id,
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
    expect(await h.store.renamePlan(id, 'stale', 0, now)).toBe(false);
    expect(await h.store.renamePlan(randomUUID(), 'nobody', 1, now)).toBe(false);
    expect(await h.store.renamePlan(id, 'new name', 1, '2026-02-02T00:00:00.000Z')).toBe(true);
    const p = (await h.store.getPlan(id))!;
    expect(p).toMatchObject({ name: 'new name', currentVersion: 1, latestVersion: 1, updatedAt: '2026-02-02T00:00:00.000Z' });
  });
});
