/**
 * Community access: a meeting place per beat (CAPS-style beat meetings) chosen among
 * candidate venues to minimise the residents' walking time.
 */
import type { Feature, FeatureCollection, Point, Position } from 'geojson';
import { BeatplanError, throwIfAborted } from '../errors.js';
import { approxDistanceKm } from '../geo/measure.js';
import type { Grid } from '../grid/grid.js';
import { pointToCellLocator } from '../grid/locate.js';
import { MinHeap } from '../min-heap.js';
import type { BeatPlan } from '../plan/types.js';
import { type RoadNetwork, snapToRoads } from './roads.js';
import { barrierExcessKm, csrShortestPaths, graphDistancesKm, meanEdgeKm, travelEdgeKm } from './travel.js';

/** Candidate venues: GeoJSON points (Feature(Collection) of Points) or bare `[lng, lat]` positions. */
export type VenuesLike = FeatureCollection<Point> | ReadonlyArray<Feature<Point>> | ReadonlyArray<Position>;

/** Options of {@link chooseMeetingPlaces}. */
export interface MeetingPlaceOptions {
  /** Walking speed, km/h (default 4.8). */
  walkSpeedKmh?: number;
  /** Walking path over straight-line distance (default 1.3). */
  detourFactor?: number;
  /** Walk counted as "close", minutes (default 15). */
  maxWalkMinutes?: number;
  /** Property of a venue feature holding its id (default `"id"`, then `feature.id`, then the index). */
  idProperty?: string;
  /** Choose among venues inside the beat when there is one (default true). */
  preferInside?: boolean;
  /** Venues weighed for a beat without one inside: the nearest this many (default 10). */
  maxCandidates?: number;
  /** Walks that must go round a barrier are found by a Dijkstra up to this path length, km (default 6). */
  barrierSearchKm?: number;
  /**
   * Walk along these roads (`--roads`): shortest path length on the road graph from the venue's
   * nearest road node to each cell's (both snapped to the largest connected piece of roads),
   * plus the legs off the road (straight line × detour). Footways are not in the road graph, so
   * walks follow the driveable streets.
   */
  roads?: RoadNetwork;
  signal?: AbortSignal;
}

/** The meeting place of one beat. */
export interface BeatMeetingPlace {
  readonly id: string;
  /** Index of the chosen venue in the input, or null when the beat has no candidate. */
  readonly venue: number | null;
  readonly venueId: string | number | null;
  /** `[lng, lat]` of the venue. */
  readonly position: Position | null;
  /** True when the venue lies in one of the beat's cells. */
  readonly inside: boolean;
  /** Residents of the beat. */
  readonly residents: number;
  /** Population-weighted mean walk to the venue, minutes (area-weighted without residents). */
  readonly meanWalkMinutes: number | null;
  /** Share of the beat's residents within `maxWalkMinutes` of the venue (null without residents). */
  readonly shareWithinWalk: number | null;
}

/** What {@link chooseMeetingPlaces} returns (plain JSON). */
export interface MeetingPlaces {
  readonly beats: readonly BeatMeetingPlace[];
  /** City-wide: residents, their mean walk and share within `maxWalkMinutes`. */
  readonly city: { readonly residents: number; readonly meanWalkMinutes: number | null; readonly shareWithinWalk: number | null };
  readonly maxWalkMinutes: number;
  /** Beats whose venue lies outside the beat (no candidate inside). */
  readonly beatsWithoutVenueInside: number;
  /** How a walk is measured: along the roads or by the straight-line rule, at what speed and detour. */
  readonly assumptions: {
    readonly walk: string;
    /** Walking speed, km/h. */
    readonly speedKmh: number;
    /** Walked over straight-line distance (with roads: of the legs between a place and its road node). */
    readonly detourFactor: number;
  };
}

interface Venue {
  lng: number;
  lat: number;
  id: string | number | null;
}

