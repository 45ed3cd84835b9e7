/**
 * Planning, one use-case for `beatplan plan` and `POST /plans`: {@link planOnContext} plans beats
 * on a scored grid (or imports the current beats) with the lineage, units and districts, and
 * serializes plan.json and its metrics. What differs between the callers is in the request:
 * `method` (recorded when given), `inputs` (the provenance the caller names), and `documents`
 * (the output folder's documents: metrics.json with response and access figures, beats.geojson
 * dissolved from units, cells.csv, the current beats' metrics and comparison, equity, change
 * curve), which the CLI asks for and the API does not (it serves those figures per request).
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ProgressFn } from '../errors.js';
import { BeatplanError } from '../errors.js';
import type { LineLike } from '../geo/geojson.js';
import { polygonsOf } from '../geo/geojson.js';
import { pathLengthKm, polsbyPopper, polygonAreaKm2 } from '../geo/measure.js';
import { cellsToPolygons } from '../grid/locate.js';
import { type ChangeCurvePoint, changeCurve } from '../plan/change-curve.js';
import { comparePlans, evaluatePlan, importPlan } from '../plan/evaluate.js';
import { inheritBeatIds, type ParentPlan, type PlanLineage, parentAsInitialPlan } from '../plan/lineage.js';
import { beatsToGeojson, type PlanFromJson, planToCellsCsv } from '../plan/output.js';
import { planBeats } from '../plan/plan-beats.js';
import type { BalanceOn, BeatPlan, PlanMetrics, PlanReport } from '../plan/types.js';
import { DEFAULT_TOLERANCE } from '../plan/weights.js';
import type { RoadNetwork } from '../response/roads.js';
import { staffingInputOfPlan } from '../staff/from-plan.js';
import { requiredByShift } from '../staff/staff-beats.js';
import { type CellUnits, unitIdsOf, unitsOfCells, unitsOnGrid } from '../units/assign.js';
import { beatOfUnitFeatures, dissolveUnits, outlineProblems, unitCompactness } from '../units/dissolve.js';
import { type UnitsFromRoadsReport, unitsFromRoads } from '../units/from-roads.js';
import { equityOfPlans, type PlanEquity } from './equity.js';
import {
  type IdPolygons,
  type PlanContext,
  type PlanOptions,
  type PlanRunReport,
  parentPlanOnGrid,
  parseBalance,
  runReportOf,
  type UnitPolygons,
} from './plan.js';
import { withPlanFigures } from './plan-figures.js';
import { REQUIRED_OFFICERS_RULE } from './response.js';
import { type SerializedPlan, serializePlan } from './stored-plan.js';

/**
 * Officer-hours per week one beat carries by default when no beat count is given: one
 * officer per shift-post around the clock (168 h) at the 60% saturation target.
 */
export const DEFAULT_BEAT_WORKLOAD_HOURS = 168 * 0.6;

/** Rounds timings to 0.1 ms for reports. */
export function roundTimings<T extends Record<string, number>>(t: T): T {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) out[k] = Math.round(v * 10) / 10;
  return out as T;
}

/**
 * Polsby–Popper below which a current beat counts as a sliver and is left out of the default
 * beat count: every patrol beat of Chicago (274) and Seattle (54) measures at least 0.189;
 * Seattle's feature "99" (four strips along the north and south limits) measures 0.10.
 */
export const SLIVER_POLSBY_POPPER = 0.15;

/**
 * Features of a beats layer that are slivers: the area-weighted mean Polsby–Popper (4πA/P²
 * of each polygon part, outer ring perimeter, area net of holes, as turf measures them) is
 * below `threshold`. Returns the ids with their figure (rounded to 3 decimals), in layer order.
 * @example sliverFeatures(seattle, ids) // [{ id: '99', polsbyPopper: 0.1 }]
 */
export function sliverFeatures(
  fc: FeatureCollection<Polygon | MultiPolygon>,
  ids: readonly string[],
  threshold = SLIVER_POLSBY_POPPER,
): Array<{ id: string; polsbyPopper: number }> {
  const area = new Float64Array(ids.length);
  const weighted = new Float64Array(ids.length);
  for (const { rings, feature } of polygonsOf(fc, 'existing')) {
    const a = polygonAreaKm2(rings);
    area[feature] += a;
    weighted[feature] += a * polsbyPopper(a, pathLengthKm(rings[0]!));
  }
  const out: Array<{ id: string; polsbyPopper: number }> = [];
  ids.forEach((id, f) => {
    const pp = area[f]! > 0 ? weighted[f]! / area[f]! : 0;
    if (pp < threshold) out.push({ id, polsbyPopper: Math.round(pp * 1000) / 1000 });
  });
  return out;
}

