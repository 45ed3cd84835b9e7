/**
 * Regions: the independent sub-problems of a plan. A region is a connected piece of one
 * district (or of the whole city without districts) on the travel graph, among the cells
 * that are free to plan. Beats never cross regions; each region gets beats in proportion to
 * its workload.
 */
import type { Grid } from '../grid/grid.js';

/** The regions of a plan. Internal to `plan/`. */
export interface Regions {
  /** Region per cell; −1 for cells not planned here (locked beats, islands to attach). */
  readonly regionOfCell: Int32Array;
  readonly count: number;
  /** District index per region (−1 without districts or for cells outside every district). */
  readonly district: Int32Array;
  readonly weight: Float64Array;
  readonly cells: Int32Array;
  /** Islands (each a list of cells) to attach to the nearest beat. */
  readonly islands: number[][];
  /** District per cell after tiny district pieces were merged into a neighbour. */
  readonly districtOfCell: Int32Array;
}

function find(p: Int32Array, x: number): number {
  while (p[x] !== x) {
    p[x] = p[p[x]!]!;
    x = p[x]!;
  }
  return x;
}

/**
 * Splits the free cells into regions and handles pieces too small to be a beat
 * (workload share under half a beat, never the largest region):
 * - a piece touching another region (it is part of a district cut off on the grid) joins the
 *   neighbouring region it shares most travel edges with, and its cells take that region's
 *   district (a warning names the districts);
 * - a piece touching none (an island) is attached to the nearest beat later
 *   (`islands: 'attach'`) or kept as a region of its own (`'own-beat'`).
 * @param free 1 for cells to plan
 * @param districts district per cell (−1 none) or undefined
 * @param kFree beats to share among the regions
 */
export function buildRegions(
  grid: Grid,
  weight: Float64Array,
  free: Uint8Array,
  districts: Int32Array | undefined,
  kFree: number,
  islandPolicy: 'attach' | 'own-beat',
  warnings: string[],
  districtName: (d: number) => string,
): Regions {
  const n = grid.cellCount;
  const { adjOffsets, adjTargets } = grid;
  const districtOfCell = new Int32Array(n).fill(-1);
  if (districts) for (let i = 0; i < n; i++) districtOfCell[i] = districts[i]! >= 0 ? districts[i]! : -1;
  else for (let i = 0; i < n; i++) districtOfCell[i] = -1;

  // 1. Raw pieces: components of free cells over same-district travel edges.
  const raw = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let R = 0;
  for (let s = 0; s < n; s++) {
    if (!free[s] || raw[s] !== -1) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = s;
    raw[s] = R;
    while (head < tail) {
      const c = queue[head++]!;
      for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
        const j = adjTargets[e]!;
        if (free[j] && raw[j] === -1 && districtOfCell[j] === districtOfCell[c]) {
          raw[j] = R;
          queue[tail++] = j;
        }
      }
    }
    R++;
  }
  const w = new Float64Array(R);
  const size = new Int32Array(R);
  const dist = new Int32Array(R);
  for (let i = 0; i < n; i++) {
    const r = raw[i]!;
    if (r < 0) continue;
    w[r] += weight[i]!;
    size[r]++;
    dist[r] = districtOfCell[i]!;
  }
  let W = 0;
  for (let r = 0; r < R; r++) W += w[r]!;
  let largest = 0;
  for (let r = 1; r < R; r++) if (w[r]! > w[largest]! || (w[r] === w[largest] && size[r]! > size[largest]!)) largest = r;
  const tiny = (r: number) => r !== find(parent, largest) && (W > 0 ? (w[r]! / W) * kFree < 0.5 : false);

  // 2. Merge tiny pieces into their most-connected neighbour region.
  const parent = new Int32Array(R);
  for (let r = 0; r < R; r++) parent[r] = r;
  const members: number[][] = Array.from({ length: R }, () => []);
  for (let i = 0; i < n; i++) if (raw[i]! >= 0) members[raw[i]!]!.push(i);
  const isIsland = new Uint8Array(R);
  for (let changed = true; changed; ) {
    changed = false;
    const order = [...Array(R).keys()]
      .filter((r) => find(parent, r) === r && !isIsland[r] && tiny(r))
      .sort((a, b) => w[a]! - w[b]! || a - b);
    for (const r of order) {
      if (find(parent, r) !== r || !tiny(r)) continue;
      const links = new Map<number, number>();
      for (const i of members[r]!) {
        for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
          const j = adjTargets[e]!;
          if (raw[j]! < 0) continue;
          const q = find(parent, raw[j]!);
          if (q !== r) links.set(q, (links.get(q) ?? 0) + 1);
        }
      }
      let best = -1;
      let bestLinks = 0;
      for (const [q, k] of links) if (k > bestLinks || (k === bestLinks && q < best)) [best, bestLinks] = [q, k];
      if (best < 0) {
        isIsland[r] = 1;
        continue;
      }
      if (dist[r] !== dist[best]) {
        warnings.push(
          `${members[r]!.length} cells of district ${districtName(dist[r]!)} form a piece too small for a beat; planned with district ${districtName(dist[best]!)}`,
        );
      }
      parent[r] = best;
      w[best] += w[r]!;
      size[best] += size[r]!;
      for (const i of members[r]!) districtOfCell[i] = dist[best]!;
      members[best] = members[best]!.concat(members[r]!);
      members[r] = [];
      changed = true;
    }
  }

  // 3. Final regions (roots), islands.
  const regionOfRoot = new Int32Array(R).fill(-1);
  const islands: number[][] = [];
  let count = 0;
  const roots: number[] = [];
  for (let r = 0; r < R; r++) {
    if (find(parent, r) !== r) continue;
    if (isIsland[r] && islandPolicy === 'attach' && tiny(r)) {
      islands.push(members[r]!);
      continue;
    }
    regionOfRoot[r] = count++;
    roots.push(r);
  }
  const regionOfCell = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (raw[i]! >= 0) regionOfCell[i] = regionOfRoot[find(parent, raw[i]!)]!;
  return {
    regionOfCell,
    count,
    district: Int32Array.from(roots, (r) => dist[r]!),
    weight: Float64Array.from(roots, (r) => w[r]!),
    cells: Int32Array.from(roots, (r) => size[r]!),
    islands,
    districtOfCell,
  };
}

/**
 * Shares `k` beats among regions in proportion to workload with the Huntington–Hill rule
 * (every region at least one beat, at most one beat per cell), which keeps the per-beat
 * workload of the regions as close in ratio as integers allow.
 * @returns beats per region, or `null` when `k` is smaller than the number of regions
 */
export function apportion(weight: Float64Array, cells: Int32Array, k: number): Int32Array | null {
  const R = weight.length;
  if (k < R) return null;
  const seats = new Int32Array(R).fill(1);
  for (let left = k - R; left > 0; left--) {
    let best = -1;
    let bestP = -Infinity;
    for (let r = 0; r < R; r++) {
      if (seats[r]! >= cells[r]!) continue;
      const s = seats[r]!;
      const p = weight[r]! / Math.sqrt(s * (s + 1));
      if (p > bestP) {
        bestP = p;
        best = r;
      }
    }
    if (best < 0) break;
    seats[best]++;
  }
  return seats;
}
