import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { metresPerPixel } from './briefing.js';

describe('briefing sheet', () => {
  it('measures metres per pixel at the centre of the map (the scale bar), shorter away from the equator', () => {
    // 100 px east = 0.001° of longitude
    const at = (lat: number) =>
      ({
        getContainer: () => ({ clientWidth: 800, clientHeight: 600 }),
        unproject: ([x]: [number, number]) => ({ lng: x * 0.00001, lat }),
      }) as unknown as MapLibreMap;
    expect(metresPerPixel(at(0))).toBeCloseTo(1.1132, 4);
    expect(metresPerPixel(at(60))).toBeCloseTo(0.5566, 4);
  });
});