function venuesOf(input: VenuesLike, idProperty: string): Venue[] {
  const list: unknown[] = Array.isArray(input)
    ? input
    : (input as FeatureCollection)?.type === 'FeatureCollection'
      ? (input as FeatureCollection).features
      : [];
  if (!Array.isArray(input) && (input as FeatureCollection)?.type !== 'FeatureCollection') {
    throw new BeatplanError('INVALID_GEOMETRY', 'venues must be a FeatureCollection of Points or a list of [lng, lat]', {
      field: 'venues',
    });
  }
  return list.map((v, row) => {
    let pos: unknown;
    let id: string | number | null = row;
    if (Array.isArray(v)) pos = v;
    else {
      const f = v as Feature;
      if (f?.geometry?.type !== 'Point')
        throw new BeatplanError('INVALID_GEOMETRY', 'a venue must be a Point', { field: 'venues', row, value: f?.geometry?.type });
      pos = f.geometry.coordinates;
      const p = f.properties?.[idProperty];
      id = typeof p === 'string' || typeof p === 'number' ? p : (f.id ?? row);
    }
    const [lng, lat] = pos as number[];
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lat!) > 90 || Math.abs(lng!) > 180) {
      throw new BeatplanError('INVALID_GEOMETRY', 'a venue needs a finite [lng, lat]', { field: 'venues', row, value: pos });
    }
    return { lng: lng!, lat: lat!, id };
  });
}

/**
 * Chooses each beat's meeting place: the candidate venue that minimises the
 * population-weighted walking time of the beat's residents (cell centres to venue,
 * straight line × detour at walking speed, plus the detour round barriers as in
 * `cellTravelMinutes`; with `roads`, along the road graph at walking speed). Candidates are the venues inside the beat when it has any, else the
 * `maxCandidates` venues nearest to its residents' centroid. Beats without residents are
 * weighed by area.
 * @param population residents per cell (e.g. `scores.population`)
 * @param venues GeoJSON points, `[lng, lat]`
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT`, `INVALID_GEOMETRY`, `ABORTED`
 * @example chooseMeetingPlaces(grid, plan, scores.population, venuesGeojson).beats[0].venueId
 */
