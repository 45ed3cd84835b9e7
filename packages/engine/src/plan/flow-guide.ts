/**
 * Flow-guided balancing: single-cell greedy moves stall when an over-loaded beat is ringed by
 * beats that are in the band themselves. A min-cost flow over the beat adjacency graph says
 * how much workload must travel from the over-loaded to the under-loaded beats and along
 * which pairs of neighbouring beats (chains of transfers through in-band beats); the cells
 * then move along those pairs, front by front, each move checked by the search's constraints
 * (contiguity, locks, regions, change budget) and picked by the search's secondary objective
 * (compactness, cut edges, change), never growing a tendril.
 */
import { throwIfAborted } from '../errors.js';
import { minCostFlow } from '../solver/min-cost-flow.js';
import { applyMove, type SearchContext, type SearchParts } from './local-search.js';
import type { NoWorseConstraint } from './search/constraints.js';
import { sumDelta } from './search/terms.js';

/** Workload to move from beat `from` to its neighbour `to` (balanced measure, hours/week). */
export interface BeatTransfer {
  readonly from: number;
  readonly to: number;
  readonly amount: number;
}

/** Cost of one unit crossing one beat boundary, against the reward of a beat reaching its band. */
const HOP_COST = 1;
const BAND_REWARD = 10_000;
/** Flow units per mean target (1 unit = 0.1% of a beat's workload). */
const UNITS_PER_TARGET = 1000;

/**
 * Plans the transfers that bring every beat into `target × (1 ± band)`: a min-cost flow on
 * the graph of neighbouring beats (same region, unlocked), where an over-loaded beat must
 * ship its excess above the band, an under-loaded beat must receive its shortfall, in-band
 * beats may give or take what keeps them in the band, and every unit pays one per boundary
 * crossed. Excess that cannot reach a beat able to take it (another region, a locked
 * neighbourhood) stays put. Exact for the flow model (the solver checks its certificate).
 * @param adjacent pairs of neighbouring beats as `a * K + b` keys (both directions)
 * @param range optional workload range per beat (hours/week; {@link NoWorseConstraint}): the
 *   flow never plans a beat below `lo` or above `hi`, whatever the stage band allows
 * @returns transfers with a positive amount, largest first
 * @example beatTransfers(load, target, lockedBeat, neighbouringBeats(ctx), 0.01)
 */
export function beatTransfers(
  load: Float64Array,
  target: Float64Array,
  lockedBeat: Uint8Array,
  adjacent: readonly number[],
  band: number,
  range?: { readonly lo: Float64Array; readonly hi: Float64Array },
): BeatTransfer[] {
  const K = load.length;
  let tSum = 0;
  let tN = 0;
  for (let b = 0; b < K; b++) if (target[b]! > 0 && !lockedBeat[b]) (tSum += target[b]!), tN++;
  if (!tN) return [];
  const scale = UNITS_PER_TARGET / (tSum / tN);
  const S = K;
  const Z = K + 1;
  const from: number[] = [];
  const to: number[] = [];
  const capacity: number[] = [];
  const cost: number[] = [];
  const arc = (u: number, v: number, c: number, w: number) => {
    if (c <= 0) return;
    from.push(u);
    to.push(v);
    capacity.push(c);
    cost.push(w);
  };
  let X = 0;
  for (let b = 0; b < K; b++) {
    const t = target[b]!;
    if (!(t > 0) || lockedBeat[b]) continue;
    const w = Math.round(load[b]! * scale);
    const U = Math.floor(Math.min(t * (1 + band), range ? range.hi[b]! : Infinity) * scale);
    const L = Math.ceil(Math.max(t * (1 - band), range ? range.lo[b]! : -Infinity) * scale);
    const mustGive = Math.max(0, w - U);
    const mayGive = Math.max(0, Math.min(w, U) - L);
    const mustTake = Math.max(0, L - w);
    const mayTake = Math.max(0, U - Math.max(w, L));
    arc(S, b, mustGive, -BAND_REWARD);
    arc(S, b, mayGive, 0);
    arc(b, Z, mustTake, -BAND_REWARD);
    arc(b, Z, mayTake, 0);
    X += mustGive + mayGive;
  }
  if (X === 0) return [];
  const firstPair = from.length;
  for (const key of adjacent) {
    const a = Math.floor(key / K);
    const b = key - a * K;
    arc(a, b, X, HOP_COST);
  }
  arc(S, Z, X, 0);
  const supply = new Float64Array(K + 2);
  supply[S] = X;
  supply[Z] = -X;
  const r = minCostFlow({ nodeCount: K + 2, from, to, capacity, cost, supply });
  const out: BeatTransfer[] = [];
  for (let k = firstPair; k < from.length - 1; k++) {
    const f = r.flow[k]!;
    if (f > 0.5) out.push({ from: from[k]!, to: to[k]!, amount: f / scale });
  }
  out.sort((p, q) => q.amount - p.amount || p.from - q.from || p.to - q.to);
  return out;
}

