/**
 * Pure builders of the map's style: sources built from the {@link CellModel}, the layers,
 * the paint expressions of each colouring, and the legends. Nothing here touches the DOM or
 * a map, so all of it is unit-tested without a browser.
 *
 * Design: geometry is static — vector tiles cut on demand from the model (`vector-tiles.ts`):
 * source `bp-cells` (layer `cells`), `bp-edges` (layer `edges`, only from
 * {@link EDGE_OUTLINE_MINZOOM}), `bp-beats` (layer `beats`, the outlines of the city-wide view).
 * What edits change travels as feature state (`b` = beat of a cell, `on` = edge is a beat
 * outline, `chg` = cell changes beat in a comparison), so a 50-cell stroke updates ~350 feature
 * states instead of re-tiling 40k polygons; colourings are expressions over tile properties.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import { TILE_LAYERS } from './vector-tiles.js';
import { BEAT_PALETTE, quantileBreaks, SEQUENTIAL_RAMP, UNASSIGNED_COLOUR } from './palette.js';

/** Source ids. */
export const SOURCES = { cells: 'bp-cells', edges: 'bp-edges', beats: 'bp-beats', overlay: 'bp-overlay' } as const;

/**
 * Zoom from which beat outlines are drawn edge by edge (live while painting, feature state
 * `on`). Below it the outlines are the `beats` tiles, which hold only the edges between beats
 * (re-cut after edits), so the city-wide view never draws the ~3 edges per cell of a 40k-cell grid.
 */
export const EDGE_OUTLINE_MINZOOM = 12;

/** Layer ids, bottom to top. */
export const LAYERS = {
  background: 'bp-background',
  cells: 'bp-cells-fill',
  selected: 'bp-cells-selected',
  changed: 'bp-cells-changed',
  outlines: 'bp-beat-outlines',
  boundary: 'bp-city-boundary',
  beatLines: 'bp-beat-lines',
  overlay: 'bp-overlay-lines',
} as const;

/** What the cells are coloured by. */
export type ColourMode = 'beat' | 'workload' | 'need';

/** A shift index into `detail.shifts`, or `'all'` for the weekly total. */
export type ShiftChoice = number | 'all';

/** The beat of a cell in a paint expression: its feature state after edits, else the built value. */
export const BEAT_OF_CELL: ExpressionSpecification = ['coalesce', ['feature-state', 'b'], ['get', 'b']];

/** Background colour of the offline map (no basemap). */
export const OFFLINE_BACKGROUND = '#f2efe9';

/**
 * A style with no network dependency at all: a plain background. No glyphs and no sprite, so
 * nothing is fetched; beat numbers are HTML markers (see `app.ts`).
 */
export function offlineBaseStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'beatplan-offline',
    sources: {},
    layers: [{ id: LAYERS.background, type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } }],
  };
}

/** Source layers of the plan's vector tiles (see `vector-tiles.ts`). */
export const SOURCE_LAYERS = TILE_LAYERS;

/** Highest zoom the plan tiles are cut at; MapLibre over-zooms them beyond. */
export const TILE_MAXZOOM = 14;

/** Tile URL templates of the plan sources (from `registerTileProvider`). */
export interface PlanTileUrls {
  cells: string;
  edges: string;
  beats: string;
}

/**
 * The sources of the plan layers: three vector sources cut from the model on demand (the
 * edges only from {@link EDGE_OUTLINE_MINZOOM}, where they are drawn) and the GeoJSON of the
 * comparison overlay.
 * @param bounds `[west, south, east, north]` of the grid, so no tile outside it is requested
 */
