/**
 * Reading and writing plans for the routes (and the in-process side of the API bench):
 * versions, If-Match, loaded plans cached per version, and the derived reads (beats GeoJSON,
 * cells by bbox and zoom, response figures, meeting places) cached per version. A version
 * never changes once written, so a cache keyed by (plan, version) is never stale.
 */
import type { Grid, PlanMetrics } from '@beatplan/engine';
import type { AppContext } from './app-context.js';
import { engineFileName, loadedPlanOfParts, resolveInputs } from './context-cache.js';
import type { CellsDto } from './dto.js';
import {
  cellEdgeLengthKm,
  coarseCellsOf,
  type LoadedPlan,
  type MeetingPlaceDto,
  type PlanResponseFigures,
  privacyDto,
  type SerializedPlan,
} from './engine-service.js';
import { ApiError } from './errors.js';
import {
  asBuffer,
  type ComputeTask,
  type EditResult,
  type LoadedPlanParts,
  type PublicViewResult,
  type RoadsFile,
} from './jobs/compute-protocol.js';

/** Cells summed into coarser H3 cells (`coarseCellsOf`). */
type CoarseCells = ReturnType<typeof coarseCellsOf>;

import type { ContextInput } from './schemas.js';
import type { PlanRecord, PlanSettings, PlanVersionRecord, Store } from './store/store.js';

/** The strong ETag of a plan version. */
export function planEtag(planId: string, version: number): string {
  return `"${planId}.v${version}"`;
}

/** The meeting schedule of a beat when the plan sets none (documented in the OpenAPI). */
export const DEFAULT_MEETING_SCHEDULE = 'first Tuesday of the month, 18:30';

/** A loaded version and the reads derived from it. */
interface VersionEntry {
  loaded: LoadedPlan;
  json: string;
  derived: Map<string, Promise<unknown>>;
}

/**
 * LRU of loaded plan versions (plan.json parsed on the plan's cached grid) with a per-version
 * memo of derived reads. Concurrent requests for one version share one load.
 */
export class PlanVersionCache {
  private readonly entries = new Map<string, Promise<VersionEntry>>();
  private readonly coarse = new WeakMap<Grid, Map<number, ReturnType<typeof coarseCellsOf>>>();
  private readonly blobs = new Map<string, Promise<Buffer>>();
  private readonly parsedBlobs = new Map<string, Promise<unknown>>();
  constructor(private readonly size = 8) {}

  /**
   * A value derived from an immutable blob alone (a plan.json parsed without its grid, its
   * public incident bins), computed once while recently used; a failure is not kept.
   */
  fromBlob<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.parsedBlobs.get(key) as Promise<T> | undefined;
    if (p) this.parsedBlobs.delete(key);
    else {
      p = compute();
      p.catch(() => this.parsedBlobs.delete(key));
    }
    this.parsedBlobs.set(key, p);
    while (this.parsedBlobs.size > this.size) this.parsedBlobs.delete(this.parsedBlobs.keys().next().value!);
    return p;
  }

  /** The bytes of a small immutable blob (metrics.json), read once while recently used. */
  blob(ref: string, read: (ref: string) => Promise<Buffer>): Promise<Buffer> {
    let p = this.blobs.get(ref);
    if (p) this.blobs.delete(ref);
    else {
      p = read(ref);
      p.catch(() => this.blobs.delete(ref));
    }
    this.blobs.set(ref, p);
    while (this.blobs.size > 4 * this.size) this.blobs.delete(this.blobs.keys().next().value!);
    return p;
  }

  /** The entry of `planId` version `version`; `load` reads its plan.json when not cached. */
  get(planId: string, version: number, load: () => Promise<VersionEntry>): Promise<VersionEntry> {
    const key = `${planId}\u0000${version}`;
    let p = this.entries.get(key);
    if (p) {
      this.entries.delete(key);
      this.entries.set(key, p);
      return p;
    }
    p = load();
    p.catch(() => this.entries.delete(key));
    this.entries.set(key, p);
    while (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }

  /** A value derived from a version, computed once (a failure is not kept). */
  static memo<T>(entry: VersionEntry, key: string, compute: () => Promise<T> | T): Promise<T> {
    let p = entry.derived.get(key) as Promise<T> | undefined;
    if (!p) {
      p = Promise.resolve().then(compute);
      p.catch(() => entry.derived.delete(key));
      entry.derived.set(key, p);
    }
    return p;
  }

  /** Coarse cells of a grid at a resolution, computed once per grid. */
  coarseCells(grid: Grid, resolution: number): ReturnType<typeof coarseCellsOf> {
    let m = this.coarse.get(grid);
    if (!m) this.coarse.set(grid, (m = new Map()));
    let c = m.get(resolution);
    if (!c) m.set(resolution, (c = coarseCellsOf(grid.h3, resolution)));
    return c;
  }
}

