/**
 * Figures a plan's output documents carry beyond districting: response (hypercube model)
 * under a staffing, beat meeting places. One place, used by the plan and staff use-cases.
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { BeatPlan, PlanMetrics } from '../plan/types.js';
import type { ResponseEstimate } from '../response/estimate-response.js';
import { chooseMeetingPlaces, type MeetingPlaces } from '../response/meetings.js';
import { type RoadNetwork, roadNetworkWarnings, withRoads } from '../response/roads.js';
import { buildTravelModel, type TravelModel } from '../response/travel.js';
import type { CellScores } from '../score/types.js';
import { responseSummary, responseUnderOfficers } from './response.js';

/**
 * Response and access figures of one beat (all shifts unless `…ByShift`), as added to `perBeat`
 * and beats.geojson. Travel time = dispatched unit to the call; response time = queue wait +
 * travel time.
 */
export interface BeatFigures {
  /** Mean units on duty over the day (time model: officers × weekly hours ÷ shift hours per week). */
  unitsOnDuty?: number;
  /** Units on duty per shift (order of the plan's shifts). */
  unitsOnDutyByShift?: number[];
  /** Utilisation: hours on calls ÷ on-duty unit-hours. */
  rho?: number;
  /** Utilisation per shift. */
  rhoByShift?: number[];
  crossBeatShare?: number | null;
  meanTravelMinutes?: number | null;
  p90TravelMinutes?: number | null;
  meanQueueWaitMinutes?: number | null;
  /** Mean response time = queue wait + travel, minutes. */
  meanResponseMinutes?: number | null;
  meetingPlace?: string | number | null;
  meetingPlacePosition?: readonly number[] | null;
  meetingPlaceInside?: boolean;
  meetingWalkMinutes?: number | null;
  residentsWithin15MinWalk?: number | null;
}

/** Per-beat figures to merge into `perBeat` / beats.geojson properties, by beat index. */
export function perBeatFigures(plan: BeatPlan, response?: ResponseEstimate, meetings?: MeetingPlaces): BeatFigures[] {
  return plan.beatIds.map((_, b) => {
    const out: BeatFigures = {};
    const r = response?.beats[b];
    if (r) {
      out.unitsOnDuty = r.units;
      out.unitsOnDutyByShift = response!.shifts.map((sh) => sh.beats[b]!.units);
      out.rho = r.rho;
      out.rhoByShift = response!.shifts.map((sh) => sh.beats[b]!.rho);
      out.crossBeatShare = r.crossBeatShare;
      out.meanTravelMinutes = r.meanTravelMinutes;
      out.p90TravelMinutes = r.p90TravelMinutes;
      out.meanQueueWaitMinutes = r.meanQueueWaitMinutes;
      out.meanResponseMinutes = r.meanResponseMinutes;
    }
    const m = meetings?.beats[b];
    if (m) {
      out.meetingPlace = m.venueId;
      out.meetingPlacePosition = m.position;
      out.meetingPlaceInside = m.inside;
      out.meetingWalkMinutes = m.meanWalkMinutes;
      out.residentsWithin15MinWalk = m.shareWithinWalk;
    }
    return out;
  });
}

/**
 * The travel model of a plan on a road graph: shortest time on the roads at each road's speed.
 * On roads, rivers and expressways are crossed where the roads cross them: no barrier detours
 * on the cell graph.
 * @example estimateResponse(grid, plan, scores, units, { travel: roadTravel(grid, plan, scores, roads) })
 */
export function roadTravel(grid: Grid, plan: BeatPlan, scores: CellScores, roads: RoadNetwork): TravelModel {
  return withRoads(buildTravelModel(grid, plan, { cellWeights: scores.workloadHours, barriers: false }), grid, roads);
}

/**
 * Adds response figures (and meeting places) to a plan's metrics: `response` (city, shifts,
 * districts, assumptions), `access` (meeting places, city-wide) and per-beat fields. Officers
 * become units on duty by the time model (`unitsOnDutyByShift`: officers × officerHoursPerWeek
 * ÷ shift hours per week). A response model that cannot run (e.g. a shift over 100%
 * utilisation) is reported in `response.error`, never fatal.
 * @param officers officers per shift and beat, `[shift][beat]` (required or allocated)
 * @param options `officerHoursPerWeek` (default 36, as staffing); `roads`: travel (and the walk
 *   to meeting places) on this road graph (`--roads`) instead of the straight line
 */
export function withPlanFigures(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  metrics: PlanMetrics,
  officers: ReadonlyArray<ArrayLike<number>>,
  staffingRule: string,
  venues: unknown,
  warn: (message: string) => void,
  options: { officerHoursPerWeek?: number; roads?: RoadNetwork } = {},
): Omit<PlanMetrics, 'perBeat'> & { response: unknown; access: unknown; perBeat: Array<PlanMetrics['perBeat'][number] & BeatFigures> } {
  let response: ResponseEstimate | undefined;
  let responseOut: unknown;
  try {
    if (options.roads) for (const w of roadNetworkWarnings(options.roads)) warn(w);
    const travel = options.roads ? roadTravel(grid, plan, scores, options.roads) : undefined;
    response = responseUnderOfficers(grid, plan, scores, officers, staffingRule, {
      ...(options.officerHoursPerWeek !== undefined ? { officerHoursPerWeek: options.officerHoursPerWeek } : {}),
      ...(travel ? { travel } : {}),
    }).estimate;
    for (const w of response.warnings) warn(`response model: ${w}`);
    responseOut = {
      ...responseSummary(response, staffingRule),
      ...(options.roads
        ? {
            roads: {
              nodes: options.roads.nodeCount,
              lengthKm: Math.round(options.roads.lengthKm * 100) / 100,
              speedSources: options.roads.speedSources,
              skippedFeatures: options.roads.skippedFeatures,
            },
          }
        : {}),
    };
  } catch (e) {
    if (!(e instanceof BeatplanError)) throw e;
    warn(`response model not run: ${e.message}`);
    responseOut = { staffingRule, error: { code: e.code, message: e.message } };
  }
  // with --roads, residents walk to the meeting place along the roads
  const meetings =
    venues === undefined
      ? undefined
      : chooseMeetingPlaces(grid, plan, scores.population, venues as never, options.roads ? { roads: options.roads } : {});
  const fig = perBeatFigures(plan, response, meetings);
  return {
    ...metrics,
    response: responseOut,
    access: meetings
      ? {
          ...meetings.city,
          maxWalkMinutes: meetings.maxWalkMinutes,
          beatsWithoutVenueInside: meetings.beatsWithoutVenueInside,
          assumptions: meetings.assumptions,
        }
      : null,
    perBeat: metrics.perBeat.map((b, i) => ({ ...b, ...fig[i] })),
  };
}
