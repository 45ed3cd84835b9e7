/**
 * What every route module receives: the store, the job runner, the context cache and the
 * configuration.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { PlanGridCache } from './context-cache.js';
import type { ComputePool } from './jobs/compute-pool.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { PlanVersionCache } from './plan-access.js';
import type { Store } from './store/store.js';

/** Shared services of one app instance. */
export interface AppContext {
  store: Store;
  config: Config;
  /** Jobs: in-process worker threads (SQLite) or the shared PostgreSQL queue. */
  runner: JobQueue;
  /** Worker processes for the engine work a request waits for (loads, response figures, what-ifs, cells, edits…). */
  compute: ComputePool;
  plans: PlanGridCache;
  /** Loaded plan versions and reads derived from them. */
  versions: PlanVersionCache;
  log: Logger;
}
