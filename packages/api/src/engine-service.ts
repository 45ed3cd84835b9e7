/**
 * The API's one import point of the engine's use-cases (`@beatplan/engine` and, for the ones
 * that read files, `@beatplan/engine/io`): every feature — plan, re-plan, edit, staff,
 * response, what-if, simulate, public views, compare, heat, meeting places — is one engine
 * function that the CLI calls too. Nothing here computes; it only names what the API uses,
 * so a change of the engine's surface shows up in one file.
 */
export {
  // stored plans
  loadPlanJson,
  gridOfPlanJson,
  parsePlanJson,
  serializePlan,
  evaluateLoadedPlan,
  planBeatsGeojson,
  lineageSummary,
  // plan, re-plan, change curve
  rebalancePlan,
  changeCurveOfPlan,
  contextCellsCsv,
  planCellsCsv,
  // edits
  moveOnPlan,
  setLocked,
  lookupBeat,
  // response figures
  planResponse,
  requiredUnits,
  whatIfUnits,
  REQUIRED_OFFICERS_RULE,
  allocatedOfficersOf,
  // views: cells, public figures, heat, compare, meeting places, coarse cells
  planCellsJson,
  incidentBinsOf,
  incidentBinsDto,
  publicWorkload,
  privacyDto,
  comparePlanPair,
  publicScores,
  publicLoadedPlan,
  publicMetrics,
  planEquity,
  meetingPlaces,
  coarseCellsOf,
  cellEdgeLengthKm,
  type LoadedPlan,
  type SerializedPlan,
  type ParsedPlanJson,
  type PlanContext,
  type PlanOptions,
  type RebalanceOptions,
  type ChangeCurveOptions,
  type WhatIfInput,
  type ResponseWhatIfInput,
  type PlanResponseFigures,
  type MeetingPlaceDto,
  type ScoredCells,
  type PublicScores,
  type PublicBeatMetrics,
} from '@beatplan/engine';
export {
  // datasets checked on upload
  inspectBoundary,
  inspectBarriers,
  inspectRoads,
  inspectBeats,
  inspectRoster,
  inspectLayer,
  inspectIncidents,
  inspectIncidentCounts,
  inspectVenues,
  inspectFleet,
  inspectUnits,
  readVenues,
  readRoadNetwork,
  scoredCellsOfCsv,
  // grid + scores, plan, staff and what-if from files
  buildContext,
  readIdPolygons,
  planOnFiles,
  staffPlanFromFiles,
  whatIfFromFiles,
  simulateFromFiles,
  unitOutlineFromFiles,
  type ContextInputs,
  type IncidentReadOptions,
  type LayerFile,
  type FileRef,
  type IdPolygonsFile,
  type PlanFileOptions,
  type StaffFileOptions,
  type SimulationRunOptions,
  type GeometrySummary,
  type RosterSummary,
  type RoadsSummary,
  type VenuesSummary,
} from '@beatplan/engine/io';

/** The parent plan of a new plan as a job carries it: its stored plan.json and its name (the sha256 is computed when planning). */
export interface ParentPlanInput {
  planJson: string;
  /** e.g. `plan 0f3c… version 2`. */
  name: string;
}
