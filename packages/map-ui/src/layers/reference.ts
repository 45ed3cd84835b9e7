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
import { type CellModel, pointToCell } from '../cell-model.js';
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
  /** The venues drawn: name and position of each point (for the beat card's list, keyboard-readable). */
  private venuePoints: Array<{ name: string; lng: number; lat: number }> = [];
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
            label: `${REFERENCE_STYLE[k].label} (${(this.counts.get(k) ?? 0).toLocaleString('en-GB')}; name on hover and in the Beat tab)`,
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
   * Names of the venues drawn whose point lies in a cell of beat `b` (sorted; the same name
   * once), for the beat card; null when no venue layer is drawn. A venue outside every cell is
   * in no beat.
   * @example reference.venuesInBeat(model, 3) // ['Hansen Elementary School', 'Library 2']
   */
  venuesInBeat(model: CellModel, b: number): string[] | null {
    if (!this.kinds.includes('venues')) return null;
    const names = new Set<string>();
    for (const v of this.venuePoints) {
      const cell = pointToCell(model, v.lng, v.lat);
      if (cell >= 0 && model.beatOf[cell] === b) names.add(v.name);
    }
    return [...names].sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
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
      if (l.kind === 'venues') this.venuePoints = venuePoints(l.data.features);
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
    this.venuePoints = [];
  }
}

/** The named points of venue features (a MultiPoint gives each of its points; others none). */
function venuePoints(
  features: ReadonlyArray<{ geometry?: unknown; properties?: unknown }>,
): Array<{ name: string; lng: number; lat: number }> {
  const out: Array<{ name: string; lng: number; lat: number }> = [];
  for (const f of features) {
    const name = (f.properties as { name?: unknown } | null | undefined)?.name;
    const g = f.geometry as { type?: string; coordinates?: unknown } | null | undefined;
    if (typeof name !== 'string' || name === '' || !g) continue;
    const points = g.type === 'Point' ? [g.coordinates] : g.type === 'MultiPoint' && Array.isArray(g.coordinates) ? g.coordinates : [];
    for (const c of points)
      if (Array.isArray(c) && Number.isFinite(c[0]) && Number.isFinite(c[1])) out.push({ name, lng: Number(c[0]), lat: Number(c[1]) });
  }
  return out;
}
