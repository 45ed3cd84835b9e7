/**
 * The shared queue's worker and a cancel racing to end a job (PostgreSQL): the worker writes the
 * job's end only while the job is live, so a cancel stored between the worker storing the result
 * and writing `succeeded` wins, and the worker reports the state as stored. Deterministic with
 * the worker's `beforeFinish` hook. The harness's own instance computes nothing
 * (`jobConcurrency: 0`): the worker of this test takes every job.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputs } from '../context-cache.js';
import { PostgresStore } from '../store/postgres-store.js';
import type { JobRecord } from '../store/store.js';
import { blobCount, type Harness, startHarness, uploadBasics } from '../testing/harness.js';
import type { JobTask } from './job-protocol.js';
import { PgJobQueue, PgJobWorker } from './pg-queue.js';

let h: Harness;
let store: PostgresStore;
let queue: PgJobQueue;
let worker: PgJobWorker;
let task: JobTask;
/** What the hook does for the job being ended (set per test). */
let onFinish: (jobId: string) => Promise<void> = async () => undefined;
const ended = new Map<string, () => void>();
const log = pino({ level: 'silent' });

beforeAll(async () => {
  h = await startHarness({ jobConcurrency: 0 });
  if (!(h.store instanceof PostgresStore) || !h.databaseUrl) throw new Error('needs the postgres project');
  store = h.store;
  const data = await uploadBasics(h);
  task = { kind: 'score', inputs: await resolveInputs(store, { ...data, resolution: 8 }) };
  queue = await PgJobQueue.open({ store, connectionString: h.databaseUrl, log, checkMs: 3_600_000 });
  worker = await PgJobWorker.start({
    store,
    connectionString: h.databaseUrl,
    log,
    concurrency: 1,
    beforeFinish: (id) => onFinish(id),
    onJob: (e) => {
      if (e.event === 'end') ended.get(e.jobId)?.();
    },
  });
});
afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await h?.close();
});

/** Submits a score job and waits until the worker is done with it; the job as stored. */
async function runOne(): Promise<JobRecord> {
  const job = await queue.submit({ kind: 'score' }, { note: 'race test' }, task, null);
  await new Promise<void>((ok) => ended.set(job.id, ok));
  return (await store.getJob(job.id))!;
}

describe('shared queue: a cancel racing with the worker ending the job', () => {
  it('a cancel between storing the result and writing "succeeded" wins; the worker reports cancelled', async () => {
    let answer: JobRecord | undefined;
    let storedBlobs = 0;
    const before = await blobCount(h);
    onFinish = async (id) => {
      storedBlobs = (await blobCount(h)) - before; // the result (cells.csv) is stored by now
      answer = await queue.cancel(id);
    };
    const job = await runOne();
    expect(answer?.status).toBe('cancelled');
    expect(job.status).toBe('cancelled');
    expect(job.error?.code).toBe('CANCELLED');
    expect(job.result).toBeNull();
    // the result's cells.csv, named by nothing once the cancel won, is deleted
    expect(storedBlobs).toBe(1);
    expect(await blobCount(h)).toBe(before);
    // and it stays so (nothing writes the job's end after the worker is done with it)
    await new Promise((ok) => setTimeout(ok, 500));
    expect(await store.getJob(job.id)).toEqual(job);
  });

  it('a cancel after the worker wrote "succeeded" returns the job unchanged', async () => {
    onFinish = async () => undefined;
    const job = await runOne();
    expect(job.status).toBe('succeeded');
    expect(await queue.cancel(job.id)).toEqual(job);
  });
});
