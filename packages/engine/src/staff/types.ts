/**
 * Shapes of staffing: what `staffBeats` takes (beats with per-shift workload, a roster, a fleet)
 * and what it returns (officers per beat per shift, named assignments, what was left unfilled).
 */
import type { ShiftWindow } from '../score/types.js';
import type { Succession } from './successors.js';

/** One beat as staffing sees it: grid-free numbers only. */
export interface StaffingBeat {
  /** Beat id, e.g. "B001". */
  readonly id: string;
  /** District id when beats nest in districts. */
  readonly district?: string;
  /** Area in km². */
  readonly areaKm2: number;
  /** Reactive workload per shift (same order as {@link StaffingInput.shifts}), officer-hours per week. */
  readonly shiftWorkloadHours: readonly number[];
  /** Community-engagement need of the beat, community-time hours per week (all shifts). */
  readonly needHours: number;
  /** Polsby-Popper compactness in [0, 1] (used by the foot-patrol rule when present). */
  readonly compactness?: number;
  /** Skills the beat needs on every shift, e.g. a language spoken there (`"spanish"`). */
  readonly skills?: readonly string[];
}

/** Input of {@link staffBeats}: the shift windows and the beats. */
export interface StaffingInput {
  readonly shifts: readonly ShiftWindow[];
  readonly beats: readonly StaffingBeat[];
}

/** One officer of the roster. */
export interface Officer {
  readonly id: string;
  readonly name: string;
  /** Shift id (one of the input's shift ids) or a 1-based watch number. */
  readonly shift: string;
  readonly rank: string;
  /** Beat id the officer works now; null when none (new officer). */
  readonly currentBeat: string | null;
  /** Skills, lower-case (e.g. `"spanish"`, `"fto"`). */
  readonly skills: readonly string[];
  readonly available: boolean;
}

/** Vehicles of one type available on one shift. */
export interface FleetEntry {
  readonly shift: string;
  /** e.g. `"marked"`, `"suv"`, `"bike"`. */
  readonly vehicleType: string;
  readonly count: number;
}

/** How a beat is patrolled. Car beats need a car-class vehicle; foot and bike beats do not. */
export type BeatMode = 'car' | 'foot' | 'bike';

/**
 * Rule that marks beats as foot- or bike-patrol beats. A beat is a foot beat when its area is at
 * most `foot.maxAreaKm2`, its total workload density is at least `foot.minWorkloadHoursPerKm2`
 * (officer-hours per week per km²) and, when the beat has a compactness, it is at least
 * `foot.minCompactness`; otherwise a bike beat under the `bike` thresholds; otherwise a car beat.
 * `modes` overrides the rule per beat id.
 */
export interface BeatModeRule {
  readonly foot?: { maxAreaKm2?: number; minWorkloadHoursPerKm2?: number; minCompactness?: number };
  readonly bike?: { maxAreaKm2?: number; minWorkloadHoursPerKm2?: number; minCompactness?: number };
  /** Explicit mode per beat id (wins over the rule). */
  readonly modes?: Readonly<Record<string, BeatMode>>;
}

/** Weights of the staffing objectives (all ≥ 0). */
export interface StaffWeights {
  /** Per unit (1.0 = 100%) of the worst saturation in a shift. Default 1. */
  readonly saturation?: number;
  /** Per unit of the fraction of community hours left uncovered in a shift. Default 1. */
  readonly communityShortfall?: number;
  /** Per officer kept on their (successor) beat. Default 10. */
  readonly continuity?: number;
  /** Per beat-shift team that gets a senior officer. Default 1. */
  readonly seniority?: number;
  /** Per skill slot filled by an officer without the skill (a penalty). Default 1000. */
  readonly skillMissing?: number;
  /**
   * κ of the surplus rule: officers beyond the optimal allocation go where they lower saturation
   * most, and one who can stay on their (successor) beat counts as κ of saturation (0.05 = 5
   * percentage points). Default 0.05 (see `allocateOfficers`).
   */
  readonly surplusContinuity?: number;
}

