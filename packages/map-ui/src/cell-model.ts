/**
 * The map's model of a plan: its H3 cells as typed arrays (beat of each cell, scores,
 * centroids, polygons), the neighbour graph, the cell edges (for beat outlines that can be
 * updated edge by edge) and beat-level aggregates. Built once per plan from the API's compact
 * `GET /plans/:id/cells` answer (which also carries the per-shift workload); edits change
 * `beatOf` in place.
 *
 * H3 geometry comes from h3-js, here and nowhere else in the UI.
 */

import type { CellsDto } from '@beatplan/api';
import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, getResolution, gridDisk, latLngToCell } from 'h3-js';
import type { MultiPolygon, Position } from './geojson.js';
import { labelCells } from './labels.js';

/**
 * The cells answer of `GET /api/v1/plans/:id/cells` (JSON, the API's `CellsDto`): rows named
 * as in cells.csv — `h3`, `beat`, `workload`, `need`, `incidents`, `population`,
 * `workload_<shift>…` (older servers: `workloadHours`, `needHours`).
 */
export type CellsResponse = CellsDto;

/** Per-cell score detail: workload per shift, incidents, population (from the cells answer or cells.csv). */
export interface CellScoreDetail {
  /** Shift labels, e.g. `['0-8', '8-16', '16-24']`. */
  shifts: string[];
  /** `shiftWorkload[s][i]`: officer-hours per week of shift `s` in cell `i`. */
  shiftWorkload: Float64Array[];
  /** Incidents located in the cell (NaN when unknown). */
  incidents: Float64Array;
  /** Population of the cell (NaN when unknown). */
  population: Float64Array;
}

/** A plan's cells on the client. Cell `i` is the `i`-th row of the cells answer. */
export interface CellModel {
  readonly resolution: number;
  readonly cellCount: number;
  /** H3 index of each cell. */
  readonly h3: readonly string[];
  /** H3 index → cell. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Beat ids; beat `b` is `beatIds[b]`. */
  readonly beatIds: string[];
  /** Beat of each cell (−1 unassigned). Mutable: edits update it. */
  readonly beatOf: Int32Array;
  /** Workload of all shifts, officer-hours per week (NaN where a public answer suppressed it). */
  readonly workloadHours: Float64Array;
  /** Engagement need, community hours per week. */
  readonly needHours: Float64Array;
  /** Area of each cell in km². */
  readonly areaKm2: Float64Array;
  /** Centroid `[lng, lat]` of cell `i` at `2i`, `2i + 1`. */
  readonly centroid: Float64Array;
  /** Boundary of cell `i` (open ring, h3 order, `[lng, lat]` pairs): vertices `ringStart[i] .. ringStart[i + 1])` of `ringXY`. */
  readonly ringStart: Int32Array;
  readonly ringXY: Float64Array;
  /** Neighbours of cell `i`: `nbr[nbrStart[i] .. nbrStart[i + 1])` (CSR). */
  readonly nbrStart: Int32Array;
  readonly nbr: Int32Array;
  /** Cell edges: edge `e` separates cells `edgeA[e]` and `edgeB[e]` (−1 = outside the grid). */
  readonly edgeA: Int32Array;
  readonly edgeB: Int32Array;
  /** Edge `e` runs from `(edgeXY[4e], edgeXY[4e+1])` to `(edgeXY[4e+2], edgeXY[4e+3])`, [lng, lat]. */
  readonly edgeXY: Float64Array;
  /**
   * Edge `e` runs from vertex `edgeV[2e]` to vertex `edgeV[2e+1]` (ids shared by every edge
   * meeting there), in the winding order of cell `edgeA[e]`'s ring.
   */
  readonly edgeV: Int32Array;
  /** Edges of cell `i`: `cellEdges[6i .. 6i + 6)` (−1 padded for pentagons). */
  readonly cellEdges: Int32Array;
  /** Score detail (per-shift workload, incidents, population), from the cells answer or cells.csv; null until known. */
  detail: CellScoreDetail | null;
  /**
   * For a plan made on units (blocks, block groups; the answer's `unit` column): the unit of
   * each cell (index into `unitIds`) and the cells of unit `u`, `unitCells[unitStart[u] ..
   * unitStart[u + 1])` (CSR). Null when the plan has no units. The brush paints whole units.
   */
  readonly units: {
    readonly unitIds: readonly string[];
    readonly unitOf: Int32Array;
    readonly unitStart: Int32Array;
    readonly unitCells: Int32Array;
  } | null;
  /**
   * Set when the cells came as a public (viewer) answer: incident-derived figures are pooled
   * so that each area holds ≥ `k` incidents, and there is no per-shift or per-cell incident
   * detail (do not ask for cells.csv then).
   */
  readonly privacy: { readonly k: number; readonly method: string } | null;
}

