/**
 * The ingest stage: incident CSV (streamed) or GeoJSON points → columnar incident table and
 * a row-level report of what was rejected and why.
 */
import type { Readable } from 'node:stream';
import type { GeoJSON } from 'geojson';
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import { featuresOf } from '../geo/validate.js';
import type { IncidentTable } from '../score/types.js';
import { type ColumnMapping, resolveColumns } from './columns.js';
import { DEFAULT_MAX_ROW_BYTES, forEachCsvRecord } from './csv.js';
import type { DateOnlyPolicy, TimeFormat } from './dates.js';
import { type IncidentRowRules, IncidentTableBuilder, type IngestReport } from './incident-table-builder.js';
import { DEFAULT_MAX_JSON_BYTES, type GeoJsonSource, readJson } from './json.js';
import { type OpenedSource, openSource, peekFirstByte } from './source.js';

export type { IngestReport, RejectReason } from './incident-table-builder.js';

/** Options of {@link readIncidents}. */
export interface ReadIncidentsOptions {
  /** Input format; by default from the file extension (`.csv`, `.geojson`, `.json`), else sniffed (`{`/`[` → GeoJSON). */
  format?: 'csv' | 'geojson';
  /**
   * Column (CSV) or property (GeoJSON) names. Fields left out are detected; without a
   * mapping the Chicago portal, Socrata and generic (`lat,lng|lon,time|datetime,type`)
   * layouts are recognised from the header.
   */
  mapping?: ColumnMapping;
  /** Order of the date part, `'auto'` by default (see {@link parseLocalTimeMs}). */
  timeFormat?: TimeFormat;
  /**
   * The city's IANA time zone (`America/Chicago`): times written with an offset (`Z`,
   * `±HH:MM`) are converted into its wall clock (shifts are local). Unset: the wall clock as
   * written is kept, offsets included (counted in `report.times.offsetKept`).
   */
  timeZone?: string;
  /** Dates without a time of day: `'drop'` (default, reason `date_only`) or `'noon'` (12:00 local). */
  dateOnly?: DateOnlyPolicy;
  /**
   * Grid locator: the grid cell index of a point `(lng, lat)` in degrees, or −1 when it lies
   * outside the boundary. Without it every located row is used with `cell = −1`.
   */
  locate?: (lng: number, lat: number) => number;
  /** Incident types accepted (compared upper-case, trimmed); others are `unknown_type`. */
  knownTypes?: ReadonlySet<string>;
  /** Progress in [0, 1] of stage `'ingest'` (by bytes when the size is known). */
  onProgress?: ProgressFn;
  signal?: AbortSignal;
  /** Name used in the report and messages (default: the path, when the source is a path). */
  fileName?: string;
  /** Longest CSV record in bytes (default 1 MiB); a longer one fails the file with `PARSE_ERROR`. */
  maxRowBytes?: number;
  /** Largest GeoJSON file in bytes (default 512 MB); GeoJSON is parsed whole. */
  maxJsonBytes?: number;
}

/** What {@link readIncidents} returns. */
export interface IngestResult {
  readonly incidents: IncidentTable;
  readonly report: IngestReport;
}

const STAGE = 'ingest';

function formatFromName(name: string | undefined): 'csv' | 'geojson' | undefined {
  if (name === undefined) return undefined;
  if (/\.(geo)?json$/i.test(name)) return 'geojson';
  if (/\.(csv|txt)$/i.test(name)) return 'csv';
  return undefined;
}

function isParsedObject(source: GeoJsonSource): source is GeoJSON {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as { type?: unknown }).type === 'string' &&
    typeof (source as { pipe?: unknown }).pipe !== 'function'
  );
}

