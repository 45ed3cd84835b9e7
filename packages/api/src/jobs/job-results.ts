/**
 * Storing what a job computed, as data rather than a closure. A route that starts a job hands
 * the queue a {@link ResultSpec}: the job's kind plus the ids and options needed to store its
 * output (the plan request, the plan and version a staffing belongs to…), plain JSON. Whichever
 * process finishes the job calls {@link storeJobResult} with that spec and the store — the
 * in-process runner (SQLite) or the `beatplan worker` that computed it (PostgreSQL) — so a job
 * no longer depends on the API instance that accepted it staying alive.
 *
 * Storing is idempotent per job, so a retry of a job whose worker died after storing its result
 * and before writing the job's final state finds what the first attempt stored and returns the
 * same result instead of writing a second record: the plan of a `plan` job and the staffing of a
 * `staff` job have ids derived from the job id ({@link jobScopedId}); the version a `rebalance`
 * job writes carries the job id in its summary (`jobId`). The result blobs of `score`, `whatif`,
 * `simulate` and `staff` jobs are stored under a ref derived from the job id too
 * (`putBlob(data, ref)` keeps a blob of that ref that exists), so a retry stores no second blob
 * and its result names the first attempt's.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { type LineageSummary, lineageSummary, type SerializedPlan } from '../engine-service.js';
import { ApiError } from '../errors.js';
import { writePlanVersion } from '../plan-access.js';
import type { PlanRequest } from '../schemas.js';
import type { JobRecord, PlanRecord, StaffingRecord, Store } from '../store/store.js';
import type { WorkerMessage } from './job-protocol.js';

/**
 * How to store a job's output (JSON, it travels with the queued job). `by` of every written
 * record is the job's `createdBy`.
 * - `score`: cells.csv as a blob; the result holds the report and the blob ref.
 * - `plan`: a new plan from `body` (beat count `beats`, parent `from`) with version 1.
 * - `staff`: a staffing of plan `planId` version `version` from roster `rosterId`.
 * - `rebalance`: a new version of `planId`, written only while it is still at `fromVersion`.
 * - `whatif` / `simulate`: the result document as a blob, read back by its GET route.
 * - `changecurve`: the curve itself in the result (`{ planId, version, curve }`, small).
 */
export type ResultSpec =
  | { kind: 'score' }
  | { kind: 'plan'; body: PlanRequest; beats: number | null; from: { planId: string; version: number } | null }
  | { kind: 'staff'; planId: string; version: number; rosterId: string }
  | { kind: 'rebalance'; planId: string; fromVersion: number }
  | { kind: 'whatif'; planId: string; version: number; rosterId: string }
  | { kind: 'simulate'; planId: string; version: number; staffingId: string }
  | { kind: 'changecurve'; planId: string; version: number };

/** The namespace of {@link jobScopedId} (a fixed random UUID, Beatplan's own). */
const JOB_SCOPED_NAMESPACE = Buffer.from('3f0d6c1e8a4b4c7e9b2a5d8e1f3c6a90', 'hex');

/**
 * The id of the record of kind `what` (`plan`, `staffing`) that job `jobId` stores: a name-based
 * UUID (version 5, RFC 9562: SHA-1 of a fixed namespace and `what:jobId`), the same every time,
 * so a retried job finds the record its first attempt stored.
 * @example jobScopedId(job.id, 'plan') // e.g. '0b7c…-5…' (a valid UUID, stable for that job)
 */