/** Mean radius of the Earth used by H3 for areas, km. */
const EARTH_RADIUS_KM = 6371.007180918475;
const RAD = Math.PI / 180;

/**
 * Area of a small spherical polygon (open ring of `[lng, lat]` degrees), km² — the
 * Chamberlain–Duquette formula; within ~1e-6 of h3's `cellArea` for H3 cells, and much cheaper.
 */
export function ringAreaKm2(xy: ArrayLike<number>, from: number, to: number): number {
  const m = to - from;
  let sum = 0;
  for (let k = 0; k < m; k++) {
    const a = from + ((k + m - 1) % m);
    const c = from + ((k + 1) % m);
    sum += (xy[2 * c]! - xy[2 * a]!) * RAD * Math.sin(xy[2 * (from + k) + 1]! * RAD);
  }
  return (Math.abs(sum) / 2) * EARTH_RADIUS_KM * EARTH_RADIUS_KM;
}

/** An open-addressing hash map from a pair of 32-bit integers to a non-negative integer. */
class IntPairMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity: number) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap);
    this.keysB = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** The value of `(a, b)`; when absent, stores `fresh` and returns it. */
  getOrAdd(a: number, b: number, fresh: number): number {
    if (this.size * 2 >= this.vals.length) this.grow();
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) >>> 0;
    h = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const v = this.vals[h]!;
      if (v < 0) {
        this.keysA[h] = a;
        this.keysB[h] = b;
        this.vals[h] = fresh;
        this.size++;
        return fresh;
      }
      if (this.keysA[h] === a && this.keysB[h] === b) return v;
      h = (h + 1) & this.mask;
    }
  }

  private grow(): void {
    const { keysA, keysB, vals } = this;
    const cap = vals.length * 2;
    this.keysA = new Int32Array(cap);
    this.keysB = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.size = 0;
    for (let k = 0; k < vals.length; k++) if (vals[k]! >= 0) this.getOrAdd(keysA[k]!, keysB[k]!, vals[k]!);
  }
}

/**
 * Builds the model from the cells answer: one h3-js boundary per cell; centroids, areas, edges
 * and neighbours (cells sharing an edge) are derived from the boundaries.
 * @param beatOrder beat ids in the order of the plan's metrics (`perBeat`); beats seen only
 *   in the cells are appended.
 * @throws Error when the answer lacks the `h3` or `beat` column.
 * @example const model = cellsToModel(await api.get(`/plans/${id}/cells`), metrics.perBeat.map((b) => b.id));
 */
