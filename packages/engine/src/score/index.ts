export { type CellsCsvOptions, cellsToCsv } from './cells-csv.js';
export { type AggregateOptions, aggregateCounts, binMeans, type CountBins } from './privacy.js';
export {
  type CellExplanation,
  explainCell,
  type PolygonLayer,
  type ScoreOptions,
  type ScoreParts,
  type ScoreResult,
  type SmoothingOptions,
  scoreCells,
  smooth,
  spreadCounts,
} from './score-cells.js';
export { DEFAULT_SERVICE_TIMES, DEFAULT_UNKNOWN_SERVICE, officerMinutes, type ServiceTime } from './service-times.js';
export { DEFAULT_SHIFTS, parseShifts, shiftLengthHours, validateShifts } from './shifts.js';
export type { CellScores, IncidentTable, ShiftWindow } from './types.js';
