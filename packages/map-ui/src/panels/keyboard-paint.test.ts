import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellsToModel } from '../cell-model.js';
import { stepCell } from './keyboard-paint.js';

describe('stepCell (keyboard cursor)', () => {
  const centre = latLngToCell(41.88, -87.63, 9);
  const disk = gridDisk(centre, 3);
  const m = cellsToModel({ resolution: 9, columns: ['h3', 'beat', 'workloadHours', 'needHours'], rows: disk.map((h) => [h, 'A', 1, 1]) });
  const at = m.indexOf.get(centre)!;
  const [lat0, lng0] = cellToLatLng(centre);

  it('moves to the neighbour lying that way, one cell at a time', () => {
    for (const [dir, test] of [
      ['right', (_lat: number, lng: number) => lng > lng0],
      ['left', (_lat: number, lng: number) => lng < lng0],
      ['up', (lat: number) => lat > lat0],
      ['down', (lat: number) => lat < lat0],
    ] as const) {
      const n = stepCell(m, at, dir);
      expect(n).not.toBe(at);
      const [lat, lng] = cellToLatLng(m.h3[n]!);
      expect(test(lat, lng)).toBe(true);
      expect(gridDisk(centre, 1)).toContain(m.h3[n]);
    }
  });

  it('returns to the start after right then left, and stays put at the edge of the grid', () => {
    expect(stepCell(m, stepCell(m, at, 'right'), 'left')).toBe(at);
    let c = at;
    for (let k = 0; k < 10; k++) c = stepCell(m, c, 'up');
    expect(stepCell(m, c, 'up')).toBe(c);
  });
});
