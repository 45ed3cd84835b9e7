/**
 * `beatplan plan`: grid + ingest + score + districting → plan.json, beats.geojson,
 * cells.csv, metrics.json (and existing-metrics.json / comparison.json with --existing).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError } from '../../errors.js';
import type { LineLike } from '../../geo/geojson.js';
import { readJson } from '../../io/json.js';
import { readBoundary } from '../../io/read-geojson-layers.js';
import type { PlanLineage } from '../../plan/lineage.js';
import { planFromJson } from '../../plan/output.js';
import type { PlanMetrics, UnitBalanceBound } from '../../plan/types.js';
import { DEFAULT_TOLERANCE } from '../../plan/weights.js';
import type { ResponseAssumptions } from '../../response/estimate-response.js';
import type { CellUnits } from '../../units/assign.js';
import { readIdPolygons } from '../../usecases/files.js';
import { parseBalance, planContextOfCity } from '../../usecases/plan.js';
import { type ParentPlanInput, planOnContext, predecessorBeatCount } from '../../usecases/plan-use-case.js';
import {
  CITY_OPTIONS,
  ingestWarnings,
  intFlag,
  loadCityFromArgs,
  numberFlag,
  ROADS_OPTION,
  readRoads,
  required,
  writeOut,
} from '../inputs.js';
import { type CommandHelp, type OptionTable, parseOptions } from '../options.js';
import { terminalProgress } from '../progress.js';
import type { CliIo } from '../run.js';

/** Options of `beatplan plan` (parse table and help in one). */
export const PLAN_OPTIONS = {
  ...CITY_OPTIONS,
  beats: {
    type: 'string',
    value: 'K',
    description: 'Number of beats.',
    default:
      'the number of --from beats; else the number of --existing beats that hold a grid cell and are not slivers (area-weighted Polsby-Popper of the parts < 0.15; named in a warning); else total workload / 100.8 officer-hours (one post around the clock at 60%)',
  },
  tolerance: {
    type: 'string',
    value: 'EPS',
    description: "Balance band: every beat within ±EPS of the mean workload (GerryChain's convention; 0.025 = ±2.5%).",
    default: '0.025',
  },
  seed: { type: 'string', value: 'N', description: 'Seed of every random choice (same input and seed, same plan).', default: '1' },
  existing: {
    type: 'string',
    value: 'E.geojson',
    description: 'Current beats: evaluated on the same grid and scores (existing-metrics.json, comparison.json).',
  },
  'existing-id': {
    type: 'string',
    value: 'FIELD',
    description: 'Property holding the current beat id.',
    default: 'feature id, else its 1-based position',
  },
  districts: { type: 'string', value: 'D.geojson', description: 'Districts: each beat is nested in one district.' },
  'district-id': {
    type: 'string',
    value: 'FIELD',
    description: 'Property holding the district id.',
    default: 'feature id, else its 1-based position',
  },
  balance: {
    type: 'string',
    value: 'total|shift:ID|mix:W,N',
    description: "What is balanced: total workload, one shift's workload, or a mix of workload and need weighted W:N.",
    default: 'total',
  },
  from: {
    type: 'string',
    value: 'PARENT/plan.json',
    description:
      "The predecessor plan: beats inherit its ids by overlap (optimal matching on shared workload; new beats get ids no ancestor used), plan.json records the lineage (parent sha256 and name, shares per beat), and staffing reads a roster's current_beat against it. Without --from, --existing is the parent.",
  },
  'start-from-existing': {
    type: 'boolean',
    description: 'Start the search from the predecessor (--from, else --existing), for minimal change.',
  },
  'max-change': {
    type: 'string',
    value: 'F',
    description:
      'Change budget with --start-from-existing: the largest share (0-1) of the total workload whose cells may change beat. The plan gets as close to the band as that allows and says how close (warning; exit 3 with --strict).',
    default: 'no budget',
  },
  'change-curve': {
    type: 'string',
    value: 'F1,F2,...',
    description:
      'With --start-from-existing: plans once per change budget and writes DIR/change-curve.json (per budget: moved workload share, max/mean, cv, beats outside the band, Polsby-Popper mean and min).',
  },
  strict: {
    type: 'boolean',
    description:
      'Exit 3 when the result is not what was asked: beats outside the band, a change budget that could not reach it, an option ignored, incident times kept with their UTC offset or date-only rows dropped. Without it, the same is a warning on stderr and in metrics.json.',
  },
  lock: { type: 'string', value: 'ID,ID,...', description: 'Current beats kept exactly as they are (needs --existing).' },
  'time-limit': { type: 'string', value: 'MS', description: 'Time budget of the local search, milliseconds.', default: 'no limit' },
  venues: {
    type: 'string',
    value: 'V.geojson',
    description: 'Meeting venues (Point features with a name): nearest venue and walking time per beat.',
  },
  areas: {
    type: 'string',
    value: 'A.geojson:FIELD',
    description: 'Equity lens: officer, community and reactive hours per area (equity.json), current beats vs plan.',
  },
  roads: {
    ...ROADS_OPTION,
    description: `${ROADS_OPTION.description} Without --units, the street blocks the roads enclose (with the city limits) are the units: beats follow streets (docs/units.md).`,
  },
  units: {
    type: 'string',
    value: 'U.geojson[:ID_FIELD]',
    description:
      'Atomic units (census blocks or block groups, street blocks): the cells of one unit always share a beat (each cell belongs to the unit holding most of its area; units smaller than a cell merge into the unit holding their cell, named in metrics.json). The balance the units allow is reported (metrics.json "units"); a band they cannot reach is a warning (exit 3 with --strict): each unit above the band gets a beat of its own and the other beats are balanced to the band asked. plan.json and cells.csv record each cell\'s unit (docs/units.md).',
    default:
      "the --from parent's units when it was planned on units on the same grid, else none (every cell moves alone); ids: ID_FIELD, else the feature id, else the 1-based position",
  },
} as const satisfies OptionTable;

