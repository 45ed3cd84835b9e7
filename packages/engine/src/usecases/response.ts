/**
 * Response-figure use-cases on a stored plan: Larson's hypercube model (`estimateResponse`)
 * with officers per shift per beat from the time model, a stored staffing, or a what-if.
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/index.js';
import type { BeatPlan } from '../plan/index.js';
import { estimateResponse, type ResponseEstimate, type TravelModel } from '../response/index.js';
import { type CellScores, shiftLengthHours } from '../score/index.js';
import {
  DEFAULT_MIN_OFFICERS_PER_BEAT,
  DEFAULT_OFFICER_HOURS_PER_WEEK,
  DEFAULT_SATURATION_TARGET,
  requiredByShift,
  staffingInputOfPlan,
  unitsOnDutyByShift,
} from '../staff/index.js';
import type { LoadedPlan } from './stored-plan.js';

/**
 * The staffing rule of response figures computed with the officers the time model requires,
 * in words, from the time model's own constants (hours per officer, σ, minimum per beat).
 * @example requiredOfficersRule() // 'officers required by the time model (36 h/week, saturation 0.6, min 1 per beat per shift)'
 */
export function requiredOfficersRule(
  saturationTarget: number = DEFAULT_SATURATION_TARGET,
  minOfficersPerBeat: number = DEFAULT_MIN_OFFICERS_PER_BEAT,
): string {
  return `officers required by the time model (${DEFAULT_OFFICER_HOURS_PER_WEEK} h/week, saturation ${saturationTarget}, min ${minOfficersPerBeat} per beat per shift)`;
}

/** The staffing rule of response figures without a stored staffing: {@link requiredOfficersRule} at the defaults. */
export const REQUIRED_OFFICERS_RULE = requiredOfficersRule();

/** Response figures as a use-case returns them: city, per shift, per beat and per district. */
export interface PlanResponseFigures {
  format: string;
  /** Which officers the figures assume (a sentence). */
  staffingRule: string;
  city: ResponseEstimate['city'];
  shifts: Array<Omit<ResponseEstimate['shifts'][number], 'beats' | 'districts'>>;
  beats: ResponseEstimate['beats'];
  districts: ResponseEstimate['districts'];
  /** Officers (required or allocated) per shift per beat the figures assume (`[shift][beat]`). */
  unitsByShift: number[][];
  /** Units on duty per shift per beat by the time model: officers × 36 h ÷ shift hours per week. */
  unitsOnDutyByShift: number[][];
  /** What the figures assume: travel model, speed, detour, service minutes, units source. */
  assumptions: ResponseEstimate['assumptions'];
  atoms: number;
  warnings: readonly string[];
  timingsMs: ResponseEstimate['timingsMs'];
}

/**
 * Larson's hypercube model (`estimateResponse`) with `officers` per shift per beat, converted to
 * units on duty by the time model (officers × `officerHoursPerWeek` ÷ shift hours per week); the
 * one place both the stored-plan figures ({@link planResponse}) and the output documents'
 * figures (`withPlanFigures`) run it.
 * @param officers officers `[shift][beat]` in the plan's beat order
 * @param staffingRule which officers these are, in words (recorded in the figures' units source)
 * @param options `officerHoursPerWeek` (default 36); `serviceMinutes` of a call (default from
 *   the scores); `travel`, a travel model built before (e.g. on a road graph)
 * @throws BeatplanError `INFEASIBLE` (a shift over 100% utilisation), `BAD_INPUT` (no incidents)
 * @example responseUnderOfficers(grid, plan, scores, requiredByShift(input), REQUIRED_OFFICERS_RULE).estimate.city
 */
export function responseUnderOfficers(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  officers: ReadonlyArray<ArrayLike<number>>,
  staffingRule: string,
  options: { officerHoursPerWeek?: number; serviceMinutes?: number; travel?: TravelModel } = {},
): { estimate: ResponseEstimate; onDuty: number[][] } {
  const hours = options.officerHoursPerWeek ?? DEFAULT_OFFICER_HOURS_PER_WEEK;
  const onDuty = unitsOnDutyByShift(officers, scores.shifts.map(shiftLengthHours), hours);
  const estimate = estimateResponse(grid, plan, scores, onDuty, {
    unitsSource: `${staffingRule} × ${hours} h/week ÷ shift hours per week (time model)`,
    ...(options.serviceMinutes !== undefined ? { serviceMinutes: options.serviceMinutes } : {}),
    ...(options.travel ? { travel: options.travel } : {}),
  });
  return { estimate, onDuty };
}

