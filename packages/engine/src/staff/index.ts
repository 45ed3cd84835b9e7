/**
 * Staffing: officers per beat per shift, vehicles, named assignments with beat continuity,
 * what-if runs, and the `staffing.json` / `assignments.csv` builders.
 */
export { staffBeats, requiredByShift, resolveStaffOptions, shiftIndexOf, DEFAULT_SENIOR_RANKS, AUTO_VERIFY, type ResolvedStaffOptions } from './staff-beats.js';
export { staffWhatIf, diffStaffing, type WhatIfResult, type StaffingDiff, type BeatShiftChange } from './what-if.js';
export { staffingInputFromPlan, staffingInputOfPlan, type PlanStaffingData } from './from-plan.js';
export { beatSuccessors, successorRecord, successionOf, successionOfLineage, successionOfSavedPlan, type BeatSuccession, type Succession } from './successors.js';
export {
  staffingToJson,
  assignmentsToCsv,
  beatShiftAssignmentsCsv,
  STAFFING_FORMAT,
  ASSIGNMENTS_CSV_COLUMNS,
  BEAT_SHIFT_ASSIGNMENTS_CSV_COLUMNS,
  type StaffingJsonBeats,
} from './output.js';
export { requiredOfficers, saturationOf, communityShortfallOf, unitsOnDuty, unitsOnDutyByShift, DEFAULT_OFFICER_HOURS_PER_WEEK, DEFAULT_SATURATION_TARGET, DEFAULT_MIN_OFFICERS_PER_BEAT } from './time-model.js';
export {
  allocateOfficers,
  allocationModel,
  allocationObjective,
  surplusGain,
  DEFAULT_SURPLUS_CONTINUITY,
  type AllocationProblem,
  type AllocationResult,
} from './allocate.js';
export { assignOfficers, type AssignProblem, type AssignResult, type AssignOfficer } from './assign.js';
export { beatMode, allocateVehicles, DEFAULT_MODE_RULE, type ModeThresholds, type VehicleAllocation } from './vehicles.js';
export type {
  StaffingInput,
  StaffingBeat,
  Officer,
  FleetEntry,
  BeatMode,
  BeatModeRule,
  StaffWeights,
  WhatIfScenario,
  StaffOptions,
  BeatShiftStaffing,
  BeatStaffing,
  Assignment,
  UnfilledSlot,
  SolvedPart,
  ShiftSummary,
  StaffingResult,
} from './types.js';
export { skillsOfBeats, type SkillRule } from './skills.js';
export { allocatedOfficersOf, type StaffingJsonLike } from './staffing-json.js';
