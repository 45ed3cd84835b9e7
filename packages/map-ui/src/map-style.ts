/**
 * Pure builders of the map's style: sources built from the {@link CellModel}, the layers,
 * the paint expressions of each colouring, and the legends. Nothing here touches the DOM or
 * a map, so all of it is unit-tested without a browser.
 *
 * Design: geometry is static (one GeoJSON source of cell polygons, one of cell edges); what
 * edits change travels as feature state (`b` = beat of a cell, `on` = edge is a beat outline,
 * `chg` = cell changes beat in a comparison), so a 50-cell stroke updates ~350 feature states
 * instead of re-tiling 40k polygons.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import type { CellModel } from './cell-model.js';
import type { Feature, FeatureCollection, LineString, Polygon } from './geojson.js';
import { isBeatEdge } from './cell-model.js';
import { BEAT_PALETTE, quantileBreaks, SEQUENTIAL_RAMP, UNASSIGNED_COLOUR } from './palette.js';

/** Source ids. */
export const SOURCES = { cells: 'bp-cells', edges: 'bp-edges', beats: 'bp-beats', overlay: 'bp-overlay' } as const;

/**
 * Zoom from which beat outlines are drawn edge by edge (live while painting). Below it the
 * outlines come from the API's dissolved beats (`GET /plans/:id/beats`, refreshed after edits),
 * so the city-wide view never draws the ~3 edges per cell of a 40k-cell grid.
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
 * nothing is fetched; beat numbers are HTML markers (see `beat-labels.ts`).
 */
export function offlineBaseStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'beatplan-offline',
    sources: {},
    layers: [{ id: LAYERS.background, type: 'background', paint: { 'background-color': OFFLINE_BACKGROUND } }],
  };
}

/** Properties of a cell feature. */
export interface CellProperties {
  /** Beat index at build time (−1 unassigned). */
  b: number;
  /** Weekly workload, officer-hours. */
  w: number;
  /** Engagement need, community hours per week. */
  n: number;
}

/**
 * The cells as a GeoJSON FeatureCollection of hexagons, feature id = cell index (so feature
 * state can address a cell), `[lng, lat]`.
 * @param rings cell boundary rings (closed, `[lng, lat]`), e.g. from h3-js `cellToBoundary(h, true)`
 */
export function cellFeatures(model: CellModel, rings: (i: number) => number[][]): FeatureCollection<Polygon, CellProperties> {
  const features: Feature<Polygon, CellProperties>[] = new Array(model.cellCount);
  for (let i = 0; i < model.cellCount; i++) {
    const p: CellProperties = { b: model.beatOf[i]!, w: round3(model.workloadHours[i]!), n: round3(model.needHours[i]!) };
    features[i] = { type: 'Feature', id: i, properties: p, geometry: { type: 'Polygon', coordinates: [rings(i)] } };
  }
  return { type: 'FeatureCollection', features };
}

/** Properties of an edge feature. */
export interface EdgeProperties {
  /** 1 when the edge is a beat outline at build time. */
  on: 0 | 1;
  /** 1 when the edge is on the outside of the grid (the city boundary). */
  outer: 0 | 1;
}

/**
 * The cell edges as GeoJSON LineStrings, feature id = edge index. Beat outlines are the edges
 * whose two cells lie in different beats; the outer edges draw the city boundary, so the map
 * shows the city even with no basemap at all.
 */
export function edgeFeatures(model: CellModel): FeatureCollection<LineString, EdgeProperties> {
  const m = model.edgeA.length;
  const features: Feature<LineString, EdgeProperties>[] = new Array(m);
  const xy = model.edgeXY;
  for (let e = 0; e < m; e++) {
    features[e] = {
      type: 'Feature',
      id: e,
      properties: { on: isBeatEdge(model, e) ? 1 : 0, outer: model.edgeB[e]! < 0 ? 1 : 0 },
      geometry: { type: 'LineString', coordinates: [[xy[4 * e]!, xy[4 * e + 1]!], [xy[4 * e + 2]!, xy[4 * e + 3]!]] },
    };
  }
  return { type: 'FeatureCollection', features };
}

/** The GeoJSON sources of the plan layers. */
export function planSources(cells: FeatureCollection<Polygon, CellProperties>, edges: FeatureCollection<LineString, EdgeProperties>): Record<string, SourceSpecification> {
  return {
    [SOURCES.cells]: { type: 'geojson', data: cells as never, tolerance: 0, buffer: 16 },
    [SOURCES.edges]: { type: 'geojson', data: edges as never, tolerance: 0, buffer: 16 },
    [SOURCES.beats]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    [SOURCES.overlay]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
  };
}

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
 * The value a ramp colouring reads: the `w` (weekly workload) or `n` (need) property, or for
 * one shift the `v` feature state, which the app sets on every cell when a shift is chosen
 * (so choosing a shift never re-tiles the 40k polygons).
 */
export function rampInput(mode: Exclude<ColourMode, 'beat'>, shift: ShiftChoice = 'all'): ExpressionSpecification {
  if (mode === 'need') return ['to-number', ['get', 'n'], 0];
  return shift === 'all' ? ['to-number', ['get', 'w'], 0] : ['to-number', ['feature-state', 'v'], 0];
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
      paint: { 'fill-color': cellFillColour(o), 'fill-opacity': o.mode === 'beat' ? 0.6 : 0.8, 'fill-antialias': false },
    },
    { id: LAYERS.selected, type: 'fill', source: SOURCES.cells, layout: { visibility: o.selectedBeat === null || o.selectedBeat === undefined ? 'none' : 'visible' }, paint: { 'fill-color': '#ffffff', 'fill-opacity': selectedOpacity(o.selectedBeat ?? null), 'fill-antialias': false } },
    {
      id: LAYERS.changed,
      type: 'fill',
      source: SOURCES.cells,
      layout: { visibility: 'none' },
      paint: { 'fill-color': '#000000', 'fill-opacity': ['case', ['boolean', ['feature-state', 'chg'], false], 0.55, 0], 'fill-antialias': false },
    },
    {
      id: LAYERS.outlines,
      type: 'line',
      source: SOURCES.edges,
      minzoom: EDGE_OUTLINE_MINZOOM,
      paint: { 'line-color': '#1a1a1a', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2.2], 'line-opacity': ['coalesce', ['feature-state', 'on'], ['get', 'on']] },
    },
    { id: LAYERS.boundary, type: 'line', source: SOURCES.edges, filter: outer, minzoom: EDGE_OUTLINE_MINZOOM, paint: { 'line-color': '#000000', 'line-width': 2.5 } },
    { id: LAYERS.beatLines, type: 'line', source: SOURCES.beats, maxzoom: EDGE_OUTLINE_MINZOOM, paint: { 'line-color': '#1a1a1a', 'line-width': 1.2 } },
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

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
