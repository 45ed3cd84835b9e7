/**
 * The use-cases from files (Node only; exported from `@beatplan/engine/io`): datasets checked
 * on upload with the engine's readers, the grid and scores built from files, and planning and
 * staffing with their inputs given as files. Each reads its files, then calls the pure
 * use-case (`planOnContext`, `staffPlan`, `whatIfOnPlan`), so the CLI and the API share one path.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { BeatplanError, type ProgressFn } from '../errors.js';
import { pointToCellLocator } from '../grid/index.js';
import type { ColumnMapping } from '../io/columns.js';
import { readCsvTable } from '../io/csv.js';
import type { DateOnlyPolicy, TimeFormat } from '../io/dates.js';
import { type IngestReport, rejectedInWords, unreadPriorityWarning } from '../io/incident-table-builder.js';
import { readJson } from '../io/json.js';
import { loadCity } from '../io/load-city.js';
import { type AreaCountColumn, type AreaCountsReport, parseAreaCountsSpec, readAreaCounts } from '../io/read-area-counts.js';
import { readFleet } from '../io/read-fleet.js';
import { type PolygonLayerReport, readBoundary, readLines, readPolygonLayer } from '../io/read-geojson-layers.js';
import { readIncidents } from '../io/read-incidents.js';
import { readRoster } from '../io/read-roster.js';
import { type RoadNetwork, roadNetworkFromGeojson, type SimulationReportInput, simulationReport } from '../response/index.js';
import { type IncidentTable, parseShifts } from '../score/index.js';
import type { SkillRule } from '../staff/index.js';
import { unitIdsOf, unitsFromRoads } from '../units/index.js';
import { type IdPolygons, type PlanContext, type PlanOptions, type PlanRunReport, planContextOfCity } from './plan.js';
import { planOnContext } from './plan-use-case.js';
import { type StaffPlanOptions, staffPlan, type WhatIfInput, whatIfOnPlan } from './staff.js';
import type { SerializedPlan } from './stored-plan.js';
import { type LoadedPlan, loadPlanJson, parsePlanJson, planUnitOutline } from './stored-plan.js';
import { type ScoredCells, scoredCellsOfTable } from './views.js';

/** A server-side file and the name to use for it in messages. */
export interface FileRef {
  path: string;
  fileName: string;
}

/** Summary of a boundary / existing-beats / barrier upload. */
export interface GeometrySummary {
  features: number;
  /** [minLng, minLat, maxLng, maxLat] in degrees. */
  bbox: [number, number, number, number];
}

function bboxOf(coords: unknown, acc: [number, number, number, number]): void {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const [x, y] = coords as [number, number];
    if (x < acc[0]) acc[0] = x;
    if (y < acc[1]) acc[1] = y;
    if (x > acc[2]) acc[2] = x;
    if (y > acc[3]) acc[3] = y;
  } else if (Array.isArray(coords)) for (const c of coords) bboxOf(c, acc);
}

/**
 * Feature count and bounding box of a FeatureCollection.
 * @example summarizeFeatures(fc).bbox // [minLng, minLat, maxLng, maxLat]
 */
export function summarizeFeatures(fc: { features: ReadonlyArray<{ geometry: { coordinates?: unknown } | null }> }): GeometrySummary {
  const acc: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of fc.features) if (f.geometry) bboxOf(f.geometry.coordinates, acc);
  return { features: fc.features.length, bbox: acc };
}

/**
 * Validates a boundary file with the engine's reader.
 * @throws BeatplanError `PARSE_ERROR`, `INVALID_GEOMETRY` naming the file and feature
 * @example await inspectBoundary('/data/b.geojson', 'boundary.geojson')
 */
export async function inspectBoundary(path: string, fileName: string): Promise<GeometrySummary> {
  return summarizeFeatures(await readBoundary(path, { fileName }));
}

/**
 * Validates barrier lines.
 * @throws BeatplanError `PARSE_ERROR`, `INVALID_GEOMETRY`
 * @example await inspectBarriers('/data/l.geojson', 'rivers.geojson')
 */