/** `beatplan plan --help`. */
export const PLAN_HELP = {
  name: 'plan',
  summary: 'partition the city into contiguous, compact, workload-balanced beats',
  details:
    'Writes DIR/plan.json ("format": "beatplan.plan/1"), DIR/beats.geojson (one dissolved feature per beat), DIR/cells.csv (h3, beat, workload, need, …) and DIR/metrics.json; with --existing also existing-metrics.json and comparison.json; with --areas equity.json. With a parent (--from, else --existing) the beats inherit its ids and plan.json records the lineage (docs/lineage.md).',
  options: PLAN_OPTIONS,
  formats: ['incidents', 'geojson', 'roads'],
} as const satisfies CommandHelp;

/** Reads `--existing`, `--districts` or `--areas` (the use-cases' reader; errors name the path as given). */
const readIdPolygonsFile = (path: string, idField: string | undefined, flag: string) =>
  readIdPolygons({ path, fileName: path, ...(idField !== undefined ? { idField } : {}) }, flag);

/**
 * Splits `FILE[:FIELD]`: the text after the last colon is a field unless it holds a path
 * separator (so `C:\\x.geojson` is a file).
 * @example splitOptionalField('blocks.geojson:GEOID') // ['blocks.geojson', 'GEOID']
 */
export function splitOptionalField(spec: string): [string, string | undefined] {
  const at = spec.lastIndexOf(':');
  if (at > 0 && at < spec.length - 1 && !/[\\/]/.test(spec.slice(at + 1))) return [spec.slice(0, at), spec.slice(at + 1)];
  return [spec, undefined];
}

/** Summary line of the units a plan keeps whole. */
export function unitsLine(units: CellUnits, bound: UnitBalanceBound | undefined): string {
  const r = units.report;
  const merged = r?.mergedUnits ?? [];
  return (
    `units: ${units.unitIds.length} units` +
    (r
      ? ` from ${r.features} features (${merged.length} merged into a neighbour${
          merged.length
            ? `: ${merged
                .slice(0, 10)
                .map((m) => `${m.id} → ${m.into ?? 'outside the grid'}`)
                .join(', ')}${merged.length > 10 ? ', …' : ''}`
            : ''
        }; ` + `${r.uncoveredCells} cells covered by no unit; ${r.splitUnits.length} units mended)`
      : '') +
    (bound
      ? `; heaviest unit ${bound.heaviestUnit} = ${bound.heaviestOverMean.toFixed(3)}× the mean beat workload, narrowest reachable band ±${bound.reachableTolerance.toFixed(3)}`
      : '')
  );
}

