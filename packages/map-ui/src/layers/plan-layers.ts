/**
 * The plan on the planning map: its sources and layers (vector tiles cut from the model on
 * demand, see `vector-tiles.ts` — nothing is built for the whole city up front), drawn at once
 * when their first tiles are in, and re-cut after edits (the city-wide outlines and areas) or
 * when the per-shift columns arrive (the cells).
 */
import type { Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import { type CellModel, cellEdgeKm } from '../cell-model.js';
import { type FillOptions, LAYERS, planLayers, planSources, SOURCES, shiftProperty } from '../map-style.js';
import { buildTileIndex, registerTileProvider, unregisterTileProvider } from '../vector-tiles.js';

/**
 * `[west, south, east, north]` of a model's cell centroids, degrees.
 * @example const [w, s, e, n] = boundsOf(model);
 */
export function boundsOf(model: CellModel): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (let i = 0; i < model.cellCount; i++) {
    const x = model.centroid[2 * i]!;
    const y = model.centroid[2 * i + 1]!;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Gives the plan tile provider a fresh key (one per loaded plan, so no tile of another plan is served). */
let providerSeq = 0;

/** The plan's sources and layers on one map. */
export class PlanLayers {
  /** Tile provider key of the plan on the map (null before the first plan). */
  private key: string | null = null;
  private outlineSeq = 0;
  private outlineTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly map: MapLibreMap) {}

  /**
   * Replaces the plan on the map by `model`'s, coloured by `fill` (heat layer scaled to the
   * grid, shown when `heatVisible`); the fills and outlines are revealed together once their
   * first tiles are in (see {@link revealWhenLoaded}).
   */
  install(model: CellModel, fill: FillOptions & { selectedBeat?: number | null }, heatVisible: boolean): void {
    const map = this.map;
    for (const id of Object.values(LAYERS)) if (id !== LAYERS.background && map.getLayer(id)) map.removeLayer(id);
    for (const id of Object.values(SOURCES)) if (map.getSource(id)) map.removeSource(id);
    if (this.key) unregisterTileProvider(this.key);
    this.key = `p${++providerSeq}`;
    const [, s, , n] = boundsOf(model);
    for (const [id, src] of Object.entries(planTileSources(this.key, model, boundsOf(model)))) map.addSource(id, src);
    for (const layer of planLayers({ ...fill, heat: { edgeKm: cellEdgeKm(model.resolution), lat: (s + n) / 2, visible: heatVisible } }))
      map.addLayer(layer);
    this.revealWhenLoaded();
  }

  /**
   * Draws the fills and the outlines once their first tiles are all in, instead of tile by
   * tile: where WebGL is rendered in software every intermediate frame of a 40k-cell city costs
   * 0.1–0.3 s. (`*-layer-opacity` is separate from the colourings' `fill-opacity`.) Below the
   * live-edge zoom the beat colouring needs only the city-wide tiles (areas and outlines).
   */
  private revealWhenLoaded(): void {
    const map = this.map;
    const gated = [
      [LAYERS.areas, 'fill-layer-opacity'],
      [LAYERS.cells, 'fill-layer-opacity'],
      [LAYERS.beatLines, 'line-layer-opacity'],
    ] as const;
    for (const [layer, prop] of gated) map.setPaintProperty(layer, prop, 0);
    const key = this.key;
    let planTiles = false;
    const reveal = () => {
      map.off('sourcedata', check);
      clearTimeout(timer);
      if (key !== this.key) return;
      for (const [layer, prop] of gated) map.setPaintProperty(layer, prop, 1);
    };
    const check = (e: { sourceId?: string; tile?: unknown }) => {
      if ((e.sourceId === SOURCES.cells || e.sourceId === SOURCES.beats) && e.tile) planTiles = true;
      if (planTiles && map.isSourceLoaded(SOURCES.cells) && map.isSourceLoaded(SOURCES.beats)) reveal();
    };
    const timer = setTimeout(reveal, 5000);
    map.on('sourcedata', check);
  }

  /** Re-cuts the tiles of `source` (a new URL suffix makes MapLibre ask again, only for the tiles in use). */
  private recut(source: string, suffix: string): void {
    const src = this.map.getSource(source) as VectorTileSource | undefined;
    if (src && this.key) src.setTiles([`${src.tiles[0]!.split('?')[0]}?${suffix}`]);
  }

  /** Re-cuts the city-wide outlines and areas (below the live-edge zoom) after edits; coalesced. */
  refreshOutlines(): void {
    if (this.outlineTimer !== null) return;
    this.outlineTimer = setTimeout(() => {
      this.outlineTimer = null;
      this.recut(SOURCES.beats, `v=${++this.outlineSeq}`);
    }, 30);
  }

  /** Re-cuts the cell tiles, which now carry the per-shift columns (`model.detail` arrived). */
  refreshCells(): void {
    this.recut(SOURCES.cells, 'd=1');
  }
}

/**
 * Registers a tile provider cutting `model`'s tiles under `key` (cells carry every shift's
 * workload, `s<k>`) and returns the plan's sources over `bounds` padded by 0.01°. Shared by the
 * planning map and the swipe view's second map; unregister the key when the plan goes.
 */
export function planTileSources(
  key: string,
  model: CellModel,
  bounds: readonly [number, number, number, number],
): ReturnType<typeof planSources> {
  const tiles = registerTileProvider(key, {
    model,
    index: buildTileIndex(model),
    cellProps: () => ({ extra: (model.detail?.shiftWorkload ?? []).map((v, k) => [shiftProperty(k), v] as const) }),
  });
  const [w, s, e, n] = bounds;
  const pad = 0.01;
  return planSources(tiles, [Math.max(-180, w - pad), Math.max(-85, s - pad), Math.min(180, e + pad), Math.min(85, n + pad)]);
}
