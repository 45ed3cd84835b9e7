/**
 * `buildGrid`: covers a city boundary with H3 cells and builds the numeric grid
 * (sorted cells, CSR adjacency, centroids, areas, perimeters, components).
 */

import type { Position } from 'geojson';
import {
  cellToBoundary,
  cellToLatLng,
  directedEdgeToBoundary,
  getDirectedEdgeDestination,
  getHexagonAreaAvg,
  getHexagonEdgeLengthAvg,
  getResolution,
  isValidCell,
  originToDirectedEdges,
  polygonToCells,
} from 'h3-js';
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import { type LineLike, linesOf, type PolygonLike, polygonsOf } from '../geo/geojson.js';
import { approxDistanceKm, pathLengthKm, polygonAreaKm2 } from '../geo/measure.js';
import type { Grid } from './grid.js';

/** Options of {@link buildGrid}. */
export interface BuildGridOptions {
  /** H3 resolution (0–15). Default: {@link chooseResolution} from the area and `beats`. */
  resolution?: number;
  /** Number of beats the grid will be planned into; steers the automatic resolution. */
  beats?: number;
  /** Lines (rivers, expressways) whose crossing cuts the adjacency between two cells. */
  barriers?: LineLike;
  /**
   * Join the pieces of one connected boundary part with bridge edges where the H3 grid
   * breaks them (a corridor thinner than a cell). Default true.
   */
  bridgeGaps?: boolean;
  /** Largest grid accepted, in cells. Default 2,000,000. */
  maxCells?: number;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** Options of {@link chooseResolution}. */
export interface ChooseResolutionOptions {
  /** Most cells a plan should have to stay fast. Default 60,000. */
  maxCells?: number;
  /** Fewest cells a beat should have for fine balance. Default 40. */
  minCellsPerBeat?: number;
}

/**
 * Picks the finest H3 resolution that keeps the grid at or under `maxCells`, coarsening only
 * while that still leaves at least `minCellsPerBeat` cells per beat.
 * @param areaKm2 area of the boundary in km²
 * @param beats number of beats wanted (optional)
 * @returns an H3 resolution between 5 and 12
 * @example chooseResolution(600, 274) // → 10 for a city the size of Chicago
 */
export function chooseResolution(areaKm2: number, beats?: number, options: ChooseResolutionOptions = {}): number {
  const maxCells = options.maxCells ?? 60_000;
  const minPerBeat = options.minCellsPerBeat ?? 40;
  let best = 5;
  for (let r = 5; r <= 12; r++) {
    const cells = areaKm2 / getHexagonAreaAvg(r, 'km2');
    if (cells <= maxCells) best = r;
  }
  if (beats && beats > 0) {
    // Never so coarse that a beat gets fewer than minPerBeat cells, unless that needs > 4x maxCells.
    while (
      best < 12 &&
      areaKm2 / getHexagonAreaAvg(best, 'km2') / beats < minPerBeat &&
      areaKm2 / getHexagonAreaAvg(best + 1, 'km2') <= maxCells * 4
    )
      best++;
  }
  return best;
}

/**
 * Covers a boundary with H3 cells by centre containment and builds the numeric {@link Grid}.
 *
 * Every polygon of the input is covered separately (a FeatureCollection of beats works as a
 * city boundary). Polygons that share a vertex or have neighbouring cells form one *part* of
 * the city; where the H3 grid breaks a part into pieces (a corridor thinner than a cell, a
 * one-cell isthmus), the nearest cells of the pieces are joined by *bridge edges* so that the
 * grid stays connected where the city is. Pieces of separate parts (true islands) stay
 * separate components. Barrier lines cut the edge between two neighbouring cells when the
 * segment between their centres crosses a barrier.
 *
 * @param boundary Polygon, MultiPolygon, Feature or FeatureCollection; `[lng, lat]` degrees
 * @throws BeatplanError `INVALID_GEOMETRY` (bad input geometry), `EMPTY_GRID` (no cell
 *   centre inside), `GRID_TOO_LARGE` (over `maxCells`), `BAD_INPUT` (bad resolution),
 *   `ABORTED`
 * @example
 * const grid = buildGrid(beatsGeojson, { resolution: 10 });
 * grid.cellCount; // 39517 for Chicago's 274 beats
 */
export function buildGrid(boundary: PolygonLike, options: BuildGridOptions = {}): Grid {
  const { onProgress, signal } = options;
  const polygons = polygonsOf(boundary, 'boundary');
  let totalAreaKm2 = 0;
  for (const p of polygons) totalAreaKm2 += polygonAreaKm2(p.rings);
  const resolution = options.resolution ?? chooseResolution(totalAreaKm2, options.beats);
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15) {
    throw new BeatplanError('BAD_INPUT', 'resolution must be an integer from 0 to 15', { field: 'resolution', value: resolution });
  }
  const maxCells = options.maxCells ?? 2_000_000;
  if (totalAreaKm2 / getHexagonAreaAvg(resolution, 'km2') > maxCells * 1.5) {
    throw new BeatplanError('GRID_TOO_LARGE', `grid would exceed ${maxCells} cells; choose a coarser resolution`, {
      field: 'resolution',
      value: resolution,
    });
  }

