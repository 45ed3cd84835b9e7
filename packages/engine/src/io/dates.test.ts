import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncidentClock, parseLocalTimeMs, type TimeFormat } from './dates.js';

const U = Date.UTC;

describe('parseLocalTimeMs', () => {
  const valid: Array<[string, number, TimeFormat?]> = [
    ['02/08/2015 11:43:40 PM', U(2015, 1, 8, 23, 43, 40)],
    ['02/08/2015 11:43:40 AM', U(2015, 1, 8, 11, 43, 40)],
    ['01/01/2020 12:00:00 AM', U(2020, 0, 1, 0, 0, 0)],
    ['01/01/2020 12:30:00 PM', U(2020, 0, 1, 12, 30, 0)],
    ['1/2/2020 1:05 pm', U(2020, 0, 2, 13, 5, 0)],
    ['12/31/2020 23:00', U(2020, 11, 31, 23, 0, 0)],
    ['12/31/2020 23:00:59', U(2020, 11, 31, 23, 0, 59)],
    ['12-31-2020 23:00', U(2020, 11, 31, 23, 0, 0)],
    ['2025-05-24T00:00:00.000', U(2025, 4, 24)],
    ['2025-05-24 13:07', U(2025, 4, 24, 13, 7)],
    ['2025-05-24T13:07:09.5', U(2025, 4, 24, 13, 7, 9, 500)],
    ['2025-05-24T13:07:09.123456', U(2025, 4, 24, 13, 7, 9, 123)],
    // parseLocalTimeMs validates offsets and Z and keeps the clock reading (IncidentClock converts).
    ['2025-05-24T13:07:09Z', U(2025, 4, 24, 13, 7, 9)],
    ['2025-05-24T13:07:09.000-05:00', U(2025, 4, 24, 13, 7, 9)],
    ['2025-05-24T13:07:09+0530', U(2025, 4, 24, 13, 7, 9)],
    ['2025/05/24 13:07:09', U(2025, 4, 24, 13, 7, 9)],
    ['  2016-02-29 00:00  ', U(2016, 1, 29)],
    ['2000-02-29 00:00', U(2000, 1, 29)],
    ['24/05/2025 23:45', U(2025, 4, 24, 23, 45), 'dmy'],
    ['2025-05-24 23:45', U(2025, 4, 24, 23, 45), 'ymd'],
  ];
  it.each(valid)('parses %j', (text, expected, format) => {
    expect(parseLocalTimeMs(text, format)).toBe(expected);
  });

  const invalid: Array<[string, TimeFormat?]> = [
    [''],
    ['not a date'],
    ['02/08/2015'], // no time of day
    ['2025-05-24'],
    ['13/01/2015 10:00'], // month 13
    ['02/30/2015 10:00'], // 30 February
    ['2015-02-29 10:00'], // not a leap year
    ['1900-02-29 10:00'], // century, not a leap year
    ['02/08/2015 24:00'],
    ['02/08/2015 10:60'],
    ['02/08/2015 10:59:60'],
    ['02/08/2015 13:00 PM'], // 12-hour rules
    ['02/08/2015 00:30 AM'],
    ['02/08/15 10:00'], // two-digit year
    ['0099-01-01 10:00'],
    ['2025-05-24T13:07:09 CST'],
    ['2025-05-24T13:07:09.'],
    ['2025-05-24T13:07:09+25:00'],
    ['2025-05-24X13:07'],
    ['02/08/2015 11:43:40 PM trailing'],
    ['24/05/2025 23:45'], // auto = month/day
    ['2025-05-24 23:45', 'mdy'],
    ['05/24/2025 23:45', 'ymd'],
    ['NaN'],
  ];
  it.each(invalid)('rejects %j', (text, format) => {
    expect(parseLocalTimeMs(text, format)).toBeNaN();
  });
});

describe('IncidentClock', () => {
  it('converts Z and ±HH:MM into the city zone, across a DST change', () => {
    const clock = new IncidentClock({ timeZone: 'America/Chicago' });
    // winter: CST = UTC−6
    expect(clock.read('2015-01-23T18:30:00Z')).toBe(U(2015, 0, 23, 12, 30));
    expect(clock.lastReading).toBe('converted');
    expect(clock.read('2015-01-23T13:30:00-05:00')).toBe(U(2015, 0, 23, 12, 30));
    expect(clock.read('2015-01-24T05:00:00+05:30')).toBe(U(2015, 0, 23, 17, 30));
    // 8 March 2015, 2:00 CST → 3:00 CDT (08:00Z)
    expect(clock.read('2015-03-08T07:59:00Z')).toBe(U(2015, 2, 8, 1, 59));
    expect(clock.read('2015-03-08T08:00:00Z')).toBe(U(2015, 2, 8, 3, 0));
    // summer: CDT = UTC−5
    expect(clock.read('2015-07-01T04:00:00.000Z')).toBe(U(2015, 5, 30, 23, 0));
    // a time without an offset is the city's wall clock already
    expect(clock.read('07/01/2015 11:00:00 PM')).toBe(U(2015, 6, 1, 23));
    expect(clock.lastReading).toBe('local');
  });

  it('without a zone keeps the clock reading and says so', () => {
    const clock = new IncidentClock();
    expect(clock.read('2015-01-23T18:30:00Z')).toBe(U(2015, 0, 23, 18, 30));
    expect(clock.lastReading).toBe('offset-kept');
  });

  it('drops dates without a time, or places them at noon', () => {
    const drop = new IncidentClock();
    expect(drop.read('2012/07/02')).toBeNaN();
    expect(drop.lastReading).toBe('date-only');
    expect(drop.read('not a date')).toBeNaN();
    expect(drop.lastReading).toBe('invalid');
    const noon = new IncidentClock({ dateOnly: 'noon', timeZone: 'America/Los_Angeles' });
    expect(noon.read('2012/07/02')).toBe(U(2012, 6, 2, 12));
    expect(noon.read('7/2/2012')).toBe(U(2012, 6, 2, 12));
    expect(noon.read('2012-07-02')).toBe(U(2012, 6, 2, 12));
    expect(noon.lastReading).toBe('date-at-noon');
    expect(noon.read('2012-02-30')).toBeNaN();
  });

  it('refuses an unknown zone with BAD_INPUT', () => {
    expect(() => new IncidentClock({ timeZone: 'Mars/Olympus' })).toThrow(/unknown IANA time zone "Mars\/Olympus"/);
  });

  it('any instant written in UTC reads as the zone wall clock (property, vs toLocaleString)', () => {
    const zones = ['America/Chicago', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const instant = Math.floor(ms / 1000) * 1000;
        const iso = new Date(instant).toISOString().replace('.000Z', 'Z');
        const local = new Date(instant).toLocaleString('sv-SE', { timeZone: zone }); // "2015-01-23 12:30:00"
        const expected = parseLocalTimeMs(local);
        expect(new IncidentClock({ timeZone: zone }).read(iso)).toBe(expected);
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});
