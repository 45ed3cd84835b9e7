import fc from 'fast-check';
import type { Polygon } from 'geojson';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../grid/build-grid.js';
import { createRng } from '../random.js';
import { explainCell, scoreCells, smooth, spreadCounts } from './score-cells.js';
import { officerMinutes } from './service-times.js';
import { parseShifts } from './shifts.js';
import type { IncidentTable } from './types.js';

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

function table(rows: Array<{ lng: number; lat: number; t: number; type: string; priority?: number }>): IncidentTable {
  const types: string[] = [];
  const typeIndex = rows.map((r) => {
    let k = types.indexOf(r.type);
    if (k < 0) k = types.push(r.type) - 1;
    return k;
  });
  return {
    count: rows.length,
    lng: Float64Array.from(rows, (r) => r.lng),
    lat: Float64Array.from(rows, (r) => r.lat),
    timeMs: Float64Array.from(rows, (r) => r.t),
    typeIndex: Uint16Array.from(typeIndex),
    types,
    priority: Float32Array.from(rows, (r) => r.priority ?? Number.NaN),
    cell: new Int32Array(rows.length).fill(-1),
  };
}

function randomIncidents(seed: number, m: number) {
  const rng = createRng(seed);
  const kinds = ['THEFT', 'BATTERY', 'ROBBERY', 'SOMETHING NEW'];
  return table(
    Array.from({ length: m }, () => ({
      lng: -87.7 + (rng.next() - 0.5) * 0.05,
      lat: 41.85 + (rng.next() - 0.5) * 0.05,
      t: Date.UTC(2025, 0, 1) + rng.next() * 28 * 86400000,
      type: kinds[rng.int(kinds.length)]!,
    })),
  );
}

const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

