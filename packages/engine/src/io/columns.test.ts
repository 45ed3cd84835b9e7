import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { findColumn, parseColumnMapping, resolveColumns } from './columns.js';

function thrown(fn: () => unknown): BeatplanError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BeatplanError);
    return e as BeatplanError;
  }
  throw new Error('expected a BeatplanError');
}

describe('parseColumnMapping', () => {
  it('parses the CLI --map syntax', () => {
    expect(parseColumnMapping('lat=Y,lng=X,time=When,type=Kind')).toEqual({ lat: 'Y', lng: 'X', time: 'When', type: 'Kind' });
    expect(parseColumnMapping(' lat = Latitude , lon=Longitude, type=Primary Type, priority=P ')).toEqual({
      lat: 'Latitude',
      lng: 'Longitude',
      type: 'Primary Type',
      priority: 'P',
    });
  });

  it.each([
    ['lat', 'field=Column', 'lat'],
    ['height=H', 'unknown field', 'height'],
    ['lat=', 'empty column name', 'lat'],
    ['lat=A,lat=B', 'twice', 'lat'],
    [' , ', 'empty column mapping', undefined],
  ])('rejects %j', (text, message, field) => {
    const e = thrown(() => parseColumnMapping(text));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(message);
    expect(e.details.field).toBe(field);
  });
});

describe('findColumn', () => {
  it('prefers the exact name, then a unique loose match', () => {
    const cols = ['ID', 'PER CAPITA INCOME ', 'primary_type', 'Primary Type'];
    expect(findColumn(cols, 'PER CAPITA INCOME ')).toBe(1);
    expect(findColumn(cols, 'per capita income')).toBe(1);
    expect(findColumn(cols, 'Primary Type')).toBe(3);
    expect(findColumn(cols, 'PRIMARY TYPE')).toBe(-1); // ambiguous loose match
    expect(findColumn(cols, 'nope')).toBe(-1);
  });
});

describe('resolveColumns', () => {
  const opts = { file: 'f.csv', needCoordinates: true, what: 'column' } as const;
  it.each([
    [['ID', 'Date', 'Primary Type', 'Latitude', 'Longitude'], 'chicago-portal'],
    [['Unnamed: 0', 'ID', 'Date', 'Primary Type', 'Latitude', 'Longitude'], 'chicago-portal'],
    [['id', 'date', 'primary_type', 'latitude', 'longitude'], 'socrata'],
    [['lat', 'lon', 'datetime', 'type'], 'generic'],
    [['LAT', 'LNG', 'TIME', 'TYPE', 'priority'], 'generic'],
  ])('detects %j as %s', (header, layout) => {
    expect(resolveColumns(header, undefined, opts).layout).toBe(layout);
  });

  it('finds shapefile-truncated property names (Descr_tion = Description)', () => {
    const r = resolveColumns(['ID', 'Case _mber', 'Date', 'Descr_tion'], undefined, {
      needCoordinates: false,
      what: 'property',
    });
    expect(r.names).toEqual({ time: 'Date', type: 'Descr_tion' });
    expect(r.layout).toBe('geojson');
  });

  it('merges a partial mapping with detection and calls it mapped', () => {
    const r = resolveColumns(['Latitude', 'Longitude', 'Date', 'Primary Type', 'Description'], { type: 'Description' }, opts);
    expect(r.layout).toBe('mapped');
    expect(r.indices).toEqual({ lat: 0, lng: 1, time: 2, type: 4, priority: -1 });
  });
});