export async function inspectBarriers(path: string, fileName: string): Promise<GeometrySummary> {
  return summarizeFeatures(await readLines(path, { fileName }));
}

/** What a roads upload reports: its lines and the road graph they make. */
export interface RoadsSummary extends GeometrySummary {
  /** Road graph nodes (shared vertices). */
  nodes: number;
  /** Road length, km. */
  lengthKm: number;
  /** Segments by where their speed came from (`speed_kmh`, `maxspeed`, road class, default). */
  speedSources: RoadNetwork['speedSources'];
  /** Features left out (not driveable: footways, paths…). */
  skippedFeatures: number;
}

/**
 * Reads a roads file (GeoJSON LineString / MultiLineString features) into the engine's road
 * graph — the graph `--roads` gives the command line (speeds: docs/time-model.md).
 * @throws BeatplanError `PARSE_ERROR`, `INVALID_GEOMETRY` naming the file and feature; `BAD_INPUT` (no driveable road)
 * @example (await readRoadNetwork('/data/r.geojson', 'roads.geojson')).lengthKm
 */
export async function readRoadNetwork(path: string, fileName: string): Promise<RoadNetwork> {
  return roadNetworkFromGeojson(await readLines(path, { fileName }), { source: fileName });
}

/**
 * Validates a roads upload by building its road graph.
 * @throws BeatplanError as {@link readRoadNetwork}
 * @example (await inspectRoads(path, 'roads.geojson')).nodes
 */
export async function inspectRoads(path: string, fileName: string): Promise<RoadsSummary> {
  const fc = await readLines(path, { fileName });
  const net = roadNetworkFromGeojson(fc, { source: fileName });
  return {
    ...summarizeFeatures(fc),
    nodes: net.nodeCount,
    lengthKm: Math.round(net.lengthKm * 1000) / 1000,
    speedSources: { ...net.speedSources },
    skippedFeatures: net.skippedFeatures,
  };
}

/** Polygons with an id property, as a file: current beats, districts. */
export interface IdPolygonsFile extends FileRef {
  /** Property holding each feature's id; default (the CLI without `--existing-id`): the feature id, else its 1-based position. */
  idField?: string;
}

/**
 * Reads polygons with an id per feature (current beats, districts, equity areas), and the
 * sha256 of the file's bytes: the API's datasets and the CLI's `--existing`, `--districts`, `--areas`.
 * @param hint how the caller sets the id field, named in the error (e.g. `--existing-id`)
 * @throws BeatplanError `INVALID_GEOMETRY`, `MISSING_FIELD` (a feature without `idField`, naming the row)
 * @example const beats = await readIdPolygons({ path, fileName: 'beats.geojson', idField: 'beat_num' });
 */
export async function readIdPolygons(file: IdPolygonsFile, hint?: string): Promise<IdPolygons> {
  const fc = (await readBoundary(file.path, { fileName: file.fileName })) as FeatureCollection<Polygon | MultiPolygon>;
  const { idField } = file;
  const ids = fc.features.map((f, row) => {
    if (idField === undefined) return String(f.id ?? row + 1);
    const v: unknown = f.properties?.[idField];
    if (v === undefined || v === null || String(v).trim() === '') {
      throw new BeatplanError('MISSING_FIELD', `feature has no id property "${idField}"${hint ? ` (set ${hint})` : ''}`, {
        file: file.fileName,
        row,
        field: idField,
      });
    }
    return String(v);
  });
  const sha256 = createHash('sha256')
    .update(await readFile(file.path))
    .digest('hex');
  return { fc, ids, fileName: file.fileName, sha256 };
}

/**
 * Validates existing beats: polygons with an id property on every feature.
 * @throws BeatplanError `INVALID_GEOMETRY`, `MISSING_FIELD` (a feature without `idField`)
 * @example (await inspectBeats(path, 'beats.geojson', 'beat_num')).ids
 */
