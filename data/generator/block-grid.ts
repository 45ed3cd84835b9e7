/**
 * The block grid: a mesh of city blocks (`nu` columns east–west × `nv` rows south–north)
 * whose shared vertices are the street corners. Every polygon the generator writes — the
 * city boundary, beats, districts, neighbourhoods — is a union of blocks traced along this
 * one mesh, so the layers share vertices exactly: they tile the city with no gaps, no
 * overlaps and no slivers by construction.
 *
 * Block `b = j * nu + i` covers index space `[i, i+1] × [j, j+1]`; vertex `(i, j)` has id
 * `j * (nu + 1) + i`. A *labelling* gives each block a region number (≥ 0), or
 * {@link OUTSIDE} / {@link HOLE}.
 */
import type { Point, Ring } from './geometry.js';
import { kmToLngLat, pointInRing, signedArea } from './geometry.js';

/** Label of a block outside the city. */
export const OUTSIDE = -1;
/** Label of a block in the hole (the reservoir). */
export const HOLE = -2;

/** Geometry of the block mesh, in local kilometres. */
export interface BlockGrid {
  /** Blocks along x (west → east). */
  readonly nu: number;
  /** Blocks along y (south → north). */
  readonly nv: number;
  /** Vertex x in km, indexed by vertex id. */
  readonly vx: Float64Array;
  /** Vertex y in km, indexed by vertex id. */
  readonly vy: Float64Array;
  /**
   * Extra points (km) inserted along a directed mesh edge `from → to` (key
   * `from * vertexCount + to`), in walking order; used for the coastline.
   */
  readonly edgePoints: ReadonlyMap<number, readonly Point[]>;
}

/** Number of vertices of a grid. */
export function vertexCount(g: Pick<BlockGrid, 'nu' | 'nv'>): number {
  return (g.nu + 1) * (g.nv + 1);
}

/** Vertex id of corner `(i, j)`. */
export function vertexId(g: Pick<BlockGrid, 'nu'>, i: number, j: number): number {
  return j * (g.nu + 1) + i;
}

/** The four edge-neighbours of block `b` that exist (west, east, south, north). */
export function blockNeighbours(g: Pick<BlockGrid, 'nu' | 'nv'>, b: number): number[] {
  const i = b % g.nu;
  const j = (b - i) / g.nu;
  const out: number[] = [];
  if (i > 0) out.push(b - 1);
  if (i < g.nu - 1) out.push(b + 1);
  if (j > 0) out.push(b - g.nu);
  if (j < g.nv - 1) out.push(b + g.nu);
  return out;
}

/**
 * Directed boundary edges of block `b` in counter-clockwise order, each with the block on the
 * other side (−1 = off the grid): bottom, right, top, left.
 */
function blockEdges(g: Pick<BlockGrid, 'nu' | 'nv'>, b: number): Array<[number, number, number]> {
  const i = b % g.nu;
  const j = (b - i) / g.nu;
  const v00 = vertexId(g, i, j);
  const v10 = vertexId(g, i + 1, j);
  const v11 = vertexId(g, i + 1, j + 1);
  const v01 = vertexId(g, i, j + 1);
  return [
    [v00, v10, j > 0 ? b - g.nu : -1],
    [v10, v11, i < g.nu - 1 ? b + 1 : -1],
    [v11, v01, j < g.nv - 1 ? b + g.nu : -1],
    [v01, v00, i > 0 ? b - 1 : -1],
  ];
}

function edgeExtra(g: BlockGrid, from: number, to: number): readonly Point[] {
  const n = vertexCount(g);
  const fwd = g.edgePoints.get(from * n + to);
  if (fwd) return fwd;
  const back = g.edgePoints.get(to * n + from);
  return back ? [...back].reverse() : [];
}

/** Ring of block `b` in km (open: first point not repeated), coastline points included. */
export function blockRingKm(g: BlockGrid, b: number): Ring {
  const ring: Ring = [];
  for (const [from, to] of blockEdges(g, b)) {
    ring.push([g.vx[from]!, g.vy[from]!]);
    for (const p of edgeExtra(g, from, to)) ring.push([p[0], p[1]]);
  }
  return ring;
}

/** Centre of block `b` in km (mean of its four corners). */
export function blockCentreKm(g: BlockGrid, b: number): Point {
  const i = b % g.nu;
  const j = (b - i) / g.nu;
  const ids = [vertexId(g, i, j), vertexId(g, i + 1, j), vertexId(g, i + 1, j + 1), vertexId(g, i, j + 1)];
  let x = 0;
  let y = 0;
  for (const v of ids) {
    x += g.vx[v]!;
    y += g.vy[v]!;
  }
  return [x / 4, y / 4];
}