describe('scoreCells', () => {
  it('turns incidents into officer-hours per week per shift, conserving totals', () => {
    const t0 = Date.UTC(2025, 0, 1, 0, 0);
    const inc = table([
      { lng: -87.7, lat: 41.85, t: t0 + 3 * 3600e3, type: 'THEFT' }, // 45 min, shift 0-8
      { lng: -87.7, lat: 41.85, t: t0 + 13 * 3600e3, type: 'ROBBERY' }, // 90 × 2, shift 8-16
      { lng: -87.7, lat: 41.85, t: t0 + 14 * 86400e3 - 1, type: 'BATTERY' }, // 60 × 2, shift 16-24
      { lng: -80, lat: 30, t: t0, type: 'THEFT' }, // outside
    ]);
    const { scores, report } = scoreCells(grid, inc, { smoothing: { kernel: 'none' }, periodDays: 14 });
    expect(report.outsideGrid).toBe(1);
    expect(report.used).toBe(3);
    expect(report.periodWeeks).toBeCloseTo(2, 6);
    const c = grid.indexOf(grid.h3[scores.incidentCount.findIndex((x) => x > 0)]!);
    expect(scores.incidentCount[c]).toBe(3);
    expect(scores.shiftWorkloadHours[0]![c]).toBeCloseTo(45 / 60 / 2, 9);
    expect(scores.shiftWorkloadHours[1]![c]).toBeCloseTo(180 / 60 / 2, 9);
    expect(scores.shiftWorkloadHours[2]![c]).toBeCloseTo(120 / 60 / 2, 9);
    expect(report.totalWorkloadHours).toBeCloseTo((45 + 180 + 120) / 60 / 2, 9);
  });

  it('smoothing spreads sparse data to neighbours and conserves the total', () => {
    const inc = randomIncidents(1, 300);
    const raw = scoreCells(grid, inc, { smoothing: { kernel: 'none' } });
    const sm = scoreCells(grid, inc, { smoothing: { steps: 2, keep: 0.5 } });
    expect(sum(sm.scores.workloadHours)).toBeCloseTo(sum(raw.scores.workloadHours), 9);
    const zeros = (a: Float64Array) => a.filter((x) => x === 0).length;
    expect(zeros(sm.scores.workloadHours)).toBeLessThan(zeros(raw.scores.workloadHours));
    // total equals the sum of the incidents' weights inside the grid
    let minutes = 0;
    for (let k = 0; k < inc.count; k++) {
      const c = grid.indexOf(latLngToCell(inc.lat[k]!, inc.lng[k]!, grid.resolution));
      if (c >= 0) minutes += officerMinutes(inc.types[inc.typeIndex[k]!]!);
    }
    expect(sm.report.totalWorkloadHours).toBeCloseTo(minutes / 60 / sm.report.periodWeeks, 9);
    expect(sm.report.used + sm.report.outsideGrid).toBe(300);
  });

  it('property: smoothing conserves totals for any weights and kernel', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: grid.cellCount, maxLength: grid.cellCount }),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (w, steps, keep) => {
          const out = smooth(grid, Float64Array.from(w), { steps, keep });
          expect(sum(out)).toBeCloseTo(sum(w), 6);
          expect(out.every((x) => x >= 0)).toBe(true);
        },
      ),
      { numRuns: 30, seed: 3 },
    );
  });

  it('applies recency and priority weights', () => {
    const t0 = Date.UTC(2025, 0, 1, 12);
    const inc = table([
      { lng: -87.7, lat: 41.85, t: t0, type: 'THEFT', priority: 1 },
      { lng: -87.7, lat: 41.85, t: t0 + 30 * 86400e3, type: 'THEFT', priority: 3 },
    ]);
    const { parts } = scoreCells(grid, inc, { smoothing: { kernel: 'none' }, recencyHalfLifeDays: 30, priorityWeights: { 1: 2, 3: 1 } });
    // old incident: ×0.5 recency ×2 priority = 1; new one: ×1 ×1 = 1 → equal contributions
    const c = parts.offsets.findIndex((o, i) => i < grid.cellCount && parts.offsets[i + 1]! > o);
    expect(parts.count[parts.offsets[c]!]).toBe(2);
  });

  it('spreads population by area and conserves it', () => {
    const layer = {
      features: [
        { geometry: square(-87.71, 41.85, 0.008), value: 10_000 },
        { geometry: square(-87.69, 41.85, 0.008), value: 5_000 },
        { geometry: square(-87.7, 41.865, 0.0003), value: 70 }, // too small to hold a cell centre
      ],
    };
    const pop = spreadCounts(grid, layer);
    expect(sum(pop)).toBeCloseTo(15_070, 6);
    const { scores, report } = scoreCells(grid, table([]), {
      population: layer,
      vulnerability: {
        features: [
          { geometry: square(-87.71, 41.85, 0.008), value: 80 },
          { geometry: square(-87.69, 41.85, 0.008), value: 20 },
        ],
      },
    });
    expect(report.totalPopulation).toBeCloseTo(15_070, 6);
    // population-weighted mean multiplier is 1
    let wm = 0;
    for (let i = 0; i < grid.cellCount; i++) wm += scores.population[i]! * scores.vulnerability[i]!;
    expect(wm / sum(scores.population)).toBeCloseTo(1, 2);
    expect(report.totalNeedHours).toBeGreaterThan(0);
  });

  it('explains a cell by incident type and smoothing', () => {
    const res = scoreCells(grid, randomIncidents(2, 500));
    const busiest = res.scores.rawWorkloadHours.indexOf(Math.max(...res.scores.rawWorkloadHours));
    const ex = explainCell(res, busiest);
    expect(sum(ex.byType.map((b) => b.hours))).toBeCloseTo(ex.rawWorkloadHours, 9);
    expect(ex.workloadHours).toBeCloseTo(ex.rawWorkloadHours + ex.smoothingHours, 9);
    expect(() => explainCell(res, -1)).toThrow(/no such cell/);
  });

  it('parses shift windows, including ones that wrap midnight, and rejects overlaps', () => {
    const s = parseShifts('6-14,14-22,22-6');
    expect(s.map((x) => x.id)).toEqual(['6-14', '14-22', '22-6']);
    const inc = table([{ lng: -87.7, lat: 41.85, t: Date.UTC(2025, 0, 1, 23, 30), type: 'THEFT' }]);
    const { scores } = scoreCells(grid, inc, { shifts: s, smoothing: { kernel: 'none' }, periodDays: 7 });
    expect(sum(scores.shiftWorkloadHours[2]!)).toBeCloseTo(45 / 60, 9);
    expect(() => parseShifts('0-8,6-16')).toThrow(/overlap/);
    expect(() => parseShifts('0-8,x')).toThrow(/START-END/);
  });
});
