/**
 * The storage interface of the API. Every method is async so that a PostgreSQL/PostGIS
 * store serving several API instances can implement the same interface; the default
 * implementation is {@link SqliteStore} (one file under the data folder).
 *
 * Content (uploaded files, plan.json of each version, job results) is kept as opaque blobs
 * named by the store (`putBlob` → ref). A ref is never a client-supplied path.
 */

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
  /** What made this version: `plan`, `move`, `lock`, `unlock`, `rebalance`. */
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
  /** Stores bytes under a store-chosen name and returns its ref. */
  putBlob(data: Uint8Array): Promise<string>;
  /**
   * Adopts a file already written inside the store's staging folder (see `stagingPath`) as a
   * blob, without copying it. Used for streamed uploads.
   */
  adoptStagedBlob(stagingName: string): Promise<string>;
  /** A fresh absolute path in the staging folder to stream an upload into, with its name. */
  stagingPath(): { name: string; path: string };
  /** Deletes a staged file (upload aborted). Never throws. */
  discardStaged(stagingName: string): Promise<void>;
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
   * like an edit; the name is not versioned). Returns false when stale or unknown.
   */
  renamePlan(planId: string, name: string, expectedCurrent: number, now: string): Promise<boolean>;
  /**
   * Deletes a plan with its versions, settings, staffing results and alternative sets, in one
   * transaction, unless a live job (queued or running, whose params name the plan as `planId` or
   * `from`) works on it or another plan is its lineage child (`inputs.from` or
   * `inputs.lineage.parent.planId`). Datasets and blobs stay: blobs are immutable and may be
   * shared with a copy of the plan.
   */
  deletePlan(planId: string): Promise<PlanDeleteResult>;

  insertJob(j: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  listJobs(limit?: number): Promise<JobRecord[]>;
  updateJob(id: string, patch: JobPatch): Promise<void>;
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
