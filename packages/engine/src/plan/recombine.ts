/**
 * Pair recombination (GerryChain's ReCom, aimed): a beat still outside the band after the
 * flow-guided and single-cell moves is merged with a neighbouring beat and the pair is cut
 * again along an edge of a random spanning tree of its cells, such that both halves land in
 * the band. Both halves are connected by construction (a tree minus one edge). Of the valid
 * cuts over several trees, the one with the fewest travel edges between the halves wins
 * (ties: the least workload changing beat), and each half keeps the id of the beat it
 * overlaps most. Fixes what whole heavy cells make impossible one move at a time.
 */
import type { Rng } from '../random.js';
import { applyMove, type SearchContext, type SearchParts } from './local-search.js';

/** Options of {@link recombineOutliers}. */
export interface RecombineOptions {
  /** Random spanning trees tried per pair (default 24). */
  readonly trees?: number;
  /** Pairs larger than this many cells are not recombined (default 4000). */
  readonly maxCells?: number;
}

/** What {@link recombineOutliers} did. */
export interface RecombineStats {
  /** Pairs recombined. */
  pairs: number;
  /** Cells that changed beat. */
  moves: number;
}

/**
 * Recombines each out-of-band beat with the neighbour that makes a valid cut possible (most
 * under-loaded neighbour first for an over-loaded beat, most over-loaded first otherwise).
 * Respects locks, pinned cells, regions and the change budget. Deterministic for a seed.
 */
