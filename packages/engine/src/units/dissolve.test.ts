import { area, bbox } from '@turf/turf';
import fc from 'fast-check';
import type { FeatureCollection, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  maxDecimals,
  rfc7946Wound,
  roundedGeometry,
  symmetricDifferenceM2,
  unionOfGeometries,
  validityProblems,
} from '../../../../test/support/polygon-checks.js';
import { createRng } from '../random.js';
import { beatOfUnitFeatures, dissolvedFigures, dissolveUnits, outlineProblems, roundPolygons, unitCompactness } from './dissolve.js';

/**
 * nx × ny quadrilateral blocks tiling a ~1.5 km square in Chicago; interior corners jittered
 * (9 decimals), shared exactly by the blocks around them.
 */
function blocks(nx: number, ny: number, seed: number): FeatureCollection<Polygon> {
  const rng = createRng(seed);
  const rnd = () => rng.next();
  const corner: Position[][] = [];
  for (let i = 0; i <= nx; i++) {
    corner.push([]);
    for (let j = 0; j <= ny; j++) {
      const inside = i > 0 && i < nx && j > 0 && j < ny;
      const jx = inside ? (rnd() - 0.5) * 0.0008 : 0;
      const jy = inside ? (rnd() - 0.5) * 0.0006 : 0;
      corner[i]!.push([Number((-87.7 + i * 0.002 + jx).toFixed(9)), Number((41.85 + j * 0.0015 + jy).toFixed(9))]);
    }
  }
  const features: FeatureCollection<Polygon>['features'] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const c = corner;
      features.push({
        type: 'Feature',
        properties: {},
        geometry: { type: 'Polygon', coordinates: [[c[i]![j]!, c[i + 1]![j]!, c[i + 1]![j + 1]!, c[i]![j + 1]!, c[i]![j]!]] },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

describe('dissolveUnits', () => {
  it('two blocks side by side in one beat become one rectangle, with its figures', () => {
    const units = blocks(2, 1, 1);
    const out = dissolveUnits(units, [0, 0], ['A']);
    expect(out.features).toHaveLength(1);
    const f = out.features[0]!;
    expect(f.id).toBe('A');
    expect(f.geometry.type).toBe('Polygon');
    // the shared edge is gone: 4 corners (+ closing), maybe the collinear mid-points
    expect(validityProblems(f.geometry)).toEqual([]);
    expect(rfc7946Wound(f.geometry)).toBe(true);
    expect(f.properties.unitCount).toBe(2);
    const sum = units.features.reduce((s, u) => s + area(u), 0);
    expect(Math.abs(f.properties.unitAreaKm2 * 1e6 - sum)).toBeLessThan(1);
    // 4 km edge total: 2 × 0.004° lng + 2 × 0.0015° lat; PP of a ~2.2:1 rectangle ≈ 0.67
    expect(f.properties.unitPolsbyPopper).toBeGreaterThan(0.6);
    expect(f.properties.unitPolsbyPopper).toBeLessThan(0.75);
    expect(unitCompactness(out)).toEqual({
      polsbyPopperMean: f.properties.unitPolsbyPopper,
      polsbyPopperMin: f.properties.unitPolsbyPopper,
    });
  });

  it('a ring of 8 blocks around a 9th in another beat gives a polygon with a clockwise hole', () => {
    const units = blocks(3, 3, 2);
    const beatOfUnit = units.features.map((_, u) => (u === 4 ? 1 : 0));
    const out = dissolveUnits(units, beatOfUnit, ['ring', 'core']);
    const ring = out.features.find((f) => f.id === 'ring')!;
    expect(ring.geometry.type).toBe('Polygon');
    expect((ring.geometry as Polygon).coordinates).toHaveLength(2);
    expect(rfc7946Wound(ring.geometry)).toBe(true);
    expect(validityProblems(ring.geometry)).toEqual([]);
    // perimeter counts the hole too
    const core = out.features.find((f) => f.id === 'core')!;
    expect(ring.properties.unitPerimeterKm).toBeCloseTo(
      dissolvedFigures({ type: 'Polygon', coordinates: [(ring.geometry as Polygon).coordinates[0]!] }, 8).unitPerimeterKm +
        core.properties.unitPerimeterKm,
      9,
    );
  });

  it("clips to the boundary and carries the caller's properties; unassigned units and empty beats are left out", () => {
    const units = blocks(2, 2, 3);
    const half: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [-87.71, 41.84],
          [-87.698, 41.84],
          [-87.698, 41.87],
          [-87.71, 41.87],
          [-87.71, 41.84],
        ],
      ],
    };
    const out = dissolveUnits(units, [0, 0, -1, -1], ['west', 'none'], { boundary: half, properties: (b) => ({ workload: 10 + b }) });
    expect(out.features.map((f) => f.id)).toEqual(['west']);
    expect(out.features[0]!.properties.workload).toBe(10);
    expect(out.features[0]!.properties.unitCount).toBe(2);
    // the west column of blocks is 0.002° wide; the clip keeps its western 0.002° (x < -87.698) only
    expect(bbox(out.features[0]!)[2]).toBeLessThanOrEqual(-87.698);
    expect(validityProblems(out.features[0]!.geometry)).toEqual([]);
  });

  it("beatOfUnitFeatures: a feature takes the beat of its unit's cells, a merged unit the beat of the unit it joined, else -1", () => {
    // cells 0-1 unit A (beat 1), cells 2-3 unit B (beat 0), cell 4 unit C unassigned
    const units = {
      unitOfCell: [0, 0, 1, 1, 2],
      unitIds: ['A', 'B', 'C'],
      report: {
        mergedUnits: [
          { id: 'tiny', into: 'B' },
          { id: 'far', into: null },
        ],
      },
    };
    const beats = beatOfUnitFeatures(['B', 'tiny', 'A', 'far', 'C', 'unknown'], units, [1, 1, 0, 0, -1]);
    expect(Array.from(beats)).toEqual([0, 0, 1, -1, -1, -1]);
  });

  it('outlineProblems names the beat, part and ring of a ring that crosses itself', () => {
    const bowtie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    };
    const fcOf = {
      type: 'FeatureCollection' as const,
      features: [{ type: 'Feature' as const, id: 'B7', properties: {}, geometry: bowtie }],
    };
    expect(outlineProblems(fcOf)).toEqual(['beat B7: part 0 ring 0 crosses itself at [0.5, 0.5]']);
  });

  it('rejects a beat index out of range and a length mismatch', () => {
    const units = blocks(2, 1, 4);
    expect(() => dissolveUnits(units, [0, 2], ['A', 'B'])).toThrow(/not one of the 2 beats/);
    expect(() => dissolveUnits(units, [0], ['A'])).toThrow(/1 entries for 2 units/);
  });

  it('roundPolygons folds spikes and repeated points made by rounding, and drops collapsed rings', () => {
    const spiky = [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [1.0000001, 2],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ];
    expect(roundPolygons([spiky], 6)).toEqual([
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    ]);
    const tiny = [
      [
        [0, 0],
        [1e-7, 0],
        [1e-7, 1e-7],
        [0, 0],
      ],
    ];
    expect(roundPolygons([tiny], 6)).toEqual([]);
  });

  it('property: any labelling of jittered blocks dissolves into valid, CCW, 6-decimal beats equal to the union of their units (< 1 m²)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 25, maxLength: 25 }),
        (nx, ny, K, seed, labels) => {
          const units = blocks(nx, ny, seed);
          const beatOfUnit = units.features.map((_, u) => (labels[u]! >= K ? labels[u]! % K : labels[u]!));
          const out = dissolveUnits(
            units,
            beatOfUnit,
            Array.from({ length: K }, (_, b) => `B${b}`),
          );
          const present = new Set(beatOfUnit.filter((b) => b >= 0));
          expect(out.features.map((f) => f.id)).toEqual([...present].sort((a, b) => a - b).map((b) => `B${b}`));
          for (const f of out.features) {
            const b = Number(String(f.id).slice(1));
            const mine = units.features.filter((_, u) => beatOfUnit[u] === b).map((u) => roundedGeometry(u.geometry));
            const sum = mine.reduce((s, g) => s + area(g), 0);
            expect(Math.abs(area(f) - sum)).toBeLessThan(1);
            expect(symmetricDifferenceM2(f.geometry, unionOfGeometries(mine))).toBeLessThan(1);
            expect(validityProblems(f.geometry)).toEqual([]);
            expect(rfc7946Wound(f.geometry)).toBe(true);
            expect(maxDecimals(f.geometry)).toBeLessThanOrEqual(6);
            expect(f.properties.unitCount).toBe(mine.length);
          }
          expect(outlineProblems(out)).toEqual([]);
        },
      ),
      { numRuns: 40, seed: 17 },
    );
  });
});
