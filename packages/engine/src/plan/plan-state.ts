/**
 * The immutable plan state behind map editing: a plan with its per-beat aggregates, whose
 * `moveCells` returns a child state (GerryChain's `flip`) and the changed metrics of the
 * affected beats only.
 */

import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { CellScores } from '../score/types.js';
import { cellsOfUnits } from '../units/assign.js';
import { beatMetricsOf, bridgesPerBeat, checkPlanGrid, type EvaluateOptions, metricsFrom, workloadSummary } from './evaluate.js';
import { Partition } from './partition.js';
import { countPieces, labelPieces } from './topology.js';
import type { BalanceOn, BeatMethod, BeatMetrics, BeatPlan, PlanMetrics, PlanScores } from './types.js';
import { CH_BALANCE, DEFAULT_TOLERANCE, scoreChannels, toCellScores } from './weights.js';

/**
 * A plan with incremental per-beat aggregates. Immutable from the outside: {@link moveCells}
 * returns a new state and leaves this one untouched.
 */
export interface PlanState {
  readonly grid: Grid;
  readonly plan: BeatPlan;
  readonly scores: CellScores;
  readonly balanceOn: BalanceOn;
  readonly tolerance: number;
  /** Connected pieces per beat on the travel graph. */
  readonly piecesOfBeat: Int32Array;
  /** @internal aggregates; never mutate. */
  readonly partition: Partition;
}

/** Options of {@link createPlanState}. */
export interface PlanStateOptions {
  balanceOn?: BalanceOn;
  tolerance?: number;
}

/**
 * Builds the editing state of a plan (O(cells): one pass for aggregates, one for pieces).
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT`
 * @example let state = createPlanState(grid, plan, scores);
 */
export function createPlanState(grid: Grid, plan: BeatPlan, scores: PlanScores, options: PlanStateOptions = {}): PlanState {
  checkPlanGrid(grid, plan);
  const cs = toCellScores(grid, scores);
  const balanceOn = options.balanceOn ?? 'total';
  const K = plan.beatIds.length;
  const partition = Partition.fromAssignment(grid, Int32Array.from(plan.beatOfCell), K, scoreChannels(cs, balanceOn));
  const { piecesOfBeat } = labelPieces(partition.topo, partition.beatOfCell, K);
  return freeze({
    grid,
    plan: { ...plan, beatOfCell: partition.beatOfCell },
    scores: cs,
    balanceOn,
    tolerance: options.tolerance ?? DEFAULT_TOLERANCE,
    piecesOfBeat,
    partition,
  });
}

function freeze(s: PlanState): PlanState {
  return Object.freeze(s);
}

/** Why a move was rejected (`BeatplanError.details.reason` of `MOVE_REJECTED`). */
export type MoveRejection = 'locked-beat' | 'breaks-contiguity' | 'empties-beat' | 'not-adjacent';

/** What {@link moveCells} returns. */
export interface MoveResult {
  readonly state: PlanState;
  readonly plan: BeatPlan;
  /** Cells whose beat changed. */
  readonly moved: number;
  /** Indices of the beats that changed, with their metrics before and after. */
  readonly beats: readonly number[];
  readonly before: readonly BeatMetrics[];
  readonly after: readonly BeatMetrics[];
  /** City-wide workload statistics after the move (O(beats)). */
  readonly workload: PlanMetrics['workload'];
}

function bridgesOf(grid: Grid, beatOfCell: Int32Array, b: number): number {
  let k = 0;
  for (const [i, j] of grid.bridges) if (beatOfCell[i] === b && beatOfCell[j] === b) k++;
  return k;
}

/**
 * Paints `cells` into beat `toBeat` — the brush edit of the planning map. Returns the child
 * state and the metrics of the affected beats only (no city-wide re-evaluation): O(cells of the
 * affected beats). Cells already in `toBeat` are ignored.
 *
 * Rejected with `MOVE_REJECTED` (details: `reason`, `beat` id) when a move touches a locked
 * beat, would leave a beat empty, or would split a beat into more pieces on the travel graph
 * than it had (a beat already in pieces may be repaired, never split further); the message
 * names the beat.
 * @param cells grid cell indices; with `plan.units`, every cell of the units they touch moves (the brush paints whole units)
 * @param toBeat beat index
 * @throws BeatplanError `MOVE_REJECTED`, `PLAN_GRID_MISMATCH` (state of another grid),
 *   `BAD_INPUT` (bad cell or beat index)
 * @example
 * const r = moveCells(grid, state, stroke, 12); state = r.state; r.after[0].workload;
 */
