import { readFileSync } from 'node:fs';
import { polygonToLine, area as turfArea, length as turfLength } from '@turf/turf';
import fc from 'fast-check';
import type { FeatureCollection, Polygon } from 'geojson';
import { cellsToMultiPolygon, cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { BeatplanError } from '../errors.js';
import { buildGrid, chooseResolution, gridFromCells, gridTopology } from './build-grid.js';
import { cellsToPolygons, pointToCellLocator } from './locate.js';

/** A square polygon of side `d` degrees around (lng, lat). */
function square(lng: number, lat: number, d: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lng - d, lat - d],
        [lng + d, lat - d],
        [lng + d, lat + d],
        [lng - d, lat + d],
        [lng - d, lat - d],
      ],
    ],
  };
}

/** Two squares joined by a corridor 20 m wide: thinner than a cell at resolutions 9 and 10. */
function corridor(): Polygon {
  const w = 0.0001;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [-87.72, 41.84],
        [-87.7, 41.84],
        [-87.7, 41.85 - w],
        [-87.66, 41.85 - w],
        [-87.66, 41.84],
        [-87.64, 41.84],
        [-87.64, 41.86],
        [-87.66, 41.86],
        [-87.66, 41.85 + w],
        [-87.7, 41.85 + w],
        [-87.7, 41.86],
        [-87.72, 41.86],
        [-87.72, 41.84],
      ],
    ],
  };
}

function csrSymmetric(off: Uint32Array, tgt: Uint32Array): boolean {
  const n = off.length - 1;
  for (let i = 0; i < n; i++) {
    for (let e = off[i]!; e < off[i + 1]!; e++) {
      const j = tgt[e]!;
      let back = false;
      for (let f = off[j]!; f < off[j + 1]!; f++) if (tgt[f] === i) back = true;
      if (!back || j === i) return false;
    }
  }
  return true;
}

