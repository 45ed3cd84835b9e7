/**
 * Soak run on loopback (issue 8, item 5 "Load"): the real API server as a child process
 * (SQLite store, temp data folder, ephemeral 127.0.0.1 port), under a bounded-time MIXED
 * workload, with the server's memory sampled every second.
 *
 * Setup: the test city of the API harness (a ~4 × 4.5 km square, seeded incidents) uploaded
 * through HTTP and planned through `POST /plans` (~1,200 cells at resolution 10, 12 beats).
 * Workload, all on one keep-alive agent:
 * - reads, open loop at `rate` per second (latency from each request's scheduled time, so
 *   queueing shows): the plan, metrics, beats GeoJSON, cells by bbox and zoom, the version
 *   history and a comparison with version 1;
 * - edits, by `editors` concurrent closed-loop editors sharing the plan: single-cell moves
 *   into a neighbouring beat (picked from `GET /plans/:id/cells` and the H3 neighbours) with
 *   If-Match, undo and redo. A 412 (another editor was first) makes the editor re-read the
 *   cells and retry; a 409 (a move that would break contiguity or empty a beat, nothing to
 *   undo/redo) is expected and counted;
 * - jobs, every `jobEverySeconds`, one after the other: a plan job on the same datasets at
 *   resolution 9 (a small city), then a re-balance of the edited plan (editors pause while it
 *   runs, else it fails with PRECONDITION_FAILED by design), each followed via `GET /jobs/:id`.
 * Every answer is counted by kind and status; 5xx, connection errors and any other unexpected
 * answer are reported, and at the end the plan's version history is checked against every
 * acknowledged move.
 *
 * A warm-up (`warmupSeconds`, and at least one job of each kind) comes before the measured
 * phase, which ends with at least `tailSeconds` of reads and edits after the last job. Memory:
 * the server's RSS from `/proc/<pid>/status` every second, and its V8 heap through an IPC
 * probe (after a full GC, at the start and the end of the measured phase; no HTTP route).
 * Reported: RSS at the start, at the end (both under reads and edits with no job running),
 * peak, and the least-squares slope of RSS over the second half of the measured phase in MB
 * per minute — over every sample, and over the samples with no job running (a job's worker
 * thread adds 50–90 MB to the RSS until it has gone, which swamps a slope over seconds). With
 * `gcSamples` the server runs a full GC before each sample, which takes the V8 heap's sawtooth
 * out of the RSS (the soak test uses it; it costs the reads some latency).
 *
 * `pnpm bench soak [--seconds 60] [--rate 100]` or
 * `node --conditions=source --import tsx test/bench/soak-bench.ts [--seconds 60] [--rate 100] [--warmup 10] [--editors 2] [--job-every 5] [--gc]`
 * (`--gc`: a full GC in the server before each memory sample, as the soak test does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken, SqliteStore } from '@beatplan/api';
import { createRng } from '@beatplan/engine';
import { gridDisk } from 'h3-js';
import { BOX, incidentsCsv, squareBoundary } from '../../packages/api/src/testing/harness.js';
import { type SpawnedServer, spawnServer } from '../../packages/api/src/testing/spawn-server.js';
import { client, type Reply, type Sample, summarize } from './load-stats.js';

/** Options of {@link runSoakBench}. */
export interface SoakOptions {
  /** Length of the measured phase, seconds. Default 60. */
  seconds: number;
  /** Warm-up before it (same workload), seconds. Default 10. */
  warmupSeconds: number;
  /** Reads per second (open loop). Default 100. */
  rate: number;
  /** Concurrent editors on the plan. Default 2. */
  editors: number;
  /** Pause of each editor between two edits, ms. Default 40. */
  editPauseMs: number;
  /** Pause between two jobs (plan job, re-balance, plan job, …), seconds. Default 5. */
  jobEverySeconds: number;
  /**
   * Job-free load at the end of the measured phase, at least (after the last job's worker has
   * gone), seconds. Default: a quarter of `seconds`, at most 5.
   */
  tailSeconds: number;
  /** Run a full GC in the server before each memory sample (and sample its V8 heap too). Default false. */
  gcSamples: boolean;
  /** Print the figures (default true). */
  print: boolean;
}

