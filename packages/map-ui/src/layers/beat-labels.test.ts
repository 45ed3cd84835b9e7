// @vitest-environment happy-dom
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { BeatLabelsLayer, LABEL_LAYER, type LabelPainter } from './beat-labels.js';

interface PointFeature {
  id: number;
  geometry: { coordinates: [number, number] };
  properties: { b: number; icon: string; locked: boolean; selected: boolean };
}

/**
 * A map stand-in: a camera (centre, zoom), `project` = (lng, lat) × 2^zoom, events, and the
 * style calls the layer makes (one GeoJSON source, layers in order, images, feature state).
 */
function fakeMap() {
  const container = document.createElement('div');
  Object.defineProperty(container, 'clientWidth', { value: 800 });
  Object.defineProperty(container, 'clientHeight', { value: 600 });
  const cam = { lng: 0, lat: 0, zoom: 0 };
  const handlers = new Map<string, Array<() => void>>();
  let projections = 0;
  let sends = 0;
  const project = (p: [number, number] | { lng: number; lat: number }) => {
    projections++;
    const [lng, lat] = Array.isArray(p) ? p : [p.lng, p.lat];
    const s = 2 ** cam.zoom;
    return { x: 400 + (lng - cam.lng) * s, y: 300 - (lat - cam.lat) * s };
  };
  let features: PointFeature[] = [];
  const images = new Map<string, { pixelRatio?: number }>();
  const order: string[] = ['bp-beat-areas'];
  const sources = new Set<string>();
  const map = {
    getContainer: () => container,
    on: (ev: string, fn: () => void) => void handlers.set(ev, [...(handlers.get(ev) ?? []), fn]),
    project,
    getZoom: () => cam.zoom,
    getBearing: () => 0,
    getPitch: () => 0,
    getSource: (id: string) =>
      sources.has(id) ? { setData: (d: { features: PointFeature[] }) => void (sends++, (features = d.features)) } : undefined,
    addSource: (id: string) => void sources.add(id),
    getLayer: (id: string) => (order.includes(id) ? { id } : undefined),
    addLayer: (l: { id: string }) => void order.push(l.id),
    getLayersOrder: () => [...order],
    moveLayer: (id: string) => void (order.splice(order.indexOf(id), 1), order.push(id)),
    hasImage: (id: string) => images.has(id),
    addImage: (id: string, _img: unknown, o: { pixelRatio?: number }) => void images.set(id, o),
  } as unknown as MapLibreMap;
  const fire = (ev: string) => handlers.get(ev)?.forEach((fn) => fn());
  /** Beats whose label is drawn (in the source). */
  const drawn = () => features.map((f) => f.id);
  return {
    map,
    cam,
    fire,
    order,
    images,
    drawn,
    features: () => features,
    projections: () => projections,
    sends: () => sends,
  };
}

/** Label pictures 8 px per character + 8 px wide, 18 px high (20 when locked): no canvas needed. */
const painter: LabelPainter = (text, look) => ({
  width: 8 * text.length + 8,
  height: look.locked ? 20 : 18,
  image: { width: 1, height: 1, data: new Uint8Array(4) },
});

// beat A (5 cells) at lng 0, beat B (3 cells) at lng 10: their 16-px labels overlap at zoom 0, not at zoom 2
const model = { beatIds: ['A', 'B'], centroid: Float64Array.from([0, 0, 10, 0]) } as unknown as CellModel;
const agg = new Map<number, BeatAggregate>([
  [0, { cells: 5, labelCell: 0 } as BeatAggregate],
  [1, { cells: 3, labelCell: 1 } as BeatAggregate],
]);

describe('beat labels layer', () => {
  it('one point per beat in a symbol layer on top; placeLabels decides what is drawn; a pan costs nothing, a zoom re-thins', () => {
    const m = fakeMap();
    const layer = new BeatLabelsLayer(m.map, painter).mount();
    layer.setPlan({ model, agg, locked: (b) => b === 1 });
    expect(m.order.at(-1)).toBe(LABEL_LAYER);
    expect([...m.images.keys()]).toEqual(['bp-label::A', 'bp-label:l:B']);
    // zoom 0: the larger beat's label wins, the other is not drawn
    expect(m.features().map((f) => [f.id, f.geometry.coordinates, f.properties.locked])).toEqual([[0, [0, 0], false]]);
    expect(layer.shown).toEqual(new Set([0]));
    expect(layer.boxes().map((b) => [b.beat, b.x, b.y, b.width, b.height])).toEqual([
      [0, 400, 300, 16, 18],
      [1, 410, 300, 16, 20],
    ]);
    // a pan (same zoom): no projection, nothing sent — the labels move with the map's frame
    const [p0, s0] = [m.projections(), m.sends()];
    m.cam.lng = -30;
    m.fire('move');
    expect([m.projections() - p0, m.sends() - s0]).toEqual([0, 0]);
    // placed again with the same labels shown: nothing sent
    layer.place();
    expect(m.sends() - s0).toBe(0);
    // the zoom changes: re-placed, both drawn
    m.cam.zoom = 2;
    layer.place();
    expect(m.features().map((f) => [f.id, f.geometry.coordinates, f.properties.locked])).toEqual([
      [0, [0, 0], false],
      [1, [10, 0], true],
    ]);
    expect(layer.shown).toEqual(new Set([0, 1]));
    // a layer added later goes under the labels once the map is idle
    m.order.push('bp-ref-barriers-line');
    m.fire('idle');
    expect(m.order.at(-1)).toBe(LABEL_LAYER);
  });

  it('follows the selection (the selected label wins) and forgets a beat that has no cells left', () => {
    const m = fakeMap();
    const layer = new BeatLabelsLayer(m.map, painter).mount();
    const a = new Map(agg);
    layer.setPlan({ model, agg: a, locked: () => false });
    expect(m.drawn()).toEqual([0]);
    layer.render({ selectedBeat: 1 });
    expect(m.features().find((f) => f.id === 1)!.properties).toMatchObject({ selected: true, icon: 'bp-label:s:B' });
    expect(m.drawn()).toEqual([1]);
    a.delete(0);
    layer.update([0]);
    layer.place();
    expect(m.drawn()).toEqual([1]);
    expect(layer.boxes().map((b) => b.beat)).toEqual([1]);
    // each picture is made once per number and look
    layer.render({ selectedBeat: null });
    layer.render({ selectedBeat: 1 });
    expect([...m.images.keys()].sort()).toEqual(['bp-label::A', 'bp-label::B', 'bp-label:s:B']);
  });
});
