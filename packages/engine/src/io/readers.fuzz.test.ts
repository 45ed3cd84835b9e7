/**
 * Reliability fuzzing of every engine reader (issue 8, item 1): a corpus of hostile files
 * generated into a temp folder (never committed) plus fast-check properties. Every case must
 * end in a result or a `BeatplanError` with a code: never a TypeError/RangeError, a crash or
 * a hang. The case count is printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import { PLAN_FORMAT, planFromJson } from '../plan/output.js';
import { readCsvTable } from './csv.js';
import { readFleet } from './read-fleet.js';
import { readBoundary, readLines, readPolygonLayer } from './read-geojson-layers.js';
import { readIncidents } from './read-incidents.js';
import { readRoster } from './read-roster.js';
import type { TextSource } from './source.js';

const SEED = 20_250_801;
let dir: string;
let cases = 0;
let crashes: string[] = [];
let allCrashes = 0;

/** Runs one case: ok, or a BeatplanError with a string code; anything else is a crash. */
async function check(label: string, fn: () => unknown, maxMs = 15_000): Promise<'ok' | string> {
  cases++;
  const t0 = performance.now();
  let outcome: 'ok' | string = 'ok';
  try {
    await fn();
  } catch (e) {
    if (e instanceof BeatplanError && typeof e.code === 'string' && e.code.length > 0) outcome = e.code;
    else crashes.push(`${label}: ${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 200)}`);
  }
  const ms = performance.now() - t0;
  if (ms > 500 && process.env.FUZZ_TIMING) console.log(`slow case ${label}: ${Math.round(ms)} ms`);
  if (ms > maxMs) crashes.push(`${label}: took ${Math.round(ms)} ms`);
  return outcome;
}

/** Every reader on one source (a path or bytes); the boundary, when it reads, is also gridded. */
async function allReaders(label: string, source: () => TextSource): Promise<void> {
  await check(`${label} readIncidents(auto)`, () => readIncidents(source() as never));
  await check(`${label} readIncidents(csv)`, () => readIncidents(source() as never, { format: 'csv' }));
  await check(`${label} readIncidents(geojson)`, () => readIncidents(source() as never, { format: 'geojson' }));
  await check(`${label} readIncidents(locate)`, () =>
    readIncidents(source() as never, { locate: (lng, lat) => (lng > 0 && lat > 0 ? 0 : -1) }),
  );
  let boundary: Awaited<ReturnType<typeof readBoundary>> | undefined;
  await check(`${label} readBoundary`, async () => {
    boundary = await readBoundary(source() as never);
  });
  if (boundary) {
    const b = boundary;
    await check(`${label} buildGrid`, () => buildGrid(b, { maxCells: 50_000 }));
  }
  await check(`${label} readPolygonLayer`, () => readPolygonLayer(source() as never, 'population'));
  await check(`${label} readLines`, () => readLines(source() as never));
  await check(`${label} readCsvTable`, () => readCsvTable(source()));
  await check(`${label} readRoster`, () => readRoster(source()));
  await check(`${label} readFleet`, () => readFleet(source()));
  await check(`${label} planFromJson`, () => {
    const s = source();
    const text = typeof s === 'string' ? undefined : Buffer.isBuffer(s) ? s.toString('utf8') : undefined;
    if (text === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // not JSON: planFromJson takes a parsed value
    }
    return planFromJson(json);
  });
}

// ---- valid seeds -------------------------------------------------------------------------

