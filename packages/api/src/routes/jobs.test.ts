import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../store/store.js';
import { type Harness, listenOnLoopback, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';
import { type JobEvent, readSse } from '../testing/sse.js';

let h: Harness;
let server: Awaited<ReturnType<typeof listenOnLoopback>>;
let base: string;
let data: { boundary: string; incidents: string };

beforeAll(async () => {
  h = await startHarness({ jobConcurrency: 1 });
  server = await listenOnLoopback(h);
  base = server.base;
  data = await uploadBasics(h);
});
afterAll(async () => {
  await server.close();
  await h.close();
  removeDir(h.dir);
});

/** Reads an SSE stream until `done` (or `stopAfter` events), returning the events. */
async function readEvents(path: string, options: { stopAfter?: number; signal?: AbortSignal } = {}): Promise<JobEvent[]> {
  const { contentType, events } = await readSse(`${base}${path}`, h.auth('analyst'), options);
  expect(contentType).toContain('text/event-stream');
  return events;
}

const score = (body: Record<string, unknown>, role: 'viewer' | 'analyst' = 'analyst') =>
  h.http.post('/api/v1/scores').set(h.auth(role)).send(body);

/** A job big enough to still be running when the test acts (resolution 12: ~60k cells). */
const slowJob = () => score({ ...data, resolution: 12 });

describe('score runs as jobs', () => {
  it('runs in a worker, streams progress over SSE and stores cells.csv', async () => {
    const r = await score({ ...data, resolution: 9 });
    expect(r.status).toBe(202);
    expect(r.headers.location).toBe(`/api/v1/jobs/${r.body.id}`);
    expect(r.body).toMatchObject({ kind: 'score', status: 'queued', progress: 0 });
    const events = await readEvents(`/api/v1/jobs/${r.body.id}/events`);
    const last = events.at(-1)!;
    expect(last.event).toBe('done');
    expect(last.data.status).toBe('succeeded');
    expect(events.some((e) => e.event === 'progress' || e.event === 'status')).toBe(true);
    const fractions = events.filter((e) => e.event === 'progress').map((e) => e.data.progress as number);
    for (const f of fractions) expect(f).toBeGreaterThanOrEqual(0);
    const job = last.data as { result: Record<string, unknown>; progress: number };
    expect(job.progress).toBe(1);
    expect(job.result).toMatchObject({ resolution: 9, ingest: { read: 300 }, cells: `/api/v1/scores/${r.body.id}/cells.csv` });
    // located on the grid: points whose cell centre falls outside the square are reported, not dropped silently
    const ingest = job.result.ingest as { used: number; rejected: { outside_boundary: number } };
    expect(ingest.used + ingest.rejected.outside_boundary).toBe(300);
    expect(job.result.cellsBlob).toBeUndefined();
    const cells = await h.http.get(`/api/v1/scores/${r.body.id}/cells.csv`).set(h.auth('analyst'));
    expect(cells.status).toBe(200);
    const lines = cells.text.trim().split('\n');
    expect(lines[0]).toMatch(/^h3,workload,need,incidents,population/);
    expect(lines.length - 1).toBe(job.result.cellCount);
    const incidents = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[3]), 0);
    expect(incidents).toBe((job.result.score as { used: number }).used);
  });

  it('validation names the field; unknown datasets are named too', async () => {
    const r = await score({ boundary: data.boundary });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('body.incidents');
    const res = await score({ ...data, resolution: 30 });
    expect(res.body.errors[0].path).toBe('body.resolution');
    const wrongKind = await score({ boundary: data.incidents, incidents: data.incidents });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.errors).toEqual([{ path: 'body.boundary', message: expect.stringContaining('not boundary') }]);
    const shifts = await score({ ...data, shifts: 'mornings' });
    expect(shifts.body.errors[0].path).toBe('body.shifts');
  });

  it('roles: viewers may read jobs but not start or cancel them', async () => {
    expect((await score({ ...data, resolution: 8 }, 'viewer')).status).toBe(403);
    const r = await score({ ...data, resolution: 8 });
    await waitForJob(h, r.body.id);
    expect((await h.http.post(`/api/v1/jobs/${r.body.id}/cancel`).set(h.auth('viewer'))).status).toBe(403);
    expect((await h.http.get(`/api/v1/jobs/${r.body.id}`)).status).toBe(401);
    const list = await h.http.get('/api/v1/jobs').set(h.auth('viewer'));
    expect(list.body.items.some((j: { id: string }) => j.id === r.body.id)).toBe(true);
  });

  it('a job whose input the engine rejects fails with the engine code', async () => {
    const r = await score({ ...data, resolution: 5 });
    const job = await waitForJob(h, r.body.id);
    expect(job.status).toBe('failed');
    expect(job.error).toMatchObject({ code: 'EMPTY_GRID' });
  });

  it('cancels a queued job and a running job (worker terminated)', async () => {
    const a = await slowJob();
    const b = await score({ ...data, resolution: 9 });
    // b waits behind a (concurrency 1)
    const cb = await h.http.post(`/api/v1/jobs/${b.body.id}/cancel`).set(h.auth('analyst'));
    expect(cb.status).toBe(200);
    expect(cb.body.status).toBe('cancelled');
    // wait until a is really running in its worker
    const until = Date.now() + 20_000;
    for (;;) {
      const j = await h.http.get(`/api/v1/jobs/${a.body.id}`).set(h.auth('viewer'));
      if (j.body.status === 'running' && j.body.progress > 0) break;
      expect(j.body.status).toBe(j.body.status === 'queued' ? 'queued' : 'running');
      if (Date.now() > until) throw new Error('job never started');
      await new Promise((ok) => setTimeout(ok, 20));
    }
    const ca = await h.http.post(`/api/v1/jobs/${a.body.id}/cancel`).set(h.auth('analyst'));
    expect(ca.body).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(ca.body.finishedAt).toBeTruthy();
    // stays cancelled; a second cancel changes nothing
    await new Promise((ok) => setTimeout(ok, 300));
    const again = await h.http.post(`/api/v1/jobs/${a.body.id}/cancel`).set(h.auth('analyst'));
    expect(again.body.status).toBe('cancelled');
    const events = await readEvents(`/api/v1/jobs/${a.body.id}/events`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'done', data: { status: 'cancelled' } });
    const cells = await h.http.get(`/api/v1/scores/${a.body.id}/cells.csv`).set(h.auth('analyst'));
    expect(cells.status).toBe(409);
    expect(cells.body.code).toBe('JOB_NOT_FINISHED');
    // the runner is free again
    const c = await score({ ...data, resolution: 8 });
    expect((await waitForJob(h, c.body.id)).status).toBe('succeeded');
  });

  it('survives the client disconnecting from the event stream', async () => {
    const r = await score({ ...data, resolution: 10 });
    const ac = new AbortController();
    const first = await readEvents(`/api/v1/jobs/${r.body.id}/events`, { stopAfter: 1, signal: ac.signal });
    expect(first).toHaveLength(1);
    ac.abort();
    const job = await waitForJob(h, r.body.id);
    expect(job.status).toBe('succeeded');
  });

  it('404 for unknown jobs and score runs', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await h.http.get(`/api/v1/jobs/${id}`).set(h.auth('viewer'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/jobs/${id}/events`).set(h.auth('viewer'))).status).toBe(404);
    expect((await h.http.post(`/api/v1/jobs/${id}/cancel`).set(h.auth('analyst'))).status).toBe(404);
    expect((await h.http.get(`/api/v1/scores/${id}/cells.csv`).set(h.auth('analyst'))).status).toBe(404);
  });
});

describe('restart', () => {
  it('marks jobs left running by a crash as failed, never running', async () => {
    const first = await startHarness();
    const now = new Date().toISOString();
    const job = (id: string, status: JobRecord['status']): JobRecord => ({
      id,
      kind: 'plan',
      status,
      progress: 0.4,
      stage: 'plan',
      params: {},
      error: null,
      result: null,
      createdAt: now,
      startedAt: status === 'running' ? now : null,
      finishedAt: null,
      createdBy: null,
    });
    await first.store.insertJob(job('11111111-1111-4111-8111-111111111111', 'running'));
    await first.store.insertJob(job('22222222-2222-4222-8222-222222222222', 'queued'));
    await first.store.insertJob({ ...job('33333333-3333-4333-8333-333333333333', 'succeeded'), progress: 1, finishedAt: now });
    // "crash": drop the process state without closing the runner; open a new app on the same folder
    await first.store.close();
    const second = await startHarness({}, first.dir);
    try {
      const running = await second.http.get('/api/v1/jobs/11111111-1111-4111-8111-111111111111').set(second.auth('viewer'));
      expect(running.body).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' } });
      expect(running.body.finishedAt).toBeTruthy();
      const queued = await second.http.get('/api/v1/jobs/22222222-2222-4222-8222-222222222222').set(second.auth('viewer'));
      expect(queued.body.status).toBe('failed');
      const done = await second.http.get('/api/v1/jobs/33333333-3333-4333-8333-333333333333').set(second.auth('viewer'));
      expect(done.body.status).toBe('succeeded');
      const events = await second.http.get('/api/v1/jobs/11111111-1111-4111-8111-111111111111/events').set(second.auth('viewer'));
      expect(events.text).toContain('event: done');
    } finally {
      await second.close();
      await first.app.close().catch(() => undefined);
      removeDir(first.dir);
    }
  });
});
