/**
 * Travel times for the response model: cell to cell, and between demand "atoms".
 *
 * Rule (one rule, two resolutions):
 *   road km = detour × (straight km + barrier excess km),
 *   barrier excess = max(0, g − (2/√3) · straight),
 * where g is the shortest path over the grid's travel adjacency (barrier-crossing edges cut,
 * bridges added) with edges as long as the centre-to-centre distance. A path over hexagon
 * centres is at most 2/√3 ≈ 1.155 times the straight line when nothing is in the way, so the
 * excess is 0 (less one cell spacing of slack for the lattice's distortion) unless a barrier, a hole or a concave boundary forces a detour — then it is
 * the detour's extra length (a slight underestimate, by at most 15% of the straight line).
 * Minutes = road km / speed × 60.
 *
 * Approximation used at city scale ({@link buildTravelModel}): demand and unit positions are
 * aggregated to *atoms* — the cells of one beat inside one square of `atomSizeKm` side that
 * are connected on the travel graph. Distance between two atoms is the root-mean-square
 * distance between their points, √(d² + s₁² + s₂²) with d the distance of their
 * workload-weighted centroids and s² their spreads (which also gives a trip inside one atom a
 * length); the barrier excess is measured from the centre cell of the unit's beat
 * (one Dijkstra per beat, bounded to `barrierSearchKm`) to the atom's centre cell.
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import { approxDistanceKm } from '../geo/measure.js';
import type { Grid } from '../grid/grid.js';
import { MinHeap } from '../min-heap.js';
import type { BeatPlan } from '../plan/types.js';

/** Ratio bound of a hexagon-centre path to the straight line (2/√3). */
export const HEX_PATH_FACTOR = 2 / Math.sqrt(3);
const KM_PER_DEG = (Math.PI / 180) * 6371.0088;

/** Options of {@link cellTravelMinutes}. */
export interface CellTravelOptions {
  /** Road distance over straight-line distance (default 1.3). */
  detourFactor?: number;
  /** Travel speed, km/h (default 30). */
  speedKmh?: number;
  /** Look for barrier detours (Dijkstra) up to this path length, km (default: unbounded). */
  barrierSearchKm?: number;
}

/** Edge lengths (km) of the travel adjacency, centre to centre. */
export function travelEdgeKm(grid: Grid): Float64Array {
  const { adjOffsets, adjTargets, lng, lat } = grid;
  const len = new Float64Array(adjTargets.length);
  for (let i = 0; i < grid.cellCount; i++) {
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      const j = adjTargets[e]!;
      len[e] = approxDistanceKm(lng[i]!, lat[i]!, lng[j]!, lat[j]!);
    }
  }
  return len;
}

/**
 * Shortest path lengths (km) over the travel adjacency from one cell; `Infinity` where not
 * reached (another component, or beyond `maxKm`). Binary heap, O(E log V).
 * @param edgeKm edge lengths from {@link travelEdgeKm}
 */
export function graphDistancesKm(grid: Grid, source: number, edgeKm: Float64Array, maxKm = Infinity, out?: Float64Array): Float64Array {
  return csrShortestPaths(grid.adjOffsets, grid.adjTargets, edgeKm, source, maxKm, out ?? new Float64Array(grid.cellCount));
}

/**
 * Single-source shortest paths over a graph in CSR form (Dijkstra, lazy-deletion binary heap
 * on typed arrays, O(E log V)): `out[v]` = least Σ weight from `source` to `v`, `Infinity`
 * where not reached or beyond `maxDist`. Weights must be ≥ 0 (any unit: km, minutes).
 * @param offsets node v's edges are `offsets[v]..offsets[v+1]`
 * @param targets head node of each edge
 * @param weights weight of each edge
 * @param out distances (length = node count), overwritten and returned
 * @param heap a heap to reuse across calls (cleared first); default a new one
 * @example csrShortestPaths(Uint32Array.of(0, 1, 1), Int32Array.of(1), Float64Array.of(2.5), 0, Infinity, new Float64Array(2)) // [0, 2.5]
 */
