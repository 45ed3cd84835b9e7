/**
 * The storage interface of the API. Every method is async so that a PostgreSQL/PostGIS
 * store serving several API instances can implement the same interface; the default
 * implementation is {@link SqliteStore} (one file under the data folder).
 *
 * Content (uploaded files, plan.json of each version, job results) is kept as opaque blobs
 * named by the store (`putBlob` → ref). A ref is never a client-supplied path.
 */
import type { BlobSweepOptions, BlobSweepReport } from './blob-sweep.js';
import { toVersion } from './rows.js';

/** Access roles, weakest first. */
export const ROLES = ['viewer', 'analyst', 'commander', 'admin'] as const;
/** A role: viewer (read) < analyst (run plans) < commander (edit, officer names) < admin. */
export type Role = (typeof ROLES)[number];

/** Kinds of dataset an analyst can upload. */
export const DATASET_KINDS = [
  'boundary',
  'incidents',
  'layer',
  'beats',
  'barriers',
  'roster',
  'venues',
  'roads',
  'fleet',
  'units',
  'counts',
] as const;
/**
 * A dataset kind. `beats` = existing beats; `layer` = polygon layer with a numeric field;
 * `venues` = candidate meeting places (GeoJSON points); `roads` = street lines (GeoJSON) whose
 * graph gives a plan's travel times.
 */
export type DatasetKind = (typeof DATASET_KINDS)[number];

/**
 * A set of alternatives of a plan (`POST /plans/{id}/alternatives`): one planning job per
 * member, each with its seed and objective weights; the plans are those jobs' results.
 */
export interface AlternativeSetRecord {
  id: string;
  /** The parent plan. */
  planId: string;
  /** Parent version the alternatives start from. */
  parentVersion: number;
  members: Array<{ jobId: string; profile: string; seed: number; options: Record<string, unknown> }>;
  createdAt: string;
  createdBy: string | null;
}

/** Metadata of an uploaded dataset. The content lives in the blob `blobRef`. */
export interface DatasetRecord {
  id: string;
  kind: DatasetKind;
  /** Label chosen by the client (display only, never used as a path). */
  name: string;
  /** `csv` or `geojson`. */
  format: 'csv' | 'geojson';
  /** Size of the content in bytes. */
  bytes: number;
  /** sha256 of the content, hex. */
  sha256: string;
  blobRef: string;
  /** Kind-specific summary: ingest report, feature count, layer field… */
  info: Record<string, unknown>;
  createdAt: string;
  createdBy: string | null;
}

