/**
 * `loadCity`: the whole front of the pipeline from files — boundary → grid, incidents located
 * on it, layers, scores — in one place, shared by the CLI and the API.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { pointToCellLocator } from '../grid/locate.js';
import { type PolygonLayer, type ScoreOptions, type ScoreResult, scoreCells } from '../score/score-cells.js';
import { IncidentTableBuilder, REJECT_REASONS, type RejectReason } from './incident-table-builder.js';
import type { GeoJsonSource } from './json.js';
import { type AreaCountColumn, type AreaCountsReport, readAreaCounts } from './read-area-counts.js';
import { readBoundary, readLines, readPolygonLayer } from './read-geojson-layers.js';
import { type IngestReport, type ReadIncidentsOptions, readIncidents } from './read-incidents.js';

/** A file (path, Buffer, stream…) with the name to use in messages. */
export interface CitySource {
  readonly source: GeoJsonSource;
  readonly fileName?: string;
}

/** The inputs of {@link loadCity}. */
export interface CityInputs {
  /** Boundary polygons (e.g. the current beats). Optional only when `grid` is given. */
  readonly boundary?: CitySource;
  /** Incident points. Optional only when `incidentCounts` is given. */
  readonly incidents?: CitySource & {
    /** Column mapping, format and time format (see `readIncidents`). */
    readonly read?: Pick<
      ReadIncidentsOptions,
      'format' | 'mapping' | 'timeFormat' | 'timeZone' | 'dateOnly' | 'knownTypes' | 'maxRowBytes' | 'maxJsonBytes'
    >;
  };
  readonly barriers?: CitySource;
  /**
   * Incidents given as counts per polygon, a column per type (see `readAreaCounts`), covering
   * `periodDays` days: a workload layer spread over the cells by area, added to the points'.
   */
  readonly incidentCounts?: CitySource & { readonly columns: readonly AreaCountColumn[]; readonly periodDays: number };
  /** Count layers spread onto cells by area and summed (e.g. population). */
  readonly population?: ReadonlyArray<CitySource & { readonly field: string }>;
  /** One index layer giving the need multiplier (e.g. a hardship index). */
  readonly vulnerability?: CitySource & { readonly field: string };
  /** H3 resolution; default chosen from the area and `beats`. */
  readonly resolution?: number;
  /** Beats the grid will be planned into (steers the automatic resolution). */
  readonly beats?: number;
  /** Scoring options other than the layers (shifts, service times, smoothing, recency…). */
  readonly score?: Omit<ScoreOptions, 'population' | 'vulnerability' | 'onProgress' | 'signal'>;
}

/** What {@link loadCity} returns. */
export interface LoadedCity {
  readonly grid: Grid;
  readonly boundary: FeatureCollection<Polygon | MultiPolygon> | undefined;
  readonly score: ScoreResult;
  /** The incident points' ingest report (read 0 when only counts were given). */
  readonly ingest: IngestReport;
  /** What the incident-counts layer read, when one was given. */
  readonly areaCounts?: AreaCountsReport;
  /** Stage times in ms. */
  readonly timingsMs: { readonly grid: number; readonly ingest: number; readonly score: number };
}

/**
 * Reads the city's files, builds the grid and scores it. Incidents are located with the
 * boundary, so a point inside the city whose H3 cell centre falls just outside still counts.
 * With `options.grid` (a saved plan's grid) the boundary is optional.
 * @throws BeatplanError from every stage (`INVALID_GEOMETRY`, `PARSE_ERROR`, `MISSING_FIELD`,
 *   `EMPTY_GRID`, `GRID_TOO_LARGE`, `BAD_INPUT`, `ABORTED`…), naming the file; `BAD_INPUT`
 *   naming the incidents file and the top reject reason when no incident row is usable
 * @example
 * const city = await loadCity({ boundary: { source: 'beats.geojson' }, incidents: { source: 'crimes.csv' } });
 * city.score.scores.workloadHours;
 */
