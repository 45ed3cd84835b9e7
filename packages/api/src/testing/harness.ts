/**
 * Test support: an app on a fresh temp data folder with one token per role, and small
 * synthetic inputs (a square boundary, a few hundred incidents) generated with a seeded rng.
 * Not part of the build (excluded in tsconfig).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@beatplan/engine';
import { pino } from 'pino';
import request from 'supertest';
import { createApp, type BeatplanApp } from '../app.js';
import { createToken } from '../auth.js';
import type { ConfigInput } from '../config.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { ROLES, type Role } from '../store/store.js';

/** A running test app. */
export interface Harness {
  dir: string;
  store: SqliteStore;
  app: BeatplanApp;
  tokens: Record<Role, string>;
  /** supertest agent on the app. */
  http: ReturnType<typeof request>;
  /** `Authorization` header for a role. */
  auth(role: Role): { Authorization: string };
  close(): Promise<void>;
}

/** Builds an app on `dir` (a new temp folder by default). */
export async function startHarness(config: ConfigInput = {}, dir = mkdtempSync(join(tmpdir(), 'beatplan-api-'))): Promise<Harness> {
  const store = new SqliteStore(dir);
  const app = await createApp({ store, config: { rateLimitPerMinute: 100_000, ...config }, logger: pino({ level: process.env.BEATPLAN_TEST_LOG ?? 'silent' }) });
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) tokens[role] = (await createToken(store, role, `test ${role}`)).token;
  return {
    dir,
    store,
    app,
    tokens,
    http: request(app.app),
    auth: (role) => ({ Authorization: `Bearer ${tokens[role]}` }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
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
    features: [{ type: 'Feature', properties: { name: 'test city' }, geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } }],
  };
}

/** Two beats splitting the square west/east, with a `beat` property. */
export function twoBeats(box = BOX): object {
  const { west: w, south: s, east: e, north: n } = box;
  const m = (w + e) / 2;
  const poly = (a: number, b: number) => ({ type: 'Polygon', coordinates: [[[a, s], [b, s], [b, n], [a, n], [a, s]]] });
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
    const r = await h.http.get(`/api/v1/jobs/${id}`).set(h.auth('viewer'));
    if (r.body.status !== 'queued' && r.body.status !== 'running') return r.body;
    if (Date.now() > until) throw new Error(`job ${id} still ${r.body.status}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Uploads the square boundary and incidents; returns their dataset ids. */
export async function uploadBasics(h: Harness, incidents = incidentsCsv()): Promise<{ boundary: string; incidents: string }> {
  const b = await h.http.post('/api/v1/datasets/boundary').set(h.auth('analyst')).set('Content-Type', 'application/geo+json').send(JSON.stringify(squareBoundary()));
  if (b.status !== 201) throw new Error(`boundary upload: ${b.status} ${JSON.stringify(b.body)}`);
  const i = await h.http.post('/api/v1/datasets/incidents').set(h.auth('analyst')).set('Content-Type', 'text/csv').send(incidents);
  if (i.status !== 201) throw new Error(`incidents upload: ${i.status} ${JSON.stringify(i.body)}`);
  return { boundary: b.body.id, incidents: i.body.id };
}