/** `[west, south, east, north]` in degrees. */
export type Bbox = [number, number, number, number];

/** Cells of a bbox, column-wise (what {@link cellsInBbox} computes; answered row-wise by {@link cellRows}). */
export interface CellsInBbox {
  version: number;
  /** H3 resolution of `h3` (coarser than the plan's when `aggregated`). */
  resolution: number;
  aggregated: boolean;
  h3: string[];
  /** Beat id (at a coarse cell: the beat of most of its cells), null when unassigned. */
  beat: Array<string | null>;
  /** Workload, officer-hours per week (Σ over the cells of a coarse cell); null only in a public answer, where suppressed. */
  workload: Array<number | null>;
  /** Engagement need, community hours per week (Σ likewise). */
  need: number[];
  /** Set in a public (viewer) answer: how small incident counts are protected. */
  privacy?: ReturnType<typeof privacyDto>;
}

/**
 * Column-wise cells in the API's one cells shape: `columns` (the cells.csv vocabulary: `h3`,
 * `beat` with `''` unassigned, `workload`, `need`) and one row per cell.
 * @example cellRows({ h3: ['8a…'], beat: ['B1'], workload: [1.5], need: [2] }) // { columns: ['h3','beat','workload','need'], rows: [['8a…','B1',1.5,2]] }
 */
export function cellRows(c: {
  h3: readonly string[];
  beat?: ReadonlyArray<string | null>;
  workload: ReadonlyArray<number | null>;
  need: readonly number[];
}): {
  columns: string[];
  rows: Array<Array<string | number | null>>;
} {
  const { h3, beat, workload, need } = c;
  const rows: Array<Array<string | number | null>> = new Array(h3.length);
  for (let i = 0; i < h3.length; i++) rows[i] = beat ? [h3[i]!, beat[i] ?? '', workload[i]!, need[i]!] : [h3[i]!, workload[i]!, need[i]!];
  return { columns: beat ? ['h3', 'beat', 'workload', 'need'] : ['h3', 'workload', 'need'], rows };
}

/** Cells are never aggregated beyond this H3 resolution (edge ~26 km; a city is a few cells). */
const COARSEST = 4;

/** Pixels a cell should span at least before cells are aggregated to a coarser resolution. */
const MIN_CELL_PX = 8;

/**
 * The finest H3 resolution (≤ `finest`, ≥ 4 unless `finest` is lower) whose cells span at least {@link MIN_CELL_PX} pixels
 * at web-mercator `zoom` and latitude `lat` (degrees).
 */