/** A plan: its inputs and a pointer to the current version. */
export interface PlanRecord {
  id: string;
  name: string;
  /** What the plan was made from (dataset ids + planning options), as submitted. */
  inputs: Record<string, unknown>;
  /** Current version number (1-based); 0 while the planning job has not produced one. */
  currentVersion: number;
  /** Highest version ever written (undo keeps later versions for redo). */
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** One immutable version of a plan; every edit writes a new one. */
export interface PlanVersionRecord {
  planId: string;
  version: number;
  /** The version this one was made from (null for the first). Undo goes to it. */
  parentVersion: number | null;
  /** What made this version: `plan` or `import` (a planning job), `move`, `lock`, `unlock`, `rebalance`, `copy`, `rename`. */
  action: string;
  /** Short description of the change (cells moved, beat locked…). */
  summary: Record<string, unknown>;
  /** Blob ref of plan.json (`beatplan.plan/1`). */
  planBlobRef: string;
  /** Blob ref of metrics.json for this version, when computed. */
  metricsBlobRef: string | null;
  createdAt: string;
  createdBy: string | null;
}

/** Job states; `queued` and `running` are the live ones. */
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Job kinds, in the order they were added. */
export const JOB_KINDS = ['score', 'plan', 'staff', 'rebalance', 'whatif', 'simulate', 'changecurve'] as const;
/**
 * What a job does: `score` (grid + scores), `plan` (districting or import), `staff`,
 * `rebalance` (re-plan the unlocked beats of a plan), `whatif` (staffing scenario), `simulate`
 * (calls replayed against a plan and its staffing), `changecurve` (a plan's change curve: a
 * re-plan per change budget, figures only).
 */
export type JobKind = (typeof JOB_KINDS)[number];

/** A long-running piece of work (planning, staffing). */
export interface JobRecord {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** Fraction done in [0, 1]. */
  progress: number;
  /** Current stage label (`grid`, `score`, `plan`…). */
  stage: string | null;
  /** The job's parameters as submitted. */
  params: Record<string, unknown>;
  /** Error as problem fields (`code`, `detail`) when failed. */
  error: { code: string; detail: string } | null;
  /** What the job produced: `{ planId, version }` or `{ staffingId }`. */
  result: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  createdBy: string | null;
}

/** A staffing result: assignments of officers to the beats of one plan version. */
export interface StaffingRecord {
  id: string;
  planId: string;
  planVersion: number;
  rosterDatasetId: string;
  /** Blob ref of the staffing JSON (the engine's output). */
  blobRef: string;
  createdAt: string;
  createdBy: string | null;
}

/** An API token; only its sha256 is stored. */
export interface TokenRecord {
  id: string;
  role: Role;
  label: string;
  /** sha256 of the bearer token, hex. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Settings of a plan that are not part of its versions: the public "find my beat" page's
 * meeting places (a `venues` dataset) and meeting schedule.
 */
export interface PlanSettings {
  /** `venues` dataset id, or null. */
  venues: string | null;
  /** Default meeting schedule of every beat, e.g. "first Tuesday of the month, 18:30". */
  meetingSchedule: string | null;
  /** Per beat id, a schedule that replaces the default. */
  meetingScheduleByBeat: Record<string, string>;
}

/**
 * What {@link Store.deletePlan} did: `deleted`; `not-found`; or refused because a live job
 * (queued or running) works on the plan (`job-running`, naming the job) or another plan names it
 * as its lineage parent (`lineage-parent`, naming that plan).
 */
export type PlanDeleteResult =
  | { status: 'deleted' }
  | { status: 'not-found' }
  | { status: 'job-running'; jobId: string }
  | { status: 'lineage-parent'; planId: string };

/** Fields a job update may change. */
export type JobPatch = Partial<Pick<JobRecord, 'status' | 'progress' | 'stage' | 'error' | 'result' | 'startedAt' | 'finishedAt'>>;

/** Persistence for datasets, plans (versioned), jobs, staffing results and tokens. */
export interface Store {
  /**
   * Stores bytes under a store-chosen name and returns its ref. With `ref` (a UUID the server
   * derived, e.g. from a job id: never a client-supplied name), stores them under that ref unless
   * a blob of that ref exists already, which is kept as it is (blobs are immutable) and claimed
   * again (its time for the orphan sweep's grace period becomes now): so a retried job writing its
   * result blob again writes it once, and the sweep does not take it from under the retry.
   */
  putBlob(data: Uint8Array, ref?: string): Promise<string>;
  /**
   * Adopts a file already written inside the store's staging folder (see `stagingPath`) as a
   * blob, without copying it. Used for streamed uploads.
   */
  adoptStagedBlob(stagingName: string): Promise<string>;
  /** A fresh absolute path in the staging folder to stream an upload into, with its name. */
  stagingPath(): { name: string; path: string };
  /** Deletes a staged file (upload aborted). Never throws. */
  discardStaged(stagingName: string): Promise<void>;
  /**
   * Deletes a blob no row names: one stored just before the write that was to name it was
   * refused (a plan version's compare-and-set lost: 412). Nothing happens for an unknown ref.
   */
  deleteBlob(ref: string): Promise<void>;
  /**
   * Deletes the blobs that no row names and that were stored (or claimed again by `putBlob` with
   * a ref) longer than the grace period ago — blobs that older versions' deletes left behind.
   * A blob a concurrent write is about to name is never deleted: see `blob-sweep.ts`. Run by
   * `beatplan serve` in the background at start-up.
   * @example const { deleted } = await store.sweepOrphanBlobs({ graceMs: 3_600_000 });
   */
  sweepOrphanBlobs(options?: BlobSweepOptions): Promise<BlobSweepReport>;
  /** The bytes of a blob. @throws when the ref is unknown. */
  getBlob(ref: string): Promise<Buffer>;
  /**
   * An absolute path to read a blob from, for streaming readers. A store that keeps blobs
   * elsewhere (Postgres) serves it from a local cache: the blob of a dataset is there once
   * `getDataset` has returned it.
   */
  blobPath(ref: string): string;

