/**
 * {@link JobQueue}: what the routes use to run jobs, whichever way they run. With SQLite it is
 * the in-process {@link JobRunner} (worker threads of this process); with PostgreSQL it is
 * the shared {@link PgJobQueue} (any instance accepts, any `beatplan worker` computes).
 */
import type { Logger } from 'pino';
import { PostgresStore } from '../store/postgres-store.js';
import type { JobRecord, Store } from '../store/store.js';
import type { JobTask } from './job-protocol.js';
import type { ResultSpec } from './job-results.js';
import { type JobEvent, JobRunner } from './job-runner.js';
import { PgJobQueue, PgJobWorker } from './pg-queue.js';

/** Accepting, following and cancelling jobs. */
export interface JobQueue {
  /**
   * Creates a `queued` job of kind `spec.kind` and gets it run; on success whichever process ran
   * it stores the output as `spec` says (`storeJobResult`), so the job does not depend on this
   * process staying alive.
   */
  submit(spec: ResultSpec, params: Record<string, unknown>, task: JobTask, createdBy: string | null): Promise<JobRecord>;
  /** Subscribes to a job's events; returns the unsubscribe function. */
  subscribe(jobId: string, listener: (e: JobEvent) => void): () => void;
  /** Cancels a queued or running job; a finished job is returned unchanged, an unknown one undefined. */
  cancel(jobId: string): Promise<JobRecord | undefined>;
  /** Stops running jobs of this process. */
  close(): Promise<void>;
}

/** What {@link openJobQueue} needs. */
export interface JobQueueOptions {
  store: Store;
  log: Logger;
  /** The PostgreSQL URL of the store, when it is PostgreSQL. */
  databaseUrl?: string | undefined;
  /** Jobs this process computes at once; 0 (PostgreSQL only): accept jobs, leave computing to `beatplan worker`s. */
  concurrency: number;
}

/**
 * The job queue for a store: {@link JobRunner} on SQLite; on PostgreSQL a {@link PgJobQueue}
 * plus, when `concurrency` > 0, a {@link PgJobWorker} in this process.
 * @throws when the PostgreSQL queue cannot be set up.
 * @example const queue = await openJobQueue({ store, log, databaseUrl: config.databaseUrl, concurrency: 1 });
 */
export async function openJobQueue(options: JobQueueOptions): Promise<JobQueue> {
  const { store, log, databaseUrl } = options;
  if (!(store instanceof PostgresStore) || !databaseUrl)
    return new JobRunner({ store, log, concurrency: Math.max(1, options.concurrency) });
  const queue = await PgJobQueue.open({ store, connectionString: databaseUrl, log });
  if (options.concurrency <= 0) return queue;
  const worker = await PgJobWorker.start({ store, connectionString: databaseUrl, log, concurrency: options.concurrency });
  return {
    submit: (...a) => queue.submit(...a),
    subscribe: (...a) => queue.subscribe(...a),
    cancel: (id) => queue.cancel(id),
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
