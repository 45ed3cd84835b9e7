import { describe, expect, it } from 'vitest';
import type { BeatPlan } from '../plan/types.js';
import type { CellScores } from '../score/types.js';
import { compareEquity, equityByArea } from './equity.js';

/** 4 cells, one all-day shift (0–24), hand-checkable numbers. */
const scores: CellScores = {
  resolution: 9,
  cellCount: 4,
  shifts: [{ id: '0-24', startHour: 0, endHour: 24 }],
  shiftWorkloadHours: [Float64Array.of(40, 20, 10, 10)],
  workloadHours: Float64Array.of(40, 20, 10, 10),
  rawWorkloadHours: Float64Array.of(40, 20, 10, 10),
  needHours: Float64Array.of(10, 10, 0, 20),
  population: Float64Array.of(1000, 1000, 500, 1500),
  vulnerability: new Float64Array(4).fill(1),
  incidentCount: Uint32Array.of(520, 260, 130, 130),
  periodWeeks: 52,
};
const plan = (beatOfCell: number[]): BeatPlan => ({
  resolution: 9,
  cellCount: 4,
  beatIds: ['B1', 'B2'],
  beatOfCell: Int32Array.from(beatOfCell),
  locked: new Uint8Array(2),
});

describe('equityByArea', () => {
  it('attributes reactive work and community time per area, per 1,000 residents and per incident', () => {
    // One unit in beat 1 = 168 h/week; beat 1 = cells 0,1 (work 60, need 20) → community min(20, 108) = 20.
    const r = equityByArea(plan([0, 0, 1, 1]), scores, [[1, 0]], Int32Array.of(0, 0, 1, 1), { areaIds: ['North', 'South'] });
    const [north, south] = r.areas;
    expect(north!.reactiveHours.hours).toBe(60);
    expect(north!.communityHours.hours).toBe(20);
    expect(north!.officerHours.hours).toBe(80);
    expect(north!.officerHours.per1000Residents).toBe(40);
    expect(north!.officerHours.perIncident).toBeCloseTo(80 / 15, 5);
    expect(north!.servingBeatSaturation).toBeCloseTo(60 / 168, 5);
    // Beat 2 has no units: no officer time, all its need uncovered.
    expect(south!.officerHours.hours).toBe(0);
    expect(south!.communityShortfallHours).toBe(20);
    expect(south!.servingBeatSaturation).toBeNull();
  });

  it('compares two plans area by area', () => {
    const areas = Int32Array.of(0, 0, 1, 1);
    const a = equityByArea(plan([0, 0, 1, 1]), scores, [[1, 1]], areas);
    const b = equityByArea(plan([0, 1, 1, 1]), scores, [[1, 1]], areas);
    const d = compareEquity(a, b);
    expect(d.areas).toHaveLength(2);
    const a1 = d.areas[0]!.servingBeatSaturation;
    expect(a1.change).toBeCloseTo(a1.after! - a1.before!, 9);
    expect(() => compareEquity(a, { ...b, areas: b.areas.slice(1) })).toThrow(/same areas/);
  });
});