  insertDataset(d: DatasetRecord): Promise<void>;
  getDataset(id: string): Promise<DatasetRecord | undefined>;
  listDatasets(kind?: DatasetKind): Promise<DatasetRecord[]>;

  insertPlan(p: PlanRecord): Promise<void>;
  getPlan(id: string): Promise<PlanRecord | undefined>;
  listPlans(): Promise<PlanRecord[]>;
  /**
   * Writes `v` (numbered `latestVersion + 1`, parent = the current version) and makes it the
   * current version if and only if the plan's current version is still `expectedCurrent`
   * (compare-and-set, atomic). No version row is ever deleted. Returns false when stale.
   */
  appendPlanVersion(v: PlanVersionRecord, expectedCurrent: number): Promise<boolean>;
  /**
   * Moves the current pointer to an existing version (undo → parent, redo → newest child),
   * compare-and-set on `expectedCurrent`. Returns false when stale.
   */
  setCurrentVersion(planId: string, version: number, expectedCurrent: number): Promise<boolean>;
  getPlanVersion(planId: string, version: number): Promise<PlanVersionRecord | undefined>;
  /** The plan's settings, or undefined when never set. */
  getPlanSettings(planId: string): Promise<PlanSettings | undefined>;
  /** Replaces the plan's settings. */
  putPlanSettings(planId: string, settings: PlanSettings, now: string): Promise<void>;
  listPlanVersions(planId: string): Promise<PlanVersionRecord[]>;
  /**
   * Renames a plan if and only if its current version is still `expectedCurrent` (compare-and-set,
   * like an edit), by writing a new version (action `rename`, summary `{ name: { from, to } }`,
   * the same plan.json and metrics blobs as the version it is made from) that becomes current: the
   * plan's ETag changes, so a second rename sent with the same If-Match is stale. The name itself
   * is the plan's, not the version's: undo and redo move between versions and leave it as it is.
   * Renaming to the current name writes nothing and returns the current version. Atomic; see
   * {@link renamePlanProcedure}.
   * @returns the current version after the rename, or undefined when stale or unknown
   */
  renamePlan(planId: string, name: string, expectedCurrent: number, now: string, by: string | null): Promise<PlanVersionRecord | undefined>;
  /**
   * Deletes a plan with its versions, settings, staffing results and alternative sets, in one
   * transaction, unless a live job (queued or running, whose params name the plan as `planId` or
   * `from`) works on it or another plan is its lineage child (`inputs.from` or
   * `inputs.lineage.parent.planId`): the rule of {@link deletePlanProcedure}. The blobs of the
   * deleted versions and staffing results that no remaining row references (another plan's
   * version — a copy shares its source's blobs —, a staffing, a dataset, a job result) are
   * deleted too; a blob still referenced stays.
   */
  deletePlan(planId: string): Promise<PlanDeleteResult>;

  insertJob(j: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  listJobs(limit?: number): Promise<JobRecord[]>;
  /**
   * Updates a job. With `whenStatus`, only while its status is one of those, in one statement
   * (compare-and-set): a job's terminal state is written with `whenStatus` = the live states, so
   * of a cancel and a success racing to end the job exactly one is stored, and its writer knows.
   * @returns whether the job was updated (false: unknown, or not in `whenStatus`)
   */
  updateJob(id: string, patch: JobPatch, whenStatus?: readonly JobStatus[]): Promise<boolean>;
  /**
   * Marks `running` and `queued` jobs failed (`INTERRUPTED`); returns how many. Called at
   * start-up and when the job runner closes. A single-instance store (SQLite) fails every
   * such job; a store shared by several instances (Postgres) only those of this instance and
   * of instances that are gone, never the live jobs of another instance.
   */
  failInterruptedJobs(now: string): Promise<number>;

  /** Records a set of alternatives of a plan (its member jobs in `members`). */
  insertAlternativeSet(a: AlternativeSetRecord): Promise<void>;
  getAlternativeSet(id: string): Promise<AlternativeSetRecord | undefined>;
  /** The alternative sets of a plan, oldest first. */
  listAlternativeSets(planId: string): Promise<AlternativeSetRecord[]>;

  insertStaffing(s: StaffingRecord): Promise<void>;
  getStaffing(id: string): Promise<StaffingRecord | undefined>;
  listStaffing(planId: string): Promise<StaffingRecord[]>;

  insertToken(t: TokenRecord): Promise<void>;
  /** The live (not revoked) token with this hash. */
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, now: string): Promise<boolean>;

