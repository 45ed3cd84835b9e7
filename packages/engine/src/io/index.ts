/**
 * `@beatplan/engine/io` — Node-only readers for the engine's inputs.
 *
 * - {@link readIncidents}: incident CSV (streamed) or GeoJSON points → `IncidentTable` plus a
 *   row-level {@link IngestReport} (`read = used + Σ rejected`, reasons with row numbers).
 * - {@link readBoundary}, {@link readPolygonLayer}, {@link readLines}: validated GeoJSON for
 *   the grid, the engagement layers and the barriers.
 * - {@link readCsvTable}: small CSV tables to join (e.g. a hardship index).
 * - {@link parseColumnMapping}, {@link findColumn}, {@link parseLocalTimeMs}: the pieces the
 *   CLI and API reuse.
 * - The use-cases with their inputs as files (`usecases/files.ts`): dataset checks on upload
 *   (`inspect*`), {@link buildContext}, {@link planOnFiles}, {@link staffPlanFromFiles},
 *   {@link whatIfFromFiles} — each reads its files and calls the pure use-case of the main entry.
 *
 * Coordinates are always `[lng, lat]` in WGS84 degrees, as GeoJSON. Every failure is a
 * `BeatplanError` with a stable `code` whose message names the file, row and field.
 *
 * @example
 * import { readIncidents, parseColumnMapping } from '@beatplan/engine/io';
 * const { incidents, report } = await readIncidents('crimes.csv', {
 *   mapping: parseColumnMapping('lat=Y,lng=X,time=When,type=Kind'),
 * });
 */

export { readIncidents, type ReadIncidentsOptions, type IngestResult } from './read-incidents.js';
export {
  REJECT_REASONS,
  type RejectReason,
  type IngestReport,
  type IngestTimes,
} from './incident-table-builder.js';
export {
  parseColumnMapping,
  findColumn,
  normalizeColumnName,
  type ColumnMapping,
  type IncidentField,
  type IngestLayout,
  type ResolvedColumns,
} from './columns.js';
export { parseLocalTimeMs, IncidentClock, type TimeFormat, type DateOnlyPolicy, type TimeReading, type IncidentClockOptions } from './dates.js';
export { readCsvTable, readCsvRecords, DEFAULT_MAX_ROW_BYTES, type CsvTable, type CsvTableOptions, type CsvRecords } from './csv.js';
export {
  readBoundary,
  readLines,
  readPolygonLayer,
  type PolygonLayerFeature,
  type PolygonLayerReport,
  type PolygonLayerOptions,
  type LayerRejectReason,
} from './read-geojson-layers.js';
export {
  validatePolygons,
  validateLines,
  ringProblem,
  type Polygonal,
  type Lineal,
  type GeometryProblem,
} from '../geo/validate.js';
export { DEFAULT_MAX_JSON_BYTES, type GeoJsonSource, type JsonReadOptions } from './json.js';
export type { TextSource } from './source.js';
export { readRoster, parseBoolean, type RosterResult, type RowIssue, type TableReport } from './read-roster.js';
export { readFleet, type FleetResult } from './read-fleet.js';
export { readAreaCounts, parseAreaCountsSpec, areaCountsSummary, type AreaCountColumn, type AreaCountFeature, type AreaCountsReport, type AreaCountsSpec } from './read-area-counts.js';
export { loadCity, type CityInputs, type CitySource, type LoadedCity } from './load-city.js';
export * from '../usecases/files.js';