export function cellsToModel(res: CellsResponse, beatOrder: readonly string[] = []): CellModel {
  const col = (name: string) => res.columns.indexOf(name);
  // the cells.csv vocabulary (`workload`, `need`); `workloadHours`/`needHours` from older servers
  const either = (name: string, old: string) => (col(name) >= 0 ? col(name) : col(old));
  const [cH3, cBeat, cW, cN] = [col('h3'), col('beat'), either('workload', 'workloadHours'), either('need', 'needHours')];
  if (cH3 < 0 || cBeat < 0) throw new Error(`cells answer lacks h3/beat columns: ${res.columns.join(',')}`);
  const n = res.rows.length;
  const h3 = res.rows.map((r) => String(r[cH3]));
  const indexOf = new Map(h3.map((h, i) => [h, i]));
  const beatIds = [...beatOrder];
  const beatIndex = new Map(beatIds.map((b, k) => [b, k]));
  const beatOf = new Int32Array(n);
  const workloadHours = new Float64Array(n);
  const needHours = new Float64Array(n);
  const areaKm2 = new Float64Array(n);
  const centroid = new Float64Array(2 * n);
  const ringStart = new Int32Array(n + 1);
  const ringList: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = res.rows[i]!;
    const b = String(r[cBeat] ?? '');
    if (b === '') beatOf[i] = -1;
    else {
      let k = beatIndex.get(b);
      if (k === undefined) {
        k = beatIds.push(b) - 1;
        beatIndex.set(b, k);
      }
      beatOf[i] = k;
    }
    // null: a public (viewer) answer left the cell's workload out (its incident pool is below k)
    workloadHours[i] = cW < 0 ? 0 : numberOrNaN(r[cW]);
    needHours[i] = cN >= 0 ? Number(r[cN]) : 0;
    const ring = cellToBoundary(h3[i]!, true); // [lng, lat], closed
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < ring.length - 1; k++) {
      const [x, y] = ring[k]!;
      ringList.push(x!, y!);
      sx += x!;
      sy += y!;
    }
    const m = ring.length - 1;
    ringStart[i + 1] = ringStart[i]! + m;
    centroid[2 * i] = sx / m;
    centroid[2 * i + 1] = sy / m;
  }
  const ringXY = Float64Array.from(ringList);
  for (let i = 0; i < n; i++) areaKm2[i] = ringAreaKm2(ringXY, ringStart[i]!, ringStart[i + 1]!);
  // edges, matched by their rounded vertex coordinates (1e-7°): vertex → id, vertex pair → edge
  const vertexOf = new IntPairMap(ringXY.length / 2);
  const edgeOf = new IntPairMap(ringXY.length / 2);
  const vertexId = (x: number, y: number): number => vertexOf.getOrAdd(Math.round(x * 1e7), Math.round(y * 1e7), vertexOf.size);
  const eA: number[] = [];
  const eB: number[] = [];
  const eXY: number[] = [];
  const eV: number[] = [];
  const cellEdges = new Int32Array(6 * n).fill(-1);
  const nbrSets: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const from = ringStart[i]!;
    const m = ringStart[i + 1]! - from;
    const vFirst = vertexId(ringXY[2 * from]!, ringXY[2 * from + 1]!);
    let v1 = vFirst;
    for (let k = 0; k < m; k++) {
      const p = from + k;
      const q = from + ((k + 1) % m);
      const v2 = k + 1 < m ? vertexId(ringXY[2 * q]!, ringXY[2 * q + 1]!) : vFirst;
      if (k < 6) {
        const e = edgeOf.getOrAdd(Math.min(v1, v2), Math.max(v1, v2), eA.length);
        if (e === eA.length) {
          eA.push(i);
          eB.push(-1);
          eXY.push(ringXY[2 * p]!, ringXY[2 * p + 1]!, ringXY[2 * q]!, ringXY[2 * q + 1]!);
          eV.push(v1, v2);
        } else if (eB[e] === -1 && eA[e] !== i) {
          eB[e] = i;
          nbrSets[i]!.push(eA[e]!);
          nbrSets[eA[e]!]!.push(i);
        }
        cellEdges[6 * i + k] = e;
      }
      v1 = v2;
    }
  }
  // neighbours: the cells sharing an edge (= the grid disk of radius 1 within the grid)
  const nbrStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) nbrStart[i + 1] = nbrStart[i]! + nbrSets[i]!.length;
  const nbr = new Int32Array(nbrStart[n]!);
  for (let i = 0; i < n; i++)
    nbr.set(
      nbrSets[i]!.sort((a, b) => a - b),
      nbrStart[i]!,
    );
  return {
    resolution: res.resolution,
    cellCount: n,
    h3,
    indexOf,
    beatIds,
    beatOf,
    workloadHours,
    needHours,
    areaKm2,
    centroid,
    ringStart,
    ringXY,
    nbrStart,
    nbr,
    edgeA: Int32Array.from(eA),
    edgeB: Int32Array.from(eB),
    edgeXY: Float64Array.from(eXY),
    edgeV: Int32Array.from(eV),
    cellEdges,
    detail: detailOfColumns(res),
    privacy: res.privacy ? { k: res.privacy.k, method: res.privacy.method } : null,
    units: unitsOfColumn(res, col('unit')),
  };
}

