/**
 * Entry of a compute worker process: answers {@link ComputeRequest}s (IPC messages) one at a
 * time (loading a version for the request thread, response figures, what-ifs, meeting places,
 * beats GeoJSON, cells, incident bins, comparisons, edits, upload checks) on plan versions it
 * keeps loaded (a few, least recently used first out) with their travel models (built on first
 * use: shift independent, so every response and what-if of a version shares one), and on a few
 * versions parsed without their grid (cells and incident bins need no grid rebuilt). Started by
 * `ComputePool`; never imported. Exits when the API process goes away.
 */
import { readFile } from 'node:fs/promises';
import { buildTravelModel, type PlanMetrics, type RoadNetwork, type TravelModel, withRoads } from '@beatplan/engine';
import { ContextCache, loadedPlanParts, PlanGridCache } from '../context-cache.js';
import type { CellsDto } from '../dto.js';
import {
  allocatedOfficersOf,
  coarseCellsOf,
  comparePlanPair,
  datasetInspectors,
  evaluateLoadedPlan,
  incidentBinsDto,
  incidentBinsOf,
  type LoadedPlan,
  meetingPlaces,
  moveOnPlan,
  type ParsedPlanJson,
  parsePlanJson,
  planBeatsGeojson,
  planCellsCsv,
  planCellsJson,
  planEquity,
  planResponse,
  publicWorkload,
  REQUIRED_OFFICERS_RULE,
  readIdPolygons,
  readRoadNetwork,
  readVenues,
  requiredUnits,
  type ScoredCells,
  scoredCellsOfCsv,
  setLocked,
  unitOutlineFromFiles,
  whatIfUnits,
} from '../engine-service.js';
import { isEngineError } from '../errors.js';
import { cellRows, cellsBboxJson, cellsInBbox, PlanVersionCache, type UnitOutline, withBeatProperties } from '../plan-access.js';
import { publicLoadedPlan, publicMetrics } from '../public-view.js';
import { alternativeFigures } from '../routes/alternatives.js';
import { referenceFeatures } from '../routes/reference.js';
import {
  type ComputeReply,
  type ComputeRequest,
  type ComputeTask,
  type EditResult,
  type PublicViewResult,
  splitReply,
  stateOfTask,
  textBytes,
  textOf,
} from './compute-protocol.js';

/** A loaded version and, once needed, its travel model, unit outline and viewers' workloads. */
interface Version {
  p: LoadedPlan;
  /** Its plan.json text. */
  json: string;
  travel?: TravelModel;
  /** The beats drawn from its unit polygons (a dissolve: seconds on a city's blocks); a failure is not kept. */
  unitOutline?: Promise<UnitOutline>;
  /** Each cell's workload as a viewer sees it, by k (`publicWorkload`). */
  publicWorkload?: Map<number, Float64Array>;
}

/** Loaded plan versions kept, by key; as many parsed without their grid. */
const KEEP = 4;
const loaded = new Map<string, Version>();
const parsed = new Map<string, { parsed: ParsedPlanJson; json: string }>();
const grids = new PlanGridCache();
/** Grid + scores contexts rebuilt from a plan's datasets (cells.csv with full scores); how many: the first argument. */
const contexts = new ContextCache(Number(process.argv[2]) || 4);

/** Takes `key` from an LRU `map` (the entry made by `make` when absent, or undefined when it cannot be), keeping the newest {@link KEEP}. */
function lru<V>(map: Map<string, V>, key: string, make: () => V | undefined): V | undefined {
  let v = map.get(key);
  if (v !== undefined) map.delete(key);
  else v = make();
  if (v === undefined) return undefined;
  map.set(key, v);
  while (map.size > KEEP) map.delete(map.keys().next().value!);
  return v;
}

/** Score runs' cells kept, by key (a promise: concurrent requests share one read). */
const scored = new Map<string, Promise<ScoredCells>>();
/** Coarse cells of the score runs' and loaded versions' grids. */
const coarse = new PlanVersionCache();

/** {@link lru} of a value made asynchronously (a failure is not kept). */
function lruAsync<V>(map: Map<string, Promise<V>>, key: string, make: (() => Promise<V>) | undefined): Promise<V | undefined> {
  const p = lru(map, key, () => {
    if (!make) return undefined;
    const made = make();
    made.catch(() => map.delete(key));
    return made;
  });
  return p ?? Promise.resolve(undefined);
}

