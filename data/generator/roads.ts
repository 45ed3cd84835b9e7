/**
 * The demo city's street grid as a roads file (`roads.geojson`): every edge of the block mesh
 * that borders a land block is a street segment; segments that cross a barrier (the river,
 * the expressway) are left out except one per crossing — the segment nearest the crossing's
 * centre, the bridge or overpass. Consecutive kept segments of one street become one
 * LineString, so streets meet at shared vertices (the street corners). Every 8th street in
 * each direction (a mile apart, as in Chicago) is an arterial (`highway: primary`, 50 km/h),
 * the others residential (30 km/h); bridges and overpasses carry `bridge: true`.
 */
import { vertexId } from './block-grid.js';
import type { City } from './city.js';
import { type Feature, feature } from './geojson.js';
import { kmToLngLat, type Point } from './geometry.js';
import { crossesPolyline } from './polyline.js';

/** Streets are arterials every this many streets. */
export const ARTERIAL_EVERY = 8;

/** Counts of the roads file. */
export interface RoadCounts {
  /** LineString features. */
  features: number;
  /** Street segments (block edges) kept. */
  segments: number;
  /** Segments that cross the river (bridges). */
  bridges: number;
  /** Segments that cross the expressway (overpasses). */
  overpasses: number;
}

/**
 * Street features of a city (see the module doc), deterministic for the city.
 * @example const { features, counts } = roadFeatures(buildDemo(2025).city);
 */
export function roadFeatures(city: City): { features: Feature[]; counts: RoadCounts } {
  const g = city.grid;
  const { nu, nv } = g;
  const isLand = (i: number, j: number) => i >= 0 && j >= 0 && i < nu && j < nv && city.land[j * nu + i] === 0;
  const pt = (v: number): Point => [g.vx[v]!, g.vy[v]!];
  // Segment k: horizontal (i, j)→(i+1, j) for k < H, vertical (i, j)→(i, j+1) after.
  const H = nu * (nv + 1);
  const V = (nu + 1) * nv;
  const ends = (k: number): [number, number] =>
    k < H
      ? [vertexId(g, k % nu, Math.floor(k / nu)), vertexId(g, (k % nu) + 1, Math.floor(k / nu))]
      : [
          vertexId(g, (k - H) % (nu + 1), Math.floor((k - H) / (nu + 1))),
          vertexId(g, (k - H) % (nu + 1), Math.floor((k - H) / (nu + 1)) + 1),
        ];
  const exists = new Uint8Array(H + V);
  for (let j = 0; j <= nv; j++) for (let i = 0; i < nu; i++) exists[j * nu + i] = isLand(i, j - 1) || isLand(i, j) ? 1 : 0;
  for (let j = 0; j < nv; j++) for (let i = 0; i <= nu; i++) exists[H + j * (nu + 1) + i] = isLand(i - 1, j) || isLand(i, j) ? 1 : 0;
  const kind = new Uint8Array(H + V); // 0 street, 1 bridge, 2 overpass
  for (const barrier of city.barriers) {
    const crossing: number[] = [];
    for (let k = 0; k < H + V; k++) {
      if (!exists[k]) continue;
      const [a, b] = ends(k);
      if (crossesPolyline(pt(a), pt(b), barrier.line)) {
        crossing.push(k);
        exists[k] = 0;
      }
    }
    for (const c of barrier.crossings) {
      let best = -1;
      let bestD = Infinity;
      for (const k of crossing) {
        const [a, b] = ends(k);
        const d = Math.hypot((g.vx[a]! + g.vx[b]!) / 2 - c[0], (g.vy[a]! + g.vy[b]!) / 2 - c[1]);
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      }
      if (best >= 0) {
        exists[best] = 1;
        kind[best] = barrier.kind === 'river' ? 1 : 2;
      }
    }
  }
  const features: Feature[] = [];
  const counts: RoadCounts = { features: 0, segments: 0, bridges: 0, overpasses: 0 };
  const emit = (name: string, arterial: boolean, bridge: boolean, verts: number[]) => {
    features.push(
      feature(
        { name, highway: arterial ? 'primary' : 'residential', ...(bridge ? { bridge: true } : {}) },
        { type: 'LineString', coordinates: verts.map((v) => kmToLngLat(pt(v))) },
      ),
    );
  };
  /** Walks one street (a run of segment ids in order), splitting at gaps and around bridges. */
  const street = (name: string, arterial: boolean, segs: number[]) => {
    let run: number[] = [];
    const flush = () => {
      if (run.length > 1) emit(name, arterial, false, run);
      run = [];
    };
    for (const k of segs) {
      if (!exists[k]) {
        flush();
        continue;
      }
      counts.segments++;
      const [a, b] = ends(k);
      if (kind[k]) {
        flush();
        emit(name, arterial, true, [a, b]);
        if (kind[k] === 1) counts.bridges++;
        else counts.overpasses++;
        continue;
      }
      if (run.length === 0) run.push(a);
      run.push(b);
    }
    flush();
  };
  for (let j = 0; j <= nv; j++)
    street(
      city.streets.eastWest[j] ?? `Street ${j}`,
      j % ARTERIAL_EVERY === 0,
      Array.from({ length: nu }, (_, i) => j * nu + i),
    );
  for (let i = 0; i <= nu; i++)
    street(
      city.streets.northSouth[i] ?? `Avenue ${i}`,
      i % ARTERIAL_EVERY === 0,
      Array.from({ length: nv }, (_, j) => H + j * (nu + 1) + i),
    );
  counts.features = features.length;
  return { features, counts };
}
