export { type CellOverlaps, cellOverlaps } from './area-weights.js';
export {
  type BuildGridOptions,
  buildGrid,
  type ChooseResolutionOptions,
  chooseResolution,
  connectedComponents,
  type GridFromCellsOptions,
  type GridTopology,
  gridFromCells,
  gridTopology,
} from './build-grid.js';
export { type CoarseCells, cellEdgeLengthKm, coarseCellsOf } from './coarse.js';
export type { Grid } from './grid.js';
export { cellsToPolygons, forEachNeighbour, pointToCellLocator } from './locate.js';
