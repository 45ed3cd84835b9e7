/**
 * A balanced start for lumpy cells (whole units: block groups, street blocks): recursive
 * bisection along random spanning trees, as GerryChain's `recursive_tree_part` /
 * `bipartition_tree` with an epsilon. A set that must become `k` beats is cut along an edge of
 * a random spanning tree so that both sides, of k₁ = ⌊k/2⌋ and k − k₁ beats, carry a mean
 * per beat within ±`epsilon` of the region's mean; of the valid cuts over several trees the
 * shortest (least km of shared edge between the sides) wins. Both sides are connected (a tree
 * minus an edge), and every final beat lands within ±`epsilon` of the mean when the trees
 * allow — where the straight cuts of `balancedStart` miss by up to a unit per cut.
 */
import type { Grid } from '../grid/grid.js';
import type { Rng } from '../random.js';

/**
 * A lower bound per node on how far from the mean a beat holding it must be, from the node and
 * its lightest neighbour (a beat is connected: it is the node alone or holds a neighbour too):
 * with w its weight, m the lightest neighbour's and T the mean, the bound is w/T − 1 when
 * w > T(1 + ε); min(1 − w/T, (w + m)/T − 1) when w < T(1 − ε) and w + m > T(1 + ε) (too light
 * alone, too heavy with any neighbour); else 0. A share of the mean: the band mean × (1 ± ε)
 * is out of reach for any plan when some node's bound exceeds ε.
 * @param mean the mean beat workload T (same units as `weight`)
 * @example contiguityFloor(q, unitWeight, total / 30, 0.025) // SF block groups: max 0.0335
 */
export function contiguityFloor(grid: Grid, weight: Float64Array, mean: number, tolerance: number): Float64Array {
  const n = grid.cellCount;
  const out = new Float64Array(n);
  if (!(mean > 0)) return out;
  for (let u = 0; u < n; u++) {
    const w = weight[u]! / mean;
    if (w > 1 + tolerance) {
      out[u] = w - 1;
      continue;
    }
    if (w >= 1 - tolerance) continue;
    let light = Infinity;
    for (let e = grid.adjOffsets[u]!; e < grid.adjOffsets[u + 1]!; e++) light = Math.min(light, weight[grid.adjTargets[e]!]! / mean);
    if (light < Infinity && w + light > 1 + tolerance) out[u] = Math.min(1 - w, w + light - 1);
  }
  return out;
}

/** Options of {@link treeStart}. */
export interface TreeStartOptions {
  /** Random spanning trees drawn per cut (default 48). */
  readonly trees?: number;
}

/**
 * Assigns the cells of one region to `k` beats `beatOffset .. beatOffset+k−1`, every beat
 * connected, aiming at the region's mean workload × (1 ± epsilon) — or, for a beat holding a
 * node whose {@link contiguityFloor} exceeds epsilon, at that floor + epsilon/4. Each cut takes,
 * over `trees` random spanning trees, the edge whose sides miss their band least (to 0.1% of
 * the mean), then the shortest; a set of `kk` beats is cut into ⌊kk/2⌋ and ⌈kk/2⌉.
 * @param cells cells of the region (grid indices; connected on the travel graph, at least k)
 * @param epsilon half-width of the band (share of the mean)
 * @param out beat per cell, written for the region's cells
 * @returns true when every cut landed both sides in their band (then every beat is in it)
 * @example treeStart(q, unitWeight, cells, 30, 0, 0.02, rng, out)
 */
