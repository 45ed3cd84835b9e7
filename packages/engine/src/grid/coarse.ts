/**
 * Coarser cells of a grid: the one meaning of "coarse" in the engine — a cell's H3 parent
 * (`cellToParent`), as the privacy pooling (`aggregateCounts`) uses it.
 */
import { cellToParent, getHexagonEdgeLengthAvg, getResolution, UNITS } from 'h3-js';
import { BeatplanError } from '../errors.js';

/** Cells of a grid grouped under their H3 parents at a coarser resolution. */
export interface CoarseCells {
  /** H3 resolution of `h3`. */
  resolution: number;
  /** Index into `h3` of each grid cell's parent. */
  parentOf: Int32Array;
  /** The parents, in order of first appearance over the grid's cells. */
  h3: string[];
}

/**
 * Each cell's H3 parent at `resolution` (`cellToParent`); a cell already at or coarser than
 * `resolution` is its own coarse cell.
 * @param h3 cells (H3 ids), e.g. `grid.h3`
 * @param resolution 0–15
 * @throws BeatplanError `BAD_INPUT` for a resolution outside 0–15
 * @example coarseCellsOf(grid.h3, 8).h3.length // parents at resolution 8
 */
export function coarseCellsOf(h3: readonly string[], resolution: number): CoarseCells {
  if (!Number.isInteger(resolution) || resolution < 0 || resolution > 15)
    throw new BeatplanError('BAD_INPUT', 'resolution must be an integer from 0 to 15', { field: 'resolution', value: resolution });
  const used = new Map<string, number>();
  const parents: string[] = [];
  const parentOf = new Int32Array(h3.length);
  for (let i = 0; i < h3.length; i++) {
    const cell = h3[i]!;
    const parent = getResolution(cell) > resolution ? cellToParent(cell, resolution) : cell;
    let k = used.get(parent);
    if (k === undefined) {
      k = parents.length;
      used.set(parent, k);
      parents.push(parent);
    }
    parentOf[i] = k;
  }
  return { resolution, parentOf, h3: parents };
}

/**
 * Mean edge length of an H3 cell at `resolution`, km (`getHexagonEdgeLengthAvg`).
 * @example cellEdgeLengthKm(9) // 0.2007…
 */
export function cellEdgeLengthKm(resolution: number): number {
  return getHexagonEdgeLengthAvg(resolution, UNITS.km);
}