const SQUARE = [
  [-87.7, 41.85],
  [-87.65, 41.85],
  [-87.65, 41.89],
  [-87.7, 41.89],
  [-87.7, 41.85],
];
const BOUNDARY = JSON.stringify({
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: { population: 1200, name: 'x' }, geometry: { type: 'Polygon', coordinates: [SQUARE] } }],
});
const LINES = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [-87.7, 41.86],
          [-87.65, 41.87],
        ],
      },
    },
  ],
});
const INCIDENTS_CSV = [
  'lat,lng,time,type',
  '41.86,-87.68,2025-01-02T03:04:05,THEFT',
  '41.87,-87.66,2025-02-03 10:00,BATTERY',
  '41.88,-87.69,01/02/2025 11:00 PM,ASSAULT',
  '',
].join('\n');
const INCIDENTS_GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { time: '2025-01-02T03:04:05', type: 'THEFT' },
      geometry: { type: 'Point', coordinates: [-87.68, 41.86] },
    },
  ],
});
const ROSTER = [
  'officer_id,name,shift,rank,current_beat,skills,available',
  'P1,Ana Diaz,0-8,PO,B001,spanish;fto,yes',
  'P2,"O\'Hara, Sean",8-16,SGT,,,0',
  '',
].join('\n');
const FLEET = ['shift,vehicle_type,count', '0-8,marked-car,4', '8-16,suv,2', ''].join('\n');
const PLAN = {
  format: PLAN_FORMAT,
  resolution: 9,
  shifts: [{ id: '0-8', startHour: 0, endHour: 8 }],
  districts: null,
  beats: [
    { id: 'B001', locked: false, district: null, method: 'grown' },
    { id: 'B002', locked: true, district: null, method: null },
  ],
  cells: {
    h3: ['892664c1a2bffff', '892664c1a2fffff', '892664c1a23ffff'],
    beat: [0, 1, -1],
    workloadHours: [[1, 2, 3]],
    needHours: [0, 1, 2],
    population: [1, 2, 3],
    incidents: [0, 1, 2],
  },
  periodWeeks: 52,
  grid: { bridges: [['892664c1a2bffff', '892664c1a2fffff']], barrierCuts: [] },
  extra: { seed: 1 },
};
const SEEDS: Record<string, string> = {
  boundary: BOUNDARY,
  lines: LINES,
  incidentsCsv: INCIDENTS_CSV,
  incidentsGeojson: INCIDENTS_GEOJSON,
  roster: ROSTER,
  fleet: FLEET,
  plan: JSON.stringify(PLAN),
};

