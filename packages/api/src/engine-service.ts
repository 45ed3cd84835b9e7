/**
 * Every call the API makes into `@beatplan/engine` goes through this module, so that the API
 * adapts to the engine in one place (signatures, option names, what goes into `plan.json`).
 *
 * Nothing here touches HTTP; inputs arrive as server-side file paths of stored datasets.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  aggregateCounts,
  BeatplanError,
  DEFAULT_TOLERANCE,
  binMeans,
  beatsToGeojson,
  buildGrid,
  cellsToCsv,
  cellsToPolygons,
  comparePlans,
  chooseMeetingPlaces,
  createPlanState,
  estimateResponse,
  evaluatePlan,
  gridFromCells,
  importPlan,
  moveCells,
  parseShifts,
  planBeats,
  planFromJson,
  planToCellsCsv,
  planToJson,
  pointToCellLocator,
  requiredByShift,
  shiftLengthHours,
  unitsOnDutyByShift,
  DEFAULT_OFFICER_HOURS_PER_WEEK,
  staffBeats,
  staffingInputOfPlan,
  staffingToJson,
  staffWhatIf,
  successionOfSavedPlan,
  inheritBeatIds,
  mapParentOntoGrid,
  parentAsInitialPlan,
  refreshLineage,
  type ParentPlan,
  type PlanLineage,
  type BalanceOn,
  type BeatPlan,
  type CellScores,
  type Grid,
  type PlanMetrics,
  type ProgressFn,
  type ResponseEstimate,
  type TravelModel,
  roadNetworkFromGeojson,
  type RoadNetwork,
  type ScoreResult,
  type StaffingInput,
  type StaffingResult,
} from '@beatplan/engine';
import type { CountBins } from '@beatplan/engine';
import {
  readBoundary,
  loadCity,
  readIncidents,
  readLines,
  readPolygonLayer,
  readRoster,
  type ColumnMapping,
  type DateOnlyPolicy,
  type IngestReport,
  type PolygonLayerReport,
  type TimeFormat,
} from '@beatplan/engine/io';

// ---------------------------------------------------------------------------------------
// Dataset inspection (run on upload; each returns the summary stored with the dataset).

/** Summary of a boundary / existing-beats / barrier upload. */
export interface GeometrySummary {
  features: number;
  /** [minLng, minLat, maxLng, maxLat] in degrees. */
  bbox: [number, number, number, number];
}

function bboxOf(coords: unknown, acc = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number]) {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const [x, y] = coords as number[];
    if (x! < acc[0]) acc[0] = x!;
    if (y! < acc[1]) acc[1] = y!;
    if (x! > acc[2]) acc[2] = x!;
    if (y! > acc[3]) acc[3] = y!;
  } else if (Array.isArray(coords)) for (const c of coords) bboxOf(c, acc);
  return acc;
}

function summarize(fc: { features: ReadonlyArray<{ geometry: { coordinates: unknown } | null }> }): GeometrySummary {
  const acc: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of fc.features) if (f.geometry) bboxOf(f.geometry.coordinates, acc);
  return { features: fc.features.length, bbox: acc };
}

/**
 * Validates a boundary file with the engine's reader.
 * @throws BeatplanError `PARSE_ERROR`, `INVALID_GEOMETRY` naming the file and feature
 */
export async function inspectBoundary(path: string, fileName: string): Promise<GeometrySummary> {
  const fc = await readBoundary(path, { fileName });
  return summarize(fc);
}

