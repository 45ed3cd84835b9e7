/**
 * `beatplan simulate`: replays an incident file (or Poisson draws with `--poisson`) against a
 * saved plan and its staffing with the discrete-event simulation, and writes
 * `simulation.json` with the hypercube model's figures for the same plan and units beside it.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BeatplanError } from '../../errors.js';
import { pointToCellLocator } from '../../grid/locate.js';
import { noUsableIncidents } from '../../io/load-city.js';
import { readIncidents } from '../../io/read-incidents.js';
import { type SimulationReportInput, simulationReport } from '../../response/simulation-report.js';
import { replayCallsInput } from '../../usecases/files.js';
import {
  CITY_OPTIONS,
  incidentReadFlags,
  ingestSummary,
  ingestWarnings,
  intFlag,
  numberFlag,
  planTimeZone,
  ROADS_OPTION,
  readRoads,
  required,
  writeOut,
} from '../inputs.js';
import { type CommandHelp, type OptionTable, parseOptions } from '../options.js';
import { terminalProgress } from '../progress.js';
import type { CliIo } from '../run.js';
import { readPlanFile } from './evaluate.js';

const OPTIONS = {
  plan: { type: 'string', value: 'DIR/plan.json', required: true, description: 'The plan (its grid, beats, shifts and scores).' },
  staffing: {
    type: 'string',
    value: 'DIR/staffing.json',
    required: true,
    description:
      'The staffing of this plan (`beatplan staff`): officers allocated per beat and shift, turned into units on duty by the time model.',
  },
  incidents: {
    type: 'string',
    value: 'I.csv|I.geojson',
    description: 'Calls to replay at their real times and places (required unless --poisson).',
  },
  out: { type: 'string', value: 'DIR', required: true, description: 'Output folder for simulation.json (created when missing).' },
  poisson: {
    type: 'boolean',
    description:
      "Instead of replaying, draw Poisson arrivals per cell and shift from the plan's own rates and exponential service times of the plan's mean: the hypercube model's assumptions, so the two must agree (utilisation and cross-beat share within 2 points).",
  },
  days: {
    type: 'string',
    value: 'N',
    description: 'With --poisson: length of the simulated period, days.',
    default: "the plan's incident period",
  },
  seed: {
    type: 'string',
    value: 'N',
    description: 'Seed of every random draw (service times, units on duty, patrol positions, Poisson calls).',
    default: '1',
  },
  'officer-hours': {
    type: 'string',
    value: 'H',
    description: 'On-duty hours per officer per week (units on duty = officers × H ÷ (shift hours × 7)).',
    default: "the staffing's, else 36",
  },
  'service-cv': {
    type: 'string',
    value: 'CV',
    description: "Coefficient of variation of a replayed call's service time around its type's minutes (lognormal).",
    default: '0.8',
  },
  speed: {
    type: 'string',
    value: 'KMH',
    description: 'Travel speed, km/h (straight-line travel model; with --roads only for places the roads cannot join).',
    default: '30',
  },
  detour: {
    type: 'string',
    value: 'F',
    description: 'Road over straight-line distance (straight-line travel model; with --roads, of the off-road legs).',
    default: '1.3',
  },
  roads: ROADS_OPTION,
  map: CITY_OPTIONS.map,
  timezone: { ...CITY_OPTIONS.timezone, default: "the plan's (the zone its incidents were read in), else none" },
  'date-only': CITY_OPTIONS['date-only'],
  strict: {
    type: 'boolean',
    description:
      'Exit 3 when the result is not what was asked (any warning: incident rows rejected or left out, priorities that are no number, incident times kept with their UTC offset, an option ignored (--service-cv with --poisson, --speed with --roads), road features left out, the hypercube not run, or --poisson disagreement over 2 points).',
  },
} as const satisfies OptionTable;

/** The `--help` of `beatplan simulate`. */
export const SIMULATE_HELP: CommandHelp = {
  name: 'simulate',
  summary: 'replay calls against a plan and its staffing (discrete-event simulation) → simulation.json',
  details:
    'Calls arrive at their real times and cells; service minutes come from the service-time table (minutes × units of the type) with a lognormal spread; ' +
    'units on duty per beat and shift = allocated officers × weekly hours ÷ shift hours (2.57 units = 2 always + 1 on 57% of the shifts); ' +
    "a call goes to its beat's nearest free unit, else the city's nearest free unit, else a queue by priority (first come first served within one). " +
    'simulation.json: response time = queue wait + travel (mean, p50, p90) for the city, per shift, per beat and shift and per priority; cross-beat share, queued share, utilisation; ' +
    "the hypercube model's figures for the same plan and units beside them (`hypercube`, `comparison`). " +
    'Staffing file: staffing.json of `beatplan staff` ("format": "beatplan.staffing/1"; beats[].shifts[].allocated, optional officerHoursPerWeek). Same seed, same bytes.',
  options: OPTIONS,
  formats: ['plan', 'incidents', 'roads'],
};

