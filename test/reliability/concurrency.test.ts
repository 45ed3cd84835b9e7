/**
 * Concurrency (issue 8, item 4): two commanders edit one plan at the same time from the same
 * ETag. Exactly one wins; the loser gets 412 with the current ETag, re-reads, rebases its
 * edit and succeeds; the final version holds both edits (no lost update).
 */
import { type BeatplanError, createPlanState, moveCells } from '@beatplan/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedPlan } from '../../packages/api/src/engine-service.js';
import { planEtag } from '../../packages/api/src/plan-access.js';
import { createPlan, type Harness, loadedPlan, removeDir, startHarness, uploadBasics } from '../../packages/api/src/testing/harness.js';

let h: Harness;
let data: { boundary: string; incidents: string };
beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
}, 120_000);
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const makePlan = () => createPlan(h, { ...data, beats: 4, resolution: 9, seed: 3, name: 'race' });

const loaded = (planId: string) => loadedPlan(h, planId);

/**
 * `count` single-cell moves (cell → a neighbouring beat) that the engine accepts in any order:
 * each is checked on the plan with all the others applied first and last.
 */
function independentMoves(p: LoadedPlan, count: number): Array<{ cell: string; toBeat: string }> {
  const { adjOffsets, adjTargets } = p.grid;
  const out: Array<{ i: number; c: number }> = [];
  const used = new Set<number>();
  const accepts = (moves: Array<{ i: number; c: number }>): boolean => {
    const state = createPlanState(p.grid, p.plan, p.scores);
    try {
      for (const m of moves) moveCells(p.grid, state, [m.i], m.c);
      return true;
    } catch (e) {
      if ((e as BeatplanError).code === 'MOVE_REJECTED') return false;
      throw e;
    }
  };
  for (let i = 0; i < p.grid.cellCount && out.length < count; i += 7) {
    if (used.has(i)) continue;
    const b = p.plan.beatOfCell[i]!;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      const c = p.plan.beatOfCell[adjTargets[e]!]!;
      if (c === b || c < 0 || used.has(adjTargets[e]!)) continue;
      const cand = [...out, { i, c }];
      if (accepts(cand) && accepts([...cand].reverse()) && cand.every((_, k) => accepts([cand[k]!]))) {
        out.push({ i, c });
        used.add(i);
        for (let f = adjOffsets[i]!; f < adjOffsets[i + 1]!; f++) used.add(adjTargets[f]!);
        break;
      }
    }
  }
  if (out.length < count) throw new Error(`found only ${out.length} independent moves`);
  return out.map((m) => ({ cell: p.grid.h3[m.i]!, toBeat: p.plan.beatIds[m.c]! }));
}

const move = (id: string, etag: string, m: { cell: string; toBeat: string }) =>
  h.http
    .post(`/api/v1/plans/${id}/moves`)
    .set(h.auth('commander'))
    .set('If-Match', etag)
    .send({ cells: [m.cell], toBeat: m.toBeat });

async function beatOf(id: string, cell: string): Promise<string> {
  const r = await h.http.get(`/api/v1/plans/${id}/cells`).set(h.auth('viewer'));
  return r.body.rows.find((x: string[]) => x[0] === cell)[1];
}

describe('concurrency: optimistic locking on plan edits', () => {
  it('two clients, same ETag: exactly one wins, the loser gets 412, rebases and succeeds; both edits are in the final version', async () => {
    const id = await makePlan();
    const [a, b] = independentMoves(await loaded(id), 2);
    const v1 = planEtag(id, 1);
    const [ra, rb] = await Promise.all([move(id, v1, a!), move(id, v1, b!)]);
    expect([ra.status, rb.status].sort()).toEqual([200, 412]);
    const [winner, loser, loserMove] = ra.status === 200 ? [ra, rb, b!] : [rb, ra, a!];
    expect(winner.headers.etag).toBe(planEtag(id, 2));
    expect(loser.body.code).toBe('PRECONDITION_FAILED');
    expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
    // rebase: re-read the plan (its ETag), check the own edit still applies, retry
    const now = await h.http.get(`/api/v1/plans/${id}`).set(h.auth('commander'));
    expect(now.headers.etag).toBe(planEtag(id, 2));
    expect(loser.headers.etag ?? now.headers.etag).toBe(planEtag(id, 2));
    const retry = await move(id, now.headers.etag!, loserMove);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.headers.etag).toBe(planEtag(id, 3));
    // no lost update: the final version holds both edits
    expect(await beatOf(id, a!.cell)).toBe(a!.toBeat);
    expect(await beatOf(id, b!.cell)).toBe(b!.toBeat);
    const versions = await h.http.get(`/api/v1/plans/${id}/versions`).set(h.auth('viewer'));
    const list = (versions.body.items ?? versions.body) as Array<{ version: number; action: string }>;
    expect(list.map((v) => v.version).sort()).toEqual([1, 2, 3]);
  }, 90_000);

  it('four clients racing with retry-on-412 (rebase loop): every edit lands exactly once, versions are 1..5', async () => {
    const id = await makePlan();
    const moves = independentMoves(await loaded(id), 4);
    let conflicts = 0;
    const client = async (m: { cell: string; toBeat: string }) => {
      let etag = planEtag(id, 1);
      for (let attempt = 0; attempt < 20; attempt++) {
        const r = await move(id, etag, m);
        if (r.status === 200) return r.body.version as number;
        expect(r.status, JSON.stringify(r.body)).toBe(412);
        conflicts++;
        etag = r.headers.etag ?? (await h.http.get(`/api/v1/plans/${id}`).set(h.auth('commander'))).headers.etag!;
      }
      throw new Error('no progress after 20 attempts');
    };
    const got = await Promise.all(moves.map(client));
    expect(got.sort()).toEqual([2, 3, 4, 5]);
    expect(conflicts).toBeGreaterThan(0);
    for (const m of moves) expect(await beatOf(id, m.cell)).toBe(m.toBeat);
    const plan = await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'));
    expect(plan.body.version).toBe(5);
    expect(plan.body.latestVersion).toBe(5);
    console.log(`concurrency: 4 clients, ${conflicts} conflicts (412) resolved by rebase, 0 lost updates`);
  }, 90_000);

  it('a move racing an undo from the same ETag: one wins, the other 412; the store stays consistent', async () => {
    const id = await makePlan();
    const [a, b] = independentMoves(await loaded(id), 2);
    const r1 = await move(id, planEtag(id, 1), a!);
    expect(r1.status).toBe(200);
    const v2 = planEtag(id, 2);
    const [m, u] = await Promise.all([
      move(id, v2, b!),
      h.http.post(`/api/v1/plans/${id}/undo`).set(h.auth('commander')).set('If-Match', v2),
    ]);
    expect([m.status, u.status].sort()).toEqual([200, 412]);
    const p = (await h.store.getPlan(id))!;
    const versions = await h.store.listPlanVersions(id);
    expect(versions.some((v) => v.version === p.currentVersion)).toBe(true);
    expect(p.latestVersion).toBe(Math.max(...versions.map((v) => v.version)));
  }, 90_000);
});