/** Validates barrier lines. @throws BeatplanError `PARSE_ERROR`, `INVALID_GEOMETRY` */
export async function inspectBarriers(path: string, fileName: string): Promise<GeometrySummary> {
  const fc = await readLines(path, { fileName });
  return summarize(fc);
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
 */
export async function readRoadNetwork(path: string, fileName: string): Promise<RoadNetwork> {
  return roadNetworkFromGeojson(await readLines(path, { fileName }), { source: fileName });
}

/**
 * Validates a roads upload by building its road graph.
 * @throws BeatplanError as {@link readRoadNetwork}
 */
export async function inspectRoads(path: string, fileName: string): Promise<RoadsSummary> {
  const fc = await readLines(path, { fileName });
  const net = roadNetworkFromGeojson(fc, { source: fileName });
  return { ...summarize(fc), nodes: net.nodeCount, lengthKm: Math.round(net.lengthKm * 1000) / 1000, speedSources: { ...net.speedSources }, skippedFeatures: net.skippedFeatures };
}

/**
 * Validates existing beats: polygons with an id property on every feature.
 * @throws BeatplanError `INVALID_GEOMETRY`, `MISSING_FIELD` (a feature without `idField`)
 */
export async function inspectBeats(path: string, fileName: string, idField: string): Promise<GeometrySummary & { ids: string[]; idField: string }> {
  const fc = await readBoundary(path, { fileName });
  type Props = { properties: Record<string, unknown> | null };
  const ids: string[] = fc.features.map((f: Props, row: number) => {
    const v: unknown = f.properties?.[idField];
    if (v === undefined || v === null || String(v).trim() === '') {
      throw new BeatplanError('MISSING_FIELD', `feature has no beat id property "${idField}"`, { file: fileName, row, field: idField });
    }
    return String(v);
  });
  return { ...summarize(fc), ids: [...new Set(ids)], idField };
}

/** What a roster upload's `info` holds: officers per shift and the reader's report. */
export interface RosterSummary {
  officers: number;
  available: number;
  /** Officers per shift id, in order of first appearance. */
  shifts: Record<string, number>;
  /** Rows read, used, and the rejected ones (at most 50, with row, field and reason). */
  report: { read: number; used: number; rejected: Array<{ row: number; field: string; value: string; reason: string }>; rejectedCount: number };
}

/**
 * Validates a roster CSV with the engine's roster reader, as the staffing job will read it.
 * Bad rows are reported (row, field, reason), not fatal, as long as one officer is left.
 * @throws BeatplanError `MISSING_FIELD` (no officer_id/shift column), `PARSE_ERROR` (empty or
 *   not CSV), `BAD_INPUT` (no usable officer: names the first bad row and field)
 */
export async function inspectRoster(path: string, fileName: string): Promise<RosterSummary> {
  const { officers, report } = await readRoster(path, { fileName });
  if (!officers.length) {
    const first = report.rejected[0];
    throw new BeatplanError('BAD_INPUT', first ? `no usable officer: row ${first.row} ${first.field}: ${first.reason}` : 'the roster has no officer rows', {
      file: fileName,
      ...(first ? { row: first.row, field: first.field || 'row' } : {}),
    });
  }
  const shifts: Record<string, number> = {};
  for (const o of officers) shifts[o.shift] = (shifts[o.shift] ?? 0) + 1;
  return {
    officers: officers.length,
    available: officers.filter((o) => o.available).length,
    shifts,
    report: { read: report.read, used: report.used, rejected: report.rejected.slice(0, 50).map((r) => ({ ...r })), rejectedCount: report.rejected.length },
  };
}

/** Validates a polygon layer and reads its numeric field. @throws BeatplanError `MISSING_FIELD`, … */
export async function inspectLayer(path: string, fileName: string, field: string): Promise<PolygonLayerReport> {
  const { report } = await readPolygonLayer(path, field, { fileName });
  return report;
}

/** Options for reading an incident file, as stored with the dataset. */
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
 */
export async function inspectIncidents(path: string, fileName: string, options: IncidentReadOptions): Promise<IngestReport> {
  const { report } = await readIncidents(path, { ...options, fileName });
  return report;
}

// ---------------------------------------------------------------------------------------
// Grid + scores: the context every plan computation runs on.

/** A layer input resolved to a file. */
export interface LayerFile {
  path: string;
  fileName: string;
  field: string;
  /** `population` counts (spread by area) or a `vulnerability` index. */
  use: 'population' | 'vulnerability';
}

/** Inputs of the grid/score stages with every dataset resolved to a server-side file. */
export interface ContextInputs {
  boundary: { path: string; fileName: string };
  incidents: { path: string; fileName: string; read: IncidentReadOptions };
  barriers?: { path: string; fileName: string };
  layers?: LayerFile[];
  resolution?: number;
  beats?: number;
  /** `0-8,8-16,16-24` style. */
  shifts?: string;
  recencyHalfLifeDays?: number;
}

/** Grid, scores and the reports of building them. */
export interface PlanContext {
  grid: Grid;
  scores: CellScores;
  ingest: IngestReport;
  score: ScoreResult['report'];
  timingsMs: { grid: number; score: number };
}

/**
 * Builds the grid and scores for a set of inputs (boundary → grid, incidents located on it,
 * layers, scoring). Deterministic: the same inputs give the same grid and scores.
 * @throws BeatplanError from any stage (`INVALID_GEOMETRY`, `EMPTY_GRID`, `MISSING_FIELD`, `ABORTED`…)
 */
export async function buildContext(inputs: ContextInputs, onProgress?: ProgressFn, signal?: AbortSignal): Promise<PlanContext> {
  const layer = (use: LayerFile['use']) => (inputs.layers ?? []).filter((l) => l.use === use).map((l) => ({ source: l.path, fileName: l.fileName, field: l.field }));
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
    },
    { onProgress, signal },
  );
  const { grid, score, ingest, timingsMs } = city;
  return { grid, scores: score.scores, ingest, score: score.report, timingsMs: { grid: timingsMs.grid, score: timingsMs.ingest + timingsMs.score } };
}

/** `cells.csv` of a context (and of a plan when `plan` is given). */
export function contextCellsCsv(ctx: PlanContext, plan?: BeatPlan): string {
  return cellsToCsv(ctx.grid, ctx.scores, plan ? (i: number) => (plan.beatOfCell[i]! >= 0 ? plan.beatIds[plan.beatOfCell[i]!]! : '') : undefined);
}

// ---------------------------------------------------------------------------------------
// Plans. A stored plan is the engine's self-contained `plan.json` (cells, per-cell scores,
// grid topology), so reads and edits rebuild the grid from it and never re-read datasets.

/** Planning options accepted from the API (a subset of the engine's `PlanBeatsOptions`). */
export interface PlanOptions {
  beats?: number;
  tolerance?: number;
  seed?: number | string;
  locked?: string[];
  timeLimitMs?: number;
  /** Start from the parent (`from`, else the existing beats) and change as little as possible. */
  startFromExisting?: boolean;
  /** Share of the workload (0–1) allowed to change beat when starting from the parent (`planBeats`' `maxChange`). */
  maxChange?: number;
  /** Weight of cut edges in the compactness objective (`planBeats`' `cutEdgeWeight`, default 0.002). */
  cutEdgeWeight?: number;
  /** Weight of the minimal-change term when starting from the parent (`planBeats`' `changePenalty`, default 1). */
  changePenalty?: number;
}

/** The predecessor plan of a new plan (`POST /plans` with `from`): its stored plan.json and how to name it. */
export interface ParentPlanInput {
  /** The parent version's `plan.json` text as stored; its sha256 (UTF-8 bytes) is the content hash. */
  planJson: string;
  /** e.g. `plan 0f3c… version 2`. */
  name: string;
}

/** A plan serialized for storage: the `beatplan.plan/1` JSON text and its metrics. */
export interface SerializedPlan {
  planJson: string;
  metrics: PlanMetrics;
}

/** A stored plan, loaded: the grid rebuilt from plan.json, the plan, the scores it carries. */
export interface LoadedPlan {
  grid: Grid;
  plan: BeatPlan;
  /** Scores from plan.json (per-shift workload and need; incident counts and population are 0). */
  scores: CellScores;
  extra: Readonly<Record<string, unknown>>;
  /** The plan's lineage (parent, inherited ids, sources per beat); null or absent when it has none. */
  lineage?: PlanLineage | null;
}

