// @vitest-environment happy-dom
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { BeatLabelsLayer } from './beat-labels.js';

/** A map stand-in: a camera (centre, zoom), `project` = (lng, lat) × 2^zoom, events. */
function fakeMap() {
  const container = document.createElement('div');
  const canvas = document.createElement('div');
  container.append(canvas);
  Object.defineProperty(container, 'clientWidth', { value: 800 });
  Object.defineProperty(container, 'clientHeight', { value: 600 });
  const cam = { lng: 0, lat: 0, zoom: 0 };
  const handlers = new Map<string, Array<() => void>>();
  let projections = 0;
  const project = (p: [number, number] | { lng: number; lat: number }) => {
    projections++;
    const [lng, lat] = Array.isArray(p) ? p : [p.lng, p.lat];
    const s = 2 ** cam.zoom;
    return { x: 400 + (lng - cam.lng) * s, y: 300 - (lat - cam.lat) * s };
  };
  const map = {
    getContainer: () => container,
    getCanvasContainer: () => canvas,
    on: (ev: string, fn: () => void) => void handlers.set(ev, [...(handlers.get(ev) ?? []), fn]),
    project,
    getCenter: () => ({ lng: cam.lng, lat: cam.lat }),
    getZoom: () => cam.zoom,
    getBearing: () => 0,
    getPitch: () => 0,
  } as unknown as MapLibreMap;
  const fire = (ev: string) => handlers.get(ev)?.forEach((fn) => fn());
  return { map, canvas, cam, fire, projections: () => projections };
}

const model = { beatIds: ['A', 'B'], centroid: Float64Array.from([0, 0, 100, 0]) } as unknown as CellModel;
const agg = new Map<number, BeatAggregate>([
  [0, { cells: 5, labelCell: 0 } as BeatAggregate],
  [1, { cells: 3, labelCell: 1 } as BeatAggregate],
]);

describe('beat labels layer', () => {
  it('one node per beat in one container; a pan shifts the container only, a zoom re-positions the labels', () => {
    const m = fakeMap();
    const layer = new BeatLabelsLayer(m.map).mount();
    layer.setPlan({ model, agg, locked: (b) => b === 1 });
    const nodes = Array.from(m.canvas.querySelectorAll<HTMLElement>('.beat-label'));
    expect(nodes.map((n) => [n.dataset.beat, n.classList.contains('locked')])).toEqual([
      ['A', false],
      ['B', true],
    ]);
    expect(nodes[1]!.style.transform).toBe('translate(500px, 300px)');
    // pan 30 px: one projection, one transform on the container, the labels untouched
    const before = m.projections();
    m.cam.lng = -30;
    m.fire('move');
    expect(m.projections() - before).toBe(1);
    expect((m.canvas.querySelector('.beat-labels') as HTMLElement).style.transform).toBe('translate(30px, 0px)');
    expect(nodes[1]!.style.transform).toBe('translate(500px, 300px)');
    // the move ends, or the zoom changes: the labels are placed for the new camera, the container reset
    m.cam.zoom = 1;
    layer.place();
    expect(nodes[1]!.style.transform).toBe('translate(660px, 300px)');
    expect((m.canvas.querySelector('.beat-labels') as HTMLElement).style.transform).toBe('');
    expect(layer.shown).toEqual(new Set([0, 1]));
  });

  it('follows the selection and forgets a beat that has no cells left', () => {
    const m = fakeMap();
    const layer = new BeatLabelsLayer(m.map).mount();
    const a = new Map(agg);
    layer.setPlan({ model, agg: a, locked: () => false });
    layer.render({ selectedBeat: 1 });
    expect(m.canvas.querySelector('[data-beat=B]')!.classList.contains('selected')).toBe(true);
    a.delete(0);
    layer.update([0]);
    expect(Array.from(m.canvas.querySelectorAll<HTMLElement>('.beat-label'), (n) => n.dataset.beat)).toEqual(['B']);
  });
});
