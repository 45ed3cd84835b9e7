/**
 * Incident timestamps → local wall-clock milliseconds, parsed by hand (no `new Date(string)`,
 * whose result depends on the machine's time zone and the engine's leniency), and converted
 * into a city's IANA time zone with `Intl.DateTimeFormat` ({@link IncidentClock}).
 */
import { BeatplanError } from '../errors.js';

/**
 * Order of the date part.
 * - `'auto'` (default): a value that starts with a 4-digit year is year-month-day (ISO
 *   `2025-05-24T00:00:00.000` or `2025/05/24 00:00:00`); anything else is month/day/year
 *   (US, as the Chicago Data Portal writes `05/24/2025 11:45:00 PM`).
 * - `'ymd'`, `'mdy'`, `'dmy'`: only that order is accepted; `'dmy'` is the way to read
 *   European `24/05/2025 23:45` files, which `'auto'` would read as month/day.
 */
export type TimeFormat = 'auto' | 'ymd' | 'mdy' | 'dmy';

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month];
}

const C_0 = 48;
const C_9 = 57;
const C_SPACE = 32;

/**
 * Parses an incident timestamp into local wall-clock milliseconds encoded as UTC
 * (`Date.UTC(y, m-1, d, h, mi, s, ms)`, the {@link IncidentTable} convention), or `NaN` when
 * the text is not a complete, valid date and time.
 *
 * Accepted shapes (surrounding spaces ignored; `AM`/`PM` case-insensitive):
 * - `MM/DD/YYYY hh:mm:ss AM|PM` (Chicago Data Portal), hour 1–12, `12 AM` = 00h;
 * - `MM/DD/YYYY HH:mm[:ss]` (24-hour); `M/D/YYYY` with one-digit month/day; `-` may replace `/`;
 * - ISO `YYYY-MM-DD[T| ]HH:mm[:ss[.sss…]]` with an optional `Z` or `±HH[:MM]` offset;
 * - `YYYY/MM/DD HH:mm[:ss]`.
 *
 * An offset or `Z` is validated and **ignored** here: the clock reading is kept as written.
 * To honour offsets (convert the instant into the city's time zone), read through an
 * {@link IncidentClock}. A date without a time of day is rejected (it would put every
 * incident on the midnight shift); {@link IncidentClock} can place it at noon. Ranges are checked: month
 * 1–12, day within the month (leap years included), hour < 24, minute and second < 60.
 *
 * @param text The timestamp as read from the file.
 * @param format Order of the date part, `'auto'` by default (see {@link TimeFormat}).
 * @returns Milliseconds (wall clock as UTC) or `NaN`. Never throws.
 * @example
 * parseLocalTimeMs('02/08/2015 11:43:40 PM') === Date.UTC(2015, 1, 8, 23, 43, 40) // true
 * parseLocalTimeMs('2025-05-24T00:00:00.000') === Date.UTC(2025, 4, 24)            // true
 * Number.isNaN(parseLocalTimeMs('13/01/2015 10:00'))                                // true
 */
export function parseLocalTimeMs(text: string, format: TimeFormat = 'auto'): number {
  const t = parseTimeText(text, format);
  return scratch.dateOnly ? NaN : t;
}

/** What the last {@link parseTimeText} call found besides the wall clock (synchronous use only). */
const scratch = { offsetMinutes: NaN, dateOnly: false };

/**
 * The parser behind {@link parseLocalTimeMs}: returns the wall clock written (midnight for a
 * date without a time of day) and leaves in `scratch` the written UTC offset in minutes (NaN
 * when none) and whether the text was a date only.
 */
