/**
 * The parts the planning use-cases share (the context a plan is made on, the balance measure,
 * the predecessor plan as a lineage parent, the planning options and report) and the use-cases
 * on a stored plan: re-plan the unlocked beats, the change curve, cells.csv. Planning itself is
 * `planOnContext` (./plan-use-case.ts), the one call behind `beatplan plan` and `POST /plans`.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError, type ProgressFn } from '../errors.js';
import type { Grid } from '../grid/index.js';
import type { IngestReport } from '../io/incident-table-builder.js';
import type { LoadedCity } from '../io/load-city.js';
import type { AreaCountsReport } from '../io/read-area-counts.js';
import {
  type BalanceOn,
  type BeatPlan,
  type ChangeCurvePoint,
  changeCurve,
  mapParentOntoGrid,
  type ParentPlan,
  type PlanFromJson,
  type PlanReport,
  planBeats,
  planFromJson,
  planToCellsCsv,
} from '../plan/index.js';
import { aggregateCounts, type CellScores, cellsToCsv, type ScoreResult } from '../score/index.js';
import { evaluationOptionsOf, loadPlanJson, type SerializedPlan, serializeEditedPlan } from './stored-plan.js';

/** Grid, scores and the reports of building them: what every plan computation runs on. */
export interface PlanContext {
  grid: Grid;
  scores: CellScores;
  /** The incident reader's report (rows read, used, rejected by reason, how times were read). */
  ingest: IngestReport;
  /** The scoring report (`scoreCells`). */
  score: ScoreResult['report'];
  /** Stage times, ms: building the grid, reading the incidents (`ingest`), scoring the cells. */
  timingsMs: { grid: number; ingest?: number; score: number };
  /** The city limits the grid was built from: street blocks (`roadLines`) and unit outlines are clipped to it. */
  boundary?: FeatureCollection<Polygon | MultiPolygon>;
  /** What the incident-counts layer read, when one was given (recorded in plan.json's `extra.incidentCounts`). */
  areaCounts?: AreaCountsReport;
}

/**
 * The context of a loaded city (`loadCity`): its grid, scores, reports, boundary and stage times.
 * @example const ctx = planContextOfCity(await loadCity(inputs)); planOnContext(ctx, { options: { beats: 25 } })
 */
export function planContextOfCity(city: LoadedCity): PlanContext {
  const { grid, score, ingest, timingsMs, boundary, areaCounts } = city;
  return {
    grid,
    scores: score.scores,
    ingest,
    score: score.report,
    timingsMs: { grid: timingsMs.grid, ingest: timingsMs.ingest, score: timingsMs.score },
    ...(boundary ? { boundary } : {}),
    ...(areaCounts ? { areaCounts } : {}),
  };
}

/**
 * Parses a balance measure: `total` (default), `shift:ID` (one shift's workload) or `mix:W,N`
 * (workload and need weighted W:N) — the CLI's `--balance` and the API's `balance`.
 * @param field named in the error (`--balance`, `balance`)
 * @throws BeatplanError `BAD_INPUT` naming `field` (unknown shift, bad form)
 * @example parseBalance('shift:16-24', ['0-8', '8-16', '16-24']) // { shift: 2 }
 */
export function parseBalance(spec: string | undefined, shiftIds: readonly string[], field = '--balance'): BalanceOn {
  if (spec === undefined || spec === 'total') return 'total';
  const shift = /^shift:(.+)$/.exec(spec);
  if (shift) {
    const k = shiftIds.indexOf(shift[1]!);
    if (k < 0)
      throw new BeatplanError('BAD_INPUT', `${field} names unknown shift; shifts are ${shiftIds.join(', ')}`, { field, value: spec });
    return { shift: k };
  }
  const mix = /^mix:([\d.]+),([\d.]+)$/.exec(spec);
  if (mix) return { mix: { workload: Number(mix[1]), need: Number(mix[2]) } };
  throw new BeatplanError('BAD_INPUT', `${field} must be total, shift:ID or mix:W,N`, { field, value: spec });
}

/**
 * A predecessor plan as the lineage parent of a plan on `grid`: its beats mapped onto the grid
 * (H3 equality, else the parent cell holding the cell's centre), its used ids and generation.
 * @param sha256 content hash of the parent's plan.json bytes (hex), null when unknown
 * @example parentPlanOnGrid(grid, planFromJson(json), 'plan A version 2', hash)
 */
