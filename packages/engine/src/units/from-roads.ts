/**
 * `unitsFromRoads`: street blocks — the faces of the planar graph of the road lines and the
 * city limits — as atomic units, for a city that has a road file but no block layer.
 */
import { booleanPointInPolygon, area as turfArea } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { BeatplanError } from '../errors.js';
import { type LineLike, linesOf, type PolygonLike, polygonsOf } from '../geo/geojson.js';
import { roundPolygons } from './dissolve.js';

/** Options of {@link unitsFromRoads}; every field has a documented default. */
export interface UnitsFromRoadsOptions {
  /** Road vertices and crossings closer than this are one street corner, metres. Default 0.5. */
  readonly snapMeters?: number;
  /** Faces smaller than this are slivers and dropped (their cells go to a neighbouring block), m². Default 500. */
  readonly minAreaM2?: number;
  /** Decimals of the output coordinates. Default 6. */
  readonly decimals?: number;
}

/** What {@link unitsFromRoads} did, for the terminal and `metrics.json`. */
export interface UnitsFromRoadsReport {
  /** Road segments read (boundary rings included), after dropping zero-length ones. */
  readonly segments: number;
  /** Street corners (graph nodes) after noding and snapping. */
  readonly nodes: number;
  /** Edges removed as dead ends (cul-de-sacs, roads leaving the city). */
  readonly danglingEdges: number;
  /** Faces inside the boundary kept as blocks. */
  readonly blocks: number;
  /** Faces inside the boundary dropped as slivers (< `minAreaM2`). */
  readonly slivers: number;
  /** Σ area of the kept blocks, km². */
  readonly areaKm2: number;
}

/** Properties of a street block. */
export interface StreetBlockProperties {
  /** `S0001`, `S0002`, … in the order the faces are traced (deterministic for a given input). */
  readonly id: string;
  /** turf `area` of the block, km². */
  readonly areaKm2: number;
}

const M_PER_DEG = 111_320;

/**
 * Street blocks from road lines: the lines and the boundary's rings are noded (split at every
 * crossing and T-junction, vertices closer than `snapMeters` merged), dead ends pruned, and the
 * faces of the planar graph traced (turning clockwise at each corner); a road network part
 * enclosed by a block becomes a hole of it. Faces inside the boundary are the blocks; faces
 * under `minAreaM2` are dropped as slivers. Outer rings counter-clockwise, holes clockwise
 * (RFC 7946), coordinates rounded to `decimals`; the blocks do not overlap and, but for the
 * slivers, tile the boundary. Feature ids and `properties.id` are `S0001`, `S0002`, …
 *
 * @param roads LineString / MultiLineString features, `[lng, lat]` degrees
 * @param boundary the city limits (Polygon / MultiPolygon)
 * @throws BeatplanError `INVALID_GEOMETRY` (malformed lines or polygons, naming the feature),
 *   `BAD_INPUT` when no block remains
 * @example
 * const { blocks } = unitsFromRoads(roads, boundary);
 * planBeats(grid, scores, { units: unitsOfCells(grid, blocks) });
 */
