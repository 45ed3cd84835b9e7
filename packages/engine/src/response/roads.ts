/**
 * Travel on roads: a road graph from GeoJSON lines, and atom-to-atom travel minutes on it for
 * the response model (`estimateResponse`), the simulation and anything else that takes a
 * {@link TravelModel}.
 *
 * Graph: every vertex of every LineString / MultiLineString is a node; vertices with the same
 * coordinates (to 1e-7°) are one node, so roads connect where they share a vertex (a
 * crossing without a shared vertex — a bridge over a road — does not connect). Each segment is
 * an edge in both directions (one-way streets are not modelled) taking length ÷ speed.
 *
 * Speed of a road, km/h, first of: a numeric `speed_kmh` property; `maxspeed` (a number, or
 * "30 mph" style text, converted); the road class in `highway`, `class`, `fclass` or `type`
 * looked up in {@link DEFAULT_ROAD_SPEEDS_KMH}; else {@link DEFAULT_ROAD_SPEED_KMH}. Classes for
 * people on foot or bicycles (footway, path, cycleway, steps, pedestrian, bridleway) are left out.
 *
 * Travel minutes from atom a to atom b = access(a) + shortest road time between the road nodes
 * nearest to their centre cells + access(b), where access = the straight distance from the
 * cell centre to its road node × the detour factor at {@link ACCESS_SPEED_KMH}; inside one atom
 * the trip is the atom's RMS spread √(2·s²) × detour at the access speed. Cells snap only to
 * nodes of the largest connected piece of the network. Pairs the network cannot join keep the
 * straight-line rule of `travel.ts`.
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import { approxDistanceKm } from '../geo/measure.js';
import { connectedComponents } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { MinHeap } from '../min-heap.js';
import { atomDistanceKm, csrShortestPaths, type TravelModel } from './travel.js';

/** Speed by road class, km/h (OpenStreetMap `highway` values and their Geofabrik `fclass` twins). */
export const DEFAULT_ROAD_SPEEDS_KMH: Readonly<Record<string, number>> = {
  motorway: 90,
  motorway_link: 50,
  trunk: 70,
  trunk_link: 40,
  primary: 50,
  primary_link: 40,
  secondary: 45,
  secondary_link: 35,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  road: 30,
  living_street: 15,
  service: 20,
  track: 15,
};

/** Speed of a road with no speed and no known class, km/h. */
export const DEFAULT_ROAD_SPEED_KMH = 30;

/** Speed from a cell centre to its nearest road node (and inside one atom), km/h. */
export const ACCESS_SPEED_KMH = 20;

/** Road classes left out of the driving network. */
const NOT_DRIVEABLE = new Set(['footway', 'path', 'cycleway', 'steps', 'pedestrian', 'bridleway', 'corridor', 'elevator']);

/** A road graph in CSR form (both directions of every segment). */
export interface RoadNetwork {
  readonly nodeCount: number;
  readonly lng: Float64Array;
  readonly lat: Float64Array;
  /** Edges of node v: `offsets[v]..offsets[v+1]`. */
  readonly offsets: Uint32Array;
  readonly targets: Uint32Array;
  /** Minutes to drive each edge. */
  readonly minutes: Float64Array;
  /** Connected piece of each node (0 = the largest; `connectedComponents` of the grid code). */
  readonly component: Uint32Array;
  /** Road length, km (each segment once). */
  readonly lengthKm: number;
  /** How speeds were found: segments by source. */
  readonly speedSources: { readonly speedKmh: number; readonly maxspeed: number; readonly roadClass: number; readonly default: number };
  /** Features left out (not lines, not driveable, or without a usable vertex pair). */
  readonly skippedFeatures: number;
}

/** Options of {@link roadNetworkFromGeojson}. */
export interface RoadNetworkOptions {
  /** Speed by class (merged over {@link DEFAULT_ROAD_SPEEDS_KMH}). */
  speedsKmh?: Readonly<Record<string, number>>;
  /** Speed of roads without speed or known class (default {@link DEFAULT_ROAD_SPEED_KMH}). */
  defaultSpeedKmh?: number;
  /** File name for messages (default "roads"). */
  source?: string;
}

/** A speed property that is given but is no speed (≤ 0, not a number): an error naming the feature. */
function badSpeed(source: string, k: number, key: string, value: unknown): BeatplanError {
  return new BeatplanError(
    'BAD_INPUT',
    `${source}: feature ${k} has ${key} ${JSON.stringify(value)}; a road speed must be a number > 0 km/h`,
    {
      field: `${source}.features.${k}.properties.${key}`,
      row: k,
      value: JSON.stringify(value),
    },
  );
}