/**
 * A "pinch": two blocks of one region that touch only diagonally at a corner, with the other
 * two blocks around that corner in other regions. Pinches make rings touch themselves, so
 * every labelling is made pinch-free before it is traced.
 * @returns the four blocks around the corner `[sw, se, nw, ne]` and the pinched label, or
 *   null
 */
export function pinchAt(
  g: Pick<BlockGrid, 'nu'>,
  label: (b: number) => number,
  i: number,
  j: number,
): { blocks: [number, number, number, number]; label: number } | null {
  const a = (j - 1) * g.nu + (i - 1);
  const b = a + 1;
  const c = a + g.nu;
  const d = c + 1;
  const la = label(a);
  const lb = label(b);
  const lc = label(c);
  const ld = label(d);
  if (la === ld && la >= 0 && lb !== la && lc !== la) return { blocks: [a, b, c, d], label: la };
  if (lb === lc && lb >= 0 && la !== lb && ld !== lb) return { blocks: [a, b, c, d], label: lb };
  return null;
}

/** Whether the blocks with `inRegion(b)` true form one edge-connected piece (or none). */
export function isContiguous(g: Pick<BlockGrid, 'nu' | 'nv'>, inRegion: (b: number) => boolean): boolean {
  const n = g.nu * g.nv;
  let start = -1;
  let total = 0;
  for (let b = 0; b < n; b++) {
    if (inRegion(b)) {
      total++;
      if (start < 0) start = b;
    }
  }
  if (total === 0) return true;
  const seen = new Uint8Array(n);
  const stack = [start];
  seen[start] = 1;
  let count = 0;
  while (stack.length > 0) {
    const b = stack.pop()!;
    count++;
    for (const nb of blockNeighbours(g, b)) {
      if (!seen[nb] && inRegion(nb)) {
        seen[nb] = 1;
        stack.push(nb);
      }
    }
  }
  return count === total;
}

/**
 * Edge-connected components of the blocks whose label is ≥ 0 and equal, as a component id per
 * block (−1 for negative labels), with the size of each component.
 */
export function labelComponents(
  g: Pick<BlockGrid, 'nu' | 'nv'>,
  labels: Int32Array,
  connected: (a: number, b: number) => boolean = () => true,
): { component: Int32Array; sizes: number[]; labelOf: number[] } {
  const n = g.nu * g.nv;
  const component = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const labelOf: number[] = [];
  for (let s = 0; s < n; s++) {
    if (labels[s]! < 0 || component[s]! >= 0) continue;
    const id = sizes.length;
    const stack = [s];
    component[s] = id;
    let size = 0;
    while (stack.length > 0) {
      const b = stack.pop()!;
      size++;
      for (const nb of blockNeighbours(g, b)) {
        if (component[nb]! < 0 && labels[nb] === labels[s] && connected(b, nb)) {
          component[nb] = id;
          stack.push(nb);
        }
      }
    }
    sizes.push(size);
    labelOf.push(labels[s]!);
  }
  return { component, sizes, labelOf };
}

/**
 * Makes every region one edge-connected piece: each region keeps its largest piece; the
 * blocks of smaller pieces join the neighbouring region they share most edges with (among
 * those `allowed`), block by block, or, if that cycles, piece by piece. Mutates `labels`.
 */
