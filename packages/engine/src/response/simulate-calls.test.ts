/**
 * `scoresServiceMinutes`: the mean service time of the scores' calls, and the error that says
 * what is missing when the scores have workload but no calls (incident counts per polygon only).
 */
import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import type { CellScores } from '../score/types.js';
import { scoresServiceMinutes } from './simulate-calls.js';

/** Scores of two cells with these raw workload hours and incident counts over `periodWeeks`. */
function scores(hours: number[], incidents: number[], periodWeeks = 2): CellScores {
  return {
    cellCount: hours.length,
    rawWorkloadHours: Float64Array.from(hours),
    incidentCount: Uint32Array.from(incidents),
    periodWeeks,
  } as unknown as CellScores;
}

describe('scoresServiceMinutes', () => {
  it('is Σ raw workload hours × period weeks ÷ Σ incidents × 60', () => {
    // (1.5 + 0.5) h/week × 2 weeks = 4 h over 8 calls = 30 min a call
    expect(scoresServiceMinutes(scores([1.5, 0.5], [5, 3]))).toBeCloseTo(30, 12);
  });

  it('with workload but no point incidents (counts per polygon only) says what is missing and what to pass', () => {
    let error: unknown;
    try {
      scoresServiceMinutes(scores([3, 1], [0, 0]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BeatplanError);
    const e = error as BeatplanError;
    expect(e.code).toBe('BAD_INPUT');
    expect(e.details.field).toBe('serviceMinutes');
    expect(e.message).toMatch(/no point incidents/);
    expect(e.message).toMatch(/incident counts per polygon carry workload but no number of calls/);
    expect(e.message).toMatch(/--incidents/);
    expect(e.message).toMatch(/pass serviceMinutes \(minutes per call, one per shift\)/);
  });
});
