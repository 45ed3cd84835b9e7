/**
 * `simulationReport`: the whole of `beatplan simulate` without files — staffing → units on
 * duty (time model), calls (replay or Poisson), the simulation, the hypercube model on the same
 * plan and units, and the `simulation.json` document with both side by side. The CLI and the
 * API's simulation job both call it.
 */
import { BeatplanError, type ProgressFn } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { shiftLengthHours } from '../score/shifts.js';
import type { CellScores, IncidentTable } from '../score/types.js';
import { allocatedOfficersOf } from '../staff/staffing-json.js';
import { DEFAULT_OFFICER_HOURS_PER_WEEK, unitsOnDutyByShift } from '../staff/time-model.js';
import { estimateResponse, type ResponseEstimate } from './estimate-response.js';
import { ACCESS_SPEED_KMH, type RoadNetwork, roadNetworkWarnings, withRoads } from './roads.js';
import { type SimulatedFigures, type SimulationResult, simulateResponse } from './simulate.js';
import { type LeftOutCalls, poissonCalls, replayCalls, type SimulationCalls, scoresServiceMinutes } from './simulate-calls.js';
import { buildTravelModel } from './travel.js';

/** Format tag of `simulation.json`. */
export const SIMULATION_FORMAT = 'beatplan.simulation/1';

/** Largest difference (a share, 0.02 = 2 points) between simulation and hypercube that the Poisson mode accepts without a warning. */
export const POISSON_AGREEMENT = 0.02;

/**
 * How far (relative) a replay's utilisation may lie from the hypercube's, which runs on the plan's
 * rates, before a warning says the two describe different loads (0.25 = ±25%).
 */
export const REPLAY_LOAD_TOLERANCE = 0.25;

/** Inputs of {@link simulationReport}. */
export interface SimulationReportInput {
  readonly grid: Grid;
  readonly plan: BeatPlan;
  readonly scores: CellScores;
  /** A parsed `staffing.json` of this plan (see `allocatedOfficersOf`). */
  readonly staffing: unknown;
  /**
   * What to replay: incidents with the reader's counts (`rejectedWhy`: the rejected rows by reason
   * with their lines; `notes`: what else the reader did not read as asked, one sentence each —
   * `replayCallsInput` builds it from a reader's report), or Poisson draws over `days` (default:
   * the scores' period).
   */
  readonly calls:
    | {
        readonly incidents: IncidentTable;
        readonly read: number;
        readonly rejected: number;
        readonly rejectedWhy?: string;
        readonly notes?: readonly string[];
      }
    | { readonly poisson: { readonly days?: number } };
  /** Names recorded in the document (file names, dataset ids). */
  readonly names: { readonly plan: string; readonly staffing: string; readonly incidents?: string };
}

