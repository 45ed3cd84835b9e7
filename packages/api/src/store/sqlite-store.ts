/**
 * {@link SqliteStore}: the default {@link Store}, one SQLite file (better-sqlite3, WAL) under
 * the data folder plus a `blobs/` folder for content under server-chosen names.
 */
import { randomUUID } from 'node:crypto';
import { promises as fsp, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type BlobSweepOptions, type BlobSweepReport, sweepBlobs } from './blob-sweep.js';
import { parse, type Row, toAlternativeSet, toDataset, toJob, toPlan, toStaffing, toToken, toVersion } from './rows.js';
import {
  type AlternativeSetRecord,
  type DatasetKind,
  type DatasetRecord,
  deletePlanProcedure,
  type JobPatch,
  type JobRecord,
  type JobStatus,
  type PlanDeleteResult,
  type PlanRecord,
  type PlanSettings,
  type PlanVersionRecord,
  referencedBlobsStatement,
  renamePlanProcedure,
  type SqlStatement,
  type StaffingRecord,
  type Store,
  type StoreProcedure,
  type TokenRecord,
  updateJobStatement,
} from './store.js';

/**
 * Numbered migrations, applied in order once each; the `migrations` table records them.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
      CREATE TABLE datasets (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, format TEXT NOT NULL,
        bytes INTEGER NOT NULL, sha256 TEXT NOT NULL, blob_ref TEXT NOT NULL, info TEXT NOT NULL,
        created_at TEXT NOT NULL, created_by TEXT);
      CREATE INDEX datasets_kind ON datasets(kind, created_at);
      CREATE TABLE plans (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, inputs TEXT NOT NULL,
        current_version INTEGER NOT NULL, latest_version INTEGER NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_by TEXT);
      CREATE TABLE plan_versions (
        plan_id TEXT NOT NULL REFERENCES plans(id), version INTEGER NOT NULL,
        parent_version INTEGER, action TEXT NOT NULL, summary TEXT NOT NULL,
        plan_blob_ref TEXT NOT NULL, metrics_blob_ref TEXT,
        created_at TEXT NOT NULL, created_by TEXT, PRIMARY KEY (plan_id, version));
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, progress REAL NOT NULL,
        stage TEXT, params TEXT NOT NULL, error TEXT, result TEXT,
        created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, created_by TEXT);
      CREATE INDEX jobs_status ON jobs(status);
      CREATE TABLE staffing (
        id TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), plan_version INTEGER NOT NULL,
        roster_dataset_id TEXT NOT NULL, blob_ref TEXT NOT NULL,
        created_at TEXT NOT NULL, created_by TEXT);
      CREATE TABLE tokens (
        id TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, revoked_at TEXT);
    `,
  },
  {
    id: 2,
    name: 'plan settings',
    sql: `
      CREATE TABLE plan_settings (
        plan_id TEXT PRIMARY KEY REFERENCES plans(id), settings TEXT NOT NULL, updated_at TEXT NOT NULL);
    `,
  },
  {
    id: 3,
    name: 'alternative sets',
    sql: `
      CREATE TABLE alternative_sets (
        id TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), parent_version INTEGER NOT NULL,
        members TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT);
      CREATE INDEX alternative_sets_plan ON alternative_sets (plan_id, created_at);
    `,
  },
  {
    id: 4,
    name: 'blob ref indexes',
    sql: `
      CREATE INDEX plan_versions_plan_blob ON plan_versions (plan_blob_ref);
      CREATE INDEX plan_versions_metrics_blob ON plan_versions (metrics_blob_ref);
      CREATE INDEX staffing_blob ON staffing (blob_ref);
      CREATE INDEX datasets_blob ON datasets (blob_ref);
    `,
  },
];

const json = (v: unknown): string => JSON.stringify(v ?? null);
const BLOB_REF = /^[0-9a-f-]{36}$/;

/** fsyncs a folder, so a rename into it survives a crash. */
async function syncDir(dir: string): Promise<void> {
  const d = await fsp.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Sets a file's times to now; false when there is no such file. */
async function touch(path: string): Promise<boolean> {
  const now = new Date();
  return fsp.utimes(path, now, now).then(
    () => true,
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    },
  );
}

