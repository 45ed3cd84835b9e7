/**
 * Writing GeoJSON as stable text: one feature per line (readable diffs, easy to grep),
 * properties in the order given, coordinates already rounded by the caller.
 */

import type { PolygonRings } from './block-grid.js';
import type { Point } from './geometry.js';

/** A GeoJSON geometry the demo files use. */
export type Geometry =
  | { type: 'Point'; coordinates: Point }
  | { type: 'LineString'; coordinates: Point[] }
  | { type: 'Polygon'; coordinates: Point[][] }
  | { type: 'MultiPolygon'; coordinates: Point[][][] };

/** A GeoJSON feature with plain JSON properties. */
export interface Feature {
  type: 'Feature';
  properties: Record<string, string | number | boolean | null>;
  geometry: Geometry;
}

/** A feature from properties and geometry. */
export function feature(properties: Feature['properties'], geometry: Geometry): Feature {
  return { type: 'Feature', properties, geometry };
}

/** Polygon when there is one part, MultiPolygon otherwise. @throws Error on zero parts */
export function polygonGeometry(parts: PolygonRings[]): Geometry {
  if (parts.length === 0) throw new Error('polygonGeometry: no parts');
  return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
}

/**
 * Serialises a FeatureCollection: `{"type":"FeatureCollection",` + optional foreign members
 * + one feature per line. Ends with a newline.
 */
export function featureCollectionText(features: Feature[], members: Record<string, unknown> = {}): string {
  const head = JSON.stringify({ type: 'FeatureCollection', ...members }).slice(0, -1);
  return `${head},"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}