/** Splits `FILE:FIELD` (the field after the last colon). */
function splitSpec(spec: string, flag: string): [string, string] {
  const at = spec.lastIndexOf(':');
  if (at <= 0 || at === spec.length - 1)
    throw new BeatplanError('BAD_INPUT', `${flag} must be FILE:ID_FIELD`, { field: flag, value: spec });
  return [spec.slice(0, at), spec.slice(at + 1)];
}

/** Parses `--balance total | shift:ID | mix:W,N` (the use-case's parser, shared with the API's `balance`). */
export { parseBalance };

/**
 * Summary line of response figures (a `response` block of metrics.json / staffing.json), each
 * named for what it holds, with the travel assumption it rests on: travel time (dispatched unit
 * to call), response time (queue wait + travel), utilisation, cross-beat dispatch.
 * @example responseLine('plan', metrics.response)
 *   // 'plan response: travel time mean 2.07 min, p90 3.60 min; response time (queue wait + travel) mean 2.07 min; …'
 */
export function responseLine(label: string, response: unknown): string {
  type City = {
    meanTravelMinutes: number | null;
    p90TravelMinutes: number | null;
    meanResponseMinutes?: number | null;
    rho?: number;
    crossBeatShare: number | null;
  };
  const r = response as { city?: City; assumptions?: ResponseAssumptions } | undefined;
  const c = r?.city;
  if (!c) return `${label} response: not available`;
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  const a = r.assumptions;
  const one = (xs: ReadonlyArray<number | null> | undefined) => [...new Set((xs ?? []).filter((x) => x !== null))].join('/');
  const travel = !a
    ? ''
    : a.speedKmh.every((x) => x === null)
      ? "; assumed: travel on the road graph at each road's speed, no dispatch delay"
      : `; assumed: travel straight line × ${one(a.detourFactor)} at ${one(a.speedKmh)} km/h plus barrier detours, no dispatch delay`;
  return (
    `${label} response: travel time mean ${f(c.meanTravelMinutes)} min, p90 ${f(c.p90TravelMinutes)} min; ` +
    `response time (queue wait + travel) mean ${f(c.meanResponseMinutes)} min; utilisation ${pct(c.rho)}, cross-beat dispatch ${pct(c.crossBeatShare)}${travel}`
  );
}

/** Summary line of a metrics object. */
export function metricsLine(label: string, m: PlanMetrics): string {
  return (
    `${label}: ${m.beats} beats, workload max/mean ${m.workload.maxOverMean.toFixed(3)}, cv ${m.workload.cv.toFixed(3)}, ` +
    `PP mean ${m.compactness.polsbyPopperMean.toFixed(3)}, non-contiguous ${m.contiguity.nonContiguousBeats}, unassigned ${m.unassignedCells}`
  );
}

/**
 * Reads a parent `plan.json` for `--from`: its parsed cells, beats and lineage, named by its
 * path, with its content hash (sha256 of the file's bytes as read).
 * @throws BeatplanError `PARSE_ERROR` / `UNSUPPORTED_FORMAT` naming the file
 */
export async function readParentPlanFile(file: string): Promise<ParentPlanInput> {
  const bytes = await readFile(file);
  try {
    const parsed = planFromJson(JSON.parse(bytes.toString('utf8')));
    return { parsed, name: file, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (e) {
    if (e instanceof BeatplanError)
      throw new BeatplanError(e.code, e.message, { ...e.details, file, field: e.details.field ?? '--from' }, { cause: e });
    throw new BeatplanError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file, field: '--from' });
  }
}

/** Summary line of a plan's lineage. */
export function lineageLine(l: PlanLineage): string {
  const kept = l.beats.filter((b) => b.inherited).length;
  return (
    `lineage: ${kept} of ${l.beats.length} beats inherit an id from ${l.parent.kind === 'plan' ? 'parent plan' : 'existing layer'} ${l.parent.name} ` +
    `(${l.matching.majorityPairsKept} of ${l.matching.majorityPairs} majority pairs, ${(100 * l.matching.matchedWorkloadShare).toFixed(1)}% of workload on matched pairs), ` +
    `${l.beats.length - kept} new ids; generation ${l.generation}`
  );
}