/**
 * SQLite implementation of {@link Store}. Opens (or creates) `<dataDir>/beatplan.sqlite`
 * in WAL mode and applies pending {@link MIGRATIONS}.
 *
 * @param dataDir Folder the store owns: the database file, `blobs/` and `staging/`.
 * @example const store = new SqliteStore('/var/lib/beatplan'); await store.close();
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly blobDir: string;
  private readonly stagingDir: string;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.blobDir = join(dataDir, 'blobs');
    this.stagingDir = join(dataDir, 'staging');
    mkdirSync(this.blobDir, { recursive: true });
    mkdirSync(this.stagingDir, { recursive: true });
    this.db = new Database(join(dataDir, 'beatplan.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // a committed transaction is on disk (WAL + FULL syncs the log at every commit)
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** Applies the migrations not yet recorded, each in its own transaction. */
  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((this.stmt('SELECT id FROM migrations').all() as Row[]).map((r) => Number(r.id)));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.stmt('INSERT INTO migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, new Date().toISOString());
      })();
    }
  }

  /** A prepared statement, compiled once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** Runs a {@link StoreProcedure} in one transaction; a statement that returns no rows answers an empty list. */
  private run<T>(procedure: StoreProcedure<T>): T {
    return this.db.transaction(() => {
      let step = procedure.next();
      while (!step.done) {
        const { st, params } = this.prepared(step.value);
        let rows: Row[] = [];
        if (st.reader) rows = st.all(...params) as Row[];
        else st.run(...params);
        step = procedure.next(rows);
      }
      return step.value;
    })();
  }

  /** A {@link SqlStatement} prepared: its `$n` placeholders become `?`, with the parameters in that order. */
  private prepared({ sql, params }: SqlStatement): { st: Database.Statement; params: unknown[] } {
    const ordered: unknown[] = [];
    const st = this.stmt(
      sql.replace(/\$(\d+)/g, (_, n: string) => {
        ordered.push(params[Number(n) - 1]);
        return '?';
      }),
    );
    return { st, params: ordered };
  }

  private refPath(ref: string): string {
    if (!BLOB_REF.test(ref)) throw new Error(`invalid blob ref ${JSON.stringify(ref)}`);
    return join(this.blobDir, ref);
  }

  /**
   * Stores bytes durably: written to the staging folder, fsynced, renamed into place and the
   * folder fsynced — so the row that later names the blob (a plan version, committed with
   * `synchronous = FULL`) never outlives its file after a crash or power loss.
   */
  async putBlob(data: Uint8Array, named?: string): Promise<string> {
    const ref = named ?? randomUUID();
    const path = this.refPath(ref);
    // a blob of this ref is kept, and claimed again: its time (mtime) becomes now, so the orphan
    // sweep's re-check skips it; when the sweep deleted it first, it is written again below
    if (named !== undefined && (await touch(path))) return ref;
    const tmp = join(this.stagingDir, randomUUID());
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (named === undefined) await fsp.rename(tmp, path);
    else {
      // a blob of this ref written meanwhile stays as it is (link never replaces a file)
      await fsp.link(tmp, path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      await fsp.rm(tmp, { force: true });
    }
    await syncDir(this.blobDir);
    return ref;
  }

  stagingPath(): { name: string; path: string } {
    const name = randomUUID();
    return { name, path: join(this.stagingDir, name) };
  }

  async adoptStagedBlob(stagingName: string): Promise<string> {
    if (!BLOB_REF.test(stagingName)) throw new Error('invalid staging name');
    const ref = randomUUID();
    const staged = join(this.stagingDir, stagingName);
    const fh = await fsp.open(staged, 'r+');
    try {
      // its time is the adoption's, not the end of the upload's (the file was inspected since):
      // the orphan sweep's grace period runs from now
      const now = new Date();
      await fh.utimes(now, now);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(staged, this.refPath(ref));
    await syncDir(dirname(this.refPath(ref)));
    return ref;
  }

  async discardStaged(stagingName: string): Promise<void> {
    if (!BLOB_REF.test(stagingName)) return;
    await fsp.rm(join(this.stagingDir, stagingName), { force: true }).catch(() => undefined);
  }

  async deleteBlob(ref: string): Promise<void> {
    await fsp.rm(this.refPath(ref), { force: true });
  }

  async getBlob(ref: string): Promise<Buffer> {
    return fsp.readFile(this.refPath(ref));
  }

  /**
   * {@link Store.sweepOrphanBlobs} on the `blobs/` folder: a blob's time is its file's mtime. Each
   * batch is deleted in one synchronous step (re-check of the mtime, unlink), so no write of this
   * process runs between the re-check and the delete.
   */
  async sweepOrphanBlobs(options?: BlobSweepOptions): Promise<BlobSweepReport> {
    const dir = this.blobDir;
    const statement = referencedBlobsStatement('sqlite');
    return sweepBlobs(
      {
        mark: async () => new Set((this.stmt(statement.sql).all() as Row[]).map((r) => String(r.ref))),
        async *candidates(graceMs, batchSize) {
          const names = (await fsp.readdir(dir)).filter((n) => BLOB_REF.test(n));
          for (let k = 0; k < names.length; k += batchSize) {
            const cutoff = Date.now() - graceMs;
            const batch = names.slice(k, k + batchSize);
            const times = await Promise.all(
              batch.map((n) =>
                fsp.stat(join(dir, n)).then(
                  (st) => st.mtimeMs,
                  () => Infinity,
                ),
              ),
            );
            const old = batch.filter((_, j) => times[j]! < cutoff);
            if (old.length) yield old;
          }
        },
        remove: async (refs, graceMs) => {
          const cutoff = Date.now() - graceMs;
          let deleted = 0;
          let bytes = 0;
          for (const ref of refs) {
            const path = this.refPath(ref);
            const st = statSync(path, { throwIfNoEntry: false });
            if (!st || st.mtimeMs >= cutoff) continue;
            unlinkSync(path);
            deleted++;
            bytes += st.size;
          }
          return { deleted, bytes };
        },
      },
      options,
    );
  }

  blobPath(ref: string): string {
    return this.refPath(ref);
  }

  // ---- datasets
  async insertDataset(d: DatasetRecord): Promise<void> {
    this.stmt(
      'INSERT INTO datasets (id, kind, name, format, bytes, sha256, blob_ref, info, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)',
    ).run(d.id, d.kind, d.name, d.format, d.bytes, d.sha256, d.blobRef, json(d.info), d.createdAt, d.createdBy);
  }

  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    const r = this.stmt('SELECT * FROM datasets WHERE id = ?').get(id) as Row | undefined;
    return r && toDataset(r);
  }

  async listDatasets(kind?: DatasetKind): Promise<DatasetRecord[]> {
    const rows = (
      kind
        ? this.stmt('SELECT * FROM datasets WHERE kind = ? ORDER BY created_at, id').all(kind)
        : this.stmt('SELECT * FROM datasets ORDER BY created_at, id').all()
    ) as Row[];
    return rows.map(toDataset);
  }

  // ---- plans
  async insertPlan(p: PlanRecord): Promise<void> {
    this.stmt(
      'INSERT INTO plans (id, name, inputs, current_version, latest_version, created_at, updated_at, created_by) VALUES (?,?,?,?,?,?,?,?)',
    ).run(p.id, p.name, json(p.inputs), p.currentVersion, p.latestVersion, p.createdAt, p.updatedAt, p.createdBy);
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const r = this.stmt('SELECT * FROM plans WHERE id = ?').get(id) as Row | undefined;
    return r && toPlan(r);
  }

  async listPlans(): Promise<PlanRecord[]> {
    return (this.stmt('SELECT * FROM plans ORDER BY created_at, id').all() as Row[]).map(toPlan);
  }

  async appendPlanVersion(v: PlanVersionRecord, expectedCurrent: number): Promise<boolean> {
    return this.db.transaction(() => {
      const p = this.stmt('SELECT current_version, latest_version FROM plans WHERE id = ?').get(v.planId) as Row | undefined;
      if (!p || Number(p.current_version) !== expectedCurrent || v.version !== Number(p.latest_version) + 1) return false;
      this.stmt(
        'INSERT INTO plan_versions (plan_id, version, parent_version, action, summary, plan_blob_ref, metrics_blob_ref, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)',
      ).run(v.planId, v.version, v.parentVersion, v.action, json(v.summary), v.planBlobRef, v.metricsBlobRef, v.createdAt, v.createdBy);
      this.stmt('UPDATE plans SET current_version = ?, latest_version = ?, updated_at = ? WHERE id = ?').run(
        v.version,
        v.version,
        v.createdAt,
        v.planId,
      );
      return true;
    })();
  }

  async setCurrentVersion(planId: string, version: number, expectedCurrent: number): Promise<boolean> {
    const r = this.stmt(
      'UPDATE plans SET current_version = ?, updated_at = ? WHERE id = ? AND current_version = ? AND EXISTS (SELECT 1 FROM plan_versions WHERE plan_id = ? AND version = ?)',
    ).run(version, new Date().toISOString(), planId, expectedCurrent, planId, version);
    return r.changes === 1;
  }

  async getPlanVersion(planId: string, version: number): Promise<PlanVersionRecord | undefined> {
    const r = this.stmt('SELECT * FROM plan_versions WHERE plan_id = ? AND version = ?').get(planId, version) as Row | undefined;
    return r && toVersion(r);
  }

  async listPlanVersions(planId: string): Promise<PlanVersionRecord[]> {
    return (this.stmt('SELECT * FROM plan_versions WHERE plan_id = ? ORDER BY version').all(planId) as Row[]).map(toVersion);
  }

  async renamePlan(
    planId: string,
    name: string,
    expectedCurrent: number,
    now: string,
    by: string | null,
  ): Promise<PlanVersionRecord | undefined> {
    return this.run(renamePlanProcedure('sqlite', planId, name, expectedCurrent, now, by));
  }

  /** Deletes the plan as {@link deletePlanProcedure} rules, then the files of the blobs it left unreferenced. */
  async deletePlan(planId: string): Promise<PlanDeleteResult> {
    const { result, orphanBlobs } = this.run(deletePlanProcedure('sqlite', planId));
    for (const ref of orphanBlobs) await this.deleteBlob(ref);
    return result;
  }

  async getPlanSettings(planId: string): Promise<PlanSettings | undefined> {
    const r = this.stmt('SELECT settings FROM plan_settings WHERE plan_id = ?').get(planId) as Row | undefined;
    return r && parse<PlanSettings>(r.settings);
  }

  async putPlanSettings(planId: string, settings: PlanSettings, now: string): Promise<void> {
    this.stmt(
      'INSERT INTO plan_settings (plan_id, settings, updated_at) VALUES (?,?,?) ON CONFLICT(plan_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at',
    ).run(planId, json(settings), now);
  }

  // ---- alternative sets
  async insertAlternativeSet(a: AlternativeSetRecord): Promise<void> {
    this.stmt('INSERT INTO alternative_sets (id, plan_id, parent_version, members, created_at, created_by) VALUES (?,?,?,?,?,?)').run(
      a.id,
      a.planId,
      a.parentVersion,
      json(a.members),
      a.createdAt,
      a.createdBy,
    );
  }

  async getAlternativeSet(id: string): Promise<AlternativeSetRecord | undefined> {
    const r = this.stmt('SELECT * FROM alternative_sets WHERE id = ?').get(id) as Row | undefined;
    return r && toAlternativeSet(r);
  }

  async listAlternativeSets(planId: string): Promise<AlternativeSetRecord[]> {
    return (this.stmt('SELECT * FROM alternative_sets WHERE plan_id = ? ORDER BY created_at, id').all(planId) as Row[]).map(
      toAlternativeSet,
    );
  }

  // ---- jobs
  async insertJob(j: JobRecord): Promise<void> {
    this.stmt(
      'INSERT INTO jobs (id, kind, status, progress, stage, params, error, result, created_at, started_at, finished_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
    ).run(
      j.id,
      j.kind,
      j.status,
      j.progress,
      j.stage,
      json(j.params),
      j.error ? json(j.error) : null,
      j.result ? json(j.result) : null,
      j.createdAt,
      j.startedAt,
      j.finishedAt,
      j.createdBy,
    );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const r = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r && toJob(r);
  }

  async listJobs(limit = 100): Promise<JobRecord[]> {
    return (this.stmt('SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT ?').all(limit) as Row[]).map(toJob);
  }

  async updateJob(id: string, patch: JobPatch, whenStatus?: readonly JobStatus[]): Promise<boolean> {
    const update = updateJobStatement(id, patch, whenStatus);
    if (!update) return false;
    const { st, params } = this.prepared(update);
    return st.run(...params).changes === 1;
  }

  async failInterruptedJobs(now: string): Promise<number> {
    const error = json({ code: 'INTERRUPTED', detail: 'the server stopped while this job was running; submit it again' });
    return this.stmt("UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE status IN ('queued', 'running')").run(error, now)
      .changes;
  }

  // ---- staffing
  async insertStaffing(s: StaffingRecord): Promise<void> {
    this.stmt(
      'INSERT INTO staffing (id, plan_id, plan_version, roster_dataset_id, blob_ref, created_at, created_by) VALUES (?,?,?,?,?,?,?)',
    ).run(s.id, s.planId, s.planVersion, s.rosterDatasetId, s.blobRef, s.createdAt, s.createdBy);
  }

  async getStaffing(id: string): Promise<StaffingRecord | undefined> {
    const r = this.stmt('SELECT * FROM staffing WHERE id = ?').get(id) as Row | undefined;
    return r && toStaffing(r);
  }

  async listStaffing(planId: string): Promise<StaffingRecord[]> {
    return (this.stmt('SELECT * FROM staffing WHERE plan_id = ? ORDER BY created_at, id').all(planId) as Row[]).map(toStaffing);
  }

  // ---- tokens
  async insertToken(t: TokenRecord): Promise<void> {
    this.stmt('INSERT INTO tokens (id, role, label, hash, created_at, revoked_at) VALUES (?,?,?,?,?,?)').run(
      t.id,
      t.role,
      t.label,
      t.hash,
      t.createdAt,
      t.revokedAt,
    );
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = this.stmt('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL').get(hash) as Row | undefined;
    return r && toToken(r);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.stmt('SELECT * FROM tokens ORDER BY created_at, id').all() as Row[]).map(toToken);
  }

  async revokeToken(id: string, now: string): Promise<boolean> {
    return this.stmt('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
