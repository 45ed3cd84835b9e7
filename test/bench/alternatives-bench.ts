/**
 * Alternatives across workers: one API instance (HTTP only) and 1 or 2 `beatplan worker`
 * processes on a throw-away PostgreSQL database; the Chicago beats (imported as the parent
 * plan) and 10k 2015 incidents; `POST /plans/{id}/alternatives` with `--count` alternatives
 * (default 20); prints the wall time from the request until every job ended, for 1 worker and
 * for 2 (two runs each, in the order 1, 2, 2, 1), and the ratio of the means (1-worker ÷ 2-worker). Needs BEATPLAN_TEST_DATABASE_URL
 * (`eval "$(bash .ci/postgres.sh)"`) and the real data. Wired into `pnpm bench alternatives`.
 * Options: `--count N`, `--resolution R` (H3, default 10 as the Chicago tests), `--order=1,2,2,1`
 * (the worker counts of the runs, in order; `--order=1,2` halves the time on a busy machine).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../../packages/api/src/auth.js';
import { PostgresStore } from '../../packages/api/src/store/postgres-store.js';
import { createTestDatabase, dropTestDatabase } from '../../packages/api/src/testing/harness.js';
import { spawnServer } from '../../packages/api/src/testing/spawn-server.js';
import { type SpawnedWorker, spawnWorker } from '../../packages/api/src/testing/spawn-worker.js';
import { hasRealdata, realdata } from '../support/realdata.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One run: a fresh database, `workers` worker processes, `count` alternatives; wall seconds. */
async function run(workers: number, count: number, resolution: number): Promise<{ seconds: number; succeeded: number; errors: string[] }> {
  const db = await createTestDatabase();
  const dirs: string[] = [];
  const mk = () => {
    const d = mkdtempSync(join(tmpdir(), 'beatplan-altbench-'));
    dirs.push(d);
    return d;
  };
  const store = await PostgresStore.open({ connectionString: db.url, dataDir: mk(), maxConnections: 2 });
  const token = (await createToken(store, 'admin', 'bench')).token;
  const server = await spawnServer({
    dataDir: mk(),
    env: {
      BEATPLAN_DATABASE_URL: db.url,
      BEATPLAN_JOB_CONCURRENCY: '0',
      BEATPLAN_LOG_LEVEL: 'info',
      BEATPLAN_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const procs: SpawnedWorker[] = [];
  try {
    for (let i = 0; i < workers; i++) procs.push(await spawnWorker(db.url, mk()));
    const api = async (method: string, path: string, body?: string | object, type = 'application/json') => {
      const r = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': type } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const answer = (await r.json()) as Record<string, any>;
      if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(answer)}`);
      return answer;
    };
    const wait = async (id: string) => {
      for (;;) {
        const j = await api('GET', `/jobs/${id}`);
        if (j.status !== 'queued' && j.status !== 'running') return j;
        await new Promise((ok) => setTimeout(ok, 500));
      }
    };
    const beats = readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8');
    const boundary = (await api('POST', '/datasets/boundary', beats, 'application/geo+json')).id as string;
    const incidents = (
      await api('POST', '/datasets/incidents', readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), 'utf8'), 'text/csv')
    ).id as string;
    const existing = (await api('POST', '/datasets/beats?idField=beat_num', beats, 'application/geo+json')).id as string;
    const parentJob = await wait((await api('POST', '/plans', { boundary, incidents, existing, method: 'import', resolution })).id);
    if (parentJob.status !== 'succeeded') throw new Error(`parent plan: ${JSON.stringify(parentJob.error)}`);
    const t0 = performance.now();
    const set = await api('POST', `/plans/${parentJob.result.planId}/alternatives`, { count, seed: 1 });
    const jobs = await Promise.all((set.members as Array<{ jobId: string }>).map((m) => wait(m.jobId)));
    const errors = [...new Set(jobs.filter((j) => j.status !== 'succeeded').map((j) => `${j.status} ${JSON.stringify(j.error)}`))];
    return { seconds: (performance.now() - t0) / 1000, succeeded: jobs.filter((j) => j.status === 'succeeded').length, errors };
  } finally {
    await Promise.all(procs.map((w) => w.stop()));
    await server.stop();
    await store.close();
    await dropTestDatabase(db.name);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Prints the 1-worker and 2-worker wall times of `--count` Chicago alternatives (two runs each, ABBA) and the ratio of their means. */
export async function runAlternativesBench(): Promise<void> {
  if (!process.env.BEATPLAN_TEST_DATABASE_URL || !hasRealdata()) {
    console.log('## alternatives: skipped (needs BEATPLAN_TEST_DATABASE_URL and the Chicago real data)');
    return;
  }
  const count = option('count', 20);
  const resolution = option('resolution', 10);
  console.log(
    `## alternatives: ${count} Chicago alternatives (274 beats, H3 res ${resolution}, 10k incidents), 1 API instance + N workers × 1 job; load average at start ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
  );
  // ABBA order (1, 2, 2, 1 workers), so that warm-up (tsx's transform cache, the page cache) and a
  // drifting machine load weigh on both sides alike
  const order = (process.argv.find((x) => x.startsWith('--order='))?.slice('--order='.length) ?? '1,2,2,1').split(',').map(Number);
  if (!order.includes(1) || !order.includes(2) || order.some((n) => n !== 1 && n !== 2))
    throw new Error(`--order=${order.join(',')}: runs of 1 and 2 workers, e.g. 1,2,2,1`);
  const times: Record<number, number[]> = { 1: [], 2: [] };
  for (const workers of order) {
    const r = await run(workers, count, resolution);
    times[workers]!.push(r.seconds);
    console.log(`${workers} worker${workers > 1 ? 's' : ' '}: ${r.seconds.toFixed(1)} s wall (${r.succeeded}/${count} succeeded)`);
    // a run whose jobs failed measures nothing: no ratio, a failing exit
    if (r.succeeded < count)
      throw new Error(`alternatives bench: ${count - r.succeeded} of ${count} alternatives did not succeed: ${r.errors.join('; ')}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `mean 1 worker ${mean(times[1]!).toFixed(1)} s, 2 workers ${mean(times[2]!).toFixed(1)} s; speed-up (mean 1-worker wall ÷ mean 2-worker wall): ${(mean(times[1]!) / mean(times[2]!)).toFixed(2)}×`,
  );
}