  close(): Promise<void>;
}

/** The job states in which a job is live (it may still end either way). */
export const LIVE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'running'];

/**
 * A statement of a {@link StoreProcedure}: SQL with `$1`, `$2`… placeholders (the SQLite store
 * rewrites them to `?`) and its parameters.
 */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/**
 * A store operation written once for every SQL store: it yields statements, receives each
 * one's rows (an empty list for a statement that returns none) and returns its result. A store
 * runs it in one transaction (`SqliteStore` synchronously, `PostgresStore` on one client).
 */
export type StoreProcedure<T> = Generator<SqlStatement, T, Array<Record<string, unknown>>>;

/** The SQL dialects of the stores. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * SQL for the text at `path` of a JSON text column, in `dialect`.
 * @example jsonText('postgres', 'inputs', ['lineage', 'parent', 'planId']) // "inputs::jsonb #>> '{lineage,parent,planId}'"
 */
export function jsonText(dialect: SqlDialect, column: string, path: readonly string[]): string {
  return dialect === 'sqlite' ? `json_extract(${column}, '$.${path.join('.')}')` : `${column}::jsonb #>> '{${path.join(',')}}'`;
}

/**
 * SQL for the text values of the top-level fields of every job result (where a result names its
 * blobs: `cellsBlob`, `whatIfBlob`, `simulationBlob`), no NULLs.
 */
function jobResultTexts(dialect: SqlDialect): string {
  return dialect === 'sqlite'
    ? "SELECT e.value FROM jobs, json_each(jobs.result) e WHERE jobs.result IS NOT NULL AND e.type = 'text'"
    : // a result that is not an object (none is) reads as {} rather than failing the delete
      "SELECT e.value FROM jobs, jsonb_each_text(CASE WHEN jsonb_typeof(jobs.result::jsonb) = 'object' THEN jobs.result::jsonb ELSE '{}'::jsonb END) e WHERE jobs.result IS NOT NULL AND e.value IS NOT NULL";
}

/**
 * The columns whose values name blobs, with the column naming the plan a row belongs to (null:
 * a row of no plan). Besides these, a job result names blobs in its top-level text fields. Plan
 * delete (which blobs a plan leaves unreferenced) and the orphan sweep (which blobs nothing names)
 * read this one list.
 */
export const BLOB_REF_COLUMNS: readonly { table: string; column: string; plan: string | null }[] = [
  { table: 'plan_versions', column: 'plan_blob_ref', plan: 'plan_id' },
  { table: 'plan_versions', column: 'metrics_blob_ref', plan: 'plan_id' },
  { table: 'staffing', column: 'blob_ref', plan: 'plan_id' },
  { table: 'datasets', column: 'blob_ref', plan: null },
];

/**
 * The statement listing every blob ref some row names ({@link BLOB_REF_COLUMNS} and the top-level
 * text fields of job results; a job result text that is not a blob ref is listed too, harmlessly):
 * the mark of the orphan sweep.
 * @example referencedBlobsStatement('sqlite').sql // "SELECT plan_blob_ref AS ref FROM plan_versions WHERE … UNION …"
 */
export function referencedBlobsStatement(dialect: SqlDialect): SqlStatement {
  const columns = BLOB_REF_COLUMNS.map(({ table, column }) => `SELECT ${column} AS ref FROM ${table} WHERE ${column} IS NOT NULL`);
  return { sql: [...columns, jobResultTexts(dialect)].join(' UNION '), params: [] };
}

/**
 * The statement of {@link Store.updateJob} for every SQL store: the patch's fields as columns
 * (JSON ones as text) of job `id`, only while its status is one of `whenStatus` when given.
 * Undefined when there is nothing to update (an empty patch or an empty `whenStatus`).
 * @example updateJobStatement('j1', { progress: 0.5 }, ['running']) // UPDATE jobs SET progress = $1 WHERE id = $2 AND status IN ($3)
 */
export function updateJobStatement(id: string, patch: JobPatch, whenStatus?: readonly JobStatus[]): SqlStatement | undefined {
  const fields: Array<[string, unknown]> = [
    ['status', patch.status],
    ['progress', patch.progress],
    ['stage', patch.stage],
    ['error', patch.error === undefined ? undefined : patch.error && JSON.stringify(patch.error)],
    ['result', patch.result === undefined ? undefined : patch.result && JSON.stringify(patch.result)],
    ['started_at', patch.startedAt],
    ['finished_at', patch.finishedAt],
  ];
  const set = fields.filter(([, v]) => v !== undefined);
  if (!set.length || whenStatus?.length === 0) return undefined;
  const params: unknown[] = [...set.map(([, v]) => v), id, ...(whenStatus ?? [])];
  const at = (k: number) => `$${k + 1}`;
  const when = whenStatus ? ` AND status IN (${whenStatus.map((_, k) => at(set.length + 1 + k)).join(', ')})` : '';
  return { sql: `UPDATE jobs SET ${set.map(([c], k) => `${c} = ${at(k)}`).join(', ')} WHERE id = ${at(set.length)}${when}`, params };
}

/** The job params that name the plan a job works on (a live such job blocks the plan's delete). */
export const JOB_PLAN_PARAMS: readonly string[] = ['planId', 'from'];
/** The paths of a plan's `inputs` that name its lineage parent (a plan with a child is not deleted). */
export const LINEAGE_PARENT_PATHS: readonly (readonly string[])[] = [['from'], ['lineage', 'parent', 'planId']];
/** The tables whose rows (`plan_id`) belong to a plan and go with it, dependants first. */
export const PLAN_OWNED_TABLES: readonly string[] = ['alternative_sets', 'staffing', 'plan_settings', 'plan_versions'];

/** What {@link deletePlanProcedure} did: the result, and the refs of the blobs it left unreferenced. */
export interface PlanDeleteOutcome {
  result: PlanDeleteResult;
  /** Blobs of the deleted plan that no remaining row names: the store deletes them. */
  orphanBlobs: string[];
}

/**
 * The rule and steps of {@link Store.deletePlan}, for every SQL store: not found → refused while a
 * live job ({@link LIVE_JOB_STATUSES}) names the plan in a {@link JOB_PLAN_PARAMS} param → refused
 * while another plan names it at a {@link LINEAGE_PARENT_PATHS} path → else the rows of
 * {@link PLAN_OWNED_TABLES} and the plan are deleted, and the blobs its versions and staffing
 * results named that nothing else names (a version or staffing of another plan, a dataset, a
 * top-level field of a job result) are returned as orphans. On Postgres the plan row is locked (`FOR UPDATE`) first, then
 * the rows of its blobs (so of two deletes of plans sharing blobs, the second sees the first's rows gone).
 * @example const { result, orphanBlobs } = this.run(deletePlanProcedure('sqlite', planId)); // in SqliteStore
 */
export function* deletePlanProcedure(dialect: SqlDialect, planId: string): StoreProcedure<PlanDeleteOutcome> {
  const refuse = (result: PlanDeleteResult): PlanDeleteOutcome => ({ result, orphanBlobs: [] });
  const lock = dialect === 'postgres' ? ' FOR UPDATE' : '';
  if (!(yield { sql: `SELECT 1 FROM plans WHERE id = $1${lock}`, params: [planId] }).length) return refuse({ status: 'not-found' });
  const live = LIVE_JOB_STATUSES.map((s) => `'${s}'`).join(', ');
  const [job] = yield {
    sql: `SELECT id FROM jobs WHERE status IN (${live}) AND (${JOB_PLAN_PARAMS.map((k) => `${jsonText(dialect, 'params', [k])} = $1`).join(' OR ')}) ORDER BY created_at, id LIMIT 1`,
    params: [planId],
  };
  if (job) return refuse({ status: 'job-running', jobId: String(job.id) });
  const [child] = yield {
    sql: `SELECT id FROM plans WHERE id <> $1 AND (${LINEAGE_PARENT_PATHS.map((p) => `${jsonText(dialect, 'inputs', p)} = $1`).join(' OR ')}) ORDER BY created_at, id LIMIT 1`,
    params: [planId],
  };
  if (child) return refuse({ status: 'lineage-parent', planId: String(child.id) });
  const owned = BLOB_REF_COLUMNS.filter((c) => c.plan !== null)
    .map(({ table, column, plan }) => `SELECT ${column} AS ref FROM ${table} WHERE ${plan} = $1 AND ${column} IS NOT NULL`)
    .join(' UNION ');
  // Postgres: two deletes of plans sharing blobs (a plan and its copy) would each see the other's
  // versions still there (READ COMMITTED) and both keep the shared blobs; locking the plan's blob
  // rows first (in ref order: no deadlock) makes the second wait for the first to commit, and its
  // next statement sees the first's versions gone
  if (dialect === 'postgres') yield { sql: `SELECT ref FROM blobs WHERE ref IN (${owned}) ORDER BY ref FOR UPDATE`, params: [planId] };
  // the plan's blobs that no other row names, found before its rows go (one statement: indexed
  // lookups per blob, one pass over the job results)
  const orphans = yield {
    sql: `SELECT c.ref FROM (${owned}) c
          WHERE ${BLOB_REF_COLUMNS.map(
            ({ table, column, plan }) =>
              `NOT EXISTS (SELECT 1 FROM ${table} r WHERE r.${column} = c.ref${plan ? ` AND r.${plan} <> $1` : ''})`,
          ).join('\n            AND ')}
            AND c.ref NOT IN (${jobResultTexts(dialect)})`,
    params: [planId],
  };
  for (const table of PLAN_OWNED_TABLES) yield { sql: `DELETE FROM ${table} WHERE plan_id = $1`, params: [planId] };
  yield { sql: 'DELETE FROM plans WHERE id = $1', params: [planId] };
  const orphanBlobs = orphans.map((r) => String(r.ref));
  return { result: { status: 'deleted' }, orphanBlobs };
}

/**
 * The steps of {@link Store.renamePlan}, for every SQL store: compare-and-set on the current
 * version (the plan row locked on Postgres), then a `rename` version made of the current one's
 * blobs, current and latest, and the new name.
 * @returns the current version after the rename, or undefined when the plan is unknown or not at `expectedCurrent`
 * @example const v = await this.tx((c) => this.runOn(c, renamePlanProcedure('postgres', id, 'North 2027', 3, now, tokenId))); // in PostgresStore
 */
export function* renamePlanProcedure(
  dialect: SqlDialect,
  planId: string,
  name: string,
  expectedCurrent: number,
  now: string,
  by: string | null,
): StoreProcedure<PlanVersionRecord | undefined> {
  const lock = dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [p] = yield { sql: `SELECT name, current_version, latest_version FROM plans WHERE id = $1${lock}`, params: [planId] };
  if (!p || Number(p.current_version) !== expectedCurrent) return undefined;
  const [cur] = yield { sql: 'SELECT * FROM plan_versions WHERE plan_id = $1 AND version = $2', params: [planId, expectedCurrent] };
  if (!cur) return undefined;
  const current = toVersion(cur);
  if (String(p.name) === name) return current;
  const v: PlanVersionRecord = {
    planId,
    version: Number(p.latest_version) + 1,
    parentVersion: expectedCurrent,
    action: 'rename',
    summary: { name: { from: String(p.name), to: name } },
    planBlobRef: current.planBlobRef,
    metricsBlobRef: current.metricsBlobRef,
    createdAt: now,
    createdBy: by,
  };
  yield {
    sql: 'INSERT INTO plan_versions (plan_id, version, parent_version, action, summary, plan_blob_ref, metrics_blob_ref, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
    params: [planId, v.version, v.parentVersion, v.action, JSON.stringify(v.summary), v.planBlobRef, v.metricsBlobRef, now, by],
  };
  yield {
    sql: 'UPDATE plans SET name = $1, current_version = $2, latest_version = $2, updated_at = $3 WHERE id = $4',
    params: [name, v.version, now, planId],
  };
  return v;
}
