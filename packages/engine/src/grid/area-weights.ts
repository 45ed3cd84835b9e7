/**
 * Polygon ∩ cell areas: how much of each grid cell each polygon covers, for spreading counts
 * (population) by intersection area instead of by cell centre.
 */
import type { Position } from 'geojson';
import { cellToBoundary, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, polygonToCells, UNITS } from 'h3-js';
import { type PolygonLike, polygonsOf } from '../geo/geojson.js';
import type { Grid } from './grid.js';

/** Sparse (feature, cell, area) triples: the overlap of each polygon feature with each grid cell. */
export interface CellOverlaps {
  /** Feature index in the input, per overlap. */
  readonly feature: Int32Array;
  /** Grid cell index, per overlap. */
  readonly cell: Int32Array;
  /** Area of feature ∩ cell in km² (> 0), per overlap. */
  readonly areaKm2: Float64Array;
}

/** Planar ring `[x0, y0, x1, y1, …]` (open: the last vertex is not repeated). */
type FlatRing = number[];

/** Twice the signed area of a flat ring (positive when counter-clockwise). */
function signedArea2(r: FlatRing): number {
  let a = 0;
  const n = r.length;
  for (let k = 0, j = n - 2; k < n; j = k, k += 2) a += r[j]! * r[k + 1]! - r[k]! * r[j + 1]!;
  return a;
}

/**
 * Sutherland–Hodgman: `subject` (any simple ring) clipped by the convex, counter-clockwise
 * ring `clip`. The result may hold zero-width slivers where a concave subject leaves and
 * re-enters the clip, but its area is the area of subject ∩ clip.
 */
function clipConvex(subject: FlatRing, clip: FlatRing): FlatRing {
  let out = subject;
  const m = clip.length;
  for (let e = 0, p = m - 2; e < m && out.length > 0; p = e, e += 2) {
    const ax = clip[p]!;
    const ay = clip[p + 1]!;
    const dx = clip[e]! - ax;
    const dy = clip[e + 1]! - ay;
    const input = out;
    out = [];
    const n = input.length;
    let sx = input[n - 2]!;
    let sy = input[n - 1]!;
    let sIn = dx * (sy - ay) - dy * (sx - ax) >= 0;
    for (let k = 0; k < n; k += 2) {
      const ex = input[k]!;
      const ey = input[k + 1]!;
      const eIn = dx * (ey - ay) - dy * (ex - ax) >= 0;
      if (eIn !== sIn) {
        // crossing of segment s→e with the clip line
        const den = dx * (ey - sy) - dy * (ex - sx);
        const t = den === 0 ? 0 : (dx * (ay - sy) - dy * (ax - sx)) / den;
        out.push(sx + t * (ex - sx), sy + t * (ey - sy));
      }
      if (eIn) out.push(ex, ey);
      sx = ex;
      sy = ey;
      sIn = eIn;
    }
  }
  return out.length >= 6 ? out : [];
}

function flatten(ring: Position[]): FlatRing {
  const out: FlatRing = [];
  const n =
    ring.length - (ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1] ? 1 : 0);
  for (let k = 0; k < n; k++) out.push(ring[k]![0]!, ring[k]![1]!);
  return out;
}

/** The cell's hexagon (or pentagon) as a counter-clockwise flat ring of `[lng, lat]`. */
function cellRing(h3: string): FlatRing {
  const r = flatten(cellToBoundary(h3, true));
  if (signedArea2(r) < 0) {
    const rev: FlatRing = [];
    for (let k = r.length - 2; k >= 0; k -= 2) rev.push(r[k]!, r[k + 1]!);
    return rev;
  }
  return r;
}

/** `r` translated by (−dx, −dy). */
function shift(r: FlatRing, dx: number, dy: number): FlatRing {
  const out = new Array<number>(r.length);
  for (let k = 0; k < r.length; k += 2) {
    out[k] = r[k]! - dx;
    out[k + 1] = r[k + 1]! - dy;
  }
  return out;
}

/** Cells per side of a tile that groups edge cells, so each ring is pre-clipped to a small box. */
const TILE_CELLS = 8;

/**
 * The area of every polygon feature inside every grid cell (km²), exactly up to the planar
 * approximation within one cell: cells whose hexagon the polygon's outline may cross (found
 * by walking each ring at half a cell edge and taking the ring of neighbours) are clipped
 * against the polygon (Sutherland–Hodgman; holes subtracted); the other cells whose centre
 * lies inside count whole. Overlapping features each get their own overlap.
 * @param polygons Polygon, MultiPolygon, Feature or FeatureCollection, `[lng, lat]` degrees
 * @throws BeatplanError `INVALID_GEOMETRY`
 * @example const o = cellOverlaps(grid, communityAreas); // o.areaKm2[k] of o.feature[k] in o.cell[k]
 */
