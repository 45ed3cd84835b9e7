/**
 * Test support: a cell model of a few H3 cells with a given beat per cell, as the cells answer
 * would give it (workload and need 1 h/week per cell).
 */
import { type CellModel, cellsToModel } from '../cell-model.js';

/**
 * The model of `cells` (H3 indexes of `resolution`) where cell k is in beat `beatOf[k]`
 * (−1 = unassigned), beats named `B0 … B<beats − 1>`. The caller names the resolution, so this
 * helper, outside `*.test.ts`, imports no h3-js (test/engine-boundary.test.ts).
 * @example diskModel(gridDisk(latLngToCell(41.88, -87.63, 9), 3), beatOf, 4, 9)
 */
export function diskModel(cells: readonly string[], beatOf: readonly number[], beats: number, resolution: number): CellModel {
  const ids = Array.from({ length: beats }, (_, b) => `B${b}`);
  return cellsToModel(
    {
      resolution,
      columns: ['h3', 'beat', 'workloadHours', 'needHours'],
      rows: cells.map((h, k) => [h, beatOf[k]! >= 0 ? ids[beatOf[k]!]! : '', 1, 1]),
    },
    ids,
  );
}
