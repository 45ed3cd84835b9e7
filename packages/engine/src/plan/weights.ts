/**
 * Scores at the edge of the plan functions: loose input (a plain workload array or full
 * {@link CellScores}) is turned once into `CellScores`, and the balanced measure is picked.
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { CellScores } from '../score/types.js';
import type { BalanceOn, PlanScores } from './types.js';

/** The one shift window a plain workload array stands for. */
const ALL_DAY = Object.freeze([{ id: '0-24', startHour: 0, endHour: 24 }]);

/**
 * Normalizes plan scores: a `Float64Array` of workload per cell (officer-hours per week)
 * becomes `CellScores` with one all-day shift and no engagement need; `CellScores` are
 * checked against the grid and returned as they are.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` (other length or resolution), `BAD_INPUT`
 *   (a negative or non-finite workload, naming the cell)
 * @example const scores = toCellScores(grid, new Float64Array(grid.cellCount).fill(1));
 */
export function toCellScores(grid: Grid, scores: PlanScores): CellScores {
  const n = grid.cellCount;
  if (scores instanceof Float64Array) {
    if (scores.length !== n) {
      throw new BeatplanError('PLAN_GRID_MISMATCH', `workload array has ${scores.length} values but the grid has ${n} cells`, {
        field: 'scores',
        value: scores.length,
      });
    }
    checkValues(grid, scores, 'workload');
    return {
      resolution: grid.resolution,
      cellCount: n,
      shifts: ALL_DAY,
      shiftWorkloadHours: [scores],
      workloadHours: scores,
      rawWorkloadHours: scores,
      needHours: new Float64Array(n),
      population: new Float64Array(n),
      vulnerability: new Float64Array(n).fill(1),
      incidentCount: new Uint32Array(n),
      periodWeeks: 1,
    };
  }
  if (!scores || typeof scores !== 'object' || !(scores.workloadHours instanceof Float64Array)) {
    throw new BeatplanError('BAD_INPUT', 'scores must be CellScores or a Float64Array of workload per cell', { field: 'scores' });
  }
  if (scores.cellCount !== n || scores.workloadHours.length !== n || scores.resolution !== grid.resolution) {
    throw new BeatplanError(
      'PLAN_GRID_MISMATCH',
      `scores were made on another grid (resolution ${scores.resolution}, ${scores.cellCount} cells; grid: resolution ${grid.resolution}, ${n} cells)`,
      {
        field: 'scores',
      },
    );
  }
  return scores;
}

function checkValues(grid: Grid, v: Float64Array, what: string): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x >= 0) || x === Infinity) {
      throw new BeatplanError('BAD_INPUT', `${what} of cell ${grid.h3[i]} must be a finite number >= 0`, { field: what, value: x });
    }
  }
}

/**
 * The balanced measure per cell (hours per week): total workload, one shift's workload, or
 * a weighted mix of workload and engagement need.
 * @throws BeatplanError `BAD_INPUT` (unknown shift index, negative or all-zero mix weights)
 * @example balanceWeights(scores, { mix: { workload: 1, need: 0.5 } })
 */
export function balanceWeights(scores: CellScores, balanceOn: BalanceOn = 'total'): Float64Array {
  if (balanceOn === 'total') return scores.workloadHours;
  if (typeof balanceOn === 'object' && balanceOn !== null && 'shift' in balanceOn) {
    const s = balanceOn.shift;
    if (!Number.isInteger(s) || s < 0 || s >= scores.shifts.length) {
      throw new BeatplanError('BAD_INPUT', `balanceOn.shift must be a shift index from 0 to ${scores.shifts.length - 1}`, {
        field: 'balanceOn.shift',
        value: s,
      });
    }
    return scores.shiftWorkloadHours[s]!;
  }
  if (typeof balanceOn === 'object' && balanceOn !== null && 'mix' in balanceOn) {
    const { workload: w1, need: w2 } = balanceOn.mix;
    if (!(w1 >= 0) || !(w2 >= 0) || !Number.isFinite(w1) || !Number.isFinite(w2) || w1 + w2 === 0) {
      throw new BeatplanError('BAD_INPUT', 'balanceOn.mix needs finite weights >= 0, not both 0', {
        field: 'balanceOn.mix',
        value: balanceOn.mix,
      });
    }
    const out = new Float64Array(scores.cellCount);
    for (let i = 0; i < out.length; i++) out[i] = w1 * scores.workloadHours[i]! + w2 * scores.needHours[i]!;
    return out;
  }
  throw new BeatplanError('BAD_INPUT', "balanceOn must be 'total', {shift} or {mix}", { field: 'balanceOn', value: balanceOn });
}

