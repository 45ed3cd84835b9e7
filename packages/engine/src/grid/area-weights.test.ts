import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { spreadCounts } from '../score/score-cells.js';
import { cellOverlaps } from './area-weights.js';
import { buildGrid } from './build-grid.js';

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

/** Grid over a 2.4 km × 2.2 km box in Chicago at resolution 9 (~0.1 km² cells). */
const grid = buildGrid(rect(-87.72, 41.84, -87.69, 41.86), { resolution: 9 });

function coverage(o: ReturnType<typeof cellOverlaps>): Float64Array {
  const c = new Float64Array(grid.cellCount);
  for (let k = 0; k < o.cell.length; k++) c[o.cell[k]!] += o.areaKm2[k]!;
  return c;
}

describe('cellOverlaps', () => {
  it('a polygon covering the whole grid covers every cell wholly', () => {
    const c = coverage(cellOverlaps(grid, rect(-87.8, 41.8, -87.6, 41.9)));
    for (let i = 0; i < grid.cellCount; i++) expect(c[i]! / grid.areaKm2[i]!).toBeCloseTo(1, 9);
  });

  it('two halves split at any line cover each cell exactly once, each by its share (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -87.715, max: -87.695, noNaN: true }), fc.double({ min: 41.845, max: 41.855, noNaN: true }), (x, y) => {
        // an L-shaped piece and its complement inside a box larger than the grid (concave subject)
        const big = [-87.8, 41.8, -87.6, 41.9] as const;
        const a: Polygon = {
          type: 'Polygon',
          coordinates: [
            [
              [big[0], big[1]],
              [x, big[1]],
              [x, y],
              [big[2], y],
              [big[2], big[3]],
              [big[0], big[3]],
              [big[0], big[1]],
            ],
          ],
        };
        const b = rect(x, big[1], big[2], y);
        const o = cellOverlaps(grid, {
          type: 'FeatureCollection',
          features: [a, b].map((geometry) => ({ type: 'Feature', properties: {}, geometry })),
        });
        const c = coverage(o);
        for (let i = 0; i < grid.cellCount; i++) expect(Math.abs(c[i]! / grid.areaKm2[i]! - 1)).toBeLessThan(1e-9);
        // the cells the corner lies in are shared, not given whole to one side
        const shared = new Set<number>();
        const seen = new Set<number>();
        for (let k = 0; k < o.cell.length; k++) (seen.has(o.cell[k]!) ? shared : seen).add(o.cell[k]!);
        expect(shared.size).toBeGreaterThan(0);
      }),
      { seed: 5, numRuns: 25 },
    );
  });

  it('a hole is subtracted', () => {
    const withHole: Polygon = {
      type: 'Polygon',
      coordinates: [rect(-87.8, 41.8, -87.6, 41.9).coordinates[0]!, rect(-87.71, 41.845, -87.7, 41.855).coordinates[0]!.slice().reverse()],
    };
    const total = coverage(cellOverlaps(grid, withHole)).reduce((s, v) => s + v, 0);
    const hole = coverage(cellOverlaps(grid, rect(-87.71, 41.845, -87.7, 41.855))).reduce((s, v) => s + v, 0);
    const all = grid.areaKm2.reduce((s, v) => s + v, 0);
    expect(total + hole).toBeCloseTo(all, 6);
    // 0.01° × 0.01° at 41.85° N ≈ 0.923 km² (the H3 cells' areas agree to ~1%)
    expect(hole).toBeGreaterThan(0.9);
    expect(hole).toBeLessThan(0.95);
  });

  it('spreadCounts gives a cell half inside a polygon about half its area share, and conserves counts', () => {
    // a strip narrower than a cell: with centre containment it went wholly to a few cells
    const strip = rect(-87.7101, 41.84, -87.7095, 41.86);
    const pop = spreadCounts(grid, { features: [{ geometry: strip, value: 1000 }] });
    expect(pop.reduce((s, v) => s + v, 0)).toBeCloseTo(1000, 9);
    const holders = Array.from(pop).filter((v) => v > 0).length;
    expect(holders).toBeGreaterThanOrEqual(6);
  });
});

describe.skipIf(!hasRealdata())('cellOverlaps on Chicago', () => {
  it("spreads the 77 community areas' population over 39,517 cells by area, conserved", () => {
    const boundary = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8'));
    const areas = JSON.parse(readFileSync(realdata('chicago', 'community_areas_2020_acs.geojson'), 'utf8'));
    const g = buildGrid(boundary, { resolution: 10 });
    expect(g.cellCount).toBe(39517);
    const t = performance.now();
    const pop = spreadCounts(g, {
      features: areas.features.map((f: { geometry: Polygon; properties: { TOT_POP: number } }) => ({
        geometry: f.geometry,
        value: Number(f.properties.TOT_POP),
      })),
    });
    const ms = performance.now() - t;
    const total = areas.features.reduce((s: number, f: { properties: { TOT_POP: number } }) => s + Number(f.properties.TOT_POP), 0);
    expect(pop.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 3);
    console.log(`area-weighted population over ${g.cellCount} cells: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(15_000);
  });
});
