import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { beatToMultiPolygon, cellsToModel } from './cell-model.js';
import {
  assumptionLines,
  beatResponseRows,
  beatUnitsByShift,
  cityLine,
  comparisonRows,
  DEFAULT_WHATIF,
  defaultUnitsWhatIfForm,
  formatFigure,
  type PlanResponseDto,
  RESPONSE_FIELDS,
  type ResponseFigures,
  type ResponseRun,
  type ResponseWhatIfDto,
  responseWhatIfView,
  stepperValue,
  unitsBaseline,
  unitsWhatIfBody,
  type WhatIfResultDto,
  whatIfBeatView,
  whatIfBody,
} from './response.js';
import { fixture } from './test-support/fixture.js';

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

const response = fixture<PlanResponseDto>({
  planId: 'p',
  version: 3,
  staffing: null,
  staffingRule: 'required officers (time model)',
  city: fig({ units: 115 }),
  shifts: [
    { shift: '0-8', ...fig() },
    { shift: '8-16', ...fig() },
  ],
  beats: [
    { id: 'B001', ...fig() },
    { id: 'B002', ...fig({ meanTravelMinutes: null, rho: 0 }) },
  ],
  unitsByShift: [
    [2, 1],
    [3, 1],
  ],
  warnings: [],
});

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
  const after = {
    ...response,
    city: fig({ units: 112, rho: 0.25 }),
    beats: [{ id: 'B001', ...fig({ meanTravelMinutes: 5.1, rho: 0.3, units: 2 }) }],
  };
  const result = fixture<WhatIfResultDto>({
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
      moved: [],
      continuityPercentBefore: 100,
      continuityPercentAfter: 95,
    },
    response: { before, after },
  });

  it('sets the beat figures before and after side by side, with the direction in words', () => {
    const v = whatIfBeatView(result, 'B001');
    expect(v.rows[0]).toEqual({
      key: 'meanTravelMinutes',
      label: 'Mean travel time',
      before: '4.57 min',
      after: '5.1 min',
      change: 'worse',
    });
    expect(v.rows.find((r) => r.key === 'units')!.change).toBe('neutral');
    expect(v.rows.find((r) => r.key === 'meanQueueWaitMinutes')!.change).toBe('same');
    expect(v.cityRows.find((r) => r.key === 'rho')).toMatchObject({ before: '21.4%', after: '25%', change: 'worse' });
    expect(v.shifts).toEqual([{ shift: '16-24', before: 3, after: 2 }]);
    expect(v.scenario).toBe('3 officers out in shift 16-24; workload × 1.5 in 70 cells (beat B001)');
    expect(v.errors).toEqual([]);
  });

  it('says why when the scenario is infeasible or the model failed', () => {
    const v = whatIfBeatView(
      {
        ...result,
        infeasible: 'too few officers',
        response: { before: { staffingRule: 'x', error: { code: 'INFEASIBLE', message: 'shift 0-8 over 100%' } }, after: null },
      },
      'B001',
    );
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
    expect(whatIfBody({ factor: 1, outShift: '0-8', outCount: 2 }, { roster: 'r', version: 3, area })).toEqual({
      body: { roster: 'r', version: 3, officersOut: [{ shift: '0-8', count: 2 }] },
    });
    expect(whatIfBody({ factor: 1, outShift: '', outCount: 2 }, { roster: 'r', version: 3, area }).error).toMatch(/changes nothing/);
    expect(whatIfBody(DEFAULT_WHATIF, { roster: '', version: 3, area }).error).toMatch(/roster/);
    expect(whatIfBody({ ...DEFAULT_WHATIF, factor: -1 }, { roster: 'r', version: 3, area }).error).toMatch(/between 0 and 100/);
    expect(whatIfBody({ ...DEFAULT_WHATIF, outCount: 1.5 }, { roster: 'r', version: 3, area }).error).toMatch(/whole number/);
  });
});

