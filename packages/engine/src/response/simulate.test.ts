import fc from 'fast-check';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import { MinHeap } from '../min-heap.js';
import type { IncidentTable } from '../score/types.js';
import { estimateResponse } from './estimate-response.js';
import { roadNetworkFromGeojson, withRoads } from './roads.js';
import { MIN_UNITS_ON_DUTY, simulateResponse } from './simulate.js';
import { poissonCalls, replayCalls, type SimulationCalls, UNSPECIFIED_PRIORITY } from './simulate-calls.js';
import { syntheticPlan, syntheticScores } from './synthetic.js';
import { buildTravelModel } from './travel.js';

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
// ~33 km² city at resolution 9 (~300 cells).
const grid = buildGrid(square(-87.7, 41.85, 0.03), { resolution: 9 });

describe('MinHeap', () => {
  it('pops values in key order for any input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 300 }), (keys) => {
        const h = new MinHeap(2);
        keys.forEach((k, i) => h.push(k, i));
        const out: number[] = [];
        while (h.size > 0) {
          const k = h.peekKey();
          out.push(k);
          expect(keys[h.pop()]).toBe(k);
        }
        expect(out).toEqual([...keys].sort((a, b) => a - b));
        expect(h.pop()).toBe(-1);
      }),
    );
  });
});

