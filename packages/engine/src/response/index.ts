/**
 * Response, cross-beat dispatch and community access of a staffed beat plan:
 * Larson's hypercube queueing model (exact and approximate), travel times, beat meeting
 * places, the equity lens, and the discrete-event simulation that replays calls.
 */

export { MinHeap } from '../min-heap.js';
export {
  type AreaEquity,
  type AreaEquityChange,
  compareEquity,
  type EquityChange,
  type EquityMeasure,
  type EquityOptions,
  type EquityReport,
  equityByArea,
} from './equity.js';
export {
  type BeatResponse,
  type DistrictResponse,
  type EstimateResponseOptions,
  estimateResponse,
  modelledUnits,
  type PerShift,
  type ResponseAssumptions,
  type ResponseEstimate,
  type ResponseFigures,
  type ShiftResponse,
} from './estimate-response.js';
export {
  groupAllBusyProbability,
  type HypercubeOptions,
  type HypercubeSolution,
  type HypercubeSystem,
  solveHypercubeApprox,
  solveHypercubeExact,
} from './hypercube.js';
export { type BeatMeetingPlace, chooseMeetingPlaces, type MeetingPlaceOptions, type MeetingPlaces, type VenuesLike } from './meetings.js';
export { exchangeableAllBusy, larsonCorrectionFactors, type MmnFigures, mmnFigures } from './queueing.js';
export {
  ACCESS_SPEED_KMH,
  atomTravelMinutes,
  DEFAULT_ROAD_SPEED_KMH,
  DEFAULT_ROAD_SPEEDS_KMH,
  type RoadNetwork,
  type RoadNetworkOptions,
  roadNetworkFromGeojson,
  snapToRoads,
  type WithRoadsOptions,
  withRoads,
} from './roads.js';
export { type SimulatedFigures, type SimulateOptions, type SimulationResult, simulateResponse } from './simulate.js';
export {
  type LeftOutCalls,
  type PoissonCallsOptions,
  poissonCalls,
  type ReplayCallsOptions,
  replayCalls,
  type SimulationCalls,
  scoresServiceMinutes,
  shiftRuns,
  UNSPECIFIED_PRIORITY,
} from './simulate-calls.js';
export {
  POISSON_AGREEMENT,
  REPLAY_LOAD_TOLERANCE,
  SIMULATION_FORMAT,
  type SimulationReport,
  type SimulationReportInput,
  type SimulationReportOptions,
  simulationReport,
} from './simulation-report.js';
export {
  atomDistanceKm,
  barrierExcessKm,
  buildTravelModel,
  type CellTravelOptions,
  cellTravelMinutes,
  csrShortestPaths,
  graphDistancesKm,
  HEX_PATH_FACTOR,
  meanEdgeKm,
  type TravelModel,
  type TravelModelOptions,
  travelEdgeKm,
} from './travel.js';
