import type { AppContext } from '../app-context.js';
import { resolveInputs } from '../context-cache.js';
import { ApiError } from '../errors.js';
import { pageOf, type RouteTable } from '../http.js';
import { publicJobResult } from '../public-view.js';
import { CellsSchema, IdParams, type JobDto, JobSchema, PageQuery, pageSchema, ScoreCellsQuery, ScoreRequestSchema } from '../schemas.js';
import type { JobRecord } from '../store/store.js';

/**
 * The API view of a job: internal blob refs (`*Blob` keys) are left out of `result`. For a
 * viewer (`publicView`), `result` keeps only links, ids and version numbers and an error only
 * its code: both can hold incident-derived figures (ingest reports, moved workload shares).
 */
export function jobDto(j: JobRecord, publicView = false): JobDto {
  const result = j.result ? Object.fromEntries(Object.entries(j.result).filter(([k]) => !k.endsWith('Blob'))) : null;
  if (publicView) {
    return {
      ...jobDto(j),
      result: publicJobResult(result),
      error: j.error ? { code: j.error.code, detail: 'details need the analyst role' } : null,
    };
  }
  const self = `/api/v1/jobs/${j.id}`;
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    progress: j.progress,
    stage: j.stage,
    error: j.error,
    result,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    links: { self, events: `${self}/events`, cancel: `${self}/cancel` },
  };
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Jobs `GET /jobs` pages through: the newest this many. */
const JOB_LIST_CAP = 10_000;