/** One memory sample of the server. */
export interface MemorySample {
  /** Seconds since the start of the measured phase (negative during the warm-up). */
  t: number;
  /** RSS, MB. */
  rssMB: number;
  /** V8 heap used after a full GC, MB (with `gcSamples`). */
  heapMB?: number;
  /** Taken while a job ran (its worker thread adds tens of MB until it has gone). */
  job: boolean;
}

/** What a soak run measured. */
export interface SoakResult {
  options: SoakOptions;
  /** Measured-phase samples (every request: reads, edits, job submissions and polls). */
  samples: Sample[];
  /** Seconds the measured phase lasted. */
  measuredSeconds: number;
  /** Answers per kind and status over the whole run (warm-up included); status 0 = connection error. */
  statuses: Record<string, Record<string, number>>;
  /** 5xx answers over the whole run. */
  serverErrors: number;
  /** Requests that got no HTTP answer (connection error, timeout). */
  connectionErrors: number;
  /** Answers outside the expected ones (reads: 200; edits: 200, 409, 412; job submissions: 202): how many, and the first 50. */
  unexpectedCount: number;
  unexpected: Array<{ kind: string; status: number; text: string }>;
  /** Reads not sent because too many were in flight. */
  dropped: number;
  /** Versions acknowledged (200) by moves, and how many undo/redo answered 200. */
  edits: { moves: number[]; undo: number; redo: number; rejected: number; conflicts: number };
  /** The final version history against the acknowledged edits. */
  history: { versions: number; expected: number; missing: number[]; wrongAction: number[]; duplicateAcks: number };
  planJobs: Array<{ status: string; ms: number; error?: unknown }>;
  rebalanceJobs: Array<{ status: string; ms: number; error?: unknown }>;
  memory: {
    samples: MemorySample[];
    /** RSS at the start of the measured phase (after the warm-up, under reads and edits, no job running), MB. */
    warmRssMB: number;
    /** RSS at the end of the measured phase (likewise: the last job done, the load still on), MB. */
    endRssMB: number;
    /** Peak RSS during the measured phase (job workers included), MB. */
    peakRssMB: number;
    /** Least-squares slope of RSS over the second half of the measured phase, MB/min (every sample). */
    slopeMBPerMin: number;
    /**
     * The same slope over the samples taken outside job windows only (no job worker alive):
     * the baseline, free of the workers' transient tens of MB.
     */
    baselineSlopeMBPerMin: number;
    /** How many samples that slope rests on. */
    baselineSamples: number;
    /** V8 heap used after a full GC, at the start and at the end of the measured phase, MB. */
    warmHeapMB: number;
    endHeapMB: number;
  };
  /** Exit code of the server after SIGTERM (0: clean shutdown). */
  exitCode: number | null;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Least-squares slope of y over x. */
export function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx ? sxy / sxx : NaN;
}

/** Options from the command line (`--seconds`, `--rate`, `--warmup`, `--editors`, `--job-every`, `--gc`). */
function optionsFromArgv(): Partial<SoakOptions> {
  const arg = (name: string) => {
    const k = process.argv.indexOf(`--${name}`);
    return k >= 0 && process.argv[k + 1] !== undefined ? Number(process.argv[k + 1]) : undefined;
  };
  const out: Partial<SoakOptions> = {};
  const set = <K extends keyof SoakOptions>(key: K, name: string) => {
    const v = arg(name);
    if (v !== undefined && Number.isFinite(v)) out[key] = v as SoakOptions[K];
  };
  set('seconds', 'seconds');
  set('rate', 'rate');
  set('warmupSeconds', 'warmup');
  set('editors', 'editors');
  set('jobEverySeconds', 'job-every');
  if (process.argv.includes('--gc')) out.gcSamples = true;
  return out;
}

