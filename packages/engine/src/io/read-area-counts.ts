/**
 * Incidents given as counts per polygon (a column per crime type, e.g. block groups with
 * `Vandalism, Robbery, Drugs, CarTheft`): the reader behind `--incident-counts`.
 */

import { BeatplanError } from '../errors.js';
import type { Polygonal } from '../geo/validate.js';
import { type GeoJsonSource, type JsonReadOptions, readJson } from './json.js';
import { type LayerRejectReason, readPolygonLayer } from './read-geojson-layers.js';

/** One count column: the property read and the incident type its counts are (service-time table key). */
export interface AreaCountColumn {
  readonly field: string;
  /** Upper-case, trimmed, as incident types are (`FIELD=TYPE`, else the field name). */
  readonly type: string;
}

/** `--incident-counts FILE:FIELD[=TYPE],…` parsed. */
export interface AreaCountsSpec {
  readonly file: string;
  readonly columns: readonly AreaCountColumn[];
}

/**
 * Parses `FILE:FIELD[=TYPE],FIELD[=TYPE],…` (the file is everything before the last colon).
 * A column's type is the incident type its counts stand for (looked up in the service-time
 * table like an incident's type); without `=TYPE` it is the field name, upper-cased.
 * @throws BeatplanError `BAD_INPUT` naming `--incident-counts`
 * @example parseAreaCountsSpec('sf.geojson:Drugs=NARCOTICS,Robbery') // { file: 'sf.geojson', columns: [{ field: 'Drugs', type: 'NARCOTICS' }, { field: 'Robbery', type: 'ROBBERY' }] }
 */
export function parseAreaCountsSpec(spec: string): AreaCountsSpec {
  const at = spec.lastIndexOf(':');
  const bad = () =>
    new BeatplanError('BAD_INPUT', '--incident-counts must be FILE:FIELD[=TYPE],FIELD[=TYPE],…', {
      field: '--incident-counts',
      value: spec,
    });
  if (at <= 0 || at === spec.length - 1) throw bad();
  const columns = spec
    .slice(at + 1)
    .split(',')
    .map((part) => {
      const [field, type] = part.split('=').map((s) => s.trim());
      if (!field || (type !== undefined && !type)) throw bad();
      return { field, type: (type ?? field).toUpperCase() };
    });
  if (new Set(columns.map((c) => c.field)).size !== columns.length) throw bad();
  return { file: spec.slice(0, at), columns };
}

/** A polygon with its counts, one per column (incidents in the period). */
export interface AreaCountFeature {
  readonly geometry: Polygonal;
  readonly counts: readonly number[];
  /** 0-based index of the feature in the file. */
  readonly index: number;
}

/** What {@link readAreaCounts} read. Invariant: `read === used + rejected`. */
export interface AreaCountsReport {
  readonly file?: string;
  readonly columns: readonly AreaCountColumn[];
  /** Features in the file. */
  readonly read: number;
  /** Features whose every count is a number ≥ 0, returned. */
  readonly used: number;
  /** Features left out: a count missing, blank, not a finite number, or negative. */
  readonly rejected: number;
  /** The first ten problems: the feature (0-based index), the property and why. */
  readonly examples: ReadonlyArray<{ readonly feature: number; readonly field: string; readonly reason: LayerRejectReason | 'negative' }>;
  /** Σ counts of the used features, per column (same order as `columns`). */
  readonly totals: readonly number[];
}

/**
 * Reads polygons that carry incident counts per type (one property per type). Geometries are
 * validated as `readBoundary` does. A feature with any count missing or blank
 * (`missing_value`), not a finite number (`non_numeric`) or negative (`negative`) is left
 * out whole and counted in the report, naming the feature and the property.
 * @throws BeatplanError `MISSING_FIELD` when no feature has one of the properties (listing the
 *   names that exist); `PARSE_ERROR`, `INVALID_GEOMETRY`, `BAD_INPUT` as `readBoundary`;
 *   `BAD_INPUT` when no feature is usable
 * @example
 * const { features, report } = await readAreaCounts('sf_crime_blockgroups.geojson', parseAreaCountsSpec('x:Drugs=NARCOTICS,Robbery').columns);
 * report.totals; // [3897, 2761]
 */
export async function readAreaCounts(
  source: GeoJsonSource,
  columns: readonly AreaCountColumn[],
  options: JsonReadOptions = {},
): Promise<{ features: AreaCountFeature[]; report: AreaCountsReport }> {
  const { value, file } = await readJson(source, options);
  // one reader of numeric polygon properties: readPolygonLayer, once per column
  const layers = [];
  for (const c of columns) layers.push(await readPolygonLayer(value as GeoJsonSource, c.field, { fileName: file }));
  const read = layers[0]?.report.read ?? 0;
  const counts = Array.from({ length: read }, () => new Array<number>(columns.length).fill(NaN));
  const geometry = new Array<Polygonal | undefined>(read);
  layers.forEach((layer, c) => {
    for (const f of layer.features) {
      counts[f.index]![c] = f.value;
      geometry[f.index] = f.geometry;
    }
  });
  const examples: Array<{ feature: number; field: string; reason: LayerRejectReason | 'negative' }> = [];
  const features: AreaCountFeature[] = [];
  const totals = new Array<number>(columns.length).fill(0);
  const fc = value as { features?: Array<{ properties?: Record<string, unknown> | null }> };
  for (let k = 0; k < read; k++) {
    let ok = true;
    columns.forEach((c, j) => {
      const v = counts[k]![j]!;
      if (v >= 0) return;
      ok = false;
      if (examples.length < 10) {
        const raw = fc.features?.[k]?.properties?.[c.field];
        const reason =
          v < 0
            ? 'negative'
            : raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')
              ? 'missing_value'
              : 'non_numeric';
        examples.push({ feature: k, field: c.field, reason });
      }
    });
    if (!ok) continue;
    features.push({ geometry: geometry[k]!, counts: counts[k]!, index: k });
    counts[k]!.forEach((v, j) => (totals[j] += v));
  }
  const report: AreaCountsReport = {
    ...(file !== undefined ? { file } : {}),
    columns,
    read,
    used: features.length,
    rejected: read - features.length,
    examples,
    totals,
  };
  if (features.length === 0) {
    const first = examples[0];
    throw new BeatplanError(
      'BAD_INPUT',
      `no usable feature: all ${read} features lack a count ≥ 0${first ? ` (e.g. feature ${first.feature}, "${first.field}": ${first.reason})` : ''}`,
      {
        file,
        row: first?.feature,
        field: first?.field,
      },
    );
  }
  return { features, report };
}

/**
 * The terminal summary of a counts layer, like the incidents' ingest summary.
 * @example areaCountsSummary(report) // "incident counts: sf.geojson: read 579, used 578, rejected 1 (feature 12 "Drugs": non_numeric); totals VANDALISM 3430, …\n"
 */
export function areaCountsSummary(report: AreaCountsReport): string {
  const ex = report.examples.map((e) => `feature ${e.feature} "${e.field}": ${e.reason}`).join('; ');
  const totals = report.columns.map((c, j) => `${c.type} ${report.totals[j]}`).join(', ');
  return `incident counts: ${report.file ?? 'input'}: read ${report.read}, used ${report.used}, rejected ${report.rejected}${ex ? ` (${ex}${report.rejected > report.examples.length ? ', …' : ''})` : ''}; totals ${totals}\n`;
}