export function chooseMeetingPlaces(
  grid: Grid,
  plan: BeatPlan,
  population: ArrayLike<number>,
  venues: VenuesLike,
  options: MeetingPlaceOptions = {},
): MeetingPlaces {
  const n = grid.cellCount;
  if (plan.cellCount !== n || plan.resolution !== grid.resolution)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the plan does not fit the grid', { field: 'plan', value: plan.cellCount });
  if (population.length !== n)
    throw new BeatplanError('BAD_INPUT', 'population needs one value per cell', { field: 'population', value: population.length });
  const speed = positive(options.walkSpeedKmh ?? 4.8, 'walkSpeedKmh');
  const detour = positive(options.detourFactor ?? 1.3, 'detourFactor');
  const maxWalk = positive(options.maxWalkMinutes ?? 15, 'maxWalkMinutes');
  const maxCand = Math.max(1, Math.floor(options.maxCandidates ?? 10));
  const searchKm = positive(options.barrierSearchKm ?? 6, 'barrierSearchKm');
  const preferInside = options.preferInside ?? true;
  const vs = venuesOf(venues, options.idProperty ?? 'id');
  const locate = pointToCellLocator(grid);
  const venueCell = vs.map((v) => locate(v.lng, v.lat));
  const beats = plan.beatIds.length;
  const cellsOf: number[][] = Array.from({ length: beats }, () => []);
  for (let i = 0; i < n; i++) if (plan.beatOfCell[i]! >= 0) cellsOf[plan.beatOfCell[i]!]!.push(i);
  const insideOf: number[][] = Array.from({ length: beats }, () => []);
  vs.forEach((_, k) => {
    const c = venueCell[k]!;
    if (c >= 0 && plan.beatOfCell[c]! >= 0) insideOf[plan.beatOfCell[c]!]!.push(k);
  });
  const edgeKm = travelEdgeKm(grid);
  const slack = meanEdgeKm(edgeKm);
  const dist = new Float64Array(n);
  const road = options.roads ? walkOnRoads(options.roads, grid, vs) : undefined;
  const out: BeatMeetingPlace[] = [];
  let cityRes = 0;
  let cityWalk = 0;
  let cityWithin = 0;
  let outside = 0;
  for (let b = 0; b < beats; b++) {
    throwIfAborted(options.signal);
    const cells = cellsOf[b]!;
    let residents = 0;
    for (const i of cells) residents += Math.max(0, population[i]!);
    const weight = (i: number): number => (residents > 0 ? Math.max(0, population[i]!) : grid.areaKm2[i]!);
    let candidates = preferInside && insideOf[b]!.length > 0 ? insideOf[b]! : [];
    if (candidates.length === 0 && cells.length > 0) {
      let wx = 0;
      let wy = 0;
      let wt = 0;
      for (const i of cells) {
        wt += weight(i);
        wx += weight(i) * grid.lng[i]!;
        wy += weight(i) * grid.lat[i]!;
      }
      const cx = wx / wt;
      const cy = wy / wt;
      candidates = vs
        .map((v, k) => [approxDistanceKm(cx, cy, v.lng, v.lat), k] as const)
        .sort((p, q) => p[0] - q[0] || p[1] - q[1])
        .slice(0, maxCand)
        .map((p) => p[1]);
    }
    let best = -1;
    let bestCost = Infinity;
    let bestWithin = 0;
    for (const k of candidates) {
      const v = vs[k]!;
      const c = venueCell[k]!;
      if (road) csrShortestPaths(road.net.offsets, road.net.targets, road.edgeKm, road.venueNode[k]!, Infinity, road.dist, road.heap);
      else if (c >= 0) graphDistancesKm(grid, c, edgeKm, searchKm, dist);
      let cost = 0;
      let within = 0;
      let wt = 0;
      for (const i of cells) {
        const d = approxDistanceKm(v.lng, v.lat, grid.lng[i]!, grid.lat[i]!);
        const onRoad = road ? road.dist[road.cellNode[i]!]! : Infinity;
        let km: number;
        if (onRoad < Infinity) km = onRoad + detour * (road!.cellKm[i]! + road!.venueKm[k]!);
        else
          km =
            detour * (d + (!road && c >= 0 && grid.component[i] === grid.component[c] ? barrierExcessKm(dist[i]!, d, searchKm, slack) : 0));
        const m = (km / speed) * 60;
        const w = weight(i);
        cost += w * m;
        wt += w;
        if (m <= maxWalk) within += w;
      }
      cost = wt > 0 ? cost / wt : 0;
      if (cost < bestCost - 1e-12) {
        bestCost = cost;
        best = k;
        bestWithin = wt > 0 ? within / wt : 0;
      }
    }
    const inside = best >= 0 && venueCell[best]! >= 0 && plan.beatOfCell[venueCell[best]!] === b;
    if (!inside && cells.length > 0) outside++;
    out.push({
      id: plan.beatIds[b]!,
      venue: best >= 0 ? best : null,
      venueId: best >= 0 ? vs[best]!.id : null,
      position: best >= 0 ? [vs[best]!.lng, vs[best]!.lat] : null,
      inside,
      residents: round(residents),
      meanWalkMinutes: best >= 0 ? round(bestCost) : null,
      shareWithinWalk: best >= 0 && residents > 0 ? round(bestWithin) : null,
    });
    if (best >= 0 && residents > 0) {
      cityRes += residents;
      cityWalk += residents * bestCost;
      cityWithin += residents * bestWithin;
    }
  }
  return {
    beats: out,
    city: {
      residents: round(cityRes),
      meanWalkMinutes: cityRes > 0 ? round(cityWalk / cityRes) : null,
      shareWithinWalk: cityRes > 0 ? round(cityWithin / cityRes) : null,
    },
    maxWalkMinutes: maxWalk,
    beatsWithoutVenueInside: outside,
    assumptions: {
      walk: road
        ? 'along the road graph: shortest street length between the road nodes nearest to the venue and to the cell, plus both off-road legs (straight line × detour)'
        : 'straight line × detour, plus detours around barriers (rivers, expressways) on the cell graph',
      speedKmh: speed,
      detourFactor: detour,
    },
  };
}

/** Road graph for walks: edge lengths (km), every cell and venue snapped to its nearest road node. */
function walkOnRoads(net: RoadNetwork, grid: Grid, vs: readonly Venue[]) {
  const edgeKm = new Float64Array(net.targets.length);
  for (let v = 0; v < net.nodeCount; v++) {
    for (let e = net.offsets[v]!; e < net.offsets[v + 1]!; e++)
      edgeKm[e] = approxDistanceKm(net.lng[v]!, net.lat[v]!, net.lng[net.targets[e]!]!, net.lat[net.targets[e]!]!);
  }
  const cells = snapToRoads(net, grid.lng, grid.lat);
  const venues = snapToRoads(
    net,
    vs.map((v) => v.lng),
    vs.map((v) => v.lat),
  );
  return {
    net,
    edgeKm,
    cellNode: cells.node,
    cellKm: cells.km,
    venueNode: venues.node,
    venueKm: venues.km,
    dist: new Float64Array(net.nodeCount),
    heap: new MinHeap(1024),
  };
}

function positive(v: number, field: string): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new BeatplanError('BAD_INPUT', `${field} must be a finite number > 0`, { field, value: v });
  return v;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
