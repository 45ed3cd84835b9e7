/**
 * End-to-end checks of the demo city: determinism, geometry validity and tiling, the
 * incidents CSV, the roster and fleet, the manifest, the skip logic and the committed files.
 */

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../packages/engine/src/random.js';
import { buildDemo, SMALL_FILES } from './demo-files.js';
import type { Point } from './geometry.js';
import { bbox, lngLatToKm, pointInPolygon, ringProblems, signedArea } from './geometry.js';
import { CHICAGO_HEADER } from './incidents.js';
import { parseArgs } from './main.js';
import { FLEET_HEADER, ROSTER_HEADER } from './roster.js';
import type { Manifest } from './write-demo.js';
import { INCIDENTS_FILE, MANIFEST_FILE, writeDemo } from './write-demo.js';

const SEED = 7;
const INCIDENTS = 6000;
const ALL_FILES = [...SMALL_FILES, INCIDENTS_FILE, MANIFEST_FILE];

type Polygon = Point[][];
interface Fc {
  features: Array<{ properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }>;
}

let root: string;
let dirA: string;
let dirA2: string;
let dirB: string;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const read = (dir: string, name: string) => readFile(path.join(dir, name), 'utf8');
const readJson = async <T = Fc>(dir: string, name: string) => JSON.parse(await read(dir, name)) as T;
const polygonsOf = (g: { type: string; coordinates: unknown }): Polygon[] =>
  g.type === 'Polygon' ? [g.coordinates as Polygon] : (g.coordinates as Polygon[]);
const inAny = (p: Point, polys: Polygon[]) => polys.some((poly) => pointInPolygon(p, poly));

