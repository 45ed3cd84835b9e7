/**
 * One use-case, two adapters (issue #15 item 1): `beatplan plan` / `beatplan staff` and the
 * API's planning, staffing and what-if jobs call the same engine functions (`planOnContext`,
 * `staffPlan`, `whatIfOnPlan`). Run on the golden fixture's inputs, the CLI and the API's
 * file-reading use-cases (what its job worker calls) give the same plan, the same staffing and
 * the same what-if; the API's sources import no lower-level planning or staffing function that
 * would make a second path.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { buildContext, planOnFiles, staffPlanFromFiles, whatIfFromFiles } from '../packages/engine/src/usecases/files.js';
import { captureIo } from './support/cli-io.js';
import { REPO_ROOT } from './support/realdata.js';

const IN = join(REPO_ROOT, 'packages/engine/src/golden/fixtures/lakeside/in');
const file = (name: string) => ({ path: join(IN, name), fileName: name });
/** The fixture's parameters (its boundary's properties). */
const P = { resolution: 9, beats: 4, seed: 7, tolerance: 0.1, shifts: '0-8,8-16,16-24' };

/** A document without its timings (`timingsMs`, `timeMs`) and the roster's file name, which differ between runs and callers. */
function comparable(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json, (k, v) => (k === 'timingsMs' || k === 'timeMs' || k === 'file' ? undefined : v)));
}

async function cli(argv: string[]): Promise<void> {
  const c = captureIo();
  const code = await runCli(argv, c.io);
  if (code !== 0) throw new Error(`beatplan ${argv[0]} exited ${code}: ${c.err}`);
}

const out = mkdtempSync(join(tmpdir(), 'bp-adapters-'));
const read = (name: string) => JSON.parse(readFileSync(join(out, name), 'utf8'));
let cliPlanText = '';

beforeAll(async () => {
  const city = ['--boundary', join(IN, 'boundary.geojson'), '--incidents', join(IN, 'incidents.csv')];
  const params = ['--resolution', String(P.resolution), '--shifts', P.shifts, '--layer', `${join(IN, 'population.geojson')}:population`];
  await cli([
    'plan',
    ...city,
    ...params,
    '--beats',
    String(P.beats),
    '--seed',
    String(P.seed),
    '--tolerance',
    String(P.tolerance),
    '--out',
    join(out, 'plan'),
  ]);
  cliPlanText = readFileSync(join(out, 'plan', 'plan.json'), 'utf8');
  const staff = ['staff', '--plan', join(out, 'plan', 'plan.json'), '--roster', join(IN, 'roster.csv')];
  await cli([...staff, '--out', join(out, 'staff')]);
  await cli([...staff, '--out-officers', '16-24:2', '--seed', '3', '--out', join(out, 'whatif')]);
}, 120_000);

