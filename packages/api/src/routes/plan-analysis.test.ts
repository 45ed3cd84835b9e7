import { createPlanState, moveCells, requiredByShift, staffingInputOfPlan } from '@beatplan/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedPlan } from '../engine-service.js';
import { DEFAULT_MEETING_SCHEDULE, planEtag, resolutionForZoom } from '../plan-access.js';
import type { Role } from '../store/store.js';
import {
  asColumns,
  BOX,
  createPlan,
  type Harness,
  listenOnLoopback,
  loadedPlan,
  removeDir,
  startHarness,
  uploadBasics,
  waitForJob,
} from '../testing/harness.js';
import { type JobEvent, readSse } from '../testing/sse.js';

let h: Harness;
let server: Awaited<ReturnType<typeof listenOnLoopback>>;
let base: string;
let data: { boundary: string; incidents: string };
let planId: string;
let rosterId: string;

const NOPE = '00000000-0000-4000-8000-000000000000';
const ROLES_BELOW = (least: Role): Role[] =>
  (['viewer', 'analyst', 'commander', 'admin'] as Role[]).slice(0, ['viewer', 'analyst', 'commander', 'admin'].indexOf(least));

/** Plans the square into 4 beats at resolution 9 with seed 1 (a real job). */
const makePlan = () => createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'four beats' });

const loaded = (id: string) => loadedPlan(h, id);

