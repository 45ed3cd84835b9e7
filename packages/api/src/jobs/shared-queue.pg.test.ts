/**
 * The shared PostgreSQL job queue with real processes on loopback: two API instances that only
 * accept jobs (`BEATPLAN_JOB_CONCURRENCY=0`) and two `beatplan worker` processes, on one
 * throw-away database. A job accepted by instance A is followed (SSE) and cancelled through
 * instance B; a job whose accepting instance A is SIGKILLed, and then its worker too, is
 * retried on the other worker, which stores its result, and B reads it; 20 alternatives finish
 * across both workers; every plan is stored once.
 *
 * Kept fast where the point is the protocol: the processes start in parallel, the demo city
 * comes with a tenth of its incidents, the SIGKILL job has a time limit (a few seconds of search), the alternatives are planned on a small square
 * city with a time limit each, and the 20 jobs are waited for in parallel.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIncidents } from '../../../../test/support/demo-data.js';
import { createToken } from '../auth.js';
import { PostgresStore } from '../store/postgres-store.js';
import { createTestDatabase, dropTestDatabase, incidentsCsv, removeDir, squareBoundary } from '../testing/harness.js';
import { type SpawnedServer, spawnServer } from '../testing/spawn-server.js';
import { spawnWorker as startWorker, type SpawnedWorker as Worker } from '../testing/spawn-worker.js';
import { readSse } from '../testing/sse.js';

const ROOT = join(import.meta.dirname, '../../../..');
const DEMO = join(ROOT, 'data/demo');

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('shared job queue: two instances, two workers', () => {
  let db: { name: string; url: string };
  const dirs: string[] = [];
  let a: SpawnedServer;
  let b: SpawnedServer;
  let workers: Worker[] = [];
  let token: string;
  let store: PostgresStore;
  let inputs: { boundary: string; incidents: string };

  const api = async (base: string, method: string, path: string, body?: unknown, type = 'application/json') => {
    const r = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': type } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const waitJob = async (base: string, id: string, timeoutMs = 90_000, everyMs = 200) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const j = await api(base, 'GET', `/jobs/${id}`);
      if (j.status !== 200) throw new Error(`GET /jobs/${id}: ${j.status} ${JSON.stringify(j.body)}`);
      if (j.body.status !== 'queued' && j.body.status !== 'running') return j.body;
      if (Date.now() > until) throw new Error(`job ${id} still ${j.body.status}`);
      await sleep(everyMs);
    }
  };
  const waitRunning = async (base: string, id: string) => {
    for (let i = 0; i < 300; i++) {
      const j = await api(base, 'GET', `/jobs/${id}`);
      if (j.body.status === 'running' && j.body.progress > 0) return j.body;
      await sleep(100);
    }
    throw new Error(`job ${id} never ran`);
  };

  const fileStart = Date.now();
  const lap = (what: string) => process.stderr.write(`shared-queue: ${what} at ${((Date.now() - fileStart) / 1000).toFixed(1)} s\n`);

  beforeAll(async () => {
    db = await createTestDatabase();
    const mk = () => {
      const d = mkdtempSync(join(tmpdir(), 'beatplan-q-'));
      dirs.push(d);
      return d;
    };
    store = await PostgresStore.open({ connectionString: db.url, dataDir: mk(), maxConnections: 2 });
    token = (await createToken(store, 'admin', 'queue test')).token;
    const env = { BEATPLAN_DATABASE_URL: db.url, BEATPLAN_JOB_CONCURRENCY: '0', BEATPLAN_RATE_LIMIT_PER_MINUTE: '1000000' };
    [a, b, ...workers] = await Promise.all([
      spawnServer({ dataDir: mk(), env }),
      spawnServer({ dataDir: mk(), env }),
      startWorker(db.url, mk()),
      startWorker(db.url, mk()),
    ]);
    const up = async (kind: string, body: string, type: string) => {
      const r = await api(a.url, 'POST', `/datasets/${kind}`, body, type);
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    // the demo city with its first 20,000 incidents (of 200,000): the protocol is the point
    inputs = {
      boundary: await up('boundary', readFileSync(join(DEMO, 'boundary.geojson'), 'utf8'), 'application/geo+json'),
      incidents: await up('incidents', await demoIncidents(20_000), 'text/csv'),
    };
    lap('2 instances and 2 workers up');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    if (db) await dropTestDatabase(db.name);
    for (const d of dirs) removeDir(d);
  });

  it('a job accepted by A is followed and cancelled through B', async () => {
    const r = await api(a.url, 'POST', '/plans', { ...inputs, beats: 40, seed: 1, timeLimitMs: 60_000 });
    expect(r.status).toBe(202);
    const id = r.body.id as string;
    const events: string[] = [];
    let cancelled = false;
    const sse = readSse(
      `${b.url}/api/v1/jobs/${id}/events`,
      { Authorization: `Bearer ${token}` },
      {
        onEvent: async (e) => {
          events.push(`${e.event}:${String(e.data.status)}`);
          if (e.event === 'progress' && !cancelled) {
            cancelled = true;
            const c = await api(b.url, 'POST', `/jobs/${id}/cancel`);
            expect(c.body.status).toBe('cancelled');
          }
        },
      },
    );
    const { events: got } = await sse;
    expect(got.some((e) => e.event === 'progress')).toBe(true);
    expect(got.at(-1)).toMatchObject({ event: 'done', data: { status: 'cancelled', error: { code: 'CANCELLED' } } });
    // A sees the same; no plan was stored; the worker stopped computing it
    expect((await api(a.url, 'GET', `/jobs/${id}`)).body.status).toBe('cancelled');
    await sleep(1000);
    const busy = await store.pool.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'beatplan-jobs' AND state = 'active'");
    expect(busy.rows[0].n).toBe(0);
    lap('follow and cancel');
  }, 120_000);

  it('the accepting instance A SIGKILLed, then the worker: the job is retried on the other worker, which stores it; B reads it, stored once', async () => {
    // a time limit: a few seconds of search per attempt, enough to kill twice mid-job
    const r = await api(a.url, 'POST', '/plans', { ...inputs, beats: 40, seed: 2, timeLimitMs: 6000 });
    expect(r.status).toBe(202);
    const id = r.body.id as string;
    await waitRunning(b.url, id);
    // A dies: no process holds anything of the job but the worker, which stores the result itself
    await a.stop('SIGKILL');
    // the stale-instance sweep, run as if every instance had died (the harshest case), leaves the job alone
    await store.pool.query('DELETE FROM instances');
    expect(await store.failInterruptedJobs(new Date().toISOString())).toBe(0);
    expect((await api(b.url, 'GET', `/jobs/${id}`)).body.status).toBe('running');
    const holder = workers.find((w) => w.out().includes(`job ${id} start`));
    expect(holder).toBeDefined();
    await holder!.stop('SIGKILL');
    const other = workers.find((w) => w !== holder)!;
    // once the retry runs on the other worker, a replacement starts meanwhile (for the next test)
    for (let i = 0; i < 600 && !other.out().includes(`job ${id} start (attempt 2)`); i++) await sleep(100);
    const replacement = startWorker(db.url, dirs[dirs.length - 1]!);
    const job = await waitJob(b.url, id, 110_000);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ version: 1, plan: `/api/v1/plans/${job.result.planId}` });
    expect(other.out()).toContain(`job ${id} start (attempt 2)`);
    const plans = await store.pool.query("SELECT count(*)::int AS n FROM plans WHERE inputs::jsonb->>'jobId' = $1", [id]);
    expect(plans.rows[0].n).toBe(1);
    const plan = await api(b.url, 'GET', `/plans/${job.result.planId}`);
    expect(plan.status).toBe(200);
    workers = [other, await replacement];
    lap('instance and worker SIGKILLed');
  }, 180_000);

  it('20 alternatives finish across both workers, every plan stored once', async () => {
    // a small square city, so that 20 plans take seconds each
    const boundary = (await api(b.url, 'POST', '/datasets/boundary', JSON.stringify(squareBoundary()), 'application/geo+json')).body
      .id as string;
    const incidents = (await api(b.url, 'POST', '/datasets/incidents', incidentsCsv(300, 3), 'text/csv')).body.id as string;
    const parent = await api(b.url, 'POST', '/plans', { boundary, incidents, beats: 3, resolution: 8, seed: 1 });
    const parentJob = await waitJob(b.url, parent.body.id as string);
    expect(parentJob.status).toBe('succeeded');
    const planId = parentJob.result.planId as string;
    const t0 = Date.now();
    const set = await api(b.url, 'POST', `/plans/${planId}/alternatives`, { count: 20, seed: 100, timeLimitMs: 3000 });
    expect(set.status).toBe(202);
    const jobIds = (set.body.members as Array<{ jobId: string }>).map((m) => m.jobId);
    expect(new Set(jobIds).size).toBe(20);
    const ended = await Promise.all(jobIds.map((id) => waitJob(b.url, id, 400_000, 1000)));
    expect(ended.map((j) => j.status)).toEqual(jobIds.map(() => 'succeeded'));
    process.stderr.write(`20 alternatives on 2 workers: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // both workers took some
    for (const w of workers) expect(jobIds.some((id) => w.out().includes(`job ${id} start`))).toBe(true);
    // one stored plan per job, none twice
    const stored = await store.pool.query("SELECT inputs::jsonb->>'jobId' AS job FROM plans WHERE inputs::jsonb->>'from' = $1", [planId]);
    expect(stored.rows.map((r) => r.job).sort()).toEqual([...jobIds].sort());
    const cmp = await api(b.url, 'GET', `/plans/${planId}/alternatives/${set.body.id}`);
    expect(cmp.body.finished).toBe(20);
    expect((cmp.body.rows as Array<{ pareto: boolean }>).some((r) => r.pareto)).toBe(true);
    lap('20 alternatives');
  }, 480_000);
});
