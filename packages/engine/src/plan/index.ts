/**
 * Districting: plan, evaluate, compare, edit and export beats.
 */

export { type ChangeCurve, type ChangeCurvePoint, changeCurve } from './change-curve.js';
export { comparePlans, type EvaluateOptions, evaluatePlan, importPlan, type PlanComparison } from './evaluate.js';
export {
  type BeatOverlap,
  beatOverlap,
  freshBeatIds,
  inheritBeatIds,
  isMajority,
  type LineageSource,
  mapParentOntoGrid,
  matchBeats,
  type ParentPlan,
  type PlanLineage,
  parentAsInitialPlan,
  refreshLineage,
} from './lineage.js';
export { beatsToGeojson, PLAN_FORMAT, type PlanFromJson, type PlanJson, planFromJson, planToCellsCsv, planToJson } from './output.js';
export { beatId, planBeats } from './plan-beats.js';
export {
  createPlanState,
  type MoveRejection,
  type MoveResult,
  moveCells,
  type PlanState,
  type PlanStateOptions,
  stateMetrics,
} from './plan-state.js';
export { type SyntheticCity, type SyntheticCityOptions, syntheticCity } from './synthetic.js';
export { contiguityFloor } from './tree-start.js';
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
export { balanceWeights, beatsOutsideBand, DEFAULT_TOLERANCE, type PlanChange, planChange, toCellScores } from './weights.js';
