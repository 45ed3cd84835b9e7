/**
 * Every option of `beatplan plan` and `beatplan staff` has a field in the HTTP API: this test
 * walks the CLI's option tables (the same tables that parse argv and print --help) and checks
 * each option against an explicit mapping, and each mapped field against the published
 * OpenAPI document (the request body's properties, or the parameters of the named operation).
 * Options that only make sense on a command line (an output folder, --help, an exit code) are
 * listed with the reason; an option missing from the mapping, a stale entry, or a field missing
 * from the OpenAPI document fails the test, naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, startHarness } from '../packages/api/src/testing/harness.js';
import { PLAN_OPTIONS } from '../packages/engine/src/cli/commands/plan.js';
import { STAFF_OPTIONS } from '../packages/engine/src/cli/commands/staff.js';

/** Where an option lives in the API: an operation (by operationId) and a field of its body, query or path. */
type ApiField = { op: string; in: 'body' | 'query' | 'path'; field: string; note?: string };
/** An option the API does not take, with the reason (CLI-only by nature, or not yet offered). */
type NoField = { cliOnly: string } | { notYet: string };
type Mapping = Record<string, ApiField | ApiField[] | NoField>;

const CLI_ONLY = {
  out: { cliOnly: 'the output folder; the API stores results and answers them over HTTP' },
  help: { cliOnly: 'prints the help text; the API publishes its OpenAPI document' },
  strict: { cliOnly: 'an exit code (3); the API reports the same warnings in the result (metrics.warnings, report.warnings)' },
} as const;

/** `beatplan plan` option → API field. */
const PLAN_MAPPING: Mapping = {
  ...CLI_ONLY,
  boundary: { op: 'createPlan', in: 'body', field: 'boundary' },
  incidents: { op: 'createPlan', in: 'body', field: 'incidents' },
  resolution: { op: 'createPlan', in: 'body', field: 'resolution' },
  layer: [
    { op: 'createPlan', in: 'body', field: 'population', note: 'FILE:FIELD' },
    { op: 'createPlan', in: 'body', field: 'vulnerability', note: 'FILE:FIELD:vulnerability' },
    { op: 'uploadLayer', in: 'query', field: 'field', note: 'the FIELD part' },
  ],
  barriers: { op: 'createPlan', in: 'body', field: 'barriers' },
  shifts: { op: 'createPlan', in: 'body', field: 'shifts' },
  timezone: { op: 'uploadIncidents', in: 'query', field: 'timeZone' },
  'date-only': { op: 'uploadIncidents', in: 'query', field: 'dateOnly' },
  map: [
    { op: 'uploadIncidents', in: 'query', field: 'lat' },
    { op: 'uploadIncidents', in: 'query', field: 'lng' },
    { op: 'uploadIncidents', in: 'query', field: 'time' },
    { op: 'uploadIncidents', in: 'query', field: 'type' },
    { op: 'uploadIncidents', in: 'query', field: 'priority' },
  ],
  beats: { op: 'createPlan', in: 'body', field: 'beats' },
  tolerance: { op: 'createPlan', in: 'body', field: 'tolerance' },
  seed: { op: 'createPlan', in: 'body', field: 'seed' },
  existing: { op: 'createPlan', in: 'body', field: 'existing' },
  'existing-id': { op: 'uploadExistingBeats', in: 'query', field: 'idField' },
  districts: { op: 'createPlan', in: 'body', field: 'districts' },
  'district-id': { op: 'uploadExistingBeats', in: 'query', field: 'idField', note: 'districts are a dataset of kind beats' },
  balance: { op: 'createPlan', in: 'body', field: 'balance' },
  from: [
    { op: 'createPlan', in: 'body', field: 'from' },
    { op: 'createPlan', in: 'body', field: 'fromVersion' },
  ],
  'start-from-existing': { op: 'createPlan', in: 'body', field: 'startFromExisting' },
  'max-change': { op: 'createPlan', in: 'body', field: 'maxChange' },
  'change-curve': { op: 'planChangeCurve', in: 'body', field: 'budgets', note: 'the curve of a stored plan, as a job' },
  lock: { op: 'createPlan', in: 'body', field: 'locked' },
  'time-limit': { op: 'createPlan', in: 'body', field: 'timeLimitMs' },
  venues: { op: 'setPlanMeetings', in: 'body', field: 'venues' },
  areas: [
    { op: 'getPlanEquity', in: 'query', field: 'areas', note: 'the equity lens of a stored plan' },
    { op: 'uploadExistingBeats', in: 'query', field: 'idField', note: 'the :FIELD part; areas are a dataset of kind beats' },
  ],
  roads: { op: 'createPlan', in: 'body', field: 'roads' },
  units: [
    { op: 'createPlan', in: 'body', field: 'units' },
    { op: 'uploadUnits', in: 'query', field: 'idField', note: 'the :ID part' },
  ],
  'incident-counts': [
    { op: 'createPlan', in: 'body', field: 'incidentCounts' },
    { op: 'uploadIncidentCounts', in: 'query', field: 'columns', note: 'the FIELD[=TYPE],… part' },
  ],
  'counts-period-days': { op: 'createPlan', in: 'body', field: 'countsPeriodDays' },
};

