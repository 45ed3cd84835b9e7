/**
 * What `score`, `plan` and `evaluate` share: reading the city (boundary, barriers, layers,
 * incidents), building the grid and scoring it, with timings. One function serves all three.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeatplanError, type ProgressFn } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { pointToCellLocator } from '../grid/locate.js';
import { readIncidents, type IngestReport } from '../io/read-incidents.js';
import { readBoundary, readLines, readPolygonLayer } from '../io/read-geojson-layers.js';
import { parseColumnMapping } from '../io/columns.js';
import { scoreCells, type PolygonLayer, type ScoreResult } from '../score/score-cells.js';
import { parseShifts } from '../score/shifts.js';

/** parseArgs option specs of the inputs every city command takes. */
export const CITY_OPTIONS = {
  boundary: { type: 'string' },
  incidents: { type: 'string' },
  out: { type: 'string' },
  resolution: { type: 'string' },
  layer: { type: 'string', multiple: true },
  barriers: { type: 'string' },
  shifts: { type: 'string' },
  map: { type: 'string' },
} as const;

/** The parsed values of {@link CITY_OPTIONS}. */
export interface CityArgs {
  boundary?: string;
  incidents?: string;
  out?: string;
  resolution?: string;
  layer?: string[];
  barriers?: string;
  shifts?: string;
  map?: string;
}

/** A city read, gridded and scored. */
export interface LoadedCity {
  grid: Grid;
  score: ScoreResult;
  ingest: IngestReport;
  boundary: Awaited<ReturnType<typeof readBoundary>> | undefined;
  timingsMs: { grid: number; ingest: number; score: number };
}

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

/**
 * Reads boundary, barriers, layers and incidents, builds the grid and scores it.
 * @param beats the number of beats wanted (steers the automatic resolution)
 */
export async function loadCity(
  args: CityArgs,
  options: { beats?: number; onProgress?: ProgressFn; grid?: Grid } = {},
): Promise<LoadedCity> {
  const incidentsFile = required(args.incidents, 'incidents');
  const resolution = intFlag(args.resolution, 'resolution', 0, 15);
  const shifts = args.shifts ? parseShifts(args.shifts) : undefined;
  const mapping = args.map ? parseColumnMapping(args.map) : undefined;
  const layerSpecs = (args.layer ?? []).map(parseLayerSpec);
  if (layerSpecs.filter((l) => l.kind === 'vulnerability').length > 1) {
    throw new BeatplanError('BAD_INPUT', 'at most one --layer may be :vulnerability', { field: '--layer' });
  }

  let t = performance.now();
  // With a prebuilt grid (a saved plan's), the boundary is optional: it only rescues
  // incidents at the city edge whose H3 cell centre falls outside.
  const boundary = options.grid && !args.boundary ? undefined : await readBoundary(required(args.boundary, 'boundary'));
  const barriers = args.barriers ? await readLines(args.barriers) : undefined;
  const grid = options.grid ?? buildGrid(boundary!, { resolution, beats: options.beats, barriers, onProgress: options.onProgress });
  const gridMs = performance.now() - t;

  t = performance.now();
  const { incidents, report: ingest } = await readIncidents(incidentsFile, {
    mapping,
    locate: pointToCellLocator(grid, boundary),
    onProgress: options.onProgress,
  });
  const ingestMs = performance.now() - t;

  t = performance.now();
  let population: PolygonLayer | undefined;
  let vulnerability: PolygonLayer | undefined;
  for (const spec of layerSpecs) {
    const { features } = await readPolygonLayer(spec.file, spec.field);
    if (spec.kind === 'vulnerability') vulnerability = { features };
    else population = { features: [...(population?.features ?? []), ...features] };
  }
  const score = scoreCells(grid, incidents, { shifts, population, vulnerability, onProgress: options.onProgress });
  const scoreMs = performance.now() - t;
  return { grid, score, ingest, boundary, timingsMs: { grid: gridMs, ingest: ingestMs, score: scoreMs } };
}

/** Writes `name` into `dir` (created when missing). JSON values are pretty-printed. */
export async function writeOut(dir: string, name: string, content: string | object): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

/** Rounds timings to 0.1 ms for reports. */
export function roundTimings<T extends Record<string, number>>(t: T): T {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) out[k] = Math.round(v * 10) / 10;
  return out as T;
}
