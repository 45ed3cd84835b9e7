/**
 * The shared queue's sweeps, in one process on a throw-away database (no worker runs): a job on
 * the shared queue belongs to no instance, so the stale-instance sweep never fails it; the
 * queue's own sweep ({@link failLostJobs}) fails exactly the jobs pg-boss gave up on.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore, SHARED_QUEUE_OWNER } from '../store/postgres-store.js';
import { createTestDatabase, dropTestDatabase, removeDir } from '../testing/harness.js';
import { failLostJobs, PgJobQueue } from './pg-queue.js';

describe('shared queue sweeps', () => {
  let db: { name: string; url: string };
  let dir: string;
  let store: PostgresStore;
  let queue: PgJobQueue;
  // a score job nobody computes here: it stays queued until a test changes its pg-boss row
  const submit = () => queue.submit({ kind: 'score' }, { note: 'sweep test' }, { kind: 'score', inputs: {} as never }, null);
  const boss = (id: string, set: string) => store.pool.query(`UPDATE pgboss.job SET ${set} WHERE id = $1`, [id]);

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'beatplan-sweep-'));
    store = await PostgresStore.open({ connectionString: db.url, dataDir: dir, maxConnections: 2 });
    // checkMs large: the sweeps run when the test calls them
    queue = await PgJobQueue.open({ store, connectionString: db.url, log: pino({ level: 'silent' }), checkMs: 3_600_000 });
  });
  afterAll(async () => {
    await queue?.close();
    await store?.close();
    if (db) await dropTestDatabase(db.name);
    if (dir) removeDir(dir);
  });

  it('a queued job belongs to the shared queue, and the stale-instance sweep leaves it alone', async () => {
    const job = await submit();
    expect((await store.pool.query('SELECT instance_id FROM jobs WHERE id = $1', [job.id])).rows[0].instance_id).toBe(SHARED_QUEUE_OWNER);
    await store.pool.query('DELETE FROM instances'); // every instance dead, this one included
    expect(await store.failInterruptedJobs(new Date().toISOString())).toBe(0);
    expect((await store.getJob(job.id))?.status).toBe('queued');
    expect(await failLostJobs(store)).not.toContain(job.id);
  });

  it('fails WORKER_LOST a job pg-boss failed, INTERNAL one it ended long ago without a state; never a live one', async () => {
    const [lost, ended, recent, live] = [await submit(), await submit(), await submit(), await submit()];
    await boss(lost.id, "state = 'failed', completed_on = now()");
    await boss(ended.id, "state = 'completed', completed_on = now() - interval '1 minute'");
    await boss(recent.id, "state = 'completed', completed_on = now()"); // its worker is writing the state right now
    await boss(live.id, "state = 'active', started_on = now()");
    expect((await failLostJobs(store)).sort()).toEqual([lost.id, ended.id].sort());
    expect(await store.getJob(lost.id)).toMatchObject({ status: 'failed', error: { code: 'WORKER_LOST' } });
    expect(await store.getJob(ended.id)).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
    expect((await store.getJob(recent.id))?.status).toBe('queued');
    expect((await store.getJob(live.id))?.status).toBe('queued');
    // once failed, a job is not swept again
    expect(await failLostJobs(store)).toEqual([]);
  });
});
