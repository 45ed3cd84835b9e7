/**
 * Atomic units (census blocks, block groups, street blocks…) mapped onto the grid: every cell
 * belongs to exactly one unit, and the cells of one unit always move together in planning,
 * re-balancing and editing.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError } from '../errors.js';
import { approxDistanceKm } from '../geo/measure.js';
import { cellOverlaps } from '../grid/area-weights.js';
import type { Grid } from '../grid/grid.js';

/** How the unit layer was mapped onto the grid (every count exact; ids as in the layer). */
export interface UnitsReport {
  /** Features in the unit layer. */
  readonly features: number;
  /** Units that hold at least one cell (= `unitIds.length`). */
  readonly units: number;
  /**
   * Units that won no cell (smaller than a cell, or a sliver): merged into the unit holding
   * the cell where most of their area lies (`into`), or `null` when they overlap no grid cell
   * at all (outside the grid).
   */
  readonly mergedUnits: ReadonlyArray<{ readonly id: string; readonly into: string | null }>;
  /** Cells no unit covers at all: given to the unit of the nearest covered cell (travel graph first, then distance). */
  readonly uncoveredCells: number;
  /**
   * Units whose cells fell apart on the travel graph: the largest piece keeps the unit; every
   * other piece joins the neighbouring unit it shares most travel edges with (`cellsMoved`
   * counts them), or, when it touches no other unit (an island), becomes a unit of its own
   * named `<id>#2`, `<id>#3`… (`newUnits`). Every unit is therefore one connected piece.
   */
  readonly splitUnits: ReadonlyArray<{ readonly id: string; readonly cellsMoved: number; readonly newUnits: readonly string[] }>;
}

/**
 * The unit of every grid cell. `unitOfCell[i]` indexes `unitIds`; every cell has a unit, every
 * unit has at least one cell and its cells are connected on the travel graph (see
 * {@link UnitsReport.splitUnits}).
 */
export interface CellUnits {
  /** Unit index per grid cell (0 … `unitIds.length − 1`; length = `grid.cellCount`). */
  readonly unitOfCell: Int32Array;
  /** Unit ids, e.g. a census GEO_ID; unit `u` is `unitIds[u]`. */
  readonly unitIds: readonly string[];
  /** How the layer was mapped (absent for units read back from a plan.json). */
  readonly report?: UnitsReport;
}

/** Options of {@link unitsOfCells}. */
export interface UnitsOfCellsOptions {
  /** Property holding the unit id. Default: the feature `id`, else its 1-based position. */
  readonly idField?: string;
  /** File name for error messages. */
  readonly file?: string;
}

/**
 * Unit id of every feature: `idField`, else the feature id, else the 1-based position.
 * @throws BeatplanError `MISSING_FIELD` (a feature without `idField`), `BAD_INPUT` (a duplicate id, naming both features)
 */
export function unitIdsOf(features: ReadonlyArray<Feature>, options: UnitsOfCellsOptions = {}): string[] {
  const seen = new Map<string, number>();
  return features.map((f, k) => {
    let id: string;
    if (options.idField !== undefined) {
      const v: unknown = f.properties?.[options.idField];
      if (v === undefined || v === null || v === '') {
        throw new BeatplanError('MISSING_FIELD', `unit feature ${k} has no "${options.idField}" property`, {
          file: options.file,
          row: k,
          field: options.idField,
        });
      }
      id = String(v);
    } else id = String(f.id ?? k + 1);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new BeatplanError('BAD_INPUT', `unit id "${id}" is used by features ${first} and ${k}; unit ids must be unique`, {
        file: options.file,
        row: k,
        field: options.idField ?? 'id',
        value: id,
      });
    }
    seen.set(id, k);
    return id;
  });
}

/**
 * Maps a polygon layer of atomic units onto the grid: every cell belongs to the unit holding
 * most of its area (exact polygon ∩ hexagon areas, `cellOverlaps`; ties → the earlier
 * feature). Cells no unit covers take the unit of the nearest covered cell (travel graph,
 * then centre distance). Units that win no cell are merged into the unit of the cell holding
 * most of their area; units that fall apart on the travel graph are mended (largest piece
 * kept, other pieces join the neighbour they touch most). Everything done is counted in
 * `report`.
 * @param units Polygon/MultiPolygon features, `[lng, lat]` degrees
 * @throws BeatplanError `INVALID_GEOMETRY`, `MISSING_FIELD`, `BAD_INPUT` (duplicate ids, no unit overlapping the grid)
 * @example
 * const units = unitsOfCells(grid, blockGroups, { idField: 'GEO_ID' });
 * units.unitIds[units.unitOfCell[0]]; // the block group of cell 0
 */