export function resolutionForZoom(zoom: number, lat: number, finest: number): number {
  const metresPerPx = (156_543.03392 * Math.cos((lat * Math.PI) / 180)) / 2 ** zoom;
  let r = finest;
  while (r > COARSEST && (2 * cellEdgeLengthKm(r) * 1000) / metresPerPx < MIN_CELL_PX) r--;
  return r;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Cells with values, for {@link cellsInBbox}. */
export interface CellValues {
  grid: Grid;
  /** Officer-hours per week per cell. */
  workload: ArrayLike<number>;
  /** Community hours per week per cell. */
  need: ArrayLike<number>;
  /** Beat index per cell (−1 = none); without it the answer has no `beat` column. */
  beatOfCell?: ArrayLike<number>;
  beatIds?: readonly string[];
}

/**
 * The cells whose centre lies in `bbox`, column-wise. With `zoom`, when the grid's cells
 * would span fewer than a few pixels, they are summed into coarser H3 cells (`coarse(r)`
 * gives each cell's coarse cell at resolution r): every cell of a coarse cell counts, also
 * those outside the bbox, so a coarse cell's sums do not depend on the view; its beat is
 * the beat of most of its cells.
 */
export function cellsInBbox(
  src: CellValues,
  bbox: Bbox,
  zoom: number | undefined,
  coarse: (resolution: number) => { parentOf: Int32Array; h3: string[] },
): Omit<CellsInBbox, 'version' | 'beat'> & { beat?: Array<string | null> } {
  const { grid, workload, need, beatOfCell, beatIds } = src;
  const [w, s, e, n] = bbox;
  const target = zoom === undefined ? grid.resolution : resolutionForZoom(zoom, (s + n) / 2, grid.resolution);
  const aggregated = target < grid.resolution;
  const h3: string[] = [];
  const wl: number[] = [];
  const nd: number[] = [];
  const beat: Array<string | null> | undefined = beatOfCell ? [] : undefined;
  const N = grid.cellCount;
  const inBox = (i: number) => {
    const x = grid.lng[i]!;
    const y = grid.lat[i]!;
    return x >= w && x <= e && y >= s && y <= n;
  };
  const beatId = (b: number) => (b >= 0 && beatIds ? beatIds[b]! : null);
  if (!aggregated) {
    for (let i = 0; i < N; i++) {
      if (!inBox(i)) continue;
      h3.push(grid.h3[i]!);
      beat?.push(beatId(beatOfCell![i]!));
      wl.push(r3(workload[i]!));
      nd.push(r3(need[i]!));
    }
    return { resolution: target, aggregated, h3, ...(beat ? { beat } : {}), workload: wl, need: nd };
  }
  const { parentOf, h3: coarseH3 } = coarse(target);
  const slot = new Int32Array(coarseH3.length).fill(-1);
  for (let i = 0; i < N; i++) {
    const c = parentOf[i]!;
    if (slot[c] === -1 && inBox(i)) slot[c] = -2;
  }
  // Column slots in coarse-cell order (stable across views).
  const votes: Array<Map<number, number>> = [];
  let k = 0;
  for (let c = 0; c < slot.length; c++) {
    if (slot[c] !== -2) continue;
    slot[c] = k++;
    h3.push(coarseH3[c]!);
    wl.push(0);
    nd.push(0);
    votes.push(new Map());
  }
  for (let i = 0; i < N; i++) {
    const j = slot[parentOf[i]!]!;
    if (j < 0) continue;
    wl[j]! += workload[i]!;
    nd[j]! += need[i]!;
    if (beatOfCell) {
      const b = beatOfCell[i]!;
      votes[j]!.set(b, (votes[j]!.get(b) ?? 0) + 1);
    }
  }
  for (let j = 0; j < k; j++) {
    wl[j] = r3(wl[j]!);
    nd[j] = r3(nd[j]!);
    if (!beat) continue;
    let best = -1;
    let bestVotes = -1;
    for (const [b, count] of votes[j]!) if (count > bestVotes || (count === bestVotes && b < best)) [best, bestVotes] = [b, count];
    beat.push(beatId(best));
  }
  return { resolution: target, aggregated, h3, ...(beat ? { beat } : {}), workload: wl, need: nd };
}

/**
 * Cells of a bbox above which its answer is built in a compute worker, not on the request
 * thread: about a microsecond a cell there (the 39,517 cells of Chicago at resolution 10, the
 * whole city at the finest resolution, held the loop 25–32 ms), so a few ms at most on the thread.
 */
export const BBOX_ON_THREAD_CELLS = 5000;

/**
 * How many of the grid's cells have their centre in `bbox` (what {@link cellsInBbox} reads).
 * @example countCellsInBbox(grid, [-87.65, 41.87, -87.61, 41.89]) // 1,200-odd cells of the Loop at resolution 10
 */
export function countCellsInBbox(grid: Pick<Grid, 'cellCount' | 'lng' | 'lat'>, bbox: Bbox): number {
  const [w, s, e, n] = bbox;
  let count = 0;
  for (let i = 0; i < grid.cellCount; i++) {
    const x = grid.lng[i]!;
    const y = grid.lat[i]!;
    if (x >= w && x <= e && y >= s && y <= n) count++;
  }
  return count;
}

/**
 * The `GET /plans/{id}/cells?bbox` answer as JSON text: {@link cellsInBbox} of `src` answered
 * row-wise ({@link cellRows}) with the version; with `publicK` (a viewer: `src.workload` the
 * pooled workloads, NaN where suppressed) the suppressed workloads as null and `privacy`.
 * @example JSON.parse(cellsBboxJson(src, 3, bbox, 11, coarse)).aggregated // true at zoom 11 on a city
 */
export function cellsBboxJson(
  src: CellValues,
  version: number,
  bbox: Bbox,
  zoom: number | undefined,
  coarse: (resolution: number) => { parentOf: Int32Array; h3: string[] },
  publicK?: number,
): string {
  const cells = cellsInBbox(src, bbox, zoom, coarse);
  const head = { version, resolution: cells.resolution, aggregated: cells.aggregated };
  if (publicK === undefined) return JSON.stringify({ ...head, ...cellRows(cells) } satisfies CellsDto);
  return JSON.stringify({
    ...head,
    ...cellRows({ ...cells, workload: cells.workload.map((w) => (Number.isNaN(w) ? null : w)) }),
    privacy: privacyDto(publicK),
  } satisfies CellsDto);
}

/** What the beat polygons of the beats GeoJSON are drawn from (`?outline=`): the unit polygons of a plan made on units, or the hexagon cells. */
export type BeatOutline = 'units' | 'cells';

/** The dissolve of a plan's unit polygons, one feature per beat (id = beat id, dissolve figures as properties). */
export interface UnitOutline {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    id?: string | number;
    properties: Record<string, unknown>;
    geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  }>;
}

/**
 * A unit outline with each beat's metrics (`perBeat[b]`, b the index of the feature's id in
 * `beatIds`) as properties, before the dissolve figures — the properties of the CLI's beats.geojson.
 * @example withBeatProperties(outline, ['A', 'B'], metrics.perBeat).features[0].properties.workload
 */