/**
 * Ids of the beats of `plan` that hold no cell (e.g. a sliver polygon no cell centre falls
 * in at the grid's resolution), in the plan's beat order.
 * @example beatsWithoutCells(importPlan(grid, cellsToPolygons(grid, beats), ids)) // ids of beats too small for the grid
 */
export function beatsWithoutCells(plan: BeatPlan): string[] {
  const cells = new Int32Array(plan.beatIds.length);
  for (const b of plan.beatOfCell) if (b >= 0) cells[b]!++;
  return plan.beatIds.filter((_, b) => cells[b] === 0);
}

/**
 * The beat count K known before the grid is built: `beats` when given, else the number of
 * the parent plan's beats, else the number of distinct current beat ids (slivers are taken out
 * by {@link planOnContext} once the grid is known).
 * @example predecessorBeatCount(undefined, undefined, { ids: ['1', '2', '2'] }) // 2
 */
export function predecessorBeatCount(
  beats: number | undefined,
  parent: Pick<ParentPlanInput, 'parsed'> | undefined,
  existing: Pick<IdPolygons, 'ids'> | undefined,
): number | undefined {
  if (beats !== undefined) return beats;
  if (parent) return new Set(parent.parsed.plan.beatIds).size;
  if (existing) return new Set(existing.ids).size;
  return undefined;
}

/** The predecessor plan of a new plan: its plan.json parsed, how to name it, its content hash. */
export interface ParentPlanInput {
  /** The parent's plan.json as parsed (`planFromJson`, or `parsePlanJson` of the stored text). */
  parsed: PlanFromJson;
  /** e.g. `plan 0f3c… version 2`, or the `--from` path. */
  name: string;
  /** sha256 (hex) of the parent's plan.json bytes; null when unknown. */
  sha256: string | null;
}

/**
 * The output folder's documents beyond plan.json (`beatplan plan` asks for them): what they
 * need besides the plan. See {@link PlanDocuments}.
 */
export interface PlanDocumentsRequest {
  /** Meeting venues (parsed GeoJSON Points): nearest venue and walking time per beat. */
  venues?: unknown;
  /** The road graph response travel (and walks to venues) runs on (`--roads`). */
  roads?: RoadNetwork;
  /** Equity lens areas (`--areas`): equity.json. */
  areas?: Pick<IdPolygons, 'fc' | 'ids'>;
  /** Change budgets (`--change-curve`): change-curve.json; used with `startFromExisting` only. */
  curveBudgets?: number[];
  /** Where the answer is already not what was asked (e.g. an ignored option): with the plan's own shortfalls. */
  unmet?: string[];
  /** Incidents not read as asked (`ingestWarnings`): into metrics.json's warnings. */
  ingestWarnings?: string[];
  /** The caller's start on the request's clock, ms (for metrics.json's `timingsMs.total`). */
  startedAt: number;
}

/** What {@link planOnContext} plans from besides the context. */
export interface PlanRequest {
  /** `plan` (districting, default) or `import` (the existing beats as the plan); recorded in plan.json's `extra.method` when given. */
  method?: 'plan' | 'import';
  /** K (default: the parent's beats, else the current beats that hold a cell and are not slivers, else workload ÷ {@link DEFAULT_BEAT_WORKLOAD_HOURS}), tolerance, seed, balance, locks, change budget, time limit. */
  options: PlanOptions;
  /** How `options.balance` is named in errors (default `balance`; the CLI: `--balance`). */
  balanceField?: string;
  /** The current beats: evaluated as a plan, the parent when there is no `from`. */
  existing?: IdPolygons;
  /** Districts: each beat is nested in one. */
  districts?: Pick<IdPolygons, 'fc' | 'ids'>;
  /** Atomic units (census blocks…): the cells of one unit always share a beat (`unitsOfCells`). */
  units?: UnitPolygons;
  /** Road lines as parsed JSON: without `units`, the street blocks they enclose within the context's boundary are the units. */
  roadLines?: { lines: LineLike; fileName: string };
  /** The predecessor plan (lineage parent); without a units layer, its units (same grid) are kept. */
  from?: ParentPlanInput;
  /** Provenance recorded in plan.json's `extra.inputs` (file names, as the caller names its inputs). */
  inputs?: Record<string, unknown>;
  /** The output folder's documents (metrics.json with figures, beats.geojson, cells.csv…): built when given. */
  documents?: PlanDocumentsRequest;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
  /** Clock in ms for the timings (default `performance.now`). */
  now?: () => number;
}

