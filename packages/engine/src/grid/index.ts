export type { Grid } from './grid.js';
export {
  buildGrid,
  chooseResolution,
  connectedComponents,
  gridFromCells,
  gridTopology,
  type BuildGridOptions,
  type ChooseResolutionOptions,
  type GridFromCellsOptions,
  type GridTopology,
} from './build-grid.js';
export { cellsToPolygons, forEachNeighbour, pointToCellLocator } from './locate.js';
export { cellOverlaps, type CellOverlaps } from './area-weights.js';
export { coarseCellsOf, cellEdgeLengthKm, type CoarseCells } from './coarse.js';