export function planSources(tiles: PlanTileUrls, bounds?: [number, number, number, number]): Record<string, SourceSpecification> {
  const b = bounds ? { bounds } : {};
  return {
    [SOURCES.cells]: { type: 'vector', tiles: [tiles.cells], minzoom: 0, maxzoom: TILE_MAXZOOM, ...b },
    [SOURCES.edges]: { type: 'vector', tiles: [tiles.edges], minzoom: EDGE_OUTLINE_MINZOOM, maxzoom: TILE_MAXZOOM, ...b },
    [SOURCES.beats]: { type: 'vector', tiles: [tiles.beats], minzoom: 0, maxzoom: EDGE_OUTLINE_MINZOOM, ...b },
    [SOURCES.overlay]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  };
}

/** Tile property holding the workload of shift `k` (cells layer). */
export const shiftProperty = (k: number) => `s${k}`;

/** Options of {@link cellFillColour}. */
export interface FillOptions {
  mode: ColourMode;
  /** Palette index per beat (from `colourBeats`). */
  colourOfBeat?: ArrayLike<number>;
  /** Shift for workload (`'all'` = weekly total). */
  shift?: ShiftChoice;
  /** Class breaks of the ramp (ascending, one per ramp colour). */
  breaks?: readonly number[];
}

/**
 * The value a ramp colouring reads: the `w` (weekly workload) or `n` (need) tile property, or
 * for one shift its `s<k>` property (every tile carries all shifts, so choosing a shift is a
 * paint-property change: no feature state, no re-tiling).
 */
export function rampInput(mode: Exclude<ColourMode, 'beat'>, shift: ShiftChoice = 'all'): ExpressionSpecification {
  if (mode === 'need') return ['to-number', ['get', 'n'], 0];
  return shift === 'all' ? ['to-number', ['get', 'w'], 0] : ['to-number', ['get', shiftProperty(shift)], 0];
}

/**
 * The `fill-color` of the cells layer.
 * - `beat`: the beat's palette colour (`match` on the cell's beat; unassigned grey);
 * - `workload` / `need`: a linear interpolation over `breaks` on the viridis ramp.
 * @example cellFillColour({ mode: 'beat', colourOfBeat: [0, 1] })
 */
export function cellFillColour(o: FillOptions): ExpressionSpecification | string {
  if (o.mode === 'beat') {
    const c = o.colourOfBeat ?? [];
    if (c.length === 0) return UNASSIGNED_COLOUR;
    const pairs: Array<number | string> = [];
    for (let b = 0; b < c.length; b++) pairs.push(b, BEAT_PALETTE[c[b]!] ?? UNASSIGNED_COLOUR);
    return ['match', BEAT_OF_CELL, ...pairs, UNASSIGNED_COLOUR] as unknown as ExpressionSpecification;
  }
  const breaks = o.breaks && o.breaks.length === SEQUENTIAL_RAMP.length ? o.breaks : quantileBreaks([], SEQUENTIAL_RAMP.length);
  const stops: Array<number | string> = [];
  breaks.forEach((v, k) => stops.push(v, SEQUENTIAL_RAMP[k]!));
  return ['interpolate', ['linear'], rampInput(o.mode, o.shift), ...stops] as unknown as ExpressionSpecification;
}

/** `fill-opacity` of the selected-beat highlight: on for the cells of `beat` only. */
export function selectedOpacity(beat: number | null): ExpressionSpecification | number {
  return beat === null || beat < 0 ? 0 : ['case', ['==', BEAT_OF_CELL, beat], 0.35, 0];
}

/** Options of {@link planLayers}. */
export interface LayerOptions extends FillOptions {
  selectedBeat?: number | null;
}

