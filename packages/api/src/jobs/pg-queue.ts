/**
 * Jobs on a PostgreSQL queue that every instance shares (pg-boss), used when the store is
 * PostgreSQL. Two roles, often in one process:
 *
 * - {@link PgJobQueue} (every API instance): accepts jobs (a row in `jobs`, owned by no
 *   instance, plus a pg-boss job with the same id whose payload holds the task and the
 *   {@link ResultSpec} saying how to store its output), streams any job's events and cancels
 *   any job, whichever process runs it, through LISTEN/NOTIFY on {@link JOB_CHANNEL}. Every
 *   instance also sweeps the jobs pg-boss gave up on ({@link failLostJobs}).
 * - {@link PgJobWorker} (`beatplan worker`, and API instances with `jobConcurrency` > 0): takes
 *   pg-boss jobs, runs each in a worker thread (the same `job-worker` as the in-process
 *   runner), writes progress, then stores the result itself ({@link finishComputed}) and
 *   writes the job's terminal state before pg-boss marks it completed. So a job needs no
 *   particular API instance: if the one that accepted it dies, the job still completes and
 *   any other instance reads it with its result. pg-boss heartbeats every running job; a
 *   worker that dies (SIGKILL, power) stops heartbeating, and after {@link HEARTBEAT_SECONDS}
 *   the job is retried on another worker, at most {@link RETRY_LIMIT} times, then failed with
 *   code `WORKER_LOST`.
 *
 * A worker killed after storing a result and before writing the job's state leaves the job
 * retried; storing is idempotent per job (`storeJobResult` in job-results.ts: plan and
 * staffing ids derive from the job id, a rebalanced version carries the job id), so the retry
 * finds the stored plan, version or staffing and finishes the job with the same result, writing
 * no second one; result blobs (scores, what-ifs, simulations, staffing) have refs derived from the
 * job id, so neither is a blob written twice.
 */
import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { type PostgresStore, SHARED_QUEUE_OWNER } from '../store/postgres-store.js';
import { type JobRecord, LIVE_JOB_STATUSES } from '../store/store.js';
import type { JobTask, WorkerMessage } from './job-protocol.js';
import type { JobQueue } from './job-queue.js';
import { discardResultBlobs, finishComputed, type ResultSpec } from './job-results.js';
import type { JobEvent } from './job-runner.js';
import { newJobRecord, spawnJobWorker } from './job-runner.js';

/** The pg-boss queue every Beatplan job goes through. */
export const JOB_QUEUE = 'beatplan-jobs';
/** The NOTIFY channel of job events (payload: {@link JobNotice} as JSON). */
export const JOB_CHANNEL = 'beatplan_jobs';
/** Seconds without a heartbeat after which a running job counts as lost (pg-boss minimum 10). */
export const HEARTBEAT_SECONDS = 10;
/** Retries of a job whose worker was lost, before it fails `WORKER_LOST`. */
export const RETRY_LIMIT = 2;
/** The pg-boss schema. */
const BOSS_SCHEMA = 'pgboss';

/** A job event as it crosses processes. */
export type JobNotice = { jobId: string; type: 'progress' | 'status' } | { jobId: string; type: 'cancel' };

/** The pg-boss payload: the job id, its task with blob paths turned into refs, and how to store its output. */
interface QueuedTask {
  jobId: string;
  task: unknown;
  result: ResultSpec;
}

/** What a worker leaves as the pg-boss job's output: how the job ended as stored (its row holds the rest). */
type ComputedOutput = { status: JobRecord['status'] };

/** Starts pg-boss on the database of `store`, with the Beatplan queue created. */
async function startBoss(connectionString: string, log: Logger): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString,
    schema: BOSS_SCHEMA,
    max: 4,
    useListenNotify: true,
    monitorIntervalSeconds: 2,
    superviseIntervalSeconds: 2,
    registerInstance: false,
  } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err: unknown) => log.error({ err }, 'job queue error'));
  await boss.start();
  if (!(await boss.getQueue(JOB_QUEUE))) {
    await boss
      .createQueue(JOB_QUEUE, {
        heartbeatSeconds: HEARTBEAT_SECONDS,
        retryLimit: RETRY_LIMIT,
        retryDelay: 0,
        expireInSeconds: 24 * 3600,
        notify: true,
      } as Parameters<PgBoss['createQueue']>[1])
      .catch(async (e: unknown) => {
        // another process created it at the same moment
        if (!(await boss.getQueue(JOB_QUEUE))) throw e;
      });
  }
  return boss;
}

/** Sends one notice on {@link JOB_CHANNEL}. */
async function notify(store: PostgresStore, notice: JobNotice): Promise<void> {
  await store.pool.query('SELECT pg_notify($1, $2)', [JOB_CHANNEL, JSON.stringify(notice)]);
}

