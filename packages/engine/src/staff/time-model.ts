/**
 * Officer time model: how many officers a beat needs in a shift, and how busy they are.
 *
 * An officer gives `h` on-duty hours per week in their shift. With `n` officers a beat-shift
 * has `n·h` officer-hours per week; calls take `W` of them (reactive workload), so the
 * saturation is `W / (n·h)`. The target keeps saturation at or below `σ` (default 60%) and leaves
 * at least the community hours `C` free: `n·h − W ≥ C`. Required officers:
 * `max(min, ⌈W / (σ·h)⌉, ⌈(W + C) / h⌉)`.
 */
import { BeatplanError } from '../errors.js';

/** On-duty hours an officer gives per week when nothing else is said (after leave and training). */
export const DEFAULT_OFFICER_HOURS_PER_WEEK = 36;

/** Share of on-duty time that reactive workload may fill when nothing else is said (staffing's σ). */
export const DEFAULT_SATURATION_TARGET = 0.6;

/** Officers per beat per shift at least, when nothing else is said. */
export const DEFAULT_MIN_OFFICERS_PER_BEAT = 1;

/** Saturation `W / (n·h)`; 0 without work; Infinity with work and no officer. */
export function saturationOf(workloadHours: number, officers: number, officerHoursPerWeek: number): number {
  if (workloadHours <= 0) return 0;
  return officers > 0 ? workloadHours / (officers * officerHoursPerWeek) : Infinity;
}

/** Community hours left uncovered with `officers`: `max(0, C − (n·h − W))`, hours per week. */
export function communityShortfallOf(workloadHours: number, communityHours: number, officers: number, officerHoursPerWeek: number): number {
  return Math.max(0, communityHours - (officers * officerHoursPerWeek - workloadHours));
}

/**
 * Officers required for one beat in one shift: `max(minOfficers, ⌈W/(σ·h)⌉, ⌈(W + C)/h⌉)`.
 *
 * @param workloadHours reactive workload W, officer-hours per week
 * @param communityHours community-time need C, hours per week
 * @param officerHoursPerWeek on-duty hours h per officer per week
 * @param saturationTarget σ in (0, 1]
 * @example requiredOfficers(43.2, 10, 36, 0.6, 1) // 2: 43.2/(0.6·36) = 2, (43.2+10)/36 = 1.48
 */
export function requiredOfficers(
  workloadHours: number,
  communityHours: number,
  officerHoursPerWeek: number,
  saturationTarget: number,
  minOfficers: number,
): number {
  const eps = 1e-9;
  const bySat = Math.ceil(workloadHours / (saturationTarget * officerHoursPerWeek) - eps);
  const byTime = Math.ceil((workloadHours + communityHours) / officerHoursPerWeek - eps);
  return Math.max(minOfficers, bySat, byTime, 0);
}

/**
 * Patrol units on duty, on average, in one beat and shift — the ONE conversion from officers to
 * units that staffing, the response model and the simulation share (see docs/time-model.md).
 *
 * An officer gives `officerHoursPerWeek` on-duty hours in their shift, and the shift has
 * `shiftHoursPerWeek` hours a week (shift length h × 7), so `officers` officers keep
 * `officers × officerHoursPerWeek ÷ shiftHoursPerWeek` units on duty at any moment, on average.
 * With it, the response model's utilisation `calls hours ÷ (units × shift hours)` equals the
 * staffing's saturation `W ÷ (officers × officerHoursPerWeek)`.
 *
 * @param officers officers working the beat in the shift (≥ 0; available ones only)
 * @param officerHoursPerWeek on-duty hours per officer per week (> 0; default in staffing: 36)
 * @param shiftHoursPerWeek hours of the shift per week, shift length in hours × 7 (> 0)
 * @returns mean units on duty (a fraction, e.g. 2 officers × 36 h ÷ 56 h = 1.2857)
 * @throws BeatplanError `BAD_INPUT` when an argument is negative, zero where it must be > 0, or not finite
 * @example unitsOnDuty(2, 36, 8 * 7) // 1.2857142857142858
 */
export function unitsOnDuty(officers: number, officerHoursPerWeek: number, shiftHoursPerWeek: number): number {
  if (!(officers >= 0) || !Number.isFinite(officers))
    throw new BeatplanError('BAD_INPUT', 'officers must be a finite number ≥ 0', { field: 'officers', value: officers });
  if (!(officerHoursPerWeek > 0) || !Number.isFinite(officerHoursPerWeek))
    throw new BeatplanError('BAD_INPUT', 'officerHoursPerWeek must be a finite number > 0', {
      field: 'officerHoursPerWeek',
      value: officerHoursPerWeek,
    });
  if (!(shiftHoursPerWeek > 0) || !Number.isFinite(shiftHoursPerWeek))
    throw new BeatplanError('BAD_INPUT', 'shiftHoursPerWeek must be a finite number > 0', {
      field: 'shiftHoursPerWeek',
      value: shiftHoursPerWeek,
    });
  return (officers * officerHoursPerWeek) / shiftHoursPerWeek;
}

/**
 * Units on duty per shift and beat, `[shift][beat]`, from officers per shift and beat by
 * {@link unitsOnDuty}: officers × officerHoursPerWeek ÷ (shift length h × 7).
 *
 * @param officersByShift officers `[shift][beat]` (allocated by staffing, or required ones)
 * @param shiftLengthsHours length of each shift, hours (e.g. `[8, 8, 8]`)
 * @param officerHoursPerWeek on-duty hours per officer per week
 * @throws BeatplanError `BAD_INPUT` (shapes or values, see {@link unitsOnDuty})
 * @example unitsOnDutyByShift([[2, 1]], [8], 36) // [[1.2857…, 0.6428…]]
 */
export function unitsOnDutyByShift(
  officersByShift: ReadonlyArray<ArrayLike<number>>,
  shiftLengthsHours: readonly number[],
  officerHoursPerWeek: number,
): number[][] {
  if (officersByShift.length !== shiftLengthsHours.length) {
    throw new BeatplanError('BAD_INPUT', `officers need one row per shift (${shiftLengthsHours.length})`, {
      field: 'officersByShift',
      value: officersByShift.length,
    });
  }
  return officersByShift.map((row, s) => Array.from(row, (o) => unitsOnDuty(o, officerHoursPerWeek, shiftLengthsHours[s]! * 7)));
}