/** The `unit` column of a cells answer as {@link CellModel.units} (null without it). */
function unitsOfColumn(res: CellsResponse, c: number): CellModel['units'] {
  if (c < 0) return null;
  const n = res.rows.length;
  const unitIds: string[] = [];
  const index = new Map<string, number>();
  const unitOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = String(res.rows[i]![c] ?? '');
    let u = index.get(id);
    if (u === undefined) index.set(id, (u = unitIds.push(id) - 1));
    unitOf[i] = u;
  }
  const unitStart = new Int32Array(unitIds.length + 1);
  for (let i = 0; i < n; i++) unitStart[unitOf[i]! + 1]!++;
  for (let u = 0; u < unitIds.length; u++) unitStart[u + 1] += unitStart[u]!;
  const fill = unitStart.slice(0, unitIds.length);
  const unitCells = new Int32Array(n);
  for (let i = 0; i < n; i++) unitCells[fill[unitOf[i]!]!++] = i;
  return { unitIds, unitOf, unitStart, unitCells };
}

/**
 * `cells` grown to whole units when the plan has units (each unit once, in the order met),
 * else `cells` as given: what the brush paints.
 * @example withWholeUnits(model, brushCells(model, centre, 0)) // every cell of the block under the pointer
 */
export function withWholeUnits(model: CellModel, cells: readonly number[]): number[] {
  const units = model.units;
  if (!units) return [...cells];
  const seen = new Set<number>();
  const out: number[] = [];
  for (const i of cells) {
    const u = units.unitOf[i]!;
    if (seen.has(u)) continue;
    seen.add(u);
    for (let k = units.unitStart[u]!; k < units.unitStart[u + 1]!; k++) out.push(units.unitCells[k]!);
  }
  return out;
}

/** True when edge `e` separates two units (drawn as a unit edge); false without units or on the grid's rim. */
export function isUnitEdge(model: CellModel, e: number): boolean {
  const b = model.edgeB[e]!;
  return model.units !== null && b >= 0 && model.units.unitOf[model.edgeA[e]!] !== model.units.unitOf[b];
}

/**
 * The score detail carried by the cells answer (`workload_<shift>…`, `incidents`,
 * `population` columns), or null when it has no per-shift column (older APIs: read cells.csv).
 * A public (viewer) answer (`privacy` set) has no per-shift or incident column by design: its
 * detail has no shifts and only the population.
 */
export function detailOfColumns(res: CellsResponse): CellScoreDetail | null {
  const shiftCols = res.columns.map((h, k) => [h, k] as const).filter(([h]) => h.startsWith('workload_'));
  if (!shiftCols.length && !res.privacy) return null;
  const iInc = res.columns.indexOf('incidents');
  const iPop = res.columns.indexOf('population');
  const n = res.rows.length;
  const detail: CellScoreDetail = {
    shifts: shiftCols.map(([h]) => h.slice('workload_'.length)),
    shiftWorkload: shiftCols.map(() => new Float64Array(n)),
    incidents: new Float64Array(n).fill(NaN),
    population: new Float64Array(n).fill(NaN),
  };
  for (let i = 0; i < n; i++) {
    const r = res.rows[i]!;
    for (let s = 0; s < shiftCols.length; s++) detail.shiftWorkload[s]![i] = numberOrNaN(r[shiftCols[s]![1]]);
    if (iInc >= 0) detail.incidents[i] = numberOrNaN(r[iInc]);
    if (iPop >= 0) detail.population[i] = numberOrNaN(r[iPop]);
  }
  return detail;
}

/** A cell value of the cells answer as a number; null (suppressed) and missing are NaN. */
const numberOrNaN = (v: string | number | null | undefined): number => (v === null || v === undefined || v === '' ? NaN : Number(v));

/**
 * The cell under a point, or −1 outside the plan's grid.
 * @param lng longitude in degrees
 * @param lat latitude in degrees
 */
export function pointToCell(model: CellModel, lng: number, lat: number): number {
  return model.indexOf.get(latLngToCell(lat, lng, model.resolution)) ?? -1;
}

/**
 * The cells a round brush covers: the grid disk of `radius` rings around `cell`, restricted to
 * the plan's grid. Radius 0 is the cell alone; radius r covers up to 1 + 3r(r+1) cells.
 */