/** Registers job and score routes. */
export function jobRoutes(t: RouteTable, ctx: AppContext): void {
  t.add({
    method: 'get',
    path: '/jobs',
    operationId: 'listJobs',
    summary: 'List recent jobs, newest first',
    tag: 'jobs',
    role: 'viewer',
    query: PageQuery,
    responses: { 200: { description: `Jobs, newest first (the newest ${JOB_LIST_CAP}), one page`, schema: pageSchema(JobSchema) } },
    handler: async ({ req, res, query, principal }) => {
      const page = pageOf(await ctx.store.listJobs(JOB_LIST_CAP), (j) => j.id, query, req, res);
      res.json({ items: page.items.map((j) => jobDto(j, principal.role === 'viewer')), next: page.next });
    },
  });

  t.add({
    method: 'get',
    path: '/jobs/:id',
    operationId: 'getJob',
    summary: 'Get a job: status, progress, error or result',
    tag: 'jobs',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'The job', schema: JobSchema } },
    handler: async ({ res, params, principal }) => {
      const j = await ctx.store.getJob(params.id);
      if (!j) throw new ApiError('NOT_FOUND', `no job ${params.id}`);
      res.json(jobDto(j, principal.role === 'viewer'));
    },
  });

  t.add({
    method: 'get',
    path: '/jobs/:id/events',
    operationId: 'jobEvents',
    summary: 'Follow a job over Server-Sent Events',
    description:
      'Events: `status` (the job now), `progress` (fraction and stage), then `done` with the final job, after which the stream ends. Disconnecting does not stop the job.',
    tag: 'jobs',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'An event stream; each `data:` is a Job', mediaType: 'text/event-stream' } },
    handler: async ({ req, res, params, principal }) => {
      const viewer = principal.role === 'viewer';
      const job = await ctx.store.getJob(params.id);
      if (!job) throw new ApiError('NOT_FOUND', `no job ${params.id}`);
      res.status(200);
      res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
      res.setHeader('Cache-Control', 'no-cache, no-transform');
      res.setHeader('Connection', 'keep-alive');
      res.setHeader('X-Accel-Buffering', 'no');
      res.flushHeaders();
      let seq = 0;
      const send = (event: string, j: JobRecord) => {
        res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(jobDto(j, viewer))}\n\n`);
      };
      let closed = false;
      const end = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(heartbeat);
        res.end();
      };
      const unsubscribe = ctx.runner.subscribe(params.id, (e) => {
        if (closed) return;
        if (TERMINAL.has(e.job.status)) {
          send('done', e.job);
          end();
        } else send(e.type, e.job);
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      heartbeat.unref();
      // Client gone: stop writing; the job goes on.
      req.on('close', end);
      // Re-read after subscribing so a change in between is not lost.
      const now = (await ctx.store.getJob(params.id))!;
      if (TERMINAL.has(now.status)) {
        send('done', now);
        end();
      } else send('status', now);
    },
  });

  t.add({
    method: 'post',
    path: '/jobs/:id/cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a queued or running job',
    description: 'The worker is stopped at once. Cancelling a finished job changes nothing and returns it as it is.',
    tag: 'jobs',
    role: 'analyst',
    params: IdParams,
    responses: { 200: { description: 'The job after cancelling', schema: JobSchema } },
    handler: async ({ res, params }) => {
      const j = await ctx.runner.cancel(params.id);
      if (!j) throw new ApiError('NOT_FOUND', `no job ${params.id}`);
      res.json(jobDto(j));
    },
  });

  t.add({
    method: 'post',
    path: '/scores',
    operationId: 'createScoreRun',
    summary: 'Grid a boundary and score its cells (a job)',
    description:
      'Builds the H3 grid, locates the incidents and scores workload and engagement need per cell. The result has the grid size, the ingest and score reports and a link to cells.csv.',
    tag: 'scores',
    role: 'analyst',
    body: ScoreRequestSchema,
    responses: { 202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } } },
    handler: async ({ res, body, principal }) => {
      const inputs = await resolveInputs(ctx.store, body);
      const job = await ctx.runner.submit({ kind: 'score' }, body, { kind: 'score', inputs }, principal.tokenId);
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/scores/:id/cells',
    operationId: 'getScoreCellsInBbox',
    summary: 'Cells of a finished score run in a bbox (aggregated at low zoom)',
    description:
      'The cells whose centre lies in `bbox`, in the one cells shape `{ resolution, aggregated, columns: [h3, workload, need], rows }`; with `zoom`, cells smaller than a few pixels are summed into coarser H3 cells.',
    tag: 'scores',
    role: 'analyst',
    params: IdParams,
    query: ScoreCellsQuery,
    responses: {
      200: { description: 'Cells (`h3, workload, need` rows)', schema: CellsSchema },
      409: { description: 'The job has not succeeded' },
    },
    handler: async ({ res, params, query }) => {
      const j = await ctx.store.getJob(params.id);
      if (j?.kind !== 'score') throw new ApiError('NOT_FOUND', `no score run ${params.id}`);
      if (j.status !== 'succeeded' || !j.result?.cellsBlob) throw new ApiError('JOB_NOT_FINISHED', `score run ${params.id} is ${j.status}`);
      // in a compute worker, which reads the run's cells.csv (grid rebuilt) once and keeps a few runs
      const blob = String(j.result.cellsBlob);
      // (the answer's JSON bytes, as every large answer from a worker: see `textBytes`)
      const cells = await ctx.compute.run<Buffer>(j.id, 0, () => ctx.store.getBlob(blob), {
        kind: 'scoreCells',
        bbox: query.bbox,
        ...(query.zoom !== undefined ? { zoom: query.zoom } : {}),
      });
      res.type('application/json').send(cells);
    },
  });

  t.add({
    method: 'get',
    path: '/scores/:id/cells.csv',
    operationId: 'getScoreCells',
    summary: 'cells.csv of a finished score run (h3, workload, need, incidents, population, workload per shift)',
    description: "Exact incident counts per cell: analysts and up (a viewer sees incidents only pooled, through a plan's public views).",
    tag: 'scores',
    role: 'analyst',
    params: IdParams,
    responses: { 200: { description: 'CSV', mediaType: 'text/csv' }, 409: { description: 'The job has not succeeded' } },
    handler: async ({ res, params }) => {
      const j = await ctx.store.getJob(params.id);
      if (j?.kind !== 'score') throw new ApiError('NOT_FOUND', `no score run ${params.id}`);
      if (j.status !== 'succeeded' || !j.result?.cellsBlob) throw new ApiError('JOB_NOT_FINISHED', `score run ${params.id} is ${j.status}`);
      res.type('text/csv').send(await ctx.store.getBlob(String(j.result.cellsBlob)));
    },
  });
}
