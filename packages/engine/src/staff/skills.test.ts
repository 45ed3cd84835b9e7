import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../grid/build-grid.js';
import type { BeatPlan } from '../plan/types.js';
import { skillsOfBeats } from './skills.js';

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

describe('skillsOfBeats', () => {
  const grid = buildGrid(square(-87.7, 41.85, 0.02), { resolution: 9 });
  // two beats: west and east of the centre line
  const plan: BeatPlan = {
    resolution: 9,
    cellCount: grid.cellCount,
    beatIds: ['W', 'E'],
    beatOfCell: Int32Array.from(grid.lng, (x) => (x < -87.7 ? 0 : 1)),
    locked: new Uint8Array(2),
  };
  const population = new Float64Array(grid.cellCount).fill(100);

  it('marks the beats where the layer reaches the share of residents', () => {
    // speakers: many in the west half, few in the east half
    const west = { geometry: square(-87.71, 41.85, 0.009), value: 0 };
    const east = { geometry: square(-87.69, 41.85, 0.009), value: 0 };
    let westPop = 0;
    let eastPop = 0;
    for (let i = 0; i < grid.cellCount; i++) plan.beatOfCell[i] === 0 ? (westPop += 100) : (eastPop += 100);
    west.value = westPop * 0.6;
    east.value = eastPop * 0.05;
    const r = skillsOfBeats(grid, plan, population, [{ skill: 'Spanish', layer: { features: [west, east] }, minShare: 0.25 }]);
    expect(r).toEqual({ W: ['spanish'] });
  });

  it('rejects bad rules by name', () => {
    expect(() => skillsOfBeats(grid, plan, population, [{ skill: ' ', layer: { features: [] } }])).toThrow(/skill name/);
    expect(() => skillsOfBeats(grid, plan, population, [{ skill: 'x', layer: { features: [] }, minShare: 2 }])).toThrow(/minShare/);
  });
});