  // 1. Cells by centre containment, per polygon.
  const polyOfCell = new Map<string, number>();
  const edgeKm = getHexagonEdgeLengthAvg(resolution, 'km');
  for (let k = 0; k < polygons.length; k++) {
    throwIfAborted(signal);
    // H3 walks the outline cell by cell: a long, thin (even zero-area) polygon can cost it
    // minutes and gigabytes although the area estimate above is small.
    let outlineKm = 0;
    for (const ring of polygons[k]!.rings) outlineKm += pathLengthKm(ring);
    if (outlineKm / edgeKm > maxCells) {
      throw new BeatplanError(
        'GRID_TOO_LARGE',
        `boundary polygon ${k}: its outline alone crosses more than ${maxCells} cells; choose a coarser resolution`,
        { field: 'resolution', value: resolution, row: polygons[k]!.feature },
      );
    }
    let cells: string[];
    try {
      cells = polygonToCells(polygons[k]!.rings as number[][][], resolution, true);
    } catch (e) {
      throw new BeatplanError('INVALID_GEOMETRY', `boundary: H3 could not cover polygon ${k}`, { row: polygons[k]!.feature }, { cause: e });
    }
    for (const h of cells) if (!polyOfCell.has(h)) polyOfCell.set(h, k);
    if (polyOfCell.size > maxCells) {
      throw new BeatplanError('GRID_TOO_LARGE', `grid exceeds ${maxCells} cells; choose a coarser resolution`, {
        field: 'resolution',
        value: resolution,
      });
    }
    onProgress?.((0.3 * (k + 1)) / polygons.length, 'grid');
  }
  if (polyOfCell.size === 0) {
    throw new BeatplanError(
      'EMPTY_GRID',
      `no H3 cell centre lies inside the boundary at resolution ${resolution}; choose a finer resolution`,
      {
        field: 'resolution',
        value: resolution,
      },
    );
  }
  const h3 = [...polyOfCell.keys()].sort();
  const polyOf = Int32Array.from(h3, (h) => polyOfCell.get(h)!);
  return assembleGrid(resolution, h3, {
    barriers: options.barriers,
    onProgress,
    signal,
    parts: (geoOffsets, geoTargets) =>
      polygonParts(
        polygons.map((p) => p.rings),
        polyOf,
        geoOffsets,
        geoTargets,
      ),
    polyOf,
    bridgeGaps: options.bridgeGaps !== false,
  });
}

