/**
 * Plan routes beyond reading and editing: re-balancing the unlocked beats (a job), response
 * figures, what-if staffing runs (a job) and the meeting places and schedule behind the
 * public "find my beat" lookup.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { engineFileName } from '../context-cache.js';
import type { IncidentReadOptions, LoadedPlan } from '../engine-service.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http.js';
import { DEFAULT_MEETING_SCHEDULE, PlanAccess, planEtag } from '../plan-access.js';
import {
  IdParams,
  IdSchema,
  JobSchema,
  MeetingPlaceSchema,
  MeetingSettingsSchema,
  PlanResponseSchema,
  RebalanceRequestSchema,
  ResponseQuery,
  ResponseWhatIfRequestSchema,
  ResponseWhatIfSchema,
  SimulationRequestSchema,
  SimulationResultSchema,
  SimulationRunSchema,
  WhatIfRequestSchema,
  WhatIfResultSchema,
} from '../schemas.js';
import type { PlanRecord, PlanSettings } from '../store/store.js';
import { jobDto } from './jobs.js';
import { staffFileOptionsOf } from './plans.js';

const IF_MATCH = [{ name: 'If-Match', required: true, description: 'The ETag of the version to re-balance' }];

const MeetingsSchema = z.object({
  version: z.number().int(),
  venues: IdSchema.nullable(),
  meetingSchedule: z.string(),
  defaultSchedule: z.string(),
  meetingScheduleByBeat: z.record(z.string(), z.string()),
  beats: z.array(z.object({ beat: z.string(), place: MeetingPlaceSchema.nullable(), schedule: z.string() })),
});

/** Registers re-balance, response, what-if and meeting routes. */
export function planAnalysisRoutes(t: RouteTable, ctx: AppContext): void {
  const { store } = ctx;
  const access = new PlanAccess(ctx);

  const rosterOf = async (id: string) => {
    const roster = await store.getDataset(id);
    if (roster?.kind !== 'roster') {
      throw new ApiError('VALIDATION_FAILED', `body.roster: no roster dataset ${id}`, {
        errors: [{ path: 'body.roster', message: 'no roster dataset with this id' }],
      });
    }
    return roster;
  };

  t.add({
    method: 'post',
    path: '/plans/:id/rebalance',
    operationId: 'rebalancePlan',
    summary: 'Re-balance the unlocked beats (a job → a new version)',
    description:
      'Re-plans the current version with its locked beats kept and as little change as possible (the search starts from the current beats and pays for every cell it moves), with the same number of beats and tolerance. The job follows the usual progress events and can be cancelled; when it succeeds its result names the new version. If the plan gets another version while the job runs, the job fails with `PRECONDITION_FAILED` and nothing is written. Send `{}` for the defaults.',
    tag: 'edits',
    role: 'commander',
    params: IdParams,
    body: RebalanceRequestSchema,
    headers: IF_MATCH,
    responses: {
      202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } },
      412: { description: 'If-Match is not the current version: reload and retry' },
      428: { description: 'If-Match is missing' },
    },
    handler: async ({ req, res, params, body, principal }) => {
      const p = await access.getPlan(params.id);
      access.checkIfMatch(req.get('if-match'), p);
      const v = await access.getVersion(p);
      const { json } = await access.loadPlan(p, v);
      const job = await ctx.runner.submit(
        { kind: 'rebalance', planId: p.id, fromVersion: v.version },
        { planId: p.id, version: v.version, ...body },
        { kind: 'rebalance', planJson: json, options: body },
        principal.tokenId,
      );
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/response',
    operationId: 'getPlanResponse',
    summary: 'Response figures of a plan version (hypercube model): city, per shift, per beat, per district',
    description:
      'Without `staffing`, the officers on duty per beat and shift are those required by the time model (36 h/week per officer, saturation 0.6, at least 1 per beat and shift); with `staffing`, the officers allocated by that staffing (of its plan version). Computed once per version and staffing in a compute worker process (never on the request thread), then cached.',
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    query: ResponseQuery,
    responses: {
      200: {
        description:
          'Mean and p90 travel minutes, utilisation (rho), cross-beat dispatch share, queue wait — city-wide, per shift, per beat and per district (all shifts together)',
        schema: PlanResponseSchema,
        headers: { ETag: 'The version the figures are for' },
      },
      422: { description: 'The model cannot run (`INFEASIBLE`: a shift over 100% utilisation; `BAD_INPUT`: the plan holds no incidents)' },
    },
    handler: async ({ res, params, query }) => {
      const p = await access.getPlan(params.id);
      const r = await access.response(p, query.version, query.staffing);
      res.setHeader('ETag', planEtag(p.id, r.version)).json(r);
    },
  });

  t.add({
    method: 'post',
    path: '/plans/:id/response/whatif',
    operationId: 'responseWhatIf',
    summary: 'Response figures with other officers on duty (per beat and shift, or another saturation target): no roster, answered at once',
    description:
      'Starts from the officers the time model requires (`saturationTarget`, default 0.6, at least 1 per beat and shift), applies the `units` overrides and runs the hypercube model. `before` is what `GET /plans/{id}/response` gives without a staffing; `after` the what-if. No officer names are involved, so analysts may ask.',
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    body: ResponseWhatIfRequestSchema,
    responses: {
      200: { description: '`{ planId, version, before, after }`, each a ResponseFigures', schema: ResponseWhatIfSchema },
      400: {
        description:
          '`VALIDATION_FAILED`: the body fails its schema, or names a beat or shift the plan does not have (`errors[].path`: `body.units.<k>.beat` / `.shift`)',
      },
      422: { description: '`INFEASIBLE`: a shift over 100% utilisation with these officers' },
    },
    handler: async ({ res, params, body }) => {
      const p = await access.getPlan(params.id);
      const v = await access.getVersion(p, body.version);
      // an unknown beat or shift named in the body is a malformed request (400), refused before any model runs
      refuseUnknownNames((await access.loadPlan(p, v)).loaded, 'units', body.units ?? []);
      // both run in the compute pool's worker threads: the request thread only waits
      const [{ planId: _p, version: _v, staffing: _s, ...before }, after] = await Promise.all([
        access.response(p, v.version, undefined),
        access.computeResponse(p, v, { kind: 'responseWhatIf', input: body }),
      ]);
      res.setHeader('ETag', planEtag(p.id, v.version)).json({ planId: p.id, version: v.version, before, after });
    },
  });

  t.add({
    method: 'post',
    path: '/plans/:id/whatif',
    operationId: 'createWhatIf',
    summary: 'What-if staffing run (a job): officers out, workload × factor in an area',
    description:
      'Staffs the plan version from `roster` twice — as it is, and with `officersOut` officers out per shift and the workload of the cells whose centre lies in `area` multiplied by `factor` — and reports the staffing difference and the response figures before and after. The result is read at `GET /plans/{id}/whatif/{jobId}`. An infeasible scenario is reported in the result (`infeasible`), not as a failed job.',
    tag: 'staffing',
    role: 'commander',
    params: IdParams,
    body: WhatIfRequestSchema,
    responses: { 202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } } },
    handler: async ({ res, params, body, principal }) => {
      const p = await access.getPlan(params.id);
      const v = await access.getVersion(p, body.version);
      const roster = await rosterOf(body.roster);
      const { loaded, json } = await access.loadPlan(p, v);
      refuseUnknownNames(loaded, 'officersOut', body.officersOut ?? []);
      const scenario = {
        ...(body.officersOut ? { officersOut: body.officersOut } : {}),
        ...(body.area ? { area: body.area, factor: body.factor } : {}),
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
      };
      const job = await ctx.runner.submit(
        { kind: 'whatif', planId: p.id, version: v.version, rosterId: roster.id },
        { planId: p.id, version: v.version, roster: roster.id, ...scenario },
        {
          kind: 'whatif',
          planJson: json,
          roster: { path: store.blobPath(roster.blobRef), fileName: engineFileName(roster) },
          scenario,
          options: await staffFileOptionsOf(store, body),
        },
        principal.tokenId,
      );
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/whatif/:jobId',
    operationId: 'getWhatIf',
    summary: 'The result of a what-if run: staffing diff and response before/after',
    tag: 'staffing',
    role: 'commander',
    params: z.object({ id: IdSchema, jobId: IdSchema }),
    responses: {
      200: {
        description: '`{ planId, version, scenario, infeasible, diff, response: { before, after }, roster }`',
        schema: WhatIfResultSchema,
      },
      409: { description: 'The job has not succeeded (`JOB_NOT_FINISHED`)' },
    },
    handler: async ({ res, params }) => {
      const j = await store.getJob(params.jobId);
      if (j?.kind !== 'whatif' || j.params.planId !== params.id)
        throw new ApiError('NOT_FOUND', `no what-if run ${params.jobId} for plan ${params.id}`);
      if (j.status !== 'succeeded' || !j.result?.whatIfBlob)
        throw new ApiError('JOB_NOT_FINISHED', `what-if run ${params.jobId} is ${j.status}`);
      res.type('application/json').send(await store.getBlob(String(j.result.whatIfBlob)));
    },
  });

  t.add({
    method: 'post',
    path: '/plans/:id/simulations',
    operationId: 'createSimulation',
    summary: 'Replay calls against a plan version and its staffing (a job): response = queue + travel, beside the hypercube',
    description:
      "Runs `beatplan simulate` as a job on the plan version of `staffing`: the incidents (`incidents`, default the plan's own) at their real times and places, service minutes from the service-time table with a lognormal spread, units on duty from the staffing by the time model (officers × 36 h ÷ shift hours), dispatch to the beat's own free unit, else the nearest free unit, else a queue by priority. With `poisson`, Poisson calls at the plan's rates instead. The result (`GET /plans/{id}/simulations/{jobId}`) is simulation.json: response time (mean, p50, p90) for the city, per shift, per beat and shift and per priority; cross-beat share, queued share, utilisation; the hypercube model's figures and the differences beside them.",
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    body: SimulationRequestSchema,
    responses: {
      202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } },
      404: { description: 'No such plan or staffing of the plan' },
    },
    handler: async ({ res, params, body, principal }) => {
      const p = await access.getPlan(params.id);
      const s = await store.getStaffing(body.staffing);
      if (!s || s.planId !== p.id) throw new ApiError('NOT_FOUND', `no staffing ${body.staffing} for plan ${p.id}`);
      const v = await access.getVersion(p, s.planVersion);
      const incidentsId = body.poisson ? undefined : (body.incidents ?? String(p.inputs.incidents ?? ''));
      let incidents: { path: string; fileName: string; read: IncidentReadOptions; id: string } | undefined;
      if (incidentsId !== undefined) {
        const d = await store.getDataset(incidentsId);
        if (d?.kind !== 'incidents') {
          throw new ApiError('VALIDATION_FAILED', `body.incidents: no incidents dataset ${incidentsId}`, {
            errors: [{ path: 'body.incidents', message: 'no incidents dataset with this id' }],
          });
        }
        incidents = {
          path: store.blobPath(d.blobRef),
          fileName: engineFileName(d),
          read: (d.info.read ?? {}) as IncidentReadOptions,
          id: d.id,
        };
      }
      const planJson = (await store.getBlob(v.planBlobRef)).toString('utf8');
      const staffingJson = (await store.getBlob(s.blobRef)).toString('utf8');
      const roads = await access.roadsFile(p);
      const { staffing: _s, incidents: _i, ...options } = body;
      const job = await ctx.runner.submit(
        { kind: 'simulate', planId: p.id, version: v.version, staffingId: s.id },
        { planId: p.id, version: v.version, staffing: s.id, incidents: incidents?.id ?? null, ...options },
        {
          kind: 'simulate',
          planJson,
          staffing: { json: staffingJson, id: s.id },
          ...(incidents ? { incidents } : {}),
          ...(roads ? { roads } : {}),
          options,
        },
        principal.tokenId,
      );
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/simulations',
    operationId: 'listSimulations',
    summary: 'Simulation runs of a plan (of one version with `version`), newest first',
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    query: z.object({ version: z.coerce.number().int().min(1).optional() }),
    responses: {
      200: {
        description:
          '`{ items: [{ jobId, status, version, staffing, mode, city, simulation, createdAt }] }`: `city` holds the replayed figures of finished runs, `simulation` the URL of the whole result',
        schema: z.object({ items: z.array(SimulationRunSchema) }),
      },
    },
    handler: async ({ res, params, query }) => {
      const p = await access.getPlan(params.id);
      const jobs = (await store.listJobs(1000)).filter(
        (j) => j.kind === 'simulate' && j.params.planId === p.id && (query.version === undefined || j.params.version === query.version),
      );
      res.json({
        items: jobs.map((j) => ({
          jobId: j.id,
          status: j.status,
          version: j.params.version,
          staffing: j.params.staffing,
          mode: j.params.poisson ? 'poisson' : 'replay',
          city: j.result?.city ?? null,
          simulation: j.status === 'succeeded' ? `/api/v1/plans/${p.id}/simulations/${j.id}` : null,
          createdAt: j.createdAt,
        })),
      });
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/simulations/:jobId',
    operationId: 'getSimulation',
    summary: 'The result of a simulation run: simulation.json',
    tag: 'plans',
    role: 'analyst',
    params: z.object({ id: IdSchema, jobId: IdSchema }),
    responses: {
      200: {
        description:
          '`{ planId, version, staffing, format, mode, calls, assumptions, unitsOnDuty, city, shifts[], priorities[], beats[], hypercube, comparison, warnings }` (see `beatplan simulate --help`)',
        schema: SimulationResultSchema,
      },
      409: { description: 'The job has not succeeded (`JOB_NOT_FINISHED`)' },
    },
    handler: async ({ res, params }) => {
      const j = await store.getJob(params.jobId);
      if (j?.kind !== 'simulate' || j.params.planId !== params.id)
        throw new ApiError('NOT_FOUND', `no simulation run ${params.jobId} for plan ${params.id}`);
      if (j.status !== 'succeeded' || !j.result?.simulationBlob)
        throw new ApiError('JOB_NOT_FINISHED', `simulation run ${params.jobId} is ${j.status}`);
      res.type('application/json').send(await store.getBlob(String(j.result.simulationBlob)));
    },
  });

  async function meetingsDto(p: PlanRecord, settings: PlanSettings) {
    const v = await access.getVersion(p);
    const { loaded } = await access.loadPlan(p, v);
    const places = await access.meetingPlaces(p, v, settings);
    return {
      version: v.version,
      venues: settings.venues,
      meetingSchedule: settings.meetingSchedule ?? DEFAULT_MEETING_SCHEDULE,
      defaultSchedule: DEFAULT_MEETING_SCHEDULE,
      meetingScheduleByBeat: settings.meetingScheduleByBeat,
      beats: loaded.plan.beatIds.map((beat) => ({
        beat,
        place: places?.get(beat) ?? null,
        schedule: PlanAccess.scheduleOf(settings, beat),
      })),
    };
  }

  t.add({
    method: 'get',
    path: '/plans/:id/meetings',
    operationId: 'getPlanMeetings',
    summary: "Each beat's community meeting place and schedule (current version)",
    description: `Meeting places are chosen among the plan's venues (\`PUT /plans/{id}/meetings\`) to minimise the residents' walk. Without a configured schedule every beat meets "${DEFAULT_MEETING_SCHEDULE}".`,
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'Meeting places and schedules', schema: MeetingsSchema } },
    handler: async ({ res, params }) => {
      const p = await access.getPlan(params.id);
      res.json(await meetingsDto(p, await access.settings(p)));
    },
  });

  t.add({
    method: 'put',
    path: '/plans/:id/meetings',
    operationId: 'setPlanMeetings',
    summary: 'Set the venues and meeting schedule of a plan (for the public lookup)',
    tag: 'plans',
    role: 'commander',
    params: IdParams,
    body: MeetingSettingsSchema,
    responses: { 200: { description: 'Meeting places and schedules', schema: MeetingsSchema } },
    handler: async ({ res, params, body }) => {
      const p = await access.getPlan(params.id);
      if (body.venues !== null) {
        const d = await store.getDataset(body.venues);
        if (d?.kind !== 'venues') {
          throw new ApiError('VALIDATION_FAILED', `body.venues: no venues dataset ${body.venues}`, {
            errors: [{ path: 'body.venues', message: 'no venues dataset with this id' }],
          });
        }
      }
      const byBeat = body.meetingScheduleByBeat ?? {};
      const { loaded } = await access.loadPlan(p, await access.getVersion(p));
      const known = new Set(loaded.plan.beatIds);
      const unknown = Object.keys(byBeat).filter((b) => !known.has(b));
      if (unknown.length) {
        const errors = unknown.map((b) => ({ path: `body.meetingScheduleByBeat.${b}`, message: 'no such beat in the current version' }));
        throw new ApiError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
      }
      const settings: PlanSettings = { venues: body.venues, meetingSchedule: body.meetingSchedule ?? null, meetingScheduleByBeat: byBeat };
      await store.putPlanSettings(p.id, settings, new Date().toISOString());
      res.json(await meetingsDto(p, settings));
    },
  });
}

