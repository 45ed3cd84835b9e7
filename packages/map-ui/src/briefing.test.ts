import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { briefingLayout, lineageLine, scaleBarLength } from './exports.js';

describe('briefing sheet parts', () => {
  it('scale bar: the largest 1/2/5 × 10ⁿ that fits, in m or km', () => {
    expect(scaleBarLength(10, 120)).toEqual({ metres: 1000, px: 100, text: '1 km' });
    expect(scaleBarLength(3, 120)).toEqual({ metres: 200, px: 200 / 3, text: '200 m' });
    expect(scaleBarLength(50, 134)).toEqual({ metres: 5000, px: 100, text: '5 km' });
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 5000, noNaN: true }), fc.integer({ min: 40, max: 400 }), (mpp, maxPx) => {
        const b = scaleBarLength(mpp, maxPx);
        expect(b.px).toBeLessThanOrEqual(maxPx * (1 + 1e-9));
        expect(b.px).toBeGreaterThan(maxPx / 2.5 - 1e-9); // the next nice step up would not fit
      }),
    );
  });

  it('lineage line: plan, version, how and when made, edits since, compared plan', () => {
    expect(
      lineageLine({ name: 'Proposal', version: 3, createdAt: '2026-01-02T10:00:00Z', inputs: { method: 'plan' } }, 'Current beats'),
    ).toBe('Plan “Proposal”, version 3: planned on 2026-01-02, 2 edits since; compared with “Current beats”');
    expect(lineageLine({ name: 'Now', version: 1, createdAt: '2026-01-02T10:00:00Z', inputs: { method: 'import' } })).toBe(
      'Plan “Now”, version 1: imported from the current beats on 2026-01-02',
    );
  });

  it('layout: scale bar bottom left and north arrow top right inside the map, legend to its right', () => {
    const L = briefingLayout(1000, 700, 1);
    const inside = (r: number[], o: number[]) =>
      r[0]! >= o[0]! && r[1]! >= o[1]! && r[0]! + r[2]! <= o[0]! + o[2]! && r[1]! + r[3]! <= o[1]! + o[3]!;
    expect(inside(L.scaleBar, L.map)).toBe(true);
    expect(inside(L.northArrow, L.map)).toBe(true);
    expect(L.legend[0]).toBeGreaterThan(L.map[0] + L.map[2]);
    expect(L.legend[0] + L.legend[2]).toBeLessThan(L.width);
  });
});
