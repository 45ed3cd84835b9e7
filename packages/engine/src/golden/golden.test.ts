/**
 * Golden fixtures, Turf-style: `fixtures/<case>/in/*` → `fixtures/<case>/expected/*`, one file per
 * stage (grid, score, plan, staff), outputs styled so a person can open them on a map.
 * Parameters ride in the boundary's `properties`. The stages run through the `beatplan` CLI
 * (in process, from the committed files), so every reader, writer and default is covered.
 *
 * - `REGEN=1` rewrites the expected outputs (review the diff: it is the behaviour change);
 * - `REGEN=inputs` also rewrites the seeded inputs of the `lakeside` case.
 *
 * Timings (`timingsMs`, `timeMs`) are the only fields left out of the comparison.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { cellToBoundary } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.js';
import { toCsv } from '../csv-format.js';
import { buildGrid } from '../grid/build-grid.js';
import { createRng } from '../random.js';

const REGEN = process.env.REGEN;
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The parameters a case's boundary carries. */
interface CaseParams {
  resolution: number;
  beats: number;
  seed: number;
  tolerance: number;
  shifts: string;
}

/**
 * What differs between runs and machines, taken out of a parsed JSON value: timing fields are
 * dropped and the fixtures folder in file paths becomes `<fixtures>`.
 */
function withoutTimings(v: unknown): unknown {
  if (typeof v === 'string') return v.split(FIXTURES).join('<fixtures>/');
  if (Array.isArray(v)) return v.map(withoutTimings);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'timingsMs' && k !== 'timeMs' && !k.endsWith('TimeMs'))
        .map(([k, x]) => [k, withoutTimings(x)]),
    );
  }
  return v;
}

