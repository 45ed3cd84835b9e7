/**
 * Pair recombination (GerryChain's ReCom, aimed): a beat still outside the band after the
 * flow-guided and single-cell moves is merged with a neighbouring beat and the pair is cut
 * again along an edge of a random spanning tree of its cells, such that both halves land in
 * the band. Both halves are connected by construction (a tree minus one edge). Of the valid
 * cuts over several trees, the one with the fewest travel edges between the halves wins
 * (ties: the least workload changing beat), and each half keeps the id of the beat it
 * overlaps most. Fixes what whole heavy cells make impossible one move at a time.
 */

import { throwIfAborted } from '../errors.js';
import type { Rng } from '../random.js';
import { beatTransfers, neighbouringBeats } from './flow-guide.js';
import { applyMove, type SearchContext, type SearchParts } from './local-search.js';
import { matchLabels } from './restart.js';
import { balancePenalty } from './search/terms.js';
import { SpanningTrees, treeStart } from './tree-start.js';

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
    const t3 = new SpanningTrees(part.grid, cells, local);
    const { E, eu, ev, par, tin, tout, ord, sub } = t3;
    const side = new Uint8Array(m);
    let best: Int32Array | null = null;
    let bestCutEdges = Infinity;
    let bestExcess = Infinity;
    let bestChange = Infinity;
    for (let t = 0; t < trees; t++) {
      if (!t3.draw(rng)) break; // the pair is not connected: no cut
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
        if (
          excessB < bestExcess ||
          (excessB === bestExcess && (cutEdges < bestCutEdges || (cutEdges === bestCutEdges && change < bestChange)))
        ) {
          bestExcess = excessB;
          bestCutEdges = cutEdges;
          bestChange = change;
          best = new Int32Array(m);
          for (let k = 0; k < m; k++) best[k] = side[k] ? (useA ? a : b) : useA ? b : a;
        }
      }
    }
    t3.release();
    return best;
  }
}

/** Options of {@link recombineToBand}. */
export interface BandRecombineOptions {
  /** Random spanning trees drawn per pair (default 64). */
  readonly trees?: number;
  /** Most flow rounds (default 40). */
  readonly maxRounds?: number;
  /** Share of the band the flows aim at (default 0.5: room for lumpy cuts). */
  readonly aim?: number;
  /** Groups larger than this many cells are not recombined (default 4000). */
  readonly maxCells?: number;
  /** Most passes of flow rounds then neighbourhood re-cuts (default 3). */
  readonly passes?: number;
  /** Spanning-tree re-cuts tried per neighbourhood (default 24). */
  readonly attempts?: number;
}

/**
 * Balance by recombination along min-cost flows, for lumpy cells (the unit graph, where one
 * "cell" is a whole block group): each round plans the transfers between neighbouring beats
 * that would bring every beat into `target × (1 ± aim × band)` ({@link beatTransfers}), and
 * executes each transfer `a → b` by merging the pair and cutting it again along an edge of
 * one of `trees` random spanning trees of its cells (GerryChain's `bipartition_tree`): the
 * cut whose `a` side lands nearest `load(a) − amount` (within a quarter of the band: the one
 * with the least Σ 1/Polsby-Popper of the two halves) is applied when it brings `a` nearer
 * that goal than it is. Single-cell moves cannot do this when every cell on the boundary is
 * a large share of a beat; a tree cut chooses among hundreds of ways to split the pair.
 * When the flow rounds stall, each beat still outside is re-cut with all its neighbours at
 * once (`treeStart` on their union, `attempts` tries, labels matched to the beats they overlap
 * most), kept when the group's band penalty falls; up to `passes` times.
 *
 * Every beat stays connected (tree cuts). Flow rounds stop when every beat is in the band,
 * after `maxRounds` or when three rounds in a row do not lower the band penalty
 * (Σ {@link balancePenalty}, as the local search weighs it: one beat far out costs more than
 * several just out); ends in the best state it went through. Locked beats, pinned cells
 * and regions are respected; under a change budget (`parts.noWorse`) it does nothing (the
 * budgeted moves of `flowGuidedBalance` keep their guarantees). Deterministic for a seed.
 * Used by `planBeats` on unit graphs only.
 * @example recombineToBand(ctx, searchParts(ctx), ctx.rng) // { pairs: 29, moves: 180 }
 */
