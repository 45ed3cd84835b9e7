import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fractionAtPointer, nudgeFraction, SWIPE_MARGIN_PX, sideAt, swipeClip } from './swipe.js';

describe('swipe clip', () => {
  it('puts the divider at a fraction of the width and clips the upper map left of it', () => {
    expect(swipeClip(0.5, 800)).toEqual({ fraction: 0.5, x: 400, clipPath: 'inset(0px 0px 0px 400px)' });
    expect(swipeClip(0.3333, 920).x).toBe(307);
  });

  it('keeps the divider a margin from the edges, or in the middle of a tiny map', () => {
    expect(swipeClip(0, 800).x).toBe(SWIPE_MARGIN_PX);
    expect(swipeClip(1, 800).x).toBe(800 - SWIPE_MARGIN_PX);
    expect(swipeClip(-3, 800).fraction).toBe(SWIPE_MARGIN_PX / 800);
    expect(swipeClip(0.9, 30).x).toBe(15);
    expect(swipeClip(NaN, 800).x).toBe(400);
    expect(swipeClip(0.5, 0)).toEqual({ fraction: 0.5, x: 0, clipPath: 'inset(0px 0px 0px 0px)' });
  });

  it('always clips inside the map, and sides split at the divider', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 3, noNaN: true }), fc.integer({ min: 1, max: 4000 }), (f, w) => {
        const c = swipeClip(f, w);
        expect(c.x).toBeGreaterThanOrEqual(0);
        expect(c.x).toBeLessThanOrEqual(w);
        expect(c.fraction).toBeGreaterThanOrEqual(0);
        expect(c.fraction).toBeLessThanOrEqual(1);
        expect(sideAt(c.x - 1, c)).toBe('a');
        expect(sideAt(c.x, c)).toBe('b');
      }),
    );
  });

  it('reads the pointer and the keys', () => {
    expect(fractionAtPointer(300, 100, 800)).toBe(0.25);
    expect(fractionAtPointer(50, 100, 800)).toBe(0);
    expect(fractionAtPointer(5000, 100, 800)).toBe(1);
    expect(fractionAtPointer(300, 100, 0)).toBe(0.5);
    expect(nudgeFraction(0.5, 'ArrowLeft')).toBe(0.48);
    expect(nudgeFraction(0.5, 'ArrowRight', true)).toBe(0.6);
    expect(nudgeFraction(0.95, 'PageUp')).toBe(1);
    expect(nudgeFraction(0.5, 'Home')).toBe(0);
    expect(nudgeFraction(0.5, 'End')).toBe(1);
    expect(nudgeFraction(0.5, 'a')).toBeNull();
  });
});
