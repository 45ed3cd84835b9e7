/**
 * Staffing: officers per beat per shift, vehicles, named assignments with beat continuity,
 * what-if runs, and the `staffing.json` / `assignments.csv` builders.
 */

export {
  type AllocationProblem,
  type AllocationResult,
  allocateOfficers,
  allocationModel,
  allocationObjective,
  DEFAULT_SURPLUS_CONTINUITY,
  surplusGain,
} from './allocate.js';
export { type AssignOfficer, type AssignProblem, type AssignResult, assignOfficers } from './assign.js';
export { type PlanStaffingData, staffingInputFromPlan, staffingInputOfPlan } from './from-plan.js';
export {
  ASSIGNMENTS_CSV_COLUMNS,
  assignmentsToCsv,
  BEAT_SHIFT_ASSIGNMENTS_CSV_COLUMNS,
  beatShiftAssignmentsCsv,
  STAFFING_FORMAT,
  type StaffingJsonBeats,
  staffingToJson,
} from './output.js';
export { type SkillRule, skillsOfBeats } from './skills.js';
export {
  AUTO_VERIFY,
  DEFAULT_SENIOR_RANKS,
  type ResolvedStaffOptions,
  requiredByShift,
  resolveStaffOptions,
  shiftIndexOf,
  staffBeats,
} from './staff-beats.js';
export { allocatedOfficersOf, type StaffingJsonLike } from './staffing-json.js';
export {
  type BeatSuccession,
  beatSuccessors,
  type Succession,
  successionOf,
  successionOfLineage,
  successionOfSavedPlan,
  successorRecord,
} from './successors.js';
export {
  communityShortfallOf,
  DEFAULT_MIN_OFFICERS_PER_BEAT,
  DEFAULT_OFFICER_HOURS_PER_WEEK,
  DEFAULT_SATURATION_TARGET,
  requiredOfficers,
  saturationOf,
  unitsOnDuty,
  unitsOnDutyByShift,
} from './time-model.js';
export type {
  Assignment,
  BeatMode,
  BeatModeRule,
  BeatShiftStaffing,
  BeatStaffing,
  FleetEntry,
  Officer,
  ShiftSummary,
  SolvedPart,
  StaffingBeat,
  StaffingInput,
  StaffingResult,
  StaffOptions,
  StaffWeights,
  UnfilledSlot,
  WhatIfScenario,
} from './types.js';
export { allocateVehicles, beatMode, DEFAULT_MODE_RULE, type ModeThresholds, type VehicleAllocation } from './vehicles.js';
export { type BeatShiftChange, diffStaffing, type StaffingDiff, staffWhatIf, type WhatIfResult } from './what-if.js';
