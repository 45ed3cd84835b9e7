/**
 * Staffing use-cases on a stored plan: officers per beat per shift and named assignments
 * (`staffBeats`), and what-if runs (officers out, a workload surge in an area), with the
 * response figures before and after. Shared by `beatplan staff` and the API's staffing jobs.
 */

import type { ProgressFn } from '../errors.js';
import { cellsToPolygons } from '../grid/index.js';
import type { TableReport } from '../io/read-roster.js';
import { evaluatePlan, type PlanMetrics } from '../plan/index.js';
import type { RoadNetwork } from '../response/index.js';
import {
  type SkillRule,
  skillsOfBeats,
  staffBeats,
  staffingInputOfPlan,
  staffingToJson,
  staffWhatIf,
  successionOfSavedPlan,
} from '../staff/index.js';
import type { FleetEntry, Officer, StaffingInput, StaffingResult, StaffOptions } from '../staff/types.js';
import { withPlanFigures } from './plan-figures.js';
import { planResponse, type ResponseOrError, responseOrError } from './response.js';
import { type LoadedPlan, loadPlanJson } from './stored-plan.js';

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

/**
 * Staffs the beats of a stored plan from a roster: officers follow their old beat to its
 * successor in the plan's lineage parent (or existing beats).
 * @returns `staffing.json` with the roster report (and `skillsNeeded` per beat with skill rules)
 * @throws BeatplanError `INFEASIBLE` (too few officers), `BAD_INPUT` (bad options)…
 * @example const json = await staffPlan(text, await readRoster('roster.csv'));
 */
export async function staffPlan(planJson: string, roster: RosterInput, o: StaffPlanOptions = {}): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const { input, options, skillsOfBeat, warnings } = staffingSetupOf(p, o);
  const result = await staffBeats(input, roster.officers, options);
  const json = staffingToJson(result);
  return {
    ...json,
    ...(skillsOfBeat
      ? { beats: (json.beats as Array<{ id: string }>).map((b) => ({ ...b, skillsNeeded: skillsOfBeat[b.id] ?? [] })) }
      : {}),
    ...(warnings.length ? { setupWarnings: warnings } : {}),
    roster: roster.report,
  };
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

/**
 * A what-if run on a stored plan: staffs the baseline and the scenario (officers out per
 * shift; the workload of the cells inside `area` × `factor`) and reports the staffing diff
 * and the response figures before and after. An infeasible scenario is reported, not thrown.
 * @throws BeatplanError `INVALID_GEOMETRY` (area), `BAD_INPUT` (unknown shift)…
 * @example const r = await whatIfOnPlan(text, roster, { officersOut: [{ shift: '16-24', count: 5 }] });
 */
export async function whatIfOnPlan(
  planJson: string,
  roster: RosterInput,
  scenario: WhatIfInput,
  onProgress?: ProgressFn,
  o: StaffPlanOptions = {},
): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const { grid, plan, scores } = p;
  const n = grid.cellCount;
  let factorOfCell: Float64Array | undefined;
  let areaCells = 0;
  const areaBeats = new Set<string>();
  if (scenario.area !== undefined) {
    const inside = cellsToPolygons(grid, scenario.area as never);
    factorOfCell = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i++) {
      if (inside[i]! < 0) continue;
      factorOfCell[i] = scenario.factor ?? 1;
      areaCells++;
      const b = plan.beatOfCell[i]!;
      if (b >= 0) areaBeats.add(plan.beatIds[b]!);
    }
  }
  const setup = staffingSetupOf(p, o);
  const scenarioInput = factorOfCell ? staffingSetupOf(p, o, factorOfCell).input : setup.input;
  onProgress?.(0.05, 'staff');
  const w = await staffWhatIf(
    setup.input,
    roster.officers,
    { ...(scenario.officersOut ? { officersOut: scenario.officersOut } : {}), seed: scenario.seed ?? 1 },
    setup.options,
    scenarioInput,
  );
  onProgress?.(0.7, 'response');
  const S = scores.shifts.length;
  const baseRule = 'allocated officers (baseline staffing)';
  const before = responseOrError(() => planResponse(p, allocatedUnitsOf(w.baseline, plan.beatIds, S), baseRule), baseRule);
  let after: ResponseOrError | null = null;
  if (w.scenario) {
    // The scenario's scores: workload of the area's cells scaled; the mean service time stays the baseline's.
    let scenarioScores = scores;
    let serviceMinutes: number | undefined;
    if (factorOfCell) {
      let hours = 0;
      let incidents = 0;
      for (let i = 0; i < n; i++) {
        hours += scores.rawWorkloadHours[i]!;
        incidents += scores.incidentCount[i]!;
      }
      if (incidents > 0 && hours > 0) serviceMinutes = ((hours * scores.periodWeeks) / incidents) * 60;
      const scale = (a: ArrayLike<number>) => Float64Array.from(a, (x, i) => x * factorOfCell![i]!);
      scenarioScores = {
        ...scores,
        shiftWorkloadHours: scores.shiftWorkloadHours.map(scale),
        workloadHours: scale(scores.workloadHours),
        rawWorkloadHours: scale(scores.rawWorkloadHours),
      };
    }
    const rule = 'allocated officers (what-if staffing)';
    after = responseOrError(
      () => planResponse(p, allocatedUnitsOf(w.scenario!, plan.beatIds, S), rule, scenarioScores, serviceMinutes),
      rule,
    );
  }
  onProgress?.(1, 'done');
  return {
    scenario: {
      officersOut: scenario.officersOut ?? [],
      area: scenario.area === undefined ? null : { cells: areaCells, beats: [...areaBeats].sort(), factor: scenario.factor ?? 1 },
      seed: scenario.seed ?? 1,
    },
    infeasible: w.infeasible ?? null,
    diff: w.diff,
    response: { before, after },
    roster: roster.report,
  };
}

