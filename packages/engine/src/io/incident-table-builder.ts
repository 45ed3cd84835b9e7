/**
 * Row-level checks for incidents and the growable columnar buffers they are written to.
 * One builder serves the CSV and the GeoJSON readers, so both reject rows for the same
 * reasons and count them the same way.
 */
import { BeatplanError } from '../errors.js';
import type { IncidentTable } from '../score/types.js';
import type { IngestLayout, ResolvedColumns } from './columns.js';
import { type DateOnlyPolicy, IncidentClock, type TimeFormat } from './dates.js';

/**
 * Why a row was not used. Each rejected row is counted under exactly one reason, checked
 * in this order: `malformed_row` (wrong number of CSV fields, or a record the CSV parser
 * could not read), `invalid_geometry` (GeoJSON feature that is not a Point),
 * `missing_coordinates` (blank, or exactly 0,0), `swapped_coordinates` / `invalid_coordinates`,
 * `invalid_time`, `date_only` (a date without a time of day, unless read at noon), `unknown_type`, then `outside_boundary` / `swapped_coordinates` from the
 * locator.
 */
export type RejectReason =
  | 'malformed_row'
  | 'invalid_geometry'
  | 'missing_coordinates'
  | 'invalid_coordinates'
  | 'swapped_coordinates'
  | 'invalid_time'
  | 'date_only'
  | 'unknown_type'
  | 'outside_boundary';

/** Every {@link RejectReason}, in the order rows are checked. */
export const REJECT_REASONS: readonly RejectReason[] = [
  'malformed_row',
  'invalid_geometry',
  'missing_coordinates',
  'swapped_coordinates',
  'invalid_coordinates',
  'invalid_time',
  'date_only',
  'unknown_type',
  'outside_boundary',
];

/** How many examples (row numbers) are kept per reason. */
export const EXAMPLES_PER_REASON = 5;

/**
 * What ingest read, used and rejected. Invariant: `read === used + Σ rejected`.
 */
export interface IngestReport {
  /** The file name given or the path read; absent for anonymous streams. */
  readonly file?: string;
  readonly format: 'csv' | 'geojson';
  readonly layout: IngestLayout;
  /** The columns (CSV) or properties (GeoJSON) read for each field. */
  readonly columns: ResolvedColumns;
  /** Data rows (CSV, blank lines not counted) or features (GeoJSON) read. */
  readonly read: number;
  /** Rows written to the incident table. */
  readonly used: number;
  /** Rejected rows per reason; every reason is present (0 when none). */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /**
   * First five rows per reason: CSV — the 1-based file line where the record starts (the
   * header is line 1, so the first data row is 2); GeoJSON — the 0-based index in `features`.
   */
  readonly examples: Readonly<Record<RejectReason, readonly number[]>>;
  /** Earliest and latest used incident time (wall clock as UTC ms), null when none used. */
  readonly timeRange: { readonly minMs: number; readonly maxMs: number } | null;
  /**
   * Rows read per incident type (upper-case, trimmed; blank types not counted): the file's
   * type mix, rejected rows included except `malformed_row` (whose fields cannot be trusted).
   */
  readonly types: Readonly<Record<string, number>>;
  /** Used incidents per type; the keys are `incidents.types`, in the same order. */
  readonly typesUsed: Readonly<Record<string, number>>;
  /** How the used rows' times were read (each used row counted once). */
  readonly times: IngestTimes;
  /**
   * Used rows whose priority is given but is no number ≥ 1 ("urgent", "-3"): kept as incidents
   * without a priority. Present only when there are some; `examples` as for rejected rows,
   * `values` the first texts met.
   */
  readonly unreadPriorities?: { readonly count: number; readonly examples: readonly number[]; readonly values: readonly string[] };
}

/**
 * The rejected rows of a report in words, most frequent reason first, each with its example rows
 * (CSV file lines, GeoJSON feature indices); '' when none was rejected.
 * @example rejectedInWords(report) // 'missing_coordinates 162: lines 5, 34, 61, 81, 88, …; outside_boundary 43: lines 202, 417, …'
 */
