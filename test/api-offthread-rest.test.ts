/**
 * Every plan-sized request of the API, one at a time on Chicago, holds the server's event loop
 * under 50 ms (issue 13 item 6: no request holds the event loop more than 50 ms). The sibling
 * test/api-offthread.test.ts measures the heavy engine work (what-ifs, cold loads, the map's
 * reads and edits) under concurrent lookups; this file goes through the rest of the routes whose
 * work grows with the plan (its reads, exports, reference layers, meetings, staffing and
 * simulation results, edits, job submissions) and a Chicago plan made on street blocks (a
 * `roads` dataset without `units`: the beats drawn from the blocks' dissolve).
 *
 * "held" is {@link startLoopMonitor}'s figure: the longest the server's loop thread (this
 * process) ran its own code between two 5 ms ticks, its CPU time, while one request ran from
 * send to the last byte of its answer; the client reads the answer's bytes without parsing them
 * during the window. The table of figures is printed (docs/api.md lists it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@beatplan/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/http-client.js';
import { legalMoves } from './support/legal-moves.js';
import { startLoopMonitor } from './support/loop-delay.js';
import { hasRealdata, realdata } from './support/realdata.js';

/** Chicago's beats' bbox (SOURCE.md), padded. */
const BBOX = { w: -87.945, s: 41.64, e: -87.52, n: 42.03 };

/**
 * A street grid over Chicago: north–south and east–west lines every half mile (Chicago's
 * arterial grid: 805 m), running past the city limits, as a roads GeoJSON.
 */
function halfMileGrid(): string {
  const dLat = 0.805 / 111.32;
  const dLng = 0.805 / (111.32 * Math.cos((41.84 * Math.PI) / 180));
  const features: object[] = [];
  const line = (coordinates: number[][], name: string) => ({
    type: 'Feature',
    properties: { name, highway: 'secondary' },
    geometry: { type: 'LineString', coordinates },
  });
  for (let x = BBOX.w + dLng / 2, k = 0; x < BBOX.e; x += dLng, k++)
    features.push(
      line(
        [
          [x, BBOX.s - 0.01],
          [x, BBOX.n + 0.01],
        ],
        `${k} N-S`,
      ),
    );
  for (let y = BBOX.s + dLat / 2, k = 0; y < BBOX.n; y += dLat, k++)
    features.push(
      line(
        [
          [BBOX.w - 0.01, y],
          [BBOX.e + 0.01, y],
        ],
        `${k} E-W`,
      ),
    );
  return JSON.stringify({ type: 'FeatureCollection', features });
}

/** Candidate meeting places: a point every ~2 km over the city (ids V0…). */
function venues(): string {
  const features: object[] = [];
  let n = 0;
  for (let x = BBOX.w + 0.02; x < BBOX.e; x += 0.025)
    for (let y = BBOX.s + 0.02; y < BBOX.n; y += 0.018)
      features.push({
        type: 'Feature',
        properties: { id: `V${n}`, name: `Venue ${n++}` },
        geometry: { type: 'Point', coordinates: [x, y] },
      });
  return JSON.stringify({ type: 'FeatureCollection', features });
}