describe('simulateResponse', () => {
  it('one beat with one unit behaves as an M/M/1 queue (utilisation, queued share, wait)', () => {
    const plan = syntheticPlan(grid, 1);
    // 100 officer-hours a week in each 56-hour shift → ρ = 100/3/56 ≈ 0.6 per shift… use 60 h/week total: ρ = 20/56 = 0.357
    const scores = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 60, shiftShares: [1 / 3, 1 / 3, 1 / 3] });
    const calls = poissonCalls(grid, plan, scores, { days: 7 * 150, seed: 5 });
    const sim = simulateResponse(grid, plan, scores, calls, [[1], [1], [1]], { seed: 5 });
    const rho = 20 / 56;
    expect(sim.city.utilisation!).toBeCloseTo(rho, 1);
    expect(Math.abs(sim.city.utilisation! - rho)).toBeLessThan(0.02);
    expect(Math.abs(sim.city.queuedShare! - rho)).toBeLessThan(0.02);
    const wait = (45 * rho) / (1 - rho); // M/M/1 mean wait, minutes
    expect(Math.abs(sim.city.meanWaitMinutes! - wait) / wait).toBeLessThan(0.1);
    expect(sim.city.crossBeatShare).toBe(0);
    expect(sim.city.unitsOnDuty).toBe(1);
    expect(sim.city.response!.meanMinutes).toBeCloseTo(sim.city.meanWaitMinutes! + sim.city.meanTravelMinutes!, 3);
  });

  it('in Poisson mode agrees with the exact hypercube within 2 points on utilisation and cross-beat share', () => {
    const plan = syntheticPlan(grid, 9);
    const scores = syntheticScores(grid, { seed: 4, workloadHoursPerWeek: 500 });
    const units = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 2, 1, 1, 1, 1, 2, 1, 1],
      [2, 1, 1, 2, 1, 1, 1, 1, 2],
    ];
    const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
    const hyp = estimateResponse(grid, plan, scores, units, { method: 'exact', maxExactUnits: 15, travel });
    const calls = poissonCalls(grid, plan, scores, { days: 7 * 100, seed: 11 });
    const sim = simulateResponse(grid, plan, scores, calls, units, { seed: 11, travel });
    hyp.shifts.forEach((h, s) => {
      const x = sim.shifts[s]!;
      expect(Math.abs(x.utilisation! - h.rho), `shift ${h.shift} utilisation ${x.utilisation} vs ${h.rho}`).toBeLessThan(0.02);
      expect(
        Math.abs(x.crossBeatShare! - h.crossBeatShare!),
        `shift ${h.shift} cross-beat ${x.crossBeatShare} vs ${h.crossBeatShare}`,
      ).toBeLessThan(0.02);
      expect(Math.abs(x.queuedShare! - h.pAllBusy)).toBeLessThan(0.02);
    });
    expect(Math.abs(sim.city.utilisation! - hyp.city.rho)).toBeLessThan(0.02);
    expect(Math.abs(sim.city.crossBeatShare! - hyp.city.crossBeatShare!)).toBeLessThan(0.02);
    // travel is the same model: mean travel within 10%
    expect(Math.abs(sim.city.meanTravelMinutes! - hyp.city.meanTravelMinutes!) / hyp.city.meanTravelMinutes!).toBeLessThan(0.1);
  });

  it('is deterministic for a seed, and another seed changes the draws', () => {
    const plan = syntheticPlan(grid, 4);
    const scores = syntheticScores(grid, { seed: 3, workloadHoursPerWeek: 200 });
    const units = [
      [1.5, 1, 1, 0.5],
      [2, 1.25, 1, 1],
      [1, 1, 1, 1],
    ];
    const run = (seed: number) =>
      JSON.stringify(simulateResponse(grid, plan, scores, poissonCalls(grid, plan, scores, { days: 28, seed }), units, { seed }));
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('reports its progress every 5% of the calls, rising from 0.05 to 1 (a job shows it)', () => {
    const plan = syntheticPlan(grid, 4);
    const scores = syntheticScores(grid, { seed: 3, workloadHoursPerWeek: 200 });
    const calls = poissonCalls(grid, plan, scores, { days: 56, seed: 1 });
    expect(calls.count).toBeGreaterThan(1000);
    const seen: number[] = [];
    simulateResponse(
      grid,
      plan,
      scores,
      calls,
      [
        [2, 2, 2, 2],
        [2, 2, 2, 2],
        [2, 2, 2, 2],
      ],
      {
        seed: 1,
        onProgress: (f, stage) => {
          expect(stage).toBe('simulate');
          seen.push(f);
        },
      },
    );
    expect(seen[0]).toBe(0.05);
    expect(seen.slice(-3)).toEqual([0.92, 0.96, 1]);
    const during = seen.slice(1, -3); // the event loop: 0.05 + 0.85 × calls done ÷ calls
    expect(during.length).toBeGreaterThanOrEqual(18); // 19 steps of 5% between the ends
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeGreaterThan(seen[k - 1]!);
  });

  it('puts fractional units on duty for that share of the shifts (2.5 units → 2.5 on average)', () => {
    const plan = syntheticPlan(grid, 2);
    const scores = syntheticScores(grid, { seed: 3, workloadHoursPerWeek: 100 });
    const calls = poissonCalls(grid, plan, scores, { days: 7 * 100, seed: 2 });
    const sim = simulateResponse(
      grid,
      plan,
      scores,
      calls,
      [
        [2.5, 1],
        [2.5, 1],
        [2.5, 1],
      ],
      { seed: 2 },
    );
    expect(Math.abs(sim.beats[0]!.unitsOnDuty - 2.5)).toBeLessThan(0.1);
    expect(sim.beats[1]!.unitsOnDuty).toBe(1);
  });

  it('serves the queue by priority, first come first served within a priority', () => {
    const plan = syntheticPlan(grid, 1);
    const scores = syntheticScores(grid, { seed: 1, workloadHoursPerWeek: 50 });
    const c = grid.cellCount >> 1;
    // one unit; a long call at 60 min, then three calls queue behind it: priority 3, 1, 1
    const calls: SimulationCalls = {
      count: 4,
      timeMinutes: Float64Array.from([60, 61, 62, 63]),
      cell: Int32Array.from([c, c, c, c]),
      serviceMinutes: Float64Array.from([100, 10, 10, 10]),
      priority: Uint8Array.from([2, 3, 1, 1]),
      days: 1,
      startMs: 0,
    };
    const sim = simulateResponse(grid, plan, scores, calls, [[1], [1], [1]]);
    const p1 = sim.priorities.find((p) => p.priority === '1')!;
    const p3 = sim.priorities.find((p) => p.priority === '3')!;
    expect(p1.calls).toBe(2);
    expect(p1.queuedShare).toBe(1);
    // priority 1 calls go first: waits (160−62) and (170−63); the priority-3 call waits to 180−61
    expect(p1.meanWaitMinutes).toBeCloseTo((160 - 62 + (160 + Math.max(10, 0) - 63)) / 2, 0);
    expect(p3.meanWaitMinutes).toBeGreaterThan(p1.meanWaitMinutes!);
    expect(sim.city.queuedShare).toBe(0.75);
  });

  it('keeps its books on any small instance (property): every call answered, shares in [0, 1], groups add up', () => {
    const plan = syntheticPlan(grid, 3);
    const scores = syntheticScores(grid, { seed: 5, workloadHoursPerWeek: 150 });
    const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 1000 }),
        (units, seed) => {
          // Some shift needs a car on duty at least half the time, or the queue may wait years
          // for one (that case is an INFEASIBLE error: the test after this one).
          if (units.every((row) => row.every((u) => u < 0.5))) units[0]![0] = 1;
          const calls = poissonCalls(grid, plan, scores, { days: 7, seed });
          const sim = simulateResponse(grid, plan, scores, calls, units, { seed, travel });
          expect(sim.city.calls).toBe(calls.count);
          expect(sim.beats.reduce((t, b) => t + b.calls, 0)).toBe(calls.count);
          expect(sim.shifts.reduce((t, s) => t + s.calls, 0)).toBe(calls.count);
          for (const f of [sim.city, ...sim.shifts, ...sim.beats]) {
            if (f.calls === 0) continue;
            for (const share of [f.crossBeatShare!, f.queuedShare!]) expect(share >= 0 && share <= 1).toBe(true);
            expect(f.meanWaitMinutes!).toBeGreaterThanOrEqual(0);
            expect(f.response!.p50Minutes).toBeLessThanOrEqual(f.response!.p90Minutes);
            if (f.queuedShare === 0) expect(f.meanWaitMinutes).toBe(0);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('near-zero units on duty end in INFEASIBLE at once, not in a wait of millions of shifts', () => {
    const plan = syntheticPlan(grid, 3);
    const scores = syntheticScores(grid, { seed: 5, workloadHoursPerWeek: 150 });
    const calls = poissonCalls(grid, plan, scores, { days: 7, seed: 3 });
    const run = (units: number[][]) => () => simulateResponse(grid, plan, scores, calls, units, { seed: 3 });
    const t0 = performance.now();
    // under MIN_UNITS_ON_DUTY counts as none: no car at all (it hung for minutes before)
    expect(
      run([
        [1.35e-9, 0, 0],
        [0, 7e-323, 0],
        [0, 0, 0],
      ]),
    ).toThrow(/no unit is on duty/);
    // a car on duty 2e-6 of its shift: the calls are still queued a year after the period
    expect(
      run([
        [2e-6, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ).toThrow(/still queued 365 days after the period/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(
      run([
        [2e-6, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]),
    ).toThrow(expect.objectContaining({ code: 'INFEASIBLE', details: { field: 'unitsOnDuty' } }));
    // just above the threshold with a real car beside it, every call is answered
    const sim = simulateResponse(
      grid,
      plan,
      scores,
      calls,
      [
        [2 * MIN_UNITS_ON_DUTY, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
      ],
      { seed: 3 },
    );
    expect(sim.city.calls).toBe(calls.count);
  });

  it('travels on the road graph when the travel model has roads: slow streets, slow response', () => {
    const plan = syntheticPlan(grid, 2);
    const scores = syntheticScores(grid, { seed: 6, workloadHoursPerWeek: 80 });
    // a street grid every ~0.005° over the square, all at one speed
    const streets = (speed: number) => {
      const features = [];
      for (let k = 0; k <= 12; k++) {
        const x = -87.73 + k * 0.005;
        const y = 41.82 + k * 0.005;
        features.push({
          type: 'Feature',
          properties: { speed_kmh: speed },
          geometry: { type: 'LineString', coordinates: Array.from({ length: 13 }, (_, j) => [x, 41.82 + j * 0.005]) },
        });
        features.push({
          type: 'Feature',
          properties: { speed_kmh: speed },
          geometry: { type: 'LineString', coordinates: Array.from({ length: 13 }, (_, j) => [-87.73 + j * 0.005, y]) },
        });
      }
      return { type: 'FeatureCollection', features };
    };
    const straight = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
    const calls = poissonCalls(grid, plan, scores, { days: 28, seed: 3 });
    const run = (speed: number) =>
      simulateResponse(
        grid,
        plan,
        scores,
        calls,
        [
          [1, 1],
          [1, 1],
          [1, 1],
        ],
        { seed: 3, travel: withRoads(straight, grid, roadNetworkFromGeojson(streets(speed))) },
      );
    const slow = run(10);
    const fast = run(60);
    const line = simulateResponse(
      grid,
      plan,
      scores,
      calls,
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      { seed: 3, travel: straight },
    );
    expect(slow.city.meanTravelMinutes!).toBeGreaterThan(fast.city.meanTravelMinutes! * 1.5);
    expect(fast.city.meanTravelMinutes).not.toBe(line.city.meanTravelMinutes);
    expect(slow.city.calls).toBe(fast.city.calls);
  });

  it('refuses units of the wrong shape and a city without units', () => {
    const plan = syntheticPlan(grid, 2);
    const scores = syntheticScores(grid, { seed: 1 });
    const calls = poissonCalls(grid, plan, scores, { days: 1, seed: 1 });
    expect(() => simulateResponse(grid, plan, scores, calls, [[1, 1]])).toThrow(BeatplanError);
    expect(() =>
      simulateResponse(grid, plan, scores, calls, [
        [1, -1],
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(/≥ 0/);
    expect(() =>
      simulateResponse(grid, plan, scores, calls, [
        [0, 0],
        [0, 0],
        [0, 0],
      ]),
    ).toThrow(/no unit/);
  });
});

describe('replayCalls', () => {
  it('keeps incidents at their time and place, leaves out the unusable ones by reason, draws service around the table', () => {
    const plan = syntheticPlan(grid, 2);
    const day = 86_400_000;
    const t0 = Date.UTC(2015, 0, 23);
    const n = 2000;
    const table: IncidentTable = {
      count: n + 3,
      lng: new Float64Array(n + 3),
      lat: new Float64Array(n + 3),
      timeMs: Float64Array.from({ length: n + 3 }, (_, i) => (i === n ? NaN : t0 + ((i * 7919 * 60_000) % (3 * day)))),
      typeIndex: Uint16Array.from({ length: n + 3 }, (_, i) => i % 2),
      types: ['THEFT', 'BATTERY'],
      priority: Float32Array.from({ length: n + 3 }, (_, i) => (i % 3 === 0 ? NaN : 1 + (i % 3))),
      cell: Int32Array.from({ length: n + 3 }, (_, i) => (i === n + 1 ? -1 : i % grid.cellCount)),
    };
    const { calls, leftOut } = replayCalls(
      plan,
      table,
      [
        { id: '0-8', startHour: 0, endHour: 8 },
        { id: '8-16', startHour: 8, endHour: 16 },
        { id: '16-24', startHour: 16, endHour: 24 },
      ],
      { seed: 3 },
    );
    expect(leftOut).toEqual({ noTime: 1, outsideGrid: 1, unassignedCell: 0, noShift: 0 });
    expect(calls.count).toBe(n + 1);
    expect(calls.days).toBe(3);
    for (let k = 1; k < calls.count; k++) expect(calls.timeMinutes[k]!).toBeGreaterThanOrEqual(calls.timeMinutes[k - 1]!);
    // THEFT 45 × 1 and BATTERY 60 × 2 officer-minutes, half each: the mean is the table's within sampling error (CV 0.8)
    let sum = 0;
    for (let k = 0; k < calls.count; k++) {
      expect(calls.serviceMinutes[k]!).toBeGreaterThan(0);
      sum += calls.serviceMinutes[k]!;
    }
    const mean = (45 + 120) / 2;
    expect(Math.abs(sum / calls.count - mean) / mean).toBeLessThan(0.06);
    expect(calls.priority.filter((p) => p === UNSPECIFIED_PRIORITY).length).toBeGreaterThan(600);
  });
});