function evaluationOptions(extra: Readonly<Record<string, unknown>>): { tolerance?: number; balanceOn?: BalanceOn } {
  return {
    ...(typeof extra.tolerance === 'number' ? { tolerance: extra.tolerance } : {}),
    ...(extra.balanceOn !== undefined && extra.balanceOn !== null ? { balanceOn: extra.balanceOn as BalanceOn } : {}),
  };
}

/**
 * Serializes a plan: `planToJson` with `extra` (and the lineage, when the plan has one), and
 * `evaluatePlan` with the tolerance/balance in `extra`.
 */
export function serializePlan(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  extra: Readonly<Record<string, unknown>>,
  timingsMs?: Partial<PlanMetrics['timingsMs']>,
  lineage?: PlanLineage | null,
): SerializedPlan {
  const metrics = evaluatePlan(grid, plan, scores, { ...evaluationOptions(extra), ...(timingsMs ? { timingsMs } : {}) });
  return { planJson: JSON.stringify(planToJson(grid, plan, scores, { ...extra }, lineage ?? undefined)), metrics };
}

/** An edited version of a loaded plan, serialized with its lineage refreshed for the edit. */
function serializeEdit(p: LoadedPlan, plan: BeatPlan, extra: Readonly<Record<string, unknown>> = p.extra): SerializedPlan {
  return serializePlan(p.grid, plan, p.scores, extra, undefined, p.lineage ? refreshLineage(p.lineage, plan, p.scores.workloadHours) : null);
}

/** What `GET /plans/{id}` shows of a plan.json's lineage (no cell-level or workload figures). */
export function lineageSummary(planJson: string): Record<string, unknown> | null {
  const l = (JSON.parse(planJson) as { lineage?: PlanLineage }).lineage;
  if (!l) return null;
  const inherited = l.beats.filter((b) => b.inherited).length;
  return {
    parent: { kind: l.parent.kind, name: l.parent.name, sha256: l.parent.sha256, beats: l.parent.beats.length },
    generation: l.generation,
    inheritedBeats: inherited,
    newBeats: l.beats.length - inherited,
    majorityPairs: l.matching.majorityPairs,
    majorityPairsKept: l.matching.majorityPairsKept,
  };
}

/**
 * Rebuilds the grid of a stored plan.json (`gridFromCells` with its bridges and barrier cuts).
 * The grid is the same for every version of a plan, so callers cache it per plan.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 */
export function gridOfPlanJson(planJson: string): Grid {
  const loose = planFromJson(JSON.parse(planJson));
  return gridFromCells(loose.h3, { bridges: loose.topology.bridges, barrierCuts: loose.topology.barrierCuts });
}

/**
 * Loads a stored plan.json on its grid.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when `grid` is not the plan's grid
 */
export function loadPlanJson(planJson: string, grid: Grid = gridOfPlanJson(planJson)): LoadedPlan {
  const { plan, scores, extra, lineage } = planFromJson(JSON.parse(planJson), grid);
  return { grid, plan, scores, extra, lineage };
}

/**
 * Plans beats (or imports the existing beats) on a context and serializes the result with
 * the same `extra` provenance as the CLI's `plan.json`.
 * @throws BeatplanError from planning (`INFEASIBLE`, `BAD_INPUT`, `ABORTED`…)
 */
export async function planOnContext(
  ctx: PlanContext,
  method: 'plan' | 'import',
  options: PlanOptions,
  existing: { path: string; fileName: string; idField: string } | undefined,
  onProgress?: ProgressFn,
  from?: ParentPlanInput,
): Promise<SerializedPlan & { report: unknown }> {
  let existingPlan: BeatPlan | undefined;
  let existingSha256: string | null = null;
  if (existing) {
    const fc = await readBoundary(existing.path, { fileName: existing.fileName });
    const ids: string[] = fc.features.map((f: { properties: Record<string, unknown> | null }) => String(f.properties?.[existing.idField] ?? ''));
    existingPlan = importPlan(ctx.grid, cellsToPolygons(ctx.grid, fc), ids);
    existingSha256 = createHash('sha256').update(await readFile(existing.path)).digest('hex');
  }
  // Lineage, as in the CLI: the parent is `from`, else the existing beats (ids inherited from them).
  let parent: ParentPlan | undefined;
  if (from) {
    const parsed = planFromJson(JSON.parse(from.planJson));
    parent = {
      kind: 'plan',
      name: from.name,
      sha256: createHash('sha256').update(from.planJson, 'utf8').digest('hex'),
      beatIds: parsed.plan.beatIds,
      beatOfCell: mapParentOntoGrid(ctx.grid, { h3: parsed.h3, resolution: parsed.plan.resolution, beatOfCell: parsed.plan.beatOfCell }),
      ancestorIds: parsed.lineage?.usedIds ?? [],
      generation: parsed.lineage?.generation ?? 0,
    };
  } else if (existingPlan) {
    parent = { kind: 'existing', name: existing!.fileName, sha256: existingSha256, beatIds: existingPlan.beatIds, beatOfCell: existingPlan.beatOfCell };
  }
  const initial = !options.startFromExisting ? undefined : from ? parentAsInitialPlan(ctx.grid, parent!) : existingPlan;
  const t0 = performance.now();
  let plan: BeatPlan;
  let report: unknown = null;
  if (method === 'import') {
    if (!existingPlan) throw new BeatplanError('BAD_INPUT', 'importing needs the existing beats', { field: 'existing' });
    plan = existingPlan;
  } else {
    const r = planBeats(ctx.grid, ctx.scores, {
      ...(options.beats !== undefined ? { beats: options.beats } : {}),
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.locked ? { locked: options.locked } : {}),
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
      ...(initial ? { initial } : {}),
      ...(options.maxChange !== undefined ? { maxChange: options.maxChange } : {}),
      ...(options.cutEdgeWeight !== undefined ? { cutEdgeWeight: options.cutEdgeWeight } : {}),
      ...(options.changePenalty !== undefined ? { changePenalty: options.changePenalty } : {}),
      onProgress,
    });
    plan = r.plan;
    report = { method: r.report.method, movedShare: r.report.movedShare ?? null, warnings: r.report.warnings, islands: r.report.islands, iterations: r.report.iterations, timedOut: r.report.timedOut };
  }
  const planMs = performance.now() - t0;
  // planned from the parent: its beats are the parent's, under the parent's ids (no re-matching)
  const inherited = method === 'plan' && parent ? inheritBeatIds(plan, parent, ctx.scores.workloadHours, { keepIds: initial !== undefined }) : undefined;
  if (inherited) plan = inherited.plan;
  const extra = {
    method,
    seed: options.seed ?? null,
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    balanceOn: 'total',
    incidents: { read: ctx.ingest.read, used: ctx.ingest.used, rejected: ctx.ingest.rejected },
    periodWeeks: ctx.scores.periodWeeks,
    report,
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
  };
  return { ...serializePlan(ctx.grid, plan, ctx.scores, extra, { ...ctx.timingsMs, plan: planMs }, inherited?.lineage), report };
}