export function withBeatProperties(outline: UnitOutline, beatIds: readonly string[], perBeat: readonly object[]): UnitOutline {
  const index = new Map(beatIds.map((id, b) => [id, b]));
  return {
    ...outline,
    features: outline.features.map((f) => ({ ...f, properties: { ...(perBeat[index.get(String(f.id)) ?? -1] ?? {}), ...f.properties } })),
  };
}

/** Plan reads and writes over the app's store and caches. */
export class PlanAccess {
  constructor(private readonly ctx: AppContext) {}

  private get store() {
    return this.ctx.store;
  }

  /** @throws ApiError 404 */
  async getPlan(id: string): Promise<PlanRecord> {
    const p = await this.store.getPlan(id);
    if (!p) throw new ApiError('NOT_FOUND', `no plan ${id}`);
    return p;
  }

  /** A version (default: the current one). @throws ApiError 404 */
  async getVersion(p: PlanRecord, version?: number): Promise<PlanVersionRecord> {
    const v = await this.store.getPlanVersion(p.id, version ?? p.currentVersion);
    if (!v) throw new ApiError('NOT_FOUND', `plan ${p.id} has no version ${version ?? p.currentVersion}`);
    return v;
  }

  /**
   * A version, loaded once while recently used. plan.json is parsed and its grid rebuilt in a
   * compute worker (1–3 s on Chicago, never on the request thread); the worker sends the typed
   * arrays back, without the grid when this thread already holds the plan's grid. The worker
   * then holds the version for the response figures that usually follow.
   */
  private entry(p: PlanRecord, v: PlanVersionRecord): Promise<VersionEntry> {
    return this.ctx.versions.get(p.id, v.version, async () => {
      const json = (await this.store.getBlob(v.planBlobRef)).toString('utf8');
      const grid = this.ctx.plans.get(p.id);
      const parts = await this.ctx.compute.run<LoadedPlanParts>(p.id, v.version, async () => json, { kind: 'load', grid: !grid });
      const loaded = loadedPlanOfParts(parts, grid);
      if (!grid) this.ctx.plans.set(p.id, loaded.grid);
      return { loaded, json, derived: new Map() };
    });
  }

  /** A version's plan.json, loaded on the plan's (cached) grid. */
  async loadPlan(p: PlanRecord, v: PlanVersionRecord): Promise<{ loaded: LoadedPlan; json: string }> {
    const e = await this.entry(p, v);
    return { loaded: e.loaded, json: e.json };
  }

  /** The stored metrics.json bytes of a version. @throws ApiError 404 when none */
  async metricsBytes(v: PlanVersionRecord): Promise<Buffer> {
    if (!v.metricsBlobRef) throw new ApiError('NOT_FOUND', `no metrics for version ${v.version}`);
    return this.ctx.versions.blob(v.metricsBlobRef, (ref) => this.store.getBlob(ref));
  }

  /** The stored metrics of a version, parsed. */
  async storedMetrics(v: PlanVersionRecord): Promise<PlanMetrics | undefined> {
    return v.metricsBlobRef ? (JSON.parse((await this.metricsBytes(v)).toString('utf8')) as PlanMetrics) : undefined;
  }

  /**
   * Beats as GeoJSON bytes (one dissolved feature per beat, metrics as properties): for a plan
   * made on units (and `outline` not `cells`), the dissolve of the unit polygons
   * ({@link unitOutline}); else the outline of the beat's cells.
   */
  async beatsGeojson(p: PlanRecord, v: PlanVersionRecord, outline: BeatOutline = 'units'): Promise<Buffer> {
    const e = await this.entry(p, v);
    if (outline === 'units' && e.loaded.plan.units && (await this.unitsFile(p))) {
      return PlanVersionCache.memo(e, 'beats:units', async () => this.unitBeats(p, v, (await this.storedMetrics(v))?.perBeat ?? []));
    }
    // the outline of each beat's cells is a dissolve (most of a second on Chicago): in a compute worker
    return PlanVersionCache.memo(e, 'beats', async () => {
      const metrics = await this.storedMetrics(v);
      return this.ctx.compute.run<Buffer>(p.id, v.version, async () => e.json, {
        kind: 'beats',
        ...(metrics ? { metrics } : {}),
      });
    });
  }

  /**
   * The units dataset a plan was made on (`units` of `POST /plans`) as a file with its id
   * field; without one, its roads dataset marked `streetBlocks` (a plan with roads and no units
   * is made on their street blocks, as the CLI's `--roads`); else undefined.
   * @throws ApiError `NOT_FOUND` when the named units (or roads) dataset is gone
   */
  async unitsFile(p: PlanRecord): Promise<{ path: string; fileName: string; idField?: string; streetBlocks?: boolean } | undefined> {
    const id = p.inputs.units;
    if (typeof id !== 'string') {
      const roads = await this.roadsFile(p);
      return roads ? { ...roads, streetBlocks: true } : undefined;
    }
    const d = await this.store.getDataset(id);
    if (d?.kind !== 'units') throw new ApiError('NOT_FOUND', `the plan's units dataset ${id} is gone`);
    return {
      path: this.store.blobPath(d.blobRef),
      fileName: engineFileName(d),
      ...(typeof d.info.idField === 'string' ? { idField: d.info.idField } : {}),
    };
  }

