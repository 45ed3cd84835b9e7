/**
 * `Store.sweepOrphanBlobs` on the test store (SQLite, and PostgreSQL in the postgres project):
 * it deletes exactly the blobs no row names that are older than the grace period; a blob a
 * write claims between the mark and the delete (a retried job storing its result under the same
 * ref) stays, in a fixed order and racing; a blob the sweep deleted first is written again by
 * that write; `beatplan serve` runs it in the background at start-up.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../server.js';
import { blobCount, type Harness, removeDir, startHarness } from '../testing/harness.js';
import { boundaryDataset, finishedJob } from '../testing/records.js';
import { PostgresStore } from './postgres-store.js';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.close();
    removeDir(h.dir);
  }
});
async function harness(): Promise<Harness> {
  const h = await startHarness();
  open.push(h);
  return h;
}

const now = '2026-01-01T00:00:00.000Z';
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
/** Whether the store holds the blob: its row on Postgres (another instance's cached copy aside), its file on SQLite. */
const exists = async (h: Harness, ref: string): Promise<boolean> =>
  h.store instanceof PostgresStore
    ? (await h.store.pool.query('SELECT 1 FROM blobs WHERE ref = $1', [ref])).rowCount === 1
    : h.store.getBlob(ref).then(
        () => true,
        () => false,
      );

/** Makes a blob look stored `agoMs` ago (the file's mtime on SQLite, `created_at` on Postgres). */
async function backdate(h: Harness, ref: string, agoMs: number): Promise<void> {
  if (h.store instanceof PostgresStore)
    await h.store.pool.query('UPDATE blobs SET created_at = now() - make_interval(secs => $2) WHERE ref = $1', [ref, agoMs / 1000]);
  else {
    const t = new Date(Date.now() - agoMs);
    utimesSync(join(h.dir, 'blobs', ref), t, t);
  }
}

const HOUR = 3_600_000;

