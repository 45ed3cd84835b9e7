import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection, writeTempFile } from '../../../../test/support/expect-error.js';
import { jsonErrorOffset } from './json.js';
import { readBoundary, readLines, readPolygonLayer } from './read-geojson-layers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'beatplan-io-layers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: unknown): string => writeTempFile(dir, name, content);

const square = (x: number, y: number, d = 0.01): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const polygon = (ring: unknown, properties: Record<string, unknown> = {}, id?: string | number) => ({
  type: 'Feature',
  ...(id !== undefined ? { id } : {}),
  properties,
  geometry: { type: 'Polygon', coordinates: [ring] },
});
const fcOf = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('readBoundary', () => {
  it('accepts a Polygon, a MultiPolygon, a Feature and a FeatureCollection', async () => {
    const ring = square(-87.6, 41.8);
    const inputs = [
      { type: 'Polygon', coordinates: [ring] },
      { type: 'MultiPolygon', coordinates: [[ring], [square(-87.5, 41.8)]] },
      polygon(ring, { name: 'a' }),
      fcOf(polygon(ring), polygon(square(-87.5, 41.8))),
    ];
    const counts = [];
    for (const input of inputs) {
      const fc = await readBoundary(file('b.geojson', input));
      expect(fc.type).toBe('FeatureCollection');
      counts.push(fc.features.length);
    }
    expect(counts).toEqual([1, 1, 1, 2]);
    // Parsed objects and { text } work as well.
    expect((await readBoundary(inputs[0] as never)).features).toHaveLength(1);
    expect((await readBoundary({ text: JSON.stringify(inputs[3]) })).features).toHaveLength(2);
  });

  it('accepts consecutive repeated positions (a harmless export artefact)', async () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect((await readBoundary({ type: 'Polygon', coordinates: [ring] } as never)).features).toHaveLength(1);
  });

  it.each([
    [
      'bow-tie (self-intersecting)',
      [
        [0, 0],
        [1, 1],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      'crosses itself at [0.5, 0.5]',
    ],
    [
      'unclosed ring',
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
      'is not closed',
    ],
    [
      'too few positions',
      [
        [0, 0],
        [1, 0],
        [0, 0],
      ],
      'at least 4',
    ],
    [
      'degenerate ring',
      [
        [0, 0],
        [1, 0],
        [1, 0],
        [0, 0],
      ],
      'fewer than 3 distinct corners',
    ],
    ['out-of-range (projected) coordinates', square(1176813, 1908120, 100), 'projected coordinates'],
    [
      'a non-number coordinate',
      [
        [0, 0],
        [1, 'x'],
        [1, 1],
        [0, 0],
      ],
      'not a finite number',
    ],
  ])('%s → INVALID_GEOMETRY naming the file and feature index', async (_name, ring, message) => {
    const path = file('bad.geojson', fcOf(polygon(square(0, 0)), polygon(ring)));
    const e = await rejection(readBoundary(path));
    expect(e.code).toBe('INVALID_GEOMETRY');
    expect(e.message).toContain('bad.geojson');
    expect(e.message).toContain('feature 1: ring 0 (exterior)');
    expect(e.message).toContain(message);
    expect(e.details).toMatchObject({ feature: 1, problems: [{ feature: 1 }] });
  });

  it('lists every invalid feature (first five in the message)', async () => {
    const bowTie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const e = await rejection(readBoundary(fcOf(...Array.from({ length: 7 }, () => polygon(bowTie))) as never));
    expect(e.message).toMatch(/^7 invalid features: feature 0: .*; and 2 more/);
    expect((e.details.problems as unknown[]).length).toBe(7);
  });

  it('rejects holes and MultiPolygon parts with their position in the message', async () => {
    const withBadHole = {
      type: 'Polygon',
      coordinates: [
        square(0, 0, 1),
        [
          [0.2, 0.2],
          [0.4, 0.2],
          [0.4, 0.4],
        ],
      ],
    };
    expect((await rejection(readBoundary(withBadHole as never))).message).toContain('feature 0: ring 1 (hole)');
    const multi = {
      type: 'MultiPolygon',
      coordinates: [
        [square(0, 0)],
        [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 1],
            [0, 0],
          ],
        ],
      ],
    };
    expect((await rejection(readBoundary(multi as never))).message).toContain('feature 0: polygon 1 ring 0 (exterior) crosses itself');
  });

  it('rejects non-polygons, empty collections and non-GeoJSON', async () => {
    const line = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
    };
    expect((await rejection(readBoundary(fcOf(polygon(square(0, 0)), line) as never))).message).toContain(
      'feature 1: is a "LineString", not a Polygon or MultiPolygon',
    );
    expect(
      (await rejection(readBoundary(fcOf(polygon(square(0, 0)), { type: 'Feature', properties: {}, geometry: null }) as never))).message,
    ).toContain('feature 1: has no geometry');
    expect((await rejection(readBoundary(fcOf() as never))).message).toContain('no polygon features');
    expect((await rejection(readBoundary(file('x.geojson', { hello: 'world' })))).code).toBe('INVALID_GEOMETRY');
  });

  it('invalid JSON → PARSE_ERROR with line and column, also where V8 gives no position', async () => {
    const e = await rejection(readBoundary(file('broken.geojson', '{\n  "type": "Polygon",\n  "coordinates": }\n')));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toContain('broken.geojson');
    expect(e.details).toMatchObject({ line: 3, column: 18 });
    const empty = await rejection(readBoundary(file('empty.geojson', '  \n')));
    expect(empty.code).toBe('PARSE_ERROR');
    expect(empty.message).toContain('file is empty');
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a":}', 5],
    ['{"a":1', 6],
    ['[1,2', 4],
    ['{"a":1}x', 7],
    ['{"a":tru}', 5],
    ['"\\q"', 1], // at the bad escape
    ['{"a":[1,{"b":-}]}', 13],
    ['{"a":[1,{"b":-1e5}]}', -1],
  ])('%j → %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('readPolygonLayer', () => {
  it('reads a numeric field, counts missing and non-numeric values per feature', async () => {
    const layer = fcOf(
      polygon(square(0, 0), { POP: 100, name: 'a' }, 'A'),
      polygon(square(1, 0), { POP: '250', name: 'b' }, 7),
      polygon(square(2, 0), { POP: 'n/a', name: 'c' }),
      polygon(square(3, 0), { POP: null, name: 'd' }),
      polygon(square(4, 0), { name: 'e' }),
      polygon(square(5, 0), { POP: true, name: 'f' }),
    );
    const { features, report } = await readPolygonLayer(file('pop.geojson', layer), 'POP');
    expect(features.map((f) => [f.value, f.id, f.index])).toEqual([
      [100, 'A', 0],
      [250, 7, 1],
    ]);
    expect(features[0].geometry.type).toBe('Polygon');
    expect(report).toMatchObject({
      field: 'POP',
      read: 6,
      used: 2,
      valueSum: 350,
      rejected: { missing_value: 2, non_numeric: 2 },
      examples: { missing_value: [3, 4], non_numeric: [2, 5] },
    });
    const byName = await readPolygonLayer(layer as never, 'POP', { idField: 'name' });
    expect(byName.features.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('a field no feature has → MISSING_FIELD listing the property names', async () => {
    const e = await rejection(readPolygonLayer(file('pop.geojson', fcOf(polygon(square(0, 0), { TOTAL_POP: 1, name: 'x' }))), 'TOT_POP'));
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.details).toMatchObject({ field: 'TOT_POP', properties: ['TOTAL_POP', 'name'] });
    expect(e.message).toContain('pop.geojson');
    expect(e.message).toContain('"TOTAL_POP", "name"');
  });

  it('validates geometry like readBoundary', async () => {
    const e = await rejection(
      readPolygonLayer(
        fcOf(
          polygon(
            [
              [0, 0],
              [1, 1],
              [1, 0],
              [0, 1],
              [0, 0],
            ],
            { POP: 1 },
          ),
        ) as never,
        'POP',
      ),
    );
    expect(e.code).toBe('INVALID_GEOMETRY');
  });
});

describe('readLines', () => {
  it('reads LineString and MultiLineString features, and an empty collection', async () => {
    const lines = fcOf(
      {
        type: 'Feature',
        properties: { name: 'river' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [-87.6, 41.8],
            [-87.7, 41.9],
          ],
        },
      },
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'MultiLineString',
          coordinates: [
            [
              [0, 0],
              [1, 1],
            ],
            [
              [2, 2],
              [3, 3],
            ],
          ],
        },
      },
    );
    expect((await readLines(file('lines.geojson', lines))).features).toHaveLength(2);
    expect((await readLines(fcOf() as never)).features).toHaveLength(0);
    expect(
      (
        await readLines({
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        } as never)
      ).features,
    ).toHaveLength(1);
  });

  it.each([
    [{ type: 'LineString', coordinates: [[0, 0]] }, 'feature 0: has 1 positions; a line needs at least 2'],
    [
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
          [
            [0, 0],
            [0, 95],
          ],
        ],
      },
      'feature 0: line 1 position [0, 95] is outside',
    ],
    [{ type: 'Polygon', coordinates: [square(0, 0)] }, 'not a LineString or MultiLineString'],
  ])('rejects %j', async (geometry, message) => {
    const e = await rejection(readLines(file('bad-lines.geojson', geometry)));
    expect(e.code).toBe('INVALID_GEOMETRY');
    expect(e.message).toContain(message);
    expect(e.message).toContain('bad-lines.geojson');
  });
});