/** A what-if scenario: officers out, workload scaled. */
export interface WhatIfScenario {
  /** Officers out per shift: a count (chosen by the seeded generator) and/or explicit ids. */
  readonly officersOut?: ReadonlyArray<{ shift: string; count?: number; officerIds?: readonly string[] }>;
  /** Workload factor per beat id (e.g. 1.5 in a special-event area); beats not listed keep 1. */
  readonly workloadFactorByBeat?: Readonly<Record<string, number>>;
  /** Seed of the generator that picks the officers out. Default 1. */
  readonly seed?: number;
}

/** Options of {@link staffBeats}; every field has a documented default. */
export interface StaffOptions {
  /** On-duty hours an officer gives per week (after leave and training). Default 36. */
  readonly officerHoursPerWeek?: number;
  /** Share of on-duty time spent on calls that is acceptable. Default 0.6. */
  readonly saturationTarget?: number;
  /** Minimum officers per beat per shift. Default 1. */
  readonly minOfficersPerBeat?: number;
  /** Share of each beat's community need per shift (same order as shifts; Σ = 1). Default ∝ shift length. */
  readonly needShareByShift?: readonly number[];
  readonly weights?: StaffWeights;
  /** Ranks counted as senior for the seniority spread (case-insensitive). Default sergeant/FTO/detective-like ranks. */
  readonly seniorRanks?: readonly string[];
  /**
   * How the roster's `current_beat` values map onto this plan: the plan they were made for (the
   * lineage parent or the `--existing` layer) and each parent beat's successor (the new beat
   * holding the largest share of its workload; see `successionOfLineage`). A current beat the
   * parent does not know is reported in `rosterIssues` and `continuity.unknownCurrentBeats`,
   * never matched. Without it (and without `successorOf`) the roster is read as made for this
   * plan: `current_beat` names one of its beats.
   */
  readonly succession?: Succession;
  /** Old beat id → new beat id, a bare table (prefer `succession`, which also gives shares). Ignored with `succession`. */
  readonly successorOf?: Readonly<Record<string, string>>;
  /** Vehicles per shift; without it no vehicle is assigned and none is reported missing. */
  readonly fleet?: readonly FleetEntry[];
  readonly beatModes?: BeatModeRule;
  /** Vehicle types that are NOT cars (used by bike beats, never by car beats). Default `["bike", "bicycle", "foot"]`. */
  readonly nonCarVehicleTypes?: readonly string[];
  /** What-if changes applied before staffing. */
  readonly scenario?: WhatIfScenario;
  /**
   * Cross-check the exact combinatorial answers with an LP/MIP solve through `solve()`:
   * `true` always, `false` never, `'auto'` (default) when the models are small (≤ 16 beats for the
   * allocation MIP, ≤ 600 arcs for the assignment LP; see `AUTO_VERIFY`).
   */
  readonly verifyWithSolver?: boolean | 'auto';
  /** Time limit per verification solve, ms. Default 20000. */
  readonly solverTimeLimitMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number, stage: string) => void;
  /** Clock in ms for `timingsMs` (default `performance.now`); results never depend on it. */
  readonly now?: () => number;
}

/** Staffing of one beat in one shift. */
export interface BeatShiftStaffing {
  readonly shift: string;
  /** Reactive workload, officer-hours per week. */
  readonly workloadHours: number;
  /** Officers required by the time model. */
  readonly required: number;
  /** Officers allocated (integer). */
  readonly allocated: number;
  /** Share of on-duty time spent on calls with the allocated officers (null when none allocated but work exists). */
  readonly saturation: number | null;
  /** Community-time need in this shift, hours per week. */
  readonly communityHours: number;
  /** Community hours the allocation leaves uncovered, hours per week. */
  readonly communityShortfallHours: number;
  /** Vehicle type assigned (car beats), `"foot"`/`"bike"` style for others, null when none. */
  readonly vehicle: string | null;
  /** Officer ids assigned. */
  readonly officers: readonly string[];
}

/** Staffing of one beat across shifts. */
export interface BeatStaffing {
  readonly id: string;
  readonly district: string | null;
  readonly mode: BeatMode;
  readonly shifts: readonly BeatShiftStaffing[];
}

