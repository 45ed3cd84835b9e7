/**
 * Staffing, one use-case for `beatplan staff` and the API's staffing jobs: officers per beat per
 * shift and named assignments ({@link staffPlan}); a what-if ({@link whatIfOnPlan}) is that
 * use-case on the request as given and on the request with a scenario (officers out, a workload
 * surge in an area), with the staffing diff and the response figures before and after.
 */
import { BeatplanError, type ProgressFn } from '../errors.js';
import { cellsToPolygons } from '../grid/index.js';
import type { TableReport } from '../io/read-roster.js';
import { evaluatePlan, type PlanMetrics } from '../plan/index.js';
import type { RoadNetwork } from '../response/index.js';
import {
  diffStaffing,
  type SkillRule,
  skillsOfBeats,
  staffBeats,
  staffingInputOfPlan,
  staffingToJson,
  successionOfSavedPlan,
} from '../staff/index.js';
import type { FleetEntry, Officer, StaffingInput, StaffingResult, StaffOptions } from '../staff/types.js';
import { roadTravel, withPlanFigures } from './plan-figures.js';
import { planResponse, type ResponseOrError, responseOrError } from './response.js';
import type { LoadedPlan } from './stored-plan.js';

/** Staffing options (the CLI's `staff` flags, the API's staffing request fields). */
export interface StaffPlanOptions {
  /** Vehicles per shift; without it vehicles are not limited. */
  fleet?: readonly FleetEntry[];
  /** Reactive workload may fill at most this share of on-duty time (default 0.6). */
  saturationTarget?: number;
  /** Officers per beat per shift at least (default 1). */
  minOfficersPerBeat?: number;
  /** Skill rules: a beat needs an officer with the skill where the share of residents is high. */
  skills?: readonly SkillRule[];
  /** The plan's metrics when already evaluated (compactness per beat). */
  metrics?: PlanMetrics;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** What staffing a plan is computed from: the staffing input, the options and the skills per beat. */
export interface StaffingSetup {
  input: StaffingInput;
  options: StaffOptions;
  /** Skills each beat needs (beat id → skills), when skill rules were given. */
  skillsOfBeat?: Record<string, string[]>;
  /** Where the setup is not what was asked (e.g. skill rules on a plan without residents). */
  warnings: string[];
}

/**
 * The staffing input and options of a loaded plan, as the CLI and the API build them: per-beat,
 * per-shift workload and need; the roster read against the plan it was made for (the lineage
 * parent, else the existing beats: `successionOfSavedPlan`); skills from the rules.
 * @param cellWorkloadFactor multiplies each cell's workload (what-if areas)
 * @example const { input, options } = staffingSetupOf(p, { saturationTarget: 0.5 });
 */
export function staffingSetupOf(p: LoadedPlan, o: StaffPlanOptions = {}, cellWorkloadFactor?: ArrayLike<number>): StaffingSetup {
  const { grid, plan, scores } = p;
  const warnings: string[] = [];
  const skillsOfBeat = o.skills?.length ? skillsOfBeats(grid, plan, scores.population, o.skills) : undefined;
  if (skillsOfBeat && scores.population.every((x) => x === 0)) {
    warnings.push('skill rules need residents per cell; this plan has none (plan with a population layer)');
  }
  const input = staffingInputOfPlan(grid, plan, scores, {
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(skillsOfBeat ? { skillsOfBeat } : {}),
    ...(cellWorkloadFactor ? { cellWorkloadFactor } : {}),
  });
  const succession = successionOfSavedPlan(p);
  const options: StaffOptions = {
    ...(o.fleet ? { fleet: o.fleet } : {}),
    ...(succession ? { succession } : {}),
    ...(o.saturationTarget !== undefined ? { saturationTarget: o.saturationTarget } : {}),
    ...(o.minOfficersPerBeat !== undefined ? { minOfficersPerBeat: o.minOfficersPerBeat } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
  return { input, options, ...(skillsOfBeat ? { skillsOfBeat } : {}), warnings };
}

/**
 * Officers allocated per shift per beat (`[shift][beat]`, in `beatIds` order) of a staffing result.
 * @example allocatedUnitsOf(result, plan.beatIds, scores.shifts.length)[0][3]
 */
export function allocatedUnitsOf(result: StaffingResult, beatIds: readonly string[], shifts: number): Int32Array[] {
  const index = new Map(beatIds.map((id, b) => [id, b]));
  const units = Array.from({ length: shifts }, () => new Int32Array(beatIds.length));
  for (const beat of result.beats) {
    const b = index.get(beat.id);
    if (b !== undefined) beat.shifts.forEach((s, k) => (units[k]![b] = s.allocated));
  }
  return units;
}

/** A roster as read (`readRoster`): the officers and the row-level report. */
export interface RosterInput {
  officers: readonly Officer[];
  report: TableReport;
}

/** What {@link staffPlan} staffs with, besides the plan and the roster. */
export interface StaffRequest extends StaffPlanOptions {
  /**
   * Response and access figures of the staffing in staffing.json (`response`, `access`,
   * `beatFigures`: the hypercube model under the allocated officers), as `beatplan staff` writes
   * it; the API serves them per request instead. Meeting venues (parsed GeoJSON Points) give the
   * nearest venue and walk per beat; `roads` moves travel (and walks) onto the road graph.
   */
  figures?: { venues?: unknown; roads?: RoadNetwork };
  /** A what-if: the same request with officers out per shift and the workload of an area's cells scaled (see {@link whatIfOnPlan}). */
  scenario?: WhatIfInput;
}

/** What {@link staffPlan} returns: the staffing, staffing.json, and where it is not what was asked. */
export interface StaffOutcome {
  result: StaffingResult;
  /** staffing.json: the staffing, skills needed per beat, (with `figures`) response, access and beat figures, setup warnings, the roster report. */
  staffingJson: Record<string, unknown>;
  /** Where the setup is not what was asked (skill rules on a plan without residents); also in staffing.json's `setupWarnings`. */
  setupWarnings: string[];
  /** Warnings of the response figures (with `figures`). */
  figureWarnings: string[];
}

/**
 * Staffs a stored plan from a roster, one use-case for `beatplan staff`, the API's staffing jobs
 * and each side of a what-if: officers follow their old beat to its successor in the plan's
 * lineage parent (or existing beats); fleet, saturation, minimum and skills as asked; with
 * `figures`, the response and access figures under the allocated officers; with `scenario`,
 * officers out (seeded) and the workload of the area's cells × factor.
 * @throws BeatplanError `INFEASIBLE` (too few officers), `BAD_INPUT` (bad options, unknown shift), `INVALID_GEOMETRY` (area)…
 * @example const { staffingJson } = await staffPlan(loadPlanJson(text), await readRoster('roster.csv'), { saturationTarget: 0.6 });
 */
export async function staffPlan(p: LoadedPlan, roster: RosterInput, request: StaffRequest = {}): Promise<StaffOutcome> {
  const { grid, plan, scores } = p;
  const metrics = request.metrics ?? evaluatePlan(grid, plan, scores);
  const area = request.scenario?.area !== undefined ? areaFactorOf(p, request.scenario) : undefined;
  const { input, options, skillsOfBeat, warnings } = staffingSetupOf(p, { ...request, metrics }, area?.factorOfCell);
  const scenario = request.scenario?.officersOut
    ? { officersOut: request.scenario.officersOut, seed: request.scenario.seed ?? 1 }
    : undefined;
  const result = await staffBeats(input, roster.officers, { ...options, ...(scenario ? { scenario } : {}) });
  const figureWarnings: string[] = [];
  const figures = request.figures
    ? withPlanFigures(
        grid,
        plan,
        scores,
        metrics,
        allocatedUnitsOf(result, plan.beatIds, scores.shifts.length),
        'allocated officers (this staffing)',
        request.figures.venues,
        (m) => figureWarnings.push(m),
        { roads: request.figures.roads },
      )
    : undefined;
  const json = staffingToJson(result);
  const staffingJson = {
    ...json,
    beats: (json.beats as Array<{ id: string }>).map((b) => ({ ...b, skillsNeeded: skillsOfBeat?.[b.id] ?? [] })),
    ...(figures
      ? {
          response: figures.response,
          access: figures.access,
          beatFigures: figures.perBeat.map((b) => ({
            id: b.id,
            unitsOnDuty: b.unitsOnDuty,
            unitsOnDutyByShift: b.unitsOnDutyByShift,
            rho: b.rho,
            rhoByShift: b.rhoByShift,
            crossBeatShare: b.crossBeatShare,
            meanTravelMinutes: b.meanTravelMinutes,
            p90TravelMinutes: b.p90TravelMinutes,
            meanQueueWaitMinutes: b.meanQueueWaitMinutes,
            meanResponseMinutes: b.meanResponseMinutes,
            meetingPlace: b.meetingPlace ?? null,
            meetingWalkMinutes: b.meetingWalkMinutes ?? null,
          })),
        }
      : {}),
    ...(warnings.length ? { setupWarnings: warnings } : {}),
    roster: roster.report,
  };
  return { result, staffingJson, setupWarnings: warnings, figureWarnings };
}

/** A what-if scenario on a stored plan. */
export interface WhatIfInput {
  /** Officers out per shift (chosen by the seeded generator). */
  officersOut?: Array<{ shift: string; count: number }>;
  /** GeoJSON Polygon / MultiPolygon whose cells get `factor` × their workload. */
  area?: unknown;
  /** Workload multiplier inside `area` (default 1). */
  factor?: number;
  /** Seed of the choice of officers out (default 1). */
  seed?: number;
}

/** The cells of a what-if's area: the workload factor per cell, how many cells, the beats they are in. */
function areaFactorOf(p: LoadedPlan, scenario: WhatIfInput): { factorOfCell: Float64Array; cells: number; beats: string[] } {
  const { grid, plan } = p;
  const inside = cellsToPolygons(grid, scenario.area as never);
  const factorOfCell = new Float64Array(grid.cellCount).fill(1);
  let cells = 0;
  const beats = new Set<string>();
  for (let i = 0; i < grid.cellCount; i++) {
    if (inside[i]! < 0) continue;
    factorOfCell[i] = scenario.factor ?? 1;
    cells++;
    const b = plan.beatOfCell[i]!;
    if (b >= 0) beats.add(plan.beatIds[b]!);
  }
  return { factorOfCell, cells, beats: [...beats].sort() };
}

/** What {@link whatIfOnPlan} returns: whatif.json and the staffing of each side. */
export interface WhatIfOutcome {
  /** whatif.json: the scenario, why it is infeasible (or null), the staffing diff, the response before and after, the roster report. */
  json: Record<string, unknown>;
  /** The staffing of the request as given. */
  baseline: StaffOutcome;
  /** The staffing of the modified request; null when infeasible. */
  scenario: StaffOutcome | null;
}

/**
 * A what-if on a stored plan: {@link staffPlan} on the request as given and on the request with
 * the scenario (officers out per shift; the workload of the cells inside `area` × `factor`),
 * the staffing diff, and the response figures under each side's allocated officers (travel on
 * the request's roads when given). An infeasible scenario is reported, not thrown.
 * @throws BeatplanError `INVALID_GEOMETRY` (area), `BAD_INPUT` (unknown shift), `INFEASIBLE` (the baseline)…
 * @example const { json } = await whatIfOnPlan(p, roster, { officersOut: [{ shift: '16-24', count: 5 }] });
 */
export async function whatIfOnPlan(
  p: LoadedPlan,
  roster: RosterInput,
  scenario: WhatIfInput,
  onProgress?: ProgressFn,
  request: Omit<StaffRequest, 'scenario'> = {},
): Promise<WhatIfOutcome> {
  const { grid, plan, scores } = p;
  const area = scenario.area !== undefined ? areaFactorOf(p, scenario) : undefined;
  onProgress?.(0.05, 'staff');
  const baseline = await staffPlan(p, roster, request);
  let after: StaffOutcome | null = null;
  let infeasible: string | null = null;
  try {
    // the scenario's response goes into whatif.json (below), not into its staffing.json
    after = await staffPlan(p, roster, { ...request, figures: undefined, scenario });
  } catch (e) {
    if (!(e instanceof BeatplanError && e.code === 'INFEASIBLE')) throw e;
    infeasible = e.message;
  }
  onProgress?.(0.7, 'response');
  const S = scores.shifts.length;
  const roads = request.figures?.roads;
  const travel = roads ? roadTravel(grid, plan, scores, roads) : undefined;
  const baseRule = 'allocated officers (baseline staffing)';
  const before = responseOrError(
    () => planResponse(p, allocatedUnitsOf(baseline.result, plan.beatIds, S), baseRule, scores, undefined, travel),
    baseRule,
  );
  let afterResponse: ResponseOrError | null = null;
  if (after) {
    // The scenario's scores: workload of the area's cells scaled; the mean service time stays the baseline's.
    let scenarioScores = scores;
    let serviceMinutes: number | undefined;
    if (area) {
      const n = grid.cellCount;
      let hours = 0;
      let incidents = 0;
      for (let i = 0; i < n; i++) {
        hours += scores.rawWorkloadHours[i]!;
        incidents += scores.incidentCount[i]!;
      }
      if (incidents > 0 && hours > 0) serviceMinutes = ((hours * scores.periodWeeks) / incidents) * 60;
      const scale = (a: ArrayLike<number>) => Float64Array.from(a, (x, i) => x * area.factorOfCell[i]!);
      scenarioScores = {
        ...scores,
        shiftWorkloadHours: scores.shiftWorkloadHours.map(scale),
        workloadHours: scale(scores.workloadHours),
        rawWorkloadHours: scale(scores.rawWorkloadHours),
      };
    }
    const rule = 'allocated officers (what-if staffing)';
    const units = allocatedUnitsOf(after.result, plan.beatIds, S);
    afterResponse = responseOrError(() => planResponse(p, units, rule, scenarioScores, serviceMinutes, travel), rule);
  }
  onProgress?.(1, 'done');
  const json = {
    scenario: {
      officersOut: scenario.officersOut ?? [],
      area: area ? { cells: area.cells, beats: area.beats, factor: scenario.factor ?? 1 } : null,
      seed: scenario.seed ?? 1,
    },
    infeasible,
    diff: after ? diffStaffing(baseline.result, after.result) : null,
    response: { before, after: afterResponse },
    roster: roster.report,
  };
  return { json, baseline, scenario: after };
}
