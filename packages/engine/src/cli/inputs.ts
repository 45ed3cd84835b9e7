/**
 * What `score`, `plan` and `evaluate` share: reading the city (boundary, barriers, layers,
 * incidents), building the grid and scoring it, with timings. One function serves all three.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatplanError, type ProgressFn } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import { parseColumnMapping } from '../io/columns.js';
import { IncidentClock } from '../io/dates.js';
import { type IngestReport, rejectedInWords } from '../io/incident-table-builder.js';
import { type LoadedCity, loadCity } from '../io/load-city.js';
import { areaCountsSummary, parseAreaCountsSpec } from '../io/read-area-counts.js';
import type { ReadIncidentsOptions } from '../io/read-incidents.js';
import type { RoadNetwork } from '../response/roads.js';
import { parseShifts } from '../score/shifts.js';
import { readRoadNetwork } from '../usecases/files.js';
import type { OptionSpec, OptionTable, OptionValues } from './options.js';

/** Options of the inputs every city command (score, plan, evaluate) takes. */
export const CITY_OPTIONS = {
  boundary: { type: 'string', value: 'B.geojson', required: true, description: 'City limits: GeoJSON (Multi)Polygon.' },
  incidents: {
    type: 'string',
    value: 'I.csv|I.geojson',
    required: true,
    description: 'Incidents: CSV or GeoJSON points (see File formats). Optional when --incident-counts is given.',
  },
  'incident-counts': {
    type: 'string',
    value: 'A.geojson:FIELD[=TYPE],…',
    description:
      "Incidents given as counts per polygon, a property per type (e.g. sf.geojson:Drugs=NARCOTICS,Robbery): each type's service time (the incident table; TYPE defaults to the field name upper-cased) turns counts into officer-hours, spread over the cells by intersection area and split over the shifts by length; added to --incidents. Features with a missing, non-numeric or negative count are left out and listed. Needs --counts-period-days.",
  },
  'counts-period-days': {
    type: 'string',
    value: 'DAYS',
    description: 'Days the --incident-counts cover (e.g. 184 for July-December): counts / (DAYS / 7) = per week.',
  },
  out: { type: 'string', value: 'DIR', required: true, description: 'Output folder (created when missing).' },
  resolution: {
    type: 'string',
    value: 'R',
    description: 'H3 resolution of the grid cells (0-15; 9 ≈ 0.1 km², 10 ≈ 0.015 km²).',
    default: 'the finest resolution that keeps the problem fast for the beat count',
  },
  layer: {
    type: 'string',
    multiple: true,
    value: 'FILE:FIELD[:vulnerability]',
    description:
      'Engagement layer: polygons with a count property (e.g. population) spread over cells by intersection area; with :vulnerability, a need multiplier (at most one).',
  },
  barriers: { type: 'string', value: 'L.geojson', description: 'Barrier lines (rivers, expressways): grid edges crossing them are cut.' },
  shifts: { type: 'string', value: 'H-H,...', description: 'Shift windows in local hours, covering the day.', default: '0-8,8-16,16-24' },
  timezone: {
    type: 'string',
    value: 'IANA',
    description:
      "The city's time zone (e.g. America/Chicago): incident times written with an offset (Z, -05:00) are converted into its wall clock, so they land in the right shifts; times without an offset are its wall clock already.",
    default: 'none: every time is taken as the wall clock written (offsets kept, with a warning)',
  },
  'date-only': {
    type: 'string',
    value: 'drop|noon',
    description: 'Incidents whose time is a date without a time of day: drop them (reason date_only) or place them at 12:00 local time.',
    default: 'drop',
  },
  map: {
    type: 'string',
    value: 'lat=COL,lng=COL,time=COL,type=COL[,priority=COL]',
    description: 'Incident column mapping for layouts that are not detected.',
    default: 'detected from the header (Chicago Data Portal and generic names)',
  },
} as const satisfies OptionTable;

/** The parsed values of {@link CITY_OPTIONS}. */
export type CityArgs = OptionValues<typeof CITY_OPTIONS>;

/** Throws `BAD_INPUT` naming the flag when a required flag is missing. */
export function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined || value === '') throw new BeatplanError('BAD_INPUT', `missing required flag --${flag}`, { field: `--${flag}` });
  return value;
}

/** Parses an integer flag, throwing `BAD_INPUT` naming it. */
export function intFlag(value: string | undefined, flag: string, min = -Infinity, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new BeatplanError('BAD_INPUT', `--${flag} must be an integer from ${min} to ${max}`, { field: `--${flag}`, value });
  }
  return v;
}

