/**
 * Messages between the job runner (main thread) and a job worker.
 */
import type { ContextInputs, PlanOptions } from '../engine-service.js';

/** What a worker is asked to do (its `workerData`). */
export type JobTask =
  | { kind: 'score'; inputs: ContextInputs }
  | {
      kind: 'plan';
      inputs: ContextInputs;
      method: 'plan' | 'import';
      options: PlanOptions;
      existing?: { path: string; fileName: string; idField: string };
    }
  | { kind: 'staff'; planJson: string; roster: { path: string; fileName: string } };

/** Worker → runner. */
export type WorkerMessage =
  | { type: 'progress'; fraction: number; stage: string }
  | { type: 'done'; result: Record<string, unknown> }
  | { type: 'error'; code: string; detail: string; isInputError: boolean };
