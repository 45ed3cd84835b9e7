/**
 * The incidents heat layer. `GET /plans/:id/incidents` answers incident counts binned into H3
 * cells — the plan's own cells for analysts and commanders (k = 1), cells pooled under coarser
 * H3 ancestors for viewers so that every bin shown holds ≥ k incidents. The map draws a
 * MapLibre `heatmap` of the bin centres weighted by incident density, fading into one circle
 * per bin at street zoom, where a blur says less than the bins themselves.
 *
 * Pure builders (GeoJSON, weights, layer specs, radii): unit-tested without a browser. H3
 * geometry (the bin centres) comes from `cellsToCentres` in `cell-model.ts`.
 */
import type { IncidentBinsDto } from '@beatplan/api';
import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import type { CellCentres } from './cell-model.js';
import type { Feature, FeatureCollection, Point } from './geojson.js';
import { HEAT_LOW_ALPHA, HEAT_RAMP, withOpacity } from './palette.js';

/** The answer of `GET /api/v1/plans/:id/incidents` (`IncidentBinsDto` of `@beatplan/api`). */
export type IncidentBins = IncidentBinsDto;

/** Source of the heat layer (GeoJSON points, one per bin). */
export const HEAT_SOURCE = 'bp-incidents';

/** Layers of the heat: the heatmap, and the circles it fades into at street zoom. */
export const HEAT_LAYERS = { heat: 'bp-incidents-heat', points: 'bp-incidents-points' } as const;

/**
 * Zooms over which the heatmap fades out and the bin circles fade in (web-mercator zoom):
 * below the first only the heat shows, above the second only the circles.
 */
export const HEAT_FADE_ZOOMS: readonly [number, number] = [13.5, 15];

/** Opacity of the heatmap (below the fade zooms): the beat colours still show through. */
export const HEAT_OPACITY = 0.8;

/** Equatorial circumference of the web-mercator sphere, km. */
const EARTH_CIRCUMFERENCE_KM = 40075.016686;
/** Width of the world at zoom 0 in MapLibre's CSS pixels (512-pixel tiles). */
const WORLD_PX_Z0 = 512;

/**
 * CSS pixels per km on a web-mercator map at `zoom` and latitude `lat` (degrees), MapLibre's
 * 512-pixel tiles.
 * @example pxPerKm(12, 0) // ≈ 52.3
 */
export function pxPerKm(zoom: number, lat: number): number {
  return (WORLD_PX_Z0 * 2 ** zoom) / (EARTH_CIRCUMFERENCE_KM * Math.cos((lat * Math.PI) / 180));
}

/**
 * Default exponent of the heat weights: incident counts are skewed (in the demo city the
 * median cell holds 11 incidents, the busiest 207), so with linear weights a few hot spots
 * would glow and the rest of the city stay blank; the square root keeps the busiest cell at 1
 * and the order of every cell, and lets a median cell show (0.23 instead of 0.05).
 */
export const HEAT_GAMMA = 0.5;

/**
 * Incident density of each bin — incidents per plan cell of the bin (`count / cells`) —
 * divided by the largest, to the power `gamma`: weights in [0, 1], 1 for the densest bin. For
 * the plan's own cells (k = 1, one cell per bin) this is the count over the largest count; a
 * pooled bin's incidents spread over its cells, so it does not glow like a single cell
 * holding them all.
 * @param gamma exponent (default {@link HEAT_GAMMA}; 1 = linear)
 * @returns one weight per bin; all 0 when no bin holds an incident
 * @example heatWeights({ count: [2, 8, 6], cells: [1, 1, 3] }, 1) // [0.25, 1, 0.25]
 */
export function heatWeights(bins: Pick<IncidentBins['bins'], 'count' | 'cells'>, gamma: number = HEAT_GAMMA): Float64Array {
  const n = bins.count.length;
  const w = new Float64Array(n);
  let max = 0;
  for (let k = 0; k < n; k++) {
    const d = Math.max(0, bins.count[k]!) / Math.max(1, bins.cells[k] ?? 1);
    w[k] = d;
    if (d > max) max = d;
  }
  if (max > 0) for (let k = 0; k < n; k++) w[k] = (w[k]! / max) ** gamma;
  return w;
}

/** Figures of an incidents answer for the legend and the status line. */
export interface HeatSummary {
  bins: number;
  /** Largest incidents per plan cell of a bin (the weight 1). */
  maxDensity: number;
  total: number;
  shown: number;
  k: number;
  aggregated: boolean;
  suppressedIncidents: number;
}

