export type { CellScores, IncidentTable, ShiftWindow } from './types.js';
export {
  scoreCells,
  smooth,
  spreadCounts,
  explainCell,
  type ScoreOptions,
  type ScoreResult,
  type ScoreParts,
  type SmoothingOptions,
  type PolygonLayer,
  type CellExplanation,
} from './score-cells.js';
export { DEFAULT_SERVICE_TIMES, DEFAULT_UNKNOWN_SERVICE, officerMinutes, type ServiceTime } from './service-times.js';
export { DEFAULT_SHIFTS, parseShifts, shiftLengthHours, validateShifts } from './shifts.js';
export { cellsToCsv, type CellsCsvOptions } from './cells-csv.js';
export { aggregateCounts, binMeans, type CountBins, type AggregateOptions } from './privacy.js';
