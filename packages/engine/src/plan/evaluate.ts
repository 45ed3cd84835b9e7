/**
 * Plan metrics (`metrics.json`), importing existing beats and comparing two plans.
 */
import { BeatplanError } from '../errors.js';
import { polsbyPopper } from '../geo/measure.js';
import type { Grid } from '../grid/grid.js';
import { Partition } from './partition.js';
import { labelPieces } from './topology.js';
import type { BalanceOn, BeatMethod, BeatMetrics, BeatPlan, PlanMetrics, PlanScores } from './types.js';
import {
  beatsOutsideBand,
  CH_BALANCE,
  CH_NEED,
  CH_SHIFT0,
  CH_WORKLOAD,
  DEFAULT_TOLERANCE,
  scoreChannels,
  toCellScores,
} from './weights.js';

/** Options of {@link evaluatePlan}. */
export interface EvaluateOptions {
  /** What `workload` measures (default `'total'`). */
  balanceOn?: BalanceOn;
  /** Tolerance ε for `beatsOutsideTolerance`: beats outside mean × (1 ± ε) (default 0.025). */
  tolerance?: number;
  /** Stage times to copy into `timingsMs` (the caller's grid/score/plan times). */
  timingsMs?: Partial<PlanMetrics['timingsMs']>;
  /** Clock in ms for the `evaluate` timing (default `performance.now`). */
  now?: () => number;
}

/** Throws `PLAN_GRID_MISMATCH` when a plan does not belong to a grid. */
export function checkPlanGrid(grid: Grid, plan: BeatPlan): void {
  if (plan.resolution !== grid.resolution || plan.cellCount !== grid.cellCount || plan.beatOfCell.length !== grid.cellCount) {
    throw new BeatplanError(
      'PLAN_GRID_MISMATCH',
      `plan (resolution ${plan.resolution}, ${plan.cellCount} cells) does not fit the grid (resolution ${grid.resolution}, ${grid.cellCount} cells)`,
      {
        field: 'plan',
      },
    );
  }
  const K = plan.beatIds.length;
  for (let i = 0; i < plan.beatOfCell.length; i++) {
    const b = plan.beatOfCell[i]!;
    if (b < -1 || b >= K)
      throw new BeatplanError('BAD_INPUT', `plan assigns cell ${grid.h3[i]} to beat index ${b}, outside 0..${K - 1}`, {
        field: 'beatOfCell',
        value: b,
      });
  }
}

/** Grid bridges with both ends in the same beat, per beat. */
export function bridgesPerBeat(grid: Grid, beatOfCell: Int32Array, beatCount: number): Int32Array {
  const out = new Int32Array(beatCount);
  for (const [i, j] of grid.bridges) {
    const b = beatOfCell[i]!;
    if (b >= 0 && b === beatOfCell[j]) out[b]++;
  }
  return out;
}

/** Metrics of beat `b` from a partition's aggregates. Internal helper shared with the plan state. */
export function beatMetricsOf(part: Partition, plan: BeatPlan, b: number, pieces: number, bridgesUsed: number): BeatMetrics {
  const shifts: number[] = [];
  for (let c = CH_SHIFT0; c < part.sums.length; c++) shifts.push(part.sums[c]![b]!);
  const d = plan.districtOfBeat?.[b] ?? -1;
  return {
    id: plan.beatIds[b]!,
    cells: part.cells[b]!,
    areaKm2: part.areaKm2[b]!,
    perimeterKm: part.perimeterKm[b]!,
    workload: part.sums[CH_BALANCE]![b]!,
    workloadHours: part.sums[CH_WORKLOAD]![b]!,
    shiftWorkloadHours: shifts,
    needHours: part.sums[CH_NEED]![b]!,
    polsbyPopper: polsbyPopper(part.areaKm2[b]!, part.perimeterKm[b]!),
    contiguous: pieces === 1,
    pieces,
    bridgesUsed,
    locked: plan.locked[b] === 1,
    district: d >= 0 ? (plan.districtIds?.[d] ?? `D${d + 1}`) : null,
    method: plan.method?.[b] ?? null,
  };
}