describe.skipIf(!hasRealdata())('API: every plan-sized request holds the loop < 50 ms (Chicago)', () => {
  let server: RunningServer;
  let http: ReturnType<typeof apiClient>;
  const dir = mkdtempSync(join(tmpdir(), 'bp-api-offthread-rest-'));
  let planId: string;
  let blocksId: string;
  let areas: string;
  let viewer: string;
  /** Measured: route, the request, its status and the loop held while it ran (ms). */
  const table: Array<{ route: string; request: string; status: number; held: number; bytes: number }> = [];

  const waitJob = async (id: string) => {
    for (let k = 0; k < 2400; k++) {
      const j = await http.json('GET', `/jobs/${id}`);
      if (j.json.status === 'succeeded') return j.json;
      if (j.json.status === 'failed' || j.json.status === 'cancelled') throw new Error(JSON.stringify(j.json));
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`job ${id} did not finish`);
  };
  const upload = async (path: string, body: Buffer | string, type: string) => {
    const r = await http.json('POST', path, body, { 'Content-Type': type });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json.id as string;
  };

  /**
   * One request measured alone: the loop held from its send to the last byte of its answer
   * (the answer's bytes kept, not parsed, in the window); `until` extends the window (a job to finish).
   */
  const held = async (
    route: string,
    method: string,
    path: string,
    opts: {
      body?: unknown;
      headers?: Record<string, string>;
      token?: string;
      until?: (reply: { status: number; buf: Buffer }) => Promise<unknown>;
    } = {},
  ) => {
    const monitor = await startLoopMonitor();
    const reply = await http.raw(method, path, opts.body === undefined ? undefined : JSON.stringify(opts.body), {
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    });
    await opts.until?.(reply);
    const m = await monitor.stop();
    table.push({
      route,
      request: `${method} ${path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, (id) => `{${id.slice(0, 4)}}`)}`,
      status: reply.status,
      held: m.held,
      bytes: reply.buf.length,
    });
    return reply;
  };

  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir: dir, logLevel: 'silent', rateLimitPerMinute: 1_000_000 }, { bootstrapToken: true });
    http = apiClient(server.url, server.bootstrapToken!);
    const beats = readFileSync(realdata('chicago', 'police_beats.geojson'));
    const boundary = await upload('/datasets/boundary', beats, 'application/geo+json');
    const incidents = await upload('/datasets/incidents', readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv')), 'text/csv');
    const existing = await upload('/datasets/beats?idField=beat_num', beats, 'application/geo+json');
    areas = await upload(
      '/datasets/beats?idField=area_numbe',
      readFileSync(realdata('chicago', 'community_areas_2020_acs.geojson')),
      'application/geo+json',
    );
    const population = await upload(
      '/datasets/layers?field=TOT_POP',
      readFileSync(realdata('chicago', 'community_areas_2020_acs.geojson')),
      'application/geo+json',
    );
    const roads = await upload('/datasets/roads', halfMileGrid(), 'application/geo+json');
    const created = await http.json('POST', '/plans', { boundary, incidents, existing, population, method: 'import', resolution: 10 });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    // the same city planned on the street blocks of the half-mile grid (roads, no units)
    const onBlocks = await http.json('POST', '/plans', { boundary, incidents, roads, beats: 50, resolution: 9, seed: 1 });
    expect(onBlocks.status, JSON.stringify(onBlocks.json)).toBe(202);
    planId = (await waitJob(created.json.id)).result.planId;
    blocksId = (await waitJob(onBlocks.json.id)).result.planId;
    viewer = (await http.json('POST', '/tokens', { role: 'viewer', label: 'rest viewer' })).json.token;
  }, 900_000);

  afterAll(async () => {
    if (table.length) {
      console.log(
        `loop held per request on Chicago (ms; one request at a time):\n${table
          .map(
            (r) =>
              `  ${r.held.toFixed(1).padStart(6)}  ${String(r.status).padEnd(4)} ${(r.bytes / 1024).toFixed(0).padStart(6)} KB  ${r.route}`,
          )
          .join('\n')}`,
      );
    }
    http?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the plan's reads, exports and reference layers: each holds the loop < 50 ms", async () => {
    const P = `/plans/${planId}`;
    // warm: the version loaded (its cold load is measured in api-offthread.test.ts)
    expect((await http.json('GET', `${P}/lookup?lng=-87.63&lat=41.88`)).status).toBe(200);
    const cityBox = `${BBOX.w},${BBOX.s},${BBOX.e},${BBOX.n}`;
    const reads: Array<[string, string, string?]> = [
      ['GET /plans', '/plans'],
      ['GET /plans/{id}', P],
      ['GET /plans/{id}/versions', `${P}/versions`],
      ['GET /plans/{id}/lineage', `${P}/lineage`],
      ['GET /plans/{id}/metrics', `${P}/metrics`],
      ['GET /plans/{id}/metrics (viewer)', `${P}/metrics`, viewer],
      ['GET /plans/{id}/beats', `${P}/beats`],
      ['GET /plans/{id}/beats (viewer)', `${P}/beats`, viewer],
      ['GET /plans/{id}/cells', `${P}/cells`],
      ['GET /plans/{id}/cells?bbox (city, finest)', `${P}/cells?bbox=${cityBox}`],
      ['GET /plans/{id}/cells?bbox (city, finest, viewer)', `${P}/cells?bbox=${cityBox}`, viewer],
      ['GET /plans/{id}/cells?bbox&zoom=11', `${P}/cells?bbox=${cityBox}&zoom=11`],
      ['GET /plans/{id}/cells?bbox&zoom=14 (the Loop)', `${P}/cells?bbox=-87.645,41.87,-87.615,41.89&zoom=14`],
      ['GET /plans/{id}/incidents', `${P}/incidents`],
      ['GET /plans/{id}/incidents (viewer)', `${P}/incidents`, viewer],
      ['GET /plans/{id}/equity', `${P}/equity?areas=${areas}`],
      ['GET /plans/{id}/response', `${P}/response`],
      ['GET /plans/{id}/reference', `${P}/reference`],
      ['GET /plans/{id}/export?format=plan', `${P}/export?format=plan`],
      ['GET /plans/{id}/export?format=metrics', `${P}/export?format=metrics`],
      ['GET /plans/{id}/export?format=geojson', `${P}/export?format=geojson`],
      ['GET /plans/{id}/export?format=csv', `${P}/export?format=csv`],
      ['GET /plans/{id}/export?format=csv (viewer)', `${P}/export?format=csv`, viewer],
      ['GET /plans/{id}/lookup', `${P}/lookup?lng=-87.63&lat=41.88`],
      ['GET /plans/{id}/meetings', `${P}/meetings`],
      ['GET /plans/{id}/alternatives', `${P}/alternatives`],
      ['GET /plans/{id}/simulations', `${P}/simulations`],
      ['GET /plans/{id}/staffing', `${P}/staffing`],
      ['GET /jobs', '/jobs'],
      ['GET /datasets', '/datasets'],
    ];
    const replies: Record<string, { status: number; buf: Buffer }> = {};
    for (const [route, path, token] of reads) replies[route] = await held(route, 'GET', path, token ? { token } : {});
    for (const [route] of reads) expect(replies[route]!.status, `${route}: ${replies[route]!.buf.toString('utf8', 0, 300)}`).toBe(200);
    // the answers are the real ones
    const box = JSON.parse(replies['GET /plans/{id}/cells?bbox (city, finest)']!.buf.toString('utf8'));
    const all = JSON.parse(replies['GET /plans/{id}/cells']!.buf.toString('utf8'));
    expect(box.aggregated).toBe(false);
    expect(box.rows.length).toBe(all.rows.length);
    expect(JSON.parse(replies['GET /plans/{id}/cells?bbox (city, finest, viewer)']!.buf.toString('utf8')).privacy.k).toBeGreaterThanOrEqual(
      2,
    );
    const ref = JSON.parse(replies['GET /plans/{id}/reference']!.buf.toString('utf8'));
    // the population layer's 77 community areas (a 2.7 MB GeoJSON) as the areas layer
    expect(ref.layers.find((l: { kind: string }) => l.kind === 'areas').data.features).toHaveLength(77);
    expect(JSON.parse(replies['GET /plans/{id}/export?format=geojson']!.buf.toString('utf8')).features).toHaveLength(274);
    // a city-wide box (over BBOX_ON_THREAD_CELLS cells) is answered by a compute worker: the same
    // text as the function computes here on the version's plan.json
    const { loadPlanJson } = await import('../packages/api/src/engine-service.js');
    const { cellsBboxJson, PlanVersionCache } = await import('../packages/api/src/plan-access.js');
    const source = loadPlanJson(replies['GET /plans/{id}/export?format=plan']!.buf.toString('utf8'));
    const coarse = new PlanVersionCache();
    const src = {
      grid: source.grid,
      workload: source.scores.workloadHours,
      need: source.scores.needHours,
      beatOfCell: source.plan.beatOfCell,
      beatIds: source.plan.beatIds,
    };
    const zoomed = cellsBboxJson(src, all.version, [BBOX.w, BBOX.s, BBOX.e, BBOX.n], 11, (r) => coarse.coarseCells(source.grid, r));
    expect(replies['GET /plans/{id}/cells?bbox&zoom=11']!.buf.toString('utf8')).toBe(zoomed);
    expect(box.rows).toEqual(
      JSON.parse(cellsBboxJson(src, all.version, [BBOX.w, BBOX.s, BBOX.e, BBOX.n], undefined, () => coarse.coarseCells(source.grid, 9)))
        .rows,
    );
    for (const r of reads) expect(table.find((t) => t.route === r[0])!.held, r[0]).toBeLessThan(50);
  }, 600_000);

  it('meetings, staffing and simulation results, edits and job submissions: each holds the loop < 50 ms', async () => {
    const P = `/plans/${planId}`;
    const venuesId = await upload('/datasets/venues', venues(), 'application/geo+json');
    const put = await held('PUT /plans/{id}/meetings', 'PUT', `${P}/meetings`, {
      body: { venues: venuesId, meetingSchedule: 'second Wednesday, 19:00' },
    });
    expect(put.status, put.buf.toString('utf8', 0, 300)).toBe(200);
    expect(JSON.parse(put.buf.toString('utf8')).beats.filter((b: { place: unknown }) => b.place).length).toBeGreaterThan(200);
    const meetings = await held('GET /plans/{id}/meetings (venues)', 'GET', `${P}/meetings`);
    expect(meetings.status).toBe(200);
    const lookup = await held('GET /plans/{id}/lookup (venues)', 'GET', `${P}/lookup?lng=-87.63&lat=41.88`, { token: viewer });
    expect(JSON.parse(lookup.buf.toString('utf8')).meetingPlace).not.toBeNull();

    // staffing: a CAPS-style roster of 3 officers per current beat and shift
    const ids = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8')).features.map(
      (f: { properties: { beat_num: string } }) => f.properties.beat_num,
    );
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let n = 0;
    for (const b of ids)
      for (const s of ['0-8', '8-16', '16-24'])
        for (let k = 0; k < 3; k++) lines.push(`P${++n},Officer ${n},${s},Police Officer,${b},,true`);
    const roster = await upload('/datasets/rosters', `${lines.join('\n')}\n`, 'text/csv');
    const staffed = await held('POST /plans/{id}/staffing (and the job)', 'POST', `${P}/staffing`, {
      body: { roster },
      until: async (r) => waitJob(JSON.parse(r.buf.toString('utf8')).id),
    });
    expect(staffed.status, staffed.buf.toString('utf8', 0, 300)).toBe(202);
    const staffingId = JSON.parse((await http.raw('GET', `${P}/staffing`)).buf.toString('utf8')).items[0].id as string;
    const sJson = await held('GET /plans/{id}/staffing/{sid}', 'GET', `${P}/staffing/${staffingId}`);
    expect(JSON.parse(sJson.buf.toString('utf8')).beats.length).toBeGreaterThanOrEqual(274);
    const sCsv = await held('GET /plans/{id}/staffing/{sid}?format=csv', 'GET', `${P}/staffing/${staffingId}?format=csv`);
    expect(sCsv.status).toBe(200);
    // one row per officer assigned (3 per beat and shift) or an empty row per unstaffed beat × shift
    expect(sCsv.buf.toString('utf8').trimEnd().split('\n').length).toBeGreaterThan(274 * 3);
    const staffedResponse = await held('GET /plans/{id}/response?staffing', 'GET', `${P}/response?staffing=${staffingId}`);
    expect(staffedResponse.status, staffedResponse.buf.toString('utf8', 0, 300)).toBe(200);

    let simJob = '';
    const sim = await held('POST /plans/{id}/simulations (and the job)', 'POST', `${P}/simulations`, {
      body: { staffing: staffingId, seed: 1 },
      until: async (r) => waitJob((simJob = JSON.parse(r.buf.toString('utf8')).id)),
    });
    expect(sim.status, sim.buf.toString('utf8', 0, 300)).toBe(202);
    const simList = await held('GET /plans/{id}/simulations (a run)', 'GET', `${P}/simulations`);
    expect(JSON.parse(simList.buf.toString('utf8')).items).toHaveLength(1);
    const simResult = await held('GET /plans/{id}/simulations/{jobId}', 'GET', `${P}/simulations/${simJob}`);
    expect(JSON.parse(simResult.buf.toString('utf8')).city).toBeDefined();

    // edits on a copy (the copy itself measured), with If-Match
    const copy = await held('POST /plans/{id}/copy', 'POST', `${P}/copy`, { body: { name: 'rest copy' } });
    expect(copy.status, copy.buf.toString('utf8', 0, 300)).toBe(201);
    const C = `/plans/${JSON.parse(copy.buf.toString('utf8')).id}`;
    const patched = await held('PATCH /plans/{id}', 'PATCH', C, {
      body: { name: 'rest copy, renamed' },
      headers: { 'If-Match': (await http.raw('GET', C)).etag ?? '' },
    });
    expect(patched.status, patched.buf.toString('utf8', 0, 300)).toBe(200);
    const { loadPlanJson } = await import('../packages/api/src/engine-service.js');
    const source = loadPlanJson((await http.raw('GET', `${P}/export?format=plan`)).buf.toString('utf8'));
    const [move] = legalMoves(source, 1);
    const etag = (await http.raw('GET', C)).etag ?? '';
    const moved = await held('POST /plans/{id}/moves', 'POST', `${C}/moves`, {
      body: { cells: [move!.cell], toBeat: move!.to },
      headers: { 'If-Match': etag },
    });
    expect(moved.status, moved.buf.toString('utf8', 0, 300)).toBe(200);
    const locked = await held('POST /plans/{id}/locks', 'POST', `${C}/locks`, {
      body: { beats: [move!.to] },
      headers: { 'If-Match': moved.etag ?? '' },
    });
    expect(locked.status).toBe(200);
    const undone = await held('POST /plans/{id}/undo', 'POST', `${C}/undo`, { headers: { 'If-Match': locked.etag ?? '' } });
    expect(undone.status).toBe(200);
    const redone = await held('POST /plans/{id}/redo', 'POST', `${C}/redo`, { headers: { 'If-Match': undone.etag ?? '' } });
    expect(redone.status).toBe(200);
    const compare = await held('GET /plans/{id}/compare (edited copy)', 'GET', `${C}/compare?with=${planId}`);
    expect(JSON.parse(compare.buf.toString('utf8')).changedCells.count).toBe(1);
    const versions = await held('GET /plans/{id}/versions (copy)', 'GET', `${C}/versions`);
    expect(versions.status).toBe(200);
    const deleted = await held('DELETE /plans/{id}', 'DELETE', C);
    expect(deleted.status).toBe(204);

    for (const t of table) expect(t.held, t.route).toBeLessThan(50);
  }, 900_000);

  it('a Chicago plan on street blocks: its unit-outline beats, exports and reads each hold the loop < 50 ms', async () => {
    const B = `/plans/${blocksId}`;
    expect((await http.json('GET', `${B}/lookup?lng=-87.63&lat=41.88`)).status).toBe(200);
    const beats = await held('GET /plans/{id}/beats (blocks)', 'GET', `${B}/beats`);
    const fc = JSON.parse(beats.buf.toString('utf8'));
    expect(fc.features).toHaveLength(50);
    // drawn from the blocks: every beat carries its metrics and the dissolve's figures
    expect(fc.features[0].properties.workload).toBeGreaterThan(0);
    const viewerBeats = await held('GET /plans/{id}/beats (blocks, viewer)', 'GET', `${B}/beats`, { token: viewer });
    expect(JSON.parse(viewerBeats.buf.toString('utf8')).features).toHaveLength(50);
    const geo = await held('GET /plans/{id}/export?format=geojson (blocks)', 'GET', `${B}/export?format=geojson`);
    expect(geo.status).toBe(200);
    const cells = await held('GET /plans/{id}/beats?outline=cells (blocks)', 'GET', `${B}/beats?outline=cells`);
    expect(JSON.parse(cells.buf.toString('utf8')).features).toHaveLength(50);
    const ref = await held('GET /plans/{id}/reference (blocks: roads)', 'GET', `${B}/reference`);
    expect(JSON.parse(ref.buf.toString('utf8')).layers.map((l: { kind: string }) => l.kind)).toContain('roads');
    const response = await held('GET /plans/{id}/response (blocks, on roads)', 'GET', `${B}/response`);
    expect(response.status, response.buf.toString('utf8', 0, 300)).toBe(200);
    for (const t of table.filter((r) => r.route.includes('blocks'))) expect(t.held, t.route).toBeLessThan(50);
  }, 600_000);
});