export function csrShortestPaths(
  offsets: ArrayLike<number>,
  targets: ArrayLike<number>,
  weights: ArrayLike<number>,
  source: number,
  maxDist: number,
  out: Float64Array,
  heap: MinHeap = new MinHeap(1024),
): Float64Array {
  const n = out.length;
  const dist = out;
  dist.fill(Infinity);
  heap.clear();
  dist[source] = 0;
  heap.push(0, source);
  while (heap.size > 0) {
    const k = heap.peekKey();
    const v = heap.pop();
    if (k > dist[v]!) continue; // a stale entry (lazy deletion)
    if (k > maxDist) {
      dist[v] = Infinity;
      continue;
    }
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const w = targets[e]!;
      const nd = k + weights[e]!;
      if (nd < dist[w]!) {
        dist[w] = nd;
        heap.push(nd, w);
      }
    }
  }
  if (maxDist < Infinity) for (let i = 0; i < n; i++) if (dist[i]! > maxDist) dist[i] = Infinity;
  return dist;
}

/**
 * Barrier excess (km) from a graph distance and a straight-line distance; see the module
 * doc. `slackKm` (one cell spacing, see {@link meanEdgeKm}) absorbs the lattice's own
 * distortion so that open ground gives exactly 0. Unreached cells (`Infinity`) give the lower
 * bound `searchKm − (2/√3)·straight` (0 with an unbounded search).
 */
export function barrierExcessKm(graphKm: number, straightKm: number, searchKm = Infinity, slackKm = 0): number {
  if (graphKm === Infinity) return Math.max(0, (searchKm === Infinity ? 0 : searchKm) - HEX_PATH_FACTOR * straightKm - slackKm);
  return Math.max(0, graphKm - HEX_PATH_FACTOR * straightKm - slackKm);
}

/** Mean length (km) of the travel edges: the cell spacing. */
export function meanEdgeKm(edgeKm: Float64Array): number {
  let s = 0;
  for (let e = 0; e < edgeKm.length; e++) s += edgeKm[e]!;
  return edgeKm.length > 0 ? s / edgeKm.length : 0;
}

/**
 * Travel minutes from one cell to every cell of the grid by the rule of this module
 * (straight line × detour, plus the barrier excess found by a Dijkstra from `from`).
 * Cells in another component get the straight-line time (no road is known).
 * @param from cell index
 * @returns minutes per cell (Float64Array of length `grid.cellCount`)
 * @throws BeatplanError `BAD_INPUT` for a bad cell, speed or detour
 * @example cellTravelMinutes(grid, 0, { speedKmh: 30 })[42]
 */
export function cellTravelMinutes(grid: Grid, from: number, options: CellTravelOptions = {}): Float64Array {
  if (!Number.isInteger(from) || from < 0 || from >= grid.cellCount)
    throw new BeatplanError('BAD_INPUT', 'no such cell', { field: 'from', value: from });
  const detour = checkPositive(options.detourFactor ?? 1.3, 'detourFactor');
  const speed = checkPositive(options.speedKmh ?? 30, 'speedKmh');
  const maxKm = options.barrierSearchKm ?? Infinity;
  const edgeKm = travelEdgeKm(grid);
  const slack = meanEdgeKm(edgeKm);
  const g = graphDistancesKm(grid, from, edgeKm, maxKm);
  const out = new Float64Array(grid.cellCount);
  const { lng, lat } = grid;
  for (let i = 0; i < grid.cellCount; i++) {
    const d = approxDistanceKm(lng[from]!, lat[from]!, lng[i]!, lat[i]!);
    const ex = grid.component[i] === grid.component[from] ? barrierExcessKm(g[i]!, d, maxKm, slack) : 0;
    out[i] = ((detour * (d + ex)) / speed) * 60;
  }
  return out;
}

