/**
 * Atomic units: polygons (census blocks, block groups, street blocks) whose cells always share
 * a beat. `unitsOfCells` maps a layer onto the grid; `planBeats(grid, scores, { units })`
 * plans on the unit graph (`unitGrid`) and keeps every unit whole.
 */
export { unitsOfCells, unitIdsOf, checkUnits, cellsOfUnits, unitsOnGrid, type CellUnits, type UnitsReport, type UnitsOfCellsOptions } from './assign.js';
export { unitGrid, isUnitGrid, unitSums, majorityPerUnit, unitsToCells, unitBalanceBound } from './quotient.js';
export { dissolveUnits, dissolvedFigures, unitCompactness, beatOfUnitFeatures, outlineProblems, roundPolygons, type DissolveOptions, type DissolvedBeatFigures, type UnitsOnCells } from './dissolve.js';
export { unitsFromRoads, type UnitsFromRoadsOptions, type UnitsFromRoadsReport, type StreetBlockProperties } from './from-roads.js';