/**
 * The per-cell channels a plan state sums per beat, in a fixed order:
 * `[balanced measure, workloadHours, needHours, ...shiftWorkloadHours]`.
 */
export function scoreChannels(scores: CellScores, balanceOn: BalanceOn = 'total'): Float64Array[] {
  return [balanceWeights(scores, balanceOn), scores.workloadHours, scores.needHours, ...scores.shiftWorkloadHours];
}

/** Channel indices of {@link scoreChannels}. */
export const CH_BALANCE = 0;
export const CH_WORKLOAD = 1;
export const CH_NEED = 2;
export const CH_SHIFT0 = 3;

/**
 * Default balance tolerance ε: every beat's workload within mean × (1 ± ε), GerryChain's
 * convention. 0.025 = ±2.5%.
 */
export const DEFAULT_TOLERANCE = 0.025;

/**
 * Beats outside the balance band: the indices `b` with |w_b − mean| > ε × mean, where mean is
 * the mean of `perBeat` over all beats. The one definition behind `beatsOutsideTolerance` in
 * the metrics and the planning warnings.
 * @param perBeat workload per beat (balanced measure)
 * @param tolerance ε, a share of the mean
 * @example beatsOutsideBand([90, 100, 110], 0.05) // [0, 2]
 */
export function beatsOutsideBand(perBeat: ArrayLike<number>, tolerance: number): number[] {
  const K = perBeat.length;
  let total = 0;
  for (let b = 0; b < K; b++) total += perBeat[b]!;
  const mean = K ? total / K : 0;
  const out: number[] = [];
  for (let b = 0; b < K; b++) if (Math.abs(perBeat[b]! - mean) > tolerance * mean) out.push(b);
  return out;
}

/** How much a plan changed against its predecessor on the same grid ({@link planChange}). */
export interface PlanChange {
  /**
   * Share of the total workload (balanced measure, over cells assigned in either plan) whose
   * cell's beat index differs between the predecessor and the plan.
   */
  readonly movedWorkloadShare: number;
  /** Share of the cells assigned in either plan whose beat index differs. */
  readonly movedCellShare: number;
  /** The moved workload in hours/week (balanced measure). */
  readonly movedWorkload: number;
  readonly movedCells: number;
}

/**
 * The change between a predecessor and a plan on the same grid, cell by cell (beat indices
 * compared as they are: the plan keeps the predecessor's beat numbering).
 * @param before beat per cell of the predecessor (−1 unassigned)
 * @param after beat per cell of the plan
 * @param weight balanced measure per cell (hours/week)
 * @example planChange(initial.beatOfCell, plan.beatOfCell, weight).movedWorkloadShare
 */
export function planChange(before: Int32Array, after: Int32Array, weight: Float64Array): PlanChange {
  let total = 0;
  let moved = 0;
  let cells = 0;
  let movedCells = 0;
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a < 0 && b < 0) continue;
    cells++;
    total += weight[i]!;
    if (a !== b) {
      movedCells++;
      moved += weight[i]!;
    }
  }
  return {
    movedWorkloadShare: total > 0 ? moved / total : 0,
    movedCellShare: cells ? movedCells / cells : 0,
    movedWorkload: moved,
    movedCells,
  };
}
