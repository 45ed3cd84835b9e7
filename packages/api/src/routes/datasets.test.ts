import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetInspectors } from '../engine-service.js';
import { DATASET_KINDS } from '../store/store.js';
import { type Harness, incidentsCsv, removeDir, squareBoundary, startHarness, twoBeats } from '../testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ uploadLimitBytes: 200_000 });
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const post = (path: string, role: 'viewer' | 'analyst' | 'commander' | 'admin', type: string, body: string) =>
  h.http.post(`/api/v1/datasets/${path}`).set(h.auth(role)).set('Content-Type', type).send(body);

describe('datasets', () => {
  it('uploads a boundary and returns its summary; lists and gets it', async () => {
    const r = await post('boundary?name=Test%20city', 'analyst', 'application/geo+json', JSON.stringify(squareBoundary()));
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`/api/v1/datasets/${r.body.id}`);
    expect(r.body).toMatchObject({ kind: 'boundary', name: 'Test city', format: 'geojson', info: { features: 1 } });
    expect(r.body.info.bbox[0]).toBeCloseTo(-87.7);
    expect(r.body.blobRef).toBeUndefined();
    const one = await h.http.get(`/api/v1/datasets/${r.body.id}`).set(h.auth('viewer'));
    expect(one.status).toBe(200);
    expect(one.body.sha256).toBe(r.body.sha256);
    const list = await h.http.get('/api/v1/datasets?kind=boundary').set(h.auth('viewer'));
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(r.body.id);
  });

  it('stores content under server-chosen names only', async () => {
    const r = await post('boundary?name=..%2F..%2Fetc%2Fpasswd', 'analyst', 'application/geo+json', JSON.stringify(squareBoundary()));
    expect(r.status).toBe(201);
    for (const f of readdirSync(join(h.dir, 'blobs'))) expect(f).toMatch(/^[0-9a-f-]{36}$/);
    expect(readdirSync(join(h.dir, 'staging'))).toEqual([]);
  });

  it('rejects an invalid boundary with 422 naming the feature', async () => {
    const bad = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
              ],
            ],
          },
        },
      ],
    };
    const r = await post('boundary', 'analyst', 'application/geo+json', JSON.stringify(bad));
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.code).toBe('INVALID_GEOMETRY');
    expect(r.body.detail).toMatch(/feature/i);
    const notJson = await post('boundary', 'analyst', 'application/geo+json', '{"type": "Feat');
    expect(notJson.status).toBe(422);
    expect(notJson.body.code).toBe('PARSE_ERROR');
    expect(readdirSync(join(h.dir, 'staging'))).toEqual([]);
  });

  it('uploads incidents (CSV) and returns the ingest report', async () => {
    const r = await post('incidents', 'analyst', 'text/csv', incidentsCsv(250));
    expect(r.status).toBe(201);
    expect(r.body.format).toBe('csv');
    expect(r.body.info.report).toMatchObject({ read: 250, used: 250, format: 'csv' });
  });

  it("reads incident times in the city's time zone (timeZone, dateOnly), as the CLI does", async () => {
    // the harness file's times written as UTC (Z): without a zone the offsets are kept and counted …
    const utc = incidentsCsv(120).replace(/(T\d\d:\d\d:\d\d),/g, '$1Z,');
    const kept = await post('incidents', 'analyst', 'text/csv', utc);
    expect(kept.status).toBe(201);
    expect(kept.body.info.report.times).toMatchObject({ timeZone: null, converted: 0, offsetKept: 120 });
    // … with the zone they are converted into its wall clock, and the read options are stored for the plans
    const converted = await post('incidents?timeZone=America%2FChicago', 'analyst', 'text/csv', utc);
    expect(converted.status).toBe(201);
    expect(converted.body.info.report.times).toMatchObject({ timeZone: 'America/Chicago', converted: 120, offsetKept: 0 });
    expect(converted.body.info.read).toMatchObject({ timeZone: 'America/Chicago' });
    // date-only rows: dropped by default (reason date_only), read at noon on request
    const dates = incidentsCsv(50).replace(/T\d\d:\d\d:\d\d,/g, ',');
    const dropped = await post('incidents', 'analyst', 'text/csv', dates);
    expect(dropped.body.info.report.used).toBe(0);
    const noon = await post('incidents?dateOnly=noon', 'analyst', 'text/csv', dates);
    expect(noon.status).toBe(201);
    expect(noon.body.info.report).toMatchObject({ used: 50, times: { dateAtNoon: 50 } });
    // an unknown zone or policy is refused at request time, naming the parameter
    const badZone = await post('incidents?timeZone=Mars%2FOlympus', 'analyst', 'text/csv', utc);
    expect(badZone.status).toBe(400);
    expect(badZone.body.errors.map((e: { path: string }) => e.path)).toContain('query.timeZone');
    const badPolicy = await post('incidents?dateOnly=midnight', 'analyst', 'text/csv', dates);
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.errors.map((e: { path: string }) => e.path)).toContain('query.dateOnly');
  });

  it('a malformed CSV gives a report of rejected rows, not a crash', async () => {
    const csv = [
      'lat,lng,time,type',
      '41.86,-87.68,2025-03-01T10:00:00,THEFT',
      '41.87,-87.69,not a date,THEFT',
      ',,2025-03-01T10:00:00,THEFT',
      '41.87,-87.69,2025-03-01T10:00:00',
      '"41.87,-87.69,2025-03-01T10:00:00,BATTERY',
    ].join('\n');
    const r = await post('incidents', 'analyst', 'text/csv', csv);
    expect(r.status).toBe(201);
    const rep = r.body.info.report;
    expect(rep.used).toBe(1);
    expect(rep.read).toBe(rep.used + Object.values(rep.rejected as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(rep.rejected.invalid_time).toBe(1);
    expect(rep.rejected.missing_coordinates).toBe(1);
    expect(rep.rejected.malformed_row).toBeGreaterThanOrEqual(1);
    expect(rep.examples.invalid_time).toEqual([3]);
  });

  it('a CSV without usable columns is 422 MISSING_FIELD naming the column', async () => {
    const r = await post('incidents', 'analyst', 'text/csv', 'a,b,c\n1,2,3\n');
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('MISSING_FIELD');
    expect(r.body.errors[0].path).toBeTruthy();
  });

  it('maps columns named in the query', async () => {
    const csv = 'Y,X,When,Kind\n41.86,-87.68,2025-03-01 10:00,THEFT\n';
    const r = await post('incidents?lat=Y&lng=X&time=When&type=Kind', 'analyst', 'text/csv', csv);
    expect(r.status).toBe(201);
    expect(r.body.info.report).toMatchObject({ used: 1, layout: 'mapped' });
    expect(r.body.info.read.mapping).toEqual({ lat: 'Y', lng: 'X', time: 'When', type: 'Kind' });
  });

  it('uploads incidents as GeoJSON points', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { time: '2025-03-01T10:00:00', type: 'THEFT' },
          geometry: { type: 'Point', coordinates: [-87.68, 41.86] },
        },
      ],
    };
    const r = await post('incidents', 'analyst', 'application/geo+json', JSON.stringify(fc));
    expect(r.status).toBe(201);
    expect(r.body.format).toBe('geojson');
    expect(r.body.info.report.used).toBe(1);
  });

  it('refuses an upload over the size limit with 413 and leaves nothing behind', async () => {
    const r = await post('incidents', 'analyst', 'text/csv', incidentsCsv(5000));
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(readdirSync(join(h.dir, 'staging'))).toEqual([]);
  });

  it('an empty body is 400 naming the body', async () => {
    const r = await post('incidents', 'analyst', 'text/csv', '');
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: 'body', message: 'empty' }]);
  });

  it('uploads a layer with its numeric field and reports features without a value', async () => {
    const fc = squareBoundary() as { features: Array<{ properties: Record<string, unknown> }> };
    fc.features[0]!.properties.TOT_POP = 12000;
    const r = await post('layers?field=TOT_POP', 'analyst', 'application/geo+json', JSON.stringify(fc));
    expect(r.status).toBe(201);
    expect(r.body.info).toMatchObject({ field: 'TOT_POP', report: { used: 1, valueSum: 12000 } });
    const missing = await post('layers?field=NOPE', 'analyst', 'application/geo+json', JSON.stringify(fc));
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('MISSING_FIELD');
  });

  it('layers need a field: 400 naming query.field', async () => {
    const r = await post('layers', 'analyst', 'application/geo+json', JSON.stringify(squareBoundary()));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.errors[0].path).toBe('query.field');
  });

  it('uploads existing beats with their ids; a missing id property is 422', async () => {
    const r = await post('beats?idField=beat', 'analyst', 'application/geo+json', JSON.stringify(twoBeats()));
    expect(r.status).toBe(201);
    expect(r.body.info).toMatchObject({ features: 2, ids: ['0101', '0102'], idField: 'beat' });
    const bad = await post('beats?idField=district', 'analyst', 'application/geo+json', JSON.stringify(twoBeats()));
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('MISSING_FIELD');
    expect(bad.body.errors[0].path).toContain('district');
  });

  it('uploads barrier lines', async () => {
    const line = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'LineString',
            coordinates: [
              [-87.675, 41.85],
              [-87.675, 41.89],
            ],
          },
        },
      ],
    };
    const r = await post('barriers', 'analyst', 'application/geo+json', JSON.stringify(line));
    expect(r.status).toBe(201);
    expect(r.body.info.features).toBe(1);
  });

  it('roles: viewers cannot upload (403); rosters are commander-only and hidden from analysts', async () => {
    const v = await post('boundary', 'viewer', 'application/geo+json', JSON.stringify(squareBoundary()));
    expect(v.status).toBe(403);
    expect(v.body.code).toBe('FORBIDDEN');
    const a = await post('rosters', 'analyst', 'text/csv', 'officer_id,name,shift\nP1,A. Smith,0-8\n');
    expect(a.status).toBe(403);
    const c = await post('rosters', 'commander', 'text/csv', 'officer_id,name,shift\nP1,A. Smith,0-8\n');
    expect(c.status).toBe(201);
    const asAnalyst = await h.http.get(`/api/v1/datasets/${c.body.id}`).set(h.auth('analyst'));
    expect(asAnalyst.status).toBe(404);
    const list = await h.http.get('/api/v1/datasets').set(h.auth('analyst'));
    expect(list.body.items.some((d: { kind: string }) => d.kind === 'roster')).toBe(false);
    const asCommander = await h.http.get(`/api/v1/datasets/${c.body.id}`).set(h.auth('commander'));
    expect(asCommander.status).toBe(200);
  });

  it('401 without a token; 404 for an unknown dataset; 400 for a malformed id', async () => {
    expect((await h.http.post('/api/v1/datasets/boundary').send('{}')).status).toBe(401);
    const nf = await h.http.get('/api/v1/datasets/00000000-0000-4000-8000-000000000000').set(h.auth('viewer'));
    expect(nf.status).toBe(404);
    expect(nf.body.code).toBe('NOT_FOUND');
    const bad = await h.http.get('/api/v1/datasets/not-a-uuid').set(h.auth('viewer'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('params.id');
    const kind = await h.http.get('/api/v1/datasets?kind=weird').set(h.auth('viewer'));
    expect(kind.status).toBe(400);
    expect(kind.body.errors[0].path).toBe('query.kind');
  });
});

describe('datasetInspectors', () => {
  it('has one engine reader per dataset kind, and an upload of each kind is checked by it', async () => {
    expect(Object.keys(datasetInspectors).sort()).toEqual([...DATASET_KINDS].sort());
    // a kind's reader refuses what another kind accepts: a boundary is not a roster
    const r = await post('rosters', 'commander', 'text/csv', JSON.stringify(squareBoundary()));
    expect(r.status).toBe(422);
  });
});