export function rejectedInWords(report: IngestReport): string {
  const where = report.format === 'csv' ? 'lines' : 'features';
  return REJECT_REASONS.filter((r) => report.rejected[r] > 0)
    .sort((a, b) => report.rejected[b] - report.rejected[a])
    .map(
      (r) =>
        `${r} ${report.rejected[r]}: ${where} ${report.examples[r].join(', ')}${report.rejected[r] > report.examples[r].length ? ', …' : ''}`,
    )
    .join('; ');
}

/**
 * Used rows whose priority is no number ≥ 1, in words (kept as calls without a priority), or
 * null when there are none (or no priority column).
 * @example unreadPriorityWarning(report) // '2 incidents have a priority that is not a number ≥ 1 (Priority: "urgent" at line 10, …): …'
 */
export function unreadPriorityWarning(report: IngestReport): string | null {
  const up = report.unreadPriorities;
  if (!up) return null;
  const where = report.format === 'csv' ? 'line' : 'feature';
  const eg = up.examples.map((row, k) => `${JSON.stringify(up.values[k])} at ${where} ${row}`).join(', ');
  return `${up.count} incidents have a priority that is not a number ≥ 1 (${report.columns.priority ?? 'priority'}: ${eg}${up.count > up.examples.length ? ', …' : ''}): kept as calls without a priority (queued after every numbered one)`;
}

/** How the used incidents' timestamps were read; see `IncidentClock`. */
export interface IngestTimes {
  /** The IANA zone times were converted into, or null (wall clock as written). */
  readonly timeZone: string | null;
  /** Rows written with an offset (`Z`, `±HH:MM`) converted into `timeZone`'s wall clock. */
  readonly converted: number;
  /** Rows written with an offset but read as the wall clock written (no `timeZone` given). */
  readonly offsetKept: number;
  /** Rows holding a date only, placed at 12:00 local time (`dateOnly: 'noon'`). */
  readonly dateAtNoon: number;
}

/** The row-independent settings of a builder. */
export interface IncidentRowRules {
  locate?: (lng: number, lat: number) => number;
  /** Upper-case, trimmed type names; a type outside it is `unknown_type`. */
  knownTypes?: ReadonlySet<string>;
  timeFormat: TimeFormat;
  /** The city's IANA time zone: offsets are converted into it (see `IncidentClock`). */
  timeZone?: string;
  /** Dates without a time of day: `'drop'` (default; reason `date_only`) or `'noon'`. */
  dateOnly?: DateOnlyPolicy;
  /** For the "too many types" message. */
  file?: string;
  typeColumn?: string;
}

const MAX_TYPES = 65536; // typeIndex is a Uint16Array
const INITIAL_CAPACITY = 4096;
/** Bound on the per-spelling caches, so a free-text "type" column cannot exhaust memory. */
const MAX_CACHED_SPELLINGS = 100_000;

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 32) return false;
  return true;
}

/**
 * Accumulates incident rows into doubling typed-array buffers and counts rejected rows by
 * reason. Call {@link add} or {@link addText} per row, {@link reject} for rows the reader
 * rejects itself, then {@link finish}.
 */
export class IncidentTableBuilder {
  private capacity = INITIAL_CAPACITY;
  private lng = new Float64Array(INITIAL_CAPACITY);
  private lat = new Float64Array(INITIAL_CAPACITY);
  private timeMs = new Float64Array(INITIAL_CAPACITY);
  private typeIndex = new Uint16Array(INITIAL_CAPACITY);
  private priority = new Float32Array(INITIAL_CAPACITY);
  private cell = new Int32Array(INITIAL_CAPACITY);
  private readonly types: string[] = [];
  private readonly typeCounts: number[] = [];
  private readonly indexByType = new Map<string, number>();
  /** Rows read per normalized type (rejected rows included). */
  private readonly readTypeCounts = new Map<string, number>();
  /** Raw type text → normalized type, so trim/upper-case runs once per distinct spelling. */
  private readonly normalizedByRaw = new Map<string, string>();
  private readonly rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  private readonly examples = Object.fromEntries(REJECT_REASONS.map((r) => [r, [] as number[]])) as Record<RejectReason, number[]>;
  private minMs = Infinity;
  private maxMs = -Infinity;
  private readonly clock: IncidentClock;
  private readonly times = { converted: 0, offsetKept: 0, dateAtNoon: 0 };
  private readonly unreadPriority = { count: 0, examples: [] as number[], values: [] as string[] };
  read = 0;
  used = 0;

