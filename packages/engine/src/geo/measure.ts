/**
 * Measurements that match `@turf/turf` exactly (same formulas, same earth radius), so that
 * anyone can recompute the engine's figures from `cells.csv` with h3-js and turf.
 */
import { area as turfArea, distance as turfDistance } from '@turf/turf';
import type { Position } from 'geojson';

/** Great-circle (haversine) distance in km between two `[lng, lat]` points, as `turf.distance`. */
export function distanceKm(a: Position, b: Position): number {
  return turfDistance(a, b, { units: 'kilometers' });
}

/** Length in km of a polyline of `[lng, lat]` positions, as `turf.length`. */
export function pathLengthKm(path: readonly Position[]): number {
  let s = 0;
  for (let i = 1; i < path.length; i++) s += distanceKm(path[i - 1]!, path[i]!);
  return s;
}

/** Area in km² of a polygon given as rings of `[lng, lat]`, as `turf.area`. */
export function polygonAreaKm2(rings: Position[][]): number {
  return turfArea({ type: 'Polygon', coordinates: rings }) / 1e6;
}

/** Polsby-Popper compactness 4πA/P² (1 for a disc); 0 when the perimeter is 0. */
export function polsbyPopper(areaKm2: number, perimeterKm: number): number {
  return perimeterKm > 0 ? (4 * Math.PI * areaKm2) / (perimeterKm * perimeterKm) : 0;
}

/**
 * Fast planar distance in km between two points (equirectangular projection at their mean
 * latitude). Good to <0.1% at city scale; for hot loops, never for reported figures.
 */
export function approxDistanceKm(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const k = Math.PI / 180;
  const x = (lng2 - lng1) * Math.cos(((lat1 + lat2) / 2) * k);
  const y = lat2 - lat1;
  return Math.sqrt(x * x + y * y) * k * 6371.0088;
}