  /**
   * The beats GeoJSON bytes of a version made on units: the beats drawn from the unit polygons,
   * clipped to the plan's boundary, with `perBeat[b]` as each beat's properties before the
   * dissolve figures (`withBeatProperties`). Dissolved and serialized in a compute worker, which
   * keeps the dissolve per version (seconds on a city's blocks; the GeoJSON text is hundreds of
   * KB), so none of it runs on the request thread.
   * @throws ApiError `NOT_FOUND` when the plan was not made on units or its dataset is gone
   */
  private async unitBeats(p: PlanRecord, v: PlanVersionRecord, perBeat: readonly object[]): Promise<Buffer> {
    const units = await this.unitsFile(p);
    if (!units) throw new ApiError('NOT_FOUND', `plan ${p.id} was not made on units`);
    const b = typeof p.inputs.boundary === 'string' ? await this.store.getDataset(p.inputs.boundary) : undefined;
    const boundary = b && b.kind === 'boundary' ? { path: this.store.blobPath(b.blobRef), fileName: engineFileName(b) } : undefined;
    return this.compute<Buffer>(p, v, {
      kind: 'unitOutline',
      units,
      ...(boundary ? { boundary } : {}),
      perBeat: [...perBeat],
    });
  }

  /**
   * A version as a viewer sees it (cached per version and k): the metrics of the plan on pooled
   * scores (`publicLoadedPlan`) without per-shift figures, and its beats GeoJSON with those
   * metrics as properties. See public-view.ts for why no combination of these reveals a cell below k.
   */
  async publicView(
    p: PlanRecord,
    v: PlanVersionRecord,
    k: number,
  ): Promise<{ metrics: Buffer; beats: Buffer; perBeat: readonly object[] }> {
    const e = await this.entry(p, v);
    // evaluated and dissolved in a compute worker (most of a second on Chicago)
    return PlanVersionCache.memo(e, `public-view:${k}`, async () => {
      const view = await this.ctx.compute.run<PublicViewResult>(p.id, v.version, async () => e.json, { kind: 'publicView', k });
      return { metrics: asBuffer(view.metrics), beats: asBuffer(view.beats), perBeat: view.perBeat };
    });
  }

  /** metrics.json of a version: the stored one, or for a viewer (`k` set) the public one. */
  async metricsFor(p: PlanRecord, v: PlanVersionRecord, k: number | undefined): Promise<Buffer> {
    return k === undefined ? this.metricsBytes(v) : (await this.publicView(p, v, k)).metrics;
  }

  /**
   * Beats GeoJSON of a version: exact, or for a viewer (`k` set) on the public metrics; drawn
   * from the unit polygons for a plan made on units unless `outline` is `cells`.
   */
  async beatsFor(p: PlanRecord, v: PlanVersionRecord, k: number | undefined, outline: BeatOutline = 'units'): Promise<Buffer> {
    if (k === undefined) return this.beatsGeojson(p, v, outline);
    const view = await this.publicView(p, v, k);
    const e = await this.entry(p, v);
    if (outline !== 'units' || !e.loaded.plan.units || !(await this.unitsFile(p))) return view.beats;
    return PlanVersionCache.memo(e, `public-beats:units:${k}`, () => this.unitBeats(p, v, view.perBeat));
  }

