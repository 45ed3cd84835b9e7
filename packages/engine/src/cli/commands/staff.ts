/**
 * `beatplan staff`: a saved plan + roster (+ fleet) → staffing.json and assignments.csv;
 * with `--out-officers SHIFT:N[,SHIFT:N]` also whatif.json (N officers out on a shift).
 */
import { parseArgs } from 'node:util';
import { BeatplanError } from '../../errors.js';
import { readFleet } from '../../io/read-fleet.js';
import { readRoster } from '../../io/read-roster.js';
import { evaluatePlan } from '../../plan/evaluate.js';
import { assignmentsToCsv, staffingToJson } from '../../staff/output.js';
import { staffBeats } from '../../staff/staff-beats.js';
import { beatSuccessors, successorRecord } from '../../staff/successors.js';
import { staffWhatIf } from '../../staff/what-if.js';
import type { StaffingResult, StaffOptions } from '../../staff/types.js';
import { readJson } from '../../io/json.js';
import { readPolygonLayer } from '../../io/read-geojson-layers.js';
import { skillsOfBeats } from '../../staff/skills.js';
import { withPlanFigures } from '../plan-figures.js';
import { staffingInputOfPlan } from '../../staff/from-plan.js';
import { terminalProgress } from '../progress.js';
import { intFlag, numberFlag, required, writeOut } from '../inputs.js';
import type { CliIo } from '../run.js';
import { readPlanFile } from './evaluate.js';

/** Parses `--out-officers 16-24:5,0-8:2`. */
export function parseOfficersOut(spec: string): Array<{ shift: string; count: number }> {
  return spec.split(',').map((part) => {
    const m = /^(.+):(\d+)$/.exec(part.trim());
    if (!m) throw new BeatplanError('BAD_INPUT', '--out-officers must be SHIFT:N[,SHIFT:N]', { field: '--out-officers', value: part });
    return { shift: m[1]!, count: Number(m[2]) };
  });
}

/** Parses `--skill spanish=areas.geojson:HISP[:0.3]`. */
export function parseSkillSpec(spec: string): { skill: string; file: string; field: string; minShare?: number } {
  const bad = () => new BeatplanError('BAD_INPUT', '--skill must be SKILL=FILE:FIELD[:MIN_SHARE]', { field: '--skill', value: spec });
  const eq = spec.indexOf('=');
  if (eq <= 0) throw bad();
  const parts = spec.slice(eq + 1).split(':');
  let minShare: number | undefined;
  if (parts.length >= 3 && /^\d*\.?\d+$/.test(parts[parts.length - 1]!)) minShare = Number(parts.pop());
  if (parts.length < 2) throw bad();
  const field = parts.pop()!;
  const file = parts.join(':');
  if (!file || !field) throw bad();
  return { skill: spec.slice(0, eq).trim(), file, field, ...(minShare !== undefined ? { minShare } : {}) };
}

/** Officers allocated per shift per beat (`[shift][beat]`) of a staffing result. */
export function allocatedUnits(result: StaffingResult, beatIds: readonly string[], shifts: number): Int32Array[] {
  const index = new Map(beatIds.map((id, b) => [id, b]));
  const units = Array.from({ length: shifts }, () => new Int32Array(beatIds.length));
  for (const beat of result.beats) {
    const b = index.get(beat.id);
    if (b === undefined) continue;
    beat.shifts.forEach((s, k) => (units[k]![b] = s.allocated));
  }
  return units;
}