function deepArray(levels: number, inner = '1'): string {
  return '['.repeat(levels) + inner + ']'.repeat(levels);
}
function deepObject(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}
function ringAround(lng: number, lat: number, r: number, n: number): number[][] {
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([lng + r * Math.cos(a), lat + r * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return ring;
}
const poly = (rings: unknown) =>
  JSON.stringify({ type: 'Feature', properties: { population: 5 }, geometry: { type: 'Polygon', coordinates: rings } });

/** The hand-written hostile corpus: name → bytes. */
function hostileCorpus(): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  const add = (name: string, v: string | Buffer) => m.set(name, typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  for (const [name, text] of Object.entries(SEEDS)) {
    const bytes = Buffer.from(text, 'utf8');
    add(`${name}.valid`, bytes);
    // truncations at many offsets
    const step = Math.max(1, Math.floor(bytes.length / 10));
    for (let k = 0; k < bytes.length; k += step) add(`${name}.trunc${k}`, bytes.subarray(0, k));
    // BOM variants
    add(`${name}.bom8`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
    add(`${name}.bom8x2`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), bytes]));
    add(`${name}.bom16le`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    add(`${name}.bom16be`, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    add(`${name}.bom32le`, Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), bytes]));
    add(`${name}.utf16noBom`, Buffer.from(text, 'utf16le'));
    // NUL bytes and invalid UTF-8
    add(`${name}.nulFront`, Buffer.concat([Buffer.from([0]), bytes]));
    add(
      `${name}.nulMiddle`,
      Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.from([0, 0, 0]), bytes.subarray(bytes.length >> 1)]),
    );
    add(`${name}.nulEvery`, Buffer.from(text.split('').join('\u0000'), 'utf8'));
    for (const bad of [[0xc3, 0x28], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      add(
        `${name}.badUtf8_${bad.join('_')}`,
        Buffer.concat([bytes.subarray(0, bytes.length >> 1), Buffer.from(bad), bytes.subarray(bytes.length >> 1)]),
      );
    }
    // line ending variants
    add(`${name}.crlf`, text.replace(/\n/g, '\r\n'));
    add(`${name}.cr`, text.replace(/\n/g, '\r'));
    add(`${name}.doubled`, text + text);
  }
  // giant / odd numbers
  for (const v of [
    '1e308',
    '-1e308',
    '1e309',
    '-0',
    '0',
    '1e-320',
    '5e-324',
    'NaN',
    'Infinity',
    '-Infinity',
    '0x10',
    '1_000',
    '１２',
    '9'.repeat(400),
    '',
  ]) {
    add(`csv.lat=${v.slice(0, 12)}`, `lat,lng,time,type\n${v},-87.68,2025-01-02T03:04:05,THEFT\n41.86,${v},2025-01-02T03:04:05,THEFT\n`);
    add(`roster.avail=${v.slice(0, 12)}`, `officer_id,name,shift,rank,current_beat,skills,available\nP1,A,${v},PO,,,${v}\n`);
    add(`fleet.count=${v.slice(0, 12)}`, `shift,vehicle_type,count\n0-8,car,${v}\n`);
    const num = /^-?(\d|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? v : JSON.stringify(v);
    add(
      `geo.coord=${v.slice(0, 12)}`,
      poly(
        [
          [
            [num, 41.85],
            [-87.65, 41.85],
            [-87.65, 41.89],
            [-87.7, 41.89],
            [num, 41.85],
          ],
        ].map((r) => r.map((p) => p)),
      ).replace(/"(1e30[89]|-1e308|-0|1e-320|5e-324)"/g, '$1'),
    );
    add(
      `geo.point=${v.slice(0, 12)}`,
      `{"type":"Feature","properties":{"time":"2025-01-01"},"geometry":{"type":"Point","coordinates":[${num},${num}]}}`,
    );
    add(
      `layer.population=${v.slice(0, 12)}`,
      `{"type":"Feature","properties":{"population":${num}},"geometry":{"type":"Polygon","coordinates":[${JSON.stringify(SQUARE)}]}}`,
    );
    add(
      `plan.num=${v.slice(0, 12)}`,
      JSON.stringify(PLAN).replace('"resolution":9', `"resolution":${num}`).replace('"needHours":[0,1,2]', `"needHours":[${num},1,2]`),
    );
  }
  // deep nesting
  for (const levels of [1_000, 10_000, 100_000]) {
    add(`deepArray${levels}`, deepArray(levels));
    add(`deepObject${levels}`, deepObject(levels));
    add(`deepCoords${levels}`, `{"type":"Polygon","coordinates":${deepArray(levels)}}`);
    add(`deepRing${levels}`, `{"type":"Polygon","coordinates":[${deepArray(levels)}]}`);
    add(`deepLine${levels}`, `{"type":"LineString","coordinates":${deepArray(levels)}}`);
    add(
      `deepProps${levels}`,
      `{"type":"Feature","properties":${deepObject(levels)},"geometry":{"type":"Polygon","coordinates":[${JSON.stringify(SQUARE)}]}}`,
    );
    add(`deepPlanExtra${levels}`, JSON.stringify(PLAN).replace('"extra":{"seed":1}', `"extra":${deepObject(levels)}`));
    add(`deepPlanBeat${levels}`, JSON.stringify(PLAN).replace('"beat":[0,1,-1]', `"beat":[${deepArray(levels)},1,-1]`));
  }
  // wrong types
  const wrong: Record<string, unknown> = {
    fcFeaturesString: { type: 'FeatureCollection', features: 'x' },
    fcFeaturesJunk: { type: 'FeatureCollection', features: [null, 1, 'a', [], {}, { type: 'Feature' }] },
    fcNoFeatures: { type: 'FeatureCollection' },
    featureNullGeom: { type: 'Feature', properties: null, geometry: null },
    geomStringCoords: { type: 'Polygon', coordinates: 'abc' },
    geomNumberCoords: { type: 'Polygon', coordinates: 5 },
    geomObjCoords: { type: 'Polygon', coordinates: { 0: [1, 2] } },
    geomCoordsStrings: {
      type: 'Polygon',
      coordinates: [
        [
          ['1', '2'],
          ['3', '4'],
          ['5', '6'],
          ['1', '2'],
        ],
      ],
    },
    geomEmptyRing: { type: 'Polygon', coordinates: [[]] },
    geomNullRing: { type: 'Polygon', coordinates: [null] },
    multiEmpty: { type: 'MultiPolygon', coordinates: [] },
    multiNull: { type: 'MultiPolygon', coordinates: [null, [null]] },
    geometryCollection: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', coordinates: [SQUARE] }] },
    typeNumber: { type: 5, coordinates: [] },
    typeProto: { type: '__proto__', coordinates: [] },
    protoPollution: JSON.parse(
      '{"type":"Feature","__proto__":{"polluted":1},"properties":{"__proto__":{"population":1}},"geometry":{"type":"Polygon","coordinates":[[[-87.7,41.85],[-87.65,41.85],[-87.65,41.89],[-87.7,41.85]]]}}',
    ),
    crsProjected: { type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'EPSG:3435' } }, features: [] },
    crsWeird: { type: 'FeatureCollection', crs: { properties: { name: 5 } }, features: [] },
    array: [1, 2, 3],
    string: 'a string',
    number: 1e308,
    nul: null,
    bool: true,
    pointsAsBoundary: { type: 'Point', coordinates: [-87.7, 41.85] },
    pointNoCoords: { type: 'Feature', properties: {}, geometry: { type: 'Point' } },
    pointStringCoords: { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: '1,2' } },
    pointNested: {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'Point',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    },
    multiPoint: {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { time: 1 }, geometry: { type: 'MultiPoint', coordinates: [[1, 2]] } }],
    },
    planNulls: { ...PLAN, beats: [null], shifts: [null] },
    planBeatsStrings: { ...PLAN, beats: ['B001', 'B002'] },
    planShiftsNumbers: { ...PLAN, shifts: [1] },
    planBridgesJunk: { ...PLAN, grid: { bridges: [null, 5, 'ab'], barrierCuts: [{}] } },
    planH3Numbers: { ...PLAN, cells: { ...PLAN.cells, h3: [1, 2, 3] } },
    planWorkloadStrings: { ...PLAN, cells: { ...PLAN.cells, workloadHours: [['a', null, {}]] } },
    planDistrictsString: { ...PLAN, districts: 'abc' },
    planDistrictsObj: { ...PLAN, districts: { length: 2 } },
    planCellsArray: { ...PLAN, cells: [] },
    planHugeResolution: { ...PLAN, resolution: 1e308 },
    planNegativeBeat: { ...PLAN, cells: { ...PLAN.cells, beat: [-5, 0, 1] } },
    planBeatIdNumbers: { ...PLAN, beats: [{ id: 1 }, { id: { x: 1 } }] },
    planExtraString: { ...PLAN, extra: 'x' },
    planPopulationNeg: { ...PLAN, cells: { ...PLAN.cells, population: [-1, 0, 0] } },
    planLengthMismatch: { ...PLAN, cells: { ...PLAN.cells, beat: [0] } },
  };
  for (const [name, v] of Object.entries(wrong)) add(`wrong.${name}`, JSON.stringify(v) ?? 'null');
  // enormous and odd polygons
  add(
    'poly.100kHoles',
    JSON.stringify({
      type: 'Polygon',
      coordinates: [
        SQUARE,
        ...Array.from({ length: 2000 }, (_, k) => ringAround(-87.69 + (k % 50) * 0.0007, 41.86 + Math.floor(k / 50) * 0.0007, 0.0002, 4)),
      ],
    }),
  );
  add(
    'poly.antimeridianCrossing',
    poly([
      [
        [179.9, -17],
        [-179.9, -17],
        [-179.9, -16.9],
        [179.9, -16.9],
        [179.9, -17],
      ],
    ]),
  );
  add(
    'poly.antimeridianWide',
    poly([
      [
        [170, -20],
        [-170, -20],
        [-170, -10],
        [170, -10],
        [170, -20],
      ],
    ]),
  );
  add(
    'poly.antimeridianTouch',
    poly([
      [
        [179.9, -17],
        [180, -17],
        [180, -16.9],
        [179.9, -16.9],
        [179.9, -17],
      ],
    ]),
  );
  add(
    'poly.minus180',
    poly([
      [
        [-180, -17],
        [-179.9, -17],
        [-179.9, -16.9],
        [-180, -16.9],
        [-180, -17],
      ],
    ]),
  );
  add(
    'poly.northPole',
    poly([
      [
        [-180, 89.9],
        [-90, 89.9],
        [0, 89.9],
        [90, 89.9],
        [180, 89.9],
        [180, 90],
        [-180, 90],
        [-180, 89.9],
      ],
    ]),
  );
  add('poly.northPoleRing', poly([ringAround(0, 89.95, 0.04, 32)]));
  add(
    'poly.southPole',
    poly([
      [
        [-180, -90],
        [180, -90],
        [180, -89.9],
        [-180, -89.9],
        [-180, -90],
      ],
    ]),
  );
  add(
    'poly.oneCell',
    poly([
      [
        [-87.68, 41.86],
        [-87.6799, 41.86],
        [-87.6799, 41.8601],
        [-87.68, 41.8601],
        [-87.68, 41.86],
      ],
    ]),
  );
  add(
    'poly.zeroArea',
    poly([
      [
        [-87.68, 41.86],
        [-87.68, 41.86],
        [-87.68, 41.86],
        [-87.68, 41.86],
      ],
    ]),
  );
  add(
    'poly.collinear',
    poly([
      [
        [-87.68, 41.86],
        [-87.67, 41.86],
        [-87.66, 41.86],
        [-87.68, 41.86],
      ],
    ]),
  );
  add(
    'poly.bowtie',
    poly([
      [
        [-87.7, 41.85],
        [-87.65, 41.89],
        [-87.65, 41.85],
        [-87.7, 41.89],
        [-87.7, 41.85],
      ],
    ]),
  );
  add(
    'poly.unclosed',
    poly([
      [
        [-87.7, 41.85],
        [-87.65, 41.85],
        [-87.65, 41.89],
        [-87.7, 41.89],
      ],
    ]),
  );
  add('poly.latLngSwapped', poly([SQUARE.map(([x, y]) => [y, x])]));
  add(
    'poly.projected',
    poly([
      [
        [1_100_000, 1_900_000],
        [1_200_000, 1_900_000],
        [1_200_000, 1_950_000],
        [1_100_000, 1_900_000],
      ],
    ]),
  );
  add(
    'poly.wholeWorld',
    poly([
      [
        [-180, -85],
        [180, -85],
        [180, 85],
        [-180, 85],
        [-180, -85],
      ],
    ]),
  );
  add(
    'poly.continent',
    poly([
      [
        [-125, 25],
        [-66, 25],
        [-66, 49],
        [-125, 49],
        [-125, 25],
      ],
    ]),
  );
  add(
    'poly.manyFeatures',
    JSON.stringify({
      type: 'FeatureCollection',
      features: Array.from({ length: 5000 }, (_, k) =>
        JSON.parse(
          poly([
            [
              [-87.7 + k * 1e-5, 41.85],
              [-87.69 + k * 1e-5, 41.85],
              [-87.69 + k * 1e-5, 41.86],
              [-87.7 + k * 1e-5, 41.85],
            ],
          ]),
        ),
      ),
    }),
  );
  add('line.oneVertex', JSON.stringify({ type: 'LineString', coordinates: [[-87.7, 41.85]] }));
  add('line.100kVertices', JSON.stringify({ type: 'LineString', coordinates: ringAround(-87.675, 41.87, 0.02, 100_000) }));
  // CSV oddities
  add('csv.onlyHeader', 'lat,lng,time,type\n');
  add('csv.emptyLines', '\n\n\n\n');
  add('csv.onlyCommas', ',,,,\n,,,,\n');
  add('csv.unclosedQuote', 'lat,lng,time,type\n"41.86,-87.68,2025-01-02,THEFT\n41.87,-87.66,2025-01-02,THEFT\n');
  add('csv.quoteStorm', '"'.repeat(10_000));
  add('csv.hugeRow', `lat,lng,time,type\n41.86,-87.68,2025-01-02,${'A'.repeat(3 << 20)}\n`);
  add('csv.hugeHeader', `${'h'.repeat(2 << 20)}\n1\n`);
  add('csv.manyColumns', `${Array.from({ length: 50_000 }, (_, k) => `c${k}`).join(',')}\n`);
  add('csv.duplicateHeaders', 'lat,lat,lng,lng,time,type,type\n41.86,41.87,-87.68,-87.6,2025-01-02,THEFT,X\n');
  add('csv.semicolon', 'lat;lng;time;type\n41,86;-87,68;2025-01-02;THEFT\n');
  add('csv.tabs', 'lat\tlng\ttime\ttype\n41.86\t-87.68\t2025-01-02\tTHEFT\n');
  add('csv.formulaInjection', 'officer_id,name,shift\n=cmd|calc!A1,@SUM(1),+1\n');
  add(
    'csv.dateExtremes',
    'lat,lng,time,type\n41.86,-87.68,275760-09-13,X\n41.86,-87.68,-271821-04-20,X\n41.86,-87.68,9999-99-99 99:99,X\n41.86,-87.68,0000-00-00,X\n41.86,-87.68,1e308,X\n',
  );
  add('csv.protoHeader', '__proto__,constructor,toString\n1,2,3\n');
  add('empty', '');
  add('whitespace', ' \n\t\r\n ');
  add('bomOnly', Buffer.from([0xef, 0xbb, 0xbf]));
  return m;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'beatplan-fuzz-'));
});
beforeEach(() => {
  allCrashes += crashes.length;
  crashes = [];
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(`fuzz (engine readers): ${cases.toLocaleString('en')} cases, ${allCrashes + crashes.length} crashes`);
});

