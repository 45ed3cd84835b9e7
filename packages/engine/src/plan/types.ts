/**
 * A beat plan: which beat every grid cell belongs to.
 */

/** How a beat's final shape was produced (reported in plan.json and metrics). */
export type BeatMethod = 'locked' | 'initial' | 'heuristic' | 'exact' | 'imported';

/** A partition of a grid's cells into beats. Immutable: edits return a new plan. */
export interface BeatPlan {
  /** H3 resolution of the grid the plan lives on. */
  readonly resolution: number;
  /** Number of grid cells (length of `beatOfCell`). */
  readonly cellCount: number;
  /** Beat ids, e.g. "B001"; beat `b` is `beatIds[b]`. */
  readonly beatIds: readonly string[];
  /** Beat index of each cell; −1 = unassigned. */
  readonly beatOfCell: Int32Array;
  /** 1 where the beat is locked (must not change). Length = number of beats. */
  readonly locked: Uint8Array;
  /** District index per beat (−1 when not nested), names in `districtIds`. */
  readonly districtOfBeat?: Int32Array;
  readonly districtIds?: readonly string[];
  /** How each beat was produced. */
  readonly method?: readonly BeatMethod[];
}