  /** @throws BeatplanError `BAD_INPUT` for an unknown time zone or date-only policy */
  constructor(private readonly rules: IncidentRowRules) {
    this.clock = new IncidentClock({ format: rules.timeFormat, timeZone: rules.timeZone, dateOnly: rules.dateOnly });
  }

  /**
   * Counts one row as rejected for `reason`; `typeText` (when the row's type is known) goes
   * into the type mix.
   */
  reject(reason: RejectReason, row: number, typeText?: string): void {
    if (typeText !== undefined) this.normalizeType(typeText);
    this.read++;
    this.rejected[reason]++;
    const ex = this.examples[reason];
    if (ex.length < EXAMPLES_PER_REASON) ex.push(row);
  }

  /** A priority text as a number ≥ 1, else NaN (no priority), counted with its row. */
  private readPriority(text: string, row: number): number {
    const p = Number(text);
    if (p >= 1 && Number.isFinite(p)) return p;
    const u = this.unreadPriority;
    u.count++;
    if (u.examples.length < EXAMPLES_PER_REASON) {
      u.examples.push(row);
      u.values.push(text.trim().slice(0, 40));
    }
    return NaN;
  }

  /**
   * A row whose coordinates are text (CSV): blank → `missing_coordinates`, unparsable →
   * `invalid_coordinates`; then as {@link add}.
   */
  addText(
    row: number,
    latText: string,
    lngText: string,
    timeText: string | undefined,
    typeText: string | undefined,
    priorityText: string | undefined,
  ): void {
    if (isBlank(latText) || isBlank(lngText)) {
      this.reject('missing_coordinates', row, typeText);
      return;
    }
    this.add(row, Number(latText), Number(lngText), timeText, typeText, priorityText);
  }

