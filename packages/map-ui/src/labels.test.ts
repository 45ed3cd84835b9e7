import fc from 'fast-check';
import { gridDisk, gridDistance, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellsToModel } from './cell-model.js';
import { findBeats, type LabelBox, labelCells, overlaps, placeLabels } from './labels.js';

const centre = latLngToCell(41.88, -87.63, 9);
const disk = gridDisk(centre, 4);

/** A model of the radius-4 disk with beat ids from `beatOfCell` (index into disk). */
const modelOf = (beatOfCell: (h: string, k: number) => string) =>
  cellsToModel({
    resolution: 9,
    columns: ['h3', 'beat', 'workloadHours', 'needHours'],
    rows: disk.map((h, k) => [h, beatOfCell(h, k), 1, 1]),
  });

describe('labelCells (pole of inaccessibility on the grid)', () => {
  it('puts a round beat’s number on its centre cell', () => {
    const m = modelOf(() => 'A');
    expect(m.h3[labelCells(m).get(0)!]).toBe(centre);
  });

  it('keeps a C-shaped beat’s number inside the beat, where its centre of mass is not', () => {
    // beat A: the outer two rings minus a gap on one side (a C); B: the inner rings and the gap
    const [clat, clng] = [41.88, -87.63];
    const m = modelOf((h) => {
      const d = gridDistance(centre, h);
      const east = latLngToCell(clat, clng + 0.02, 9);
      return d >= 3 && gridDistance(h, east) > 3 ? 'A' : 'B';
    });
    const a = m.beatIds.indexOf('A');
    const cell = labelCells(m).get(a)!;
    expect(m.beatOf[cell]).toBe(a);
  });

  it('picks, in every beat of random partitions, a cell of the beat at the largest distance from the beat’s edge', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: disk.length - 1 }), { minLength: 1, maxLength: 6 }), (seeds) => {
        // beats: nearest seed (grid distance), ties to the lower seed
        const beatOf = disk.map((h) => {
          let best = 0;
          for (let s = 1; s < seeds.length; s++) if (gridDistance(h, disk[seeds[s]!]!) < gridDistance(h, disk[seeds[best]!]!)) best = s;
          return `b${best}`;
        });
        const m = modelOf((_, k) => beatOf[k]!);
        const outside = gridDisk(centre, 5).filter((h) => !disk.includes(h));
        // depth of a cell: grid distance to the nearest cell not in its beat (or off the grid), minus 1
        const depth = (i: number) =>
          Math.min(...[...outside, ...disk.filter((_, k) => m.beatOf[k] !== m.beatOf[i])].map((h) => gridDistance(m.h3[i]!, h))) - 1;
        const labels = labelCells(m);
        for (let b = 0; b < m.beatIds.length; b++) {
          const cell = labels.get(b)!;
          expect(m.beatOf[cell]).toBe(b);
          const deepest = Math.max(
            ...disk
              .map((_, i) => i)
              .filter((i) => m.beatOf[i] === b)
              .map(depth),
          );
          expect(depth(cell)).toBe(deepest);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('answers for some beats only', () => {
    const m = modelOf((h) => (gridDistance(centre, h) <= 1 ? 'A' : 'B'));
    expect([...labelCells(m, [0]).keys()]).toEqual([0]);
  });
});

const box = (beat: number, x: number, y: number, rank = beat, width = 30, height = 16): LabelBox => ({ beat, x, y, width, height, rank });

describe('placeLabels (collision)', () => {
  it('hides the later of two overlapping labels and keeps separate ones', () => {
    const shown = placeLabels([box(0, 100, 100), box(1, 110, 105), box(2, 300, 100)], { width: 800, height: 600 });
    expect([...shown].sort()).toEqual([0, 2]);
  });

  it('puts a label of lower rank first, and leaves off-screen labels out', () => {
    expect([...placeLabels([box(0, 100, 100, 5), box(1, 110, 105, 1), box(2, -5, 100)], { width: 800, height: 600 })]).toEqual([1]);
  });

  it('never shows two overlapping labels, and hides a label only behind a shown one placed before it', () => {
    const arb = fc.array(
      fc.record({
        x: fc.integer({ min: -50, max: 850 }),
        y: fc.integer({ min: -50, max: 650 }),
        w: fc.integer({ min: 10, max: 60 }),
        rank: fc.integer({ min: 0, max: 20 }),
      }),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(arb, (raw) => {
        const boxes = raw.map((r, beat) => box(beat, r.x, r.y, r.rank, r.w, 14));
        const view = { width: 800, height: 600 };
        const shown = placeLabels(boxes, view);
        const on = boxes.filter((b) => shown.has(b.beat));
        for (const a of on) for (const b of on) if (a !== b) expect(overlaps(a, b, 2)).toBe(false);
        for (const b of boxes) {
          const onScreen = b.x >= 0 && b.y >= 0 && b.x <= view.width && b.y <= view.height;
          if (!onScreen) expect(shown.has(b.beat)).toBe(false);
          else if (!shown.has(b.beat))
            expect(on.some((o) => overlaps(o, b, 2) && (o.rank < b.rank || (o.rank === b.rank && o.beat < b.beat)))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('findBeats', () => {
  it('ranks an exact id, then prefixes, then ids containing the text', () => {
    const ids = ['1011', '111', '2110', '11', '0311'];
    expect(findBeats(ids, '11').map((b) => ids[b])).toEqual(['11', '111', '0311', '1011', '2110']);
    expect(findBeats(ids, ' 2110 ')).toEqual([2]);
    expect(findBeats(ids, 'zz')).toEqual([]);
    expect(findBeats(ids, '')).toEqual([]);
  });
});
