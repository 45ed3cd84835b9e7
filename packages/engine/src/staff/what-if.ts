/**
 * What-if staffing: re-run with officers out or workload scaled, and report what changed.
 */
import { BeatplanError } from '../errors.js';
import { staffBeats } from './staff-beats.js';
import type { Officer, StaffingInput, StaffingResult, StaffOptions, WhatIfScenario } from './types.js';

/** One beat-shift whose staffing changed. */
export interface BeatShiftChange {
  readonly beat: string;
  readonly shift: string;
  readonly allocatedBefore: number;
  readonly allocatedAfter: number;
  readonly saturationBefore: number | null;
  readonly saturationAfter: number | null;
}

/** Difference between a baseline staffing and a scenario. */
export interface StaffingDiff {
  readonly shifts: ReadonlyArray<{
    shift: string;
    headcountDelta: number;
    maxSaturationBefore: number | null;
    maxSaturationAfter: number | null;
    communityShortfallHoursDelta: number;
  }>;
  /** Beat-shifts whose allocation or saturation changed (saturation by more than 1e-9). */
  readonly beats: readonly BeatShiftChange[];
  /** Officers whose beat changed (including officers taken out: `after` null). */
  readonly moved: ReadonlyArray<{ officerId: string; shift: string; before: string | null; after: string | null }>;
  readonly continuityPercentBefore: number;
  readonly continuityPercentAfter: number;
  /** Unfilled slots (officer/skill/vehicle) before and after. */
  readonly unfilledBefore: number;
  readonly unfilledAfter: number;
}

/** Result of {@link staffWhatIf}: both runs and their diff, or why the scenario cannot be staffed. */
export interface WhatIfResult {
  readonly baseline: StaffingResult;
  /** Null when the scenario is infeasible (see `infeasible`). */
  readonly scenario: StaffingResult | null;
  readonly diff: StaffingDiff | null;
  /** The explanation when the scenario cannot be staffed (e.g. too few officers for minimum staffing). */
  readonly infeasible?: string;
}

/** Compares two staffing results of the same beats and shifts. */
export function diffStaffing(before: StaffingResult, after: StaffingResult): StaffingDiff {
  const shifts = before.shifts.map((s, i) => {
    const a = after.shifts[i]!;
    return {
      shift: s.shift,
      headcountDelta: a.headcount - s.headcount,
      maxSaturationBefore: s.maxSaturation,
      maxSaturationAfter: a.maxSaturation,
      communityShortfallHoursDelta: a.communityShortfallHours - s.communityShortfallHours,
    };
  });
  const beats: BeatShiftChange[] = [];
  before.beats.forEach((b, i) => {
    b.shifts.forEach((s, k) => {
      const t = after.beats[i]!.shifts[k]!;
      const satChanged = (s.saturation ?? -1) !== (t.saturation ?? -1) && Math.abs((s.saturation ?? -1) - (t.saturation ?? -1)) > 1e-9;
      if (s.allocated !== t.allocated || satChanged) {
        beats.push({
          beat: b.id,
          shift: s.shift,
          allocatedBefore: s.allocated,
          allocatedAfter: t.allocated,
          saturationBefore: s.saturation,
          saturationAfter: t.saturation,
        });
      }
    });
  });
  const afterOf = new Map(after.assignments.map((a) => [`${a.shift}\u0000${a.officerId}`, a.beat]));
  const moved = before.assignments.flatMap((a) => {
    const key = `${a.shift}\u0000${a.officerId}`;
    const nb = afterOf.has(key) ? afterOf.get(key)! : null;
    return nb !== a.beat ? [{ officerId: a.officerId, shift: a.shift, before: a.beat, after: nb }] : [];
  });
  return {
    shifts,
    beats,
    moved,
    continuityPercentBefore: before.continuity.percent,
    continuityPercentAfter: after.continuity.percent,
    unfilledBefore: before.unfilled.reduce((x, u) => x + u.count, 0),
    unfilledAfter: after.unfilled.reduce((x, u) => x + u.count, 0),
  };
}

/**
 * Staffs the baseline and the scenario (officers out on a shift, workload scaled per beat —
 * a drawn area is mapped to beats or, via `staffingInputFromPlan`'s `cellWorkloadFactor`, to
 * cells) and reports the difference. An infeasible scenario is reported, not thrown.
 *
 * @example
 * const w = await staffWhatIf(input, roster, { officersOut: [{ shift: '16-24', count: 12 }] });
 * console.log(w.diff?.shifts[2].maxSaturationAfter);
 */
export async function staffWhatIf(
  input: StaffingInput,
  roster: readonly Officer[],
  scenario: WhatIfScenario,
  options: StaffOptions = {},
  scenarioInput: StaffingInput = input,
): Promise<WhatIfResult> {
  const baseline = await staffBeats(input, roster, { ...options, scenario: undefined });
  try {
    const after = await staffBeats(scenarioInput, roster, { ...options, scenario });
    return { baseline, scenario: after, diff: diffStaffing(baseline, after) };
  } catch (e) {
    if (e instanceof BeatplanError && e.code === 'INFEASIBLE') return { baseline, scenario: null, diff: null, infeasible: e.message };
    throw e;
  }
}
