/**
 * Which column (CSV) or property (GeoJSON) holds each incident field: built-in layouts
 * detected from the header, explicit mappings, and the `--map` syntax of the CLI.
 */
import { BeatplanError } from '../errors.js';

/** The incident fields a column can be mapped to. */
export type IncidentField = 'lat' | 'lng' | 'time' | 'type' | 'priority';

/**
 * Column (CSV) or property (GeoJSON) name for each incident field. A field left out is
 * detected from the header as for the built-in layouts; `priority` is optional. For GeoJSON,
 * `lat`/`lng` are ignored: coordinates come from the Point geometry.
 */
export interface ColumnMapping {
  lat?: string;
  lng?: string;
  time?: string;
  type?: string;
  priority?: string;
}

/** How the columns were found: a built-in layout, an explicit mapping, or GeoJSON properties. */
export type IngestLayout = 'chicago-portal' | 'socrata' | 'generic' | 'mapped' | 'geojson';

/** The header names actually read for each field (`lat`/`lng` absent for GeoJSON). */
export interface ResolvedColumns {
  lat?: string;
  lng?: string;
  time: string;
  type: string;
  priority?: string;
}

/** Column indices for each field, −1 when absent. */
export interface ColumnIndices {
  lat: number;
  lng: number;
  time: number;
  type: number;
  priority: number;
}

/** Candidates per field, best first. Matched after {@link normalizeColumnName}. */
const CANDIDATES: Record<IncidentField, readonly string[]> = {
  lat: ['Latitude', 'lat'],
  lng: ['Longitude', 'lng', 'lon', 'long'],
  time: ['Date', 'datetime', 'time', 'timestamp'],
  // Description last: the carjacking file (no Primary Type) carries the type there.
  type: ['Primary Type', 'type', 'Category', 'Offense', 'Description'],
  priority: ['Priority'],
};

const LAYOUTS: ReadonlyArray<{ layout: IngestLayout; names: Pick<ResolvedColumns, 'lat' | 'lng' | 'time' | 'type'> }> = [
  { layout: 'chicago-portal', names: { lat: 'Latitude', lng: 'Longitude', time: 'Date', type: 'Primary Type' } },
  { layout: 'socrata', names: { lat: 'latitude', lng: 'longitude', time: 'date', type: 'primary_type' } },
];

const FIELD_ALIASES: Record<string, IncidentField> = {
  lat: 'lat',
  latitude: 'lat',
  lng: 'lng',
  lon: 'lng',
  long: 'lng',
  longitude: 'lng',
  time: 'time',
  date: 'time',
  datetime: 'time',
  type: 'type',
  priority: 'priority',
};

/**
 * Lower-cases, trims and collapses runs of spaces and underscores, so `Primary Type`,
 * `primary_type` and ` PRIMARY  TYPE ` compare equal.
 * @example normalizeColumnName(' Primary_Type ') === 'primary type'
 */
export function normalizeColumnName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

/** The 10-character name a shapefile round-trip leaves (`Description` → `Descr_tion`). */
function shapefileTruncated(name: string): string {
  return name.length > 10 ? `${name.slice(0, 5)}_${name.slice(-4)}` : name;
}

/**
 * Index of the column called `name`: the exact name first, then the only column whose
 * {@link normalizeColumnName normalized} name is the same (so `PER CAPITA INCOME` finds
 * `PER CAPITA INCOME ` with its trailing space). Returns −1 when there is none or the
 * loose match is ambiguous.
 * @example findColumn(['ID', 'PER CAPITA INCOME '], 'per capita income') === 1
 */
export function findColumn(columns: readonly string[], name: string): number {
  const exact = columns.indexOf(name);
  if (exact >= 0) return exact;
  const wanted = normalizeColumnName(name);
  let found = -1;
  for (let i = 0; i < columns.length; i++) {
    if (normalizeColumnName(columns[i]) === wanted) {
      if (found >= 0) return -1;
      found = i;
    }
  }
  return found;
}

