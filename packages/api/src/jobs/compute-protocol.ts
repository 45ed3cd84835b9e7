/**
 * Messages between the compute pool (main thread) and a compute worker: short engine
 * computations a request waits for (response figures, response what-ifs), run off the request
 * thread so that no request holds the event loop.
 */
import type { Grid } from '@beatplan/engine';
import type { LoadedPlan, ResponseWhatIfInput } from '../engine-service.js';

/** A plan's roads dataset as a server-side file (the engine picks the format by `fileName`). */
export interface RoadsFile {
  path: string;
  fileName: string;
}

/**
 * What a compute worker is asked to compute on a loaded plan version; with `roads`, travel is
 * on that road graph (a plan always names the same roads, so the version's model is kept).
 */
export type ComputeTask = (
  /** Response figures under the time model's required officers, or a stored staffing's allocated officers. */
  | { kind: 'response'; staffing?: { json: string; label: string } }
  /** Response figures of a what-if (saturation target, per beat and shift overrides). */
  | { kind: 'responseWhatIf'; input: ResponseWhatIfInput }
  /**
   * The version itself, loaded (plan.json parsed, its grid rebuilt): answered with
   * {@link LoadedPlanParts}, the grid left out when `grid` is false (the caller has it).
   */
  | { kind: 'load'; grid: boolean }
  /** Each beat's meeting place among a venues file; on the plan's roads when it names some. */
  | { kind: 'meetings'; venues: { path: string; fileName: string; idProperty: string; nameProperty: string } }
) & { roads?: RoadsFile };

/** A grid as it crosses between processes: everything but `indexOf` (a function). */
export type GridParts = Omit<Grid, 'indexOf'>;

/** A loaded plan as it crosses between processes (typed arrays and plain data only). */
export type LoadedPlanParts = Omit<LoadedPlan, 'grid'> & { grid?: GridParts };

/** Pool → worker. `planJson` is sent only when the worker does not hold the version yet. */
export interface ComputeRequest {
  id: number;
  /** The plan (its grid is cached per plan) and version (the loaded plan is cached per key). */
  planId: string;
  key: string;
  planJson?: string;
  task: ComputeTask;
}

/** Worker → pool. */
export type ComputeReply =
  | { id: number; type: 'done'; result: unknown }
  /** The worker does not hold `key` (evicted or never sent): send the request again with `planJson`. */
  | { id: number; type: 'missing' }
  | { id: number; type: 'error'; code: string; message: string; details: Record<string, unknown>; engine: boolean };
