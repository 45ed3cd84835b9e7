/**
 * The few GeoJSON (RFC 7946) types the map uses, `[lng, lat]` positions. Kept local because
 * `@types/geojson` is not a dependency of this package.
 */

/** `[lng, lat]` in degrees. */
export type Position = [number, number, ...number[]];

/** A Polygon: rings of positions, the first the outer ring, each closed. */
export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}

/** A Point. */
export interface Point {
  type: 'Point';
  coordinates: Position;
}

/** A LineString. */
export interface LineString {
  type: 'LineString';
  coordinates: Position[];
}

/** A MultiPolygon. */
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

/** Any geometry the map draws. */
export type Geometry = Point | Polygon | LineString | MultiPolygon;

/** A Feature with typed geometry and properties. */
export interface Feature<G extends Geometry = Geometry, P = Record<string, unknown>> {
  type: 'Feature';
  id?: number | string;
  properties: P;
  geometry: G;
}

/** A FeatureCollection. */
export interface FeatureCollection<G extends Geometry = Geometry, P = Record<string, unknown>> {
  type: 'FeatureCollection';
  features: Array<Feature<G, P>>;
}
