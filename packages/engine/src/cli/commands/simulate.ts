/**
 * `beatplan simulate`: replays an incident file (or Poisson draws with `--poisson`) against a
 * saved plan and its staffing with the discrete-event simulation, and writes
 * `simulation.json` with the hypercube model's figures for the same plan and units beside it.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BeatplanError } from '../../errors.js';
import { pointToCellLocator } from '../../grid/locate.js';
import { parseColumnMapping } from '../../io/columns.js';
import { readIncidents } from '../../io/read-incidents.js';
import { estimateResponse, type ResponseEstimate } from '../../response/estimate-response.js';
import { poissonCalls, replayCalls, scoresServiceMinutes, type LeftOutCalls, type SimulationCalls } from '../../response/simulate-calls.js';
import { simulateResponse, type SimulatedFigures, type SimulationResult } from '../../response/simulate.js';
import { buildTravelModel } from '../../response/travel.js';
import { shiftLengthHours } from '../../score/shifts.js';
import { allocatedOfficersOf } from '../../staff/staffing-json.js';
import { unitsOnDutyByShift } from '../../staff/time-model.js';
import { parseOptions, type CommandHelp, type OptionTable } from '../options.js';
import { terminalProgress } from '../progress.js';
import { intFlag, numberFlag, required, writeOut } from '../inputs.js';
import type { CliIo } from '../run.js';
import { readPlanFile } from './evaluate.js';

/** Format tag of `simulation.json`. */
export const SIMULATION_FORMAT = 'beatplan.simulation/1';

/** Largest difference (share points as a fraction) between simulation and hypercube that `--poisson` accepts. */
export const POISSON_AGREEMENT = 0.02;

const OPTIONS = {
  plan: { type: 'string', value: 'DIR/plan.json', required: true, description: 'The plan (its grid, beats, shifts and scores).' },
  staffing: {
    type: 'string',
    value: 'DIR/staffing.json',
    required: true,
    description: 'The staffing of this plan (`beatplan staff`): officers allocated per beat and shift, turned into units on duty by the time model.',
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
  days: { type: 'string', value: 'N', description: 'With --poisson: length of the simulated period, days.', default: "the plan's incident period" },
  seed: { type: 'string', value: 'N', description: 'Seed of every random draw (service times, units on duty, patrol positions, Poisson calls).', default: '1' },
  'officer-hours': {
    type: 'string',
    value: 'H',
    description: "On-duty hours per officer per week (units on duty = officers × H ÷ (shift hours × 7)).",
    default: "the staffing's, else 36",
  },
  'service-cv': { type: 'string', value: 'CV', description: "Coefficient of variation of a replayed call's service time around its type's minutes (lognormal).", default: '0.8' },
  speed: { type: 'string', value: 'KMH', description: 'Travel speed, km/h (straight-line travel model).', default: '30' },
  detour: { type: 'string', value: 'F', description: 'Road over straight-line distance (straight-line travel model).', default: '1.3' },
  map: { type: 'string', value: 'lat=COL,lng=COL,time=COL,type=COL[,priority=COL]', description: 'Incident column mapping for layouts that are not detected.', default: 'detected from the header' },
  strict: { type: 'boolean', description: 'Exit 3 when the result is not what was asked (any warning: incidents left out, the hypercube not run, or --poisson disagreement over 2 points).' },
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
  formats: ['plan', 'incidents'],
};

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Reads a JSON file; `PARSE_ERROR` naming the file when it is not JSON. */
async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BeatplanError('PARSE_ERROR', `not valid JSON: ${(e as Error).message}`, { file });
  }
}

/** Simulation beside the hypercube: the figures both give, and their differences. */
function compare(sim: SimulatedFigures, hyp: { rho: number; crossBeatShare: number | null; meanTravelMinutes: number | null; meanQueueWaitMinutes: number | null }, pAllBusy: number | null) {
  const pair = (a: number | null, b: number | null) => ({ simulation: a, hypercube: b, difference: a !== null && b !== null ? r4(a - b) : null });
  return {
    utilisation: pair(sim.utilisation, hyp.rho),
    crossBeatShare: pair(sim.crossBeatShare, hyp.crossBeatShare),
    queuedShare: pair(sim.queuedShare, pAllBusy),
    meanTravelMinutes: pair(sim.meanTravelMinutes, hyp.meanTravelMinutes),
    meanWaitMinutes: pair(sim.meanWaitMinutes, hyp.meanQueueWaitMinutes),
  };
}

