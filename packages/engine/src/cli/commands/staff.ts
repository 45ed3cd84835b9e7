/**
 * `beatplan staff`: a saved plan + roster (+ fleet) → staffing.json and assignments.csv;
 * with `--out-officers SHIFT:N[,SHIFT:N]` also whatif.json (N officers out on a shift: the staffing
 * diff and the response before and after, as the API's what-if) and whatif-staffing.json.
 */
import { BeatplanError } from '../../errors.js';
import { readJson } from '../../io/json.js';
import { readFleet } from '../../io/read-fleet.js';
import { readPolygonLayer } from '../../io/read-geojson-layers.js';
import { readRoster } from '../../io/read-roster.js';
import { assignmentsToCsv } from '../../staff/output.js';
import { type StaffOutcome, type StaffRequest, staffPlan, type WhatIfOutcome, whatIfOnPlan } from '../../usecases/staff.js';
import { intFlag, numberFlag, ROADS_OPTION, readRoads, required, writeOut } from '../inputs.js';
import { type CommandHelp, type OptionTable, parseOptions } from '../options.js';
import { terminalProgress } from '../progress.js';
import type { CliIo } from '../run.js';
import { readPlanFile } from './evaluate.js';
import { responseLine } from './plan.js';

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

/** Options of `beatplan staff` (parse table and help in one). */
export const STAFF_OPTIONS = {
  plan: { type: 'string', value: 'DIR/plan.json', required: true, description: 'The plan to staff (written by `beatplan plan`).' },
  roster: { type: 'string', value: 'R.csv', required: true, description: 'Officers (see File formats).' },
  out: { type: 'string', value: 'DIR', required: true, description: 'Output folder (created when missing).' },
  fleet: { type: 'string', value: 'F.csv', description: 'Vehicles per shift; without it vehicles are not limited.' },
  saturation: {
    type: 'string',
    value: 'S',
    description: 'Reactive workload may fill at most this share of on-duty time (0.05-1).',
    default: '0.6',
  },
  'min-officers': { type: 'string', value: 'N', description: 'Officers per beat per shift at least (0-100).', default: '1' },
  'out-officers': {
    type: 'string',
    value: 'SHIFT:N,...',
    description:
      "What-if: N officers out on SHIFT; writes whatif.json (the staffing diff and the response before and after, as the API's what-if) and whatif-staffing.json (the staffing with the officers out).",
  },
  seed: { type: 'string', value: 'N', description: "Seed of the what-if's choice of officers out.", default: '1' },
  venues: {
    type: 'string',
    value: 'V.geojson',
    description: 'Meeting venues (Point features with a name): nearest venue and walking time per beat.',
  },
  roads: ROADS_OPTION,
  strict: {
    type: 'boolean',
    description:
      'Exit 3 when the answer is not what was asked: roster officers whose current beat the plan the roster was made for (the lineage parent, else this plan) does not know.',
  },
  skill: {
    type: 'string',
    multiple: true,
    value: 'SKILL=FILE:FIELD[:MIN_SHARE]',
    description:
      'A beat needs an officer with SKILL where the share of residents in FIELD (of the polygons of FILE) is at least MIN_SHARE.',
    default: 'MIN_SHARE 0.25',
  },
} as const satisfies OptionTable;

/** `beatplan staff --help`. */
export const STAFF_HELP = {
  name: 'staff',
  summary: 'officers per beat per shift, and named assignments that keep officers on their beat',
  details:
    'Writes DIR/staffing.json (officers required and allocated per beat and shift, response and access figures, what was solved exactly) and DIR/assignments.csv (officer_id, name, shift, rank, beat, previous_beat, target_beat, continuity, slot, reason).',
  options: STAFF_OPTIONS,
  formats: ['plan', 'roster', 'fleet', 'geojson', 'roads'],
} as const satisfies CommandHelp;