/** What {@link staffPlanWithFigures} staffs with, besides the plan and the roster. */
export interface StaffWithFiguresRequest extends StaffPlanOptions {
  /** Meeting venues (parsed GeoJSON Points): nearest venue and walking time per beat. */
  venues?: unknown;
  /** Road graph: response travel (and walks to venues) on the roads. */
  roads?: RoadNetwork;
  /** What-if: officers out per shift (whatif.json). */
  officersOut?: Array<{ shift: string; count: number }>;
  /** Seed of the what-if's choice of officers out (default 1). */
  seed?: number;
}

/** What {@link staffPlanWithFigures} returns: the documents of `beatplan staff` and what to report. */
export interface StaffWithFigures {
  result: StaffingResult;
  /** staffing.json: the staffing, skills per beat, response and access figures, beat figures, the roster report. */
  staffingJson: Record<string, unknown>;
  /** whatif.json, with `officersOut`. */
  whatIf?: Record<string, unknown>;
  /** Where the setup is not what was asked (skill rules on a plan without residents). */
  setupWarnings: string[];
  /** Warnings of the response figures: of the staffing, of the what-if. */
  figureWarnings: { staffing: string[]; whatIf: string[] };
}

/**
 * `beatplan staff` as one call: staffs a loaded plan from a roster (`staffBeats` on
 * {@link staffingSetupOf}), adds the response and access figures under the allocated
 * officers, and with `officersOut` runs the what-if (`staffWhatIf`) with its response.
 * @throws BeatplanError `INFEASIBLE` (too few officers), `BAD_INPUT` (unknown shift, bad options)…
 * @example const { staffingJson } = await staffPlanWithFigures(loaded, roster, { saturationTarget: 0.6 });
 */
export async function staffPlanWithFigures(p: LoadedPlan, roster: RosterInput, o: StaffWithFiguresRequest = {}): Promise<StaffWithFigures> {
  const { grid, plan, scores } = p;
  const metrics = o.metrics ?? evaluatePlan(grid, plan, scores);
  const { input, options, skillsOfBeat, warnings } = staffingSetupOf(p, { ...o, metrics, skills: o.skills ?? [] });
  const result = await staffBeats(input, roster.officers, options);
  const figureWarnings = { staffing: [] as string[], whatIf: [] as string[] };
  const S = scores.shifts.length;
  const figures = withPlanFigures(
    grid,
    plan,
    scores,
    metrics,
    allocatedUnitsOf(result, plan.beatIds, S),
    'allocated officers (this staffing)',
    o.venues,
    (m) => figureWarnings.staffing.push(m),
    { roads: o.roads },
  );
  const json = staffingToJson(result);
  const staffingJson = {
    ...json,
    beats: (json.beats as Array<{ id: string }>).map((b) => ({ ...b, skillsNeeded: skillsOfBeat?.[b.id] ?? [] })),
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
    roster: roster.report,
  };
  let whatIf: Record<string, unknown> | undefined;
  if (o.officersOut) {
    const what = await staffWhatIf(input, roster.officers, { officersOut: o.officersOut, seed: o.seed ?? 1 }, options);
    const scenarioResponse = what.scenario
      ? withPlanFigures(
          grid,
          plan,
          scores,
          metrics,
          allocatedUnitsOf(what.scenario, plan.beatIds, S),
          'allocated officers (what-if)',
          undefined,
          (m) => figureWarnings.whatIf.push(m),
          { roads: o.roads },
        ).response
      : null;
    whatIf = {
      scenario: { officersOut: o.officersOut },
      infeasible: what.infeasible ?? null,
      diff: what.diff,
      response: { baseline: figures.response, scenario: scenarioResponse },
      scenarioStaffing: what.scenario ? staffingToJson(what.scenario) : null,
    };
  }
  return { result, staffingJson, ...(whatIf ? { whatIf } : {}), setupWarnings: warnings, figureWarnings };
}