/** Parses a number flag, throwing `BAD_INPUT` naming it. */
export function numberFlag(value: string | undefined, flag: string, min = -Infinity, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isFinite(v) || v < min || v > max) {
    throw new BeatplanError('BAD_INPUT', `--${flag} must be a number from ${min} to ${max}`, { field: `--${flag}`, value });
  }
  return v;
}

/**
 * Parses `--layer FILE:FIELD[:vulnerability]` specs: count layers (population) are summed
 * and spread by area; one `:vulnerability` layer gives the need multiplier.
 */
export function parseLayerSpec(spec: string): { file: string; field: string; kind: 'population' | 'vulnerability' } {
  let kind: 'population' | 'vulnerability' = 'population';
  let rest = spec;
  const m = /:(population|vulnerability)$/.exec(rest);
  // "FILE:population" names a field called population; only FILE:FIELD:KIND has a kind.
  if (m && rest.slice(0, -m[0].length).includes(':')) {
    kind = m[1] as 'population' | 'vulnerability';
    rest = rest.slice(0, -m[0].length);
  }
  const at = rest.lastIndexOf(':');
  if (at <= 0 || at === rest.length - 1) {
    throw new BeatplanError('BAD_INPUT', '--layer must be FILE:FIELD[:vulnerability]', { field: '--layer', value: spec });
  }
  return { file: rest.slice(0, at), field: rest.slice(at + 1), kind };
}

/** The incident-reading flags every command that reads incidents takes (see {@link CITY_OPTIONS}). */
export type IncidentReadArgs = Pick<CityArgs, 'map' | 'timezone' | 'date-only'>;

/**
 * `--map`, `--timezone` and `--date-only` as `readIncidents` options, checked here so that a
 * bad value is `BAD_INPUT` naming the flag.
 * @example readIncidents(file, { ...incidentReadFlags(values), locate })
 */
export function incidentReadFlags(args: IncidentReadArgs): Pick<ReadIncidentsOptions, 'mapping' | 'timeZone' | 'dateOnly'> {
  const dateOnly = args['date-only'];
  if (dateOnly !== undefined && dateOnly !== 'drop' && dateOnly !== 'noon') {
    throw new BeatplanError('BAD_INPUT', '--date-only must be drop or noon', { field: '--date-only', value: dateOnly });
  }
  if (args.timezone !== undefined) {
    try {
      new IncidentClock({ timeZone: args.timezone });
    } catch (e) {
      throw new BeatplanError(
        'BAD_INPUT',
        '--timezone must be an IANA time zone such as America/Chicago',
        { field: '--timezone', value: args.timezone },
        { cause: e },
      );
    }
  }
  return { mapping: args.map ? parseColumnMapping(args.map) : undefined, timeZone: args.timezone, dateOnly };
}

/**
 * The IANA zone a saved plan's incidents were read in (`plan.json` `extra.incidents.times.timeZone`),
 * the default `--timezone` of commands that read new incidents against the plan.
 * @example incidentReadFlags({ ...values, timezone: values.timezone ?? planTimeZone(saved.extra) })
 */
export function planTimeZone(extra: Readonly<Record<string, unknown>>): string | undefined {
  const zone = (extra.incidents as { times?: { timeZone?: unknown } } | undefined)?.times?.timeZone;
  return typeof zone === 'string' ? zone : undefined;
}

/**
 * Reads boundary, barriers, layers and incidents named by the flags, builds the grid and
 * scores it (the engine's `loadCity`; with `grid` — a saved plan's — the boundary is optional).
 * @param beats the number of beats wanted (steers the automatic resolution)
 */
export async function loadCityFromArgs(
  args: CityArgs,
  options: { beats?: number; onProgress?: ProgressFn; grid?: Grid; log?: { write(s: string): unknown } } = {},
): Promise<LoadedCity> {
  const countsSpec = args['incident-counts'] ? parseAreaCountsSpec(args['incident-counts']) : undefined;
  const incidents = countsSpec ? args.incidents : required(args.incidents, 'incidents');
  const countsDays = numberFlag(args['counts-period-days'], 'counts-period-days', 1e-9);
  if (countsSpec && countsDays === undefined)
    throw new BeatplanError('BAD_INPUT', '--incident-counts needs --counts-period-days (the days the counts cover)', {
      field: '--counts-period-days',
    });
  const resolution = intFlag(args.resolution, 'resolution', 0, 15);
  const shifts = args.shifts ? parseShifts(args.shifts) : undefined;
  const read = incidentReadFlags(args);
  const layers = (args.layer ?? []).map(parseLayerSpec);
  const vulnerability = layers.filter((l) => l.kind === 'vulnerability');
  if (vulnerability.length > 1) throw new BeatplanError('BAD_INPUT', 'at most one --layer may be :vulnerability', { field: '--layer' });
  if (!options.grid) required(args.boundary, 'boundary');
  const city = await loadCity(
    {
      boundary: args.boundary ? { source: args.boundary } : undefined,
      incidents: incidents ? { source: incidents, read } : undefined,
      incidentCounts: countsSpec ? { source: countsSpec.file, columns: countsSpec.columns, periodDays: countsDays! } : undefined,
      barriers: args.barriers ? { source: args.barriers } : undefined,
      population: layers.filter((l) => l.kind === 'population').map((l) => ({ source: l.file, field: l.field })),
      vulnerability: vulnerability[0] ? { source: vulnerability[0].file, field: vulnerability[0].field } : undefined,
      resolution,
      beats: options.beats,
      score: { shifts },
    },
    { onProgress: options.onProgress, grid: options.grid },
  );
  if (incidents) options.log?.write(ingestSummary(city.ingest));
  if (city.areaCounts) options.log?.write(areaCountsSummary(city.areaCounts));
  return city;
}

