/**
 * Loose GeoJSON input accepted once at the edge and turned into one strict shape.
 * Coordinates are `[lng, lat]` in degrees (WGS84), as in RFC 7946.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { BeatplanError } from '../errors.js';

/** Anything that carries areal geometry: a Polygon, MultiPolygon, Feature or FeatureCollection of them. */
export type PolygonLike =
  | Polygon
  | MultiPolygon
  | Feature<Polygon | MultiPolygon>
  | FeatureCollection<Polygon | MultiPolygon>;

/** Line input for barriers: LineString, MultiLineString, or Features / a FeatureCollection of them. */
export type LineLike = Geometry | Feature | FeatureCollection;

/** One polygon as rings of `[lng, lat]` positions; ring 0 is the outer ring. */
export type PolygonRings = Position[][];

/**
 * Flattens polygon input into a list of polygons, each tagged with the index of the feature
 * it came from. Checks the structure (types, numeric coordinates in range, closed rings of at
 * least 4 positions) and throws `INVALID_GEOMETRY` naming the feature index otherwise.
 */
export function polygonsOf(input: PolygonLike | unknown, what = 'boundary'): Array<{ rings: PolygonRings; feature: number }> {
  const out: Array<{ rings: PolygonRings; feature: number }> = [];
  const visit = (g: unknown, feature: number) => {
    if (!g || typeof g !== 'object') {
      throw new BeatplanError('INVALID_GEOMETRY', `${what}: feature has no geometry`, { row: feature });
    }
    const geom = g as { type?: unknown; coordinates?: unknown };
    if (geom.type === 'Polygon') {
      out.push({ rings: checkPolygon(geom.coordinates, what, feature), feature });
    } else if (geom.type === 'MultiPolygon') {
      if (!Array.isArray(geom.coordinates)) {
        throw new BeatplanError('INVALID_GEOMETRY', `${what}: MultiPolygon without coordinates`, { row: feature });
      }
      for (const p of geom.coordinates) out.push({ rings: checkPolygon(p, what, feature), feature });
    } else {
      throw new BeatplanError('INVALID_GEOMETRY', `${what}: expected Polygon or MultiPolygon`, {
        row: feature,
        value: geom.type,
      });
    }
  };
  const root = input as { type?: unknown; features?: unknown; geometry?: unknown };
  if (root && root.type === 'FeatureCollection' && Array.isArray(root.features)) {
    root.features.forEach((f: { geometry?: unknown }, i: number) => visit(f?.geometry, i));
  } else if (root && root.type === 'Feature') {
    visit(root.geometry, 0);
  } else {
    visit(root, 0);
  }
  if (out.length === 0) throw new BeatplanError('INVALID_GEOMETRY', `${what}: no polygon found`);
  return out;
}

function checkPolygon(coords: unknown, what: string, feature: number): PolygonRings {
  if (!Array.isArray(coords) || coords.length === 0) {
    throw new BeatplanError('INVALID_GEOMETRY', `${what}: polygon has no rings`, { row: feature });
  }
  for (let r = 0; r < coords.length; r++) {
    const ring = coords[r] as unknown;
    if (!Array.isArray(ring) || ring.length < 4) {
      throw new BeatplanError('INVALID_GEOMETRY', `${what}: ring ${r} needs at least 4 positions`, { row: feature });
    }
    for (const p of ring as unknown[]) {
      if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' ||
          !Number.isFinite(p[0]) || !Number.isFinite(p[1]) || Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
        throw new BeatplanError('INVALID_GEOMETRY', `${what}: ring ${r} has an invalid [lng, lat] position`, {
          row: feature,
          value: p,
        });
      }
    }
    const a = ring[0] as number[];
    const b = ring[ring.length - 1] as number[];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      throw new BeatplanError('INVALID_GEOMETRY', `${what}: ring ${r} is not closed (first position != last)`, {
        row: feature,
      });
    }
  }
  return coords as PolygonRings;
}

/** Flattens line input into a list of polylines (arrays of `[lng, lat]`). */
export function linesOf(input: LineLike | unknown, what = 'barriers'): Position[][] {
  const out: Position[][] = [];
  const visit = (g: unknown, feature: number) => {
    const geom = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (!geom || typeof geom !== 'object') return;
    const check = (line: unknown): Position[] => {
      if (!Array.isArray(line) || line.length < 2 ||
          line.some((p) => !Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) {
        throw new BeatplanError('INVALID_GEOMETRY', `${what}: line needs 2+ numeric [lng, lat] positions`, { row: feature });
      }
      return line as Position[];
    };
    if (geom.type === 'LineString') out.push(check(geom.coordinates));
    else if (geom.type === 'MultiLineString' && Array.isArray(geom.coordinates)) geom.coordinates.forEach((l) => out.push(check(l)));
    else if (geom.type === 'Polygon' && Array.isArray(geom.coordinates)) geom.coordinates.forEach((l) => out.push(check(l)));
    else if (geom.type === 'MultiPolygon' && Array.isArray(geom.coordinates)) {
      for (const p of geom.coordinates) if (Array.isArray(p)) p.forEach((l) => out.push(check(l)));
    } else if (geom.type === 'GeometryCollection' && Array.isArray(geom.geometries)) geom.geometries.forEach((x) => visit(x, feature));
    else throw new BeatplanError('INVALID_GEOMETRY', `${what}: expected LineString or MultiLineString`, { row: feature, value: geom.type });
  };
  const root = input as { type?: unknown; features?: unknown; geometry?: unknown };
  if (root && root.type === 'FeatureCollection' && Array.isArray(root.features)) {
    root.features.forEach((f: { geometry?: unknown }, i: number) => visit(f?.geometry, i));
  } else if (root && root.type === 'Feature') visit(root.geometry, 0);
  else visit(root, 0);
  return out;
}