export function moveCells(grid: Grid, state: PlanState, cells: ArrayLike<number>, toBeat: number): MoveResult {
  if (state.grid !== grid && (state.grid.cellCount !== grid.cellCount || state.grid.resolution !== grid.resolution)) {
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'plan state belongs to another grid', { field: 'state' });
  }
  const plan = state.plan;
  const K = plan.beatIds.length;
  if (!Number.isInteger(toBeat) || toBeat < 0 || toBeat >= K) {
    throw new BeatplanError('BAD_INPUT', `toBeat must be a beat index from 0 to ${K - 1}`, { field: 'toBeat', value: toBeat });
  }
  const src = state.partition;
  const reject = (reason: MoveRejection, b: number, what: string): never => {
    throw new BeatplanError('MOVE_REJECTED', `move rejected: ${what} beat ${plan.beatIds[b]}`, {
      reason,
      beat: plan.beatIds[b],
      field: 'cells',
    });
  };
  if (plan.locked[toBeat]) reject('locked-beat', toBeat, 'cannot paint into locked');
  // with units, the brush paints whole units (unknown cell indices are rejected below)
  if (plan.units)
    cells = [
      ...Array.from(cells),
      ...cellsOfUnits(
        plan.units,
        Array.from(cells).filter((i) => Number.isInteger(i) && i >= 0 && i < grid.cellCount),
      ),
    ];
  const todo: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < cells.length; k++) {
    const i = cells[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= grid.cellCount)
      throw new BeatplanError('BAD_INPUT', `cell index ${i} is not in the grid`, { field: 'cells', value: i });
    const b = src.beatOfCell[i]!;
    if (b === toBeat || seen.has(i)) continue;
    seen.add(i);
    if (b >= 0 && plan.locked[b]) reject('locked-beat', b, 'cannot take cells from locked');
    todo.push(i);
  }
  if (todo.length === 0) {
    return { state, plan, moved: 0, beats: [], before: [], after: [], workload: workloadSummary(src.sums[CH_BALANCE]!) };
  }
  const affected = [toBeat];
  for (const i of todo) {
    const b = src.beatOfCell[i]!;
    if (b >= 0 && !affected.includes(b)) affected.push(b);
  }
  const before = affected.map((b) => beatMetricsOf(src, plan, b, state.piecesOfBeat[b]!, bridgesOf(grid, src.beatOfCell, b)));
  const part = src.clone();
  for (const i of todo) part.move(i, toBeat);
  // Members of the affected beats (one pass over the assignment).
  const members = new Map<number, number[]>(affected.map((b) => [b, []]));
  const beatOf = part.beatOfCell;
  for (let i = 0; i < beatOf.length; i++) {
    const list = members.get(beatOf[i]!);
    if (list) list.push(i);
  }
  const pieces = state.piecesOfBeat.slice();
  for (const b of affected) {
    if (part.cells[b] === 0) reject('empties-beat', b, 'would leave no cell in');
    const p = countPieces(part.topo, beatOf, members.get(b)!, b);
    if (p > Math.max(1, state.piecesOfBeat[b]!)) {
      reject(b === toBeat ? 'not-adjacent' : 'breaks-contiguity', b, b === toBeat ? 'painted cells do not touch' : 'would split');
    }
    pieces[b] = p;
  }
  const method: BeatMethod[] = plan.method ? [...plan.method] : plan.beatIds.map(() => 'heuristic');
  for (const b of affected) method[b] = 'edited';
  const nextPlan: BeatPlan = { ...plan, beatOfCell: beatOf, method };
  const next = freeze({ ...state, plan: nextPlan, piecesOfBeat: pieces, partition: part });
  const after = affected.map((b) => beatMetricsOf(part, nextPlan, b, pieces[b]!, bridgesOf(grid, beatOf, b)));
  return {
    state: next,
    plan: nextPlan,
    moved: todo.length,
    beats: affected,
    before,
    after,
    workload: workloadSummary(part.sums[CH_BALANCE]!),
  };
}

/**
 * Full metrics of a state (O(beats) from the aggregates, plus one pass for unassigned cells).
 * @example const m = stateMetrics(state);
 */
export function stateMetrics(state: PlanState, options: Pick<EvaluateOptions, 'timingsMs'> = {}): PlanMetrics {
  const { grid, plan, partition: part } = state;
  const perBeat: BeatMetrics[] = [];
  const K = plan.beatIds.length;
  const bridges = bridgesPerBeat(grid, part.beatOfCell, K);
  for (let b = 0; b < K; b++) perBeat.push(beatMetricsOf(part, plan, b, state.piecesOfBeat[b]!, bridges[b]!));
  return metricsFrom(grid, plan, part, perBeat, state.balanceOn, state.tolerance, options.timingsMs ?? {}, 0);
}
