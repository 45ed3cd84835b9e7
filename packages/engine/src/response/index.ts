/**
 * Response, cross-beat dispatch and community access of a staffed beat plan:
 * Larson's hypercube queueing model (exact and approximate), travel times, beat meeting
 * places, the equity lens, and the discrete-event simulation that replays calls.
 */
export { mmnFigures, larsonCorrectionFactors, exchangeableAllBusy, type MmnFigures } from './queueing.js';
export { solveHypercubeExact, solveHypercubeApprox, groupAllBusyProbability, type HypercubeSystem, type HypercubeOptions, type HypercubeSolution } from './hypercube.js';
export {
  ACCESS_SPEED_KMH,
  DEFAULT_ROAD_SPEEDS_KMH,
  DEFAULT_ROAD_SPEED_KMH,
  atomTravelMinutes,
  roadNetworkFromGeojson,
  snapToRoads,
  withRoads,
  type RoadNetwork,
  type RoadNetworkOptions,
  type WithRoadsOptions,
} from './roads.js';
export {
  HEX_PATH_FACTOR,
  atomDistanceKm,
  barrierExcessKm,
  buildTravelModel,
  cellTravelMinutes,
  csrShortestPaths,
  graphDistancesKm,
  meanEdgeKm,
  travelEdgeKm,
  type CellTravelOptions,
  type TravelModel,
  type TravelModelOptions,
} from './travel.js';
export {
  estimateResponse,
  modelledUnits,
  type ResponseAssumptions,
  type BeatResponse,
  type DistrictResponse,
  type EstimateResponseOptions,
  type PerShift,
  type ResponseEstimate,
  type ResponseFigures,
  type ShiftResponse,
} from './estimate-response.js';
export { MinHeap } from '../min-heap.js';
export {
  poissonCalls,
  replayCalls,
  scoresServiceMinutes,
  shiftRuns,
  UNSPECIFIED_PRIORITY,
  type LeftOutCalls,
  type PoissonCallsOptions,
  type ReplayCallsOptions,
  type SimulationCalls,
} from './simulate-calls.js';
export { simulateResponse, type SimulateOptions, type SimulatedFigures, type SimulationResult } from './simulate.js';
export {
  POISSON_AGREEMENT,
  SIMULATION_FORMAT,
  simulationReport,
  type SimulationReport,
  type SimulationReportInput,
  type SimulationReportOptions,
} from './simulation-report.js';
export { chooseMeetingPlaces, type BeatMeetingPlace, type MeetingPlaceOptions, type MeetingPlaces, type VenuesLike } from './meetings.js';
export {
  compareEquity,
  equityByArea,
  type AreaEquity,
  type AreaEquityChange,
  type EquityChange,
  type EquityMeasure,
  type EquityOptions,
  type EquityReport,
} from './equity.js';