export function treeStart(
  grid: Grid,
  weight: Float64Array,
  cells: Int32Array,
  k: number,
  beatOffset: number,
  epsilon: number,
  rng: Rng,
  out: Int32Array,
  options: TreeStartOptions = {},
): boolean {
  const trees = options.trees ?? 48;
  let W = 0;
  for (let t = 0; t < cells.length; t++) W += weight[cells[t]!]!;
  if (!(W > 0) || k < 1 || cells.length < k)
    throw new RangeError(`treeStart: ${cells.length} cells of total weight ${W} cannot make ${k} beats`);
  const T = W / k;
  const local = new Int32Array(grid.cellCount).fill(-1);
  const label = new Map<number, number>();
  // a beat holding a node whose contiguity floor exceeds epsilon may sit at that floor (+ ε/4)
  const floor = contiguityFloor(grid, weight, T, epsilon);
  /** How far a side of `kk` beats with weight `s` misses its band (share of the mean; 0 inside). */
  const miss = (s: number, kk: number, f: number) =>
    Math.max(0, Math.abs(s / kk / T - 1) - (kk === 1 && f > epsilon ? f + epsilon / 4 : epsilon));
  let missed = false;

  const split = (set: number[], kk: number, offset: number): void => {
    if (kk === 1) {
      for (const i of set) label.set(i, offset);
      return;
    }
    const k1 = Math.floor(kk / 2);
    const tr = new SpanningTrees(grid, set, local);
    tr.withShapes();
    const { sub, cross, ord, tin, tout, par } = tr;
    const m = set.length;
    const fl = new Float64Array(m);
    // of all trees' cuts: the least miss of the band (in steps of 0.1% of the mean, rounded up:
    // only a cut inside the band counts as no miss), then the shortest
    let bestMiss = Infinity;
    let bestLen = Infinity;
    let bestSide: Uint8Array | null = null;
    let bestBeats = k1;
    for (let t = 0; t < trees; t++) {
      if (!tr.draw(rng)) break;
      tr.subtreeSums(weight);
      // largest floor in each subtree; outside it, a scan (only for sides of one beat)
      for (let k = 0; k < m; k++) fl[k] = floor[set[k]!]!;
      for (let q = m - 1; q > 0; q--) fl[par[ord[q]!]!] = Math.max(fl[par[ord[q]!]!]!, fl[ord[q]!]!);
      const Wset = sub[0]!;
      let pick = -1;
      for (let q = 1; q < m; q++) {
        const v = ord[q]!;
        const s = sub[v]!;
        for (const ks of k1 === kk - k1 ? [k1] : [k1, kk - k1]) {
          if (tout[v]! - tin[v]! < ks || m - (tout[v]! - tin[v]!) < kk - ks) continue; // a cell per beat at least
          const d = Math.ceil(1000 * Math.max(miss(s, ks, fl[v]!), miss(Wset - s, kk - ks, kk - ks === 1 ? restFloor(v) : 0)));
          if (d > bestMiss || (d === bestMiss && cross[v]! >= bestLen)) continue;
          bestMiss = d;
          bestLen = cross[v]!;
          bestBeats = ks;
          pick = v;
        }
      }
      if (pick >= 0) {
        bestSide = new Uint8Array(m);
        for (let k = 0; k < m; k++) bestSide[k] = tin[k]! >= tin[pick]! && tin[k]! < tout[pick]! ? 1 : 0;
      }
    }
    /** Largest floor among the set's nodes outside the subtree of `v`. */
    function restFloor(v: number): number {
      let f = 0;
      for (let k = 0; k < m; k++) if (!(tin[k]! >= tin[v]! && tin[k]! < tout[v]!)) f = Math.max(f, floor[set[k]!]!);
      return f;
    }
    tr.release();
    if (bestMiss > 0) missed = true;
    const inSub: number[] = [];
    const rest: number[] = [];
    for (let k = 0; k < m; k++) (bestSide![k] ? inSub : rest).push(set[k]!);
    split(inSub, bestBeats, offset);
    split(rest, kk - bestBeats, offset + bestBeats);
  };
  split(Array.from(cells), k, beatOffset);
  for (const [i, b] of label) out[i] = b;
  return !missed;
}

/**
 * Random spanning trees of a set of cells (a merged pair of beats, a region) on the travel
 * graph: Kruskal on random keys, then an iterative DFS from the set's first cell. After
 * {@link SpanningTrees.draw}, `par`, `tin`/`tout` (DFS entry/exit times: `k` is in the subtree
 * of `v` iff `tin[v] ≤ tin[k] < tout[v]`) and `ord` (DFS order) describe the tree over local
 * indices 0..m−1 (aligned with `cells`); `sub` is scratch for subtree sums, and after
 * {@link SpanningTrees.subtreeSums} (with {@link SpanningTrees.withShapes} called once) `sub`,
 * `area`, `perim` and `cross` hold per subtree its weight, area (km²), the perimeter of its
 * dissolved cells (km) and the length of its edge with the rest of the set (km).
 * Internal to `plan/`.
 */
export class SpanningTrees {
  readonly m: number;
  /** Local travel edges `eu[e] < ev[e]`. */
  readonly eu: number[] = [];
  readonly ev: number[] = [];
  readonly E: number;
  readonly par: Int32Array;
  readonly tin: Int32Array;
  readonly tout: Int32Array;
  readonly ord: Int32Array;
  readonly sub: Float64Array;
  private readonly key: Float64Array;
  private readonly idx: Int32Array;
  private readonly uf: Int32Array;
  private readonly head: Int32Array;
  private readonly nxt: Int32Array;
  private readonly to: Int32Array;
  private readonly stack: Int32Array;
  private readonly it: Int32Array;

  readonly area: Float64Array;
  readonly perim: Float64Array;
  readonly cross: Float64Array;
  /** Geometric edges inside the set, once each (local indices `gu < gv`, km). */
  private readonly gu: number[] = [];
  private readonly gv: number[] = [];
  private readonly gkm: number[] = [];