function speedOfProps(
  props: Record<string, unknown> | null | undefined,
  table: Readonly<Record<string, number>>,
  dflt: number,
  source: string,
  k: number,
): { speed: number; from: 'speedKmh' | 'maxspeed' | 'roadClass' | 'default' } | null {
  const p = props ?? {};
  if (p.speed_kmh !== undefined && p.speed_kmh !== null && p.speed_kmh !== '') {
    const direct = typeof p.speed_kmh === 'number' || typeof p.speed_kmh === 'string' ? Number(p.speed_kmh) : NaN;
    if (!(direct > 0) || !Number.isFinite(direct)) throw badSpeed(source, k, 'speed_kmh', p.speed_kmh);
    return { speed: direct, from: 'speedKmh' };
  }
  const ms = p.maxspeed;
  if (typeof ms === 'number') {
    if (!(ms > 0) || !Number.isFinite(ms)) throw badSpeed(source, k, 'maxspeed', ms);
    return { speed: ms, from: 'maxspeed' };
  }
  if (typeof ms === 'string') {
    // OSM words ("none", "signals", "walk") fall through to the road class; a number ≤ 0 is an error.
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(mph|km\/h|kmh|kph)?\s*$/i.exec(ms);
    if (m && !(Number(m[1]) > 0)) throw badSpeed(source, k, 'maxspeed', ms);
    if (m) return { speed: Number(m[1]) * (m[2]?.toLowerCase() === 'mph' ? 1.609344 : 1), from: 'maxspeed' };
  }
  for (const key of ['highway', 'class', 'fclass', 'type']) {
    const c = p[key];
    if (typeof c !== 'string') continue;
    const cls = c.toLowerCase();
    if (NOT_DRIVEABLE.has(cls)) return null;
    const v = table[cls];
    if (v !== undefined) return { speed: v, from: 'roadClass' };
  }
  return { speed: dflt, from: 'default' };
}

/**
 * Builds the road graph of a GeoJSON FeatureCollection of LineStrings / MultiLineStrings (see
 * the module doc for nodes, edges and speeds).
 * @param geojson parsed GeoJSON (FeatureCollection, Feature or bare geometry)
 * @throws BeatplanError `BAD_INPUT` naming the feature (`roads.features.k`) for a coordinate that
 *   is not a finite longitude/latitude, a `speed_kmh` or numeric `maxspeed` that is not a number
 *   > 0 (`roads.features.k.properties.speed_kmh`), a speed table entry ≤ 0, or a file with no road at all
 * @example const net = roadNetworkFromGeojson(JSON.parse(text)); net.nodeCount
 */
