/**
 * Validation of polygon and line GeoJSON (pure: no file system). One ring check serves the
 * boundary, the polygon layers and, through the position check, the barrier lines.
 */
import { kinks } from '@turf/turf';
import type {
  Feature,
  FeatureCollection,
  GeoJsonProperties,
  Geometry,
  LineString,
  MultiLineString,
  MultiPolygon,
  Polygon,
  Position,
} from 'geojson';
import { BeatplanError } from '../errors.js';

/** Polygon or MultiPolygon. */
export type Polygonal = Polygon | MultiPolygon;
/** LineString or MultiLineString. */
export type Lineal = LineString | MultiLineString;

/** One invalid feature: its 0-based index in `features` and what is wrong. */
export interface GeometryProblem {
  readonly feature: number;
  readonly message: string;
}

const MAX_LISTED_PROBLEMS = 5;

/** Options of the ring checks. */
export interface CheckOptions {
  /**
   * Test rings for self-intersection (turf `kinks`, O(n²) per ring). Default true; the grid
   * turns it off for input that a reader has already validated.
   */
  selfIntersection?: boolean;
}

/** What is wrong with one position, or undefined when it is a valid `[lng, lat]` in degrees. */
function positionProblem(p: unknown): string | undefined {
  if (!Array.isArray(p) || p.length < 2) return `position ${preview(p)} is not an array [lng, lat]`;
  const x = p[0];
  const y = p[1];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
    return `position ${preview(p)} has a coordinate that is not a finite number`;
  }
  if (x < -180 || x > 180 || y < -90 || y > 90) {
    const projected = Math.abs(x) > 1000 || Math.abs(y) > 1000;
    return (
      `position [${x}, ${y}] is outside lng −180..180 / lat −90..90` +
      (projected ? ' (projected coordinates? reproject to EPSG:4326 longitude/latitude)' : '')
    );
  }
  return undefined;
}

function preview(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Array.isArray(v) ? '[…] (nested too deeply to show)' : typeof v; // e.g. 10,000 levels of [[[…]]]
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `ring` without consecutive repeated positions (a harmless artefact of many exports). */
function withoutRepeats(ring: Position[]): Position[] {
  let repeats = false;
  for (let i = 1; i < ring.length && !repeats; i++) {
    repeats = ring[i][0] === ring[i - 1][0] && ring[i][1] === ring[i - 1][1];
  }
  if (!repeats) return ring;
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
}

/**
 * The one ring check (polygon exterior and holes): an array of at least 4 valid
 * positions, closed (last = first), at least 3 distinct corners, and not crossing itself
 * (turf `kinks`, after dropping consecutive repeated positions). Rings are never repaired.
 * @param ring Positions `[lng, lat]` in degrees.
 * @returns What is wrong, or undefined when the ring is valid. Never throws.
 * @example
 * ringProblem([[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]) // 'crosses itself at [0.5, 0.5]'
 * ringProblem([[0, 0], [1, 0], [1, 1], [0, 0]])         // undefined
 */
export function ringProblem(ring: unknown, options: CheckOptions = {}): string | undefined {
  if (!Array.isArray(ring)) return `is not an array of positions`;
  for (const p of ring) {
    const bad = positionProblem(p);
    if (bad !== undefined) return bad;
  }
  const r = ring as Position[];
  if (r.length < 4) return `has ${r.length} positions; a ring needs at least 4 (3 corners and the closing position)`;
  const first = r[0];
  const last = r[r.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    return `is not closed: first position [${first[0]}, ${first[1]}] ≠ last [${last[0]}, ${last[1]}]`;
  }
  const dedup = withoutRepeats(r);
  if (dedup.length < 4) return `has fewer than 3 distinct corners`;
  if (options.selfIntersection === false) return undefined;
  // turf's kinks compares every pair of segments (O(n²): minutes for a 100k-vertex ring);
  // large rings go through a bucketed check with the same pair test.
  const crossings =
    dedup.length > LARGE_RING
      ? bucketedKinks(dedup)
      : kinks({ type: 'Polygon', coordinates: [dedup] }).features.map((f) => f.geometry.coordinates);
  if (crossings.length > 0) {
    const [x, y] = crossings[0];
    return `crosses itself at [${x}, ${y}]${crossings.length > 1 ? ` and ${crossings.length - 1} more points` : ''}`;
  }
  return undefined;
}

/** Rings with more positions than this are checked for self-crossings by {@link bucketedKinks}. */
const LARGE_RING = 2000;

/** The crossing point of segments p1p2 and p3p4 (as turf's kinks computes it), or undefined. */
function segmentCrossing(p1: Position, p2: Position, p3: Position, p4: Position): Position | undefined {
  const den = (p4[1] - p3[1]) * (p2[0] - p1[0]) - (p4[0] - p3[0]) * (p2[1] - p1[1]);
  if (den === 0) return undefined;
  const dy = p1[1] - p3[1];
  const dx = p1[0] - p3[0];
  const a = ((p4[0] - p3[0]) * dy - (p4[1] - p3[1]) * dx) / den;
  const b = ((p2[0] - p1[0]) * dy - (p2[1] - p1[1]) * dx) / den;
  if (a < 0 || a > 1 || b < 0 || b > 1) return undefined;
  return [p1[0] + a * (p2[0] - p1[0]), p1[1] + a * (p2[1] - p1[1])];
}

/**
 * Self-crossings of a closed ring like turf's `kinks` (adjacent segments and the first/last
 * pair skipped), but with segments bucketed on a √n × √n grid so that only segments sharing
 * a bucket are compared: about linear for real boundaries instead of quadratic. Stops after
 * 100 crossings.
 */
function bucketedKinks(ring: Position[]): Position[] {
  const m = ring.length - 1; // segments
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of ring) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const g = Math.max(1, Math.ceil(Math.sqrt(m)));
  const w = (maxX - minX) / g || 1;
  const h = (maxY - minY) / g || 1;
  const cell = (v: number, lo: number, size: number) => Math.min(g - 1, Math.max(0, Math.floor((v - lo) / size)));
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < m; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    for (let cx = cell(Math.min(x1, x2), minX, w); cx <= cell(Math.max(x1, x2), minX, w); cx++) {
      for (let cy = cell(Math.min(y1, y2), minY, h); cy <= cell(Math.max(y1, y2), minY, h); cy++) {
        const key = cx * g + cy;
        const list = buckets.get(key);
        if (list) list.push(i);
        else buckets.set(key, [i]);
      }
    }
  }
  const seen = new Set<number>();
  const out: Position[] = [];
  for (const list of buckets.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const i = Math.min(list[a]!, list[b]!);
        const k = Math.max(list[a]!, list[b]!);
        if (k - i === 1 || (i === 0 && k === m - 1)) continue;
        const key = i * m + k;
        if (seen.has(key)) continue;
        seen.add(key);
        const p = segmentCrossing(ring[i]!, ring[i + 1]!, ring[k]!, ring[k + 1]!);
        if (p) {
          out.push(p);
          if (out.length >= 100) return out;
        }
      }
    }
  }
  return out;
}

