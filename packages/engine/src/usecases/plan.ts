/**
 * The planning use-cases shared by the CLI and the API: plan beats on a scored grid (or import
 * the current beats), re-plan a stored plan, and the parts they share (the balance measure,
 * the predecessor plan as a lineage parent).
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError, type ProgressFn } from '../errors.js';
import { cellsToPolygons, type Grid } from '../grid/index.js';
import type { IngestReport } from '../io/incident-table-builder.js';
import {
  type BalanceOn,
  type BeatPlan,
  type ChangeCurvePoint,
  changeCurve,
  DEFAULT_TOLERANCE,
  importPlan,
  inheritBeatIds,
  mapParentOntoGrid,
  type ParentPlan,
  type PlanFromJson,
  type PlanReport,
  parentAsInitialPlan,
  planBeats,
  planFromJson,
  planToCellsCsv,
} from '../plan/index.js';
import { aggregateCounts, type CellScores, cellsToCsv, type ScoreResult } from '../score/index.js';
import { unitsOfCells } from '../units/index.js';
import { evaluationOptionsOf, loadPlanJson, type SerializedPlan, serializeEditedPlan, serializePlan } from './stored-plan.js';

/** Grid, scores and the reports of building them: what every plan computation runs on. */
export interface PlanContext {
  grid: Grid;
  scores: CellScores;
  /** The incident reader's report (rows read, used, rejected by reason). */
  ingest: IngestReport;
  /** The scoring report (`scoreCells`). */
  score: ScoreResult['report'];
  /** Stage times, ms (`score` includes reading the incidents). */
  timingsMs: { grid: number; score: number };
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

/** The predecessor plan of a new plan: its stored plan.json and how to name it. */
export interface ParentPlanInput {
  /** The parent's `plan.json` text as stored. */
  planJson: string;
  /** e.g. `plan 0f3c… version 2`. */
  name: string;
  /** sha256 (hex) of `planJson`'s UTF-8 bytes; null when unknown. */
  sha256: string | null;
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

/** What {@link planOnContext} plans from besides the context. */
export interface PlanRequest {
  /** `plan` (districting) or `import` (the existing beats as the plan). */
  method: 'plan' | 'import';
  options: PlanOptions;
  /** The current beats: evaluated as a plan, the parent when there is no `from`. */
  existing?: IdPolygons;
  /** Districts: each beat is nested in one. */
  districts?: IdPolygons;
  /** Atomic units (census blocks, street blocks): the cells of one unit always share a beat (`unitsOfCells`). */
  units?: UnitPolygons;
  /** The predecessor plan (lineage parent). */
  from?: ParentPlanInput;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
  /** Clock in ms for the `plan` timing (default `performance.now`). */
  now?: () => number;
}

/**
 * Plans beats (or imports the existing beats) on a context and serializes the result with
 * the provenance the CLI's `plan.json` carries (`extra`: method, seed, tolerance, balance,
 * incidents, period, report, the existing beats). With a parent (`from`, else the existing
 * beats) the new beats inherit its ids and the plan records the lineage.
 * @throws BeatplanError `BAD_INPUT` (import without existing beats, a bad balance), from
 *   planning (`INFEASIBLE`, `ABORTED`…)
 * @example const { planJson, metrics } = planOnContext(ctx, { method: 'plan', options: { beats: 25 } });
 */
export function planOnContext(ctx: PlanContext, request: PlanRequest): SerializedPlan & { report: PlanRunReport | null } {
  const { method, options, existing, from, districts } = request;
  const now = request.now ?? (() => performance.now());
  const existingPlan = existing ? importPlan(ctx.grid, cellsToPolygons(ctx.grid, existing.fc), existing.ids) : undefined;
  // Lineage, as in the CLI: the parent is `from`, else the existing beats (ids inherited from them).
  const parent: ParentPlan | undefined = from
    ? parentPlanOnGrid(ctx.grid, planFromJson(JSON.parse(from.planJson)), from.name, from.sha256)
    : existingPlan
      ? {
          kind: 'existing',
          name: existing!.fileName,
          sha256: existing!.sha256,
          beatIds: existingPlan.beatIds,
          beatOfCell: existingPlan.beatOfCell,
        }
      : undefined;
  const initial = !options.startFromExisting ? undefined : from ? parentAsInitialPlan(ctx.grid, parent!) : existingPlan;
  const balanceOn = parseBalance(
    options.balance,
    ctx.scores.shifts.map((s) => s.id),
    'balance',
  );
  const t0 = now();
  let plan: BeatPlan;
  let report: PlanRunReport | null = null;
  if (method === 'import') {
    if (!existingPlan) throw new BeatplanError('BAD_INPUT', 'importing needs the existing beats', { field: 'existing' });
    plan = existingPlan;
  } else {
    const r = planBeats(ctx.grid, ctx.scores, {
      ...(options.beats !== undefined ? { beats: options.beats } : {}),
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.balance !== undefined ? { balanceOn } : {}),
      ...(options.locked ? { locked: options.locked } : {}),
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
      ...(initial ? { initial } : {}),
      ...(districts ? { districts: cellsToPolygons(ctx.grid, districts.fc), districtIds: districts.ids } : {}),
      ...(request.units
        ? {
            units: unitsOfCells(ctx.grid, request.units.fc, {
              ...(request.units.idField !== undefined ? { idField: request.units.idField } : {}),
              file: request.units.fileName,
            }),
          }
        : {}),
      ...(options.maxChange !== undefined ? { maxChange: options.maxChange } : {}),
      ...(options.cutEdgeWeight !== undefined ? { cutEdgeWeight: options.cutEdgeWeight } : {}),
      ...(options.changePenalty !== undefined ? { changePenalty: options.changePenalty } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    plan = r.plan;
    report = {
      method: r.report.method,
      movedShare: r.report.movedShare ?? null,
      warnings: r.report.warnings,
      unmet: r.report.unmet,
      islands: r.report.islands,
      iterations: r.report.iterations,
      timedOut: r.report.timedOut,
    };
  }
  const planMs = now() - t0;
  // planned from the parent: its beats are the parent's, under the parent's ids (no re-matching)
  const inherited =
    method === 'plan' && parent ? inheritBeatIds(plan, parent, ctx.scores.workloadHours, { keepIds: initial !== undefined }) : undefined;
  if (inherited) plan = inherited.plan;
  const extra = {
    method,
    seed: options.seed ?? null,
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    balanceOn,
    incidents: { read: ctx.ingest.read, used: ctx.ingest.used, rejected: ctx.ingest.rejected },
    periodWeeks: ctx.scores.periodWeeks,
    report,
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
    ...(request.units ? { units: { file: request.units.fileName, idField: request.units.idField ?? null } } : {}),
  };
  return { ...serializePlan(ctx.grid, plan, ctx.scores, extra, { ...ctx.timingsMs, plan: planMs }, inherited?.lineage), report };
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
  const report: PlanRunReport = {
    method: r.report.method,
    movedShare: r.report.movedShare ?? null,
    warnings: r.report.warnings,
    unmet: r.report.unmet,
    iterations: r.report.iterations,
    timedOut: r.report.timedOut,
    locked,
  };
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
