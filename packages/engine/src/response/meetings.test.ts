import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../grid/build-grid.js';
import { chooseMeetingPlaces } from './meetings.js';
import { syntheticPlan, syntheticScores } from './synthetic.js';

const square = (lng: number, lat: number, d: number): Polygon => ({ type: 'Polygon', coordinates: [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]] });
const grid = buildGrid(square(-87.7, 41.85, 0.02), { resolution: 9 });

describe('chooseMeetingPlaces', () => {
  it('chooses a venue inside the beat whenever one exists there', () => {
    const plan = syntheticPlan(grid, 4);
    const pop = syntheticScores(grid, { seed: 4 }).population;
    // One venue at a cell of each of beats 0–2 (beat 3 has none), plus one far outside the city.
    const venues = [0, 1, 2].map((b) => {
      const c = plan.beatOfCell.findIndex((x) => x === b);
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
      features: [far, home].map((c, k) => ({ type: 'Feature' as const, properties: { id: `V${k}` }, geometry: { type: 'Point' as const, coordinates: [grid.lng[c]!, grid.lat[c]!] } })),
    };
    const r = chooseMeetingPlaces(grid, plan, pop, venues);
    expect(r.beats[0]!.venueId).toBe('V1');
    expect(r.beats[0]!.meanWalkMinutes).toBeCloseTo(0, 9);
    expect(r.beats[0]!.shareWithinWalk).toBe(1);
    expect(r.city.residents).toBeCloseTo(1000, 6);
  });
});