  /** @param local scratch of the grid's size, all −1; set for `cells` until {@link release} */
  constructor(
    private readonly grid: Grid,
    readonly cells: readonly number[],
    private readonly local: Int32Array,
  ) {
    const m = cells.length;
    this.m = m;
    const { adjOffsets, adjTargets } = grid;
    for (let k = 0; k < m; k++) local[cells[k]!] = k;
    for (let k = 0; k < m; k++) {
      const i = cells[k]!;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const l = local[adjTargets[e]!]!;
        if (l > k) {
          this.eu.push(k);
          this.ev.push(l);
        }
      }
    }
    this.E = this.eu.length;
    this.key = new Float64Array(this.E);
    this.idx = new Int32Array(this.E);
    this.uf = new Int32Array(m);
    this.head = new Int32Array(m);
    this.nxt = new Int32Array(2 * m);
    this.to = new Int32Array(2 * m);
    this.par = new Int32Array(m);
    this.tin = new Int32Array(m);
    this.tout = new Int32Array(m);
    this.ord = new Int32Array(m);
    this.sub = new Float64Array(m);
    this.stack = new Int32Array(m);
    this.it = new Int32Array(m);
    this.area = new Float64Array(m);
    this.perim = new Float64Array(m);
    this.cross = new Float64Array(m);
  }

  /** Collects the set's geometric edges; returns the set's perimeter P (km) and area A (km²). */
  withShapes(): { P: number; A: number } {
    const { grid, cells, local, gu, gv, gkm } = this;
    let P = 0;
    let A = 0;
    for (let k = 0; k < this.m; k++) {
      const i = cells[k]!;
      P += grid.perimeterKm[i]!;
      A += grid.areaKm2[i]!;
      for (let e = grid.geoOffsets[i]!; e < grid.geoOffsets[i + 1]!; e++) {
        const l = local[grid.geoTargets[e]!]!;
        if (l < 0) continue;
        P -= grid.geoEdgeKm[e]!;
        if (l > k) {
          gu.push(k);
          gv.push(l);
          gkm.push(grid.geoEdgeKm[e]!);
        }
      }
    }
    return { P, A };
  }

  /**
   * Subtree sums over the current tree of `weight`, area, perimeter and edge to the rest of
   * the set: an edge (x, y) lies inside the subtree of every ancestor of LCA(x, y) (perimeter
   * − 2 × km) and crosses out of the subtree of every node on the paths from x and y up to,
   * not including, the LCA.
   */
  subtreeSums(weight: Float64Array): void {
    const { grid, cells, m, sub, area, perim, cross, gu, gv, gkm, tin, tout, par, ord } = this;
    for (let k = 0; k < m; k++) {
      sub[k] = weight[cells[k]!]!;
      area[k] = grid.areaKm2[cells[k]!]!;
      perim[k] = grid.perimeterKm[cells[k]!]!;
      cross[k] = 0;
    }
    for (let e = 0; e < gu.length; e++) {
      let x = gu[e]!;
      const y = gv[e]!;
      while (!(tin[y]! >= tin[x]! && tin[y]! < tout[x]!)) x = par[x]!;
      perim[x] -= 2 * gkm[e]!;
      cross[gu[e]!] += gkm[e]!;
      cross[y] += gkm[e]!;
      cross[x] -= 2 * gkm[e]!;
    }
    for (let q = m - 1; q > 0; q--) {
      const v = ord[q]!;
      const u = par[v]!;
      sub[u] += sub[v]!;
      area[u] += area[v]!;
      perim[u] += perim[v]!;
      cross[u] += cross[v]!;
    }
  }

  /** Draws the next tree; false when the set is not connected (no spanning tree). */
  draw(rng: Rng): boolean {
    const { m, E, eu, ev, key, idx, uf, head, nxt, to, par, tin, tout, ord, stack, it } = this;
    for (let e = 0; e < E; e++) {
      key[e] = rng.next();
      idx[e] = e;
    }
    idx.sort((x, y) => key[x]! - key[y]!);
    for (let k = 0; k < m; k++) uf[k] = k;
    const find = (x: number): number => {
      while (uf[x] !== x) {
        uf[x] = uf[uf[x]!]!;
        x = uf[x]!;
      }
      return x;
    };
    head.fill(-1);
    let ne = 0;
    for (let q = 0; q < E; q++) {
      const e = idx[q]!;
      const x = find(eu[e]!);
      const y = find(ev[e]!);
      if (x === y) continue;
      uf[x] = y;
      to[ne] = ev[e]!;
      nxt[ne] = head[eu[e]!]!;
      head[eu[e]!] = ne++;
      to[ne] = eu[e]!;
      nxt[ne] = head[ev[e]!]!;
      head[ev[e]!] = ne++;
    }
    if (ne !== 2 * (m - 1)) return false;
    // Iterative DFS from node 0: entry/exit times.
    let sp = 0;
    let clock = 0;
    stack[sp++] = 0;
    par[0] = -1;
    it[0] = head[0]!;
    tin[0] = clock;
    ord[clock++] = 0;
    while (sp > 0) {
      const u = stack[sp - 1]!;
      const e = it[u]!;
      if (e < 0) {
        tout[u] = clock;
        sp--;
        continue;
      }
      it[u] = nxt[e]!;
      const v = to[e]!;
      if (v === par[u]) continue;
      par[v] = u;
      it[v] = head[v]!;
      tin[v] = clock;
      ord[clock++] = v;
      stack[sp++] = v;
    }
    return true;
  }

  /** Clears the grid scratch set by the constructor. */
  release(): void {
    for (let k = 0; k < this.m; k++) this.local[this.cells[k]!] = -1;
  }
}