/** The output folder of `beatplan plan`: documents and what to report, from {@link planOnContext} with `documents`. */
export interface PlanDocuments {
  /** metrics.json: the plan's metrics with response and access figures, timings, change, units and warnings. */
  metrics: ReturnType<typeof withPlanFigures> & Record<string, unknown>;
  /** beats.geojson: the dissolve of the unit polygons with a units layer, else the hex outlines. */
  beatsGeojson: unknown;
  /** beats-cells.geojson (the hex outlines), with a units layer. */
  beatsCellsGeojson?: unknown;
  /** cells.csv: one row per cell with its beat, unit and scores. */
  cellsCsv: string;
  /** existing-metrics.json and comparison.json (with `existing`). */
  existing?: {
    metrics: ReturnType<typeof withPlanFigures>;
    comparison: Pick<ReturnType<typeof comparePlans>, 'deltas' | 'beats'> & { changedCells: { count: number; share: number } };
  };
  /** equity.json (with `areas`). */
  equity?: PlanEquity;
  /** change-curve.json (with `curveBudgets` and a start plan). */
  curve?: { tolerance: number; balanceOn: BalanceOn; points: ChangeCurvePoint[] };
  /** Where the plan is not what was asked (warnings; exit 3 with --strict), ingest warnings not included. */
  unmet: string[];
  /** Warnings of the response figures, of the plan and of the current beats. */
  figureWarnings: { plan: string[]; existing: string[] };
}

/** What {@link planOnContext} returns: plan.json and its metrics (the stored plan), and what to report. */
export interface PlannedOnContext extends SerializedPlan {
  /** The planning report as plan.json's callers keep it; null for an import. */
  report: PlanRunReport | null;
  /** The full planning report (`planBeats`); null for an import. */
  planReport: PlanReport | null;
  /** The beat count planned. */
  beats: number;
  plan: BeatPlan;
  /** Lineage when there is a parent (`from`, else `existing`). */
  lineage?: PlanLineage;
  units?: CellUnits;
  streetBlocks?: UnitsFromRoadsReport;
  /** Current beats left out of the default K, with the reason (in plan.json). */
  notCountedInK: Array<{ id: string; why: string }>;
  /** Districting time, ms. */
  planMs: number;
  /** With `documents` in the request. */
  documents?: PlanDocuments;
}

/**
 * Plans beats on a context (or imports the existing beats) and serializes plan.json with its
 * provenance in `extra` (method when given, seed, tolerance, balance, beats left out of K,
 * inputs, incidents, period, report, the existing beats) and its metrics. With a parent
 * (`from`, else `existing`) the beats inherit its ids and plan.json records the lineage; with
 * units (a layer, street blocks from `roadLines`, or the parent's units on the same grid) the
 * cells of one unit share a beat. With `documents`, also the output folder's documents.
 * @throws BeatplanError `BAD_INPUT` (import without existing beats, a bad balance), from
 *   planning (`INFEASIBLE`, `ABORTED`…), from the unit readers
 * @example const { planJson, metrics } = planOnContext(ctx, { method: 'plan', options: { beats: 25 } });
 */