/**
 * The ingest summary printed on the terminal by every command that reads incidents: rows
 * read, used and rejected per reason with example rows (CSV file lines, GeoJSON feature
 * indices), how times were read, and warnings with the flag that fixes them.
 * @example ingestSummary(city.ingest) // "incidents: crimes.csv: read 9999, used 9837, rejected 162 (missing_coordinates 162: lines 5, 34, 61, 81, 88, …)\n"
 */
export function ingestSummary(report: IngestReport): string {
  const total = report.read - report.used;
  const reasons = rejectedInWords(report);
  const lines = [
    `incidents: ${report.file ?? 'input'}: read ${report.read}, used ${report.used}, rejected ${total}${reasons ? ` (${reasons})` : ''}`,
  ];
  const t = report.times;
  if (t.converted > 0) lines.push(`incidents: ${t.converted} times written with a UTC offset converted into ${t.timeZone}`);
  if (t.dateAtNoon > 0) lines.push(`incidents: ${t.dateAtNoon} dates without a time of day placed at 12:00 local time (--date-only noon)`);
  for (const w of ingestWarnings(report)) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Where the incidents were not read as asked, one sentence each (with the flag that fixes it):
 * times written with a UTC offset whose clock reading was kept as local time (no `--timezone`),
 * and rows dropped because their time is a date without a time of day (`--date-only drop`).
 * {@link ingestSummary} prints them as warnings; under `--strict` a command that read incidents
 * exits 3 when there is any.
 * @example ingestWarnings(report) // ['9837 incident times carry a UTC offset (e.g. Z) but no --timezone was given: …']
 */
export function ingestWarnings(report: IngestReport): string[] {
  const out: string[] = [];
  if (report.times.offsetKept > 0) {
    out.push(
      `${report.times.offsetKept} incident times carry a UTC offset (e.g. Z) but no --timezone was given: the clock reading was kept as local time; pass --timezone IANA (e.g. America/Chicago) to convert them`,
    );
  }
  if (report.rejected.date_only > 0)
    out.push(
      `${report.rejected.date_only} incidents have a date without a time of day and were dropped; --date-only noon keeps them at 12:00`,
    );
  return out;
}

/** `--strict` of the commands whose only "not what was asked" is how the incidents were read. */
export const INGEST_STRICT_OPTION = {
  type: 'boolean',
  description:
    'Exit 3 when the incidents were not read as asked: times with a UTC offset kept as written (no --timezone), or rows dropped for a date without a time of day. Without it, the same is a warning on stderr.',
} as const satisfies OptionSpec;

/** Writes `name` into `dir` (created when missing). JSON values are pretty-printed. */
export async function writeOut(dir: string, name: string, content: string | object): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

// Shared with the plan use-case (pure, so it lives there).
export { roundTimings, SLIVER_POLSBY_POPPER, sliverFeatures } from '../usecases/plan-use-case.js';

/** The `--roads` option, shared by the commands that estimate response (see the "roads" file format). */
export const ROADS_OPTION = {
  type: 'string',
  value: 'R.geojson',
  description: "Road lines: response travel times on the road graph (shortest time at each road's speed) instead of the straight line.",
  default: 'straight line × 1.3 at 30 km/h',
} as const;

/**
 * Reads a `--roads` file into a road graph (undefined without a file), by the same reader as the
 * API's roads datasets (`readRoadNetwork`): every feature must be a LineString / MultiLineString.
 * @throws BeatplanError `INVALID_GEOMETRY` naming the file and feature (no geometry, a Polygon…);
 *   `BAD_INPUT` naming the feature for a bad coordinate or speed (see `roadNetworkFromGeojson`)
 */
export async function readRoads(file: string | undefined): Promise<RoadNetwork | undefined> {
  if (!file) return undefined;
  return readRoadNetwork(file, file);
}
