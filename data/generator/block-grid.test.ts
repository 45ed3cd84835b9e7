import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockGrid } from './block-grid.js';
import { HOLE, isContiguous, makeContiguous, OUTSIDE, pinchAt, removePinches, traceRegions, vertexId } from './block-grid.js';
import { kmToLngLat, pointInPolygon, ringProblems, signedArea } from './geometry.js';

/** A plain square grid of `nu × nv` blocks of 1 km. */
function squareGrid(nu: number, nv: number): BlockGrid {
  const n = (nu + 1) * (nv + 1);
  const vx = new Float64Array(n);
  const vy = new Float64Array(n);
  for (let j = 0; j <= nv; j++) {
    for (let i = 0; i <= nu; i++) {
      vx[vertexId({ nu }, i, j)] = i;
      vy[vertexId({ nu }, i, j)] = j;
    }
  }
  return { nu, nv, vx, vy, edgePoints: new Map() };
}

const area = (rings: [number, number][][]) => rings.reduce((s, r) => s + signedArea(r), 0);

describe('block grid', () => {
  it('traces a region with a hole: outer CCW, hole CW, straight runs merged', () => {
    const g = squareGrid(3, 3);
    const labels = Int32Array.from([0, 0, 0, 0, HOLE, 0, 0, 0, 0]);
    const [polys] = traceRegions(g, labels, 1);
    expect(polys).toHaveLength(1);
    const [outer, hole] = polys![0]!;
    expect(outer).toHaveLength(5); // four corners + closing
    expect(hole).toHaveLength(5);
    expect(signedArea(outer!)).toBeGreaterThan(0);
    expect(signedArea(hole!)).toBeLessThan(0);
  });

  it('refuses to trace a pinch and removePinches repairs it', () => {
    const g = squareGrid(3, 2);
    // 0 1 1 / 1 0 1 style checkerboard at the corner (1, 1)
    const labels = Int32Array.from([0, 1, 1, 1, 0, 0]);
    expect(pinchAt(g, (b) => labels[b]!, 1, 1)).not.toBeNull();
    expect(() => traceRegions(g, labels, 2)).toThrow(/pinched/);
    makeContiguous(g, labels);
    removePinches(g, labels);
    expect(() => traceRegions(g, labels, 2)).not.toThrow();
  });

  it('a labelling where block-by-block repair cycles still ends in one piece per region (fast-check counterexample)', () => {
    const g = squareGrid(2, 7);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1, 0, 2, 2, 1, 1, 0, 1, 1]);
    makeContiguous(g, labels);
    for (const l of new Set(labels)) expect(isContiguous(g, (b) => labels[b] === l)).toBe(true);
  });

  it('any labelling, once repaired, traces to valid polygons that tile the grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 49, maxLength: 49 }),
        (nu, nv, k, raw) => {
          const g = squareGrid(nu, nv);
          const labels = Int32Array.from({ length: nu * nv }, (_, b) => raw[b]! % k);
          makeContiguous(g, labels);
          removePinches(g, labels);
          const present = [...new Set(labels)].sort((a, b) => a - b);
          // Compact the labels so traceRegions sees 0..m-1.
          const dense = Int32Array.from(labels, (l) => present.indexOf(l));
          const polys = traceRegions(g, dense, present.length);
          let total = 0;
          for (let l = 0; l < present.length; l++) {
            expect(isContiguous(g, (b) => dense[b] === l)).toBe(true);
            expect(polys[l]).toHaveLength(1);
            for (const ring of polys[l]![0]!) expect(ringProblems(ring)).toEqual([]);
            total += area(polys[l]![0]!);
          }
          const whole = area(traceRegions(g, new Int32Array(nu * nv), 1)[0]![0]!);
          expect(Math.abs(total - whole)).toBeLessThan(1e-9);
          // Every block centre lies in exactly the polygon of its label.
          for (let b = 0; b < nu * nv; b++) {
            const c = kmToLngLat([(b % nu) + 0.5, Math.floor(b / nu) + 0.5]);
            const hits = polys.flatMap((p, l) => (pointInPolygon(c, p[0]!) ? [l] : []));
            expect(hits).toEqual([dense[b]]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('makeContiguous moves a stray piece into its neighbour, never into OUTSIDE', () => {
    const g = squareGrid(5, 1);
    const labels = Int32Array.from([0, 1, 0, 0, OUTSIDE]);
    makeContiguous(g, labels);
    expect([...labels]).toEqual([1, 1, 0, 0, OUTSIDE]);
  });
});