/** Options of {@link simulationReport}. */
export interface SimulationReportOptions {
  /** Seed of every draw (default 1). */
  seed?: number;
  /** Coefficient of variation of replayed service times (default 0.8). */
  serviceCv?: number;
  /** Travel speed, km/h (default 30). */
  speedKmh?: number;
  /** Road over straight-line distance (default 1.3). */
  detourFactor?: number;
  /** On-duty hours per officer per week (default: the staffing's `officerHoursPerWeek`, else 36). */
  officerHoursPerWeek?: number;
  /** Travel on this road graph (`--roads`) instead of the straight line. */
  roads?: RoadNetwork;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** What {@link simulationReport} returns. */
export interface SimulationReport {
  /** The `simulation.json` document (plain JSON, deterministic for a seed). */
  readonly doc: Record<string, unknown>;
  /** What is not what was asked (also in `doc.warnings`). */
  readonly warnings: readonly string[];
  readonly simulation: SimulationResult;
  /** The hypercube's estimate, or why it did not run. */
  readonly hypercube: ResponseEstimate | { readonly error: { readonly code: string; readonly message: string } };
  readonly calls: SimulationCalls;
  /** The travel and response-time assumptions in one line for people (the CLI prints it). */
  readonly assumptionsLine: string;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

type HypFigures = { rho: number; crossBeatShare: number | null; meanTravelMinutes: number | null; meanQueueWaitMinutes: number | null };

/** Simulation beside the hypercube: the figures both give, and simulation − hypercube. */
function compare(sim: SimulatedFigures, hyp: HypFigures, pAllBusy: number | null) {
  const pair = (a: number | null, b: number | null) => ({
    simulation: a,
    hypercube: b,
    difference: a !== null && b !== null ? r4(a - b) : null,
  });
  return {
    utilisation: pair(sim.utilisation, hyp.rho),
    crossBeatShare: pair(sim.crossBeatShare, hyp.crossBeatShare),
    queuedShare: pair(sim.queuedShare, pAllBusy),
    meanTravelMinutes: pair(sim.meanTravelMinutes, hyp.meanTravelMinutes),
    meanWaitMinutes: pair(sim.meanWaitMinutes, hyp.meanQueueWaitMinutes),
  };
}

/**
 * What the options ask that this run cannot do (an option ignored, in part or whole), in words:
 * a speed with roads (each road's own speed counts; the speed serves only pairs the roads cannot
 * join), a service-time CV in Poisson mode (service is exponential, CV 1), and road features left
 * out of the graph.
 * @example ignoredOptionWarnings({ serviceCv: 0.5 }, true, 0) // ['service-time CV 0.5 ignored: …']
 */
function ignoredOptionWarnings(options: SimulationReportOptions, poisson: boolean, roadUnreachedPairs: number): string[] {
  const out: string[] = [];
  if (options.roads && options.speedKmh !== undefined)
    out.push(
      roadUnreachedPairs > 0
        ? `speed ${options.speedKmh} km/h is used only for the ${roadUnreachedPairs} place pairs the roads cannot join: on roads travel takes each road's speed`
        : `speed ${options.speedKmh} km/h ignored: on roads travel takes each road's speed`,
    );
  if (poisson && options.serviceCv !== undefined)
    out.push(`service-time CV ${options.serviceCv} ignored: Poisson mode draws exponential service times (CV 1)`);
  if (options.roads) out.push(...roadNetworkWarnings(options.roads));
  return out;
}

/**
 * Runs a simulation of a plan and its staffing and builds `simulation.json`:
 * `city`, `shifts`, `priorities`, `beats` (each beat with its `shifts`) — response = queue
 * wait + travel (mean, p50, p90), cross-beat share, queued share, utilisation, units on duty —
 * then `hypercube` (the model's figures for the same plan and units, rounded to whole units)
 * and `comparison` (simulation − hypercube, city and per shift), `assumptions`, `warnings`.
 * @throws BeatplanError `BAD_INPUT` / `PLAN_GRID_MISMATCH` (a staffing of another plan, bad
 *   values), `INFEASIBLE` (no unit on duty anywhere), `ABORTED`
 * @example const { doc } = simulationReport({ grid, plan, scores, staffing, calls: { poisson: {} }, names: { plan: 'plan.json', staffing: 'staffing.json' } });
 */
export function simulationReport(input: SimulationReportInput, options: SimulationReportOptions = {}): SimulationReport {
  const { grid, plan, scores } = input;
  const seed = options.seed ?? 1;
  const serviceCv = options.serviceCv ?? 0.8;
  const speedKmh = options.speedKmh ?? 30;
  const detourFactor = options.detourFactor ?? 1.3;
  const shiftIds = scores.shifts.map((s) => s.id);
  const officers = allocatedOfficersOf(input.staffing, plan.beatIds, shiftIds, input.names.staffing);
  const fromStaffing = (input.staffing as { officerHoursPerWeek?: unknown }).officerHoursPerWeek;
  const officerHoursPerWeek =
    options.officerHoursPerWeek ?? (typeof fromStaffing === 'number' && fromStaffing > 0 ? fromStaffing : DEFAULT_OFFICER_HOURS_PER_WEEK);
  const shiftHours = scores.shifts.map(shiftLengthHours);
  const units = unitsOnDutyByShift(officers, shiftHours, officerHoursPerWeek);
  const warnings: string[] = [];

  const poisson = 'poisson' in input.calls;
  let calls: SimulationCalls;
  let read: number;
  let leftOut: LeftOutCalls | null = null;
  let rejectedRows: number | null = null;
  if ('poisson' in input.calls) {
    calls = poissonCalls(grid, plan, scores, { days: input.calls.poisson.days, seed, signal: options.signal });
    read = calls.count;
  } else {
    const { incidents, rejected, rejectedWhy, notes } = input.calls;
    read = input.calls.read;
    rejectedRows = rejected;
    if (rejected > 0)
      warnings.push(
        `${rejected} of ${read} incident rows were rejected by the reader: ${rejectedWhy || 'missing or bad position, time or type'}`,
      );
    warnings.push(...(notes ?? []));
    const r = replayCalls(plan, incidents, scores.shifts, { serviceCv, seed });
    calls = r.calls;
    leftOut = r.leftOut;
    const lost = leftOut.noTime + leftOut.outsideGrid + leftOut.unassignedCell + leftOut.noShift;
    if (lost > 0) {
      warnings.push(
        `${lost} incidents left out of the replay: ${leftOut.outsideGrid} outside the plan's grid, ${leftOut.unassignedCell} in cells of no beat, ${leftOut.noTime} without a time, ${leftOut.noShift} at an hour no shift covers`,
      );
    }
  }
  options.onProgress?.(0.1, 'simulate');
  const straight = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours, signal: options.signal });
  const travel = options.roads ? withRoads(straight, grid, options.roads, { detourFactor, signal: options.signal }) : straight;
  warnings.push(...ignoredOptionWarnings(options, poisson, travel.roadUnreachedPairs ?? 0));
  const onProgress = options.onProgress;
  const sim = simulateResponse(grid, plan, scores, calls, units, {
    seed,
    speedKmh,
    detourFactor,
    travel,
    signal: options.signal,
    onProgress: onProgress ? (f, stage) => onProgress(0.1 + 0.75 * f, stage) : undefined,
  });
  let hyp: SimulationReport['hypercube'];
  try {
    hyp = estimateResponse(grid, plan, scores, units, {
      travel,
      speedKmh,
      detourFactor,
      unitsSource: `allocated officers of ${input.names.staffing} × ${officerHoursPerWeek} h/week ÷ shift hours per week (time model)`,
      signal: options.signal,
    });
  } catch (e) {
    if (!(e instanceof BeatplanError) || e.code === 'ABORTED') throw e;
    hyp = { error: { code: e.code, message: e.message } };
    warnings.push(`hypercube model not run: ${e.message}`);
  }
  options.onProgress?.(0.98, 'simulate');