export async function loadCity(
  inputs: CityInputs,
  options: { onProgress?: ProgressFn; signal?: AbortSignal; grid?: Grid; now?: () => number } = {},
): Promise<LoadedCity> {
  const { onProgress, signal } = options;
  const now = options.now ?? (() => performance.now());
  let t = now();
  const boundary = inputs.boundary ? await readBoundary(inputs.boundary.source, { fileName: inputs.boundary.fileName }) : undefined;
  const barriers = inputs.barriers ? await readLines(inputs.barriers.source, { fileName: inputs.barriers.fileName }) : undefined;
  if (!boundary && !options.grid) throw new BeatplanError('BAD_INPUT', 'loadCity needs a boundary or a grid', { field: 'boundary' });
  const grid = options.grid ?? buildGrid(boundary!, { resolution: inputs.resolution, beats: inputs.beats, barriers, onProgress, signal });
  const gridMs = now() - t;

  t = now();
  if (!inputs.incidents && !inputs.incidentCounts)
    throw new BeatplanError('BAD_INPUT', 'loadCity needs incidents or incident counts', { field: 'incidents' });
  const { incidents, report: ingest } = inputs.incidents
    ? await readIncidents(inputs.incidents.source, {
        ...inputs.incidents.read,
        fileName: inputs.incidents.fileName,
        locate: pointToCellLocator(grid, boundary),
        onProgress,
        signal,
      })
    : new IncidentTableBuilder({ timeFormat: 'auto' }).finish({ format: 'geojson', layout: 'geojson', columns: { time: '', type: '' } });
  const counts = inputs.incidentCounts
    ? await readAreaCounts(inputs.incidentCounts.source, inputs.incidentCounts.columns, { fileName: inputs.incidentCounts.fileName })
    : undefined;
  const ingestMs = now() - t;
  if (inputs.incidents && ingest.used === 0) throw noUsableIncidents(ingest);

  t = now();
  throwIfAborted(signal);
  let population: PolygonLayer | undefined;
  for (const layer of inputs.population ?? []) {
    const { features } = await readPolygonLayer(layer.source, layer.field, { fileName: layer.fileName });
    population = { features: [...(population?.features ?? []), ...features] };
  }
  const vulnerability = inputs.vulnerability
    ? {
        features: (
          await readPolygonLayer(inputs.vulnerability.source, inputs.vulnerability.field, { fileName: inputs.vulnerability.fileName })
        ).features,
      }
    : undefined;
  const areaCounts =
    counts && inputs.incidentCounts
      ? { types: inputs.incidentCounts.columns.map((c) => c.type), features: counts.features, periodDays: inputs.incidentCounts.periodDays }
      : undefined;
  const score = scoreCells(grid, incidents, { ...inputs.score, population, vulnerability, areaCounts, onProgress, signal });
  return {
    grid,
    boundary,
    score,
    ingest,
    ...(counts ? { areaCounts: counts.report } : {}),
    timingsMs: { grid: gridMs, ingest: ingestMs, score: now() - t },
  };
}

/** What each reject reason most often means, for the "no usable incident" message. */
const REASON_HINTS: Partial<Record<RejectReason, string>> = {
  date_only: 'dates without a time of day: read them at noon (dateOnly: noon, CLI --date-only noon)',
  invalid_time: 'check the time column and its format (timeFormat / --map time=COL)',
  outside_boundary: 'the points lie outside the boundary: another city, or projected coordinates?',
  swapped_coordinates: 'latitude and longitude look swapped: map them the other way round',
  missing_coordinates: 'the coordinate columns are empty',
  unknown_type: 'the type column is empty or holds unknown types',
};

/** `BAD_INPUT` for an incident file with no usable row, naming the file and the top reason. */
export function noUsableIncidents(report: IngestReport): BeatplanError {
  const top = [...REJECT_REASONS].sort((a, b) => report.rejected[b] - report.rejected[a])[0]!;
  if (report.read === 0)
    return new BeatplanError('BAD_INPUT', 'the incidents file holds no data rows', { file: report.file, field: 'incidents' });
  const examples = report.examples[top].join(', ');
  return new BeatplanError(
    'BAD_INPUT',
    `no usable incident: all ${report.read} rows rejected, most as ${top} (${report.rejected[top]}, e.g. ${report.format === 'csv' ? 'lines' : 'features'} ${examples})` +
      (REASON_HINTS[top] ? ` — ${REASON_HINTS[top]}` : ''),
    {
      file: report.file,
      row: report.examples[top][0],
      field: report.columns.time && top.includes('time') ? report.columns.time : undefined,
      value: top,
    },
  );
}
