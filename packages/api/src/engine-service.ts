/**
 * The API's one import point of the engine's use-cases (`@beatplan/engine` and, for the ones
 * that read files, `@beatplan/engine/io`): every feature — plan, re-plan, edit, staff,
 * response, what-if, simulate, public views, compare, heat, meeting places — is one engine
 * function that the CLI calls too. Nothing here computes; it only names what the API uses,
 * so a change of the engine's surface shows up in one file.
 */
export {
  allocatedOfficersOf,
  type ChangeCurveOptions,
  cellEdgeLengthKm,
  changeCurveOfPlan,
  coarseCellsOf,
  comparePlanPair,
  contextCellsCsv,
  evaluateLoadedPlan,
  gridOfPlanJson,
  incidentBinsDto,
  incidentBinsOf,
  type LineageSummary,
  type LoadedPlan,
  lineageSummary,
  // stored plans
  loadPlanJson,
  lookupBeat,
  type MeetingPlaceDto,
  meetingPlaces,
  // edits
  moveOnPlan,
  type ParsedPlanJson,
  type PlanContext,
  type PlanOptions,
  type PlanResponseFigures,
  type PublicBeatMetrics,
  type PublicScores,
  parsePlanJson,
  planBeatsGeojson,
  planCellsCsv,
  // views: cells, public figures, heat, compare, meeting places, coarse cells
  planCellsJson,
  planEquity,
  // response figures
  planResponse,
  privacyDto,
  publicLoadedPlan,
  publicMetrics,
  publicScores,
  publicWorkload,
  REQUIRED_OFFICERS_RULE,
  type RebalanceOptions,
  type ResponseWhatIfInput,
  // plan, re-plan, change curve
  rebalancePlan,
  requiredUnits,
  type ScoredCells,
  type SerializedPlan,
  serializePlan,
  setLocked,
  type WhatIfInput,
  whatIfUnits,
} from '@beatplan/engine';
export {
  // grid + scores, plan, staff and what-if from files
  buildContext,
  type ContextInputs,
  datasetInspectors,
  type FileRef,
  type GeometrySummary,
  type IdPolygonsFile,
  type IncidentReadOptions,
  type LayerFile,
  type PlanFileOptions,
  planOnFiles,
  type RoadsSummary,
  type RosterSummary,
  readIdPolygons,
  readRoadNetwork,
  readVenues,
  type SimulationRunOptions,
  type StaffFileOptions,
  scoredCellsOfCsv,
  simulateFromFiles,
  staffPlanFromFiles,
  unitOutlineFromFiles,
  type VenuesSummary,
  whatIfFromFiles,
} from '@beatplan/engine/io';

/** The parent plan of a new plan as a job carries it: its stored plan.json and its name (the sha256 is computed when planning). */
export interface ParentPlanInput {
  planJson: string;
  /** e.g. `plan 0f3c… version 2`. */
  name: string;
}