function polygonRingsProblem(rings: unknown, label: string, options: CheckOptions): string | undefined {
  if (!Array.isArray(rings) || rings.length === 0) return `${label}has no rings`;
  for (let k = 0; k < rings.length; k++) {
    const bad = ringProblem(rings[k], options);
    if (bad !== undefined) return `${label}ring ${k}${k === 0 ? ' (exterior)' : ' (hole)'} ${bad}`;
  }
  return undefined;
}

/** What is wrong with a Polygon/MultiPolygon geometry, or undefined when it is valid. */
export function polygonalProblem(geometry: unknown, options: CheckOptions = {}): string | undefined {
  const g = geometry as Geometry | null | undefined;
  if (g === null || g === undefined) return 'has no geometry';
  if (g.type === 'Polygon') return polygonRingsProblem(g.coordinates, '', options);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'is an empty MultiPolygon';
    for (let k = 0; k < g.coordinates.length; k++) {
      const bad = polygonRingsProblem(g.coordinates[k], `polygon ${k} `, options);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  return `is a ${preview(g.type)}, not a Polygon or MultiPolygon`;
}

function lineProblem(line: unknown, label: string): string | undefined {
  if (!Array.isArray(line)) return `${label}is not an array of positions`;
  for (const p of line) {
    const bad = positionProblem(p);
    if (bad !== undefined) return `${label}${bad}`;
  }
  if (line.length < 2) return `${label}has ${line.length} positions; a line needs at least 2`;
  return undefined;
}

/** What is wrong with a LineString/MultiLineString geometry, or undefined when it is valid. */
export function linealProblem(geometry: unknown): string | undefined {
  const g = geometry as Geometry | null | undefined;
  if (g === null || g === undefined) return 'has no geometry';
  if (g.type === 'LineString') return lineProblem(g.coordinates, '');
  if (g.type === 'MultiLineString') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'is an empty MultiLineString';
    for (let k = 0; k < g.coordinates.length; k++) {
      const bad = lineProblem(g.coordinates[k], `line ${k} `);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  return `is a ${preview(g.type)}, not a LineString or MultiLineString`;
}

/**
 * The features of a FeatureCollection, a single Feature, or a bare geometry (wrapped as a
 * feature), without checking the geometries yet.
 * @throws {BeatplanError} `INVALID_GEOMETRY` when the value is none of these.
 */
export function featuresOf(geojson: unknown, file: string | undefined): Feature<Geometry | null>[] {
  const g = geojson as { type?: unknown; features?: unknown } | null;
  if (g !== null && typeof g === 'object') {
    if (g.type === 'FeatureCollection' && Array.isArray(g.features)) return g.features as Feature<Geometry | null>[];
    if (g.type === 'Feature') return [g as unknown as Feature<Geometry | null>];
    if (typeof g.type === 'string' && 'coordinates' in g) {
      return [{ type: 'Feature', properties: {}, geometry: g as unknown as Geometry }];
    }
  }
  throw new BeatplanError('INVALID_GEOMETRY', 'expected a GeoJSON FeatureCollection, Feature or geometry', {
    file,
    field: 'type',
    value: g !== null && typeof g === 'object' ? g.type : typeof g,
  });
}

/**
 * Checks every feature with `problemOf` and throws one error listing the first few
 * problems (feature indices are 0-based positions in `features`).
 */
function checkFeatures(
  features: readonly Feature<Geometry | null>[],
  problemOf: (geometry: unknown) => string | undefined,
  file: string | undefined,
): void {
  const problems: GeometryProblem[] = [];
  for (let i = 0; i < features.length; i++) {
    const f = features[i] as unknown;
    const bad =
      f === null || typeof f !== 'object' || (f as { type?: unknown }).type !== 'Feature'
        ? 'is not a GeoJSON Feature'
        : problemOf((f as Feature).geometry);
    if (bad !== undefined) problems.push({ feature: i, message: `feature ${i}: ${bad}` });
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => p.message);
    const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    throw new BeatplanError(
      'INVALID_GEOMETRY',
      `${problems.length} invalid feature${problems.length > 1 ? 's' : ''}: ${listed.join('; ')}${more}`,
      { file, field: 'geometry', feature: problems[0].feature, problems },
    );
  }
}

/** Validated features with the given geometry type, as a FeatureCollection (features not copied). */
function validated<G extends Geometry>(
  geojson: unknown,
  problemOf: (geometry: unknown) => string | undefined,
  file: string | undefined,
): FeatureCollection<G, GeoJsonProperties> {
  const features = featuresOf(geojson, file);
  checkFeatures(features, problemOf, file);
  return { type: 'FeatureCollection', features: features as Feature<G>[] };
}

/**
 * Validates a boundary or a polygon layer already in memory: a Polygon, MultiPolygon, Feature
 * or FeatureCollection of them, `[lng, lat]` degrees. Every ring must have ≥ 4 positions, be
 * closed, have 3 distinct corners and not cross itself; nothing is repaired.
 *
 * @param geojson The parsed GeoJSON.
 * @param fileName Named in error messages.
 * @returns A FeatureCollection of the (same, uncopied) features.
 * @throws {BeatplanError} `INVALID_GEOMETRY` naming the file and the 0-based index of each
 *   invalid feature (up to five listed; all in `details.problems`), or when there is no
 *   feature at all.
 * @example
 * const fc = validatePolygons({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
 * fc.features.length === 1 // true
 */
export function validatePolygons(geojson: unknown, fileName?: string, options: CheckOptions = {}): FeatureCollection<Polygonal> {
  const fc = validated<Polygonal>(geojson, (g) => polygonalProblem(g, options), fileName);
  if (fc.features.length === 0) {
    throw new BeatplanError('INVALID_GEOMETRY', 'no polygon features', { file: fileName, field: 'features' });
  }
  return fc;
}

/**
 * Validates barrier lines already in memory: a LineString, MultiLineString, Feature or
 * FeatureCollection of them, `[lng, lat]` degrees, each line with ≥ 2 valid positions.
 * An empty collection is valid (no barriers).
 * @throws {BeatplanError} `INVALID_GEOMETRY` naming the file and each invalid feature's index.
 * @example validateLines({ type: 'LineString', coordinates: [[0, 0], [1, 1]] }).features.length === 1
 */
export function validateLines(geojson: unknown, fileName?: string): FeatureCollection<Lineal> {
  return validated<Lineal>(geojson, linealProblem, fileName);
}
