/**
 * Storing what a job computed, as data rather than a closure. A route that starts a job hands
 * the queue a {@link ResultSpec}: the job's kind plus the ids and options needed to store its
 * output (the plan request, the plan and version a staffing belongs to…), plain JSON. Whichever
 * process finishes the job calls {@link storeJobResult} with that spec and the store — the
 * in-process runner (SQLite) or the `beatplan worker` that computed it (PostgreSQL) — so a job
 * no longer depends on the API instance that accepted it staying alive.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { lineageSummary, type SerializedPlan } from '../engine-service.js';
import { ApiError } from '../errors.js';
import { writePlanVersion } from '../plan-access.js';
import type { PlanRequest } from '../schemas.js';
import type { JobRecord, PlanRecord, Store } from '../store/store.js';
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

/**
 * Stores the output `out` of job `job` as `spec` says and returns the job's `result`
 * (references only, small). Callers check first that the job is still live (not cancelled).
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
  const blob = (doc: unknown) => store.putBlob(Buffer.from(JSON.stringify(doc), 'utf8'));
  switch (spec.kind) {
    case 'score': {
      const cellsBlob = await store.putBlob(Buffer.from(String(out.cellsCsv), 'utf8'));
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
      const summary = lineageSummary(s.planJson);
      const lineage = summary
        ? { ...summary, parent: { ...(summary.parent as object), planId: from?.planId ?? null, version: from?.version ?? null } }
        : undefined;
      const p: PlanRecord = {
        id: randomUUID(),
        name: body.name ?? `plan ${now.slice(0, 16)}`,
        inputs: { ...body, ...(beats !== null ? { beats } : {}), resolution: s.resolution, jobId: job.id, ...(lineage ? { lineage } : {}) },
        currentVersion: 0,
        latestVersion: 0,
        createdAt: now,
        updatedAt: now,
        createdBy: by,
      };
      await store.insertPlan(p);
      await writePlanVersion(store, p, body.method, { report: s.report ?? null }, s, by);
      return { planId: p.id, version: 1, plan: `/api/v1/plans/${p.id}`, warnings: reportWarnings(s.report) };
    }
    case 'staff': {
      const id = randomUUID();
      const blobRef = await blob(out.staffing);
      await store.insertStaffing({
        id,
        planId: spec.planId,
        planVersion: spec.version,
        rosterDatasetId: spec.rosterId,
        blobRef,
        createdAt: new Date().toISOString(),
        createdBy: by,
      });
      return { staffingId: id, staffing: `/api/v1/plans/${spec.planId}/staffing/${id}` };
    }
    case 'rebalance': {
      const s = out as unknown as SerializedPlan & { report: { movedShare: number | null; locked: string[] } };
      const now = await store.getPlan(spec.planId);
      if (!now) throw new ApiError('NOT_FOUND', `plan ${spec.planId} no longer exists`);
      // written from the version the job re-planned: refused (412) if the plan moved on meanwhile
      const nv = await writePlanVersion(
        store,
        { ...now, currentVersion: spec.fromVersion },
        'rebalance',
        { fromVersion: spec.fromVersion, movedShare: s.report.movedShare, locked: s.report.locked },
        s,
        by,
      );
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
      const whatIfBlob = await blob({ planId, version, roster: rosterId, ...(out.whatIf as object) });
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
      const simulationBlob = await blob({ planId, version, staffing: staffingId, ...doc });
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