  /** A row with numeric coordinates (degrees; NaN = unparsable). */
  add(
    row: number,
    lat: number,
    lng: number,
    timeText: string | undefined,
    typeText: string | undefined,
    priorityText: string | undefined,
  ): void {
    const type = typeText === undefined ? '' : this.normalizeType(typeText);
    // --- coordinates
    if (lat === 0 && lng === 0) return this.reject('missing_coordinates', row);
    if (!(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
      // NaN fails both comparisons and lands here too.
      const swapped = Math.abs(lat) <= 180 && Math.abs(lng) <= 90;
      return this.reject(swapped ? 'swapped_coordinates' : 'invalid_coordinates', row);
    }
    // --- time
    const clock = this.clock;
    const t = timeText === undefined ? NaN : clock.read(timeText);
    if (Number.isNaN(t))
      return this.reject(timeText !== undefined && clock.lastReading === 'date-only' ? 'date_only' : 'invalid_time', row);
    const reading = clock.lastReading;
    // --- type
    if (type === '' || (this.rules.knownTypes !== undefined && !this.rules.knownTypes.has(type))) {
      return this.reject('unknown_type', row);
    }
    // --- boundary
    let cell = -1;
    const locate = this.rules.locate;
    if (locate !== undefined) {
      cell = locate(lng, lat);
      if (cell < 0) {
        const swapped = Math.abs(lng) <= 90 && locate(lat, lng) >= 0;
        return this.reject(swapped ? 'swapped_coordinates' : 'outside_boundary', row);
      }
    }
    // --- accept
    let ti = this.indexByType.get(type);
    if (ti === undefined) {
      ti = this.types.length;
      if (ti >= MAX_TYPES) {
        throw new BeatplanError('BAD_INPUT', `more than ${MAX_TYPES} distinct incident types: the type column is probably not a type`, {
          file: this.rules.file,
          row,
          field: this.rules.typeColumn,
          value: typeText,
        });
      }
      this.types.push(type);
      this.typeCounts.push(0);
      this.indexByType.set(type, ti);
    }
    const i = this.used;
    if (i === this.capacity) this.grow();
    this.lng[i] = lng;
    this.lat[i] = lat;
    this.timeMs[i] = t;
    this.typeIndex[i] = ti;
    this.priority[i] = priorityText === undefined || isBlank(priorityText) ? NaN : this.readPriority(priorityText, row);
    this.cell[i] = cell;
    this.typeCounts[ti]++;
    if (reading === 'converted') this.times.converted++;
    else if (reading === 'offset-kept') this.times.offsetKept++;
    else if (reading === 'date-at-noon') this.times.dateAtNoon++;
    if (t < this.minMs) this.minMs = t;
    if (t > this.maxMs) this.maxMs = t;
    this.used = i + 1;
    this.read++;
  }

  /** Upper-case trimmed type, counted into the type mix (blank → ''). */
  private normalizeType(typeText: string): string {
    let type = this.normalizedByRaw.get(typeText);
    if (type === undefined) {
      type = typeText.trim().toUpperCase();
      if (this.normalizedByRaw.size < MAX_CACHED_SPELLINGS) this.normalizedByRaw.set(typeText, type);
    }
    if (type !== '') {
      const n = this.readTypeCounts.get(type);
      if (n !== undefined) this.readTypeCounts.set(type, n + 1);
      else if (this.readTypeCounts.size < MAX_CACHED_SPELLINGS) this.readTypeCounts.set(type, 1);
    }
    return type;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    const grown = <T extends Float64Array | Float32Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.lng = grown(this.lng, (n) => new Float64Array(n));
    this.lat = grown(this.lat, (n) => new Float64Array(n));
    this.timeMs = grown(this.timeMs, (n) => new Float64Array(n));
    this.typeIndex = grown(this.typeIndex, (n) => new Uint16Array(n));
    this.priority = grown(this.priority, (n) => new Float32Array(n));
    this.cell = grown(this.cell, (n) => new Int32Array(n));
    this.capacity = cap;
  }

  /** The incident table (arrays trimmed to `used`) and the report. */
  finish(meta: Pick<IngestReport, 'file' | 'format' | 'layout' | 'columns'>): {
    incidents: IncidentTable;
    report: IngestReport;
  } {
    const n = this.used;
    const incidents: IncidentTable = {
      count: n,
      lng: this.lng.slice(0, n),
      lat: this.lat.slice(0, n),
      timeMs: this.timeMs.slice(0, n),
      typeIndex: this.typeIndex.slice(0, n),
      types: this.types.slice(),
      priority: this.priority.slice(0, n),
      cell: this.cell.slice(0, n),
    };
    const typesUsed: Record<string, number> = {};
    this.types.forEach((t, i) => (typesUsed[t] = this.typeCounts[i]));
    const types = Object.fromEntries(this.readTypeCounts);
    const report: IngestReport = {
      ...(meta.file !== undefined ? { file: meta.file } : {}),
      format: meta.format,
      layout: meta.layout,
      columns: meta.columns,
      read: this.read,
      used: n,
      rejected: { ...this.rejected },
      examples: Object.fromEntries(REJECT_REASONS.map((r) => [r, this.examples[r].slice()])) as Record<RejectReason, number[]>,
      timeRange: n > 0 ? { minMs: this.minMs, maxMs: this.maxMs } : null,
      types,
      typesUsed,
      times: { timeZone: this.rules.timeZone ?? null, ...this.times },
      ...(this.unreadPriority.count > 0
        ? {
            unreadPriorities: {
              count: this.unreadPriority.count,
              examples: this.unreadPriority.examples.slice(),
              values: this.unreadPriority.values.slice(),
            },
          }
        : {}),
    };
    return { incidents, report };
  }
}
