import { cellToLatLng, cellToParent, getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellEdgeKm, cellsToCentres } from './cell-model.js';
import {
  binCircleColour,
  binsToHeatPoints,
  HEAT_FADE_ZOOMS,
  HEAT_LAYERS,
  HEAT_SOURCE,
  heatColour,
  heatIntensity,
  heatLayers,
  heatRadius,
  heatSummary,
  heatWeights,
  type IncidentBins,
  pxPerKm,
} from './heat.js';
import { HEAT_LOW_ALPHA, HEAT_RAMP } from './palette.js';

const centre = latLngToCell(41.88, -87.63, 9);
const [a, b, c] = gridDisk(centre, 1);
const parent = cellToParent(gridDisk(centre, 3).at(-1)!, 8);

/** An analyst's answer (k = 1: the plan's cells) and a viewer's (a pooled bin one level up). */
const analyst: IncidentBins = {
  version: 2,
  resolution: 9,
  k: 1,
  aggregated: false,
  bins: { h3: [a!, b!, c!], count: [2, 8, 0], cells: [1, 1, 1] },
  total: 10,
  shown: 10,
  suppressed: { cells: 0, incidents: 0 },
};
const viewer: IncidentBins = {
  version: 2,
  resolution: 9,
  k: 5,
  aggregated: true,
  bins: { h3: [a!, parent], count: [8, 21], cells: [1, 7] },
  total: 33,
  shown: 29,
  suppressed: { cells: 2, incidents: 4 },
};

describe('heat weights', () => {
  it('normalises the density per plan cell by the largest, square-rooted by default', () => {
    expect(Array.from(heatWeights({ count: [2, 8, 6], cells: [1, 1, 3] }, 1))).toEqual([0.25, 1, 0.25]);
    expect(Array.from(heatWeights({ count: [2, 8, 6], cells: [1, 1, 3] }))).toEqual([0.5, 1, 0.5]);
    expect(Array.from(heatWeights(analyst.bins, 1))).toEqual([0.25, 1, 0]);
    // a pooled bin of 7 cells holding 21 incidents is 3 per cell: less dense than a cell with 8
    expect(Array.from(heatWeights(viewer.bins, 1))).toEqual([1, 3 / 8]);
    expect(Array.from(heatWeights({ count: [0, 0], cells: [1, 1] }))).toEqual([0, 0]);
    expect(Array.from(heatWeights({ count: [], cells: [] }))).toEqual([]);
  });

  it('summarises an answer for the legend', () => {
    expect(heatSummary(viewer)).toEqual({ bins: 2, maxDensity: 8, total: 33, shown: 29, k: 5, aggregated: true, suppressedIncidents: 4 });
  });
});

describe('heat points', () => {
  it('puts a point at each bin centre with incidents, [lng, lat], sized by the bin resolution', () => {
    const fc = binsToHeatPoints(viewer, cellsToCentres(viewer.bins.h3));
    expect(fc.features).toHaveLength(2);
    const [lat, lng] = cellToLatLng(parent);
    expect(fc.features[1]!.geometry.coordinates[0]).toBeCloseTo(lng, 9);
    expect(fc.features[1]!.geometry.coordinates[1]).toBeCloseTo(lat, 9);
    expect(fc.features[1]!.properties).toEqual({ w: 0.6124, n: 21, c: 7, s: 2.6458 });
    expect(fc.features[0]!.properties).toEqual({ w: 1, n: 8, c: 1, s: 1 });
    // bins without incidents are not drawn
    expect(binsToHeatPoints(analyst, cellsToCentres(analyst.bins.h3)).features.map((f) => f.properties.n)).toEqual([2, 8]);
  });

  it('reads centres, resolutions and edge lengths from h3', () => {
    const cc = cellsToCentres([centre, parent]);
    expect(Array.from(cc.resolution)).toEqual([9, 8]);
    expect(cellEdgeKm(9)).toBe(getHexagonEdgeLengthAvg(9, 'km'));
  });
});

