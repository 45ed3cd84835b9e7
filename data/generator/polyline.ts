/**
 * Polylines for the barrier layer: arc length, cutting gaps (bridges, overpasses) and
 * crossing tests against block-to-block segments.
 */
import type { Point } from './geometry.js';
import { segmentDistanceSq, segmentsIntersect } from './geometry.js';

/** Cumulative arc length (km) at each vertex of a polyline. */
export function arcLengths(line: readonly Point[]): Float64Array {
  const s = new Float64Array(line.length);
  for (let k = 1; k < line.length; k++) {
    s[k] = s[k - 1]! + Math.hypot(line[k]![0] - line[k - 1]![0], line[k]![1] - line[k - 1]![1]);
  }
  return s;
}

/** Point at arc length `at` (km) along a polyline (clamped to its ends). */
export function pointAt(line: readonly Point[], s: Float64Array, at: number): Point {
  if (at <= 0) return [line[0]![0], line[0]![1]];
  for (let k = 1; k < line.length; k++) {
    if (s[k]! >= at) {
      const t = (at - s[k - 1]!) / (s[k]! - s[k - 1]!);
      const a = line[k - 1]!;
      const b = line[k]!;
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    }
  }
  const last = line[line.length - 1]!;
  return [last[0], last[1]];
}

/**
 * Splits a polyline into pieces by removing a gap of `widthKm` centred on each arc length in
 * `gapCentres` (km, ascending, gaps must not overlap). Returns the pieces in order.
 */
export function cutGaps(line: readonly Point[], gapCentres: readonly number[], widthKm: number): Point[][] {
  const s = arcLengths(line);
  const total = s[s.length - 1]!;
  const bounds: Array<[number, number]> = [];
  let from = 0;
  for (const c of gapCentres) {
    bounds.push([from, c - widthKm / 2]);
    from = c + widthKm / 2;
  }
  bounds.push([from, total]);
  return bounds.map(([a, b]) => {
    const piece: Point[] = [pointAt(line, s, a)];
    for (let k = 0; k < line.length; k++) if (s[k]! > a && s[k]! < b) piece.push([line[k]![0], line[k]![1]]);
    piece.push(pointAt(line, s, b));
    return piece;
  });
}

/** Whether the segment `ab` crosses (or touches) any segment of the polyline. */
export function crossesPolyline(a: Point, b: Point, line: readonly Point[]): boolean {
  const minX = Math.min(a[0], b[0]);
  const maxX = Math.max(a[0], b[0]);
  const minY = Math.min(a[1], b[1]);
  const maxY = Math.max(a[1], b[1]);
  for (let k = 1; k < line.length; k++) {
    const p = line[k - 1]!;
    const q = line[k]!;
    if (Math.max(p[0], q[0]) < minX || Math.min(p[0], q[0]) > maxX) continue;
    if (Math.max(p[1], q[1]) < minY || Math.min(p[1], q[1]) > maxY) continue;
    if (segmentsIntersect(a, b, p, q)) return true;
  }
  return false;
}

/** Distance (km) from a point to a polyline. */
export function distanceToPolyline(p: Point, line: readonly Point[]): number {
  let best = Infinity;
  for (let k = 1; k < line.length; k++) best = Math.min(best, segmentDistanceSq(p, line[k - 1]!, line[k]!));
  return Math.sqrt(best);
}
