import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { approxDistanceKm } from '../geo/measure.js';
import { buildGrid } from '../grid/build-grid.js';
import { syntheticPlan } from './synthetic.js';
import { buildTravelModel, cellTravelMinutes } from './travel.js';

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

describe('travel times', () => {
  it('without barriers: straight line × detour / speed', () => {
    const g = buildGrid(square(-87.7, 41.85, 0.02), { resolution: 9 });
    const t = cellTravelMinutes(g, 0, { speedKmh: 30, detourFactor: 1.3 });
    for (let i = 0; i < g.cellCount; i += 7) {
      const d = approxDistanceKm(g.lng[0]!, g.lat[0]!, g.lng[i]!, g.lat[i]!);
      expect(t[i]).toBeCloseTo(((d * 1.3) / 30) * 60, 9);
    }
  });

  it('a river forces the path round its end; same-side cells keep the straight line', () => {
    // River from the bottom edge up to 60% of the height, at lng −87.7.
    const river = {
      type: 'LineString' as const,
      coordinates: [
        [-87.7, 41.8],
        [-87.7, 41.862],
      ],
    };
    const g = buildGrid(square(-87.7, 41.85, 0.03), { resolution: 9, barriers: river });
    let west = -1;
    let east = -1;
    let bestW = Infinity;
    let bestE = Infinity;
    for (let i = 0; i < g.cellCount; i++) {
      const dw = Math.hypot(g.lng[i]! + 87.703, g.lat[i]! - 41.83);
      const de = Math.hypot(g.lng[i]! + 87.697, g.lat[i]! - 41.83);
      if (dw < bestW) {
        bestW = dw;
        west = i;
      }
      if (de < bestE) {
        bestE = de;
        east = i;
      }
    }
    const t = cellTravelMinutes(g, west);
    const straight = approxDistanceKm(g.lng[west]!, g.lat[west]!, g.lng[east]!, g.lat[east]!);
    const roundKm = 2 * approxDistanceKm(-87.7, 41.83, -87.7, 41.862); // up and down again, at least
    expect(((t[east]! / 60) * 30) / 1.3).toBeGreaterThan(0.85 * roundKm);
    expect(straight).toBeLessThan(1.5);
    // A cell on the same side, same distance: straight line.
    let same = -1;
    for (let i = 0; i < g.cellCount; i++) if (g.lng[i]! < -87.705 && Math.abs(g.lat[i]! - 41.83) < 0.004) same = i;
    const ds = approxDistanceKm(g.lng[west]!, g.lat[west]!, g.lng[same]!, g.lat[same]!);
    expect(t[same]).toBeCloseTo(((ds * 1.3) / 30) * 60, 6);
  });

  it('atoms partition the assigned cells, each inside one beat', () => {
    const g = buildGrid(square(-87.7, 41.85, 0.03), { resolution: 9 });
    const plan = syntheticPlan(g, 6);
    const m = buildTravelModel(g, plan, { atomSizeKm: 0.8 });
    expect(m.atomCount).toBeGreaterThan(6);
    for (let i = 0; i < g.cellCount; i++) expect(m.beatOfAtom[m.atomOfCell[i]!]).toBe(plan.beatOfCell[i]);
    expect(m.beatAtomOffsets[6]).toBe(m.atomCount);
    for (let a = 0; a < m.atomCount; a++) expect(m.spreadKm2[a]).toBeGreaterThan(0);
    expect(m.unreachedPairs).toBe(0);
    for (let k = 0; k < m.excessKm.length; k++) expect(m.excessKm[k]).toBeLessThan(0.35); // no barrier: only lattice noise
  });
});