/** Pairs of neighbouring beats on the travel graph (same region, both unlocked), as `a * K + b` keys, sorted. */
export function neighbouringBeats(ctx: SearchContext): number[] {
  const { part, regionOfBeat, lockedBeat } = ctx;
  const K = part.beatCount;
  const { adjOffsets, adjTargets } = part.grid;
  const beat = part.beatOfCell;
  const seen = new Set<number>();
  for (let i = 0; i < beat.length; i++) {
    const a = beat[i]!;
    if (a < 0 || lockedBeat[a]) continue;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      const b = beat[adjTargets[e]!]!;
      if (b >= 0 && b !== a && !lockedBeat[b] && regionOfBeat[a] === regionOfBeat[b]) seen.add(a * K + b);
    }
  }
  return [...seen].sort((x, y) => x - y);
}

/**
 * Excess outside the band: Σ_b max(0, |w_b − T_b| − band × T_b) over unlocked beats with a
 * target (hours/week). Zero when every beat is in the band.
 */
export function bandExcess(load: Float64Array, target: Float64Array, lockedBeat: Uint8Array, band: number): number {
  let e = 0;
  for (let b = 0; b < load.length; b++) {
    const t = target[b]!;
    if (!(t > 0) || lockedBeat[b]) continue;
    e += Math.max(0, Math.abs(load[b]! - t) - band * t);
  }
  return e;
}

/** Largest |w_b / T_b − 1| over unlocked beats with a target. */
export function maxDeviation(load: Float64Array, target: Float64Array, lockedBeat: Uint8Array): number {
  let d = 0;
  for (let b = 0; b < load.length; b++) {
    const t = target[b]!;
    if (t > 0 && !lockedBeat[b]) d = Math.max(d, Math.abs(load[b]! / t - 1));
  }
  return d;
}

/** What {@link flowGuidedBalance} did. */
export interface FlowBalanceStats {
  /** Flow solves (one per round). */
  rounds: number;
  /** Cells moved. */
  moves: number;
}

/** Options of {@link flowGuidedBalance}. */
export interface FlowBalanceOptions {
  /** Share of the band the flows aim at (default 0.6: room for whole cells). */
  readonly aim?: number;
  /** Most flow rounds (default 60). */
  readonly maxRounds?: number;
}

/**
 * Moves cells along min-cost-flow transfers until every beat is inside the band
 * (`ctx.band`), the budget is spent or no round helps. Each round aims at a stage band just
 * under the largest deviation (0.8 ×), shrinking every round (× 0.5; under a change budget
 * × 0.93, and only in rounds where the worst beat stopped improving) down to `aim × band`, so the most over-loaded beats are served first — which is
 * what a budget should buy when it stops the process early.
 * Deterministic; mutates `ctx.part` (and the change ledger).
 */
