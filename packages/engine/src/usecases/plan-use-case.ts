/**
 * The `beatplan plan` use-case: everything between reading the inputs and writing the outputs
 * (the beat count K, the lineage parent, atomic units or street blocks, districting, response
 * figures, the dissolved unit outlines, the current beats' metrics and comparison, the equity
 * lens and the change curve). Pure: the command reads the files, calls {@link planCity} once,
 * writes what it returns and prints.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { ProgressFn } from '../errors.js';
import type { LineLike } from '../geo/geojson.js';
import { polygonsOf } from '../geo/geojson.js';
import { pathLengthKm, polsbyPopper, polygonAreaKm2 } from '../geo/measure.js';
import { cellsToPolygons } from '../grid/locate.js';
import type { LoadedCity } from '../io/load-city.js';
import { type ChangeCurvePoint, changeCurve } from '../plan/change-curve.js';
import { comparePlans, evaluatePlan, importPlan } from '../plan/evaluate.js';
import { inheritBeatIds, type ParentPlan, type PlanLineage, parentAsInitialPlan } from '../plan/lineage.js';
import { beatsToGeojson, type PlanFromJson, planToCellsCsv, planToJson } from '../plan/output.js';
import { planBeats } from '../plan/plan-beats.js';
import type { BalanceOn, BeatPlan, PlanMetrics, PlanReport } from '../plan/types.js';
import type { RoadNetwork } from '../response/roads.js';
import { staffingInputOfPlan } from '../staff/from-plan.js';
import { requiredByShift } from '../staff/staff-beats.js';
import { type CellUnits, unitIdsOf, unitsOfCells, unitsOnGrid } from '../units/assign.js';
import { beatOfUnitFeatures, dissolveUnits, outlineProblems, unitCompactness } from '../units/dissolve.js';
import { type UnitsFromRoadsReport, unitsFromRoads } from '../units/from-roads.js';
import { equityOfPlans, type PlanEquity } from './equity.js';
import { type IdPolygons, parentPlanOnGrid, parseBalance } from './plan.js';
import { withPlanFigures } from './plan-figures.js';
import { REQUIRED_OFFICERS_RULE } from './response.js';

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

/** A parent `plan.json` as read for `--from`: its content hash and parsed plan. */
export interface ParentPlanFile {
  /** sha256 (hex) of the file's bytes as read. */
  sha256: string;
  parsed: PlanFromJson;
  resolution: number;
}

/**
 * The beat count K known before the grid is built: `beats` when given, else the number of
 * the parent plan's beats, else the number of distinct current beat ids (slivers are taken out
 * by {@link planCity} once the grid is known).
 * @example predecessorBeatCount(undefined, undefined, { ids: ['1', '2', '2'] }) // 2
 */
export function predecessorBeatCount(
  beats: number | undefined,
  parent: ParentPlanFile | undefined,
  existing: Pick<IdPolygons, 'ids'> | undefined,
): number | undefined {
  if (beats !== undefined) return beats;
  if (parent) return new Set(parent.parsed.plan.beatIds).size;
  if (existing) return new Set(existing.ids).size;
  return undefined;
}

/** What {@link planCity} plans from, besides the loaded city. */
export interface CityPlanRequest {
  /** `--beats K`; default: the parent's beats, else the current beats that hold a cell and are not slivers, else workload ÷ {@link DEFAULT_BEAT_WORKLOAD_HOURS}. */
  beats?: number;
  tolerance: number;
  seed: number;
  /** `--balance` as given (see {@link parseBalance}). */
  balance?: string;
  /** The current beats (`--existing`), with the file name and sha256 of its bytes. */
  existing?: IdPolygons;
  /** The predecessor plan (`--from`) and the name it is recorded under. */
  from?: { file: ParentPlanFile; name: string };
  districts?: Pick<IdPolygons, 'fc' | 'ids'>;
  /** Atomic unit polygons (`--units FILE[:ID]`). */
  units?: { fc: FeatureCollection<Polygon | MultiPolygon>; idField?: string; file: string };
  /** Road lines (`--roads`) as parsed JSON: without `units`, the street blocks they enclose are the units. */
  roadLines?: { lines: LineLike; file: string };
  /** The road graph response travel runs on (`--roads`). */
  roads?: RoadNetwork;
  /** Meeting venues (`--venues`) as parsed JSON. */
  venues?: unknown;
  /** Equity lens areas (`--areas`). */
  areas?: Pick<IdPolygons, 'fc' | 'ids'>;
  startFromExisting?: boolean;
  maxChange?: number;
  locked?: string[];
  timeLimitMs?: number;
  /** Change budgets (`--change-curve`); used with `startFromExisting` only. */
  curveBudgets?: number[];
  /** Where the answer is already not what was asked (warnings; exit 3 with --strict), e.g. an ignored option. */
  unmet?: string[];
  /** Incidents not read as asked (`ingestWarnings`): into metrics.json's warnings. */
  ingestWarnings?: string[];
  /** Provenance recorded in plan.json's `extra.inputs` (file names). */
  inputs: Record<string, unknown>;
  onProgress?: ProgressFn;
  /** Clock, ms; `startedAt` is the command's start on it (for `timingsMs.total`). */
  now: () => number;
  startedAt: number;
}