describe('fuzz: engine readers never crash', () => {
  it('hostile corpus: every reader on every file (from disk and from bytes)', async () => {
    const corpus = hostileCorpus();
    let k = 0;
    for (const [name, bytes] of corpus) {
      const path = join(
        dir,
        `f${k++}.${name.includes('csv') || name.startsWith('roster') || name.startsWith('fleet') ? 'csv' : name.includes('geo') || name.includes('poly') ? 'geojson' : 'bin'}`,
      );
      writeFileSync(path, bytes);
      // from disk always; from bytes too for the small, non-truncation cases (keeps the file < 60 s)
      if (bytes.length > 20_000 || name.includes('.trunc')) await allReaders(`file ${name}`, () => path);
      else {
        await allReaders(`file ${name}`, () => path);
        await allReaders(`bytes ${name}`, () => bytes);
      }
    }
    expect(crashes, crashes.join('\n')).toEqual([]);
  }, 120_000);

  it('odd sources: directories, missing files, broken streams, wrong source types', async () => {
    const sources: Array<[string, () => TextSource]> = [
      ['dir', () => dir],
      ['missing', () => join(dir, 'nope.csv')],
      ['nul in path', () => `${dir}/a\u0000b.csv`],
      ['text as path', () => 'lat,lng\n1,2'],
      ['file URL missing', () => new URL(`file://${dir}/nope.geojson`)],
      [
        'stream error midway',
        () =>
          new Readable({
            read() {
              this.push(Buffer.from('lat,lng,time,type\n41.86,-87.68,2025-01-02,X\n'));
              this.destroy(new Error('socket hang up'));
            },
          }),
      ],
      ['stream of strings', () => Readable.from(['lat,lng,time,type\n', '41.86,-87.68,2025-01-02,X\n'])],
      ['empty stream', () => Readable.from([])],
      ['object-mode stream of objects', () => Readable.from([{ lat: 41.86 }, { lng: -87.68 }])],
      ['object-mode stream of numbers', () => Readable.from([42, 43])],
      ['text then an object', () => Readable.from(['lat,lng,time,type\n', { x: 1 }])],
      ['stream of nulls in arrays', () => Readable.from([[null]])],
      ['Uint8Array view', () => new Uint8Array(Buffer.from(`xx${INCIDENTS_CSV}`).buffer, 2)],
      ['number', () => 5 as never],
      ['null', () => null as never],
      ['object', () => ({ foo: 1 }) as never],
      ['text non-string', () => ({ text: 5 }) as never],
    ];
    for (const [name, src] of sources) await allReaders(`source ${name}`, src);
    expect(crashes, crashes.join('\n')).toEqual([]);
  });

  it('property: random bytes into every reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        await allReaders('random bytes', () => Buffer.from(bytes));
        return true; // crashes are collected and asserted below
      }),
      { seed: SEED, numRuns: 80 },
    );
    expect(crashes, crashes.join('\n')).toEqual([]);
  });

  it('property: random CSV-ish text (quotes, separators, line breaks, unicode) into the CSV readers', async () => {
    const cell = fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', '1', '.', '-', '"', ',', '\n', '\r', ' ', ';', 'é', '\u0000', '\ufeff', 'e', '9'),
        maxLength: 12,
      }),
      fc.constantFrom('41.86', '-87.68', '2025-01-02T03:04:05', 'THEFT', 'true', 'P1', '0-8', '1e308', '-0', 'NaN'),
    );
    const header = fc.constantFrom(
      'lat,lng,time,type',
      'officer_id,name,shift,rank,current_beat,skills,available',
      'shift,vehicle_type,count',
      'Latitude,Longitude,Date,Primary Type',
      'x',
    );
    const csv = fc
      .tuple(header, fc.array(fc.array(cell, { maxLength: 9 }), { maxLength: 12 }))
      .map(([h, rows]) => `${h}\n${rows.map((r) => r.join(',')).join('\n')}`);
    await fc.assert(
      fc.asyncProperty(csv, async (text) => {
        for (const [name, run] of [
          ['readIncidents', () => readIncidents({ text }, { format: 'csv' })],
          ['readCsvTable', () => readCsvTable({ text })],
          ['readRoster', () => readRoster({ text })],
          ['readFleet', () => readFleet({ text })],
        ] as const) {
          const out = await check(`csv ${name} ${JSON.stringify(text).slice(0, 120)}`, run);
          if (out === 'ok' && name === 'readIncidents') {
            // accounting invariant: read = used + rejected
            const { report } = await readIncidents({ text }, { format: 'csv' });
            const r = report as unknown as { read: number; used: number; rejected: Record<string, number> | { count: number }[] };
            if (typeof r.read === 'number' && typeof r.used === 'number' && r.used > r.read)
              crashes.push(`readIncidents used ${r.used} > read ${r.read}`);
          }
        }
        return true; // crashes are collected and asserted below
      }),
      { seed: SEED, numRuns: 250 },
    );
    expect(crashes, crashes.join('\n')).toEqual([]);
  });

  it('property: random JSON values (as text and as parsed objects) into the GeoJSON readers and planFromJson', async () => {
    const coord = fc.oneof(
      fc.double(),
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.constantFrom(-0, 1e308, 5e-324, 180, -90, 90),
      fc.string({ maxLength: 3 }),
      fc.constant(null),
    );
    const position = fc.array(coord, { minLength: 0, maxLength: 4 });
    const geometry = fc.record({
      type: fc.constantFrom('Polygon', 'MultiPolygon', 'LineString', 'MultiLineString', 'Point', 'Feature', 'Nope'),
      coordinates: fc.oneof(
        fc.array(fc.array(position, { maxLength: 6 }), { maxLength: 3 }),
        fc.array(fc.array(fc.array(position, { maxLength: 6 }), { maxLength: 2 }), { maxLength: 2 }),
        position,
        fc.jsonValue(),
      ),
    });
    const feature = fc.record({
      type: fc.constantFrom('Feature', 'feature', 'X'),
      properties: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('population', 'time', 'type', 'name'), fc.jsonValue())),
      geometry: fc.oneof(geometry, fc.constant(null)),
    });
    const doc = fc.oneof(
      fc.record({ type: fc.constant('FeatureCollection'), features: fc.array(feature, { maxLength: 4 }) }),
      feature,
      geometry,
      fc.jsonValue({ maxDepth: 4 }),
    );
    const planMutation = fc.tuple(
      fc.constantFrom(
        'format',
        'resolution',
        'shifts',
        'districts',
        'beats',
        'cells',
        'periodWeeks',
        'grid',
        'extra',
        'cells.h3',
        'cells.beat',
        'cells.workloadHours',
        'cells.needHours',
        'cells.population',
        'cells.incidents',
        'grid.bridges',
        'grid.barrierCuts',
        'beats.0',
        'shifts.0',
        'beats.0.id',
        'beats.0.district',
        'cells.workloadHours.0',
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constant(undefined),
        fc.array(fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 3 })), { maxLength: 4 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(doc, fc.array(planMutation, { minLength: 1, maxLength: 3 }), async (value, mutations) => {
        const text = JSON.stringify(value) ?? 'null';
        await check('json readBoundary(text)', () => readBoundary({ text }));
        await check('json readBoundary(obj)', () => readBoundary(value as never));
        await check('json readLines', () => readLines(value as never));
        await check('json readPolygonLayer', () => readPolygonLayer({ text }, 'population'));
        await check('json readIncidents', () => readIncidents({ text }, { format: 'geojson' }));
        await check('json planFromJson(random)', () => planFromJson(value));
        const plan = structuredClone(PLAN) as Record<string, unknown>;
        for (const [path, v] of mutations) {
          const keys = path.split('.');
          let o = plan as Record<string, unknown>;
          for (const k of keys.slice(0, -1)) {
            if (o[k] === null || typeof o[k] !== 'object') break;
            o = o[k] as Record<string, unknown>;
          }
          o[keys.at(-1)!] = v;
        }
        await check(`json planFromJson(mutated ${JSON.stringify(mutations).slice(0, 200)})`, () => planFromJson(plan));
        return true; // crashes are collected and asserted below
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(crashes, crashes.join('\n')).toEqual([]);
  });
});
