import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, writeTempFile } from '../../../../test/support/expect-error.js';
import { BeatplanError } from '../errors.js';
import { REJECT_REASONS, type RejectReason, unreadPriorityWarning } from './incident-table-builder.js';
import { type ReadIncidentsOptions, readIncidents } from './read-incidents.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'beatplan-io-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `content` to a file in the tmp dir and returns its path. */
const file = (name: string, content: unknown): string => writeTempFile(dir, name, content);

/** Only the non-zero reasons, for readable assertions. */
function nonZero(r: Readonly<Record<RejectReason, number>>): Partial<Record<RejectReason, number>> {
  return Object.fromEntries(Object.entries(r).filter(([, n]) => n > 0));
}

function sumRejected(r: Readonly<Record<RejectReason, number>>): number {
  return REJECT_REASONS.reduce((s, k) => s + r[k], 0);
}

const HEADER = 'lat,lng,time,type';
const OK = '41.88,-87.63,2025-05-24 13:00,THEFT';

/** A locator for a box around Chicago: cell 0 inside, −1 outside. */
const chicagoBox = (lng: number, lat: number): number => (lng >= -87.95 && lng <= -87.52 && lat >= 41.64 && lat <= 42.03 ? 0 : -1);

function text(lines: string[], eol = '\n'): { text: string } {
  return { text: lines.join(eol) + eol };
}

