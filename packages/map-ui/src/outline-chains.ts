/**
 * Beat outlines as chains, for the city-wide view (below the live-edge zoom): the edges between
 * two beats (or a beat and the outside of the grid) joined end to end between junctions, each
 * chain shared by the beats on its two sides. What the `beats` tiles are drawn from:
 *
 * - the outline lines are the chains (a few thousand polylines instead of ~10k two-point edges);
 * - each beat's filled area is a ring of chains, so fill and outline run through the same points
 *   and two neighbouring beats share each point: no gap and no overlap, however the chains are
 *   bent;
 * - for display each chain is smoothed ({@link smoothChains}: Chaikin corner cutting, its end
 *   points — the junctions — fixed) where it follows the hex grid's zig-zag, and simplified
 *   per zoom ({@link simplifyChains}: Douglas–Peucker at a fraction of a pixel), so a frame at
 *   city zoom draws a few vertices per chain instead of one per hex edge.
 *
 * Pure: typed arrays in, typed arrays out; no DOM, no map.
 */
import type { CellModel } from './cell-model.js';

/** Side label of the outside of the grid (beat indexes are ≥ 0; −1 is an unassigned cell). */
export const OUTSIDE = -2;

/**
 * Chains of beat-boundary edges. Chain `c` is the edges `edges[start[c] .. start[c + 1])` in
 * order, edge `edges[k]` traversed backwards (from vertex `edgeV[2e + 1]` to `edgeV[2e]`) when
 * `rev[k]` is 1. A chain runs between two junctions (`from[c]`, `to[c]`: vertices where the
 * boundary does not simply continue — three beats meet, or the boundary ends), or is a closed
 * loop without junction (`closed[c]` = 1, `from[c] === to[c]`).
 */
export interface OutlineChains {
  start: Int32Array;
  edges: Int32Array;
  rev: Uint8Array;
  from: Int32Array;
  to: Int32Array;
  closed: Uint8Array;
  /**
   * Side labels (beat, −1 unassigned, {@link OUTSIDE}): the chain as stored runs around
   * `fwdSide[c]` in its ring orientation (positive area in web-mercator, y down, as MVT wants);
   * reversed, around `revSide[c]`.
   */
  fwdSide: Int32Array;
  revSide: Int32Array;
}

/** Side label of cell `c` (an edge's cell index, −1 = outside the grid). */
const labelOf = (model: CellModel, c: number) => (c < 0 ? OUTSIDE : model.beatOf[c]!);

/**
 * 0 when an edge as stored (cell A's winding) runs around cell A in the positive orientation of
 * web-mercator coordinates (y down), else 1. All cells of an H3 grid share one winding.
 */
export function forwardForA(model: CellModel): 0 | 1 {
  const r0 = model.ringStart[0]!;
  const r1 = model.ringStart[1]!;
  let area = 0; // in [lng, lat]: y up, so the sign is the opposite of mercator's
  for (let v = r0; v < r1; v++) {
    const w = v + 1 < r1 ? v + 1 : r0;
    area += model.ringXY[2 * v]! * model.ringXY[2 * w + 1]! - model.ringXY[2 * w]! * model.ringXY[2 * v + 1]!;
  }
  return -area > 0 ? 0 : 1;
}

/**
 * Joins the beat-boundary edges (those {@link isBeatEdge} draws: the two sides differ) into
 * chains between junctions. Every boundary edge is in exactly one chain; a chain's inner
 * vertices have exactly two boundary edges, both between the same two sides.
 * O(edges). @example const chains = outlineChains(model); chains.start.length - 1 // chain count
 */
