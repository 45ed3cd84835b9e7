/**
 * The ground reference with the beats: the plan's area layer (neighbourhoods), districts,
 * roads, barriers (rivers, expressways) and meeting venues from `GET /plans/:id/reference`,
 * drawn in MapLibre from the API's answer (nothing fetched from outside). Areas and roads go
 * under the cells; districts and barriers over them (they are what beat edges should follow),
 * and the venues on top as dots, each named in the hover tooltip (no glyphs needed). Cached per plan.
 */

import type { ReferenceDto } from '@beatplan/api';
import type { LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import type { ApiClient } from '../api-client.js';
import type { LegendItem } from '../map-style.js';

/** `GET /plans/:id/reference` (the API's type). */
export type ReferenceAnswer = ReferenceDto;

/** A reference layer kind, as the API names it. */
export type ReferenceKind = ReferenceDto['layers'][number]['kind'];

/**
 * How each kind is drawn: colour, line width (px; for venues the dot's radius), whether it goes
 * over the cells, and its legend label.
 */
export const REFERENCE_STYLE: Record<ReferenceKind, { colour: string; width: number; over: boolean; label: string }> = {
  areas: { colour: '#6b6b6b', width: 0.8, over: false, label: 'neighbourhood edge' },
  roads: { colour: '#8a8a8a', width: 1.2, over: false, label: 'road' },
  districts: { colour: '#222222', width: 3, over: true, label: 'district boundary' },
  barriers: { colour: '#1f5fbf', width: 3, over: true, label: 'river / expressway (barrier)' },
  venues: { colour: '#000000', width: 4.5, over: true, label: 'meeting venue' },
};

/** The MapLibre layer of the venues' dots (queried for the names under the pointer). */
export const VENUES_LAYER = 'bp-ref-venues-circle';

const SOURCE = (k: ReferenceKind) => `bp-ref-${k}`;

/**
 * MapLibre layers of one reference kind: lines for every geometry (polygon edges included)
 * and, for barriers, a light fill of their polygons (a river drawn as an area); venues are
 * dots (a white ring, so they read on every beat colour).
 * @example referenceLayers('venues')[0].id // 'bp-ref-venues-circle'
 */
export function referenceLayers(kind: ReferenceKind): LayerSpecification[] {
  const s = REFERENCE_STYLE[kind];
  if (kind === 'venues')
    return [
      {
        id: VENUES_LAYER,
        type: 'circle',
        source: SOURCE(kind),
        filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-radius': s.width, 'circle-color': s.colour, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
      },
    ];
  const line: LayerSpecification = {
    id: `${SOURCE(kind)}-line`,
    type: 'line',
    source: SOURCE(kind),
    paint: { 'line-color': s.colour, 'line-width': s.width, 'line-opacity': 0.9 },
  };
  if (kind !== 'barriers') return [line];
  return [
    {
      id: `${SOURCE(kind)}-fill`,
      type: 'fill',
      source: SOURCE(kind),
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': s.colour, 'fill-opacity': 0.35 },
    },
    line,
  ];
}

/** The ground reference layers of the plan on show. */
export class ReferenceLayers {
  private readonly cache = new Map<string, Promise<ReferenceAnswer>>();
  private kinds: ReferenceKind[] = [];
  /** Features drawn per kind (the legend counts the venues). */
  private readonly counts = new Map<ReferenceKind, number>();
  private seq = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly api: ApiClient,
    /** The first plan layer (the cells): reference layers not "over" go before it. */
    private readonly cellsLayer: string,
  ) {}

  /** The kinds drawn now (bottom to top). */
  get shown(): readonly ReferenceKind[] {
    return this.kinds;
  }

  /** Legend items of the layers drawn (venues: a dot, with their count and where their names are). */
  legendItems(): LegendItem[] {
    return this.kinds.map((k) =>
      k === 'venues'
        ? {
            colour: REFERENCE_STYLE[k].colour,
            symbol: 'dot' as const,
            label: `${REFERENCE_STYLE[k].label} (${(this.counts.get(k) ?? 0).toLocaleString('en-GB')}; name on hover)`,
          }
        : { colour: REFERENCE_STYLE[k].colour, symbol: 'line' as const, label: REFERENCE_STYLE[k].label },
    );
  }

  /**
   * Names of the venues drawn within `radiusPx` of the point (x, y) px on the map, for the
   * hover tooltip; none when no venue layer is drawn.
   * @example reference.venuesAt(120, 80) // ['Hansen Elementary School']
   */
  venuesAt(x: number, y: number, radiusPx = 6): string[] {
    if (!this.kinds.includes('venues') || !this.map.getLayer(VENUES_LAYER)) return [];
    const hits = this.map.queryRenderedFeatures(
      [
        [x - radiusPx, y - radiusPx],
        [x + radiusPx, y + radiusPx],
      ],
      { layers: [VENUES_LAYER] },
    );
    const names = hits.map((f) => f.properties?.name).filter((n): n is string => typeof n === 'string' && n !== '');
    return [...new Set(names)];
  }

  /**
   * Draws plan `planId`'s reference layers (after its plan layers are installed). A server
   * without the route (404) or a failed request draws none.
   * @returns the kinds drawn
   */
  async show(planId: string): Promise<readonly ReferenceKind[]> {
    const seq = ++this.seq;
    this.clear();
    let answer = this.cache.get(planId);
    if (!answer) {
      answer = this.api.get<ReferenceAnswer>(`/plans/${encodeURIComponent(planId)}/reference`);
      this.cache.set(planId, answer);
    }
    let r: ReferenceAnswer;
    try {
      r = await answer;
    } catch {
      this.cache.delete(planId);
      return this.kinds;
    }
    if (seq !== this.seq) return this.kinds;
    for (const l of r.layers) {
      this.map.addSource(SOURCE(l.kind), { type: 'geojson', data: l.data as never });
      for (const layer of referenceLayers(l.kind)) {
        const before = REFERENCE_STYLE[l.kind].over ? undefined : this.cellsLayer;
        this.map.addLayer(layer, before && this.map.getLayer(before) ? before : undefined);
      }
      this.kinds.push(l.kind);
      this.counts.set(l.kind, l.data.features.length);
    }
    return this.kinds;
  }

  /** Removes the layers drawn. */
  clear(): void {
    for (const k of this.kinds) {
      for (const layer of referenceLayers(k)) if (this.map.getLayer(layer.id)) this.map.removeLayer(layer.id);
      if (this.map.getSource(SOURCE(k))) this.map.removeSource(SOURCE(k));
    }
    this.kinds = [];
    this.counts.clear();
  }
}
