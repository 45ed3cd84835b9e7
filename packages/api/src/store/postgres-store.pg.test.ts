/**
 * PostgresStore specifics and several API instances on one database (issue 8, item 6).
 * Runs only in the `postgres` vitest project (`BEATPLAN_TEST_DATABASE_URL`, see .ci/postgres.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadPlanJson } from '../engine-service.js';
import { planEtag } from '../plan-access.js';
import { startServer } from '../server.js';
import {
  createTestDatabase,
  dropTestDatabase,
  type Harness,
  removeDir,
  startHarness,
  uploadBasics,
  waitForJob,
} from '../testing/harness.js';
import { PG_MIGRATIONS, PostgresStore } from './postgres-store.js';
import type { JobRecord, PlanVersionRecord } from './store.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A fresh database and a function opening stores on it, each with its own data folder. */
async function freshDatabase(): Promise<(options?: { heartbeatMs?: number; staleAfterMs?: number }) => Promise<PostgresStore>> {
  const db = await createTestDatabase();
  const stores: PostgresStore[] = [];
  const dirs: string[] = [];
  cleanup.push(async () => {
    for (const s of stores) await s.close();
    await dropTestDatabase(db.name);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return async (options = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'beatplan-pg-'));
    dirs.push(dir);
    const s = await PostgresStore.open({ connectionString: db.url, dataDir: dir, maxConnections: 4, ...options });
    stores.push(s);
    return s;
  };
}

const now = '2026-01-01T00:00:00.000Z';
const version = (planId: string, v: number, parent: number | null, ref: string): PlanVersionRecord => ({
  planId,
  version: v,
  parentVersion: parent,
  action: 'move',
  summary: {},
  planBlobRef: ref,
  metricsBlobRef: null,
  createdAt: now,
  createdBy: null,
});
const job = (id: string, status: JobRecord['status']): JobRecord => ({
  id,
  kind: 'plan',
  status,
  progress: 0,
  stage: null,
  params: {},
  error: null,
  result: null,
  createdAt: now,
  startedAt: null,
  finishedAt: null,
  createdBy: null,
});