/** Minimal CSV line splitter (quotes, doubled quotes). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k]!;
    if (quoted) {
      if (c === '"' && line[k + 1] === '"') {
        cur += '"';
        k++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

async function readCsv(dir: string, name: string): Promise<{ header: string; rows: Record<string, string>[] }> {
  const lines = (await read(dir, name)).split('\n');
  expect(lines.pop()).toBe(''); // ends with a newline
  const header = lines[0]!;
  const cols = splitCsv(header);
  return {
    header,
    rows: lines.slice(1).map((l) => {
      const cells = splitCsv(l);
      expect(cells).toHaveLength(cols.length);
      return Object.fromEntries(cols.map((c, k) => [c, cells[k]!]));
    }),
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'beatplan-demo-'));
  dirA = path.join(root, 'a');
  dirA2 = path.join(root, 'a2');
  dirB = path.join(root, 'b');
  await writeDemo({ outDir: dirA, seed: SEED, incidents: INCIDENTS });
  await writeDemo({ outDir: dirA2, seed: SEED, incidents: INCIDENTS });
  await writeDemo({ outDir: dirB, seed: SEED + 1, incidents: INCIDENTS });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('determinism', () => {
  it('the same seed gives the same bytes, a different seed different bytes', async () => {
    for (const name of ALL_FILES) {
      const a = await readFile(path.join(dirA, name));
      const a2 = await readFile(path.join(dirA2, name));
      const b = await readFile(path.join(dirB, name));
      expect(sha256(a2), name).toBe(sha256(a));
      if (name !== 'fleet.csv') expect(sha256(b), name).not.toBe(sha256(a));
    }
  });

  it('the manifest records every file with its size and sha256', async () => {
    const m = await readJson<Manifest>(dirA, MANIFEST_FILE);
    expect(m.seed).toBe(SEED);
    expect(m.synthetic).toBe(true);
    for (const name of [...SMALL_FILES, INCIDENTS_FILE]) {
      const bytes = await readFile(path.join(dirA, name));
      expect(m.files[name], name).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
    }
  });

  it('skips files that are up to date, regenerates what changed, rewrites all with force', async () => {
    const again = await writeDemo({ outDir: dirA2, seed: SEED, incidents: INCIDENTS });
    expect(again.files.every((f) => f.status === 'unchanged')).toBe(true);
    await writeFile(path.join(dirA2, INCIDENTS_FILE), 'tampered\n');
    await rm(path.join(dirA2, 'beats.geojson'));
    const repaired = await writeDemo({ outDir: dirA2, seed: SEED, incidents: INCIDENTS });
    const written = repaired.files
      .filter((f) => f.status === 'written')
      .map((f) => f.name)
      .sort();
    expect(written).toEqual(['beats.geojson', INCIDENTS_FILE]);
    for (const name of ALL_FILES) {
      expect(sha256(await readFile(path.join(dirA2, name))), name).toBe(sha256(await readFile(path.join(dirA, name))));
    }
    const forced = await writeDemo({ outDir: dirA2, seed: SEED, incidents: INCIDENTS, force: true });
    expect(forced.files.every((f) => f.status === 'written')).toBe(true);
  });
});

describe('geometry', () => {
  let boundary: Polygon;
  let beats: Fc;
  let districts: Fc;
  let hoods: Fc;

  beforeAll(async () => {
    const b = await readJson(dirA, 'boundary.geojson');
    expect(b.features).toHaveLength(1);
    expect(b.features[0]!.geometry.type).toBe('Polygon');
    boundary = b.features[0]!.geometry.coordinates as Polygon;
    beats = await readJson(dirA, 'beats.geojson');
    districts = await readJson(dirA, 'districts.geojson');
    hoods = await readJson(dirA, 'neighbourhoods.geojson');
  });

  it('the boundary is one irregular polygon with one hole, about 300 km²', () => {
    expect(boundary).toHaveLength(2);
    const [outer, hole] = boundary;
    expect(outer!.length).toBeGreaterThan(100); // ragged, not a box
    const km2 = (r: Point[]) => Math.abs(signedArea(r.map(lngLatToKm)));
    const landKm2 = km2(outer!) - km2(hole!);
    expect(landKm2).toBeGreaterThan(250);
    expect(landKm2).toBeLessThan(350);
    expect(km2(hole!)).toBeGreaterThan(1);
  });

  it('every ring is closed and simple, outer rings counter-clockwise, holes clockwise', () => {
    const layers: Array<[string, Polygon[]]> = [
      ['boundary', [boundary]],
      ...beats.features.map((f) => [`beat ${f.properties.beat}`, polygonsOf(f.geometry)] as [string, Polygon[]]),
      ...districts.features.map((f) => [`district ${f.properties.district}`, polygonsOf(f.geometry)] as [string, Polygon[]]),
      ...hoods.features.map((f) => [`neighbourhood ${f.properties.name}`, polygonsOf(f.geometry)] as [string, Polygon[]]),
    ];
    for (const [name, polys] of layers) {
      for (const poly of polys) {
        poly.forEach((ring, k) => {
          expect(ringProblems(ring), name).toEqual([]);
          if (k === 0) expect(signedArea(ring), name).toBeGreaterThan(0);
          else expect(signedArea(ring), name).toBeLessThan(0);
        });
      }
    }
  });

  it('beats, districts and neighbourhoods tile the city: areas add up, each point is in exactly one', () => {
    const area = (polys: Polygon[]) => polys.reduce((s, p) => s + p.reduce((t, r) => t + signedArea(r), 0), 0);
    const cityArea = area([boundary]);
    for (const layer of [beats, districts, hoods]) {
      const sum = layer.features.reduce((s, f) => s + area(polygonsOf(f.geometry)), 0);
      expect(Math.abs(sum - cityArea) / cityArea).toBeLessThan(1e-9);
    }
    const [minX, minY, maxX, maxY] = bbox(boundary[0]!);
    const rng = createRng(99);
    let inside = 0;
    for (let k = 0; k < 3000; k++) {
      const p: Point = [minX + rng.next() * (maxX - minX), minY + rng.next() * (maxY - minY)];
      const inCity = pointInPolygon(p, boundary);
      const beatHits = beats.features.filter((f) => inAny(p, polygonsOf(f.geometry)));
      const districtHits = districts.features.filter((f) => inAny(p, polygonsOf(f.geometry)));
      const hoodHits = hoods.features.filter((f) => inAny(p, polygonsOf(f.geometry)));
      const want = inCity ? 1 : 0;
      expect(beatHits.length).toBe(want);
      expect(districtHits.length).toBe(want);
      expect(hoodHits.length).toBe(want);
      if (inCity) {
        inside++;
        expect(beatHits[0]!.properties.district).toBe(districtHits[0]!.properties.district);
      }
    }
    expect(inside).toBeGreaterThan(1500);
  });

  it('has ~40 beats in 5 districts and ~32 neighbourhoods with ~600k people', () => {
    expect(beats.features).toHaveLength(40);
    expect(districts.features.map((f) => f.properties.district)).toEqual(['1', '2', '3', '4', '5']);
    const ids = beats.features.map((f) => f.properties.beat as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of beats.features) expect(f.properties.beat).toMatch(new RegExp(`^0${f.properties.district}[1-3][1-9]$`));
    expect(hoods.features.length).toBeGreaterThanOrEqual(25);
    const pop = hoods.features.reduce((s, f) => s + (f.properties.population as number), 0);
    expect(pop).toBe(600_000);
    for (const f of hoods.features) {
      expect(Number.isInteger(f.properties.population)).toBe(true);
      expect(f.properties.hardship).toBeGreaterThanOrEqual(0);
      expect(f.properties.hardship).toBeLessThanOrEqual(100);
    }
  });

  it('the river crosses the city as line pieces with ~150 m bridge gaps', async () => {
    const river = await readJson(dirA, 'river.geojson');
    const pieces = river.features.filter((f) => f.properties.kind === 'river');
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const f of river.features) expect(f.geometry.type).toBe('LineString');
    for (let k = 1; k < pieces.length; k++) {
      const prev = pieces[k - 1]!.geometry.coordinates as Point[];
      const next = pieces[k]!.geometry.coordinates as Point[];
      const a = lngLatToKm(prev[prev.length - 1]!);
      const b = lngLatToKm(next[0]!);
      const gap = Math.hypot(a[0] - b[0], a[1] - b[1]);
      expect(gap).toBeGreaterThan(0.12);
      expect(gap).toBeLessThan(0.16);
    }
    // Both ends lie outside the city, so the river splits it in two.
    const start = (pieces[0]!.geometry.coordinates as Point[])[0]!;
    const lastLine = pieces[pieces.length - 1]!.geometry.coordinates as Point[];
    const end = lastLine[lastLine.length - 1]!;
    expect(pointInPolygon(start, boundary)).toBe(false);
    expect(pointInPolygon(end, boundary)).toBe(false);
    expect(lngLatToKm(end)[0] - lngLatToKm(start)[0]).toBeGreaterThan(10);
  });
});

describe('incidents.csv', () => {
  let rows: Record<string, string>[];
  let header: string;
  beforeAll(async () => {
    ({ header, rows } = await readCsv(dirA, INCIDENTS_FILE));
  });

  it('has the exact Chicago Data Portal header and the requested rows', () => {
    expect(header).toBe(CHICAGO_HEADER);
    expect(rows).toHaveLength(INCIDENTS);
  });

  it('has Chicago-format dates in 2025, in order, and consistent fields', () => {
    const re = /^(\d{2})\/(\d{2})\/2025 (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/;
    let prev = -1;
    for (const r of rows) {
      const m = re.exec(r.Date!);
      expect(m, r.Date).not.toBeNull();
      const [, mo, d, h, mi] = m!.map(Number) as number[];
      expect(h).toBeGreaterThanOrEqual(1);
      expect(h).toBeLessThanOrEqual(12);
      const t = Date.UTC(2025, mo! - 1, d!, (h! % 12) + (m![6] === 'PM' ? 12 : 0), mi!);
      expect(new Date(t).getUTCDate()).toBe(d); // a real calendar date
      expect(t).toBeGreaterThanOrEqual(prev);
      prev = t;
      expect(r.Year).toBe('2025');
      expect(r.Arrest).toMatch(/^(true|false)$/);
      expect(r.Domestic).toMatch(/^(true|false)$/);
      expect(r.Beat).toMatch(/^\d{4}$/);
      expect(r.District).toBe(`00${r.Beat![1]}`);
      expect(r['Primary Type']).toMatch(/^[A-Z ]+$/);
    }
    expect(new Set(rows.map((r) => r.ID)).size).toBe(rows.length);
  });

  it('leaves ~1.5% of rows without coordinates', () => {
    const empty = rows.filter((r) => r.Latitude === '');
    for (const r of empty) expect([r.Longitude, r.Location, r['X Coordinate'], r['Y Coordinate']]).toEqual(['', '', '', '']);
    const share = empty.length / rows.length;
    expect(share).toBeGreaterThan(0.008);
    expect(share).toBeLessThan(0.025);
  });

  it('places every located incident in the city, outside the hole, in the beat it names', async () => {
    const boundary = (await readJson(dirA, 'boundary.geojson')).features[0]!.geometry.coordinates as Polygon;
    const beats = await readJson(dirA, 'beats.geojson');
    const hole = boundary[1]!;
    for (const r of rows) {
      if (r.Latitude === '') continue;
      const p: Point = [Number(r.Longitude), Number(r.Latitude)];
      expect(r.Location).toBe(`(${r.Latitude}, ${r.Longitude})`);
      expect(pointInPolygon(p, boundary)).toBe(true);
      expect(pointInPolygon(p, [hole.slice().reverse()])).toBe(false);
      const hit = beats.features.find((f) => inAny(p, polygonsOf(f.geometry)));
      expect(hit?.properties.beat).toBe(r.Beat);
    }
  });

  it('has a daily rhythm (evenings busier than 5 am) and a realistic type mix', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const r of rows) {
      const [, time, ampm] = r.Date!.split(' ');
      byHour[(Number(time!.slice(0, 2)) % 12) + (ampm === 'PM' ? 12 : 0)]!++;
    }
    const evening = (byHour[18]! + byHour[19]! + byHour[20]! + byHour[21]!) / 4;
    expect(evening).toBeGreaterThan(2.5 * byHour[5]!);
    const share = (t: string) => rows.filter((r) => r['Primary Type'] === t).length / rows.length;
    expect(share('THEFT')).toBeGreaterThan(0.17);
    expect(share('THEFT')).toBeLessThan(0.26);
    expect(share('BATTERY')).toBeGreaterThan(0.14);
    expect(share('NARCOTICS')).toBeGreaterThan(0.01);
    expect(share('HOMICIDE')).toBeLessThan(0.01);
  });

  it('is unbalanced across current beats, as planning should fix', () => {
    const perBeat = new Map<string, number>();
    for (const r of rows) perBeat.set(r.Beat!, (perBeat.get(r.Beat!) ?? 0) + 1);
    const counts = [...perBeat.values()];
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(3);
  });
});

describe('roster, fleet and venues', () => {
  it('roster.csv has the exact columns and ~9 officers per beat over three shifts', async () => {
    const { header, rows } = await readCsv(dirA, 'roster.csv');
    expect(header).toBe(ROSTER_HEADER);
    const beats = (await readJson(dirA, 'beats.geojson')).features.map((f) => f.properties.beat as string);
    const perBeat = rows.length / beats.length;
    expect(perBeat).toBeGreaterThan(8);
    expect(perBeat).toBeLessThan(10);
    for (const beat of beats) {
      for (const shift of ['0-8', '8-16', '16-24']) {
        expect(
          rows.some((r) => r.current_beat === beat && r.shift === shift),
          `${beat} ${shift}`,
        ).toBe(true);
      }
    }
    expect(new Set(rows.map((r) => r.officer_id)).size).toBe(rows.length);
    for (const r of rows) {
      expect(['Police Officer', 'Sergeant', 'Field Training Officer']).toContain(r.rank);
      expect(r.skills).toMatch(/^([a-z-]+(;[a-z-]+)*)?$/);
      expect(r.name).toMatch(/^\S+ \S/);
    }
    const unavailable = rows.filter((r) => r.available === 'false').length / rows.length;
    expect(unavailable).toBeGreaterThan(0.005);
    expect(unavailable).toBeLessThan(0.12);
    const headcount = (s: string) => rows.filter((r) => r.shift === s).length;
    expect(headcount('0-8')).toBeLessThan(headcount('16-24'));
  });

  it('fleet.csv lists every vehicle type per shift', async () => {
    const { header, rows } = await readCsv(dirA, 'fleet.csv');
    expect(header).toBe(FLEET_HEADER);
    expect(rows.map((r) => `${r.shift}/${r.vehicle_type}`)).toEqual(
      ['0-8', '8-16', '16-24'].flatMap((s) => ['marked-car', 'suv', 'bike'].map((t) => `${s}/${t}`)),
    );
    for (const r of rows) expect(Number.isInteger(Number(r.count))).toBe(true);
  });

  it('venues are ~120 named points inside the city', async () => {
    const venues = await readJson(dirA, 'venues.geojson');
    const boundary = (await readJson(dirA, 'boundary.geojson')).features[0]!.geometry.coordinates as Polygon;
    expect(venues.features.length).toBeGreaterThanOrEqual(100);
    const names = new Set<string>();
    for (const f of venues.features) {
      expect(f.geometry.type).toBe('Point');
      expect(pointInPolygon(f.geometry.coordinates as Point, boundary)).toBe(true);
      expect(['school', 'library', 'park-house', 'church', 'community-center']).toContain(f.properties.kind);
      names.add(f.properties.name as string);
    }
    expect(names.size).toBe(venues.features.length);
  });
});

describe('command line', () => {
  it('parses the flags and rejects bad values', () => {
    expect(parseArgs(['--seed', '3', '--incidents=10', '--force', '--out', 'x'], '/d')).toMatchObject({
      seed: 3,
      incidents: 10,
      force: true,
      outDir: path.resolve('x'),
    });
    expect(parseArgs([], '/d')).toMatchObject({ seed: 2025, incidents: 200_000, force: false, outDir: '/d' });
    expect(() => parseArgs(['--seed', 'x'], '/d')).toThrow(/--seed/);
    expect(() => parseArgs(['--bogus'], '/d')).toThrow(/unknown argument/);
  });
});

describe('committed demo data', () => {
  const demoDir = fileURLToPath(new URL('../demo/', import.meta.url));
  const manifestPath = path.join(demoDir, MANIFEST_FILE);
  it.skipIf(!existsSync(manifestPath))('matches what the generator makes from the recorded seed', async () => {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    const demo = buildDemo(manifest.seed);
    for (const name of SMALL_FILES) {
      expect(sha256(demo.smallFiles.get(name)!), `${name} is stale: run pnpm demo:data`).toBe(manifest.files[name]!.sha256);
      expect(sha256(await readFile(path.join(demoDir, name))), `${name} differs from the manifest`).toBe(manifest.files[name]!.sha256);
    }
  });
});