function checkPositive(v: number, field: string): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new BeatplanError('BAD_INPUT', `${field} must be a finite number > 0`, { field, value: v });
  return v;
}

/** Options of {@link buildTravelModel}. */
export interface TravelModelOptions {
  /** Side of the squares atoms are cut from, km (default 1). Smaller = finer and slower. */
  atomSizeKm?: number;
  /** Weight of each cell for atom and beat centroids (default: cell area). Use workload. */
  cellWeights?: ArrayLike<number>;
  /** Look for barrier detours (default true). Without, travel is straight line × detour. */
  barriers?: boolean;
  /** Bound of each beat's Dijkstra, km of path (default 12). */
  barrierSearchKm?: number;
  signal?: AbortSignal;
}

/**
 * Demand atoms of a plan and the distances between them (see the module doc). Shift
 * independent: speed, detour and weights per shift are applied by the response model.
 */
export interface TravelModel {
  readonly atomCount: number;
  /** Atom of each cell (−1 for unassigned cells). */
  readonly atomOfCell: Int32Array;
  /** Beat of each atom. */
  readonly beatOfAtom: Int32Array;
  /** Atoms of beat b: `beatAtoms[beatAtomOffsets[b] .. beatAtomOffsets[b+1])`. */
  readonly beatAtomOffsets: Uint32Array;
  readonly beatAtoms: Int32Array;
  /** Weighted centroid of each atom, degrees. */
  readonly lng: Float64Array;
  readonly lat: Float64Array;
  /** Centroid of each atom in km on a local plane (equirectangular at the grid's mean latitude). */
  readonly xKm: Float64Array;
  readonly yKm: Float64Array;
  /** Mean squared distance of an atom's points from its centroid, km² (intra-cell spread included). */
  readonly spreadKm2: Float64Array;
  /** Area of each atom, km². */
  readonly areaKm2: Float64Array;
  /** Cell nearest to each atom's centroid. */
  readonly centreCellOfAtom: Int32Array;
  /** Cell nearest to each beat's weighted centroid (−1 for an empty beat). */
  readonly centreCellOfBeat: Int32Array;
  /** Barrier excess, km, from beat b's centre cell to atom j: `excessKm[b · atomCount + j]`. */
  readonly excessKm: Float32Array;
  /** Beat-centre pairs the bounded Dijkstra did not reach (excess is then a lower bound). */
  readonly unreachedPairs: number;
  /**
   * Road travel minutes atom → atom (row-major, atomCount²) when built with roads (see
   * `withRoads` in roads.ts); absent for the straight-line model. `Infinity` = not joined by roads.
   */
  readonly roadMinutes?: Float32Array;
  /** Atom pairs the road network does not join (they keep the straight-line rule). */
  readonly roadUnreachedPairs?: number;
  /** Distance from each atom's centre cell to its road node, km. */
  readonly roadSnapKm?: Float64Array;
}

/**
 * Builds the atoms of a plan and their barrier excesses: one bounded Dijkstra per beat.
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT` (atom size), `ABORTED`
 * @example const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
 */
