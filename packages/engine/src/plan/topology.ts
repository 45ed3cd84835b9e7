/**
 * Per-grid tables for the districting hot loops, built once per grid and cached:
 * the O(1) local contiguity rule, symmetric shared-edge lengths and BFS scratch space.
 */
import type { Grid } from '../grid/grid.js';

/** Most travel neighbours a cell may have for the bit-mask local test (hexagons have 6; bridges add some). */
const MAX_SLOTS = 8;

/**
 * Cached tables of one grid. Internal to `plan/`; exported for tests and the plan state.
 */
export interface Topology {
  readonly grid: Grid;
  /**
   * For cell `i` and travel-neighbour slot `s` (the `s`-th entry of `adjTargets` from
   * `adjOffsets[i]`): bit mask of the slots of `i` whose neighbours are travel-adjacent to
   * the neighbour in slot `s`. Row `i` starts at `i * 8`. Cells with more than 8 neighbours
   * have `wide[i] = 1` and always use the BFS.
   */
  readonly slotMask: Uint8Array;
  readonly wide: Uint8Array;
  /** Per geometric edge e = (i → j): `geoEdgeKm(i→j) + geoEdgeKm(j→i)`, km. */
  readonly edgePairKm: Float64Array;
  /** Scratch for BFS: visit stamps and a queue (single-threaded use only). */
  readonly stamp: Uint32Array;
  readonly queue: Int32Array;
  /** Current stamp generation (bumped by {@link nextStamp}). */
  gen: number;
}

const cache = new WeakMap<Grid, Topology>();

/**
 * The topology tables of a grid (built on first use, then cached per grid object).
 * Costs O(cells × 36) once; ~20 ms for Chicago at resolution 10.
 * @example const topo = topologyOf(grid);
 */
export function topologyOf(grid: Grid): Topology {
  let t = cache.get(grid);
  if (!t) {
    t = buildTopology(grid);
    cache.set(grid, t);
  }
  return t;
}

function isAdjacent(grid: Grid, a: number, b: number): boolean {
  const { adjOffsets, adjTargets } = grid;
  for (let e = adjOffsets[a]!; e < adjOffsets[a + 1]!; e++) if (adjTargets[e] === b) return true;
  return false;
}

function buildTopology(grid: Grid): Topology {
  const n = grid.cellCount;
  const { adjOffsets, adjTargets, geoOffsets, geoTargets, geoEdgeKm } = grid;
  const slotMask = new Uint8Array(n * MAX_SLOTS);
  const wide = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = adjOffsets[i]!;
    const deg = adjOffsets[i + 1]! - a;
    if (deg > MAX_SLOTS) {
      wide[i] = 1;
      continue;
    }
    for (let s = 0; s < deg; s++) {
      const js = adjTargets[a + s]!;
      let m = 0;
      for (let t = 0; t < deg; t++) if (t !== s && isAdjacent(grid, js, adjTargets[a + t]!)) m |= 1 << t;
      slotMask[i * MAX_SLOTS + s] = m;
    }
  }
  const edgePairKm = new Float64Array(geoTargets.length);
  for (let i = 0; i < n; i++) {
    for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) {
      const j = geoTargets[e]!;
      let back = 0;
      for (let f = geoOffsets[j]!; f < geoOffsets[j + 1]!; f++) {
        if (geoTargets[f] === i) {
          back = geoEdgeKm[f]!;
          break;
        }
      }
      edgePairKm[e] = geoEdgeKm[e]! + back;
    }
  }
  return { grid, slotMask, wide, edgePairKm, stamp: new Uint32Array(n), queue: new Int32Array(n), gen: 0 };
}

/** A fresh BFS stamp (clears the stamp array when the counter wraps). */
export function nextStamp(t: Topology): number {
  t.gen = (t.gen + 1) >>> 0;
  if (t.gen === 0) {
    t.stamp.fill(0);
    t.gen = 1;
  }
  return t.gen;
}

/**
 * Can cell `i` leave its beat without splitting the beat on the travel graph?
 *
 * Local rule first (O(1)): if the neighbours of `i` in the same beat are connected to one
 * another through edges among themselves — on a hexagon ring, they form one arc — then every
 * path through `i` can go around it, and the answer is yes. Otherwise a BFS inside the beat
 * (without `i`) checks whether those neighbours still meet; `maxVisit` bounds it (a BFS that
 * hits the bound answers no, which is safe). A cell with no neighbour in its beat answers
 * yes (the caller checks that the beat keeps at least one cell).
 *
 * @param beatOfCell beat per cell (−1 unassigned)
 * @param maxVisit most cells the BFS may visit (default: no bound)
 * @returns `1` yes by the local rule, `2` yes by BFS, `0` no
 */