const pretty = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** A FeatureCollection with one feature per line (small, diff-friendly, still valid GeoJSON). */
function featureLines(fc: { features: unknown[] }): string {
  const { features, ...rest } = fc;
  const head = JSON.stringify(rest).slice(1, -1);
  return `{${head}${head ? ',' : ''}"features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

/** Compares `actual` with `expected/<name>` (or writes it under REGEN). */
function golden(caseDir: string, name: string, actual: string): void {
  const file = join(caseDir, 'expected', name);
  if (REGEN || !existsSync(file)) {
    // a missing expected file is a failure under CI, never silently written
    if (!REGEN && process.env.CI) throw new Error(`golden file ${file} is missing (run REGEN=1 locally and commit it)`);
    mkdirSync(join(caseDir, 'expected'), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  expect(actual, `${name} differs from the golden file ${file}; if the change is intended, run REGEN=1 and review the diff`).toBe(expected);
}

/** Grid cells as GeoJSON, styled (simplestyle) by connected component. */
function gridGeojson(boundary: FeatureCollection<Polygon>, resolution: number): FeatureCollection {
  const grid = buildGrid(boundary, { resolution });
  const colours = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a'];
  const features: Feature[] = [];
  for (let i = 0; i < grid.cellCount; i++) {
    features.push({
      type: 'Feature',
      properties: {
        h3: grid.h3[i],
        index: i,
        neighbours: grid.adjOffsets[i + 1]! - grid.adjOffsets[i]!,
        component: grid.component[i],
        areaKm2: Math.round(grid.areaKm2[i]! * 1e6) / 1e6,
        fill: colours[grid.component[i]! % colours.length],
        'fill-opacity': 0.3,
        stroke: '#555555',
        'stroke-width': 1,
      },
      geometry: {
        type: 'Polygon',
        coordinates: [cellToBoundary(grid.h3[i]!, true).map(([x, y]) => [Math.round(x! * 1e6) / 1e6, Math.round(y! * 1e6) / 1e6])],
      },
    });
  }
  return {
    type: 'FeatureCollection',
    features: [
      ...boundary.features.map((f) => ({ ...f, properties: { ...f.properties, stroke: '#000000', 'stroke-width': 3, 'fill-opacity': 0 } })),
      ...features,
    ],
  };
}

/** Runs the CLI; fails with its stderr when the exit code is not 0. */
async function cli(argv: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  if (code !== 0) throw new Error(`beatplan ${argv[0]} exited ${code}: ${err}`);
  return { out, err };
}

/** Writes the seeded inputs of the `lakeside` case (REGEN=inputs). */
function makeLakesideInputs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rng = createRng(20261206);
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  // a 3.3 km × 2.2 km city with a bay cut into its east side
  const ring = [
    [-87.72, 41.84],
    [-87.68, 41.84],
    [-87.68, 41.848],
    [-87.69, 41.851],
    [-87.68, 41.854],
    [-87.68, 41.86],
    [-87.72, 41.86],
    [-87.72, 41.84],
  ];
  const params: CaseParams = { resolution: 9, beats: 4, seed: 7, tolerance: 0.1, shifts: '0-8,8-16,16-24' };
  writeFileSync(
    join(dir, 'boundary.geojson'),
    pretty({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'Lakeside (synthetic)', ...params }, geometry: { type: 'Polygon', coordinates: [ring] } },
      ],
    }),
  );
  const box = (x0: number, x1: number) => [
    [
      [x0, 41.835],
      [x1, 41.835],
      [x1, 41.865],
      [x0, 41.865],
      [x0, 41.835],
    ],
  ];
  writeFileSync(
    join(dir, 'population.geojson'),
    pretty({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'West', population: 12000 },
          geometry: { type: 'Polygon', coordinates: box(-87.725, -87.7013) },
        },
        {
          type: 'Feature',
          properties: { name: 'East', population: 4500 },
          geometry: { type: 'Polygon', coordinates: box(-87.7013, -87.675) },
        },
      ],
    }),
  );
  // two hot spots and a background over 28 days of January 2025, then one row per reject reason
  const types = ['THEFT', 'BATTERY', 'ASSAULT', 'CRIMINAL DAMAGE', 'BURGLARY'];
  const spots = [
    [-87.71, 41.845, 0.004],
    [-87.695, 41.857, 0.003],
  ] as const;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const rows: unknown[][] = [];
  for (let k = 0; k < 360; k++) {
    const u = rng.next();
    let lng = -87.72 + rng.next() * 0.04;
    let lat = 41.84 + rng.next() * 0.02;
    if (u < 0.7) {
      const [x, y, s] = spots[u < 0.45 ? 0 : 1]!;
      lng = x + (rng.next() - 0.5) * 2 * s;
      lat = y + (rng.next() - 0.5) * 1.5 * s;
    }
    const d = new Date(Date.UTC(2025, 0, 1) + Math.floor(rng.next() * 28 * 86_400) * 1000);
    const h = d.getUTCHours();
    const time = `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${d.getUTCFullYear()} ${p2(h % 12 === 0 ? 12 : h % 12)}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
    rows.push([k + 1, time, types[rng.int(types.length)]!, r6(lat), r6(lng)]);
  }
  rows.push([361, '01/05/2025 10:00:00 AM', 'THEFT', '', '']);
  rows.push([362, '01/05/2025', 'THEFT', 41.85, -87.7]);
  rows.push([363, '01/06/2025 11:00:00 PM', 'THEFT', 41.9, -87.6]);
  rows.push([364, '01/07/2025 01:00:00 AM', 'THEFT', -87.7, 41.85]);
  writeFileSync(join(dir, 'incidents.csv'), toCsv(['ID', 'Date', 'Primary Type', 'Latitude', 'Longitude'], rows));
  // ten officers per shift (a sergeant, one unavailable), some Spanish speakers
  const roster: unknown[][] = [];
  let n = 0;
  for (const shift of params.shifts.split(',')) {
    for (let k = 0; k < 10; k++)
      roster.push([
        `P${10001 + n}`,
        `Officer ${++n}`,
        shift,
        k === 0 ? 'Sergeant' : 'Police Officer',
        '',
        k % 4 === 1 ? 'spanish' : '',
        k === 9 ? 'false' : 'true',
      ]);
  }
  writeFileSync(join(dir, 'roster.csv'), toCsv(['officer_id', 'name', 'shift', 'rank', 'current_beat', 'skills', 'available'], roster));
}

if (REGEN === 'inputs') makeLakesideInputs(join(FIXTURES, 'lakeside', 'in'));