/** `beatplan staff` option → API field. */
const STAFF_MAPPING: Mapping = {
  ...CLI_ONLY,
  plan: { op: 'createStaffing', in: 'path', field: 'id' },
  roster: { op: 'createStaffing', in: 'body', field: 'roster' },
  fleet: [
    { op: 'createStaffing', in: 'body', field: 'fleet' },
    { op: 'createWhatIf', in: 'body', field: 'fleet', note: 'the what-if staffs under the same options' },
  ],
  saturation: [
    { op: 'createStaffing', in: 'body', field: 'saturationTarget' },
    { op: 'createWhatIf', in: 'body', field: 'saturationTarget' },
  ],
  'min-officers': [
    { op: 'createStaffing', in: 'body', field: 'minOfficersPerBeat' },
    { op: 'createWhatIf', in: 'body', field: 'minOfficersPerBeat' },
  ],
  'out-officers': { op: 'createWhatIf', in: 'body', field: 'officersOut' },
  seed: { op: 'createWhatIf', in: 'body', field: 'seed' },
  venues: { op: 'setPlanMeetings', in: 'body', field: 'venues' },
  roads: { op: 'createPlan', in: 'body', field: 'roads', note: "a staffing's response figures travel on its plan's roads" },
  skill: [
    { op: 'createStaffing', in: 'body', field: 'skills' },
    { op: 'createWhatIf', in: 'body', field: 'skills' },
  ],
};

type Json = Record<string, unknown>;
let h: Harness;
let doc: Json;

beforeAll(async () => {
  h = await startHarness();
  const r = await h.http.get('/api/v1/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body as Json;
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

/** Follows a `$ref` (`#/components/...`) in the document. */
function deref(s: unknown): Json {
  let o = s as Json;
  while (o && typeof o.$ref === 'string') {
    o = (o.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((x, k) => (x as Json)[k], doc) as Json;
  }
  return o;
}

/** Property names of a body schema, through `$ref`, `allOf`, `anyOf`. */
function propertiesOf(schema: unknown): Set<string> {
  const s = deref(schema);
  const out = new Set<string>(Object.keys((s?.properties as Json | undefined) ?? {}));
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const)
    for (const part of (s?.[k] as unknown[] | undefined) ?? []) for (const p of propertiesOf(part)) out.add(p);
  return out;
}

/** The operation with `operationId` in the document. */
function operation(id: string): Json | undefined {
  for (const item of Object.values(doc.paths as Json))
    for (const op of Object.values(item as Json)) if ((op as Json)?.operationId === id) return op as Json;
  return undefined;
}

/** Why `f` is not in the OpenAPI document, or null when it is. */
function missing(f: ApiField): string | null {
  const op = operation(f.op);
  if (!op) return `no operation ${f.op}`;
  if (f.in === 'body') {
    const content = (deref(op.requestBody)?.content ?? {}) as Json;
    const schema = (content['application/json'] as Json | undefined)?.schema;
    return propertiesOf(schema).has(f.field) ? null : `${f.op} has no body field ${f.field}`;
  }
  const params = ((op.parameters as unknown[]) ?? []).map(deref);
  return params.some((p) => p.in === f.in && p.name === f.field) ? null : `${f.op} has no ${f.in} parameter ${f.field}`;
}

describe.each([
  ['plan', PLAN_OPTIONS as Record<string, unknown>, PLAN_MAPPING],
  ['staff', STAFF_OPTIONS as Record<string, unknown>, STAFF_MAPPING],
])('beatplan %s: every option has an API field', (command, table, mapping) => {
  const options = [...Object.keys(table), 'help'];

  it('every option of the CLI table is in the mapping, and every mapping entry is an option', () => {
    expect(
      options.filter((o) => !(o in mapping)),
      `options of beatplan ${command} with no API mapping`,
    ).toEqual([]);
    expect(
      Object.keys(mapping).filter((o) => !options.includes(o)),
      `stale mapping entries (no such option of beatplan ${command})`,
    ).toEqual([]);
  });

  it('every mapped field is in the published OpenAPI document', () => {
    const problems: string[] = [];
    for (const [option, m] of Object.entries(mapping)) {
      if ('cliOnly' in m || 'notYet' in m) continue;
      for (const f of Array.isArray(m) ? m : [m]) {
        const why = missing(f);
        if (why) problems.push(`--${option}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the options the API does not take are the command-line-only ones, each with a reason', () => {
    const without = Object.entries(mapping).filter(([, m]) => 'cliOnly' in m || 'notYet' in m);
    for (const [, m] of without) expect(Object.values(m)[0]).toMatch(/\w{3,}.*\w{3,}/);
    const notYet = without.filter(([, m]) => 'notYet' in m).map(([o]) => o);
    expect(notYet).toEqual([]);
    expect(without.map(([o]) => o).sort()).toEqual(['help', 'out', 'strict']);
  });
});