export function brushCells(model: CellModel, cell: number, radius: number): number[] {
  if (cell < 0) return [];
  const out: number[] = [];
  for (const h of gridDisk(model.h3[cell]!, Math.max(0, Math.floor(radius)))) {
    const j = model.indexOf.get(h);
    if (j !== undefined) out.push(j);
  }
  return out;
}

/** True when edge `e` is drawn as a beat outline: its two cells lie in different beats (or one is outside). */
export function isBeatEdge(model: CellModel, e: number): boolean {
  const b = model.edgeB[e]!;
  return b < 0 || model.beatOf[model.edgeA[e]!] !== model.beatOf[b];
}

/** Edges touching any of `cells` (each once). */
export function edgesOfCells(model: CellModel, cells: Iterable<number>): number[] {
  const out = new Set<number>();
  for (const i of cells)
    for (let k = 0; k < 6; k++) {
      const e = model.cellEdges[6 * i + k]!;
      if (e >= 0) out.add(e);
    }
  return [...out];
}

/** Beat adjacency: `adj[b]` lists the beats sharing at least one cell edge with beat `b`. */
export function beatAdjacency(model: CellModel): number[][] {
  const sets = model.beatIds.map(() => new Set<number>());
  for (let e = 0; e < model.edgeA.length; e++) {
    const b = model.edgeB[e]!;
    if (b < 0) continue;
    const x = model.beatOf[model.edgeA[e]!]!;
    const y = model.beatOf[b]!;
    if (x >= 0 && y >= 0 && x !== y) {
      sets[x]!.add(y);
      sets[y]!.add(x);
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

/**
 * Neighbouring beats of some beats only (what a stroke can change), without scanning every
 * edge of the grid: `out.get(b)` lists the beats sharing a cell edge with beat `b`.
 */
export function beatNeighbours(model: CellModel, beats: Iterable<number>): Map<number, number[]> {
  const want = new Set(beats);
  const sets = new Map<number, Set<number>>();
  for (const b of want) sets.set(b, new Set());
  for (let i = 0; i < model.cellCount; i++) {
    const b = model.beatOf[i]!;
    if (!want.has(b)) continue;
    for (let k = model.nbrStart[i]!; k < model.nbrStart[i + 1]!; k++) {
      const o = model.beatOf[model.nbr[k]!]!;
      if (o >= 0 && o !== b) sets.get(b)!.add(o);
    }
  }
  return new Map([...sets].map(([b, s]) => [b, [...s].sort((x, y) => x - y)]));
}

/** Aggregates of one beat computed from its cells. */
export interface BeatAggregate {
  cells: number;
  workloadHours: number;
  needHours: number;
  areaKm2: number;
  /** Bounding box `[west, south, east, north]` of the cell centroids, degrees. */
  bbox: [number, number, number, number];
  /** Where the beat number goes: the beat's pole of inaccessibility on the grid ({@link labelCells}). */
  labelCell: number;
}

/**
 * Per-beat aggregates (cells, workload, need, area, bounding box, label cell) from the cells.
 * @param beats only these beats (all when omitted)
 */
export function aggregateBeats(model: CellModel, beats?: Iterable<number>): Map<number, BeatAggregate> {
  const want = beats ? new Set(beats) : null;
  const acc = new Map<number, BeatAggregate & { sx: number; sy: number }>();
  for (let i = 0; i < model.cellCount; i++) {
    const b = model.beatOf[i]!;
    if (b < 0 || (want && !want.has(b))) continue;
    const x = model.centroid[2 * i]!;
    const y = model.centroid[2 * i + 1]!;
    let a = acc.get(b);
    if (!a) {
      a = { cells: 0, workloadHours: 0, needHours: 0, areaKm2: 0, bbox: [x, y, x, y], labelCell: i, sx: 0, sy: 0 };
      acc.set(b, a);
    }
    a.cells++;
    a.workloadHours += model.workloadHours[i]!;
    a.needHours += model.needHours[i]!;
    a.areaKm2 += model.areaKm2[i]!;
    a.sx += x;
    a.sy += y;
    a.bbox = [Math.min(a.bbox[0], x), Math.min(a.bbox[1], y), Math.max(a.bbox[2], x), Math.max(a.bbox[3], y)];
  }
  // label cell: the beat's pole of inaccessibility on the grid
  for (const [b, cell] of labelCells(model, acc.keys())) acc.get(b)!.labelCell = cell;
  const out = new Map<number, BeatAggregate>();
  for (const [b, { sx: _x, sy: _y, ...a }] of acc) out.set(b, a);
  return out;
}

/**
 * Reads the score detail of `cells.csv` (`h3,beat,workload,need,incidents,population,
 * workload_<shift>…`) onto the model's cells; rows of unknown cells are skipped.
 */
export function csvToScoreDetail(model: CellModel, csv: string): CellScoreDetail {
  const lines = csv.split(/\r?\n/);
  const header = lines[0]!.split(',');
  const ih3 = header.indexOf('h3');
  const shiftCols = header.map((h, k) => [h, k] as const).filter(([h]) => h.startsWith('workload_'));
  const iInc = header.indexOf('incidents');
  const iPop = header.indexOf('population');
  const n = model.cellCount;
  const detail: CellScoreDetail = {
    shifts: shiftCols.map(([h]) => h.slice('workload_'.length)),
    shiftWorkload: shiftCols.map(() => new Float64Array(n)),
    incidents: new Float64Array(n).fill(NaN),
    population: new Float64Array(n).fill(NaN),
  };
  for (let r = 1; r < lines.length; r++) {
    const line = lines[r]!;
    if (!line) continue;
    const f = line.split(',');
    const i = model.indexOf.get(f[ih3]!);
    if (i === undefined) continue;
    shiftCols.forEach(([, k], s) => (detail.shiftWorkload[s]![i] = Number(f[k])));
    if (iInc >= 0) detail.incidents[i] = Number(f[iInc]);
    if (iPop >= 0) detail.population[i] = Number(f[iPop]);
  }
  return detail;
}

/** Centres and sizes of H3 cells of any resolution (e.g. incident bins, some coarser than the plan's cells). */
export interface CellCentres {
  /** Centre `[lng, lat]` of cell `k` at `2k`, `2k + 1`, degrees. */
  readonly centre: Float64Array;
  /** H3 resolution of each cell. */
  readonly resolution: Int8Array;
}

/**
 * Centres `[lng, lat]` and resolutions of H3 cells (h3-js `cellToLatLng`, `getResolution`).
 * @throws Error (h3-js) on an invalid H3 index
 * @example cellsToCentres(['892a1072b3bffff']).centre // Float64Array [lng, lat]
 */
export function cellsToCentres(h3: readonly string[]): CellCentres {
  const centre = new Float64Array(2 * h3.length);
  const resolution = new Int8Array(h3.length);
  h3.forEach((h, k) => {
    const [lat, lng] = cellToLatLng(h);
    centre[2 * k] = lng;
    centre[2 * k + 1] = lat;
    resolution[k] = getResolution(h);
  });
  return { centre, resolution };
}

/** Mean edge length of H3 hexagons at a resolution, km (h3-js `getHexagonEdgeLengthAvg`). */
export function cellEdgeKm(resolution: number): number {
  return getHexagonEdgeLengthAvg(resolution, 'km');
}

/**
 * The area of a beat as a GeoJSON MultiPolygon: one hexagon per cell (`[lng, lat]`, closed
 * rings), e.g. the `area` of a what-if. Every cell's centre lies in its own hexagon and in no
 * other, so "cells whose centre lies in the area" are exactly the beat's cells.
 * @returns null when the beat has no cell
 */
export function beatToMultiPolygon(model: CellModel, beat: number): MultiPolygon | null {
  const coordinates: MultiPolygon['coordinates'] = [];
  for (let i = 0; i < model.cellCount; i++) {
    if (model.beatOf[i] !== beat) continue;
    const ring: Position[] = [];
    for (let k = model.ringStart[i]!; k < model.ringStart[i + 1]!; k++) ring.push([model.ringXY[2 * k]!, model.ringXY[2 * k + 1]!]);
    ring.push([...ring[0]!]);
    coordinates.push([ring]);
  }
  return coordinates.length ? { type: 'MultiPolygon', coordinates } : null;
}