/** A dedicated LISTEN connection on {@link JOB_CHANNEL}; reconnects when it drops. */
class NoticeListener {
  private client: pg.Client | undefined;
  private closed = false;
  constructor(
    private readonly connectionString: string,
    private readonly onNotice: (n: JobNotice) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (m) => {
      if (m.channel !== JOB_CHANNEL || !m.payload) return;
      try {
        this.onNotice(JSON.parse(m.payload) as JobNotice);
      } catch (err) {
        this.log.error({ err }, 'bad job notice');
      }
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'job notice connection lost; reconnecting');
      this.client = undefined;
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.start().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${JOB_CHANNEL}`);
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}

/**
 * Replaces every `{ path }` of `task` that is a blob of `store` by `{ blobRef }`, so another
 * process (another machine) can fetch it. Other values are copied as they are.
 */
function pathsToRefs(store: PostgresStore, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => pathsToRefs(store, v));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'path' && typeof v === 'string' && isBlobPath(store, v)) out.blobRef = basename(v);
    else out[k] = pathsToRefs(store, v);
  }
  return out;
}

function isBlobPath(store: PostgresStore, path: string): boolean {
  try {
    return store.blobPath(basename(path)) === path;
  } catch {
    return false;
  }
}

/** The inverse of {@link pathsToRefs} on this process: every ref fetched into the local cache. */
async function refsToPaths(store: PostgresStore, value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => refsToPaths(store, v)));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'blobRef' && typeof v === 'string') {
      await store.ensureLocal(v);
      out.path = store.blobPath(v);
    } else out[k] = await refsToPaths(store, v);
  }
  return out;
}

/** Options of {@link PgJobQueue}. */
export interface PgJobQueueOptions {
  store: PostgresStore;
  connectionString: string;
  log: Logger;
  /** How often this instance sweeps the jobs the queue lost ({@link failLostJobs}), ms. Default 2000. */
  checkMs?: number;
}

/** How long a job may stay live after pg-boss completed or cancelled it before the sweep fails it, seconds. */
const SETTLE_GRACE_SECONDS = 30;

/**
 * Fails the live jobs of the shared queue that no worker will finish: `WORKER_LOST` when pg-boss
 * failed the job (its worker died {@link RETRY_LIMIT} + 1 times, or its thread kept failing);
 * `INTERNAL` when pg-boss completed or cancelled it more than {@link SETTLE_GRACE_SECONDS} ago
 * and the job is still live (its terminal state was never written). Jobs a live worker runs are
 * never touched. Any instance may run it, any number at once. Returns the ids it failed.
 * @example for (const id of await failLostJobs(store)) await notify(store, { jobId: id, type: 'status' });
 */
export async function failLostJobs(store: PostgresStore): Promise<string[]> {
  const lost = JSON.stringify({ code: 'WORKER_LOST', detail: `the job's worker stopped ${RETRY_LIMIT + 1} times before finishing` });
  const unsettled = JSON.stringify({ code: 'INTERNAL', detail: 'the queue ended the job without a result' });
  const r = await store.pool.query<{ id: string }>(
    `UPDATE jobs j SET status = 'failed', finished_at = $1, error = CASE WHEN b.state = 'failed' THEN $2 ELSE $3 END
       FROM ${BOSS_SCHEMA}.job b
      WHERE j.instance_id = $4 AND j.status IN ('queued', 'running') AND b.name = $5 AND b.id::text = j.id
        AND (b.state = 'failed' OR (b.state IN ('completed', 'cancelled') AND b.completed_on < now() - make_interval(secs => $6)))
      RETURNING j.id`,
    [new Date().toISOString(), lost, unsettled, SHARED_QUEUE_OWNER, JOB_QUEUE, SETTLE_GRACE_SECONDS],
  );
  return r.rows.map((row) => row.id);
}

/**
 * The accepting side of the shared queue (see the module comment). Create with
 * {@link PgJobQueue.open}; `close()` stops listening and sweeping. The jobs it accepted go on:
 * workers run them and store their results whether or not this instance is alive.
 * @example const queue = await PgJobQueue.open({ store, connectionString: url, log });
 */
export class PgJobQueue implements JobQueue {
  private readonly events = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly options: PgJobQueueOptions,
    private readonly boss: PgBoss,
    private readonly listener: NoticeListener,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Connects pg-boss and the notice listener. @throws when the database is unreachable. */
  static async open(options: PgJobQueueOptions): Promise<PgJobQueue> {
    const boss = await startBoss(options.connectionString, options.log);
    let queue: PgJobQueue | undefined;
    const listener = new NoticeListener(options.connectionString, (n) => queue?.onNotice(n), options.log);
    queue = new PgJobQueue(options, boss, listener);
    try {
      await listener.start();
    } catch (e) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw e;
    }
    queue.timer = setInterval(() => void queue.sweep(), options.checkMs ?? 2000);
    queue.timer.unref();
    return queue;
  }