/** The figures the legend prints about an incidents answer. */
export function heatSummary(b: IncidentBins): HeatSummary {
  let maxDensity = 0;
  b.bins.count.forEach((c, k) => (maxDensity = Math.max(maxDensity, c / Math.max(1, b.bins.cells[k] ?? 1))));
  return {
    bins: b.bins.h3.length,
    maxDensity,
    total: b.total,
    shown: b.shown,
    k: b.k,
    aggregated: b.aggregated,
    suppressedIncidents: b.suppressed.incidents,
  };
}

/** Properties of a heat point: `w` weight 0–1, `n` incidents, `c` plan cells pooled, `s` size of the bin over a plan cell (linear). */
export interface HeatPointProps {
  w: number;
  n: number;
  c: number;
  s: number;
}

/**
 * The bins as GeoJSON points at their centres, `[lng, lat]`, with {@link HeatPointProps}.
 * A bin `d` resolutions coarser than the plan's cells is √7^d times as wide (`s`), so its
 * blur and circle cover its area.
 * @param centres from `cellsToCentres(bins.bins.h3)`
 * @param planResolution H3 resolution of the plan's cells (`bins.resolution`)
 * @example binsToHeatPoints(bins, cellsToCentres(bins.bins.h3), bins.resolution)
 */
export function binsToHeatPoints(
  bins: IncidentBins,
  centres: CellCentres,
  planResolution: number = bins.resolution,
): FeatureCollection<Point, HeatPointProps> {
  const w = heatWeights(bins.bins);
  const features: Array<Feature<Point, HeatPointProps>> = [];
  for (let k = 0; k < bins.bins.h3.length; k++) {
    if (!(bins.bins.count[k]! > 0)) continue;
    const res = centres.resolution[k]!;
    features.push({
      type: 'Feature',
      id: k,
      properties: {
        w: round4(w[k]!),
        n: bins.bins.count[k]!,
        c: bins.bins.cells[k] ?? 1,
        s: round4(Math.sqrt(7) ** Math.max(0, planResolution - res)),
      },
      geometry: { type: 'Point', coordinates: [centres.centre[2 * k]!, centres.centre[2 * k + 1]!] },
    });
  }
  return { type: 'FeatureCollection', features };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Options of {@link heatLayers}. */
export interface HeatLayerOptions {
  /** Mean edge of the plan's cells, km (`cellEdgeKm(resolution)`); default that of resolution 9. */
  edgeKm?: number;
  /** Latitude of the city, degrees (scale of web mercator); default 40. */
  lat?: number;
  /**
   * Blur radius in cell edges (default 2.5: the kernel's σ = radius / 3 is 0.48 of the spacing
   * of cell centres, so the blurs of a lattice of cells add up to a smooth field).
   */
  radiusEdges?: number;
  /** Smallest blur radius, CSS px (default 5, at least 1), so a city-wide view still shows the heat. */
  minRadiusPx?: number;
  /** Visible? (default false: the toggle shows it) */
  visible?: boolean;
}

/** Mean edge of an H3 resolution-9 cell, km (h3 `getHexagonEdgeLengthAvg(9, 'km')`). */
const EDGE_KM_RES9 = 0.200786148;

/** Default blur radius, cell edges. */
export const HEAT_RADIUS_EDGES = 2.5;

/** Zooms of the radius and intensity stops (whole zooms; beyond the last the heat is faded out). */
const HEAT_ZOOMS = Array.from({ length: 17 }, (_, z) => z);

/** Blur radius of a plan cell in CSS px at `zoom` (at least `minRadiusPx`, and 1). */
function radiusPx(o: HeatLayerOptions, zoom: number): number {
  return Math.max(1, o.minRadiusPx ?? 5, (o.radiusEdges ?? HEAT_RADIUS_EDGES) * (o.edgeKm ?? EDGE_KM_RES9) * pxPerKm(zoom, o.lat ?? 40));
}

/**
 * The heatmap's `heatmap-radius`: `radiusEdges` cell edges in pixels at every zoom (at least
 * `minRadiusPx`), times the bin's size `s` — an interpolation over whole zooms 0–16 of
 * `[zoom, px]` stops whose output multiplies by `['get', 's']`.
 * @returns the expression and the stops (px for a plan cell, `s` = 1)
 */
export function heatRadius(o: HeatLayerOptions = {}): { expression: ExpressionSpecification; stops: Array<[number, number]> } {
  const stops = HEAT_ZOOMS.map((z): [number, number] => [z, round4(radiusPx(o, z))]);
  const expression = [
    'interpolate',
    ['exponential', 2],
    ['zoom'],
    ...stops.flatMap(([z, px]) => [z, ['*', px, ['to-number', ['get', 's'], 1]]]),
  ] as unknown as ExpressionSpecification;
  return { expression, stops };
}

/**
 * MapLibre draws each heatmap point as `weight × intensity × e^(−r²/2σ²) / √(2π)` with
 * σ = radius / 3; over a lattice of hexagons of area A = (3√3/2)·edge² these add up to about
 * `weight × intensity × √(2π)·σ² / A`. An intensity of `A / (√(2π)·σ²)` = 9.33 × (edge / radius)²
 * therefore makes the density of a uniform area its weight.
 */
const HEX_KERNEL_FACTOR = (((3 * Math.sqrt(3)) / 2) * 9) / Math.sqrt(2 * Math.PI);

/**
 * The heatmap's `heatmap-intensity` over zoom, such that the heat density of an area where
 * every cell has weight `w` is about `w` (see {@link HEX_KERNEL_FACTOR}): constant where the
 * radius follows the zoom, larger at low zooms where the radius is held at its minimum.
 * @returns the expression and the stops
 */
export function heatIntensity(o: HeatLayerOptions = {}): { expression: ExpressionSpecification; stops: Array<[number, number]> } {
  const edgeKm = o.edgeKm ?? EDGE_KM_RES9;
  const lat = o.lat ?? 40;
  const stops = HEAT_ZOOMS.map((z): [number, number] => [
    z,
    round4(HEX_KERNEL_FACTOR * ((edgeKm * pxPerKm(z, lat)) / radiusPx(o, z)) ** 2),
  ]);
  return { expression: ['interpolate', ['linear'], ['zoom'], ...stops.flat()] as unknown as ExpressionSpecification, stops };
}

/**
 * The heat ramp as a `heatmap-color` expression over `heatmap-density`: transparent at 0, the
 * first colour at {@link HEAT_LOW_ALPHA}, then the ramp.
 */
export function heatColour(): ExpressionSpecification {
  const [[d0, c0], ...rest] = HEAT_RAMP;
  return [
    'interpolate',
    ['linear'],
    ['heatmap-density'],
    0,
    withOpacity(c0!, 0),
    d0!,
    withOpacity(c0!, HEAT_LOW_ALPHA),
    ...rest.flat(),
  ] as unknown as ExpressionSpecification;
}

/** The colour of a bin circle by its weight `w`: the heat ramp, opaque from weight 0. */
export function binCircleColour(): ExpressionSpecification {
  return [
    'interpolate',
    ['linear'],
    ['to-number', ['get', 'w'], 0],
    0,
    HEAT_RAMP[0]![1],
    ...HEAT_RAMP.flat(),
  ] as unknown as ExpressionSpecification;
}

/** The GeoJSON source of the heat layer, empty until the bins arrive. */
export function heatSource(): SourceSpecification {
  return { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
}

/**
 * The heat layers, hidden unless `visible`: a heatmap (weight `w`, radius from
 * {@link heatRadius}, opacity fading out over {@link HEAT_FADE_ZOOMS}) and circles of the bins
 * (radius ≈ the bin's inner radius, colour from the ramp by `w`, fading in).
 */
export function heatLayers(o: HeatLayerOptions = {}): LayerSpecification[] {
  const visibility = o.visible ? 'visible' : 'none';
  const [z0, z1] = HEAT_FADE_ZOOMS;
  const edgeKm = o.edgeKm ?? EDGE_KM_RES9;
  const lat = o.lat ?? 40;
  // a dot in each bin, about half its inner radius (edge × √3/2): markers, not a second fill
  const circlePx = (z: number) => round4(0.45 * edgeKm * pxPerKm(z, lat));
  return [
    {
      id: HEAT_LAYERS.heat,
      type: 'heatmap',
      source: HEAT_SOURCE,
      maxzoom: z1,
      layout: { visibility },
      paint: {
        'heatmap-weight': ['to-number', ['get', 'w'], 0],
        'heatmap-radius': heatRadius(o).expression,
        'heatmap-intensity': heatIntensity(o).expression,
        'heatmap-color': heatColour(),
        'heatmap-opacity': ['interpolate', ['linear'], ['zoom'], z0, HEAT_OPACITY, z1, 0],
      },
    },
    {
      id: HEAT_LAYERS.points,
      type: 'circle',
      source: HEAT_SOURCE,
      minzoom: z0,
      layout: { visibility },
      paint: {
        'circle-radius': [
          'interpolate',
          ['exponential', 2],
          ['zoom'],
          z0,
          ['*', circlePx(z0), ['to-number', ['get', 's'], 1]],
          20,
          ['*', circlePx(20), ['to-number', ['get', 's'], 1]],
        ],
        'circle-color': binCircleColour(),
        'circle-opacity': ['interpolate', ['linear'], ['zoom'], z0, 0, z1, 0.8],
        'circle-stroke-color': '#3b0f70',
        'circle-stroke-width': 0.5,
        'circle-stroke-opacity': ['interpolate', ['linear'], ['zoom'], z0, 0, z1, 0.6],
      },
    },
  ];
}
