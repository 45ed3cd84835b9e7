/**
 * Plan alternatives: N planning jobs from one plan with different seeds and objective
 * profiles, gathered into a comparison with the Pareto set; and the Pareto set's definition
 * (fast-check).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alternativesCommand } from '../cli.js';
import { createPlan, type Harness, listenOnLoopback, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';
import { type AlternativeRow, paretoSet } from './alternatives.js';

type Figures = Pick<AlternativeRow, 'maxOverMean' | 'polsbyPopperMean' | 'movedWorkloadShare' | 'meanResponseMinutes'>;
const costs = (r: Figures) => [
  r.maxOverMean ?? Infinity,
  r.polsbyPopperMean === null ? Infinity : -r.polsbyPopperMean,
  r.movedWorkloadShare ?? Infinity,
  r.meanResponseMinutes ?? Infinity,
];
const dominates = (a: Figures, b: Figures) => {
  const ca = costs(a);
  const cb = costs(b);
  return ca.every((x, k) => x <= cb[k]!) && ca.some((x, k) => x < cb[k]!);
};

describe('paretoSet', () => {
  const figure = fc.option(
    fc.integer({ min: 0, max: 5 }).map((x) => x / 5),
    { nil: null },
  );
  const row = fc.record({ maxOverMean: figure, polsbyPopperMean: figure, movedWorkloadShare: figure, meanResponseMinutes: figure });

  it('keeps exactly the rows no other row dominates', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
        const kept = new Set(paretoSet(rows));
        rows.forEach((r, i) => expect(kept.has(i)).toBe(!rows.some((o, j) => j !== i && dominates(o, r))));
        if (rows.length) expect(kept.size).toBeGreaterThan(0);
      }),
    );
  });

  it('a row better on one figure and worse on another stays beside the other', () => {
    const a = { maxOverMean: 1.01, polsbyPopperMean: 0.3, movedWorkloadShare: 0.1, meanResponseMinutes: 9 };
    const b = { maxOverMean: 1.05, polsbyPopperMean: 0.5, movedWorkloadShare: 0.1, meanResponseMinutes: 9 };
    const c = { maxOverMean: 1.06, polsbyPopperMean: 0.5, movedWorkloadShare: 0.2, meanResponseMinutes: 9 };
    expect(paretoSet([a, b, c])).toEqual([0, 1]);
  });
});

describe('POST /plans/{id}/alternatives', () => {
  let h: Harness;
  let parentId: string;

  beforeAll(async () => {
    h = await startHarness({ jobConcurrency: 2 });
    const inputs = await uploadBasics(h);
    parentId = await createPlan(h, { ...inputs, beats: 4, seed: 1 });
  });
  afterAll(() => h?.close());

  it('plans one alternative per profile, each stored once, compared against the parent', async () => {
    const r = await h.http.post(`/api/v1/plans/${parentId}/alternatives`).set(h.auth('analyst')).send({ count: 4, seed: 11 });
    expect(r.status).toBe(202);
    expect(r.body.members.map((m: { profile: string }) => m.profile)).toEqual(['balance', 'compact', 'change', 'blend']);
    expect(r.body.members.map((m: { seed: number }) => m.seed)).toEqual([11, 12, 13, 14]);
    for (const m of r.body.members) expect((await waitForJob(h, m.jobId, 120_000)).status).toBe('succeeded');

    const c = await h.http.get(`/api/v1/plans/${parentId}/alternatives/${r.body.id}`).set(h.auth('viewer'));
    expect(c.status).toBe(200);
    expect(c.body.finished).toBe(4);
    const rows = c.body.rows as AlternativeRow[];
    const plans = new Set(rows.map((x) => x.planId));
    expect(plans.size).toBe(4);
    // each alternative is one stored plan, made by its job, with the parent as its lineage parent
    for (const x of rows) {
      const stored = await h.sql(`SELECT inputs FROM plans WHERE id = '${x.planId}'`);
      expect(stored).toHaveLength(1);
      const inputs = JSON.parse(String(stored[0]!.inputs)) as { jobId: string; from: string };
      expect(inputs).toMatchObject({ jobId: x.jobId, from: parentId });
      expect(x.maxOverMean).toBeGreaterThanOrEqual(1);
      expect(x.polsbyPopperMean).toBeGreaterThan(0);
      expect(x.movedWorkloadShare).toBeGreaterThanOrEqual(0);
    }
    // starting from the parent with moves 4× costlier changes least
    const change = rows.find((x) => x.profile === 'change')!;
    for (const x of rows) expect(change.movedWorkloadShare!).toBeLessThanOrEqual(x.movedWorkloadShare! + 1e-12);
    // the Pareto flags are those of paretoSet on the four figures
    expect(rows.map((x) => x.pareto)).toEqual(rows.map((_, i) => paretoSet(rows).includes(i)));
    expect(rows.some((x) => x.pareto)).toBe(true);
  }, 240_000);

  it('beatplan alternatives: starts them on the API, waits, prints the table with the Pareto set', async () => {
    const server = await listenOnLoopback(h);
    try {
      let out = '';
      let err = '';
      const io = { stdout: { write: (x: string) => (out += x) }, stderr: { write: (x: string) => (err += x) } };
      const code = await alternativesCommand(
        ['--api', server.base, '--plan', parentId, '--token', h.tokens.analyst, '--count', '2', '--seed', '5', '--strict'],
        io,
      );
      expect(err).toMatch(/^alternatives [0-9a-f-]{36}: 2 jobs\n$/);
      expect(code).toBe(0);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[1]).toMatch(/^[* ] balance\s+5\s+succeeded\s+1\.\d{3}\s+0\.\d{3}\s+\d+\.\d%\s+\d+\.\d{2} min\s+[0-9a-f-]{36}$/);
      expect(lines[2]).toMatch(/^[* ] compact\s+6\s+succeeded/);
      expect(lines.slice(1, 3).some((l) => l.startsWith('*'))).toBe(true);
      // a plan that does not exist: the API's refusal, exit 2
      expect(
        await alternativesCommand(
          ['--api', server.base, '--plan', '00000000-0000-4000-8000-000000000000', '--token', h.tokens.analyst],
          io,
        ),
      ).toBe(2);
    } finally {
      await server.close();
    }
  }, 240_000);

  it('a failed alternative: analysts read its error, viewers only its code; the plan lists its sets', async () => {
    const r = await h.http.post(`/api/v1/plans/${parentId}/alternatives`).set(h.auth('analyst')).send({ count: 1, seed: 40 });
    expect(r.status).toBe(202);
    const jobId = r.body.members[0].jobId as string;
    expect((await h.http.post(`/api/v1/jobs/${jobId}/cancel`).set(h.auth('analyst'))).body.status).toBe('cancelled');
    const as = async (role: 'viewer' | 'analyst') =>
      (await h.http.get(`/api/v1/plans/${parentId}/alternatives/${r.body.id}`).set(h.auth(role))).body.rows[0];
    expect(await as('analyst')).toMatchObject({
      status: 'cancelled',
      planId: null,
      error: { code: 'CANCELLED', detail: 'cancelled on request' },
    });
    expect((await as('viewer')).error).toEqual({ code: 'CANCELLED', detail: 'details need the analyst role' });
    const list = await h.http.get(`/api/v1/plans/${parentId}/alternatives`).set(h.auth('viewer'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(r.body.id);
    expect(list.body.items.find((x: { id: string }) => x.id === r.body.id)).toMatchObject({
      planId: parentId,
      members: [{ jobId, profile: 'balance', seed: 40 }],
    });
    expect(list.body.items[0]).not.toHaveProperty('createdBy');
  });

  it('unknown plans and sets are 404; a viewer may not start alternatives', async () => {
    expect((await h.http.post(`/api/v1/plans/${parentId}/alternatives`).set(h.auth('viewer')).send({ count: 1 })).status).toBe(403);
    expect(
      (await h.http.post('/api/v1/plans/00000000-0000-4000-8000-000000000000/alternatives').set(h.auth('analyst')).send({ count: 1 }))
        .status,
    ).toBe(404);
    expect(
      (await h.http.get(`/api/v1/plans/${parentId}/alternatives/00000000-0000-4000-8000-000000000000`).set(h.auth('viewer'))).status,
    ).toBe(404);
  });
});