export async function staffCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, STAFF_OPTIONS);
  const out = required(values.out, 'out');
  const planFile = required(values.plan, 'plan');
  const rosterFile = required(values.roster, 'roster');
  const saved = await readPlanFile(planFile);
  const { officers, report: rosterReport } = await readRoster(rosterFile);
  for (const r of rosterReport.rejected.slice(0, 10))
    io.stderr.write(`warning: ${rosterFile} row ${r.row} field "${r.field}": ${r.reason}\n`);
  const fleet = values.fleet ? (await readFleet(values.fleet)).fleet : undefined;

  const skills = [];
  for (const spec of values.skill ?? []) {
    const { skill, file, field, minShare } = parseSkillSpec(spec);
    skills.push({ skill, minShare, layer: { features: (await readPolygonLayer(file, field)).features } });
  }
  const saturationTarget = numberFlag(values.saturation, 'saturation', 0.05, 1);
  const minOfficersPerBeat = intFlag(values['min-officers'], 'min-officers', 0, 100);
  const officersOut = values['out-officers'] ? parseOfficersOut(values['out-officers']) : undefined;
  const venues = values.venues ? (await readJson(values.venues)).value : undefined;
  const roads = await readRoads(values.roads);
  // The same use-case as the API's staffing jobs: a roster's current beats are read against the
  // plan they were made for (the lineage parent, or the `--existing` layer of older files).
  const roster = { officers, report: rosterReport };
  const request: StaffRequest = {
    skills,
    ...(fleet ? { fleet } : {}),
    ...(saturationTarget !== undefined ? { saturationTarget } : {}),
    ...(minOfficersPerBeat !== undefined ? { minOfficersPerBeat } : {}),
    onProgress: terminalProgress(io.stderr),
    figures: { ...(venues !== undefined ? { venues } : {}), ...(roads ? { roads } : {}) },
  };
  // With --out-officers, the what-if: the same request with officers out; its baseline is this staffing.
  const whatIf: WhatIfOutcome | undefined = officersOut
    ? await whatIfOnPlan(saved, roster, { officersOut, seed: intFlag(values.seed, 'seed', 0) ?? 1 }, undefined, request)
    : undefined;
  const r: StaffOutcome = whatIf?.baseline ?? (await staffPlan(saved, roster, request));
  const { result } = r;
  const warn = (m: string) => io.stderr.write(`warning: ${m}\n`);
  for (const w of [...r.setupWarnings, ...r.figureWarnings]) warn(w);
  await writeOut(out, 'staffing.json', r.staffingJson);
  await writeOut(out, 'assignments.csv', assignmentsToCsv(result));
  const unknown = result.continuity.unknownCurrentBeats;
  if (unknown.length) {
    const list = unknown
      .slice(0, 20)
      .map((u) => `${u.name} (${u.officerId}): "${u.currentBeat}"`)
      .join(', ');
    warn(
      `${unknown.length} roster officers name a current beat that ${result.continuity.basis} does not know; not matched: ${list}${unknown.length > 20 ? ', …' : ''}`,
    );
  }
  io.stdout.write(
    `staffed ${result.beats.length} beats × ${saved.scores.shifts.length} shifts: ${result.totals.assigned} of ${result.totals.available} available officers assigned, ` +
      `continuity ${result.continuity.percent.toFixed(1)}% (${result.continuity.kept} of ${result.continuity.officersWithBeat} on the successor of their beat; ` +
      `mean share of the old beat held ${result.continuity.meanShareHeld === null ? 'n/a' : `${(100 * result.continuity.meanShareHeld).toFixed(1)}%`}; read against ${result.continuity.basis}), ` +
      `${result.unfilled.length} unfilled slots → ${out}\n`,
  );
  io.stdout.write(`${responseLine('staffing', r.staffingJson.response)}\n`);
  if (whatIf) {
    await writeOut(out, 'whatif.json', whatIf.json);
    if (whatIf.scenario) await writeOut(out, 'whatif-staffing.json', whatIf.scenario.staffingJson);
    if (whatIf.json.infeasible) warn(`what-if infeasible: ${whatIf.json.infeasible}`);
    io.stdout.write(`what-if written to ${out}/whatif.json${whatIf.scenario ? ` (its staffing: ${out}/whatif-staffing.json)` : ''}\n`);
  }
  return values.strict && unknown.length ? 3 : 0;
}