/**
 * Response figures of a plan (Larson's hypercube model, `estimateResponse`) with `units`
 * officers per shift per beat, converted to units on duty by the time model.
 * @param units officers `[shift][beat]` in the plan's beat order
 * @param serviceMinutes mean service time of a call; default derived from the plan's scores
 * @param travel the plan's travel model built before (e.g. on a road graph); default built here
 * @throws BeatplanError `INFEASIBLE` (a shift over 100% utilisation), `BAD_INPUT` (no incidents)
 * @example planResponse(p, requiredUnits(p), REQUIRED_OFFICERS_RULE).city.meanTravelMinutes
 */
export function planResponse(
  p: LoadedPlan,
  units: ReadonlyArray<ArrayLike<number>>,
  staffingRule: string,
  scores: CellScores = p.scores,
  serviceMinutes?: number,
  travel?: TravelModel,
): PlanResponseFigures {
  const { estimate: r, onDuty } = responseUnderOfficers(p.grid, p.plan, scores, units, staffingRule, {
    ...(serviceMinutes !== undefined ? { serviceMinutes } : {}),
    ...(travel ? { travel } : {}),
  });
  return {
    ...responseSummary(r, staffingRule),
    unitsOnDutyByShift: onDuty,
    beats: r.beats,
    unitsByShift: units.map((row) => Array.from(row)),
  };
}

/**
 * Response figures in the shape every document carries them: `metrics.json` and `staffing.json`
 * `response` (the CLI) as they are, and the API's `GET /plans/{id}/response` ({@link planResponse})
 * with the per-beat figures and the units added — one shape for one thing.
 * Fields: format, staffingRule, assumptions, city, shifts (without their per-beat and per-district
 * lists), districts, atoms, warnings, timingsMs.
 * @example responseSummary(estimateResponse(grid, plan, scores, units), REQUIRED_OFFICERS_RULE).city.meanResponseMinutes
 */
export function responseSummary(r: ResponseEstimate, staffingRule: string) {
  return {
    format: r.format,
    staffingRule,
    assumptions: r.assumptions,
    city: r.city,
    shifts: r.shifts.map(({ beats: _b, districts: _d, ...shift }) => shift),
    districts: r.districts,
    atoms: r.atoms,
    warnings: r.warnings,
    timingsMs: r.timingsMs,
  };
}

/** Response figures, or why the model could not run (a coded engine error, as data). */
export type ResponseOrError = PlanResponseFigures | { staffingRule: string; error: { code: string; message: string } };

/**
 * Runs `run` and returns its figures, or the `BeatplanError` it threw as data (other errors are rethrown).
 * @example responseOrError(() => planResponse(p, units, rule), rule)
 */
export function responseOrError(run: () => PlanResponseFigures, staffingRule: string): ResponseOrError {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof BeatplanError)) throw e;
    return { staffingRule, error: { code: e.code, message: e.message } };
  }
}

/**
 * Officers per shift per beat (`[shift][beat]`) required by the time model (optionally under
 * another saturation target than the default).
 * @example requiredUnits(p)[0][3] // officers beat 3 needs in the first shift
 */
export function requiredUnits(p: LoadedPlan, options: { saturationTarget?: number } = {}): Int32Array[] {
  return requiredByShift(staffingInputOfPlan(p.grid, p.plan, p.scores), options);
}

/** A response what-if: the time model under a saturation target, then per-beat overrides. */
export interface ResponseWhatIfInput {
  /** σ in (0, 1] (default 0.6). */
  saturationTarget?: number;
  /** Officers per beat and shift replacing the time model's. */
  units?: ReadonlyArray<{ beat: string; shift: string; officers: number }>;
}

/**
 * Officers on duty `[shift][beat]` of a response what-if and the rule that describes them.
 * @throws BeatplanError `BAD_INPUT` naming an unknown beat (`units.k.beat`) or shift (`units.k.shift`)
 * @example whatIfUnits(p, { saturationTarget: 0.5 }).rule
 */
export function whatIfUnits(p: LoadedPlan, input: ResponseWhatIfInput): { units: Int32Array[]; rule: string } {
  const saturation = input.saturationTarget ?? DEFAULT_SATURATION_TARGET;
  const units = requiredUnits(p, { saturationTarget: saturation });
  const shiftIds = p.scores.shifts.map((s) => s.id);
  (input.units ?? []).forEach((u, k) => {
    const b = p.plan.beatIds.indexOf(u.beat);
    if (b < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: `units.${k}.beat`, value: u.beat });
    const s = shiftIds.indexOf(u.shift);
    if (s < 0)
      throw new BeatplanError('BAD_INPUT', `no such shift (the plan's shifts: ${shiftIds.join(', ')})`, {
        field: `units.${k}.shift`,
        value: u.shift,
      });
    units[s]![b] = u.officers;
  });
  const overrides = (input.units ?? []).map((u) => `${u.beat} ${u.shift}: ${u.officers}`);
  const rule = `${requiredOfficersRule(saturation)}${overrides.length ? `, overridden: ${overrides.join('; ')}` : ''}`;
  return { units, rule };
}