async function etagOf(id: string): Promise<string> {
  return (await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'))).headers.etag!;
}

/** One cell the engine lets move into a neighbouring beat. */
function legalMove(p: LoadedPlan): { cells: string[]; toBeat: string } {
  const state = createPlanState(p.grid, p.plan, p.scores);
  for (let i = 0; i < p.grid.cellCount; i++) {
    const b = p.plan.beatOfCell[i]!;
    for (let k = p.grid.adjOffsets[i]!; k < p.grid.adjOffsets[i + 1]!; k++) {
      const nb = p.plan.beatOfCell[p.grid.adjTargets[k]!]!;
      if (nb === b || nb < 0) continue;
      try {
        moveCells(p.grid, state, [i], nb);
        return { cells: [p.grid.h3[i]!], toBeat: p.plan.beatIds[nb]! };
      } catch {
        /* try the next */
      }
    }
  }
  throw new Error('no legal move');
}

/** Reads an SSE stream until `done`, returning the events; `onEvent` may act on each. */
async function readEvents(path: string, onEvent?: (e: JobEvent) => Promise<void> | void): Promise<JobEvent[]> {
  return (await readSse(`${base}${path}`, h.auth('viewer'), { onEvent })).events;
}

beforeAll(async () => {
  h = await startHarness({ jobConcurrency: 1 });
  server = await listenOnLoopback(h);
  base = server.base;
  data = await uploadBasics(h);
  planId = await makePlan();
  const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
  let k = 0;
  for (const shift of ['0-8', '8-16', '16-24']) for (let n = 0; n < 14; n++) lines.push(`P${++k},Officer ${k},${shift},PO,,,true`);
  const roster = await h.http
    .post('/api/v1/datasets/rosters?name=watch')
    .set(h.auth('commander'))
    .set('Content-Type', 'text/csv')
    .send(lines.join('\n'));
  expect(roster.status).toBe(201);
  rosterId = roster.body.id;
});
afterAll(async () => {
  await server.close();
  await h.close();
  removeDir(h.dir);
});

describe('POST /plans/:id/rebalance', () => {
  it('re-plans the unlocked beats as a job, keeping locked beats, and writes a new version', async () => {
    const id = await makePlan();
    const before = await loaded(id);
    // lock one beat, then move a cell so the plan is off balance
    const lockBeat = before.plan.beatIds[0]!;
    const lock = await h.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(h.auth('commander'))
      .set('If-Match', await etagOf(id))
      .send({ beats: [lockBeat] });
    expect(lock.status).toBe(200);
    const lockedCells = (await loaded(id)).plan.beatOfCell.reduce(
      (acc: string[], b, i) => (b === 0 ? [...acc, before.grid.h3[i]!] : acc),
      [],
    );
    const etag = await etagOf(id);
    const r = await h.http.post(`/api/v1/plans/${id}/rebalance`).set(h.auth('commander')).set('If-Match', etag).send({});
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.kind).toBe('rebalance');
    expect(r.headers.location).toBe(`/api/v1/jobs/${r.body.id}`);
    const events = await readEvents(`/api/v1/jobs/${r.body.id}/events`);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    expect(done.data.status, JSON.stringify(done.data.error)).toBe('succeeded');
    const result = done.data.result as { planId: string; version: number; fromVersion: number; movedShare: number | null };
    expect(result).toMatchObject({ planId: id, version: 3, fromVersion: 2 });
    const plan = await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'));
    expect(plan.headers.etag).toBe(planEtag(id, 3));
    const versions = await h.http.get(`/api/v1/plans/${id}/versions`).set(h.auth('viewer'));
    expect(versions.body.items.at(-1)).toMatchObject({ version: 3, parentVersion: 2, action: 'rebalance', current: true });
    const after = await loaded(id);
    expect(Array.from(after.plan.locked)[0]).toBe(1);
    const nowLocked = after.plan.beatOfCell.reduce((acc: string[], b, i) => (b === 0 ? [...acc, after.grid.h3[i]!] : acc), []);
    expect(nowLocked).toEqual(lockedCells);
    const metrics = await h.http.get(`/api/v1/plans/${id}/metrics`).set(h.auth('viewer'));
    expect(metrics.body.contiguity.nonContiguousBeats).toBe(0);
    // undo goes back to the version it was made from
    const undo = await h.http.post(`/api/v1/plans/${id}/undo`).set(h.auth('commander')).set('If-Match', planEtag(id, 3)).send();
    expect(undo.status).toBe(200);
    expect(undo.body.version).toBe(2);
  });

  it('fails the job with PRECONDITION_FAILED when the plan moved on meanwhile', async () => {
    const id = await makePlan();
    const etag = await etagOf(id);
    // Hold the job in the queue behind a slow job so an edit lands first.
    const slow = await h.http
      .post('/api/v1/scores')
      .set(h.auth('analyst'))
      .send({ ...data, resolution: 11 });
    const r = await h.http.post(`/api/v1/plans/${id}/rebalance`).set(h.auth('commander')).set('If-Match', etag).send({ seed: 2 });
    expect(r.status).toBe(202);
    const move = await h.http
      .post(`/api/v1/plans/${id}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', etag)
      .send(legalMove(await loaded(id)));
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    await waitForJob(h, slow.body.id, 60_000);
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status).toBe('failed');
    expect((job.error as { code: string }).code).toBe('PRECONDITION_FAILED');
    const versions = await h.http.get(`/api/v1/plans/${id}/versions`).set(h.auth('viewer'));
    expect(versions.body.items.map((v: { action: string }) => v.action)).toEqual(['plan', 'move']);
  });

  it('can be cancelled while running; the plan is unchanged', async () => {
    const id = await makePlan();
    const r = await h.http
      .post(`/api/v1/plans/${id}/rebalance`)
      .set(h.auth('commander'))
      .set('If-Match', await etagOf(id))
      .send({});
    expect(r.status).toBe(202);
    let cancelled: Record<string, unknown> | undefined;
    const events = await readEvents(`/api/v1/jobs/${r.body.id}/events`, async (e) => {
      if (!cancelled && e.data.status === 'running') {
        cancelled = (await h.http.post(`/api/v1/jobs/${r.body.id}/cancel`).set(h.auth('commander'))).body;
      }
    });
    expect(cancelled?.status).toBe('cancelled');
    expect(events.at(-1)!.data.status).toBe('cancelled');
    expect((await h.http.get(`/api/v1/plans/${id}`).set(h.auth('viewer'))).body.version).toBe(1);
  });

  it('needs If-Match (428), a current one (412), a commander (401/403) and a plan (404)', async () => {
    expect((await h.http.post(`/api/v1/plans/${planId}/rebalance`).set(h.auth('commander')).send({})).status).toBe(428);
    const stale = await h.http
      .post(`/api/v1/plans/${planId}/rebalance`)
      .set(h.auth('commander'))
      .set('If-Match', planEtag(planId, 99))
      .send({});
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect((await h.http.post(`/api/v1/plans/${planId}/rebalance`).send({})).status).toBe(401);
    for (const role of ROLES_BELOW('commander')) {
      expect(
        (
          await h.http
            .post(`/api/v1/plans/${planId}/rebalance`)
            .set(h.auth(role))
            .set('If-Match', await etagOf(planId))
            .send({})
        ).status,
      ).toBe(403);
    }
    expect((await h.http.post(`/api/v1/plans/${NOPE}/rebalance`).set(h.auth('commander')).set('If-Match', 'x').send({})).status).toBe(404);
    const bad = await h.http
      .post(`/api/v1/plans/${planId}/rebalance`)
      .set(h.auth('commander'))
      .set('If-Match', await etagOf(planId))
      .send({ tolerance: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.tolerance');
  });
});

describe('GET /plans/:id/response', () => {
  it('gives city, per-shift, per-beat and per-district figures under the required officers, cached', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/response`).set(h.auth('analyst'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.etag).toBe(planEtag(planId, 1));
    expect(r.body).toMatchObject({ planId, version: 1, staffing: null, format: 'beatplan.response/1' });
    expect(r.body.staffingRule).toContain('required');
    expect(r.body.shifts).toHaveLength(3);
    expect(r.body.shifts[0].beats).toBeUndefined();
    expect(r.body.beats).toHaveLength(4);
    expect(r.body.city.meanTravelMinutes).toBeGreaterThan(0);
    expect(r.body.unitsByShift).toHaveLength(3);
    for (const row of r.body.unitsByShift) for (const u of row) expect(u).toBeGreaterThanOrEqual(1);
    const again = await h.http.get(`/api/v1/plans/${planId}/response`).set(h.auth('analyst'));
    expect(again.body).toEqual(r.body);
  });

  it('uses the allocated officers of a stored staffing', async () => {
    const s = await h.http.post(`/api/v1/plans/${planId}/staffing`).set(h.auth('commander')).send({ roster: rosterId });
    const job = await waitForJob(h, s.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const sid = (job.result as { staffingId: string }).staffingId;
    const r = await h.http.get(`/api/v1/plans/${planId}/response?staffing=${sid}`).set(h.auth('analyst'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.staffing).toBe(sid);
    expect(r.body.staffingRule).toContain('allocated');
    const staffing = await h.http.get(`/api/v1/plans/${planId}/staffing/${sid}`).set(h.auth('commander'));
    const allocated = staffing.body.beats.map((b: { shifts: Array<{ allocated: number }> }) => b.shifts[0]!.allocated);
    expect(r.body.unitsByShift[0]).toEqual(allocated);
    const wrongVersion = await h.http.get(`/api/v1/plans/${planId}/response?staffing=${sid}&version=2`).set(h.auth('analyst'));
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.errors[0].path).toBe('query.version');
  });

  it('validates, authenticates and 404s', async () => {
    const bad = await h.http.get(`/api/v1/plans/${planId}/response?staffing=nope`).set(h.auth('analyst'));
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors[0].path).toBe('query.staffing');
    expect((await h.http.get(`/api/v1/plans/${planId}/response`)).status).toBe(401);
    expect((await h.http.get(`/api/v1/plans/${planId}/response`).set(h.auth('viewer'))).status).toBe(403);
    expect((await h.http.get(`/api/v1/plans/${NOPE}/response`).set(h.auth('analyst'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/plans/${planId}/response?staffing=${NOPE}`).set(h.auth('analyst'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/plans/${planId}/response?version=9`).set(h.auth('analyst'))).status).toBe(404);
  });
});

describe('POST /plans/:id/response/whatif', () => {
  const post = (body: unknown, role: Role = 'analyst', id = planId) =>
    h.http
      .post(`/api/v1/plans/${id}/response/whatif`)
      .set(h.auth(role))
      .send(body as object);

  it('more officers in one beat and shift: only that unit changes, and its utilisation falls', async () => {
    const base = await h.http.get(`/api/v1/plans/${planId}/response`).set(h.auth('analyst'));
    const beat = base.body.beats[0].id as string;
    const b = 0;
    const before = base.body.unitsByShift[2][b] as number;
    const r = await post({ units: [{ beat, shift: '16-24', officers: before + 2 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ planId, version: 1 });
    const { planId: _p, version: _v, staffing: _s, ...figures } = base.body;
    expect(r.body.before).toEqual(figures);
    expect(r.body.after.unitsByShift[2][b]).toBe(before + 2);
    r.body.after.unitsByShift.forEach((row: number[], s: number) =>
      row.forEach((u, k) => (s === 2 && k === b) || expect(u).toBe(base.body.unitsByShift[s][k])),
    );
    expect(r.body.after.staffingRule).toContain(`${beat} 16-24: ${before + 2}`);
    const rho = (f: { shifts: Array<{ beats?: unknown }>; beats: Array<{ id: string; utilisation?: number; rho?: number }> }) =>
      f.beats.find((x) => x.id === beat)!;
    expect(JSON.stringify(rho(r.body.after))).not.toBe(JSON.stringify(rho(r.body.before)));
  });

  it('a saturation target recomputes the required officers as the engine does (never fewer at a lower target)', async () => {
    const r = await post({ saturationTarget: 0.05 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const p = await loaded(planId);
    const expected = requiredByShift(staffingInputOfPlan(p.grid, p.plan, p.scores), { saturationTarget: 0.05 });
    expect(r.body.after.unitsByShift).toEqual(expected.map((row) => Array.from(row)));
    r.body.after.unitsByShift.forEach((row: number[], s: number) =>
      row.forEach((u, k) => expect(u).toBeGreaterThanOrEqual(r.body.before.unitsByShift[s][k])),
    );
    expect(r.body.after.staffingRule).toContain('saturation 0.05');
  });

  it('names what is wrong: unknown beat or shift, nothing asked, out of range; roles and 404', async () => {
    const unknownBeat = await post({
      units: [
        { beat: 'B0', shift: '0-8', officers: 2 },
        { beat: 'nope', shift: '0-8', officers: 2 },
      ],
    });
    // a name in the body that matches nothing is a malformed request: 400, path `body.<field>` (as POST /plans/{id}/whatif)
    expect(unknownBeat.status).toBe(400);
    expect(unknownBeat.body.code).toBe('VALIDATION_FAILED');
    expect(unknownBeat.body.errors).toContainEqual({ path: 'body.units.1.beat', message: 'no beat "nope" in the plan' });
    const beat = (await h.http.get(`/api/v1/plans/${planId}/response`).set(h.auth('analyst'))).body.beats[0].id;
    const unknownShift = await post({ units: [{ beat, shift: '7-9', officers: 2 }] });
    expect(unknownShift.status).toBe(400);
    expect(unknownShift.body.code).toBe('VALIDATION_FAILED');
    expect(unknownShift.body.errors).toEqual([{ path: 'body.units.0.shift', message: expect.stringContaining('no shift "7-9"') }]);
    const none = await post({});
    expect(none.status).toBe(400);
    expect(none.body.errors[0].path).toBe('body.units');
    expect((await post({ saturationTarget: 2 })).status).toBe(400);
    expect((await post({ units: [{ beat, shift: '0-8', officers: -1 }] })).status).toBe(400);
    // unknown fields are refused by name, at any depth (a misspelt option is never ignored)
    const extra = await post({ saturationTarget: 0.5, saturation: 0.4, units: [{ beat, shift: '0-8', officers: 2, officer: 3 }] });
    expect(extra.status).toBe(400);
    expect(extra.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.saturation', 'body.units.0.officer']);
    expect(extra.body.errors[0].message).toBe('unknown field');
    const misspelt = await h.http.post('/api/v1/plans').set(h.auth('analyst')).send({ boundary: NOPE, incidents: NOPE, beat: 4 });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.detail).toContain('body.beat: unknown field');
    const starved = await post({ units: [{ beat, shift: '16-24', officers: 0 }] });
    expect([200, 422]).toContain(starved.status);
    expect((await post({ saturationTarget: 0.5 }, 'viewer')).status).toBe(403);
    expect((await h.http.post(`/api/v1/plans/${planId}/response/whatif`).send({ saturationTarget: 0.5 })).status).toBe(401);
    expect((await post({ saturationTarget: 0.5 }, 'analyst', NOPE)).status).toBe(404);
    expect((await post({ saturationTarget: 0.5, version: 9 })).status).toBe(404);
  });
});

describe('POST /plans/:id/whatif', () => {
  const { west: w, south: s, east: e, north: n } = BOX;
  const area = {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [(w + e) / 2, s],
        [(w + e) / 2, n],
        [w, n],
        [w, s],
      ],
    ],
  };

  it('runs officers out and a workload factor in an area as a job: staffing diff and response before/after', async () => {
    const r = await h.http
      .post(`/api/v1/plans/${planId}/whatif`)
      .set(h.auth('commander'))
      .send({ roster: rosterId, officersOut: [{ shift: '16-24', count: 2 }], area, factor: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.kind).toBe('whatif');
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const result = job.result as { whatIf: string; whatIfBlob?: string };
    expect(result.whatIf).toBe(`/api/v1/plans/${planId}/whatif/${r.body.id}`);
    expect(result.whatIfBlob).toBeUndefined();
    const w1 = await h.http.get(result.whatIf).set(h.auth('commander'));
    expect(w1.status).toBe(200);
    expect(w1.body.scenario.area.cells).toBeGreaterThan(0);
    expect(w1.body.scenario.area.factor).toBe(2);
    expect(w1.body.scenario.officersOut).toEqual([{ shift: '16-24', count: 2 }]);
    if (w1.body.infeasible === null) {
      expect(w1.body.diff.shifts.find((x: { shift: string }) => x.shift === '16-24').headcountDelta).toBeLessThan(0);
      expect(w1.body.response.after.city).toBeDefined();
    }
    expect(w1.body.response.before.city.meanTravelMinutes).toBeGreaterThan(0);
    expect((await h.http.get(result.whatIf).set(h.auth('analyst'))).status).toBe(403);
    expect((await h.http.get(`/api/v1/plans/${planId}/whatif/${NOPE}`).set(h.auth('commander'))).status).toBe(404);
  });

  it('names the invalid field, checks roles and 404s', async () => {
    const post = (body: unknown, role: Role = 'commander', id = planId) =>
      h.http
        .post(`/api/v1/plans/${id}/whatif`)
        .set(h.auth(role))
        .send(body as object);
    const noFactor = await post({ roster: rosterId, area });
    expect(noFactor.status).toBe(400);
    expect(noFactor.body.errors.map((x: { path: string }) => x.path)).toContain('body.factor');
    const badArea = await post({ roster: rosterId, area: { type: 'Point', coordinates: [0, 0] }, factor: 2 });
    expect(badArea.status).toBe(400);
    expect(badArea.body.errors[0].path).toMatch(/^body\.area/);
    const badShift = await post({
      roster: rosterId,
      officersOut: [
        { shift: '0-8', count: 1 },
        { shift: '9-17', count: 1 },
      ],
    });
    expect(badShift.status).toBe(400);
    expect(badShift.body.code).toBe('VALIDATION_FAILED');
    expect(badShift.body.errors).toEqual([{ path: 'body.officersOut.1.shift', message: expect.stringContaining('no shift "9-17"') }]);
    const badRoster = await post({ roster: data.incidents, officersOut: [{ shift: '0-8', count: 1 }] });
    expect(badRoster.status).toBe(400);
    expect(badRoster.body.errors[0].path).toBe('body.roster');
    expect((await h.http.post(`/api/v1/plans/${planId}/whatif`).send({})).status).toBe(401);
    for (const role of ROLES_BELOW('commander'))
      expect((await post({ roster: rosterId, officersOut: [{ shift: '0-8', count: 1 }] }, role)).status).toBe(403);
    expect((await post({ roster: rosterId, officersOut: [{ shift: '0-8', count: 1 }] }, 'commander', NOPE)).status).toBe(404);
  });
});

describe('GET /plans/:id/cells?bbox=&zoom=', () => {
  const bbox = `${BOX.west},${BOX.south},${(BOX.west + BOX.east) / 2},${BOX.north}`;

  it('returns the cells whose centre lies in the bbox, in the one cells shape', async () => {
    const all = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'));
    const r = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${bbox}`).set(h.auth('analyst'));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ version: 1, resolution: 9, aggregated: false, columns: ['h3', 'beat', 'workload', 'need'] });
    const { h3, beat, workload, need } = asColumns(r.body) as unknown as {
      h3: string[];
      beat: string[];
      workload: number[];
      need: number[];
    };
    expect(h3.length).toBeGreaterThan(0);
    expect(h3.length).toBeLessThan(all.body.rows.length);
    expect(beat).toHaveLength(h3.length);
    expect(workload).toHaveLength(h3.length);
    expect(need).toHaveLength(h3.length);
    const byId = new Map<string, [string, string, number, number]>(
      all.body.rows.map((row: [string, string, number, number]) => [row[0], row]),
    );
    h3.forEach((c, k) => {
      expect(byId.get(c)![1]).toBe(beat[k]);
      expect(workload[k]).toBeCloseTo(byId.get(c)![2], 2);
    });
  });

  it('aggregates to coarser cells at low zoom, keeping the totals', async () => {
    const whole = `${BOX.west - 0.05},${BOX.south - 0.05},${BOX.east + 0.05},${BOX.north + 0.05}`;
    const fine = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}`).set(h.auth('analyst'));
    const coarse = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}&zoom=10`).set(h.auth('analyst'));
    expect(coarse.status).toBe(200);
    expect(coarse.body.aggregated).toBe(true);
    expect(coarse.body.resolution).toBeLessThan(9);
    expect(asColumns(coarse.body).h3.length).toBeLessThan(asColumns(fine.body).h3.length);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(sum(asColumns(coarse.body).workload)).toBeCloseTo(sum(asColumns(fine.body).workload), 1);
    expect(sum(asColumns(coarse.body).need)).toBeCloseTo(sum(asColumns(fine.body).need), 1);
    const beats = new Set(asColumns(fine.body).beat);
    for (const b of asColumns(coarse.body).beat) expect(beats.has(b)).toBe(true);
    const world = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}&zoom=3`).set(h.auth('analyst'));
    expect(world.body.resolution).toBe(4);
    expect(asColumns(world.body).h3.length).toBeLessThanOrEqual(3);
    expect(sum(asColumns(world.body).workload)).toBeCloseTo(sum(asColumns(fine.body).workload), 1);
    // a high zoom keeps the plan's own cells
    const high = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}&zoom=16`).set(h.auth('analyst'));
    expect(high.body.aggregated).toBe(false);
    expect(asColumns(high.body).h3).toEqual(asColumns(fine.body).h3);
  });

  it('names a bad bbox or zoom, and keeps the old answer without bbox', async () => {
    for (const [q, field] of [
      ['bbox=1,2,3', 'query.bbox'],
      ['bbox=5,0,1,1', 'query.bbox'],
      ['bbox=a,b,c,d', 'query.bbox'],
      [`bbox=${bbox}&zoom=40`, 'query.zoom'],
      ['zoom=10', 'query.bbox'],
      [`bbox=${bbox}&format=csv`, 'query.format'],
    ]) {
      const r = await h.http.get(`/api/v1/plans/${planId}/cells?${q}`).set(h.auth('analyst'));
      expect(r.status, q).toBe(400);
      expect(r.body.errors[0].path, q).toBe(field);
    }
    expect((await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${bbox}`)).status).toBe(401);
    expect((await h.http.get(`/api/v1/plans/${NOPE}/cells?bbox=${bbox}`).set(h.auth('analyst'))).status).toBe(404);
    const old = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'));
    // the answer without bbox keeps its columns, in order; later columns are additions
    expect(old.body.columns.slice(0, 6)).toEqual(['h3', 'beat', 'workload', 'need', 'incidents', 'population']);
    expect(old.body.columns.slice(4)).toEqual(expect.arrayContaining(['incidents', 'population']));
  });

  it('picks coarser resolutions at lower zooms', () => {
    expect(resolutionForZoom(16, 41.9, 10)).toBe(10);
    expect(resolutionForZoom(12, 41.9, 10)).toBe(9);
    expect(resolutionForZoom(10, 41.9, 10)).toBeLessThan(9);
    expect(resolutionForZoom(2, 41.9, 10)).toBe(4);
    expect(resolutionForZoom(2, 41.9, 3)).toBe(3);
  });
});