/** The plan layers, to be drawn above any basemap. */
export function planLayers(o: LayerOptions): LayerSpecification[] {
  const outer: FilterSpecification = ['==', ['get', 'outer'], 1];
  return [
    {
      id: LAYERS.cells,
      type: 'fill',
      source: SOURCES.cells,
      'source-layer': SOURCE_LAYERS.cells,
      paint: { 'fill-color': cellFillColour(o), 'fill-opacity': o.mode === 'beat' ? 0.6 : 0.8, 'fill-antialias': false },
    },
    { id: LAYERS.selected, type: 'fill', source: SOURCES.cells, 'source-layer': SOURCE_LAYERS.cells, layout: { visibility: o.selectedBeat === null || o.selectedBeat === undefined ? 'none' : 'visible' }, paint: { 'fill-color': '#ffffff', 'fill-opacity': selectedOpacity(o.selectedBeat ?? null), 'fill-antialias': false } },
    {
      id: LAYERS.changed,
      type: 'fill',
      source: SOURCES.cells,
      'source-layer': SOURCE_LAYERS.cells,
      layout: { visibility: 'none' },
      paint: { 'fill-color': '#000000', 'fill-opacity': ['case', ['boolean', ['feature-state', 'chg'], false], 0.55, 0], 'fill-antialias': false },
    },
    {
      id: LAYERS.outlines,
      type: 'line',
      source: SOURCES.edges,
      'source-layer': SOURCE_LAYERS.edges,
      minzoom: EDGE_OUTLINE_MINZOOM,
      paint: { 'line-color': '#1a1a1a', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2.2], 'line-opacity': ['coalesce', ['feature-state', 'on'], ['get', 'on']] },
    },
    { id: LAYERS.boundary, type: 'line', source: SOURCES.edges, 'source-layer': SOURCE_LAYERS.edges, filter: outer, minzoom: EDGE_OUTLINE_MINZOOM, paint: { 'line-color': '#000000', 'line-width': 2.5 } },
    { id: LAYERS.beatLines, type: 'line', source: SOURCES.beats, 'source-layer': SOURCE_LAYERS.beats, maxzoom: EDGE_OUTLINE_MINZOOM, layout: { 'line-cap': 'round' }, paint: { 'line-color': '#1a1a1a', 'line-width': 1.2 } },
    {
      id: LAYERS.overlay,
      type: 'line',
      source: SOURCES.overlay,
      layout: { visibility: 'none' },
      paint: { 'line-color': '#6a00a8', 'line-width': 2.5, 'line-dasharray': [2, 1.5] },
    },
  ];
}

/**
 * A whole style: the base (a fetched basemap or {@link offlineBaseStyle}) with the plan's
 * sources and layers on top. The base's own layers stay below.
 */
export function composeStyle(base: StyleSpecification, sources: Record<string, SourceSpecification>, layers: LayerSpecification[]): StyleSpecification {
  return { ...base, sources: { ...base.sources, ...sources }, layers: [...base.layers, ...layers] };
}

/** One row of a legend. */
export interface LegendItem {
  colour: string;
  label: string;
}

/** A legend: a title and its rows. */
export interface Legend {
  title: string;
  items: LegendItem[];
}

/**
 * The legend of a colouring.
 * @param shiftLabel label of the chosen shift (workload), e.g. `'8-16'`
 */
export function legendFor(o: FillOptions & { shiftLabel?: string }): Legend {
  if (o.mode === 'beat') {
    return {
      title: 'Beats (neighbours never share a colour; numbers on the map)',
      items: [...BEAT_PALETTE.map((colour, k) => ({ colour, label: `colour ${k + 1}` })), { colour: UNASSIGNED_COLOUR, label: 'unassigned' }],
    };
  }
  const breaks = o.breaks ?? quantileBreaks([], SEQUENTIAL_RAMP.length);
  const unit = o.mode === 'need' ? 'community h/week' : 'officer-h/week';
  const title = o.mode === 'need' ? 'Engagement need per cell' : `Workload per cell${o.shiftLabel ? ` (shift ${o.shiftLabel})` : ' (all shifts)'}`;
  return { title: `${title}, ${unit}`, items: SEQUENTIAL_RAMP.map((colour, k) => ({ colour, label: `≥ ${formatNumber(breaks[k] ?? 0)}` })) };
}

/** A number for people: 3 significant digits, thousands separated. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