export function canRemoveCell(t: Topology, beatOfCell: Int32Array, i: number, maxVisit = Infinity): 0 | 1 | 2 {
  const { adjOffsets, adjTargets } = t.grid;
  const b = beatOfCell[i]!;
  const a = adjOffsets[i]!;
  const deg = adjOffsets[i + 1]! - a;
  if (!t.wide[i]) {
    let inMask = 0;
    for (let s = 0; s < deg; s++) if (beatOfCell[adjTargets[a + s]!] === b) inMask |= 1 << s;
    if (inMask === 0) return 1;
    const base = i * MAX_SLOTS;
    let reach = inMask & -inMask;
    for (;;) {
      let grow = reach;
      let r = reach;
      while (r !== 0) {
        const low = r & -r;
        grow |= t.slotMask[base + 31 - Math.clz32(low)]!;
        r ^= low;
      }
      grow &= inMask;
      if (grow === reach) break;
      reach = grow;
    }
    if (reach === inMask) return 1;
  }
  return bfsStillConnected(t, beatOfCell, i, maxVisit) ? 2 : 0;
}

/** BFS inside `i`'s beat, without `i`, from one same-beat neighbour until all are reached. */
function bfsStillConnected(t: Topology, beatOfCell: Int32Array, i: number, maxVisit: number): boolean {
  const { adjOffsets, adjTargets } = t.grid;
  const b = beatOfCell[i]!;
  const g = nextStamp(t);
  const stamp = t.stamp;
  const q = t.queue;
  stamp[i] = g;
  let want = 0;
  let start = -1;
  for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
    const j = adjTargets[e]!;
    if (beatOfCell[j] === b && stamp[j] !== g) {
      // count distinct same-beat neighbours (bridges may repeat none, CSR has no duplicates)
      want++;
      if (start < 0) start = j;
    }
  }
  if (want <= 1) return true;
  // mark targets with g+? — we count them by checking adjacency to i when visited
  let head = 0;
  let tail = 0;
  q[tail++] = start;
  stamp[start] = g;
  let found = 1;
  while (head < tail) {
    const c = q[head++]!;
    for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
      const j = adjTargets[e]!;
      if (stamp[j] === g || beatOfCell[j] !== b) continue;
      stamp[j] = g;
      if (isAdjacent(t.grid, i, j)) {
        found++;
        if (found === want) return true;
      }
      if (tail >= maxVisit) return false;
      q[tail++] = j;
    }
  }
  return false;
}

/**
 * Connected pieces of one beat on the travel graph, given its cells.
 * @returns number of pieces (0 for no cells)
 */
export function countPieces(t: Topology, beatOfCell: Int32Array, cells: ArrayLike<number>, b: number): number {
  const { adjOffsets, adjTargets } = t.grid;
  const g = nextStamp(t);
  const stamp = t.stamp;
  const q = t.queue;
  let pieces = 0;
  for (let k = 0; k < cells.length; k++) {
    const s = cells[k]!;
    if (stamp[s] === g || beatOfCell[s] !== b) continue;
    pieces++;
    let head = 0;
    let tail = 0;
    q[tail++] = s;
    stamp[s] = g;
    while (head < tail) {
      const c = q[head++]!;
      for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
        const j = adjTargets[e]!;
        if (stamp[j] !== g && beatOfCell[j] === b) {
          stamp[j] = g;
          q[tail++] = j;
        }
      }
    }
  }
  return pieces;
}

/**
 * Labels the connected pieces of every beat at once: `piece[i]` = piece index (−1 for
 * unassigned cells); `piecesOfBeat[b]` = number of pieces of beat `b`.
 */
export function labelPieces(
  t: Topology,
  beatOfCell: Int32Array,
  beatCount: number,
): { piece: Int32Array; pieceCount: number; pieceBeat: Int32Array; pieceSize: Int32Array; piecesOfBeat: Int32Array } {
  const { adjOffsets, adjTargets } = t.grid;
  const n = beatOfCell.length;
  const piece = new Int32Array(n).fill(-1);
  const piecesOfBeat = new Int32Array(beatCount);
  const beatList: number[] = [];
  const sizeList: number[] = [];
  const q = t.queue;
  for (let s = 0; s < n; s++) {
    const b = beatOfCell[s]!;
    if (b < 0 || piece[s] !== -1) continue;
    const p = beatList.length;
    beatList.push(b);
    piecesOfBeat[b]++;
    let head = 0;
    let tail = 0;
    q[tail++] = s;
    piece[s] = p;
    while (head < tail) {
      const c = q[head++]!;
      for (let e = adjOffsets[c]!; e < adjOffsets[c + 1]!; e++) {
        const j = adjTargets[e]!;
        if (piece[j] === -1 && beatOfCell[j] === b) {
          piece[j] = p;
          q[tail++] = j;
        }
      }
    }
    sizeList.push(tail);
  }
  return { piece, pieceCount: beatList.length, pieceBeat: Int32Array.from(beatList), pieceSize: Int32Array.from(sizeList), piecesOfBeat };
}