/** Metrics of a loaded plan on its own scores, with the tolerance/balance recorded in its `extra`. */
export function evaluateLoadedPlan(p: LoadedPlan): PlanMetrics {
  return evaluatePlan(p.grid, p.plan, p.scores, evaluationOptions(p.extra));
}

/** Beats as GeoJSON, one dissolved feature per beat with its metrics as properties. */
export function planBeatsGeojson(p: LoadedPlan, metrics?: PlanMetrics): unknown {
  return beatsToGeojson(p.grid, p.plan, metrics ?? evaluateLoadedPlan(p));
}

/**
 * `cells.csv` of a plan with the full scores of its inputs (incident counts, population), on
 * the grid rebuilt from the datasets (the same cells as the plan's).
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when the datasets no longer give the plan's grid
 */
export function planCellsCsv(ctx: PlanContext, planJson: string, privacyK?: number): string {
  const { plan } = planFromJson(JSON.parse(planJson), ctx.grid);
  const privacy = privacyK === undefined ? undefined : aggregateCounts(ctx.grid.h3, ctx.scores.incidentCount, privacyK);
  return planToCellsCsv(ctx.grid, plan, ctx.scores, privacy ? { privacy } : {});
}

/** A stored plan.json, parsed without its grid (cells in the file's order). */
export type ParsedPlanJson = ReturnType<typeof planFromJson>;

/**
 * Parses a stored plan.json without rebuilding its grid.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 */
export function parsePlanJson(planJson: string): ParsedPlanJson {
  return planFromJson(JSON.parse(planJson));
}

/** Incidents of a plan's cells (parsed or loaded) pooled so that every bin holds ≥ k (k = 1: the cells with incidents). */
export function incidentBinsOf(cells: { h3: readonly string[]; scores: { incidentCount: ArrayLike<number> } }, k: number): CountBins {
  return aggregateCounts(cells.h3, cells.scores.incidentCount, k);
}

/** Each cell's workload as a public view shows it: the mean over its pool (NaN when suppressed). */
export function publicWorkload(cells: { h3: readonly string[]; scores: { incidentCount: ArrayLike<number>; workloadHours: ArrayLike<number> } }, k: number): Float64Array {
  return binMeans(incidentBinsOf(cells, k), cells.scores.workloadHours);
}

/** `GET /plans/:id/incidents`: the bins column-wise, with what was left out. */
export function incidentBinsDto(bins: CountBins, version: number, aggregated: boolean) {
  return {
    version,
    resolution: bins.resolution,
    k: bins.k,
    aggregated,
    bins: { h3: [...bins.h3], count: Array.from(bins.count), cells: Array.from(bins.cells) },
    total: bins.total,
    shown: bins.total - bins.suppressed.incidents,
    suppressed: { ...bins.suppressed },
  };
}

/** The `privacy` block of a public answer. */
export function privacyDto(k: number) {
  return { k, method: 'h3-pooling' as const };
}

/**
 * Every cell of a stored plan.json as the compact JSON of `GET /plans/:id/cells`: rows in the
 * cells.csv vocabulary and column order, `h3, beat, workload, need, incidents, population,
 * workload_<shift>…` (beat `''` unassigned; officer-hours and community hours per week), in the
 * file's (= the grid's, sorted) cell order. Read from the text alone: no grid is rebuilt and no
 * dataset re-read (unlike {@link planCellsCsv}), so it is quick even for a plan not loaded yet.
 * With `publicBins` (a viewer's answer), the public layout: `h3, beat, workload` (the mean over
 * the cell's pool, null when suppressed), `need`, `population` — no incident count and no
 * per-shift workload per cell.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 */
export function planCellsJson(
  planJson: string | ParsedPlanJson,
  publicBins?: CountBins,
): { resolution: number; columns: string[]; rows: Array<Array<string | number | null>>; privacy?: ReturnType<typeof privacyDto> } {
  const { plan, scores, h3 } = typeof planJson === 'string' ? parsePlanJson(planJson) : planJson;
  const rows: Array<Array<string | number | null>> = new Array(plan.cellCount);
  const beatOf = (i: number) => {
    const b = plan.beatOfCell[i]!;
    return b >= 0 ? plan.beatIds[b]! : '';
  };
  if (publicBins) {
    const workload = binMeans(publicBins, scores.workloadHours);
    for (let i = 0; i < plan.cellCount; i++) {
      const w = workload[i]!;
      rows[i] = [h3[i]!, beatOf(i), Number.isNaN(w) ? null : w, scores.needHours[i]!, scores.population[i]!];
    }
    return { resolution: plan.resolution, columns: ['h3', 'beat', 'workload', 'need', 'population'], rows, privacy: privacyDto(publicBins.k) };
  }
  const shifts = scores.shiftWorkloadHours;
  const columns = ['h3', 'beat', 'workload', 'need', 'incidents', 'population', ...scores.shifts.map((s) => `workload_${s.id}`)];
  for (let i = 0; i < plan.cellCount; i++) {
    const row: Array<string | number> = [h3[i]!, beatOf(i), scores.workloadHours[i]!, scores.needHours[i]!, scores.incidentCount[i]!, scores.population[i]!];
    for (const s of shifts) row.push(s[i]!);
    rows[i] = row;
  }
  return { resolution: plan.resolution, columns, rows };
}