  /**
   * The `GET /plans/{id}/cells?bbox` answer as JSON bytes ({@link cellsBboxJson}): cells whose
   * centre lies in `bbox`; with `zoom`, aggregated to the coarser resolution whose cells span a
   * few pixels at that zoom (see {@link cellsInBbox}); a viewer's (`publicK`) on pooled workloads.
   * A box of more than {@link BBOX_ON_THREAD_CELLS} cells is answered by a compute worker; a
   * smaller one (the map zoomed in) here, on the workloads and coarse cells the workers computed
   * once per version.
   */
  async cellsInBbox(p: PlanRecord, v: PlanVersionRecord, bbox: Bbox, zoom?: number, publicK?: number): Promise<Buffer> {
    const e = await this.entry(p, v);
    const { grid, plan, scores } = e.loaded;
    if (countCellsInBbox(grid, bbox) > BBOX_ON_THREAD_CELLS) {
      return this.compute<Buffer>(p, v, {
        kind: 'cellsBbox',
        version: v.version,
        bbox,
        ...(zoom !== undefined ? { zoom } : {}),
        ...(publicK !== undefined ? { publicK } : {}),
      });
    }
    // a public answer shows each cell's pooled workload (NaN → null when suppressed; a coarse
    // cell holding a suppressed one is suppressed too, as its sum would reveal it)
    // (pooling and coarse cells computed once per version in a compute worker)
    const workload =
      publicK === undefined
        ? scores.workloadHours
        : await PlanVersionCache.memo(e, `public-workload:${publicK}`, () =>
            this.ctx.compute.run<Float64Array>(p.id, v.version, async () => e.json, { kind: 'publicWorkload', k: publicK }),
          );
    const target = zoom === undefined ? grid.resolution : resolutionForZoom(zoom, (bbox[1] + bbox[3]) / 2, grid.resolution);
    const coarse =
      target < grid.resolution
        ? await PlanVersionCache.memo(e, `coarse:${target}`, () =>
            this.ctx.compute.run<CoarseCells>(p.id, v.version, async () => e.json, { kind: 'coarseCells', resolution: target }),
          )
        : undefined;
    const src = { grid, workload, need: scores.needHours, beatOfCell: plan.beatOfCell, beatIds: plan.beatIds };
    const text = cellsBboxJson(
      src,
      v.version,
      bbox,
      zoom,
      () => {
        if (!coarse) throw new ApiError('INTERNAL', 'coarse cells expected');
        return coarse;
      },
      publicK,
    );
    return Buffer.from(text, 'utf8');
  }

  /**
   * The `GET /plans/{id}/cells` answer without bbox as JSON bytes: every cell of the version in
   * the cells.csv vocabulary (`planCellsJson`), for a viewer (`publicK` set) the public layout.
   * Computed once per version and k in a compute worker from the plan.json text (parsed there,
   * no grid rebuilt), so neither the parse nor the 3 MB serialize of a city runs on the request thread.
   */
  async cellsJson(p: PlanRecord, v: PlanVersionRecord, publicK?: number): Promise<Buffer> {
    return this.ctx.versions.fromBlob(`cells:${v.planBlobRef}:v${v.version}:${publicK ?? 'all'}`, () =>
      this.compute<Buffer>(p, v, {
        kind: 'cellsJson',
        version: v.version,
        ...(publicK !== undefined ? { publicK } : {}),
      }),
    );
  }

  /**
   * The `GET /plans/{id}/incidents` answer as JSON bytes: the version's incidents pooled so that
   * every bin holds ≥ k (`incidentBinsOf`; k = 1: the cells with incidents), `aggregated` for a
   * viewer. Computed once per version and k in a compute worker, like {@link cellsJson}.
   */
  async incidentBinsJson(p: PlanRecord, v: PlanVersionRecord, k: number, aggregated: boolean): Promise<Buffer> {
    return this.ctx.versions.fromBlob(`bins:${v.planBlobRef}:v${v.version}:${k}:${aggregated}`, () =>
      this.compute<Buffer>(p, v, {
        kind: 'incidentBins',
        version: v.version,
        k,
        aggregated,
      }),
    );
  }

  /**
   * cells.csv of a version with full scores rebuilt from the plan's datasets (the public layout
   * for a viewer, `publicK` set), computed in a compute worker (the context's grid and scores
   * take seconds on a city; the worker keeps the last ones built).
   * @throws ApiError 400 when a dataset the plan was made from is gone
   */
  async cellsCsv(p: PlanRecord, v: PlanVersionRecord, publicK?: number): Promise<Buffer> {
    const context = await resolveInputs(this.store, p.inputs as ContextInput & { beats?: number }, 'plan.inputs');
    return this.compute<Buffer>(p, v, {
      kind: 'cellsCsv',
      context,
      ...(publicK !== undefined ? { publicK } : {}),
    });
  }

  /**
   * The comparison of a version with another plan.json (`comparePlanPair`) as JSON bytes; for a
   * viewer (`publicK` set) both plans on this version's pooled scores with public metrics.
   * Computed in a compute worker.
   * @throws BeatplanError `PLAN_GRID_MISMATCH` when the plans are on different grids
   */
  async compare(p: PlanRecord, v: PlanVersionRecord, withJson: string | Uint8Array, publicK?: number): Promise<Buffer> {
    return this.compute<Buffer>(p, v, {
      kind: 'compare',
      with: withJson,
      ...(publicK !== undefined ? { publicK } : {}),
    });
  }

