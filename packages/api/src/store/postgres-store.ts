/**
 * {@link PostgresStore}: a {@link Store} on PostgreSQL (node-postgres pool), so that several
 * API instances can serve the same departments. Everything shared lives in the database,
 * blobs included (chunked `bytea`); the data folder of each instance only holds its upload
 * staging area and a local cache of blobs (immutable, so the cache is never stale and may be
 * deleted at any time while the instance is stopped).
 *
 * Multi-instance notes:
 * - Plan versions are compare-and-set in a transaction (`SELECT … FOR UPDATE`), so two
 *   instances editing one plan give one winner and one 412.
 * - Jobs go through the shared pg-boss queue (`jobs/pg-queue.ts`): any worker process computes
 *   them and store their results, events and cancel reach every instance by LISTEN/NOTIFY;
 *   such a job is owned by no instance ({@link SHARED_QUEUE_OWNER}) and survives the death of
 *   the one that accepted it. Each store registers an instance row with a heartbeat; a job run
 *   in-process records the instance that owns it, and
 *   {@link PostgresStore.failInterruptedJobs} only fails jobs of this instance or of dead
 *   instances (closed, or no heartbeat for `staleAfterMs`). Every heartbeat also sweeps the
 *   jobs of dead instances.
 * - `blobPath` is synchronous, so a blob must be on local disk before it is asked for: every
 *   caller gets its dataset from `getDataset` first, which brings the dataset's blob into the
 *   local cache (`putBlob`/`adoptStagedBlob` also leave a copy there).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, promises as fsp, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
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
  type StaffingRecord,
  type Store,
  type StoreProcedure,
  type TokenRecord,
  updateJobStatement,
} from './store.js';

/**
 * Numbered migrations, applied in order once each (recorded in `schema_migrations`) under an
 * advisory lock, so instances starting together do not race. Never edit a released migration.
 * Text columns that are sorted on use the "C" collation (byte order, as SQLite).
 */
export const PG_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'initial',
    sql: `
      CREATE TABLE datasets (
        id TEXT COLLATE "C" PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, format TEXT NOT NULL,
        bytes BIGINT NOT NULL, sha256 TEXT NOT NULL, blob_ref TEXT NOT NULL, info TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL, created_by TEXT);
      CREATE INDEX datasets_kind ON datasets(kind, created_at);
      CREATE TABLE plans (
        id TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, inputs TEXT NOT NULL,
        current_version INTEGER NOT NULL, latest_version INTEGER NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL, updated_at TEXT NOT NULL, created_by TEXT);
      CREATE TABLE plan_versions (
        plan_id TEXT NOT NULL REFERENCES plans(id), version INTEGER NOT NULL,
        parent_version INTEGER, action TEXT NOT NULL, summary TEXT NOT NULL,
        plan_blob_ref TEXT NOT NULL, metrics_blob_ref TEXT,
        created_at TEXT NOT NULL, created_by TEXT, PRIMARY KEY (plan_id, version));
      CREATE TABLE plan_settings (
        plan_id TEXT PRIMARY KEY REFERENCES plans(id), settings TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE instances (
        id TEXT PRIMARY KEY, started_at TIMESTAMPTZ NOT NULL DEFAULT now(), heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE jobs (
        id TEXT COLLATE "C" PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL,
        stage TEXT, params TEXT NOT NULL, error TEXT, result TEXT,
        created_at TEXT COLLATE "C" NOT NULL, started_at TEXT, finished_at TEXT, created_by TEXT,
        instance_id TEXT);
      CREATE INDEX jobs_status ON jobs(status);
      CREATE INDEX jobs_created ON jobs(created_at DESC, id);
      CREATE TABLE staffing (
        id TEXT COLLATE "C" PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), plan_version INTEGER NOT NULL,
        roster_dataset_id TEXT NOT NULL, blob_ref TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL, created_by TEXT);
      CREATE INDEX staffing_plan ON staffing(plan_id);
      CREATE TABLE tokens (
        id TEXT COLLATE "C" PRIMARY KEY, role TEXT NOT NULL, label TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
        created_at TEXT COLLATE "C" NOT NULL, revoked_at TEXT);
      CREATE TABLE blobs (ref TEXT PRIMARY KEY, bytes BIGINT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE blob_chunks (
        ref TEXT NOT NULL, seq INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (ref, seq));
    `,
  },
  {
    id: 2,
    name: 'alternative sets',
    sql: `
      CREATE TABLE alternative_sets (
        id TEXT COLLATE "C" PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), parent_version INTEGER NOT NULL,
        members TEXT NOT NULL, created_at TEXT COLLATE "C" NOT NULL, created_by TEXT);
      CREATE INDEX alternative_sets_plan ON alternative_sets (plan_id, created_at);
    `,
  },
  {
    id: 3,
    name: 'blob ref indexes',
    sql: `
      CREATE INDEX plan_versions_plan_blob ON plan_versions (plan_blob_ref);
      CREATE INDEX plan_versions_metrics_blob ON plan_versions (metrics_blob_ref);
      CREATE INDEX staffing_blob ON staffing (blob_ref);
      CREATE INDEX datasets_blob ON datasets (blob_ref);
    `,
  },
];