  /** Creates a `queued` job of kind `spec.kind` and puts it on the shared queue; any worker may take it and store its result. */
  async submit(spec: ResultSpec, params: Record<string, unknown>, task: JobTask, createdBy: string | null): Promise<JobRecord> {
    const { store } = this.options;
    const job = newJobRecord(spec.kind, params, createdBy);
    await store.insertJob(job, SHARED_QUEUE_OWNER);
    const data: QueuedTask = { jobId: job.id, task: pathsToRefs(store, task), result: spec };
    try {
      await this.boss.send(JOB_QUEUE, data as unknown as object, { id: job.id });
    } catch (err) {
      await store.updateJob(job.id, {
        status: 'failed',
        error: { code: 'INTERNAL', detail: 'the job could not be queued' },
        finishedAt: new Date().toISOString(),
      });
      throw err;
    }
    return job;
  }

  /** Subscribes to a job's events, wherever it runs; returns the unsubscribe function. */
  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void {
    this.events.on(jobId, listener);
    return () => this.events.off(jobId, listener);
  }

  /**
   * Cancels a queued or running job wherever it runs (the worker stops its thread). The
   * cancelled state is written only while the job is live, so a job whose worker stored its end
   * first is returned as it ended (and its worker's end is refused when this came first).
   */
  async cancel(jobId: string): Promise<JobRecord | undefined> {
    const { store } = this.options;
    const job = await store.getJob(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return job;
    const cancelled = await store.updateJob(
      jobId,
      { status: 'cancelled', error: { code: 'CANCELLED', detail: 'cancelled on request' }, finishedAt: new Date().toISOString() },
      LIVE_JOB_STATUSES,
    );
    if (cancelled) {
      await this.boss.cancel(JOB_QUEUE, jobId).catch(() => undefined);
      await notify(store, { jobId, type: 'cancel' });
      await notify(store, { jobId, type: 'status' });
    }
    return store.getJob(jobId);
  }

  /**
   * Stops listening and sweeping. The jobs this instance accepted are left to the workers
   * (they finish and store them). Does not close the store.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.listener.close();
    await this.boss.stop({ graceful: false, close: true }).catch(() => undefined);
  }

  private onNotice(n: JobNotice): void {
    if (n.type === 'cancel' || this.events.listenerCount(n.jobId) === 0) return;
    void this.options.store.getJob(n.jobId).then((job) => {
      if (job) this.events.emit(n.jobId, { type: n.type, job } satisfies JobEvent);
    });
  }

  /** Periodic: fails the jobs the queue lost ({@link failLostJobs}) and tells every instance. */
  private async sweep(): Promise<void> {
    if (this.closed) return;
    const { store, log } = this.options;
    try {
      for (const jobId of await failLostJobs(store)) await notify(store, { jobId, type: 'status' });
    } catch (err) {
      log.warn({ err }, 'job sweep failed');
    }
  }
}

/** Options of {@link PgJobWorker}. */
export interface PgJobWorkerOptions {
  store: PostgresStore;
  connectionString: string;
  log: Logger;
  /** Jobs this process runs at once (one worker thread each). */
  concurrency: number;
  /** Least interval between stored progress updates, ms. Default 250. */
  progressWriteMs?: number;
  /** Called when this worker starts or ends a job (tests, logs). */
  onJob?: (e: { jobId: string; event: 'start' | 'end'; attempt: number }) => void;
  /** Test hook: awaited after a job's outcome is known (its result stored) and before its terminal state is written. */
  beforeFinish?: (jobId: string) => Promise<void>;
}

/**
 * The computing side of the shared queue: takes jobs from {@link JOB_QUEUE} and runs each in a
 * worker thread. Create with {@link PgJobWorker.start}; `close()` stops taking jobs and stops
 * the running threads (their jobs are retried elsewhere after the heartbeat lapses).
 * @example const worker = await PgJobWorker.start({ store, connectionString: url, log, concurrency: 2 });
 */
export class PgJobWorker {
  /** Threads of the jobs running here, by job id. */
  private readonly running = new Map<string, { stop: (why: 'cancelled' | 'stopping') => void }>();
  private closed = false;

  private constructor(
    private readonly options: PgJobWorkerOptions,
    private readonly boss: PgBoss,
    private readonly listener: NoticeListener,
  ) {}

