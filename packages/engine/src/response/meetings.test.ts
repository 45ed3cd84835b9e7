import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { approxDistanceKm } from '../geo/measure.js';
import { buildGrid } from '../grid/build-grid.js';
import { pointToCellLocator } from '../grid/locate.js';
import { chooseMeetingPlaces } from './meetings.js';
import { roadNetworkFromGeojson } from './roads.js';
import { syntheticPlan, syntheticScores } from './synthetic.js';

const square = (lng: number, lat: number, d: number): Polygon => ({
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
});
const grid = buildGrid(square(-87.7, 41.85, 0.02), { resolution: 9 });

describe('chooseMeetingPlaces', () => {
  it('chooses a venue inside the beat whenever one exists there', () => {
    const plan = syntheticPlan(grid, 4);
    const pop = syntheticScores(grid, { seed: 4 }).population;
    // One venue at a cell of each of beats 0–2 (beat 3 has none), plus one far outside the city.
    const venues = [0, 1, 2].map((b) => {
      const c = plan.beatOfCell.indexOf(b);
      return [grid.lng[c]!, grid.lat[c]!];
    });
    venues.push([-87.6, 41.85]);
    const r = chooseMeetingPlaces(grid, plan, pop, venues);
    for (const b of [0, 1, 2]) {
      expect(r.beats[b]!.inside).toBe(true);
      expect(r.beats[b]!.venue).toBe(b);
    }
    expect(r.beats[3]!.inside).toBe(false);
    expect(r.beatsWithoutVenueInside).toBe(1);
    expect(r.city.shareWithinWalk).toBeGreaterThan(0);
    expect(r.city.shareWithinWalk).toBeLessThanOrEqual(1);
  });

  it('picks the venue at the residents (known by hand) and reports the 15-minute share', () => {
    const plan = syntheticPlan(grid, 1);
    const pop = new Float64Array(grid.cellCount);
    const home = Math.floor(grid.cellCount / 3);
    pop[home] = 1000; // everybody lives in one cell
    const far = (home + Math.floor(grid.cellCount / 2)) % grid.cellCount;
    const venues = {
      type: 'FeatureCollection' as const,
      features: [far, home].map((c, k) => ({
        type: 'Feature' as const,
        properties: { id: `V${k}` },
        geometry: { type: 'Point' as const, coordinates: [grid.lng[c]!, grid.lat[c]!] },
      })),
    };
    const r = chooseMeetingPlaces(grid, plan, pop, venues);
    expect(r.beats[0]!.venueId).toBe('V1');
    expect(r.beats[0]!.meanWalkMinutes).toBeCloseTo(0, 9);
    expect(r.beats[0]!.shareWithinWalk).toBe(1);
    expect(r.city.residents).toBeCloseTo(1000, 6);
  });

  it('with roads, walks follow the streets: a venue facing the residents across a river with one bridge far east loses to a farther one on their side', () => {
    const plan = syntheticPlan(grid, 1);
    const home = pointToCellLocator(grid)(-87.715, 41.846);
    const pop = new Float64Array(grid.cellCount);
    pop[home] = 500;
    // A street on each bank of a river (between lat 41.845 and 41.855), joined by one bridge at lng −87.685.
    const line = (coordinates: number[][]) => ({
      type: 'Feature',
      properties: { highway: 'residential' },
      geometry: { type: 'LineString', coordinates },
    });
    const roads = roadNetworkFromGeojson({
      type: 'FeatureCollection',
      features: [
        line([
          [-87.715, 41.845],
          [-87.7, 41.845],
          [-87.685, 41.845],
        ]),
        line([
          [-87.715, 41.855],
          [-87.7, 41.855],
          [-87.685, 41.855],
        ]),
        line([
          [-87.685, 41.845],
          [-87.685, 41.855],
        ]),
      ],
    });
    const venues = [
      [-87.715, 41.854],
      [-87.7, 41.846],
    ]; // V0 across the river (~0.9 km), V1 on the residents' bank (~1.3 km)
    const straight = chooseMeetingPlaces(grid, plan, pop, venues);
    expect(straight.beats[0]!.venue).toBe(0);
    const walked = chooseMeetingPlaces(grid, plan, pop, venues, { roads });
    expect(walked.beats[0]!.venue).toBe(1);
    // By hand: off-road legs to the nodes (−87.715, 41.845) and (−87.7, 41.845) × 1.3, plus the street between them, at 4.8 km/h.
    const legs = approxDistanceKm(grid.lng[home]!, grid.lat[home]!, -87.715, 41.845) + approxDistanceKm(-87.7, 41.846, -87.7, 41.845);
    const expected = ((approxDistanceKm(-87.715, 41.845, -87.7, 41.845) + 1.3 * legs) / 4.8) * 60;
    expect(walked.beats[0]!.meanWalkMinutes).toBeCloseTo(expected, 4);
    expect(walked.beats[0]!.meanWalkMinutes!).toBeGreaterThan(straight.beats[0]!.meanWalkMinutes!);
    // each says how it walked, at what speed and detour
    expect(walked.assumptions).toEqual({ walk: expect.stringMatching(/^along the road graph/), speedKmh: 4.8, detourFactor: 1.3 });
    expect(straight.assumptions).toEqual({ walk: expect.stringMatching(/^straight line × detour/), speedKmh: 4.8, detourFactor: 1.3 });
  });
});