describe('readIncidents: layouts and sources', () => {
  it('reads a generic CSV into columnar typed arrays', async () => {
    const { incidents, report } = await readIncidents(text([HEADER, OK, '41.9,-87.7,05/24/2025 01:02:03 PM, battery ']));
    expect(report).toMatchObject({ format: 'csv', layout: 'generic', read: 2, used: 2 });
    expect(incidents.count).toBe(2);
    expect(incidents.lng).toBeInstanceOf(Float64Array);
    expect([...incidents.lng]).toEqual([-87.63, -87.7]);
    expect([...incidents.lat]).toEqual([41.88, 41.9]);
    expect([...incidents.timeMs]).toEqual([Date.UTC(2025, 4, 24, 13), Date.UTC(2025, 4, 24, 13, 2, 3)]);
    expect(incidents.types).toEqual(['THEFT', 'BATTERY']);
    expect([...incidents.typeIndex]).toEqual([0, 1]);
    expect([...incidents.cell]).toEqual([-1, -1]);
    expect([...incidents.priority].every(Number.isNaN)).toBe(true);
    expect(report.timeRange).toEqual({ minMs: Date.UTC(2025, 4, 24, 13), maxMs: Date.UTC(2025, 4, 24, 13, 2, 3) });
    expect(report.types).toEqual({ THEFT: 1, BATTERY: 1 });
    expect(report.typesUsed).toEqual({ THEFT: 1, BATTERY: 1 });
  });

  it('reads the priority column: numeric → number, else NaN', async () => {
    const { incidents, report } = await readIncidents(text(['lat,lng,time,type,priority', `${OK},1`, `${OK},high`, `${OK},`]));
    expect(report.columns.priority).toBe('priority');
    expect(incidents.priority[0]).toBe(1);
    expect(incidents.priority[1]).toBeNaN();
    expect(incidents.priority[2]).toBeNaN();
    // "high" is given but no number ≥ 1: counted with its line; a blank is no priority at all
    expect(report.unreadPriorities).toEqual({ count: 1, examples: [3], values: ['high'] });
  });

  it('counts priorities that are no number ≥ 1 ("urgent", -3, 0) with their lines and text, keeping the rows without a priority', async () => {
    const { incidents, report } = await readIncidents(
      text(['lat,lng,time,type,Priority', `${OK},2`, `${OK},urgent`, `${OK},-3`, `${OK},0`, `${OK},1.0`]),
    );
    expect(report.used).toBe(5);
    expect([...incidents.priority].map((p) => (Number.isNaN(p) ? null : p))).toEqual([2, null, null, null, 1]);
    expect(report.unreadPriorities).toEqual({ count: 3, examples: [3, 4, 5], values: ['urgent', '-3', '0'] });
    expect(unreadPriorityWarning(report)).toBe(
      '3 incidents have a priority that is not a number ≥ 1 (Priority: "urgent" at line 3, "-3" at line 4, "0" at line 5): kept as calls without a priority (queued after every numbered one)',
    );
    // without such rows the report has no field (the documents' bytes do not change)
    const clean = await readIncidents(text(['lat,lng,time,type,Priority', `${OK},2`]));
    expect('unreadPriorities' in clean.report).toBe(false);
    expect(unreadPriorityWarning(clean.report)).toBeNull();
  });

  it('detects the Chicago portal, Socrata and Kaggle headers without a mapping', async () => {
    const portal = await readIncidents(
      text(['ID,Date,Primary Type,Latitude,Longitude', '1,02/08/2015 11:43:40 PM,NARCOTICS,41.74,-87.54']),
    );
    expect(portal.report.layout).toBe('chicago-portal');
    const socrata = await readIncidents(text(['id,date,primary_type,latitude,longitude', '1,2025-05-24T00:00:00.000,THEFT,41.9,-87.6']));
    expect(socrata.report.layout).toBe('socrata');
    const kaggle = await readIncidents(
      text(['Unnamed: 0,ID,Date,Primary Type,Latitude,Longitude', '7,1,03/20/2013 10:05:00 AM,THEFT,41.92,-87.78']),
    );
    expect(kaggle.report.layout).toBe('chicago-portal');
    expect(kaggle.incidents.timeMs[0]).toBe(Date.UTC(2013, 2, 20, 10, 5));
  });

  it('uses an explicit mapping (layout "mapped")', async () => {
    const { incidents, report } = await readIncidents(text(['Y,X,When,Kind', '41.8,-87.6,2025-01-01 00:00,ROBBERY']), {
      mapping: { lat: 'Y', lng: 'X', time: 'When', type: 'Kind' },
    });
    expect(report.layout).toBe('mapped');
    expect(report.columns).toEqual({ lat: 'Y', lng: 'X', time: 'When', type: 'Kind' });
    expect(incidents.lat[0]).toBe(41.8);
  });

  it('accepts a path, a Buffer, a Readable and { text }, and sniffs the format', async () => {
    const csv = `${HEADER}\n${OK}\n`;
    const noExt = file('incidents-no-extension', csv);
    const gj = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { time: '2025-01-01 10:00', type: 'X' }, geometry: { type: 'Point', coordinates: [-87.6, 41.8] } },
      ],
    });
    for (const source of [noExt, Buffer.from(csv), Readable.from([csv]), { text: csv }]) {
      const { report } = await readIncidents(source);
      expect(report).toMatchObject({ format: 'csv', read: 1, used: 1 });
    }
    const { report } = await readIncidents(file('points-no-extension', gj));
    expect(report).toMatchObject({ format: 'geojson', read: 1, used: 1 });
    expect((await readIncidents(Readable.from([`  \n${gj}`]))).report.format).toBe('geojson');
  });

  it('fails with BAD_INPUT naming a missing file', async () => {
    const e = await rejection(readIncidents(join(dir, 'nope.csv')));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain('nope.csv');
  });

  it('stops with ABORTED when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(readIncidents(text([HEADER, OK]), { signal: controller.signal }))).code).toBe('ABORTED');
    const lines = [HEADER, ...Array.from({ length: 10000 }, () => OK)];
    const late = new AbortController();
    const e = await rejection(
      readIncidents(text(lines), {
        signal: late.signal,
        onProgress: (f) => (f > 0 ? late.abort() : undefined),
      }),
    );
    expect(e.code).toBe('ABORTED');
  });

  it('reports progress from 0 to 1', async () => {
    const seen: number[] = [];
    await readIncidents(file('progress.csv', [HEADER, ...Array.from({ length: 20000 }, () => OK)].join('\n')), {
      onProgress: (f, stage) => {
        expect(stage).toBe('ingest');
        seen.push(f);
      },
    });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(1);
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('readIncidents: hostile CSV', () => {
  it('empty file → PARSE_ERROR "file is empty" naming the file', async () => {
    for (const content of ['', '\n\n  \r\n', '\ufeff']) {
      const e = await rejection(readIncidents(file('empty.csv', content)));
      expect(e.code).toBe('PARSE_ERROR');
      expect(e.message).toContain('file is empty');
      expect(e.message).toContain('empty.csv');
    }
  });

  it('header only → 0 rows, no error', async () => {
    const { incidents, report } = await readIncidents(file('header.csv', `${HEADER}\n`));
    expect(report).toMatchObject({ read: 0, used: 0, timeRange: null });
    expect(incidents.count).toBe(0);
  });

  it.each([
    [';', "';'"],
    ['\t', 'tab'],
  ])('wrong delimiter %j → MISSING_FIELD that names it', async (sep, name) => {
    const content = `${['Latitude', 'Longitude', 'Date', 'Primary Type'].join(sep)}\n41.8${sep}-87.6${sep}x${sep}y\n`;
    const e = await rejection(readIncidents(file('semicolon.csv', content)));
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.message).toContain('semicolon.csv');
    expect(e.message).toContain(`${name}-separated`);
  });

  it('unknown header → MISSING_FIELD listing the header and suggesting --map', async () => {
    const e = await rejection(readIncidents(file('odd.csv', 'Y,X,When,Kind\n1,2,3,4\n')));
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.message).toContain('odd.csv');
    expect(e.message).toContain('--map lat=…,lng=…,time=…,type=…');
    expect(e.message).toContain('"Y", "X", "When", "Kind"');
    expect(e.details.columns).toEqual(['Y', 'X', 'When', 'Kind']);
  });

  it('a mapping that names a missing column → MISSING_FIELD naming file, column and header', async () => {
    const e = await rejection(
      readIncidents(file('mapped.csv', 'Y,X,When,Kind\n1,2,3,4\n'), { mapping: { lat: 'Y', lng: 'X', time: 'Time', type: 'Kind' } }),
    );
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.details).toMatchObject({ field: 'Time' });
    expect(e.message).toContain('mapped.csv');
    expect(e.message).toContain('"Time"');
    expect(e.message).toContain('"Y", "X", "When", "Kind"');
  });

  it('counts missing, NaN, out-of-range and swapped coordinates with row numbers', async () => {
    const { report } = await readIncidents(
      text([
        HEADER,
        OK, // 2
        ',-87.6,2025-05-24 13:00,THEFT', // 3 missing
        '41.8, ,2025-05-24 13:00,THEFT', // 4 missing (blank)
        'NaN,-87.6,2025-05-24 13:00,THEFT', // 5 invalid
        '41.8,abc,2025-05-24 13:00,THEFT', // 6 invalid
        '95,200,2025-05-24 13:00,THEFT', // 7 invalid (both out of range)
        '-122.4,37.8,2025-05-24 13:00,THEFT', // 8 swapped: lat out of range, lng fits as a latitude
        '0,0,2025-05-24 13:00,THEFT', // 9 null island = missing
      ]),
    );
    expect(nonZero(report.rejected)).toEqual({ missing_coordinates: 3, invalid_coordinates: 3, swapped_coordinates: 1 });
    expect(report.examples.missing_coordinates).toEqual([3, 4, 9]);
    expect(report.examples.invalid_coordinates).toEqual([5, 6, 7]);
    expect(report.examples.swapped_coordinates).toEqual([8]);
    expect(report.used).toBe(1);
  });

  it('with a locator: outside_boundary, and swapped lat/lng detected (not fixed)', async () => {
    const { incidents, report } = await readIncidents(
      text([
        HEADER,
        OK, // 2 inside
        '-87.63,41.88,2025-05-24 13:00,THEFT', // 3 swapped: inside only when swapped
        '40.71,-74.0,2025-05-24 13:00,THEFT', // 4 New York: outside
      ]),
      { locate: chicagoBox },
    );
    expect(nonZero(report.rejected)).toEqual({ swapped_coordinates: 1, outside_boundary: 1 });
    expect(report.examples.swapped_coordinates).toEqual([3]);
    expect(report.examples.outside_boundary).toEqual([4]);
    expect([...incidents.cell]).toEqual([0]);
  });

  it('counts invalid times and unknown types', async () => {
    const { report } = await readIncidents(
      text([
        HEADER,
        '41.8,-87.6,,THEFT', // 2 missing time
        '41.8,-87.6,13/45/2015 10:00,THEFT', // 3 impossible date
        '41.8,-87.6,yesterday,THEFT', // 4
        '41.8,-87.6,2025-05-24 13:00,', // 5 empty type
        '41.8,-87.6,2025-05-24 13:00,  ', // 6 blank type
        '41.8,-87.6,2025-05-24 13:00,ALIENS', // 7 not in knownTypes
        '41.8,-87.6,2025-05-24 13:00, theft ', // 8 ok (normalized)
      ]),
      { knownTypes: new Set(['Theft', 'BATTERY']) },
    );
    expect(nonZero(report.rejected)).toEqual({ invalid_time: 3, unknown_type: 3 });
    expect(report.examples.invalid_time).toEqual([2, 3, 4]);
    expect(report.examples.unknown_type).toEqual([5, 6, 7]);
    expect(report.used).toBe(1);
    expect(report.types).toEqual({ THEFT: 4, ALIENS: 1 });
  });

  it('keeps only the first five examples per reason', async () => {
    const lines = [HEADER, ...Array.from({ length: 12 }, () => ',,2025-05-24 13:00,THEFT')];
    const { report } = await readIncidents(text(lines));
    expect(report.rejected.missing_coordinates).toBe(12);
    expect(report.examples.missing_coordinates).toEqual([2, 3, 4, 5, 6]);
  });

  it('quoted fields with commas, quotes and newlines; row numbers follow file lines', async () => {
    const { incidents, report } = await readIncidents(
      text([
        'lat,lng,time,type,note',
        '41.8,-87.6,2025-05-24 13:00,"THEFT, PETTY","said ""hi"", left"', // 2
        '41.8,-87.6,2025-05-24 13:00,BATTERY,"line one', // 3
        'line two', // 4 (inside the quoted note)
        'line three"', // 5
        '41.8,-87.6,,BATTERY,x', // 6 invalid time: row number counts the quoted newlines
        '41.8,-87.6,2025-05-24 13:00,AS"SAULT,x', // 7 stray quote in an unquoted field: kept as text
      ]),
    );
    expect(report).toMatchObject({ read: 4, used: 3 });
    expect(incidents.types).toEqual(['THEFT, PETTY', 'BATTERY', 'AS"SAULT']);
    expect(report.examples.invalid_time).toEqual([6]);
  });

  it('UTF-8 BOM and CRLF line ends, blank lines skipped', async () => {
    const content =
      '\ufeff' +
      [
        'Latitude,Longitude,Date,Primary Type',
        '41.8,-87.6,02/08/2015 11:43:40 PM,THEFT',
        '',
        '41.9,-87.7,02/08/2015 11:43:41 PM,THEFT',
        '',
        'x,,02/08/2015 11:43:41 PM,THEFT',
      ].join('\r\n') +
      '\r\n';
    const { incidents, report } = await readIncidents(file('bom-crlf.csv', content));
    expect(report.layout).toBe('chicago-portal');
    expect(report).toMatchObject({ read: 3, used: 2 });
    expect(report.examples.missing_coordinates).toEqual([6]);
    expect(incidents.types).toEqual(['THEFT']);
  });

  it('ragged rows are counted as malformed_row, never a crash', async () => {
    const { report } = await readIncidents(text([HEADER, OK, '41.8,-87.6,2025-05-24 13:00', `${OK},extra`, '41.8', OK]));
    expect(report.read).toBe(5);
    expect(nonZero(report.rejected)).toEqual({ malformed_row: 3 });
    expect(report.examples.malformed_row).toEqual([3, 4, 5]);
  });

  it('an unclosed quote at the end is one malformed row', async () => {
    const { report } = await readIncidents(text([HEADER, OK, '41.8,-87.6,2025-05-24 13:00,"THEFT', OK]));
    expect(report.read).toBe(2);
    expect(nonZero(report.rejected)).toEqual({ malformed_row: 1 });
    expect(report.examples.malformed_row).toEqual([3]);
  });

  it('a 10 MB single line fails with PARSE_ERROR naming file and row, without reading it whole', async () => {
    const big = file('one-long-line.csv', `${HEADER}\n${OK}\n41.8,-87.6,2025-05-24 13:00,${'X'.repeat(10 * 1024 * 1024)}\n${OK}\n`);
    const before = process.memoryUsage().rss;
    const e = await rejection(readIncidents(big));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.details).toMatchObject({ row: 3 });
    expect(e.message).toContain('one-long-line.csv');
    expect(e.message).toContain('maxRowBytes');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    // A larger limit reads the same file.
    const { report } = await readIncidents(big, { maxRowBytes: 16 * 1024 * 1024 });
    expect(report).toMatchObject({ read: 3, used: 3 });
  });

  it('too many distinct "types" → BAD_INPUT naming the column', async () => {
    const lines = [HEADER, ...Array.from({ length: 65537 }, (_, i) => `41.8,-87.6,2025-05-24 13:00,T${i}`)];
    const e = await rejection(readIncidents(text(lines), { fileName: 'free-text.csv' }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.details).toMatchObject({ file: 'free-text.csv', field: 'type', row: 65538 });
  });
});

