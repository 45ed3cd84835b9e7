export type { Grid } from './grid.js';
export { buildGrid, chooseResolution, connectedComponents, type BuildGridOptions, type ChooseResolutionOptions } from './build-grid.js';
export { cellsToPolygons, forEachNeighbour, pointToCellLocator } from './locate.js';