export function unitsOfCells(grid: Grid, units: FeatureCollection<Polygon | MultiPolygon>, options: UnitsOfCellsOptions = {}): CellUnits {
  const n = grid.cellCount;
  const ids = unitIdsOf(units.features, options);
  const F = ids.length;
  const o = cellOverlaps(grid, units);
  // 1. Majority by area.
  const best = new Int32Array(n).fill(-1);
  const bestArea = new Float64Array(n);
  const bigCell = new Int32Array(F).fill(-1);
  const bigArea = new Float64Array(F);
  for (let k = 0; k < o.cell.length; k++) {
    const i = o.cell[k]!;
    const f = o.feature[k]!;
    const a = o.areaKm2[k]!;
    if (a > bestArea[i]! || (a === bestArea[i] && f < best[i]!)) {
      bestArea[i] = a;
      best[i] = f;
    }
    if (a > bigArea[f]!) {
      bigArea[f] = a;
      bigCell[f] = i;
    }
  }
  let covered = 0;
  for (let i = 0; i < n; i++) if (best[i]! >= 0) covered++;
  if (covered === 0) throw new BeatplanError('BAD_INPUT', 'no unit overlaps the grid', { file: options.file, field: 'units' });
  // 2. Uncovered cells: multi-source BFS on the travel graph, then nearest centre.
  const uncovered = n - covered;
  if (uncovered > 0) fillFromNeighbours(grid, best);
  // 3. Mend units that fall apart on the travel graph.
  const { unitOf, newIds, split } = mendPieces(grid, best, F, ids);
  // 4. Renumber: units with cells, in feature order (new pieces last).
  const allIds = [...ids, ...newIds];
  const count = new Int32Array(allIds.length);
  for (let i = 0; i < n; i++) count[unitOf[i]!]++;
  const index = new Int32Array(allIds.length).fill(-1);
  const unitIds: string[] = [];
  for (let f = 0; f < allIds.length; f++) {
    if (count[f]! > 0) {
      index[f] = unitIds.length;
      unitIds.push(allIds[f]!);
    }
  }
  const unitOfCell = Int32Array.from(unitOf, (f) => index[f]!);
  const mergedUnits: Array<{ id: string; into: string | null }> = [];
  for (let f = 0; f < F; f++) {
    if (index[f]! >= 0) continue;
    mergedUnits.push({ id: ids[f]!, into: bigCell[f]! >= 0 ? unitIds[unitOfCell[bigCell[f]!]!]! : null });
  }
  return { unitOfCell, unitIds, report: { features: F, units: unitIds.length, mergedUnits, uncoveredCells: uncovered, splitUnits: split } };
}

/** Gives every cell with label −1 the label of the nearest labelled cell (BFS on the travel graph, then centre distance). */
function fillFromNeighbours(grid: Grid, label: Int32Array): void {
  const n = grid.cellCount;
  const { adjOffsets, adjTargets } = grid;
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (label[i]! >= 0) queue[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const c = queue[head]!;
    for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
      const j = adjTargets[e]!;
      if (label[j] === -1) {
        label[j] = label[c]!;
        queue[tail++] = j;
      }
    }
  }
  if (tail === n) return;
  const labelled = Int32Array.from(queue.subarray(0, tail));
  for (let i = 0; i < n; i++) {
    if (label[i]! >= 0) continue;
    let bestD = Infinity;
    let bestJ = -1;
    for (const j of labelled) {
      const d = approxDistanceKm(grid.lng[i]!, grid.lat[i]!, grid.lng[j]!, grid.lat[j]!);
      if (d < bestD) [bestD, bestJ] = [d, j];
    }
    label[i] = label[bestJ]!;
  }
}

/**
 * Pieces of each label on the travel graph: the largest piece keeps the label; the others join
 * the neighbouring kept label they share most travel edges with (repeated until nothing
 * changes), and pieces touching no kept label become new labels `F, F+1, …`.
 */
