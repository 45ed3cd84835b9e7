/**
 * The unit graph: a {@link Grid}-shaped object whose nodes are units, so that `planBeats` runs
 * unchanged on it and its plans expand back to cells with every unit whole.
 */
import { connectedComponents } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import type { UnitBalanceBound } from '../plan/types.js';
import type { CellUnits } from './assign.js';

const cache = new WeakMap<CellUnits, { grid: Grid; unitGrid: Grid }>();
const unitGrids = new WeakSet<Grid>();

/**
 * True for a graph made by {@link unitGrid} (its nodes are whole units): `planBeats` then
 * balances lumpy nodes by recombination along flows too.
 * @example isUnitGrid(unitGrid(grid, units)) // true; isUnitGrid(grid) // false
 */
export function isUnitGrid(g: Grid): boolean {
  return unitGrids.has(g);
}

/** CSR of a symmetric unit-pair map (key a·U + b → value), sorted per node. */
function csrOf(U: number, pairs: Map<number, number>) {
  const keys = [...pairs.keys()].sort((x, y) => x - y);
  const offsets = new Uint32Array(U + 1);
  for (const k of keys) offsets[Math.floor(k / U) + 1]++;
  for (let u = 0; u < U; u++) offsets[u + 1] += offsets[u]!;
  const targets = new Uint32Array(keys.length);
  const values = new Float64Array(keys.length);
  keys.forEach((k, e) => {
    targets[e] = k % U;
    values[e] = pairs.get(k)!;
  });
  return { offsets, targets, values };
}

/**
 * The quotient of the grid by its units. Node `u` is unit `u`:
 * - `lng`/`lat`: area-weighted mean of its cells' centres (degrees);
 * - `areaKm2`: Σ of its cells' areas;
 * - `perimeterKm`: Σ of its cells' perimeters − the cell edges shared inside the unit (both
 *   directions), i.e. the length of the dissolved unit's outline, exactly as `Partition` counts it;
 * - travel graph: units with at least one travel edge between their cells (bridges included);
 * - geometric graph: units with at least one shared cell edge, `geoEdgeKm` = Σ of those edges' km.
 * So the perimeter and area of any set of units computed on this graph equal those of the
 * same cells computed on the grid. `h3` holds the unit ids (messages only); no bridges, no
 * barrier cuts of its own; `part` = the boundary part of the unit's first cell.
 * Cached per `units` object.
 * @example const q = unitGrid(grid, units); planBeats(q, unitSums(units, workload), { beats: 30 });
 */
export function unitGrid(grid: Grid, units: CellUnits): Grid {
  const hit = cache.get(units);
  if (hit && hit.grid === grid) return hit.unitGrid;
  const n = grid.cellCount;
  const U = units.unitIds.length;
  const u = units.unitOfCell;
  const lng = new Float64Array(U);
  const lat = new Float64Array(U);
  const areaKm2 = new Float64Array(U);
  const perimeterKm = new Float64Array(U);
  const part = new Uint32Array(U);
  const seen = new Uint8Array(U);
  const travel = new Map<number, number>();
  const geo = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = u[i]!;
    const w = grid.areaKm2[i]!;
    lng[a] += w * grid.lng[i]!;
    lat[a] += w * grid.lat[i]!;
    areaKm2[a] += w;
    perimeterKm[a] += grid.perimeterKm[i]!;
    if (!seen[a]) {
      seen[a] = 1;
      part[a] = grid.part[i]!;
    }
    for (let e = grid.geoOffsets[i]!; e < grid.geoOffsets[i + 1]!; e++) {
      const b = u[grid.geoTargets[e]!]!;
      if (b === a) perimeterKm[a] -= grid.geoEdgeKm[e]!;
      else geo.set(a * U + b, (geo.get(a * U + b) ?? 0) + grid.geoEdgeKm[e]!);
    }
    for (let e = grid.adjOffsets[i]!; e < grid.adjOffsets[i + 1]!; e++) {
      const b = u[grid.adjTargets[e]!]!;
      if (b !== a) travel.set(a * U + b, 1);
    }
  }
  for (let a = 0; a < U; a++) {
    if (areaKm2[a]! > 0) {
      lng[a] /= areaKm2[a]!;
      lat[a] /= areaKm2[a]!;
    }
  }
  const t = csrOf(U, travel);
  const g = csrOf(U, geo);
  const { component, count } = connectedComponents(U, t.offsets, t.targets);
  const index = new Map(units.unitIds.map((id, k) => [id, k]));
  const unitGridValue: Grid = {
    resolution: grid.resolution,
    cellCount: U,
    h3: units.unitIds,
    lng,
    lat,
    areaKm2,
    perimeterKm,
    adjOffsets: t.offsets,
    adjTargets: t.targets,
    geoOffsets: g.offsets,
    geoTargets: g.targets,
    geoEdgeKm: g.values,
    component,
    componentCount: count,
    part,
    partCount: grid.partCount,
    bridges: [],
    barrierCutEdges: 0,
    indexOf: (id: string) => index.get(id) ?? -1,
  };
  cache.set(units, { grid, unitGrid: unitGridValue });
  unitGrids.add(unitGridValue);
  return unitGridValue;
}