describe('buildGrid on small shapes', () => {
  it('covers a square by centre containment with sorted cells and symmetric CSR', () => {
    const g = buildGrid(square(-87.7, 41.85, 0.02), { resolution: 9 });
    expect(g.cellCount).toBeGreaterThan(50);
    expect([...g.h3]).toEqual([...g.h3].sort());
    expect(csrSymmetric(g.adjOffsets, g.adjTargets)).toBe(true);
    expect(csrSymmetric(g.geoOffsets, g.geoTargets)).toBe(true);
    expect(g.componentCount).toBe(1);
    for (let i = 0; i < g.cellCount; i++) {
      const [la, ln] = cellToLatLng(g.h3[i]!);
      expect(Math.abs(ln + 87.7)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(la - 41.85)).toBeLessThanOrEqual(0.02);
      expect(g.indexOf(g.h3[i]!)).toBe(i);
    }
  });

  it('leaves holes empty and keeps far islands as separate components', () => {
    const outer = square(-87.7, 41.85, 0.03).coordinates[0]!;
    const hole = [...square(-87.7, 41.85, 0.01).coordinates[0]!].reverse();
    const withHole: Polygon = { type: 'Polygon', coordinates: [outer, hole] };
    const island = square(-87.5, 41.85, 0.01);
    const g = buildGrid({ type: 'MultiPolygon', coordinates: [withHole.coordinates, island.coordinates] }, { resolution: 9 });
    expect(g.indexOf(latLngToCell(41.85, -87.7, 9))).toBe(-1);
    expect(g.componentCount).toBe(2);
    expect(g.partCount).toBe(2);
    expect(g.bridges).toHaveLength(0);
  });

  it('cuts the edges a barrier crosses, but never bridges over a barrier', () => {
    const poly = square(-87.7, 41.85, 0.03);
    const river = {
      type: 'LineString' as const,
      coordinates: [
        [-87.7, 41.8],
        [-87.7, 41.9],
      ],
    };
    const g = buildGrid(poly, { resolution: 9, barriers: river });
    expect(g.barrierCutEdges).toBeGreaterThan(5);
    expect(g.componentCount).toBe(2);
    expect(g.bridges).toHaveLength(0);
    // a gap (bridge) in the river keeps the city connected
    const gapped = {
      type: 'MultiLineString' as const,
      coordinates: [
        [
          [-87.7, 41.8],
          [-87.7, 41.848],
        ],
        [
          [-87.7, 41.852],
          [-87.7, 41.9],
        ],
      ],
    };
    const g2 = buildGrid(poly, { resolution: 9, barriers: gapped });
    expect(g2.componentCount).toBe(1);
    expect(g2.barrierCutEdges).toBeLessThan(g.barrierCutEdges);
  });

  it('bridges a corridor thinner than a cell inside one polygon', () => {
    const poly = corridor();
    const g = buildGrid(poly, { resolution: 9 });
    const raw = buildGrid(poly, { resolution: 9, bridgeGaps: false });
    expect(raw.componentCount).toBeGreaterThanOrEqual(2);
    expect(g.componentCount).toBe(1);
    expect(g.bridges.length).toBe(raw.componentCount - 1);
  });

  it('measures area and perimeter exactly as turf does', () => {
    const g = buildGrid(square(-87.7, 41.85, 0.01), { resolution: 10 });
    const cells = [...g.h3];
    const mp = cellsToMultiPolygon(cells, true);
    const turfAreaKm2 = turfArea({ type: 'MultiPolygon', coordinates: mp }) / 1e6;
    const sumArea = g.areaKm2.reduce((a, b) => a + b, 0);
    expect(sumArea).toBeCloseTo(turfAreaKm2, 6);
    // perimeter of the whole set = Σ perimeters − Σ shared edges
    let per = 0;
    for (let i = 0; i < g.cellCount; i++) {
      per += g.perimeterKm[i]!;
      for (let e = g.geoOffsets[i]!; e < g.geoOffsets[i + 1]!; e++) per -= g.geoEdgeKm[e]!;
    }
    const lines = polygonToLine({ type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: mp } });
    expect(per).toBeCloseTo(turfLength(lines as never, { units: 'kilometers' }), 6);
  });

  it('rejects bad geometry and impossible resolutions with named errors', () => {
    expect(() => buildGrid({ type: 'Point', coordinates: [0, 0] } as never)).toThrow(/not a Polygon or MultiPolygon/);
    const unclosed = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    } as Polygon;
    expect(() => buildGrid(unclosed)).toThrow(BeatplanError);
    expect(() => buildGrid(square(0, 0, 0.001), { resolution: 3 })).toThrow(/no H3 cell centre/);
    expect(() => buildGrid(square(0, 0, 0.1), { resolution: 16 })).toThrow(/resolution/);
    try {
      buildGrid(square(0, 0, 1), { resolution: 12, maxCells: 1000 });
      expect.unreachable();
    } catch (e) {
      expect((e as BeatplanError).code).toBe('GRID_TOO_LARGE');
    }
  });

  it('chooses a resolution that keeps the grid small but fine enough', () => {
    expect(chooseResolution(600, 274)).toBe(10);
    expect(chooseResolution(600)).toBe(10);
    expect(chooseResolution(20, 40)).toBeGreaterThanOrEqual(10);
  });

  it('rebuilds the same grid from its cells and topology (bridges, barrier cuts)', () => {
    const poly = corridor();
    const river = {
      type: 'LineString' as const,
      coordinates: [
        [-87.71, 41.83],
        [-87.71, 41.855],
      ],
    };
    const g = buildGrid(poly, { resolution: 10, barriers: river });
    const topo = gridTopology(g);
    expect(topo.bridges.length).toBeGreaterThan(0);
    expect(topo.barrierCuts.length).toBe(g.barrierCutEdges);
    const g2 = gridFromCells([...g.h3].reverse(), topo);
    expect(g2.h3).toEqual(g.h3);
    expect(Array.from(g2.adjOffsets)).toEqual(Array.from(g.adjOffsets));
    expect(Array.from(g2.adjTargets)).toEqual(Array.from(g.adjTargets));
    expect(Array.from(g2.component)).toEqual(Array.from(g.component));
    expect(Array.from(g2.areaKm2)).toEqual(Array.from(g.areaKm2));
    expect(g2.barrierCutEdges).toBe(g.barrierCutEdges);
    expect(() => gridFromCells(['nope'])).toThrow(/valid H3/);
    expect(() => gridFromCells([g.h3[0]!], { bridges: [[g.h3[0]!, 'x']] })).toThrow(/not in the grid/);
  });

  it('property: every cell is in one component; components respect adjacency', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: 0.005, max: 0.03, noNaN: true }),
        (lat, lng, d) => {
          const g = buildGrid(square(lng, lat, d), { resolution: 9, maxCells: 50_000 });
          for (let i = 0; i < g.cellCount; i++) {
            for (let e = g.adjOffsets[i]!; e < g.adjOffsets[i + 1]!; e++) expect(g.component[g.adjTargets[e]!]).toBe(g.component[i]);
          }
          expect(g.componentCount).toBe(1);
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  });
});

describe.skipIf(!hasRealdata())('buildGrid on Chicago', () => {
  const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8')) as FeatureCollection<Polygon>;
  const g = buildGrid(beats, { resolution: 10 });

  it('gives ~39,500 cells in one connected component, joined by documented bridges', () => {
    expect(g.cellCount).toBe(39517);
    expect(g.componentCount).toBe(1);
    expect(g.partCount).toBe(1);
    // O'Hare's corridor and a few lakefront cells: six pieces, five bridges
    expect(g.bridges.length).toBe(5);
    const raw = buildGrid(beats, { resolution: 10, bridgeGaps: false });
    expect(raw.componentCount).toBe(6);
    const area = g.areaKm2.reduce((a, b) => a + b, 0);
    expect(area).toBeGreaterThan(590);
    expect(area).toBeLessThan(610);
  });

  it('maps cells back to the beats exactly and locates points', () => {
    const owner = cellsToPolygons(g, beats);
    expect(owner.every((f) => f >= 0)).toBe(true);
    const perBeat = new Set(owner);
    expect(perBeat.size).toBe(274);
    const locate = pointToCellLocator(g);
    expect(locate(-87.6298, 41.8781)).toBeGreaterThanOrEqual(0); // the Loop
    expect(locate(-87.0, 41.0)).toBe(-1);
    expect(locate(Number.NaN, 41)).toBe(-1);
  });
});