describe('readIncidents: GeoJSON points', () => {
  const point = (
    coords: unknown,
    props: Record<string, unknown> = { Date: '01/02/2020 10:00:00 PM', Descr_tion: 'VEHICULAR HIJACKING' },
  ) => ({
    type: 'Feature',
    properties: props,
    geometry: coords === null ? null : { type: 'Point', coordinates: coords },
  });

  it('counts non-Point, null and bad geometries by reason with feature indices', async () => {
    const fcIn = {
      type: 'FeatureCollection',
      features: [
        point([-87.6, 41.8]), // 0 ok
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
        }, // 1
        point(null), // 2 missing
        point([]), // 3 missing
        point(['x', 41.8]), // 4 invalid
        point([41.8, -87.6]), // 5 swapped (with locate)
        { nonsense: true }, // 6 not a feature
        point([-87.6, 41.8], { Date: 'soon', Descr_tion: 'X' }), // 7 invalid time
      ],
    };
    const { report } = await readIncidents(file('points.geojson', JSON.stringify(fcIn)), { locate: chicagoBox });
    expect(report).toMatchObject({ format: 'geojson', layout: 'geojson', read: 8, used: 1 });
    expect(report.columns).toEqual({ time: 'Date', type: 'Descr_tion' });
    expect(nonZero(report.rejected)).toEqual({
      invalid_geometry: 2,
      missing_coordinates: 2,
      invalid_coordinates: 1,
      swapped_coordinates: 1,
      invalid_time: 1,
    });
    expect(report.examples.invalid_geometry).toEqual([1, 6]);
    expect(report.examples.missing_coordinates).toEqual([2, 3]);
    expect(report.examples.swapped_coordinates).toEqual([5]);
    // A parsed object is accepted too.
    expect((await readIncidents(fcIn as never, { locate: chicagoBox })).report.used).toBe(1);
  });

  it('invalid JSON → PARSE_ERROR with line and column', async () => {
    const e = await rejection(readIncidents(file('broken.geojson', '{"type": "FeatureCollection",\n "features": [}\n')));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.details).toMatchObject({ line: 2, column: 15 });
    expect(e.message).toContain('broken.geojson');
    expect(e.message).toContain('line 2, column 15');
  });

  it('not a FeatureCollection, or a projected crs → INVALID_GEOMETRY', async () => {
    const e1 = await rejection(readIncidents(file('feature.geojson', JSON.stringify({ type: 'Topology' }))));
    expect(e1.code).toBe('INVALID_GEOMETRY');
    const e2 = await rejection(
      readIncidents(
        file(
          'stateplane.geojson',
          JSON.stringify({
            type: 'FeatureCollection',
            crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3435' } },
            features: [],
          }),
        ),
      ),
    );
    expect(e2.code).toBe('INVALID_GEOMETRY');
    expect(e2.message).toContain('EPSG::3435');
  });

  it('a GeoJSON over maxJsonBytes → BAD_INPUT', async () => {
    const e = await rejection(
      readIncidents(file('big.geojson', JSON.stringify({ type: 'FeatureCollection', features: [] })), { maxJsonBytes: 10 }),
    );
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain('big.geojson');
  });
});