/** Reads a JSON file; `PARSE_ERROR` naming the file when it is not JSON. */
async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BeatplanError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file });
  }
}

/** `beatplan simulate` (see {@link SIMULATE_HELP}). Returns the exit code. */
export async function simulateCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, OPTIONS);
  const t0 = performance.now();
  const out = required(values.out, 'out');
  const planFile = required(values.plan, 'plan');
  const staffingFile = required(values.staffing, 'staffing');
  const poisson = values.poisson === true;
  const incidentsFile = poisson ? undefined : required(values.incidents, 'incidents');
  if (poisson && values.incidents !== undefined)
    throw new BeatplanError('BAD_INPUT', '--poisson draws its calls from the plan: leave out --incidents', {
      field: '--incidents',
      value: values.incidents,
    });
  const days = intFlag(values.days, 'days', 1, 100_000);
  if (days !== undefined && !poisson)
    throw new BeatplanError('BAD_INPUT', '--days applies to --poisson only (a replay lasts as long as its incidents)', {
      field: '--days',
      value: values.days,
    });
  for (const flag of ['map', 'timezone', 'date-only'] as const)
    if (poisson && values[flag] !== undefined)
      throw new BeatplanError('BAD_INPUT', `--${flag} reads incidents: --poisson draws its calls from the plan and has none`, {
        field: `--${flag}`,
        value: values[flag],
      });
  const options = {
    seed: intFlag(values.seed, 'seed', 0, 2 ** 31 - 1) ?? 1,
    serviceCv: numberFlag(values['service-cv'], 'service-cv', 0, 10),
    speedKmh: numberFlag(values.speed, 'speed', 1, 200),
    detourFactor: numberFlag(values.detour, 'detour', 1, 5),
    officerHoursPerWeek: numberFlag(values['officer-hours'], 'officer-hours', 1, 168),
    roads: await readRoads(values.roads),
    onProgress: terminalProgress(io.stderr),
  };
  const { grid, plan, scores, extra } = await readPlanFile(planFile);
  const staffing = await readJsonFile(staffingFile);
  let calls: SimulationReportInput['calls'];
  /** How the incidents were not read as asked (already printed with the ingest summary). */
  let misread: string[] = [];
  if (incidentsFile === undefined) calls = { poisson: { days } };
  else {
    const { incidents, report } = await readIncidents(incidentsFile, {
      ...incidentReadFlags({ ...values, timezone: values.timezone ?? planTimeZone(extra) }),
      locate: pointToCellLocator(grid),
      onProgress: options.onProgress,
    });
    io.stderr.write(ingestSummary(report));
    misread = ingestWarnings(report);
    if (report.used === 0) throw noUsableIncidents(report);
    calls = replayCallsInput(incidents, report);
  }
  const names = {
    plan: basename(planFile),
    staffing: basename(staffingFile),
    ...(incidentsFile ? { incidents: basename(incidentsFile) } : {}),
  };
  const {
    doc,
    warnings,
    simulation,
    hypercube,
    calls: simulated,
    assumptionsLine,
  } = simulationReport({ grid, plan, scores, staffing, calls, names }, options);
  await writeOut(out, 'simulation.json', misread.length ? { ...doc, warnings: [...warnings, ...misread] } : doc);
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  const c = simulation.city;
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
  io.stdout.write(
    `simulated ${simulated.count} calls over ${simulated.days} days (${poisson ? 'Poisson' : 'replay'}): response mean ${c.response?.meanMinutes.toFixed(2)} min, p90 ${c.response?.p90Minutes.toFixed(2)} min; ` +
      `cross-beat ${pct(c.crossBeatShare)}, queued ${pct(c.queuedShare)}, utilisation ${pct(c.utilisation)}` +
      ('error' in hypercube
        ? ''
        : ` (hypercube: utilisation ${pct(hypercube.city.rho)}, cross-beat ${pct(hypercube.city.crossBeatShare)})`) +
      ` in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${join(out, 'simulation.json')}\n${assumptionsLine}\n`,
  );
  return values.strict && warnings.length + misread.length > 0 ? 3 : 0;
}