/** Compares two loaded plans (`b` is taken on `a`'s grid); changed cells as H3 ids. */
export function comparePlanPair(a: LoadedPlan, bJson: string): Record<string, unknown> {
  const b = planFromJson(JSON.parse(bJson), a.grid).plan;
  const r = comparePlans(a.grid, a.plan, b, a.scores, evaluationOptions(a.extra));
  return { ...r, changedCells: { count: r.changedCells.count, share: r.changedCells.share, cells: Array.from(r.changedCells.cells, (i) => a.grid.h3[i]!) } };
}

/**
 * Moves cells (H3 ids) into a beat and serializes the new plan.
 * @throws BeatplanError `BAD_INPUT` (unknown cell or beat, naming `cells.k` / `toBeat`),
 *   `MOVE_REJECTED` (contiguity, empty beat, locked beat)
 */
export function moveOnPlan(p: LoadedPlan, h3: readonly string[], toBeatId: string): SerializedPlan & { moved: number; beats: string[] } {
  const cells = h3.map((h, k) => {
    const i = p.grid.indexOf(h);
    if (i < 0) throw new BeatplanError('BAD_INPUT', "cell is not in the plan's grid", { field: `cells.${k}`, value: h });
    return i;
  });
  const toBeat = p.plan.beatIds.indexOf(toBeatId);
  if (toBeat < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: 'toBeat', value: toBeatId });
  const state = createPlanState(p.grid, p.plan, p.scores, evaluationOptions(p.extra));
  const r = moveCells(p.grid, state, cells, toBeat);
  return { ...serializeEdit(p, r.plan), moved: r.moved, beats: r.beats.map((b: number) => p.plan.beatIds[b]!) };
}

/**
 * Locks or unlocks beats (a new plan with the `locked` flags changed).
 * @throws BeatplanError `BAD_INPUT` naming an unknown beat id (`beats.k`)
 */
export function setLocked(p: LoadedPlan, beatIds: readonly string[], locked: boolean): SerializedPlan {
  const flags = Uint8Array.from(p.plan.locked);
  beatIds.forEach((id, k) => {
    const b = p.plan.beatIds.indexOf(id);
    if (b < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: `beats.${k}`, value: id });
    flags[b] = locked ? 1 : 0;
  });
  return serializeEdit(p, { ...p.plan, locked: flags });
}

/**
 * The beat containing a point, or null when the point is outside the grid or unassigned.
 * @param lng longitude in degrees
 * @param lat latitude in degrees
 */
export function lookupBeat(p: LoadedPlan, lng: number, lat: number): { beat: string; cell: string } | null {
  const i = pointToCellLocator(p.grid)(lng, lat);
  if (i < 0) return null;
  const b = p.plan.beatOfCell[i]!;
  return b < 0 ? null : { beat: p.plan.beatIds[b]!, cell: p.grid.h3[i]! };
}

/**
 * The staffing input of a loaded plan (per-beat, per-shift workload and need, areas,
 * compactness), as the CLI builds it; `cellWorkloadFactor` scales the workload of cells
 * (what-if areas).
 */
function staffingInputOf(p: LoadedPlan, cellWorkloadFactor?: ArrayLike<number>): StaffingInput {
  return staffingInputOfPlan(p.grid, p.plan, p.scores, cellWorkloadFactor ? { cellWorkloadFactor } : {});
}

/**
 * Staffs the beats of a stored plan from a roster CSV, as the CLI's `staff` command does:
 * officers follow their old beat to its successor in the plan's lineage parent (or existing beats).
 * @returns `staffing.json` (with the roster report)
 * @throws BeatplanError `MISSING_FIELD` (roster columns), `INFEASIBLE` (too few officers)…
 */
export async function staffPlan(planJson: string, roster: { path: string; fileName: string }, onProgress?: ProgressFn): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const { officers, report: rosterReport } = await readRoster(roster.path, { fileName: roster.fileName });
  // The roster's current beats are read against the plan they were made for (the lineage parent).
  const succession = successionOfSavedPlan(p);
  const result = await staffBeats(staffingInputOf(p), officers, { ...(succession ? { succession } : {}), ...(onProgress ? { onProgress } : {}) });
  return { ...staffingToJson(result), roster: rosterReport };
}

// ---------------------------------------------------------------------------------------
// Re-balancing, response figures, what-if runs, meeting places, cells by bbox and zoom.

/** Options of a re-balance (the rest comes from the plan: K, tolerance, locked beats). */
export interface RebalanceOptions {
  seed?: number | string;
  tolerance?: number;
  timeLimitMs?: number;
}

/**
 * Re-balances the unlocked beats of a stored plan: `planBeats` from the plan itself
 * (`initial`, minimal change) with its locked beats kept, the same K and tolerance.
 * @returns the new plan serialized, and the planning report (`movedShare` = cells moved)
 * @throws BeatplanError `INFEASIBLE`, `BAD_INPUT`, `ABORTED`
 */
export function rebalancePlan(planJson: string, options: RebalanceOptions, onProgress?: ProgressFn): SerializedPlan & { report: Record<string, unknown> } {
  const p = loadPlanJson(planJson);
  const locked = p.plan.beatIds.filter((_: string, b: number) => p.plan.locked[b] === 1);
  const tolerance = options.tolerance ?? (typeof p.extra.tolerance === 'number' ? p.extra.tolerance : undefined);
  const r = planBeats(p.grid, p.scores, {
    beats: p.plan.beatIds.length,
    initial: p.plan,
    locked,
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    onProgress,
  });
  const report = { method: r.report.method, movedShare: r.report.movedShare ?? null, warnings: r.report.warnings, iterations: r.report.iterations, timedOut: r.report.timedOut, locked };
  const extra = { ...p.extra, ...(tolerance !== undefined ? { tolerance } : {}), report };
  return { ...serializeEdit(p, r.plan, extra), report };
}

