import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { beatToMultiPolygon, cellsToModel } from './cell-model.js';
import { beatResponseRows, beatUnitsByShift, DEFAULT_WHATIF, formatFigure, RESPONSE_FIELDS, whatIfBeatView, whatIfBody, type ResponseDto, type ResponseFigures, type WhatIfResultDto } from './response.js';

const fig = (o: Partial<ResponseFigures> = {}): ResponseFigures => ({
  units: 3,
  callsPerHour: 0.48,
  rho: 0.2136,
  pOwnUnitsBusy: 0.0125,
  crossBeatShare: 0.0125,
  outsideBeatShare: 0.0066,
  meanTravelMinutes: 4.5669,
  p90TravelMinutes: 7.667,
  meanQueueWaitMinutes: 0,
  ...o,
});

const response: ResponseDto = {
  planId: 'p',
  version: 3,
  staffing: null,
  staffingRule: 'required officers (time model)',
  city: fig({ units: 115 }),
  shifts: [{ shift: '0-8', ...fig() }, { shift: '8-16', ...fig() }],
  beats: [{ id: 'B001', ...fig() }, { id: 'B002', ...fig({ meanTravelMinutes: null, rho: 0 }) }],
  unitsByShift: [[2, 1], [3, 1]],
  warnings: [],
};

describe('response figures of a beat', () => {
  it('formats minutes, shares and plain numbers', () => {
    expect(formatFigure(4.5669, 'min')).toBe('4.57 min');
    expect(formatFigure(0.2136, '%')).toBe('21.4%');
    expect(formatFigure(115, '')).toBe('115');
    expect(formatFigure(null, 'min')).toBe('–');
  });

  it('lists the beat figures in order, and its officers on duty per shift', () => {
    const rows = beatResponseRows(response, 'B001')!;
    expect(rows.map((r) => r.key)).toEqual(RESPONSE_FIELDS.map((f) => f.key));
    expect(rows[0]).toEqual({ key: 'meanTravelMinutes', label: 'Mean travel time', value: '4.57 min' });
    expect(rows.find((r) => r.key === 'rho')!.value).toBe('21.4%');
    expect(beatResponseRows(response, 'B002')![0]!.value).toBe('–');
    expect(beatResponseRows(response, 'B999')).toBeNull();
    expect(beatUnitsByShift(response, 'B001')).toEqual({ '0-8': 2, '8-16': 3 });
    expect(beatUnitsByShift(response, 'B999')).toBeNull();
  });
});

describe('what-if view', () => {
  const before = { ...response, beats: [{ id: 'B001', ...fig() }] };
  const after = { ...response, city: fig({ units: 112, rho: 0.25 }), beats: [{ id: 'B001', ...fig({ meanTravelMinutes: 5.1, rho: 0.3, units: 2 }) }] };
  const result: WhatIfResultDto = {
    planId: 'p',
    version: 3,
    scenario: { officersOut: [{ shift: '16-24', count: 3 }], area: { cells: 70, beats: ['B001'], factor: 1.5 }, seed: 1 },
    infeasible: null,
    diff: {
      shifts: [],
      beats: [
        { beat: 'B001', shift: '16-24', allocatedBefore: 3, allocatedAfter: 2, saturationBefore: 0.4, saturationAfter: 0.6 },
        { beat: 'B001', shift: '0-8', allocatedBefore: 2, allocatedAfter: 2, saturationBefore: 0.2, saturationAfter: 0.3 },
        { beat: 'B002', shift: '16-24', allocatedBefore: 1, allocatedAfter: 0, saturationBefore: 0.4, saturationAfter: null },
      ],
      continuityPercentBefore: 100,
      continuityPercentAfter: 95,
    },
    response: { before, after },
  };

  it('sets the beat figures before and after side by side, with the direction in words', () => {
    const v = whatIfBeatView(result, 'B001');
    expect(v.rows[0]).toEqual({ key: 'meanTravelMinutes', label: 'Mean travel time', before: '4.57 min', after: '5.1 min', change: 'worse' });
    expect(v.rows.find((r) => r.key === 'units')!.change).toBe('neutral');
    expect(v.rows.find((r) => r.key === 'meanQueueWaitMinutes')!.change).toBe('same');
    expect(v.cityRows.find((r) => r.key === 'rho')).toMatchObject({ before: '21.4%', after: '25%', change: 'worse' });
    expect(v.shifts).toEqual([{ shift: '16-24', before: 3, after: 2 }]);
    expect(v.scenario).toBe('3 officers out in shift 16-24; workload × 1.5 in 70 cells (beat B001)');
    expect(v.errors).toEqual([]);
  });

  it('says why when the scenario is infeasible or the model failed', () => {
    const v = whatIfBeatView({ ...result, infeasible: 'too few officers', response: { before: { staffingRule: 'x', error: { code: 'INFEASIBLE', message: 'shift 0-8 over 100%' } }, after: null } }, 'B001');
    expect(v.infeasible).toBe('too few officers');
    expect(v.errors).toEqual(['INFEASIBLE: shift 0-8 over 100%']);
    expect(v.rows.every((r) => r.before === '–' && r.after === '–')).toBe(true);
  });
});

describe('what-if request', () => {
  const centre = latLngToCell(41.88, -87.63, 9);
  const cells = gridDisk(centre, 1);
  const model = cellsToModel({ resolution: 9, columns: ['h3', 'beat'], rows: cells.map((h, k) => [h, k === 0 ? 'A' : 'B']) });
  const area = beatToMultiPolygon(model, 1)!;

  it('draws a beat as one closed hexagon per cell', () => {
    expect(area.type).toBe('MultiPolygon');
    expect(area.coordinates).toHaveLength(6);
    for (const [ring] of area.coordinates) {
      expect(ring).toHaveLength(7);
      expect(ring![0]).toEqual(ring!.at(-1));
    }
    expect(beatToMultiPolygon(model, 5)).toBeNull();
  });

  it('asks for the beat area × factor and/or officers out, and refuses an empty or bad form', () => {
    expect(whatIfBody(DEFAULT_WHATIF, { roster: 'r', version: 3, area })).toEqual({ body: { roster: 'r', version: 3, area, factor: 1.5 } });
    expect(whatIfBody({ factor: 1, outShift: '0-8', outCount: 2 }, { roster: 'r', version: 3, area })).toEqual({ body: { roster: 'r', version: 3, officersOut: [{ shift: '0-8', count: 2 }] } });
    expect(whatIfBody({ factor: 1, outShift: '', outCount: 2 }, { roster: 'r', version: 3, area }).error).toMatch(/changes nothing/);
    expect(whatIfBody(DEFAULT_WHATIF, { roster: '', version: 3, area }).error).toMatch(/roster/);
    expect(whatIfBody({ ...DEFAULT_WHATIF, factor: -1 }, { roster: 'r', version: 3, area }).error).toMatch(/between 0 and 100/);
    expect(whatIfBody({ ...DEFAULT_WHATIF, outCount: 1.5 }, { roster: 'r', version: 3, area }).error).toMatch(/whole number/);
  });
});