describe('the CLI and the API call one plan use-case and one staff use-case', () => {
  it('plan: the API job path gives the CLI plan, differing only in the provenance each records (extra.method, extra.inputs)', async () => {
    const ctx = await buildContext({
      boundary: file('boundary.geojson'),
      incidents: { ...file('incidents.csv'), read: {} },
      layers: [{ ...file('population.geojson'), field: 'population', use: 'population' }],
      resolution: P.resolution,
      shifts: P.shifts,
    });
    const api = await planOnFiles(ctx, 'plan', { beats: P.beats, seed: P.seed, tolerance: P.tolerance }, undefined);
    const a = JSON.parse(api.planJson);
    const c = JSON.parse(cliPlanText);
    expect(a.extra.method).toBe('plan');
    expect(c.extra.method).toBeUndefined();
    expect(c.extra.inputs).toMatchObject({ boundary: 'boundary.geojson', incidents: 'incidents.csv' });
    expect(a.extra.inputs).toBeUndefined();
    for (const doc of [a, c]) {
      delete doc.extra.method;
      delete doc.extra.inputs;
    }
    expect(a).toEqual(c);
    // the same plan: every cell in the same beat, under the same ids
    expect(a.beats).toHaveLength(P.beats);
    expect(a.cells.h3.length).toBeGreaterThan(50);
    // the API's metrics are the CLI's metrics.json without the figures only the output folder carries
    const m = read('plan/metrics.json');
    expect(api.metrics.workload).toEqual(m.workload);
    expect(api.metrics.compactness).toEqual(m.compactness);
    expect(api.report?.method).toEqual(c.extra.report.method);
  });

  it('staff: the API staffing job gives the CLI staffing.json, less the figures the CLI adds (response, access, beatFigures)', async () => {
    const api = await staffPlanFromFiles(cliPlanText, file('roster.csv'));
    const { response, access, beatFigures, ...cliRest } = read('staff/staffing.json');
    expect(response.staffingRule).toBe('allocated officers (this staffing)');
    expect(beatFigures).toHaveLength(P.beats);
    expect(access).toBeNull();
    expect(comparable(api)).toEqual(comparable(cliRest));
    expect((api.totals as { assigned: number }).assigned).toBeGreaterThan(0);
  });

  it('what-if: whatif.json of `beatplan staff --out-officers` is the API what-if document', async () => {
    const api = await whatIfFromFiles(cliPlanText, file('roster.csv'), { officersOut: [{ shift: '16-24', count: 2 }], seed: 3 });
    const w = read('whatif/whatif.json');
    expect(comparable(w)).toEqual(comparable(api));
    expect(w.scenario).toEqual({ officersOut: [{ shift: '16-24', count: 2 }], area: null, seed: 3 });
    const night = w.diff.shifts.find((s: { shift: string }) => s.shift === '16-24');
    expect(night.headcountDelta).toBe(-2);
    // the baseline of the what-if is the staffing the same command wrote
    expect(comparable(read('whatif/staffing.json'))).toEqual(comparable(read('staff/staffing.json')));
    // the officers out are on no beat in the what-if's staffing
    const scenario = read('whatif/whatif-staffing.json').totals;
    expect(scenario.assigned).toBeLessThanOrEqual(scenario.available - 2);
  });

  it('the API reaches planning and staffing only through those use-cases: no lower-level planning or staffing import', () => {
    const SECOND_PATHS = /\b(planBeats|staffBeats|staffWhatIf|inheritBeatIds|parentAsInitialPlan|staffingSetupOf|withPlanFigures)\b/;
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) sources.push(p);
      }
    };
    walk(join(REPO_ROOT, 'packages/api/src'));
    expect(sources.length).toBeGreaterThan(20);
    const offending = sources.flatMap((p) => {
      const code = readFileSync(p, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      return SECOND_PATHS.test(code) ? [`${p.slice(REPO_ROOT.length + 1)}: ${code.match(SECOND_PATHS)![1]}`] : [];
    });
    expect(offending).toEqual([]);
    // the job worker plans, staffs and runs what-ifs through the same use-cases the CLI calls
    const worker = readFileSync(join(REPO_ROOT, 'packages/api/src/jobs/job-worker.ts'), 'utf8');
    for (const f of ['planOnFiles(', 'staffPlanFromFiles(', 'whatIfFromFiles(']) expect(worker).toContain(f);
    const files = readFileSync(join(REPO_ROOT, 'packages/engine/src/usecases/files.ts'), 'utf8');
    for (const f of ['planOnContext(ctx', 'staffPlan(loadPlanJson', 'whatIfOnPlan(loadPlanJson']) expect(files).toContain(f);
    const plan = readFileSync(join(REPO_ROOT, 'packages/engine/src/cli/commands/plan.ts'), 'utf8');
    expect(plan).toContain('planOnContext(planContextOfCity(city)');
    const staff = readFileSync(join(REPO_ROOT, 'packages/engine/src/cli/commands/staff.ts'), 'utf8');
    for (const f of ['staffPlan(saved', 'whatIfOnPlan(saved']) expect(staff).toContain(f);
  });
});