export async function inspectBeats(
  path: string,
  fileName: string,
  idField: string,
): Promise<GeometrySummary & { ids: string[]; idField: string }> {
  const { fc, ids } = await readIdPolygons({ path, fileName, idField });
  return { ...summarizeFeatures(fc), ids: [...new Set(ids)], idField };
}

/** What a roster upload's `info` holds: officers per shift and the reader's report. */
export interface RosterSummary {
  officers: number;
  available: number;
  /** Officers per shift id, in order of first appearance. */
  shifts: Record<string, number>;
  /** Rows read, used, and the rejected ones (at most 50, with row, field and reason). */
  report: {
    read: number;
    used: number;
    rejected: Array<{ row: number; field: string; value: string; reason: string }>;
    rejectedCount: number;
  };
}

/**
 * Validates a roster CSV with the engine's roster reader, as staffing reads it. Bad rows are
 * reported (row, field, reason), not fatal, as long as one officer is left.
 * @throws BeatplanError `MISSING_FIELD` (no officer_id/shift column), `PARSE_ERROR` (empty or
 *   not CSV), `BAD_INPUT` (no usable officer: names the first bad row and field)
 * @example (await inspectRoster(path, 'roster.csv')).shifts
 */
export async function inspectRoster(path: string, fileName: string): Promise<RosterSummary> {
  const { officers, report } = await readRoster(path, { fileName });
  if (!officers.length) {
    const first = report.rejected[0];
    throw new BeatplanError(
      'BAD_INPUT',
      first ? `no usable officer: row ${first.row} ${first.field}: ${first.reason}` : 'the roster has no officer rows',
      {
        file: fileName,
        ...(first ? { row: first.row, field: first.field || 'row' } : {}),
      },
    );
  }
  const shifts: Record<string, number> = {};
  for (const o of officers) shifts[o.shift] = (shifts[o.shift] ?? 0) + 1;
  return {
    officers: officers.length,
    available: officers.filter((o) => o.available).length,
    shifts,
    report: {
      read: report.read,
      used: report.used,
      rejected: report.rejected.slice(0, 50).map((r) => ({ ...r })),
      rejectedCount: report.rejected.length,
    },
  };
}

/**
 * Validates a fleet CSV (`shift,vehicle_type,count`).
 * @throws BeatplanError `MISSING_FIELD`, `PARSE_ERROR`, `BAD_INPUT` naming the row and field
 * @example (await inspectFleet(path, 'fleet.csv')).vehicles
 */
export async function inspectFleet(path: string, fileName: string): Promise<{ rows: number; vehicles: number }> {
  const { fleet } = await readFleet(path, { fileName });
  return { rows: fleet.length, vehicles: fleet.reduce((s, f) => s + f.count, 0) };
}

/**
 * Validates a polygon layer and reads its numeric field.
 * @throws BeatplanError `MISSING_FIELD`, `INVALID_GEOMETRY`, `PARSE_ERROR`
 * @example (await inspectLayer(path, 'tracts.geojson', 'TOT_POP')).used
 */
export async function inspectLayer(path: string, fileName: string, field: string): Promise<PolygonLayerReport> {
  return (await readPolygonLayer(path, field, { fileName })).report;
}

/** Options for reading an incident file, as stored with the dataset (the CLI's `--map`, `--timezone`, `--date-only`). */
export interface IncidentReadOptions {
  format?: 'csv' | 'geojson';
  mapping?: ColumnMapping;
  timeFormat?: TimeFormat;
  /** The city's IANA zone: offset times are converted into its wall clock (see `IncidentClock`). */
  timeZone?: string;
  /** Date-only times: dropped (default) or read at noon. */
  dateOnly?: DateOnlyPolicy;
}

/**
 * Reads an incident file without a grid and returns the ingest report: how many rows were
 * read and used, and per reason the rows rejected with examples. Malformed rows never throw.
 * @throws BeatplanError `MISSING_FIELD` (no usable columns), `PARSE_ERROR` (empty, not CSV/JSON)
 * @example (await inspectIncidents(path, 'crimes.csv', {})).used
 */
