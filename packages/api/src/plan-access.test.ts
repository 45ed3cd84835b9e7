import type { Grid } from '@beatplan/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { privacyDto } from './engine-service.js';
import { type Bbox, cellRows, cellsBboxJson, cellsInBbox, countCellsInBbox } from './plan-access.js';

/** A grid of `n` cells at random centres in [0, 1]² (only what the bbox reads use), with values. */
const cellsArb = fc.integer({ min: 0, max: 60 }).chain((n) =>
  fc.record({
    lng: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    lat: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    workload: fc.array(fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(Number.NaN)), { minLength: n, maxLength: n }),
    beat: fc.array(fc.integer({ min: -1, max: 3 }), { minLength: n, maxLength: n }),
  }),
);
const bboxArb = fc
  .tuple(fc.double({ min: -0.2, max: 1.2, noNaN: true }), fc.double({ min: -0.2, max: 1.2, noNaN: true }))
  .chain(([x0, y0]) =>
    fc.tuple(
      fc.constant(x0),
      fc.constant(y0),
      fc.double({ min: x0, max: 1.5, noNaN: true }),
      fc.double({ min: y0, max: 1.5, noNaN: true }),
    ),
  );

const gridOf = (c: { lng: number[]; lat: number[] }): Grid =>
  ({
    cellCount: c.lng.length,
    lng: Float64Array.from(c.lng),
    lat: Float64Array.from(c.lat),
    h3: c.lng.map((_, i) => `c${i}`),
    resolution: 10,
  }) as unknown as Grid;

describe('bbox reads of a plan version', () => {
  it('property: countCellsInBbox counts exactly the cells cellsInBbox answers at the finest resolution', () => {
    fc.assert(
      fc.property(cellsArb, bboxArb, (c, bbox) => {
        const grid = gridOf(c);
        const src = { grid, workload: c.workload, need: c.workload.map(() => 1) };
        const noCoarse = () => {
          throw new Error('no coarse cells without zoom');
        };
        expect(countCellsInBbox(grid, bbox as Bbox)).toBe(cellsInBbox(src, bbox as Bbox, undefined, noCoarse).h3.length);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it("property: cellsBboxJson is cellsInBbox row-wise with the version; a viewer's suppressed workloads are null, with privacy", () => {
    fc.assert(
      fc.property(cellsArb, bboxArb, fc.integer({ min: 1, max: 9 }), (c, bbox, version) => {
        const grid = gridOf(c);
        const src = { grid, workload: c.workload, need: c.workload.map((_, i) => i), beatOfCell: c.beat, beatIds: ['A', 'B', 'C', 'D'] };
        const noCoarse = () => {
          throw new Error('no coarse cells without zoom');
        };
        const cells = cellsInBbox(src, bbox as Bbox, undefined, noCoarse);
        const pub = JSON.parse(cellsBboxJson(src, version, bbox as Bbox, undefined, noCoarse, 5));
        expect(pub.version).toBe(version);
        expect(pub.aggregated).toBe(false);
        expect(pub.privacy).toEqual(privacyDto(5));
        expect(pub.columns).toEqual(['h3', 'beat', 'workload', 'need']);
        expect(pub.rows).toHaveLength(cells.h3.length);
        pub.rows.forEach((row: [string, string, number | null, number], j: number) => {
          expect(row[0]).toBe(cells.h3[j]);
          expect(row[2]).toBe(Number.isNaN(cells.workload[j]) ? null : cells.workload[j]);
        });
        if (c.workload.some((w) => Number.isNaN(w))) return; // an analyst's answer has no suppressed cell
        const all = JSON.parse(cellsBboxJson(src, version, bbox as Bbox, undefined, noCoarse));
        expect(all).toEqual({ version, resolution: 10, aggregated: false, ...cellRows(cells) });
        expect(all.privacy).toBeUndefined();
      }),
      { numRuns: 200, seed: 14 },
    );
  });
});
