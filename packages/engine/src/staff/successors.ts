/**
 * Beat succession after a redistricting: which new beat took over each old beat.
 */

/** Successor of one old beat. */
export interface BeatSuccession {
  /** The new beat holding most of the old beat's cells (ties: the smaller id). */
  readonly successor: string;
  /** Share of the old beat's cells that went to the successor, in [0, 1]. */
  readonly share: number;
  /** Number of the old beat's cells (on the common grid). */
  readonly cells: number;
}

/**
 * For every old beat, the new beat that took most of its cells. Both arrays are indexed by the
 * same grid cells; `null`/`''` means unassigned. With an unchanged plan every beat is its own
 * successor with share 1.
 *
 * @param oldBeatOfCell old beat id per cell
 * @param newBeatOfCell new beat id per cell (same length)
 * @returns map old beat id → succession
 * Arrays of different lengths are compared over their common prefix (callers check the grids).
 * @example
 * beatSuccessors(['A', 'A', 'B'], ['X', 'X', 'X']) // Map { A → {successor: 'X', share: 1}, B → ... }
 */
export function beatSuccessors(
  oldBeatOfCell: ReadonlyArray<string | null>,
  newBeatOfCell: ReadonlyArray<string | null>,
): Map<string, BeatSuccession> {
  const counts = new Map<string, Map<string, number>>();
  const total = new Map<string, number>();
  const len = Math.min(oldBeatOfCell.length, newBeatOfCell.length);
  for (let c = 0; c < len; c++) {
    const o = oldBeatOfCell[c];
    if (!o) continue;
    total.set(o, (total.get(o) ?? 0) + 1);
    const nb = newBeatOfCell[c];
    if (!nb) continue;
    let m = counts.get(o);
    if (!m) counts.set(o, (m = new Map()));
    m.set(nb, (m.get(nb) ?? 0) + 1);
  }
  const out = new Map<string, BeatSuccession>();
  for (const [o, m] of counts) {
    let best = '';
    let bestN = -1;
    for (const [nb, k] of m) {
      if (k > bestN || (k === bestN && nb < best)) {
        best = nb;
        bestN = k;
      }
    }
    const cells = total.get(o)!;
    out.set(o, { successor: best, share: bestN / cells, cells });
  }
  return out;
}

/** `beatSuccessors` as a plain `old id → new id` record (the form `StaffOptions.successorOf` takes). */
export function successorRecord(successions: ReadonlyMap<string, BeatSuccession>): Record<string, string> {
  const r: Record<string, string> = {};
  for (const [o, s] of successions) r[o] = s.successor;
  return r;
}