/** The `instance_id` of jobs on the shared queue: owned by no instance, never swept with one. */
export const SHARED_QUEUE_OWNER = 'shared-queue';

/** Key of the advisory lock taken while migrating (any constant shared by all instances). */
const MIGRATION_LOCK = 7_220_151_042;
/** Blob content is stored in chunks of this size (rows stay small; big files stream). */
const CHUNK_BYTES = 1024 * 1024;

const json = (v: unknown): string => JSON.stringify(v ?? null);
const BLOB_REF = /^[0-9a-f-]{36}$/;
/**
 * Query parameters as Postgres accepts them: a text value cannot hold U+0000 (SQLite's can),
 * so NUL characters in client-chosen text (labels, names) are stored as U+FFFD instead of
 * failing the request. JSON columns are unaffected (JSON.stringify escapes NUL).
 */
const clean = (params: unknown[]): unknown[] =>
  params.map((p) => (typeof p === 'string' && p.includes('\0') ? p.replaceAll('\0', '\uFFFD') : p));
const INTERRUPTED = json({ code: 'INTERRUPTED', detail: 'the server stopped while this job was running; submit it again' });

/** Options of {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Local folder of this instance: upload staging and the blob cache. */
  dataDir: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** How often this instance records that it is alive, ms. Default 10 s. */
  heartbeatMs?: number;
  /** An instance without a heartbeat for this long is dead and its jobs are failed. Default 60 s. */
  staleAfterMs?: number;
  /** This instance's id (default random). */
  instanceId?: string;
}

/**
 * PostgreSQL implementation of {@link Store}. Create with {@link PostgresStore.open}, which
 * applies pending migrations and registers the instance.
 * @example const store = await PostgresStore.open({ connectionString: url, dataDir: '/var/lib/beatplan' });
 */
export class PostgresStore implements Store {
  readonly pool: pg.Pool;
  readonly instanceId: string;
  private readonly blobDir: string;
  private readonly stagingDir: string;
  private readonly tmpDir: string;
  private readonly staleAfterMs: number;
  private readonly fetching = new Map<string, Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(options: PostgresStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.blobDir = join(options.dataDir, 'blobs');
    this.stagingDir = join(options.dataDir, 'staging');
    this.tmpDir = join(options.dataDir, 'tmp');
    for (const d of [this.blobDir, this.stagingDir, this.tmpDir]) mkdirSync(d, { recursive: true });
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.instanceId = options.instanceId ?? randomUUID();
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
  }