export function buildTravelModel(grid: Grid, plan: BeatPlan, options: TravelModelOptions = {}): TravelModel {
  if (plan.cellCount !== grid.cellCount || plan.resolution !== grid.resolution) {
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the plan does not fit the grid', { field: 'plan', value: plan.cellCount });
  }
  const sizeKm = checkPositive(options.atomSizeKm ?? 1, 'atomSizeKm');
  const n = grid.cellCount;
  const beats = plan.beatIds.length;
  const w = options.cellWeights;
  if (w && w.length !== n)
    throw new BeatplanError('BAD_INPUT', 'cellWeights must have one value per cell', { field: 'cellWeights', value: w.length });
  const { lng, lat, areaKm2, adjOffsets, adjTargets } = grid;
  let lat0 = 0;
  let lng0 = 0;
  for (let i = 0; i < n; i++) {
    lat0 += lat[i]!;
    lng0 += lng[i]!;
  }
  lat0 /= n;
  lng0 /= n;
  const cos0 = Math.cos((lat0 * Math.PI) / 180);
  const xOf = (i: number): number => (lng[i]! - lng0) * cos0 * KM_PER_DEG;
  const yOf = (i: number): number => (lat[i]! - lat0) * KM_PER_DEG;
  const keyOf = (i: number): string => `${plan.beatOfCell[i]}:${Math.floor(xOf(i) / sizeKm)}:${Math.floor(yOf(i) / sizeKm)}`;
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = plan.beatOfCell[i]! >= 0 ? keyOf(i) : '';
  // Atoms = connected pieces of (beat, square), numbered by their first cell.
  const atomOfCell = new Int32Array(n).fill(-1);
  let atoms = 0;
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (atomOfCell[i] !== -1 || plan.beatOfCell[i]! < 0) continue;
    const id = atoms++;
    atomOfCell[i] = id;
    stack.push(i);
    while (stack.length) {
      const v = stack.pop()!;
      for (let e = adjOffsets[v]!; e < adjOffsets[v + 1]!; e++) {
        const u = adjTargets[e]!;
        if (atomOfCell[u] === -1 && keys[u] === keys[i]) {
          atomOfCell[u] = id;
          stack.push(u);
        }
      }
    }
  }
  const weight = (i: number): number => (w ? Math.max(0, w[i]!) : areaKm2[i]!);
  const sw = new Float64Array(atoms);
  const sx = new Float64Array(atoms);
  const sy = new Float64Array(atoms);
  const area = new Float64Array(atoms);
  const beatOfAtom = new Int32Array(atoms);
  // Weighted centroids; atoms with zero weight fall back to area weights.
  const atomW = new Float64Array(atoms);
  for (let i = 0; i < n; i++) {
    const a = atomOfCell[i]!;
    if (a >= 0) atomW[a]! += weight(i);
  }
  const cw = (i: number, a: number): number => (atomW[a]! > 0 ? weight(i) : areaKm2[i]!);
  for (let i = 0; i < n; i++) {
    const a = atomOfCell[i]!;
    if (a < 0) continue;
    const wi = cw(i, a);
    sw[a]! += wi;
    sx[a]! += wi * xOf(i);
    sy[a]! += wi * yOf(i);
    area[a]! += areaKm2[i]!;
    beatOfAtom[a] = plan.beatOfCell[i]!;
  }
  const cx = new Float64Array(atoms);
  const cy = new Float64Array(atoms);
  for (let a = 0; a < atoms; a++) {
    cx[a] = sx[a]! / sw[a]!;
    cy[a] = sy[a]! / sw[a]!;
  }
  const spread = new Float64Array(atoms);
  const centreCellOfAtom = new Int32Array(atoms).fill(-1);
  const best = new Float64Array(atoms).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const a = atomOfCell[i]!;
    if (a < 0) continue;
    const dx = xOf(i) - cx[a]!;
    const dy = yOf(i) - cy[a]!;
    const d2 = dx * dx + dy * dy;
    spread[a]! += cw(i, a) * (d2 + areaKm2[i]! / (2 * Math.PI));
    if (d2 < best[a]!) {
      best[a] = d2;
      centreCellOfAtom[a] = i;
    }
  }
  for (let a = 0; a < atoms; a++) spread[a]! /= sw[a]!;
  const lngA = new Float64Array(atoms);
  const latA = new Float64Array(atoms);
  for (let a = 0; a < atoms; a++) {
    lngA[a] = lng0 + cx[a]! / (cos0 * KM_PER_DEG);
    latA[a] = lat0 + cy[a]! / KM_PER_DEG;
  }
  // Beats: atoms CSR and centre cells.
  const beatAtomOffsets = new Uint32Array(beats + 1);
  for (let a = 0; a < atoms; a++) beatAtomOffsets[beatOfAtom[a]! + 1]!++;
  for (let b = 0; b < beats; b++) beatAtomOffsets[b + 1]! += beatAtomOffsets[b]!;
  const beatAtoms = new Int32Array(atoms);
  const fill = beatAtomOffsets.slice(0, beats);
  for (let a = 0; a < atoms; a++) beatAtoms[fill[beatOfAtom[a]!]!++] = a;
  const bw = new Float64Array(beats);
  const bx = new Float64Array(beats);
  const by = new Float64Array(beats);
  for (let a = 0; a < atoms; a++) {
    const b = beatOfAtom[a]!;
    const wa = atomW[a]! > 0 ? atomW[a]! : 0;
    bw[b]! += wa;
    bx[b]! += wa * cx[a]!;
    by[b]! += wa * cy[a]!;
  }
  const barea = new Float64Array(beats);
  for (let a = 0; a < atoms; a++) barea[beatOfAtom[a]!]! += area[a]!;
  for (let a = 0; a < atoms; a++) {
    const b = beatOfAtom[a]!;
    if (bw[b] === 0) {
      bx[b]! += (area[a]! / barea[b]!) * cx[a]!;
      by[b]! += (area[a]! / barea[b]!) * cy[a]!;
    }
  }
  for (let b = 0; b < beats; b++) {
    if (bw[b]! > 0) {
      bx[b]! /= bw[b]!;
      by[b]! /= bw[b]!;
    }
  }
  const centreCellOfBeat = new Int32Array(beats).fill(-1);
  const bestB = new Float64Array(beats).fill(Infinity);
  for (let i = 0; i < n; i++) {
    const b = plan.beatOfCell[i]!;
    if (b < 0) continue;
    const dx = xOf(i) - bx[b]!;
    const dy = yOf(i) - by[b]!;
    if (dx * dx + dy * dy < bestB[b]!) {
      bestB[b] = dx * dx + dy * dy;
      centreCellOfBeat[b] = i;
    }
  }
  // Barrier excess from each beat's centre cell to each atom's centre cell.
  const excessKm = new Float32Array(beats * atoms);
  let unreached = 0;
  if (options.barriers ?? true) {
    const maxKm = options.barrierSearchKm ?? 12;
    const edgeKm = travelEdgeKm(grid);
    const slack = meanEdgeKm(edgeKm);
    const dist = new Float64Array(n);
    for (let b = 0; b < beats; b++) {
      throwIfAborted(options.signal);
      const c = centreCellOfBeat[b]!;
      if (c < 0) continue;
      graphDistancesKm(grid, c, edgeKm, maxKm, dist);
      for (let a = 0; a < atoms; a++) {
        const t = centreCellOfAtom[a]!;
        const d = approxDistanceKm(lng[c]!, lat[c]!, lng[t]!, lat[t]!);
        const g = dist[t]!;
        if (g === Infinity && HEX_PATH_FACTOR * d < maxKm) unreached++;
        excessKm[b * atoms + a] = barrierExcessKm(g, d, maxKm, slack);
      }
    }
  }
  return {
    atomCount: atoms,
    atomOfCell,
    beatOfAtom,
    beatAtomOffsets,
    beatAtoms,
    lng: lngA,
    lat: latA,
    xKm: cx,
    yKm: cy,
    spreadKm2: spread,
    areaKm2: area,
    centreCellOfAtom,
    centreCellOfBeat,
    excessKm,
    unreachedPairs: unreached,
  };
}

/**
 * Base road distance (km, before the detour factor) from a unit placed in atom `from` of
 * beat `beatOfUnit` to calls in atom `to`: RMS distance plus the barrier excess of the beat.
 */
export function atomDistanceKm(model: TravelModel, from: number, to: number, beatOfUnit: number): number {
  const dx = model.xKm[from]! - model.xKm[to]!;
  const dy = model.yKm[from]! - model.yKm[to]!;
  return Math.sqrt(dx * dx + dy * dy + model.spreadKm2[from]! + model.spreadKm2[to]!) + model.excessKm[beatOfUnit * model.atomCount + to]!;
}
