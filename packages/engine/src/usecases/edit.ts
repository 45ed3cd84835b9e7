/**
 * Editing use-cases on a stored plan: move cells between beats, lock beats, find the beat of
 * a point. Cells and beats arrive as ids (H3, beat ids) and are checked, naming the field.
 */
import { BeatplanError } from '../errors.js';
import { pointToCellLocator } from '../grid/index.js';
import { createPlanState, moveCells } from '../plan/index.js';
import { evaluationOptionsOf, type LoadedPlan, type SerializedPlan, serializeEditedPlan } from './stored-plan.js';

/**
 * Moves cells (H3 ids) into a beat and serializes the new plan.
 * @returns the new plan, the number of cells moved and the ids of the beats that changed
 * @throws BeatplanError `BAD_INPUT` (unknown cell or beat, naming `cells.k` / `toBeat`),
 *   `MOVE_REJECTED` (contiguity, empty beat, locked beat)
 * @example moveOnPlan(p, ['8a2664c1a2f7fff'], 'B012').moved // 1
 */
export function moveOnPlan(p: LoadedPlan, h3: readonly string[], toBeatId: string): SerializedPlan & { moved: number; beats: string[] } {
  const cells = h3.map((h, k) => {
    const i = p.grid.indexOf(h);
    if (i < 0) throw new BeatplanError('BAD_INPUT', "cell is not in the plan's grid", { field: `cells.${k}`, value: h });
    return i;
  });
  const toBeat = p.plan.beatIds.indexOf(toBeatId);
  if (toBeat < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: 'toBeat', value: toBeatId });
  const state = createPlanState(p.grid, p.plan, p.scores, evaluationOptionsOf(p.extra));
  const r = moveCells(p.grid, state, cells, toBeat);
  return { ...serializeEditedPlan(p, r.plan), moved: r.moved, beats: r.beats.map((b: number) => p.plan.beatIds[b]!) };
}

/**
 * Locks or unlocks beats (a new plan with the `locked` flags changed).
 * @throws BeatplanError `BAD_INPUT` naming an unknown beat id (`beats.k`)
 * @example setLocked(p, ['B001'], true)
 */
export function setLocked(p: LoadedPlan, beatIds: readonly string[], locked: boolean): SerializedPlan {
  const flags = Uint8Array.from(p.plan.locked);
  beatIds.forEach((id, k) => {
    const b = p.plan.beatIds.indexOf(id);
    if (b < 0) throw new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: `beats.${k}`, value: id });
    flags[b] = locked ? 1 : 0;
  });
  return serializeEditedPlan(p, { ...p.plan, locked: flags });
}

/**
 * The beat containing a point, or null when the point is outside the grid or unassigned.
 * @param lng longitude in degrees
 * @param lat latitude in degrees
 * @example lookupBeat(p, -87.63, 41.88) // { beat: 'B112', cell: '8a…' }
 */
export function lookupBeat(p: LoadedPlan, lng: number, lat: number): { beat: string; cell: string } | null {
  const i = pointToCellLocator(p.grid)(lng, lat);
  if (i < 0) return null;
  const b = p.plan.beatOfCell[i]!;
  return b < 0 ? null : { beat: p.plan.beatIds[b]!, cell: p.grid.h3[i]! };
}