/** One roster officer's assignment (every roster officer has one; unassigned ones carry a `reason`). */
export interface Assignment {
  readonly officerId: string;
  readonly name: string;
  readonly shift: string;
  readonly rank: string;
  /** Assigned beat; null when not assigned (with `reason`). */
  readonly beat: string | null;
  readonly previousBeat: string | null;
  /** The beat continuity aims for (successor of `previousBeat`), null when none. */
  readonly targetBeat: string | null;
  /** True when the officer is on their target beat. */
  readonly continuity: boolean;
  /** `"skill:<name>"`, `"senior"` or `"general"`: the slot the officer fills. */
  readonly slot: string;
  readonly reason?: string;
}

/** A gap the staffing could not close, with its reason. */
export interface UnfilledSlot {
  readonly beat: string;
  readonly shift: string;
  readonly kind: 'officer' | 'skill' | 'vehicle';
  /** How many (officers, skill slots or vehicles). */
  readonly count: number;
  readonly reason: string;
}

/** How one part of the problem was solved. */
export interface SolvedPart {
  /** e.g. `"allocation 0-8"`, `"assignment 0-8"`, `"vehicles 0-8"`. */
  readonly part: string;
  readonly exact: boolean;
  /** Method, e.g. `"parametric marginal allocation"`, `"min-cost flow"`. */
  readonly method: string;
  /** What proves the answer, e.g. `"LP duals (complementary slackness)"`. */
  readonly certificate: string;
  /** Objective value of the part. */
  readonly objective: number;
  /** When cross-checked with `solve()`: backend, its objective, time. */
  readonly verifiedBy?: { backend: string; objective: number; timeMs: number };
  readonly timeMs: number;
}

/** Per-shift summary. */
export interface ShiftSummary {
  readonly shift: string;
  /** Available officers (after what-if removals). */
  readonly headcount: number;
  readonly required: number;
  readonly allocated: number;
  /** Worst saturation over the beats of the shift. */
  readonly maxSaturation: number | null;
  readonly meanSaturation: number | null;
  readonly communityHours: number;
  readonly communityShortfallHours: number;
  readonly vehiclesNeeded: number;
  readonly vehiclesAssigned: number;
}

/** Result of {@link staffBeats}. */
export interface StaffingResult {
  readonly shifts: readonly ShiftSummary[];
  readonly beats: readonly BeatStaffing[];
  readonly assignments: readonly Assignment[];
  readonly unfilled: readonly UnfilledSlot[];
  readonly continuity: {
    /** What the roster's current beats were read against (the parent plan, the existing layer, or this plan). */
    readonly basis: string;
    /** Officers considered (available, on a known shift, not out in a what-if) whose current beat has a successor in this plan. */
    readonly officersWithBeat: number;
    /** Of those, how many are assigned to the successor of their current beat. */
    readonly kept: number;
    /** `kept / officersWithBeat` in percent (100 when nobody had a beat). */
    readonly percent: number;
    /**
     * Mean, over the `officersWithBeat` officers, of the share of their old beat's workload that
     * their assigned new beat holds (0 when not assigned or no overlap), in [0, 1]; null when none.
     */
    readonly meanShareHeld: number | null;
    /**
     * Considered officers whose current beat the plan the roster was made for does not know (the
     * parent; without one, this plan), by name: never matched.
     */
    readonly unknownCurrentBeats: ReadonlyArray<{ officerId: string; name: string; currentBeat: string }>;
  };
  readonly totals: {
    readonly officers: number;
    readonly available: number;
    readonly assigned: number;
    readonly required: number;
    readonly allocated: number;
    readonly vehiclesNeeded: number;
    readonly vehiclesAssigned: number;
  };
  readonly parts: readonly SolvedPart[];
  /** Roster and fleet rows that could not be used as given (unknown shift, unknown beat); fleet rows have `officerId: ''`. */
  readonly rosterIssues: ReadonlyArray<{ officerId: string; field: string; value: string; reason: string }>;
  readonly timingsMs: { readonly allocation: number; readonly assignment: number; readonly total: number };
}