export function planOnContext(ctx: PlanContext, request: PlanRequest): PlannedOnContext {
  const { grid, scores } = ctx;
  const { options, existing, from } = request;
  const method = request.method ?? 'plan';
  const now = request.now ?? (() => performance.now());
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const balanceOn = parseBalance(
    options.balance,
    scores.shifts.map((s) => s.id),
    request.balanceField ?? 'balance',
  );
  const existingPlan = existing ? importPlan(grid, cellsToPolygons(grid, existing.fc), existing.ids) : undefined;
  if (method === 'import' && !existingPlan)
    throw new BeatplanError('BAD_INPUT', 'importing needs the existing beats', { field: 'existing' });
  const { beats, notCountedInK } =
    method === 'import'
      ? { beats: existingPlan!.beatIds.length, notCountedInK: [] }
      : beatCountOf(ctx, options.beats, from, existing, existingPlan);
  // Lineage: the parent is `from`, else the existing beats (their ids are inherited).
  const parent: ParentPlan | undefined = from
    ? parentPlanOnGrid(grid, from.parsed, from.name, from.sha256)
    : existingPlan && existing
      ? {
          kind: 'existing',
          name: existing.fileName,
          sha256: existing.sha256,
          beatIds: existingPlan.beatIds,
          beatOfCell: existingPlan.beatOfCell,
        }
      : undefined;
  const initial = !options.startFromExisting ? undefined : from ? parentAsInitialPlan(grid, parent!) : existingPlan;
  const districtOfCell = request.districts ? cellsToPolygons(grid, request.districts.fc) : undefined;
  // Atomic units: the cells of one unit always share a beat; with roads and no units layer, the street blocks.
  const streetBlocks =
    method === 'plan' && !request.units && request.roadLines && ctx.boundary
      ? unitsFromRoads(request.roadLines.lines, ctx.boundary)
      : undefined;
  const unitsLayer = method === 'plan' ? (request.units?.fc ?? streetBlocks?.blocks) : undefined;
  const unitsIdField = request.units?.idField;
  // without a layer, a parent planned on units keeps them (same grid only)
  const units = unitsLayer
    ? unitsOfCells(grid, unitsLayer, {
        ...(unitsIdField !== undefined ? { idField: unitsIdField } : {}),
        file: request.units?.fileName ?? request.roadLines?.fileName,
      })
    : method === 'plan' && from
      ? unitsOnGrid(grid, from.parsed.h3, from.parsed.plan.units)
      : undefined;

  const t0 = now();
  let plan: BeatPlan;
  let planReport: PlanReport | null = null;
  if (method === 'import') plan = existingPlan!;
  else {
    const r = planBeats(grid, scores, {
      beats,
      tolerance,
      balanceOn,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(units ? { units } : {}),
      ...(districtOfCell ? { districts: districtOfCell, districtIds: request.districts!.ids } : {}),
      ...(initial ? { initial } : {}),
      ...(options.maxChange !== undefined ? { maxChange: options.maxChange } : {}),
      ...(options.locked ? { locked: options.locked } : {}),
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
      ...(options.cutEdgeWeight !== undefined ? { cutEdgeWeight: options.cutEdgeWeight } : {}),
      ...(options.changePenalty !== undefined ? { changePenalty: options.changePenalty } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    plan = r.plan;
    planReport = r.report;
  }
  const planMs = now() - t0;
  // planned from the parent: its beats are the parent's, under the parent's ids (no re-matching)
  const inherited =
    method === 'plan' && parent ? inheritBeatIds(plan, parent, scores.workloadHours, { keepIds: initial !== undefined }) : undefined;
  if (inherited) plan = inherited.plan;
  const report = planReport ? runReportOf(planReport) : null;
  const extra = {
    ...(request.method !== undefined ? { method } : {}),
    seed: options.seed ?? null,
    tolerance,
    balanceOn,
    ...(notCountedInK.length ? { notCountedInK } : {}),
    ...(request.inputs ? { inputs: request.inputs } : {}),
    incidents: { read: ctx.ingest.read, used: ctx.ingest.used, rejected: ctx.ingest.rejected, times: ctx.ingest.times },
    ...(ctx.areaCounts ? { incidentCounts: ctx.areaCounts } : {}),
    periodWeeks: scores.periodWeeks,
    // the report as plan.json has always kept it: the shortfalls (unmet) and timedOut go with the job's report and metrics.json's warnings
    report: report ? (({ unmet: _u, timedOut: _t, ...kept }) => kept)(report) : null,
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
  };
  const timings = { ...ctx.timingsMs, plan: planMs };
  const t = now();
  const serialized = serializePlan(grid, plan, scores, extra, timings, inherited?.lineage);
  const evaluateMs = now() - t;
  const documents = request.documents
    ? planDocuments(ctx, request.documents, {
        plan,
        metrics: serialized.metrics,
        report: planReport,
        units,
        unitsLayer,
        unitsIdField,
        streetBlocks: streetBlocks?.report,
        existingPlan,
        initial,
        districtOfCell,
        districtIds: request.districts?.ids,
        beats,
        tolerance,
        balanceOn,
        seed: options.seed,
        timeLimitMs: options.timeLimitMs,
        timings: { ...timings, evaluate: evaluateMs },
        now,
      })
    : undefined;
  return {
    ...serialized,
    report,
    planReport,
    beats,
    plan,
    ...(inherited ? { lineage: inherited.lineage } : {}),
    ...(units ? { units } : {}),
    ...(streetBlocks ? { streetBlocks: streetBlocks.report } : {}),
    notCountedInK,
    planMs,
    ...(documents ? { documents } : {}),
  };
}

/**
 * The beat count of a plan: `beats` when given, else the parent's beats, else the current
 * beats that hold a grid cell and are not slivers (named in `notCountedInK`), else the total
 * workload ÷ {@link DEFAULT_BEAT_WORKLOAD_HOURS} (at least 1, at most one beat per 20 cells).
 */
function beatCountOf(
  ctx: PlanContext,
  given: number | undefined,
  from: ParentPlanInput | undefined,
  existing: IdPolygons | undefined,
  existingPlan: BeatPlan | undefined,
): { beats: number; notCountedInK: Array<{ id: string; why: string }> } {
  const beats = predecessorBeatCount(given, from, existing);
  if (beats === undefined) {
    const byWorkload = Math.round(ctx.score.totalWorkloadHours / DEFAULT_BEAT_WORKLOAD_HOURS);
    return { beats: Math.max(1, Math.min(byWorkload, Math.floor(ctx.grid.cellCount / 20))), notCountedInK: [] };
  }
  if (given !== undefined || from || !existing || !existingPlan) return { beats, notCountedInK: [] };
  // K = the current beats that hold a grid cell and are not slivers (Seattle's "99")
  const notCountedInK = [
    ...beatsWithoutCells(existingPlan).map((id) => ({ id, why: 'no grid cell' })),
    ...sliverFeatures(existing.fc, existing.ids).map((s) => ({
      id: s.id,
      why: `sliver: Polsby-Popper ${s.polsbyPopper} < ${SLIVER_POLSBY_POPPER}`,
    })),
  ];
  if (notCountedInK.length === 0) return { beats, notCountedInK };
  const ignoredIds = new Set(notCountedInK.map((s) => s.id));
  return { beats: Math.max(1, existingPlan.beatIds.filter((id) => !ignoredIds.has(id)).length), notCountedInK };
}

/** What {@link planDocuments} builds the documents from: the plan as {@link planOnContext} made it. */
interface PlannedParts {
  plan: BeatPlan;
  metrics: PlanMetrics;
  report: PlanReport | null;
  units: CellUnits | undefined;
  unitsLayer: FeatureCollection<Polygon | MultiPolygon> | undefined;
  unitsIdField: string | undefined;
  streetBlocks: UnitsFromRoadsReport | undefined;
  existingPlan: BeatPlan | undefined;
  initial: BeatPlan | undefined;
  districtOfCell: Int32Array | undefined;
  districtIds: string[] | undefined;
  beats: number;
  tolerance: number;
  balanceOn: BalanceOn;
  seed: number | string | undefined;
  timeLimitMs: number | undefined;
  /** Stage times so far, ms. */
  timings: PlanContext['timingsMs'] & { plan: number; evaluate: number };
  now: () => number;
}

/**
 * The output folder's documents of a plan: metrics.json with the response and access figures
 * (under the officers the time model requires, so the plan and the current beats compare
 * fairly), beats.geojson (the dissolve of the unit polygons with a units layer), cells.csv, the
 * current beats' metrics and the comparison, equity.json and change-curve.json.
 */
function planDocuments(ctx: PlanContext, request: PlanDocumentsRequest, p: PlannedParts): PlanDocuments {
  const { grid, scores } = ctx;
  const { plan, report, units, unitsLayer, existingPlan, balanceOn, tolerance, now } = p;
  const figures = (bp: BeatPlan, m: PlanMetrics, warnings: string[]) =>
    withPlanFigures(
      grid,
      bp,
      scores,
      m,
      requiredByShift(staffingInputOfPlan(grid, bp, scores, { metrics: m })),
      REQUIRED_OFFICERS_RULE,
      request.venues,
      (w) => warnings.push(w),
      { roads: request.roads },
    );
  const figureWarnings = { plan: [] as string[], existing: [] as string[] };
  let t = now();
  const withFigures = figures(plan, p.metrics, figureWarnings.plan);
  const responseMs = now() - t;
  t = now();
  // With units, beats.geojson is the dissolve of each beat's unit polygons (the hex outline goes to beats-cells.geojson).
  const unitBeats =
    units && unitsLayer
      ? dissolveUnits(
          unitsLayer,
          beatOfUnitFeatures(unitIdsOf(unitsLayer.features, { idField: p.unitsIdField }), units, plan.beatOfCell),
          plan.beatIds,
          { boundary: ctx.boundary, properties: (b) => withFigures.perBeat[b]! },
        )
      : undefined;
  // a bad outline is said, never written silently (warning; exit 3 with --strict)
  const outlineIssues = unitBeats ? outlineProblems(unitBeats).map((x) => `beats.geojson: ${x}`) : [];
  const dissolveMs = unitBeats ? now() - t : undefined;
  const unmet = [...(report?.unmet ?? []), ...(request.unmet ?? []), ...outlineIssues];
  const metrics = {
    ...withFigures,
    // Polsby-Popper on cells (the DESIGN contract) and, with units, on the dissolved unit outlines
    compactness: unitBeats ? { ...withFigures.compactness, units: unitCompactness(unitBeats) } : withFigures.compactness,
    timingsMs: roundTimings({
      ...p.timings,
      response: responseMs,
      ...(dissolveMs !== undefined ? { dissolve: dissolveMs } : {}),
      total: now() - request.startedAt,
    }),
    change: report?.change ?? null,
    ...(p.streetBlocks ? { streetBlocks: p.streetBlocks } : {}),
    ...(units && report?.units
      ? {
          units: {
            ...report.units,
            features: units.report?.features ?? null,
            uncoveredCells: units.report?.uncoveredCells ?? 0,
            merged: units.report?.mergedUnits ?? [],
            split: units.report?.splitUnits ?? [],
          },
        }
      : {}),
    warnings: [...(report?.warnings ?? []), ...unmet, ...(request.ingestWarnings ?? [])],
  };

  let existingOut: PlanDocuments['existing'];
  if (existingPlan) {
    const existingMetrics = figures(
      existingPlan,
      evaluatePlan(grid, existingPlan, scores, {
        balanceOn,
        tolerance,
        timingsMs: { grid: ctx.timingsMs.grid, score: ctx.timingsMs.score },
      }),
      figureWarnings.existing,
    );
    const cmp = comparePlans(grid, existingPlan, plan, scores, { balanceOn, tolerance });
    existingOut = {
      metrics: existingMetrics,
      comparison: { changedCells: { count: cmp.changedCells.count, share: cmp.changedCells.share }, deltas: cmp.deltas, beats: cmp.beats },
    };
  }
  // Equity lens: officer, community and reactive hours per area, current beats vs plan (the API's GET /plans/{id}/equity).
  const equity = request.areas ? equityOfPlans(grid, scores, plan, request.areas, existingPlan) : undefined;
  let curve: PlanDocuments['curve'];
  if (request.curveBudgets && p.initial) {
    const c = changeCurve(grid, scores, p.initial, request.curveBudgets, {
      beats: p.beats,
      tolerance,
      ...(p.seed !== undefined ? { seed: p.seed } : {}),
      balanceOn,
      ...(p.districtOfCell ? { districts: p.districtOfCell, districtIds: p.districtIds } : {}),
      ...(p.timeLimitMs !== undefined ? { timeLimitMs: p.timeLimitMs } : {}),
      ...(units ? { units } : {}),
    });
    curve = { tolerance: c.tolerance, balanceOn, points: [...c.points] };
  }
  return {
    metrics,
    beatsGeojson: unitBeats ?? beatsToGeojson(grid, plan, metrics),
    ...(unitBeats ? { beatsCellsGeojson: beatsToGeojson(grid, plan, metrics) } : {}),
    cellsCsv: planToCellsCsv(grid, plan, scores),
    ...(existingOut ? { existing: existingOut } : {}),
    ...(equity ? { equity } : {}),
    ...(curve ? { curve } : {}),
    unmet,
    figureWarnings,
  };
}
