/**
 * Districting: plan, evaluate, compare, edit and export beats.
 */
export type {
  BalanceOn,
  BeatMethod,
  BeatMetrics,
  BeatPlan,
  BeatPlanResult,
  IslandPolicy,
  IslandReport,
  PlanBeatsOptions,
  PlanMetrics,
  PlanReport,
  PlanScores,
  RegionReport,
  UnitBalanceBound,
} from './types.js';
export { planBeats, beatId } from './plan-beats.js';
export { contiguityFloor } from './tree-start.js';
export { evaluatePlan, importPlan, comparePlans, type EvaluateOptions, type PlanComparison } from './evaluate.js';
export { createPlanState, moveCells, stateMetrics, type PlanState, type PlanStateOptions, type MoveResult, type MoveRejection } from './plan-state.js';
export { toCellScores, balanceWeights, beatsOutsideBand, planChange, DEFAULT_TOLERANCE, type PlanChange } from './weights.js';
export { changeCurve, type ChangeCurve, type ChangeCurvePoint } from './change-curve.js';
export { planToJson, planFromJson, beatsToGeojson, planToCellsCsv, PLAN_FORMAT, type PlanJson, type PlanFromJson } from './output.js';
export { syntheticCity, type SyntheticCity, type SyntheticCityOptions } from './synthetic.js';
export {
  inheritBeatIds,
  refreshLineage,
  mapParentOntoGrid,
  parentAsInitialPlan,
  beatOverlap,
  matchBeats,
  freshBeatIds,
  isMajority,
  type ParentPlan,
  type PlanLineage,
  type LineageSource,
  type BeatOverlap,
} from './lineage.js';