export function makeContiguous(
  g: Pick<BlockGrid, 'nu' | 'nv'>,
  labels: Int32Array,
  allowed: (block: number, from: number) => boolean = () => true,
): void {
  for (let pass = 0; pass < 100; pass++) {
    const { component, sizes, labelOf } = labelComponents(g, labels);
    const best = new Map<number, number>();
    for (let c = 0; c < sizes.length; c++) {
      const l = labelOf[c]!;
      const cur = best.get(l);
      if (cur === undefined || sizes[c]! > sizes[cur]!) best.set(l, c);
    }
    let changed = false;
    for (let b = 0; b < labels.length; b++) {
      const c = component[b]!;
      if (c < 0 || best.get(labelOf[c]!) === c) continue;
      const votes = new Map<number, number>();
      for (const nb of blockNeighbours(g, b)) {
        const l = labels[nb]!;
        if (l >= 0 && l !== labels[b] && allowed(b, nb)) votes.set(l, (votes.get(l) ?? 0) + 1);
      }
      let pick = -1;
      let pickVotes = 0;
      for (const [l, v] of votes) {
        if (v > pickVotes || (v === pickVotes && l < pick)) {
          pick = l;
          pickVotes = v;
        }
      }
      if (pick >= 0) {
        labels[b] = pick;
        changed = true;
      }
    }
    if (!changed) return checkOnePiece(g, labels);
  }
  // Block-by-block moves can cycle (two small pieces trading blocks back and forth). Merge
  // whole pieces instead, smallest first: each merge joins a piece to a neighbouring piece of
  // the label it takes, so the number of pieces falls every step and this ends.
  for (;;) {
    const { component, sizes, labelOf } = labelComponents(g, labels);
    const best = new Map<number, number>();
    for (let c = 0; c < sizes.length; c++) {
      const cur = best.get(labelOf[c]!);
      if (cur === undefined || sizes[c]! > sizes[cur]!) best.set(labelOf[c]!, c);
    }
    const pieces = [...sizes.keys()].filter((c) => best.get(labelOf[c]!) !== c).sort((a, b) => sizes[a]! - sizes[b]! || a - b);
    let merged = false;
    for (const c of pieces) {
      const votes = new Map<number, number>();
      for (let b = 0; b < labels.length; b++) {
        if (component[b] !== c) continue;
        for (const nb of blockNeighbours(g, b)) {
          const l = labels[nb]!;
          if (l >= 0 && component[nb] !== c && l !== labelOf[c] && allowed(b, nb)) votes.set(l, (votes.get(l) ?? 0) + 1);
        }
      }
      let pick = -1;
      let pickVotes = 0;
      for (const [l, v] of votes) if (v > pickVotes || (v === pickVotes && l < pick)) [pick, pickVotes] = [l, v];
      if (pick < 0) continue;
      for (let b = 0; b < labels.length; b++) if (component[b] === c) labels[b] = pick;
      merged = true;
      break;
    }
    if (!merged) return checkOnePiece(g, labels);
  }
}

/** @throws Error naming a region that is in several pieces */
function checkOnePiece(g: Pick<BlockGrid, 'nu' | 'nv'>, labels: Int32Array): void {
  const after = labelComponents(g, labels);
  const seen = new Set<number>();
  for (const l of after.labelOf) {
    if (seen.has(l)) throw new Error(`makeContiguous: region ${l} stays in several pieces`);
    seen.add(l);
  }
}

/**
 * Removes every pinch from a labelling by moving single blocks to a neighbouring region,
 * keeping every region (in every view) non-empty and contiguous. Mutates `labels`.
 * @param views extra groupings of the labels that must be pinch-free and contiguous too
 *   (e.g. beat → district); the identity view is always checked
 * @param allowed whether block `block` may take the label of its neighbour `from`
 * @throws Error when a pinch cannot be removed
 */
export function removePinches(
  g: Pick<BlockGrid, 'nu' | 'nv'>,
  labels: Int32Array,
  views: ReadonlyArray<(label: number) => number> = [],
  allowed: (block: number, from: number) => boolean = () => true,
): number {
  const allViews = [(l: number) => l, ...views];
  const viewOf = (view: (l: number) => number) => (b: number) => {
    const l = labels[b]!;
    return l < 0 ? l : view(l);
  };
  let moves = 0;
  for (let pass = 0; pass < 200; pass++) {
    let found = false;
    for (let j = 1; j < g.nv; j++) {
      for (let i = 1; i < g.nu; i++) {
        for (const view of allViews) {
          const p = pinchAt(g, viewOf(view), i, j);
          if (!p) continue;
          if (!tryFixPinch(g, labels, allViews, allowed, p.blocks)) {
            throw new Error(`removePinches: cannot remove the pinch at corner (${i}, ${j})`);
          }
          moves++;
          found = true;
        }
      }
    }
    if (!found) return moves;
  }
  throw new Error('removePinches: did not converge');
}

function tryFixPinch(
  g: Pick<BlockGrid, 'nu' | 'nv'>,
  labels: Int32Array,
  views: ReadonlyArray<(label: number) => number>,
  allowed: (block: number, from: number) => boolean,
  [a, b, c, d]: [number, number, number, number],
): boolean {
  // (target, source): target takes the label of its edge-neighbour source.
  const candidates: Array<[number, number]> = [
    [b, a],
    [b, d],
    [c, a],
    [c, d],
    [a, b],
    [a, c],
    [d, b],
    [d, c],
  ];
  for (const [t, s] of candidates) {
    const old = labels[t]!;
    const next = labels[s]!;
    if (old < 0 || next < 0 || old === next || !allowed(t, s)) continue;
    labels[t] = next;
    let ok = true;
    for (const view of views) {
      const vOld = view(old);
      if (vOld === view(next)) continue;
      if (!isContiguous(g, (x) => labels[x]! >= 0 && view(labels[x]!) === vOld)) {
        ok = false;
        break;
      }
      if (!labels.some((l) => l >= 0 && view(l) === vOld)) {
        ok = false;
        break;
      }
    }
    if (ok && !isContiguous(g, (x) => labels[x] === old)) ok = false;
    if (ok && !labels.includes(old)) ok = false;
    if (ok) return true;
    labels[t] = old;
  }
  return false;
}

