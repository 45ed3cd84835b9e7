/**
 * Test support: an app on a fresh temp data folder with one token per role, and small
 * synthetic inputs (a square boundary, a few hundred incidents) generated with a seeded rng.
 * Not part of the build (excluded in tsconfig).
 *
 * The store comes from `BEATPLAN_TEST_STORE`: `sqlite` (default) or `postgres`. With
 * `postgres`, `BEATPLAN_TEST_DATABASE_URL` names a role that may create databases
 * (`.ci/postgres.sh` prints one); each harness gets a fresh database, dropped when the last
 * harness using it closes. Reopening a harness on the same folder reopens the same database.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@beatplan/engine';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { type BeatplanApp, createApp } from '../app.js';
import { createToken } from '../auth.js';
import type { ConfigInput } from '../config.js';
import { type LoadedPlan, loadPlanJson } from '../engine-service.js';
import { PostgresStore } from '../store/postgres-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { ROLES, type Role } from '../store/store.js';

/** Which store the harness uses (`BEATPLAN_TEST_STORE`). */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.BEATPLAN_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** A store a harness can run on. */
export type TestStore = SqliteStore | PostgresStore;

/** A running test app. */
export interface Harness {
  dir: string;
  store: TestStore;
  /** The Postgres URL of this harness's database (postgres only). */
  databaseUrl?: string;
  /** Runs a read-only SQL statement on the store's database (tests inspecting raw rows). */
  sql(text: string): Promise<Array<Record<string, unknown>>>;
  app: BeatplanApp;
  tokens: Record<Role, string>;
  /** supertest agent on the app. */
  http: ReturnType<typeof request>;
  /** `Authorization` header for a role. */
  auth(role: Role): { Authorization: string };
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /**
   * Postgres only: use the database of this harness (a second API instance on the same
   * database, with its own data folder). Ignored on SQLite.
   */
  sharedWith?: Harness;
}

/** A test database and the stores opened on it. */
interface TestDatabase {
  name: string;
  url: string;
  users: Array<{ store: PostgresStore; closed: boolean }>;
}
const databases = new Map<string, TestDatabase>();
const databaseOfDir = new Map<string, TestDatabase>();
const databaseOfHarness = new WeakMap<Harness, TestDatabase>();
let databaseCounter = 0;

function adminUrl(): string {
  const url = process.env.BEATPLAN_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'BEATPLAN_TEST_STORE=postgres needs BEATPLAN_TEST_DATABASE_URL (a role with CREATEDB; run `eval "$(.ci/postgres.sh)"`)',
    );
  return url;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates a uniquely named empty database (on `BEATPLAN_TEST_DATABASE_URL`'s server). The
 * caller drops it with {@link dropTestDatabase}; harnesses manage theirs.
 */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const name = `bp_test_${process.pid}_${++databaseCounter}_${Math.random().toString(36).slice(2, 8)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return { name, url: u.toString() };
}

async function harnessDatabase(): Promise<TestDatabase> {
  const db: TestDatabase = { ...(await createTestDatabase()), users: [] };
  databases.set(db.name, db);
  return db;
}

/** Drops a test database once no open store uses it. */
async function releaseTestDatabase(db: TestDatabase): Promise<void> {
  if (!databases.has(db.name) || db.users.some((u) => !u.closed && !u.store.isClosed)) return;
  databases.delete(db.name);
  for (const [dir, d] of databaseOfDir) if (d === db) databaseOfDir.delete(dir);
  await dropTestDatabase(db.name);
}

/** Drops a database made by {@link createTestDatabase}, closing its connections. */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!/^bp_test_\w+$/.test(name)) throw new Error(`not a test database: ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Builds an app on `dir` (a new temp folder by default). */
export async function startHarness(
  config: ConfigInput = {},
  dir = mkdtempSync(join(tmpdir(), 'beatplan-api-')),
  options: HarnessOptions = {},
): Promise<Harness> {
  let store: TestStore;
  let db: TestDatabase | undefined;
  if (TEST_STORE === 'postgres') {
    db = (options.sharedWith && databaseOfHarness.get(options.sharedWith)) ?? databaseOfDir.get(dir) ?? (await harnessDatabase());
    databaseOfDir.set(dir, db);
    store = await PostgresStore.open({ connectionString: db.url, dataDir: dir, maxConnections: 5 });
  } else {
    store = new SqliteStore(dir);
  }
  const pgUser = db && store instanceof PostgresStore ? { store, closed: false } : undefined;
  if (db && pgUser) db.users.push(pgUser);
  const app = await createApp({
    store,
    config: { rateLimitPerMinute: 100_000, ...config },
    logger: pino({ level: process.env.BEATPLAN_TEST_LOG ?? 'silent' }),
  });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) tokens[role] = (await createToken(store, role, `test ${role}`)).token;
  const h: Harness = {
    dir,
    store,
    ...(db ? { databaseUrl: db.url } : {}),
    sql: async (text) =>
      store instanceof PostgresStore
        ? (await store.pool.query(text)).rows
        : (store.db.prepare(text).all() as Array<Record<string, unknown>>),
    app,
    tokens,
    http: request(app.app),
    auth: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    close: async () => {
      await app.close();
      await store.close();
      if (db && pgUser) {
        pgUser.closed = true;
        await releaseTestDatabase(db);
      }
    },
  };
  if (db) databaseOfHarness.set(h, db);
  return h;
}

