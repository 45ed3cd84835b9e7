import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellsToModel } from '../cell-model.js';
import { hoverRows } from './cell-hover.js';

const centre = latLngToCell(41.88, -87.63, 9);
const [a, b] = gridDisk(centre, 1);

describe('hover rows', () => {
  it('names the beat and the figures in words, per shift when known, no cell id unless asked', () => {
    const m = cellsToModel(
      {
        resolution: 9,
        columns: ['h3', 'beat', 'workloadHours', 'needHours', 'workload_0-8', 'workload_8-24', 'incidents', 'population'],
        rows: [[a!, '0111', 28.84, 3.5, 10, 18.84, 4, 1234.6]],
      },
      ['0111'],
    );
    expect(hoverRows(m, 0, {})).toEqual([
      ['Beat', '0111'],
      ['Workload', '28.8 h/week'],
      ['  shift 0-8', '10 h/week'],
      ['  shift 8-24', '18.8 h/week'],
      ['Community need', '3.5 h/week'],
      ['Incidents', '4'],
      ['Residents (about)', expect.stringMatching(/^1,2\d\d$/)],
    ]);
    expect(hoverRows(m, 0, { planLabel: 'Plan B v2', debug: true })).toEqual(
      expect.arrayContaining([
        ['Plan', 'Plan B v2'],
        ['Cell', a],
      ]),
    );
    expect(hoverRows(m, 0, {}).some(([k]) => k === 'Cell')).toBe(false);
  });

  it('a public answer says why a workload is not shown; an unassigned cell says so', () => {
    const m = cellsToModel(
      {
        resolution: 9,
        columns: ['h3', 'beat', 'workloadHours', 'needHours', 'population'],
        rows: [[b!, '', null, 1, 50]],
        privacy: { k: 5, method: 'h3-pooling' },
      },
      [],
    );
    const rows = hoverRows(m, 0, {});
    expect(rows[0]).toEqual(['Beat', 'unassigned']);
    expect(rows[1]).toEqual(['Workload', 'not shown (< 5 incidents)']);
  });
});