describe('Store.sweepOrphanBlobs', () => {
  it('deletes exactly the blobs no row names that are older than the grace period', async () => {
    const h = await harness();
    const put = (text: string) => h.store.putBlob(Buffer.from(text));
    const [planJson, metrics, staffing, dataset, inJob, copyOnly] = await Promise.all(['p', 'm', 's', 'd', 'j', 'c'].map(put));
    const orphans = await Promise.all(['orphan one', 'orphan two', 'orphan three'].map(put));
    const planId = randomUUID();
    await h.store.insertPlan({
      id: planId,
      name: 'p',
      inputs: {},
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const v = { planId, parentVersion: null, action: 'plan', summary: {}, createdAt: now, createdBy: null };
    expect(await h.store.appendPlanVersion({ ...v, version: 1, planBlobRef: planJson!, metricsBlobRef: metrics! }, 0)).toBe(true);
    expect(await h.store.appendPlanVersion({ ...v, version: 2, parentVersion: 1, planBlobRef: copyOnly!, metricsBlobRef: null }, 1)).toBe(
      true,
    );
    await h.store.insertStaffing({
      id: randomUUID(),
      planId,
      planVersion: 1,
      rosterDatasetId: 'r',
      blobRef: staffing!,
      createdAt: now,
      createdBy: null,
    });
    await h.store.insertDataset(boundaryDataset(dataset!, 1));
    await h.store.insertJob(finishedJob({ cellsBlob: inJob, cells: '/api/v1/scores/x/cells.csv', count: 3, none: null }));
    const named = [planJson!, metrics!, staffing!, dataset!, inJob!, copyOnly!];
    for (const ref of [...named, ...orphans]) await backdate(h, ref, 2 * HOUR);
    // an orphan stored just now: within the grace period, kept
    const fresh = await put('fresh orphan');
    const report = await h.store.sweepOrphanBlobs({ graceMs: HOUR, batchSize: 4 });
    expect(report).toMatchObject({ examined: 9, deleted: 3, deletedBytes: 'orphan oneorphan twoorphan three'.length, aborted: false });
    expect(report.referenced).toBeGreaterThanOrEqual(6);
    for (const ref of orphans) expect(await exists(h, ref!)).toBe(false);
    for (const ref of [...named, fresh]) expect(await exists(h, ref)).toBe(true);
    expect(await blobCount(h)).toBe(7);
    // nothing left to do: a second sweep deletes nothing
    expect((await h.store.sweepOrphanBlobs({ graceMs: HOUR })).deleted).toBe(0);
  });

  it('keeps a blob a retried job claims between the mark and the delete, and names in its result', async () => {
    const h = await harness();
    const claimed = randomUUID(); // a job-scoped ref, as job-results.ts derives it
    await h.store.putBlob(Buffer.from('first attempt'), claimed);
    const orphan = await h.store.putBlob(Buffer.from('orphan'));
    await backdate(h, claimed, 2 * HOUR);
    await backdate(h, orphan, 2 * HOUR);
    const report = await h.store.sweepOrphanBlobs({
      graceMs: HOUR,
      // the mark holds neither blob; then the retry stores its result under the same ref (kept:
      // the first attempt's bytes) and names it
      afterMark: async () => {
        expect(await h.store.putBlob(Buffer.from('second attempt'), claimed)).toBe(claimed);
        await h.store.insertJob(finishedJob({ cellsBlob: claimed }));
      },
    });
    expect(report.deleted).toBe(1);
    expect(await exists(h, orphan)).toBe(false);
    expect((await h.store.getBlob(claimed)).toString()).toBe('first attempt');
  });

  it('a blob the sweep deleted first is written again by the retry that stores it', async () => {
    const h = await harness();
    const ref = randomUUID();
    await h.store.putBlob(Buffer.from('first attempt'), ref);
    await backdate(h, ref, 2 * HOUR);
    expect((await h.store.sweepOrphanBlobs({ graceMs: HOUR })).deleted).toBe(1);
    expect(await exists(h, ref)).toBe(false);
    expect(await h.store.putBlob(Buffer.from('second attempt'), ref)).toBe(ref);
    expect((await h.store.getBlob(ref)).toString()).toBe('second attempt');
  });

  it('racing with retries that claim and name half of 60 old orphans: every named blob is readable, the rest deleted', async () => {
    const h = await harness();
    const refs = Array.from({ length: 60 }, () => randomUUID());
    for (const ref of refs) await h.store.putBlob(Buffer.from(`blob ${ref}`), ref);
    for (const ref of refs) await backdate(h, ref, 2 * HOUR);
    const retried = refs.filter((_, k) => k % 2 === 0);
    const retries = retried.map(async (ref, k) => {
      await sleep(k % 7);
      await h.store.putBlob(Buffer.from('retry'), ref);
      await h.store.insertJob(finishedJob({ simulationBlob: ref }));
    });
    const [report] = await Promise.all([h.store.sweepOrphanBlobs({ graceMs: HOUR, batchSize: 5 }), ...retries]);
    for (const ref of retried) expect(await exists(h, ref)).toBe(true);
    // a retried blob is either the first attempt's (claimed in time) or the retry's (written again)
    for (const ref of retried) expect(['retry', `blob ${ref}`]).toContain((await h.store.getBlob(ref)).toString());
    const others = refs.filter((_, k) => k % 2 === 1);
    for (const ref of others) expect(await exists(h, ref)).toBe(false);
    expect(report!.deleted).toBeGreaterThanOrEqual(others.length);
    // a second sweep finds nothing more (every retried blob is named)
    expect((await h.store.sweepOrphanBlobs({ graceMs: 0 })).deleted).toBe(0);
    expect(await blobCount(h)).toBe(retried.length);
  });

  it('stops between batches when aborted', async () => {
    const h = await harness();
    const refs = await Promise.all(['a', 'b', 'c'].map((t) => h.store.putBlob(Buffer.from(t))));
    for (const ref of refs) await backdate(h, ref!, 2 * HOUR);
    const stop = new AbortController();
    stop.abort();
    expect(await h.store.sweepOrphanBlobs({ graceMs: HOUR, signal: stop.signal })).toMatchObject({ deleted: 0, aborted: true });
    expect(await blobCount(h)).toBe(3);
  });
});

describe('beatplan serve start-up', () => {
  it('sweeps orphan blobs in the background once it listens, without delaying start-up', async () => {
    const h = await harness();
    const orphan = await h.store.putBlob(Buffer.from('left by an older version'));
    const kept = await h.store.putBlob(Buffer.from('{"d":1}'));
    await h.store.insertDataset(boundaryDataset(kept, 7));
    for (const ref of [orphan, kept]) await backdate(h, ref, 2 * HOUR);
    // a second instance on the same database (Postgres), or the same folder (SQLite)
    const dataDir = h.store instanceof PostgresStore ? mkdtempSync(join(tmpdir(), 'beatplan-sweep-')) : h.dir;
    // the sweep is held after its mark until the server has answered: start-up does not wait for it
    let release = () => {};
    const held = new Promise<void>((ok) => (release = ok));
    let swept = false;
    const s = await startServer(
      { port: 0, dataDir, logLevel: 'silent', ...(h.databaseUrl ? { databaseUrl: h.databaseUrl } : {}) },
      { blobSweep: { afterMark: () => held } },
    );
    void s.blobSweep.then(() => (swept = true));
    try {
      expect((await fetch(`${s.url}/api/v1/health`)).status).toBe(200);
      expect(swept).toBe(false);
      expect(await exists(h, orphan)).toBe(true);
      release();
      expect(await s.blobSweep).toMatchObject({ deleted: 1, deletedBytes: 'left by an older version'.length });
      expect(await exists(h, orphan)).toBe(false);
      expect(await exists(h, kept)).toBe(true);
    } finally {
      release(); // stop() waits for the sweep
      await s.stop();
      if (dataDir !== h.dir) removeDir(dataDir);
    }
  });
});