describe('PostgresStore', () => {
  it('instances starting together migrate once (advisory lock)', async () => {
    const open = await freshDatabase();
    const stores = await Promise.all([open(), open(), open(), open()]);
    const rows = (await stores[0]!.pool.query('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
    expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    const again = await open();
    expect((await again.pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(PG_MIGRATIONS.length);
  });

  it('blobs live in the database: another instance reads them, in chunks, through its own cache', async () => {
    const open = await freshDatabase();
    const [a, b] = [await open(), await open()];
    const big = Buffer.alloc(2.5 * 1024 * 1024 + 17);
    for (let k = 0; k < big.length; k++) big[k] = (k * 31 + (k >> 11)) & 0xff;
    const ref = await a.putBlob(big);
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);
    expect((await a.pool.query('SELECT count(*)::int AS n FROM blob_chunks WHERE ref = $1', [ref])).rows[0].n).toBe(3);
    expect(() => b.blobPath(ref)).toThrow(/not on this instance's disk/);
    expect((await b.getBlob(ref)).equals(big)).toBe(true);
    expect(b.blobPath(ref)).toMatch(new RegExp(`${ref}$`));
    await expect(b.getBlob('../x')).rejects.toThrow(/invalid blob ref/);
    await expect(b.getBlob('00000000-0000-4000-8000-000000000000')).rejects.toThrow(/unknown blob ref/);
    // a dataset read on another instance brings its blob to local disk, so blobPath works
    const ref2 = await a.putBlob(Buffer.from('lat,lng\n'));
    await a.insertDataset({
      id: 'd1',
      kind: 'incidents',
      name: 'x',
      format: 'csv',
      bytes: 8,
      sha256: '0',
      blobRef: ref2,
      info: { a: 1 },
      createdAt: now,
      createdBy: null,
    });
    const c = await open();
    expect(() => c.blobPath(ref2)).toThrow();
    expect(await c.getDataset('d1')).toMatchObject({ id: 'd1', info: { a: 1 } });
    expect(c.blobPath(ref2)).toBeTruthy();
    // an empty blob is a blob too
    const empty = await a.putBlob(new Uint8Array());
    expect((await c.getBlob(empty)).length).toBe(0);
  });

  it('plan versions are compare-and-set across instances: exactly one of many racing writers wins', async () => {
    const open = await freshDatabase();
    const [a, b] = [await open(), await open()];
    await a.insertPlan({
      id: 'p',
      name: 'p',
      inputs: {},
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const r1 = await a.putBlob(Buffer.from('1'));
    expect(await a.appendPlanVersion(version('p', 1, null, r1), 0)).toBe(true);
    const results = await Promise.all(Array.from({ length: 12 }, (_, k) => (k % 2 ? a : b).appendPlanVersion(version('p', 2, 1, r1), 1)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await b.getPlan('p')).toMatchObject({ currentVersion: 2, latestVersion: 2 });
    expect(await a.setCurrentVersion('p', 1, 2)).toBe(true);
    expect(await b.setCurrentVersion('p', 2, 2)).toBe(false);
    expect(await b.appendPlanVersion(version('p', 3, 1, r1), 1)).toBe(true);
    expect((await a.listPlanVersions('p')).map((v) => [v.version, v.parentVersion])).toEqual([
      [1, null],
      [2, 1],
      [3, 1],
    ]);
    expect(await a.setCurrentVersion('p', 9, 3)).toBe(false);
  });

  it('stores client text with NUL characters (which Postgres text refuses) instead of failing', async () => {
    const open = await freshDatabase();
    const s = await open();
    await s.insertToken({ id: 't', role: 'viewer', label: 'a\u0000b', hash: 'h', createdAt: now, revokedAt: null });
    expect((await s.listTokens())[0]!.label).toBe('a\uFFFDb');
    expect(await s.getPlan('p\u0000')).toBeUndefined();
  });

  it('failInterruptedJobs leaves the jobs of live instances alone and fails those of dead ones', async () => {
    const open = await freshDatabase();
    const a = await open();
    const b = await open();
    await a.insertJob(job('a-running', 'running'));
    await a.insertJob(job('a-queued', 'queued'));
    await a.insertJob(job('a-done', 'succeeded'));
    // b starting up (or closing) must not touch a's live jobs
    expect(await b.failInterruptedJobs(now)).toBe(0);
    expect((await b.getJob('a-running'))!.status).toBe('running');
    // a goes silent for longer than staleAfterMs: its jobs are failed by the next instance
    const c = await open({ staleAfterMs: 1_000 });
    await c.pool.query("UPDATE instances SET heartbeat_at = now() - interval '1 hour' WHERE id = $1", [a.instanceId]);
    expect(await c.failInterruptedJobs(now)).toBe(2);
    expect(await b.getJob('a-running')).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' }, finishedAt: now });
    expect((await b.getJob('a-done'))!.status).toBe('succeeded');
    // a closed instance is dead at once; the heartbeat of the others sweeps its jobs
    const d = await open({ heartbeatMs: 100 });
    await b.insertJob(job('b-running', 'running'));
    await b.close();
    await expect.poll(async () => (await d.getJob('b-running'))!.status, { timeout: 5_000 }).toBe('failed');
    // its own jobs: failed by its own call (the runner closing)
    await d.insertJob(job('d-running', 'running'));
    expect(await d.failInterruptedJobs(now)).toBe(1);
  });
});

describe('two API instances on one Postgres database', () => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await startHarness({ jobConcurrency: 1 });
    b = await startHarness({ jobConcurrency: 1 }, undefined, { sharedWith: a });
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (a) removeDir(a.dir);
    if (b) removeDir(b.dir);
  });

  it('share tokens, datasets (blobs), jobs and plans; a stale edit on one instance gets 412', async () => {
    expect(a.databaseUrl).toBe(b.databaseUrl);
    expect(a.dir).not.toBe(b.dir);
    // a token made on one instance works on the other
    expect((await b.http.get('/api/v1/me').set(a.auth('commander'))).body.role).toBe('commander');
    // datasets uploaded to a; the plan job submitted to b reads their blobs from the database
    const data = await uploadBasics(a);
    const submit = await b.http
      .post('/api/v1/plans')
      .set(b.auth('analyst'))
      .send({ ...data, beats: 4, resolution: 9, seed: 3, name: 'two instances' });
    expect(submit.status, JSON.stringify(submit.body)).toBe(202);
    const done = await waitForJob(a, submit.body.id, 60_000); // polled on the other instance
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const id = (done.result as { planId: string }).planId;

    const [pa, pb] = await Promise.all([
      a.http.get(`/api/v1/plans/${id}`).set(a.auth('viewer')),
      b.http.get(`/api/v1/plans/${id}`).set(b.auth('viewer')),
    ]);
    expect(pa.headers.etag).toBe(planEtag(id, 1));
    expect(pb.headers.etag).toBe(planEtag(id, 1));
    const exported = await b.http.get(`/api/v1/plans/${id}/export?format=plan`).set(b.auth('analyst'));
    const beats = loadPlanJson(exported.text).plan.beatIds;

    // both instances edit from version 1: a wins, b loses with 412 and the current ETag
    const win = await a.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(a.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ beats: [beats[0]] });
    expect(win.status, JSON.stringify(win.body)).toBe(200);
    const lose = await b.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(b.auth('commander'))
      .set('If-Match', planEtag(id, 1))
      .send({ beats: [beats[1]] });
    expect(lose.status).toBe(412);
    expect(lose.body.code).toBe('PRECONDITION_FAILED');
    // b sees a's edit, rebases, and a sees b's
    const now2 = await b.http.get(`/api/v1/plans/${id}`).set(b.auth('commander'));
    expect(now2.headers.etag).toBe(planEtag(id, 2));
    const retry = await b.http
      .post(`/api/v1/plans/${id}/locks`)
      .set(b.auth('commander'))
      .set('If-Match', now2.headers.etag!)
      .send({ beats: [beats[1]] });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    const seen = await a.http.get(`/api/v1/plans/${id}`).set(a.auth('viewer'));
    expect(seen.headers.etag).toBe(planEtag(id, 3));
    const versions = await a.http.get(`/api/v1/plans/${id}/versions`).set(a.auth('viewer'));
    const list = (versions.body.items ?? versions.body) as Array<{ version: number }>;
    expect(list.map((v) => v.version).sort()).toEqual([1, 2, 3]);
  }, 120_000);

  it('simultaneous edits from the same ETag on both instances: one 200, one 412', async () => {
    const data = await uploadBasics(b);
    const submit = await a.http
      .post('/api/v1/plans')
      .set(a.auth('analyst'))
      .send({ ...data, beats: 4, resolution: 9, seed: 5, name: 'race' });
    const done = await waitForJob(b, submit.body.id, 60_000);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const id = (done.result as { planId: string }).planId;
    const beats = loadPlanJson((await a.http.get(`/api/v1/plans/${id}/export?format=plan`).set(a.auth('analyst'))).text).plan.beatIds;
    const [ra, rb] = await Promise.all([
      a.http
        .post(`/api/v1/plans/${id}/locks`)
        .set(a.auth('commander'))
        .set('If-Match', planEtag(id, 1))
        .send({ beats: [beats[0]] }),
      b.http
        .post(`/api/v1/plans/${id}/locks`)
        .set(b.auth('commander'))
        .set('If-Match', planEtag(id, 1))
        .send({ beats: [beats[1]] }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 412]);
    expect(await b.store.getPlan(id)).toMatchObject({ currentVersion: 2, latestVersion: 2 });
  }, 120_000);
});

describe('startServer on Postgres', () => {
  it('uses databaseUrl, bootstraps a token once, and a second server on the same database sees it', async () => {
    const db = await createTestDatabase();
    const dirs = [mkdtempSync(join(tmpdir(), 'beatplan-srv-')), mkdtempSync(join(tmpdir(), 'beatplan-srv-'))];
    try {
      const s1 = await startServer({ port: 0, dataDir: dirs[0]!, databaseUrl: db.url, logLevel: 'silent' }, { bootstrapToken: true });
      const s2 = await startServer({ port: 0, dataDir: dirs[1]!, databaseUrl: db.url, logLevel: 'silent' }, { bootstrapToken: true });
      try {
        expect(s1.store).toBeInstanceOf(PostgresStore);
        expect(s1.bootstrapToken).toMatch(/^bp_/);
        expect(s2.bootstrapToken).toBeUndefined();
        const me = await fetch(`${s2.url}/api/v1/me`, { headers: { Authorization: `Bearer ${s1.bootstrapToken}` } });
        expect(((await me.json()) as { role: string }).role).toBe('admin');
      } finally {
        await s2.stop();
        await s1.stop();
      }
    } finally {
      await dropTestDatabase(db.name);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
});