/** Options of {@link gridFromCells}. */
export interface GridFromCellsOptions {
  /** Bridge edges to add, as H3 pairs (e.g. `plan.json`'s `grid.bridges`). */
  bridges?: ReadonlyArray<readonly [string, string]>;
  /** Neighbour pairs to cut, as H3 pairs (e.g. `plan.json`'s `grid.barrierCuts`). */
  barrierCuts?: ReadonlyArray<readonly [string, string]>;
  /** Barrier lines, as in {@link buildGrid}, cut in addition to `barrierCuts`. */
  barriers?: LineLike;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

/**
 * Rebuilds a {@link Grid} from its H3 cells (all of one resolution), e.g. from a saved plan.
 * With the `bridges` and `barrierCuts` the original grid had, the result is the same grid: same
 * numbering, adjacency, measures and components. No bridges are added automatically (all
 * cells count as one part).
 * @throws BeatplanError `BAD_INPUT` (no cells, mixed resolutions, invalid H3 index, pairs
 *   naming cells not in the list), `INVALID_GEOMETRY` (bad barriers)
 * @example const grid = gridFromCells(planJson.cells.h3, planJson.grid);
 */
export function gridFromCells(cells: readonly string[], options: GridFromCellsOptions = {}): Grid {
  if (cells.length === 0) throw new BeatplanError('BAD_INPUT', 'no cells', { field: 'cells' });
  const h3 = [...new Set(cells)].sort();
  let resolution = -1;
  for (const h of h3) {
    if (!isValidCell(h)) throw new BeatplanError('BAD_INPUT', 'not a valid H3 cell index', { field: 'cells', value: h });
    const r = getResolution(h);
    if (resolution < 0) resolution = r;
    else if (r !== resolution)
      throw new BeatplanError('BAD_INPUT', `cells mix resolutions ${resolution} and ${r}`, { field: 'cells', value: h });
  }
  return assembleGrid(resolution, h3, { ...options, bridgeGaps: false });
}

interface AssembleOptions {
  barriers?: LineLike;
  barrierCuts?: ReadonlyArray<readonly [string, string]>;
  bridges?: ReadonlyArray<readonly [string, string]>;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
  /** Part (union-find root) per polygon, given the geometric CSR; absent: one part. */
  parts?: (geoOffsets: Uint32Array, geoTargets: Uint32Array) => Int32Array;
  polyOf?: Int32Array;
  bridgeGaps: boolean;
}

/** Measures, adjacency, barrier cuts, parts, bridges and components of sorted cells. */
function assembleGrid(resolution: number, h3: string[], options: AssembleOptions): Grid {
  const { onProgress, signal } = options;
  const n = h3.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(h3[i]!, i);
  const pairIndex = (pair: readonly [string, string], what: string): [number, number] => {
    const a = index.get(pair[0]);
    const b = index.get(pair[1]);
    if (a === undefined || b === undefined)
      throw new BeatplanError('BAD_INPUT', `${what} names a cell that is not in the grid`, { field: what, value: pair });
    return [a, b];
  };

  // 2. Centroids, areas, geometric neighbours with shared-edge lengths.
  const lng = new Float64Array(n);
  const lat = new Float64Array(n);
  const areaKm2 = new Float64Array(n);
  const perimeterKm = new Float64Array(n);
  const geoOffsets = new Uint32Array(n + 1);
  const geoT: number[] = [];
  const geoL: number[] = [];
  for (let i = 0; i < n; i++) {
    if ((i & 4095) === 0) {
      throwIfAborted(signal);
      onProgress?.(0.3 + (0.5 * i) / n, 'grid');
    }
    const h = h3[i]!;
    const [la, ln] = cellToLatLng(h);
    lat[i] = la;
    lng[i] = ln;
    const ring = cellToBoundary(h, true) as Position[];
    areaKm2[i] = polygonAreaKm2([ring]);
    const nb: Array<[number, number]> = [];
    for (const e of originToDirectedEdges(h)) {
      const len = pathLengthKm(directedEdgeToBoundary(e).map(([a, b]) => [b, a] as Position));
      perimeterKm[i] += len;
      const j = index.get(getDirectedEdgeDestination(e));
      if (j !== undefined) nb.push([j, len]);
    }
    nb.sort((a, b) => a[0] - b[0]);
    for (const [j, len] of nb) {
      geoT.push(j);
      geoL.push(len);
    }
    geoOffsets[i + 1] = geoT.length;
  }
  const geoTargets = Uint32Array.from(geoT);
  const geoEdgeKm = Float64Array.from(geoL);

  // 3. Barrier cuts.
  const cut = new Uint8Array(geoTargets.length);
  let barrierCutEdges = 0;
  const cutPair = (i: number, j: number) => {
    let fresh = false;
    for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) if (geoTargets[e] === j && !cut[e]) (cut[e] = 1), (fresh = true);
    for (let f = geoOffsets[j]!; f < geoOffsets[j + 1]!; f++) if (geoTargets[f] === i) cut[f] = 1;
    if (fresh) barrierCutEdges++;
  };
  if (options.barriers) {
    const crosses = barrierTester(linesOf(options.barriers, 'barriers'));
    for (let i = 0; i < n; i++) {
      for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) {
        const j = geoTargets[e]!;
        if (j > i && crosses(lng[i]!, lat[i]!, lng[j]!, lat[j]!)) cutPair(i, j);
      }
    }
  }
  for (const pair of options.barrierCuts ?? []) cutPair(...pairIndex(pair, 'barrierCuts'));
  onProgress?.(0.85, 'grid');

  // 4. Boundary parts: polygons sharing a vertex or neighbouring cells are one part.
  const partOfPoly = options.parts?.(geoOffsets, geoTargets);
  const polyOf = options.polyOf;
  const part = new Uint32Array(n);
  const partIds = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = partOfPoly && polyOf ? partOfPoly[polyOf[i]!]! : 0;
    let id = partIds.get(root);
    if (id === undefined) {
      id = partIds.size;
      partIds.set(root, id);
    }
    part[i] = id;
  }

  // 5. Travel graph = uncut geometric edges, then bridges inside each part.
  const bridges: Array<[number, number]> = [];
  const extra: number[][] = [];
  const travelNeighbours = (i: number, visit: (j: number) => void) => {
    for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) if (!cut[e]) visit(geoTargets[e]!);
    const x = extra[i];
    if (x) for (const j of x) visit(j);
  };
  const addBridge = (i: number, j: number) => {
    bridges.push(i < j ? [i, j] : [j, i]);
    (extra[i] ??= []).push(j);
    (extra[j] ??= []).push(i);
  };
  for (const pair of options.bridges ?? []) addBridge(...pairIndex(pair, 'bridges'));
  if (options.bridgeGaps) {
    // Pieces are judged on the uncut geometric graph: a barrier that splits the city on
    // purpose is never bridged over; only gaps of the H3 cover are.
    const geoNeighbours = (i: number, visit: (j: number) => void) => {
      for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) visit(geoTargets[e]!);
    };
    bridgeParts(n, part, lng, lat, geoNeighbours, addBridge);
  }
  const adjOffsets = new Uint32Array(n + 1);
  const adjList: number[] = [];
  for (let i = 0; i < n; i++) {
    const nb: number[] = [];
    travelNeighbours(i, (j) => nb.push(j));
    nb.sort((a, b) => a - b);
    for (const j of nb) adjList.push(j);
    adjOffsets[i + 1] = adjList.length;
  }
  const adjTargets = Uint32Array.from(adjList);
  const { component, count: componentCount } = connectedComponents(n, adjOffsets, adjTargets);
  onProgress?.(1, 'grid');

  return {
    resolution,
    cellCount: n,
    h3,
    lng,
    lat,
    areaKm2,
    perimeterKm,
    adjOffsets,
    adjTargets,
    geoOffsets,
    geoTargets,
    geoEdgeKm,
    component,
    componentCount,
    part,
    partCount: partIds.size,
    bridges,
    barrierCutEdges,
    indexOf: (h: string) => index.get(h) ?? -1,
  };
}