/**
 * Reads incidents from a CSV file (streamed, any size) or a GeoJSON FeatureCollection of
 * Points (parsed whole, up to `maxJsonBytes`) into an {@link IncidentTable}: `[lng, lat]` in
 * WGS84 degrees, times as local wall-clock ms encoded as UTC (an offset or `Z` converted into
 * `timeZone` when given, else the clock reading kept; see `IncidentClock`), types upper-cased, priority when a priority column is mapped (else NaN).
 *
 * Row problems never throw: every unusable row is counted under one reason with its row
 * number (see {@link RejectReason}), so `report.read === report.used + Σ report.rejected`.
 * Swapped latitude/longitude are reported as `swapped_coordinates`, never silently fixed;
 * without `locate` they are only detected when the latitude is out of range.
 *
 * @param source File path, URL, Buffer, Readable, `{ text }`, or a parsed FeatureCollection.
 * @throws {BeatplanError} `MISSING_FIELD` when the header has no recognised layout or a
 *   mapped column is missing (the message names the file and column and lists the header,
 *   and points out a `;`/tab delimiter); `PARSE_ERROR` for an empty file, invalid JSON
 *   (line, column) or a record over `maxRowBytes` (line); `INVALID_GEOMETRY` when a GeoJSON
 *   is not a FeatureCollection or declares a projected `crs`; `BAD_INPUT` for an unreadable
 *   or too large file or bad options; `ABORTED`.
 * @example
 * const { incidents, report } = await readIncidents('crimes.csv', { locate: (lng, lat) => grid.cellAt(lng, lat) });
 * console.log(report.used, report.rejected.missing_coordinates, report.examples.invalid_time);
 */
export async function readIncidents(source: GeoJsonSource, options: ReadIncidentsOptions = {}): Promise<IngestResult> {
  throwIfAborted(options.signal);
  if (options.format !== undefined && options.format !== 'csv' && options.format !== 'geojson') {
    throw new BeatplanError('BAD_INPUT', "format must be 'csv' or 'geojson'", { field: 'format', value: options.format });
  }
  const rules: IncidentRowRules = {
    locate: options.locate,
    knownTypes: options.knownTypes === undefined ? undefined : new Set([...options.knownTypes].map((t) => t.trim().toUpperCase())),
    timeFormat: options.timeFormat ?? 'auto',
    timeZone: options.timeZone,
    dateOnly: options.dateOnly,
    file: options.fileName,
  };
  if (isParsedObject(source)) {
    return readGeoJsonIncidents(source, options, rules);
  }
  let opened: OpenedSource = await openSource(source, options.fileName);
  rules.file = opened.file;
  let format = options.format ?? formatFromName(opened.path ?? options.fileName);
  if (format === undefined) {
    const peeked = await peekFirstByte(opened.stream);
    opened = { ...opened, stream: peeked.stream };
    format = peeked.firstByte === 0x7b /* { */ || peeked.firstByte === 0x5b /* [ */ ? 'geojson' : 'csv';
  }
  if (format === 'geojson') {
    // The stream is read whole; readJson stops as soon as it passes maxJsonBytes.
    return readGeoJsonIncidents(opened.stream, { ...options, fileName: opened.file }, rules);
  }
  return readCsvIncidents(opened, options, rules);
}

async function readCsvIncidents(opened: OpenedSource, options: ReadIncidentsOptions, rules: IncidentRowRules): Promise<IngestResult> {
  options.onProgress?.(0, STAGE);
  let builder: IncidentTableBuilder | undefined;
  let header: ReturnType<typeof resolveColumns> | undefined;
  let width = 0;
  let iLat = 0;
  let iLng = 0;
  let iTime = 0;
  let iType = 0;
  let iPriority = -1;
  const { unreadableLines } = await forEachCsvRecord(
    opened.stream,
    {
      file: opened.file,
      maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
      sizeBytes: opened.sizeBytes,
      signal: options.signal,
      onProgress: options.onProgress,
      stage: STAGE,
    },
    (fields, line) => {
      if (builder !== undefined) {
        if (fields.length !== width) builder.reject('malformed_row', line);
        else {
          builder.addText(line, fields[iLat], fields[iLng], fields[iTime], fields[iType], iPriority >= 0 ? fields[iPriority] : undefined);
        }
        return;
      }
      header = resolveColumns(fields, options.mapping, { file: opened.file, needCoordinates: true, what: 'column' });
      ({ lat: iLat, lng: iLng, time: iTime, type: iType, priority: iPriority } = header.indices);
      width = fields.length;
      builder = new IncidentTableBuilder({ ...rules, typeColumn: header.names.type });
    },
  );
  if (builder === undefined || header === undefined) {
    throw new BeatplanError('PARSE_ERROR', 'file is empty', { file: opened.file });
  }
  for (const line of unreadableLines) builder.reject('malformed_row', line);
  options.onProgress?.(1, STAGE);
  return builder.finish({ file: opened.file, format: 'csv', layout: header.layout, columns: header.names });
}