/** The staffing rule of response figures without a stored staffing. */
export const REQUIRED_OFFICERS_RULE = 'officers required by the time model (36 h/week, saturation 0.6, min 1 per beat per shift)';

/**
 * Officers per shift per beat (`[shift][beat]`) required by the time model (optionally under
 * another saturation target than the default 0.6).
 */
export function requiredUnits(p: LoadedPlan, options: { saturationTarget?: number } = {}): Int32Array[] {
  return requiredByShift(staffingInputOf(p), options);
}

/** A response what-if: the time model under a saturation target, then per-beat overrides. */
export interface ResponseWhatIfInput {
  saturationTarget?: number;
  units?: ReadonlyArray<{ beat: string; shift: string; officers: number }>;
}

/**
 * Officers on duty `[shift][beat]` of a response what-if and the rule that describes them.
 * @throws BeatplanError `BAD_INPUT` naming an unknown beat (`units.k.beat`) or shift (`units.k.shift`)
 */
export function whatIfUnits(p: LoadedPlan, input: ResponseWhatIfInput): { units: Int32Array[]; rule: string } {
  const saturation = input.saturationTarget ?? 0.6;
  const units = requiredUnits(p, { saturationTarget: saturation });
  const shiftIds = p.scores.shifts.map((s) => s.id);
  (input.units ?? []).forEach((u, k) => {
    const b = p.plan.beatIds.indexOf(u.beat);
    if (b < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: `units.${k}.beat`, value: u.beat });
    const s = shiftIds.indexOf(u.shift);
    if (s < 0) throw new BeatplanError('BAD_INPUT', `no such shift (the plan's shifts: ${shiftIds.join(', ')})`, { field: `units.${k}.shift`, value: u.shift });
    units[s]![b] = u.officers;
  });
  const overrides = (input.units ?? []).map((u) => `${u.beat} ${u.shift}: ${u.officers}`);
  const rule = `officers required by the time model (36 h/week, saturation ${saturation}, min 1 per beat per shift)${overrides.length ? `, overridden: ${overrides.join('; ')}` : ''}`;
  return { units, rule };
}

/**
 * Officers allocated per shift per beat (`[shift][beat]`) in a stored `staffing.json`.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when the staffing does not name the plan's beats
 */
export function allocatedUnits(p: LoadedPlan, staffing: { beats?: Array<{ id: string; shifts: Array<{ allocated: number }> }> }): Int32Array[] {
  const { beatIds } = p.plan;
  const S = p.scores.shifts.length;
  const index = new Map(beatIds.map((id: string, b: number) => [id, b]));
  const units = Array.from({ length: S }, () => new Int32Array(beatIds.length));
  let matched = 0;
  for (const beat of staffing.beats ?? []) {
    const b = index.get(beat.id);
    if (b === undefined) continue;
    matched++;
    beat.shifts.forEach((s, k) => {
      if (k < S) units[k]![b] = s.allocated;
    });
  }
  if (matched !== beatIds.length) throw new BeatplanError('PLAN_GRID_MISMATCH', `the staffing covers ${matched} of the plan's ${beatIds.length} beats`, { field: 'staffing' });
  return units;
}

/** Response figures as the API returns them: city, per shift, per beat and per district. */
export interface ResponseFiguresDto {
  format: string;
  staffingRule: string;
  city: ResponseEstimate['city'];
  shifts: Array<Omit<ResponseEstimate['shifts'][number], 'beats' | 'districts'>>;
  beats: ResponseEstimate['beats'];
  districts: ResponseEstimate['districts'];
  /** Officers (required or allocated) per shift per beat the figures assume (`[shift][beat]`). */
  unitsByShift: number[][];
  /** Units on duty per shift per beat by the time model: officers × 36 h ÷ shift hours per week. */
  unitsOnDutyByShift: number[][];
  /** What the figures assume: travel model, speed, detour, service minutes, units source. */
  assumptions: ResponseEstimate['assumptions'];
  atoms: number;
  warnings: readonly string[];
  timingsMs: ResponseEstimate['timingsMs'];
}

/**
 * Response figures of a plan (Larson's hypercube model, `estimateResponse`) with `units`
 * officers on duty per shift per beat.
 * @param serviceMinutes mean service time of a call; default derived from the plan's scores
 * @param travel the plan's travel model built before (the compute workers keep one per version); default built here
 * @throws BeatplanError `INFEASIBLE` (a shift over 100% utilisation), `BAD_INPUT` (no incidents)
 */
export function planResponse(p: LoadedPlan, units: ReadonlyArray<ArrayLike<number>>, staffingRule: string, scores: CellScores = p.scores, serviceMinutes?: number, travel?: TravelModel): ResponseFiguresDto {
  const onDuty = unitsOnDutyByShift(units, scores.shifts.map(shiftLengthHours), DEFAULT_OFFICER_HOURS_PER_WEEK);
  const unitsSource = `${staffingRule} × ${DEFAULT_OFFICER_HOURS_PER_WEEK} h/week ÷ shift hours per week (time model)`;
  const r = estimateResponse(p.grid, p.plan, scores, onDuty, { unitsSource, ...(serviceMinutes !== undefined ? { serviceMinutes } : {}), ...(travel ? { travel } : {}) });
  return {
    format: r.format,
    staffingRule,
    assumptions: r.assumptions,
    unitsOnDutyByShift: onDuty,
    city: r.city,
    shifts: r.shifts.map(({ beats: _b, districts: _d, ...shift }) => shift),
    beats: r.beats,
    districts: r.districts,
    unitsByShift: units.map((row) => Array.from(row)),
    atoms: r.atoms,
    warnings: r.warnings,
    timingsMs: r.timingsMs,
  };
}

/** A what-if scenario as the API accepts it. */
export interface WhatIfInput {
  officersOut?: Array<{ shift: string; count: number }>;
  /** GeoJSON Polygon / MultiPolygon whose cells get `factor` × their workload. */
  area?: unknown;
  factor?: number;
  seed?: number;
}

/** Response figures, or why the model could not run. */
type ResponseOrError = ResponseFiguresDto | { staffingRule: string; error: { code: string; message: string } };