describe('officers-on-duty what-if (no roster)', () => {
  const baseline = beatUnitsByShift(response, 'B001')!; // { '0-8': 2, '8-16': 3 }

  it('starts the steppers from the figures, and keeps what the person set', () => {
    expect(unitsBaseline(response, 'B001')).toEqual({ '0-8': 2, '8-16': 3 });
    expect(unitsBaseline(null, 'B001')).toBeNull();
    expect(unitsBaseline(response, 'B999')).toBeNull();
    const f = { ...defaultUnitsWhatIfForm(), officers: { '8-16': 5 } };
    expect(defaultUnitsWhatIfForm()).toEqual({ saturationPercent: 60, officers: {} });
    expect(stepperValue(f, baseline, '0-8')).toBe(2);
    expect(stepperValue(f, baseline, '8-16')).toBe(5);
    expect(stepperValue(f, null, '0-8')).toBeNaN();
  });

  it('asks only for the shifts that changed, and the saturation target only when not the default', () => {
    const o = { beat: 'B001', version: 3, baseline };
    expect(unitsWhatIfBody({ saturationPercent: 60, officers: { '8-16': 5 } }, o)).toEqual({
      body: { version: 3, units: [{ beat: 'B001', shift: '8-16', officers: 5 }] },
    });
    // a shift set back to its baseline is no change
    expect(unitsWhatIfBody({ saturationPercent: 50, officers: { '0-8': 2 } }, o)).toEqual({ body: { version: 3, saturationTarget: 0.5 } });
    expect(unitsWhatIfBody({ saturationPercent: 45, officers: { '0-8': 0, '8-16': 4 } }, o).body).toEqual({
      version: 3,
      saturationTarget: 0.45,
      units: [
        { beat: 'B001', shift: '0-8', officers: 0 },
        { beat: 'B001', shift: '8-16', officers: 4 },
      ],
    });
    // figures not known yet: what the person typed is the override
    expect(unitsWhatIfBody({ saturationPercent: 60, officers: { '0-8': 2 } }, { ...o, baseline: null }).body?.units).toEqual([
      { beat: 'B001', shift: '0-8', officers: 2 },
    ]);
  });

  it('refuses an empty or bad form', () => {
    const o = { beat: 'B001', version: 3, baseline };
    expect(unitsWhatIfBody(defaultUnitsWhatIfForm(), o).error).toMatch(/changes nothing/);
    expect(unitsWhatIfBody({ saturationPercent: 96, officers: {} }, o).error).toBe('The saturation target must be between 5% and 95%.');
    expect(unitsWhatIfBody({ saturationPercent: NaN, officers: { '0-8': 3 } }, o).error).toMatch(/between 5% and 95%/);
    expect(unitsWhatIfBody({ saturationPercent: 60, officers: { '0-8': 2.5 } }, o).error).toBe(
      'Officers on duty in shift 0-8 must be a whole number from 0 to 1000.',
    );
    expect(unitsWhatIfBody({ saturationPercent: 60, officers: { '0-8': -1 } }, o).error).toMatch(/whole number/);
    expect(unitsWhatIfBody({ saturationPercent: 60, officers: { '0-8': 1001 } }, o).error).toMatch(/whole number/);
  });

  const run = (o: { units: number[][]; beat?: Partial<ResponseFigures>; city?: Partial<ResponseFigures> }) =>
    fixture<ResponseRun>({
      staffingRule: 'required officers (time model)',
      city: fig({ units: 115, ...o.city }),
      shifts: response.shifts,
      beats: [
        { id: 'B001', ...fig(o.beat) },
        { id: 'B002', ...fig() },
      ],
      unitsByShift: o.units,
      warnings: [],
    });
  const answer: ResponseWhatIfDto = {
    planId: 'p',
    version: 3,
    before: run({
      units: [
        [2, 1],
        [3, 1],
      ],
    }),
    after: run({
      units: [
        [2, 1],
        [5, 1],
      ],
      beat: { units: 3.5, rho: 0.15, meanTravelMinutes: 4.2, crossBeatShare: 0.005 },
      city: { units: 117, meanTravelMinutes: 4.5, crossBeatShare: 0.01 },
    }),
  };

  it('shows the beat now and what-if in the same rows as the roster what-if, the changed shifts and the city in a line', () => {
    const v = responseWhatIfView(answer, 'B001', { version: 3, units: [{ beat: 'B001', shift: '8-16', officers: 5 }] });
    expect(v.rows).toEqual(comparisonRows(answer.before.beats[0]!, answer.after.beats[0]!));
    expect(v.rows.map((r) => r.key)).toEqual(RESPONSE_FIELDS.map((f) => f.key));
    expect(v.rows.find((r) => r.key === 'units')).toEqual({
      key: 'units',
      label: 'Officers on duty (mean over the day)',
      before: '3',
      after: '3.5',
      change: 'neutral',
    });
    expect(v.rows.find((r) => r.key === 'rho')).toMatchObject({ before: '21.4%', after: '15%', change: 'better' });
    expect(v.shifts).toEqual([{ shift: '8-16', before: 3, after: 5 }]);
    expect(v.scenario).toBe('shift 8-16: 5 officers on duty in beat B001');
    expect(v).toMatchObject({ infeasible: null, errors: [] });
    expect(cityLine(v.cityRows)).toBe(
      'City: mean travel time 4.57 min → 4.5 min (better); calls answered from another beat 1.25% → 1% (better).',
    );
    expect(responseWhatIfView(answer, 'B001', { saturationTarget: 0.5 }).scenario).toBe('saturation target 50%');
  });

  it('says "–" for a beat the answer lacks, and the city line copes with no rows', () => {
    const v = responseWhatIfView(answer, 'B999', { saturationTarget: 0.5 });
    expect(v.rows.every((r) => r.before === '–' && r.after === '–')).toBe(true);
    expect(v.shifts).toEqual([]);
    expect(cityLine([])).toBe('City: no figures.');
  });
});

describe('response assumptions', () => {
  it('say what the figures assume in short lines, shift values that agree shown once', () => {
    const lines = assumptionLines({
      travel: 'straight line × detour factor at a fixed speed',
      speedKmh: [30, 30, 30],
      detourFactor: [1.3, 1.3, 1.3],
      serviceMinutes: [80.5, 80.5, 62],
      serviceMinutesSource: 'given',
      unitsSource: 'allocated officers × 36 h/week ÷ shift hours per week (time model)',
      responseTime: 'queue wait + travel time; no dispatch or turn-out delay',
      fractionalUnits: 'rounded',
      dispatch: 'own beat first',
    });
    expect(lines[0]).toBe('Response time: queue wait + travel time; no dispatch or turn-out delay');
    expect(lines).toContain('Speed: 30 km/h');
    expect(lines).toContain('Detour: 1.3× straight line');
    expect(lines.find((l) => l.startsWith('Service time'))).toBe('Service time per call: 80.5 / 62 min (given)');
    expect(lines.some((l) => l.includes('36 h/week'))).toBe(true);
    // Roads: no single speed or detour to state for the whole trip.
    const roads = assumptionLines({
      travel: 'road network',
      speedKmh: [null],
      detourFactor: [null],
      serviceMinutes: [45],
      serviceMinutesSource: 'given',
      unitsSource: 'u',
      responseTime: 'r',
      fractionalUnits: 'f',
      dispatch: 'd',
    });
    expect(roads.some((l) => l.startsWith('Speed'))).toBe(false);
    expect(roads).toContain('Travel: road network');
  });
});