describe('heat layers', () => {
  it('scales web mercator: 512-px tiles, cos(latitude)', () => {
    expect(pxPerKm(0, 0)).toBeCloseTo(512 / 40075.016686, 12);
    expect(pxPerKm(13, 60) / pxPerKm(12, 0)).toBeCloseTo(4, 9);
  });

  it('blurs over 2.5 cell edges at every zoom, never under the minimum', () => {
    const { stops, expression } = heatRadius({ edgeKm: 0.2, lat: 41.88 });
    expect(stops).toHaveLength(17);
    expect(stops[0]).toEqual([0, 5]);
    const z12 = stops[12]![1];
    expect(z12).toBeCloseTo(2.5 * 0.2 * pxPerKm(12, 41.88), 3);
    expect(stops[13]![1] / z12).toBeCloseTo(2, 4);
    const e = expression as unknown[];
    expect(e.slice(0, 3)).toEqual(['interpolate', ['exponential', 2], ['zoom']]);
    // the output of each stop scales with the bin's size `s`
    expect(e[4]).toEqual(['*', 5, ['to-number', ['get', 's'], 1]]);
    expect(heatRadius({ edgeKm: 0.2, lat: 41.88, minRadiusPx: 0 }).stops[0]![1]).toBe(1); // MapLibre's least radius
  });

  it('scales the intensity so that a uniform area of weight w has density w', () => {
    const o = { edgeKm: 0.2, lat: 41.88 };
    const { stops } = heatIntensity(o);
    // where the radius follows the zoom: 9.33 × (1 / 2.5)²
    expect(stops[14]![1]).toBeCloseTo(9.32834 / 6.25, 3);
    // a lattice of unit-weight points (σ = radius / 3, MapLibre's kernel) adds up to ≈ 1 there
    const z = 14;
    const edge = 0.2 * pxPerKm(z, 41.88);
    const sigma = heatRadius(o).stops[z]![1] / 3;
    let sum = 0;
    for (let i = -12; i <= 12; i++)
      for (let j = -12; j <= 12; j++) {
        const x = Math.sqrt(3) * edge * (i + j / 2) + 0.3 * edge;
        const y = 1.5 * edge * j + 0.2 * edge;
        sum += (stops[z]![1] * Math.exp(-(x * x + y * y) / (2 * sigma * sigma))) / Math.sqrt(2 * Math.PI);
      }
    expect(Math.abs(sum - 1)).toBeLessThan(0.02); // the lattice ripple at σ ≈ 0.48 × the spacing
    // where the radius is held at its minimum, less intensity for the larger blur
    expect(stops[6]![1]).toBeLessThan(stops[14]![1]);
  });

  it('builds a hidden heatmap fading into bin circles at street zoom', () => {
    const [heat, points] = heatLayers({ edgeKm: 0.2, lat: 41.88 });
    expect(heat).toMatchObject({
      id: HEAT_LAYERS.heat,
      type: 'heatmap',
      source: HEAT_SOURCE,
      maxzoom: HEAT_FADE_ZOOMS[1],
      layout: { visibility: 'none' },
    });
    expect(points).toMatchObject({ id: HEAT_LAYERS.points, type: 'circle', source: HEAT_SOURCE, minzoom: HEAT_FADE_ZOOMS[0] });
    const hp = (heat as { paint: Record<string, unknown> }).paint;
    expect(hp['heatmap-weight']).toEqual(['to-number', ['get', 'w'], 0]);
    expect(hp['heatmap-opacity']).toEqual(['interpolate', ['linear'], ['zoom'], HEAT_FADE_ZOOMS[0], 0.8, HEAT_FADE_ZOOMS[1], 0]);
    expect((points as { paint: Record<string, unknown> }).paint['circle-opacity']).toEqual([
      'interpolate',
      ['linear'],
      ['zoom'],
      HEAT_FADE_ZOOMS[0],
      0,
      HEAT_FADE_ZOOMS[1],
      0.8,
    ]);
    expect(heatLayers({ visible: true })[0]!.layout).toEqual({ visibility: 'visible' });
  });

  it('colours density with the heat ramp, transparent where there is none', () => {
    const e = heatColour() as unknown[];
    expect(e.slice(0, 7)).toEqual([
      'interpolate',
      ['linear'],
      ['heatmap-density'],
      0,
      'rgba(252,253,191,0)',
      HEAT_RAMP[0]![0],
      `rgba(252,253,191,${HEAT_LOW_ALPHA})`,
    ]);
    expect(e.at(-1)).toBe(HEAT_RAMP.at(-1)![1]);
    const c = binCircleColour() as unknown[];
    expect(c.slice(3, 5)).toEqual([0, HEAT_RAMP[0]![1]]); // no transparent circle
    expect(c.at(-1)).toBe(HEAT_RAMP.at(-1)![1]);
  });
});