/**
 * Connected components of a CSR graph, numbered largest first (ties: lowest cell first).
 */
export function connectedComponents(n: number, offsets: Uint32Array, targets: Uint32Array): { component: Uint32Array; count: number } {
  const raw = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const firsts: number[] = [];
  const stack = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (raw[s] !== -1) continue;
    const c = sizes.length;
    let top = 0;
    stack[top++] = s;
    raw[s] = c;
    let size = 0;
    while (top > 0) {
      const i = stack[--top]!;
      size++;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
        const j = targets[e]!;
        if (raw[j] === -1) {
          raw[j] = c;
          stack[top++] = j;
        }
      }
    }
    sizes.push(size);
    firsts.push(s);
  }
  const order = sizes.map((_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || firsts[a]! - firsts[b]!);
  const rank = new Uint32Array(sizes.length);
  order.forEach((c, r) => (rank[c] = r));
  const component = new Uint32Array(n);
  for (let i = 0; i < n; i++) component[i] = rank[raw[i]!]!;
  return { component, count: sizes.length };
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

/** Union-find over polygons: shared (rounded) vertices or neighbouring cells join two polygons. */
function polygonParts(polys: Position[][][], polyOf: Int32Array, geoOffsets: Uint32Array, geoTargets: Uint32Array): Int32Array {
  const parent = new Int32Array(polys.length);
  for (let k = 0; k < polys.length; k++) parent[k] = k;
  const union = (a: number, b: number) => {
    const ra = find(parent, a);
    const rb = find(parent, b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  if (polys.length > 1) {
    const seen = new Map<string, number>();
    for (let k = 0; k < polys.length; k++) {
      for (const ring of polys[k]!) {
        for (const p of ring) {
          const key = `${Math.round(p[0]! * 1e7)},${Math.round(p[1]! * 1e7)}`;
          const o = seen.get(key);
          if (o === undefined) seen.set(key, k);
          else if (o !== k) union(o, k);
        }
      }
    }
    for (let i = 0; i < polyOf.length; i++) {
      for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) {
        const j = geoTargets[e]!;
        if (polyOf[i] !== polyOf[j]) union(polyOf[i]!, polyOf[j]!);
      }
    }
  }
  for (let k = 0; k < polys.length; k++) parent[k] = find(parent, k);
  return parent;
}

/**
 * Joins the pieces of each part: repeatedly the smallest piece is linked to the nearest cell
 * of another piece of the same part (by centre distance).
 */
function bridgeParts(
  n: number,
  part: Uint32Array,
  lng: Float64Array,
  lat: Float64Array,
  neighbours: (i: number, visit: (j: number) => void) => void,
  addBridge: (i: number, j: number) => void,
): void {
  // Components on the given graph.
  const comp = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1) continue;
    const c = members.length;
    const list = [s];
    comp[s] = c;
    for (let q = 0; q < list.length; q++) {
      neighbours(list[q]!, (j) => {
        if (comp[j] === -1) {
          comp[j] = c;
          list.push(j);
        }
      });
    }
    members.push(list);
  }
  if (members.length <= 1) return;
  // Frontier cells (fewer than 6 neighbours) are the only candidates for a bridge end.
  const frontier = members.map((list) =>
    list.filter((i) => {
      let d = 0;
      neighbours(i, () => d++);
      return d < 6;
    }),
  );
  const parent = new Int32Array(members.length);
  for (let c = 0; c < members.length; c++) parent[c] = c;
  const size = members.map((m) => m.length);
  const byPart = new Map<number, number[]>();
  for (let c = 0; c < members.length; c++) {
    const p = part[members[c]![0]!]!;
    (byPart.get(p) ?? byPart.set(p, []).get(p)!).push(c);
  }
  for (const comps of byPart.values()) {
    let groups = comps.length;
    while (groups > 1) {
      // the smallest group
      let small = -1;
      for (const c of comps) {
        const r = find(parent, c);
        if (r === c && (small < 0 || size[c]! < size[small]!)) small = c;
      }
      let best = Infinity;
      let bi = -1;
      let bj = -1;
      for (const c of comps) {
        if (find(parent, c) !== small) continue;
        for (const i of frontier[c]!) {
          for (const d of comps) {
            if (find(parent, d) === small) continue;
            for (const j of frontier[d]!) {
              const dist = approxDistanceKm(lng[i]!, lat[i]!, lng[j]!, lat[j]!);
              if (dist < best || (dist === best && (i < bi || (i === bi && j < bj)))) {
                best = dist;
                bi = i;
                bj = j;
              }
            }
          }
        }
      }
      if (bi < 0) break;
      addBridge(bi, bj);
      const target = find(parent, comp[bj]!);
      parent[small] = target;
      size[target] = size[target]! + size[small]!;
      groups--;
    }
  }
}