export function parentPlanOnGrid(grid: Grid, parsed: PlanFromJson, name: string, sha256: string | null): ParentPlan {
  const { plan, h3, lineage } = parsed;
  return {
    kind: 'plan',
    name,
    sha256,
    beatIds: plan.beatIds,
    beatOfCell: mapParentOntoGrid(grid, { h3, resolution: plan.resolution, beatOfCell: plan.beatOfCell }),
    ancestorIds: lineage?.usedIds ?? [],
    generation: lineage?.generation ?? 0,
  };
}

/** Polygons with an id per feature (current beats, districts), as read from a file. */
export interface IdPolygons {
  fc: FeatureCollection<Polygon | MultiPolygon>;
  /** Id of each feature, in feature order. */
  ids: string[];
  /** File name, for messages and the lineage. */
  fileName: string;
  /** sha256 (hex) of the file's bytes, null when unknown. */
  sha256: string | null;
}

/** Atomic unit polygons as read from a file, with the property holding their ids. */
export interface UnitPolygons {
  fc: FeatureCollection<Polygon | MultiPolygon>;
  /** Property holding the unit id; default the feature id, else its 1-based position. */
  idField?: string;
  /** File name, for messages. */
  fileName: string;
}

/** Planning options (the CLI's `plan` flags, the API's plan request fields). */
export interface PlanOptions {
  /** Number of beats K. Default: the parent's or the existing beats' count. */
  beats?: number;
  /** Balance band ±ε around the mean workload (default 0.025). */
  tolerance?: number;
  seed?: number | string;
  /** What is balanced: `total`, `shift:ID`, `mix:W,N` (see {@link parseBalance}); default `total`. */
  balance?: string;
  /** Beats of the start plan kept exactly as they are. */
  locked?: string[];
  /** Time budget of the local search, ms. */
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

/** The planning report kept in plan.json's `extra.report` and returned with a plan. */
export interface PlanRunReport {
  method: PlanReport['method'];
  movedShare: number | null;
  warnings: PlanReport['warnings'];
  /** Where the plan is not what was asked (beats outside the band, a change budget exceeded with the reason): the CLI's warnings that exit 3 under --strict. */
  unmet?: PlanReport['unmet'];
  islands?: PlanReport['islands'];
  iterations: PlanReport['iterations'];
  timedOut: PlanReport['timedOut'];
  /** Ids of the beats kept as they were (re-plans). */
  locked?: string[];
}

/**
 * The planning report as a plan's callers keep it (`planBeats`' report, the per-beat figures
 * left out): what the API stores with a version and returns with a planning job.
 * @example runReportOf(planBeats(grid, scores, { beats: 25 }).report).movedShare // null without a start plan
 */
export function runReportOf(r: PlanReport): PlanRunReport {
  return {
    method: r.method,
    movedShare: r.movedShare ?? null,
    warnings: r.warnings,
    unmet: r.unmet,
    islands: r.islands,
    iterations: r.iterations,
    timedOut: r.timedOut,
  };
}

/** Options of a re-plan of the unlocked beats (the rest comes from the plan: K, tolerance, locked beats). */
export interface RebalanceOptions {
  seed?: number | string;
  /** Balance band ±ε (default: the plan's). */
  tolerance?: number;
  /** Time budget of the local search, ms. */
  timeLimitMs?: number;
}

/**
 * Re-balances the unlocked beats of a stored plan: `planBeats` from the plan itself
 * (`initial`, minimal change) with its locked beats kept, the same K, tolerance and balance.
 * @returns the new plan serialized, and the planning report (`movedShare` = cells moved)
 * @throws BeatplanError `INFEASIBLE`, `BAD_INPUT`, `ABORTED`
 * @example const { planJson, report } = rebalancePlan(text, { seed: 2 });
 */
export function rebalancePlan(
  planJson: string,
  options: RebalanceOptions,
  onProgress?: ProgressFn,
): SerializedPlan & { report: PlanRunReport } {
  const p = loadPlanJson(planJson);
  const locked = p.plan.beatIds.filter((_: string, b: number) => p.plan.locked[b] === 1);
  const tolerance = options.tolerance ?? (typeof p.extra.tolerance === 'number' ? p.extra.tolerance : undefined);
  const balanceOn = p.extra.balanceOn !== undefined && p.extra.balanceOn !== null ? (p.extra.balanceOn as BalanceOn) : undefined;
  const r = planBeats(p.grid, p.scores, {
    beats: p.plan.beatIds.length,
    initial: p.plan,
    locked,
    // a plan made on units is re-balanced on them (whole units move)
    ...(p.plan.units ? { units: p.plan.units } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(balanceOn !== undefined ? { balanceOn } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  const report: PlanRunReport = { ...runReportOf(r.report), locked };
  const extra = { ...p.extra, ...(tolerance !== undefined ? { tolerance } : {}), report };
  return { ...serializeEditedPlan(p, r.plan, extra), report };
}

/** Options of {@link changeCurveOfPlan}. */
export interface ChangeCurveOptions {
  /** Change budgets: shares (0–1) of the workload allowed to change beat. */
  budgets: number[];
  /** Default: the plan's tolerance. */
  tolerance?: number;
  seed?: number | string;
  /** Time limit of each re-plan (one per budget), ms. */
  timeLimitMs?: number;
}

/**
 * The change curve of a stored plan (the engine's `changeCurve`, as `beatplan plan
 * --change-curve`): re-plans from the plan once per budget on its own grid and scores, same
 * beat count, with the plan's tolerance and balance measure unless given; per budget the moved
 * workload and cell shares, balance (max/mean, cv, beats outside the band) and compactness.
 * The plans themselves are not kept: a re-plan at the chosen budget makes one.
 * @throws BeatplanError `BAD_INPUT` (a budget outside [0, 1]) and whatever `planBeats` throws
 * @example changeCurveOfPlan(planJson, { budgets: [0.05, 0.1, 1] }).points[0].movedWorkloadShare // ≤ 0.05 when reachable
 */
export function changeCurveOfPlan(
  planJson: string,
  options: ChangeCurveOptions,
  onProgress?: ProgressFn,
): { tolerance: number; balanceOn: BalanceOn; points: ChangeCurvePoint[] } {
  const p = loadPlanJson(planJson);
  const evaluation = evaluationOptionsOf(p.extra);
  const balanceOn = evaluation.balanceOn ?? 'total';
  const tolerance = options.tolerance ?? evaluation.tolerance;
  const n = new Set(options.budgets).size;
  let done = 0;
  let lastFraction = 0;
  const curve = changeCurve(p.grid, p.scores, p.plan, options.budgets, {
    beats: p.plan.beatIds.length,
    balanceOn,
    ...(p.plan.units ? { units: p.plan.units } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
    // one planBeats run per budget (plus the unbudgeted one): progress over all of them
    onProgress: (fraction: number, stage: string) => {
      if (fraction < lastFraction) done = Math.min(done + 1, n);
      lastFraction = fraction;
      onProgress?.(Math.min(1, (done + fraction) / (n + 1)), stage);
    },
  });
  return { tolerance: curve.tolerance, balanceOn, points: [...curve.points] };
}

/**
 * `cells.csv` of a context (and of a plan when `plan` is given): one row per cell with its scores.
 * @example contextCellsCsv(ctx).split('\n')[0] // 'h3,…'
 */
export function contextCellsCsv(ctx: PlanContext, plan?: BeatPlan): string {
  return cellsToCsv(
    ctx.grid,
    ctx.scores,
    plan ? (i: number) => (plan.beatOfCell[i]! >= 0 ? plan.beatIds[plan.beatOfCell[i]!]! : '') : undefined,
  );
}

/**
 * `cells.csv` of a stored plan with the full scores of its inputs (incident counts, population),
 * on the grid rebuilt from the datasets (the same cells as the plan's); with `privacyK`,
 * incident counts pooled so every bin holds at least k.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when the datasets no longer give the plan's grid
 * @example planCellsCsv(ctx, text, 5)
 */
export function planCellsCsv(ctx: PlanContext, planJson: string, privacyK?: number): string {
  const { plan } = planFromJson(JSON.parse(planJson), ctx.grid);
  const privacy = privacyK === undefined ? undefined : aggregateCounts(ctx.grid.h3, ctx.scores.incidentCount, privacyK);
  return planToCellsCsv(ctx.grid, plan, ctx.scores, privacy ? { privacy } : {});
}