function parseTimeText(text: string, format: TimeFormat): number {
  scratch.offsetMinutes = NaN;
  scratch.dateOnly = false;
  let i = 0;
  let end = text.length;
  while (i < end && text.charCodeAt(i) <= C_SPACE) i++;
  while (end > i && text.charCodeAt(end - 1) <= C_SPACE) end--;
  if (end - i < 8) return NaN; // shortest: "1/1/2015"
  const s = text;

  // --- first number of the date part
  let a = 0;
  const aStart = i;
  for (let c = s.charCodeAt(i); c >= C_0 && c <= C_9 && i < end; c = s.charCodeAt(++i)) a = a * 10 + (c - C_0);
  const aDigits = i - aStart;
  const sep = s.charCodeAt(i);
  if (sep !== 47 /* / */ && sep !== 45 /* - */) return NaN;
  i++;
  let b = 0;
  const bStart = i;
  for (let c = s.charCodeAt(i); c >= C_0 && c <= C_9 && i < end; c = s.charCodeAt(++i)) b = b * 10 + (c - C_0);
  const bDigits = i - bStart;
  if (s.charCodeAt(i) !== sep) return NaN;
  i++;
  let c3 = 0;
  const cStart = i;
  for (let c = s.charCodeAt(i); c >= C_0 && c <= C_9 && i < end; c = s.charCodeAt(++i)) c3 = c3 * 10 + (c - C_0);
  const cDigits = i - cStart;

  let year: number;
  let month: number;
  let day: number;
  if (aDigits === 4) {
    if (format !== 'auto' && format !== 'ymd') return NaN;
    if (bDigits < 1 || bDigits > 2 || cDigits < 1 || cDigits > 2) return NaN;
    year = a;
    month = b;
    day = c3;
  } else {
    if (format === 'ymd') return NaN;
    if (aDigits < 1 || aDigits > 2 || bDigits < 1 || bDigits > 2 || cDigits !== 4) return NaN;
    year = c3;
    if (format === 'dmy') {
      day = a;
      month = b;
    } else {
      month = a;
      day = b;
    }
  }
  if (year < 1000) return NaN; // Date.UTC would read 0–99 as 1900–1999
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;

  // --- a date without a time of day
  if (i === end) {
    scratch.dateOnly = true;
    return Date.UTC(year, month - 1, day);
  }
  // --- date/time separator: 'T' or spaces
  const dt = s.charCodeAt(i);
  if (dt === 84 /* T */ || dt === 116 /* t */) i++;
  else if (dt === C_SPACE) while (s.charCodeAt(i) === C_SPACE) i++;
  else return NaN;

  // --- time of day
  let hour = 0;
  const hStart = i;
  for (let c = s.charCodeAt(i); c >= C_0 && c <= C_9 && i < end; c = s.charCodeAt(++i)) hour = hour * 10 + (c - C_0);
  if (i - hStart < 1 || i - hStart > 2 || s.charCodeAt(i) !== 58 /* : */) return NaN;
  i++;
  const minute = twoDigits(s, i, end);
  if (minute < 0) return NaN;
  i += 2;
  let second = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58 && i < end) {
    second = twoDigits(s, i + 1, end);
    if (second < 0) return NaN;
    i += 3;
    if (s.charCodeAt(i) === 46 /* . */ && i < end) {
      i++;
      const fStart = i;
      let scale = 100;
      for (let c = s.charCodeAt(i); c >= C_0 && c <= C_9 && i < end; c = s.charCodeAt(++i)) {
        ms += (c - C_0) * scale;
        scale /= 10;
      }
      if (i === fStart) return NaN;
      ms = Math.floor(ms);
    }
  }
  if (minute > 59 || second > 59) return NaN;

  // --- optional AM/PM
  let j = i;
  while (j < end && s.charCodeAt(j) === C_SPACE) j++;
  const m0 = s.charCodeAt(j) | 0x20;
  if (j < end && (m0 === 97 /* a */ || m0 === 112) /* p */ && (s.charCodeAt(j + 1) | 0x20) === 109 /* m */) {
    if (hour < 1 || hour > 12) return NaN;
    if (m0 === 97) hour = hour === 12 ? 0 : hour;
    else hour = hour === 12 ? 12 : hour + 12;
    i = j + 2;
  } else if (hour > 23) {
    return NaN;
  }

  // --- optional zone: Z or ±HH[:MM], kept in scratch.offsetMinutes
  if (i < end) {
    const z = s.charCodeAt(i);
    if ((z === 90 /* Z */ || z === 122) && i + 1 === end) {
      i++;
      scratch.offsetMinutes = 0;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const zh = twoDigits(s, i + 1, end);
      if (zh < 0 || zh > 23) return NaN;
      i += 3;
      if (s.charCodeAt(i) === 58 && i < end) i++;
      let zm = 0;
      if (i < end) {
        zm = twoDigits(s, i, end);
        if (zm < 0 || zm > 59) return NaN;
        i += 2;
      }
      scratch.offsetMinutes = (z === 45 ? -1 : 1) * (zh * 60 + zm);
    }
  }
  if (i !== end) return NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number, end: number): number {
  if (i + 2 > end) return -1;
  const d0 = s.charCodeAt(i) - C_0;
  const d1 = s.charCodeAt(i + 1) - C_0;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9) return -1;
  return d0 * 10 + d1;
}

/** What to do with a date that has no time of day (`2012/07/02`). */
export type DateOnlyPolicy = 'drop' | 'noon';

