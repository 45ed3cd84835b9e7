/**
 * Runs jobs off the request thread in worker threads: queueing, progress (stored and pushed
 * to listeners), cancellation (worker terminate), and persistence of results.
 *
 * A job's terminal state is written only while the job is live (`updateJob(…, LIVE_JOB_STATUSES)`,
 * one conditional statement), so when a cancel and the end of the job race, exactly one of them
 * is stored and every event and answer reports the state as stored: a cancel that came first
 * wins (the result's blobs are deleted; a plan, version or staffing it stored stays, unnamed by
 * the job), a cancel that came after the job ended returns it unchanged.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { type JobKind, type JobRecord, LIVE_JOB_STATUSES, type Store } from '../store/store.js';
import type { JobTask, WorkerMessage } from './job-protocol.js';
import { discardResultBlobs, finishComputed, type ResultSpec } from './job-results.js';

/** A job event pushed to listeners (SSE). */
export type JobEvent = { type: 'progress' | 'status'; job: JobRecord };

/** Options of {@link JobRunner}. */
export interface JobRunnerOptions {
  store: Store;
  log: Logger;
  /** Jobs running at once; the rest wait `queued`. Default 1. */
  concurrency?: number;
  /** Least interval between stored progress updates, ms. Default 250. */
  progressWriteMs?: number;
  /** Test hook: awaited after a job's outcome is known (its result stored) and before its terminal state is written. */
  beforeFinish?: (jobId: string) => Promise<void>;
}

interface Running {
  worker: Worker;
  cancelled: boolean;
}

/**
 * Starts a job worker. From compiled JS it runs `job-worker.js` directly. From TS source
 * (vitest, tsx) it runs `job-worker.ts` through tsx's loader with the `source` condition:
 * a small bootstrap registers tsx inside the worker first, because on Node 20 a worker's
 * `execArgv: ['--import', 'tsx']` does not apply tsx's hooks to the worker's entry.
 */
export function spawnJobWorker(task: JobTask): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  if (!fromSource) return new Worker(new URL('./job-worker.js', import.meta.url), { workerData: task });
  const entry = new URL('./job-worker.ts', import.meta.url).href;
  // require.resolve gives tsx's CommonJS build of the API; its ES module twin sits beside it.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: task, execArgv: ['--conditions=source'] });
}

/** A new `queued` job record (a random id, created now). */
export function newJobRecord(kind: JobKind, params: Record<string, unknown>, createdBy: string | null): JobRecord {
  return {
    id: randomUUID(),
    kind,
    status: 'queued',
    progress: 0,
    stage: null,
    params,
    error: null,
    result: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    createdBy,
  };
}

/**
 * The job runner. One per app; `close()` stops every worker.
 * @example const job = await runner.submit({ kind: 'score' }, body, { kind: 'score', inputs }, principal.tokenId);
 */
export class JobRunner {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly progressWriteMs: number;
  private readonly beforeFinish: ((jobId: string) => Promise<void>) | undefined;
  private readonly running = new Map<string, Running>();
  private readonly queue: Array<{ job: JobRecord; task: JobTask; spec: ResultSpec }> = [];
  private readonly events = new EventEmitter();
  private closed = false;

  constructor(options: JobRunnerOptions) {
    this.store = options.store;
    this.log = options.log;
    this.concurrency = options.concurrency ?? 1;
    this.progressWriteMs = options.progressWriteMs ?? 250;
    this.beforeFinish = options.beforeFinish;
    this.events.setMaxListeners(0);
  }

  /** Creates a `queued` job of kind `spec.kind` and starts it when a slot is free; its output is stored as `spec` says. */
  async submit(spec: ResultSpec, params: Record<string, unknown>, task: JobTask, createdBy: string | null): Promise<JobRecord> {
    const job = newJobRecord(spec.kind, params, createdBy);
    await this.store.insertJob(job);
    this.queue.push({ job, task, spec });
    this.pump();
    return job;
  }

  /** Subscribes to a job's events; returns the unsubscribe function. */
  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void {
    this.events.on(jobId, listener);
    return () => this.events.off(jobId, listener);
  }

