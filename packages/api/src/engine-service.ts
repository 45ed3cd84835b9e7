/**
 * Every call the API makes into `@beatplan/engine` goes through this module, so that the API
 * adapts to the engine in one place (signatures, option names, what goes into `plan.json`).
 *
 * Nothing here touches HTTP; inputs arrive as server-side file paths of stored datasets.
 */
import {
  BeatplanError,
  beatSuccessors,
  beatsToGeojson,
  buildGrid,
  cellsToCsv,
  cellsToPolygons,
  comparePlans,
  createPlanState,
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
  scoreCells,
  staffBeats,
  staffingInputFromPlan,
  staffingToJson,
  successorRecord,
  type BalanceOn,
  type BeatPlan,
  type CellScores,
  type Grid,
  type PlanMetrics,
  type PolygonLayer,
  type ProgressFn,
  type ScoreResult,
} from '@beatplan/engine';
import {
  readBoundary,
  readIncidents,
  readLines,
  readPolygonLayer,
  readRoster,
  type ColumnMapping,
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
  const t0 = performance.now();
  const boundary = await readBoundary(inputs.boundary.path, { fileName: inputs.boundary.fileName });
  const barriers = inputs.barriers ? await readLines(inputs.barriers.path, { fileName: inputs.barriers.fileName }) : undefined;
  const grid = buildGrid(boundary as never, {
    resolution: inputs.resolution,
    beats: inputs.beats,
    barriers: barriers as never,
    onProgress,
    signal,
  });
  const t1 = performance.now();
  const { incidents, report: ingest } = await readIncidents(inputs.incidents.path, {
    ...inputs.incidents.read,
    fileName: inputs.incidents.fileName,
    locate: pointToCellLocator(grid),
    onProgress,
    signal,
  });
  let population: PolygonLayer | undefined;
  let vulnerability: PolygonLayer | undefined;
  for (const l of inputs.layers ?? []) {
    const { features } = await readPolygonLayer(l.path, l.field, { fileName: l.fileName });
    if (l.use === 'population') population = { features };
    else vulnerability = { features };
  }
  const result = scoreCells(grid, incidents, {
    shifts: inputs.shifts ? parseShifts(inputs.shifts) : undefined,
    population,
    vulnerability,
    recencyHalfLifeDays: inputs.recencyHalfLifeDays,
    onProgress,
    signal,
  });
  const t2 = performance.now();
  return { grid, scores: result.scores, ingest, score: result.report, timingsMs: { grid: t1 - t0, score: t2 - t1 } };
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
  /** Start from the existing beats and change as little as possible. */
  startFromExisting?: boolean;
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
}

function evaluationOptions(extra: Readonly<Record<string, unknown>>): { tolerance?: number; balanceOn?: BalanceOn } {
  return {
    ...(typeof extra.tolerance === 'number' ? { tolerance: extra.tolerance } : {}),
    ...(extra.balanceOn !== undefined && extra.balanceOn !== null ? { balanceOn: extra.balanceOn as BalanceOn } : {}),
  };
}

/** Serializes a plan: `planToJson` with `extra`, and `evaluatePlan` with the tolerance/balance in `extra`. */
export function serializePlan(grid: Grid, plan: BeatPlan, scores: CellScores, extra: Readonly<Record<string, unknown>>, timingsMs?: Partial<PlanMetrics['timingsMs']>): SerializedPlan {
  const metrics = evaluatePlan(grid, plan, scores, { ...evaluationOptions(extra), ...(timingsMs ? { timingsMs } : {}) });
  return { planJson: JSON.stringify(planToJson(grid, plan, scores, { ...extra })), metrics };
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
  const { plan, scores, extra } = planFromJson(JSON.parse(planJson), grid);
  return { grid, plan, scores, extra };
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
): Promise<SerializedPlan & { report: unknown }> {
  let existingPlan: BeatPlan | undefined;
  if (existing) {
    const fc = await readBoundary(existing.path, { fileName: existing.fileName });
    const ids: string[] = fc.features.map((f: { properties: Record<string, unknown> | null }) => String(f.properties?.[existing.idField] ?? ''));
    existingPlan = importPlan(ctx.grid, cellsToPolygons(ctx.grid, fc), ids);
  }
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
      ...(options.startFromExisting && existingPlan ? { initial: existingPlan } : {}),
      onProgress,
    });
    plan = r.plan;
    report = { method: r.report.method, movedShare: r.report.movedShare ?? null, warnings: r.report.warnings, islands: r.report.islands, iterations: r.report.iterations, timedOut: r.report.timedOut };
  }
  const planMs = performance.now() - t0;
  const extra = {
    method,
    seed: options.seed ?? null,
    tolerance: options.tolerance ?? 0.05,
    balanceOn: 'total',
    incidents: { read: ctx.ingest.read, used: ctx.ingest.used, rejected: ctx.ingest.rejected },
    periodWeeks: ctx.scores.periodWeeks,
    report,
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
  };
  return { ...serializePlan(ctx.grid, plan, ctx.scores, extra, { ...ctx.timingsMs, plan: planMs }), report };
}