export function jobScopedId(jobId: string, what: string): string {
  const h = createHash('sha1').update(JOB_SCOPED_NAMESPACE).update(`${what}:${jobId}`, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Runs `write` (a write that fails when its record already exists or the plan moved on); when it
 * throws, `find` looks for the record another attempt of the same job stored meanwhile and, if
 * there is one, it is the answer; otherwise the error stands.
 */
async function writeOrFind<T>(write: () => Promise<T>, find: () => Promise<NoInfer<T> | undefined>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const found = await find();
    if (found === undefined) throw err;
    return found;
  }
}

/**
 * Stores the output `out` of job `job` as `spec` says and returns the job's `result`
 * (references only, small). Callers check first that the job is still live (not cancelled).
 * Idempotent per job (see the module comment): called again for the same job, it writes no
 * second plan, version or staffing and returns the same result.
 * @throws ApiError `PRECONDITION_FAILED` when a rebalanced plan moved on while the job ran, `NOT_FOUND` when its plan is gone
 * @example const result = await storeJobResult(store, job, { kind: 'score' }, output);
 */
export async function storeJobResult(
  store: Store,
  job: JobRecord,
  spec: ResultSpec,
  out: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const by = job.createdBy ?? '';
  // the job's result blob of kind `what`, stored once per job whatever the attempts
  const put = (text: string, what: string) => store.putBlob(Buffer.from(text, 'utf8'), jobScopedId(job.id, `${what} blob`));
  const blob = (doc: unknown, what: string) => put(JSON.stringify(doc), what);
  switch (spec.kind) {
    case 'score': {
      const cellsBlob = await put(String(out.cellsCsv), 'cells.csv');
      return {
        resolution: out.resolution,
        cellCount: out.cellCount,
        ingest: out.ingest,
        score: out.score,
        timingsMs: out.timingsMs,
        cells: `/api/v1/scores/${job.id}/cells.csv`,
        cellsBlob,
      };
    }
    case 'plan': {
      const { body, beats, from } = spec;
      const s = out as unknown as SerializedPlan & { resolution: number; report?: unknown };
      const now = new Date().toISOString();
      // computed by the job's worker (job-worker.ts) so plan.json is not parsed here, on the request thread
      const summary = 'lineageSummary' in out ? (out.lineageSummary as LineageSummary | null) : lineageSummary(s.planJson);
      const lineage = summary
        ? { ...summary, parent: { ...(summary.parent as object), planId: from?.planId ?? null, version: from?.version ?? null } }
        : undefined;
      const id = jobScopedId(job.id, 'plan');
      const fresh: PlanRecord = {
        id,
        name: body.name ?? `plan ${now.slice(0, 16)}`,
        inputs: { ...body, ...(beats !== null ? { beats } : {}), resolution: s.resolution, jobId: job.id, ...(lineage ? { lineage } : {}) },
        currentVersion: 0,
        latestVersion: 0,
        createdAt: now,
        updatedAt: now,
        createdBy: by,
      };
      // a retry finds the plan (and maybe its version 1) the first attempt stored
      const p =
        (await store.getPlan(id)) ??
        (await writeOrFind<PlanRecord>(
          () => store.insertPlan(fresh).then(() => fresh),
          () => store.getPlan(id),
        ));
      if (p.currentVersion === 0) {
        await writeOrFind(
          () => writePlanVersion(store, p, body.method, { report: s.report ?? null }, s, by),
          () => store.getPlanVersion(id, 1),
        );
      }
      return { planId: p.id, version: 1, plan: `/api/v1/plans/${p.id}`, warnings: reportWarnings(s.report) };
    }
    case 'staff': {
      const id = jobScopedId(job.id, 'staffing');
      const result = { staffingId: id, staffing: `/api/v1/plans/${spec.planId}/staffing/${id}` };
      if (await store.getStaffing(id)) return result;
      const blobRef = await blob(out.staffing, 'staffing');
      const record: StaffingRecord = {
        id,
        planId: spec.planId,
        planVersion: spec.version,
        rosterDatasetId: spec.rosterId,
        blobRef,
        createdAt: new Date().toISOString(),
        createdBy: by,
      };
      await writeOrFind(
        () => store.insertStaffing(record).then(() => record),
        () => store.getStaffing(id),
      );
      return result;
    }
    case 'rebalance': {
      const s = out as unknown as SerializedPlan & { report: { movedShare: number | null; locked: string[] } };
      const now = await store.getPlan(spec.planId);
      if (!now) throw new ApiError('NOT_FOUND', `plan ${spec.planId} no longer exists`);
      // written from the version the job re-planned: refused (412) if the plan moved on meanwhile;
      // the version is marked with the job id, so a retry finds it instead of writing another
      const stored = async () => (await store.listPlanVersions(spec.planId)).find((v) => v.summary.jobId === job.id);
      const nv =
        (await stored()) ??
        (await writeOrFind(
          () =>
            writePlanVersion(
              store,
              { ...now, currentVersion: spec.fromVersion },
              'rebalance',
              { fromVersion: spec.fromVersion, movedShare: s.report.movedShare, locked: s.report.locked, jobId: job.id },
              s,
              by,
            ),
          stored,
        ));
      return {
        planId: spec.planId,
        version: nv.version,
        fromVersion: spec.fromVersion,
        movedShare: s.report.movedShare,
        plan: `/api/v1/plans/${spec.planId}`,
        warnings: reportWarnings(s.report),
      };
    }
    case 'whatif': {
      const { planId, version, rosterId } = spec;
      const whatIfBlob = await blob({ planId, version, roster: rosterId, ...(out.whatIf as object) }, 'whatif');
      return {
        planId,
        version,
        infeasible: (out.whatIf as { infeasible: string | null }).infeasible,
        whatIf: `/api/v1/plans/${planId}/whatif/${job.id}`,
        whatIfBlob,
      };
    }
    case 'simulate': {
      const { planId, version, staffingId } = spec;
      const doc = out.simulation as { city?: unknown; mode?: string; warnings?: unknown };
      const simulationBlob = await blob({ planId, version, staffing: staffingId, ...doc }, 'simulation');
      return {
        planId,
        version,
        staffing: staffingId,
        mode: doc.mode,
        city: doc.city,
        warnings: doc.warnings,
        simulation: `/api/v1/plans/${planId}/simulations/${job.id}`,
        simulationBlob,
      };
    }
    case 'changecurve':
      return { planId: spec.planId, version: spec.version, curve: out.curve };
  }
}

/** The fields of a job result that name a blob the job stored (`score`, `whatif`, `simulate`). */
export const RESULT_BLOB_FIELDS = ['cellsBlob', 'whatIfBlob', 'simulationBlob'] as const;

/**
 * Deletes the blobs a job result names ({@link RESULT_BLOB_FIELDS}): for a result stored by a job
 * whose end was refused because a cancel was stored first (no row names them then). Records
 * (a plan, a version, a staffing) stay. Never throws.
 * @example if (!stored && outcome.result) await discardResultBlobs(store, outcome.result);
 */
export async function discardResultBlobs(store: Store, result: Record<string, unknown>): Promise<void> {
  for (const field of RESULT_BLOB_FIELDS) {
    const ref = result[field];
    if (typeof ref === 'string') await store.deleteBlob(ref).catch(() => undefined);
  }
}

/**
 * The warnings of a planning report as the CLI prints them: the planner's notes, then where the
 * plan is not what was asked (`unmet`: beats outside the band, a change budget exceeded and why).
 * @example reportWarnings({ warnings: [], unmet: ['the change budget of 0% of the workload is exceeded: …'] }) // that one line
 */
export function reportWarnings(report: unknown): string[] {
  const r = (report ?? {}) as { warnings?: unknown; unmet?: unknown };
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((w): w is string => typeof w === 'string') : []);
  return [...strings(r.warnings), ...strings(r.unmet)];
}