export function roadNetworkFromGeojson(geojson: unknown, options: RoadNetworkOptions = {}): RoadNetwork {
  const source = options.source ?? 'roads';
  const table = { ...DEFAULT_ROAD_SPEEDS_KMH, ...(options.speedsKmh ?? {}) };
  for (const [k, v] of Object.entries(table))
    if (!(v > 0) || !Number.isFinite(v))
      throw new BeatplanError('BAD_INPUT', `road speed of class ${k} must be > 0 km/h`, { field: `speedsKmh.${k}`, value: v });
  const dflt = options.defaultSpeedKmh ?? DEFAULT_ROAD_SPEED_KMH;
  if (!(dflt > 0) || !Number.isFinite(dflt))
    throw new BeatplanError('BAD_INPUT', 'default road speed must be > 0 km/h', { field: 'defaultSpeedKmh', value: dflt });
  const g = geojson as { type?: string; features?: unknown[]; geometry?: unknown; properties?: unknown };
  const features: Array<{ geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null }> =
    g?.type === 'FeatureCollection' && Array.isArray(g.features)
      ? (g.features as never)
      : g?.type === 'Feature'
        ? [g as never]
        : [{ geometry: g as never, properties: {} }];
  const nodeOf = new Map<string, number>(); // build phase only
  const lng: number[] = [];
  const lat: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const mins: number[] = [];
  let lengthKm = 0;
  let skipped = 0;
  const sources = { speedKmh: 0, maxspeed: 0, roadClass: 0, default: 0 };
  const node = (c: unknown, k: number): number => {
    const x = Array.isArray(c) ? Number(c[0]) : NaN;
    const y = Array.isArray(c) ? Number(c[1]) : NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
      throw new BeatplanError('BAD_INPUT', `${source}: feature ${k} has a coordinate that is not a longitude/latitude`, {
        field: `${source}.features.${k}.geometry`,
        row: k,
        value: JSON.stringify(c),
      });
    }
    const key = `${Math.round(x * 1e7)},${Math.round(y * 1e7)}`;
    let id = nodeOf.get(key);
    if (id === undefined) {
      id = lng.length;
      nodeOf.set(key, id);
      lng.push(x);
      lat.push(y);
    }
    return id;
  };
  features.forEach((f, k) => {
    const geom = f?.geometry;
    const lines: unknown[] =
      geom?.type === 'LineString'
        ? [geom.coordinates]
        : geom?.type === 'MultiLineString' && Array.isArray(geom.coordinates)
          ? geom.coordinates
          : [];
    const sp = speedOfProps(f?.properties, table, dflt, source, k);
    if (lines.length === 0 || sp === null) {
      skipped++;
      return;
    }
    let used = false;
    for (const line of lines) {
      if (!Array.isArray(line)) continue;
      let prev = -1;
      for (const c of line) {
        const v = node(c, k);
        if (prev >= 0 && prev !== v) {
          const km = approxDistanceKm(lng[prev]!, lat[prev]!, lng[v]!, lat[v]!);
          from.push(prev);
          to.push(v);
          mins.push((km / sp.speed) * 60);
          lengthKm += km;
          sources[sp.from]++;
          used = true;
        }
        prev = v;
      }
    }
    if (!used) skipped++;
  });
  if (from.length === 0)
    throw new BeatplanError('BAD_INPUT', `${source}: no road (LineString or MultiLineString with two distinct points) in the file`, {
      field: source,
    });
  const n = lng.length;
  const offsets = new Uint32Array(n + 1);
  for (let e = 0; e < from.length; e++) {
    offsets[from[e]! + 1]!++;
    offsets[to[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const targets = new Uint32Array(2 * from.length);
  const minutes = new Float64Array(2 * from.length);
  for (let e = 0; e < from.length; e++) {
    const a = from[e]!;
    const b = to[e]!;
    targets[fill[a]!] = b;
    minutes[fill[a]!++] = mins[e]!;
    targets[fill[b]!] = a;
    minutes[fill[b]!++] = mins[e]!;
  }
  return {
    nodeCount: n,
    lng: Float64Array.from(lng),
    lat: Float64Array.from(lat),
    offsets,
    targets,
    minutes,
    component: connectedComponents(n, offsets, targets).component,
    lengthKm,
    speedSources: sources,
    skippedFeatures: skipped,
  };
}

/**
 * What a road graph left out, as warnings for the output files: features that are not driven
 * (footways, paths, cycleways…, or lines without two distinct points). None when nothing was left out.
 * @example roadNetworkWarnings(net) // ['roads: 3 features left out (not lines, or footways/paths/cycleways)']
 */
export function roadNetworkWarnings(net: RoadNetwork): string[] {
  return net.skippedFeatures > 0 ? [`roads: ${net.skippedFeatures} features left out (not lines, or footways/paths/cycleways)`] : [];
}

/**
 * Nearest node of the largest connected piece for each point, with the distance to it (km).
 * A bucket grid of ~0.25 km over the nodes; rings are searched outwards until no closer node
 * can exist.
 */
export function snapToRoads(net: RoadNetwork, lngs: ArrayLike<number>, lats: ArrayLike<number>): { node: Int32Array; km: Float64Array } {
  let lat0 = 0;
  let count = 0;
  for (let v = 0; v < net.nodeCount; v++)
    if (net.component[v] === 0) {
      lat0 += net.lat[v]!;
      count++;
    }
  lat0 /= count;
  const kx = (Math.PI / 180) * 6371.0088 * Math.cos((lat0 * Math.PI) / 180);
  const ky = (Math.PI / 180) * 6371.0088;
  const cell = 0.25;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < net.nodeCount; v++) {
    if (net.component[v] !== 0) continue;
    const x = net.lng[v]! * kx;
    const y = net.lat[v]! * ky;
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  const nx = Math.max(1, Math.ceil((maxX - minX) / cell) + 1);
  const ny = Math.max(1, Math.ceil((maxY - minY) / cell) + 1);
  const bucketOffsets = new Uint32Array(nx * ny + 1);
  const bucketOf = (x: number, y: number): number =>
    Math.min(ny - 1, Math.max(0, Math.floor((y - minY) / cell))) * nx + Math.min(nx - 1, Math.max(0, Math.floor((x - minX) / cell)));
  for (let v = 0; v < net.nodeCount; v++) if (net.component[v] === 0) bucketOffsets[bucketOf(net.lng[v]! * kx, net.lat[v]! * ky) + 1]!++;
  for (let b = 0; b < nx * ny; b++) bucketOffsets[b + 1]! += bucketOffsets[b]!;
  const fill = bucketOffsets.slice(0, nx * ny);
  const bucketNodes = new Int32Array(count);
  for (let v = 0; v < net.nodeCount; v++)
    if (net.component[v] === 0) bucketNodes[fill[bucketOf(net.lng[v]! * kx, net.lat[v]! * ky)]!++] = v;
  const m = lngs.length;
  const nodeOut = new Int32Array(m);
  const kmOut = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = lngs[i]! * kx;
    const y = lats[i]! * ky;
    const bx = Math.min(nx - 1, Math.max(0, Math.floor((x - minX) / cell)));
    const by = Math.min(ny - 1, Math.max(0, Math.floor((y - minY) / cell)));
    // Distance from the point to the bucket grid (points outside it start further away).
    const outside = Math.max(0, minX - x, x - maxX, minY - y, y - maxY);
    let best = Infinity;
    let bestNode = -1;
    for (let r = 0; r <= Math.max(nx, ny); r++) {
      if (bestNode >= 0 && (r - 1) * cell + outside > Math.sqrt(best)) break;
      for (let yy = by - r; yy <= by + r; yy++) {
        if (yy < 0 || yy >= ny) continue;
        const edgeRow = yy === by - r || yy === by + r;
        for (let xx = bx - r; xx <= bx + r; xx += edgeRow ? 1 : 2 * r || 1) {
          if (xx < 0 || xx >= nx) continue;
          const b = yy * nx + xx;
          for (let e = bucketOffsets[b]!; e < bucketOffsets[b + 1]!; e++) {
            const v = bucketNodes[e]!;
            const dx = net.lng[v]! * kx - x;
            const dy = net.lat[v]! * ky - y;
            const d2 = dx * dx + dy * dy;
            if (d2 < best || (d2 === best && v < bestNode)) {
              best = d2;
              bestNode = v;
            }
          }
        }
      }
    }
    nodeOut[i] = bestNode;
    kmOut[i] = Math.sqrt(best);
  }
  return { node: nodeOut, km: kmOut };
}

/** Options of {@link withRoads}. */
export interface WithRoadsOptions {
  /** Off-road detour factor for the access legs (default 1.3). */
  detourFactor?: number;
  signal?: AbortSignal;
}

/**
 * A travel model with road travel times: the same atoms as `travel`, plus `roadMinutes`
 * (atom → atom, row-major J × J) by the rule of the module doc. One Dijkstra per atom over the
 * road graph (binary heap, typed arrays).
 * @throws BeatplanError `ABORTED`
 * @example const travel = withRoads(buildTravelModel(grid, plan), grid, roadNetworkFromGeojson(json));
 */
export function withRoads(travel: TravelModel, grid: Grid, net: RoadNetwork, options: WithRoadsOptions = {}): TravelModel {
  const J = travel.atomCount;
  const detour = options.detourFactor ?? 1.3;
  const cellLng = new Float64Array(J);
  const cellLat = new Float64Array(J);
  for (let a = 0; a < J; a++) {
    const c = travel.centreCellOfAtom[a]!;
    cellLng[a] = grid.lng[c]!;
    cellLat[a] = grid.lat[c]!;
  }
  const snap = snapToRoads(net, cellLng, cellLat);
  const accessMin = new Float64Array(J);
  for (let a = 0; a < J; a++) accessMin[a] = ((snap.km[a]! * detour) / ACCESS_SPEED_KMH) * 60;
  const out = new Float32Array(J * J);
  const dist = new Float64Array(net.nodeCount);
  const heap = new MinHeap(net.nodeCount);
  let unreached = 0;
  for (let a = 0; a < J; a++) {
    if ((a & 31) === 0) throwIfAborted(options.signal);
    csrShortestPaths(net.offsets, net.targets, net.minutes, snap.node[a]!, Infinity, dist, heap);
    const row = a * J;
    for (let b = 0; b < J; b++) {
      if (a === b) {
        out[row + b] = ((Math.sqrt(2 * travel.spreadKm2[a]!) * detour) / ACCESS_SPEED_KMH) * 60;
        continue;
      }
      const d = dist[snap.node[b]!]!;
      if (d === Infinity) unreached++;
      out[row + b] = accessMin[a]! + d + accessMin[b]!;
    }
  }
  return { ...travel, roadMinutes: out, roadUnreachedPairs: unreached, roadSnapKm: snap.km };
}

/**
 * Travel minutes from a unit placed in atom `from` (of beat `beatOfUnit`) to a call in atom
 * `to`: the road time when the model has roads (see {@link withRoads}), else the straight-line
 * rule of `travel.ts`, `atomDistanceKm × minPerKm` (minPerKm = detour ÷ speed × 60).
 */
export function atomTravelMinutes(model: TravelModel, from: number, to: number, beatOfUnit: number, minPerKm: number): number {
  const road = model.roadMinutes;
  if (road) {
    const m = road[from * model.atomCount + to]!;
    if (m !== Infinity) return m;
  }
  return atomDistanceKm(model, from, to, beatOfUnit) * minPerKm;
}