export async function inspectIncidents(path: string, fileName: string, options: IncidentReadOptions): Promise<IngestReport> {
  return (await readIncidents(path, { ...options, fileName })).report;
}

/** Summary of a venues upload. */
export interface VenuesSummary extends GeometrySummary {
  idProperty: string;
  nameProperty: string;
}

/**
 * Reads and checks a venues file: a FeatureCollection of Point features with finite `[lng, lat]`.
 * @throws BeatplanError `PARSE_ERROR` (not JSON), `INVALID_GEOMETRY` naming the feature (`row`)
 * @example (await readVenues(path, 'venues.geojson')).features.length
 */
export async function readVenues(path: string, fileName: string): Promise<FeatureCollection<Point>> {
  const { value } = await readJson(path, { fileName });
  const fc = value as { type?: string; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new BeatplanError('INVALID_GEOMETRY', 'venues must be a GeoJSON FeatureCollection of Points', {
      file: fileName,
      field: 'type',
      value: fc?.type,
    });
  }
  if (fc.features.length === 0)
    throw new BeatplanError('INVALID_GEOMETRY', 'venues hold no feature', { file: fileName, field: 'features' });
  fc.features.forEach((f: unknown, row: number) => {
    const g = (f as { geometry?: { type?: string; coordinates?: unknown } })?.geometry;
    if (g?.type !== 'Point')
      throw new BeatplanError('INVALID_GEOMETRY', 'a venue must be a Point feature', {
        file: fileName,
        row,
        field: 'geometry.type',
        value: g?.type,
      });
    const c = g.coordinates as unknown[];
    const ok =
      Array.isArray(c) &&
      c.length >= 2 &&
      Number.isFinite(c[0]) &&
      Number.isFinite(c[1]) &&
      Math.abs(c[0] as number) <= 180 &&
      Math.abs(c[1] as number) <= 90;
    if (!ok)
      throw new BeatplanError('INVALID_GEOMETRY', 'a venue needs a finite [lng, lat] in degrees', {
        file: fileName,
        row,
        field: 'geometry.coordinates',
        value: c,
      });
  });
  return fc as FeatureCollection<Point>;
}

/**
 * Validates candidate meeting places (see {@link readVenues}).
 * @throws BeatplanError as {@link readVenues}
 * @example (await inspectVenues(path, 'venues.geojson', 'id', 'name')).features
 */
export async function inspectVenues(path: string, fileName: string, idProperty: string, nameProperty: string): Promise<VenuesSummary> {
  return { ...summarizeFeatures(await readVenues(path, fileName)), idProperty, nameProperty };
}

/** A layer input resolved to a file. */
export interface LayerFile extends FileRef {
  field: string;
  /** `population` counts (spread by area) or a `vulnerability` index. */
  use: 'population' | 'vulnerability';
}

/** Inputs of the grid/score stages with every dataset resolved to a server-side file. */
export interface ContextInputs {
  boundary: FileRef;
  incidents: FileRef & { read: IncidentReadOptions };
  barriers?: FileRef;
  layers?: LayerFile[];
  resolution?: number;
  beats?: number;
  /** `0-8,8-16,16-24` style. */
  shifts?: string;
  recencyHalfLifeDays?: number;
  /** Incidents as counts per polygon, a column per type, covering `periodDays` (the CLI's --incident-counts, --counts-period-days); added to `incidents`. */
  incidentCounts?: FileRef & { columns: AreaCountColumn[]; periodDays: number };
}

/**
 * Validates an incident-counts upload: polygons with a count property per incident type
 * (`FIELD[=TYPE],…`, as `--incident-counts FILE:FIELD[=TYPE],…`), read with `readAreaCounts`.
 * @param columnsSpec `FIELD[=TYPE],FIELD[=TYPE],…` (TYPE defaults to the field, upper-cased)
 * @throws BeatplanError `BAD_INPUT` (a bad spec, no usable feature), `MISSING_FIELD` (no feature has a column)
 * @example (await inspectIncidentCounts(path, 'sf.geojson', 'Drugs=NARCOTICS,Robbery')).columns
 */