  let hypercube: unknown;
  let comparison: unknown = null;
  if ('error' in hyp) hypercube = { error: hyp.error };
  else {
    // P(all busy) of the city: per shift, weighted by the shift's calls (calls per hour × hours)
    let pw = 0;
    let weight = 0;
    hyp.shifts.forEach((s, k) => {
      const c = s.callsPerHour * shiftHours[k]!;
      pw += s.pAllBusy * c;
      weight += c;
    });
    const cityPAllBusy = weight > 0 ? r4(pw / weight) : null;
    hypercube = {
      units:
        "the same units on duty (the model's whole units serve at the rate that keeps the time model's capacity: see docs/time-model.md)",
      calls: poisson
        ? "the plan's rates, as the simulation's Poisson calls"
        : "the plan's workload rates (the incidents plan.json was scored on), not the replayed incidents: like with like when both are the same file",
      city: { ...hyp.city, pAllBusy: cityPAllBusy },
      shifts: hyp.shifts.map(({ beats: _b, districts: _d, ...s }) => s),
      beats: hyp.beats,
      warnings: hyp.warnings,
    };
    comparison = {
      note: "simulation − hypercube; shares as fractions (0.02 = 2 points); queuedShare is compared with the hypercube's P(all units busy)",
      city: compare(sim.city, hyp.city, cityPAllBusy),
      shifts: hyp.shifts.map((h, s) => ({ shift: h.shift, ...compare(sim.shifts[s]!, h, h.pAllBusy) })),
    };
    if (poisson) {
      const du = Math.abs((sim.city.utilisation ?? 0) - hyp.city.rho);
      const dc = Math.abs((sim.city.crossBeatShare ?? 0) - (hyp.city.crossBeatShare ?? 0));
      if (du > POISSON_AGREEMENT || dc > POISSON_AGREEMENT) {
        warnings.push(
          `Poisson mode: simulation and hypercube differ by ${(100 * du).toFixed(1)} points on utilisation and ${(100 * dc).toFixed(1)} on cross-beat share (more than ${100 * POISSON_AGREEMENT})`,
        );
      }
    } else if (sim.city.utilisation !== null && hyp.city.rho > 0) {
      // The model runs on the plan's rates; a replay of other calls (another period or file) is not its check.
      const ratio = sim.city.utilisation / hyp.city.rho;
      if (Math.abs(ratio - 1) > REPLAY_LOAD_TOLERANCE)
        warnings.push(
          `the replayed calls keep units ${(100 * sim.city.utilisation).toFixed(1)}% busy against the plan's rates' ${(100 * hyp.city.rho).toFixed(1)}% (the hypercube's): they are not the calls the plan was scored on, so the two describe different loads`,
        );
    }
  }
  const doc = {
    format: SIMULATION_FORMAT,
    mode: poisson ? 'poisson' : 'replay',
    seed,
    inputs: { plan: input.names.plan, staffing: input.names.staffing, incidents: poisson ? null : (input.names.incidents ?? null) },
    period: { start: poisson ? null : new Date(calls.startMs).toISOString().slice(0, 10), days: calls.days },
    calls: { read, rejected: rejectedRows, simulated: calls.count, leftOut },
    assumptions: {
      calls: poisson
        ? `Poisson arrivals per cell and shift at the plan's rates (workload ÷ mean service time), exponential service of mean ${r4(scoresServiceMinutes(scores))} min`
        : `the incidents at their real times and cells; service minutes = the type's minutes × units (service-time table) × a lognormal factor of mean 1, CV ${serviceCv}`,
      busyTime: "a unit is busy from dispatch for the call's service minutes (travel included), at least its travel time",
      dispatch:
        "the beat's nearest free unit, else the city's nearest free unit, else one city-wide queue by priority, first come first served within a priority",
      positions:
        "a free unit patrols its beat: its position is an atom of the travel model drawn in proportion to the shift's workload, redrawn when it becomes free",
      travel: options.roads
        ? {
            model: "shortest time on the road graph at each road's speed, plus off-road access legs",
            nodes: options.roads.nodeCount,
            lengthKm: r4(options.roads.lengthKm),
            detourFactor,
            atomSizeKm: 1,
            atoms: travel.atomCount,
          }
        : {
            model: 'straight line × detour at a fixed speed, plus barrier detours',
            speedKmh,
            detourFactor,
            atomSizeKm: 1,
            atoms: travel.atomCount,
          },
      responseTime: 'queue wait + travel (no call-handling or dispatch delay)',
    },
    unitsOnDuty: {
      rule: `allocated officers × ${officerHoursPerWeek} h/week ÷ (shift hours × 7); a fraction f of a unit is one more unit on duty for a whole shift with probability f`,
      officerHoursPerWeek,
      byShift: shiftIds.map((shift, s) => ({ shift, total: r4(units[s]!.reduce((t, u) => t + u, 0)) })),
    },
    city: sim.city,
    shifts: sim.shifts,
    priorities: sim.priorities,
    beats: sim.beats,
    maxQueueLength: sim.maxQueueLength,
    serviceShorterThanTravel: sim.serviceShorterThanTravel,
    hypercube,
    comparison,
    warnings,
  };
  const travelWords = options.roads
    ? `on the road graph (${options.roads.nodeCount} nodes) at each road's speed, off-road legs at ${ACCESS_SPEED_KMH} km/h × ${detourFactor}`
    : `straight line × ${detourFactor} at ${speedKmh} km/h, plus barrier detours`;
  const assumptionsLine = `assumed: travel ${travelWords}; response time = queue wait + travel (no call-handling or dispatch delay)`;
  return { doc, warnings, simulation: sim, hypercube: hyp, calls, assumptionsLine };
}
