/**
 * Plans without curl (issue 16 item 5) and the change curve through the API (item 4):
 *
 * - `POST /plans/{id}/copy` (analyst): a new plan whose version 1 is a version of this one (the
 *   same stored plan.json, so the copy keeps the lineage: same parent, same inherited ids) and
 *   this plan's settings; `inputs.copiedFrom` names the source.
 * - `PATCH /plans/{id}` (commander): rename, with If-Match like every edit; a rename writes a
 *   version (same beats), so its ETag changes and a second rename with the old one is 412.
 * - `DELETE /plans/{id}` (commander): the plan, its versions, settings, staffing results and
 *   alternative sets, and the stored files no other plan, dataset or job still names; never a
 *   dataset. Refused (409) while a job works on the plan or while
 *   another plan names it as its lineage parent (delete the children first: their lineage would
 *   name a plan that no longer exists).
 * - `POST /plans/{id}/change-curve` (analyst): a job that re-plans from a version once per change
 *   budget and reports, per budget, the workload share moved, balance and compactness — the
 *   trade-off the map's re-plan slider draws.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http.js';
import { PlanAccess, planEtag } from '../plan-access.js';
import { DisplayNameSchema, IdParams, IdSchema, JobSchema, PlanSchema } from '../schemas.js';
import type { PlanRecord } from '../store/store.js';
import { jobDto } from './jobs.js';
import { planDto } from './plans.js';

/** `POST /plans/{id}/copy`. */
export const CopyPlanRequestSchema = z.object({
  name: DisplayNameSchema.optional().meta({ description: 'Name of the copy (default: the name and " (copy)")' }),
  version: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Version to copy (default: the current one); it becomes version 1 of the copy' }),
});

/** `PATCH /plans/{id}`. */
export const RenamePlanRequestSchema = z.object({ name: DisplayNameSchema.meta({ description: 'The new name' }) });

/** Budgets of a change curve when none are given: 0–50% of the workload, then unbounded. */
export const DEFAULT_CHANGE_BUDGETS: readonly number[] = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1];

/** `POST /plans/{id}/change-curve`. */
export const ChangeCurveRequestSchema = z.object({
  budgets: z
    .array(z.number().min(0).max(1))
    .min(1)
    .max(12)
    .default([...DEFAULT_CHANGE_BUDGETS])
    .meta({
      description: `Change budgets: shares (0–1) of the workload allowed to change beat, one re-plan each (default ${DEFAULT_CHANGE_BUDGETS.join(', ')})`,
    }),
  version: z.number().int().min(1).optional().meta({ description: 'The version re-planned from (default: the current one)' }),
  tolerance: z.number().positive().max(1).optional().meta({ description: "Balance tolerance (default: the plan's)" }),
  seed: z.union([z.number().int(), z.string().max(100)]).optional(),
  timeLimitMs: z.number().int().positive().max(600_000).optional().meta({ description: 'Time limit of each re-plan, ms' }),
});

/** One point of a change curve as the job result holds it (the engine's `ChangeCurvePoint`). */
export const ChangeCurvePointSchema = z.object({
  budget: z.number().meta({ description: 'The budget asked for: share of the workload allowed to change beat' }),
  movedWorkloadShare: z.number().meta({ description: 'Share of the workload whose cell changed beat against the plan' }),
  movedCellShare: z.number().meta({ description: 'Share of the cells that changed beat' }),
  maxOverMean: z.number().meta({ description: 'Balance: workload of the busiest beat ÷ the mean beat workload' }),
  cv: z.number().meta({ description: 'Standard deviation ÷ mean of the beat workloads' }),
  beatsOutsideBand: z.number().int().meta({ description: 'Beats outside mean × (1 ± tolerance)' }),
  polsbyPopperMean: z.number().meta({ description: 'Compactness: mean Polsby-Popper score of the beats (1 is a disc)' }),
  polsbyPopperMin: z.number(),
  unconstrained: z
    .boolean()
    .meta({ description: 'The budget exceeds what the unbudgeted minimal-change re-plan moves: the point is that plan' }),
  budgetExceeded: z.string().optional().meta({
    description:
      'Set when the re-plan moved more than the budget: the warning saying so and why (e.g. mending a beat the version has in two pieces)',
  }),
});

/** The result of a `changecurve` job. */
export const ChangeCurveResultSchema = z
  .object({
    planId: IdSchema,
    version: z.number().int().meta({ description: 'The version re-planned from' }),
    curve: z.object({
      tolerance: z.number().meta({ description: 'The balance band ±tolerance around the mean beat workload' }),
      balanceOn: z.string().meta({ description: 'What is balanced (`total` workload, or one shift)' }),
      points: z.array(ChangeCurvePointSchema).meta({ description: 'One per budget, in increasing budget' }),
    }),
  })
  .meta({ id: 'ChangeCurveResult' });

