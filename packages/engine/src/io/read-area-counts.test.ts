import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { buildGrid } from '../grid/build-grid.js';
import { scoreCells } from '../score/score-cells.js';
import { IncidentTableBuilder } from './incident-table-builder.js';
import { areaCountsSummary, parseAreaCountsSpec, readAreaCounts } from './read-area-counts.js';

const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const feature = (g: Polygon, properties: Record<string, unknown>) => ({ type: 'Feature' as const, properties, geometry: g });
const noIncidents = () =>
  new IncidentTableBuilder({ timeFormat: 'auto' }).finish({ format: 'geojson', layout: 'geojson', columns: { time: '', type: '' } })
    .incidents;

describe('parseAreaCountsSpec', () => {
  it('reads FILE:FIELD[=TYPE],… with the file before the last colon; types upper-cased', () => {
    expect(parseAreaCountsSpec('C:/data/sf.geojson:Drugs=narcotics,Robbery')).toEqual({
      file: 'C:/data/sf.geojson',
      columns: [
        { field: 'Drugs', type: 'NARCOTICS' },
        { field: 'Robbery', type: 'ROBBERY' },
      ],
    });
  });
  it.each(['sf.geojson', 'sf.geojson:', ':Drugs', 'sf.geojson:Drugs=', 'sf.geojson:Drugs,,Robbery', 'sf.geojson:Drugs,Drugs'])(
    'rejects %j as BAD_INPUT naming the flag',
    (spec) => {
      expect(() => parseAreaCountsSpec(spec)).toThrow(
        expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: '--incident-counts' }) }),
      );
    },
  );
});

describe('readAreaCounts', () => {
  const columns = parseAreaCountsSpec('x:Drugs=NARCOTICS,Robbery').columns;
  it('keeps features whose every count is a number ≥ 0 and names each rejected feature and property', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        feature(rect(0, 0, 1, 1), { Drugs: 3, Robbery: '2' }),
        feature(rect(1, 0, 2, 1), { Drugs: 'n/a', Robbery: 1 }),
        feature(rect(2, 0, 3, 1), { Drugs: 4 }),
        feature(rect(3, 0, 4, 1), { Drugs: 1, Robbery: -1 }),
        feature(rect(4, 0, 5, 1), { Drugs: 0, Robbery: 0 }),
      ],
    };
    const { features, report } = await readAreaCounts(fc as never, columns, { fileName: 'blocks.geojson' });
    expect(features.map((f) => [f.index, ...f.counts])).toEqual([
      [0, 3, 2],
      [4, 0, 0],
    ]);
    expect(report).toMatchObject({ file: 'blocks.geojson', read: 5, used: 2, rejected: 3, totals: [3, 2] });
    expect(report.examples).toEqual([
      { feature: 1, field: 'Drugs', reason: 'non_numeric' },
      { feature: 2, field: 'Robbery', reason: 'missing_value' },
      { feature: 3, field: 'Robbery', reason: 'negative' },
    ]);
    expect(areaCountsSummary(report)).toBe(
      'incident counts: blocks.geojson: read 5, used 2, rejected 3 (feature 1 "Drugs": non_numeric; feature 2 "Robbery": missing_value; feature 3 "Robbery": negative); totals NARCOTICS 3, ROBBERY 2\n',
    );
  });

  it('a property no feature has is MISSING_FIELD listing the properties; no usable feature is BAD_INPUT naming feature and field', async () => {
    const fc = { type: 'FeatureCollection', features: [feature(rect(0, 0, 1, 1), { Drugs: 'x', Robbery: 1 })] };
    await expect(readAreaCounts(fc as never, parseAreaCountsSpec('x:Burglary').columns)).rejects.toMatchObject({ code: 'MISSING_FIELD' });
    await expect(readAreaCounts(fc as never, columns, { fileName: 'b.geojson' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { file: 'b.geojson', row: 0, field: 'Drugs' },
    });
  });

  it('scoreCells turns counts into officer-hours per week (service table) spread by area, conserved, split over shifts by length', () => {
    const grid = buildGrid(rect(-87.72, 41.84, -87.69, 41.86), { resolution: 9 });
    const west = rect(-87.72, 41.84, -87.705, 41.86);
    // 26 NARCOTICS (90 min × 2) + 13 ROBBERY (90 × 2) over 91 days = 13 weeks: (26 + 13) × 180 / 60 / 13 = 9 h/week
    const { scores, report } = scoreCells(grid, noIncidents(), {
      areaCounts: { types: ['NARCOTICS', 'ROBBERY'], features: [{ geometry: west, counts: [26, 13] }], periodDays: 91 },
      smoothing: { kernel: 'none' },
    });
    expect(report.totalWorkloadHours).toBeCloseTo(9, 6);
    expect(scores.periodWeeks).toBe(13);
    for (const s of scores.shiftWorkloadHours) expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 6);
    // only cells overlapping the west half carry workload
    for (let i = 0; i < grid.cellCount; i++) if (grid.lng[i]! > -87.7) expect(scores.workloadHours[i]).toBe(0);
    expect(() => scoreCells(grid, noIncidents(), { areaCounts: { types: ['X'], features: [], periodDays: 0 } })).toThrow(/period/);
  });

  it.runIf(hasRealdata())('San Francisco block groups: 579 features, the four crime totals of SOURCE.md', async () => {
    const file = realdata('sanfrancisco', 'sf_crime_blockgroups_jul_dec2012.geojson');
    const { features, report } = await readAreaCounts(file, parseAreaCountsSpec(`${file}:Vandalism,Robbery,Drugs,CarTheft`).columns);
    expect(features).toHaveLength(579);
    expect(report.rejected).toBe(0);
    expect(report.totals).toEqual([3430, 2761, 3897, 3386]);
  });
});