/** How {@link IncidentClock.read} read its last text. */
export type TimeReading =
  /** no offset written: the wall clock as written */
  | 'local'
  /** an offset (or Z) written and converted into the clock's time zone */
  | 'converted'
  /** an offset (or Z) written but no time zone given: the wall clock as written was kept */
  | 'offset-kept'
  /** a date only, placed at 12:00 local time (`dateOnly: 'noon'`) */
  | 'date-at-noon'
  /** a date only, dropped (`dateOnly: 'drop'`); `read` returned NaN */
  | 'date-only'
  /** not a valid timestamp; `read` returned NaN */
  | 'invalid';

/** Options of {@link IncidentClock}. */
export interface IncidentClockOptions {
  /** Order of the date part (default `'auto'`, see {@link TimeFormat}). */
  readonly format?: TimeFormat;
  /**
   * The city's IANA time zone (`America/Chicago`). Times written with an offset (`Z`,
   * `-05:00`) are converted into its wall clock; times without one are its wall clock
   * already. Unset: every time is taken as the wall clock written (offsets kept, counted).
   */
  readonly timeZone?: string;
  /** Dates without a time of day: `'drop'` (default, rejected) or `'noon'` (12:00 local). */
  readonly dateOnly?: DateOnlyPolicy;
}

/**
 * Reads incident timestamps into the city's local wall clock (ms encoded as UTC, the
 * `IncidentTable` convention): offsets honoured when a time zone is given, dates without a
 * time placed at noon or dropped. Offsets of the zone come from `Intl.DateTimeFormat`,
 * cached per quarter hour of the instant (zone transitions fall on quarter hours).
 *
 * @throws BeatplanError `BAD_INPUT` (field `timeZone`) for an unknown IANA zone
 * @example
 * const clock = new IncidentClock({ timeZone: 'America/Chicago' });
 * clock.read('2015-01-23T18:30:00Z') === Date.UTC(2015, 0, 23, 12, 30) // true (CST = UTC−6)
 * clock.lastReading // 'converted'
 */
export class IncidentClock {
  /** How the last text passed to {@link read} was read. */
  lastReading: TimeReading = 'invalid';
  private readonly format: TimeFormat;
  private readonly dateOnly: DateOnlyPolicy;
  private readonly zone: Intl.DateTimeFormat | undefined;
  private readonly offsetByQuarter = new Map<number, number>();

  constructor(options: IncidentClockOptions = {}) {
    this.format = options.format ?? 'auto';
    this.dateOnly = options.dateOnly ?? 'drop';
    if (this.dateOnly !== 'drop' && this.dateOnly !== 'noon') {
      throw new BeatplanError('BAD_INPUT', "dateOnly must be 'drop' or 'noon'", { field: 'dateOnly', value: this.dateOnly });
    }
    if (options.timeZone !== undefined) {
      try {
        this.zone = new Intl.DateTimeFormat('en-US', {
          timeZone: options.timeZone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
      } catch {
        throw new BeatplanError('BAD_INPUT', `unknown IANA time zone "${options.timeZone}" (e.g. America/Chicago)`, {
          field: 'timeZone',
          value: options.timeZone,
        });
      }
    }
  }

  /** Local wall-clock ms (as UTC) of `text`, or NaN (see {@link lastReading} for why). Never throws. */
  read(text: string): number {
    const wall = parseTimeText(text, this.format);
    if (Number.isNaN(wall)) {
      this.lastReading = 'invalid';
      return NaN;
    }
    if (scratch.dateOnly) {
      if (this.dateOnly === 'drop') {
        this.lastReading = 'date-only';
        return NaN;
      }
      this.lastReading = 'date-at-noon';
      return wall + 12 * 3_600_000;
    }
    const offset = scratch.offsetMinutes;
    if (Number.isNaN(offset)) {
      this.lastReading = 'local';
      return wall;
    }
    if (this.zone === undefined) {
      this.lastReading = 'offset-kept';
      return wall;
    }
    this.lastReading = 'converted';
    const instant = wall - offset * 60_000;
    return instant + this.zoneOffsetMs(instant);
  }

  /** The zone's offset from UTC at `instant` (ms), cached per quarter hour. */
  zoneOffsetMs(instant: number): number {
    const quarter = Math.floor(instant / 900_000);
    let off = this.offsetByQuarter.get(quarter);
    if (off === undefined) {
      const at = quarter * 900_000;
      const p: Record<string, number> = {};
      for (const part of this.zone!.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
      if (this.offsetByQuarter.size > 200_000) this.offsetByQuarter.clear();
      this.offsetByQuarter.set(quarter, off);
    }
    return off;
  }
}
