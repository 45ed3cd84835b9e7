/**
 * Adapter from cell-level plan data (as in `plan.json`) to the grid-free {@link StaffingInput}.
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import { evaluatePlan } from '../plan/evaluate.js';
import type { BeatPlan, PlanMetrics } from '../plan/types.js';
import type { CellScores, ShiftWindow } from '../score/types.js';
import type { StaffingBeat, StaffingInput } from './types.js';

/** Cell-level data of a plan, without a grid. Arrays are indexed by cell. */
export interface PlanStaffingData {
  readonly shifts: readonly ShiftWindow[];
  readonly beatIds: readonly string[];
  /** Beat index per cell; −1 = unassigned (ignored). */
  readonly beatOfCell: ArrayLike<number>;
  /** Per shift, per cell: reactive workload, officer-hours per week. */
  readonly cellShiftWorkloadHours: ReadonlyArray<ArrayLike<number>>;
  /** Per cell: engagement need, community hours per week. */
  readonly cellNeedHours: ArrayLike<number>;
  /** Per cell: area in km². */
  readonly cellAreaKm2: ArrayLike<number>;
  /** District index per beat (−1 = none) and the district ids. */
  readonly districtOfBeat?: ArrayLike<number>;
  readonly districtIds?: readonly string[];
  /** Polsby-Popper per beat (for the foot-patrol rule). */
  readonly compactnessOfBeat?: ArrayLike<number>;
  /** Skills needed per beat id (e.g. from a language layer). */
  readonly skillsOfBeat?: Readonly<Record<string, readonly string[]>>;
  /**
   * Workload factor per cell (what-if: a drawn special-event area mapped to cells, e.g. 2 inside,
   * 1 outside). Multiplies every shift's workload of the cell.
   */
  readonly cellWorkloadFactor?: ArrayLike<number>;
}

/**
 * Sums cell workloads, need and area into beats: the input of `staffBeats`.
 *
 * @throws BeatplanError `BAD_INPUT` when array lengths disagree or a beat index is out of range
 * @example
 * const input = staffingInputFromPlan({ shifts, beatIds: ['B1'], beatOfCell: [0, 0],
 *   cellShiftWorkloadHours: [[1, 2], [0, 1], [3, 0]], cellNeedHours: [1, 1], cellAreaKm2: [0.1, 0.1] });
 * input.beats[0].shiftWorkloadHours // [3, 1, 3]
 */
export function staffingInputFromPlan(d: PlanStaffingData): StaffingInput {
  const n = d.beatOfCell.length;
  const S = d.shifts.length;
  const B = d.beatIds.length;
  const check = (name: string, len: number) => {
    if (len !== n)
      throw new BeatplanError('BAD_INPUT', `staffingInputFromPlan: ${name} has ${len} cells, beatOfCell has ${n}`, {
        field: name,
        value: len,
      });
  };
  if (d.cellShiftWorkloadHours.length !== S) {
    throw new BeatplanError('BAD_INPUT', `staffingInputFromPlan: ${d.cellShiftWorkloadHours.length} workload arrays for ${S} shifts`, {
      field: 'cellShiftWorkloadHours',
    });
  }
  d.cellShiftWorkloadHours.forEach((a, s) => check(`cellShiftWorkloadHours[${s}]`, a.length));
  check('cellNeedHours', d.cellNeedHours.length);
  check('cellAreaKm2', d.cellAreaKm2.length);
  if (d.cellWorkloadFactor) check('cellWorkloadFactor', d.cellWorkloadFactor.length);
  const work = Array.from({ length: B }, () => new Array<number>(S).fill(0));
  const need = new Array<number>(B).fill(0);
  const area = new Array<number>(B).fill(0);
  for (let c = 0; c < n; c++) {
    const b = d.beatOfCell[c]!;
    if (b < 0) continue;
    if (b >= B)
      throw new BeatplanError('BAD_INPUT', 'staffingInputFromPlan: beat index out of range', { row: c, field: 'beatOfCell', value: b });
    const f = d.cellWorkloadFactor ? d.cellWorkloadFactor[c]! : 1;
    for (let s = 0; s < S; s++) work[b]![s]! += d.cellShiftWorkloadHours[s]![c]! * f;
    need[b]! += d.cellNeedHours[c]!;
    area[b]! += d.cellAreaKm2[c]!;
  }
  const beats: StaffingBeat[] = d.beatIds.map((id, b) => {
    const di = d.districtOfBeat ? d.districtOfBeat[b]! : -1;
    const district = di >= 0 && d.districtIds ? d.districtIds[di] : undefined;
    return {
      id,
      areaKm2: area[b]!,
      shiftWorkloadHours: work[b]!,
      needHours: need[b]!,
      ...(district !== undefined ? { district } : {}),
      ...(d.compactnessOfBeat ? { compactness: d.compactnessOfBeat[b]! } : {}),
      ...(d.skillsOfBeat?.[id] ? { skills: d.skillsOfBeat[id] } : {}),
    };
  });
  return { shifts: d.shifts, beats };
}

/**
 * The staffing input of a plan on its grid: per-beat, per-shift workload and need, areas,
 * districts and compactness (Polsby-Popper from `metrics`, else evaluated here).
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when plan, grid and scores do not fit
 * @example const input = staffingInputOfPlan(grid, plan, scores); await staffBeats(input, roster);
 */
export function staffingInputOfPlan(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  options: {
    /** The plan's metrics when already evaluated (else evaluated here). */
    metrics?: PlanMetrics;
    /** Skills per beat id (see `skillsOfBeats`). */
    skillsOfBeat?: Readonly<Record<string, readonly string[]>>;
    /** What-if: workload factor per cell (a drawn area). */
    cellWorkloadFactor?: ArrayLike<number>;
  } = {},
): StaffingInput {
  const m = options.metrics ?? evaluatePlan(grid, plan, scores);
  return staffingInputFromPlan({
    shifts: scores.shifts,
    beatIds: plan.beatIds,
    beatOfCell: plan.beatOfCell,
    cellShiftWorkloadHours: scores.shiftWorkloadHours,
    cellNeedHours: scores.needHours,
    cellAreaKm2: grid.areaKm2,
    districtOfBeat: plan.districtOfBeat,
    districtIds: plan.districtIds,
    compactnessOfBeat: m.perBeat.map((b) => b.polsbyPopper),
    skillsOfBeat: options.skillsOfBeat,
    cellWorkloadFactor: options.cellWorkloadFactor,
  });
}