/** A polygon as GeoJSON rings `[outer, ...holes]` of `[lng, lat]` positions, closed. */
export type PolygonRings = Point[][];

/**
 * Traces the boundary of every region of a pinch-free labelling and returns, per label
 * `0..labelCount-1`, its polygons (outer ring counter-clockwise, holes clockwise, RFC 7946)
 * in `[lng, lat]` degrees. Vertices where exactly two regions meet on a straight line are
 * dropped (consistently for both neighbours), so straight streets keep only their ends.
 * @throws Error when the labelling has a pinch (a vertex with two boundary paths of a label)
 */
export function traceRegions(g: BlockGrid, labels: Int32Array, labelCount: number): PolygonRings[][] {
  const nVert = vertexCount(g);
  const lng = new Float64Array(nVert);
  const lat = new Float64Array(nVert);
  for (let v = 0; v < nVert; v++) {
    const p = kmToLngLat([g.vx[v]!, g.vy[v]!]);
    lng[v] = p[0];
    lat[v] = p[1];
  }
  // Degree of each vertex in the layer's boundary network (undirected edges between labels).
  const degree = new Uint8Array(nVert);
  const labelAt = (b: number) => (b < 0 ? OUTSIDE : labels[b]!);
  for (let b = 0; b < labels.length; b++) {
    for (const [from, to, other] of blockEdges(g, b)) {
      if (labelAt(other) === labels[b]) continue;
      if (other >= 0 && other < b) continue; // count each shared edge once
      degree[from]!++;
      degree[to]!++;
    }
  }
  const nextByLabel: Map<number, number>[] = Array.from({ length: labelCount }, () => new Map());
  for (let b = 0; b < labels.length; b++) {
    const l = labels[b]!;
    if (l < 0) continue;
    for (const [from, to, other] of blockEdges(g, b)) {
      if (labelAt(other) === l) continue;
      const m = nextByLabel[l]!;
      if (m.has(from)) throw new Error(`traceRegions: label ${l} is pinched at vertex ${from}`);
      m.set(from, to);
    }
  }
  const out: PolygonRings[][] = [];
  for (let l = 0; l < labelCount; l++) {
    const next = nextByLabel[l]!;
    const cycles: number[][] = [];
    const used = new Set<number>();
    for (const start of [...next.keys()].sort((x, y) => x - y)) {
      if (used.has(start)) continue;
      const cycle: number[] = [];
      let v = start;
      do {
        used.add(v);
        cycle.push(v);
        v = next.get(v)!;
      } while (v !== start);
      cycles.push(cycle);
    }
    const rings = cycles.map((cycle) => cycleToRing(g, cycle, degree, lng, lat));
    const outers: Point[][] = [];
    const holes: Point[][] = [];
    for (const r of rings) (signedArea(r) > 0 ? outers : holes).push(r);
    const polys: PolygonRings[] = outers.map((o) => [o]);
    for (const h of holes) {
      const owner = polys.find((p) => pointInRing(h[0]!, p[0]!));
      if (!owner) throw new Error(`traceRegions: hole of label ${l} lies in no outer ring`);
      owner.push(h);
    }
    out.push(polys);
  }
  return out;
}

function cycleToRing(g: BlockGrid, cycle: number[], degree: Uint8Array, lng: Float64Array, lat: Float64Array): Point[] {
  const n = cycle.length;
  const ring: Point[] = [];
  // Start at a vertex that is kept, so the closing position is a real corner.
  let start = 0;
  const keep = (k: number) => {
    const v = cycle[k]!;
    const p = cycle[(k - 1 + n) % n]!;
    const q = cycle[(k + 1) % n]!;
    if (degree[v] !== 2) return true;
    if (edgeExtra(g, p, v).length > 0 || edgeExtra(g, v, q).length > 0) return true;
    const straight = (lat[p] === lat[v] && lat[v] === lat[q]) || (lng[p] === lng[v] && lng[v] === lng[q]);
    return !straight;
  };
  while (start < n && !keep(start)) start++;
  if (start === n) throw new Error('cycleToRing: a ring with no corner');
  for (let s = 0; s < n; s++) {
    const k = (start + s) % n;
    const v = cycle[k]!;
    if (keep(k)) ring.push([lng[v]!, lat[v]!]);
    for (const p of edgeExtra(g, v, cycle[(k + 1) % n]!)) ring.push(kmToLngLat(p));
  }
  ring.push([ring[0]![0], ring[0]![1]]);
  return ring;
}
