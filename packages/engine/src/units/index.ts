/**
 * Atomic units: polygons (census blocks, block groups, street blocks) whose cells always share
 * a beat. `unitsOfCells` maps a layer onto the grid; `planBeats(grid, scores, { units })`
 * plans on the unit graph (`unitGrid`) and keeps every unit whole.
 */
export {
  type CellUnits,
  cellsOfUnits,
  checkUnits,
  type UnitsOfCellsOptions,
  type UnitsReport,
  unitIdsOf,
  unitsOfCells,
  unitsOnGrid,
} from './assign.js';
export {
  beatOfUnitFeatures,
  type DissolvedBeatFigures,
  type DissolveOptions,
  dissolvedFigures,
  dissolveUnits,
  outlineProblems,
  roundPolygons,
  type UnitsOnCells,
  unitCompactness,
} from './dissolve.js';
export { type StreetBlockProperties, type UnitsFromRoadsOptions, type UnitsFromRoadsReport, unitsFromRoads } from './from-roads.js';
export { isUnitGrid, majorityPerUnit, unitBalanceBound, unitGrid, unitSums, unitsToCells } from './quotient.js';