export function outlineChains(model: CellModel): OutlineChains {
  const m = model.edgeA.length;
  let nv = 0;
  for (let k = 0; k < model.edgeV.length; k++) nv = Math.max(nv, model.edgeV[k]! + 1);
  const boundary = new Uint8Array(m);
  const deg = new Int32Array(nv + 1);
  for (let e = 0; e < m; e++) {
    if (labelOf(model, model.edgeA[e]!) === labelOf(model, model.edgeB[e]!)) continue;
    boundary[e] = 1;
    deg[model.edgeV[2 * e]! + 1]!++;
    deg[model.edgeV[2 * e + 1]! + 1]!++;
  }
  // boundary edges at each vertex (CSR)
  const at = new Int32Array(nv + 1);
  for (let v = 0; v < nv; v++) at[v + 1] = at[v]! + deg[v + 1]!;
  const fill = at.slice(0, nv);
  const inc = new Int32Array(at[nv]!);
  for (let e = 0; e < m; e++) {
    if (!boundary[e]) continue;
    inc[fill[model.edgeV[2 * e]!]!++] = e;
    inc[fill[model.edgeV[2 * e + 1]!]!++] = e;
  }
  const junction = (v: number) => at[v + 1]! - at[v]! !== 2;
  const fwdA = forwardForA(model);
  const visited = new Uint8Array(m);
  const start: number[] = [0];
  const edges: number[] = [];
  const rev: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const closed: number[] = [];
  const fwdSide: number[] = [];
  const revSide: number[] = [];
  const walk = (e0: number, v0: number) => {
    let e = e0;
    let v = v0;
    const r0 = model.edgeV[2 * e0] === v0 ? 0 : 1;
    const a = labelOf(model, model.edgeA[e0]!);
    const b = labelOf(model, model.edgeB[e0]!);
    fwdSide.push(r0 === fwdA ? a : b);
    revSide.push(r0 === fwdA ? b : a);
    from.push(v0);
    for (;;) {
      visited[e] = 1;
      const r = model.edgeV[2 * e] === v ? 0 : 1;
      edges.push(e);
      rev.push(r);
      v = model.edgeV[2 * e + 1 - r]!;
      if (v === v0 || junction(v)) break;
      const k = at[v]!;
      const next = inc[k] === e ? inc[k + 1]! : inc[k]!;
      if (visited[next]) break;
      e = next;
    }
    to.push(v);
    closed.push(v === v0 && !junction(v0) ? 1 : 0);
    start.push(edges.length);
  };
  for (let v = 0; v < nv; v++) {
    if (!junction(v)) continue;
    for (let k = at[v]!; k < at[v + 1]!; k++) if (!visited[inc[k]!]) walk(inc[k]!, v);
  }
  for (let e = 0; e < m; e++) if (boundary[e] && !visited[e]) walk(e, model.edgeV[2 * e]!);
  return {
    start: Int32Array.from(start),
    edges: Int32Array.from(edges),
    rev: Uint8Array.from(rev),
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    closed: Uint8Array.from(closed),
    fwdSide: Int32Array.from(fwdSide),
    revSide: Int32Array.from(revSide),
  };
}

/** Points of chains: chain `c` is the points `start[c] .. start[c + 1])` of `xy` (`x, y` pairs); a closed chain repeats its first point last. */
export interface ChainPoints {
  start: Int32Array;
  xy: Float64Array;
}

/**
 * The chains' points: each chain's first vertex, then the far end of each of its edges, from
 * `edgeXY` (4 numbers per edge, the layout of `model.edgeXY`; e.g. the tile index's mercator
 * copy).
 */
export function chainPoints(chains: OutlineChains, edgeXY: Float64Array): ChainPoints {
  const n = chains.start.length - 1;
  const start = new Int32Array(n + 1);
  for (let c = 0; c < n; c++) start[c + 1] = start[c]! + chains.start[c + 1]! - chains.start[c]! + 1;
  const xy = new Float64Array(2 * start[n]!);
  let p = 0;
  for (let c = 0; c < n; c++) {
    for (let k = chains.start[c]!; k < chains.start[c + 1]!; k++) {
      const e = chains.edges[k]!;
      const r = chains.rev[k]!;
      if (k === chains.start[c]) {
        xy[p++] = edgeXY[4 * e + 2 * r]!;
        xy[p++] = edgeXY[4 * e + 2 * r + 1]!;
      }
      xy[p++] = edgeXY[4 * e + 2 - 2 * r]!;
      xy[p++] = edgeXY[4 * e + 3 - 2 * r]!;
    }
  }
  return { start, xy };
}

/**
 * Smooths each chain by `iterations` rounds of Chaikin corner cutting (each segment's points at
 * ¼ and ¾ replace its corners), for display where the outline follows the hex grid. An open
 * chain keeps its end points (the junctions, shared with the other chains there), so the
 * chains still meet exactly; a closed chain (`closed[c]`) is smoothed all round. Both beats
 * along a chain use the same smoothed points. A chain of one segment stays straight.
 * @example smoothChains(chainPoints(chains, index.edgeM), chains.closed, 2)
 */
export function smoothChains(points: ChainPoints, closed: Uint8Array, iterations: number): ChainPoints {
  let cur = points;
  for (let it = 0; it < iterations; it++) {
    const n = cur.start.length - 1;
    const start = new Int32Array(n + 1);
    for (let c = 0; c < n; c++) {
      const k = cur.start[c + 1]! - cur.start[c]!; // points, a closed chain's last = first
      start[c + 1] = start[c]! + (k < 3 ? k : closed[c] ? 2 * (k - 1) + 1 : 2 * (k - 1));
    }
    const xy = new Float64Array(2 * start[n]!);
    const src = cur.xy;
    let p = 0;
    for (let c = 0; c < n; c++) {
      const a = cur.start[c]!;
      const z = cur.start[c + 1]!;
      if (z - a < 3) {
        xy.set(src.subarray(2 * a, 2 * z), p);
        p += 2 * (z - a);
        continue;
      }
      const firstP = p;
      for (let i = a; i < z - 1; i++) {
        const x0 = src[2 * i]!;
        const y0 = src[2 * i + 1]!;
        const x1 = src[2 * i + 2]!;
        const y1 = src[2 * i + 3]!;
        if (i === a && !closed[c]) {
          xy[p++] = x0;
          xy[p++] = y0;
        } else {
          xy[p++] = 0.75 * x0 + 0.25 * x1;
          xy[p++] = 0.75 * y0 + 0.25 * y1;
        }
        if (i === z - 2 && !closed[c]) {
          xy[p++] = x1;
          xy[p++] = y1;
        } else {
          xy[p++] = 0.25 * x0 + 0.75 * x1;
          xy[p++] = 0.25 * y0 + 0.75 * y1;
        }
      }
      if (closed[c]) {
        xy[p++] = xy[firstP]!;
        xy[p++] = xy[firstP + 1]!;
      }
    }
    cur = { start, xy };
  }
  return cur;
}

