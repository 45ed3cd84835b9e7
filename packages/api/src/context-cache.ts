/**
 * Resolves stored inputs (dataset ids) to files and keeps the most recently used grid +
 * scores contexts in memory, so reads and edits of a plan do not rebuild them.
 */

import type { Grid } from '@beatplan/engine';
import { buildContext, type ContextInputs, gridOfPlanJson, type LoadedPlan, loadPlanJson, type PlanContext } from './engine-service.js';
import { ApiError, type FieldError } from './errors.js';
import type { LoadedPlanParts } from './jobs/compute-protocol.js';
import type { ContextInput } from './schemas.js';
import type { DatasetKind, DatasetRecord, Store } from './store/store.js';

/** The file name handed to the engine: kind + extension (the engine picks the format by it). */
export function engineFileName(d: DatasetRecord): string {
  return `${d.kind}-${d.id.slice(0, 8)}.${d.format === 'csv' ? 'csv' : 'geojson'}`;
}

/**
 * Turns dataset ids into server-side files, checking each exists and has the right kind.
 * @throws ApiError 400 `VALIDATION_FAILED` naming every wrong field (`body.incidents`…)
 */
export async function resolveInputs(store: Store, input: ContextInput & { beats?: number }, where = 'body'): Promise<ContextInputs> {
  const errors: FieldError[] = [];
  const get = async (field: keyof ContextInput, kind: DatasetKind): Promise<DatasetRecord | undefined> => {
    const id = input[field] as string | undefined;
    if (id === undefined) return undefined;
    const d = await store.getDataset(id);
    if (!d) errors.push({ path: `${where}.${field}`, message: `no dataset ${id}` });
    else if (d.kind !== kind) errors.push({ path: `${where}.${field}`, message: `dataset ${id} is a ${d.kind} dataset, not ${kind}` });
    else return d;
    return undefined;
  };
  const boundary = await get('boundary', 'boundary');
  const incidents = await get('incidents', 'incidents');
  const barriers = await get('barriers', 'barriers');
  const population = await get('population', 'layer');
  const vulnerability = await get('vulnerability', 'layer');
  const counts = await get('incidentCounts', 'counts');
  if (input.incidentCounts !== undefined && input.countsPeriodDays === undefined)
    errors.push({ path: `${where}.countsPeriodDays`, message: 'required with incidentCounts (the days the counts cover)' });
  if (input.incidentCounts === undefined && input.countsPeriodDays !== undefined)
    errors.push({ path: `${where}.countsPeriodDays`, message: 'applies with incidentCounts only' });
  if (errors.length) throw new ApiError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  const file = (d: DatasetRecord) => ({ path: store.blobPath(d.blobRef), fileName: engineFileName(d) });
  const layer = (d: DatasetRecord | undefined, use: 'population' | 'vulnerability') =>
    d ? [{ ...file(d), field: String(d.info.field), use }] : [];
  return {
    boundary: file(boundary!),
    incidents: { ...file(incidents!), read: (incidents!.info.read ?? {}) as ContextInputs['incidents']['read'] },
    ...(barriers ? { barriers: file(barriers) } : {}),
    layers: [...layer(population, 'population'), ...layer(vulnerability, 'vulnerability')],
    ...(input.resolution !== undefined ? { resolution: input.resolution } : {}),
    ...(input.beats !== undefined ? { beats: input.beats } : {}),
    ...(input.shifts !== undefined ? { shifts: input.shifts } : {}),
    ...(input.recencyHalfLifeDays !== undefined ? { recencyHalfLifeDays: input.recencyHalfLifeDays } : {}),
    ...(counts
      ? {
          incidentCounts: {
            ...file(counts),
            columns: counts.info.columns as NonNullable<ContextInputs['incidentCounts']>['columns'],
            periodDays: input.countsPeriodDays!,
          },
        }
      : {}),
  };
}

/**
 * A small LRU of contexts keyed by their resolved inputs. Building a context (grid + scores,
 * seconds on a city) runs in a compute worker, never on the request thread; concurrent
 * requests for one key share one build.
 */
export class ContextCache {
  private readonly entries = new Map<string, Promise<PlanContext>>();
  constructor(private readonly size = 4) {}

  /** The context of `inputs`, built once. */
  get(inputs: ContextInputs): Promise<PlanContext> {
    const key = JSON.stringify(inputs);
    let p = this.entries.get(key);
    if (p) {
      this.entries.delete(key);
      this.entries.set(key, p);
      return p;
    }
    p = buildContext(inputs);
    p.catch(() => this.entries.delete(key));
    this.entries.set(key, p);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }
}

/**
 * Grids of stored plans, rebuilt from plan.json once per plan (every version of a plan has the
 * same grid) and kept for the most recently used plans; plan versions parsed on top of them.
 * The compute workers parse (`load`); the request thread only keeps the grids they sent
 * (`get` / `set`), so that a plan's next version crosses without its grid.
 */
export class PlanGridCache {
  private readonly grids = new Map<string, Grid>();
  constructor(private readonly size = 16) {}

  /** The loaded plan of a version's plan.json (heavy: 1–3 s on Chicago; compute workers only). */
  load(planId: string, planJson: string): LoadedPlan {
    const grid = this.get(planId) ?? gridOfPlanJson(planJson);
    this.set(planId, grid);
    return loadPlanJson(planJson, grid);
  }

  /** The cached grid of a plan (marked most recently used), or undefined. */
  get(planId: string): Grid | undefined {
    const grid = this.grids.get(planId);
    if (grid) {
      this.grids.delete(planId);
      this.grids.set(planId, grid);
    }
    return grid;
  }

  /** Keeps `grid` as the grid of plan `planId`. */
  set(planId: string, grid: Grid): void {
    this.grids.delete(planId);
    this.grids.set(planId, grid);
    while (this.grids.size > this.size) this.grids.delete(this.grids.keys().next().value!);
  }
}

/**
 * A loaded plan as plain data for another process: the grid without `indexOf` (left out
 * entirely when `withGrid` is false).
 * @example worker: post(loadedPlanParts(p, true)); request thread: loadedPlanOfParts(parts)
 */
export function loadedPlanParts(p: LoadedPlan, withGrid: boolean): LoadedPlanParts {
  const { grid, ...rest } = p;
  if (!withGrid) return rest;
  const { indexOf: _indexOf, ...parts } = grid;
  return { ...rest, grid: parts };
}

/**
 * A loaded plan back from {@link loadedPlanParts}: `indexOf` restored as a binary search over
 * the grid's sorted H3 ids (no per-cell work on the request thread).
 * @param grid the plan's grid when the parts came without one
 * @throws ApiError `INTERNAL` when the parts carry no grid and none is given
 */
export function loadedPlanOfParts(parts: LoadedPlanParts, grid?: Grid): LoadedPlan {
  const { grid: gridParts, ...rest } = parts;
  if (gridParts) {
    const h3 = gridParts.h3;
    const indexOf = (h: string): number => {
      let lo = 0;
      let hi = h3.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = h3[mid]!;
        if (c === h) return mid;
        if (c < h) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    };
    return { ...rest, grid: { ...gridParts, indexOf } };
  }
  if (!grid) throw new ApiError('INTERNAL', 'a loaded plan came without its grid');
  return { ...rest, grid };
}