describe('GET /scores/:id/cells?bbox=&zoom=', () => {
  it("gives a finished score run's cells in a bbox, aggregated at low zoom; names bad fields; 404/409/401", async () => {
    const r = await h.http
      .post('/api/v1/scores')
      .set(h.auth('analyst'))
      .send({ ...data, resolution: 9 });
    const job = await waitForJob(h, r.body.id, 60_000);
    expect(job.status).toBe('succeeded');
    const whole = `${BOX.west - 0.05},${BOX.south - 0.05},${BOX.east + 0.05},${BOX.north + 0.05}`;
    const fine = await h.http.get(`/api/v1/scores/${r.body.id}/cells?bbox=${whole}`).set(h.auth('analyst'));
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
    expect(fine.body).toMatchObject({ resolution: 9, aggregated: false });
    expect(asColumns(fine.body).beat).toBeUndefined();
    const plan = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}`).set(h.auth('analyst'));
    expect(asColumns(fine.body).h3.length).toBe(asColumns(plan.body).h3.length);
    const coarse = await h.http.get(`/api/v1/scores/${r.body.id}/cells?bbox=${whole}&zoom=10`).set(h.auth('analyst'));
    expect(coarse.body.aggregated).toBe(true);
    const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
    expect(sum(asColumns(coarse.body).workload)).toBeCloseTo(sum(asColumns(fine.body).workload), 1);
    const bad = await h.http.get(`/api/v1/scores/${r.body.id}/cells`).set(h.auth('analyst'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.bbox');
    expect((await h.http.get(`/api/v1/scores/${NOPE}/cells?bbox=${whole}`).set(h.auth('analyst'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/scores/${r.body.id}/cells?bbox=${whole}`)).status).toBe(401);
    const slow = await h.http
      .post('/api/v1/scores')
      .set(h.auth('analyst'))
      .send({ ...data, resolution: 11 });
    const notYet = await h.http.get(`/api/v1/scores/${slow.body.id}/cells?bbox=${whole}`).set(h.auth('analyst'));
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('JOB_NOT_FINISHED');
    await h.http.post(`/api/v1/jobs/${slow.body.id}/cancel`).set(h.auth('analyst'));
  });
});

