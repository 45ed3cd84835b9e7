/**
 * Officer time model: how many officers a beat needs in a shift, and how busy they are.
 *
 * An officer gives `h` on-duty hours per week in their shift. With `n` officers a beat-shift
 * has `n·h` officer-hours per week; calls take `W` of them (reactive workload), so the
 * saturation is `W / (n·h)`. The target keeps saturation at or below `σ` (default 60%) and leaves
 * at least the community hours `C` free: `n·h − W ≥ C`. Required officers:
 * `max(min, ⌈W / (σ·h)⌉, ⌈(W + C) / h⌉)`.
 */

/** Saturation `W / (n·h)`; 0 without work; Infinity with work and no officer. */
export function saturationOf(workloadHours: number, officers: number, officerHoursPerWeek: number): number {
  if (workloadHours <= 0) return 0;
  return officers > 0 ? workloadHours / (officers * officerHoursPerWeek) : Infinity;
}

/** Community hours left uncovered with `officers`: `max(0, C − (n·h − W))`, hours per week. */
export function communityShortfallOf(
  workloadHours: number,
  communityHours: number,
  officers: number,
  officerHoursPerWeek: number,
): number {
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
