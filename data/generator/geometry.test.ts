import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Point } from './geometry.js';
import { kmToLngLat, lngLatToKm, pointInPolygon, ringProblems, segmentsIntersect, signedArea } from './geometry.js';

const square: Point[] = [
  [0, 0],
  [4, 0],
  [4, 4],
  [0, 4],
  [0, 0],
];
const hole: Point[] = [
  [1, 1],
  [1, 3],
  [3, 3],
  [3, 1],
  [1, 1],
];

describe('geometry', () => {
  it('signs areas by orientation', () => {
    expect(signedArea(square)).toBe(16);
    expect(signedArea(hole)).toBe(-4);
  });

  it('finds points in a polygon with a hole', () => {
    expect(pointInPolygon([0.5, 0.5], [square, hole])).toBe(true);
    expect(pointInPolygon([2, 2], [square, hole])).toBe(false);
    expect(pointInPolygon([5, 2], [square, hole])).toBe(false);
  });

  it('reports open, short and self-intersecting rings', () => {
    expect(ringProblems(square)).toEqual([]);
    expect(
      ringProblems([
        [0, 0],
        [1, 0],
        [1, 1],
      ]),
    ).toEqual(expect.arrayContaining(['ring is not closed']));
    const bowtie: Point[] = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(ringProblems(bowtie).some((p) => p.includes('intersect'))).toBe(true);
    const touching: Point[] = [
      [0, 0],
      [4, 0],
      [4, 4],
      [2, 0],
      [0, 4],
      [0, 0],
    ];
    expect(ringProblems(touching).some((p) => p.includes('intersect'))).toBe(true);
  });

  it('intersects segments, touching included', () => {
    expect(segmentsIntersect([0, 0], [2, 2], [0, 2], [2, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [1, 0], [2, 5])).toBe(true);
    expect(segmentsIntersect([0, 0], [1, 0], [0, 1], [1, 1])).toBe(false);
  });

  it('round-trips km ↔ degrees within 0.1 m', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), fc.double({ min: -20, max: 20, noNaN: true }), (x, y) => {
        const back = lngLatToKm(kmToLngLat([x, y]));
        expect(Math.abs(back[0] - x)).toBeLessThan(1e-4);
        expect(Math.abs(back[1] - y)).toBeLessThan(1e-4);
      }),
    );
  });
});
