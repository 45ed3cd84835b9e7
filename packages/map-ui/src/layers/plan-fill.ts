/**
 * The plan's fill on a map: the cells (every zoom in the workload and need colourings, from the
 * live-edge zoom in the beat colouring) and the beats' merged areas (the beat colouring below
 * that zoom), and the selected-beat highlight on both. Shared by the planning map and the
 * swipe view's second map.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  areasVisibility,
  BEAT_OF_AREA,
  cellFillColour,
  cellOpacity,
  cellsMinZoom,
  type FillOptions,
  LAYERS,
  selectedOpacity,
} from '../map-style.js';

/**
 * Sets the colouring of the plan layers (a paint change: the tiles carry every value).
 * @example applyFill(map, { mode: 'workload', breaks, shift: 'all' })
 */
export function applyFill(map: MapLibreMap, o: FillOptions): void {
  if (!map.getLayer(LAYERS.cells)) return;
  map.setPaintProperty(LAYERS.cells, 'fill-color', cellFillColour(o));
  map.setPaintProperty(LAYERS.cells, 'fill-opacity', cellOpacity(o.mode, o.dimmed));
  map.setLayerZoomRange(LAYERS.cells, cellsMinZoom(o.mode), 24);
  map.setPaintProperty(LAYERS.areas, 'fill-color', cellFillColour({ ...o, mode: 'beat' }, BEAT_OF_AREA));
  map.setPaintProperty(LAYERS.areas, 'fill-opacity', cellOpacity('beat', o.dimmed));
  map.setLayoutProperty(LAYERS.areas, 'visibility', areasVisibility(o.mode));
}

/** Lightens the cells and the area of `beat` (null: none). */
export function applySelection(map: MapLibreMap, beat: number | null): void {
  if (!map.getLayer(LAYERS.selected)) return;
  const visibility = beat === null ? 'none' : 'visible';
  map.setPaintProperty(LAYERS.selected, 'fill-opacity', selectedOpacity(beat));
  map.setLayoutProperty(LAYERS.selected, 'visibility', visibility);
  map.setPaintProperty(LAYERS.areasSelected, 'fill-opacity', selectedOpacity(beat, BEAT_OF_AREA));
  map.setLayoutProperty(LAYERS.areasSelected, 'visibility', visibility);
}