function detectColumn(columns: readonly string[], field: IncidentField): number {
  const normalized = columns.map(normalizeColumnName);
  for (const candidate of CANDIDATES[field]) {
    const plain = normalizeColumnName(candidate);
    const truncated = normalizeColumnName(shapefileTruncated(candidate));
    const i = normalized.findIndex((n) => n === plain || n === truncated);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Parses the CLI's `--map` value, `field=Column` pairs separated by commas. Fields: `lat`,
 * `lng` (or `lon`), `time`, `type`, `priority`. Spaces around names are dropped; a column
 * name may contain spaces (`type=Primary Type`) but not a comma.
 *
 * @throws {BeatplanError} `BAD_INPUT` naming the pair when a pair has no `=`, an unknown
 *   field, an empty column name, or a field given twice.
 * @example
 * parseColumnMapping('lat=Y,lng=X,time=When,type=Kind')
 * // → { lat: 'Y', lng: 'X', time: 'When', type: 'Kind' }
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw new BeatplanError('BAD_INPUT', 'a column mapping pair must look like field=Column', { field: part });
    }
    const key = part.slice(0, eq).trim().toLowerCase();
    const column = part.slice(eq + 1).trim();
    const field = FIELD_ALIASES[key];
    if (field === undefined) {
      throw new BeatplanError('BAD_INPUT', 'unknown field in column mapping; use lat, lng, time, type or priority', {
        field: key,
      });
    }
    if (column === '') throw new BeatplanError('BAD_INPUT', 'empty column name in column mapping', { field: key });
    if (mapping[field] !== undefined) {
      throw new BeatplanError('BAD_INPUT', 'field given twice in column mapping', { field, value: column });
    }
    mapping[field] = column;
  }
  if (Object.keys(mapping).length === 0) {
    throw new BeatplanError('BAD_INPUT', 'empty column mapping; expected lat=…,lng=…,time=…,type=…', { value: text });
  }
  return mapping;
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 40).map((c) => JSON.stringify(c));
  return shown.join(', ') + (columns.length > 40 ? `, … (${columns.length} in all)` : '');
}

/** A hint when a single-column header looks like it used another delimiter. */
function delimiterHint(columns: readonly string[]): string {
  if (columns.length !== 1) return '';
  const only = columns[0];
  for (const [ch, name] of [
    [';', "';'"],
    ['\t', 'tab'],
    ['|', "'|'"],
  ] as const) {
    if (only.includes(ch)) {
      return ` The header is one column that contains ${name}: the file looks ${name}-separated, but Beatplan reads comma-separated CSV; re-save it with commas.`;
    }
  }
  return '';
}

/**
 * Resolves the column of each incident field from a header and an optional mapping.
 * `needCoordinates` is false for GeoJSON (coordinates come from the geometry).
 * @throws {BeatplanError} `MISSING_FIELD` naming the file and the column, listing the header.
 */
export function resolveColumns(
  columns: readonly string[],
  mapping: ColumnMapping | undefined,
  opts: { file?: string; needCoordinates: boolean; what: 'column' | 'property' },
): { indices: ColumnIndices; names: ResolvedColumns; layout: IngestLayout } {
  const fields: IncidentField[] = opts.needCoordinates ? ['lat', 'lng', 'time', 'type', 'priority'] : ['time', 'type', 'priority'];
  const indices: ColumnIndices = { lat: -1, lng: -1, time: -1, type: -1, priority: -1 };
  const undetected: IncidentField[] = [];
  for (const field of fields) {
    const named = mapping?.[field];
    if (named !== undefined) {
      const i = findColumn(columns, named);
      if (i < 0) {
        throw new BeatplanError(
          'MISSING_FIELD',
          `the mapping names ${opts.what} "${named}" for ${field}, but there is no such ${opts.what}; ` +
            `the ${opts.what === 'column' ? 'header has' : 'features have'}: ${listColumns(columns)}.${delimiterHint(columns)}`,
          { file: opts.file, field: named, columns: [...columns] },
        );
      }
      indices[field] = i;
    } else {
      indices[field] = detectColumn(columns, field);
      if (indices[field] < 0 && field !== 'priority') undetected.push(field);
    }
  }
  if (undetected.length > 0) {
    const example = opts.needCoordinates ? 'lat=…,lng=…,time=…,type=…' : 'time=…,type=…';
    throw new BeatplanError(
      'MISSING_FIELD',
      `cannot find the ${undetected.join(', ')} ${opts.what}${undetected.length > 1 ? 's' : ''}; ` +
        `the ${opts.what === 'column' ? 'header has' : 'features have'}: ${listColumns(columns)}. ` +
        `Pass a column mapping (CLI: --map ${example}).${delimiterHint(columns)}`,
      { file: opts.file, field: undetected[0], columns: [...columns] },
    );
  }
  const names: ResolvedColumns = { time: columns[indices.time], type: columns[indices.type] };
  if (indices.lat >= 0) names.lat = columns[indices.lat];
  if (indices.lng >= 0) names.lng = columns[indices.lng];
  if (indices.priority >= 0) names.priority = columns[indices.priority];

  let layout: IngestLayout;
  if (!opts.needCoordinates) layout = 'geojson';
  else if (mapping !== undefined && Object.values(mapping).some((v) => v !== undefined)) layout = 'mapped';
  else {
    const known = LAYOUTS.find(
      (l) => l.names.lat === names.lat && l.names.lng === names.lng && l.names.time === names.time && l.names.type === names.type,
    );
    layout = known?.layout ?? 'generic';
  }
  return { indices, names, layout };
}