/** Runs the soak; without options, they come from the command line. */
export async function runSoakBench(input: Partial<SoakOptions> = optionsFromArgv()): Promise<SoakResult> {
  const o: SoakOptions = {
    seconds: 60,
    warmupSeconds: 10,
    rate: 100,
    editors: 2,
    editPauseMs: 40,
    jobEverySeconds: 5,
    tailSeconds: 5,
    gcSamples: false,
    print: true,
    ...input,
  };
  o.seconds = Math.max(4, Math.min(3600, o.seconds));
  o.tailSeconds = input.tailSeconds ?? Math.min(5, o.seconds / 4);
  const log = (s: string) => {
    if (o.print) console.log(s);
  };
  log(
    `\n## soak — server as a child process on loopback: ${o.seconds} s measured after ${o.warmupSeconds} s warm-up; reads at ${o.rate} req/s, ${o.editors} editors, a job every ${o.jobEverySeconds} s${o.gcSamples ? ', a full GC before each memory sample' : ''} (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'beatplan-soak-'));
  let server: SpawnedServer | undefined;
  let api: ReturnType<typeof client> | undefined;
  try {
    const store = new SqliteStore(dir);
    const { token } = await createToken(store, 'admin', 'soak');
    await store.close();
    server = await spawnServer({
      dataDir: dir,
      memoryProbe: true,
      env: { BEATPLAN_DATABASE_URL: '', BEATPLAN_RATE_LIMIT_PER_MINUTE: '100000000', BEATPLAN_JOB_CONCURRENCY: '1' },
    });
    const srv = server;
    api = client(server.url, token, 128);
    const call = api.call;

    // ---- setup: the harness's test city, planned through the API
    const t0 = performance.now();
    const b = await call('POST', '/datasets/boundary', JSON.stringify(squareBoundary()), { 'Content-Type': 'application/geo+json' });
    const inc = await call('POST', '/datasets/incidents', incidentsCsv(3000, 11), { 'Content-Type': 'text/csv' });
    if (b.status !== 201 || inc.status !== 201) throw new Error(`upload failed: ${b.status} ${inc.status} ${inc.text.slice(0, 200)}`);
    const datasets = { boundary: JSON.parse(b.text).id as string, incidents: JSON.parse(inc.text).id as string };
    const waitJob = async (
      id: string,
      timeoutMs = 120_000,
    ): Promise<{ status: string; result?: Record<string, unknown>; error?: unknown }> => {
      const end = performance.now() + timeoutMs;
      for (;;) {
        const r = await timed('job-poll', () => call('GET', `/jobs/${id}`));
        if (r?.status === 200) {
          const job = JSON.parse(r.text);
          if (job.status !== 'queued' && job.status !== 'running') return job;
        }
        if (performance.now() > end) return { status: 'timeout' };
        await sleep(100);
      }
    };

    // every request goes through `timed`: a sample (with its phase) and the status counts
    const all: Array<Sample & { at: number }> = [];
    const statuses: Record<string, Record<string, number>> = {};
    const unexpected: SoakResult['unexpected'] = [];
    let unexpectedCount = 0;
    const expected = (kind: string, status: number) =>
      kind === 'move' || kind === 'undo' || kind === 'redo'
        ? status === 200 || status === 409 || status === 412
        : kind === 'plan-job' || kind === 'rebalance'
          ? status === 202
          : status === 200;
    async function timed(kind: string, send: () => Promise<Reply>, scheduled = performance.now()): Promise<Reply | undefined> {
      const sent = performance.now();
      let r: Reply | undefined;
      let failure = '';
      try {
        r = await send();
      } catch (err) {
        r = undefined;
        failure = `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`;
      }
      const now = performance.now();
      const status = r?.status ?? 0;
      all.push({ name: kind, ms: now - scheduled, svcMs: now - sent, status, at: scheduled });
      const byStatus = (statuses[kind] ??= {});
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (!expected(kind, status) && ++unexpectedCount <= 50)
        unexpected.push({ kind, status, text: r?.text.slice(0, 300) ?? `no answer: ${failure}` });
      return r;
    }

    const created = await call('POST', '/plans', { ...datasets, beats: 12, resolution: 10, seed: 1, name: 'soak', timeLimitMs: 20_000 });
    if (created.status !== 202) throw new Error(`plan: ${created.status} ${created.text}`);
    const first = await waitJob(JSON.parse(created.text).id);
    if (first.status !== 'succeeded') throw new Error(`plan job ${first.status}: ${JSON.stringify(first.error)}`);
    const planId = String(first.result!.planId);

    // the cells and their H3 neighbours (the grid has no barriers, so these are its edges)
    const cells0 = await call('GET', `/plans/${planId}/cells`);
    if (cells0.status !== 200) throw new Error(`cells: ${cells0.status} ${cells0.text.slice(0, 200)}`);
    const h3 = (JSON.parse(cells0.text) as { rows: Array<[string, string]> }).rows.map((x) => x[0]);
    const indexOf = new Map(h3.map((h, i) => [h, i]));
    const neighbours = h3.map((h) => gridDisk(h, 1).flatMap((n) => (n !== h && indexOf.has(n) ? [indexOf.get(n)!] : [])));
    /** The current beat of every cell (in `h3` order) and the ETag of the version they are of. */
    const readCells = async () => {
      const r = await timed('edit-reread', () => call('GET', `/plans/${planId}/cells`));
      if (r?.status !== 200) return undefined;
      const beats = new Array<string>(h3.length).fill('');
      for (const [h, beat] of (JSON.parse(r.text) as { rows: Array<[string, string]> }).rows) beats[indexOf.get(h)!] = beat;
      return { etag: String(r.headers.etag), beats };
    };
    const initial = await readCells();
    if (!initial) throw new Error('cannot read the cells of the plan');
    log(
      `  setup: ${h3.length} cells, ${new Set(initial.beats).size} beats, in ${((performance.now() - t0) / 1000).toFixed(1)} s; server pid ${srv.pid}, RSS ${((srv.rss() ?? 0) / MB).toFixed(0)} MB`,
    );

    let stopping = false;
    let stopSignal = () => {};
    const stopped = new Promise<void>((ok) => (stopSignal = ok));
    const pause = (ms: number) => Promise.race([sleep(ms), stopped]);

    // ---- reads: open loop at `rate`, at most 128 in flight
    const w = BOX.west;
    const s = BOX.south;
    const e = BOX.east;
    const n = BOX.north;
    const rng = createRng(5);
    const view = () => {
      if (rng.next() < 0.5) return `bbox=${[w, s, e, n].join(',')}&zoom=11`;
      const x = w + rng.next() * (e - w) * 0.5;
      const y = s + rng.next() * (n - s) * 0.5;
      return `bbox=${[x, y, x + (e - w) / 2, y + (n - s) / 2].map((v) => v.toFixed(5)).join(',')}&zoom=14`;
    };
    const READS: Array<[string, number, () => string]> = [
      ['plan', 2, () => `/plans/${planId}`],
      ['metrics', 2, () => `/plans/${planId}/metrics`],
      ['beats', 2, () => `/plans/${planId}/beats`],
      ['cells-bbox', 3, () => `/plans/${planId}/cells?${view()}`],
      ['versions', 1, () => `/plans/${planId}/versions`],
      ['compare', 1, () => `/plans/${planId}/compare?with=${planId}&withVersion=1`],
    ];
    const readDeck = READS.flatMap(([name, weight, path]) => Array.from({ length: weight }, () => ({ name, path })));
    let dropped = 0;
    const readers = (async () => {
      const start = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      let issued = 0;
      while (!stopping) {
        const due = Math.floor(((performance.now() - start) / 1000) * o.rate);
        while (issued < due) {
          const k = issued++;
          if (inFlight.size >= 128) {
            dropped++;
            continue;
          }
          const r = readDeck[rng.int(readDeck.length)]!;
          const p = timed(r.name, () => call('GET', r.path()), start + (k / o.rate) * 1000);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        await sleep(2);
      }
      await Promise.all(inFlight);
    })();

    // ---- edits: `editors` closed loops; paused (gate) while a re-balance runs
    const acked: number[] = [];
    let undone = 0;
    let redone = 0;
    let rejected = 0;
    let conflicts = 0;
    let gate: Promise<void> | undefined;
    const busy = new Array<boolean>(o.editors).fill(false);
    const editor = async (id: number) => {
      const r = createRng(100 + id);
      let snap: { etag: string; beats: string[] } | undefined;
      /** A random cell next to another beat, into that beat. */
      const pickMove = (cur: { beats: string[] }): { cell: number; to: string } | undefined => {
        for (let tries = 0; tries < 500; tries++) {
          const c = r.int(h3.length);
          const from = cur.beats[c]!;
          if (!from) continue;
          const others = neighbours[c]!.filter((nb) => cur.beats[nb] && cur.beats[nb] !== from);
          if (others.length) return { cell: c, to: cur.beats[others[r.int(others.length)]!]! };
        }
        return undefined;
      };
      const step = async () => {
        snap ??= await readCells();
        if (!snap) return;
        const u = r.next();
        if (u < 0.1) {
          // undo, then (half the time) redo right away; a redo on its own is mostly "nothing to redo"
          const dir = u < 0.08 ? 'undo' : 'redo';
          const res = await timed(dir, () => call('POST', `/plans/${planId}/${dir}`, undefined, { 'If-Match': snap!.etag }));
          if (res?.status === 200) {
            dir === 'undo' ? undone++ : redone++;
            snap = undefined; // the beats changed: re-read before the next move
            if (dir === 'undo' && r.next() < 0.5) {
              const again = await timed('redo', () =>
                call('POST', `/plans/${planId}/redo`, undefined, { 'If-Match': String(res.headers.etag) }),
              );
              if (again?.status === 200) redone++;
            }
          } else if (res?.status === 412) snap = undefined;
          else if (res?.status === 409) rejected++;
          return;
        }
        let move = pickMove(snap);
        // a 412 (another editor was first): re-read the cells and retry the same move while it
        // still makes sense (the cell is not in that beat yet and still touches it), up to 3 times
        for (let attempt = 0; move && attempt < 4; attempt++) {
          const m = move;
          const res = await timed('move', () =>
            call('POST', `/plans/${planId}/moves`, { cells: [h3[m.cell]!], toBeat: m.to }, { 'If-Match': snap!.etag }),
          );
          if (res?.status === 200) {
            acked.push((JSON.parse(res.text) as { version: number }).version);
            snap.beats[m.cell] = m.to;
            snap.etag = String(res.headers.etag);
            return;
          }
          if (res?.status === 409) rejected++;
          if (res?.status !== 412) return;
          conflicts++;
          const fresh = await readCells();
          if (!fresh) {
            snap = undefined;
            return;
          }
          snap = fresh;
          const still = fresh.beats[m.cell] !== m.to && neighbours[m.cell]!.some((nb) => fresh.beats[nb] === m.to);
          move = still ? m : undefined;
        }
      };
      while (!stopping) {
        if (gate) await Promise.race([gate, stopped]);
        if (stopping) break;
        busy[id] = true;
        try {
          await step();
        } finally {
          busy[id] = false;
        }
        await pause(o.editPauseMs);
      }
    };
    const editors = Array.from({ length: o.editors }, (_, k) => editor(k));

    // ---- jobs: a plan job, then a re-balance, one after the other. Each runs in a worker thread
    // of the server, which adds tens of MB to its RSS until the worker has gone: the time from
    // a job's submission to `SETTLE_MS` after its end is a job window (see the memory figures).
    const SETTLE_MS = 1000;
    const jobWindows: Array<{ from: number; to: number }> = [];
    const planJobs: SoakResult['planJobs'] = [];
    const rebalanceJobs: SoakResult['rebalanceJobs'] = [];
    let jobSeq = 0;
    let jobsStopping = false;
    let stopJobsSignal = () => {};
    const jobsStopped = new Promise<void>((ok) => (stopJobsSignal = ok));
    const inWindow = async (run: () => Promise<void>) => {
      const w = { from: performance.now(), to: Number.POSITIVE_INFINITY };
      jobWindows.push(w);
      try {
        await run();
      } finally {
        w.to = performance.now() + SETTLE_MS;
      }
    };
    const planJob = () =>
      inWindow(async () => {
        const k = ++jobSeq;
        const ts = performance.now();
        const r = await timed('plan-job', () =>
          call('POST', '/plans', { ...datasets, beats: 4, resolution: 9, seed: k, name: `soak job ${k}`, timeLimitMs: 5000 }),
        );
        if (r?.status !== 202) {
          planJobs.push({ status: `http ${r?.status ?? 0}`, ms: performance.now() - ts });
          return;
        }
        const j = await waitJob(JSON.parse(r.text).id);
        planJobs.push({ status: j.status, ms: performance.now() - ts, ...(j.error ? { error: j.error } : {}) });
      });
    let versionsByRebalance = 0;
    const rebalanceJob = () =>
      inWindow(async () => {
        const k = ++jobSeq;
        let open = () => {};
        gate = new Promise<void>((ok) => (open = ok));
        try {
          while (busy.some(Boolean)) await sleep(5);
          const ts = performance.now();
          const p = await timed('edit-reread', () => call('GET', `/plans/${planId}`));
          const r = await timed('rebalance', () =>
            call('POST', `/plans/${planId}/rebalance`, { seed: k, timeLimitMs: 2000 }, { 'If-Match': String(p?.headers.etag) }),
          );
          if (r?.status !== 202) {
            rebalanceJobs.push({ status: `http ${r?.status ?? 0}`, ms: performance.now() - ts });
            return;
          }
          const j = await waitJob(JSON.parse(r.text).id);
          if (j.status === 'succeeded') versionsByRebalance++;
          rebalanceJobs.push({ status: j.status, ms: performance.now() - ts, ...(j.error ? { error: j.error } : {}) });
        } finally {
          gate = undefined;
          open();
        }
      });
    let lastJobStart = Number.POSITIVE_INFINITY;
    let firstJobs = () => {};
    const firstJobsDone = new Promise<void>((ok) => (firstJobs = ok));
    const jobs = (async () => {
      await planJob();
      await rebalanceJob();
      firstJobs();
      // no job starts in the last `jobEverySeconds` of the measured phase, so that it ends
      // with its load but without a worker (the last RSS samples are comparable to the first)
      const between = async () => {
        await Promise.race([sleep(o.jobEverySeconds * 1000), jobsStopped]);
        return !jobsStopping && performance.now() < lastJobStart;
      };
      for (;;) {
        if (!(await between())) break;
        await planJob();
        if (!(await between())) break;
        await rebalanceJob();
      }
    })().catch((err: unknown) => {
      // counted as an unexpected answer (the test fails on it) rather than left to hang the run
      if (++unexpectedCount <= 50) unexpected.push({ kind: 'jobs', status: -1, text: String(err) });
      firstJobs();
    });
    /** Waits until no job window is open (the last worker has had time to go). */
    const jobsSettled = async () => {
      for (;;) {
        const until = Math.max(0, ...jobWindows.map((w) => w.to));
        if (until <= performance.now()) return;
        await sleep(Math.min(250, until - performance.now()));
      }
    };

    // ---- memory: RSS every second (warm-up and measured phase)
    const rssAt: Array<{ at: number; rss: number; heap?: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const at = performance.now();
        const heap = o.gcSamples ? (await srv.memory(true).catch(() => undefined))?.heapUsed : undefined;
        const rss = srv.rss();
        if (rss !== undefined) rssAt.push({ at, rss, heap });
        await sleep(Math.max(0, 1000 - (performance.now() - at)));
      }
    })();

    let result: SoakResult;
    try {
      // warm-up: at least `warmupSeconds`, and until the first plan job and re-balance are done
      // and their workers gone; the measured phase starts under reads and edits, between jobs
      const warm0 = performance.now();
      await Promise.all([sleep(o.warmupSeconds * 1000), firstJobsDone]);
      await jobsSettled();
      const measuredStart = performance.now();
      const warmRss = srv.rss() ?? NaN;
      rssAt.push({ at: measuredStart, rss: warmRss });
      const warmHeap = await srv.memory(true);
      log(
        `  warm-up: ${((measuredStart - warm0) / 1000).toFixed(1)} s; RSS ${(warmRss / MB).toFixed(0)} MB, V8 heap after GC ${(warmHeap.heapUsed / MB).toFixed(1)} MB`,
      );

      // measured phase, with a progress line every 10 s
      const end = measuredStart + o.seconds * 1000;
      lastJobStart = end - o.jobEverySeconds * 1000;
      let nextReport = measuredStart + 10_000;
      while (performance.now() < end) {
        await sleep(Math.min(250, end - performance.now()));
        if (performance.now() >= nextReport && performance.now() < end - 1000) {
          nextReport += 10_000;
          const done = all.filter((x) => x.at >= measuredStart);
          log(
            `  t=${((performance.now() - measuredStart) / 1000).toFixed(0).padStart(3)} s  RSS ${((srv.rss() ?? 0) / MB).toFixed(0)} MB  ${done.length} requests, ${acked.length} moves acknowledged, ${planJobs.length} plan jobs, ${rebalanceJobs.length} re-balances`,
          );
        }
      }
      // the end: no new job; the running one finishes and its worker goes, and reads and edits go
      // on for at least `tailSeconds` more with no job (so that the second half of the phase
      // always holds job-free samples); then the last RSS sample, then the load stops
      jobsStopping = true;
      stopJobsSignal();
      await jobs;
      await jobsSettled();
      const tailEnd = Math.max(end, ...jobWindows.map((w) => w.to + o.tailSeconds * 1000));
      while (performance.now() < tailEnd) await sleep(Math.min(250, tailEnd - performance.now()));
      const measuredSeconds = (performance.now() - measuredStart) / 1000;
      const endRss = srv.rss() ?? NaN;
      rssAt.push({ at: performance.now(), rss: endRss });
      stopping = true;
      stopSignal();
      sampling = false;
      await Promise.all([readers, ...editors, sampler]);
      const endHeap = await srv.memory(true);

      // the final history holds every acknowledged edit
      // (a paginated list: follow the `next` cursors to the last page)
      const items: Array<{ version: number; action: string }> = [];
      for (let cursor: string | null = null, pages = 0; pages < 1000; pages++) {
        const path = `/plans/${planId}/versions?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const hv = await timed('versions', () => call('GET', path));
        const page = JSON.parse(hv?.text ?? '{"items":[],"next":null}') as {
          items: Array<{ version: number; action: string }>;
          next: string | null;
        };
        items.push(...page.items);
        cursor = page.next;
        if (!cursor) break;
      }
      const byVersion = new Map(items.map((v) => [v.version, v]));
      const history = {
        versions: items.length,
        expected: 1 + acked.length + versionsByRebalance,
        missing: acked.filter((v) => !byVersion.has(v)),
        wrongAction: acked.filter((v) => byVersion.has(v) && byVersion.get(v)!.action !== 'move'),
        duplicateAcks: acked.length - new Set(acked).size,
      };

      const inJob = (at: number) => jobWindows.some((w) => at >= w.from && at <= w.to);
      const memory: MemorySample[] = rssAt
        .map((x) => ({
          t: (x.at - measuredStart) / 1000,
          rssMB: x.rss / MB,
          job: inJob(x.at),
          ...(x.heap !== undefined ? { heapMB: x.heap / MB } : {}),
        }))
        .sort((a, b) => a.t - b.t);
      const measured = memory.filter((m) => m.t >= 0 && m.t <= measuredSeconds + 0.001);
      const secondHalf = measured.filter((m) => m.t >= measuredSeconds / 2);
      const samples = all
        .filter((x) => x.at >= measuredStart && x.at < measuredStart + measuredSeconds * 1000)
        .map(({ at: _at, ...x }) => x);
      const statusCount = (pred: (st: number) => boolean) =>
        Object.values(statuses).reduce((a, by) => a + Object.entries(by).reduce((b, [st, c]) => b + (pred(Number(st)) ? c : 0), 0), 0);
      result = {
        options: o,
        samples,
        measuredSeconds,
        statuses,
        serverErrors: statusCount((st) => st >= 500),
        connectionErrors: statusCount((st) => st === 0),
        unexpectedCount,
        unexpected,
        dropped,
        edits: { moves: acked, undo: undone, redo: redone, rejected, conflicts },
        history,
        planJobs,
        rebalanceJobs,
        memory: {
          samples: memory,
          warmRssMB: warmRss / MB,
          endRssMB: endRss / MB,
          peakRssMB: Math.max(...measured.map((m) => m.rssMB)),
          slopeMBPerMin: slope(secondHalf.map((m) => ({ x: m.t / 60, y: m.rssMB }))),
          baselineSlopeMBPerMin: slope(secondHalf.filter((m) => !m.job).map((m) => ({ x: m.t / 60, y: m.rssMB }))),
          baselineSamples: secondHalf.filter((m) => !m.job).length,
          warmHeapMB: warmHeap.heapUsed / MB,
          endHeapMB: endHeap.heapUsed / MB,
        },
        exitCode: null,
      };
    } finally {
      stopping = true;
      stopSignal();
      jobsStopping = true;
      stopJobsSignal();
      sampling = false;
    }

    result.exitCode = await srv.stop('SIGTERM');
    server = undefined;
    if (o.print) printSoak(result);
    return result;
  } finally {
    api?.close();
    if (server) await server.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints the figures of a soak run. */
export function printSoak(r: SoakResult): void {
  const isError = (st: number) => st === 0 || st >= 500;
  console.log(`  latency over the measured phase (reads from their scheduled time; edits, job submissions and polls from their send):`);
  summarize('soak', r.samples, r.measuredSeconds, { isError, statuses: true });
  console.log(
    `  statuses over the whole run: ${Object.entries(r.statuses)
      .map(
        ([k, by]) =>
          `${k} ${Object.entries(by)
            .map(([st, n]) => `${st}×${n}`)
            .join(' ')}`,
      )
      .join('; ')}`,
  );
  console.log(
    `  5xx ${r.serverErrors}, connection errors ${r.connectionErrors}, unexpected answers ${r.unexpectedCount}${
      r.unexpected.length
        ? ` (${r.unexpected
            .slice(0, 3)
            .map((u) => `${u.kind} ${u.status} ${u.text.slice(0, 120)}`)
            .join('; ')})`
        : ''
    }, reads not sent (over 128 in flight) ${r.dropped}`,
  );
  console.log(
    `  edits: ${r.edits.moves.length} moves acknowledged, ${r.edits.conflicts} × 412 (re-read and retried), ${r.edits.rejected} × 409 (contiguity / nothing to undo or redo), ${r.edits.undo} undo, ${r.edits.redo} redo; history ${r.history.versions} versions (expected ${r.history.expected}), ${r.history.missing.length} acknowledged missing`,
  );
  const jobs = (list: SoakResult['planJobs']) => {
    const by = new Map<string, number>();
    for (const j of list) by.set(j.status, (by.get(j.status) ?? 0) + 1);
    const ms = list.map((j) => j.ms).sort((a, b) => a - b);
    return `${list.length} (${[...by].map(([st, c]) => `${c} ${st}`).join(', ')}), median ${((ms[Math.floor(ms.length / 2)] ?? NaN) / 1000).toFixed(1)} s, max ${((ms.at(-1) ?? NaN) / 1000).toFixed(1)} s`;
  };
  console.log(`  jobs: plan ${jobs(r.planJobs)}; re-balance ${jobs(r.rebalanceJobs)}`);
  const m = r.memory;
  console.log(
    `  memory (server RSS): start ${m.warmRssMB.toFixed(0)} MB, end ${m.endRssMB.toFixed(0)} MB, peak ${m.peakRssMB.toFixed(0)} MB, slope over the second half ${m.slopeMBPerMin.toFixed(1)} MB/min (${m.baselineSlopeMBPerMin.toFixed(1)} MB/min over the ${m.baselineSamples} samples with no job worker); V8 heap after GC ${m.warmHeapMB.toFixed(1)} → ${m.endHeapMB.toFixed(1)} MB; server exit code ${r.exitCode}`,
  );
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) await runSoakBench();
