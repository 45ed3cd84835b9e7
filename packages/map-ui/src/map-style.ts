/**
 * Pure builders of the map's style: sources built from the {@link CellModel}, the layers,
 * the paint expressions of each colouring, and the legends. Nothing here touches the DOM or
 * a map, so all of it is unit-tested without a browser.
 *
 * Design: geometry is static — vector tiles cut on demand from the model (`vector-tiles.ts`):
 * source `bp-cells` (layer `cells`), `bp-edges` (layer `edges`, only from
 * {@link EDGE_OUTLINE_MINZOOM}), `bp-beats` (layer `beats`, the outlines of the city-wide view).
 * What edits change travels as feature state (`b` = beat of a cell, `on` = edge is a beat
 * outline, `u` = edge between two units of a plan made on units, `chg` = cell changes beat in a
 * comparison), so a 50-cell stroke updates ~350 feature
 * states instead of re-tiling 40k polygons; colourings are expressions over tile properties.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import { HEAT_LAYERS, HEAT_SOURCE, type HeatLayerOptions, heatLayers, heatSource } from './heat.js';
import { BEAT_PALETTE, BEAT_PALETTE_NAMES, quantileBreaks, SEQUENTIAL_RAMP, SUPPRESSED_COLOUR, UNASSIGNED_COLOUR } from './palette.js';
import { TILE_LAYERS } from './vector-tiles.js';

/** Source ids. */
export const SOURCES = { cells: 'bp-cells', edges: 'bp-edges', beats: 'bp-beats', overlay: 'bp-overlay', incidents: HEAT_SOURCE } as const;

/**
 * Zoom from which beat outlines are drawn edge by edge (live while painting, feature state
 * `on`) and the cells as hexagons. Below it the outlines are the `beats` tiles, which hold only
 * the edges between beats joined into chains, smoothed and simplified for display
 * (`outline-chains.ts`; re-cut after edits), so the city-wide view never draws the ~3 edges per
 * cell of a 40k-cell grid.
 */
export const EDGE_OUTLINE_MINZOOM = 12;

/** Layer ids, bottom to top. */
export const LAYERS = {
  background: 'bp-background',
  areas: 'bp-beat-areas',
  cells: 'bp-cells-fill',
  areasSelected: 'bp-beat-areas-selected',
  selected: 'bp-cells-selected',
  changed: 'bp-cells-changed',
  unitEdges: 'bp-unit-edges',
  heat: HEAT_LAYERS.heat,
  heatPoints: HEAT_LAYERS.points,
  outlines: 'bp-beat-outlines',
  boundary: 'bp-city-boundary',
  beatLines: 'bp-beat-lines',
  overlay: 'bp-overlay-lines',
} as const;

/** Colour of beat outlines (and of the city boundary, drawn wider). */
export const OUTLINE_COLOUR = '#1a1a1a';
/** Edges between two units (blocks, block groups) of a plan made on units: thin grey, under the beat outlines. */
export const UNIT_EDGE = { colour: '#5a5a5a', width: 0.7, opacity: 0.7 };
/** The comparison plan's outlines: dashed purple, `[dash, gap]` in line widths. */
export const OVERLAY_LINE = { colour: '#6a00a8', width: 2.5, dash: [2, 1.5] as [number, number] };
/** Cells that change beat in a comparison: darkened. */
export const CHANGED_FILL = { colour: '#000000', opacity: 0.55 };
/** The selected beat: lightened. */
export const SELECTED_FILL = { colour: '#ffffff', opacity: 0.35 };
/** `fill-opacity` of cells dimmed under the incidents heat layer (the heat reads first, the beats stay recognisable). */
export const DIMMED_CELL_OPACITY = 0.3;

/**
 * `fill-opacity` of the cell colourings: categorical beats lighter than ramps; dimmed under the
 * heat layer.
 */
export const cellOpacity = (mode: ColourMode, dimmed = false) => (dimmed ? DIMMED_CELL_OPACITY : mode === 'beat' ? 0.6 : 0.8);

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

/** Source and layer id of a raster or vector basemap (under every plan layer). */
export const BASEMAP_ID = 'bp-basemap';

/**
 * A base style of raster tiles (`tiles`: URL templates, or `url`: a TileJSON / `pmtiles://`
 * archive) over the offline background.
 * @example rasterBaseStyle({ tiles: ['https://tiles.example/{z}/{x}/{y}.png'] }).sources['bp-basemap'].type // 'raster'
 */
