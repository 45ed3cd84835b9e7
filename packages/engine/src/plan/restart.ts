/**
 * A fresh balanced start relabelled onto a predecessor plan: the start of minimal-change
 * planning without a change budget. The predecessor's boundaries can be so far from balance
 * (Chicago's beats: max/mean 3.9) that pushing workload through chains of beats moves more
 * of it, and leaves worse shapes, than re-cutting the region and letting each new beat take
 * the id of the old beat it shares most workload with. The change term of the search then
 * pulls boundaries back toward the predecessor wherever the band and compactness allow.
 */
import type { Grid } from '../grid/grid.js';
import type { Rng } from '../random.js';
import { balancedStart } from './balanced-start.js';

/**
 * Matches labels `0..k−1` to beat indices `beats` by largest shared workload (greedy,
 * largest overlap first; a cell counts its workload plus 1e-9 so empty cells break ties).
 * @param labelOf label per cell (−1: not in the set)
 * @param cells the cells of the set
 * @param initialBeat predecessor beat per cell
 * @param beats the predecessor beats to map onto (k of them)
 * @returns beat index per label
 * @example matchLabels(label, cells, initial.beatOfCell, [3, 7], weight) // e.g. Int32Array [7, 3]
 */
export function matchLabels(
  labelOf: Int32Array,
  cells: ArrayLike<number>,
  initialBeat: Int32Array,
  beats: readonly number[],
  weight: Float64Array,
): Int32Array {
  const k = beats.length;
  const slot = new Map<number, number>();
  beats.forEach((b, s) => slot.set(b, s));
  const overlap = new Map<number, number>();
  for (let t = 0; t < cells.length; t++) {
    const i = cells[t]!;
    const s = slot.get(initialBeat[i]!);
    if (s === undefined || labelOf[i]! < 0) continue;
    const key = labelOf[i]! * k + s;
    overlap.set(key, (overlap.get(key) ?? 0) + weight[i]! + 1e-9);
  }
  const pairs = [...overlap.entries()].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const beatOfLabel = new Int32Array(k).fill(-1);
  const used = new Uint8Array(k);
  for (const [key] of pairs) {
    const l = Math.floor(key / k);
    const s = key - l * k;
    if (beatOfLabel[l]! < 0 && !used[s]) {
      beatOfLabel[l] = beats[s]!;
      used[s] = 1;
    }
  }
  let free = 0;
  for (let l = 0; l < k; l++) {
    if (beatOfLabel[l]! >= 0) continue;
    while (used[free]) free++;
    beatOfLabel[l] = beats[free]!;
    used[free] = 1;
  }
  return beatOfLabel;
}

/**
 * Writes into `out` a fresh balanced start of one region (recursive bisection, as for a new
 * plan) whose beats carry the ids of the predecessor beats `beats` they overlap most.
 * @param cells the region's cells
 * @param beats the predecessor beats of the region (their count is the region's beat count)
 */
export function relabelledStart(
  grid: Grid,
  weight: Float64Array,
  cells: Int32Array,
  beats: readonly number[],
  initialBeat: Int32Array,
  rng: Rng,
  out: Int32Array,
): void {
  const label = new Int32Array(grid.cellCount).fill(-1);
  balancedStart(grid, weight, cells, beats.length, 0, [], rng, label);
  const beatOfLabel = matchLabels(label, cells, initialBeat, beats, weight);
  for (let t = 0; t < cells.length; t++) out[cells[t]!] = beatOfLabel[label[cells[t]!]!]!;
}
