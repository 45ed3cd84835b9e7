/**
 * Crash safety (issue 8, item 3): the real server as a child process, SIGKILLed in the middle
 * of edits and a plan job, then restarted on the same data folder. Every acknowledged edit is
 * still there (versions and content), the SQLite file passes `PRAGMA integrity_check`, and
 * the interrupted job is `failed`, not `running`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken, SqliteStore } from '@beatplan/api';
import { type BeatplanError, createPlanState, moveCells } from '@beatplan/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { type LoadedPlan, loadPlanJson } from '../../packages/api/src/engine-service.js';
import { incidentsCsv, squareBoundary } from '../../packages/api/src/testing/harness.js';
import { type SpawnedServer, spawnServer } from '../../packages/api/src/testing/spawn-server.js';

const ROOT = join(import.meta.dirname, '../..');
// better-sqlite3 is a dependency of @beatplan/api only: load it from there
const Database = createRequire(join(ROOT, 'packages/api/package.json'))('better-sqlite3') as typeof import('better-sqlite3');
const dir = mkdtempSync(join(tmpdir(), 'beatplan-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `packages/api/src/server.ts` on a free port over `dir`. */
async function startServer(): Promise<SpawnedServer> {
  const server = await spawnServer({ dataDir: dir });
  children.push(server.child);
  return server;
}

let url = '';
let token = '';
const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const isText = typeof body === 'string';
  const r = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined && !isText ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, etag: r.headers.get('etag'), json, text };
};