/** What {@link planCity} returns: the documents to write and what to report. */
export interface CityPlan {
  /** The beat count planned. */
  beats: number;
  plan: BeatPlan;
  report: PlanReport;
  /** Lineage when there is a parent (`--from`, else `--existing`). */
  lineage?: PlanLineage;
  units?: CellUnits;
  streetBlocks?: UnitsFromRoadsReport;
  /** Current beats left out of the default K, with the reason (in plan.json). */
  notCountedInK: Array<{ id: string; why: string }>;
  /** Documents: plan.json, beats.geojson (the unit outlines with units), beats-cells.geojson (with units), cells.csv, metrics.json. */
  planJson: unknown;
  beatsGeojson: unknown;
  beatsCellsGeojson?: unknown;
  cellsCsv: string;
  metrics: ReturnType<typeof withPlanFigures> & Record<string, unknown>;
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
  /** Districting time, ms. */
  planMs: number;
}

/**
 * Plans beats on a loaded city as `beatplan plan` does, and builds every output document.
 * With a parent (`from`, else `existing`) the beats inherit its ids and plan.json records the
 * lineage; with units (or street blocks from `roadLines`, or the parent's units on the same
 * grid) the cells of one unit share a beat and beats.geojson is the dissolve of the units.
 * @throws BeatplanError `BAD_INPUT` (a bad balance), from planning (`INFEASIBLE`…), from the unit readers
 * @example const r = planCity(city, { tolerance: 0.025, seed: 1, inputs: {}, now: () => 0, startedAt: 0 });
 */
