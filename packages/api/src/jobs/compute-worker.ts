/**
 * Entry of a compute worker process: answers {@link ComputeRequest}s (IPC messages) one at a
 * time on plan versions it keeps loaded (a few, least recently used first out). Started by
 * `ComputePool`; never imported. Exits when the API process goes away.
 */
import { PlanGridCache } from '../context-cache.js';
import { allocatedUnits, planResponse, requiredUnits, REQUIRED_OFFICERS_RULE, whatIfUnits, type LoadedPlan } from '../engine-service.js';
import { isEngineError } from '../errors.js';
import type { ComputeReply, ComputeRequest, ComputeTask } from './compute-protocol.js';

/** Loaded plan versions kept, by key. */
const KEEP = 4;
const loaded = new Map<string, LoadedPlan>();
const grids = new PlanGridCache();

function compute(p: LoadedPlan, task: ComputeTask): unknown {
  if (task.kind === 'response') {
    if (!task.staffing) return planResponse(p, requiredUnits(p), REQUIRED_OFFICERS_RULE);
    return planResponse(p, allocatedUnits(p, JSON.parse(task.staffing.json)), task.staffing.label);
  }
  const { units, rule } = whatIfUnits(p, task.input);
  return planResponse(p, units, rule);
}

const post = (m: ComputeReply) => process.send!(m);

process.on('disconnect', () => process.exit(0));
process.on('message', (m: ComputeRequest) => {
  try {
    let p = loaded.get(m.key);
    if (p) loaded.delete(m.key);
    else if (m.planJson !== undefined) p = grids.load(m.planId, m.planJson);
    else return post({ id: m.id, type: 'missing' });
    loaded.set(m.key, p);
    while (loaded.size > KEEP) loaded.delete(loaded.keys().next().value!);
    post({ id: m.id, type: 'done', result: compute(p, m.task) });
  } catch (e) {
    if (isEngineError(e)) post({ id: m.id, type: 'error', code: e.code, message: e.message, details: { ...e.details }, engine: true });
    else {
      console.error(e);
      post({ id: m.id, type: 'error', code: 'INTERNAL', message: 'the computation failed unexpectedly', details: {}, engine: false });
    }
  }
});