function mendPieces(grid: Grid, label: Int32Array, F: number, ids: readonly string[]) {
  const n = grid.cellCount;
  const { adjOffsets, adjTargets } = grid;
  const piece = new Int32Array(n).fill(-1);
  const pieceLabel: number[] = [];
  const pieceCells: number[][] = [];
  const queue = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (piece[s] !== -1) continue;
    const p = pieceLabel.length;
    const cells: number[] = [];
    let tail = 0;
    queue[tail++] = s;
    piece[s] = p;
    for (let head = 0; head < tail; head++) {
      const c = queue[head]!;
      cells.push(c);
      for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
        const j = adjTargets[e]!;
        if (piece[j] === -1 && label[j] === label[s]) {
          piece[j] = p;
          queue[tail++] = j;
        }
      }
    }
    pieceLabel.push(label[s]!);
    pieceCells.push(cells);
  }
  // largest piece per label is kept (ties: the first found)
  const keptPiece = new Int32Array(F).fill(-1);
  pieceCells.forEach((cells, p) => {
    const f = pieceLabel[p]!;
    if (keptPiece[f]! < 0 || cells.length > pieceCells[keptPiece[f]!]!.length) keptPiece[f] = p;
  });
  const kept = new Uint8Array(pieceLabel.length);
  for (let f = 0; f < F; f++) if (keptPiece[f]! >= 0) kept[keptPiece[f]!] = 1;
  const unitOf = Int32Array.from(label);
  const moved = new Map<number, number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (let p = 0; p < pieceLabel.length; p++) {
      if (kept[p]) continue;
      const links = new Map<number, number>();
      for (const c of pieceCells[p]!) {
        for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
          const q = piece[adjTargets[e]!]!;
          if (q !== p && kept[q]) links.set(unitOf[adjTargets[e]!]!, (links.get(unitOf[adjTargets[e]!]!) ?? 0) + 1);
        }
      }
      let to = -1;
      let most = 0;
      for (const [u, k] of links) if (k > most || (k === most && u < to)) [to, most] = [u, k];
      if (to < 0) continue;
      const f = pieceLabel[p]!;
      moved.set(f, (moved.get(f) ?? 0) + pieceCells[p]!.length);
      for (const c of pieceCells[p]!) unitOf[c] = to;
      kept[p] = 1;
      changed = true;
    }
  }
  const newIds: string[] = [];
  const newOf = new Map<number, string[]>();
  for (let p = 0; p < pieceLabel.length; p++) {
    if (kept[p]) continue;
    const f = pieceLabel[p]!;
    const names = newOf.get(f) ?? [];
    const id = `${ids[f]}#${names.length + 2}`;
    names.push(id);
    newOf.set(f, names);
    for (const c of pieceCells[p]!) unitOf[c] = F + newIds.length;
    newIds.push(id);
  }
  const split = [...new Set([...moved.keys(), ...newOf.keys()])]
    .sort((a, b) => a - b)
    .map((f) => ({ id: ids[f]!, cellsMoved: moved.get(f) ?? 0, newUnits: newOf.get(f) ?? [] }));
  return { unitOf, newIds, split };
}

/**
 * Checks that `units` belong to the grid: one unit per cell, indices inside `unitIds`.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` (other length), `BAD_INPUT` (an index outside the ids)
 */
export function checkUnits(grid: Grid, units: CellUnits): void {
  if (units.unitOfCell.length !== grid.cellCount) {
    throw new BeatplanError('PLAN_GRID_MISMATCH', `units cover ${units.unitOfCell.length} cells, the grid ${grid.cellCount}`, {
      field: 'units.unitOfCell',
    });
  }
  const U = units.unitIds.length;
  for (let i = 0; i < grid.cellCount; i++) {
    const u = units.unitOfCell[i]!;
    if (!Number.isInteger(u) || u < 0 || u >= U)
      throw new BeatplanError('BAD_INPUT', `cell ${grid.h3[i]} has unit index ${u}, outside 0..${U - 1}`, {
        field: 'units.unitOfCell',
        value: u,
      });
  }
}

/**
 * Every cell of the units that `cells` touch (the brush paints whole units), ascending.
 * @example cellsOfUnits(units, [17]) // all cells of the unit of cell 17
 */
export function cellsOfUnits(units: CellUnits, cells: ArrayLike<number>): number[] {
  const want = new Uint8Array(units.unitIds.length);
  for (let k = 0; k < cells.length; k++) {
    const u = units.unitOfCell[cells[k]!];
    if (u !== undefined && u >= 0) want[u] = 1;
  }
  const out: number[] = [];
  for (let i = 0; i < units.unitOfCell.length; i++) if (want[units.unitOfCell[i]!]) out.push(i);
  return out;
}

/**
 * A plan's units (e.g. read from a parent plan.json, cells in the file's order `h3`) on
 * `grid`: the same units when the grid holds exactly those cells, else `undefined` (units do
 * not carry over to another resolution or boundary).
 * @example const units = unitsOnGrid(grid, parent.h3, parent.plan.units); // re-plan a units plan from --from
 */
export function unitsOnGrid(grid: Grid, h3: readonly string[], units: CellUnits | undefined): CellUnits | undefined {
  if (!units || h3.length !== grid.cellCount || units.unitOfCell.length !== h3.length) return undefined;
  const unitOfCell = new Int32Array(grid.cellCount).fill(-1);
  for (let k = 0; k < h3.length; k++) {
    const i = grid.indexOf(h3[k]!);
    if (i < 0) return undefined;
    unitOfCell[i] = units.unitOfCell[k]!;
  }
  return { unitOfCell, unitIds: units.unitIds };
}
