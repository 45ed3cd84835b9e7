// @vitest-environment happy-dom
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { ApiClient, PlanDto } from '../api-client.js';
import type { CellModel } from '../cell-model.js';
import { LAYERS, SOURCES } from '../map-style.js';
import { initialViewState, Store } from '../store.js';
import { ComparisonView } from './comparison.js';

function setup() {
  document.body.innerHTML =
    '<select id="compare-select"><option value="q">Q</option></select><button id="compare-run"></button><button id="compare-clear"></button><input type="checkbox" id="overlay-toggle"><button id="swipe-toggle"></button><div id="compare-slot"></div>';
  const state = new Map<number, unknown>();
  const layout = new Map<string, string>();
  let overlay: unknown = null;
  const map = {
    setFeatureState: (f: { id: number }, s: unknown) => void state.set(f.id, s),
    setLayoutProperty: (id: string, _k: string, v: string) => void layout.set(id, v),
    getLayoutProperty: (id: string) => layout.get(id),
    getLayer: () => ({}),
    getSource: (id: string) => (id === SOURCES.overlay ? { setData: (d: unknown) => (overlay = d) } : undefined),
  } as unknown as MapLibreMap;
  const asked: string[] = [];
  const api = {
    get: async (path: string) => {
      asked.push(path);
      if (path.includes('/compare')) return { changedCells: { count: 3, share: 0.5, cells: ['h0', 'h2', 'h9'] }, beats: [], summary: {} };
      return { type: 'FeatureCollection', features: [] };
    },
  } as unknown as ApiClient;
  const model = {
    beatIds: ['A', 'B'],
    beatOf: Int32Array.from([0, 1, 1]),
    indexOf: new Map([
      ['h0', 0],
      ['h1', 1],
      ['h2', 2],
    ]),
  } as unknown as CellModel;
  const store = new Store(initialViewState());
  const said: string[] = [];
  let changed = 0;
  const view = new ComparisonView({
    api,
    map,
    store,
    plan: () => ({ id: 'p', name: 'Proposal', version: 2 }) as PlanDto,
    model: () => model,
    plans: () => [{ id: 'q', name: 'Current beats' } as PlanDto],
    fetchPlan: async () => Promise.reject(new Error('not in this test')),
    baseStyle: () => ({ version: 8, sources: {}, layers: [] }),
    fillOptions: () => ({ mode: 'beat' }),
    heatPoints: () => null,
    stopPainting: () => undefined,
    changed: () => void changed++,
    say: (m) => void said.push(m),
    timing: () => undefined,
  }).mount();
  return { view, state, layout, asked, store, said, overlay: () => overlay, changed: () => changed };
}

describe('comparison view', () => {
  it('asks from the other plan, darkens the changed cells it knows, shows the overlay, and sets the store', async () => {
    const t = setup();
    await t.view.compareWith('q');
    expect(t.asked).toEqual(['/plans/q/compare?with=p', '/plans/q/beats']);
    expect([...t.state.entries()]).toEqual([
      [0, { chg: true }],
      [2, { chg: true }],
    ]);
    expect(t.view.changedCells).toEqual([0, 2]);
    expect(t.store.get().comparedWith).toBe('q');
    expect(t.layout.get(LAYERS.changed)).toBe('visible');
    expect(t.view.overlayOn).toBe(true);
    expect(t.view.overlayOf).toBe('Current beats');
    expect(t.overlay()).toEqual({ type: 'FeatureCollection', features: [] });
    expect(t.said.at(-1)).toBe('3 cells change beat.');
  });

  it('Clear un-darkens the cells and hides the overlay; the store forgets the compared plan', async () => {
    const t = setup();
    await t.view.compareWith('q');
    document.getElementById('compare-clear')!.click();
    expect(t.state.get(0)).toEqual({ chg: false });
    expect(t.view.comparedWith).toBeNull();
    expect(t.store.get().comparedWith).toBeNull();
    expect(t.layout.get(LAYERS.changed)).toBe('none');
    expect(t.view.overlayOn).toBe(false);
    expect(document.getElementById('compare-slot')!.childElementCount).toBe(0);
  });

  it('a swipe that cannot load the other plan says why and stays closed', async () => {
    const t = setup();
    await t.view.openSwipe('q');
    expect(t.view.swipe).toBeNull();
    expect(t.said.at(-1)).toBe('Swipe view failed: not in this test');
  });
});
