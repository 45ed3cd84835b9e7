/**
 * Growing regions (beats, neighbourhoods, wards) on a graph of nodes: seeds spread by
 * best-candidate sampling, then every node joins the seed with the smallest straight-line
 * distance plus the penalties of the edges crossed to reach it (a multi-source Dijkstra
 * whose key is Euclidean, so regions look like Voronoi cells rather than diamonds). A node
 * joins the region of the neighbour it was reached from, so every region is connected in the
 * graph.
 */
import type { Rng } from '../../packages/engine/src/random.js';

/** A graph of nodes in the plane (km) with undirected edges (CSR) that may carry a penalty. */
export interface NodeGraph {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Group of each node (e.g. the river bank); seeds are shared out between groups. */
  readonly group: Int32Array;
  /** Size of each node (e.g. blocks), used to share seeds between groups. */
  readonly weight: Float64Array;
  readonly offsets: Uint32Array;
  readonly targets: Uint32Array;
  /** Extra distance (km) charged for crossing the edge (e.g. an expressway); usually 0. */
  readonly penalty: Float64Array;
}

/** Builds the CSR arrays of a {@link NodeGraph} from `[a, b, penalty]` edges (duplicates merged, min penalty). */
export function buildNodeGraph(
  nodes: { x: number; y: number; group: number; weight: number }[],
  edges: Array<[number, number, number]>,
): NodeGraph {
  const n = nodes.length;
  const best = new Map<number, number>();
  for (const [a, b, c] of edges) {
    if (a === b) continue;
    for (const k of [a * n + b, b * n + a]) {
      const cur = best.get(k);
      if (cur === undefined || c < cur) best.set(k, c);
    }
  }
  const keys = [...best.keys()].sort((p, q) => p - q);
  const offsets = new Uint32Array(n + 1);
  for (const k of keys) offsets[Math.floor(k / n) + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const targets = new Uint32Array(keys.length);
  const penalty = new Float64Array(keys.length);
  keys.forEach((k, e) => {
    targets[e] = k % n;
    penalty[e] = best.get(k)!;
  });
  return {
    x: Float64Array.from(nodes, (d) => d.x),
    y: Float64Array.from(nodes, (d) => d.y),
    group: Int32Array.from(nodes, (d) => d.group),
    weight: Float64Array.from(nodes, (d) => d.weight),
    offsets,
    targets,
    penalty,
  };
}

/**
 * Shares `count` seeds between the groups in proportion to their weight (largest remainder,
 * at least one per group that has any weight), then places each group's seeds by
 * best-candidate sampling: each new seed is the farthest from the others among `candidates`
 * random nodes of the group. Returns node indices.
 */
export function placeSeeds(graph: NodeGraph, count: number, rng: Rng, candidates = 24): number[] {
  const groups = new Map<number, number[]>();
  graph.group.forEach((gr, i) => {
    if (!groups.has(gr)) groups.set(gr, []);
    groups.get(gr)!.push(i);
  });
  const ids = [...groups.keys()].sort((a, b) => a - b);
  const weightOf = (gr: number) => groups.get(gr)!.reduce((s, i) => s + graph.weight[i]!, 0);
  const total = ids.reduce((s, gr) => s + weightOf(gr), 0);
  const quota = ids.map((gr) => {
    const exact = (count * weightOf(gr)) / total;
    return { gr, n: Math.max(1, Math.floor(exact)), rem: exact - Math.floor(exact) };
  });
  let left = count - quota.reduce((s, q) => s + q.n, 0);
  for (const q of [...quota].sort((a, b) => b.rem - a.rem || a.gr - b.gr)) {
    if (left <= 0) break;
    q.n++;
    left--;
  }
  // More groups than seeds to spare: take seeds back from the groups that have most.
  while (left < 0) {
    const q = [...quota].sort((a, b) => b.n - a.n || a.gr - b.gr)[0]!;
    if (q.n <= 1) throw new Error(`placeSeeds: ${ids.length} groups need more than ${count} seeds`);
    q.n--;
    left++;
  }
  const seeds: number[] = [];
  for (const { gr, n } of quota) {
    const members = groups.get(gr)!;
    const mine: number[] = [members[rng.int(members.length)]!];
    while (mine.length < Math.min(n, members.length)) {
      let bestNode = -1;
      let bestDist = -1;
      for (let c = 0; c < candidates; c++) {
        const node = members[rng.int(members.length)]!;
        let d = Infinity;
        for (const s of mine) {
          const dx = graph.x[node]! - graph.x[s]!;
          const dy = graph.y[node]! - graph.y[s]!;
          d = Math.min(d, dx * dx + dy * dy);
        }
        if (d > bestDist) {
          bestDist = d;
          bestNode = node;
        }
      }
      mine.push(bestNode);
    }
    seeds.push(...mine);
  }
  return seeds;
}

/**
 * Region of each node = index of the seed with the smallest key, where key = straight-line
 * distance from the seed + penalties along the path it grew through (ties broken by seed
 * order). Nodes no seed reaches get −1.
 */
export function growRegions(graph: NodeGraph, seeds: readonly number[]): Int32Array {
  const n = graph.x.length;
  const key = new Float64Array(n).fill(Infinity);
  const paid = new Float64Array(n);
  const region = new Int32Array(n).fill(-1);
  const heap = new MinHeap();
  seeds.forEach((s, k) => {
    key[s] = 0;
    region[s] = k;
    heap.push(0, s);
  });
  const done = new Uint8Array(n);
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    const s = seeds[region[u]!]!;
    for (let e = graph.offsets[u]!; e < graph.offsets[u + 1]!; e++) {
      const v = graph.targets[e]!;
      if (done[v]) continue;
      const cost = paid[u]! + graph.penalty[e]!;
      const d = Math.hypot(graph.x[v]! - graph.x[s]!, graph.y[v]! - graph.y[s]!) + cost;
      if (d < key[v]! || (d === key[v]! && region[u]! < region[v]!)) {
        key[v] = d;
        paid[v] = cost;
        region[v] = region[u]!;
        heap.push(d, v);
      }
    }
  }
  return region;
}

/** Binary min-heap of (key, value) with deterministic tie-breaking on value. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, value: number): void {
    this.keys.push(key);
    this.values.push(value);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): number {
    const top = this.values[0]!;
    const lastKey = this.keys.pop()!;
    const lastValue = this.values.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.values[a]! < this.values[b]!);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.values[a], this.values[b]] = [this.values[b]!, this.values[a]!];
  }
}
