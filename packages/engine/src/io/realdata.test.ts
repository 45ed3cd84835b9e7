/**
 * Ingest against the real Chicago files in `../shared/realdata/chicago` (see its SOURCE.md
 * for where every expected number comes from).
 */
import { describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from '../../../../test/support/realdata.js';
import { BeatplanError } from '../errors.js';
import { findColumn, parseColumnMapping } from './columns.js';
import { readCsvTable } from './csv.js';
import { readBoundary, readPolygonLayer } from './read-geojson-layers.js';
import { readIncidents } from './read-incidents.js';

const chicago = (f: string): string => realdata('chicago', f);

/** The bounding box SOURCE.md uses for its checks, as a locator: 0 inside, −1 outside. */
const bbox = (lng: number, lat: number): number => (lng >= -87.95 && lng <= -87.52 && lat >= 41.64 && lat <= 42.03 ? 0 : -1);

describe.skipIf(!hasRealdata())('real data: Chicago incidents', () => {
  it('2015 portal export: 9,999 read, 162 without coordinates, types counted', async () => {
    const { incidents, report } = await readIncidents(chicago('crimes_2015_jan23_feb08_10k.csv'));
    expect(report).toMatchObject({ format: 'csv', layout: 'chicago-portal', read: 9999, used: 9837 });
    expect(report.rejected.missing_coordinates).toBe(162);
    expect(report.read).toBe(report.used + Object.values(report.rejected).reduce((a, b) => a + b, 0));
    expect(report.types).toMatchObject({ THEFT: 2034, BATTERY: 1851, NARCOTICS: 1122 });
    expect(Object.keys(report.types)).toHaveLength(27);
    expect(report.timeRange).toEqual({
      minMs: Date.UTC(2015, 0, 23, 8, 30, 30),
      maxMs: Date.UTC(2015, 1, 8, 23, 43, 40),
    });
    // First data row: 41.747693646, -87.549035389, NARCOTICS, 02/08/2015 11:43:40 PM.
    expect([incidents.lng[0], incidents.lat[0]]).toEqual([-87.549035389, 41.747693646]);
    expect(incidents.types[incidents.typeIndex[0]]).toBe('NARCOTICS');
    // All located rows are inside the bbox.
    const boxed = await readIncidents(chicago('crimes_2015_jan23_feb08_10k.csv'), { locate: bbox });
    expect(boxed.report.used).toBe(9837);
    expect(boxed.report.rejected.outside_boundary).toBe(0);
  });

  it('2025 Socrata API sample: 1,000 read, 18 without coordinates', async () => {
    const { report } = await readIncidents(chicago('crimes_2025_may_sample1k_api.csv'));
    expect(report).toMatchObject({ layout: 'socrata', read: 1000, used: 982 });
    expect(report.rejected.missing_coordinates).toBe(18);
    expect(report.timeRange).toEqual({ minMs: Date.UTC(2025, 4, 22, 11, 50), maxMs: Date.UTC(2025, 4, 24) });
  });

  it('2012–2016 Kaggle sample: 5,000 read, none missing, one outside the bbox', async () => {
    const { report } = await readIncidents(chicago('crimes_2012_2016_sample5k.csv'));
    expect(report).toMatchObject({ layout: 'chicago-portal', read: 5000, used: 5000 });
    expect(report.rejected.missing_coordinates).toBe(0);
    const boxed = await readIncidents(chicago('crimes_2012_2016_sample5k.csv'), { locate: bbox });
    expect(boxed.report.rejected.outside_boundary).toBe(1);
    expect(boxed.report.rejected.swapped_coordinates).toBe(0);
    expect(new Date(report.timeRange!.minMs).getUTCFullYear()).toBe(2012);
    expect(new Date(report.timeRange!.maxMs).getUTCFullYear()).toBe(2016);
  });

  it('carjackings GeoJSON (truncated names): detected, mapped, and a wrong mapping named', async () => {
    const path = chicago('carjackings_2020.geojson');
    const detected = await readIncidents(path);
    expect(detected.report).toMatchObject({ format: 'geojson', read: 1412, used: 1412 });
    expect(detected.report.columns).toEqual({ time: 'Date', type: 'Descr_tion' });
    expect(detected.report.types).toEqual({ 'AGGRAVATED VEHICULAR HIJACKING': 931, 'VEHICULAR HIJACKING': 481 });
    expect(detected.report.timeRange).toEqual({ minMs: Date.UTC(2020, 0, 1, 5, 15), maxMs: Date.UTC(2020, 11, 31, 23) });

    const mapped = await readIncidents(path, { mapping: parseColumnMapping('time=Date,type=IUCR') });
    expect(mapped.report.used).toBe(1412);
    expect(Object.keys(mapped.report.types).sort()).toEqual(['325', '326']);
    expect(mapped.incidents.timeMs).toEqual(detected.incidents.timeMs);

    try {
      await readIncidents(path, { mapping: { type: 'Primary Type' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BeatplanError);
      expect((e as BeatplanError).code).toBe('MISSING_FIELD');
      expect((e as BeatplanError).message).toContain('carjackings_2020.geojson');
      expect((e as BeatplanError).message).toContain('"Descr_tion"');
    }
  });
});

describe.skipIf(!hasRealdata())('real data: Chicago layers', () => {
  it('community areas: TOT_POP sums to 2,708,500 over 77 MultiPolygons', async () => {
    const { features, report } = await readPolygonLayer(chicago('community_areas_2020_acs.geojson'), 'TOT_POP', {
      idField: 'community',
    });
    expect(report).toMatchObject({ read: 77, used: 77, valueSum: 2708500 });
    expect(features.every((f) => f.geometry.type === 'MultiPolygon')).toBe(true);
    expect(features.find((f) => f.id === 'DOUGLAS')?.value).toBe(21325);
  });

  it('police beats and districts are valid boundaries', async () => {
    expect((await readBoundary(chicago('police_beats.geojson'))).features).toHaveLength(274);
    expect((await readBoundary(chicago('police_districts.geojson'))).features).toHaveLength(22);
  });

  it('hardship CSV: 78 rows, the trailing-space column found', async () => {
    const t = await readCsvTable(chicago('community_areas_hardship_census.csv'));
    expect(t.columns).toContain('PER CAPITA INCOME ');
    expect(t).toMatchObject({ read: 78, malformedRows: 0 });
    expect(t.rows).toHaveLength(78);
    const income = findColumn(t.columns, 'PER CAPITA INCOME');
    const area = findColumn(t.columns, 'Community Area Number');
    expect(income).toBe(7);
    expect(t.rows[0][income]).toBe('23939'); // Rogers Park
    expect(t.rows.at(-1)![area]).toBe(''); // the city-wide CHICAGO row
  });
});