  /**
   * Cancels a queued or running job (the worker is terminated). Returns the job as stored after
   * the change, or undefined when it does not exist; a job that ended first (even while this
   * cancel ran) is returned unchanged.
   */
  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const job = await this.store.getJob(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return job;
    const q = this.queue.findIndex((e) => e.job.id === jobId);
    if (q >= 0) this.queue.splice(q, 1);
    const r = this.running.get(jobId);
    if (r) {
      r.cancelled = true;
      this.running.delete(jobId);
      await r.worker.terminate();
    }
    await this.finish(jobId, { status: 'cancelled', error: { code: 'CANCELLED', detail: 'cancelled on request' } });
    this.pump();
    return this.store.getJob(jobId);
  }

  /** Stops every worker; their jobs are marked failed (`INTERRUPTED`). */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    const all = [...this.running.entries()];
    this.running.clear();
    for (const [, r] of all) r.cancelled = true;
    await Promise.all(all.map(([, r]) => r.worker.terminate()));
    await this.store.failInterruptedJobs(new Date().toISOString()).catch(() => undefined);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length) {
      const next = this.queue.shift()!;
      void this.start(next.job, next.task, next.spec);
    }
  }

  private async start(job: JobRecord, task: JobTask, spec: ResultSpec): Promise<void> {
    const startedAt = new Date().toISOString();
    let worker: Worker;
    try {
      worker = spawnJobWorker(task);
    } catch (err) {
      this.log.error({ err, jobId: job.id }, 'could not start job worker');
      await this.finish(job.id, { status: 'failed', error: { code: 'INTERNAL', detail: 'could not start the job' } });
      return;
    }
    const state: Running = { worker, cancelled: false };
    this.running.set(job.id, state);
    if (!(await this.store.updateJob(job.id, { status: 'running', startedAt }, ['queued']))) {
      // cancelled between the queue and here: its cancel stored that
      state.cancelled = true;
      this.running.delete(job.id);
      void worker.terminate();
      this.pump();
      return;
    }
    await this.emit(job.id, 'status');
    let lastWrite = 0;
    let settled = false;
    const settle = async (patch: Parameters<JobRunner['finish']>[1]) => {
      if (settled || state.cancelled) return;
      settled = true;
      this.running.delete(job.id);
      await this.beforeFinish?.(job.id);
      // a cancel stored first wins: the result's files are then named by nothing
      if (!(await this.finish(job.id, patch)) && patch.result) await discardResultBlobs(this.store, patch.result);
      this.pump();
    };
    worker.on('message', (m: WorkerMessage) => {
      void (async () => {
        if (state.cancelled || settled) return;
        if (m.type === 'progress') {
          const now = Date.now();
          if (now - lastWrite >= this.progressWriteMs || m.fraction >= 1) {
            lastWrite = now;
            await this.store.updateJob(job.id, { progress: m.fraction, stage: m.stage }, ['running']);
          }
          const current = await this.store.getJob(job.id);
          if (current)
            this.events.emit(job.id, { type: 'progress', job: { ...current, progress: m.fraction, stage: m.stage } } satisfies JobEvent);
        } else {
          const outcome = await finishComputed(this.store, this.log, job.id, spec, m);
          if (outcome) await settle(outcome);
          if (m.type === 'done') void worker.terminate();
        }
      })();
    });
    worker.on('error', (err) => {
      this.log.error({ err, jobId: job.id }, 'job worker crashed');
      void settle({ status: 'failed', error: { code: 'INTERNAL', detail: 'the job worker crashed' } });
    });
    worker.on('exit', (code) => {
      if (code !== 0) void settle({ status: 'failed', error: { code: 'INTERNAL', detail: `the job worker exited with code ${code}` } });
    });
  }

  /**
   * Writes a job's terminal state if the job is still live (else another end was stored first)
   * and tells the listeners the state as stored. Returns whether this one was stored.
   */
  private async finish(
    jobId: string,
    patch: { status: JobRecord['status']; progress?: number; error?: JobRecord['error']; result?: JobRecord['result'] },
  ): Promise<boolean> {
    const stored = await this.store.updateJob(jobId, { ...patch, finishedAt: new Date().toISOString() }, LIVE_JOB_STATUSES);
    await this.emit(jobId, 'status');
    return stored;
  }

  private async emit(jobId: string, type: JobEvent['type']): Promise<void> {
    const job = await this.store.getJob(jobId);
    if (job) this.events.emit(jobId, { type, job } satisfies JobEvent);
  }
}