describe('venues, meetings and the public lookup', () => {
  const venues = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'lib', name: 'West Library' },
        geometry: { type: 'Point', coordinates: [BOX.west + 0.01, BOX.south + 0.02] },
      },
      {
        type: 'Feature',
        properties: { id: 'sch', name: 'East School' },
        geometry: { type: 'Point', coordinates: [BOX.east - 0.01, BOX.north - 0.01] },
      },
      {
        type: 'Feature',
        properties: { id: 'park', name: 'Centre Park' },
        geometry: { type: 'Point', coordinates: [(BOX.west + BOX.east) / 2, (BOX.south + BOX.north) / 2] },
      },
    ],
  };
  let venuesId: string;
  const upload = (body: unknown, role: Role = 'analyst', q = '') =>
    h.http.post(`/api/v1/datasets/venues${q}`).set(h.auth(role)).set('Content-Type', 'application/geo+json').send(JSON.stringify(body));

  it('uploads venues (validated) and rejects non-points naming the feature', async () => {
    const r = await upload(venues, 'analyst', '?name=venues');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'venues', info: { features: 3, idProperty: 'id', nameProperty: 'name' } });
    venuesId = r.body.id;
    const bad = await upload({
      type: 'FeatureCollection',
      features: [
        venues.features[0],
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
        },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors[0].path).toContain('row 1');
    expect(bad.body.errors[0].path).toContain('geometry.type');
    expect(
      (
        await upload({
          type: 'FeatureCollection',
          features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [500, 0] } }],
        })
      ).status,
    ).toBe(422);
    expect((await upload(venues, 'viewer')).status).toBe(403);
  });

  it('lookup gives the default schedule and no meeting place until the plan has venues', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/lookup?lat=41.87&lng=-87.675`).set(h.auth('viewer'));
    expect(r.status).toBe(200);
    expect(r.body.beat).not.toBeNull();
    expect(r.body.meetingPlace).toBeNull();
    expect(r.body.meetingSchedule).toBe(DEFAULT_MEETING_SCHEDULE);
    const outside = await h.http.get(`/api/v1/plans/${planId}/lookup?lat=10&lng=10`).set(h.auth('viewer'));
    expect(outside.body).toMatchObject({ beat: null, meetingPlace: null, meetingSchedule: null });
  });

  it('PUT /meetings sets venues and schedules; lookup then names the meeting place, never officers', async () => {
    const beats = (await loaded(planId)).plan.beatIds;
    const put = await h.http
      .put(`/api/v1/plans/${planId}/meetings`)
      .set(h.auth('commander'))
      .send({ venues: venuesId, meetingSchedule: 'second Wednesday, 19:00', meetingScheduleByBeat: { [beats[0]!]: 'last Friday, 18:00' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.beats).toHaveLength(beats.length);
    expect(put.body.beats[0]).toMatchObject({ beat: beats[0], schedule: 'last Friday, 18:00' });
    expect(put.body.beats[1].schedule).toBe('second Wednesday, 19:00');
    for (const b of put.body.beats) expect(['lib', 'sch', 'park']).toContain(b.place.id);
    const get = await h.http.get(`/api/v1/plans/${planId}/meetings`).set(h.auth('viewer'));
    expect(get.body).toEqual(put.body);
    const r = await h.http.get(`/api/v1/plans/${planId}/lookup?lat=41.87&lng=-87.675`).set(h.auth('viewer'));
    expect(r.body.meetingPlace.name).toMatch(/Library|School|Park/);
    expect(r.body.meetingPlace.position).toHaveLength(2);
    expect(typeof r.body.meetingSchedule).toBe('string');
    expect(JSON.stringify(r.body)).not.toMatch(/Officer|officer/);
  });

  it('PUT /meetings names invalid fields, needs a commander, 404s', async () => {
    const put = (body: unknown, role: Role = 'commander', id = planId) =>
      h.http
        .put(`/api/v1/plans/${id}/meetings`)
        .set(h.auth(role))
        .send(body as object);
    const notVenues = await put({ venues: data.boundary });
    expect(notVenues.status).toBe(400);
    expect(notVenues.body.errors[0].path).toBe('body.venues');
    const badBeat = await put({ venues: null, meetingScheduleByBeat: { NOPE: 'x' } });
    expect(badBeat.status).toBe(400);
    expect(badBeat.body.errors[0].path).toBe('body.meetingScheduleByBeat.NOPE');
    const missing = await put({});
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('body.venues');
    expect((await h.http.put(`/api/v1/plans/${planId}/meetings`).send({ venues: null })).status).toBe(401);
    for (const role of ROLES_BELOW('commander')) expect((await put({ venues: null }, role)).status).toBe(403);
    expect((await put({ venues: null }, 'commander', NOPE)).status).toBe(404);
    expect((await h.http.get(`/api/v1/plans/${NOPE}/meetings`).set(h.auth('viewer'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/plans/${planId}/meetings`)).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents the new routes', async () => {
    const doc = (await h.http.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.paths['/api/v1/plans/{id}/rebalance']?.post?.operationId).toBe('rebalancePlan');
    expect(doc.paths['/api/v1/plans/{id}/response']?.get?.operationId).toBe('getPlanResponse');
    expect(doc.paths['/api/v1/plans/{id}/whatif']?.post?.operationId).toBe('createWhatIf');
    expect(doc.paths['/api/v1/plans/{id}/response/whatif']?.post?.operationId).toBe('responseWhatIf');
    expect(doc.paths['/api/v1/plans/{id}/meetings']?.put?.operationId).toBe('setPlanMeetings');
    expect(doc.paths['/api/v1/datasets/venues']?.post?.operationId).toBe('uploadVenues');
  });
});
