import fc from 'fast-check';
import { cellToParent, getResolution, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { BeatplanError } from '../errors.js';
import { aggregateCounts, binMeans, type CountBins } from './privacy.js';

/** Every invariant of a binning: partition, threshold, conservation, ancestry. */
function checkBins(h3: readonly string[], counts: ArrayLike<number>, bins: CountBins): void {
  const n = h3.length;
  const sum = new Float64Array(bins.h3.length);
  const members = new Int32Array(bins.h3.length);
  let suppressed = 0;
  let suppressedCells = 0;
  for (let i = 0; i < n; i++) {
    const b = bins.binOfCell[i]!;
    if (b < 0) {
      suppressed += counts[i]!;
      suppressedCells++;
      continue;
    }
    sum[b]! += counts[i]!;
    members[b]!++;
    // a cell is shown as itself or under one of its ancestors
    const r = getResolution(bins.h3[b]!);
    expect(cellToParent(h3[i]!, r)).toBe(bins.h3[b]);
  }
  for (let b = 0; b < bins.h3.length; b++) {
    expect(bins.count[b]).toBeGreaterThanOrEqual(bins.k);
    expect(bins.count[b]).toBe(sum[b]);
    expect(bins.cells[b]).toBe(members[b]);
  }
  expect(bins.suppressed.incidents).toBe(suppressed);
  expect(bins.suppressed.cells).toBe(suppressedCells);
  let total = 0;
  for (let i = 0; i < n; i++) total += counts[i]!;
  expect(bins.total).toBe(total);
  expect(sum.reduce((a, b) => a + b, 0) + suppressed).toBe(total);
}

describe('aggregateCounts (small-count protection)', () => {
  it('keeps cells with ≥ k as themselves and pools the rest under their parents', () => {
    const centre = latLngToCell(41.88, -87.63, 10);
    const cells = gridDisk(centre, 3).sort();
    const counts = cells.map((c) => (c === centre ? 9 : 1));
    const bins = aggregateCounts(cells, counts, 5);
    checkBins(cells, counts, bins);
    expect(bins.h3[bins.binOfCell[cells.indexOf(centre)]!]).toBe(centre);
    expect(bins.count[bins.binOfCell[cells.indexOf(centre)]!]).toBe(9);
    // every other cell is in a coarser bin
    for (let i = 0; i < cells.length; i++)
      if (cells[i] !== centre && bins.binOfCell[i]! >= 0) expect(getResolution(bins.h3[bins.binOfCell[i]!]!)).toBeLessThan(10);
  });

  it('suppresses what stays below k at the coarsest level and shows nothing of it', () => {
    const cells = gridDisk(latLngToCell(47.6, -122.3, 9), 1).sort();
    const counts = cells.map((_, i) => (i === 0 ? 3 : 0));
    const bins = aggregateCounts(cells, counts, 5);
    expect(bins.h3).toEqual([]);
    expect(bins.suppressed).toEqual({ cells: cells.length, incidents: 3 });
    expect([...binMeans(bins, counts)].every(Number.isNaN)).toBe(true);
  });

  it('with k = 1 shows every cell with an incident exactly and no empty cell', () => {
    const cells = gridDisk(latLngToCell(37.77, -122.42, 10), 2).sort();
    const counts = cells.map((_, i) => i % 3);
    const bins = aggregateCounts(cells, counts, 1);
    checkBins(cells, counts, bins);
    expect(bins.h3.length).toBe(counts.filter((c) => c > 0).length);
    expect([...bins.cells].every((c) => c === 1)).toBe(true);
  });

  it('binMeans spreads a bin evenly and keeps its sum', () => {
    const cells = gridDisk(latLngToCell(41.88, -87.63, 10), 2).sort();
    const counts = cells.map((_, i) => i % 2);
    const bins = aggregateCounts(cells, counts, 5);
    const means = binMeans(bins, counts);
    for (let b = 0; b < bins.h3.length; b++) {
      let s = 0;
      for (let i = 0; i < cells.length; i++) if (bins.binOfCell[i] === b) s += means[i]!;
      expect(s).toBeCloseTo(bins.count[b]!, 9);
    }
  });

  it('names bad input', () => {
    const cells = gridDisk(latLngToCell(41.88, -87.63, 10), 1);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as BeatplanError;
      }
      throw new Error('no error');
    };
    expect(
      err(() =>
        aggregateCounts(
          cells,
          cells.map(() => 1),
          0,
        ),
      ).details.field,
    ).toBe('k');
    expect(err(() => aggregateCounts(cells, [1], 5)).details.field).toBe('counts');
    expect(
      err(() =>
        aggregateCounts(
          ['nope', ...cells.slice(1)],
          cells.map(() => 1),
          5,
        ),
      ).details.field,
    ).toBe('h3.0');
    expect(err(() => aggregateCounts([cells[0]!, cellToParent(cells[1]!, 9)], [1, 1], 5)).code).toBe('BAD_INPUT');
    expect(
      err(() =>
        aggregateCounts(
          cells,
          cells.map((_, i) => (i ? 1 : -1)),
          5,
        ),
      ).details.field,
    ).toBe('counts.0');
  });

  it('property: on random grids every bin holds ≥ k, bins partition the shown cells and counts are conserved', () => {
    let cases = 0;
    fc.assert(
      fc.property(
        fc.double({ min: -60, max: 70, noNaN: true }),
        fc.double({ min: -179.9, max: 179.9, noNaN: true }),
        fc.integer({ min: 5, max: 11 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 200 }),
        (lat, lng, res, radius, k, raw) => {
          const cells = gridDisk(latLngToCell(lat, lng, res), radius).sort();
          const counts = cells.map((_, i) => raw[i % raw.length]! % (k + 3));
          const bins = aggregateCounts(cells, counts, k);
          checkBins(cells, counts, bins);
          // deterministic
          expect(aggregateCounts(cells, counts, k).h3).toEqual(bins.h3);
          cases++;
        },
      ),
      { numRuns: 200, seed: 7 },
    );
    console.log(`aggregateCounts property: ${cases} random grids`);
  });
});
