import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CellModel } from '../cell-model.js';
import { boundsOf } from './plan-layers.js';

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
