/**
 * Third-party checks of output polygons (turf only: python shapely is not on this machine):
 * validity, RFC 7946 winding, coordinate precision, and "this outline is the union of those
 * polygons" by area and symmetric difference.
 */
import { area, booleanClockwise, booleanValid, difference, featureCollection, intersect, union } from '@turf/turf';

// GeoJSON shapes, structurally (the test project has no @types/geojson)
type Position = number[];
interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}
interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
interface Feature<G> {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: G;
}
type Areal = Polygon | MultiPolygon;

const partsOf = (g: Areal): Position[][][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);
const feature = (g: Areal): Feature<Areal> => ({ type: 'Feature', properties: {}, geometry: g });

/**
 * Problems of a (Multi)Polygon, empty when valid: every part passes turf `booleanValid`, and
 * no two parts share interior (their intersection has no area above 1e-3 m²). The parts are
 * checked one by one because turf's MultiPolygon check rejects parts that only touch at a
 * point (OGC-valid: its `booleanCrosses` counts the touch as a cross).
 */
export function validityProblems(g: Areal): string[] {
  const problems: string[] = [];
  const parts = partsOf(g);
  parts.forEach((rings, i) => {
    if (!booleanValid({ type: 'Polygon', coordinates: rings })) problems.push(`part ${i} fails booleanValid`);
  });
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const x = intersect(
        featureCollection([feature({ type: 'Polygon', coordinates: parts[i]! }), feature({ type: 'Polygon', coordinates: parts[j]! })]),
      );
      if (x && area(x) > 1e-3) problems.push(`parts ${i} and ${j} overlap by ${area(x).toFixed(3)} m²`);
    }
  }
  return problems;
}

/** RFC 7946 winding: every outer ring counter-clockwise, every hole clockwise. */
export function rfc7946Wound(g: Areal): boolean {
  return partsOf(g).every((rings) => rings.every((ring, r) => booleanClockwise(ring) === r > 0));
}

/** The largest number of decimals written in any coordinate (as JSON would write it). */
export function maxDecimals(g: Areal): number {
  let max = 0;
  for (const rings of partsOf(g))
    for (const ring of rings) for (const p of ring) for (const x of p) max = Math.max(max, (String(x).split('.')[1] ?? '').length);
  return max;
}

/** Area in m² of the symmetric difference of two areal geometries (turf `difference` both ways). */
export function symmetricDifferenceM2(a: Areal, b: Areal): number {
  const ab = difference(featureCollection([feature(a), feature(b)]));
  const ba = difference(featureCollection([feature(b), feature(a)]));
  return (ab ? area(ab) : 0) + (ba ? area(ba) : 0);
}

/** turf `union` of polygons (one polygon is returned as it is). */
export function unionOfGeometries(gs: readonly Areal[]): Areal {
  if (gs.length === 1) return gs[0]!;
  return union(featureCollection(gs.map(feature)))!.geometry;
}

/** `g` with every coordinate rounded to `decimals` (no cleaning). */
export function roundedGeometry(g: Areal, decimals = 6): Areal {
  const f = 10 ** decimals;
  const coordinates = partsOf(g).map((rings) =>
    rings.map((ring) => ring.map(([x, y]) => [Math.round(x! * f) / f, Math.round(y! * f) / f])),
  );
  return { type: 'MultiPolygon', coordinates };
}
