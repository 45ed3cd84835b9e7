/**
 * Response work off the request thread, on Chicago: while five `POST /response/whatif` run on
 * the 274-beat plan (each a hypercube run of ~1 s) and a copy of the plan is loaded for the
 * first time (plan.json parsed and its grid rebuilt: 1–3 s, in a compute worker), the event
 * loop stays free and concurrent "find my beat" lookups stay fast. Measured with
 * `perf_hooks.monitorEventLoopDelay` (the thing the requirement is about: no request holds the
 * loop more than 50 ms) and the lookups' own latency, each against the same measurement with
 * the lookups alone (the machine's 2 cores are shared with the workers and other processes).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type RunningServer, startServer } from '@beatplan/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealdata, realdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())('API: response what-ifs off the request thread (Chicago)', () => {
  let server: RunningServer;
  let token: string;
  let planId: string;
  const dir = mkdtempSync(join(tmpdir(), 'bp-api-offthread-'));

  const api = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': type } : {}) },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : new Uint8Array(body as Buffer),
    });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir: dir, logLevel: 'silent', rateLimitPerMinute: 1_000_000 }, { bootstrapToken: true });
    token = server.bootstrapToken!;
    const beats = readFileSync(realdata('chicago', 'police_beats.geojson'));
    const boundary = (await api('POST', '/datasets/boundary', beats, 'application/geo+json')).json.id;
    const incidents = (
      await api('POST', '/datasets/incidents', readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv')), 'text/csv')
    ).json.id;
    const existing = (await api('POST', '/datasets/beats?idField=beat_num', beats, 'application/geo+json')).json.id;
    const created = await api('POST', '/plans', { boundary, incidents, existing, method: 'import', resolution: 10 });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    for (let k = 0; ; k++) {
      const j = await api('GET', `/jobs/${created.json.id}`);
      if (j.json.status === 'succeeded') {
        planId = j.json.result.planId;
        break;
      }
      if (j.json.status === 'failed' || k > 1200) throw new Error(JSON.stringify(j.json));
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("five what-ifs and a cold plan load at once leave the event loop free (p99 delay < 50 ms over the machine's own noise) and lookups fast", async () => {
    const lookup = () => api('GET', `/plans/${planId}/lookup?lng=-87.63&lat=41.88`);
    // warm: the plan version loaded for lookups, and a worker holding it
    expect((await lookup()).status).toBe(200);
    const first = await api('GET', `/plans/${planId}/response`);
    expect(first.status, JSON.stringify(first.json)).toBe(200);

    /** Lookups one after another while `busy()` holds, with the loop's delay and utilisation measured. */
    const measure = async (busy: () => boolean, minMs = 0, start?: () => void) => {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      const elu0 = performance.eventLoopUtilization();
      loop.enable();
      start?.();
      const latencies: number[] = [];
      const until = performance.now() + minMs;
      while (busy() || performance.now() < until) {
        const t = performance.now();
        expect((await lookup()).status).toBe(200);
        latencies.push(performance.now() - t);
        await new Promise((ok) => setTimeout(ok, 10));
      }
      await new Promise((ok) => setTimeout(ok, 30)); // let the histogram's timer record a block that just ended
      loop.disable();
      latencies.sort((a, b) => a - b);
      const q = (x: number) => latencies[Math.min(latencies.length - 1, Math.ceil(x * latencies.length) - 1)]!;
      return {
        loopP99: loop.percentile(99) / 1e6,
        loopMax: loop.max / 1e6,
        elu: performance.eventLoopUtilization(elu0).utilization,
        n: latencies.length,
        p50: q(0.5),
        p99: q(0.99),
      };
    };
    const fmt = (m: Awaited<ReturnType<typeof measure>>) =>
      `event-loop delay p99 ${m.loopP99.toFixed(1)} ms (max ${m.loopMax.toFixed(0)} ms), loop busy ${(100 * m.elu).toFixed(0)}%; ${m.n} lookups p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms`;

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
    const noise = Math.max(baseline.loopP99, after.loopP99);

    // 3. the contrast: a cold load and one what-if computed on this thread, as the API did before (the same engine calls)
    const { loadPlanJson, planResponse, whatIfUnits } = await import('../packages/api/src/engine-service.js');
    const planJson = await (
      await fetch(`${server.url}/api/v1/plans/${planId}/export?format=plan`, { headers: { Authorization: `Bearer ${token}` } })
    ).text();
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
    // The requirement: no request holds the loop 50 ms. The delay measured here is our work plus
    // the scheduling and GC noise of a shared 2-core machine (the baseline: lookups alone), so
    // the bound is 50 ms over the baseline, measured before and after (on a quiet machine ~1 ms).
    expect(during.loopP99).toBeLessThan(50 + noise);
    // Lookups' p99 under 50 ms over what the lookups alone take on this machine (the same
    // before/after baseline; on a quiet machine a lookup takes a few ms).
    expect(during.p99).toBeLessThan(50 + Math.max(baseline.p99, after.p99));
    // … whereas a cold load on the request thread holds the loop for most of a second or more
    expect(loadOnThread.loopMax).toBeGreaterThan(300);
    // the request thread is idle most of the time while the what-ifs run …
    expect(during.elu).toBeLessThan(0.6);
    // … whereas one what-if on it holds the loop for over half a second (the measurement sees it)
    expect(onThread.loopMax).toBeGreaterThan(500);
    // lookups: p99 far under the ~1.2 s they waited behind on-thread what-ifs
    expect(during.p99).toBeLessThan(250);
  }, 420_000);
});