export function unitsFromRoads(
  roads: LineLike,
  boundary: PolygonLike,
  options: UnitsFromRoadsOptions = {},
): { blocks: FeatureCollection<Polygon, StreetBlockProperties>; report: UnitsFromRoadsReport } {
  const snapMeters = options.snapMeters ?? 0.5;
  const minAreaM2 = options.minAreaM2 ?? 500;
  const decimals = options.decimals ?? 6;
  const limits = polygonsOf(boundary, 'boundary');
  const polylines = [...linesOf(roads, 'roads'), ...limits.flatMap((p) => p.rings)];

  // 1. Segments, in degrees; x scaled by cos(lat) for angles and snapping.
  const x1: number[] = [],
    y1: number[] = [],
    x2: number[] = [],
    y2: number[] = [];
  for (const line of polylines) {
    for (let k = 1; k < line.length; k++) {
      const a = line[k - 1]!,
        b = line[k]!;
      if (a[0] === b[0] && a[1] === b[1]) continue;
      x1.push(a[0]!);
      y1.push(a[1]!);
      x2.push(b[0]!);
      y2.push(b[1]!);
    }
  }
  const S = x1.length;
  if (S === 0) throw new BeatplanError('BAD_INPUT', 'no road segment to build street blocks from', { field: 'roads' });
  let latSum = 0;
  for (let s = 0; s < S; s++) latSum += y1[s]!;
  const kx = Math.cos(((latSum / S) * Math.PI) / 180);
  const snapDeg = snapMeters / M_PER_DEG;

  // 2. Noding: split parameters of every segment at its crossings (spatial hash of bounding boxes).
  const splits: number[][] = Array.from({ length: S }, () => [0, 1]);
  const bucketDeg = 0.004;
  const buckets = new Map<number, number[]>();
  const key = (i: number, j: number) => i * 1_000_003 + j;
  for (let s = 0; s < S; s++) {
    const [i0, i1] = [Math.floor(Math.min(x1[s]!, x2[s]!) / bucketDeg), Math.floor(Math.max(x1[s]!, x2[s]!) / bucketDeg)];
    const [j0, j1] = [Math.floor(Math.min(y1[s]!, y2[s]!) / bucketDeg), Math.floor(Math.max(y1[s]!, y2[s]!) / bucketDeg)];
    for (let i = i0; i <= i1; i++) {
      for (let j = j0; j <= j1; j++) {
        const k = key(i, j);
        const list = buckets.get(k);
        if (list) list.push(s);
        else buckets.set(k, [s]);
      }
    }
  }
  const seen = new Set<number>();
  for (const list of buckets.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const s = list[a]!,
          t = list[b]!;
        const pair = s < t ? s * S + t : t * S + s;
        if (seen.has(pair)) continue;
        seen.add(pair);
        crossSegments(s, t);
      }
    }
  }
  function crossSegments(s: number, t: number): void {
    const ax = x1[s]! * kx,
      ay = y1[s]!,
      bx = x2[s]! * kx,
      by = y2[s]!;
    const cx = x1[t]! * kx,
      cy = y1[t]!,
      dx = x2[t]! * kx,
      dy = y2[t]!;
    const rx = bx - ax,
      ry = by - ay,
      qx = dx - cx,
      qy = dy - cy;
    const den = rx * qy - ry * qx;
    const lr = Math.hypot(rx, ry),
      lq = Math.hypot(qx, qy);
    if (Math.abs(den) > 1e-12 * lr * lq) {
      const u = ((cx - ax) * qy - (cy - ay) * qx) / den;
      const v = ((cx - ax) * ry - (cy - ay) * rx) / den;
      const eu = snapDeg / lr,
        ev = snapDeg / lq;
      if (u >= -eu && u <= 1 + eu && v >= -ev && v <= 1 + ev) {
        splits[s]!.push(Math.min(1, Math.max(0, u)));
        splits[t]!.push(Math.min(1, Math.max(0, v)));
      }
      return;
    }
    // parallel: where collinear, each segment splits at the other's end points lying on it
    const onLine = (px: number, py: number, ox: number, oy: number, ex: number, ey: number, len: number) => {
      const dist = Math.abs((ex * (py - oy) - ey * (px - ox)) / len);
      if (dist > snapDeg) return -1;
      const w = ((px - ox) * ex + (py - oy) * ey) / (len * len);
      return w > 0 && w < 1 ? w : -1;
    };
    for (const [px, py] of [
      [cx, cy],
      [dx, dy],
    ] as const) {
      const w = onLine(px, py, ax, ay, rx, ry, lr);
      if (w > 0) splits[s]!.push(w);
    }
    for (const [px, py] of [
      [ax, ay],
      [bx, by],
    ] as const) {
      const w = onLine(px, py, cx, cy, qx, qy, lq);
      if (w > 0) splits[t]!.push(w);
    }
  }

  // 3. Nodes (snapped) and unique edges.
  const nodeX: number[] = [],
    nodeY: number[] = [];
  const nodeGrid = new Map<number, number[]>();
  const cellOf = (x: number, y: number) => [Math.floor((x * kx) / snapDeg), Math.floor(y / snapDeg)] as const;
  function nodeAt(x: number, y: number): number {
    const [gi, gj] = cellOf(x, y);
    for (let i = gi - 1; i <= gi + 1; i++) {
      for (let j = gj - 1; j <= gj + 1; j++) {
        for (const n of nodeGrid.get(key(i, j)) ?? []) {
          if (Math.hypot((nodeX[n]! - x) * kx, nodeY[n]! - y) <= snapDeg) return n;
        }
      }
    }
    const n = nodeX.length;
    nodeX.push(x);
    nodeY.push(y);
    const k = key(gi, gj);
    const list = nodeGrid.get(k);
    if (list) list.push(n);
    else nodeGrid.set(k, [n]);
    return n;
  }
  const edgeSet = new Set<number>();
  const edges: Array<[number, number]> = [];
  const NODE_KEY = 2 ** 26;
  for (let s = 0; s < S; s++) {
    const ts = [...new Set(splits[s]!)].sort((a, b) => a - b);
    let prev = -1;
    for (const t of ts) {
      const n = nodeAt(x1[s]! + t * (x2[s]! - x1[s]!), y1[s]! + t * (y2[s]! - y1[s]!));
      if (prev >= 0 && prev !== n) {
        const k = Math.min(prev, n) * NODE_KEY + Math.max(prev, n);
        if (!edgeSet.has(k)) {
          edgeSet.add(k);
          edges.push([prev, n]);
        }
      }
      prev = n;
    }
  }
  const N = nodeX.length;

  // 4. Prune dead ends (degree-1 nodes, repeatedly).
  const nbrs: Set<number>[] = Array.from({ length: N }, () => new Set<number>());
  for (const [a, b] of edges) {
    nbrs[a]!.add(b);
    nbrs[b]!.add(a);
  }
  let danglingEdges = 0;
  const stack: number[] = [];
  for (let v = 0; v < N; v++) if (nbrs[v]!.size === 1) stack.push(v);
  while (stack.length) {
    const v = stack.pop()!;
    if (nbrs[v]!.size !== 1) continue;
    const [w] = nbrs[v]!;
    nbrs[v]!.clear();
    nbrs[w!]!.delete(v);
    danglingEdges++;
    if (nbrs[w!]!.size === 1) stack.push(w!);
  }

  // 5. Faces: at each corner turn to the next edge clockwise (face on the left).
  const around: number[][] = nbrs.map((set, v) =>
    [...set].sort(
      (a, b) =>
        Math.atan2(nodeY[a]! - nodeY[v]!, (nodeX[a]! - nodeX[v]!) * kx) - Math.atan2(nodeY[b]! - nodeY[v]!, (nodeX[b]! - nodeX[v]!) * kx),
    ),
  );
  const used: Set<number>[] = Array.from({ length: N }, () => new Set<number>());
  const comp = new Int32Array(N).fill(-1);
  const bounded: Array<{ ring: number[]; signedArea: number; comp: number }> = [];
  const outer: Array<{ ring: number[]; signedArea: number; comp: number }> = [];
  let components = 0;
  for (let v = 0; v < N; v++) {
    if (around[v]!.length === 0 || comp[v]! >= 0) continue;
    const queue = [v];
    comp[v] = components;
    while (queue.length) {
      const u = queue.pop()!;
      for (const w of around[u]!)
        if (comp[w]! < 0) {
          comp[w] = components;
          queue.push(w);
        }
    }
    components++;
  }
  for (let u0 = 0; u0 < N; u0++) {
    for (const v0 of around[u0]!) {
      if (used[u0]!.has(v0)) continue;
      const ring: number[] = [];
      let u = u0,
        v = v0;
      let a2 = 0;
      while (!used[u]!.has(v)) {
        used[u]!.add(v);
        ring.push(u);
        a2 += nodeX[u]! * nodeY[v]! - nodeX[v]! * nodeY[u]!;
        const list = around[v]!;
        const at = list.indexOf(u);
        const w = list[(at - 1 + list.length) % list.length]!;
        u = v;
        v = w;
      }
      const face = { ring, signedArea: a2 / 2, comp: comp[u0]! };
      (face.signedArea > 0 ? bounded : outer).push(face);
    }
  }

  // 6. Polygons: bounded faces, with the outline of any network part they enclose as a hole.
  const toRing = (ids: number[]): Position[] => [...ids, ids[0]!].map((n) => [nodeX[n]!, nodeY[n]!]);
  const polys: Position[][][] = bounded.map((f) => [toRing(f.ring)]);
  const outlineOf = new Map<number, (typeof outer)[number]>();
  for (const f of outer) {
    const cur = outlineOf.get(f.comp);
    if (!cur || f.signedArea < cur.signedArea) outlineOf.set(f.comp, f);
  }
  for (const [c, f] of outlineOf) {
    const probe: Position = [nodeX[f.ring[0]!]!, nodeY[f.ring[0]!]!];
    let best = -1;
    bounded.forEach((b, k) => {
      if (b.comp === c || (best >= 0 && b.signedArea >= bounded[best]!.signedArea)) return;
      if (booleanPointInPolygon(probe, { type: 'Polygon', coordinates: [polys[k]![0]!] })) best = k;
    });
    if (best >= 0) polys[best]!.push(toRing(f.ring));
  }

  // 7. Blocks: faces inside the boundary, slivers dropped, rounded, numbered.
  const city: Feature<MultiPolygon> = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPolygon', coordinates: limits.map((p) => p.rings) },
  };
  const features: Array<Feature<Polygon, StreetBlockProperties>> = [];
  let slivers = 0;
  let areaKm2 = 0;
  for (const rings of roundPolygons(polys, decimals)) {
    const geometry: Polygon = { type: 'Polygon', coordinates: rings };
    if (!booleanPointInPolygon(pointInside(rings[0]!), city)) continue;
    const m2 = turfArea(geometry);
    if (m2 < minAreaM2) {
      slivers++;
      continue;
    }
    const id = `S${String(features.length + 1).padStart(4, '0')}`;
    features.push({ type: 'Feature', id, properties: { id, areaKm2: m2 / 1e6 }, geometry });
    areaKm2 += m2 / 1e6;
  }
  if (features.length === 0)
    throw new BeatplanError('BAD_INPUT', 'the roads enclose no street block inside the boundary', { field: 'roads' });
  return {
    blocks: { type: 'FeatureCollection', features },
    report: { segments: S, nodes: N, danglingEdges, blocks: features.length, slivers, areaKm2 },
  };
}

/**
 * A point just inside a counter-clockwise ring: 5 cm to the left of the middle of its longest
 * edge (a face of the road graph lies wholly inside or outside the city, so one point decides).
 */
function pointInside(ring: Position[]): Position {
  let best = 0;
  let bestLen = -1;
  const kx = Math.cos((ring[0]![1]! * Math.PI) / 180);
  for (let k = 1; k < ring.length; k++) {
    const len = Math.hypot((ring[k]![0]! - ring[k - 1]![0]!) * kx, ring[k]![1]! - ring[k - 1]![1]!);
    if (len > bestLen) [best, bestLen] = [k, len];
  }
  const [a, b] = [ring[best - 1]!, ring[best]!];
  const ex = ((b[0]! - a[0]!) * kx) / bestLen,
    ey = (b[1]! - a[1]!) / bestLen;
  const step = 0.05 / M_PER_DEG;
  return [(a[0]! + b[0]!) / 2 + (-ey * step) / kx, (a[1]! + b[1]!) / 2 + ex * step];
}
