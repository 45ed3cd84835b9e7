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
import type { Grid } from '../../grid/grid.js';
import { cellsToPolygons } from '../../grid/locate.js';
import { readJson } from '../../io/json.js';
import { readBoundary } from '../../io/read-geojson-layers.js';
import { changeCurve } from '../../plan/change-curve.js';
import { comparePlans, evaluatePlan, importPlan } from '../../plan/evaluate.js';
import { inheritBeatIds, type ParentPlan, type PlanLineage, parentAsInitialPlan } from '../../plan/lineage.js';
import { beatsToGeojson, type PlanFromJson, planFromJson, planToCellsCsv, planToJson } from '../../plan/output.js';
import { planBeats } from '../../plan/plan-beats.js';
import type { BeatPlan, PlanMetrics, UnitBalanceBound } from '../../plan/types.js';
import { DEFAULT_TOLERANCE } from '../../plan/weights.js';
import { staffingInputOfPlan } from '../../staff/from-plan.js';
import { requiredByShift } from '../../staff/staff-beats.js';
import { type CellUnits, unitIdsOf, unitsOfCells, unitsOnGrid } from '../../units/assign.js';
import { beatOfUnitFeatures, dissolveUnits, outlineProblems, unitCompactness } from '../../units/dissolve.js';
import { unitsFromRoads } from '../../units/from-roads.js';
import { equityOfPlans } from '../../usecases/equity.js';
import { parentPlanOnGrid, parseBalance } from '../../usecases/plan.js';
import {
  CITY_OPTIONS,
  ingestWarnings,
  intFlag,
  loadCityFromArgs,
  numberFlag,
  ROADS_OPTION,
  readRoads,
  required,
  roundTimings,
  SLIVER_POLSBY_POPPER,
  sliverFeatures,
  writeOut,
} from '../inputs.js';
import { type CommandHelp, type OptionTable, parseOptions } from '../options.js';
import { REQUIRED_OFFICERS_RULE, withPlanFigures } from '../plan-figures.js';
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

/**
 * Officer-hours per week one beat carries by default when no beat count is given: one
 * officer per shift-post around the clock (168 h) at the 60% saturation target.
 */
export const DEFAULT_BEAT_WORKLOAD_HOURS = 168 * 0.6;

/** Reads polygons with an id property: existing beats or districts. */
async function readIdPolygons(file: string, idField: string | undefined, flag: string) {
  const fc = (await readBoundary(file)) as FeatureCollection<Polygon | MultiPolygon>;
  const ids = fc.features.map((f, k) => {
    if (idField === undefined) return String(f.id ?? k + 1);
    const v = f.properties?.[idField];
    if (v === undefined || v === null || v === '') {
      throw new BeatplanError('MISSING_FIELD', `feature has no "${idField}" property (set --${flag}-id)`, { file, row: k, field: idField });
    }
    return String(v);
  });
  return { fc, ids };
}

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

/** Summary line of response figures. */
export function responseLine(label: string, response: unknown): string {
  const c = (
    response as { city?: { meanTravelMinutes: number | null; p90TravelMinutes: number | null; crossBeatShare: number | null } } | undefined
  )?.city;
  if (!c) return `${label} response: not available`;
  const f = (x: number | null, d = 2) => (x === null ? 'n/a' : x.toFixed(d));
  return `${label} response: mean travel ${f(c.meanTravelMinutes)} min, p90 ${f(c.p90TravelMinutes)} min, cross-beat dispatch ${c.crossBeatShare === null ? 'n/a' : (c.crossBeatShare * 100).toFixed(1)}%`;
}

/**
 * Ids of the beats of `plan` that hold no cell (e.g. a sliver polygon no cell centre falls
 * in at the grid's resolution), in the plan's beat order.
 * @example beatsWithoutCells(importPlan(grid, cellsToPolygons(grid, beats), ids)) // ids of beats too small for the grid
 */
export function beatsWithoutCells(plan: BeatPlan): string[] {
  const cells = new Int32Array(plan.beatIds.length);
  for (const b of plan.beatOfCell) if (b >= 0) cells[b]!++;
  return plan.beatIds.filter((_, b) => cells[b] === 0);
}

/** Summary line of a metrics object. */
export function metricsLine(label: string, m: PlanMetrics): string {
  return (
    `${label}: ${m.beats} beats, workload max/mean ${m.workload.maxOverMean.toFixed(3)}, cv ${m.workload.cv.toFixed(3)}, ` +
    `PP mean ${m.compactness.polsbyPopperMean.toFixed(3)}, non-contiguous ${m.contiguity.nonContiguousBeats}, unassigned ${m.unassignedCells}`
  );
}