/**
 * Douglas–Peucker simplification of each chain within `tolerance` (the units of `xy`): the
 * end points of an open chain are kept (junctions stay shared); a closed chain keeps its first
 * point and the point farthest from it. Deterministic per chain, so a chain simplified once is
 * the same in every tile and for both beats along it.
 */
export function simplifyChains(points: ChainPoints, closed: Uint8Array, tolerance: number): ChainPoints {
  const n = points.start.length - 1;
  const src = points.xy;
  const keep = new Uint8Array(src.length / 2);
  const t2 = tolerance * tolerance;
  const stack: number[] = [];
  const dp = (i0: number, i1: number) => {
    stack.push(i0, i1);
    while (stack.length) {
      const j1 = stack.pop()!;
      const j0 = stack.pop()!;
      const ax = src[2 * j0]!;
      const ay = src[2 * j0 + 1]!;
      const dx = src[2 * j1]! - ax;
      const dy = src[2 * j1 + 1]! - ay;
      const len2 = dx * dx + dy * dy;
      let best = -1;
      let bestD = t2;
      for (let i = j0 + 1; i < j1; i++) {
        const px = src[2 * i]! - ax;
        const py = src[2 * i + 1]! - ay;
        let d: number;
        if (len2 === 0) d = px * px + py * py;
        else {
          const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
          const qx = px - t * dx;
          const qy = py - t * dy;
          d = qx * qx + qy * qy;
        }
        if (d > bestD) {
          bestD = d;
          best = i;
        }
      }
      if (best >= 0) {
        keep[best] = 1;
        stack.push(j0, best, best, j1);
      }
    }
  };
  for (let c = 0; c < n; c++) {
    const a = points.start[c]!;
    const z = points.start[c + 1]! - 1;
    keep[a] = 1;
    keep[z] = 1;
    if (closed[c] && z - a > 2) {
      let far = a;
      let farD = -1;
      for (let i = a + 1; i < z; i++) {
        const d = (src[2 * i]! - src[2 * a]!) ** 2 + (src[2 * i + 1]! - src[2 * a + 1]!) ** 2;
        if (d > farD) {
          farD = d;
          far = i;
        }
      }
      keep[far] = 1;
      dp(a, far);
      dp(far, z);
    } else dp(a, z);
  }
  const start = new Int32Array(n + 1);
  let count = 0;
  for (let c = 0; c < n; c++) {
    for (let i = points.start[c]!; i < points.start[c + 1]!; i++) count += keep[i]!;
    start[c + 1] = count;
  }
  const xy = new Float64Array(2 * count);
  let p = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    xy[p++] = src[2 * i]!;
    xy[p++] = src[2 * i + 1]!;
  }
  return { start, xy };
}

/**
 * The closed rings of each beat as chains: `2c` = chain `c` as stored, `2c + 1` = reversed,
 * linked end to start around the beat (its ring orientation: outer rings positive in
 * web-mercator, holes negative). Only beats (labels ≥ 0) get rings.
 * @returns per beat, its rings as lists of chain references
 */
export function chainRings(chains: OutlineChains): Map<number, number[][]> {
  const n = chains.start.length - 1;
  let nv = 1;
  for (let c = 0; c < n; c++) nv = Math.max(nv, chains.from[c]! + 1, chains.to[c]! + 1);
  const next = new Map<number, number>(); // beat × nv + start vertex → chain reference
  const beatOf = (ref: number) => (ref & 1 ? chains.revSide[ref >> 1]! : chains.fwdSide[ref >> 1]!);
  const head = (ref: number) => (ref & 1 ? chains.to[ref >> 1]! : chains.from[ref >> 1]!);
  const tail = (ref: number) => (ref & 1 ? chains.from[ref >> 1]! : chains.to[ref >> 1]!);
  for (let ref = 0; ref < 2 * n; ref++) if (beatOf(ref) >= 0) next.set(beatOf(ref) * nv + head(ref), ref);
  const used = new Uint8Array(2 * n);
  const out = new Map<number, number[][]>();
  for (let r0 = 0; r0 < 2 * n; r0++) {
    const b = beatOf(r0);
    if (b < 0 || used[r0]) continue;
    const ring: number[] = [];
    for (let r: number | undefined = r0; r !== undefined && !used[r]; r = next.get(b * nv + tail(r))) {
      used[r] = 1;
      ring.push(r);
      if (chains.closed[r >> 1]) break;
    }
    let list = out.get(b);
    if (!list) out.set(b, (list = []));
    list.push(ring);
  }
  return out;
}