export function cellOverlaps(grid: Grid, polygons: PolygonLike): CellOverlaps {
  const res = grid.resolution;
  const stepDeg = getHexagonEdgeLengthAvg(res, UNITS.km) / 111.32 / 2;
  const tileDeg = stepDeg * 2 * TILE_CELLS;
  const byFeature = new Map<number, Map<number, number>>();
  const add = (f: number, i: number, a: number) => {
    let m = byFeature.get(f);
    if (!m) byFeature.set(f, (m = new Map()));
    m.set(i, (m.get(i) ?? 0) + a);
  };
  const ringCache = new Map<number, FlatRing>();
  const hexOf = (i: number) => {
    let r = ringCache.get(i);
    if (!r) ringCache.set(i, (r = cellRing(grid.h3[i]!)));
    return r;
  };

  for (const { rings, feature } of polygonsOf(polygons, 'polygons')) {
    // cells the outline may cross: sampled along every ring, plus their neighbours
    const edgeCells = new Set<number>();
    const seen = new Set<string>();
    for (const ring of rings) {
      for (let k = 1; k < ring.length; k++) {
        const [x0, y0] = ring[k - 1]! as [number, number];
        const [x1, y1] = ring[k]! as [number, number];
        const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / stepDeg));
        for (let s = 0; s <= steps; s++) {
          const h = latLngToCell(y0 + ((y1 - y0) * s) / steps, x0 + ((x1 - x0) * s) / steps, res);
          if (seen.has(h)) continue;
          seen.add(h);
          for (const d of gridDisk(h, 1)) {
            const i = grid.indexOf(d);
            if (i >= 0) edgeCells.add(i);
          }
        }
      }
    }
    // cells wholly inside: centre inside and not near the outline
    for (const h of polygonToCells(rings as number[][][], res, true)) {
      const i = grid.indexOf(h);
      if (i >= 0 && !edgeCells.has(i)) add(feature, i, grid.areaKm2[i]!);
    }
    // edge cells: clip, tile by tile, against the rings pre-clipped to the tile's box
    const tiles = new Map<string, number[]>();
    for (const i of edgeCells) {
      const key = `${Math.floor(grid.lng[i]! / tileDeg)},${Math.floor(grid.lat[i]! / tileDeg)}`;
      const t = tiles.get(key);
      if (t) t.push(i);
      else tiles.set(key, [i]);
    }
    const flatRings = rings.map(flatten);
    for (const cells of tiles.values()) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (const i of cells) {
        const r = hexOf(i);
        for (let k = 0; k < r.length; k += 2) {
          if (r[k]! < x0) x0 = r[k]!;
          if (r[k]! > x1) x1 = r[k]!;
          if (r[k + 1]! < y0) y0 = r[k + 1]!;
          if (r[k + 1]! > y1) y1 = r[k + 1]!;
        }
      }
      const box = [x0, y0, x1, y0, x1, y1, x0, y1];
      // coordinates relative to the box corner from here on: small numbers, precise areas
      const pieces = flatRings.map((r) => shift(clipConvex(r, box), x0, y0));
      if (pieces[0]!.length === 0) continue;
      for (const i of cells) {
        const hex = shift(hexOf(i), x0, y0);
        let a = 0;
        pieces.forEach((p, k) => {
          if (p.length === 0) return;
          const part = Math.abs(signedArea2(clipConvex(p, hex)));
          a += k === 0 ? part : -part;
        });
        const share = Math.min(1, Math.max(0, a / Math.abs(signedArea2(hex))));
        if (share > 1e-12) add(feature, i, share * grid.areaKm2[i]!);
      }
    }
  }

  let n = 0;
  for (const m of byFeature.values()) n += m.size;
  const out = { feature: new Int32Array(n), cell: new Int32Array(n), areaKm2: new Float64Array(n) };
  let k = 0;
  for (const f of [...byFeature.keys()].sort((a, b) => a - b)) {
    for (const [i, a] of [...byFeature.get(f)!].sort((x, y) => x[0] - y[0])) {
      out.feature[k] = f;
      out.cell[k] = i;
      out.areaKm2[k++] = a;
    }
  }
  return out;
}
