/**
 * Plain planar geometry for the demo-city generator: rings, point-in-polygon, segment
 * intersection and the local projection between kilometres and degrees.
 *
 * The generator works in a local plane (x east, y north, kilometres, origin = downtown) and
 * converts to `[lng, lat]` degrees only when it writes GeoJSON. Everything here is
 * deterministic: no randomness, no clock.
 */

/** A point `[x, y]` — kilometres in the local plane, or `[lng, lat]` degrees in GeoJSON. */
export type Point = [number, number];
/** A closed or open ring of points (closure is stated by each function). */
export type Ring = Point[];

/** Latitude of the local plane's origin (downtown Lakeport), degrees. */
export const ORIGIN_LAT = 41.84;
/** Longitude of the local plane's origin, degrees. */
export const ORIGIN_LNG = -87.68;
/** Kilometres per degree of latitude (WGS84, mid-latitude). */
export const KM_PER_DEG_LAT = 110.574;
/** Kilometres per degree of longitude at {@link ORIGIN_LAT}. */
export const KM_PER_DEG_LNG = 111.32 * Math.cos((ORIGIN_LAT * Math.PI) / 180);
/** Decimal places kept for degrees in the output (1e-6° ≈ 0.1 m). */
export const DEGREE_DECIMALS = 6;

/** Rounds a coordinate in degrees to {@link DEGREE_DECIMALS} places. */
export function roundDeg(v: number): number {
  return Number(v.toFixed(DEGREE_DECIMALS));
}

/**
 * Local plane (km) → `[lng, lat]` degrees, rounded to 1e-6°. Equirectangular around the
 * origin: exact enough for a 20 km city (< 1 m error) and it keeps straight lines straight.
 * @example kmToLngLat([0, 0]) // [-87.68, 41.84]
 */
export function kmToLngLat(p: Point): Point {
  return [roundDeg(ORIGIN_LNG + p[0] / KM_PER_DEG_LNG), roundDeg(ORIGIN_LAT + p[1] / KM_PER_DEG_LAT)];
}

/** `[lng, lat]` degrees → local plane (km); the inverse of {@link kmToLngLat} before rounding. */
export function lngLatToKm(p: Point): Point {
  return [(p[0] - ORIGIN_LNG) * KM_PER_DEG_LNG, (p[1] - ORIGIN_LAT) * KM_PER_DEG_LAT];
}

/**
 * Signed area of a ring (shoelace), in the ring's units squared. Positive when the ring runs
 * counter-clockwise (x east, y north). Works for open or closed rings.
 */
export function signedArea(ring: readonly Point[]): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % n]!;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/**
 * Whether `p` lies inside a ring (even–odd rule; points exactly on an edge may go either
 * way). Open or closed rings.
 */
export function pointInRing(p: readonly [number, number], ring: readonly Point[]): boolean {
  const [x, y] = p;
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[i]![0];
    const yi = ring[i]![1];
    const xj = ring[j]![0];
    const yj = ring[j]![1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether `p` lies in a polygon given as `[outer, ...holes]` (inside the outer, in no hole). */
export function pointInPolygon(p: readonly [number, number], rings: readonly (readonly Point[])[]): boolean {
  if (rings.length === 0 || !pointInRing(p, rings[0]!)) return false;
  for (let k = 1; k < rings.length; k++) if (pointInRing(p, rings[k]!)) return false;
  return true;
}

/** Bounding box `[minX, minY, maxX, maxY]` of some points. */
export function bbox(points: readonly Point[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

function orient(a: Point, b: Point, c: Point): number {
  const v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(a: Point, b: Point, p: Point): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** Whether closed segments `ab` and `cd` share at least one point (touching counts). */
export function segmentsIntersect(a: Point, b: Point, c: Point, d: Point): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(a, b, c)) return true;
  if (o2 === 0 && onSegment(a, b, d)) return true;
  if (o3 === 0 && onSegment(c, d, a)) return true;
  if (o4 === 0 && onSegment(c, d, b)) return true;
  return false;
}

/** Squared distance (units²) from `p` to the segment `ab`. */
export function segmentDistanceSq(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = a[0] + t * dx - p[0];
  const ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}

/** Distance from `p` to the nearest edge of a ring (open or closed), in the ring's units. */
export function distanceToRing(p: Point, ring: readonly Point[]): number {
  let best = Infinity;
  for (let k = 0; k < ring.length; k++) best = Math.min(best, segmentDistanceSq(p, ring[k]!, ring[(k + 1) % ring.length]!));
  return Math.sqrt(best);
}

/**
 * Problems that make a closed GeoJSON ring invalid, as human-readable strings (empty when the
 * ring is valid): fewer than 4 positions, not closed, repeated consecutive positions, or two
 * non-adjacent edges that touch or cross (a ring must be simple). O(n²) with a bbox filter:
 * fine for the few thousand vertices of the demo city.
 */
export function ringProblems(ring: readonly Point[]): string[] {
  const problems: string[] = [];
  if (ring.length < 4) problems.push(`ring has ${ring.length} positions (< 4)`);
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (!first || !last || first[0] !== last[0] || first[1] !== last[1]) problems.push('ring is not closed');
  const n = ring.length - 1; // edges
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (a[0] === b[0] && a[1] === b[1]) problems.push(`repeated position at ${i}: ${a.join(',')}`);
  }
  const boxes = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    boxes[i * 4] = Math.min(a[0], b[0]);
    boxes[i * 4 + 1] = Math.min(a[1], b[1]);
    boxes[i * 4 + 2] = Math.max(a[0], b[0]);
    boxes[i * 4 + 3] = Math.max(a[1], b[1]);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // first and last edges share the closing vertex
      if (
        boxes[i * 4]! > boxes[j * 4 + 2]! ||
        boxes[j * 4]! > boxes[i * 4 + 2]! ||
        boxes[i * 4 + 1]! > boxes[j * 4 + 3]! ||
        boxes[j * 4 + 1]! > boxes[i * 4 + 3]!
      )
        continue;
      if (segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) {
        problems.push(`edges ${i} and ${j} intersect near ${ring[i]!.join(',')}`);
        if (problems.length > 10) return problems;
      }
    }
  }
  return problems;
}
