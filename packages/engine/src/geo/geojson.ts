/**
 * Loose GeoJSON input accepted once at the edge and flattened into the strict shapes the
 * grid works on. Coordinates are `[lng, lat]` in degrees (WGS84), as in RFC 7946.
 * Validation is the one set of checks in `geo/validate.ts`.
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { validateLines, validatePolygons } from './validate.js';

/** Anything that carries areal geometry: a Polygon, MultiPolygon, Feature or FeatureCollection of them. */
export type PolygonLike = Polygon | MultiPolygon | Feature<Polygon | MultiPolygon> | FeatureCollection<Polygon | MultiPolygon>;

/** Line input for barriers: LineString, MultiLineString, or Features / a FeatureCollection of them. */
export type LineLike = Geometry | Feature | FeatureCollection;

/** One polygon as rings of `[lng, lat]` positions; ring 0 is the outer ring. */
export type PolygonRings = Position[][];

/**
 * Flattens polygon input into a list of polygons, each tagged with the index of the feature
 * it came from. Checks the structure (types, numeric coordinates in range, closed rings of at
 * least 4 positions; self-intersection is left to the readers, which check it once).
 * @throws BeatplanError `INVALID_GEOMETRY` naming `what` and the feature index
 */
export function polygonsOf(input: PolygonLike | unknown, what = 'boundary'): Array<{ rings: PolygonRings; feature: number }> {
  const out: Array<{ rings: PolygonRings; feature: number }> = [];
  validatePolygons(input, what, { selfIntersection: false }).features.forEach((f, feature) => {
    if (f.geometry.type === 'Polygon') out.push({ rings: f.geometry.coordinates, feature });
    else for (const rings of f.geometry.coordinates) out.push({ rings, feature });
  });
  return out;
}

/**
 * Flattens line input (LineString, MultiLineString, Features of them) into polylines.
 * @throws BeatplanError `INVALID_GEOMETRY` naming `what` and the feature index
 */
export function linesOf(input: LineLike | unknown, what = 'barriers'): Position[][] {
  const out: Position[][] = [];
  for (const f of validateLines(input, what).features) {
    if (f.geometry.type === 'LineString') out.push(f.geometry.coordinates);
    else out.push(...f.geometry.coordinates);
  }
  return out;
}