/** A task on a version's plan.json parsed without its grid. */
function computeParsed(v: { parsed: ParsedPlanJson }, task: ComputeTask): string {
  if (task.kind === 'cellsJson') {
    const bins = task.publicK === undefined ? undefined : incidentBinsOf(v.parsed, task.publicK);
    return JSON.stringify({ version: task.version, aggregated: false, ...planCellsJson(v.parsed, bins) });
  }
  if (task.kind === 'incidentBins') {
    return JSON.stringify(incidentBinsDto(incidentBinsOf(v.parsed, task.k), task.version, task.aggregated));
  }
  throw new Error(`task ${task.kind} needs the version loaded`);
}
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
  if (task.kind === 'beats') return JSON.stringify(planBeatsGeojson(p, task.metrics));
  if (task.kind === 'cellsCsv') return planCellsCsv(await contexts.get(task.context), v.json, task.publicK);
  if (task.kind === 'move') return moveOnPlan(p, task.cells, task.toBeat) satisfies EditResult;
  if (task.kind === 'lock') return setLocked(p, task.beats, task.locked) satisfies EditResult;
  if (task.kind === 'publicView') {
    const pub = publicLoadedPlan(p, task.k);
    const metrics = publicMetrics(evaluateLoadedPlan(pub), task.k);
    return {
      metrics: textBytes(JSON.stringify(metrics)),
      beats: textBytes(JSON.stringify(planBeatsGeojson(pub, metrics as unknown as PlanMetrics))),
      perBeat: (metrics as unknown as { perBeat: object[] }).perBeat,
    } satisfies PublicViewResult;
  }
  if (task.kind === 'equity') return planEquity(p, await readIdPolygons(task.areas));
  if (task.kind === 'publicWorkload') return publicWorkload({ h3: p.grid.h3, scores: p.scores }, task.k);
  if (task.kind === 'coarseCells') return coarseCellsOf(p.grid.h3, task.resolution);
  if (task.kind === 'alternativeFigures') {
    const parent = task.publicK === undefined ? p : publicLoadedPlan(p, task.publicK);
    return alternativeFigures(parent, task.altJson, task.tolerance);
  }
  if (task.kind === 'compare') {
    const other = textOf(task.with);
    if (task.publicK === undefined) return JSON.stringify(comparePlanPair(p, other));
    // a viewer's comparison: both plans on this one's pooled scores, no per-shift figures
    const k = task.publicK;
    const c = comparePlanPair(publicLoadedPlan(p, k), other);
    return JSON.stringify({ ...c, metrics: { a: publicMetrics(c.metrics.a, k), b: publicMetrics(c.metrics.b, k) } });
  }
  if (task.kind === 'unitOutline') {
    let outline = v.unitOutline;
    if (!outline) {
      // (the engine's FeatureCollection of dissolved beats, as the API types it)
      outline = unitOutlineFromFiles(p, task.units, task.boundary) as Promise<unknown> as Promise<UnitOutline>;
      outline.catch(() => (v.unitOutline = undefined));
      v.unitOutline = outline;
    }
    return JSON.stringify(withBeatProperties(await outline, p.plan.beatIds, task.perBeat));
  }
  if (task.kind === 'cellsBbox') {
    const { publicK: k } = task;
    let workload: ArrayLike<number> = p.scores.workloadHours;
    if (k !== undefined) {
      v.publicWorkload ??= new Map();
      workload = v.publicWorkload.get(k) ?? v.publicWorkload.set(k, publicWorkload({ h3: p.grid.h3, scores: p.scores }, k)).get(k)!;
    }
    const src = { grid: p.grid, workload, need: p.scores.needHours, beatOfCell: p.plan.beatOfCell, beatIds: p.plan.beatIds };
    return cellsBboxJson(src, task.version, task.bbox, task.zoom, (r) => coarse.coarseCells(p.grid, r), k);
  }
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
  if (task.kind !== 'responseWhatIf') throw new Error(`task ${task.kind} needs the version parsed only`);
  const { units, rule } = whatIfUnits(p, task.input);
  return planResponse(p, units, rule, p.scores, undefined, travel);
}

const post = (m: ComputeReply) => process.send!(m);

process.on('disconnect', () => process.exit(0));
/** The answer to a request, or undefined when the worker does not hold its version (and was not sent it). */
async function answer(m: ComputeRequest): Promise<unknown> {
  if (m.task.kind === 'referenceFeatures') {
    const features = referenceFeatures(await readFile(m.task.path, 'utf8'), m.task.nameKeys);
    return JSON.stringify({ type: 'FeatureCollection', features });
  }
  if (!('key' in m)) return (await (datasetInspectors[m.task.dataset] as (...args: unknown[]) => Promise<unknown>)(...m.task.args)) ?? null;
  const { planId, task } = m;
  // plan.json crosses as the stored blob's bytes (see PlanComputeRequest), decoded here
  const planJson = m.planJson === undefined ? undefined : textOf(m.planJson);
  const state = stateOfTask(task.kind);
  if (state === 'scored') {
    const v = await lruAsync(scored, m.key, planJson === undefined ? undefined : () => scoredCellsOfCsv(planJson));
    if (!v) return undefined;
    if (task.kind !== 'scoreCells') throw new Error(`task ${task.kind} is not on a score run`);
    const cells = cellsInBbox(v, task.bbox, task.zoom, (r) => coarse.coarseCells(v.grid, r));
    return JSON.stringify({ resolution: cells.resolution, aggregated: cells.aggregated, ...cellRows(cells) } satisfies CellsDto);
  }
  if (state === 'parsed') {
    const v = lru(parsed, m.key, () => (planJson === undefined ? undefined : { parsed: parsePlanJson(planJson), json: planJson }));
    return v && computeParsed(v, task);
  }
  const v = lru(loaded, m.key, () => (planJson === undefined ? undefined : { p: grids.load(planId, planJson), json: planJson }));
  return v && compute(v, task);
}

process.on('message', async (m: ComputeRequest) => {
  try {
    const answered = await answer(m);
    if (answered === undefined) return post({ id: m.id, type: 'missing' });
    // a text answer crosses as bytes (see textBytes): never a large string on the request thread
    const result = typeof answered === 'string' ? textBytes(answered) : answered;
    const { skeleton, parts } = splitReply(result);
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