export function flowGuidedBalance(ctx: SearchContext, parts: SearchParts, options: FlowBalanceOptions = {}): FlowBalanceStats {
  const { part, target, lockedBeat } = ctx;
  const load = part.sums[0]!;
  const weight = part.channels[0]!;
  const aimBand = ctx.band * (options.aim ?? 0.6);
  const maxRounds = options.maxRounds ?? 60;
  const stats: FlowBalanceStats = { rounds: 0, moves: 0 };
  const K = part.beatCount;
  const n = part.grid.cellCount;
  const { adjOffsets, adjTargets } = part.grid;
  const beat = part.beatOfCell;
  const stamp = new Int32Array(n);
  /** Planned inflow per beat not executed yet in this round (a beat may give it ahead). */
  const pendingIn = new Float64Array(K);
  let wSum = 0;
  let wCells = 0;
  for (let i = 0; i < n; i++) if (beat[i]! >= 0) (wSum += weight[i]!), wCells++;
  const meanCell = wCells ? wSum / wCells || 1 : 1;
  let gen = 0;
  let stale = 0;
  let best = bandExcess(load, target, lockedBeat, ctx.band);
  let stage = Infinity;
  let lastDev = Infinity;
  // Under a change budget the band shrinks slowly, so the budget goes to the worst beats first.
  const shrink = ctx.changeBudget !== undefined ? 0.93 : 0.5;
  while (stats.rounds < maxRounds && best > 0) {
    throwIfAborted(ctx.signal);
    if (ctx.now() > ctx.deadline) break;
    // Shave the largest deviations first: the stage band starts just under the worst beat
    // and shrinks every round down to the aim.
    // Under a budget the stage stays just under the worst beat while the worst beat improves.
    const dev = maxDeviation(load, target, lockedBeat);
    stage =
      ctx.changeBudget !== undefined && dev < lastDev * 0.995
        ? Math.max(aimBand, 0.8 * dev)
        : Math.max(aimBand, Math.min(stage * shrink, 0.8 * dev));
    lastDev = dev;
    const stageBand = stage;
    const transfers = beatTransfers(load, target, lockedBeat, neighbouringBeats(ctx), stageBand, parts.noWorse);
    stats.rounds++;
    if (!transfers.length) {
      if (stageBand > aimBand) continue;
      break;
    }
    // Boundary cells per transfer: cells of `from` with a neighbour in `to`.
    const index = new Map<number, number>();
    transfers.forEach((t, k) => index.set(t.from * K + t.to, k));
    const lists: number[][] = transfers.map(() => []);
    for (let i = 0; i < n; i++) {
      const a = beat[i]!;
      if (a < 0) continue;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = beat[adjTargets[e]!]!;
        if (b === a || b < 0) continue;
        const k = index.get(a * K + b);
        if (k !== undefined && lists[k]![lists[k]!.length - 1] !== i) lists[k]!.push(i);
      }
    }
    let moved = 0;
    pendingIn.fill(0);
    for (const t of transfers) pendingIn[t.to] += t.amount;
    // No beat made worse (under a budget): a beat in a chain may give ahead of its planned
    // inflow; a chain (a connected group of transfers) that leaves one of its beats outside
    // its range is undone move by move from its end (each step restores a state the chain
    // went through) until every beat is back in its range.
    const noWorse = parts.noWorse;
    const log: number[] = [];
    if (noWorse) noWorse.credit = pendingIn;
    const order = sinkFirst(transfers, K);
    for (const group of noWorse ? chains(transfers, order, K) : [order]) {
      log.length = 0;
      let groupMoves = 0;
      for (const k of group) {
        gen++;
        groupMoves += transfer(transfers[k]!, lists[k]!, gen, stageBand, noWorse ? log : null);
        pendingIn[transfers[k]!.to] -= transfers[k]!.amount;
      }
      // top up what fell short, then undo the chain's last moves until every beat is back in its range
      if (noWorse && noWorse.violations() > 0) groupMoves += topUp(noWorse, log);
      if (noWorse) {
        let q = log.length;
        while (q > 0 && noWorse.violations() > 0) {
          q -= 3;
          applyMove(part, parts, log[q]!, log[q + 2]!, log[q + 1]!);
          groupMoves--;
        }
      }
      moved += groupMoves;
    }
    if (noWorse) noWorse.credit = null;
    stats.moves += moved;
    const now = bandExcess(load, target, lockedBeat, ctx.band);
    if (now < best * (1 - 1e-3)) {
      best = now;
      stale = 0;
    } else if (++stale >= 3 || moved === 0) break;
    else best = Math.min(best, now);
  }
  return stats;

  /**
   * Strict single-cell moves (no giving ahead) into each beat left below its range by an
   * inflow that fell short, from neighbouring beats with room, best secondary objective first.
   * Returns the cells moved (logged).
   */
  function topUp(noWorse: NoWorseConstraint, log: number[]): number {
    const saved = noWorse.credit;
    noWorse.credit = null;
    let moves = 0;
    for (let v = 0; v < K; v++) {
      for (let guard = 0; guard < 64 && load[v]! < noWorse.lo[v]! * (1 - 1e-9) - 1e-9; guard++) {
        let pick = -1;
        let from = -1;
        let best = Infinity;
        for (let j = 0; j < n; j++) {
          const u = beat[j]!;
          if (u < 0 || u === v) continue;
          let touches = false;
          for (let e = adjOffsets[j]!; e < adjOffsets[j + 1]! && !touches; e++) touches = beat[adjTargets[e]!] === v;
          if (!touches || weight[j]! <= 0) continue;
          let bad = false;
          for (const c of parts.constraints) if (c.check(j, u, v) !== null) bad = true;
          if (bad) continue;
          const sc = sumDelta(parts.secondary, j, u, v);
          if (sc < best && parts.contiguity.check(j, u) === null) (best = sc), (pick = j), (from = u);
        }
        if (pick < 0) break;
        applyMove(part, parts, pick, from, v);
        log.push(pick, from, v);
        moves++;
      }
    }
    noWorse.credit = saved;
    return moves;
  }

  /** Moves cells from `t.from` into `t.to` worth about `t.amount`; returns the cells moved. */
  function transfer(t: BeatTransfer, cand: number[], gen: number, stageBand: number, log: number[] | null): number {
    const { from: a, to: b } = t;
    for (const i of cand) stamp[i] = gen;
    const slack = 0.5 * stageBand * target[b]!;
    // Never push the receiver above its stage band nor drain the giver below it (counting the
    // inflow it is about to receive): a transfer whose onward transfer failed then stops
    // instead of piling workload up mid-chain.
    let left = Math.min(t.amount, target[b]! * (1 + stageBand) - load[b]!, load[a]! + pendingIn[a]! - target[a]! * (1 - stageBand));
    let moves = 0;
    let budgetMoves = 4 * cand.length + 64 + Math.ceil((4 * t.amount) / meanCell);
    let relaxed = false;
    while (left > 0 && budgetMoves-- > 0) {
      let pick = -1;
      let pickScore = Infinity;
      let pickStrict = false;
      for (let q = 0; q < cand.length; q++) {
        const i = cand[q]!;
        if (beat[i] !== a) {
          cand[q] = cand[cand.length - 1]!;
          cand.pop();
          q--;
          continue;
        }
        const wi = weight[i]!;
        if (wi > left + slack) continue;
        let linksTo = 0;
        let linksFrom = 0;
        for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
          const x = beat[adjTargets[e]!]!;
          if (x === b) linksTo++;
          else if (x === a) linksFrom++;
        }
        if (linksTo === 0) continue;
        // Tendril guard: join `to` along a side (≥ 2 links), or take a cell `from` barely holds.
        const strict = linksTo >= 2 || linksFrom <= 1;
        if (!strict && (pickStrict || !relaxed)) continue;
        let bad = false;
        // the tendril guard is applied above, strictly first and relaxed when nothing else moves
        for (const c of parts.constraints) if (c.name !== 'tendril-guard' && c.check(i, a, b) !== null) bad = true;
        if (bad) continue;
        // secondary objective of the move; ties go to the heavier cell (more of the transfer)
        const s = sumDelta(parts.secondary, i, a, b) - 1e-9 * wi;
        if ((strict && !pickStrict) || s < pickScore) {
          pick = i;
          pickScore = s;
          pickStrict = strict;
        }
      }
      if (pick < 0 && !relaxed) {
        relaxed = true;
        continue;
      }
      if (pick < 0) {
        break;
      }
      if (parts.contiguity.check(pick, a) !== null) {
        const q = cand.indexOf(pick);
        cand[q] = cand[cand.length - 1]!;
        cand.pop();
        continue;
      }
      applyMove(part, parts, pick, a, b);
      log?.push(pick, a, b);
      relaxed = false;
      left -= weight[pick]!;
      moves++;
      for (let e = adjOffsets[pick]!; e < adjOffsets[pick + 1]!; e++) {
        const j = adjTargets[e]!;
        if (beat[j] === a && stamp[j] !== gen) {
          stamp[j] = gen;
          cand.push(j);
        }
      }
    }
    return moves;
  }
}