/** The `simulation.json` document (see {@link SIMULATE_HELP}); pure, deterministic. */
export function simulationJson(input: {
  mode: 'replay' | 'poisson';
  seed: number;
  planFile: string;
  staffingFile: string;
  incidentsFile?: string;
  calls: SimulationCalls;
  read?: number;
  leftOut?: LeftOutCalls;
  officerHoursPerWeek: number;
  units: number[][];
  shiftIds: readonly string[];
  assumptions: Record<string, unknown>;
  sim: SimulationResult;
  hyp: ResponseEstimate | { error: { code: string; message: string } };
  hypUnits: number[][];
  warnings: string[];
}) {
  const { sim, hyp } = input;
  const cityCalls = input.calls.count;
  let hypercube: unknown;
  let comparison: unknown = null;
  if ('error' in hyp) hypercube = { error: hyp.error };
  else {
    let pw = 0;
    let calls = 0;
    hyp.shifts.forEach((s) => {
      const c = s.callsPerHour;
      pw += s.pAllBusy * c;
      calls += c;
    });
    const cityPAllBusy = calls > 0 ? r4(pw / calls) : null;
    hypercube = {
      units: 'the same units on duty, rounded to whole units (the hypercube model needs whole units)',
      unitsByShift: input.shiftIds.map((shift, s) => ({ shift, total: input.hypUnits[s]!.reduce((t, u) => t + u, 0) })),
      city: { ...hyp.city, pAllBusy: cityPAllBusy },
      shifts: hyp.shifts.map(({ beats: _b, districts: _d, ...s }) => s),
      beats: hyp.beats,
      warnings: hyp.warnings,
    };
    comparison = {
      note: 'simulation − hypercube; shares as fractions (0.02 = 2 points). queuedShare is compared with the hypercube’s P(all units busy).',
      city: compare(sim.city, hyp.city, cityPAllBusy),
      shifts: hyp.shifts.map((h, s) => ({ shift: h.shift, ...compare(sim.shifts[s]!, h, h.pAllBusy) })),
    };
  }
  return {
    format: SIMULATION_FORMAT,
    mode: input.mode,
    seed: input.seed,
    inputs: { plan: basename(input.planFile), staffing: basename(input.staffingFile), incidents: input.incidentsFile ? basename(input.incidentsFile) : null },
    period: {
      start: input.mode === 'replay' ? new Date(input.calls.startMs).toISOString().slice(0, 10) : null,
      days: input.calls.days,
    },
    calls: { read: input.read ?? cityCalls, simulated: cityCalls, leftOut: input.leftOut ?? null },
    assumptions: input.assumptions,
    unitsOnDuty: {
      rule: `allocated officers × ${input.officerHoursPerWeek} h/week ÷ (shift hours × 7); a fraction f of a unit is one unit on duty for a whole shift with probability f`,
      officerHoursPerWeek: input.officerHoursPerWeek,
      byShift: input.shiftIds.map((shift, s) => ({ shift, total: r4(input.units[s]!.reduce((t, u) => t + u, 0)) })),
    },
    city: sim.city,
    shifts: sim.shifts,
    priorities: sim.priorities,
    beats: sim.beats,
    maxQueueLength: sim.maxQueueLength,
    serviceShorterThanTravel: sim.serviceShorterThanTravel,
    hypercube,
    comparison,
    warnings: input.warnings,
  };
}