async function waitJob(id: string, until: (s: string) => boolean, timeoutMs = 60_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const j = await api('GET', `/jobs/${id}`);
    if (until(j.json.status)) return j.json;
    if (Date.now() > end) throw new Error(`job ${id} still ${j.json.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Single-cell moves the engine accepts one after the other (each on the previous result). */
function sequentialMoves(p: LoadedPlan, count: number): Array<{ cell: string; toBeat: string }> {
  const state = createPlanState(p.grid, p.plan, p.scores);
  const { adjOffsets, adjTargets } = p.grid;
  const out: Array<{ cell: string; toBeat: string }> = [];
  const touched = new Set<number>();
  for (let i = 0; i < p.grid.cellCount && out.length < count; i += 3) {
    if (touched.has(i)) continue;
    const b = state.plan.beatOfCell[i]!;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      const c = state.plan.beatOfCell[adjTargets[e]!]!;
      if (c === b || c < 0) continue;
      try {
        moveCells(p.grid, state, [i], c);
        out.push({ cell: p.grid.h3[i]!, toBeat: p.plan.beatIds[c]! });
        touched.add(i);
        break;
      } catch (err) {
        if ((err as BeatplanError).code !== 'MOVE_REJECTED') throw err;
      }
    }
  }
  return out;
}

describe('crash safety: SIGKILL during edits and a job, then restart', () => {
  it('keeps every acknowledged edit, an intact database, and marks the interrupted job failed', async () => {
    {
      const store = new SqliteStore(dir);
      token = (await createToken(store, 'admin', 'crash test')).token;
      await store.close();
    }
    let server = await startServer();
    url = server.url;

    const b = await api('POST', '/datasets/boundary', JSON.stringify(squareBoundary()), { 'Content-Type': 'application/geo+json' });
    expect(b.status, b.text).toBe(201);
    const inc = await api('POST', '/datasets/incidents', incidentsCsv(400, 3), { 'Content-Type': 'text/csv' });
    expect(inc.status, inc.text).toBe(201);
    const created = await api('POST', '/plans', {
      boundary: b.json.id,
      incidents: inc.json.id,
      beats: 4,
      resolution: 9,
      seed: 5,
      name: 'crash',
    });
    expect(created.status, created.text).toBe(202);
    const done = await waitJob(created.json.id, (s) => s !== 'queued' && s !== 'running');
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const planId = done.result.planId as string;

    // acknowledged edits: moves and lock/unlock, each with If-Match of the previous version
    const plan = loadPlanJson((await api('GET', `/plans/${planId}/export?format=plan`)).text);
    const moves = sequentialMoves(plan, 5);
    expect(moves.length).toBeGreaterThanOrEqual(3);
    const acked: Array<{ version: number; action: string; check: { cell?: string; beat?: string; locked?: string } }> = [];
    let etag = (await api('GET', `/plans/${planId}`)).etag!;
    for (const [k, m] of moves.entries()) {
      const r = await api('POST', `/plans/${planId}/moves`, { cells: [m.cell], toBeat: m.toBeat }, { 'If-Match': etag });
      expect(r.status, r.text).toBe(200);
      acked.push({ version: r.json.version, action: 'move', check: { cell: m.cell, beat: m.toBeat } });
      etag = r.etag!;
      if (k % 2 === 0) {
        const l = await api('POST', `/plans/${planId}/locks`, { beats: [m.toBeat] }, { 'If-Match': etag });
        expect(l.status, l.text).toBe(200);
        acked.push({ version: l.json.version, action: 'lock', check: { locked: m.toBeat } });
        etag = l.etag!;
        const u = await api('POST', `/plans/${planId}/unlocks`, { beats: [m.toBeat] }, { 'If-Match': etag });
        expect(u.status, u.text).toBe(200);
        acked.push({ version: u.json.version, action: 'unlock', check: {} });
        etag = u.etag!;
      }
    }
    const lastAcked = acked.at(-1)!.version;

    // a plan job and more edits in flight, then SIGKILL
    const job = await api('POST', '/plans', {
      boundary: b.json.id,
      incidents: inc.json.id,
      beats: 12,
      resolution: 10,
      seed: 9,
      name: 'interrupted',
    });
    expect(job.status, job.text).toBe(202);
    await waitJob(job.json.id, (s) => s === 'running' || s !== 'queued', 30_000).catch(() => undefined);
    const inFlight = [0, 1, 2].map(() =>
      api('POST', `/plans/${planId}/locks`, { beats: [moves[0]!.toBeat] }, { 'If-Match': etag }).catch(() => undefined),
    );
    await new Promise((r) => setTimeout(r, 5));
    const jobStateAtKill = (await api('GET', `/jobs/${job.json.id}`).catch(() => undefined))?.json?.status;
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    await Promise.all(inFlight);

    // the database file is intact (checked before and after the restart)
    const db = new Database(join(dir, 'beatplan.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();

    server = await startServer();
    url = server.url;
    // every acknowledged edit is there: the versions, their actions, and their content
    const p = await api('GET', `/plans/${planId}`);
    expect(p.status).toBe(200);
    expect(p.json.latestVersion).toBeGreaterThanOrEqual(lastAcked);
    expect(p.json.version).toBeGreaterThanOrEqual(lastAcked);
    const versions = await api('GET', `/plans/${planId}/versions`);
    const list = (versions.json.items ?? versions.json) as Array<{ version: number; action: string }>;
    for (const a of acked) expect(list.find((v) => v.version === a.version)?.action, `version ${a.version}`).toBe(a.action);
    for (const a of acked) {
      const cells = await api('GET', `/plans/${planId}/cells?version=${a.version}`);
      expect(cells.status, cells.text).toBe(200);
      if (a.check.cell) expect(cells.json.rows.find((x: string[]) => x[0] === a.check.cell)[1]).toBe(a.check.beat);
      const metrics = await api('GET', `/plans/${planId}/metrics?version=${a.version}`);
      expect(metrics.status).toBe(200);
      if (a.check.locked) expect(metrics.json.perBeat.find((x: { id: string }) => x.id === a.check.locked).locked).toBe(true);
    }
    // the final acknowledged move is in the current version too
    const cur = await api('GET', `/plans/${planId}/cells`);
    for (const m of moves) expect(cur.json.rows.find((x: string[]) => x[0] === m.cell)[1]).toBe(m.toBeat);
    // the interrupted job is failed, not running or queued (unless it had finished before the kill)
    const j = await api('GET', `/jobs/${job.json.id}`);
    if (jobStateAtKill === 'succeeded') expect(j.json.status).toBe('succeeded');
    else {
      expect(j.json.status).toBe('failed');
      expect(j.json.error).toBeTruthy();
    }
    const all = await api('GET', '/jobs');
    expect(all.json.items.filter((x: { status: string }) => x.status === 'running' || x.status === 'queued')).toEqual([]);
    // and the server works: a new edit on the current version succeeds
    const again = await api('POST', `/plans/${planId}/locks`, { beats: [moves[0]!.toBeat] }, { 'If-Match': p.etag! });
    expect(again.status, again.text).toBe(200);
    console.log(
      `crash: ${acked.length} acknowledged edits survived SIGKILL; job was ${jobStateAtKill} at kill → ${j.json.status}; integrity_check ok`,
    );
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    const db2 = new Database(join(dir, 'beatplan.sqlite'), { readonly: true });
    expect(db2.pragma('integrity_check', { simple: true })).toBe('ok');
    db2.close();
  }, 120_000);
});
