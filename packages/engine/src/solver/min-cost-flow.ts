/**
 * Min-cost flow by the primal-dual method: Dijkstra on reduced costs sets the potentials, then a
 * blocking flow (Dinic) saturates every shortest path at once; repeated until all supply ships;
 * plus an optimality certificate that does not trust the algorithm: feasibility of the flow and
 * complementary slackness of the final potentials (LP duality), checked arc by arc.
 *
 * Used for the transportation/assignment models of staffing, whose LP optimum is integral:
 * the network answer IS the LP answer, and the certificate proves it.
 */
import { BeatplanError } from '../errors.js';
import { MinHeap } from '../min-heap.js';
import { type LinearModel, LinearModelBuilder } from './model.js';

/** Reduced costs within this of zero count as admissible (costs are expected to be O(1)–O(1e4)). */
const ADMISSIBLE_EPS = 1e-9;

/** A capacitated network with node supplies (positive) and demands (negative); integers. */
export interface FlowNetwork {
  readonly nodeCount: number;
  readonly from: Int32Array | readonly number[];
  readonly to: Int32Array | readonly number[];
  /** Arc capacity (integer, ≥ 0). */
  readonly capacity: Float64Array | readonly number[];
  /** Cost per unit of flow. */
  readonly cost: Float64Array | readonly number[];
  /** Node supply (> 0) or demand (< 0); Σ must be 0. */
  readonly supply: Float64Array | readonly number[];
}

/** Answer of {@link minCostFlow}. */
export interface FlowResult {
  /** Flow per arc. */
  readonly flow: Float64Array;
  readonly cost: number;
  /** Node potentials (LP duals) proving optimality. */
  readonly potential: Float64Array;
  /** Units of supply that could not be shipped (0 when feasible). */
  readonly unshipped: number;
  /** Number of augmenting paths (over all blocking-flow phases). */
  readonly augmentations: number;
}

/**
 * Solves a min-cost flow problem exactly (integral data → integral flow).
 * Costs may be negative as long as the network has no negative cycle (no cycle at all is fine).
 *
 * @throws BeatplanError `BAD_INPUT` when supplies do not sum to zero or the network is malformed
 * @example
 * const r = minCostFlow({ nodeCount: 2, from: [0], to: [1], capacity: [5], cost: [2], supply: [3, -3] });
 * // r.flow = [3], r.cost = 6
 */
