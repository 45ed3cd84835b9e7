/**
 * Declarative command-line options: one table per command gives both the `parseArgs` options
 * and the `--help` text, so an option cannot exist without its help line.
 */
import { parseArgs } from 'node:util';

/** One command-line option. */
export interface OptionSpec {
  /** `'string'` takes a value (`--x VALUE`), `'boolean'` is a switch. */
  readonly type: 'string' | 'boolean';
  /** One or two sentences: what it does, with units. */
  readonly description: string;
  /**
   * The default as shown in the help (text, e.g. `'0.05'` or `'the number of existing beats'`).
   * Shown only: the command applies its defaults itself, so an omitted option stays `undefined`.
   */
  readonly default?: string;
  /** The option may be repeated; its values arrive as an array. */
  readonly multiple?: boolean;
  /** Placeholder of the value in the help, e.g. `'FILE.geojson'` (default `VALUE`). */
  readonly value?: string;
  /** Shown as required in the help; the command still checks it (and names it when missing). */
  readonly required?: boolean;
  /** One-letter alias (`-x`). */
  readonly short?: string;
}

/** The option table of one command, by long name (without `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** What `--help` prints for one command. */
export interface CommandHelp {
  /** Command name as typed (`plan`, `token create`). */
  readonly name: string;
  /** One line: what the command does. */
  readonly summary: string;
  /** More paragraphs (outputs, behaviour), optional. */
  readonly details?: string;
  readonly options: OptionTable;
  /** Names of the file formats the command reads (keys of {@link FILE_FORMATS}). */
  readonly formats?: readonly FileFormat[];
}

/** The parsed values of an option table (`string`, `boolean`, or arrays of them with `multiple`). */
export type OptionValues<T extends OptionTable> = {
  -readonly [K in keyof T]?: T[K]['type'] extends 'boolean'
    ? T[K]['multiple'] extends true
      ? boolean[]
      : boolean
    : T[K]['multiple'] extends true
      ? string[]
      : string;
};

/** The `--help` switch every command accepts (added to every table by {@link parseOptions}). */
export const HELP_OPTION: OptionSpec = {
  type: 'boolean',
  short: 'h',
  description: 'Print this help (options, defaults, file formats) and exit 0.',
};

/**
 * Parses `argv` against `table` (strict: an unknown option or a missing value is an
 * `ERR_PARSE_ARGS_*` error, which the CLI reports as exit 2).
 * @example const values = parseOptions(['--beats', '25'], { beats: { type: 'string', description: 'K' } }); // { beats: '25' }
 */
export function parseOptions<T extends OptionTable>(argv: readonly string[], table: T): OptionValues<T> {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(table)) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  return values as OptionValues<T>;
}