export function recombineToBand(ctx: SearchContext, parts: SearchParts, rng: Rng, options: BandRecombineOptions = {}): RecombineStats {
  const { part, target, lockedBeat, pinned, band } = ctx;
  const stats: RecombineStats = { pairs: 0, moves: 0 };
  if (parts.noWorse) return stats;
  const trees = options.trees ?? 64;
  const maxRounds = options.maxRounds ?? 40;
  const aim = options.aim ?? 0.5;
  const maxCells = options.maxCells ?? 4000;
  const passes = options.passes ?? 3;
  const attempts = options.attempts ?? 24;
  const grid = part.grid;
  const n = grid.cellCount;
  const K = part.beatCount;
  const beat = part.beatOfCell;
  const load = part.sums[0]!;
  const weight = part.channels[0]!;
  const local = new Int32Array(n).fill(-1);
  let excess = bandPenalty(load, target, lockedBeat, band);
  if (!(excess > 0)) return stats;
  let best = excess;
  const bestBeat = Int32Array.from(beat);
  const cellsOf: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < n; i++) if (beat[i]! >= 0) cellsOf[beat[i]!]!.push(i);
  const label = new Int32Array(n).fill(-1);
  for (let pass = 0; pass < passes && excess > 0; pass++) {
    const atStart = best;
    let stale = 0;
    for (let round = 0; round < maxRounds && excess > 0; round++) {
      throwIfAborted(ctx.signal);
      if (ctx.now() > ctx.deadline) break;
      const transfers = beatTransfers(load, target, lockedBeat, neighbouringBeats(ctx), aim * band);
      if (!transfers.length) break;
      for (const t of transfers) {
        const a = t.from;
        const b = t.to;
        const cells = cellsOf[a]!.concat(cellsOf[b]!);
        if (cells.length > maxCells || cells.some((i) => pinned[i])) continue;
        const goal = load[a]! - t.amount;
        const cut = goalCut(cells, a, b, goal, Math.abs(load[a]! - goal));
        if (!cut) continue;
        assign(cells, cut, [a, b]);
      }
      excess = bandPenalty(load, target, lockedBeat, band);
      if (excess < best * (1 - 1e-3)) {
        best = excess;
        bestBeat.set(beat);
        stale = 0;
      } else if (++stale >= 3) break;
    }
    // Neighbourhoods: a beat still outside is re-cut with all its neighbours at once
    // (treeStart on their union, labels matched to the beats they overlap most), kept when
    // the group's band penalty falls.
    const outside: number[] = [];
    for (let b = 0; b < K; b++) if (!lockedBeat[b] && target[b]! > 0 && Math.abs(load[b]! / target[b]! - 1) > band) outside.push(b);
    outside.sort((x, y) => Math.abs(load[y]! / target[y]! - 1) - Math.abs(load[x]! / target[x]! - 1) || x - y);
    for (const a of outside) {
      throwIfAborted(ctx.signal);
      if (ctx.now() > ctx.deadline) break;
      if (Math.abs(load[a]! / target[a]! - 1) <= band) continue;
      const group = [a, ...neighboursOf(a)];
      const cells = group.flatMap((b) => cellsOf[b]!);
      if (group.length < 2 || cells.length > maxCells || cells.some((i) => pinned[i])) continue;
      const before = bandPenalty(
        Float64Array.from(group, (b) => load[b]!),
        Float64Array.from(group, (b) => target[b]!),
        new Uint8Array(group.length),
        band,
      );
      const set = Int32Array.from(cells);
      for (let attempt = 0; attempt < attempts; attempt++) {
        treeStart(grid, weight, set, group.length, 0, aim * band, rng.fork(), label);
        const beatOfLabel = matchLabels(label, set, beat, group, weight);
        const loads = new Float64Array(group.length);
        const slot = new Map(group.map((b, k) => [b, k]));
        for (const i of cells) loads[slot.get(beatOfLabel[label[i]!]!)!] += weight[i]!;
        const after = bandPenalty(
          loads,
          Float64Array.from(group, (b) => target[b]!),
          new Uint8Array(group.length),
          band,
        );
        if (after < before - 1e-12) {
          assign(
            cells,
            Int32Array.from(cells, (i) => beatOfLabel[label[i]!]!),
            group,
          );
          break;
        }
      }
      for (const i of cells) label[i] = -1;
    }
    excess = bandPenalty(load, target, lockedBeat, band);
    if (excess < best * (1 - 1e-3)) {
      best = excess;
      bestBeat.set(beat);
    }
    if (!(best < atStart * (1 - 1e-3))) break;
  }
  if (excess > best) {
    for (let i = 0; i < n; i++) if (beat[i] !== bestBeat[i]) applyMove(part, parts, i, beat[i]!, bestBeat[i]!);
  }
  return stats;

  /** Moves `cells` to the beats `to` (aligned) and updates the cell lists of `group`. */
  function assign(cells: number[], to: Int32Array, group: readonly number[]): void {
    for (let k = 0; k < cells.length; k++) {
      const i = cells[k]!;
      if (beat[i] !== to[k]) {
        applyMove(part, parts, i, beat[i]!, to[k]!);
        stats.moves++;
      }
    }
    for (const b of group) cellsOf[b] = cells.filter((_, k) => to[k] === b);
    stats.pairs++;
  }

  /** Unlocked neighbouring beats of `a` in its region, ascending. */
  function neighboursOf(a: number): number[] {
    const nb = new Set<number>();
    for (const i of cellsOf[a]!) {
      for (let e = grid.adjOffsets[i]!; e < grid.adjOffsets[i + 1]!; e++) {
        const b = beat[grid.adjTargets[e]!]!;
        if (b >= 0 && b !== a && !lockedBeat[b] && ctx.regionOfBeat[b] === ctx.regionOfBeat[a]) nb.add(b);
      }
    }
    return [...nb].sort((x, y) => x - y);
  }

  /**
   * The cut of the merged pair whose `a` side lands nearer `goal` than `now` (its distance
   * today), nearest first (distances within a quarter of the band count as equal; then the
   * least Σ P²/A of the two halves): beat per cell (aligned with `cells`), or null.
   */
  function goalCut(cells: number[], a: number, b: number, goal: number, now: number): Int32Array | null {
    const m = cells.length;
    const tr = new SpanningTrees(part.grid, cells, local);
    const { sub, tin, tout, ord, area, perim, cross } = tr;
    const { P, A } = tr.withShapes();
    const eps = 1e-9 * target[a]!;
    const slack = 0.25 * band * target[a]!;
    const quantum = (d: number) => Math.max(0, d - slack);
    let bestMiss = Infinity;
    let bestShape = Infinity;
    let best: Int32Array | null = null;
    for (let t = 0; t < trees; t++) {
      if (!tr.draw(rng)) break;
      tr.subtreeSums(weight);
      const W = sub[0]!;
      let pick = -1;
      let pickSubIsA = false;
      for (let q = 1; q < m; q++) {
        const v = ord[q]!;
        // the halves' perimeters: ps + pr = P(union) + 2 × the edges between them
        const ps = perim[v]!;
        const as = area[v]!;
        for (let side = 0; side < 2; side++) {
          const subIsA = side === 0;
          const sa = subIsA ? sub[v]! : W - sub[v]!;
          const d = Math.abs(sa - goal);
          if (d >= now - eps) continue;
          const miss = quantum(d);
          if (miss > bestMiss + eps) continue;
          const pr = P - ps + 2 * cross[v]!;
          const shape = (ps * ps) / as + (pr * pr) / (A - as);
          if (miss < bestMiss - eps || shape < bestShape) {
            bestMiss = miss;
            bestShape = shape;
            pick = v;
            pickSubIsA = subIsA;
          }
        }
      }
      if (pick >= 0) {
        best = new Int32Array(m);
        for (let k = 0; k < m; k++) best[k] = (tin[k]! >= tin[pick]! && tin[k]! < tout[pick]!) === pickSubIsA ? a : b;
      }
    }
    tr.release();
    return best;
  }
}

/** Σ {@link balancePenalty} over the unlocked beats with a target (0 when all are in the band). */
function bandPenalty(load: Float64Array, target: Float64Array, lockedBeat: Uint8Array, band: number): number {
  let p = 0;
  for (let b = 0; b < load.length; b++) if (!lockedBeat[b]) p += balancePenalty(load[b]!, target[b]!, band);
  return p;
}
