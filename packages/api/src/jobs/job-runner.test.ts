/**
 * A job's end and a cancel racing (on the harness's store: SQLite, and PostgreSQL in the
 * `postgres` project): the terminal state is written only while the job is live, so exactly one
 * of them is stored, and the cancel's answer, the runner's events and the stored row agree. The
 * race is made deterministic with the runner's `beforeFinish` hook (after the result is stored,
 * before the terminal state is written).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInputs } from '../context-cache.js';
import type { JobRecord } from '../store/store.js';
import { blobCount, type Harness, startHarness, uploadBasics } from '../testing/harness.js';
import type { JobTask } from './job-protocol.js';
import { type JobEvent, JobRunner, newJobRecord } from './job-runner.js';

let h: Harness;
let task: JobTask;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  task = { kind: 'score', inputs: await resolveInputs(h.store, { ...data, resolution: 8 }) };
});
afterAll(async () => h?.close());

/** Runs one score job on a runner with `beforeFinish`; resolves with the stored job and the events once it ended. */
async function runOne(beforeFinish: (runner: JobRunner, jobId: string) => Promise<void>) {
  let runner!: JobRunner;
  runner = new JobRunner({ store: h.store, log, beforeFinish: (id) => beforeFinish(runner, id) });
  const job = await runner.submit({ kind: 'score' }, { note: 'race test' }, task, null);
  const events: JobEvent[] = [];
  runner.subscribe(job.id, (e) => events.push(e));
  let stored: JobRecord | undefined;
  for (let i = 0; i < 600; i++) {
    stored = await h.store.getJob(job.id);
    if (stored && stored.status !== 'queued' && stored.status !== 'running') break;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await new Promise((ok) => setTimeout(ok, 100)); // the last status event follows the write
  await runner.close();
  return { job: stored!, events, runner };
}

const lastStatus = (events: JobEvent[]) => events.filter((e) => e.type === 'status').at(-1)?.job.status;

describe('a cancel racing with the end of a job', () => {
  it('a cancel that comes after the result is stored and before the job is marked succeeded wins; everything says cancelled', async () => {
    let answer: JobRecord | undefined;
    let storedBlobs = 0;
    const before = await blobCount(h);
    const { job, events } = await runOne(async (runner, id) => {
      storedBlobs = (await blobCount(h)) - before; // the result (cells.csv) is stored by now
      answer = await runner.cancel(id);
    });
    expect(answer?.status).toBe('cancelled');
    expect(job.status).toBe('cancelled');
    expect(job.error?.code).toBe('CANCELLED');
    expect(job.result).toBeNull();
    expect(lastStatus(events)).toBe('cancelled');
    // the result's cells.csv, named by nothing once the cancel won, is deleted
    expect(storedBlobs).toBe(1);
    expect(await blobCount(h)).toBe(before);
  });

  it('a cancel after the job ended returns it succeeded, unchanged', async () => {
    const { job, runner } = await runOne(async () => undefined);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ cellsBlob: expect.any(String) });
    const after = await runner.cancel(job.id);
    expect(after).toEqual(job);
  });
});

describe('Store.updateJob with whenStatus (the terminal write)', () => {
  it('of "succeeded" and "cancelled" written from a live job, in either order or at once, exactly the first is stored', async () => {
    const live = ['queued', 'running'] as const;
    for (const order of ['success first', 'cancel first', 'at once'] as const) {
      const job = newJobRecord('score', {}, null);
      await h.store.insertJob({ ...job, status: 'running' });
      const succeed = () => h.store.updateJob(job.id, { status: 'succeeded', progress: 1, result: { ok: true } }, live);
      const cancel = () => h.store.updateJob(job.id, { status: 'cancelled', error: { code: 'CANCELLED', detail: 'test' } }, live);
      let applied: boolean[];
      if (order === 'success first') applied = [await succeed(), await cancel()];
      else if (order === 'cancel first') applied = [await cancel(), await succeed()].reverse();
      else applied = await Promise.all([succeed(), cancel()]);
      expect(applied.filter(Boolean), order).toHaveLength(1);
      const stored = await h.store.getJob(job.id);
      expect(stored?.status, order).toBe(applied[0] ? 'succeeded' : 'cancelled');
      expect(stored?.result, order).toEqual(applied[0] ? { ok: true } : null);
    }
    // a patch without status guard still applies (progress of a live job)
    const j = newJobRecord('score', {}, null);
    await h.store.insertJob(j);
    expect(await h.store.updateJob(j.id, { progress: 0.5 })).toBe(true);
    expect(await h.store.updateJob(j.id, { progress: 0.6 }, [])).toBe(false);
  });
});