export function planCity(city: LoadedCity, request: CityPlanRequest): CityPlan {
  const { grid, score } = city;
  const scores = score.scores;
  const { tolerance, seed, existing, timeLimitMs } = request;
  const parentFile = request.from?.file;
  let beats = predecessorBeatCount(request.beats, parentFile, existing);
  const beatsFromExisting = request.beats === undefined && !parentFile && existing !== undefined;
  if (beats === undefined) {
    beats = Math.max(
      1,
      Math.min(Math.round(score.report.totalWorkloadHours / DEFAULT_BEAT_WORKLOAD_HOURS), Math.floor(grid.cellCount / 20)),
    );
  }
  const balanceOn = parseBalance(
    request.balance,
    scores.shifts.map((s) => s.id),
  );
  const existingPlan = existing ? importPlan(grid, cellsToPolygons(grid, existing.fc), existing.ids) : undefined;
  let notCountedInK: Array<{ id: string; why: string }> = [];
  if (beatsFromExisting && existingPlan && existing) {
    // K = the current beats that hold a grid cell and are not slivers (Seattle's "99")
    notCountedInK = [
      ...beatsWithoutCells(existingPlan).map((id) => ({ id, why: 'no grid cell' })),
      ...sliverFeatures(existing.fc, existing.ids).map((s) => ({
        id: s.id,
        why: `sliver: Polsby-Popper ${s.polsbyPopper} < ${SLIVER_POLSBY_POPPER}`,
      })),
    ];
    const ignoredIds = new Set(notCountedInK.map((s) => s.id));
    if (notCountedInK.length > 0) beats = Math.max(1, existingPlan.beatIds.filter((id) => !ignoredIds.has(id)).length);
  }
  // Lineage: the parent is --from, else the --existing layer (its beats' ids are inherited).
  const parent: ParentPlan | undefined = request.from
    ? parentPlanOnGrid(grid, request.from.file.parsed, request.from.name, request.from.file.sha256)
    : existingPlan && existing
      ? {
          kind: 'existing',
          name: existing.fileName,
          sha256: existing.sha256,
          beatIds: existingPlan.beatIds,
          beatOfCell: existingPlan.beatOfCell,
        }
      : undefined;
  const initialPlan = !request.startFromExisting ? undefined : parentFile ? parentAsInitialPlan(grid, parent!) : existingPlan;
  const districts = request.districts ? cellsToPolygons(grid, request.districts.fc) : undefined;
  const districtIds = request.districts?.ids;

  // Atomic units: the cells of one unit always share a beat; with roads and no units layer, the street blocks.
  const streetBlocks =
    !request.units && request.roadLines && city.boundary ? unitsFromRoads(request.roadLines.lines, city.boundary) : undefined;
  const unitsLayer = request.units?.fc ?? streetBlocks?.blocks;
  const unitsIdField = request.units?.idField;
  // without a layer, a --from parent planned on units keeps them (same grid only)
  const units = unitsLayer
    ? unitsOfCells(grid, unitsLayer, { idField: unitsIdField, file: request.units?.file ?? request.roadLines?.file })
    : parentFile
      ? unitsOnGrid(grid, parentFile.parsed.h3, parentFile.parsed.plan.units)
      : undefined;

  const { now } = request;
  let t = now();
  const { plan: planned, report } = planBeats(grid, scores, {
    units,
    beats,
    tolerance,
    seed,
    balanceOn,
    districts,
    districtIds,
    initial: initialPlan,
    maxChange: request.maxChange,
    locked: request.locked,
    timeLimitMs,
    onProgress: request.onProgress,
  });
  const planMs = now() - t;
  // planned from the parent: its beats are the parent's, under the parent's ids (no re-matching)
  const inherited = parent ? inheritBeatIds(planned, parent, scores.workloadHours, { keepIds: initialPlan !== undefined }) : undefined;
  const plan = inherited?.plan ?? planned;

  t = now();
  const timings = { grid: city.timingsMs.grid, ingest: city.timingsMs.ingest, score: city.timingsMs.score, plan: planMs };
  // Response and access under one staffing rule, so the plan and the current beats compare fairly.
  const figures = (p: BeatPlan, m: PlanMetrics, warnings: string[]) =>
    withPlanFigures(
      grid,
      p,
      scores,
      m,
      requiredByShift(staffingInputOfPlan(grid, p, scores, { metrics: m })),
      REQUIRED_OFFICERS_RULE,
      request.venues,
      (w) => warnings.push(w),
      { roads: request.roads },
    );
  const figureWarnings = { plan: [] as string[], existing: [] as string[] };
  const planMetrics = evaluatePlan(grid, plan, scores, { balanceOn, tolerance });
  const evaluateMs = now() - t;
  t = now();
  const withFigures = figures(plan, planMetrics, figureWarnings.plan);
  const responseMs = now() - t;
  t = now();
  // With units, beats.geojson is the dissolve of each beat's unit polygons (the hex outline goes to beats-cells.geojson).
  const unitBeats =
    units && unitsLayer
      ? dissolveUnits(
          unitsLayer,
          beatOfUnitFeatures(unitIdsOf(unitsLayer.features, { idField: unitsIdField }), units, plan.beatOfCell),
          plan.beatIds,
          { boundary: city.boundary, properties: (b) => withFigures.perBeat[b]! },
        )
      : undefined;
  // a bad outline is said, never written silently (warning; exit 3 with --strict)
  const outlineIssues = unitBeats ? outlineProblems(unitBeats).map((p) => `beats.geojson: ${p}`) : [];
  const dissolveMs = unitBeats ? now() - t : undefined;
  const unmet = [...report.unmet, ...(request.unmet ?? []), ...outlineIssues];
  const metrics = {
    ...withFigures,
    // Polsby-Popper on cells (the DESIGN contract) and, with units, on the dissolved unit outlines
    compactness: unitBeats ? { ...withFigures.compactness, units: unitCompactness(unitBeats) } : withFigures.compactness,
    timingsMs: roundTimings({
      ...timings,
      evaluate: evaluateMs,
      response: responseMs,
      ...(dissolveMs !== undefined ? { dissolve: dissolveMs } : {}),
      total: now() - request.startedAt,
    }),
    change: report.change ?? null,
    ...(streetBlocks ? { streetBlocks: streetBlocks.report } : {}),
    ...(units && report.units
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
    warnings: [...report.warnings, ...unmet, ...(request.ingestWarnings ?? [])],
  };

  const extra = {
    seed,
    tolerance,
    balanceOn,
    ...(notCountedInK.length ? { notCountedInK } : {}),
    inputs: request.inputs,
    incidents: { read: city.ingest.read, used: city.ingest.used, rejected: city.ingest.rejected, times: city.ingest.times },
    ...(city.areaCounts ? { incidentCounts: city.areaCounts } : {}),
    periodWeeks: scores.periodWeeks,
    report: {
      method: report.method,
      movedShare: report.movedShare ?? null,
      warnings: report.warnings,
      islands: report.islands,
      iterations: report.iterations,
    },
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
  };

  let existingOut: CityPlan['existing'];
  if (existingPlan) {
    const existingMetrics = figures(
      existingPlan,
      evaluatePlan(grid, existingPlan, scores, { balanceOn, tolerance, timingsMs: { grid: timings.grid, score: timings.score } }),
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
  let curve: CityPlan['curve'];
  if (request.curveBudgets && initialPlan) {
    const c = changeCurve(grid, scores, initialPlan, request.curveBudgets, {
      beats,
      tolerance,
      seed,
      balanceOn,
      districts,
      districtIds,
      timeLimitMs,
      units,
    });
    curve = { tolerance: c.tolerance, balanceOn, points: [...c.points] };
  }

  return {
    beats,
    plan,
    report,
    ...(inherited ? { lineage: inherited.lineage } : {}),
    ...(units ? { units } : {}),
    ...(streetBlocks ? { streetBlocks: streetBlocks.report } : {}),
    notCountedInK,
    planJson: planToJson(grid, plan, scores, extra, inherited?.lineage),
    beatsGeojson: unitBeats ?? beatsToGeojson(grid, plan, metrics),
    ...(unitBeats ? { beatsCellsGeojson: beatsToGeojson(grid, plan, metrics) } : {}),
    cellsCsv: planToCellsCsv(grid, plan, scores),
    metrics,
    ...(existingOut ? { existing: existingOut } : {}),
    ...(equity ? { equity } : {}),
    ...(curve ? { curve } : {}),
    unmet,
    figureWarnings,
    planMs,
  };
}