function responseOrError(run: () => ResponseFiguresDto, staffingRule: string): ResponseOrError {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof BeatplanError)) throw e;
    return { staffingRule, error: { code: e.code, message: e.message } };
  }
}

function allocatedOf(result: StaffingResult, beatIds: readonly string[], shifts: number): Int32Array[] {
  const index = new Map(beatIds.map((id, b) => [id, b]));
  const units = Array.from({ length: shifts }, () => new Int32Array(beatIds.length));
  for (const beat of result.beats) {
    const b = index.get(beat.id);
    if (b !== undefined) beat.shifts.forEach((s, k) => (units[k]![b] = s.allocated));
  }
  return units;
}

/**
 * A what-if run on a stored plan: staffs the baseline and the scenario (officers out per
 * shift; the workload of the cells inside `area` × `factor`) and reports the staffing diff
 * and the response figures before and after. An infeasible scenario is reported, not thrown.
 * @throws BeatplanError `INVALID_GEOMETRY` (area), `BAD_INPUT` (unknown shift), `MISSING_FIELD` (roster)…
 */
export async function whatIfOnPlan(planJson: string, roster: { path: string; fileName: string }, scenario: WhatIfInput, onProgress?: ProgressFn): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const { grid, plan, scores } = p;
  const { officers, report: rosterReport } = await readRoster(roster.path, { fileName: roster.fileName });
  const n = grid.cellCount;
  let factorOfCell: Float64Array | undefined;
  let areaCells = 0;
  const areaBeats = new Set<string>();
  if (scenario.area !== undefined) {
    const inside = cellsToPolygons(grid, scenario.area as never);
    factorOfCell = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      if (inside[i]! < 0) continue;
      factorOfCell[i] = scenario.factor ?? 1;
      areaCells++;
      const b = plan.beatOfCell[i]!;
      if (b >= 0) areaBeats.add(plan.beatIds[b]!);
    }
  }
  const input = staffingInputOf(p);
  const scenarioInput = factorOfCell ? staffingInputOf(p, factorOfCell) : input;
  const succession = successionOfSavedPlan(p);
  onProgress?.(0.05, 'staff');
  const w = await staffWhatIf(input, officers, { ...(scenario.officersOut ? { officersOut: scenario.officersOut } : {}), seed: scenario.seed ?? 1 }, succession ? { succession } : {}, scenarioInput);
  onProgress?.(0.7, 'response');
  const S = scores.shifts.length;
  const before = responseOrError(() => planResponse(p, allocatedOf(w.baseline, plan.beatIds, S), 'allocated officers (baseline staffing)'), 'allocated officers (baseline staffing)');
  let after: ResponseOrError | null = null;
  if (w.scenario) {
    // The scenario's scores: workload of the area's cells scaled; the mean service time stays the baseline's.
    let scenarioScores = scores;
    let serviceMinutes: number | undefined;
    if (factorOfCell) {
      let hours = 0;
      let incidents = 0;
      for (let i = 0; i < n; i++) {
        hours += scores.rawWorkloadHours[i]!;
        incidents += scores.incidentCount[i]!;
      }
      if (incidents > 0 && hours > 0) serviceMinutes = ((hours * scores.periodWeeks) / incidents) * 60;
      const scale = (a: ArrayLike<number>) => Float64Array.from(a, (x, i) => x * factorOfCell![i]!);
      scenarioScores = {
        ...scores,
        shiftWorkloadHours: scores.shiftWorkloadHours.map(scale),
        workloadHours: scale(scores.workloadHours),
        rawWorkloadHours: scale(scores.rawWorkloadHours),
      };
    }
    const rule = 'allocated officers (what-if staffing)';
    after = responseOrError(() => planResponse(p, allocatedOf(w.scenario!, plan.beatIds, S), rule, scenarioScores, serviceMinutes), rule);
  }
  onProgress?.(1, 'done');
  return {
    scenario: {
      officersOut: scenario.officersOut ?? [],
      area: scenario.area === undefined ? null : { cells: areaCells, beats: [...areaBeats].sort(), factor: scenario.factor ?? 1 },
      seed: scenario.seed ?? 1,
    },
    infeasible: w.infeasible ?? null,
    diff: w.diff,
    response: { before, after },
    roster: rosterReport,
  };
}

/** Summary of a venues upload. */
export interface VenuesSummary extends GeometrySummary {
  idProperty: string;
  nameProperty: string;
}

/**
 * Validates candidate meeting places: a FeatureCollection of Point features with finite
 * `[lng, lat]`.
 * @throws BeatplanError `PARSE_ERROR` (not JSON), `INVALID_GEOMETRY` naming the feature (`row`)
 */
export async function inspectVenues(path: string, fileName: string, idProperty: string, nameProperty: string): Promise<VenuesSummary> {
  const fc = await readVenues(path, fileName);
  return { ...summarize(fc), idProperty, nameProperty };
}

type VenueFeature = { type: 'Feature'; properties: Record<string, unknown> | null; geometry: { type: 'Point'; coordinates: number[] }; id?: string | number };

/** Reads and checks a venues file. */
export async function readVenues(path: string, fileName: string): Promise<{ type: 'FeatureCollection'; features: VenueFeature[] }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new BeatplanError('PARSE_ERROR', 'venues are not valid JSON', { file: fileName });
  }
  const fc = json as { type?: string; features?: unknown };
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new BeatplanError('INVALID_GEOMETRY', 'venues must be a GeoJSON FeatureCollection of Points', { file: fileName, field: 'type', value: fc?.type });
  }
  if (fc.features.length === 0) throw new BeatplanError('INVALID_GEOMETRY', 'venues hold no feature', { file: fileName, field: 'features' });
  fc.features.forEach((f: unknown, row: number) => {
    const g = (f as { geometry?: { type?: string; coordinates?: unknown } })?.geometry;
    if (g?.type !== 'Point') throw new BeatplanError('INVALID_GEOMETRY', 'a venue must be a Point feature', { file: fileName, row, field: 'geometry.type', value: g?.type });
    const c = g.coordinates as unknown[];
    const ok = Array.isArray(c) && c.length >= 2 && Number.isFinite(c[0]) && Number.isFinite(c[1]) && Math.abs(c[0] as number) <= 180 && Math.abs(c[1] as number) <= 90;
    if (!ok) throw new BeatplanError('INVALID_GEOMETRY', 'a venue needs a finite [lng, lat] in degrees', { file: fileName, row, field: 'geometry.coordinates', value: c });
  });
  return fc as { type: 'FeatureCollection'; features: VenueFeature[] };
}

