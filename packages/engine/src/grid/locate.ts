/**
 * From geography to grid cells: points to cells, polygons to the cells whose centres they hold.
 */
import { latLngToCell, polygonToCells } from 'h3-js';
import { polygonsOf, type PolygonLike } from '../geo/geojson.js';
import type { Grid } from './grid.js';

/**
 * Returns a function mapping a point `[lng, lat]` (degrees) to the index of the grid cell
 * that contains it, or −1 when the point is outside the grid (or not a finite coordinate).
 * @example const locate = pointToCellLocator(grid); locate(-87.62, 41.88) // → 1234
 */
export function pointToCellLocator(grid: Grid): (lng: number, lat: number) => number {
  const res = grid.resolution;
  return (lng: number, lat: number) => {
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return -1;
    return grid.indexOf(latLngToCell(lat, lng, res));
  };
}

/**
 * Assigns each grid cell to the polygon (feature) that contains its centre: the reverse of
 * {@link buildGrid}, for current beats, districts or community areas. Uses the same H3
 * centre-containment rule as the grid, so a grid built from the same polygons maps
 * exactly. Where features overlap, the first feature wins.
 * @param polygons Polygon, MultiPolygon, Feature or FeatureCollection (`[lng, lat]`)
 * @returns feature index per cell, −1 when no feature contains the cell's centre
 * @throws BeatplanError `INVALID_GEOMETRY`
 * @example const beatOfCell = cellsToPolygons(grid, existingBeats);
 */
export function cellsToPolygons(grid: Grid, polygons: PolygonLike): Int32Array {
  const out = new Int32Array(grid.cellCount).fill(-1);
  for (const { rings, feature } of polygonsOf(polygons, 'polygons')) {
    for (const h of polygonToCells(rings as number[][][], grid.resolution, true)) {
      const i = grid.indexOf(h);
      if (i >= 0 && out[i] === -1) out[i] = feature;
    }
  }
  return out;
}

/**
 * Visits the travel-graph neighbours of cell `i` (barrier cuts removed, bridges included).
 * Hot loops should read `grid.adjOffsets` / `grid.adjTargets` directly.
 */
export function forEachNeighbour(grid: Grid, i: number, visit: (j: number) => void): void {
  const { adjOffsets, adjTargets } = grid;
  for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) visit(adjTargets[e]!);
}