/** Property names seen on the first features (enough to detect the layout). */
function propertyNames(features: readonly unknown[]): string[] {
  const names = new Set<string>();
  const n = Math.min(features.length, 1000);
  for (let i = 0; i < n; i++) {
    const p = (features[i] as { properties?: unknown } | null)?.properties;
    if (p !== null && typeof p === 'object') for (const k of Object.keys(p)) names.add(k);
  }
  return [...names];
}

function propertyText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return undefined;
  return String(v);
}

async function readGeoJsonIncidents(
  source: GeoJsonSource | Readable,
  options: ReadIncidentsOptions,
  rules: IncidentRowRules,
): Promise<IngestResult> {
  options.onProgress?.(0, STAGE);
  const { value, file } = await readJson(source, {
    fileName: options.fileName,
    maxBytes: options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES,
    signal: options.signal,
  });
  const g = value as { type?: unknown };
  if (g === null || typeof g !== 'object' || g.type !== 'FeatureCollection') {
    throw new BeatplanError('INVALID_GEOMETRY', 'expected a GeoJSON FeatureCollection of Point features', {
      file,
      field: 'type',
      value: g !== null && typeof g === 'object' ? g.type : typeof g,
    });
  }
  const features = featuresOf(value, file) as unknown[];
  let columns = { time: options.mapping?.time ?? '', type: options.mapping?.type ?? '' } as IngestReport['columns'];
  let timeName = columns.time;
  let typeName = columns.type;
  let priorityName: string | undefined;
  if (features.length > 0) {
    const names = propertyNames(features);
    const resolved = resolveColumns(names, options.mapping, { file, needCoordinates: false, what: 'property' });
    columns = resolved.names;
    timeName = resolved.names.time;
    typeName = resolved.names.type;
    priorityName = resolved.names.priority;
  }
  const builder = new IncidentTableBuilder({ ...rules, file, typeColumn: typeName });
  for (let i = 0; i < features.length; i++) {
    const f = features[i] as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
    if (f === null || typeof f !== 'object' || f.type !== 'Feature') {
      builder.reject('invalid_geometry', i);
      continue;
    }
    const props = (f.properties !== null && typeof f.properties === 'object' ? f.properties : {}) as Record<string, unknown>;
    const typeText = propertyText(props[typeName]);
    const geom = f.geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
    const c = geom?.coordinates;
    if (geom === null || geom === undefined) builder.reject('missing_coordinates', i, typeText);
    else if (geom.type !== 'Point') builder.reject('invalid_geometry', i, typeText);
    else if (!Array.isArray(c) || c.length === 0) builder.reject('missing_coordinates', i, typeText);
    else {
      builder.add(
        i,
        typeof c[1] === 'number' ? c[1] : NaN,
        typeof c[0] === 'number' ? c[0] : NaN,
        propertyText(props[timeName]),
        typeText,
        priorityName === undefined ? undefined : propertyText(props[priorityName]),
      );
    }
    if ((i & 8191) === 8191) {
      throwIfAborted(options.signal);
      options.onProgress?.(i / features.length, STAGE);
    }
  }
  options.onProgress?.(1, STAGE);
  return builder.finish({ file, format: 'geojson', layout: 'geojson', columns });
}