/** The meeting place of one beat, for the public lookup (no officer data). */
export interface MeetingPlaceDto {
  id: string | number | null;
  name: string | null;
  /** `[lng, lat]` */
  position: number[] | null;
  /** True when the venue lies inside the beat. */
  inside: boolean;
  /** Population-weighted mean walk of the beat's residents to it, minutes. */
  meanWalkMinutes: number | null;
}

/**
 * Each beat's meeting place among `venues` (the one minimising the residents' walk,
 * `chooseMeetingPlaces`), by beat id.
 */
export function meetingPlaces(p: LoadedPlan, venues: { features: VenueFeature[] }, idProperty: string, nameProperty: string): Map<string, MeetingPlaceDto> {
  const m = chooseMeetingPlaces(p.grid, p.plan, p.scores.population, venues as never, { idProperty });
  const out = new Map<string, MeetingPlaceDto>();
  m.beats.forEach((b, k) => {
    const f = b.venue !== null ? venues.features[b.venue] : undefined;
    const name = f?.properties?.[nameProperty];
    out.set(p.plan.beatIds[k]!, {
      id: b.venueId,
      name: typeof name === 'string' || typeof name === 'number' ? String(name) : null,
      position: b.position ? Array.from(b.position) : null,
      inside: b.inside,
      meanWalkMinutes: b.meanWalkMinutes === null ? null : Math.round(b.meanWalkMinutes * 10) / 10,
    });
  });
  return out;
}

/**
 * The coarser H3 cell (at `resolution`) holding each grid cell's centre, for drawing a plan
 * at low zoom: built from a grid of the plan's bounding box at that resolution and located
 * with `pointToCellLocator` (H3 stays behind the engine).
 * @returns `parentOf[i]` (index into `h3`) and the coarse cells' H3 ids
 */
export function coarseCellsOf(grid: Grid, resolution: number): { parentOf: Int32Array; h3: string[] } {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (let i = 0; i < grid.cellCount; i++) {
    w = Math.min(w, grid.lng[i]!);
    e = Math.max(e, grid.lng[i]!);
    s = Math.min(s, grid.lat[i]!);
    n = Math.max(n, grid.lat[i]!);
  }
  // Pad by two coarse cell diameters so every coarse cell holding a centre has its own centre inside.
  const padKm = 2 * 2 * EDGE_KM[Math.max(0, Math.min(15, resolution))]!;
  const padLat = padKm / 111;
  const padLng = padKm / (111 * Math.max(0.1, Math.cos(((s + n) / 2) * (Math.PI / 180))));
  const clampLng = (x: number) => Math.max(-180, Math.min(180, x));
  const clampLat = (y: number) => Math.max(-89.9, Math.min(89.9, y));
  const [bw, bs, be, bn] = [clampLng(w - padLng), clampLat(s - padLat), clampLng(e + padLng), clampLat(n + padLat)];
  const box = [[bw, bs], [be, bs], [be, bn], [bw, bn], [bw, bs]];
  const coarse = buildGrid({ type: 'Polygon', coordinates: [box] } as never, { resolution });
  const locate = pointToCellLocator(coarse);
  const used = new Map<number, number>();
  const h3: string[] = [];
  const parentOf = new Int32Array(grid.cellCount);
  for (let i = 0; i < grid.cellCount; i++) {
    const c = locate(grid.lng[i]!, grid.lat[i]!);
    const key = c >= 0 ? c : -1 - i;
    let k = used.get(key);
    if (k === undefined) {
      k = h3.length;
      used.set(key, k);
      h3.push(c >= 0 ? coarse.h3[c]! : grid.h3[i]!);
    }
    parentOf[i] = k;
  }
  return { parentOf, h3 };
}

/** Cells of a score run's cells.csv on their grid: workload and need per grid cell. */
export interface ScoredCells {
  grid: Grid;
  workload: Float64Array;
  need: Float64Array;
}

/**
 * Rebuilds the grid of a score run from its `cells.csv` (`gridFromCells`; centroids for bbox
 * queries) with the workload and need of each cell.
 * @throws BeatplanError `PARSE_ERROR` (no h3/workload/need columns), `BAD_INPUT` (bad H3 ids)
 */
export function scoredCellsOfCsv(csv: string): ScoredCells {
  const lines = csv.split('\n').filter((l) => l.length > 0);
  const head = (lines[0] ?? '').split(',');
  const [ih, iw, in_] = ['h3', 'workload', 'need'].map((c) => head.indexOf(c));
  if (ih! < 0 || iw! < 0 || in_! < 0) throw new BeatplanError('PARSE_ERROR', 'cells.csv needs h3, workload and need columns', { field: 'cells.csv' });
  const rows = lines.slice(1).map((l) => l.split(','));
  const grid = gridFromCells(rows.map((r) => r[ih!]!));
  const workload = new Float64Array(grid.cellCount);
  const need = new Float64Array(grid.cellCount);
  for (const r of rows) {
    const i = grid.indexOf(r[ih!]!);
    if (i < 0) continue;
    workload[i] = Number(r[iw!]);
    need[i] = Number(r[in_!]);
  }
  return { grid, workload, need };
}

/** Mean H3 edge length per resolution, km (H3 documentation). */
export const EDGE_KM = [1281.256, 483.057, 182.513, 68.979, 26.072, 9.854, 3.725, 1.406, 0.531, 0.201, 0.0759, 0.0287, 0.0108, 0.00410, 0.00155, 0.000585];