  /** Connects, migrates, registers this instance and starts its heartbeat. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const s = new PostgresStore(options);
    try {
      await s.migrate();
      await s.pool.query('INSERT INTO instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()', [s.instanceId]);
    } catch (err) {
      await s.pool.end().catch(() => undefined);
      throw err;
    }
    s.heartbeat = setInterval(() => void s.beat(), options.heartbeatMs ?? 10_000);
    s.heartbeat.unref();
    return s;
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Applies the migrations not yet recorded, in one transaction under an advisory lock. */
  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const done = new Set((await c.query('SELECT id FROM schema_migrations')).rows.map((r: Row) => Number(r.id)));
      for (const m of PG_MIGRATIONS) {
        if (done.has(m.id)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      }
    });
  }

  /** Heartbeat: this instance is alive; jobs of instances that are not are failed. */
  private async beat(): Promise<void> {
    if (this.closed) return;
    try {
      await this.q('INSERT INTO instances (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()', [this.instanceId]);
      await this.failJobsOfDeadInstances(new Date().toISOString(), false);
    } catch {
      // The database is unreachable for a moment; the next beat retries.
    }
  }

  /** Runs `fn` in a transaction on one pooled client. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await fn(c);
      await c.query('COMMIT');
      return r;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Runs a {@link StoreProcedure} on `c` (inside the caller's transaction). */
  private async runOn<T>(c: pg.PoolClient, procedure: StoreProcedure<T>): Promise<T> {
    let step = procedure.next();
    while (!step.done) step = procedure.next((await c.query(step.value.sql, clean(step.value.params))).rows as Row[]);
    return step.value;
  }

  /** A query on the pool, with {@link clean} parameters. */
  private q(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    return this.pool.query(sql, clean(params));
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.q(sql, params)).rows as Row[];
  }

  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  // ---- blobs
  private refPath(ref: string): string {
    if (!BLOB_REF.test(ref)) throw new Error(`invalid blob ref ${JSON.stringify(ref)}`);
    return join(this.blobDir, ref);
  }

  /**
   * Writes the chunks and the blob row of `ref` in one transaction. With `ifAbsent`, nothing is
   * written when `ref` exists: the blob is claimed again instead (`created_at` = now, so the
   * orphan sweep's re-check skips it; a sweep deleting it at that moment is waited for, and then
   * the blob is written again), and a concurrent writer of the same ref waits for the first to
   * commit. Returns whether it wrote.
   */
  private async storeChunks(ref: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, ifAbsent = false): Promise<boolean> {
    return this.tx(async (c) => {
      if (ifAbsent && (await c.query('UPDATE blobs SET created_at = now() WHERE ref = $1', [ref])).rowCount) return false;
      if (ifAbsent && !(await c.query('INSERT INTO blobs (ref, bytes) VALUES ($1, 0) ON CONFLICT (ref) DO NOTHING', [ref])).rowCount)
        return false;
      let seq = 0;
      let bytes = 0;
      for await (const chunk of chunks) {
        await c.query('INSERT INTO blob_chunks (ref, seq, data) VALUES ($1, $2, $3)', [ref, seq++, chunk]);
        bytes += chunk.length;
      }
      if (ifAbsent) await c.query('UPDATE blobs SET bytes = $2 WHERE ref = $1', [ref, bytes]);
      else await c.query('INSERT INTO blobs (ref, bytes) VALUES ($1, $2)', [ref, bytes]);
      return true;
    });
  }

  async putBlob(data: Uint8Array, named?: string): Promise<string> {
    const ref = named ?? randomUUID();
    this.refPath(ref); // a valid ref
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const chunks: Buffer[] = [];
    for (let k = 0; k < buf.length; k += CHUNK_BYTES) chunks.push(buf.subarray(k, k + CHUNK_BYTES));
    if (await this.storeChunks(ref, chunks, named !== undefined)) await this.writeCache(ref, buf).catch(() => undefined);
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
    await this.storeChunks(ref, createReadStream(staged, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>);
    // Keep the staged file as this instance's cached copy.
    await fsp.rename(staged, this.refPath(ref));
    return ref;
  }

  async discardStaged(stagingName: string): Promise<void> {
    if (!BLOB_REF.test(stagingName)) return;
    await fsp.rm(join(this.stagingDir, stagingName), { force: true }).catch(() => undefined);
  }

  /** Deletes the blob's rows (one transaction), then this instance's cached copy. */
  async deleteBlob(ref: string): Promise<void> {
    this.refPath(ref); // a valid ref
    await this.tx(async (c) => this.dropBlobRows(c, ref));
    await fsp.rm(this.refPath(ref), { force: true }).catch(() => undefined);
  }

  /** Deletes the rows of blob `ref` on `c` (inside the caller's transaction). */
  private async dropBlobRows(c: pg.PoolClient, ref: string): Promise<void> {
    await c.query('DELETE FROM blob_chunks WHERE ref = $1', [ref]);
    await c.query('DELETE FROM blobs WHERE ref = $1', [ref]);
  }

  /**
   * {@link Store.sweepOrphanBlobs} on the `blobs` table: a blob's time is its `created_at`
   * (the database's clock). Each batch is deleted in one transaction whose `DELETE … WHERE
   * created_at < …` re-checks the time of every row it deletes (a claim committed meanwhile is
   * seen; one in progress is waited for); then this instance's cached copies go.
   */
  async sweepOrphanBlobs(options?: BlobSweepOptions): Promise<BlobSweepReport> {
    const statement = referencedBlobsStatement('postgres');
    const older = 'created_at < now() - make_interval(secs => $1::double precision / 1000)';
    return sweepBlobs(
      {
        mark: async () => new Set((await this.rows(statement.sql)).map((r) => String(r.ref))),
        candidates: async function* (this: PostgresStore, graceMs: number, batchSize: number) {
          let after = '';
          for (;;) {
            const rows = await this.rows(`SELECT ref FROM blobs WHERE ${older} AND ref > $2 ORDER BY ref LIMIT $3`, [
              graceMs,
              after,
              batchSize,
            ]);
            if (rows.length) yield rows.map((r) => String(r.ref));
            if (rows.length < batchSize) return;
            after = String(rows[rows.length - 1]!.ref);
          }
        }.bind(this),
        remove: async (refs, graceMs) => {
          const gone = await this.tx(async (c) => {
            const rows = (await c.query(`DELETE FROM blobs WHERE ${older} AND ref = ANY($2::text[]) RETURNING ref, bytes`, [graceMs, refs]))
              .rows as Row[];
            if (rows.length) await c.query('DELETE FROM blob_chunks WHERE ref = ANY($1::text[])', [rows.map((r) => r.ref)]);
            return rows;
          });
          for (const r of gone) await fsp.rm(this.refPath(String(r.ref)), { force: true }).catch(() => undefined);
          return { deleted: gone.length, bytes: gone.reduce((n, r) => n + Number(r.bytes), 0) };
        },
      },
      options,
    );
  }

  async getBlob(ref: string): Promise<Buffer> {
    await this.ensureLocal(ref);
    return fsp.readFile(this.refPath(ref));
  }

  /**
   * The local path of a blob. Synchronous, so the blob must already be in this instance's
   * cache: {@link getDataset} brings datasets' blobs there, {@link putBlob} and
   * {@link adoptStagedBlob} leave them there.
   * @throws when the ref is invalid or the blob is not cached locally
   */
  blobPath(ref: string): string {
    const path = this.refPath(ref);
    if (!existsSync(path)) throw new Error(`blob ${ref} is not on this instance's disk; read it through getDataset or getBlob first`);
    return path;
  }

  /** Brings a blob into the local cache (once per ref at a time). @throws when the ref is unknown. */
  async ensureLocal(ref: string): Promise<void> {
    const path = this.refPath(ref);
    if (existsSync(path)) return;
    let p = this.fetching.get(ref);
    if (!p) {
      p = this.download(ref, path).finally(() => this.fetching.delete(ref));
      this.fetching.set(ref, p);
    }
    await p;
  }

  private async download(ref: string, path: string): Promise<void> {
    const blob = await this.one('SELECT bytes FROM blobs WHERE ref = $1', [ref]);
    if (!blob) throw new Error(`unknown blob ref ${ref}`);
    const tmp = join(this.tmpDir, `${ref}.${randomUUID()}`);
    const fh = await fsp.open(tmp, 'w');
    try {
      let seq = 0;
      for (;;) {
        const rows = await this.rows('SELECT seq, data FROM blob_chunks WHERE ref = $1 AND seq >= $2 ORDER BY seq LIMIT 8', [ref, seq]);
        for (const r of rows) await fh.write(r.data as Buffer);
        if (rows.length < 8) break;
        seq = Number(rows[rows.length - 1]!.seq) + 1;
      }
      await fh.close();
      const { size } = await fsp.stat(tmp);
      if (size !== Number(blob.bytes)) throw new Error(`blob ${ref}: read ${size} bytes of ${blob.bytes}`);
      await fsp.rename(tmp, path);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async writeCache(ref: string, data: Buffer): Promise<void> {
    const tmp = join(this.tmpDir, `${ref}.${randomUUID()}`);
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, this.refPath(ref));
  }

  // ---- datasets
  async insertDataset(d: DatasetRecord): Promise<void> {
    await this.q(
      'INSERT INTO datasets (id, kind, name, format, bytes, sha256, blob_ref, info, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)',
      [d.id, d.kind, d.name, d.format, d.bytes, d.sha256, d.blobRef, json(d.info), d.createdAt, d.createdBy],
    );
  }

  /** The dataset, with its blob brought into the local cache (so `blobPath` works). */
  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    const r = await this.one('SELECT * FROM datasets WHERE id = $1', [id]);
    if (!r) return undefined;
    const d = toDataset(r);
    await this.ensureLocal(d.blobRef);
    return d;
  }

  async listDatasets(kind?: DatasetKind): Promise<DatasetRecord[]> {
    const rows = kind
      ? await this.rows('SELECT * FROM datasets WHERE kind = $1 ORDER BY created_at, id', [kind])
      : await this.rows('SELECT * FROM datasets ORDER BY created_at, id');
    return rows.map(toDataset);
  }

  // ---- plans
  async insertPlan(p: PlanRecord): Promise<void> {
    await this.q(
      'INSERT INTO plans (id, name, inputs, current_version, latest_version, created_at, updated_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
      [p.id, p.name, json(p.inputs), p.currentVersion, p.latestVersion, p.createdAt, p.updatedAt, p.createdBy],
    );
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const r = await this.one('SELECT * FROM plans WHERE id = $1', [id]);
    return r && toPlan(r);
  }

  async listPlans(): Promise<PlanRecord[]> {
    return (await this.rows('SELECT * FROM plans ORDER BY created_at, id')).map(toPlan);
  }

  async appendPlanVersion(v: PlanVersionRecord, expectedCurrent: number): Promise<boolean> {
    return this.tx(async (c) => {
      const p = (await c.query('SELECT current_version, latest_version FROM plans WHERE id = $1 FOR UPDATE', clean([v.planId]))).rows[0] as
        | Row
        | undefined;
      if (!p || Number(p.current_version) !== expectedCurrent || v.version !== Number(p.latest_version) + 1) return false;
      await c.query(
        'INSERT INTO plan_versions (plan_id, version, parent_version, action, summary, plan_blob_ref, metrics_blob_ref, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        clean([v.planId, v.version, v.parentVersion, v.action, json(v.summary), v.planBlobRef, v.metricsBlobRef, v.createdAt, v.createdBy]),
      );
      await c.query(
        'UPDATE plans SET current_version = $1, latest_version = $1, updated_at = $2 WHERE id = $3',
        clean([v.version, v.createdAt, v.planId]),
      );
      return true;
    });
  }

  async setCurrentVersion(planId: string, version: number, expectedCurrent: number): Promise<boolean> {
    const r = await this.q(
      'UPDATE plans SET current_version = $1, updated_at = $2 WHERE id = $3 AND current_version = $4 AND EXISTS (SELECT 1 FROM plan_versions WHERE plan_id = $3 AND version = $1)',
      [version, new Date().toISOString(), planId, expectedCurrent],
    );
    return r.rowCount === 1;
  }

  async getPlanVersion(planId: string, version: number): Promise<PlanVersionRecord | undefined> {
    const r = await this.one('SELECT * FROM plan_versions WHERE plan_id = $1 AND version = $2', [planId, version]);
    return r && toVersion(r);
  }

  async listPlanVersions(planId: string): Promise<PlanVersionRecord[]> {
    return (await this.rows('SELECT * FROM plan_versions WHERE plan_id = $1 ORDER BY version', [planId])).map(toVersion);
  }

  async renamePlan(
    planId: string,
    name: string,
    expectedCurrent: number,
    now: string,
    by: string | null,
  ): Promise<PlanVersionRecord | undefined> {
    return this.tx((c) => this.runOn(c, renamePlanProcedure('postgres', planId, name, expectedCurrent, now, by)));
  }

  /**
   * Deletes the plan as {@link deletePlanProcedure} rules and, in the same transaction, the blobs
   * it left unreferenced; then their copies in this instance's cache (other instances' cached
   * copies are never read again: no row names them).
   */
  async deletePlan(planId: string): Promise<PlanDeleteResult> {
    const { result, orphanBlobs } = await this.tx(async (c) => {
      const outcome = await this.runOn(c, deletePlanProcedure('postgres', planId));
      for (const ref of outcome.orphanBlobs) await this.dropBlobRows(c, ref);
      return outcome;
    });
    for (const ref of orphanBlobs) await fsp.rm(this.refPath(ref), { force: true }).catch(() => undefined);
    return result;
  }

  async getPlanSettings(planId: string): Promise<PlanSettings | undefined> {
    const r = await this.one('SELECT settings FROM plan_settings WHERE plan_id = $1', [planId]);
    return r && parse<PlanSettings>(r.settings);
  }

  async putPlanSettings(planId: string, settings: PlanSettings, now: string): Promise<void> {
    await this.q(
      'INSERT INTO plan_settings (plan_id, settings, updated_at) VALUES ($1,$2,$3) ON CONFLICT (plan_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at',
      [planId, json(settings), now],
    );
  }

  // ---- alternative sets
  async insertAlternativeSet(a: AlternativeSetRecord): Promise<void> {
    await this.q('INSERT INTO alternative_sets (id, plan_id, parent_version, members, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6)', [
      a.id,
      a.planId,
      a.parentVersion,
      json(a.members),
      a.createdAt,
      a.createdBy,
    ]);
  }

  async getAlternativeSet(id: string): Promise<AlternativeSetRecord | undefined> {
    const r = await this.one('SELECT * FROM alternative_sets WHERE id = $1', [id]);
    return r && toAlternativeSet(r);
  }

  async listAlternativeSets(planId: string): Promise<AlternativeSetRecord[]> {
    return (await this.rows('SELECT * FROM alternative_sets WHERE plan_id = $1 ORDER BY created_at, id', [planId])).map(toAlternativeSet);
  }

  // ---- jobs
  /**
   * Inserts a job owned by `owner`: this instance by default (its in-process runner runs it,
   * and the instance sweep fails it when the instance dies), or {@link SHARED_QUEUE_OWNER} for a
   * job on the shared queue, which outlives the instance that accepted it.
   */
  async insertJob(j: JobRecord, owner: string = this.instanceId): Promise<void> {
    await this.q(
      'INSERT INTO jobs (id, kind, status, progress, stage, params, error, result, created_at, started_at, finished_at, created_by, instance_id) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)',
      [
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
        owner,
      ],
    );
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const r = await this.one('SELECT * FROM jobs WHERE id = $1', [id]);
    return r && toJob(r);
  }

  async listJobs(limit = 100): Promise<JobRecord[]> {
    return (await this.rows('SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT $1', [limit])).map(toJob);
  }

  async updateJob(id: string, patch: JobPatch, whenStatus?: readonly JobStatus[]): Promise<boolean> {
    const update = updateJobStatement(id, patch, whenStatus);
    return update !== undefined && (await this.q(update.sql, update.params)).rowCount === 1;
  }

  /**
   * Marks failed (`INTERRUPTED`) the `queued`/`running` jobs of this instance and of dead
   * instances (closed, or silent for `staleAfterMs`). Jobs of live instances are left alone, and
   * so are jobs on the shared queue ({@link SHARED_QUEUE_OWNER}): a live worker may be running them
   * (the queue fails those its workers lost, `jobs/pg-queue.ts`).
   */
  async failInterruptedJobs(now: string): Promise<number> {
    return this.failJobsOfDeadInstances(now, true);
  }

  private async failJobsOfDeadInstances(now: string, includeOwn: boolean): Promise<number> {
    const staleSeconds = this.staleAfterMs / 1000;
    return this.tx(async (c) => {
      await c.query('DELETE FROM instances WHERE heartbeat_at < now() - make_interval(secs => $1) AND id <> $2', [
        staleSeconds,
        this.instanceId,
      ]);
      const r = await c.query(
        `UPDATE jobs SET status = 'failed', error = $1, finished_at = $2
         WHERE status IN ('queued', 'running') AND instance_id IS DISTINCT FROM $5
           AND (($3::boolean AND instance_id = $4) OR instance_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = jobs.instance_id))`,
        [INTERRUPTED, now, includeOwn, this.instanceId, SHARED_QUEUE_OWNER],
      );
      return r.rowCount ?? 0;
    });
  }

  // ---- staffing
  async insertStaffing(s: StaffingRecord): Promise<void> {
    await this.q(
      'INSERT INTO staffing (id, plan_id, plan_version, roster_dataset_id, blob_ref, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7)',
      [s.id, s.planId, s.planVersion, s.rosterDatasetId, s.blobRef, s.createdAt, s.createdBy],
    );
  }

  async getStaffing(id: string): Promise<StaffingRecord | undefined> {
    const r = await this.one('SELECT * FROM staffing WHERE id = $1', [id]);
    return r && toStaffing(r);
  }

  async listStaffing(planId: string): Promise<StaffingRecord[]> {
    return (await this.rows('SELECT * FROM staffing WHERE plan_id = $1 ORDER BY created_at, id', [planId])).map(toStaffing);
  }

  // ---- tokens
  async insertToken(t: TokenRecord): Promise<void> {
    await this.q('INSERT INTO tokens (id, role, label, hash, created_at, revoked_at) VALUES ($1,$2,$3,$4,$5,$6)', [
      t.id,
      t.role,
      t.label,
      t.hash,
      t.createdAt,
      t.revokedAt,
    ]);
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | undefined> {
    const r = await this.one('SELECT * FROM tokens WHERE hash = $1 AND revoked_at IS NULL', [hash]);
    return r && toToken(r);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.rows('SELECT * FROM tokens ORDER BY created_at, id')).map(toToken);
  }

  async revokeToken(id: string, now: string): Promise<boolean> {
    const r = await this.q('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id]);
    return r.rowCount === 1;
  }

  /**
   * Stops the heartbeat, deregisters the instance (its unfinished jobs then count as
   * interrupted for the other instances) and closes the pool. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.q('DELETE FROM instances WHERE id = $1', [this.instanceId]).catch(() => undefined);
    await this.pool.end();
  }
}
