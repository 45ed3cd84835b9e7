import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../api-client.js';
import { cellsToModel } from '../cell-model.js';
import { swatchStyle } from '../panels.js';
import { REFERENCE_STYLE, type ReferenceAnswer, ReferenceLayers, referenceLayers, VENUES_LAYER } from './reference.js';

/** A map that records its layers in order and answers `queryRenderedFeatures` from `rendered`. */
function recordingMap(rendered: Array<{ layer: string; name: string; x: number; y: number }> = []) {
  const layers: string[] = [];
  const sources = new Set<string>();
  const map = {
    addSource: (id: string) => void sources.add(id),
    getSource: (id: string) => (sources.has(id) ? {} : undefined),
    removeSource: (id: string) => void sources.delete(id),
    addLayer: (l: { id: string }, before?: string) => {
      const k = before ? layers.indexOf(before) : -1;
      if (k >= 0) layers.splice(k, 0, l.id);
      else layers.push(l.id);
    },
    getLayer: (id: string) => (layers.includes(id) ? { id } : undefined),
    removeLayer: (id: string) => void layers.splice(layers.indexOf(id), 1),
    queryRenderedFeatures: (box: [[number, number], [number, number]], o: { layers: string[] }) =>
      rendered
        .filter((f) => o.layers.includes(f.layer) && f.x >= box[0][0] && f.x <= box[1][0] && f.y >= box[0][1] && f.y <= box[1][1])
        .map((f) => ({ properties: { name: f.name } })),
  } as unknown as MapLibreMap;
  return { map, layers };
}

const fc = (features: Array<{ name: string | null; geometry: object }>) => ({
  type: 'FeatureCollection' as const,
  features: features.map((f) => ({
    type: 'Feature' as const,
    properties: { name: f.name },
    geometry: f.geometry as Record<string, unknown>,
  })),
});
const line = { type: 'LineString', coordinates: [0, 0] };
const point = { type: 'Point', coordinates: [0, 0] };

const answer: ReferenceAnswer = {
  layers: [
    { kind: 'areas', name: 'Neighbourhoods', data: fc([{ name: 'Elm Park', geometry: line }]) },
    { kind: 'districts', name: 'Districts', data: fc([{ name: 'District 1', geometry: line }]) },
    { kind: 'roads', name: 'Streets', data: fc([{ name: null, geometry: line }]) },
    { kind: 'barriers', name: 'River', data: fc([{ name: 'River', geometry: line }]) },
    {
      kind: 'venues',
      name: 'Meeting places',
      data: fc([
        { name: 'Hansen School', geometry: point },
        { name: 'Elm Library', geometry: point },
      ]),
    },
  ],
};
const api = { get: async () => answer } as unknown as ApiClient;