describe('readIncidents: properties', () => {
  type Kind = 'ok' | 'missing' | 'nan' | 'range' | 'swapped' | 'time' | 'type' | 'short' | 'long' | 'quoted';
  const expected: Record<Kind, RejectReason | 'used'> = {
    ok: 'used',
    quoted: 'used',
    missing: 'missing_coordinates',
    nan: 'invalid_coordinates',
    range: 'invalid_coordinates',
    swapped: 'swapped_coordinates',
    time: 'invalid_time',
    type: 'unknown_type',
    short: 'malformed_row',
    long: 'malformed_row',
  };
  const row = (kind: Kind, lat: number, lng: number): string => {
    const t = '2025-05-24T10:11:12';
    switch (kind) {
      case 'ok':
        return `${lat},${lng},${t},THEFT`;
      case 'quoted':
        return `${lat},${lng},${t},"THEFT, ""PETTY""\nSECOND LINE"`;
      case 'missing':
        return `,${lng},${t},THEFT`;
      case 'nan':
        return `${lat},NaN,${t},THEFT`;
      case 'range':
        return `${lat},${lng + 400},${t},THEFT`;
      case 'swapped':
        return `${lng},${lat},${t},THEFT`; // lat column < −90, lng column a latitude
      case 'time':
        return `${lat},${lng},2025-13-01 10:00,THEFT`;
      case 'type':
        return `${lat},${lng},${t},`;
      case 'short':
        return `${lat},${lng},${t}`;
      case 'long':
        return `${lat},${lng},${t},THEFT,extra`;
    }
  };
  const kinds = Object.keys(expected) as Kind[];

  it('read === used + Σ rejected, with the exact reason per row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...kinds),
            lat: fc.double({ min: -80, max: 80, noNaN: true }),
            lng: fc.double({ min: -170, max: -91, noNaN: true }),
          }),
          { maxLength: 40 },
        ),
        fc.constantFrom('\n', '\r\n'),
        async (rows, eol) => {
          const lines = [HEADER, ...rows.map((r) => row(r.kind, r.lat, r.lng))];
          const { incidents, report } = await readIncidents({ text: lines.join(eol) + eol });
          expect(report.read).toBe(rows.length);
          expect(report.read).toBe(report.used + sumRejected(report.rejected));
          expect(incidents.count).toBe(report.used);
          const want: Record<string, number> = {};
          for (const r of rows) want[expected[r.kind]] = (want[expected[r.kind]] ?? 0) + 1;
          const { used = 0, ...rejectedWant } = want;
          expect(report.used).toBe(used);
          expect(nonZero(report.rejected)).toEqual(rejectedWant);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never throws on row-level garbage, and the counts still add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constant(OK)), {
          maxLength: 30,
        }),
        async (lines) => {
          const body = lines.map((l) => l.replace(/\r|\n/g, ' ')).join('\n');
          const opts: ReadIncidentsOptions = { locate: chicagoBox, knownTypes: new Set(['THEFT']) };
          const { incidents, report } = await readIncidents({ text: `${HEADER}\n${body}\n` }, opts);
          expect(report.read).toBe(report.used + sumRejected(report.rejected));
          expect(incidents.count).toBe(report.used);
          expect(report.used).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('readIncidents: time zones and dates without a time', () => {
  const rows = [
    HEADER,
    '41.88,-87.63,2025-05-24T18:00:00Z,THEFT',
    '41.88,-87.63,2025-05-24 13:00,THEFT',
    '41.88,-87.63,2025-05-24T14:00:00-04:00,THEFT',
    '41.88,-87.63,2025-05-24,THEFT',
  ];

  it('converts offsets into timeZone and counts how each used time was read', async () => {
    const { incidents, report } = await readIncidents(text(rows), { timeZone: 'America/Chicago', format: 'csv' });
    // 18:00Z and 14:00−04:00 are both 13:00 CDT, like the local row
    expect(Array.from(incidents.timeMs)).toEqual([Date.UTC(2025, 4, 24, 13), Date.UTC(2025, 4, 24, 13), Date.UTC(2025, 4, 24, 13)]);
    expect(report.times).toEqual({ timeZone: 'America/Chicago', converted: 2, offsetKept: 0, dateAtNoon: 0 });
    expect(nonZero(report.rejected)).toEqual({ date_only: 1 });
    expect(report.examples.date_only).toEqual([5]);
    expect(report.read).toBe(report.used + sumRejected(report.rejected));
  });

  it('without timeZone keeps the clock readings; dateOnly noon keeps the date', async () => {
    const { incidents, report } = await readIncidents(text(rows), { dateOnly: 'noon', format: 'csv' });
    expect(Array.from(incidents.timeMs)).toEqual([
      Date.UTC(2025, 4, 24, 18),
      Date.UTC(2025, 4, 24, 13),
      Date.UTC(2025, 4, 24, 14),
      Date.UTC(2025, 4, 24, 12),
    ]);
    expect(report.times).toEqual({ timeZone: null, converted: 0, offsetKept: 2, dateAtNoon: 1 });
    expect(report.used).toBe(4);
  });

  it('an unknown zone is BAD_INPUT naming the field', async () => {
    const e = await rejection(readIncidents(text(rows), { timeZone: 'Nowhere/Land', format: 'csv' }));
    expect(e).toBeInstanceOf(BeatplanError);
    expect((e as BeatplanError).code).toBe('BAD_INPUT');
    expect((e as BeatplanError).details.field).toBe('timeZone');
  });
});
