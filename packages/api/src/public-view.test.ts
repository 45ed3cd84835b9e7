/**
 * Invariants of the public (viewer) scores, on random incident counts and workloads over an
 * H3 disk: every cell shows its pool's mean, pools hold ≥ k incidents, a pool's total is kept,
 * suppressed cells count 0, and moving one cell between two beats changes their public sums by
 * exactly that cell's public value — a pool mean, never the cell's own figure.
 */

import type { CellScores } from '@beatplan/engine';
import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { publicJobResult, publicScores, publicSummary } from './public-view.js';

const CELLS = gridDisk(latLngToCell(41.87, -87.675, 9), 3).sort();

function scoresOf(counts: number[], workload: number[]): CellScores {
  const n = counts.length;
  const w = Float64Array.from(workload);
  return {
    resolution: 9,
    cellCount: n,
    shifts: [
      { id: '0-8', startHour: 0, endHour: 8 },
      { id: '8-24', startHour: 8, endHour: 24 },
    ],
    shiftWorkloadHours: [w.map((x) => x / 3), w.map((x) => (2 * x) / 3)],
    workloadHours: w,
    rawWorkloadHours: w.slice(),
    needHours: new Float64Array(n).fill(1),
    population: new Float64Array(n),
    vulnerability: new Float64Array(n).fill(1),
    incidentCount: Uint32Array.from(counts),
    periodWeeks: 52,
  };
}

const input = fc.record({
  counts: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: CELLS.length, maxLength: CELLS.length }),
  workload: fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: CELLS.length, maxLength: CELLS.length }),
  k: fc.integer({ min: 1, max: 8 }),
  beatOf: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: CELLS.length, maxLength: CELLS.length }),
  moved: fc.nat({ max: CELLS.length - 1 }),
});

describe('publicScores', () => {
  it('each cell shows its pool mean; pools hold ≥ k incidents and keep their total; suppressed cells are 0; no per-shift split', () => {
    fc.assert(
      fc.property(input, ({ counts, workload, k }) => {
        const exact = scoresOf(counts, workload);
        const { scores, bins } = publicScores(CELLS, exact, k);
        expect(scores.shifts).toHaveLength(1);
        expect(Array.from(scores.shiftWorkloadHours[0]!)).toEqual(Array.from(scores.workloadHours));
        expect(Array.from(scores.incidentCount).every((c) => c === 0)).toBe(true);
        const total = new Float64Array(bins.h3.length);
        const shown = new Float64Array(bins.h3.length);
        for (let i = 0; i < CELLS.length; i++) {
          const b = bins.binOfCell[i]!;
          if (b < 0) {
            expect(scores.workloadHours[i]).toBe(0);
            continue;
          }
          total[b]! += workload[i]!;
          shown[b]! += scores.workloadHours[i]!;
        }
        for (let b = 0; b < bins.h3.length; b++) {
          expect(bins.count[b]).toBeGreaterThanOrEqual(k);
          expect(shown[b]).toBeCloseTo(total[b]!, 9);
        }
        // cells of one pool show one value
        for (let i = 0; i < CELLS.length; i++) {
          for (let j = i + 1; j < CELLS.length; j++) {
            if (bins.binOfCell[i]! >= 0 && bins.binOfCell[i] === bins.binOfCell[j])
              expect(scores.workloadHours[i]).toBe(scores.workloadHours[j]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("a one-cell move changes two beats' public sums by the cell's public value only", () => {
    fc.assert(
      fc.property(input, ({ counts, workload, k, beatOf, moved }) => {
        const { scores } = publicScores(CELLS, scoresOf(counts, workload), k);
        const sums = (assign: number[]) => {
          const s = [0, 0, 0, 0];
          assign.forEach((b, i) => (s[b]! += scores.workloadHours[i]!));
          return s;
        };
        const after = beatOf.slice();
        after[moved] = (beatOf[moved]! + 1) % 4;
        const s0 = sums(beatOf);
        const s1 = sums(after);
        expect(s0[beatOf[moved]!]! - s1[beatOf[moved]!]!).toBeCloseTo(scores.workloadHours[moved]!, 9);
        expect(s1[after[moved]!]! - s0[after[moved]!]!).toBeCloseTo(scores.workloadHours[moved]!, 9);
      }),
      { numRuns: 150 },
    );
  });
});

describe('publicSummary and publicJobResult', () => {
  it('keep ids, cell counts and links; drop shares, reports and nested figures', () => {
    expect(
      publicSummary({
        cells: 3,
        toBeat: 'B2',
        moved: 3,
        beats: ['B1', 'B2'],
        report: { movedShare: 0.01 },
        movedShare: 0.01,
        fromVersion: 4,
      }),
    ).toEqual({
      cells: 3,
      toBeat: 'B2',
      moved: 3,
      beats: ['B1', 'B2'],
      fromVersion: 4,
    });
    expect(
      publicJobResult({ planId: 'p', version: 2, fromVersion: 1, movedShare: 0.02, plan: '/api/v1/plans/p', ingest: { read: 9 } }),
    ).toEqual({
      planId: 'p',
      version: 2,
      fromVersion: 1,
      plan: '/api/v1/plans/p',
    });
    expect(publicJobResult(null)).toBeNull();
  });
});
