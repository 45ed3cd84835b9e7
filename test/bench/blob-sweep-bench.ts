/**
 * The orphan-blob sweep (`Store.sweepOrphanBlobs`, run by `beatplan serve` at start-up) on a
 * store holding 5,000 finished jobs whose results each name a blob, a plan of 200 versions
 * (400 blobs) and 400 orphan blobs, all older than the grace period: prints the sweep's wall
 * time and what it deleted, and the longest event-loop block during it (the sweep runs beside
 * the server's requests), on SQLite and, with BEATPLAN_TEST_DATABASE_URL
 * (`eval "$(bash .ci/postgres.sh)"`), on PostgreSQL. Wired into `pnpm bench blobs`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PostgresStore } from '../../packages/api/src/store/postgres-store.js';
import { SqliteStore } from '../../packages/api/src/store/sqlite-store.js';
import type { Store } from '../../packages/api/src/store/store.js';
import { createTestDatabase, dropTestDatabase } from '../../packages/api/src/testing/harness.js';

const JOBS = 5000;
const VERSIONS = 200;
const ORPHANS = 400;
const HOUR = 3_600_000;

/** Fills `store` and makes every blob 2 hours old with `backdate`; returns the orphans' refs. */
async function fill(store: Store, backdate: (refs: string[]) => Promise<void>): Promise<string[]> {
  const now = new Date().toISOString();
  const all: string[] = [];
  const put = async (text: string) => {
    const ref = await store.putBlob(Buffer.from(text));
    all.push(ref);
    return ref;
  };
  for (let k = 0; k < JOBS; k++) {
    const cellsBlob = await put(`cells ${k}`);
    await store.insertJob({
      id: randomUUID(),
      kind: 'score',
      status: 'succeeded',
      progress: 1,
      stage: null,
      params: {},
      error: null,
      result: { cellsBlob, cells: `/api/v1/scores/${k}/cells.csv`, resolution: 9 },
      createdAt: now,
      startedAt: now,
      finishedAt: now,
      createdBy: null,
    });
  }
  const planId = randomUUID();
  await store.insertPlan({
    id: planId,
    name: 'bench',
    inputs: {},
    currentVersion: 0,
    latestVersion: 0,
    createdAt: now,
    updatedAt: now,
    createdBy: null,
  });
  for (let v = 1; v <= VERSIONS; v++) {
    const planBlobRef = await put(`plan ${v}`);
    const metricsBlobRef = await put(`metrics ${v}`);
    const version = {
      planId,
      version: v,
      parentVersion: v > 1 ? v - 1 : null,
      action: 'move',
      summary: {},
      createdAt: now,
      createdBy: null,
    };
    await store.appendPlanVersion({ ...version, planBlobRef, metricsBlobRef }, v - 1);
  }
  const orphans: string[] = [];
  for (let k = 0; k < ORPHANS; k++) orphans.push(await put(`orphan ${k}`));
  await backdate(all);
  return orphans;
}

/** Sweeps `store`; prints the figures. */
async function measure(label: string, store: Store, orphans: string[]): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const report = await store.sweepOrphanBlobs({ graceMs: HOUR });
  loop.disable();
  let left = 0;
  for (const ref of orphans)
    left += await store.getBlob(ref).then(
      () => 1,
      () => 0,
    );
  console.log(
    `  ${label.padEnd(10)} ${String(report.ms).padStart(6)} ms  referenced ${report.referenced}, examined ${report.examined}, deleted ${report.deleted} (${report.deletedBytes} B), orphans left ${left}; longest loop block ${(loop.max / 1e6).toFixed(0)} ms`,
  );
}

/** `pnpm bench blobs`. */
export async function runBlobSweepBench(): Promise<void> {
  console.log(
    `\n## blobs — orphan sweep: ${ORPHANS} orphans beside ${JOBS} jobs naming a blob each and ${VERSIONS} versions (${2 * VERSIONS} blobs)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'beatplan-sweepbench-'));
  const sqlite = new SqliteStore(dir);
  try {
    const orphans = await fill(sqlite, async (refs) => {
      const t = new Date(Date.now() - 2 * HOUR);
      for (const ref of refs) utimesSync(join(dir, 'blobs', ref), t, t);
    });
    await measure('sqlite', sqlite, orphans);
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (!process.env.BEATPLAN_TEST_DATABASE_URL) {
    console.log('  postgres   skipped (BEATPLAN_TEST_DATABASE_URL is not set)');
    return;
  }
  const db = await createTestDatabase();
  const pgDir = mkdtempSync(join(tmpdir(), 'beatplan-sweepbench-'));
  const pg = await PostgresStore.open({ connectionString: db.url, dataDir: pgDir, maxConnections: 4 });
  try {
    const orphans = await fill(pg, async () => {
      await pg.pool.query("UPDATE blobs SET created_at = now() - interval '2 hours'");
    });
    await measure('postgres', pg, orphans);
  } finally {
    await pg.close();
    await dropTestDatabase(db.name);
    rmSync(pgDir, { recursive: true, force: true });
  }
}