describe('reference layers', () => {
  it('draws every line kind from its own source; barriers also fill their polygons; venues are dots', () => {
    for (const k of ['areas', 'districts', 'roads'] as const) {
      expect(referenceLayers(k).map((l) => [l.id, l.type, (l as { source: string }).source])).toEqual([
        [`bp-ref-${k}-line`, 'line', `bp-ref-${k}`],
      ]);
    }
    expect(referenceLayers('barriers').map((l) => l.type)).toEqual(['fill', 'line']);
    expect(referenceLayers('venues').map((l) => [l.id, l.type, (l as { filter?: unknown }).filter])).toEqual([
      [VENUES_LAYER, 'circle', ['==', ['geometry-type'], 'Point']],
    ]);
  });

  it('puts districts, barriers and venues over the cells, areas and roads under them', () => {
    expect(
      Object.entries(REFERENCE_STYLE)
        .filter(([, s]) => s.over)
        .map(([k]) => k)
        .sort(),
    ).toEqual(['barriers', 'districts', 'venues']);
  });

  it('installs the answer in order around the cells, lists each kind in the legend, and names the venues under a point', async () => {
    const { map, layers } = recordingMap([
      { layer: VENUES_LAYER, name: 'Hansen School', x: 100, y: 100 },
      { layer: VENUES_LAYER, name: 'Elm Library', x: 300, y: 300 },
      { layer: 'bp-ref-districts-line', name: 'District 1', x: 100, y: 100 },
    ]);
    map.addLayer({ id: 'cells' } as never);
    map.addLayer({ id: 'outlines' } as never);
    const ref = new ReferenceLayers(map, api, 'cells');
    expect(ref.venuesAt(100, 100)).toEqual([]);
    expect(await ref.show('p1')).toEqual(['areas', 'districts', 'roads', 'barriers', 'venues']);
    expect(layers).toEqual([
      'bp-ref-areas-line',
      'bp-ref-roads-line',
      'cells',
      'outlines',
      'bp-ref-districts-line',
      'bp-ref-barriers-fill',
      'bp-ref-barriers-line',
      VENUES_LAYER,
    ]);
    expect(ref.legendItems()).toEqual([
      { colour: '#6b6b6b', symbol: 'line', label: 'neighbourhood edge' },
      { colour: '#222222', symbol: 'line', label: 'district boundary' },
      { colour: '#8a8a8a', symbol: 'line', label: 'road' },
      { colour: '#1f5fbf', symbol: 'line', label: 'river / expressway (barrier)' },
      { colour: '#000000', symbol: 'dot', label: 'meeting venue (2; name on hover and in the Beat tab)' },
    ]);
    // the venues' legend swatch is a round dot of their colour
    expect(swatchStyle(ref.legendItems().at(-1)!)).toBe('background:#000000;border-radius:50%;width:10px;height:10px');
    // the names of the venues within 6 px, from the venue layer only
    expect(ref.venuesAt(104, 97)).toEqual(['Hansen School']);
    expect(ref.venuesAt(200, 200)).toEqual([]);
    ref.clear();
    expect(layers).toEqual(['cells', 'outlines']);
    expect(ref.legendItems()).toEqual([]);
    expect(ref.venuesAt(100, 100)).toEqual([]);
  });

  it('lists the venues of a beat by their points (sorted, each name once), for the beat card; null without a venue layer', async () => {
    // 19 cells at resolution 9: the centre ring (7 cells) is beat A, the rest beat B
    const centre = latLngToCell(41.88, -87.63, 9);
    const inner = new Set(gridDisk(centre, 1));
    const ring2 = gridDisk(centre, 2).filter((h) => !inner.has(h));
    const model = cellsToModel(
      {
        resolution: 9,
        columns: ['h3', 'beat', 'workloadHours', 'needHours'],
        rows: gridDisk(centre, 2).map((h) => [h, inner.has(h) ? 'A' : 'B', 1, 0]),
      },
      ['A', 'B'],
    );
    const at = (h: string) => {
      const [lat, lng] = cellToLatLng(h);
      return { type: 'Point', coordinates: [lng, lat] };
    };
    const venues: ReferenceAnswer = {
      layers: [
        {
          kind: 'venues',
          name: 'Meeting places',
          data: fc([
            { name: 'Zion Church', geometry: at(centre) },
            { name: 'Elm Library', geometry: at([...inner][3]!) },
            { name: 'Elm Library', geometry: at(centre) }, // the same name twice: listed once
            { name: 'Park Hall', geometry: at(ring2[0]!) },
            { name: 'Far Away', geometry: { type: 'Point', coordinates: [-80, 30] } }, // in no beat
            { name: '', geometry: at(centre) }, // no name: not listed
            { name: 'Twin Halls', geometry: { type: 'MultiPoint', coordinates: [at(ring2[1]!).coordinates, [-80, 30]] } },
          ]),
        },
      ],
    };
    const { map } = recordingMap();
    const ref = new ReferenceLayers(map, { get: async () => venues } as unknown as ApiClient, 'cells');
    expect(ref.venuesInBeat(model, 0)).toBeNull();
    await ref.show('p2');
    expect(ref.venuesInBeat(model, 0)).toEqual(['Elm Library', 'Zion Church']);
    expect(ref.venuesInBeat(model, 1)).toEqual(['Park Hall', 'Twin Halls']);
    ref.clear();
    expect(ref.venuesInBeat(model, 0)).toBeNull();
  });
});
