import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { EDGE_OUTLINE_MINZOOM, LAYERS } from '../map-style.js';
import { applyFill, applySelection } from './plan-fill.js';

/** A map stand-in recording paint, layout and zoom-range changes. */
function recorder() {
  const calls: string[] = [];
  const map = {
    getLayer: () => ({}),
    setPaintProperty: (id: string, k: string, v: unknown) => void calls.push(`${id} ${k} ${typeof v === 'object' ? 'expr' : v}`),
    setLayoutProperty: (id: string, k: string, v: unknown) => void calls.push(`${id} ${k} ${v}`),
    setLayerZoomRange: (id: string, lo: number, hi: number) => void calls.push(`${id} zoom ${lo}-${hi}`),
  } as unknown as MapLibreMap;
  return { map, calls };
}

describe('plan fill', () => {
  it('beat colouring: the merged areas below the live-edge zoom, the cells from it', () => {
    const r = recorder();
    applyFill(r.map, { mode: 'beat', colourOfBeat: [0, 1] });
    expect(r.calls).toContain(`${LAYERS.cells} zoom ${EDGE_OUTLINE_MINZOOM}-24`);
    expect(r.calls).toContain(`${LAYERS.areas} visibility visible`);
  });

  it('a ramp colours every cell at every zoom and hides the areas; dimmed under the heat', () => {
    const r = recorder();
    applyFill(r.map, { mode: 'workload', breaks: [0, 1, 2, 3, 4], dimmed: true });
    expect(r.calls).toContain(`${LAYERS.cells} zoom 0-24`);
    expect(r.calls).toContain(`${LAYERS.areas} visibility none`);
    expect(r.calls).toContain(`${LAYERS.cells} fill-opacity 0.3`);
  });

  it('the selection lightens the cells and the area of the beat; none hides both', () => {
    const r = recorder();
    applySelection(r.map, 3);
    expect(r.calls.filter((c) => c.endsWith('visibility visible'))).toEqual([
      `${LAYERS.selected} visibility visible`,
      `${LAYERS.areasSelected} visibility visible`,
    ]);
    applySelection(r.map, null);
    expect(r.calls.filter((c) => c.endsWith('visibility none'))).toHaveLength(2);
  });
});
