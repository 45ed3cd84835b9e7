/**
 * `beatplan evaluate`: scores a saved plan's grid with (new) incidents and writes its
 * metrics.json and cells.csv — e.g. last year's plan against this year's calls.
 */
import { readFile } from 'node:fs/promises';
import { BeatplanError } from '../../errors.js';
import { gridFromCells } from '../../grid/build-grid.js';
import { evaluatePlan } from '../../plan/evaluate.js';
import { planFromJson, planToCellsCsv } from '../../plan/output.js';
import type { BalanceOn } from '../../plan/types.js';
import { DEFAULT_TOLERANCE } from '../../plan/weights.js';
import {
  CITY_OPTIONS,
  INGEST_STRICT_OPTION,
  ingestWarnings,
  loadCityFromArgs,
  numberFlag,
  planTimeZone,
  required,
  roundTimings,
  writeOut,
} from '../inputs.js';
import { type CommandHelp, parseOptions } from '../options.js';
import { terminalProgress } from '../progress.js';
import type { CliIo } from '../run.js';
import { metricsLine } from './plan.js';

/** Reads and parses a plan.json file; `PARSE_ERROR` naming the file when it is not JSON. */
export async function readPlanFile(file: string) {
  const text = await readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BeatplanError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file });
  }
  try {
    const parsed = planFromJson(json);
    const grid = gridFromCells(parsed.h3, parsed.topology);
    // plan.json keeps the grid's (sorted) order; re-read against the grid only if it does not
    const sameOrder = parsed.h3.every((h, i) => grid.h3[i] === h);
    return { ...(sameOrder ? parsed : planFromJson(json, grid)), grid };
  } catch (e) {
    if (e instanceof BeatplanError && e.details.file === undefined) {
      throw new BeatplanError(e.code, e.message, { ...e.details, file }, { cause: e });
    }
    throw e;
  }
}

/** `beatplan evaluate --help`. */
export const EVALUATE_HELP = {
  name: 'evaluate',
  summary: "score a saved plan's grid with (new) incidents and measure the plan",
  details:
    "Writes DIR/metrics.json (PlanMetrics) and DIR/cells.csv — e.g. last year's plan against this year's calls. The grid and shifts come from the plan; --boundary is optional.",
  options: {
    plan: { type: 'string', value: 'DIR/plan.json', required: true, description: 'The plan to evaluate (written by `beatplan plan`).' },
    ...CITY_OPTIONS,
    boundary: { ...CITY_OPTIONS.boundary, required: false, description: "City limits; optional (the plan's grid is used)." },
    shifts: { ...CITY_OPTIONS.shifts, default: "the plan's shifts" },
    timezone: { ...CITY_OPTIONS.timezone, default: "the plan's (the zone its incidents were read in), else none" },
    tolerance: {
      type: 'string',
      value: 'EPS',
      description: 'Balance band ±EPS around the mean workload.',
      default: "the plan's tolerance, else 0.025",
    },
    strict: INGEST_STRICT_OPTION,
  },
  formats: ['plan', 'incidents', 'geojson'],
} as const satisfies CommandHelp;

export async function evaluateCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, EVALUATE_HELP.options);
  const out = required(values.out, 'out');
  const t0 = performance.now();
  const saved = await readPlanFile(required(values.plan, 'plan'));
  const tolerance =
    numberFlag(values.tolerance, 'tolerance', 0.001, 1) ?? (saved.extra.tolerance as number | undefined) ?? DEFAULT_TOLERANCE;
  const shifts = values.shifts ?? saved.scores.shifts.map((s) => s.id).join(',');
  const timezone = values.timezone ?? planTimeZone(saved.extra);
  const city = await loadCityFromArgs(
    { ...values, shifts, timezone },
    { grid: saved.grid, onProgress: terminalProgress(io.stderr), log: io.stderr },
  );
  const t = performance.now();
  const balanceOn = (saved.extra.balanceOn as BalanceOn | undefined) ?? 'total';
  const metrics = evaluatePlan(saved.grid, saved.plan, city.score.scores, { balanceOn, tolerance });
  const timingsMs = roundTimings({
    grid: city.timingsMs.grid,
    ingest: city.timingsMs.ingest,
    score: city.timingsMs.score,
    plan: 0,
    evaluate: performance.now() - t,
    total: performance.now() - t0,
  });
  await writeOut(out, 'metrics.json', { ...metrics, timingsMs });
  await writeOut(out, 'cells.csv', planToCellsCsv(saved.grid, saved.plan, city.score.scores));
  io.stdout.write(`${metricsLine('evaluated', metrics)} (${city.ingest.used} of ${city.ingest.read} incidents) → ${out}\n`);
  return values.strict && ingestWarnings(city.ingest).length > 0 ? 3 : 0;
}