/**
 * `beatplan plan`: parses the options, reads the files, calls the `planOnContext` use-case once
 * (with `documents`: the output folder),
 * writes its documents and prints the summary lines.
 * @returns the exit code: 0, or 3 with --strict when the result is not what was asked
 * @throws BeatplanError on bad options or input (exit 2)
 */
export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, PLAN_OPTIONS);
  const out = required(values.out, 'out');
  const tolerance = numberFlag(values.tolerance, 'tolerance', 0.001, 0.999) ?? DEFAULT_TOLERANCE;
  const maxChange = numberFlag(values['max-change'], 'max-change', 0, 1);
  const curveBudgets = values['change-curve'] !== undefined ? parseBudgets(values['change-curve']) : undefined;
  // Where the answer is not what was asked (warnings; exit 3 with --strict).
  const ignored: string[] = [];
  if (curveBudgets && !values['start-from-existing'])
    ignored.push('--change-curve was ignored: it needs --start-from-existing (and --from or --existing)');
  const seed = intFlag(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const timeLimitMs = numberFlag(values['time-limit'], 'time-limit', 1);
  const beats = intFlag(values.beats, 'beats', 1, 100_000);
  if ((values['start-from-existing'] || values.lock) && !values.existing && !values.from) {
    throw new BeatplanError('BAD_INPUT', '--start-from-existing and --lock need --from or --existing', {
      field: values.lock ? '--lock' : '--start-from-existing',
    });
  }
  const t0 = performance.now();
  const progress = terminalProgress(io.stderr);
  const existing = values.existing
    ? {
        ...(await readIdPolygonsFile(values.existing, values['existing-id'], '--existing-id')),
        // named in the lineage and plan.json by its file name
        fileName: basename(values.existing),
      }
    : undefined;
  const parentFile = values.from ? await readParentPlanFile(values.from) : undefined;
  const city = await loadCityFromArgs(values, {
    beats: predecessorBeatCount(beats, parentFile, existing),
    onProgress: progress,
    log: io.stderr,
  });
  // incidents not read as asked: already warned in the ingest summary; in metrics.json and exit 3 with --strict
  const misread = ingestWarnings(city.ingest);
  const unitsSpec = values.units !== undefined ? splitOptionalField(values.units) : undefined;
  const areasSpec = values.areas ? splitSpec(values.areas, '--areas') : undefined;
  const roads = await readRoads(values.roads);
  const r = planOnContext(planContextOfCity(city), {
    options: {
      ...(beats !== undefined ? { beats } : {}),
      tolerance,
      seed,
      ...(values.balance !== undefined ? { balance: values.balance } : {}),
      ...(values['start-from-existing'] ? { startFromExisting: true } : {}),
      ...(maxChange !== undefined ? { maxChange } : {}),
      ...(values.lock
        ? {
            locked: values.lock
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
      ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
    },
    balanceField: '--balance',
    ...(existing ? { existing } : {}),
    ...(parentFile ? { from: parentFile } : {}),
    ...(values.districts ? { districts: await readIdPolygonsFile(values.districts, values['district-id'], '--district-id') } : {}),
    ...(unitsSpec
      ? {
          units: {
            fc: (await readBoundary(unitsSpec[0])) as FeatureCollection<Polygon | MultiPolygon>,
            ...(unitsSpec[1] !== undefined ? { idField: unitsSpec[1] } : {}),
            fileName: unitsSpec[0],
          },
        }
      : values.roads
        ? { roadLines: { lines: (await readJson(values.roads)).value as LineLike, fileName: values.roads } }
        : {}),
    inputs: {
      boundary: basename(values.boundary!),
      incidents: values.incidents ? basename(values.incidents) : null,
      incidentCounts: values['incident-counts'] ?? null,
      existing: values.existing ? basename(values.existing) : null,
      districts: values.districts ? basename(values.districts) : null,
      units: unitsSpec
        ? { file: basename(unitsSpec[0]), idField: unitsSpec[1] ?? null }
        : values.roads && city.boundary
          ? { file: basename(values.roads), idField: null, streetBlocks: true }
          : null,
    },
    documents: {
      ...(roads ? { roads } : {}),
      ...(values.venues ? { venues: (await readJson(values.venues)).value } : {}),
      ...(areasSpec ? { areas: await readIdPolygonsFile(areasSpec[0], areasSpec[1], '--areas FILE:FIELD') } : {}),
      ...(curveBudgets ? { curveBudgets } : {}),
      unmet: ignored,
      ingestWarnings: misread,
      startedAt: t0,
    },
    onProgress: progress,
    now: () => performance.now(),
  });
  const doc = r.documents!;
  const { metrics, unmet } = doc;
  const report = r.planReport!;
  const units = r.units;
  const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
  if (r.notCountedInK.length > 0) {
    const list = r.notCountedInK
      .slice(0, 20)
      .map((s) => `${s.id} (${s.why})`)
      .join(', ');
    warn(
      `K = ${r.beats}: ${new Set(r.notCountedInK.map((s) => s.id)).size} current beat(s) not counted: ${list}${r.notCountedInK.length > 20 ? ', …' : ''} (--beats K overrides)`,
    );
  }
  if (r.streetBlocks) {
    const b = r.streetBlocks;
    io.stdout.write(
      `units: ${b.blocks} street blocks from ${values.roads} (${b.slivers} slivers under 500 m² dropped, ${b.danglingEdges} dead-end road segments ignored)\n`,
    );
  }
  for (const w of doc.figureWarnings.plan) warn(w);
  await writeOut(out, 'plan.json', r.planJson);
  await writeOut(out, 'beats.geojson', doc.beatsGeojson as object);
  if (doc.beatsCellsGeojson) await writeOut(out, 'beats-cells.geojson', doc.beatsCellsGeojson as object);
  await writeOut(out, 'cells.csv', doc.cellsCsv);
  await writeOut(out, 'metrics.json', metrics);
  io.stdout.write(`${metricsLine('plan', metrics)}; ${(r.planMs / 1000).toFixed(1)} s → ${out}\n`);
  io.stdout.write(`${responseLine('plan', metrics.response)}\n`);
  if (report.change) io.stdout.write(`${changeLine(report.change)}\n`);
  if (units) io.stdout.write(`${unitsLine(units, report.units)}\n`);
  for (const w of [...report.warnings, ...unmet]) warn(w);
  if (r.lineage) io.stdout.write(`${lineageLine(r.lineage)}\n`);
  if (doc.existing) {
    for (const w of doc.figureWarnings.existing) warn(w);
    await writeOut(out, 'existing-metrics.json', doc.existing.metrics);
    await writeOut(out, 'comparison.json', doc.existing.comparison);
    io.stdout.write(`${metricsLine('existing', doc.existing.metrics)}\n${responseLine('existing', doc.existing.metrics.response)}\n`);
  }
  if (doc.equity) await writeOut(out, 'equity.json', doc.equity);
  if (doc.curve) {
    await writeOut(out, 'change-curve.json', doc.curve);
    for (const p of doc.curve.points) {
      io.stdout.write(
        `change curve: budget ${(100 * p.budget).toFixed(1)}% → moved ${(100 * p.movedWorkloadShare).toFixed(1)}% of workload, max/mean ${p.maxOverMean.toFixed(3)}, ` +
          `cv ${p.cv.toFixed(3)}, ${p.beatsOutsideBand} beats outside ±${tolerance}, PP mean ${p.polsbyPopperMean.toFixed(3)} (min ${p.polsbyPopperMin.toFixed(3)})\n`,
      );
    }
  }
  return values.strict && unmet.length + misread.length > 0 ? 3 : 0;
}

/** Parses `--change-curve F1,F2,...` (shares in [0, 1]). */
export function parseBudgets(spec: string): number[] {
  const parts = spec
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const out = parts.map((x) => Number(x));
  if (!parts.length || out.some((f) => !(f >= 0 && f <= 1))) {
    throw new BeatplanError('BAD_INPUT', '--change-curve must be shares in [0, 1] separated by commas, e.g. 0.05,0.1,0.25,1', {
      field: '--change-curve',
      value: spec,
    });
  }
  return out;
}

/** Summary line of the change against the predecessor. */
export function changeLine(c: { movedWorkloadShare: number; movedCellShare: number; budget: number | null }): string {
  return (
    `moved: ${(100 * c.movedWorkloadShare).toFixed(1)}% of the workload (${(100 * c.movedCellShare).toFixed(1)}% of the cells) changed beat against the predecessor` +
    (c.budget !== null ? `; budget ${(100 * c.budget).toFixed(1)}%` : '')
  );
}