/**
 * The fields a copy takes from its source's inputs: everything (datasets, options, lineage,
 * `from`) but the job that made the source; `copiedFrom` names the source and its version.
 */
export function copiedInputs(source: PlanRecord, version: number): Record<string, unknown> {
  const { jobId: _job, copiedFrom: _copied, ...inputs } = source.inputs as { jobId?: unknown; copiedFrom?: unknown };
  return { ...inputs, copiedFrom: { planId: source.id, version } };
}

/** Registers copy, rename, delete and change-curve routes of plans. */
export function planAdminRoutes(t: RouteTable, ctx: AppContext): void {
  const { store } = ctx;
  const access = new PlanAccess(ctx);

  t.add({
    method: 'post',
    path: '/plans/:id/copy',
    operationId: 'copyPlan',
    summary: 'Copy a plan (a new plan whose version 1 is a version of this one)',
    description:
      "The copy's version 1 is the copied version's plan.json and metrics as stored, so the copy keeps the lineage (same parent, same inherited ids); its inputs are the source's, with `copiedFrom` naming the source and version; the source's settings (meeting places and schedule) are copied. Edits of either plan never touch the other.",
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    body: CopyPlanRequestSchema,
    responses: {
      201: { description: 'The copy', schema: PlanSchema, headers: { Location: 'URL of the copy', ETag: 'The copy at version 1' } },
      404: { description: 'No such plan or version' },
    },
    handler: async ({ res, params, body, principal }) => {
      const source = await access.getPlan(params.id);
      const v = await access.getVersion(source, body.version);
      const now = new Date().toISOString();
      const copy: PlanRecord = {
        id: randomUUID(),
        name: body.name ?? `${source.name} (copy)`,
        inputs: copiedInputs(source, v.version),
        currentVersion: 0,
        latestVersion: 0,
        createdAt: now,
        updatedAt: now,
        createdBy: principal.tokenId,
      };
      await store.insertPlan(copy);
      const first = {
        planId: copy.id,
        version: 1,
        parentVersion: null,
        action: 'copy',
        summary: { from: { planId: source.id, version: v.version } },
        planBlobRef: v.planBlobRef,
        metricsBlobRef: v.metricsBlobRef,
        createdAt: now,
        createdBy: principal.tokenId,
      };
      if (!(await store.appendPlanVersion(first, 0))) throw new ApiError('INTERNAL', `the copy ${copy.id} could not be written`);
      // a delete of the source between reading its version and writing the copy's may have
      // deleted the blobs the copy names (the copy's version now keeps any later delete from it)
      if (!(await store.getPlan(source.id))) {
        await store.deletePlan(copy.id);
        throw new ApiError('NOT_FOUND', `plan ${source.id} was deleted while it was copied`);
      }
      const settings = await store.getPlanSettings(source.id);
      if (settings) await store.putPlanSettings(copy.id, settings, now);
      const stored = (await store.getPlan(copy.id))!;
      res.status(201).location(`/api/v1/plans/${copy.id}`).setHeader('ETag', planEtag(copy.id, 1)).json(planDto(stored));
    },
  });

  t.add({
    method: 'patch',
    path: '/plans/:id',
    operationId: 'renamePlan',
    summary: 'Rename a plan (If-Match: the ETag of the current version)',
    description:
      "A rename writes a new version (action `rename`, the same beats and metrics, summary `{ name: { from, to } }`) that becomes current, so the plan's ETag changes: of two renames sent with the same If-Match the second is 412 (`PRECONDITION_FAILED`), as for any edit. The name is the plan's, not the version's: undo and redo leave it as it is. Renaming to the current name writes nothing and answers the current version.",
    tag: 'plans',
    role: 'commander',
    params: IdParams,
    body: RenamePlanRequestSchema,
    headers: [{ name: 'If-Match', required: true, description: 'The ETag of the current version' }],
    responses: {
      200: { description: 'The renamed plan', schema: PlanSchema, headers: { ETag: 'The new current version (the rename)' } },
      404: { description: 'No such plan' },
      412: { description: 'If-Match is not the current version (an edit or another rename came first): reload and retry' },
      428: { description: 'If-Match is missing' },
    },
    handler: async ({ req, res, params, body, principal }) => {
      const p = await access.getPlan(params.id);
      access.checkIfMatch(req.get('if-match'), p);
      const v = await store.renamePlan(p.id, body.name, p.currentVersion, new Date().toISOString(), principal.tokenId);
      if (!v) {
        const now = await access.getPlan(p.id);
        throw new ApiError('PRECONDITION_FAILED', `plan ${p.id} changed while it was renamed (now version ${now.currentVersion})`, {
          headers: { ETag: planEtag(p.id, now.currentVersion) },
        });
      }
      const renamed = await access.getPlan(p.id);
      res.setHeader('ETag', planEtag(renamed.id, v.version)).json(planDto(renamed));
    },
  });

  t.add({
    method: 'delete',
    path: '/plans/:id',
    operationId: 'deletePlan',
    summary: 'Delete a plan (its versions, settings, staffing and alternative sets; never its datasets)',
    description:
      'Refused with 409 while a job works on the plan (a re-plan, re-balance, staffing, simulation… queued or running: cancel it or wait) and while another plan names it as its lineage parent (delete or keep that plan first). With If-Match, refused with 412 when the plan was edited since. The stored files of its versions and staffing results go too, unless another plan (a copy), a dataset or a job result still names them. Datasets stay.',
    tag: 'plans',
    role: 'commander',
    params: IdParams,
    headers: [
      { name: 'If-Match', required: false, description: 'The ETag of the current version: delete only if the plan is still at it' },
    ],
    responses: {
      204: { description: 'Deleted' },
      404: { description: 'No such plan' },
      409: { description: 'A job works on the plan, or another plan is its lineage child (`CONFLICT`, naming it)' },
      412: { description: 'If-Match is not the current version' },
    },
    handler: async ({ req, res, params }) => {
      const p = await access.getPlan(params.id);
      if (req.get('if-match') !== undefined) access.checkIfMatch(req.get('if-match'), p);
      const r = await store.deletePlan(p.id);
      if (r.status === 'not-found') throw new ApiError('NOT_FOUND', `plan ${p.id} does not exist`);
      if (r.status === 'job-running')
        throw new ApiError('CONFLICT', `plan ${p.id} has a job in progress (job ${r.jobId}): cancel it or wait for it to end, then delete`);
      if (r.status === 'lineage-parent')
        throw new ApiError('CONFLICT', `plan ${p.id} is the lineage parent of plan ${r.planId}: delete that plan first, or keep this one`);
      res.status(204).end();
    },
  });

  t.add({
    method: 'post',
    path: '/plans/:id/change-curve',
    operationId: 'planChangeCurve',
    summary: 'The change curve of a plan: per change budget, the balance and compactness a re-plan reaches (a job)',
    description:
      "Re-plans from the version once per budget on the version's own grid and scores, with the same beat count (as `beatplan plan --change-curve`): per budget, the share of the workload and of the cells that change beat, balance (busiest beat ÷ mean, cv, beats outside the band) and compactness. Only the figures are kept; `POST /plans/{id}/replan` with the chosen `maxChange` makes the plan. The job result is `{ planId, version, curve }` (see ChangeCurveResult).",
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    body: ChangeCurveRequestSchema,
    responses: {
      202: {
        description: 'The job; its result is the ChangeCurveResult, also at the Location once it succeeded',
        schema: JobSchema,
        headers: { Location: 'URL of the curve (GET /plans/{id}/change-curve/{jobId})' },
      },
    },
    handler: async ({ res, params, body, principal }) => {
      const p = await access.getPlan(params.id);
      const v = await access.getVersion(p, body.version);
      const planJson = (await store.getBlob(v.planBlobRef)).toString('utf8');
      const { version: _v, ...options } = body;
      const job = await ctx.runner.submit(
        { kind: 'changecurve', planId: p.id, version: v.version },
        { planId: p.id, version: v.version, ...options },
        { kind: 'changecurve', planJson, options },
        principal.tokenId,
      );
      res.status(202).location(`/api/v1/plans/${p.id}/change-curve/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/change-curve/:jobId',
    operationId: 'getPlanChangeCurve',
    summary: 'The change curve a `POST /plans/{id}/change-curve` job computed',
    description:
      'The job result, typed. Follow the job (`GET /jobs/{id}`, or its events) for progress; this answers 409 until the job succeeded.',
    tag: 'plans',
    role: 'analyst',
    params: z.object({ id: IdSchema, jobId: IdSchema }),
    responses: {
      200: { description: 'The curve', schema: ChangeCurveResultSchema },
      404: { description: 'No change-curve job with this id for this plan' },
      409: { description: 'The job has not succeeded (yet): its status and error are in the detail' },
    },
    handler: async ({ res, params }) => {
      const job = await store.getJob(params.jobId);
      if (job?.kind !== 'changecurve' || job.params.planId !== params.id)
        throw new ApiError('NOT_FOUND', `no change-curve job ${params.jobId} for plan ${params.id}`);
      if (job.status !== 'succeeded' || !job.result) {
        throw new ApiError('CONFLICT', `the change-curve job ${job.id} is ${job.status}${job.error ? `: ${job.error.detail}` : ''}`);
      }
      res.json(ChangeCurveResultSchema.parse(job.result));
    },
  });
}
