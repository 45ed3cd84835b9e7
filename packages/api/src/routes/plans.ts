/**
 * Plan routes: create (a job), read (plan, versions, metrics, beats GeoJSON, cells, compare,
 * export), edit with optimistic concurrency (moves, locks, undo/redo), point lookup and
 * staffing.
 */

import { beatShiftAssignmentsCsv, type StaffingJsonBeats } from '@beatplan/engine';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth.js';
import { engineFileName, resolveInputs } from '../context-cache.js';
import { lookupBeat, type StaffFileOptions } from '../engine-service.js';
import { ApiError } from '../errors.js';
import { pageOf, type RouteTable } from '../http.js';
import { DEFAULT_MEETING_SCHEDULE, PlanAccess, planEtag } from '../plan-access.js';
import { publicSummary } from '../public-view.js';
import {
  BeatsQuery,
  CellsQuery,
  CellsSchema,
  CompareQuery,
  EditResultSchema,
  EquityQuery,
  EquitySchema,
  ExportQuery,
  IdParams,
  IdSchema,
  IncidentBinsSchema,
  JobSchema,
  LineageSchema,
  type LineageSummarySchema,
  LockRequestSchema,
  LookupQuery,
  MeetingPlaceSchema,
  MoveRequestSchema,
  PageQuery,
  PlanComparisonSchema,
  PlanMetricsSchema,
  type PlanRequest,
  PlanRequestSchema,
  PlanSchema,
  PlanVersionSchema,
  pageSchema,
  ReplanRequestSchema,
  StaffingQuery,
  StaffingResultSchema,
  StaffingRunSchema,
  type StaffOptionsInput,
  StaffRequestSchema,
  VersionQuery,
} from '../schemas.js';
import type { DatasetKind, DatasetRecord, JobRecord, PlanRecord, PlanVersionRecord, Store } from '../store/store.js';
import { jobDto } from './jobs.js';

export { planEtag };

/**
 * A dataset of `kind` named by a request field, as a server-side file.
 * @param field the field as `errors[].path` names it (`body.fleet`, `query.areas`)
 * @throws ApiError 400 `VALIDATION_FAILED` naming the field when there is no such dataset of that kind
 */
export async function datasetFileOf(
  store: Store,
  id: string,
  kind: DatasetKind,
  field: string,
): Promise<{ d: DatasetRecord; file: { path: string; fileName: string } }> {
  const d = await store.getDataset(id);
  if (!d || d.kind !== kind)
    throw new ApiError('VALIDATION_FAILED', `${field}: no ${kind} dataset ${id}`, {
      errors: [{ path: field, message: `no ${kind} dataset with this id` }],
    });
  return { d, file: { path: store.blobPath(d.blobRef), fileName: engineFileName(d) } };
}

/**
 * The staffing options of a staffing or what-if request (the CLI's `staff` flags) with their
 * datasets (fleet, skill layers) as files, for the engine's `staffPlanFromFiles` / `whatIfFromFiles`.
 * @throws ApiError 400 naming `body.fleet` or `body.skills.<k>.layer` when the dataset is not of that kind
 */
export async function staffFileOptionsOf(store: Store, body: StaffOptionsInput): Promise<StaffFileOptions> {
  const skills = [];
  for (const [k, s] of (body.skills ?? []).entries()) {
    const { d, file } = await datasetFileOf(store, s.layer, 'layer', `body.skills.${k}.layer`);
    skills.push({
      skill: s.skill,
      layer: file,
      field: String(d.info.field),
      ...(s.minShare !== undefined ? { minShare: s.minShare } : {}),
    });
  }
  return {
    ...(body.fleet ? { fleet: (await datasetFileOf(store, body.fleet, 'fleet', 'body.fleet')).file } : {}),
    ...(body.saturationTarget !== undefined ? { saturationTarget: body.saturationTarget } : {}),
    ...(body.minOfficersPerBeat !== undefined ? { minOfficersPerBeat: body.minOfficersPerBeat } : {}),
    ...(skills.length ? { skills } : {}),
  };
}