/** sha256 (hex) of a file's bytes as read. */
async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * Reads a parent `plan.json` for `--from`: its content hash (sha256 of the file's bytes as
 * read) and its parsed cells, beats and lineage.
 * @throws BeatplanError `PARSE_ERROR` / `UNSUPPORTED_FORMAT` naming the file
 */
export async function readParentPlanFile(file: string): Promise<{ sha256: string; parsed: PlanFromJson; resolution: number }> {
  const bytes = await readFile(file);
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { resolution?: number };
    const parsed = planFromJson(json);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), parsed, resolution: parsed.plan.resolution };
  } catch (e) {
    if (e instanceof BeatplanError)
      throw new BeatplanError(e.code, e.message, { ...e.details, file, field: e.details.field ?? '--from' }, { cause: e });
    throw new BeatplanError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file, field: '--from' });
  }
}

/** The `--from` parent mapped onto the new grid (H3 equality, else the parent cell holding the cell's centre). */
export function parentOnGrid(grid: Grid, parent: { sha256: string; parsed: PlanFromJson; resolution: number }, name: string): ParentPlan {
  return parentPlanOnGrid(grid, parent.parsed, name, parent.sha256);
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

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, PLAN_OPTIONS);
  const out = required(values.out, 'out');
  const tolerance = numberFlag(values.tolerance, 'tolerance', 0.001, 0.999) ?? DEFAULT_TOLERANCE;
  const maxChange = numberFlag(values['max-change'], 'max-change', 0, 1);
  const curveBudgets = values['change-curve'] !== undefined ? parseBudgets(values['change-curve']) : undefined;
  // Where the answer is not what was asked (warnings; exit 3 with --strict).
  const unmet: string[] = [];
  if (curveBudgets && !values['start-from-existing'])
    unmet.push('--change-curve was ignored: it needs --start-from-existing (and --from or --existing)');
  const seed = intFlag(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 1;
  const timeLimitMs = numberFlag(values['time-limit'], 'time-limit', 1);
  let beats = intFlag(values.beats, 'beats', 1, 100_000);
  if ((values['start-from-existing'] || values.lock) && !values.existing && !values.from) {
    throw new BeatplanError('BAD_INPUT', '--start-from-existing and --lock need --from or --existing', {
      field: values.lock ? '--lock' : '--start-from-existing',
    });
  }
  const t0 = performance.now();
  const progress = terminalProgress(io.stderr);
  const existing = values.existing ? await readIdPolygons(values.existing, values['existing-id'], 'existing') : undefined;
  const parentFile = values.from ? await readParentPlanFile(values.from) : undefined;
  if (beats === undefined && parentFile) beats = new Set(parentFile.parsed.plan.beatIds).size;
  const beatsFromExisting = beats === undefined && existing !== undefined;
  if (beats === undefined && existing) beats = new Set(existing.ids).size;

  const city = await loadCityFromArgs(values, { beats, onProgress: progress, log: io.stderr });
  // incidents not read as asked: already warned in the ingest summary; in metrics.json and exit 3 with --strict
  const misread = ingestWarnings(city.ingest);
  const { grid, score } = city;
  const scores = score.scores;
  if (beats === undefined) {
    beats = Math.max(
      1,
      Math.min(Math.round(score.report.totalWorkloadHours / DEFAULT_BEAT_WORKLOAD_HOURS), Math.floor(grid.cellCount / 20)),
    );
  }
  const balanceOn = parseBalance(
    values.balance,
    scores.shifts.map((s) => s.id),
  );

  let existingPlan: BeatPlan | undefined;
  if (existing) existingPlan = importPlan(grid, cellsToPolygons(grid, existing.fc), existing.ids);
  /** Current beats left out of the default K, with the reason (recorded in plan.json). */
  let notCountedInK: Array<{ id: string; why: string }> = [];
  if (beatsFromExisting && existingPlan && existing) {
    // K = the current beats that hold a grid cell and are not slivers (Seattle's "99")
    const ignored = (notCountedInK = [
      ...beatsWithoutCells(existingPlan).map((id) => ({ id, why: 'no grid cell' })),
      ...sliverFeatures(existing.fc, existing.ids).map((s) => ({
        id: s.id,
        why: `sliver: Polsby-Popper ${s.polsbyPopper} < ${SLIVER_POLSBY_POPPER}`,
      })),
    ]);
    const ignoredIds = new Set(ignored.map((s) => s.id));
    if (ignored.length > 0) {
      beats = Math.max(1, existingPlan.beatIds.filter((id) => !ignoredIds.has(id)).length);
      const list = ignored
        .slice(0, 20)
        .map((s) => `${s.id} (${s.why})`)
        .join(', ');
      io.stderr.write(
        `warning: K = ${beats}: ${ignoredIds.size} current beat(s) not counted: ${list}${ignored.length > 20 ? ', …' : ''} (--beats K overrides)\n`,
      );
    }
  }
  // Lineage: the parent is --from, else the --existing layer (its beats' ids are inherited).
  const parent = parentFile
    ? parentOnGrid(grid, parentFile, values.from!)
    : existingPlan
      ? {
          kind: 'existing' as const,
          name: basename(values.existing!),
          sha256: await sha256OfFile(values.existing!),
          beatIds: existingPlan.beatIds,
          beatOfCell: existingPlan.beatOfCell,
        }
      : undefined;
  const initialPlan = !values['start-from-existing'] ? undefined : parentFile ? parentAsInitialPlan(grid, parent!) : existingPlan;
  let districts: Int32Array | undefined;
  let districtIds: string[] | undefined;
  if (values.districts) {
    const d = await readIdPolygons(values.districts, values['district-id'], 'district');
    districts = cellsToPolygons(grid, d.fc);
    districtIds = d.ids;
  }

  // Atomic units: the cells of one unit always share a beat.
  const unitsSpec = values.units !== undefined ? splitOptionalField(values.units) : undefined;
  // With --roads and no --units, the street blocks the roads enclose are the units.
  const streetBlocks =
    !unitsSpec && values.roads && city.boundary
      ? unitsFromRoads((await readJson(values.roads)).value as LineLike, city.boundary)
      : undefined;
  const unitsLayer = unitsSpec ? await readBoundary(unitsSpec[0]) : streetBlocks?.blocks;
  // without a layer, a --from parent planned on units keeps them (same grid only)
  const units = unitsLayer
    ? unitsOfCells(grid, unitsLayer, { idField: unitsSpec?.[1], file: unitsSpec?.[0] ?? values.roads })
    : parentFile
      ? unitsOnGrid(grid, parentFile.parsed.h3, parentFile.parsed.plan.units)
      : undefined;
  if (streetBlocks) {
    const r = streetBlocks.report;
    io.stdout.write(
      `units: ${r.blocks} street blocks from ${values.roads} (${r.slivers} slivers under 500 m² dropped, ${r.danglingEdges} dead-end road segments ignored)\n`,
    );
  }

  let t = performance.now();
  const { plan: planned, report } = planBeats(grid, scores, {
    units,
    beats,
    tolerance,
    seed,
    balanceOn,
    districts,
    districtIds,
    initial: initialPlan,
    maxChange,
    locked: values.lock
      ? values.lock
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    timeLimitMs,
    onProgress: progress,
  });
  const planMs = performance.now() - t;
  // planned from the parent: its beats are the parent's, under the parent's ids (no re-matching)
  const inherited = parent ? inheritBeatIds(planned, parent, scores.workloadHours, { keepIds: initialPlan !== undefined }) : undefined;
  const plan = inherited?.plan ?? planned;

  t = performance.now();
  const timings = { grid: city.timingsMs.grid, ingest: city.timingsMs.ingest, score: city.timingsMs.score, plan: planMs };
  const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
  const venues = values.venues ? (await readJson(values.venues)).value : undefined;
  const roads = await readRoads(values.roads);
  // Response and access under one staffing rule, so the plan and the current beats compare fairly.
  const figures = (p: BeatPlan, m: PlanMetrics) =>
    withPlanFigures(
      grid,
      p,
      scores,
      m,
      requiredByShift(staffingInputOfPlan(grid, p, scores, { metrics: m })),
      REQUIRED_OFFICERS_RULE,
      venues,
      warn,
      { roads },
    );
  const planMetrics = evaluatePlan(grid, plan, scores, { balanceOn, tolerance });
  const evaluateMs = performance.now() - t;
  t = performance.now();
  const withFigures = figures(plan, planMetrics);
  const responseMs = performance.now() - t;
  t = performance.now();
  // With units, beats.geojson is the dissolve of each beat's unit polygons (the hex outline goes to beats-cells.geojson).
  const unitBeats =
    units && unitsLayer
      ? dissolveUnits(
          unitsLayer,
          beatOfUnitFeatures(unitIdsOf(unitsLayer.features, { idField: unitsSpec?.[1] }), units, plan.beatOfCell),
          plan.beatIds,
          {
            boundary: city.boundary,
            properties: (b) => withFigures.perBeat[b]!,
          },
        )
      : undefined;
  // a bad outline is said, never written silently (warning; exit 3 with --strict)
  const outlineIssues = unitBeats ? outlineProblems(unitBeats).map((p) => `beats.geojson: ${p}`) : [];
  const dissolveMs = unitBeats ? performance.now() - t : undefined;
  unmet.unshift(...report.unmet);
  unmet.push(...outlineIssues);
  const metrics = {
    ...withFigures,
    // Polsby-Popper on cells (the DESIGN contract) and, with units, on the dissolved unit outlines
    compactness: unitBeats ? { ...withFigures.compactness, units: unitCompactness(unitBeats) } : withFigures.compactness,
    timingsMs: roundTimings({
      ...timings,
      evaluate: evaluateMs,
      response: responseMs,
      ...(dissolveMs !== undefined ? { dissolve: dissolveMs } : {}),
      total: performance.now() - t0,
    }),
    change: report.change ?? null,
    ...(streetBlocks ? { streetBlocks: streetBlocks.report } : {}),
    ...(units && report.units
      ? {
          units: {
            ...report.units,
            features: units.report?.features ?? null,
            uncoveredCells: units.report?.uncoveredCells ?? 0,
            merged: units.report?.mergedUnits ?? [],
            split: units.report?.splitUnits ?? [],
          },
        }
      : {}),
    warnings: [...report.warnings, ...unmet, ...misread],
  };

  const extra = {
    seed,
    tolerance,
    balanceOn,
    ...(notCountedInK.length ? { notCountedInK } : {}),
    inputs: {
      boundary: basename(values.boundary!),
      incidents: values.incidents ? basename(values.incidents) : null,
      incidentCounts: values['incident-counts'] ?? null,
      existing: values.existing ? basename(values.existing) : null,
      districts: values.districts ? basename(values.districts) : null,
      units: unitsSpec
        ? { file: basename(unitsSpec[0]), idField: unitsSpec[1] ?? null }
        : streetBlocks
          ? { file: basename(values.roads!), idField: null, streetBlocks: true }
          : null,
    },
    incidents: { read: city.ingest.read, used: city.ingest.used, rejected: city.ingest.rejected, times: city.ingest.times },
    ...(city.areaCounts ? { incidentCounts: city.areaCounts } : {}),
    periodWeeks: scores.periodWeeks,
    report: {
      method: report.method,
      movedShare: report.movedShare ?? null,
      warnings: report.warnings,
      islands: report.islands,
      iterations: report.iterations,
    },
    // the current beats, so staffing can follow officers to the beat that took over their cells
    existing: existingPlan ? { ids: existingPlan.beatIds, beatOfCell: Array.from(existingPlan.beatOfCell) } : null,
  };
  await writeOut(out, 'plan.json', JSON.stringify(planToJson(grid, plan, scores, extra, inherited?.lineage)));
  await writeOut(out, 'beats.geojson', unitBeats ?? beatsToGeojson(grid, plan, metrics));
  if (unitBeats) await writeOut(out, 'beats-cells.geojson', beatsToGeojson(grid, plan, metrics));
  await writeOut(out, 'cells.csv', planToCellsCsv(grid, plan, scores));
  await writeOut(out, 'metrics.json', metrics);
  io.stdout.write(`${metricsLine('plan', metrics)}; ${(planMs / 1000).toFixed(1)} s → ${out}\n`);
  io.stdout.write(`${responseLine('plan', metrics.response)}\n`);
  if (report.change) io.stdout.write(`${changeLine(report.change)}\n`);
  if (units) io.stdout.write(`${unitsLine(units, report.units)}\n`);
  for (const w of [...report.warnings, ...unmet]) io.stderr.write(`warning: ${w}\n`);
  if (inherited) io.stdout.write(`${lineageLine(inherited.lineage)}\n`);

  if (existingPlan) {
    const existingMetrics = figures(
      existingPlan,
      evaluatePlan(grid, existingPlan, scores, { balanceOn, tolerance, timingsMs: { grid: timings.grid, score: timings.score } }),
    );
    await writeOut(out, 'existing-metrics.json', existingMetrics);
    const cmp = comparePlans(grid, existingPlan, plan, scores, { balanceOn, tolerance });
    await writeOut(out, 'comparison.json', {
      changedCells: { count: cmp.changedCells.count, share: cmp.changedCells.share },
      deltas: cmp.deltas,
      beats: cmp.beats,
    });
    io.stdout.write(`${metricsLine('existing', existingMetrics)}\n${responseLine('existing', existingMetrics.response)}\n`);
  }

  if (values.areas) {
    // Equity lens: officer, community and reactive hours per area, current beats vs plan.
    const [file, idField] = splitSpec(values.areas, '--areas');
    const areas = await readIdPolygons(file, idField, 'areas');
    // the same use-case as the API's GET /plans/{id}/equity
    await writeOut(out, 'equity.json', equityOfPlans(grid, scores, plan, areas, existingPlan));
  }

  if (curveBudgets && initialPlan) {
    const curve = changeCurve(grid, scores, initialPlan, curveBudgets, {
      beats,
      tolerance,
      seed,
      balanceOn,
      districts,
      districtIds,
      timeLimitMs,
      units,
    });
    await writeOut(out, 'change-curve.json', { tolerance: curve.tolerance, balanceOn, points: curve.points });
    for (const p of curve.points) {
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