/**
 * How many blobs the harness's store holds: rows of `blobs` on Postgres, files of `blobs/` on
 * SQLite (tests of what deletes and retries leave behind).
 */
export async function blobCount(h: Harness): Promise<number> {
  if (h.store instanceof PostgresStore) return Number((await h.sql('SELECT count(*) AS n FROM blobs'))[0]!.n);
  return readdirSync(join(h.dir, 'blobs')).length;
}

/** Removes a harness folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The test city: a square of about 4 × 4.5 km in Chicago, [lng, lat]. */
export const BOX = { west: -87.7, south: 41.85, east: -87.65, north: 41.89 };

/** The boundary as a GeoJSON FeatureCollection. */
export function squareBoundary(box = BOX): object {
  const { west: w, south: s, east: e, north: n } = box;
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'test city' },
        geometry: {
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
        },
      },
    ],
  };
}

/** Two beats splitting the square west/east, with a `beat` property. */
export function twoBeats(box = BOX): object {
  const { west: w, south: s, east: e, north: n } = box;
  const m = (w + e) / 2;
  const poly = (a: number, b: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [a, s],
        [b, s],
        [b, n],
        [a, n],
        [a, s],
      ],
    ],
  });
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { beat: '0101' }, geometry: poly(w, m) },
      { type: 'Feature', properties: { beat: '0102' }, geometry: poly(m, e) },
    ],
  };
}

const TYPES = ['THEFT', 'BATTERY', 'ASSAULT', 'BURGLARY', 'NARCOTICS'];

/**
 * `count` incidents inside the box as CSV with the generic header `lat,lng,time,type`, times
 * spread over 2025, seeded.
 */
export function incidentsCsv(count = 300, seed = 7, box = BOX): string {
  const rng = createRng(seed);
  const lines = ['lat,lng,time,type'];
  for (let k = 0; k < count; k++) {
    const lat = box.south + rng.next() * (box.north - box.south);
    const lng = box.west + rng.next() * (box.east - box.west);
    const t = new Date(Date.UTC(2025, 0, 1) + Math.floor(rng.next() * 364 * 86400) * 1000).toISOString().slice(0, 19);
    lines.push(`${lat.toFixed(6)},${lng.toFixed(6)},${t},${TYPES[rng.int(TYPES.length)]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Polls a job until it leaves queued/running (or the time runs out). */
export async function waitForJob(h: Harness, id: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await h.http.get(`/api/v1/jobs/${id}`).set(h.auth('analyst'));
    if (r.body.status !== 'queued' && r.body.status !== 'running') return r.body;
    if (Date.now() > until) throw new Error(`job ${id} still ${r.body.status}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/**
 * Creates a plan as an analyst (`POST /plans`, a real job), waits for it and returns the plan
 * id; throws with the job's error when it did not succeed.
 */
export async function createPlan(h: Harness, body: Record<string, unknown>, timeoutMs = 60_000): Promise<string> {
  const r = await h.http.post('/api/v1/plans').set(h.auth('analyst')).send(body);
  if (r.status !== 202) throw new Error(`POST /plans: ${r.status} ${JSON.stringify(r.body)}`);
  const job = await waitForJob(h, r.body.id, timeoutMs);
  if (job.status !== 'succeeded') throw new Error(`plan job ${String(job.status)}: ${JSON.stringify(job.error)}`);
  return (job.result as { planId: string }).planId;
}

/** The current plan.json of a plan, loaded with the engine (grid, plan, scores). */
export async function loadedPlan(h: Harness, planId: string): Promise<LoadedPlan> {
  const r = await h.http.get(`/api/v1/plans/${planId}/export?format=plan`).set(h.auth('analyst'));
  return loadPlanJson(r.text);
}

/** Uploads the square boundary and incidents; returns their dataset ids. */
export async function uploadBasics(h: Harness, incidents = incidentsCsv()): Promise<{ boundary: string; incidents: string }> {
  const b = await h.http
    .post('/api/v1/datasets/boundary')
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(squareBoundary()));
  if (b.status !== 201) throw new Error(`boundary upload: ${b.status} ${JSON.stringify(b.body)}`);
  const i = await h.http.post('/api/v1/datasets/incidents').set(h.auth('analyst')).set('Content-Type', 'text/csv').send(incidents);
  if (i.status !== 201) throw new Error(`incidents upload: ${i.status} ${JSON.stringify(i.body)}`);
  return { boundary: b.body.id, incidents: i.body.id };
}

/**
 * Serves a harness's app on a free 127.0.0.1 port (for clients that need a real socket, e.g.
 * SSE readers); `close()` drops open connections and stops it.
 */
export async function listenOnLoopback(h: Harness): Promise<{ base: string; close(): Promise<void> }> {
  const server = h.app.app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/**
 * A cells answer (`{ columns, rows }`) as columns: `{ h3: [...], beat: [...], workload: [...], … }`,
 * for tests that compare whole columns.
 */
export function asColumns(body: { columns: string[]; rows: unknown[][] }): Record<string, any[]> {
  const out: Record<string, unknown[]> = {};
  body.columns.forEach((c, k) => (out[c] = body.rows.map((r) => r[k])));
  return out as Record<string, any[]>;
}
