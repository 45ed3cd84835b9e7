/**
 * Background engine work runs at a lower scheduling priority than the request thread (job
 * worker threads lower their own; compute worker processes start under `nice`), so that on a
 * busy machine the request thread wins the CPU and answers lookups while a city-scale
 * computation runs.
 */
import { setPriority } from 'node:os';

/** Nice value of background workers (0 = the request thread's; 19 = lowest). */
export const WORKER_NICE = 10;

/**
 * Lowers the calling worker thread's priority to {@link WORKER_NICE}. On Linux the nice value
 * is per thread (`setpriority(PRIO_PROCESS, 0)` applies to the calling thread), so the request
 * thread keeps its own; where the platform refuses or applies it to the whole process, nothing
 * is changed.
 * @returns true when the priority was lowered
 * @example lowerThreadPriority(); // first line of a worker entry
 */
export function lowerThreadPriority(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    setPriority(0, WORKER_NICE);
    return true;
  } catch {
    return false;
  }
}