export async function staffCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      plan: { type: 'string' },
      roster: { type: 'string' },
      fleet: { type: 'string' },
      out: { type: 'string' },
      saturation: { type: 'string' },
      'min-officers': { type: 'string' },
      'out-officers': { type: 'string' },
      seed: { type: 'string' },
      venues: { type: 'string' },
      skill: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const out = required(values.out, 'out');
  const planFile = required(values.plan, 'plan');
  const rosterFile = required(values.roster, 'roster');
  const saved = await readPlanFile(planFile);
  const { officers, report: rosterReport } = await readRoster(rosterFile);
  for (const r of rosterReport.rejected.slice(0, 10)) io.stderr.write(`warning: ${rosterFile} row ${r.row} field "${r.field}": ${r.reason}\n`);
  const fleet = values.fleet ? (await readFleet(values.fleet)).fleet : undefined;

  const { grid, plan, scores } = saved;
  const metrics = evaluatePlan(grid, plan, scores);
  const rules = [];
  for (const spec of values.skill ?? []) {
    const { skill, file, field, minShare } = parseSkillSpec(spec);
    rules.push({ skill, minShare, layer: { features: (await readPolygonLayer(file, field)).features } });
  }
  const skillsOfBeat = rules.length ? skillsOfBeats(grid, plan, scores.population, rules) : undefined;
  if (skillsOfBeat && scores.population.every((p) => p === 0)) {
    io.stderr.write('warning: --skill needs residents per cell; this plan.json has none (plan with --layer FILE:POPULATION)\n');
  }
  const input = staffingInputOfPlan(grid, plan, scores, { metrics, skillsOfBeat });
  // Officers follow their old beat to the beat that took over most of its cells.
  const existing = saved.extra.existing as { ids: string[]; beatOfCell: number[] } | null | undefined;
  let successorOf: Record<string, string> | undefined;
  if (existing && Array.isArray(existing.beatOfCell) && existing.beatOfCell.length === plan.cellCount) {
    const oldIds = existing.beatOfCell.map((b) => (b >= 0 ? existing.ids[b]! : null));
    const newIds = Array.from(plan.beatOfCell, (b) => (b >= 0 ? plan.beatIds[b]! : null));
    successorOf = successorRecord(beatSuccessors(oldIds, newIds));
  }
  const options: StaffOptions = {
    fleet,
    successorOf,
    saturationTarget: numberFlag(values.saturation, 'saturation', 0.05, 1),
    minOfficersPerBeat: intFlag(values['min-officers'], 'min-officers', 0, 100),
    onProgress: terminalProgress(io.stderr),
  };
  const result = await staffBeats(input, officers, options);
  const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
  const venues = values.venues ? (await readJson(values.venues)).value : undefined;
  const figures = withPlanFigures(grid, plan, scores, metrics, allocatedUnits(result, plan.beatIds, scores.shifts.length), 'allocated officers (this staffing)', venues, warn);
  const staffingJson = staffingToJson(result);
  await writeOut(out, 'staffing.json', {
    ...staffingJson,
    beats: (staffingJson.beats as Array<{ id: string }>).map((b) => ({ ...b, skillsNeeded: skillsOfBeat?.[b.id] ?? [] })),
    response: figures.response,
    access: figures.access,
    beatFigures: figures.perBeat.map(({ id, unitsOnDuty, rho, crossBeatShare, meanTravelMinutes, p90TravelMinutes, meetingPlace, meetingWalkMinutes }) => ({
      id, unitsOnDuty, rho, crossBeatShare, meanTravelMinutes, p90TravelMinutes, meetingPlace: meetingPlace ?? null, meetingWalkMinutes: meetingWalkMinutes ?? null,
    })),
    roster: rosterReport,
  });
  await writeOut(out, 'assignments.csv', assignmentsToCsv(result));
  io.stdout.write(
    `staffed ${result.beats.length} beats × ${scores.shifts.length} shifts: ${result.totals.assigned} of ${result.totals.available} available officers assigned, ` +
      `continuity ${result.continuity.percent.toFixed(1)}%, ${result.unfilled.length} unfilled slots → ${out}\n`,
  );
  if (values['out-officers']) {
    const what = await staffWhatIf(input, officers, { officersOut: parseOfficersOut(values['out-officers']), seed: intFlag(values.seed, 'seed', 0) ?? 1 }, options);
    const scenarioResponse = what.scenario
      ? withPlanFigures(grid, plan, scores, metrics, allocatedUnits(what.scenario, plan.beatIds, scores.shifts.length), 'allocated officers (what-if)', undefined, warn).response
      : null;
    await writeOut(out, 'whatif.json', {
      scenario: { officersOut: parseOfficersOut(values['out-officers']) },
      infeasible: what.infeasible ?? null,
      diff: what.diff,
      response: { baseline: figures.response, scenario: scenarioResponse },
      scenarioStaffing: what.scenario ? staffingToJson(what.scenario) : null,
    });
    io.stdout.write(`what-if written to ${out}/whatif.json\n`);
  }
  return 0;
}
