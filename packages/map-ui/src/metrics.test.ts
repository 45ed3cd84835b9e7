import { describe, expect, it } from 'vitest';
import { cellsToModel } from './cell-model.js';
import { type BeatMetricsDto, bandOf, type PlanMetricsDto, previewStroke, problemBeats, sortBeats, statusOf } from './metrics.js';
import { fixture } from './test-support/fixture.js';

const beat = (id: string, workload: number, extra: Partial<BeatMetricsDto> = {}) =>
  fixture<BeatMetricsDto>({ id, cells: 10, areaKm2: 1, workload, polsbyPopper: 0.5, contiguous: true, ...extra });
const metrics = (perBeat: PlanMetricsDto['perBeat'], tolerance = 0.1): PlanMetricsDto => {
  const mean = perBeat.reduce((s, b) => s + b.workload, 0) / perBeat.length;
  return fixture<PlanMetricsDto>({
    resolution: 9,
    cells: 40,
    beats: perBeat.length,
    tolerance,
    workload: { total: mean * perBeat.length, mean, min: 0, max: 0, maxOverMean: 0, minOverMean: 0, cv: 0 },
    contiguity: { nonContiguousBeats: 0, emptyBeats: 0 },
    compactness: { polsbyPopperMean: 0.5, polsbyPopperMin: 0.5 },
    perBeat,
  });
};

describe('band and status', () => {
  it('puts beats under, in or over mean × (1 ± tolerance)', () => {
    const band = bandOf(metrics([beat('1', 90), beat('2', 100), beat('3', 110)]));
    expect(band.mean).toBe(100);
    expect(band.low).toBeCloseTo(90);
    expect(band.high).toBeCloseTo(110);
    expect(statusOf(89, band)).toBe('under');
    expect(statusOf(90, band)).toBe('ok');
    expect(statusOf(110, band)).toBe('ok');
    expect(statusOf(111, band)).toBe('over');
  });
  it("defaults the tolerance to ±2.5% (the engine's DEFAULT_TOLERANCE)", () => {
    const { tolerance: _tolerance, ...rest } = metrics([beat('1', 100)]);
    const m = fixture<PlanMetricsDto>(rest);
    expect(bandOf(m).high).toBeCloseTo(102.5);
    expect(bandOf(m).low).toBeCloseTo(97.5);
  });
});

describe('problemBeats', () => {
  it('lists non-contiguous beats first, then by deviation', () => {
    const m = metrics([beat('1', 70), beat('2', 100), beat('3', 130), beat('4', 100, { contiguous: false })]);
    const p = problemBeats(m);
    expect(p.map((x) => x.id)).toEqual(['4', '1', '3']);
    expect(p[0]!.reasons).toEqual(['non-contiguous']);
    expect(p[1]!.reasons).toEqual(['under']);
  });
});

describe('sortBeats', () => {
  const list = [beat('10', 5), beat('2', 9), beat('1', 7)];
  it('sorts ids numerically and workload both ways', () => {
    expect(sortBeats(list, 'id', false, 7).map((b) => b.id)).toEqual(['1', '2', '10']);
    expect(sortBeats(list, 'workload', true, 7).map((b) => b.id)).toEqual(['2', '1', '10']);
    expect(sortBeats(list, 'deviation', true, 7).map((b) => b.id)).toEqual(['2', '10', '1']); // tie → by id
  });
});

describe('previewStroke', () => {
  // three cells in a row at resolution 9, beats A A B
  const res = {
    resolution: 9,
    columns: ['h3', 'beat', 'workloadHours', 'needHours'],
    rows: [
      ['89283082803ffff', 'A', 1, 0],
      ['89283082807ffff', 'A', 2, 0],
      ['8928308280bffff', 'B', 4, 0],
    ] as Array<Array<string | number>>,
  };
  it('moves additive totals from the losing beats to the target', () => {
    const model = cellsToModel(res, ['A', 'B']);
    const before = new Map([
      [0, { cells: 2, workloadHours: 3, areaKm2: 0.2 }],
      [1, { cells: 1, workloadHours: 4, areaKm2: 0.1 }],
    ]);
    const d = previewStroke(model, [1, 2], 1, before);
    expect(d.map((x) => x.id)).toEqual(['B', 'A']);
    expect(d[0]).toMatchObject({ cellsBefore: 1, cellsAfter: 2, workloadBefore: 4, workloadAfter: 6 });
    expect(d[1]).toMatchObject({ cellsBefore: 2, cellsAfter: 1, workloadAfter: 1 });
    expect(model.beatOf[1]).toBe(0); // the model is not changed
  });
});
