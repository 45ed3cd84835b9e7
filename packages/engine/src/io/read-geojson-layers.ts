/**
 * Readers for the GeoJSON inputs that are not incidents: the planning boundary, polygon
 * layers with a numeric value (population, …) and barrier lines.
 */
import type { FeatureCollection } from 'geojson';
import { BeatplanError } from '../errors.js';
import { type Lineal, type Polygonal, validateLines, validatePolygons } from '../geo/validate.js';
import { type GeoJsonSource, type JsonReadOptions, readJson } from './json.js';

/**
 * Reads and validates a planning boundary: a GeoJSON Polygon, MultiPolygon, Feature or
 * FeatureCollection of them, coordinates `[lng, lat]` in WGS84 degrees.
 *
 * @param source File path, URL, Buffer, Readable, `{ text }`, or a parsed GeoJSON object.
 * @returns A FeatureCollection of the boundary's (Multi)Polygon features, properties kept.
 * @throws {BeatplanError} `PARSE_ERROR` (empty file, invalid JSON with line and column),
 *   `INVALID_GEOMETRY` (not GeoJSON polygons; a ring unclosed, with < 4 positions or
 *   crossing itself; coordinates out of range; a projected `crs`), naming the file and the
 *   feature index; `BAD_INPUT` (unreadable or larger than `maxBytes`).
 * @example
 * const boundary = await readBoundary('police_districts.geojson');
 * buildGrid(boundary, { resolution: 9 });
 */
export async function readBoundary(source: GeoJsonSource, options: JsonReadOptions = {}): Promise<FeatureCollection<Polygonal>> {
  const { value, file } = await readJson(source, options);
  return validatePolygons(value, file);
}

/**
 * Reads and validates barrier lines (rivers, expressways): LineString or MultiLineString
 * geometries, a Feature or a FeatureCollection of them, `[lng, lat]` degrees. An empty
 * collection is accepted.
 *
 * @throws {BeatplanError} `PARSE_ERROR` (empty file, invalid JSON), `INVALID_GEOMETRY`
 *   (other geometry types, a line with < 2 positions, coordinates out of range) naming the
 *   file and feature index; `BAD_INPUT` (unreadable, too large).
 * @example const barriers = await readLines('river.geojson'); // FeatureCollection<LineString|MultiLineString>
 */
export async function readLines(source: GeoJsonSource, options: JsonReadOptions = {}): Promise<FeatureCollection<Lineal>> {
  const { value, file } = await readJson(source, options);
  return validateLines(value, file);
}

/** Why a polygon-layer feature was left out. */
export type LayerRejectReason = 'missing_value' | 'non_numeric';

/** One polygon of a layer with its value. */
export interface PolygonLayerFeature {
  readonly geometry: Polygonal;
  /** The numeric value of the field (e.g. persons for `TOT_POP`). */
  readonly value: number;
  /** `feature.id`, or the `idField` property when given; undefined when absent. */
  readonly id: string | number | undefined;
  /** 0-based index of the feature in the file. */
  readonly index: number;
}

/** What {@link readPolygonLayer} read. Invariant: `read === used + Σ rejected`. */
export interface PolygonLayerReport {
  readonly file?: string;
  readonly field: string;
  /** Features in the file. */
  readonly read: number;
  /** Features with a numeric value, returned. */
  readonly used: number;
  readonly rejected: Readonly<Record<LayerRejectReason, number>>;
  /** 0-based feature indices of the first five features per reason. */
  readonly examples: Readonly<Record<LayerRejectReason, readonly number[]>>;
  /** Sum of the used values. */
  readonly valueSum: number;
}

/** Options of {@link readPolygonLayer}. */
export interface PolygonLayerOptions extends JsonReadOptions {
  /** Property that identifies a feature (default: the feature's `id` member). */
  idField?: string;
}

/**
 * Reads a polygon layer with one numeric property per feature, e.g. population (`TOT_POP`)
 * per community area, for the engagement-need score. Geometries are validated as in
 * {@link readBoundary}. A value may be a JSON number or a numeric string; features whose
 * value is missing/null/blank (`missing_value`) or not a finite number (`non_numeric`) are
 * left out and counted in the report with their indices.
 *
 * @param source File path, URL, Buffer, Readable, `{ text }`, or a parsed GeoJSON object.
 * @param field The property to read (exact name).
 * @throws {BeatplanError} `MISSING_FIELD` when no feature has the property (the message
 *   lists the property names that exist); `INVALID_GEOMETRY`, `PARSE_ERROR`, `BAD_INPUT` as
 *   {@link readBoundary}.
 * @example
 * const { features, report } = await readPolygonLayer('community_areas_2020_acs.geojson', 'TOT_POP');
 * report.valueSum; // 2708500 persons
 */
export async function readPolygonLayer(
  source: GeoJsonSource,
  field: string,
  options: PolygonLayerOptions = {},
): Promise<{ features: PolygonLayerFeature[]; report: PolygonLayerReport }> {
  const { value, file } = await readJson(source, options);
  const fc = validatePolygons(value, file);
  const hasField = fc.features.some((f) => f.properties != null && Object.hasOwn(f.properties, field));
  if (!hasField) {
    const names = new Set<string>();
    for (const f of fc.features) for (const k of Object.keys(f.properties ?? {})) names.add(k);
    const list = [...names];
    const shown = list
      .slice(0, 60)
      .map((n) => JSON.stringify(n))
      .join(', ');
    throw new BeatplanError(
      'MISSING_FIELD',
      `no feature has the property "${field}"; the properties are: ${shown || '(none)'}${list.length > 60 ? `, … (${list.length} in all)` : ''}`,
      { file, field, properties: list },
    );
  }
  const rejected: Record<LayerRejectReason, number> = { missing_value: 0, non_numeric: 0 };
  const examples: Record<LayerRejectReason, number[]> = { missing_value: [], non_numeric: [] };
  const features: PolygonLayerFeature[] = [];
  let valueSum = 0;
  fc.features.forEach((f, index) => {
    const raw: unknown = f.properties?.[field];
    let v = NaN;
    let reason: LayerRejectReason | undefined;
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) reason = 'missing_value';
    else if (typeof raw === 'number') v = raw;
    else if (typeof raw === 'string') v = Number(raw.trim());
    if (reason === undefined && !Number.isFinite(v)) reason = 'non_numeric';
    if (reason !== undefined) {
      rejected[reason]++;
      if (examples[reason].length < 5) examples[reason].push(index);
      return;
    }
    const idRaw: unknown = options.idField !== undefined ? f.properties?.[options.idField] : f.id;
    const id = typeof idRaw === 'string' || typeof idRaw === 'number' ? idRaw : undefined;
    features.push({ geometry: f.geometry, value: v, id, index });
    valueSum += v;
  });
  const report: PolygonLayerReport = {
    ...(file !== undefined ? { file } : {}),
    field,
    read: fc.features.length,
    used: features.length,
    rejected,
    examples,
    valueSum,
  };
  return { features, report };
}