  /**
   * An edit of the current version (a move, a lock) computed in a compute worker and written as
   * the next version (see {@link writeVersion}): the worker checks the edit, evaluates the new
   * plan and serializes its plan.json (a 2–3 MB text on a city), none of it on the request thread.
   * @param summary the version summary; a move adds `moved` and `beats` (what the engine moved)
   * @throws BeatplanError from the engine (`BAD_INPUT` naming the field, `MOVE_REJECTED`);
   *   ApiError 409 when a move moves nothing, 412 when the plan moved on meanwhile
   */
  async edit(
    p: PlanRecord,
    action: string,
    summary: Record<string, unknown>,
    task: Extract<ComputeTask, { kind: 'move' | 'lock' }>,
    by: string,
  ): Promise<PlanVersionRecord> {
    const v = await this.getVersion(p);
    const out = await this.compute<EditResult>(p, v, task);
    if (task.kind === 'move') {
      if (out.moved === 0) throw new ApiError('CONFLICT', `every cell is already in beat ${task.toBeat}; nothing to move`);
      summary = { ...summary, moved: out.moved, beats: out.beats };
    }
    return this.writeVersion(p, action, summary, { planJson: out.planJson, metrics: out.metrics }, by);
  }

  /**
   * An alternative's figures against its parent version (`alternativeFigures` of
   * routes/alternatives.ts), computed in a compute worker; with `publicK`, on the parent's pooled scores.
   * @throws BeatplanError `PLAN_GRID_MISMATCH` when the alternative is not on the parent's grid
   */
  async alternativeFigures(
    p: PlanRecord,
    v: PlanVersionRecord,
    alt: { altJson: string; tolerance?: number; publicK?: number },
  ): Promise<{ maxOverMean: number; polsbyPopperMean: number; movedWorkloadShare: number }> {
    return this.compute(p, v, { kind: 'alternativeFigures', ...alt });
  }

  /**
   * Runs `task` on a version in a compute worker (the version's plan.json sent once).
   * @throws the engine's BeatplanError as the task throws it
   */
  async compute<T>(p: PlanRecord, v: PlanVersionRecord, task: ComputeTask): Promise<T> {
    return this.ctx.compute.run<T>(p.id, v.version, () => this.planText(v), task);
  }

  /** The plan.json bytes of a version as stored (the compute workers decode and parse them; never a string here). */
  private planText(v: PlanVersionRecord): Promise<Buffer> {
    return this.store.getBlob(v.planBlobRef);
  }

  /**
   * Response figures of a version under the time model's required officers, or under the
   * officers allocated by a stored staffing of the plan (cached per version and staffing).
   * @throws ApiError 404 (no such staffing for the plan), 400 (staffing of another version)
   */
  async response(
    p: PlanRecord,
    version: number | undefined,
    staffingId: string | undefined,
  ): Promise<PlanResponseFigures & { planId: string; version: number; staffing: string | null }> {
    let v: PlanVersionRecord;
    let staffingRef: string | undefined;
    if (staffingId) {
      const s = await this.store.getStaffing(staffingId);
      if (!s || s.planId !== p.id) throw new ApiError('NOT_FOUND', `no staffing ${staffingId} for plan ${p.id}`);
      if (version !== undefined && version !== s.planVersion) {
        throw new ApiError('VALIDATION_FAILED', `query.version: staffing ${staffingId} was made for version ${s.planVersion}`, {
          errors: [{ path: 'query.version', message: `the staffing is of version ${s.planVersion}` }],
        });
      }
      v = await this.getVersion(p, s.planVersion);
      staffingRef = s.blobRef;
    } else v = await this.getVersion(p, version);
    // computed once per version and staffing, in a compute worker (never on the request thread)
    const figures = await this.ctx.versions.fromBlob(`response:${v.planBlobRef}:${staffingId ?? 'required'}`, async () => {
      const staffing = staffingRef
        ? { json: (await this.store.getBlob(staffingRef)).toString('utf8'), label: `allocated officers (staffing ${staffingId})` }
        : undefined;
      return this.computeResponse(p, v, { kind: 'response', ...(staffing ? { staffing } : {}) });
    });
    return { planId: p.id, version: v.version, staffing: staffingId ?? null, ...figures };
  }

  /**
   * Response figures of a version computed in the app's compute pool (the version's plan.json
   * goes to a worker once; see `jobs/compute-pool.ts`).
   * @throws BeatplanError from the engine (`INFEASIBLE`, `BAD_INPUT` naming the field)
   */
  async computeResponse(p: PlanRecord, v: PlanVersionRecord, task: ComputeTask): Promise<PlanResponseFigures> {
    const roads = await this.roadsFile(p);
    return this.compute<PlanResponseFigures>(p, v, { ...task, ...(roads ? { roads } : {}) });
  }

  /**
   * The roads file the plan names (`roads` of `POST /plans`), or undefined (straight-line travel).
   * @throws ApiError `NOT_FOUND` when the named roads dataset is gone
   */
  async roadsFile(p: PlanRecord): Promise<RoadsFile | undefined> {
    const id = p.inputs.roads;
    if (typeof id !== 'string') return undefined;
    const d = await this.store.getDataset(id);
    if (d?.kind !== 'roads') throw new ApiError('NOT_FOUND', `the plan's roads dataset ${id} is gone`);
    return { path: this.store.blobPath(d.blobRef), fileName: engineFileName(d) };
  }

