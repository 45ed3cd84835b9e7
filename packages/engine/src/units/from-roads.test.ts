import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { area, booleanClockwise, booleanValid, featureCollection, union } from '@turf/turf';
import fc from 'fast-check';
import type { Feature, LineString, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../test/support/realdata.js';
import { unitsFromRoads } from './from-roads.js';

const X0 = -87.7;
const Y0 = 41.85;
const D = 0.002; // one unit of the test plan ≈ 166 m × 222 m
const P = (x: number, y: number) => [Number((X0 + x * D).toFixed(9)), Number((Y0 + y * D).toFixed(9))];
const line = (...pts: number[][]): Feature<LineString> => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'LineString', coordinates: pts.map(([x, y]) => P(x!, y!)) },
});
const square = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[P(x0, y0), P(x1, y0), P(x1, y1), P(x0, y1), P(x0, y0)]],
});

describe('unitsFromRoads', () => {
  it('nodes crossing roads, prunes dead ends, keeps only blocks inside the city, and makes an enclosed loop a hole', () => {
    const roads = [
      // three streets each way, crossing without shared vertices and running past the city limits
      ...[1, 2, 3].map((x) => line([x, -0.5], [x, 4.5])),
      ...[1, 2, 3].map((y) => line([-0.5, y], [4.5, y])),
      line([1.5, 1], [1.5, 1.6]), // a cul-de-sac
      line([2.3, 2.3], [2.7, 2.3], [2.7, 2.7], [2.3, 2.7], [2.3, 2.3]), // a loop road inside one block
    ];
    const { blocks, report } = unitsFromRoads(featureCollection(roads), square(0, 0, 4, 4));
    expect(report.blocks).toBe(17);
    expect(report.danglingEdges).toBeGreaterThanOrEqual(1);
    expect(blocks.features.map((f) => f.id)).toEqual(Array.from({ length: 17 }, (_, k) => `S${String(k + 1).padStart(4, '0')}`));
    const cityM2 = area(square(0, 0, 4, 4));
    const sum = blocks.features.reduce((s, f) => s + area(f), 0);
    expect(Math.abs(sum - cityM2)).toBeLessThan(1);
    const holed = blocks.features.filter((f) => f.geometry.coordinates.length === 2);
    expect(holed).toHaveLength(1);
    const [outer, hole] = holed[0]!.geometry.coordinates;
    expect(booleanClockwise(outer!)).toBe(false);
    expect(booleanClockwise(hole!)).toBe(true);
    // the block with the loop: a 1 × 1 block minus the 0.4 × 0.4 loop; the loop is a block of its own
    expect(area(holed[0]!) / area(square(0, 0, 1, 1))).toBeCloseTo(1 - 0.16, 3);
    expect(blocks.features.some((f) => Math.abs(area(f) / area(square(0, 0, 0.4, 0.4)) - 1) < 1e-3)).toBe(true);
    for (const f of blocks.features) {
      expect(booleanValid(f)).toBe(true);
      expect(f.properties.areaKm2).toBeCloseTo(area(f) / 1e6, 9);
    }
  });

  it('snaps road ends that stop short of a corner by less than snapMeters, and drops slivers', () => {
    const roads = [
      line([2, 0], [2, 4]),
      line([0, 2], [1.9999985, 2]), // ends ~0.25 m short of the crossing street
      line([2, 2], [4, 2]),
      line([3.996, 0], [3.996, 2]), // a 0.66 m × 444 m strip (295 m²) along the city limit
    ];
    const { blocks, report } = unitsFromRoads(featureCollection(roads), square(0, 0, 4, 4));
    expect(report.slivers).toBe(1);
    expect(blocks.features).toHaveLength(4);
    const sum = blocks.features.reduce((s, f) => s + area(f), 0);
    expect(sum / area(square(0, 0, 4, 4))).toBeGreaterThan(0.999);
  });

  it('rejects roads that enclose no block', () => {
    expect(() => unitsFromRoads(featureCollection([]), square(0, 0, 1, 1), { minAreaM2: 1e9 })).toThrow(/no street block/);
  });

  it('property: k × m streets across a city make (k + 1)(m + 1) blocks tiling it, without overlap', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 39 }), { minLength: 0, maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 39 }), { minLength: 0, maxLength: 5 }),
        (xs, ys) => {
          const roads = [...xs.map((x) => line([x / 10, -1], [x / 10, 5])), ...ys.map((y) => line([-1, y / 10], [5, y / 10]))];
          const { blocks } = unitsFromRoads(featureCollection(roads), square(0, 0, 4, 4), { minAreaM2: 1 });
          expect(blocks.features).toHaveLength((xs.length + 1) * (ys.length + 1));
          const sum = blocks.features.reduce((s, f) => s + area(f), 0);
          expect(Math.abs(sum - area(square(0, 0, 4, 4)))).toBeLessThan(1);
          const merged = blocks.features.length > 1 ? union(featureCollection(blocks.features))! : blocks.features[0]!;
          expect(Math.abs(area(merged) - sum)).toBeLessThan(1);
        },
      ),
      { numRuns: 30, seed: 5 },
    );
  });

  it('the demo city: its street blocks tile the boundary (area within 0.5%), no overlaps, all valid', () => {
    const roads = JSON.parse(readFileSync(join(REPO_ROOT, 'data', 'demo', 'roads.geojson'), 'utf8'));
    const boundary = JSON.parse(readFileSync(join(REPO_ROOT, 'data', 'demo', 'boundary.geojson'), 'utf8'));
    const { blocks, report } = unitsFromRoads(roads, boundary);
    // measured: 4,661 blocks of median 0.063 km² (250 m blocks), 23 slivers dropped; Σ area = 0.99998 × the boundary
    expect(report.blocks).toBeGreaterThan(4000);
    const cityM2 = area(boundary);
    const sum = blocks.features.reduce((s, f) => s + area(f), 0);
    expect(Math.abs(sum / cityM2 - 1)).toBeLessThan(0.005);
    expect(Math.abs(report.areaKm2 * 1e6 - sum)).toBeLessThan(1);
    const merged = union(featureCollection(blocks.features))!;
    expect(Math.abs(area(merged) - sum)).toBeLessThan(1); // overlaps would make the union smaller than the sum
    expect(blocks.features.filter((f) => !booleanValid(f)).map((f) => f.id)).toEqual([]);
    expect(new Set(blocks.features.map((f) => f.id)).size).toBe(blocks.features.length);
  });
});