export function minCostFlow(net: FlowNetwork): FlowResult {
  const n = net.nodeCount;
  const m0 = net.from.length;
  let total = 0;
  let balance = 0;
  for (let v = 0; v < n; v++) {
    balance += net.supply[v]!;
    if (net.supply[v]! > 0) total += net.supply[v]!;
  }
  if (Math.abs(balance) > 1e-9) {
    throw new BeatplanError('BAD_INPUT', 'minCostFlow: supplies and demands do not balance', { value: balance });
  }
  // Residual graph with super source S = n and super sink T = n + 1. Arc 2k forward, 2k+1 backward.
  const S = n;
  const T = n + 1;
  const N = n + 2;
  let extra = 0;
  for (let v = 0; v < n; v++) if (net.supply[v]! !== 0) extra++;
  const M = m0 + extra;
  const head = new Int32Array(2 * M);
  const cap = new Float64Array(2 * M);
  const cst = new Float64Array(2 * M);
  const tail = new Int32Array(2 * M);
  let k = 0;
  const add = (u: number, v: number, c: number, w: number) => {
    if (u < 0 || u >= N || v < 0 || v >= N)
      throw new BeatplanError('BAD_INPUT', 'minCostFlow: arc endpoint out of range', { value: [u, v] });
    tail[2 * k] = u;
    head[2 * k] = v;
    cap[2 * k] = c;
    cst[2 * k] = w;
    tail[2 * k + 1] = v;
    head[2 * k + 1] = u;
    cap[2 * k + 1] = 0;
    cst[2 * k + 1] = -w;
    k++;
  };
  for (let a = 0; a < m0; a++) add(net.from[a]!, net.to[a]!, net.capacity[a]!, net.cost[a]!);
  for (let v = 0; v < n; v++) {
    const s = net.supply[v]!;
    if (s > 0) add(S, v, s, 0);
    else if (s < 0) add(v, T, -s, 0);
  }
  // CSR of outgoing residual arcs.
  const deg = new Int32Array(N + 1);
  for (let e = 0; e < 2 * M; e++) deg[tail[e]! + 1]!++;
  for (let v = 0; v < N; v++) deg[v + 1]! += deg[v]!;
  const adj = new Int32Array(2 * M);
  const fill = deg.slice(0, N);
  for (let e = 0; e < 2 * M; e++) adj[fill[tail[e]!]!++] = e;

  // Initial potentials: Bellman-Ford (queue-based) from a virtual root joined to every node.
  const pot = new Float64Array(N);
  {
    const inQ = new Uint8Array(N);
    const queue: number[] = [];
    for (let v = 0; v < N; v++) {
      queue.push(v);
      inQ[v] = 1;
    }
    let steps = 0;
    const maxSteps = N * 2 * M + 10;
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi]!;
      inQ[u] = 0;
      for (let p = deg[u]!; p < deg[u + 1]!; p++) {
        const e = adj[p]!;
        if (cap[e]! <= 0) continue;
        const v = head[e]!;
        const nd = pot[u]! + cst[e]!;
        if (nd < pot[v]! - 1e-12) {
          pot[v] = nd;
          if (!inQ[v]) {
            inQ[v] = 1;
            queue.push(v);
          }
        }
      }
      if (++steps > maxSteps) throw new BeatplanError('BAD_INPUT', 'minCostFlow: negative cycle in the network');
    }
  }

  const dist = new Float64Array(N);
  const done = new Uint8Array(N);
  const level = new Int32Array(N);
  const iter = new Int32Array(N);
  const bfs = new Int32Array(N);
  // Iterative DFS along level-increasing admissible arcs with current-arc pointers.
  const stackNode = new Int32Array(N + 1);
  const stackArc = new Int32Array(N + 1);
  const augment = (src: number, limit: number): number => {
    let top = 0;
    stackNode[0] = src;
    for (;;) {
      const u = stackNode[top]!;
      if (u === T) {
        let f = limit;
        for (let i = 0; i < top; i++) f = Math.min(f, cap[stackArc[i]!]!);
        for (let i = 0; i < top; i++) {
          const e = stackArc[i]!;
          cap[e]! -= f;
          cap[e ^ 1]! += f;
        }
        return f;
      }
      let advanced = false;
      for (; iter[u]! < deg[u + 1]!; iter[u]!++) {
        const e = adj[iter[u]!]!;
        const v = head[e]!;
        if (cap[e]! <= 1e-12 || level[v] !== level[u]! + 1) continue;
        if (Math.abs(cst[e]! + pot[u]! - pot[v]!) > ADMISSIBLE_EPS) continue;
        stackArc[top] = e;
        stackNode[++top] = v;
        advanced = true;
        break;
      }
      if (!advanced) {
        if (top === 0) return 0;
        level[u] = -1; // dead end
        top--;
        iter[stackNode[top]!]!++;
      }
    }
  };
  // one push per relaxed residual arc (2M of them) plus the source per round: the capacity never grows
  const heap = new MinHeap(2 * M + N);
  let shipped = 0;
  let augmentations = 0;
  while (shipped < total - 1e-9) {
    // Dijkstra from S on reduced costs.
    dist.fill(Infinity);
    done.fill(0);
    dist[S] = 0;
    heap.clear();
    heap.push(0, S);
    while (heap.size > 0) {
      const u = heap.pop();
      if (done[u]) continue;
      done[u] = 1;
      if (u === T) break; // early exit: nodes beyond dist[T] get dist[T] below
      for (let p = deg[u]!; p < deg[u + 1]!; p++) {
        const e = adj[p]!;
        if (cap[e]! <= 1e-12) continue;
        const v = head[e]!;
        if (done[v]) continue;
        const rc = cst[e]! + pot[u]! - pot[v]!;
        const nd = dist[u]! + (rc < 0 ? 0 : rc); // rc ≥ 0 up to rounding
        if (nd < dist[v]!) {
          dist[v] = nd;
          heap.push(nd, v);
        }
      }
    }
    const dT = dist[T]!;
    if (!Number.isFinite(dT)) break;
    // Potentials: π += min(dist, dist[T]) keeps every residual reduced cost ≥ 0.
    for (let v = 0; v < N; v++) pot[v]! += done[v] ? Math.min(dist[v]!, dT) : dT;
    // Blocking flow (Dinic) on the admissible graph: residual arcs with zero reduced cost.
    for (;;) {
      level.fill(-1);
      level[S] = 0;
      let qh = 0;
      let qt = 0;
      bfs[qt++] = S;
      while (qh < qt) {
        const u = bfs[qh++]!;
        for (let p = deg[u]!; p < deg[u + 1]!; p++) {
          const e = adj[p]!;
          const v = head[e]!;
          if (level[v]! >= 0 || cap[e]! <= 1e-12) continue;
          if (Math.abs(cst[e]! + pot[u]! - pot[v]!) > ADMISSIBLE_EPS) continue;
          level[v] = level[u]! + 1;
          bfs[qt++] = v;
        }
      }
      if (level[T]! < 0) break;
      for (let v = 0; v < N; v++) iter[v] = deg[v]!;
      let pushedAny = false;
      for (;;) {
        const f = augment(S, total - shipped);
        if (f <= 1e-12) break;
        shipped += f;
        pushedAny = true;
        augmentations++;
        if (shipped >= total - 1e-9) break;
      }
      if (!pushedAny || shipped >= total - 1e-9) break;
    }
  }
  const flow = new Float64Array(m0);
  let cost = 0;
  for (let a = 0; a < m0; a++) {
    flow[a] = cap[2 * a + 1]!;
    cost += flow[a]! * net.cost[a]!;
  }
  return { flow, cost, potential: pot.slice(0, n), unshipped: total - shipped, augmentations };
}

