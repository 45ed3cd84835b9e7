/**
 * The equity lens of a plan as a use-case: officer, community and reactive hours per area
 * (`equityByArea`), for the plan and for the current beats it was made from, and the change —
 * what `beatplan plan --areas` writes to equity.json and the API answers.
 */
import { cellsToPolygons, type Grid } from '../grid/index.js';
import { type BeatPlan, importPlan } from '../plan/index.js';
import { type AreaEquityChange, compareEquity, type EquityReport, equityByArea } from '../response/index.js';
import { type CellScores, shiftLengthHours } from '../score/index.js';
import { DEFAULT_OFFICER_HOURS_PER_WEEK, requiredByShift, staffingInputOfPlan, unitsOnDutyByShift } from '../staff/index.js';
import type { IdPolygons } from './plan.js';
import { REQUIRED_OFFICERS_RULE } from './response.js';
import type { LoadedPlan } from './stored-plan.js';

/** Equity per area for a plan and, when known, the current beats, under one staffing rule. */
export interface PlanEquity {
  /** Which officers the hours assume: those the time model requires. */
  staffingRule: string;
  plan: EquityReport;
  /** The current beats' figures, null when the plan has none. */
  existing: EquityReport | null;
  /** Per area, current beats → plan; null without current beats. */
  change: { readonly areas: readonly AreaEquityChange[] } | null;
}

/**
 * Equity per area of `plan` and of `existing` (when given) on one grid and scores, with the
 * officers the time model requires (units on duty × shift hours): the CLI's equity.json.
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT` (from `equityByArea`)
 * @example equityOfPlans(grid, scores, plan, areas, existingPlan).change?.areas[0]
 */
export function equityOfPlans(
  grid: Grid,
  scores: CellScores,
  plan: BeatPlan,
  areas: Pick<IdPolygons, 'fc' | 'ids'>,
  existing?: BeatPlan,
): PlanEquity {
  const areaOfCell = cellsToPolygons(grid, areas.fc);
  // Officer hours by the time model: required officers × 36 h (units on duty × shift hours × 7).
  const units = (p: BeatPlan) =>
    unitsOnDutyByShift(
      requiredByShift(staffingInputOfPlan(grid, p, scores)),
      scores.shifts.map(shiftLengthHours),
      DEFAULT_OFFICER_HOURS_PER_WEEK,
    );
  const after = equityByArea(plan, scores, units(plan), areaOfCell, { areaIds: areas.ids });
  const before = existing ? equityByArea(existing, scores, units(existing), areaOfCell, { areaIds: areas.ids }) : null;
  return { staffingRule: REQUIRED_OFFICERS_RULE, plan: after, existing: before, change: before ? compareEquity(before, after) : null };
}

/**
 * The current beats a stored plan was made from (kept in plan.json's `extra.existing`), as a
 * plan on its grid, or undefined when it has none.
 * @example existingOfLoadedPlan(p)?.beatIds
 */
export function existingOfLoadedPlan(p: LoadedPlan): BeatPlan | undefined {
  const e = p.extra.existing as { ids?: unknown; beatOfCell?: unknown } | null | undefined;
  if (!e || !Array.isArray(e.ids) || !Array.isArray(e.beatOfCell) || e.beatOfCell.length !== p.grid.cellCount) return undefined;
  return importPlan(p.grid, Int32Array.from(e.beatOfCell as number[]), (e.ids as unknown[]).map(String));
}

/**
 * The equity lens of a stored plan: per area, the plan against the current beats it was made
 * from (when plan.json keeps them).
 * @example planEquity(p, await readIdPolygons(areasFile)).plan.areas.length
 */
export function planEquity(p: LoadedPlan, areas: Pick<IdPolygons, 'fc' | 'ids'>): PlanEquity {
  return equityOfPlans(p.grid, p.scores, p.plan, areas, existingOfLoadedPlan(p));
}