/** Workload statistics over beats (`metrics.workload`); `cv` is the population std / mean. */
export function workloadSummary(perBeat: ArrayLike<number>): PlanMetrics['workload'] {
  const K = perBeat.length;
  let total = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let b = 0; b < K; b++) {
    const w = perBeat[b]!;
    total += w;
    if (w < min) min = w;
    if (w > max) max = w;
  }
  const mean = K > 0 ? total / K : 0;
  let ss = 0;
  for (let b = 0; b < K; b++) ss += (perBeat[b]! - mean) ** 2;
  const sd = K > 0 ? Math.sqrt(ss / K) : 0;
  return {
    total,
    mean,
    min: K ? min : 0,
    max: K ? max : 0,
    maxOverMean: mean > 0 ? max / mean : 0,
    minOverMean: mean > 0 ? min / mean : 0,
    cv: mean > 0 ? sd / mean : 0,
  };
}

/**
 * Evaluates any plan on its grid: workload balance, contiguity on the travel graph, Polsby-
 * Popper compactness, cut edges, unassigned cells and per-beat figures — the `metrics.json`
 * of DESIGN.md.
 *
 * Polsby-Popper = 4πA/P² of the beat's dissolved cells with A = Σ turf cell areas (km²) and
 * P = Σ cell perimeters − shared edges inside the beat (km), which equals turf `length` of
 * h3-js `cellsToMultiPolygon` of the beat's cells. `cutEdges` counts travel-graph edges
 * (barrier cuts removed, bridges included) between two assigned cells of different beats.
 * `workload` measures `options.balanceOn` (default total workload, hours/week).
 *
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT`
 * @example
 * const m = evaluatePlan(grid, importPlan(grid, cellsToPolygons(grid, beats), ids), scores);
 * m.compactness.polsbyPopperMean; // ≈ 0.43 for Chicago's beats at resolution 10
 */
export function evaluatePlan(grid: Grid, plan: BeatPlan, scores: PlanScores, options: EvaluateOptions = {}): PlanMetrics {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  checkPlanGrid(grid, plan);
  const cs = toCellScores(grid, scores);
  const balanceOn = options.balanceOn ?? 'total';
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const K = plan.beatIds.length;
  const part = Partition.fromAssignment(grid, Int32Array.from(plan.beatOfCell), K, scoreChannels(cs, balanceOn));
  const { piecesOfBeat } = labelPieces(part.topo, part.beatOfCell, K);
  const bridges = bridgesPerBeat(grid, part.beatOfCell, K);
  const perBeat: BeatMetrics[] = [];
  for (let b = 0; b < K; b++) perBeat.push(beatMetricsOf(part, plan, b, piecesOfBeat[b]!, bridges[b]!));
  return metricsFrom(grid, plan, part, perBeat, balanceOn, tolerance, options.timingsMs ?? {}, now() - t0);
}