/** Builds a test "does segment (a→b) cross any barrier segment?" with a bucket index. */
function barrierTester(lines: Position[][]): (x1: number, y1: number, x2: number, y2: number) => boolean {
  const segs: number[] = [];
  for (const line of lines) {
    for (let k = 1; k < line.length; k++) segs.push(line[k - 1]![0]!, line[k - 1]![1]!, line[k]![0]!, line[k]![1]!);
  }
  const m = segs.length / 4;
  if (m === 0) return () => false;
  const B = 0.005; // bucket size in degrees (~0.5 km)
  const buckets = new Map<number, number[]>();
  const key = (bx: number, by: number) => bx * 1_000_003 + by;
  for (let s = 0; s < m; s++) {
    const x0 = Math.floor(Math.min(segs[4 * s]!, segs[4 * s + 2]!) / B);
    const x1 = Math.floor(Math.max(segs[4 * s]!, segs[4 * s + 2]!) / B);
    const y0 = Math.floor(Math.min(segs[4 * s + 1]!, segs[4 * s + 3]!) / B);
    const y1 = Math.floor(Math.max(segs[4 * s + 1]!, segs[4 * s + 3]!) / B);
    for (let bx = x0; bx <= x1; bx++) {
      for (let by = y0; by <= y1; by++) {
        const k = key(bx, by);
        (buckets.get(k) ?? buckets.set(k, []).get(k)!).push(s);
      }
    }
  }
  return (ax, ay, bx, by) => {
    const x0 = Math.floor(Math.min(ax, bx) / B);
    const x1 = Math.floor(Math.max(ax, bx) / B);
    const y0 = Math.floor(Math.min(ay, by) / B);
    const y1 = Math.floor(Math.max(ay, by) / B);
    for (let gx = x0; gx <= x1; gx++) {
      for (let gy = y0; gy <= y1; gy++) {
        const list = buckets.get(key(gx, gy));
        if (!list) continue;
        for (const s of list) {
          if (segmentsCross(ax, ay, bx, by, segs[4 * s]!, segs[4 * s + 1]!, segs[4 * s + 2]!, segs[4 * s + 3]!)) return true;
        }
      }
    }
    return false;
  };
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Proper or touching intersection of segments p1p2 and q1q2 (planar, in degrees). */
export function segmentsCross(
  p1x: number,
  p1y: number,
  p2x: number,
  p2y: number,
  q1x: number,
  q1y: number,
  q2x: number,
  q2y: number,
): boolean {
  const o1 = orient(p1x, p1y, p2x, p2y, q1x, q1y);
  const o2 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
  const o3 = orient(q1x, q1y, q2x, q2y, p1x, p1y);
  const o4 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
  if (o1 !== o2 && o3 !== o4) return true;
  const on = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number) =>
    Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
  if (o1 === 0 && on(p1x, p1y, p2x, p2y, q1x, q1y)) return true;
  if (o2 === 0 && on(p1x, p1y, p2x, p2y, q2x, q2y)) return true;
  if (o3 === 0 && on(q1x, q1y, q2x, q2y, p1x, p1y)) return true;
  if (o4 === 0 && on(q1x, q1y, q2x, q2y, p2x, p2y)) return true;
  return false;
}

