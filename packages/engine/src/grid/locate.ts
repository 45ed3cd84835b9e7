/**
 * From geography to grid cells: points to cells, polygons to the cells whose centres they hold.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { Position } from 'geojson';
import { gridDisk, latLngToCell, polygonToCells } from 'h3-js';
import { type PolygonLike, polygonsOf } from '../geo/geojson.js';
import { approxDistanceKm } from '../geo/measure.js';
import type { Grid } from './grid.js';

/**
 * Returns a function mapping a point `[lng, lat]` (degrees) to the index of the grid cell
 * that contains it, or −1 when the point is outside (or not a finite coordinate).
 *
 * Without `boundary`, "inside" means the point's H3 cell is a grid cell. With `boundary`
 * (the polygons the grid was built from), a point inside the boundary whose H3 cell is not
 * in the grid (its centre falls just outside the edge) goes to the nearest grid cell within
 * three rings, so no incident inside the city is lost at its edge.
 * @example const locate = pointToCellLocator(grid, boundary); locate(-87.62, 41.88) // → 1234
 */
export function pointToCellLocator(grid: Grid, boundary?: PolygonLike): (lng: number, lat: number) => number {
  const res = grid.resolution;
  const polys = boundary ? polygonsOf(boundary, 'boundary').map(({ rings }) => ({ rings, bbox: ringsBbox(rings) })) : [];
  return (lng: number, lat: number) => {
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return -1;
    const h = latLngToCell(lat, lng, res);
    const i = grid.indexOf(h);
    if (i >= 0 || polys.length === 0) return i;
    const inside = polys.some(
      ({ rings, bbox }) =>
        lng >= bbox[0] &&
        lng <= bbox[2] &&
        lat >= bbox[1] &&
        lat <= bbox[3] &&
        booleanPointInPolygon([lng, lat], { type: 'Polygon', coordinates: rings }),
    );
    if (!inside) return -1;
    let best = -1;
    let bestD = Infinity;
    for (const c of gridDisk(h, 3)) {
      const j = grid.indexOf(c);
      if (j < 0) continue;
      const d = approxDistanceKm(lng, lat, grid.lng[j]!, grid.lat[j]!);
      if (d < bestD || (d === bestD && j < best)) {
        bestD = d;
        best = j;
      }
    }
    return best;
  };
}

function ringsBbox(rings: Position[][]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of rings[0]!) {
    if (p[0]! < b[0]) b[0] = p[0]!;
    if (p[1]! < b[1]) b[1] = p[1]!;
    if (p[0]! > b[2]) b[2] = p[0]!;
    if (p[1]! > b[3]) b[3] = p[1]!;
  }
  return b;
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