/** Assembles `PlanMetrics` from per-beat metrics (shared by evaluatePlan and the plan state). */
export function metricsFrom(
  grid: Grid,
  _plan: BeatPlan,
  part: Partition,
  perBeat: BeatMetrics[],
  balanceOn: BalanceOn,
  tolerance: number,
  timings: Partial<PlanMetrics['timingsMs']>,
  evaluateMs: number,
): PlanMetrics {
  const K = perBeat.length;
  const workload = workloadSummary(part.sums[CH_BALANCE]!);
  let nonContiguous = 0;
  let empty = 0;
  let ppSum = 0;
  let ppMin = Infinity;
  for (const m of perBeat) {
    if (m.cells === 0) {
      empty++;
    } else {
      if (m.pieces > 1) nonContiguous++;
      ppSum += m.polsbyPopper;
      if (m.polsbyPopper < ppMin) ppMin = m.polsbyPopper;
    }
  }
  let unassigned = 0;
  for (let i = 0; i < part.beatOfCell.length; i++) if (part.beatOfCell[i]! < 0) unassigned++;
  const filled = K - empty;
  const t = { grid: 0, score: 0, plan: 0, evaluate: evaluateMs, total: 0, ...timings };
  if (timings.evaluate === undefined) t.evaluate = evaluateMs;
  if (timings.total === undefined) t.total = t.grid + t.score + t.plan + t.evaluate;
  return {
    resolution: grid.resolution,
    cells: grid.cellCount,
    beats: K,
    workload,
    contiguity: { nonContiguousBeats: nonContiguous, emptyBeats: empty },
    compactness: { polsbyPopperMean: filled ? ppSum / filled : 0, polsbyPopperMin: filled ? ppMin : 0 },
    cutEdges: part.cutEdges,
    unassignedCells: unassigned,
    timingsMs: t,
    balanceOn,
    beatsOutsideTolerance: beatsOutsideBand(part.sums[CH_BALANCE]!, tolerance).length,
    tolerance,
    bridges: grid.bridges.map(([i, j]) => [grid.h3[i]!, grid.h3[j]!] as const),
    perBeat,
  };
}

/**
 * Builds a plan from existing beat polygons mapped onto the grid (e.g. the current beats):
 * `featureOfCell` is the feature index per cell from `cellsToPolygons` (−1 = in no polygon:
 * the cell stays unassigned and `evaluatePlan` counts it). Features with the same id form one
 * beat. Every beat's method is `'imported'`; nothing is locked.
 * @param ids beat id of each feature (e.g. the `beat_num` property)
 * @throws BeatplanError `BAD_INPUT` (a feature index without an id, wrong lengths)
 * @example
 * const plan = importPlan(grid, cellsToPolygons(grid, beats), beats.features.map((f) => f.properties.beat_num));
 */
export function importPlan(grid: Grid, featureOfCell: Int32Array, ids: readonly string[]): BeatPlan {
  if (featureOfCell.length !== grid.cellCount) {
    throw new BeatplanError('PLAN_GRID_MISMATCH', `featureOfCell has ${featureOfCell.length} values, the grid ${grid.cellCount} cells`, {
      field: 'featureOfCell',
    });
  }
  const beatIds: string[] = [];
  const beatOfId = new Map<string, number>();
  const beatOfFeature = ids.map((id, f) => {
    if (typeof id !== 'string' || id === '')
      throw new BeatplanError('BAD_INPUT', `feature ${f} has no beat id`, { row: f, field: 'id', value: id });
    let b = beatOfId.get(id);
    if (b === undefined) {
      b = beatIds.length;
      beatIds.push(id);
      beatOfId.set(id, b);
    }
    return b;
  });
  const beatOfCell = new Int32Array(grid.cellCount);
  for (let i = 0; i < grid.cellCount; i++) {
    const f = featureOfCell[i]!;
    if (f >= ids.length)
      throw new BeatplanError('BAD_INPUT', `cell ${grid.h3[i]} maps to feature ${f} but only ${ids.length} ids were given`, {
        field: 'ids',
        value: f,
      });
    beatOfCell[i] = f < 0 ? -1 : beatOfFeature[f]!;
  }
  return {
    resolution: grid.resolution,
    cellCount: grid.cellCount,
    beatIds,
    beatOfCell,
    locked: new Uint8Array(beatIds.length),
    method: beatIds.map((): BeatMethod => 'imported'),
  };
}

/** What {@link comparePlans} returns. */
export interface PlanComparison {
  /** Cells whose beat differs (after matching beats of `a` to beats of `b` by largest overlap). */
  readonly changedCells: { readonly count: number; readonly share: number; readonly cells: Int32Array };
  /** Per beat of `b`: its matched beat of `a` and the workload change (balanced measure). */
  readonly beats: ReadonlyArray<{
    readonly id: string;
    readonly matchedId: string | null;
    readonly overlapCells: number;
    readonly workloadBefore: number;
    readonly workloadAfter: number;
    readonly workloadChange: number;
  }>;
  readonly metrics: { readonly a: PlanMetrics; readonly b: PlanMetrics };
  /** `b − a` of the headline metrics. */
  readonly deltas: {
    readonly maxOverMean: number;
    readonly minOverMean: number;
    readonly cv: number;
    readonly polsbyPopperMean: number;
    readonly polsbyPopperMin: number;
    readonly cutEdges: number;
    readonly nonContiguousBeats: number;
    readonly unassignedCells: number;
  };
}

