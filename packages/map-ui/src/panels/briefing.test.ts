// @vitest-environment happy-dom
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { BriefingButton, metresPerPixel } from './briefing.js';

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
  it('the button draws nothing before a plan is shown, and redraws the map before drawing the sheet', async () => {
    const button = document.createElement('button');
    const title = document.createElement('input');
    let asked = 0;
    let repainted = 0;
    let source: ReturnType<ConstructorParameters<typeof BriefingButton>[0]> = null;
    const sheet = new BriefingButton(() => {
      asked++;
      return source;
    }).mount(button, title);
    button.click();
    expect(asked).toBe(1);
    await sheet.save();
    expect(asked).toBe(2);
    // a plan on show: the map is repainted first (the sheet copies its canvas); the drawing
    // itself needs a real canvas, absent here
    // The map's own beat numbers (the symbol layer) are hidden for that repaint, since the sheet
    // draws the shown numbers itself, and shown again afterwards even when drawing fails.
    let opacity: unknown = 0.9;
    let opacityAtRepaint: unknown;
    source = {
      map: {
        triggerRepaint: () => {
          repainted++;
          opacityAtRepaint = opacity;
        },
        getLayer: (id: string) => (id === 'bp-beat-labels' ? { id } : undefined),
        getPaintProperty: () => opacity,
        setPaintProperty: (_id: string, name: string, value: unknown) => {
          if (name === 'icon-opacity') opacity = value;
        },
        project: () => ({ x: 0, y: 0 }),
        getCanvas: () => document.createElement('canvas'),
      } as unknown as MapLibreMap,
    } as NonNullable<typeof source>;
    await sheet.save().catch(() => undefined);
    expect(repainted).toBe(1);
    expect(opacityAtRepaint).toBe(0);
    expect(opacity).toBe(0.9);
  });
});
