/**
 * HTTP load benchmark of the API on loopback: the common reads (beats GeoJSON, metrics, a
 * bbox of cells) at a fixed arrival rate, and sequential edits (cell moves with If-Match),
 * each next to the same handler logic called in-process (no HTTP) in the same run.
 *
 * Setup: the API in-process on an ephemeral 127.0.0.1 port over a temp data folder; a
 * synthetic city (a ~10 km square, seeded incidents) uploaded and planned through the API.
 * The load generator is Node's `http` with a keep-alive agent, open loop (latency counted
 * from each request's scheduled time, so queueing shows), bounded in count and time.
 * Goal: p99 < 50 ms for reads at 200 requests/s. With the real data: on Chicago, the server's
 * event loop while five response what-ifs run (issue 13 item 6: no request holds it > 50 ms).
 *
 * `pnpm bench api` (once run.ts lists it) or
 * `node --conditions=source --import tsx test/bench/api-bench.ts [--rate 200] [--seconds 10]`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRng } from '@beatplan/engine';
import { createApp } from '../../packages/api/src/app.js';
import { createToken } from '../../packages/api/src/auth.js';
import { moveOnPlan } from '../../packages/api/src/engine-service.js';
import { type Bbox, PlanAccess, planEtag } from '../../packages/api/src/plan-access.js';
import { SqliteStore } from '../../packages/api/src/store/sqlite-store.js';
import { legalMoves } from '../support/legal-moves.js';
import { formatLoopDelay, startLoopMonitor } from '../support/loop-delay.js';
import { hasRealdata, realdata } from '../support/realdata.js';
import { client, pct, type Sample, summarize } from './load-stats.js';

/**
 * The open-loop load generator, run in a worker thread: sends `requests[k]` at `k / rate`
 * seconds over a keep-alive agent and reports each latency from its scheduled time.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { base, token, requests, rate } = workerData;
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const samples = [];
let issued = 0, inFlight = 0, dropped = 0, finished = false;
const start = performance.now();
const finish = () => { if (finished) return; finished = true; agent.destroy(); parentPort.postMessage({ samples, dropped }); };
const get = (r, scheduled) => {
  inFlight++;
  const req = http.request({ agent, host: url.hostname, port: url.port, method: 'GET', path: r.path, headers: { Authorization: 'Bearer ' + token } }, (res) => {
    res.on('data', () => {});
    res.on('end', () => done(res.statusCode));
    res.on('error', () => done(0));
  });
  const sent = performance.now();
  const done = (status) => { const now = performance.now(); samples.push({ name: r.name, ms: now - scheduled, svcMs: now - sent, status }); inFlight--; if (issued >= requests.length && inFlight === 0) finish(); };
  req.setTimeout(30000, () => req.destroy(new Error('timeout')));
  req.on('error', () => done(0));
  req.end();
};
const tick = () => {
  const due = Math.min(requests.length, Math.floor(((performance.now() - start) / 1000) * rate));
  while (issued < due) {
    const k = issued++;
    if (inFlight >= 256) { dropped++; continue; }
    get(requests[k], start + (k / rate) * 1000);
  }
  if (issued < requests.length) setTimeout(tick, 1);
  else if (inFlight === 0) finish();
};
tick();
`;

function loadFromWorker(
  base: string,
  token: string,
  requests: Array<{ name: string; path: string }>,
  rate: number,
): Promise<{ samples: Sample[]; dropped: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { base, token, requests, rate } });
    worker.once('message', (m: { samples: Sample[]; dropped: number }) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

/** Seeded incidents inside a box as CSV (`lat,lng,time,type`), denser towards a centre. */
function incidentsCsv(count: number, box: Bbox, seed: number): string {
  const rng = createRng(seed);
  const types = ['THEFT', 'BATTERY', 'ASSAULT', 'BURGLARY', 'NARCOTICS', 'ROBBERY'];
  const lines = ['lat,lng,time,type'];
  const [w, s, e, n] = box;
  for (let k = 0; k < count; k++) {
    const hot = rng.next() < 0.5;
    const u = hot ? 0.35 + 0.3 * rng.next() : rng.next();
    const v = hot ? 0.4 + 0.25 * rng.next() : rng.next();
    const t = new Date(Date.UTC(2025, 0, 1) + Math.floor(rng.next() * 364 * 86400) * 1000).toISOString().slice(0, 19);
    lines.push(`${(s + v * (n - s)).toFixed(6)},${(w + u * (e - w)).toFixed(6)},${t},${types[rng.int(types.length)]}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Issue 13 item 6 on Chicago (274 beats): lookups one after another (10 ms apart) alone for 3 s,
 * then while five `POST /response/whatif` run at once (compute workers); the server's event loop
 * measured in this process (the server's) by {@link startLoopMonitor}, and the lookups' latency.
 */
async function chicagoWhatIfs(api: ReturnType<typeof client>): Promise<void> {
  const t0 = performance.now();
  const beats = readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8');
  const upload = async (path: string, body: string, type: string) => {
    const r = await api.call('POST', path, body, { 'Content-Type': type });
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return JSON.parse(r.text).id as string;
  };
  const boundary = await upload('/datasets/boundary', beats, 'application/geo+json');
  const incidents = await upload(
    '/datasets/incidents',
    readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), 'utf8'),
    'text/csv',
  );
  const existing = await upload('/datasets/beats?idField=beat_num', beats, 'application/geo+json');
  const job = await api.call('POST', '/plans', { boundary, incidents, existing, method: 'import', resolution: 10 });
  if (job.status !== 202) throw new Error(`plan: ${job.status} ${job.text}`);
  let planId = '';
  for (;;) {
    const j = JSON.parse((await api.call('GET', `/jobs/${JSON.parse(job.text).id}`)).text);
    if (j.status === 'succeeded') {
      planId = j.result.planId;
      break;
    }
    if (j.status !== 'queued' && j.status !== 'running') throw new Error(`plan job ${j.status}: ${JSON.stringify(j.error)}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
  const lookup = async () => {
    const r = await api.call('GET', `/plans/${planId}/lookup?lng=-87.63&lat=41.88`);
    if (r.status !== 200) throw new Error(`lookup: ${r.status} ${r.text}`);
  };
  // warm: the version loaded for lookups and held by a worker
  await lookup();
  if ((await api.call('GET', `/plans/${planId}/response`)).status !== 200) throw new Error('response failed');
  console.log(`\n  Chicago what-ifs: plan ${planId.slice(0, 8)} imported and warmed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const measure = async (busy: () => boolean, minMs: number) => {
    const monitor = await startLoopMonitor();
    const ms: number[] = [];
    const until = performance.now() + minMs;
    while (busy() || performance.now() < until) {
      const t = performance.now();
      await lookup();
      ms.push(performance.now() - t);
      await new Promise((ok) => setTimeout(ok, 10));
    }
    const loop = await monitor.stop();
    ms.sort((a, b) => a - b);
    return {
      loop,
      line: `${formatLoopDelay(loop)}; ${ms.length} lookups p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms`,
    };
  };
  const alone = await measure(() => false, 3000);
  console.log(`  lookups alone:                 ${alone.line}`);
  let done = 0;
  const t1 = performance.now();
  const whatIfs = [0.5, 0.55, 0.6, 0.65, 0.7].map((saturationTarget) =>
    api.call('POST', `/plans/${planId}/response/whatif`, { saturationTarget }).finally(() => done++),
  );
  const during = await measure(() => done < whatIfs.length, 0);
  const statuses = (await Promise.all(whatIfs)).map((r) => r.status);
  if (statuses.some((s) => s !== 200)) throw new Error(`what-ifs: ${statuses.join(', ')}`);
  console.log(`  with 5 what-ifs (${((performance.now() - t1) / 1000).toFixed(1)} s): ${during.line}`);
  const { held, delayP99 } = during.loop;
  console.log(
    `  goal: no request holds the loop > 50 ms: held by this process at most ${held.toFixed(0)} ms (${held < 50 ? 'met' : 'NOT met'}); delay p99 ${delayP99.toFixed(1)} ms (${delayP99 < 50 ? 'met' : 'NOT met'}; the lookups alone ${alone.loop.delayP99.toFixed(1)} ms, load average ${loadavg()[0]!.toFixed(1)})`,
  );
}

/** Runs the API bench; options from argv (`--rate`, `--seconds`, `--edits`). */
export async function runApiBench(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const k = process.argv.indexOf(`--${name}`);
    return k >= 0 ? Number(process.argv[k + 1]) : dflt;
  };
  const rate = arg('rate', 200);
  const seconds = Math.min(60, arg('seconds', 10));
  const edits = Math.min(500, arg('edits', 60));
  console.log(`\n## api — HTTP load on loopback (reads at ${rate} req/s for ${seconds} s, ${edits} sequential edits) vs in-process`);

  const dir = mkdtempSync(join(tmpdir(), 'beatplan-api-bench-'));
  const store = new SqliteStore(dir);
  const built = await createApp({ store, config: { rateLimitPerMinute: 10_000_000, logLevel: 'silent' } });
  const server = built.app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { token } = await createToken(store, 'admin', 'bench');
  const api = client(base, token);
  try {
    // ---- setup: a ~10 km square city, 40k incidents, 30 beats at resolution 10
    const t0 = performance.now();
    const lat0 = 41.85;
    const dLat = 10 / 2 / 111.2;
    const dLng = 10 / 2 / (111.2 * Math.cos((lat0 * Math.PI) / 180));
    const box: Bbox = [-87.7 - dLng, lat0 - dLat, -87.7 + dLng, lat0 + dLat];
    const [w, s, e, n] = box;
    const boundary = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    };
    const b = await api.call('POST', '/datasets/boundary', JSON.stringify(boundary), { 'Content-Type': 'application/geo+json' });
    const inc = await api.call('POST', '/datasets/incidents', incidentsCsv(40_000, box, 11), { 'Content-Type': 'text/csv' });
    if (b.status !== 201 || inc.status !== 201) throw new Error(`upload failed: ${b.status} ${inc.status} ${inc.text.slice(0, 200)}`);
    const planJob = await api.call('POST', '/plans', {
      boundary: JSON.parse(b.text).id,
      incidents: JSON.parse(inc.text).id,
      beats: 30,
      resolution: 10,
      seed: 1,
      timeLimitMs: 40_000,
    });
    if (planJob.status !== 202) throw new Error(`plan: ${planJob.status} ${planJob.text}`);
    const jobId = JSON.parse(planJob.text).id as string;
    let job: { status: string; result?: { planId: string }; error?: unknown };
    for (;;) {
      job = JSON.parse((await api.call('GET', `/jobs/${jobId}`)).text);
      if (job.status !== 'queued' && job.status !== 'running') break;
      if (performance.now() - t0 > 120_000) throw new Error('plan job took over 2 minutes');
      await new Promise((ok) => setTimeout(ok, 200));
    }
    if (job.status !== 'succeeded') throw new Error(`plan job ${job.status}: ${JSON.stringify(job.error)}`);
    const planId = job.result!.planId;
    const access = new PlanAccess(built.context);
    const p0 = await access.getPlan(planId);
    const { loaded } = await access.loadPlan(p0, await access.getVersion(p0));
    console.log(
      `  setup: ${loaded.grid.cellCount} cells at resolution ${loaded.grid.resolution}, ${loaded.plan.beatIds.length} beats, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Views: a quarter of the city at zoom 14 (plan cells) and the whole city at zoom 11 (aggregated).
    const rng = createRng(5);
    const view = (): { bbox: Bbox; zoom: number } => {
      if (rng.next() < 0.5) return { bbox: box, zoom: 11 };
      const x = w + rng.next() * (e - w) * 0.5;
      const y = s + rng.next() * (n - s) * 0.5;
      return { bbox: [x, y, x + (e - w) / 2, y + (n - s) / 2], zoom: 14 };
    };
    const reads = [
      { name: 'beats', path: () => `/plans/${planId}/beats` },
      { name: 'metrics', path: () => `/plans/${planId}/metrics` },
      {
        name: 'cells-bbox',
        path: () => {
          const v = view();
          return `/plans/${planId}/cells?bbox=${v.bbox.map((x) => x.toFixed(5)).join(',')}&zoom=${v.zoom}`;
        },
      },
    ];
    // Warm up (first reads fill the per-version caches, as on a real server).
    const sizes: string[] = [];
    for (const r of reads) sizes.push(`${r.name} ${((await api.call('GET', r.path())).text.length / 1024).toFixed(0)} KB`);
    console.log(`  response sizes: ${sizes.join(', ')}`);
    await api.call('GET', `/plans/${planId}/cells?bbox=${box.join(',')}&zoom=11`);
    await api.call('GET', `/plans/${planId}/cells?bbox=${box.join(',')}&zoom=14`);

    // ---- reads over HTTP: open loop at `rate` for `seconds` from a worker thread (so the
    // client does not share the server's event loop), at most 256 in flight
    const total = Math.round(rate * seconds);
    const plan = Array.from({ length: total }, (_, k) => ({
      name: reads[k % reads.length]!.name,
      path: `/api/v1${reads[k % reads.length]!.path()}`,
    }));
    const monitor = await startLoopMonitor();
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const { samples, dropped } = await loadFromWorker(base, token, plan, rate);
    const cpu = process.cpuUsage(cpu0);
    const loop = await monitor.stop();
    const elapsed = (performance.now() - start) / 1000;
    summarize('http', samples, elapsed);
    if (dropped) console.log(`  http: ${dropped} requests not sent (over 256 in flight)`);
    const slow = samples.filter((x) => x.ms > 50);
    const svc = samples.map((x) => x.svcMs ?? x.ms).sort((a, b) => a - b);
    console.log(
      `  http: round trip from the actual send (without the sender's own lag): p50 ${pct(svc, 50).toFixed(2)} ms, p99 ${pct(svc, 99).toFixed(2)} ms`,
    );
    console.log(
      `  http: server ${formatLoopDelay(loop)}; ${slow.length} reads over 50 ms; process CPU (server + load worker) ${((cpu.user + cpu.system) / 1000 / samples.length).toFixed(2)} ms per request, ${((cpu.user + cpu.system) / 1e6 / ((performance.now() - start) / 1000)).toFixed(2)} cores; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
    );

    // ---- the same reads in-process (no HTTP): the handlers' logic through PlanAccess
    const inproc: Sample[] = [];
    const t1 = performance.now();
    for (let k = 0; k < Math.min(total, 3000); k++) {
      const name = reads[k % reads.length]!.name;
      const ts = performance.now();
      const p = await access.getPlan(planId);
      const v = await access.getVersion(p);
      if (name === 'beats') await access.beatsGeojson(p, v);
      else if (name === 'metrics') await access.metricsBytes(v);
      else {
        const vw = view();
        await access.cellsInBbox(p, v, vw.bbox, vw.zoom); // the answer's JSON bytes
      }
      inproc.push({ name, ms: performance.now() - ts, status: 200 });
    }
    summarize('in-proc', inproc, (performance.now() - t1) / 1000);

    // ---- edits over HTTP: sequential moves with If-Match (a legal move, then its reverse)
    const moves = legalMoves(loaded, 10);
    if (!moves.length) throw new Error('no legal move found');
    const editSamples: Sample[] = [];
    let etag = planEtag(planId, (await access.getPlan(planId)).currentVersion);
    const t2 = performance.now();
    for (let k = 0; k < edits; k++) {
      const m = moves[Math.floor(k / 2) % moves.length]!;
      const toBeat = k % 2 === 0 ? m.to : m.from;
      const ts = performance.now();
      const r = await api.call('POST', `/plans/${planId}/moves`, { cells: [m.cell], toBeat }, { 'If-Match': etag });
      editSamples.push({ name: 'move', ms: performance.now() - ts, status: r.status });
      if (r.status === 200) etag = String(r.headers.etag);
      else throw new Error(`move ${k}: ${r.status} ${r.text.slice(0, 300)}`);
    }
    summarize('http', editSamples, (performance.now() - t2) / 1000);

    // ---- the same edits in-process: If-Match check, load, moveOnPlan, write a version
    const inprocEdits: Sample[] = [];
    const t3 = performance.now();
    for (let k = 0; k < edits; k++) {
      const m = moves[Math.floor(k / 2) % moves.length]!;
      const toBeat = k % 2 === 0 ? m.to : m.from;
      const ts = performance.now();
      const p = await access.getPlan(planId);
      access.checkIfMatch(etag, p);
      const { loaded: cur } = await access.loadPlan(p, await access.getVersion(p));
      const out = moveOnPlan(cur, [m.cell], toBeat);
      const v = await access.writeVersion(p, 'move', { cells: 1, toBeat, moved: out.moved, beats: out.beats }, out, 'bench');
      etag = planEtag(planId, v.version);
      inprocEdits.push({ name: 'move', ms: performance.now() - ts, status: 200 });
    }
    summarize('in-proc', inprocEdits, (performance.now() - t3) / 1000);

    const readsP99 = pct(
      samples.map((x) => x.ms).sort((a, b) => a - b),
      99,
    );
    console.log(`  goal p99 < 50 ms for reads at ${rate} req/s: ${readsP99 < 50 ? 'met' : 'NOT met'} (p99 ${readsP99.toFixed(1)} ms)`);

    if (hasRealdata()) await chicagoWhatIfs(api);
    else console.log('  (no real data: the Chicago what-if section is skipped)');
  } finally {
    api.close();
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await built.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) await runApiBench();