/**
 * Compares two plans on one grid: beats of `b` are matched one-to-one to beats of `a` by
 * largest cell overlap (greedy, largest first); a cell changed when its beat in `b` is not the
 * match of its beat in `a` (or it is assigned in one plan only).
 * @throws BeatplanError `PLAN_GRID_MISMATCH`
 * @example const d = comparePlans(grid, current, proposed, scores); d.changedCells.share;
 */
export function comparePlans(grid: Grid, a: BeatPlan, b: BeatPlan, scores: PlanScores, options: EvaluateOptions = {}): PlanComparison {
  checkPlanGrid(grid, a);
  checkPlanGrid(grid, b);
  const ma = evaluatePlan(grid, a, scores, options);
  const mb = evaluatePlan(grid, b, scores, options);
  const Ka = a.beatIds.length;
  const Kb = b.beatIds.length;
  const overlap = new Map<number, number>();
  for (let i = 0; i < grid.cellCount; i++) {
    const x = a.beatOfCell[i]!;
    const y = b.beatOfCell[i]!;
    if (x >= 0 && y >= 0) {
      const k = x * Kb + y;
      overlap.set(k, (overlap.get(k) ?? 0) + 1);
    }
  }
  const pairs = [...overlap.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0]);
  const matchOfA = new Int32Array(Ka).fill(-1);
  const matchOfB = new Int32Array(Kb).fill(-1);
  const overlapOfB = new Int32Array(Kb);
  for (const [k, c] of pairs) {
    const x = Math.floor(k / Kb);
    const y = k % Kb;
    if (matchOfA[x] === -1 && matchOfB[y] === -1) {
      matchOfA[x] = y;
      matchOfB[y] = x;
      overlapOfB[y] = c;
    }
  }
  const changed: number[] = [];
  let assignedEither = 0;
  for (let i = 0; i < grid.cellCount; i++) {
    const x = a.beatOfCell[i]!;
    const y = b.beatOfCell[i]!;
    if (x < 0 && y < 0) continue;
    assignedEither++;
    if (x < 0 || y < 0 || matchOfA[x] !== y) changed.push(i);
  }
  const beats = b.beatIds.map((id, y) => {
    const x = matchOfB[y]!;
    const before = x >= 0 ? ma.perBeat[x]!.workload : 0;
    const after = mb.perBeat[y]!.workload;
    return {
      id,
      matchedId: x >= 0 ? a.beatIds[x]! : null,
      overlapCells: overlapOfB[y]!,
      workloadBefore: before,
      workloadAfter: after,
      workloadChange: after - before,
    };
  });
  return {
    changedCells: { count: changed.length, share: assignedEither ? changed.length / assignedEither : 0, cells: Int32Array.from(changed) },
    beats,
    metrics: { a: ma, b: mb },
    deltas: {
      maxOverMean: mb.workload.maxOverMean - ma.workload.maxOverMean,
      minOverMean: mb.workload.minOverMean - ma.workload.minOverMean,
      cv: mb.workload.cv - ma.workload.cv,
      polsbyPopperMean: mb.compactness.polsbyPopperMean - ma.compactness.polsbyPopperMean,
      polsbyPopperMin: mb.compactness.polsbyPopperMin - ma.compactness.polsbyPopperMin,
      cutEdges: mb.cutEdges - ma.cutEdges,
      nonContiguousBeats: mb.contiguity.nonContiguousBeats - ma.contiguity.nonContiguousBeats,
      unassignedCells: mb.unassignedCells - ma.unassignedCells,
    },
  };
}