/**
 * Refuses a request body that names a beat or shift the plan does not have: a 400
 * `VALIDATION_FAILED` with one `errors[]` entry per unknown name, path `body.<list>.<k>.beat` /
 * `body.<list>.<k>.shift` (the API's one rule: a name in the request that matches nothing is a
 * malformed request, not unusable content).
 * @param list the body field holding the entries (`units`, `officersOut`)
 * @throws ApiError `VALIDATION_FAILED` when any entry names an unknown beat or shift
 */
export function refuseUnknownNames(p: LoadedPlan, list: string, entries: ReadonlyArray<{ beat?: string; shift?: string }>): void {
  const shiftIds = p.scores.shifts.map((s) => s.id);
  const beatIds = new Set(p.plan.beatIds);
  const errors = entries.flatMap((e, k) => [
    ...(e.beat !== undefined && !beatIds.has(e.beat)
      ? [{ path: `body.${list}.${k}.beat`, message: `no beat "${e.beat}" in the plan` }]
      : []),
    ...(e.shift !== undefined && !shiftIds.includes(e.shift)
      ? [{ path: `body.${list}.${k}.shift`, message: `no shift "${e.shift}" in the plan (shifts: ${shiftIds.join(', ')})` }]
      : []),
  ]);
  if (errors.length) throw new ApiError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}