/** A plan as the API shows it (`PlanSchema`): inputs without the job id and lineage, which get fields of their own. */
export function planDto(p: PlanRecord) {
  const { jobId, lineage, ...inputs } = p.inputs as { jobId?: string; lineage?: z.infer<typeof LineageSummarySchema> };
  return {
    id: p.id,
    name: p.name,
    inputs,
    version: p.currentVersion,
    latestVersion: p.latestVersion,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    job: jobId ?? null,
    lineage: lineage ?? null,
  };
}

const IF_MATCH = [{ name: 'If-Match', required: true, description: 'The ETag of the version the edit is based on' }];
const EDIT_RESPONSES = {
  200: { description: 'The new current version', schema: EditResultSchema, headers: { ETag: 'ETag of the new version' } },
  409: {
    description:
      'Rejected by the engine (`MOVE_REJECTED`: contiguity, an emptied or locked beat) or nothing to move/undo/redo (`CONFLICT`)',
  },
  412: { description: 'If-Match is not the current version: reload and retry' },
  428: { description: 'If-Match is missing' },
};

/** Registers plan, edit, lookup and staffing routes. */
export function planRoutes(
  t: RouteTable,
  ctx: AppContext,
): { submitPlan: (body: PlanRequest, principal: Principal) => Promise<JobRecord> } {
  const { store } = ctx;

  const access = new PlanAccess(ctx);
  const getPlan = (id: string) => access.getPlan(id);
  const getVersion = (p: PlanRecord, version?: number) => access.getVersion(p, version);
  const loadPlan = (p: PlanRecord, v: PlanVersionRecord) => access.loadPlan(p, v);
  const checkIfMatch = (header: string | undefined, p: PlanRecord) => access.checkIfMatch(header, p);
  /** The small-count threshold of a principal's views: set for viewers (the public), none for the others. */
  const publicK = (principal: Principal): number | undefined => (principal.role === 'viewer' ? ctx.config.privacyK : undefined);

  const datasetFile = (id: string, kind: DatasetKind, field: string) => datasetFileOf(store, id, kind, field);
  /** A dataset of kind `beats` (polygons with an id property: districts, areas) as an id-polygons file. */
  const idPolygonsFile = async (id: string, field: string) => {
    const { d, file } = await datasetFile(id, 'beats', field);
    return { ...file, idField: String(d.info.idField) };
  };
  const staffFileOptions = (body: StaffOptionsInput) => staffFileOptionsOf(store, body);

  /**
   * Starts a planning job for a `POST /plans` body; with `from`, the parent version's plan.json
   * goes with the task (lineage) and the new plan records its lineage summary.
   */
  const submitPlan = async (body: PlanRequest, principal: Principal) => {
    const inputs = await resolveInputs(store, body);
    let existing: { path: string; fileName: string; idField: string } | undefined;
    let existingCount: number | undefined;
    if (body.existing) {
      const { d, file } = await datasetFile(body.existing, 'beats', 'body.existing');
      existing = { ...file, idField: String(d.info.idField) };
      existingCount = Array.isArray(d.info.ids) ? d.info.ids.length : undefined;
    }
    // without units, the plan is made on the street blocks of the roads (the CLI's --roads)
    const roads = body.roads !== undefined ? (await datasetFile(body.roads, 'roads', 'body.roads')).file : undefined;
    if (body.method === 'import' && !existing) {
      throw new ApiError('VALIDATION_FAILED', 'body.existing: required with method "import"', {
        errors: [{ path: 'body.existing', message: 'required with method "import"' }],
      });
    }
    // The parent plan (lineage): its version's stored plan.json travels with the task.
    let from: { planJson: string; name: string; planId: string; version: number; beats: number } | undefined;
    if (body.from) {
      const parent = await store.getPlan(body.from);
      const v = parent ? await store.getPlanVersion(parent.id, body.fromVersion ?? parent.currentVersion) : undefined;
      if (!parent || !v) {
        const path = parent ? 'body.fromVersion' : 'body.from';
        throw new ApiError('VALIDATION_FAILED', `${path}: no plan ${body.from}${parent ? ` version ${body.fromVersion}` : ''}`, {
          errors: [{ path, message: parent ? 'no such version of the parent plan' : 'no plan with this id' }],
        });
      }
      const { loaded, json } = await loadPlan(parent, v);
      from = {
        planJson: json,
        name: `plan ${parent.id} version ${v.version}`,
        planId: parent.id,
        version: v.version,
        beats: new Set(loaded.plan.beatIds).size,
      };
    }
    const districts = body.districts ? await idPolygonsFile(body.districts, 'body.districts') : undefined;
    const units = body.units ? await datasetFile(body.units, 'units', 'body.units') : undefined;
    if (body.locked?.length && !from && !existing) {
      throw new ApiError('VALIDATION_FAILED', 'body.locked: needs `from` or `existing`', {
        errors: [{ path: 'body.locked', message: 'needs `from` or `existing`' }],
      });
    }
    if (body.startFromExisting && !from && !existing) {
      throw new ApiError('VALIDATION_FAILED', 'body.startFromExisting: needs `from` or `existing`', {
        errors: [{ path: 'body.startFromExisting', message: 'needs `from` or `existing`' }],
      });
    }
    const k = body.beats ?? from?.beats ?? existingCount;
    if (body.method === 'plan' && k === undefined) {
      throw new ApiError('VALIDATION_FAILED', 'body.beats: required unless `from` or `existing` beats give the count', {
        errors: [{ path: 'body.beats', message: 'required unless a parent plan or existing beats are given' }],
      });
    }
    const task = {
      kind: 'plan' as const,
      inputs: { ...inputs, ...(k !== undefined ? { beats: k } : {}) },
      method: body.method,
      options: {
        ...(k !== undefined ? { beats: k } : {}),
        ...(body.tolerance !== undefined ? { tolerance: body.tolerance } : {}),
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        ...(body.timeLimitMs !== undefined ? { timeLimitMs: body.timeLimitMs } : {}),
        ...(body.startFromExisting ? { startFromExisting: true } : {}),
        ...(body.maxChange !== undefined ? { maxChange: body.maxChange } : {}),
        ...(body.cutEdgeWeight !== undefined ? { cutEdgeWeight: body.cutEdgeWeight } : {}),
        ...(body.changePenalty !== undefined ? { changePenalty: body.changePenalty } : {}),
        ...(body.balance !== undefined ? { balance: body.balance } : {}),
        ...(body.locked?.length ? { locked: body.locked } : {}),
        ...(districts ? { districts } : {}),
        ...(units
          ? { units: { ...units.file, ...(typeof units.d.info.idField === 'string' ? { idField: units.d.info.idField } : {}) } }
          : {}),
        ...(roads ? { roads } : {}),
      },
      ...(existing ? { existing } : {}),
      ...(from ? { from: { planJson: from.planJson, name: from.name } } : {}),
    };
    const job = await ctx.runner.submit(
      { kind: 'plan', body, beats: k ?? null, from: from ? { planId: from.planId, version: from.version } : null },
      body,
      task,
      principal.tokenId,
    );
    return job;
  };

  t.add({
    method: 'post',
    path: '/plans',
    operationId: 'createPlan',
    summary: 'Plan beats (or import the existing beats) as a job',
    description:
      'Grids the boundary, scores the cells and partitions them into contiguous, balanced, compact beats. With `method: import` the plan is the `existing` beats, evaluated on the same grid and scores. The job result names the new plan.',
    tag: 'plans',
    role: 'analyst',
    body: PlanRequestSchema,
    responses: {
      202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } },
    },
    handler: async ({ res, body, principal }) => {
      const job = await submitPlan(body, principal);
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'post',
    path: '/plans/:id/replan',
    operationId: 'replanPlan',
    summary: 'Re-plan from this plan (a new plan whose parent is this one) as a job',
    description:
      "Plans anew on the datasets of this plan, with this plan as the parent: by default starting from it and changing as little as possible (`maxChange` caps the share of workload that changes beat). The new beats inherit this plan's ids by overlap and the new plan records the lineage. The job result names the new plan.",
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    body: ReplanRequestSchema,
    responses: {
      202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } },
    },
    handler: async ({ res, params, body, principal }) => {
      const p = await getPlan(params.id);
      const {
        jobId: _job,
        lineage: _lineage,
        name: _name,
        from: _from,
        fromVersion: _v,
        maxChange: _m,
        startFromExisting: _s,
        seed: _seed,
        timeLimitMs: _t,
        ...inputs
      } = p.inputs as PlanRequest & { jobId?: string; lineage?: unknown };
      const request: PlanRequest = {
        ...inputs,
        method: 'plan',
        ...(body.name !== undefined ? { name: body.name } : { name: `${p.name} (re-plan)` }),
        ...(body.seed !== undefined ? { seed: body.seed } : {}),
        ...(body.tolerance !== undefined ? { tolerance: body.tolerance } : {}),
        ...(body.beats !== undefined ? { beats: body.beats } : {}),
        ...(body.maxChange !== undefined ? { maxChange: body.maxChange } : {}),
        ...(body.timeLimitMs !== undefined ? { timeLimitMs: body.timeLimitMs } : {}),
        startFromExisting: body.startFromExisting,
        from: p.id,
        fromVersion: p.currentVersion,
      };
      const job = await submitPlan(request, principal);
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/lineage',
    operationId: 'getPlanLineage',
    summary: 'The lineage of a plan version: parent, inherited ids, and the old beats each beat draws from',
    description:
      "Per beat, the parent beats it draws from with `workloadShare` (share of this beat's workload from the old beat) and `parentShare` (share of the old beat's workload this beat holds). Workload shares are figures of small areas, so the route is for analysts. `lineage` is null for a plan without a parent.",
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    query: VersionQuery,
    responses: { 200: { description: 'The lineage', schema: LineageSchema } },
    handler: async ({ res, params, query }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      const { loaded } = await loadPlan(p, v);
      const l = loaded.lineage;
      res.json({
        version: v.version,
        lineage: l ? { parent: l.parent, generation: l.generation, usedIds: l.usedIds, matching: l.matching, beats: l.beats } : null,
      });
    },
  });

  t.add({
    method: 'get',
    path: '/plans',
    operationId: 'listPlans',
    summary: 'List plans',
    tag: 'plans',
    role: 'viewer',
    query: PageQuery,
    responses: { 200: { description: 'Plans, oldest first, one page', schema: pageSchema(PlanSchema) } },
    handler: async ({ req, res, query }) => {
      const page = pageOf(await store.listPlans(), (p) => p.id, query, req, res);
      res.json({ items: page.items.map(planDto), next: page.next });
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id',
    operationId: 'getPlan',
    summary: 'Get a plan (current version in the ETag)',
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'The plan', schema: PlanSchema, headers: { ETag: 'The current version' } } },
    handler: async ({ res, params }) => {
      const p = await getPlan(params.id);
      res.setHeader('ETag', planEtag(p.id, p.currentVersion)).json(planDto(p));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/versions',
    operationId: 'listPlanVersions',
    summary: 'The version history of a plan',
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: PageQuery,
    responses: {
      200: {
        description: 'Versions, oldest first, one page',
        schema: pageSchema(PlanVersionSchema),
        headers: { ETag: 'The current and the latest version' },
      },
    },
    handler: async ({ req, res, params, query, principal }) => {
      const p = await getPlan(params.id);
      const k = publicK(principal);
      const page = pageOf(await store.listPlanVersions(p.id), (v) => String(v.version), query, req, res);
      const items = page.items.map((v) => ({
        version: v.version,
        parentVersion: v.parentVersion,
        action: v.action,
        summary: k === undefined ? v.summary : publicSummary(v.summary),
        createdAt: v.createdAt,
        current: v.version === p.currentVersion,
      }));
      // the list changes with the current and with the latest version (an undo keeps the latest)
      res.setHeader('ETag', `"${p.id}.v${p.currentVersion}.of${p.latestVersion}"`).json({ items, next: page.next });
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/metrics',
    operationId: 'getPlanMetrics',
    summary: 'metrics.json of a plan version (workload balance, contiguity, compactness, per beat)',
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: VersionQuery,
    responses: {
      200: {
        description:
          'PlanMetrics (DESIGN.md contract). A viewer gets the figures computed from pooled cell values (`privacy`), without per-shift workload',
        schema: PlanMetricsSchema,
        headers: { ETag: 'The version the metrics are of' },
      },
    },
    handler: async ({ res, params, query, principal }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      res.setHeader('Vary', 'Authorization');
      res
        .setHeader('ETag', planEtag(p.id, v.version))
        .type('application/json')
        .send(await access.metricsFor(p, v, publicK(principal)));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/beats',
    operationId: 'getPlanBeats',
    summary: 'Beats as GeoJSON: one dissolved (Multi)Polygon feature per beat',
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: BeatsQuery,
    responses: {
      200: {
        description:
          'FeatureCollection; each feature has the beat metrics as properties. For a plan made on units, each beat is the dissolve of its unit polygons (with `unitCount`, `unitAreaKm2`, `unitPerimeterKm`, `unitPolsbyPopper`) unless `outline=cells`',
        mediaType: 'application/geo+json',
      },
    },
    handler: async ({ res, params, query, principal }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      res.setHeader('Vary', 'Authorization');
      res
        .setHeader('ETag', planEtag(p.id, v.version))
        .type('application/geo+json')
        .send(await access.beatsFor(p, v, publicK(principal), query.outline));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/cells',
    operationId: 'getPlanCells',
    summary: 'Cells of a plan: H3 id, beat, workload, need (compact JSON or cells.csv; by bbox and zoom)',
    description:
      "One shape, with or without `bbox`: `{ version, resolution, aggregated, columns, rows }`, one row per cell, columns named as in cells.csv (`h3, beat, workload, need, incidents, population, workload_<shift>…`). Without `bbox`: every cell (from the stored plan, no dataset re-read), or `format=csv` for cells.csv (scores rebuilt from the datasets). With `bbox` (and optionally `zoom`): the cells whose centre lies in the box, `h3, beat, workload, need`; at low zoom summed into coarser H3 cells so the answer stays small (`aggregated`). A viewer (the public) gets incident-derived figures only by area of at least k incidents (`privacy`, default k = 5): each cell shows its pool's mean workload, and no incident count or per-shift workload per cell.",
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: CellsQuery,
    responses: {
      200: {
        description: 'JSON `{ version, resolution, aggregated, columns, rows }` or cells.csv (RFC 4180)',
        headers: { ETag: 'The version the cells are of' },
        content: { 'application/json': CellsSchema, 'text/csv': null },
      },
    },
    handler: async ({ res, params, query, principal }) => {
      if (query.zoom !== undefined && !query.bbox) {
        throw new ApiError('VALIDATION_FAILED', 'query.bbox: required with zoom', {
          errors: [{ path: 'query.bbox', message: 'required with zoom' }],
        });
      }
      if (query.bbox && query.format === 'csv') {
        throw new ApiError('VALIDATION_FAILED', 'query.format: bbox answers are JSON only', {
          errors: [{ path: 'query.format', message: 'bbox answers are JSON only' }],
        });
      }
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      const k = publicK(principal);
      res.setHeader('Vary', 'Authorization');
      if (query.bbox) {
        res
          .setHeader('ETag', planEtag(p.id, v.version))
          .type('application/json')
          .send(await access.cellsInBbox(p, v, query.bbox, query.zoom, k));
        return;
      }
      res.setHeader('ETag', planEtag(p.id, v.version));
      if (query.format === 'csv') {
        res.type('text/csv; charset=utf-8').send(await access.cellsCsv(p, v, k));
        return;
      }
      // from the stored plan.json parsed in a compute worker: no grid rebuild, so the map's first
      // request is quick; the version is then loaded (grid and all) in the background, ready for
      // the bbox reads and lookups
      res.type('application/json').send(await access.cellsJson(p, v, k));
      if (k === undefined) res.once('finish', () => setTimeout(() => void loadPlan(p, v).catch(() => undefined), 0));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/incidents',
    operationId: 'getPlanIncidents',
    summary: 'Incident counts by area, for the heat layer (pooled to ≥ k incidents for viewers)',
    description:
      "The incidents of the plan's data period located in its cells, as H3 bins column-wise. For analysts and commanders each bin is a cell with incidents (k = 1). For a viewer (the public) cells with fewer than k incidents (the server's `privacyK`, default 5) are pooled with their siblings under coarser H3 cells until each pool holds k; pools still below k six levels up are left out and counted in `suppressed`.",
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: VersionQuery,
    responses: { 200: { description: 'Bins of at least k incidents', schema: IncidentBinsSchema } },
    handler: async ({ res, params, query, principal }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      const k = publicK(principal);
      res
        .setHeader('ETag', planEtag(p.id, v.version))
        .setHeader('Vary', 'Authorization')
        .type('application/json')
        .send(await access.incidentBinsJson(p, v, k ?? 1, k !== undefined));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/equity',
    operationId: 'getPlanEquity',
    summary: 'The equity lens of a plan: officer, community and reactive hours per area, plan against the current beats',
    description:
      'Per area (a dataset of kind `beats`, e.g. community areas): residents, incidents, and officer / community / reactive hours per week, per 1,000 residents and per incident, for this plan and for the current beats it was made from (`existing`), with the change — the equity.json of `beatplan plan --areas`, from the same engine use-case. Figures of small areas, so the route is for analysts.',
    tag: 'plans',
    role: 'analyst',
    params: IdParams,
    query: EquityQuery,
    responses: { 200: { description: 'Equity per area', schema: EquitySchema } },
    handler: async ({ res, params, query }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      // the areas read and the equity computed in a compute worker holding the version
      const areas = await idPolygonsFile(query.areas, 'query.areas');
      res.json(await access.compute(p, v, { kind: 'equity', areas }));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/compare',
    operationId: 'comparePlans',
    summary: 'Compare two plans on the same grid (changed cells, matched beats, metric deltas)',
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: CompareQuery,
    responses: {
      200: {
        description: "Changed cells, matched beats and metric deltas (B − A). A viewer's comparison is computed from pooled cell values",
        schema: PlanComparisonSchema,
      },
      422: { description: 'The plans are on different grids' },
    },
    handler: async ({ res, params, query, principal }) => {
      const a = await getPlan(params.id);
      const b = await getPlan(query.with);
      const va = await getVersion(a, query.version);
      const lb = await getVersion(b, query.withVersion);
      const k = publicK(principal);
      // (the other plan.json's stored bytes, decoded in the worker)
      const bJson = await store.getBlob(lb.planBlobRef);
      res.setHeader('Vary', 'Authorization');
      // in a compute worker; a viewer's comparison puts both plans on a's pooled scores, no per-shift figures
      res.type('application/json').send(await access.compare(a, va, bJson, k));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/export',
    operationId: 'exportPlan',
    summary: 'Download plan.json, beats.geojson, cells.csv or metrics.json',
    description:
      "For a viewer (the public), cells.csv has the public layout (`h3,beat,workload,need,population,area`: workload pooled over areas of at least k incidents, no incident counts) and plan.json, which holds every cell's incident count, is refused (403).",
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: ExportQuery,
    responses: {
      200: {
        description:
          'An attachment (`Content-Disposition`): plan.json and metrics.json as JSON, beats as GeoJSON, cells.csv as RFC 4180 CSV',
        headers: { ETag: 'The version exported', 'Content-Disposition': 'attachment; filename=…' },
        content: { 'application/json': null, 'application/geo+json': null, 'text/csv': null },
      },
    },
    handler: async ({ res, params, query, principal }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, query.version);
      const base = `plan-${p.id.slice(0, 8)}-v${v.version}`;
      const k = publicK(principal);
      if (query.format === 'plan' && k !== undefined) {
        throw new ApiError(
          'FORBIDDEN',
          'plan.json holds the incident count of every cell: it needs the analyst role; a viewer can export beats.geojson, metrics.json or the public cells.csv (incidents pooled by area)',
        );
      }
      res.setHeader('ETag', planEtag(p.id, v.version)).setHeader('Vary', 'Authorization');
      if (query.format === 'plan') {
        res
          .attachment(`${base}-plan.json`)
          .type('application/json')
          .send(await store.getBlob(v.planBlobRef));
        return;
      }
      if (query.format === 'metrics') {
        res
          .attachment(`${base}-metrics.json`)
          .type('application/json')
          .send(await access.metricsFor(p, v, k));
        return;
      }
      if (query.format === 'csv')
        res
          .attachment(`${base}-cells.csv`)
          .type('text/csv; charset=utf-8')
          .send(await access.cellsCsv(p, v, k));
      else
        res
          .attachment(`${base}-beats${query.outline === 'cells' ? '-cells' : ''}.geojson`)
          .type('application/geo+json')
          .send(await access.beatsFor(p, v, k, query.outline));
    },
  });

  // ---- edits
  const edit = (
    path: string,
    operationId: string,
    summary: string,
    body: z.ZodType | undefined,
    run: (p: PlanRecord, input: unknown, by: string) => Promise<PlanVersionRecord>,
  ) =>
    t.add({
      method: 'post',
      path,
      operationId,
      summary,
      tag: 'edits',
      role: 'commander',
      params: IdParams,
      ...(body ? { body } : {}),
      headers: IF_MATCH,
      responses: EDIT_RESPONSES,
      handler: async ({ req, res, params, body: input, principal }) => {
        const p = await getPlan(params.id);
        checkIfMatch(req.get('if-match'), p);
        const v = await run(p, input, principal.tokenId);
        const metrics = v.metricsBlobRef ? JSON.parse((await store.getBlob(v.metricsBlobRef)).toString('utf8')) : null;
        res.setHeader('ETag', planEtag(p.id, v.version)).json({ version: v.version, action: v.action, summary: v.summary, metrics });
      },
    });

  edit(
    '/plans/:id/moves',
    'moveCells',
    'Move cells into a beat (a new version; 409 if it breaks contiguity)',
    MoveRequestSchema,
    async (p, input, by) => {
      const { cells, toBeat } = input as z.infer<typeof MoveRequestSchema>;
      return access.edit(p, 'move', { cells: cells.length, toBeat }, { kind: 'move', cells, toBeat }, by);
    },
  );
  for (const locked of [true, false]) {
    edit(
      locked ? '/plans/:id/locks' : '/plans/:id/unlocks',
      locked ? 'lockBeats' : 'unlockBeats',
      `${locked ? 'Lock' : 'Unlock'} beats (a new version)`,
      LockRequestSchema,
      async (p, input, by) => {
        const { beats } = input as z.infer<typeof LockRequestSchema>;
        return access.edit(p, locked ? 'lock' : 'unlock', { beats }, { kind: 'lock', beats, locked }, by);
      },
    );
  }
  for (const dir of ['undo', 'redo'] as const) {
    edit(
      `/plans/:id/${dir}`,
      `${dir}Plan`,
      dir === 'undo'
        ? 'Go back to the version the current one was made from'
        : 'Go forward to the newest version made from the current one',
      undefined,
      async (p) => {
        const versions = await store.listPlanVersions(p.id);
        const cur = versions.find((v) => v.version === p.currentVersion);
        const target =
          dir === 'undo'
            ? versions.find((v) => v.version === cur?.parentVersion)
            : versions.filter((v) => v.parentVersion === p.currentVersion).pop();
        if (!target) throw new ApiError('CONFLICT', `nothing to ${dir} at version ${p.currentVersion}`);
        if (!(await store.setCurrentVersion(p.id, target.version, p.currentVersion))) {
          throw new ApiError('PRECONDITION_FAILED', `plan ${p.id} changed while the ${dir} ran`);
        }
        return target;
      },
    );
  }

  t.add({
    method: 'get',
    path: '/plans/:id/lookup',
    operationId: 'lookupBeat',
    summary: 'Which beat covers a point, its meeting place and schedule (for a public "find my beat" page)',
    description: `Works with a viewer token and never shows officers. \`meetingPlace\` is the beat's venue among the plan's venues (null when the plan has none, see \`PUT /plans/{id}/meetings\`); \`meetingSchedule\` is the plan's schedule for the beat, by default "${DEFAULT_MEETING_SCHEDULE}".`,
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    query: LookupQuery,
    responses: {
      200: {
        description: '`beat` (and the meeting fields) null outside the plan',
        schema: z.object({
          beat: z.string().nullable(),
          cell: z.string().nullable(),
          version: z.number().int(),
          meetingPlace: MeetingPlaceSchema.nullable(),
          meetingSchedule: z.string().nullable(),
        }),
      },
    },
    handler: async ({ res, params, query }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p);
      const { loaded } = await loadPlan(p, v);
      const hit = lookupBeat(loaded, query.lng, query.lat);
      let meetingPlace = null;
      let meetingSchedule = null;
      if (hit) {
        const settings = await access.settings(p);
        meetingPlace = (await access.meetingPlaces(p, v, settings))?.get(hit.beat) ?? null;
        meetingSchedule = PlanAccess.scheduleOf(settings, hit.beat);
      }
      res.json({ beat: hit?.beat ?? null, cell: hit?.cell ?? null, version: v.version, meetingPlace, meetingSchedule });
    },
  });

  // ---- staffing (officer names: commander and admin only)
  t.add({
    method: 'post',
    path: '/plans/:id/staffing',
    operationId: 'createStaffing',
    summary: 'Staff the beats of a plan version from a roster (a job)',
    tag: 'staffing',
    role: 'commander',
    params: IdParams,
    body: StaffRequestSchema,
    responses: { 202: { description: 'The job', schema: JobSchema, headers: { Location: 'URL of the job' } } },
    handler: async ({ res, params, body, principal }) => {
      const p = await getPlan(params.id);
      const v = await getVersion(p, body.version);
      const { d: roster, file: rosterFile } = await datasetFile(body.roster, 'roster', 'body.roster');
      const job = await ctx.runner.submit(
        { kind: 'staff', planId: p.id, version: v.version, rosterId: roster.id },
        { planId: p.id, version: v.version, roster: roster.id },
        {
          kind: 'staff',
          planJson: (await store.getBlob(v.planBlobRef)).toString('utf8'),
          roster: rosterFile,
          options: await staffFileOptions(body),
        },
        principal.tokenId,
      );
      res.status(202).location(`/api/v1/jobs/${job.id}`).json(jobDto(job));
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/staffing',
    operationId: 'listStaffing',
    summary: 'Staffing results of a plan',
    tag: 'staffing',
    role: 'commander',
    params: IdParams,
    query: PageQuery,
    responses: { 200: { description: 'Staffing results, oldest first, one page', schema: pageSchema(StaffingRunSchema) } },
    handler: async ({ req, res, params, query }) => {
      const p = await getPlan(params.id);
      const page = pageOf(await store.listStaffing(p.id), (s) => s.id, query, req, res);
      const items = page.items.map((s) => ({
        id: s.id,
        planId: s.planId,
        planVersion: s.planVersion,
        roster: s.rosterDatasetId,
        createdAt: s.createdAt,
      }));
      res.json({ items, next: page.next });
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/staffing/:staffingId',
    operationId: 'getStaffing',
    summary: 'Officers per beat and shift with named assignments (staffing.json or the assignments CSV)',
    description:
      'With `format=csv`: the assignments CSV (RFC 4180, formulas neutralised), one row per officer assigned to a beat in a shift, `beat,district,shift,officer,required,allocated,vehicle`; a beat × shift with nobody assigned gets one row with an empty officer. Rows follow the beats of staffing.json, then their shifts.',
    tag: 'staffing',
    role: 'commander',
    params: z.object({ id: IdSchema, staffingId: IdSchema }),
    query: StaffingQuery,
    responses: {
      200: {
        description: "The engine's staffing result (staffing.json), or the assignments CSV as an attachment (`format=csv`)",
        headers: { 'Content-Disposition': 'With `format=csv`: attachment; filename=assignments-<plan>-v<version>.csv' },
        content: { 'application/json': StaffingResultSchema, 'text/csv': null },
      },
    },
    handler: async ({ res, params, query }) => {
      const s = await store.getStaffing(params.staffingId);
      if (!s || s.planId !== params.id) throw new ApiError('NOT_FOUND', `no staffing ${params.staffingId} for plan ${params.id}`);
      const blob = await store.getBlob(s.blobRef);
      if (query.format === 'csv') {
        const csv = beatShiftAssignmentsCsv(JSON.parse(blob.toString('utf8')) as StaffingJsonBeats);
        res
          .attachment(`assignments-${s.planId.slice(0, 8)}-v${s.planVersion}.csv`)
          .type('text/csv')
          .send(csv);
        return;
      }
      res.type('application/json').send(blob);
    },
  });

  // the planning job of `POST /plans`, for routes that start plans of their own (alternatives)
  return { submitPlan };
}
