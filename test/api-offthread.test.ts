/**
 * Engine work off the request thread, on Chicago (issue 13 item 6: no request holds the event
 * loop more than 50 ms). While five `POST /response/whatif` run on the 274-beat plan (each a
 * hypercube run of ~1 s) and a copy of the plan is loaded for the first time (plan.json parsed
 * and its grid rebuilt: 1–3 s, in a compute worker) — and, in a second window, while the map's
 * heavy reads and edits run cold on another copy (cells, beats, a viewer's public views,
 * cells.csv, compare, moves, locks) — the server's event loop stays free and concurrent "find my
 * beat" lookups stay fast. The server runs in this process, so the loop measured is the
 * server's (test/support/loop-delay.ts): the longest the process's code held the loop between two
 * 5 ms ticks (CPU and active time, so the machine's other processes do not count; its GC pauses
 * reported apart) under 50 ms, and the
 * `perf_hooks.monitorEventLoopDelay` delay (10 ms resolution) p99 under 50 ms — absolute when the
 * machine is quiet enough to measure it (its own delay p99, the lookups alone, under 20 ms), else
 * 50 ms over that; and the lookups' own latency against the same measurement with the lookups
 * alone (the machine's 2 cores are shared with the workers and other processes).
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChicagoApi, startChicagoApi } from './support/chicago-api.js';
import { legalMoves } from './support/legal-moves.js';
import { formatLoopDelay, startLoopMonitor } from './support/loop-delay.js';
import { hasRealdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())('API: response what-ifs off the request thread (Chicago)', () => {
  let chicago: ChicagoApi;
  let planId: string;
  /** Keep-alive requests safe after this file's in-process loads (seconds): test/support/http-client.ts. */
  let http: ChicagoApi['http'];
  let api: ChicagoApi['api'];

  /**
   * A request whose body is read but parsed only when small: the client runs on the server's
   * loop, so parsing a 3 MB answer here would count as the server's delay.
   */
  const fetchRaw = async (
    method: string,
    path: string,
    opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ) => {
    const r = await http.raw(method, path, opts.body === undefined ? undefined : JSON.stringify(opts.body), {
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    });
    return { status: r.status, etag: r.etag, bytes: r.buf.length, buf: r.buf };
  };

  beforeAll(async () => {
    chicago = await startChicagoApi('bp-api-offthread-');
    ({ planId, http, api } = chicago);
  }, 300_000);

  afterAll(async () => {
    await chicago?.close();
  });

  /** "Find my beat" on the plan: the light request whose latency is measured. */
  const lookup = () => api('GET', `/plans/${planId}/lookup?lng=-87.63&lat=41.88`);

  /**
   * Lookups one after another while `busy()` holds (at least `minMs`), with the loop measured
   * ({@link startLoopMonitor}) and the lookups' latency (p50, p99).
   */
  const measure = async (busy: () => boolean, minMs = 0, start?: () => void) => {
    const monitor = await startLoopMonitor();
    start?.();
    const latencies: number[] = [];
    const until = performance.now() + minMs;
    while (busy() || performance.now() < until) {
      const t = performance.now();
      expect((await lookup()).status).toBe(200);
      latencies.push(performance.now() - t);
      await new Promise((ok) => setTimeout(ok, 10));
    }
    const loop = await monitor.stop();
    latencies.sort((a, b) => a - b);
    const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.ceil(x * latencies.length) - 1)]!;
    return { ...loop, n: latencies.length, p50: q(0.5), p99: q(0.99) };
  };
  const fmt = (m: Awaited<ReturnType<typeof measure>>) =>
    `${formatLoopDelay(m)}; ${m.n} lookups p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;
  /**
   * The bound of the loop's delay p99: 50 ms absolute, the requirement, when the machine lets it
   * be measured (its own delay, the lookups alone, p99 under 20 ms); on a machine loaded beyond
   * that (2 cores shared with other processes) 50 ms over its own delay.
   */
  const delayBound = (noise: number) => (noise < 20 ? 50 : 50 + noise);

  it('five what-ifs and a cold plan load at once leave the event loop free (p99 delay < 50 ms) and lookups fast', async () => {
    // warm: the plan version loaded for lookups, and a worker holding it
    expect((await lookup()).status).toBe(200);
    const first = await api('GET', `/plans/${planId}/response`);
    expect(first.status, JSON.stringify(first.json)).toBe(200);

    // 1. baseline: the lookups alone for 5 s (what this shared machine does anyway)
    const baseline = await measure(() => false, 5000);

    // 2. five what-ifs at once through the API (compute workers), and the first load of a copy
    //    of the plan (never read before: its plan.json parsed and its grid rebuilt)
    const copy = await api('POST', `/plans/${planId}/copy`, { name: 'cold copy' });
    expect(copy.status, JSON.stringify(copy.json)).toBe(201);
    let done = 0;
    const t0 = performance.now();
    const whatIfs = [0.5, 0.55, 0.6, 0.65, 0.7].map((saturationTarget) =>
      api('POST', `/plans/${planId}/response/whatif`, { saturationTarget }).finally(() => done++),
    );
    let coldMs = 0;
    const cold = api('GET', `/plans/${copy.json.id}/lookup?lng=-87.63&lat=41.88`).finally(() => {
      coldMs = performance.now() - t0;
      done++;
    });
    const during = await measure(() => done < 6);
    const results = await Promise.all(whatIfs);
    const wall = performance.now() - t0;
    for (const r of results) {
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json.after.city.rho).toBeGreaterThan(0);
    }
    // the copy, loaded cold, finds the same beat as the plan
    const coldAnswer = await cold;
    expect(coldAnswer.status, JSON.stringify(coldAnswer.json)).toBe(200);
    expect(coldAnswer.json.beat).toBe((await lookup()).json.beat);
    // a lower saturation target means more officers, so lower utilisation
    expect(results[0]!.json.after.city.rho).toBeLessThan(results[4]!.json.after.city.rho);

    // 1b. the baseline again after (the machine's load drifts): the noisier of the two counts
    const after = await measure(() => false, 5000);
    const noise = Math.max(baseline.delayP99, after.delayP99);

    // 3. the contrast: a cold load and one what-if computed on this thread, as the API did before (the same engine calls)
    const { loadPlanJson, planResponse, whatIfUnits } = await import('../packages/api/src/engine-service.js');
    const planJson = (await fetchRaw('GET', `/plans/${planId}/export?format=plan`)).buf.toString('utf8');
    let loaded!: ReturnType<typeof loadPlanJson>;
    let loadDone = false;
    const loadOnThread = await measure(
      () => !loadDone,
      100,
      () =>
        setTimeout(() => {
          loaded = loadPlanJson(planJson);
          loadDone = true;
        }, 20),
    );
    let inlineDone = false;
    const onThread = await measure(
      () => !inlineDone,
      100,
      () =>
        setTimeout(() => {
          const { units, rule } = whatIfUnits(loaded, { saturationTarget: 0.6 });
          expect(planResponse(loaded, units, rule).city.rho).toBeGreaterThan(0);
          inlineDone = true;
        }, 20),
    );

    console.log(
      `5 concurrent POST /response/whatif on Chicago (274 beats) and a cold load of a copy (answered after ${(coldMs / 1000).toFixed(1)} s), ${(wall / 1000).toFixed(1)} s:\n` +
        `  baseline (lookups alone): ${fmt(baseline)}\n  baseline after:           ${fmt(after)}\n  what-ifs + cold load in workers: ${fmt(during)}\n  a cold load on the thread: ${fmt(loadOnThread)}\n  one what-if on the thread: ${fmt(onThread)}`,
    );
    expect(during.n).toBeGreaterThan(20);
    // The requirement: no request holds the loop 50 ms. The code of this process (the server's
    // handlers, its replies from the workers, this client) never held it 50 ms at a time,
    // whatever the machine's load …
    expect(during.held).toBeLessThan(50);
    // … and the server's loop delay p99 stays under 50 ms (absolute on a machine quiet enough
    // to measure it: see delayBound)
    console.log(`  delay p99 bound: ${delayBound(noise).toFixed(1)} ms (the machine's own delay p99 ${noise.toFixed(1)} ms)`);
    expect(during.delayP99).toBeLessThan(delayBound(noise));
    // Lookups' p99 under 50 ms over what the lookups alone take on this machine (the same
    // before/after baseline; on a quiet machine a lookup takes a few ms).
    expect(during.p99).toBeLessThan(50 + Math.max(baseline.p99, after.p99));
    // … whereas a cold load on the request thread holds the loop for most of a second or more
    expect(loadOnThread.held).toBeGreaterThan(300);
    expect(loadOnThread.delayMax).toBeGreaterThan(300);
    // the request thread is idle most of the time while the what-ifs run …
    expect(during.elu).toBeLessThan(0.6);
    // … whereas one what-if on it holds the loop for over half a second (the measurement sees it)
    expect(onThread.held).toBeGreaterThan(500);
    expect(onThread.delayMax).toBeGreaterThan(500);
    // lookups: p99 far under the ~1.2 s they waited behind on-thread what-ifs
    expect(during.p99).toBeLessThan(250);
  }, 420_000);

  it("the map's heavy reads and edits, cold on a copy of the plan, leave the event loop free (p99 delay < 50 ms) and lookups fast", async () => {
    const viewer = (await api('POST', '/tokens', { role: 'viewer', label: 'offthread viewer' })).json.token as string;
    const copy = await api('POST', `/plans/${planId}/copy`, { name: 'cold copy for the map' });
    expect(copy.status, JSON.stringify(copy.json)).toBe(201);
    const C = `/plans/${copy.json.id}`;
    // a legal move and a beat to lock, found on this thread before the measurement
    const { loadPlanJson } = await import('../packages/api/src/engine-service.js');
    const source = loadPlanJson((await fetchRaw('GET', `/plans/${planId}/export?format=plan`)).buf.toString('utf8'));
    const [move] = legalMoves(source, 1);
    expect(move).toBeDefined();
    const cellCount = source.grid.cellCount;
    const beatCount = source.plan.beatIds.length;
    expect((await lookup()).status).toBe(200);
    const baseline = await measure(() => false, 3000);

    // every read of a cold version at once (each computed in a compute worker), then the edits one after another
    let busy = true;
    const reads = {
      cells: fetchRaw('GET', `${C}/cells`),
      viewerCells: fetchRaw('GET', `${C}/cells`, { token: viewer }),
      viewerIncidents: fetchRaw('GET', `${C}/incidents`, { token: viewer }),
      beats: fetchRaw('GET', `${C}/beats`),
      viewerBeats: fetchRaw('GET', `${C}/beats`, { token: viewer }),
      viewerMetrics: fetchRaw('GET', `${C}/metrics`, { token: viewer }),
      viewerBbox: fetchRaw('GET', `${C}/cells?bbox=-87.95,41.64,-87.52,42.03&zoom=11`, { token: viewer }),
      cellsCsv: fetchRaw('GET', `${C}/cells?format=csv`),
      compare: fetchRaw('GET', `${C}/compare?with=${planId}`),
    };
    const edits = (async () => {
      await Promise.all(Object.values(reads));
      const moved = await fetchRaw('POST', `${C}/moves`, {
        body: { cells: [move!.cell], toBeat: move!.to },
        headers: { 'If-Match': `"${copy.json.id}.v1"` },
      });
      const locked = await fetchRaw('POST', `${C}/locks`, { body: { beats: [move!.to] }, headers: { 'If-Match': moved.etag ?? '' } });
      const after = await fetchRaw('GET', `${C}/cells`);
      return { moved, locked, after };
    })().finally(() => {
      busy = false;
    });
    const t0 = performance.now();
    const during = await measure(() => busy);
    const wall = performance.now() - t0;
    const r = Object.fromEntries(await Promise.all(Object.entries(reads).map(async ([k, v]) => [k, await v] as const)));
    const { moved, locked, after } = await edits;

    // the answers are the real ones
    for (const [k, v] of Object.entries(r)) expect(v.status, `${k}: ${v.buf.toString('utf8', 0, 300)}`).toBe(200);
    const cells = JSON.parse(r.cells!.buf.toString('utf8'));
    expect(cells.rows).toHaveLength(cellCount);
    expect(cells.columns.slice(0, 4)).toEqual(['h3', 'beat', 'workload', 'need']);
    const viewerCells = JSON.parse(r.viewerCells!.buf.toString('utf8'));
    expect(viewerCells.rows).toHaveLength(cellCount);
    expect(viewerCells.columns).not.toContain('incidents');
    expect(viewerCells.privacy.k).toBeGreaterThanOrEqual(2);
    const bins = JSON.parse(r.viewerIncidents!.buf.toString('utf8'));
    expect(Math.min(...bins.bins.count)).toBeGreaterThanOrEqual(bins.k);
    expect(JSON.parse(r.beats!.buf.toString('utf8')).features).toHaveLength(beatCount);
    expect(JSON.parse(r.viewerBeats!.buf.toString('utf8')).features).toHaveLength(beatCount);
    expect(JSON.parse(r.viewerBbox!.buf.toString('utf8')).aggregated).toBe(true);
    expect(r.cellsCsv!.buf.toString('utf8').split('\n', 1)[0]).toMatch(/^h3,beat,workload,need/);
    // a copy compared with its source: the same beats
    expect(JSON.parse(r.compare!.buf.toString('utf8')).changedCells.count).toBe(0);
    expect(moved.status, moved.buf.toString('utf8')).toBe(200);
    expect(JSON.parse(moved.buf.toString('utf8')).summary).toMatchObject({ moved: 1, toBeat: move!.to });
    expect(locked.status, locked.buf.toString('utf8')).toBe(200);
    // the moved cell is in its new beat in the new version's cells
    const afterRows = JSON.parse(after.buf.toString('utf8')).rows as Array<[string, string]>;
    expect(afterRows.find((row) => row[0] === move!.cell)?.[1]).toBe(move!.to);

    // the baseline again after (the machine's load drifts; as in the first window): the noisier counts
    const baselineAfter = await measure(() => false, 3000);
    const noise = Math.max(baseline.delayP99, baselineAfter.delayP99);
    console.log(
      `the map's reads (cells, viewer cells/incidents/beats/metrics/bbox, cells.csv, compare) cold on a copy of Chicago, then a move and a lock, ${(wall / 1000).toFixed(1)} s:\n` +
        `  baseline (lookups alone): ${fmt(baseline)}\n  baseline after:           ${fmt(baselineAfter)}\n  reads + edits in workers: ${fmt(during)}`,
    );
    expect(during.n).toBeGreaterThan(10);
    // no request holds the server's loop 50 ms: the process's code never held it 50 ms at a time
    // (an on-thread dissolve or parse of the city held it 0.3–1.7 s before this work moved),
    // and its delay p99 is under 50 ms (absolute on a machine quiet enough to measure it)
    expect(during.held).toBeLessThan(50);
    console.log(`  delay p99 bound: ${delayBound(noise).toFixed(1)} ms (the machine's own delay p99 ${noise.toFixed(1)} ms)`);
    expect(during.delayP99).toBeLessThan(delayBound(noise));
    expect(during.p99).toBeLessThan(50 + Math.max(baseline.p99, baselineAfter.p99));
  }, 420_000);
});