export async function inspectIncidentCounts(
  path: string,
  fileName: string,
  columnsSpec: string,
): Promise<{ columns: AreaCountColumn[]; report: AreaCountsReport }> {
  const { columns } = parseAreaCountsSpec(`${fileName}:${columnsSpec}`);
  const { report } = await readAreaCounts(path, columns, { fileName });
  return { columns: [...columns], report };
}

/**
 * Builds the grid and scores for a set of inputs (boundary → grid, incidents located on it,
 * layers, scoring) with `loadCity`. Deterministic: the same inputs give the same grid and scores.
 * @throws BeatplanError from any stage (`INVALID_GEOMETRY`, `EMPTY_GRID`, `MISSING_FIELD`, `ABORTED`…)
 * @example const ctx = await buildContext({ boundary, incidents: { ...file, read: {} } });
 */
export async function buildContext(inputs: ContextInputs, onProgress?: ProgressFn, signal?: AbortSignal): Promise<PlanContext> {
  const layer = (use: LayerFile['use']) =>
    (inputs.layers ?? []).filter((l) => l.use === use).map((l) => ({ source: l.path, fileName: l.fileName, field: l.field }));
  const city = await loadCity(
    {
      boundary: { source: inputs.boundary.path, fileName: inputs.boundary.fileName },
      incidents: { source: inputs.incidents.path, fileName: inputs.incidents.fileName, read: inputs.incidents.read },
      ...(inputs.barriers ? { barriers: { source: inputs.barriers.path, fileName: inputs.barriers.fileName } } : {}),
      population: layer('population'),
      ...(layer('vulnerability')[0] ? { vulnerability: layer('vulnerability')[0] } : {}),
      resolution: inputs.resolution,
      beats: inputs.beats,
      score: {
        ...(inputs.shifts ? { shifts: parseShifts(inputs.shifts) } : {}),
        ...(inputs.recencyHalfLifeDays !== undefined ? { recencyHalfLifeDays: inputs.recencyHalfLifeDays } : {}),
      },
      ...(inputs.incidentCounts
        ? {
            incidentCounts: {
              source: inputs.incidentCounts.path,
              fileName: inputs.incidentCounts.fileName,
              columns: inputs.incidentCounts.columns,
              periodDays: inputs.incidentCounts.periodDays,
            },
          }
        : {}),
    },
    { onProgress, signal },
  );
  return planContextOfCity(city);
}

/**
 * The grid and per-cell workload and need of a score run's `cells.csv` text, read with the
 * engine's CSV reader.
 * @throws BeatplanError `PARSE_ERROR` (empty, no h3/workload/need columns), `BAD_INPUT` (bad H3 ids)
 * @example (await scoredCellsOfCsv(text)).grid.cellCount
 */
export async function scoredCellsOfCsv(csv: string, fileName = 'cells.csv'): Promise<ScoredCells> {
  const t = await readCsvTable({ text: csv }, { fileName });
  return scoredCellsOfTable(t.columns, t.rows, fileName);
}

/** Planning options with the option files (districts, units) as files. */
export interface PlanFileOptions extends PlanOptions {
  /** Districts: each beat is nested in one. */
  districts?: IdPolygonsFile;
  /** Atomic units: the cells of one unit always share a beat; `idField` default: the feature id, else its position. */
  units?: FileRef & { idField?: string };
  /**
   * Road lines (GeoJSON LineString / MultiLineString features): without `units`, a plan (not an
   * import) is made on the street blocks they enclose within the boundary, as `beatplan plan --roads`.
   */
  roads?: FileRef;
}

/**
 * Validates an atomic-units upload: polygons with a unique id per feature (`idField`, else the
 * feature id, else the 1-based position), as `--units FILE[:ID]` reads them.
 * @throws BeatplanError `INVALID_GEOMETRY`, `MISSING_FIELD` (a feature without `idField`), `BAD_INPUT` (a duplicate id)
 * @example (await inspectUnits(path, 'blocks.geojson', 'GEOID')).units
 */