/** The terminal fields a finished job gets. */
export type JobOutcome =
  | { status: 'succeeded'; progress: 1; result: Record<string, unknown> }
  | { status: 'failed'; error: { code: string; detail: string } };

/**
 * What a job ends as, given its worker thread's last message: the engine's refusal as it
 * came; or its output stored by {@link storeJobResult} (a refusal raised while storing, e.g.
 * `PRECONDITION_FAILED`, keeps its code; anything else is logged and becomes `INTERNAL`).
 * Undefined when the job is no longer live (cancelled meanwhile): nothing is stored then.
 * @example const outcome = await finishComputed(store, log, job.id, spec, message);
 */
export async function finishComputed(
  store: Store,
  log: Logger,
  jobId: string,
  spec: ResultSpec,
  message: Exclude<WorkerMessage, { type: 'progress' }>,
): Promise<JobOutcome | undefined> {
  const job = await store.getJob(jobId);
  if (!job || (job.status !== 'queued' && job.status !== 'running')) return undefined;
  if (message.type === 'error') return { status: 'failed', error: { code: message.code, detail: message.detail } };
  try {
    return { status: 'succeeded', progress: 1, result: await storeJobResult(store, job, spec, message.result) };
  } catch (err) {
    if (err instanceof ApiError) return { status: 'failed', error: { code: err.code, detail: err.message } };
    log.error({ err, jobId }, 'job result could not be stored');
    return { status: 'failed', error: { code: 'INTERNAL', detail: 'the result could not be stored' } };
  }
}