/** What, beyond its cells, a grid needs to be rebuilt exactly by {@link gridFromCells}. */
export interface GridTopology {
  /** Bridge edges as H3 pairs. */
  bridges: Array<[string, string]>;
  /** Hex-neighbour pairs cut by barriers, as H3 pairs (each pair once). */
  barrierCuts: Array<[string, string]>;
}

/**
 * The bridges and barrier cuts of a grid as H3 pairs, for saving next to its cells.
 * @example const grid2 = gridFromCells(grid.h3, gridTopology(grid)); // same grid
 */
export function gridTopology(grid: Grid): GridTopology {
  const barrierCuts: Array<[string, string]> = [];
  for (let i = 0; i < grid.cellCount; i++) {
    let a = grid.adjOffsets[i]!;
    const aEnd = grid.adjOffsets[i + 1]!;
    for (let e = grid.geoOffsets[i]!; e < grid.geoOffsets[i + 1]!; e++) {
      const j = grid.geoTargets[e]!;
      while (a < aEnd && grid.adjTargets[a]! < j) a++;
      if (j > i && !(a < aEnd && grid.adjTargets[a] === j)) barrierCuts.push([grid.h3[i]!, grid.h3[j]!]);
    }
  }
  return {
    bridges: grid.bridges.map(([a, b]) => [grid.h3[a]!, grid.h3[b]!]),
    barrierCuts,
  };
}
