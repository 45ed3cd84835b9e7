/**
 * Messages between the compute pool (main thread) and a compute worker: the engine work a
 * request waits for (loading a version, response figures and what-ifs, beats GeoJSON, cells,
 * incident bins, comparisons, edits, upload checks, reference layers), run off the request
 * thread so that no request holds the event loop.
 */
import type { Grid, PlanMetrics } from '@beatplan/engine';
import type { ContextInputs, IdPolygonsFile, LoadedPlan, ResponseWhatIfInput, SerializedPlan } from '../engine-service.js';
import type { DatasetKind } from '../store/store.js';

/** A plan's roads dataset as a server-side file (the engine picks the format by `fileName`). */
export interface RoadsFile {
  path: string;
  fileName: string;
}

/**
 * What a compute worker is asked to compute on a loaded plan version; with `roads`, travel is
 * on that road graph (a plan always names the same roads, so the version's model is kept).
 */
export type ComputeTask =
  /** Response figures under the time model's required officers, or a stored staffing's allocated officers. */
  (
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
    /**
     * The beats GeoJSON text of a plan made on units: the beats drawn from the unit polygons
     * (`unitOutlineFromFiles`; with `streetBlocks`, those of the road lines), clipped to the
     * boundary file — kept by the worker per version — with `perBeat[b]` as each beat's
     * properties before the dissolve figures (`withBeatProperties`).
     */
    | {
        kind: 'unitOutline';
        units: { path: string; fileName: string; idField?: string; streetBlocks?: boolean };
        boundary?: { path: string; fileName: string };
        perBeat: object[];
      }
    /**
     * The JSON text of the `GET /plans/{id}/cells?bbox` answer (`cellsBboxJson`): the cells in
     * `bbox`, coarse cells at low `zoom`, a viewer's pooled workloads with `publicK`.
     */
    | { kind: 'cellsBbox'; version: number; bbox: [number, number, number, number]; zoom?: number; publicK?: number }
    /** The beats GeoJSON text (`planBeatsGeojson`: the outline of each beat's cells), `metrics` as properties (evaluated when absent). */
    | { kind: 'beats'; metrics?: PlanMetrics }
    /**
     * The JSON text of `comparePlanPair` of this version against another plan.json (`with`: its text or stored bytes); with
     * `publicK`, as a viewer sees it (both plans on this one's pooled scores, public metrics).
     */
    | { kind: 'compare'; with: string | Uint8Array; publicK?: number }
    /** cells.csv of the version with full scores rebuilt from the plan's datasets (`planCellsCsv`; public layout with `publicK`). */
    | { kind: 'cellsCsv'; context: ContextInputs; publicK?: number }
    /** A move of cells into a beat: {@link EditResult} with `moved` and `beats` (`moveOnPlan`). */
    | { kind: 'move'; cells: string[]; toBeat: string }
    /** Beats locked or unlocked: {@link EditResult} (`setLocked`). */
    | { kind: 'lock'; beats: string[]; locked: boolean }
    /** The equity lens of the version by the areas of an id-polygons file (`planEquity` after `readIdPolygons`). */
    | { kind: 'equity'; areas: IdPolygonsFile }
    /** The version as a viewer sees it with threshold `k`: {@link PublicViewResult}. */
    | { kind: 'publicView'; k: number }
    /** Each cell's workload as a viewer sees it (`publicWorkload`: the mean over its pool of ≥ k incidents, NaN when suppressed), a Float64Array. */
    | { kind: 'publicWorkload'; k: number }
    /** The grid's cells summed into coarser H3 cells at `resolution` (`coarseCellsOf`: `parentOf` per cell, the coarse `h3` ids). */
    | { kind: 'coarseCells'; resolution: number }
    /**
     * An alternative's figures against this version, its parent (`alternativeFigures` of
     * routes/alternatives.ts); with `publicK`, on the parent's pooled scores (a viewer's figures).
     */
    | { kind: 'alternativeFigures'; altJson: string; tolerance?: number; publicK?: number }
    /**
     * On the version's plan.json parsed without its grid (no grid rebuilt; see {@link PARSED_TASKS}):
     * the JSON text of the `GET /plans/{id}/cells` answer without bbox (`planCellsJson`, the public
     * layout with `publicK`)…
     */
    | { kind: 'cellsJson'; version: number; publicK?: number }
    /** … or of `GET /plans/{id}/incidents` (`incidentBinsDto` of `incidentBinsOf(parsed, k)`; `aggregated` for a viewer). */
    | { kind: 'incidentBins'; version: number; k: number; aggregated: boolean }
    /**
     * On a score run's cells.csv (sent as `planJson`, the run's job id as `planId`, version 0;
     * read by `scoredCellsOfCsv`, grid rebuilt): the `GET /scores/{id}/cells` answer, the cells
     * in `bbox` (`cellsInBbox`, coarse cells at low `zoom`) as `{ resolution, aggregated, columns, rows }`.
     */
    | { kind: 'scoreCells'; bbox: [number, number, number, number]; zoom?: number }
  ) & { roads?: RoadsFile };

/**
 * What a task works on, which a worker keeps per key: a plan version loaded (grid rebuilt, the
 * default), a version's plan.json parsed without its grid, or a score run's cells read.
 * @example stateOfTask('cellsJson') // 'parsed'
 */
export function stateOfTask(kind: ComputeTask['kind']): 'loaded' | 'parsed' | 'scored' {
  if (kind === 'cellsJson' || kind === 'incidentBins') return 'parsed';
  return kind === 'scoreCells' ? 'scored' : 'loaded';
}