/** `beatplan simulate` (see {@link SIMULATE_HELP}). Returns the exit code. */
export async function simulateCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, OPTIONS);
  const t0 = performance.now();
  const out = required(values.out, 'out');
  const planFile = required(values.plan, 'plan');
  const staffingFile = required(values.staffing, 'staffing');
  const poisson = values.poisson === true;
  const incidentsFile = poisson ? values.incidents : required(values.incidents, 'incidents');
  const seed = intFlag(values.seed, 'seed', 0, 2 ** 31 - 1) ?? 1;
  const days = intFlag(values.days, 'days', 1, 100_000);
  if (days !== undefined && !poisson) throw new BeatplanError('BAD_INPUT', '--days applies to --poisson only (a replay lasts as long as its incidents)', { field: '--days', value: values.days });
  const serviceCv = numberFlag(values['service-cv'], 'service-cv', 0, 10) ?? 0.8;
  const speedKmh = numberFlag(values.speed, 'speed', 1, 200) ?? 30;
  const detourFactor = numberFlag(values.detour, 'detour', 1, 5) ?? 1.3;
  const progress = terminalProgress(io.stderr);
  const warnings: string[] = [];

  const { grid, plan, scores } = await readPlanFile(planFile);
  const shiftIds = scores.shifts.map((s) => s.id);
  const staffing = await readJsonFile(staffingFile);
  const officers = allocatedOfficersOf(staffing, plan.beatIds, shiftIds, staffingFile);
  const fromStaffing = (staffing as { officerHoursPerWeek?: unknown }).officerHoursPerWeek;
  const officerHoursPerWeek =
    numberFlag(values['officer-hours'], 'officer-hours', 1, 168) ?? (typeof fromStaffing === 'number' && fromStaffing > 0 ? fromStaffing : 36);
  const units = unitsOnDutyByShift(officers, scores.shifts.map(shiftLengthHours), officerHoursPerWeek);

  let calls: SimulationCalls;
  let read: number | undefined;
  let leftOut: LeftOutCalls | undefined;
  if (poisson) {
    calls = poissonCalls(grid, plan, scores, { days, seed });
  } else {
    const { incidents, report } = await readIncidents(incidentsFile!, {
      locate: pointToCellLocator(grid),
      mapping: values.map ? parseColumnMapping(values.map) : undefined,
      onProgress: progress,
    });
    const rejected = report.read - report.used;
    if (rejected > 0) warnings.push(`${rejected} of ${report.read} incident rows were rejected by the reader (missing or bad position, time or type)`);
    const r = replayCalls(plan, incidents, scores.shifts, { serviceCv, seed });
    calls = r.calls;
    leftOut = r.leftOut;
    read = report.read;
    const lost = leftOut.noTime + leftOut.outsideGrid + leftOut.unassignedCell + leftOut.noShift;
    if (lost > 0) warnings.push(`${lost} incidents left out of the replay: ${leftOut.outsideGrid} outside the plan's grid, ${leftOut.unassignedCell} in cells of no beat, ${leftOut.noTime} without a time, ${leftOut.noShift} at an hour no shift covers`);
  }
  const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
  const sim = simulateResponse(grid, plan, scores, calls, units, { seed, speedKmh, detourFactor, travel, onProgress: progress });
  const hypUnits = units.map((row) => row.map((u) => Math.round(u)));
  let hyp: ResponseEstimate | { error: { code: string; message: string } };
  try {
    hyp = estimateResponse(grid, plan, scores, hypUnits, { travel, speedKmh, detourFactor });
  } catch (e) {
    if (!(e instanceof BeatplanError)) throw e;
    hyp = { error: { code: e.code, message: e.message } };
    warnings.push(`hypercube model not run: ${e.message}`);
  }
  if (poisson && !('error' in hyp)) {
    const du = Math.abs((sim.city.utilisation ?? 0) - hyp.city.rho);
    const dc = Math.abs((sim.city.crossBeatShare ?? 0) - (hyp.city.crossBeatShare ?? 0));
    if (du > POISSON_AGREEMENT || dc > POISSON_AGREEMENT) {
      warnings.push(`--poisson: simulation and hypercube differ by ${(100 * du).toFixed(1)} points on utilisation and ${(100 * dc).toFixed(1)} on cross-beat share (more than ${100 * POISSON_AGREEMENT})`);
    }
  }
  const assumptions = {
    calls: poisson
      ? `Poisson arrivals per cell and shift at the plan's rates (workload ÷ mean service time), exponential service of mean ${r4(scoresServiceMinutes(scores))} min`
      : `the incidents at their real times and cells; service minutes = the type's minutes × units (service-time table) × a lognormal factor of mean 1, CV ${serviceCv}`,
    busyTime: 'a unit is busy from dispatch for the call’s service minutes (travel included), at least its travel time',
    dispatch: "the beat's nearest free unit, else the city's nearest free unit, else one city-wide queue by priority, first come first served within a priority",
    positions: "a free unit patrols its beat: its position is an atom of the travel model drawn in proportion to the shift's workload, redrawn when it becomes free",
    travel: { model: 'straight line × detour at a fixed speed, plus barrier detours', speedKmh, detourFactor, atomSizeKm: 1, atoms: travel.atomCount },
    responseTime: 'queue wait + travel (no dispatch or call-handling delay)',
  };
  const doc = simulationJson({
    mode: poisson ? 'poisson' : 'replay',
    seed,
    planFile,
    staffingFile,
    incidentsFile: poisson ? undefined : incidentsFile,
    calls,
    read,
    leftOut,
    officerHoursPerWeek,
    units,
    shiftIds,
    assumptions,
    sim,
    hyp,
    hypUnits,
    warnings,
  });
  await writeOut(out, 'simulation.json', doc);
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  const c = sim.city;
  const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
  io.stdout.write(
    `simulated ${calls.count} calls over ${calls.days} days (${poisson ? 'Poisson' : 'replay'}): response mean ${c.response?.meanMinutes.toFixed(2)} min, p90 ${c.response?.p90Minutes.toFixed(2)} min; ` +
      `cross-beat ${pct(c.crossBeatShare)}, queued ${pct(c.queuedShare)}, utilisation ${pct(c.utilisation)}` +
      ('error' in hyp ? '' : ` (hypercube: utilisation ${pct(hyp.city.rho)}, cross-beat ${pct(hyp.city.crossBeatShare)})`) +
      ` in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${out}/simulation.json\n`,
  );
  return values.strict && warnings.length > 0 ? 3 : 0;
}