/**
 * Splits an execution order of transfers into chains: groups of transfers connected through
 * shared beats, each in the given order, groups ordered by their first transfer.
 */
function chains(transfers: readonly BeatTransfer[], order: readonly number[], K: number): number[][] {
  const root = Int32Array.from({ length: K }, (_, b) => b);
  const find = (b: number): number => {
    while (root[b] !== b) b = root[b] = root[root[b]!]!;
    return b;
  };
  for (const t of transfers) root[find(t.from)] = find(t.to);
  const groups = new Map<number, number[]>();
  for (const k of order) {
    const r = find(transfers[k]!.from);
    (groups.get(r) ?? groups.set(r, []).get(r)!).push(k);
  }
  return [...groups.values()];
}

/**
 * Order of execution of transfers: those into beats that pass nothing on come first, then
 * those into beats whose onward transfers are already done (the flow is acyclic), so a beat in
 * the middle of a chain gives before it receives.
 */
function sinkFirst(transfers: readonly BeatTransfer[], K: number): number[] {
  const level = new Int32Array(K).fill(-1);
  const outs: number[][] = Array.from({ length: K }, () => []);
  transfers.forEach((t) => outs[t.from]!.push(t.to));
  const levelOf = (b: number, depth: number): number => {
    if (level[b]! >= 0) return level[b]!;
    let l = 0;
    if (depth < K) for (const c of outs[b]!) l = Math.max(l, 1 + levelOf(c, depth + 1));
    level[b] = l;
    return l;
  };
  return transfers
    .map((t, k) => [levelOf(t.to, 0), k] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1])
    .map((x) => x[1]);
}
