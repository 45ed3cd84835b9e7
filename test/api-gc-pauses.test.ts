/**
 * Garbage-collection pauses of the request thread while the map's large answers are read cold on
 * Chicago (issue 13 item 6: no request holds the event loop more than 50 ms). The compute workers
 * send a large answer (the cells JSON and CSV, beats GeoJSON, incident bins, reference layers,
 * comparisons) as bytes, which arrive as views into the IPC message's buffer — memory outside
 * the V8 heap — and go to the socket (through gzip) without ever being a JS string on this
 * thread; so the request thread's heap does not grow by the answers' megabytes and its GC pauses
 * stay short. The server runs in this process, so the `gc` performance entries observed
 * (test/support/loop-delay.ts) are the server's (and this client's, which keeps the bytes).
 */
import { availableParallelism, loadavg } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChicagoApi, startChicagoApi } from './support/chicago-api.js';
import { formatLoopDelay, startLoopMonitor } from './support/loop-delay.js';
import { hasRealdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())("API: the request thread's GC pauses during the map's large reads (Chicago)", () => {
  let chicago: ChicagoApi;
  let planId: string;
  let http: ChicagoApi['http'];
  let api: ChicagoApi['api'];

  beforeAll(async () => {
    chicago = await startChicagoApi('bp-api-gc-');
    ({ planId, http, api } = chicago);
  }, 300_000);

  afterAll(async () => {
    await chicago?.close();
  });

  it("the map's cold reads (4.5 MB cells JSON, cells.csv, beats, bins, reference) hold the loop under 50 ms, and GC pauses stay under 50 ms where the machine is not overloaded", async () => {
    const viewer = (await api('POST', '/tokens', { role: 'viewer', label: 'gc viewer' })).json.token as string;
    // a copy never read: every answer computed cold in a compute worker
    const copy = await api('POST', `/plans/${planId}/copy`, { name: 'cold copy for the GC pauses' });
    expect(copy.status, JSON.stringify(copy.json)).toBe(201);
    const C = `/plans/${copy.json.id}`;
    const get = (path: string, opts: { token?: string; gzip?: boolean; headers?: Record<string, string> } = {}) =>
      http.raw('GET', path, undefined, {
        ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.gzip ? { 'Accept-Encoding': 'gzip' } : {}),
        ...opts.headers,
      });
    // (the bytes are kept, not parsed, until the window ends: parsing here would count as the server's)
    const monitor = await startLoopMonitor();
    const t0 = performance.now();
    const reads = await Promise.all([
      get(`${C}/cells`),
      get(`${C}/cells`, { gzip: true }),
      get(`${C}/cells`, { token: viewer }),
      get(`${C}/incidents`, { token: viewer }),
      get(`${C}/beats`),
      get(`${C}/beats`, { token: viewer, gzip: true }),
      get(`${C}/cells?format=csv`),
      get(`${C}/export?format=csv`, { gzip: true }),
      get(`${C}/reference`),
      get(`${C}/compare?with=${planId}`),
    ]);
    const wall = performance.now() - t0;
    const loop = await monitor.stop();
    const [cells, cellsGz, viewerCells, viewerBins, beats, viewerBeatsGz, cellsCsv, exportCsvGz, reference, compare] = reads;
    const bytes = reads.reduce((n, r) => n + r.buf.length, 0);
    console.log(
      `the map's cold reads on a copy of Chicago (${reads.length} answers, ${(bytes / 1e6).toFixed(1)} MB on the wire, ${(wall / 1000).toFixed(1)} s):\n` +
        `  ${formatLoopDelay(loop)}\n  longest pause by kind: ${JSON.stringify(Object.fromEntries(Object.entries(loop.gcMaxByKind).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`,
    );
    for (const r of reads) expect(r.status, r.buf.toString('utf8', 0, 300)).toBe(200);

    // the answers are the real ones, and compressed where asked
    const all = JSON.parse(cells!.buf.toString('utf8'));
    expect(all.rows.length).toBeGreaterThan(30_000);
    expect(cells!.buf.length).toBeGreaterThan(3_000_000);
    expect(cellsGz!.headers['content-encoding']).toBe('gzip');
    expect(cellsGz!.buf.length).toBeLessThan(cells!.buf.length / 3);
    expect(gunzipSync(cellsGz!.buf).equals(cells!.buf)).toBe(true);
    expect(JSON.parse(viewerCells!.buf.toString('utf8')).privacy.k).toBeGreaterThanOrEqual(2);
    const bins = JSON.parse(viewerBins!.buf.toString('utf8'));
    expect(Math.min(...bins.bins.count)).toBeGreaterThanOrEqual(bins.k);
    const beatCount = JSON.parse(beats!.buf.toString('utf8')).features.length;
    expect(beatCount).toBeGreaterThan(250);
    expect(JSON.parse(gunzipSync(viewerBeatsGz!.buf).toString('utf8')).features).toHaveLength(beatCount);
    const csv = cellsCsv!.buf.toString('utf8');
    expect(csv.split('\n', 1)[0]).toMatch(/^h3,beat,workload,need/);
    expect(gunzipSync(exportCsvGz!.buf).toString('utf8').split('\n', 1)[0]).toMatch(/^h3,beat,workload,need/);
    expect(cellsCsv!.headers['content-type']).toMatch(/^text\/csv/);
    // (this plan names no areas, districts, roads or barriers: no layers, but the answer's route is the same)
    expect(JSON.parse(reference!.buf.toString('utf8')).layers).toEqual([]);
    expect(JSON.parse(compare!.buf.toString('utf8')).changedCells.count).toBe(0);

    // conditional requests still answer 304 on the version's ETag, for each kind of large answer
    for (const path of [`${C}/cells`, `${C}/beats`, `${C}/cells?format=csv`]) {
      const first = await get(path, { gzip: true });
      expect(first.etag).toBe(`"${copy.json.id}.v1"`);
      const again = await get(path, { gzip: true, headers: { 'If-None-Match': first.etag! } });
      expect(again.status, path).toBe(304);
      expect(again.buf.length).toBe(0);
    }

    // the requirement: no request holds the loop 50 ms (its own code: CPU time, GC apart)
    expect(loop.gcCount).toBeGreaterThan(0);
    expect(loop.held).toBeLessThan(50);
    // and no GC pause of the request thread reaches 50 ms during the reads. A pause is wall
    // time: on a machine with more runnable threads than cores it includes time the thread was
    // not scheduled, so it is asserted only where the machine was not overloaded (1-minute load
    // average under the core count), and printed otherwise.
    const load = loadavg()[0]!;
    if (load < availableParallelism()) expect(loop.gcMax).toBeLessThan(50);
    else
      console.log(
        `longest GC pause ${loop.gcMax.toFixed(0)} ms not asserted: load average ${load.toFixed(1)} on ${availableParallelism()} cores`,
      );
  }, 300_000);
});