/** True when `argv` asks for help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** The file formats the commands read, as printed under "File formats" in the help. */
export const FILE_FORMATS = {
  incidents: `Incidents (--incidents): CSV with a header, or GeoJSON Point features.
  Columns found by name (case, spaces and underscores ignored): latitude (Latitude, lat),
  longitude (Longitude, lng, lon, long), time (Date, datetime, time, timestamp), type
  (Primary Type, type, Category, Offense, Description), optional priority (Priority). The
  Chicago Data Portal export works without flags; other layouts: --map lat=COL,lng=COL,time=COL,type=COL.
  GeoJSON: coordinates from the Point geometry, the other fields from properties.
  Times: MM/DD/YYYY hh:mm[:ss] [AM|PM], YYYY-MM-DD[T ]HH:mm[:ss[.sss]], YYYY/MM/DD HH:mm[:ss];
  an offset (Z, +HH:MM, -HH:MM) is honoured (the instant is converted to --timezone's wall
  clock, or kept as written when no --timezone is given); a date without a time is rejected
  unless --date-only noon. Rows without a usable position, time or type are rejected and
  counted by reason (summary on stderr); a file whose rows are all rejected is exit 2.`,
  geojson: `GeoJSON layers: RFC 7946 FeatureCollection (or Feature/geometry), [lng, lat] WGS84.
  --boundary: (Multi)Polygon city limits (holes allowed). --barriers: LineStrings (rivers,
  expressways) whose crossings cut grid adjacency. --existing / --districts / --areas:
  (Multi)Polygon features with an id property (--existing-id / --district-id / FILE:FIELD).
  --layer FILE:FIELD: polygons with a numeric count property (e.g. population), spread over the
  cells by intersection area; FILE:FIELD:vulnerability: a multiplier per polygon (the mean over
  a cell's area). --venues: Point features with a name property (meeting places).`,
  roster: `Roster (--roster): CSV, one row per officer, columns (header names, any order):
  officer_id (unique, required), name, shift (a shift id of the plan, e.g. 0-8, required),
  rank (Sergeant / Field Training Officer / Police Officer …), current_beat (the beat the
  officer works now, read against the plan's predecessor or existing beats), skills
  (;-separated, e.g. spanish;bike), available (true/false, default true). Bad rows are listed
  with line and field and left out.`,
  fleet: `Fleet (--fleet): CSV shift,vehicle_type,count — vehicles per shift (repeated rows summed).`,
  roads: `Roads (--roads): GeoJSON LineString / MultiLineString features, [lng, lat] WGS84. Lines join
  where they share a vertex; every segment is driven both ways. Speed (km/h) from a numeric
  speed_kmh property, else maxspeed ("50", "30 mph"), else the class in highway / class / fclass /
  type: motorway 90, trunk 70, primary 50, secondary 45, tertiary 40, residential / unclassified /
  road 30, service 20, living_street 15, track 15 (links slower); else 30. footway, path,
  cycleway, steps, pedestrian, bridleway are left out. Cell centres join their nearest road
  node at 20 km/h × the detour factor 1.3. Without --roads: straight line × 1.3 at 30 km/h.`,
  plan: `Plan (--plan): the plan.json written by \`beatplan plan\` ("format": "beatplan.plan/1").`,
} as const;

/** A key of {@link FILE_FORMATS}. */
export type FileFormat = keyof typeof FILE_FORMATS;

/** An option as written on a usage line, e.g. `--layer FILE:FIELD ...` (also the left column of its help line). */
export function optionLabel(name: string, o: OptionSpec): string {
  const short = o.short ? `-${o.short}, ` : '';
  const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : '';
  return `${short}--${name}${value}${o.multiple ? ' ...' : ''}`;
}

/** Wraps `text` to `width` columns, each line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/**
 * The options part of a help text: one entry per option of `table`, with its value
 * placeholder, `(required)` / `(repeatable)`, its description and `[default: …]`.
 */
export function formatOptions(table: OptionTable): string {
  const entries = Object.entries({ ...table, help: table.help ?? HELP_OPTION });
  const labels = entries.map(([name, o]) => optionLabel(name, o));
  const col = Math.min(34, Math.max(...labels.map((l) => l.length)) + 2);
  return entries
    .map(([, o], k) => {
      const label = labels[k]!;
      const tags = [o.required ? '(required)' : '', o.multiple ? '(repeatable)' : ''].filter(Boolean).join(' ');
      const text = `${tags ? `${tags} ` : ''}${o.description}${o.default !== undefined ? ` [default: ${o.default}]` : ''}`;
      const head = label.length + 2 <= col ? `  ${label.padEnd(col)}` : `  ${label}\n  ${' '.repeat(col)}`;
      return `${head}${wrap(text, 100 - col, col + 2)}`;
    })
    .join('\n');
}

/** The whole `beatplan COMMAND --help` text: usage, summary, options with defaults, file formats. */
export function formatHelp(help: CommandHelp): string {
  const required = Object.entries(help.options)
    .filter(([, o]) => o.required)
    .map(([name, o]) => optionLabel(name, o));
  const parts = [
    `beatplan ${help.name} — ${help.summary}`,
    `Usage: beatplan ${help.name}${required.length ? ` ${required.join(' ')}` : ''} [options]`,
  ];
  if (help.details) parts.push(wrap(help.details, 100, 0));
  parts.push(`Options:\n${formatOptions(help.options)}`);
  if (help.formats?.length) parts.push(`File formats:\n${help.formats.map((f) => `  ${FILE_FORMATS[f]}`).join('\n\n')}`);
  parts.push(
    'Exit codes: 0 ok, 1 failure, 2 bad input (message names file, row and field), 3 under --strict when the result is not what was asked.',
  );
  return `${parts.join('\n\n')}\n`;
}
