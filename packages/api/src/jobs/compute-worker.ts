/**
 * Entry of a compute worker process: answers {@link ComputeRequest}s (IPC messages) one at a
 * time (loading a version for the request thread, response figures, what-ifs, meeting places)
 * on plan versions it keeps loaded (a few, least recently used first out) with their
 * travel models (built on first use: shift independent, so every response and what-if of a
 * version shares one). Started by `ComputePool`; never imported. Exits when the API process
 * goes away.
 */
import { buildTravelModel, type RoadNetwork, type TravelModel, withRoads } from '@beatplan/engine';
import { loadedPlanParts, PlanGridCache } from '../context-cache.js';
import {
  allocatedOfficersOf,
  type LoadedPlan,
  meetingPlaces,
  planResponse,
  REQUIRED_OFFICERS_RULE,
  readRoadNetwork,
  readVenues,
  requiredUnits,
  unitOutlineFromFiles,
  whatIfUnits,
} from '../engine-service.js';
import { isEngineError } from '../errors.js';
import { type ComputeReply, type ComputeRequest, type ComputeTask, splitReply } from './compute-protocol.js';

/** A loaded version and, once needed, its travel model. */
interface Version {
  p: LoadedPlan;
  travel?: TravelModel;
}

/** Loaded plan versions kept, by key. */
const KEEP = 4;
const loaded = new Map<string, Version>();
const grids = new PlanGridCache();
/** Road graphs by file (validated on upload; a dataset's blob never changes). */
const roadGraphs = new Map<string, RoadNetwork>();

async function roadGraph(file: NonNullable<ComputeTask['roads']>): Promise<RoadNetwork> {
  let net = roadGraphs.get(file.path);
  if (!net) {
    net = await readRoadNetwork(file.path, file.fileName);
    roadGraphs.set(file.path, net);
    while (roadGraphs.size > KEEP) roadGraphs.delete(roadGraphs.keys().next().value!);
  }
  return net;
}

async function compute(v: Version, task: ComputeTask): Promise<unknown> {
  const { p } = v;
  if (task.kind === 'load') return loadedPlanParts(p, task.grid);
  if (task.kind === 'unitOutline') return unitOutlineFromFiles(p, task.units, task.boundary);
  if (task.kind === 'meetings') {
    const { path, fileName, idProperty, nameProperty } = task.venues;
    return meetingPlaces(
      p,
      await readVenues(path, fileName),
      idProperty,
      nameProperty,
      task.roads ? await roadGraph(task.roads) : undefined,
    );
  }
  // the model estimateResponse would build itself: workload-weighted atoms of this plan, on the
  // plan's roads when it names a roads dataset
  if (!v.travel) {
    const straight = buildTravelModel(p.grid, p.plan, { cellWeights: p.scores.workloadHours });
    v.travel = task.roads ? withRoads(straight, p.grid, await roadGraph(task.roads)) : straight;
  }
  const travel = v.travel;
  if (task.kind === 'response') {
    if (!task.staffing) return planResponse(p, requiredUnits(p), REQUIRED_OFFICERS_RULE, p.scores, undefined, travel);
    return planResponse(
      p,
      allocatedOfficersOf(
        JSON.parse(task.staffing.json),
        p.plan.beatIds,
        p.scores.shifts.map((s) => s.id),
      ),
      task.staffing.label,
      p.scores,
      undefined,
      travel,
    );
  }
  const { units, rule } = whatIfUnits(p, task.input);
  return planResponse(p, units, rule, p.scores, undefined, travel);
}

const post = (m: ComputeReply) => process.send!(m);

process.on('disconnect', () => process.exit(0));
process.on('message', async (m: ComputeRequest) => {
  try {
    let v = loaded.get(m.key);
    if (v) loaded.delete(m.key);
    else if (m.planJson !== undefined) v = { p: grids.load(m.planId, m.planJson) };
    else return post({ id: m.id, type: 'missing' });
    loaded.set(m.key, v);
    while (loaded.size > KEEP) loaded.delete(loaded.keys().next().value!);
    const { skeleton, parts } = splitReply(await compute(v, m.task));
    for (const value of parts) post({ id: m.id, type: 'part', value });
    post({ id: m.id, type: 'done', result: skeleton, parts: parts.length });
  } catch (e) {
    if (isEngineError(e)) post({ id: m.id, type: 'error', code: e.code, message: e.message, details: { ...e.details }, engine: true });
    else {
      console.error(e);
      post({ id: m.id, type: 'error', code: 'INTERNAL', message: 'the computation failed unexpectedly', details: {}, engine: false });
    }
  }
});