/** Beats as GeoJSON, one dissolved feature per beat with its metrics as properties. */
export function planBeatsGeojson(p: LoadedPlan, metrics?: PlanMetrics): unknown {
  return beatsToGeojson(p.grid, p.plan, metrics ?? evaluatePlan(p.grid, p.plan, p.scores, evaluationOptions(p.extra)));
}

/**
 * `cells.csv` of a plan with the full scores of its inputs (incident counts, population), on
 * the grid rebuilt from the datasets (the same cells as the plan's).
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when the datasets no longer give the plan's grid
 */
export function planCellsCsv(ctx: PlanContext, planJson: string): string {
  const { plan } = planFromJson(JSON.parse(planJson), ctx.grid);
  return planToCellsCsv(ctx.grid, plan, ctx.scores);
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
  return { ...serializePlan(p.grid, r.plan, p.scores, p.extra), moved: r.moved, beats: r.beats.map((b: number) => p.plan.beatIds[b]!) };
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
  return serializePlan(p.grid, { ...p.plan, locked: flags }, p.scores, p.extra);
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
 * Staffs the beats of a stored plan from a roster CSV, as the CLI's `staff` command does:
 * officers follow their old beat to its successor when the plan carries the existing beats.
 * @returns `staffing.json` (with the roster report)
 * @throws BeatplanError `MISSING_FIELD` (roster columns), `INFEASIBLE` (too few officers)…
 */
export async function staffPlan(planJson: string, roster: { path: string; fileName: string }, onProgress?: ProgressFn): Promise<Record<string, unknown>> {
  const { grid, plan, scores, extra } = loadPlanJson(planJson);
  const { officers, report: rosterReport } = await readRoster(roster.path, { fileName: roster.fileName });
  const metrics = evaluatePlan(grid, plan, scores);
  const input = staffingInputFromPlan({
    shifts: scores.shifts,
    beatIds: plan.beatIds,
    beatOfCell: plan.beatOfCell,
    cellShiftWorkloadHours: scores.shiftWorkloadHours,
    cellNeedHours: scores.needHours,
    cellAreaKm2: grid.areaKm2,
    ...(plan.districtOfBeat ? { districtOfBeat: plan.districtOfBeat } : {}),
    ...(plan.districtIds ? { districtIds: plan.districtIds } : {}),
    compactnessOfBeat: metrics.perBeat.map((b: { polsbyPopper: number }) => b.polsbyPopper),
  });
  const existing = extra.existing as { ids: string[]; beatOfCell: number[] } | null | undefined;
  let successorOf: Record<string, string> | undefined;
  if (existing && Array.isArray(existing.beatOfCell) && existing.beatOfCell.length === plan.cellCount) {
    const oldIds = existing.beatOfCell.map((b) => (b >= 0 ? existing.ids[b]! : null));
    const newIds = Array.from(plan.beatOfCell, (b: number) => (b >= 0 ? plan.beatIds[b]! : null));
    successorOf = successorRecord(beatSuccessors(oldIds, newIds));
  }
  const result = await staffBeats(input, officers, { ...(successorOf ? { successorOf } : {}), ...(onProgress ? { onProgress } : {}) });
  return { ...staffingToJson(result), roster: rosterReport };
}