/**
 * Σ of a per-cell value over each unit's cells (e.g. workload hours per week per unit).
 * @example unitSums(units, scores.workloadHours)[u] // workload of unit u
 */
export function unitSums(units: CellUnits, perCell: ArrayLike<number>): Float64Array {
  const out = new Float64Array(units.unitIds.length);
  for (let i = 0; i < units.unitOfCell.length; i++) out[units.unitOfCell[i]!] += perCell[i]!;
  return out;
}

/**
 * The label (beat, district…) of each unit: the label holding most of the unit's `weight`
 * among its cells with a label ≥ 0, ties to the lower label; a unit whose labelled cells all
 * weigh 0 is decided by `fallback` (e.g. cell area); a unit with no labelled cell gets −1.
 * @param labelOfCell label per cell, −1 = none
 * @example majorityPerUnit(units, plan.beatOfCell, workload, grid.areaKm2)
 */
export function majorityPerUnit(
  units: CellUnits,
  labelOfCell: Int32Array,
  weight: ArrayLike<number>,
  fallback: ArrayLike<number>,
): Int32Array {
  const U = units.unitIds.length;
  const votes = new Map<number, [number, number]>();
  let L = 0;
  for (let i = 0; i < labelOfCell.length; i++) if (labelOfCell[i]! + 1 > L) L = labelOfCell[i]! + 1;
  for (let i = 0; i < labelOfCell.length; i++) {
    const l = labelOfCell[i]!;
    if (l < 0) continue;
    const key = units.unitOfCell[i]! * L + l;
    const v = votes.get(key) ?? [0, 0];
    v[0] += weight[i]!;
    v[1] += fallback[i]!;
    votes.set(key, v);
  }
  const out = new Int32Array(U).fill(-1);
  const best = Array.from({ length: U }, () => [-1, -1] as [number, number]);
  for (const key of [...votes.keys()].sort((x, y) => x - y)) {
    const u = Math.floor(key / L);
    const v = votes.get(key)!;
    const b = best[u]!;
    if (v[0] > b[0] || (v[0] === b[0] && v[1] > b[1])) {
      best[u] = [v[0], v[1]];
      out[u] = key % L;
    }
  }
  return out;
}

/**
 * Expands a label per unit back to cells: `out[i] = perUnit[unitOfCell[i]]`.
 * @example const beatOfCell = unitsToCells(units, unitPlan.beatOfCell);
 */
export function unitsToCells(units: CellUnits, perUnit: Int32Array): Int32Array {
  return Int32Array.from(units.unitOfCell, (u) => perUnit[u]!);
}

/**
 * The balance bound of units (see {@link UnitBalanceBound}): the heaviest unit's workload over
 * the mean beat workload (total / K, city-wide), and the narrowest band ±ε' with
 * ε' = max(tolerance, heaviest/mean − 1) that this bound does not rule out.
 * @param unitWorkload workload per unit on the balanced measure (hours/week)
 * @param mergedUnits layer features merged into a neighbour (reported as a count)
 * @example unitBalanceBound(units, unitSums(units, workload), 30, 0.025).reachableTolerance
 */
export function unitBalanceBound(
  units: CellUnits,
  unitWorkload: Float64Array,
  beats: number,
  tolerance: number,
  mergedUnits = units.report?.mergedUnits.length ?? 0,
): UnitBalanceBound {
  let total = 0;
  let heaviest = 0;
  for (let u = 0; u < unitWorkload.length; u++) {
    total += unitWorkload[u]!;
    if (unitWorkload[u]! > unitWorkload[heaviest]!) heaviest = u;
  }
  const mean = beats > 0 ? total / beats : 0;
  const heaviestOverMean = mean > 0 ? (unitWorkload[heaviest] ?? 0) / mean : 0;
  return {
    count: units.unitIds.length,
    mergedUnits,
    heaviestUnit: units.unitIds[heaviest] ?? '',
    heaviestUnitWorkload: unitWorkload[heaviest] ?? 0,
    heaviestOverMean,
    reachableTolerance: Math.max(tolerance, heaviestOverMean - 1),
  };
}