  /** The plan's settings, defaults filled in. */
  async settings(p: PlanRecord): Promise<PlanSettings> {
    return (await this.store.getPlanSettings(p.id)) ?? { venues: null, meetingSchedule: null, meetingScheduleByBeat: {} };
  }

  /**
   * Meeting places of a version's beats among the plan's venues (null without venues),
   * cached per version and venues dataset.
   */
  async meetingPlaces(p: PlanRecord, v: PlanVersionRecord, settings: PlanSettings): Promise<Map<string, MeetingPlaceDto> | null> {
    if (!settings.venues) return null;
    const d = await this.store.getDataset(settings.venues);
    if (d?.kind !== 'venues') return null;
    const e = await this.entry(p, v);
    // in a compute worker: on the plan's roads (when it names a roads dataset) the walks are
    // Dijkstras on the road graph, seconds on a city
    return PlanVersionCache.memo(e, `meetings:${d.id}`, async () => {
      const venues = {
        path: this.store.blobPath(d.blobRef),
        fileName: `venues-${d.id.slice(0, 8)}.geojson`,
        idProperty: String(d.info.idProperty ?? 'id'),
        nameProperty: String(d.info.nameProperty ?? 'name'),
      };
      const roads = await this.roadsFile(p);
      return this.ctx.compute.run<Map<string, MeetingPlaceDto>>(p.id, v.version, async () => e.json, {
        kind: 'meetings',
        venues,
        ...(roads ? { roads } : {}),
      });
    });
  }

  /** The meeting schedule of a beat. */
  static scheduleOf(settings: PlanSettings, beat: string): string {
    return settings.meetingScheduleByBeat[beat] ?? settings.meetingSchedule ?? DEFAULT_MEETING_SCHEDULE;
  }

  /** Checks If-Match against the current version; 428 without it, 412 when stale. */
  checkIfMatch(header: string | undefined, p: PlanRecord): void {
    if (!header)
      throw new ApiError('PRECONDITION_REQUIRED', `send If-Match: ${planEtag(p.id, p.currentVersion)} (the ETag of the version you edit)`);
    const tags = header.split(',').map((s) => s.trim().replace(/^W\//, ''));
    if (!tags.includes(planEtag(p.id, p.currentVersion))) {
      throw new ApiError('PRECONDITION_FAILED', `plan ${p.id} is at version ${p.currentVersion}; your If-Match ${header} is stale`, {
        headers: { ETag: planEtag(p.id, p.currentVersion) },
      });
    }
  }

  /**
   * Writes a new version made from the current one (`p.currentVersion`, compare-and-set); see {@link writePlanVersion}.
   * @throws ApiError 412 when the plan moved on meanwhile
   */
  async writeVersion(
    p: PlanRecord,
    action: string,
    summary: Record<string, unknown>,
    out: SerializedPlan,
    by: string,
  ): Promise<PlanVersionRecord> {
    return writePlanVersion(this.store, p, action, summary, out, by);
  }
}

/**
 * Writes a new version of `p` made from `p.currentVersion` (compare-and-set: it is written only
 * while the plan is still at that version), numbered `p.latestVersion + 1`; plan.json and
 * metrics.json go to blobs. Needs only the store, so a `beatplan worker` process storing a job's
 * result writes versions exactly as the routes do.
 * @throws ApiError 412 `PRECONDITION_FAILED` when the plan moved on meanwhile (the two blobs it stored are deleted)
 * @example await writePlanVersion(store, plan, 'rebalance', { fromVersion: 3 }, serialized, tokenId);
 */
export async function writePlanVersion(
  store: Store,
  p: PlanRecord,
  action: string,
  summary: Record<string, unknown>,
  out: SerializedPlan,
  by: string,
): Promise<PlanVersionRecord> {
  const planBlobRef = await store.putBlob(Buffer.from(out.planJson, 'utf8'));
  const metricsBlobRef = await store.putBlob(Buffer.from(JSON.stringify(out.metrics), 'utf8'));
  const v: PlanVersionRecord = {
    planId: p.id,
    version: p.latestVersion + 1,
    parentVersion: p.currentVersion || null,
    action,
    summary,
    planBlobRef,
    metricsBlobRef,
    createdAt: new Date().toISOString(),
    createdBy: by,
  };
  if (!(await store.appendPlanVersion(v, p.currentVersion))) {
    // refused: no row names the two files just stored
    await Promise.all([store.deleteBlob(planBlobRef), store.deleteBlob(metricsBlobRef)]).catch(() => undefined);
    const now = await store.getPlan(p.id);
    throw new ApiError('PRECONDITION_FAILED', `plan ${p.id} changed while the edit ran (now version ${now?.currentVersion})`, {
      headers: { ETag: planEtag(p.id, now?.currentVersion ?? 0) },
    });
  }
  return v;
}
