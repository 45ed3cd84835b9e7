/**
 * Messages between the job runner (main thread) and a job worker.
 */
import type {
  ChangeCurveOptions,
  ContextInputs,
  IncidentReadOptions,
  ParentPlanInput,
  PlanFileOptions,
  RebalanceOptions,
  SimulationRunOptions,
  StaffFileOptions,
  WhatIfInput,
} from '../engine-service.js';
import type { RoadsFile } from './compute-protocol.js';

/** What a worker is asked to do (its `workerData`). */
export type JobTask =
  | { kind: 'score'; inputs: ContextInputs }
  | {
      kind: 'plan';
      inputs: ContextInputs;
      method: 'plan' | 'import';
      options: PlanFileOptions;
      existing?: { path: string; fileName: string; idField: string };
      /** The parent plan (`from`): its stored plan.json and its name. */
      from?: ParentPlanInput;
    }
  | { kind: 'staff'; planJson: string; roster: { path: string; fileName: string }; options?: StaffFileOptions }
  | { kind: 'rebalance'; planJson: string; options: RebalanceOptions }
  | { kind: 'changecurve'; planJson: string; options: ChangeCurveOptions }
  | { kind: 'whatif'; planJson: string; roster: { path: string; fileName: string }; scenario: WhatIfInput; options?: StaffFileOptions }
  | {
      kind: 'simulate';
      planJson: string;
      staffing: { json: string; id: string };
      incidents?: { path: string; fileName: string; read: IncidentReadOptions; id: string };
      options: SimulationRunOptions;
      /** The plan's roads dataset: travel on its road graph. */
      roads?: RoadsFile;
    };

/** Worker → runner. */
export type WorkerMessage =
  | { type: 'progress'; fraction: number; stage: string }
  | { type: 'done'; result: Record<string, unknown> }
  | { type: 'error'; code: string; detail: string; isInputError: boolean };