export function recombineOutliers(ctx: SearchContext, parts: SearchParts, rng: Rng, options: RecombineOptions = {}): RecombineStats {
  const { part, target, lockedBeat, regionOfBeat, pinned, band } = ctx;
  const trees = options.trees ?? 24;
  const maxCells = options.maxCells ?? 4000;
  const n = part.grid.cellCount;
  const K = part.beatCount;
  const { adjOffsets, adjTargets } = part.grid;
  const beat = part.beatOfCell;
  const load = part.sums[0]!;
  const weight = part.channels[0]!;
  const stats: RecombineStats = { pairs: 0, moves: 0 };
  const local = new Int32Array(n).fill(-1);
  const ratio = (b: number) => load[b]! / target[b]!;
  const out = (b: number) => target[b]! > 0 && Math.abs(ratio(b) - 1) > band;
  const order: number[] = [];
  for (let b = 0; b < K; b++) if (!lockedBeat[b] && out(b)) order.push(b);
  order.sort((x, y) => Math.abs(ratio(y) - 1) - Math.abs(ratio(x) - 1) || x - y);
  if (!order.length) return stats;
  const cellsOf: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) if (beat[i]! >= 0) cellsOf[beat[i]!]!.push(i);

  // A beat no neighbour can share a valid cut with passes its excess on to the neighbour
  // that can take most (which may leave that neighbour out of band: it is queued in turn).
  const visits = new Int32Array(K);
  for (let q = 0; q < order.length && q < 4 * K; q++) {
    const a = order[q]!;
    if (!out(a) || visits[a]! >= 3) continue;
    visits[a]++;
    const over = ratio(a) > 1;
    const nbrs = new Set<number>();
    for (const i of cellsOf[a]!) {
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = beat[adjTargets[e]!]!;
        if (b >= 0 && b !== a && !lockedBeat[b] && regionOfBeat[b] === regionOfBeat[a]) nbrs.add(b);
      }
    }
    const cands = [...nbrs].sort((x, y) => (over ? ratio(x) - ratio(y) : ratio(y) - ratio(x)) || x - y);
    let done = false;
    // Under a change budget no beat may end worse than it started: no relaxed pass.
    for (let pass = 0; pass < (parts.noWorse ? 1 : 2) && !done; pass++) {
    const relaxed = pass === 1;
    for (const b of relaxed ? cands.slice(0, 1) : cands) {
      const cells = cellsOf[a]!.concat(cellsOf[b]!);
      if (cells.length > maxCells) continue;
      const La = target[a]! * (1 - band);
      const Ua = target[a]! * (1 + band);
      const Lb = target[b]! * (1 - band);
      const Ub = target[b]! * (1 + band);
      const W = load[a]! + load[b]!;
      if (!relaxed && (W < La + Lb || W > Ua + Ub)) continue;
      if (relaxed && (over ? W - Ua < target[b]! * (1 - band) : W - La > target[b]! * (1 + band))) continue; // b could take it all: pass 0 did
      if (cells.some((i) => pinned[i])) continue;
      const cut = bestCut(cells, a, b, La, Ua, relaxed ? -Infinity : Lb, relaxed ? Infinity : Ub);
      if (!cut) continue;
      // Change budget: the workload the recombination moves away from initial beats.
      if (parts.ledger && ctx.changeBudget !== undefined) {
        let d = 0;
        for (let k = 0; k < cells.length; k++) d += parts.ledger.deltaWorkload(cells[k]!, beat[cells[k]!]!, cut[k]!);
        if (d > 0 && parts.ledger.movedWorkload + d > ctx.changeBudget) continue;
      }
      for (let k = 0; k < cells.length; k++) {
        const i = cells[k]!;
        if (beat[i] !== cut[k]) {
          applyMove(part, parts, i, beat[i]!, cut[k]!);
          stats.moves++;
        }
      }
      cellsOf[a] = cells.filter((_, k) => cut[k] === a);
      cellsOf[b] = cells.filter((_, k) => cut[k] === b);
      stats.pairs++;
      if (out(b)) order.push(b);
      done = true;
      break;
    }
    }
  }
  return stats;

  /** The best valid cut of the merged pair: beat per cell (aligned with `cells`), or null. */
  function bestCut(cells: number[], a: number, b: number, La: number, Ua: number, Lb: number, Ub: number): Int32Array | null {
    const m = cells.length;
    for (let k = 0; k < m; k++) local[cells[k]!] = k;
    // Local edge list (k < l).
    const eu: number[] = [];
    const ev: number[] = [];
    for (let k = 0; k < m; k++) {
      const i = cells[k]!;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const l = local[adjTargets[e]!]!;
        if (l > k) {
          eu.push(k);
          ev.push(l);
        }
      }
    }
    const E = eu.length;
    const key = new Float64Array(E);
    const idx = new Int32Array(E);
    const uf = new Int32Array(m);
    const find = (x: number): number => {
      while (uf[x] !== x) {
        uf[x] = uf[uf[x]!]!;
        x = uf[x]!;
      }
      return x;
    };
    const head = new Int32Array(m);
    const nxt = new Int32Array(2 * m);
    const to = new Int32Array(2 * m);
    const par = new Int32Array(m);
    const tin = new Int32Array(m);
    const tout = new Int32Array(m);
    const ord = new Int32Array(m);
    const sub = new Float64Array(m);
    const stack = new Int32Array(m);
    const it = new Int32Array(m);
    const side = new Uint8Array(m);
    let best: Int32Array | null = null;
    let bestCutEdges = Infinity;
    let bestExcess = Infinity;
    let bestChange = Infinity;
    for (let t = 0; t < trees; t++) {
      // Random spanning tree: Kruskal on random keys.
      for (let e = 0; e < E; e++) {
        key[e] = rng.next();
        idx[e] = e;
      }
      idx.sort((x, y) => key[x]! - key[y]!);
      for (let k = 0; k < m; k++) uf[k] = k;
      head.fill(-1);
      let ne = 0;
      for (let q = 0; q < E; q++) {
        const e = idx[q]!;
        const x = find(eu[e]!);
        const y = find(ev[e]!);
        if (x === y) continue;
        uf[x] = y;
        to[ne] = ev[e]!; nxt[ne] = head[eu[e]!]!; head[eu[e]!] = ne++;
        to[ne] = eu[e]!; nxt[ne] = head[ev[e]!]!; head[ev[e]!] = ne++;
      }
      if (ne !== 2 * (m - 1)) break; // the pair is not connected: no cut
      // Iterative DFS from node 0: entry/exit times and subtree weights.
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
      for (let k = 0; k < m; k++) sub[k] = weight[cells[k]!]!;
      for (let q = m - 1; q > 0; q--) {
        const v = ord[q]!;
        sub[par[v]!] += sub[v]!;
      }
      const W = sub[0]!;
      let tried = 0;
      for (let q = 1; q < m && tried < 12; q++) {
        const v = ord[q]!;
        const s = sub[v]!;
        // subtree → one beat, the rest → the other; which is which is decided below
        const fitsA = s >= La && s <= Ua && W - s >= Lb && W - s <= Ub;
        const fitsB = s >= Lb && s <= Ub && W - s >= La && W - s <= Ua;
        if (!fitsA && !fitsB) continue;
        tried++;
        for (let k = 0; k < m; k++) side[k] = tin[k]! >= tin[v]! && tin[k]! < tout[v]! ? 1 : 0;
        let cutEdges = 0;
        for (let e = 0; e < E; e++) if (side[eu[e]!] !== side[ev[e]!]) cutEdges++;
        // subtree labelled a (if it fits) or b; the labelling that changes less workload
        let changeA = 0;
        let changeB = 0;
        for (let k = 0; k < m; k++) {
          const cur = beat[cells[k]!]!;
          const w = weight[cells[k]!]! + 1e-9;
          if ((side[k] ? a : b) !== cur) changeA += w;
          if ((side[k] ? b : a) !== cur) changeB += w;
        }
        const useA = fitsA && (!fitsB || changeA <= changeB);
        const change = useA ? changeA : changeB;
        const wB = useA ? W - s : s;
        const excessB = Math.round(Math.max(0, Math.abs(wB - target[b]!) - band * target[b]!) * 1000);
        if (excessB < bestExcess || (excessB === bestExcess && (cutEdges < bestCutEdges || (cutEdges === bestCutEdges && change < bestChange)))) {
          bestExcess = excessB;
          bestCutEdges = cutEdges;
          bestChange = change;
          best = new Int32Array(m);
          for (let k = 0; k < m; k++) best[k] = side[k] ? (useA ? a : b) : useA ? b : a;
        }
      }
    }
    for (let k = 0; k < m; k++) local[cells[k]!] = -1;
    return best;
  }
}
