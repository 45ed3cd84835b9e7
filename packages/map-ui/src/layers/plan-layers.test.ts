import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type CellModel, cellsToModel } from '../cell-model.js';
import { SOURCES } from '../map-style.js';
import { unregisterTileProvider } from '../vector-tiles.js';
import { boundsOf, planTileSources } from './plan-layers.js';

describe('plan layers', () => {
  it('boundsOf: the box holds every centroid and touches the extremes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true })), {
          minLength: 1,
          maxLength: 50,
        }),
        (pts) => {
          const model = { cellCount: pts.length, centroid: Float64Array.from(pts.flat()) } as unknown as CellModel;
          const [w, s, e, n] = boundsOf(model);
          for (const [x, y] of pts) expect(x >= w && x <= e && y >= s && y <= n).toBe(true);
          expect(
            pts.some(([x]) => x === w) && pts.some(([x]) => x === e) && pts.some(([, y]) => y === s) && pts.some(([, y]) => y === n),
          ).toBe(true);
        },
      ),
    );
  });
});

describe('planTileSources', () => {
  it('serves the plan under its key, within its bounds padded by 0.01° and clamped to the world', () => {
    const cells = gridDisk(latLngToCell(41.88, -87.63, 9), 1);
    const model = cellsToModel({ resolution: 9, columns: ['h3', 'beat', 'workload', 'need'], rows: cells.map((h) => [h, 'A', 1, 0]) }, [
      'A',
    ]);
    const sources = planTileSources('t-key', model, [-180, 84.995, -87.6, 85]);
    const cellSource = sources[SOURCES.cells] as { tiles: string[]; bounds: number[] };
    expect(cellSource.tiles[0]).toContain('t-key');
    [-180, 84.985, -87.59, 85].forEach((v, k) => expect(cellSource.bounds[k]).toBeCloseTo(v, 9));
    unregisterTileProvider('t-key');
  });
});