/** A version as a viewer sees it: public metrics.json and beats GeoJSON texts ({@link textBytes}), and the public metrics per beat. */
export interface PublicViewResult {
  metrics: Uint8Array;
  beats: Uint8Array;
  perBeat: object[];
}

/** An edit computed in a worker: the new version serialized (plan.json text and metrics), and for a move what moved. */
export type EditResult = SerializedPlan & { moved?: number; beats?: string[] };

/** A grid as it crosses between processes: everything but `indexOf` (a function). */
export type GridParts = Omit<Grid, 'indexOf'>;

/** A loaded plan as it crosses between processes (typed arrays and plain data only). */
export type LoadedPlanParts = Omit<LoadedPlan, 'grid'> & { grid?: GridParts };

/** Pool → worker: a task on a plan version, an upload's check, or a reference layer's features. */
export type ComputeRequest = PlanComputeRequest | InspectRequest | ReferenceRequest;

/**
 * A task on a plan version. `planJson` is sent only when the worker does not hold the version
 * yet: the text, or the stored blob's bytes (which the request thread then never decodes into a string).
 */
export interface PlanComputeRequest {
  id: number;
  /** The plan (its grid is cached per plan) and version (the loaded or parsed plan is cached per key). */
  planId: string;
  key: string;
  planJson?: string | Uint8Array;
  task: ComputeTask;
}

/**
 * A dataset upload's check, on no plan: `datasetInspectors[dataset](...args)` (the staged file
 * read and validated as the CLI reads that kind; its summary returned).
 */
export interface InspectRequest {
  id: number;
  task: { kind: 'inspect'; dataset: DatasetKind; args: unknown[] };
}

/**
 * A stored GeoJSON dataset as a plan's ground reference layer, on no plan: the file at `path`
 * reduced to its features' geometries and display names (`referenceFeatures` of
 * routes/reference.ts, `nameKeys` the name properties), answered as the JSON text of a FeatureCollection.
 */
export interface ReferenceRequest {
  id: number;
  task: { kind: 'referenceFeatures'; path: string; nameKeys?: string[] };
}

/** Worker → pool. */
export type ComputeReply =
  /** A large value of the coming `done` result (see {@link splitReply}), in order. */
  | { id: number; type: 'part'; value: unknown }
  /** The result (a text answer as its {@link textBytes}); with `parts`, its large values came before as that many `part` messages. */
  | { id: number; type: 'done'; result: unknown; parts?: number }
  /** The worker does not hold `key` (evicted or never sent): send the request again with `planJson`. */
  | { id: number; type: 'missing' }
  | { id: number; type: 'error'; code: string; message: string; details: Record<string, unknown>; engine: boolean };

/**
 * A text answer as it crosses from a worker: its UTF-8 bytes. A worker answers every task whose
 * answer is text (JSON, GeoJSON, CSV) with its bytes, so that on the request thread the answer
 * is a view into the received IPC message's buffer — memory outside the V8 heap, not copied
 * (`serialization: 'advanced'` deserializes a Uint8Array as a view) — and goes to the socket as
 * it is: a city's megabytes never become a JS string there, whose allocation and collection
 * (old-generation marking) paused the request thread 50–190 ms during the map's reads.
 * @example textBytes('{"a":1}').byteLength // 7
 */
export function textBytes(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/**
 * Text sent as itself or as its UTF-8 bytes (plan.json, another plan to compare with), as text.
 * @example textOf(textBytes('{}')) // '{}'
 */
export function textOf(text: string | Uint8Array): string {
  return typeof text === 'string' ? text : asBuffer(text).toString('utf8');
}

/**
 * Bytes received from a worker (a Uint8Array view) as a Buffer over the same memory (no copy).
 * @example res.type('application/json').send(asBuffer(bytes));
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A typed array of at least this many bytes, or an array of primitives this long, crosses as a message of its own. */
const PART_BYTES = 64 * 1024;
const PART_LENGTH = 4096;
/** Marks where a large value was taken out of a reply. */
const PART = '__computePart';

function isPrimitiveArray(v: unknown[]): boolean {
  for (const x of v) if (typeof x === 'object' && x !== null) return false;
  return true;
}

/**
 * Takes the large values (typed arrays ≥ 64 KB, arrays of ≥ 4,096 strings or numbers) out of a
 * reply, so that each crosses the IPC channel as a message of its own: the request thread then
 * deserializes a loaded plan (~7 MB on Chicago) a few hundred KB at a time, between other
 * requests, instead of in one block. Walks plain objects and arrays only.
 * @example const { skeleton, parts } = splitReply(loaded); // parts: the grid's and scores' arrays
 */
export function splitReply(value: unknown): { skeleton: unknown; parts: unknown[] } {
  const parts: unknown[] = [];
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      if (v.byteLength < PART_BYTES) return v;
      parts.push(v);
      return { [PART]: parts.length - 1 };
    }
    if (Array.isArray(v)) {
      if (v.length >= PART_LENGTH && isPrimitiveArray(v)) {
        parts.push(v);
        return { [PART]: parts.length - 1 };
      }
      return v.map(walk);
    }
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { skeleton: walk(value), parts };
}

/**
 * Puts the parts of {@link splitReply} back into the skeleton.
 * @example joinReply(skeleton, parts) // deep-equal to the value split
 */
export function joinReply(skeleton: unknown, parts: readonly unknown[]): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o = v as Record<string, unknown>;
      if (typeof o[PART] === 'number' && Object.keys(o).length === 1) return parts[o[PART]];
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(skeleton);
}