  /** Connects and starts taking jobs. @throws when the database is unreachable. */
  static async start(options: PgJobWorkerOptions): Promise<PgJobWorker> {
    const boss = await startBoss(options.connectionString, options.log);
    let worker: PgJobWorker | undefined;
    const listener = new NoticeListener(
      options.connectionString,
      (n) => {
        if (n.type === 'cancel') worker?.running.get(n.jobId)?.stop('cancelled');
      },
      options.log,
    );
    worker = new PgJobWorker(options, boss, listener);
    await listener.start();
    await boss.work<QueuedTask, ComputedOutput | null>(
      JOB_QUEUE,
      { localConcurrency: Math.max(1, options.concurrency), batchSize: 1, pollingIntervalSeconds: 0.5 } as Parameters<PgBoss['work']>[1],
      async ([job]) => worker!.run(job!.data, job!.retryCount),
    );
    return worker;
  }

  /** Jobs running in this process now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Stops taking jobs and stops the threads of running ones; their jobs go back to the queue
   * (retried by another worker, counting as one of the {@link RETRY_LIMIT} retries).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.stop('stopping');
    // graceful: the handlers fail their jobs (→ retry) before the connections close
    await this.boss.stop({ graceful: true, timeout: 10_000, close: true }).catch(() => undefined);
    await this.listener.close();
  }

  /**
   * Runs one pg-boss job: computes it, stores its result ({@link finishComputed}) and writes its
   * terminal state, all before pg-boss marks it completed. Throws (→ pg-boss retries) only when
   * the computation itself could not finish here (thread crash, this worker stopping).
   */
  private async run(data: QueuedTask, attempt: number): Promise<ComputedOutput | null> {
    const { store, log } = this.options;
    const { jobId } = data;
    const job = await store.getJob(jobId);
    if (!job || (job.status !== 'queued' && job.status !== 'running')) return null; // cancelled or settled meanwhile
    const task = (await refsToPaths(store, data.task)) as JobTask;
    const started = await store.updateJob(
      jobId,
      {
        status: 'running',
        startedAt: job.startedAt ?? new Date().toISOString(),
        ...(attempt > 0 ? { stage: `retry ${attempt}: the previous worker stopped` } : {}),
      },
      LIVE_JOB_STATUSES,
    );
    if (!started) return null; // cancelled meanwhile
    await notify(store, { jobId, type: 'status' });
    this.options.onJob?.({ jobId, event: 'start', attempt });
    try {
      const message = await this.compute(jobId, task);
      if (message === 'cancelled') return null;
      const outcome = await finishComputed(store, log, jobId, data.result, message);
      if (!outcome) return null; // cancelled while it ran
      await this.options.beforeFinish?.(jobId);
      // only while still live: a cancel stored meanwhile wins, and this worker reports it
      const stored = await store.updateJob(jobId, { ...outcome, finishedAt: new Date().toISOString() }, LIVE_JOB_STATUSES);
      if (!stored && outcome.status === 'succeeded') await discardResultBlobs(store, outcome.result);
      await notify(store, { jobId, type: 'status' }).catch(() => undefined);
      return { status: stored ? outcome.status : ((await store.getJob(jobId))?.status ?? 'cancelled') };
    } catch (err) {
      log.error({ err, jobId }, 'job worker thread failed');
      throw err; // pg-boss retries, then fails it (WORKER_LOST)
    } finally {
      this.options.onJob?.({ jobId, event: 'end', attempt });
    }
  }

  /** Runs the task in a worker thread; progress is stored and notified. */
  private compute(jobId: string, task: JobTask): Promise<Exclude<WorkerMessage, { type: 'progress' }> | 'cancelled'> {
    const { store } = this.options;
    const writeMs = this.options.progressWriteMs ?? 250;
    return new Promise((resolve, reject) => {
      const thread = spawnJobWorker(task);
      let settled = false;
      let lastWrite = 0;
      const done = (v: Exclude<WorkerMessage, { type: 'progress' }> | 'cancelled' | Error) => {
        if (settled) return;
        settled = true;
        this.running.delete(jobId);
        void thread.terminate();
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      this.running.set(jobId, { stop: (why) => done(why === 'cancelled' ? 'cancelled' : new Error('the worker is stopping')) });
      thread.on('message', (m: WorkerMessage) => {
        if (m.type !== 'progress') return done(m);
        const now = Date.now();
        if (now - lastWrite < writeMs && m.fraction < 1) return;
        lastWrite = now;
        void store
          .updateJob(jobId, { progress: m.fraction, stage: m.stage }, ['running'])
          .then(() => notify(store, { jobId, type: 'progress' }))
          .catch(() => undefined);
      });
      thread.on('error', (err) => done(err));
      thread.on('exit', (code) => done(new Error(`the job thread exited with code ${code}`)));
      if (this.closed) done(new Error('the worker is stopping'));
    });
  }
}