export async function inspectUnits(
  path: string,
  fileName: string,
  idField?: string,
): Promise<GeometrySummary & { units: number; idField: string | null }> {
  const fc = await readBoundary(path, { fileName });
  const ids = unitIdsOf(fc.features, { ...(idField !== undefined ? { idField } : {}), file: fileName });
  return { ...summarizeFeatures(fc), units: ids.length, idField: idField ?? null };
}

/**
 * {@link planOnContext} with its inputs as files: reads the existing beats and districts
 * (with the existing file's sha256 for the lineage) and hashes the parent's plan.json text.
 * @param from the parent plan: its stored plan.json text and name
 * @throws BeatplanError as `planOnContext` and the readers
 * @example await planOnFiles(ctx, 'plan', { beats: 25 }, undefined)
 */
export async function planOnFiles(
  ctx: PlanContext,
  method: 'plan' | 'import',
  options: PlanFileOptions,
  existing: IdPolygonsFile | undefined,
  onProgress?: ProgressFn,
  from?: { planJson: string; name: string },
): Promise<SerializedPlan & { report: PlanRunReport | null }> {
  const { districts, units, roads, ...planOptions } = options;
  // street blocks from the roads when no units layer is given (the CLI's --roads without --units)
  const blocksFrom = method === 'plan' && !units && roads && ctx.boundary ? roads : undefined;
  const { planJson, metrics, report } = planOnContext(ctx, {
    method,
    options: planOptions,
    ...(existing ? { existing: await readIdPolygons(existing) } : {}),
    ...(districts ? { districts: await readIdPolygons(districts) } : {}),
    ...(units
      ? {
          units: {
            fc: (await readBoundary(units.path, { fileName: units.fileName })) as FeatureCollection<Polygon | MultiPolygon>,
            fileName: units.fileName,
            ...(units.idField !== undefined ? { idField: units.idField } : {}),
          },
        }
      : blocksFrom
        ? { roadLines: { lines: await readLines(blocksFrom.path, { fileName: blocksFrom.fileName }), fileName: blocksFrom.fileName } }
        : {}),
    ...(units ? { inputs: { units: { file: units.fileName, idField: units.idField ?? null } } } : {}),
    ...(blocksFrom ? { inputs: { units: { file: blocksFrom.fileName, idField: null, streetBlocks: true } } } : {}),
    ...(from
      ? {
          from: {
            parsed: parsePlanJson(from.planJson),
            name: from.name,
            sha256: createHash('sha256').update(from.planJson, 'utf8').digest('hex'),
          },
        }
      : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return { planJson, metrics, report };
}

/** The units a plan was made on, as a file: a units layer, or (`streetBlocks`) the road lines its street blocks came from. */
export type UnitsFile = FileRef & { idField?: string; streetBlocks?: boolean };

/**
 * {@link planUnitOutline} with the units layer (and the boundary it is clipped to) as files:
 * the beats of a stored plan made on units, drawn from the unit polygons. With
 * `units.streetBlocks` the file holds road lines and the units are their street blocks within
 * the boundary, derived again with `unitsFromRoads` (deterministic: the same lines and boundary
 * give the same blocks and ids the plan was made on).
 * @throws BeatplanError as `readBoundary` / `readLines` (naming the file), `unitsFromRoads` and
 *   `planUnitOutline`; `BAD_INPUT` for street blocks without a boundary
 * @example await unitOutlineFromFiles(loaded, { path, fileName: 'blocks.geojson', idField: 'GEOID' }, { path: b, fileName: 'city.geojson' })
 */
export async function unitOutlineFromFiles(
  p: LoadedPlan,
  units: UnitsFile,
  boundary?: FileRef,
): Promise<ReturnType<typeof planUnitOutline>> {
  const clip = boundary ? await readBoundary(boundary.path, { fileName: boundary.fileName }) : undefined;
  if (units.streetBlocks && !clip)
    throw new BeatplanError('BAD_INPUT', 'street blocks are drawn within the boundary: it is missing', { field: 'boundary' });
  const layer = units.streetBlocks
    ? unitsFromRoads(await readLines(units.path, { fileName: units.fileName }), clip!).blocks
    : ((await readBoundary(units.path, { fileName: units.fileName })) as FeatureCollection<Polygon | MultiPolygon>);
  return planUnitOutline(p, layer, {
    ...(units.idField !== undefined ? { idField: units.idField } : {}),
    ...(clip ? { boundary: clip } : {}),
  });
}

/** A skill rule with its layer as a file (the CLI's `--skill SKILL=FILE:FIELD[:MIN_SHARE]`). */
export interface SkillRuleFile {
  skill: string;
  layer: FileRef;
  /** Numeric property: residents with the skill's language or need. */
  field: string;
  /** Share of residents from which a beat needs the skill (default 0.25). */
  minShare?: number;
}

/** Staffing options with the option files (fleet, skill layers) as files. */
export interface StaffFileOptions {
  fleet?: FileRef;
  saturationTarget?: number;
  minOfficersPerBeat?: number;
  skills?: SkillRuleFile[];
}

/**
 * Reads the files of staffing options into {@link StaffPlanOptions}.
 * @throws BeatplanError from `readFleet` and `readPolygonLayer`, naming the file
 * @example const o = await staffOptionsOfFiles({ fleet: { path, fileName: 'fleet.csv' } });
 */
export async function staffOptionsOfFiles(o: StaffFileOptions = {}): Promise<StaffPlanOptions> {
  const skills: SkillRule[] = [];
  for (const s of o.skills ?? []) {
    const { features } = await readPolygonLayer(s.layer.path, s.field, { fileName: s.layer.fileName });
    skills.push({ skill: s.skill, layer: { features }, ...(s.minShare !== undefined ? { minShare: s.minShare } : {}) } as SkillRule);
  }
  return {
    ...(o.fleet ? { fleet: (await readFleet(o.fleet.path, { fileName: o.fleet.fileName })).fleet } : {}),
    ...(o.saturationTarget !== undefined ? { saturationTarget: o.saturationTarget } : {}),
    ...(o.minOfficersPerBeat !== undefined ? { minOfficersPerBeat: o.minOfficersPerBeat } : {}),
    ...(skills.length ? { skills } : {}),
  };
}

/**
 * {@link staffPlan} with the roster and option files read from disk.
 * @throws BeatplanError `MISSING_FIELD` (roster columns), `INFEASIBLE` (too few officers)…
 * @example await staffPlanFromFiles(text, { path, fileName: 'roster.csv' })
 */
export async function staffPlanFromFiles(
  planJson: string,
  roster: FileRef,
  onProgress?: ProgressFn,
  options: StaffFileOptions = {},
): Promise<Record<string, unknown>> {
  const r = await readRoster(roster.path, { fileName: roster.fileName });
  const o = await staffOptionsOfFiles(options);
  return (await staffPlan(loadPlanJson(planJson), r, { ...o, ...(onProgress ? { onProgress } : {}) })).staffingJson;
}

/**
 * {@link whatIfOnPlan} with the roster and option files read from disk.
 * @throws BeatplanError `INVALID_GEOMETRY` (area), `BAD_INPUT` (unknown shift), `MISSING_FIELD` (roster)…
 * @example await whatIfFromFiles(text, roster, { officersOut: [{ shift: '16-24', count: 5 }] })
 */
export async function whatIfFromFiles(
  planJson: string,
  roster: FileRef,
  scenario: WhatIfInput,
  onProgress?: ProgressFn,
  options: StaffFileOptions = {},
): Promise<Record<string, unknown>> {
  const r = await readRoster(roster.path, { fileName: roster.fileName });
  return (await whatIfOnPlan(loadPlanJson(planJson), r, scenario, onProgress, await staffOptionsOfFiles(options))).json;
}

/** Options of a simulation run (`POST /plans/{id}/simulations`, `beatplan simulate`). */
export interface SimulationRunOptions {
  /** Draw Poisson calls from the plan's rates instead of replaying incidents. */
  poisson?: boolean;
  /** With `poisson`: days to simulate (default: the plan's incident period). */
  days?: number;
  /** Seed of every draw (default 1). */
  seed?: number;
  /** Coefficient of variation of a replayed call's service time (default 0.8). */
  serviceCv?: number;
  /** On-duty hours per officer per week for units on duty (default 36). */
  officerHoursPerWeek?: number;
}

/**
 * The replay input of `simulationReport` from what an incident reader returned: the table, rows
 * read and rejected, the rejected rows by reason with their lines, and the priorities that are no
 * number (kept as calls without a priority) — one place for the CLI's `simulate` and the API's
 * simulation jobs.
 * @example simulationReport({ ...input, calls: replayCallsInput(incidents, report) })
 */
export function replayCallsInput(incidents: IncidentTable, report: IngestReport): SimulationReportInput['calls'] {
  const unread = unreadPriorityWarning(report);
  return {
    incidents,
    read: report.read,
    rejected: report.read - report.used,
    rejectedWhy: rejectedInWords(report),
    notes: unread ? [unread] : [],
  };
}

/**
 * The discrete-event simulation of a stored plan and staffing (`simulationReport`, as
 * `beatplan simulate`): the incidents of a file replayed against them, or Poisson calls; travel
 * on the road graph of `roads` when given, else the straight-line rule.
 * @param staffing the stored staffing.json text and its id (named in the document)
 * @param incidents the incident file and how to read it; omitted: Poisson calls
 * @returns the `simulation.json` document
 * @throws BeatplanError `PLAN_GRID_MISMATCH` (staffing of another plan), `BAD_INPUT`, `INFEASIBLE`
 * @example await simulateFromFiles(planJson, { json, id }, undefined, { poisson: true, seed: 1 })
 */
export async function simulateFromFiles(
  planJson: string,
  staffing: { json: string; id: string },
  incidents: (FileRef & { read: IncidentReadOptions; id: string }) | undefined,
  options: SimulationRunOptions,
  onProgress?: ProgressFn,
  roads?: FileRef,
): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const net = roads ? await readRoadNetwork(roads.path, roads.fileName) : undefined;
  let calls: SimulationReportInput['calls'];
  if (options.poisson || !incidents) calls = { poisson: { days: options.days } };
  else {
    const { incidents: table, report } = await readIncidents(incidents.path, {
      ...incidents.read,
      fileName: incidents.fileName,
      locate: pointToCellLocator(p.grid),
      ...(onProgress ? { onProgress } : {}),
    });
    calls = replayCallsInput(table, report);
  }
  const { doc } = simulationReport(
    {
      grid: p.grid,
      plan: p.plan,
      scores: p.scores,
      staffing: JSON.parse(staffing.json),
      calls,
      names: { plan: 'plan version', staffing: `staffing ${staffing.id}`, ...(incidents ? { incidents: `dataset ${incidents.id}` } : {}) },
    },
    {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.serviceCv !== undefined ? { serviceCv: options.serviceCv } : {}),
      ...(options.officerHoursPerWeek !== undefined ? { officerHoursPerWeek: options.officerHoursPerWeek } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(net ? { roads: net } : {}),
    },
  );
  return doc as unknown as Record<string, unknown>;
}

/**
 * The reader that checks an uploaded dataset, per dataset kind (the API's `POST /datasets/…`):
 * each reads the staged file as the CLI reads that kind and returns its summary (the dataset's
 * `info`), or throws a BeatplanError naming the row and field. The API checks at compile time
 * that there is one entry per kind it accepts.
 * @example const summary = await datasetInspectors.boundary(path, 'boundary-1a2b3c4d.geojson');
 */
export const datasetInspectors = {
  boundary: inspectBoundary,
  incidents: inspectIncidents,
  layer: inspectLayer,
  beats: inspectBeats,
  barriers: inspectBarriers,
  roster: inspectRoster,
  venues: inspectVenues,
  roads: inspectRoads,
  fleet: inspectFleet,
  units: inspectUnits,
  counts: inspectIncidentCounts,
} as const;