/**
 * Checks that `flow` is feasible for `net` (capacities, conservation) and optimal, using
 * `potential` as LP duals: every arc with spare capacity has reduced cost ≥ −tol and every arc
 * carrying flow has reduced cost ≤ tol (complementary slackness). Returns the problems found.
 * Only valid for a balanced problem that shipped everything.
 */
export function checkFlowOptimality(net: FlowNetwork, flow: ArrayLike<number>, potential: ArrayLike<number>, tol = 1e-6): string[] {
  const problems: string[] = [];
  const bal = new Float64Array(net.nodeCount);
  for (let a = 0; a < net.from.length; a++) {
    const f = flow[a]!;
    const u = net.capacity[a]!;
    if (f < -tol || f > u + tol) problems.push(`arc ${a}: flow ${f} outside [0, ${u}]`);
    if (Math.abs(f - Math.round(f)) > tol) problems.push(`arc ${a}: flow ${f} not integral`);
    bal[net.from[a]!]! += f;
    bal[net.to[a]!]! -= f;
    const rc = net.cost[a]! + potential[net.from[a]!]! - potential[net.to[a]!]!;
    if (f < u - tol && rc < -tol) problems.push(`arc ${a}: spare capacity with reduced cost ${rc}`);
    if (f > tol && rc > tol) problems.push(`arc ${a}: flow with reduced cost ${rc}`);
    if (problems.length > 20) return problems;
  }
  for (let v = 0; v < net.nodeCount; v++) {
    if (Math.abs(bal[v]! - net.supply[v]!) > tol) problems.push(`node ${v}: net outflow ${bal[v]} ≠ supply ${net.supply[v]}`);
    if (problems.length > 20) break;
  }
  return problems;
}

/**
 * The same flow problem as a {@link LinearModel} (one variable per arc, one equality row per
 * node), so that an LP backend can cross-check {@link minCostFlow}.
 */
export function flowNetworkToModel(net: FlowNetwork, arcName?: (a: number) => string): LinearModel {
  const b = new LinearModelBuilder('min');
  const rows: Array<Array<[number, number]>> = Array.from({ length: net.nodeCount }, () => []);
  for (let a = 0; a < net.from.length; a++) {
    const j = b.addVariable(arcName ? arcName(a) : `f${a}`, { upper: net.capacity[a]!, cost: net.cost[a]! });
    rows[net.from[a]!]!.push([j, 1]);
    rows[net.to[a]!]!.push([j, -1]);
  }
  rows.forEach((terms, v) => {
    if (terms.length || net.supply[v]! !== 0) b.addConstraint(`node${v}`, terms, { equal: net.supply[v]! });
  });
  return b.build();
}
