import { promises as fsp, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteStore } from './sqlite-store.js';
import type { PlanVersionRecord } from './store.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'beatplan-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const now = '2026-01-01T00:00:00.000Z';
const version = (planId: string, v: number, parent: number | null, ref: string): PlanVersionRecord => ({
  planId,
  version: v,
  parentVersion: parent,
  action: 'move',
  summary: {},
  planBlobRef: ref,
  metricsBlobRef: null,
  createdAt: now,
  createdBy: null,
});

describe('SqliteStore', () => {
  it('uses WAL and records each migration once across reopenings', async () => {
    const dir = fresh();
    const a = new SqliteStore(dir);
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await a.close();
    const b = new SqliteStore(dir);
    const rows = b.db.prepare('SELECT id, name FROM migrations ORDER BY id').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    await b.close();
  });

  it('blobs round-trip under server-chosen names; other refs are refused', async () => {
    const s = new SqliteStore(fresh());
    const ref = await s.putBlob(Buffer.from('hello'));
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);
    expect((await s.getBlob(ref)).toString()).toBe('hello');
    await expect(s.getBlob('../beatplan.sqlite')).rejects.toThrow(/invalid blob ref/);
    expect(() => s.blobPath('/etc/passwd')).toThrow();
    await s.close();
  });

  it('plan versions are compare-and-set: a stale writer loses, nothing is overwritten', async () => {
    const s = new SqliteStore(fresh());
    await s.insertPlan({
      id: 'p',
      name: 'p',
      inputs: {},
      currentVersion: 0,
      latestVersion: 0,
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    const r1 = await s.putBlob(Buffer.from('1'));
    expect(await s.appendPlanVersion(version('p', 1, null, r1), 0)).toBe(true);
    expect(await s.appendPlanVersion(version('p', 2, 1, r1), 1)).toBe(true);
    // a second writer that also read version 1
    expect(await s.appendPlanVersion(version('p', 2, 1, r1), 1)).toBe(false);
    expect(await s.appendPlanVersion(version('p', 3, 1, r1), 1)).toBe(false);
    expect(await s.getPlan('p')).toMatchObject({ currentVersion: 2, latestVersion: 2 });
    // undo to 1, then an edit from 1 becomes version 3 (branch), version 2 is kept
    expect(await s.setCurrentVersion('p', 1, 2)).toBe(true);
    expect(await s.setCurrentVersion('p', 2, 2)).toBe(false);
    expect(await s.appendPlanVersion(version('p', 3, 1, r1), 1)).toBe(true);
    expect((await s.listPlanVersions('p')).map((v) => [v.version, v.parentVersion])).toEqual([
      [1, null],
      [2, 1],
      [3, 1],
    ]);
    expect(await s.setCurrentVersion('p', 9, 3)).toBe(false);
    await s.close();
  });

  it('failInterruptedJobs fails queued and running jobs only', async () => {
    const s = new SqliteStore(fresh());
    const base = {
      kind: 'plan' as const,
      progress: 0,
      stage: null,
      params: {},
      error: null,
      result: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      createdBy: null,
    };
    await s.insertJob({ ...base, id: 'a', status: 'running' });
    await s.insertJob({ ...base, id: 'b', status: 'queued' });
    await s.insertJob({ ...base, id: 'c', status: 'cancelled' });
    expect(await s.failInterruptedJobs(now)).toBe(2);
    expect(await s.getJob('a')).toMatchObject({ status: 'failed', error: { code: 'INTERRUPTED' }, finishedAt: now });
    expect((await s.getJob('c'))!.status).toBe('cancelled');
    await s.close();
  });

  it('blobs are fsynced (file, then its folder) before putBlob/adoptStagedBlob resolve; commits use synchronous = FULL', async () => {
    const dir = fresh();
    const s = new SqliteStore(dir);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    // FileHandle's prototype, from a handle of our own
    const probe = await fsp.open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    // count the real syncs (they still run)
    let calls = 0;
    const real = proto.sync;
    proto.sync = async function (this: unknown) {
      calls++;
      return real.call(this);
    };
    try {
      const ref = await s.putBlob(Buffer.from('{"plan":1}'));
      expect(calls).toBe(2); // the file and the blobs folder
      expect((await s.getBlob(ref)).toString()).toBe('{"plan":1}');
      const staged = s.stagingPath();
      writeFileSync(staged.path, 'a,b\n1,2\n');
      calls = 0;
      const adopted = await s.adoptStagedBlob(staged.name);
      expect(calls).toBe(2);
      expect((await s.getBlob(adopted)).toString()).toBe('a,b\n1,2\n');
    } finally {
      proto.sync = real;
      await s.close();
    }
  });
});
