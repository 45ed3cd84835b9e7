/**
 * Worker-thread entry of a job: runs one {@link JobTask} through the engine and posts
 * progress, then the result or the error. Started by the job runner; never imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  buildContext,
  changeCurveOfPlan,
  contextCellsCsv,
  lineageSummary,
  planOnFiles,
  rebalancePlan,
  simulateFromFiles,
  staffPlanFromFiles,
  whatIfFromFiles,
} from '../engine-service.js';
import { isEngineError } from '../errors.js';
import type { JobTask, WorkerMessage } from './job-protocol.js';
import { lowerThreadPriority } from './thread-priority.js';

lowerThreadPriority();

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

let last = 0;
const onProgress = (fraction: number, stage: string) => {
  const now = Date.now();
  if (now - last < 100 && fraction < 1) return;
  last = now;
  post({ type: 'progress', fraction: Math.max(0, Math.min(1, fraction)), stage });
};

async function run(task: JobTask): Promise<Record<string, unknown>> {
  if (task.kind === 'staff') return { staffing: await staffPlanFromFiles(task.planJson, task.roster, onProgress, task.options) };
  if (task.kind === 'rebalance') return { ...rebalancePlan(task.planJson, task.options, onProgress) };
  if (task.kind === 'changecurve') return { curve: changeCurveOfPlan(task.planJson, task.options, onProgress) };
  if (task.kind === 'whatif') return { whatIf: await whatIfFromFiles(task.planJson, task.roster, task.scenario, onProgress, task.options) };
  if (task.kind === 'simulate')
    return { simulation: await simulateFromFiles(task.planJson, task.staffing, task.incidents, task.options, onProgress, task.roads) };
  const ctx = await buildContext(task.inputs, onProgress);
  const base = {
    resolution: ctx.grid.resolution,
    cellCount: ctx.grid.cellCount,
    ingest: ctx.ingest,
    score: ctx.score,
    timingsMs: ctx.timingsMs,
  };
  if (task.kind === 'score') return { ...base, cellsCsv: contextCellsCsv(ctx) };
  const planned = await planOnFiles(ctx, task.method, task.options, task.existing, onProgress, task.from);
  // the plan record's lineage summary, read from plan.json here so the request thread does not parse it
  return { ...base, ...planned, lineageSummary: lineageSummary(planned.planJson) };
}

run(workerData as JobTask).then(
  (result) => post({ type: 'done', result }),
  (e: unknown) => {
    if (isEngineError(e)) post({ type: 'error', code: e.code, detail: e.message, isInputError: e.isInputError });
    else post({ type: 'error', code: 'INTERNAL', detail: 'the job failed unexpectedly', isInputError: false });
    if (!isEngineError(e)) console.error(e);
  },
);
