/**
 * Synthetic cities for tests and benchmarks: a seeded blob-shaped boundary and a lumpy
 * workload with hotspots. Pure and deterministic (same options → same city).
 */
import type { Polygon } from 'geojson';
import { getHexagonAreaAvg } from 'h3-js';
import { buildGrid } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { createRng } from '../random.js';

/** Options of {@link syntheticCity}. */
export interface SyntheticCityOptions {
  /** Seed of the shape and the workload (default 1). */
  seed?: number | string;
  /** Approximate number of cells (default 2,000). */
  cells?: number;
  /** H3 resolution (default 9). */
  resolution?: number;
  /** Centre `[lng, lat]`, degrees (default Chicago's). */
  center?: readonly [number, number];
  /** Shape irregularity in [0, 0.6] (default 0.3). */
  roughness?: number;
  /** Workload hotspots (default 6). */
  hotspots?: number;
}

/** A synthetic city: its boundary, grid and workload per cell (hours/week). */
export interface SyntheticCity {
  readonly boundary: Polygon;
  readonly grid: Grid;
  readonly workload: Float64Array;
}

/**
 * Builds a synthetic city: a star-shaped blob whose radius wobbles smoothly with the angle,
 * sized to hold about `cells` H3 cells, with workload = background + Gaussian hotspots, times
 * seeded noise (some cells zero, as with sparse incidents).
 * @example const { grid, workload } = syntheticCity({ seed: 3, cells: 10_000, resolution: 9 });
 */
export function syntheticCity(options: SyntheticCityOptions = {}): SyntheticCity {
  const rng = createRng(options.seed ?? 1);
  const res = options.resolution ?? 9;
  const target = options.cells ?? 2000;
  const [lng0, lat0] = options.center ?? [-87.7, 41.85];
  const rough = Math.max(0, Math.min(0.6, options.roughness ?? 0.3));
  const areaKm2 = target * getHexagonAreaAvg(res, 'km2');
  const harmonics = Array.from({ length: 5 }, (_, h) => ({
    amp: (rough * rng.next()) / (h + 1),
    phase: rng.next() * 2 * Math.PI,
    freq: h + 2,
  }));
  const radiusAt = (a: number) => 1 + harmonics.reduce((s, h) => s + h.amp * Math.sin(h.freq * a + h.phase), 0);
  // mean of r² over the angle gives the area scale
  const N = 96;
  let r2 = 0;
  for (let k = 0; k < N; k++) r2 += radiusAt((2 * Math.PI * k) / N) ** 2;
  r2 /= N;
  const R = Math.sqrt(areaKm2 / (Math.PI * r2));
  const kx = 111.195 * Math.cos((lat0 * Math.PI) / 180);
  const ring: [number, number][] = [];
  for (let k = 0; k < N; k++) {
    const a = (2 * Math.PI * k) / N;
    const r = R * radiusAt(a);
    ring.push([lng0 + (r * Math.cos(a)) / kx, lat0 + (r * Math.sin(a)) / 111.195]);
  }
  ring.push(ring[0]!);
  const boundary: Polygon = { type: 'Polygon', coordinates: [ring] };
  const grid = buildGrid(boundary, { resolution: res });
  const spots = Array.from({ length: options.hotspots ?? 6 }, () => ({
    x: (rng.next() - 0.5) * R,
    y: (rng.next() - 0.5) * R,
    s: R * (0.05 + 0.2 * rng.next()),
    h: 2 + 8 * rng.next(),
  }));
  const workload = new Float64Array(grid.cellCount);
  for (let i = 0; i < grid.cellCount; i++) {
    const x = (grid.lng[i]! - lng0) * kx;
    const y = (grid.lat[i]! - lat0) * 111.195;
    let w = 0.3;
    for (const p of spots) w += p.h * Math.exp(-((x - p.x) ** 2 + (y - p.y) ** 2) / (2 * p.s * p.s));
    const u = rng.next();
    workload[i] = u < 0.15 ? 0 : w * (0.4 + 1.2 * rng.next());
  }
  return { boundary, grid, workload };
}