export function rasterBaseStyle(source: { tiles: string[] } | { url: string }): StyleSpecification {
  const base = offlineBaseStyle();
  return {
    ...base,
    name: 'beatplan-raster',
    sources: { [BASEMAP_ID]: { type: 'raster', tileSize: 256, ...source } },
    layers: [...base.layers, { id: BASEMAP_ID, type: 'raster', source: BASEMAP_ID }],
  };
}

/**
 * A base style of a vector archive without a style of its own: every source layer drawn as
 * thin grey lines (streets, water and land outlines) over the offline background.
 */
export function vectorOutlineBaseStyle(url: string, sourceLayers: readonly string[]): StyleSpecification {
  const base = offlineBaseStyle();
  return {
    ...base,
    name: 'beatplan-vector',
    sources: { [BASEMAP_ID]: { type: 'vector', url } },
    layers: [
      ...base.layers,
      ...sourceLayers.map(
        (l): LayerSpecification => ({
          id: `${BASEMAP_ID}-${l}`,
          type: 'line',
          source: BASEMAP_ID,
          'source-layer': l,
          paint: { 'line-color': '#9a958c', 'line-width': 0.6 },
        }),
      ),
    ],
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
    [SOURCES.incidents]: heatSource(),
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
  /**
   * Set when a public (viewer) answer left some cells' workload out (areas with fewer than
   * `k` incidents): those cells are drawn in {@link SUPPRESSED_COLOUR} in the workload colouring.
   */
  suppressedK?: number;
  /** The cells are dimmed under the incidents heat layer ({@link DIMMED_CELL_OPACITY}). */
  dimmed?: boolean;
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
export function cellFillColour(o: FillOptions, beatOf: ExpressionSpecification = BEAT_OF_CELL): ExpressionSpecification | string {
  if (o.mode === 'beat') {
    const c = o.colourOfBeat ?? [];
    if (c.length === 0) return UNASSIGNED_COLOUR;
    const pairs: Array<number | string> = [];
    for (let b = 0; b < c.length; b++) pairs.push(b, BEAT_PALETTE[c[b]!] ?? UNASSIGNED_COLOUR);
    return ['match', beatOf, ...pairs, UNASSIGNED_COLOUR] as unknown as ExpressionSpecification;
  }
  const breaks = o.breaks && o.breaks.length === SEQUENTIAL_RAMP.length ? o.breaks : quantileBreaks([], SEQUENTIAL_RAMP.length);
  const stops: Array<number | string> = [];
  breaks.forEach((v, k) => stops.push(v, SEQUENTIAL_RAMP[k]!));
  const ramp = ['interpolate', ['linear'], rampInput(o.mode, o.shift), ...stops] as unknown as ExpressionSpecification;
  // a suppressed cell has no `w` in its tile (the value is NaN in the model)
  return o.mode === 'workload' && o.suppressedK !== undefined ? ['case', ['has', 'w'], ramp, SUPPRESSED_COLOUR] : ramp;
}

/** `fill-opacity` of the selected-beat highlight: on for the cells (or the area, with `['get', 'b']`) of `beat` only. */
export function selectedOpacity(beat: number | null, beatOf: ExpressionSpecification = BEAT_OF_CELL): ExpressionSpecification | number {
  return beat === null || beat < 0 ? 0 : ['case', ['==', beatOf, beat], SELECTED_FILL.opacity, 0];
}

/** The beat of an area (the `areas` tiles are re-cut after edits, so no feature state). */
export const BEAT_OF_AREA: ExpressionSpecification = ['get', 'b'];

/**
 * Lowest zoom the cells are drawn from: in the beat colouring, below
 * {@link EDGE_OUTLINE_MINZOOM} the beats' merged areas are filled instead (a few hundred
 * polygons instead of 40k hexagons, what keeps the city-wide view fast); the workload and need
 * ramps colour each cell at every zoom.
 */
export const cellsMinZoom = (mode: ColourMode) => (mode === 'beat' ? EDGE_OUTLINE_MINZOOM : 0);

/** Visibility of the beats' merged areas: drawn in the beat colouring only. */
export const areasVisibility = (mode: ColourMode): 'visible' | 'none' => (mode === 'beat' ? 'visible' : 'none');

/** Options of {@link planLayers}. */
export interface LayerOptions extends FillOptions {
  selectedBeat?: number | null;
  /** Scale of the incidents heat layer (hidden until toggled). */
  heat?: HeatLayerOptions;
}

/** The plan layers, to be drawn above any basemap. */
export function planLayers(o: LayerOptions): LayerSpecification[] {
  const outer: FilterSpecification = ['==', ['get', 'outer'], 1];
  const selected = o.selectedBeat === null || o.selectedBeat === undefined ? 'none' : 'visible';
  return [
    {
      id: LAYERS.areas,
      type: 'fill',
      source: SOURCES.beats,
      'source-layer': SOURCE_LAYERS.areas,
      maxzoom: EDGE_OUTLINE_MINZOOM,
      layout: { visibility: areasVisibility(o.mode) },
      paint: {
        'fill-color': cellFillColour({ ...o, mode: 'beat' }, BEAT_OF_AREA),
        'fill-opacity': cellOpacity('beat', o.dimmed),
        'fill-antialias': false,
      },
    },
    {
      id: LAYERS.cells,
      type: 'fill',
      source: SOURCES.cells,
      'source-layer': SOURCE_LAYERS.cells,
      minzoom: cellsMinZoom(o.mode),
      paint: { 'fill-color': cellFillColour(o), 'fill-opacity': cellOpacity(o.mode, o.dimmed), 'fill-antialias': false },
    },
    {
      id: LAYERS.areasSelected,
      type: 'fill',
      source: SOURCES.beats,
      'source-layer': SOURCE_LAYERS.areas,
      maxzoom: EDGE_OUTLINE_MINZOOM,
      layout: { visibility: selected },
      paint: {
        'fill-color': SELECTED_FILL.colour,
        'fill-opacity': selectedOpacity(o.selectedBeat ?? null, BEAT_OF_AREA),
        'fill-antialias': false,
      },
    },
    {
      id: LAYERS.selected,
      type: 'fill',
      source: SOURCES.cells,
      'source-layer': SOURCE_LAYERS.cells,
      minzoom: EDGE_OUTLINE_MINZOOM,
      layout: { visibility: selected },
      paint: { 'fill-color': SELECTED_FILL.colour, 'fill-opacity': selectedOpacity(o.selectedBeat ?? null), 'fill-antialias': false },
    },
    {
      id: LAYERS.changed,
      type: 'fill',
      source: SOURCES.cells,
      'source-layer': SOURCE_LAYERS.cells,
      layout: { visibility: 'none' },
      paint: {
        'fill-color': CHANGED_FILL.colour,
        'fill-opacity': ['case', ['boolean', ['feature-state', 'chg'], false], CHANGED_FILL.opacity, 0],
        'fill-antialias': false,
      },
    },
    {
      // unit edges (feature state `u` = 1, set by the app from the cells answer's `unit` column)
      id: LAYERS.unitEdges,
      type: 'line',
      source: SOURCES.edges,
      'source-layer': SOURCE_LAYERS.edges,
      minzoom: EDGE_OUTLINE_MINZOOM,
      paint: {
        'line-color': UNIT_EDGE.colour,
        'line-width': UNIT_EDGE.width,
        'line-opacity': ['*', UNIT_EDGE.opacity, ['coalesce', ['feature-state', 'u'], 0]],
      },
    },
    ...heatLayers(o.heat),
    {
      id: LAYERS.outlines,
      type: 'line',
      source: SOURCES.edges,
      'source-layer': SOURCE_LAYERS.edges,
      minzoom: EDGE_OUTLINE_MINZOOM,
      paint: {
        'line-color': OUTLINE_COLOUR,
        'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2.2],
        'line-opacity': ['coalesce', ['feature-state', 'on'], ['get', 'on']],
      },
    },
    {
      id: LAYERS.boundary,
      type: 'line',
      source: SOURCES.edges,
      'source-layer': SOURCE_LAYERS.edges,
      filter: outer,
      minzoom: EDGE_OUTLINE_MINZOOM,
      paint: { 'line-color': '#000000', 'line-width': 2.5 },
    },
    {
      id: LAYERS.beatLines,
      type: 'line',
      source: SOURCES.beats,
      'source-layer': SOURCE_LAYERS.beats,
      maxzoom: EDGE_OUTLINE_MINZOOM,
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': OUTLINE_COLOUR, 'line-width': 1.2 },
    },
    {
      id: LAYERS.overlay,
      type: 'line',
      source: SOURCES.overlay,
      layout: { visibility: 'none' },
      paint: { 'line-color': OVERLAY_LINE.colour, 'line-width': OVERLAY_LINE.width, 'line-dasharray': OVERLAY_LINE.dash },
    },
  ];
}

/**
 * A whole style: the base (a fetched basemap or {@link offlineBaseStyle}) with the plan's
 * sources and layers on top. The base's own layers stay below.
 */
export function composeStyle(
  base: StyleSpecification,
  sources: Record<string, SourceSpecification>,
  layers: LayerSpecification[],
): StyleSpecification {
  return { ...base, sources: { ...base.sources, ...sources }, layers: [...base.layers, ...layers] };
}

/**
 * How a legend row draws its colour: a filled swatch (default; `opacity` as on the map, over
 * white), a line, a dashed line, a fill with a dashed border (a beat number's locked frame), or
 * a dot (a point layer such as the meeting venues).
 */
export type LegendSymbol = 'fill' | 'line' | 'dashed' | 'frame-dashed' | 'dot';

/** One row of a legend. */
export interface LegendItem {
  colour: string;
  label: string;
  /** Default `'fill'`. */
  symbol?: LegendSymbol;
  /** Opacity of a fill as drawn on the map (default 1). */
  opacity?: number;
}

/** A legend section: a title and its rows. */
export interface Legend {
  title: string;
  items: LegendItem[];
  /** The items are stops of a continuous ramp (drawn as one gradient bar, labels at the ends). */
  ramp?: boolean;
  /** A line under the items (e.g. how small counts are protected). */
  note?: string;
}

/**
 * The legend of a colouring: every colour it can show, with its meaning.
 * - `beat`: all seven palette colours, each with its name and how many beats wear it (a colour
 *   only tells neighbouring beats apart; the number on the map names the beat), and the grey
 *   of unassigned cells.
 * - `workload` / `need`: the ramp colours with their class breaks (h/week); in a public answer
 *   also the colour of cells whose workload is not shown.
 * @param shiftLabel label of the chosen shift (workload), e.g. `'8-16'`
 * @example legendFor({ mode: 'beat', colourOfBeat: [0, 1, 0] }).items[0].label // 'orange: 2'
 */
export function legendFor(o: FillOptions & { shiftLabel?: string }): Legend {
  if (o.mode === 'beat') {
    const counts = new Array<number>(BEAT_PALETTE.length).fill(0);
    for (let b = 0; b < (o.colourOfBeat?.length ?? 0); b++) {
      const c = o.colourOfBeat![b]!;
      if (c >= 0 && c < counts.length) counts[c]!++;
    }
    const known = o.colourOfBeat !== undefined;
    return {
      title: `Beats${known ? ' per colour' : ''} (a colour only tells neighbours apart; the number on the map names the beat)`,
      items: [
        ...BEAT_PALETTE.map((colour, k) => ({
          colour,
          opacity: cellOpacity('beat', o.dimmed),
          label: `${BEAT_PALETTE_NAMES[k]}${known ? `: ${counts[k] || 'none'}` : ''}`,
        })),
        { colour: UNASSIGNED_COLOUR, opacity: cellOpacity('beat', o.dimmed), label: 'grey: unassigned cells' },
      ],
    };
  }
  const breaks = o.breaks ?? quantileBreaks([], SEQUENTIAL_RAMP.length);
  const unit = o.mode === 'need' ? 'community h/week' : 'officer-h/week';
  const title =
    o.mode === 'need' ? 'Engagement need per cell' : `Workload per cell${o.shiftLabel ? ` (shift ${o.shiftLabel})` : ' (all shifts)'}`;
  const items: LegendItem[] = SEQUENTIAL_RAMP.map((colour, k) => ({
    colour,
    opacity: cellOpacity(o.mode, o.dimmed),
    label: `≥ ${formatNumber(breaks[k] ?? 0)}`,
  }));
  if (o.mode === 'workload' && o.suppressedK !== undefined)
    items.push({ colour: SUPPRESSED_COLOUR, opacity: cellOpacity(o.mode, o.dimmed), label: `not shown (< ${o.suppressedK} incidents)` });
  return {
    title: `${title}, ${unit}`,
    items,
    ...(o.mode === 'workload' && o.suppressedK !== undefined
      ? { note: `Public view: a cell shows the mean workload of an area holding ≥ ${o.suppressedK} incidents.` }
      : {}),
  };
}

/** A number for people: 3 significant digits, thousands separated. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
