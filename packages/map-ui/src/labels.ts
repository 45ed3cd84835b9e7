/**
 * Beat labels: where each beat's number goes (its pole of inaccessibility on the grid) and
 * which numbers are shown at the current zoom (greedy collision: no two shown labels overlap;
 * the larger beats and the selected one win). Pure functions over the cell model; the map
 * draws the result ({@link ./layers/beat-labels.ts}).
 */
import type { CellModel } from './cell-model.js';

/**
 * The label cell of each beat: its pole of inaccessibility on the grid, i.e. the beat's cell
 * farthest (in cell steps through the beat) from the beat's edge, where a cell is on the edge
 * when one of its six neighbours is in another beat, unassigned or outside the grid. Ties go
 * to the cell nearest the beat's centre of cell centres, then to the lowest cell index. On a
 * hexagon grid this is the discrete form of polylabel's answer (the centre of the largest
 * inscribed disc), found exactly by one breadth-first pass: O(cells).
 * @param beats only these beats (all when omitted)
 * @returns beat → cell index
 * @example labelCells(model).get(0) // the cell where beat 0's number goes
 */
export function labelCells(model: CellModel, beats?: Iterable<number>): Map<number, number> {
  const K = model.beatIds.length;
  const n = model.cellCount;
  // beats asked for, as a mask over beat indices (typed arrays: no map lookups per cell)
  const want = new Uint8Array(K);
  if (beats) {
    for (const b of beats) if (b >= 0 && b < K) want[b] = 1;
  } else want.fill(1);
  const sx = new Float64Array(K);
  const sy = new Float64Array(K);
  const count = new Int32Array(K);
  const depth = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const b = model.beatOf[i]!;
    if (b < 0 || !want[b]) continue;
    sx[b] += model.centroid[2 * i]!;
    sy[b] += model.centroid[2 * i + 1]!;
    count[b]++;
    const from = model.nbrStart[i]!;
    const to = model.nbrStart[i + 1]!;
    let edge = to - from < 6;
    for (let k = from; k < to && !edge; k++) edge = model.beatOf[model.nbr[k]!] !== b;
    if (edge) {
      depth[i] = 0;
      queue[tail++] = i;
    }
  }
  while (head < tail) {
    const i = queue[head++]!;
    const b = model.beatOf[i]!;
    for (let k = model.nbrStart[i]!; k < model.nbrStart[i + 1]!; k++) {
      const j = model.nbr[k]!;
      if (depth[j]! < 0 && model.beatOf[j] === b) {
        depth[j] = depth[i]! + 1;
        queue[tail++] = j;
      }
    }
  }
  const bestCell = new Int32Array(K).fill(-1);
  const bestDepth = new Int32Array(K).fill(-1);
  const bestD2 = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const b = model.beatOf[i]!;
    if (b < 0 || !want[b]) continue;
    const dx = model.centroid[2 * i]! - sx[b]! / count[b]!;
    const dy = model.centroid[2 * i + 1]! - sy[b]! / count[b]!;
    const d2 = dx * dx + dy * dy;
    if (depth[i]! > bestDepth[b]! || (depth[i] === bestDepth[b] && d2 < bestD2[b]!)) {
      bestCell[b] = i;
      bestDepth[b] = depth[i]!;
      bestD2[b] = d2;
    }
  }
  const out = new Map<number, number>();
  for (let b = 0; b < K; b++) if (bestCell[b]! >= 0) out.set(b, bestCell[b]!);
  return out;
}

/** A label's box on the screen, CSS px, and its rank (lower = placed first). */
export interface LabelBox {
  /** Beat index. */
  beat: number;
  /** Centre x, y and full width, height (CSS px). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Placement order: lower first (e.g. the selected beat, then larger beats). */
  rank: number;
}

/**
 * Chooses the labels to show: in rank order, a label is shown when its centre is on the screen
 * and it {@link overlaps} no label shown before it (boxes closer than `gap` px count as
 * overlapping). So no two shown labels overlap, and every hidden on-screen label overlaps a
 * shown one of lower rank.
 * @param view the screen size (CSS px)
 * @returns the beats whose labels are shown
 * @example placeLabels(boxes, { width: 1280, height: 800 }).has(3)
 */
export function placeLabels(boxes: readonly LabelBox[], view: { width: number; height: number }, gap = 2): Set<number> {
  const order = [...boxes].sort((a, b) => a.rank - b.rank || a.beat - b.beat);
  const shown: LabelBox[] = [];
  // a uniform grid of buckets over the screen keeps this near-linear for a few hundred labels
  const size = 64;
  const buckets = new Map<number, LabelBox[]>();
  const key = (cx: number, cy: number) => cx * 100_003 + cy;
  const range = (b: LabelBox) =>
    [
      Math.floor((b.x - b.width / 2 - gap) / size),
      Math.floor((b.x + b.width / 2 + gap) / size),
      Math.floor((b.y - b.height / 2 - gap) / size),
      Math.floor((b.y + b.height / 2 + gap) / size),
    ] as const;
  for (const b of order) {
    if (b.x < 0 || b.y < 0 || b.x > view.width || b.y > view.height) continue;
    const [x0, x1, y0, y1] = range(b);
    let free = true;
    for (let cx = x0; cx <= x1 && free; cx++)
      for (let cy = y0; cy <= y1 && free; cy++) for (const o of buckets.get(key(cx, cy)) ?? []) if (overlaps(b, o, gap)) free = false;
    if (!free) continue;
    shown.push(b);
    for (let cx = x0; cx <= x1; cx++)
      for (let cy = y0; cy <= y1; cy++) {
        const k = key(cx, cy);
        const list = buckets.get(k);
        if (list) list.push(b);
        else buckets.set(k, [b]);
      }
  }
  return new Set(shown.map((b) => b.beat));
}

/** True when two label boxes overlap or are closer than `gap` px (on both axes). */
export function overlaps(a: LabelBox, b: LabelBox, gap = 0): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width + 2 * gap && Math.abs(a.y - b.y) * 2 < a.height + b.height + 2 * gap;
}

/**
 * Beats whose id matches `query` for the "find beat" box: exact id first, then ids starting
 * with it, then ids containing it (case-insensitive), at most `limit`.
 * @returns beat indices
 * @example findBeats(['1011', '1012', '211'], '11') // [2, 0]: both contain '11', the shorter id first
 */
export function findBeats(beatIds: readonly string[], query: string, limit = 8): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const rank = (id: string) => {
    const s = id.toLowerCase();
    return s === q ? 0 : s.startsWith(q) ? 1 : s.includes(q) ? 2 : 3;
  };
  return beatIds
    .map((id, b) => ({ b, r: rank(id), id }))
    .filter((x) => x.r < 3)
    .sort((x, y) => x.r - y.r || x.id.length - y.id.length || x.id.localeCompare(y.id, 'en', { numeric: true }))
    .slice(0, limit)
    .map((x) => x.b);
}
