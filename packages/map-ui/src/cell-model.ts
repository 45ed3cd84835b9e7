/**
 * The map's model of a plan: its H3 cells as typed arrays (beat of each cell, scores,
 * centroids, polygons), the neighbour graph, the cell edges (for beat outlines that can be
 * updated edge by edge) and beat-level aggregates. Built once per plan from the API's compact
 * `GET /plans/:id/cells` answer; edits change `beatOf` in place.
 *
 * H3 geometry comes from h3-js, here and nowhere else in the UI.
 */
import { cellArea, cellToBoundary, cellToLatLng, gridDisk, latLngToCell } from 'h3-js';

/** The compact cells answer of `GET /api/v1/plans/:id/cells` (JSON). */
export interface CellsResponse {
  resolution: number;
  columns: string[];
  rows: Array<Array<string | number>>;
}

/** Per-cell score columns read from `cells.csv` (`GET /plans/:id/cells?format=csv`). */
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
  /** Workload of all shifts, officer-hours per week. */
  readonly workloadHours: Float64Array;
  /** Engagement need, community hours per week. */
  readonly needHours: Float64Array;
  /** Area of each cell in km². */
  readonly areaKm2: Float64Array;
  /** Centroid `[lng, lat]` of cell `i` at `2i`, `2i + 1`. */
  readonly centroid: Float64Array;
  /** Neighbours of cell `i`: `nbr[nbrStart[i] .. nbrStart[i + 1])` (CSR). */
  readonly nbrStart: Int32Array;
  readonly nbr: Int32Array;
  /** Cell edges: edge `e` separates cells `edgeA[e]` and `edgeB[e]` (−1 = outside the grid). */
  readonly edgeA: Int32Array;
  readonly edgeB: Int32Array;
  /** Edge `e` runs from `(edgeXY[4e], edgeXY[4e+1])` to `(edgeXY[4e+2], edgeXY[4e+3])`, [lng, lat]. */
  readonly edgeXY: Float64Array;
  /** Edges of cell `i`: `cellEdges[6i .. 6i + 6)` (−1 padded for pentagons). */
  readonly cellEdges: Int32Array;
  /** Score detail from cells.csv, once loaded. */
  detail: CellScoreDetail | null;
}

/**
 * Builds the model from the cells answer.
 * @param beatOrder beat ids in the order of the plan's metrics (`perBeat`); beats seen only
 *   in the cells are appended.
 * @throws Error when the answer lacks the `h3` or `beat` column.
 * @example const model = cellsToModel(await api.get(`/plans/${id}/cells`), metrics.perBeat.map((b) => b.id));
 */
export function cellsToModel(res: CellsResponse, beatOrder: readonly string[] = []): CellModel {
  const col = (name: string) => res.columns.indexOf(name);
  const [cH3, cBeat, cW, cN] = [col('h3'), col('beat'), col('workloadHours'), col('needHours')];
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
    workloadHours[i] = cW >= 0 ? Number(r[cW]) : 0;
    needHours[i] = cN >= 0 ? Number(r[cN]) : 0;
    areaKm2[i] = cellArea(h3[i]!, 'km2');
    const [lat, lng] = cellToLatLng(h3[i]!);
    centroid[2 * i] = lng;
    centroid[2 * i + 1] = lat;
  }
  // neighbours
  const nbrStart = new Int32Array(n + 1);
  const nbrList: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const h of gridDisk(h3[i]!, 1)) {
      const j = indexOf.get(h);
      if (j !== undefined && j !== i) nbrList.push(j);
    }
    nbrStart[i + 1] = nbrList.length;
  }
  // edges, matched by their rounded vertex coordinates
  const edgeOfKey = new Map<string, number>();
  const eA: number[] = [];
  const eB: number[] = [];
  const eXY: number[] = [];
  const cellEdges = new Int32Array(6 * n).fill(-1);
  const key = (x: number, y: number) => `${Math.round(x * 1e7)},${Math.round(y * 1e7)}`;
  for (let i = 0; i < n; i++) {
    const ring = cellToBoundary(h3[i]!, true); // [lng, lat], closed
    const m = ring.length - 1;
    for (let k = 0; k < m && k < 6; k++) {
      const [x1, y1] = ring[k]!;
      const [x2, y2] = ring[k + 1]!;
      const k1 = key(x1!, y1!);
      const k2 = key(x2!, y2!);
      const ek = k1 < k2 ? `${k1}|${k2}` : `${k2}|${k1}`;
      let e = edgeOfKey.get(ek);
      if (e === undefined) {
        e = eA.push(i) - 1;
        eB.push(-1);
        eXY.push(x1!, y1!, x2!, y2!);
        edgeOfKey.set(ek, e);
      } else eB[e] = i;
      cellEdges[6 * i + k] = e;
    }
  }
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
    nbrStart,
    nbr: Int32Array.from(nbrList),
    edgeA: Int32Array.from(eA),
    edgeB: Int32Array.from(eB),
    edgeXY: Float64Array.from(eXY),
    cellEdges,
    detail: null,
  };
}

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
  for (const i of cells) for (let k = 0; k < 6; k++) {
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
  /** A cell of the beat near its centre of mass (where the beat number goes). */
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
  // label cell: the beat's cell nearest its centre of mass
  const best = new Map<number, number>();
  for (let i = 0; i < model.cellCount; i++) {
    const b = model.beatOf[i]!;
    const a = acc.get(b);
    if (!a) continue;
    const dx = model.centroid[2 * i]! - a.sx / a.cells;
    const dy = model.centroid[2 * i + 1]! - a.sy / a.cells;
    const d = dx * dx + dy * dy;
    if (d < (best.get(b) ?? Infinity)) {
      best.set(b, d);
      a.labelCell = i;
    }
  }
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