const cases = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'in', 'boundary.geojson')));
const tmp = mkdtempSync(join(tmpdir(), 'bp-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(cases)('golden fixture %s', (name) => {
  const dir = join(FIXTURES, name);
  const input = (f: string) => join(dir, 'in', f);
  const boundary = JSON.parse(readFileSync(input('boundary.geojson'), 'utf8')) as FeatureCollection<Polygon>;
  const p = boundary.features[0]!.properties as CaseParams;
  const work = join(tmp, name);
  const city = [
    '--boundary',
    input('boundary.geojson'),
    '--incidents',
    input('incidents.csv'),
    '--resolution',
    String(p.resolution),
    '--shifts',
    p.shifts,
  ];
  const layer = existsSync(input('population.geojson')) ? ['--layer', `${input('population.geojson')}:population`] : [];

  it('grid: cells, adjacency, components', () => {
    golden(dir, 'grid.geojson', featureLines(gridGeojson(boundary, p.resolution)));
  });

  it('score: cells.csv and score-report.json', async () => {
    await cli(['score', ...city, ...layer, '--out', join(work, 'score')]);
    golden(dir, 'score-cells.csv', readFileSync(join(work, 'score', 'cells.csv'), 'utf8'));
    golden(dir, 'score-report.json', pretty(withoutTimings(JSON.parse(readFileSync(join(work, 'score', 'score-report.json'), 'utf8')))));
  });

  it('plan: plan.json (and its sha256, byte for byte), beats.geojson, cells.csv, metrics.json', async () => {
    await cli([
      'plan',
      ...city,
      ...layer,
      '--beats',
      String(p.beats),
      '--seed',
      String(p.seed),
      '--tolerance',
      String(p.tolerance),
      '--out',
      join(work, 'plan'),
    ]);
    const raw = readFileSync(join(work, 'plan', 'plan.json'));
    golden(dir, 'plan.json', pretty(JSON.parse(raw.toString('utf8'))));
    golden(dir, 'plan.json.sha256', `${createHash('sha256').update(raw).digest('hex')}  plan.json\n`);
    golden(
      dir,
      'beats.geojson',
      featureLines(withoutTimings(JSON.parse(readFileSync(join(work, 'plan', 'beats.geojson'), 'utf8'))) as FeatureCollection),
    );
    golden(dir, 'plan-cells.csv', readFileSync(join(work, 'plan', 'cells.csv'), 'utf8'));
    golden(dir, 'metrics.json', pretty(withoutTimings(JSON.parse(readFileSync(join(work, 'plan', 'metrics.json'), 'utf8')))));
  });

  it('plan: the beatplan binary in a fresh Node process writes the golden plan.json bytes', () => {
    const outDir = join(work, 'plan-process');
    const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
    const r = spawnSync(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        main,
        'plan',
        ...city,
        ...layer,
        '--beats',
        String(p.beats),
        '--seed',
        String(p.seed),
        '--tolerance',
        String(p.tolerance),
        '--out',
        outDir,
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const sha = createHash('sha256')
      .update(readFileSync(join(outDir, 'plan.json')))
      .digest('hex');
    golden(dir, 'plan.json.sha256', `${sha}  plan.json\n`);
  });

  it.runIf(existsSync(input('roster.csv')))('staff: staffing.json and assignments.csv', async () => {
    if (!existsSync(join(work, 'plan', 'plan.json'))) {
      await cli([
        'plan',
        ...city,
        ...layer,
        '--beats',
        String(p.beats),
        '--seed',
        String(p.seed),
        '--tolerance',
        String(p.tolerance),
        '--out',
        join(work, 'plan'),
      ]);
    }
    await cli(['staff', '--plan', join(work, 'plan', 'plan.json'), '--roster', input('roster.csv'), '--out', join(work, 'staff')]);
    golden(dir, 'staffing.json', pretty(withoutTimings(JSON.parse(readFileSync(join(work, 'staff', 'staffing.json'), 'utf8')))));
    golden(dir, 'assignments.csv', readFileSync(join(work, 'staff', 'assignments.csv'), 'utf8'));
  });
});
