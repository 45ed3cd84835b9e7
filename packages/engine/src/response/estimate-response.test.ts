import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import { saturationOf, unitsOnDuty } from '../staff/time-model.js';
import { estimateResponse, modelledUnits } from './estimate-response.js';
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
const grid = buildGrid(square(-87.7, 41.85, 0.03), { resolution: 9 });
// ~33 km² city, 8 officer-hours/week/km² → ~270 h/week, 45-minute calls.
const scores = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 270 });

describe('estimateResponse', () => {
  it('one beat with one unit is an M/M/1 queue and never dispatches across beats', () => {
    const plan = syntheticPlan(grid, 1);
    const light = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 100 });
    const r = estimateResponse(grid, plan, light, [[1], [1], [1]]);
    light.shifts.forEach((_, s) => {
      let wl = 0;
      for (let i = 0; i < grid.cellCount; i++) wl += light.shiftWorkloadHours[s]![i]!;
      const rho = wl / (8 * 7);
      const sh = r.shifts[s]!;
      expect(sh.method).toBe('exact');
      expect(sh.rho).toBeCloseTo(rho, 5);
      expect(sh.pAllBusy).toBeCloseTo(rho, 5);
      expect(sh.beats[0]!.pOwnUnitsBusy).toBeCloseTo(rho, 5);
      expect(sh.crossBeatShare).toBe(0);
      expect(sh.serviceMinutes).toBeCloseTo(45, 1);
      expect(sh.meanQueueWaitMinutes).toBeCloseTo((45 * rho) / (1 - rho), 3);
    });
  });

  it('exact and approximate estimates of a 4-beat plan agree within a few percent', () => {
    const plan = syntheticPlan(grid, 4, 2);
    const units = [
      [1, 1, 1, 1],
      [2, 1, 1, 2],
      [2, 2, 1, 2],
    ];
    const ex = estimateResponse(grid, plan, scores, units, { method: 'exact' });
    const ap = estimateResponse(grid, plan, scores, units, { method: 'approx' });
    ex.shifts.forEach((sx, s) => {
      const sa = ap.shifts[s]!;
      expect(sx.method).toBe('exact');
      expect(sa.method).toBe('approx');
      expect(sa.rho).toBeCloseTo(sx.rho, 9);
      expect(Math.abs(sa.crossBeatShare! - sx.crossBeatShare!)).toBeLessThan(0.03);
      expect(Math.abs(sa.meanTravelMinutes! - sx.meanTravelMinutes!) / sx.meanTravelMinutes!).toBeLessThan(0.03);
      sx.beats.forEach((b, k) => expect(Math.abs(sa.beats[k]!.rho - b.rho)).toBeLessThan(0.02));
    });
    expect(ex.districts.map((d) => d.id)).toEqual(['D1', 'D2']);
    expect(ex.beats).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(ex))).toEqual(ex); // plain JSON
  });

  it('more units mean less cross-beat dispatch and shorter travel', () => {
    const plan = syntheticPlan(grid, 4);
    const few = estimateResponse(grid, plan, scores, [
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    const many = estimateResponse(grid, plan, scores, [
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
    ]);
    expect(many.city.crossBeatShare!).toBeLessThan(few.city.crossBeatShare!);
    expect(many.city.meanTravelMinutes!).toBeLessThan(few.city.meanTravelMinutes!);
    expect(many.city.rho).toBeCloseTo(few.city.rho / 2, 6);
    expect(few.city.p90TravelMinutes!).toBeGreaterThan(few.city.meanTravelMinutes!);
  });

  it('rejects overloaded shifts (INFEASIBLE) and bad shapes (BAD_INPUT)', () => {
    const plan = syntheticPlan(grid, 2);
    const heavy = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 2000 });
    expect(() =>
      estimateResponse(grid, plan, heavy, [
        [1, 1],
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(/shift 0-8/);
    try {
      estimateResponse(grid, plan, heavy, [
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
    } catch (e) {
      expect((e as BeatplanError).code).toBe('INFEASIBLE');
    }
    expect(() => estimateResponse(grid, plan, scores, [[1, 1]])).toThrow(BeatplanError);
    expect(() =>
      estimateResponse(grid, plan, scores, [
        [1, 1],
        [1, 1],
        [1, -0.5],
      ]),
    ).toThrow(/≥ 0/);
    expect(() =>
      estimateResponse(grid, plan, scores, [
        [1, 1],
        [1, 1],
        [1, NaN],
      ]),
    ).toThrow(/finite/);
  });

  it('fractional units on duty (time model): utilisation = calls hours ÷ (units × shift hours), as staffing saturation', () => {
    const plan = syntheticPlan(grid, 1);
    const light = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 60 });
    // 2 officers × 36 h ÷ 56 h = 1.2857 units on duty per shift.
    const u = unitsOnDuty(2, 36, 56);
    const r = estimateResponse(grid, plan, light, [[u], [u], [u]], { unitsSource: 'test' });
    light.shifts.forEach((_, s) => {
      let wl = 0;
      for (let i = 0; i < grid.cellCount; i++) wl += light.shiftWorkloadHours[s]![i]!;
      const sh = r.shifts[s]!;
      expect(sh.units).toBeCloseTo(u, 6);
      expect(sh.beats[0]!.units).toBeCloseTo(u, 6);
      expect(sh.modelledUnits).toBe(1);
      expect(sh.rho).toBeCloseTo(saturationOf(wl, 2, 36), 5); // W ÷ (n · h)
      // One whole unit with capacity 1.2857: an M/M/1 queue with service rate μ · 1.2857.
      expect(sh.meanQueueWaitMinutes).toBeCloseTo(((45 / u) * sh.rho) / (1 - sh.rho), 2);
      expect(sh.meanResponseMinutes).toBeCloseTo(sh.meanQueueWaitMinutes! + sh.meanTravelMinutes!, 5);
    });
    expect(r.assumptions.unitsSource).toBe('test');
    expect(r.assumptions.speedKmh).toEqual([30, 30, 30]);
    expect(r.assumptions.detourFactor).toEqual([1.3, 1.3, 1.3]);
    expect(r.assumptions.responseTime).toMatch(/queue wait \+ travel/);
  });

  it('whole units are modelled as round(u), at least one when u > 0', () => {
    expect(Array.from(modelledUnits([0, 0.2, 1.49, 1.5, 3.7]))).toEqual([0, 1, 1, 2, 4]);
  });
});
