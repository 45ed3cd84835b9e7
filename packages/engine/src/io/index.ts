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

export {
  type GeometryProblem,
  type Lineal,
  type Polygonal,
  ringProblem,
  validateLines,
  validatePolygons,
} from '../geo/validate.js';
export * from '../usecases/files.js';
export {
  type ColumnMapping,
  findColumn,
  type IncidentField,
  type IngestLayout,
  normalizeColumnName,
  parseColumnMapping,
  type ResolvedColumns,
} from './columns.js';
export { type CsvRecords, type CsvTable, type CsvTableOptions, DEFAULT_MAX_ROW_BYTES, readCsvRecords, readCsvTable } from './csv.js';
export {
  type DateOnlyPolicy,
  IncidentClock,
  type IncidentClockOptions,
  parseLocalTimeMs,
  type TimeFormat,
  type TimeReading,
} from './dates.js';
export {
  type IngestReport,
  type IngestTimes,
  REJECT_REASONS,
  type RejectReason,
} from './incident-table-builder.js';
export { DEFAULT_MAX_JSON_BYTES, type GeoJsonSource, type JsonReadOptions } from './json.js';
export { type CityInputs, type CitySource, type LoadedCity, loadCity } from './load-city.js';
export {
  type AreaCountColumn,
  type AreaCountFeature,
  type AreaCountsReport,
  type AreaCountsSpec,
  areaCountsSummary,
  parseAreaCountsSpec,
  readAreaCounts,
} from './read-area-counts.js';
export { type FleetResult, readFleet } from './read-fleet.js';
export {
  type LayerRejectReason,
  type PolygonLayerFeature,
  type PolygonLayerOptions,
  type PolygonLayerReport,
  readBoundary,
  readLines,
  readPolygonLayer,
} from './read-geojson-layers.js';
export { type IngestResult, type ReadIncidentsOptions, readIncidents } from './read-incidents.js';
export { parseBoolean, type RosterResult, type RowIssue, readRoster, type TableReport } from './read-roster.js';
export type { TextSource } from './source.js';
