/**
 * The change curve: for each change budget, the balance and compactness a re-plan reaches
 * from a predecessor — the trade-off a commander decides on (`beatplan plan --change-curve`).
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import { evaluatePlan } from './evaluate.js';
import { changeBudgetExceeded, planBeats } from './plan-beats.js';
import type { BeatPlan, BeatPlanResult, PlanBeatsOptions, PlanScores } from './types.js';
import { balanceWeights, DEFAULT_TOLERANCE, planChange, toCellScores } from './weights.js';

/** One point of the change curve. */
export interface ChangeCurvePoint {
  /** The budget asked for: share of the total workload (balanced measure) allowed to change beat. */
  readonly budget: number;
  /** Share of the total workload whose cell's beat changed against the predecessor (recomputed from the cells). */
  readonly movedWorkloadShare: number;
  /** Share of the cells whose beat changed against the predecessor. */
  readonly movedCellShare: number;
  /** Largest beat workload / mean (balanced measure). */
  readonly maxOverMean: number;
  /** Population standard deviation / mean of the beat workloads. */
  readonly cv: number;
  /** Beats outside mean × (1 ± tolerance). */
  readonly beatsOutsideBand: number;
  readonly polsbyPopperMean: number;
  readonly polsbyPopperMin: number;
  /** True when this budget exceeds what the unbudgeted minimal-change plan moves: the point is that plan. */
  readonly unconstrained: boolean;
  /** Set when the plan moved more than the budget: the warning saying so and why (e.g. mending a predecessor beat in two pieces). */
  readonly budgetExceeded?: string;
}

/** What {@link changeCurve} returns: the points in increasing budget, and the plan of each. */
export interface ChangeCurve {
  readonly tolerance: number;
  readonly points: readonly ChangeCurvePoint[];
  /** The plan behind each point (same order). */
  readonly results: readonly BeatPlanResult[];
}

/**
 * Plans from `initial` once per budget and reports where each lands. The unbudgeted
 * minimal-change plan (a fresh cut relabelled onto the predecessor) is planned first; a
 * budget at or above the workload share it moves gets that plan (the 100% point is it); a
 * smaller budget is planned from the predecessor itself with `maxChange` = budget.
 * @param budgets shares in [0, 1]; sorted and deduplicated
 * @throws BeatplanError `BAD_INPUT` (no budget, a budget outside [0, 1]), and whatever
 *   `planBeats` throws
 * @example const curve = changeCurve(grid, scores, current, [0.05, 0.1, 0.25, 1], { seed: 7 });
 */
export function changeCurve(
  grid: Grid,
  scores: PlanScores,
  initial: BeatPlan,
  budgets: readonly number[],
  options: PlanBeatsOptions = {},
): ChangeCurve {
  if (!budgets.length) throw new BeatplanError('BAD_INPUT', 'the change curve needs at least one budget', { field: 'budgets' });
  for (const f of budgets) {
    if (!(f >= 0 && f <= 1))
      throw new BeatplanError('BAD_INPUT', `change budget ${f} is not a share in [0, 1]`, { field: 'budgets', value: f });
  }
  const sorted = [...new Set(budgets)].sort((a, b) => a - b);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const balanceOn = options.balanceOn ?? 'total';
  const weight = balanceWeights(toCellScores(grid, scores), balanceOn);
  const base = { ...options, initial, maxChange: undefined };
  const free = planBeats(grid, scores, base);
  const freeShare = planChange(initial.beatOfCell, free.plan.beatOfCell, weight).movedWorkloadShare;
  const points: ChangeCurvePoint[] = [];
  const results: BeatPlanResult[] = [];
  for (const budget of sorted) {
    const unconstrained = budget >= freeShare;
    const r = unconstrained ? free : planBeats(grid, scores, { ...base, maxChange: budget });
    const m = evaluatePlan(grid, r.plan, scores, { balanceOn, tolerance });
    const c = planChange(initial.beatOfCell, r.plan.beatOfCell, weight);
    const exceeded = changeBudgetExceeded(
      grid,
      initial.beatOfCell,
      r.plan.beatOfCell,
      r.plan.beatIds,
      weight,
      c.movedWorkloadShare,
      budget,
    );
    points.push({
      budget,
      movedWorkloadShare: c.movedWorkloadShare,
      movedCellShare: c.movedCellShare,
      maxOverMean: m.workload.maxOverMean,
      cv: m.workload.cv,
      beatsOutsideBand: m.beatsOutsideTolerance,
      polsbyPopperMean: m.compactness.polsbyPopperMean,
      polsbyPopperMin: m.compactness.polsbyPopperMin,
      unconstrained,
      ...(exceeded ? { budgetExceeded: exceeded } : {}),
    });
    results.push(r);
  }
  return { tolerance, points, results };
}
