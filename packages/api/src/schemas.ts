/**
 * Zod schemas of the API's requests and responses. They validate at run time, generate the
 * OpenAPI document, and give the map UI its static types (`z.infer`).
 */
import { parseShifts } from '@beatplan/engine';
import { IncidentClock } from '@beatplan/engine/io';
import { z } from 'zod';
import { DATASET_KINDS, JOB_KINDS, JOB_STATUSES, ROLES } from './store/store.js';

/** RFC 9457 problem document with the API's stable `code`. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. VALIDATION_FAILED, PRECONDITION_FAILED, MOVE_REJECTED' }),
    detail: z.string(),
    instance: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({
        description:
          'Each invalid field: `path` is dotted (`body.beats`, `query.limit`, `body.units.0.shift`, or `<file>.row <n>.<field>` for a file)',
      }),
  })
  .meta({
    examples: [
      {
        type: 'https://beatplan.dev/problems/validation-failed',
        title: 'Bad Request',
        status: 400,
        code: 'VALIDATION_FAILED',
        detail: 'invalid query: query.limit: Too big: expected number to be <=500',
        instance: '/api/v1/plans?limit=900',
        errors: [{ path: 'query.limit', message: 'Too big: expected number to be <=500' }],
      },
    ],
  });

/** `?limit=&cursor=` of every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Items per page, 1-500 (default 100)' }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'a cursor from the `next` of the previous page')
    .optional()
    .meta({ description: 'The `next` of the previous page (opaque); omit for the first page' }),
});

/** The body of a list: one page of items and the cursor of the next (null on the last). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z.string().nullable().meta({
      description: 'Cursor of the next page (pass as `?cursor=`), null on the last page; also in the `Link: <…>; rel="next"` header',
    }),
  });
}

/** A resource id (UUID). */
export const IdSchema = z.string().uuid();
/** `{ id }` path parameters. */
export const IdParams = z.object({ id: IdSchema });

/** Dataset kinds. */
export const DatasetKindSchema = z.enum(DATASET_KINDS);

/** A dataset as the API returns it. */
export const DatasetSchema = z.object({
  id: IdSchema,
  kind: DatasetKindSchema,
  name: z.string(),
  format: z.enum(['csv', 'geojson']),
  bytes: z.number().int(),
  sha256: z.string(),
  info: z.record(z.string(), z.unknown()).meta({ description: 'Ingest report (incidents), layer report, feature count and bbox…' }),
  createdAt: z.string(),
});
export type DatasetDto = z.infer<typeof DatasetSchema>;

const name = z.string().trim().min(1).max(200);
/** A display name (plan, dataset): trimmed, 1–200 characters. */
export const DisplayNameSchema = name;

/** Query of every upload: a display name. */
export const UploadQueryBase = z.object({ name: name.optional().meta({ description: 'Display name (default: the kind and date)' }) });

/** Query of an incidents upload: column mapping and format. */
export const IncidentsUploadQuery = UploadQueryBase.extend({
  format: z.enum(['csv', 'geojson']).optional().meta({ description: 'Default: from Content-Type, else sniffed' }),
  lat: z.string().min(1).optional().meta({ description: 'Latitude column (CSV)' }),
  lng: z.string().min(1).optional().meta({ description: 'Longitude column (CSV)' }),
  time: z.string().min(1).optional().meta({ description: 'Date/time column or property' }),
  type: z.string().min(1).optional().meta({ description: 'Incident type column or property' }),
  priority: z.string().min(1).optional().meta({ description: 'Priority column or property' }),
  timeFormat: z.enum(['auto', 'ymd', 'mdy', 'dmy']).optional(),
  timeZone: z
    .string()
    .min(1)
    .max(64)
    .superRefine((v, c) => {
      // the engine's own check of the zone name, at request time
      try {
        new IncidentClock({ timeZone: v });
      } catch (e) {
        c.addIssue({ code: 'custom', message: (e as Error).message });
      }
    })
    .optional()
    .meta({
      description:
        "The city's IANA time zone, e.g. America/Chicago: times written with an offset (Z, -05:00) are converted into its wall clock, so they land in the right shifts; times without an offset are its wall clock already. Default: every time is read as the wall clock written (offsets kept, counted in `info.report.times`). Same as the CLI's --timezone.",
    }),
  dateOnly: z.enum(['drop', 'noon']).optional().meta({
    description:
      "Times that are a date without a time of day: drop them (reason date_only, the default) or place them at 12:00 local time. Same as the CLI's --date-only.",
  }),
});

/** Query of a layer upload: the numeric property to read. */
export const LayerUploadQuery = UploadQueryBase.extend({
  field: z.string().min(1).meta({ description: 'Numeric property of each polygon, e.g. TOT_POP' }),
});

/** Query of an existing-beats upload: the beat id property. */
export const BeatsUploadQuery = UploadQueryBase.extend({
  idField: z.string().min(1).meta({ description: 'Property holding the beat id, e.g. beat_num' }),
});

/** Query of an incident-counts upload: the count properties and the incident type each stands for. */
export const IncidentCountsUploadQuery = UploadQueryBase.extend({
  columns: z
    .string()
    .regex(/^[^,=:]+(=[^,=:]+)?(,[^,=:]+(=[^,=:]+)?)*$/, 'FIELD[=TYPE],FIELD[=TYPE],…')
    .meta({
      description:
        'Count properties and their incident types, `FIELD[=TYPE],…` (e.g. `Drugs=NARCOTICS,Robbery`; TYPE defaults to the field, upper-cased)',
    }),
});

/** Query of an atomic-units upload: the unit id property (optional). */
export const UnitsUploadQuery = UploadQueryBase.extend({
  idField: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Property holding the unit id, e.g. GEOID (default: the feature id, else its 1-based position)' }),
});

/** Query of `GET /datasets`. */
export const DatasetListQuery = PageQuery.extend({ kind: DatasetKindSchema.optional() });

/** Shift windows, e.g. `0-8,8-16,16-24`. */
const shifts = z
  .string()
  .regex(/^\d{1,2}-\d{1,2}(,\d{1,2}-\d{1,2})*$/, 'shift windows like 0-8,8-16,16-24')
  .superRefine((v, c) => {
    // the engine's own check (hours 0-24, start != end, no overlap), at request time
    try {
      parseShifts(v);
    } catch (e) {
      c.addIssue({ code: 'custom', message: (e as Error).message });
    }
  })
  .meta({
    description: 'Shift windows in local hours, e.g. 0-8,8-16,16-24 (hours 0-24, start != end, windows may wrap midnight, no overlap)',
  });

/** The grid and scoring inputs shared by score runs and plans. */
export const ContextInputSchema = z.object({
  boundary: IdSchema.meta({ description: 'Boundary dataset id' }),
  incidents: IdSchema.meta({ description: 'Incidents dataset id' }),
  barriers: IdSchema.optional().meta({ description: 'Barrier lines dataset id' }),
  population: IdSchema.optional().meta({ description: 'Population layer dataset id' }),
  vulnerability: IdSchema.optional().meta({ description: 'Vulnerability layer dataset id' }),
  resolution: z.number().int().min(5).max(12).optional().meta({ description: 'H3 resolution; default chosen by the engine' }),
  shifts: shifts.optional(),
  recencyHalfLifeDays: z.number().positive().max(36500).optional(),
  incidentCounts: IdSchema.optional().meta({
    description:
      "Incidents given as counts per polygon: a dataset of kind `counts` (POST /datasets/counts?columns=FIELD[=TYPE],…); each type's service time turns counts into officer-hours, spread over the cells by area, added to `incidents`. Needs `countsPeriodDays`. Same as the CLI's --incident-counts.",
  }),
  countsPeriodDays: z
    .number()
    .positive()
    .max(36500)
    .optional()
    .meta({ description: "Days the `incidentCounts` cover (e.g. 184 for July–December). Same as the CLI's --counts-period-days." }),
});
export type ContextInput = z.infer<typeof ContextInputSchema>;

/** `POST /scores`. */
export const ScoreRequestSchema = ContextInputSchema;

/** `POST /plans`. */
export const PlanRequestSchema = ContextInputSchema.extend({
  name: name.optional(),
  beats: z.number().int().min(1).max(5000).optional().meta({ description: 'Number of beats K; default: the count of `existing` beats' }),
  tolerance: z
    .number()
    .positive()
    .max(1)
    .optional()
    .meta({ description: 'Balance tolerance ε: every beat within mean × (1 ± ε) (default 0.025 = ±2.5%)' }),
  seed: z.union([z.number().int(), z.string().max(100)]).optional(),
  existing: IdSchema.optional().meta({ description: 'Existing beats dataset id; with `method: import` the plan is these beats' }),
  roads: IdSchema.optional().meta({
    description:
      "Roads dataset id: the plan's response figures, what-ifs and simulations travel on this road graph (default: straight line × 1.3 at 30 km/h); without `units`, a plan (not an import) is made on the street blocks the roads enclose within the boundary, as the CLI's `--roads`",
  }),
  method: z
    .enum(['plan', 'import'])
    .default('plan')
    .meta({ description: '`plan` (districting) or `import` (evaluate the existing beats)' }),
  timeLimitMs: z.number().int().positive().max(3_600_000).optional(),
  cutEdgeWeight: z.number().min(0).max(1).optional().meta({
    description:
      'Weight of cut edges in the compactness objective, per edge, relative to Σ 1/Polsby-Popper (default 0.002); higher = more compact beats',
  }),
  changePenalty: z.number().min(0).max(1000).optional().meta({
    description:
      "With `startFromExisting`: cost of moving one mean beat's workload away from its parent beat, relative to a unit of Σ 1/Polsby-Popper (default 1); higher = fewer changes",
  }),
  startFromExisting: z
    .boolean()
    .optional()
    .meta({ description: 'Start from the parent (`from`, else the `existing` beats) and change as little as possible' }),
  from: IdSchema.optional().meta({
    description:
      "Parent plan id: the new beats inherit its beat ids by overlap (optimal matching on shared workload), the plan records the lineage, and staffing reads a roster's current beats against it. Without `from`, the `existing` beats are the parent.",
  }),
  fromVersion: z.number().int().min(1).optional().meta({ description: 'Version of the parent plan (default: its current version)' }),
  maxChange: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .meta({ description: 'With `startFromExisting`: share of the workload (0–1) allowed to change beat' }),
  balance: z
    .string()
    .regex(/^(total|shift:[^,]+|mix:\d*\.?\d+,\d*\.?\d+)$/, 'total, shift:ID or mix:W,N')
    .optional()
    .meta({
      description:
        "What is balanced: `total` workload (default), one shift's workload (`shift:16-24`), or a mix of workload and need weighted W:N (`mix:1,0.5`). Same as the CLI's --balance.",
    }),
  units: IdSchema.optional().meta({
    description:
      "Atomic units: a dataset of kind `units` (census blocks, street blocks); the cells of one unit always share a beat. Same as the CLI's --units FILE[:ID].",
  }),
  districts: IdSchema.optional().meta({
    description:
      "Districts: a dataset of kind `beats` (polygons with an id property, uploaded with `idField`); each beat is nested in one district. Same as the CLI's --districts/--district-id.",
  }),
  locked: z
    .array(z.string().min(1).max(100))
    .max(5000)
    .optional()
    .meta({ description: "Beats of the parent (`from`, else `existing`) kept exactly as they are. Same as the CLI's --lock." }),
}).meta({
  // `beats` is required unless `existing` beats or a parent plan (`from`) give the count
  anyOf: [{ required: ['beats'] }, { required: ['existing'] }, { required: ['from'] }],
  examples: [
    {
      boundary: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f',
      incidents: '7d2e4f60-1b3c-4a5d-8e9f-0a1b2c3d4e5f',
      beats: 25,
      resolution: 9,
      seed: 1,
      name: 'spring 2027',
    },
    {
      boundary: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f',
      incidents: '7d2e4f60-1b3c-4a5d-8e9f-0a1b2c3d4e5f',
      existing: 'b5a7c9e1-2d4f-4a6b-8c0d-e1f2a3b4c5d6',
      method: 'import',
    },
  ],
});

/** `POST /plans/{id}/replan`: a new plan from this one, on the same datasets. */
export const ReplanRequestSchema = z.object({
  name: name.optional(),
  seed: z.union([z.number().int(), z.string().max(100)]).optional(),
  tolerance: z.number().positive().max(1).optional().meta({ description: "Balance tolerance (default: the parent's)" }),
  beats: z.number().int().min(1).max(5000).optional().meta({ description: "Number of beats K (default: the parent's)" }),
  startFromExisting: z
    .boolean()
    .default(true)
    .meta({ description: 'Start from this plan and change as little as possible (default true)' }),
  maxChange: z.number().min(0).max(1).optional().meta({ description: 'Share of the workload (0–1) allowed to change beat' }),
  timeLimitMs: z.number().int().positive().max(3_600_000).optional(),
});

/** A plan's lineage as `GET /plans/{id}` shows it (no workload figures). */
export const LineageSummarySchema = z.object({
  parent: z.object({
    kind: z.enum(['plan', 'existing']),
    name: z.string(),
    sha256: z.string().nullable().meta({ description: 'sha256 of the parent plan.json as stored (or of the existing-beats file)' }),
    beats: z.number().int(),
    planId: IdSchema.nullable().meta({ description: 'The parent plan, when it is a plan of this API' }),
    version: z.number().int().nullable(),
  }),
  generation: z.number().int(),
  inheritedBeats: z.number().int(),
  newBeats: z.number().int(),
  majorityPairs: z.number().int(),
  majorityPairsKept: z.number().int(),
});

/** `GET /plans/{id}/lineage`: the full lineage of a version, without the per-cell parent column. */
export const LineageSchema = z.object({
  version: z.number().int(),
  lineage: z
    .object({
      parent: z.object({ kind: z.enum(['plan', 'existing']), name: z.string(), sha256: z.string().nullable(), beats: z.array(z.string()) }),
      generation: z.number().int(),
      usedIds: z.array(z.string()),
      matching: z.object({
        method: z.string(),
        majorityPairs: z.number().int(),
        majorityPairsKept: z.number().int(),
        matchedWorkloadShare: z.number(),
        certificate: z.string(),
      }),
      beats: z.array(
        z.object({
          id: z.string(),
          inherited: z.boolean(),
          from: z.array(z.object({ id: z.string(), workloadShare: z.number(), parentShare: z.number() })),
        }),
      ),
    })
    .nullable(),
});
export type PlanRequest = z.infer<typeof PlanRequestSchema>;

/** A job as the API returns it. */
export const JobSchema = z.object({
  id: IdSchema,
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  progress: z.number().min(0).max(1),
  stage: z.string().nullable(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  links: z.object({ self: z.string(), events: z.string(), cancel: z.string() }),
});
export type JobDto = z.infer<typeof JobSchema>;

/** A plan as the API returns it. */
export const PlanSchema = z.object({
  id: IdSchema,
  name: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  version: z.number().int().meta({ description: 'Current version; also the ETag' }),
  latestVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  job: IdSchema.nullable().meta({ description: 'The job that made version 1' }),
  lineage: LineageSummarySchema.nullable().meta({
    description: 'Where the beats came from (the parent plan or existing beats); null without one',
  }),
});

/** A plan version. */
export const PlanVersionSchema = z.object({
  version: z.number().int(),
  parentVersion: z.number().int().nullable(),
  action: z.string(),
  summary: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  current: z.boolean(),
});

/** `w,s,e,n` in degrees → `[west, south, east, north]`. */
const BboxParam = z
  .string()
  .transform((v, c) => {
    const parts = v.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    const [w, s, e, n] = parts as [number, number, number, number];
    const ok = parts.length === 4 && parts.every(Number.isFinite) && w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n;
    if (!ok) {
      c.addIssue({ code: 'custom', message: 'bbox must be west,south,east,north in degrees with west < east and south < north' });
      return z.NEVER;
    }
    return [w, s, e, n] as [number, number, number, number];
  })
  .meta({ description: 'Bounding box `west,south,east,north` in degrees (WGS84), e.g. `-87.7,41.85,-87.65,41.89`' });

/** `GET /plans/:id/cells` query. */
export const CellsQuery = z.object({
  format: z.enum(['json', 'csv']).default('json'),
  version: z.coerce.number().int().min(1).optional(),
  bbox: BboxParam.optional().meta({
    description: 'Only the cells whose centre lies in this box, rows of `h3, beat, workload, need` (JSON format only)',
  }),
  zoom: z.coerce.number().min(0).max(24).optional().meta({
    description:
      'Map zoom (web mercator) with `bbox`: cells smaller than a few pixels at this zoom are summed into coarser H3 cells (beat = the beat of most of their cells)',
  }),
});

/** `GET /scores/:id/cells` query. */
export const ScoreCellsQuery = z.object({
  bbox: BboxParam,
  zoom: z.coerce
    .number()
    .min(0)
    .max(24)
    .optional()
    .meta({ description: 'Map zoom (web mercator): cells smaller than a few pixels are summed into coarser H3 cells' }),
});

/** How a public (viewer) answer protects small incident counts. */
export const PrivacySchema = z
  .object({
    k: z.number().int().meta({ description: 'Every area whose incident-derived figures are shown holds at least k incidents' }),
    method: z.literal('h3-pooling').meta({
      description:
        "Cells with fewer than k incidents are pooled with their siblings under coarser H3 cells until the pool holds k; a cell shows its pool's mean workload; pools still below k at six levels up are suppressed (null). Per-cell incident counts and per-shift workloads are left out; see `GET /plans/{id}/incidents` for the pools.",
    }),
  })
  .meta({ id: 'Privacy' });

/** `GET /plans/:id/incidents`: incident counts by area, for the heat layer. */
export const IncidentBinsSchema = z
  .object({
    version: z.number().int(),
    resolution: z.number().int().meta({ description: "H3 resolution of the plan's cells (bins are at this resolution or coarser)" }),
    k: z.number().int().meta({ description: 'Each bin holds at least k incidents (1 for analysts and commanders: the cells themselves)' }),
    aggregated: z.boolean().meta({ description: 'True for a public (viewer) answer: cells pooled so that every bin holds ≥ k' }),
    bins: z.object({
      h3: z.array(z.string()).meta({ description: 'H3 id of each bin: a cell of the plan or an ancestor pooling several' }),
      count: z.array(z.number()).meta({ description: 'Incidents in the bin over the data period' }),
      cells: z.array(z.number().int()).meta({ description: 'Plan cells pooled in the bin' }),
    }),
    total: z.number().meta({ description: "Incidents located in the plan's cells" }),
    shown: z.number().meta({ description: 'Incidents in the bins (total − suppressed)' }),
    suppressed: z
      .object({ cells: z.number().int(), incidents: z.number() })
      .meta({ description: 'Cells (and their incidents) in no bin: pools that stayed below k' }),
  })
  .meta({ id: 'IncidentBins' });

/**
 * Every cell of a plan, row-wise (`GET /plans/:id/cells`, JSON). `columns` names the values of
 * each row: `h3`, `beat` (`''` unassigned), `workloadHours`, `needHours`, then one
 * `workload_<shift>` per shift (officer-hours per week), `incidents` and `population` — all read
 * from the version's plan.json, so no dataset is re-read.
 */
export const CellsSchema = z
  .object({
    version: z.number().int().optional().meta({ description: 'The plan version (absent for a score run)' }),
    resolution: z.number().int().meta({ description: 'H3 resolution of the `h3` column' }),
    aggregated: z.boolean().optional().meta({
      description: "True when the cells are coarser H3 cells summing the plan's (a `bbox` with a low `zoom`); always sent by this server",
    }),
    columns: z.array(z.string()).meta({
      description:
        'Names of the row values, the cells.csv vocabulary: `h3`, `beat` (`""` unassigned), `workload` (officer-hours per week), `need` (community hours per week), then in a full analyst answer `incidents`, `population`, `workload_<shift>`…; in a viewer answer `population` (no incident count, no per-shift workload); with `bbox` `h3, beat, workload, need`; last, for a plan made on units, `unit` (the unit id of the cell)',
      examples: [['h3', 'beat', 'workload', 'need', 'incidents', 'population', 'workload_0-8', 'workload_8-16', 'workload_16-24']],
    }),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))).meta({
      description: 'One row per cell, values in `columns` order; `null` only in a viewer answer, for a cell whose area was suppressed',
      examples: [[['8a2664c8d837fff', 'B001', 0.3417, 1.25, 4, 312.5, 0.102, 0.131, 0.108]]],
    }),
    privacy: PrivacySchema.optional(),
  })
  .meta({ id: 'Cells' });

/** `?version=` on plan reads. */
export const VersionQuery = z.object({
  version: z.coerce.number().int().min(1).optional().meta({ description: 'Default: the current version' }),
});

/** `?outline=` of the beats GeoJSON: what the beat polygons are drawn from. */
const OutlineParam = z.enum(['units', 'cells']).optional().meta({
  description:
    "What the beat polygons are drawn from. Default `units`: for a plan made on units, the dissolve of each beat's unit polygons, clipped to the boundary (as the CLI's beats.geojson); `cells`: the outline of the beat's hexagon cells (the CLI's beats-cells.geojson). A plan without units always gets the cell outline.",
});

/** `GET /plans/:id/beats` query. */
export const BeatsQuery = VersionQuery.extend({ outline: OutlineParam });

/** `GET /plans/:id/compare` query. */
export const CompareQuery = z.object({
  with: IdSchema.meta({ description: 'The other plan (same grid)' }),
  version: z.coerce.number().int().min(1).optional(),
  withVersion: z.coerce.number().int().min(1).optional(),
});

/** `GET /plans/:id/equity` query. */
export const EquityQuery = z.object({
  areas: IdSchema.meta({
    description:
      "Areas: a dataset of kind `beats` (polygons with an id property, e.g. community areas). Same as the CLI's --areas FILE:FIELD.",
  }),
  version: z.coerce.number().int().min(1).optional().meta({ description: 'Default: the current version' }),
});

/** One area's hours as the equity lens reports them (see `equityByArea`). */
const EquityReportSchema = z.looseObject({
  areas: z.array(z.looseObject({ id: z.string() })).meta({
    description: 'Per area: residents, incidents, officer / community / reactive hours per week, per 1,000 residents and per incident',
  }),
  cellsOutside: z.number().int(),
});

/** `GET /plans/:id/equity`: the equity lens of a plan version, against the current beats it was made from. */
export const EquitySchema = z.object({
  staffingRule: z.string().meta({ description: "The officers the hours assume (the time model's required officers)" }),
  plan: EquityReportSchema,
  existing: EquityReportSchema.nullable().meta({ description: 'The current beats the plan was made from (`existing`), null when none' }),
  change: z
    .looseObject({ areas: z.array(z.looseObject({ id: z.string() })) })
    .nullable()
    .meta({ description: 'Per area, current beats → plan' }),
});

/** `GET /plans/:id/export` query. */
export const ExportQuery = z.object({
  format: z.enum(['plan', 'geojson', 'csv', 'metrics']),
  version: z.coerce.number().int().min(1).optional(),
  outline: OutlineParam,
});

/** `GET /plans/:id/staffing/:staffingId` query. */
export const StaffingQuery = z.object({
  format: z.enum(['json', 'csv']).default('json').meta({
    description:
      '`json`: staffing.json; `csv`: the assignments CSV, one row per officer (`beat,district,shift,officer,required,allocated,vehicle`; a beat × shift with nobody gets one row with an empty officer)',
  }),
});

/** `POST /plans/:id/moves`. */
export const MoveRequestSchema = z
  .object({
    cells: z
      .array(z.string().regex(/^[0-9a-f]{15}$/, 'an H3 cell index (15 hex digits)'))
      .min(1)
      .max(100_000),
    toBeat: z.string().min(1).meta({ description: 'Target beat id' }),
  })
  .meta({ examples: [{ cells: ['8a2664c8d837fff', '8a2664c8d8b7fff'], toBeat: 'B007' }] });

/** `POST /plans/:id/locks` and `/unlocks`. */
export const LockRequestSchema = z.object({ beats: z.array(z.string().min(1)).min(1).max(5000) });

/** Result of an edit. */
export const EditResultSchema = z.object({
  version: z.number().int(),
  action: z.string(),
  summary: z.record(z.string(), z.unknown()),
  get metrics() {
    return PlanMetricsSchema.nullable();
  },
});

/** `GET /plans/:id/lookup` query: a point in degrees. */
export const LookupQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
});

/** `POST /plans/:id/rebalance`. */
export const RebalanceRequestSchema = z.object({
  seed: z.union([z.number().int(), z.string().max(100)]).optional(),
  tolerance: z.number().positive().max(1).optional().meta({ description: "Default: the plan's tolerance" }),
  timeLimitMs: z.number().int().positive().max(3_600_000).optional(),
});

/** `GET /plans/:id/response` query. */
export const ResponseQuery = z.object({
  version: z.coerce.number().int().min(1).optional().meta({ description: "Default: the current version (or the staffing's)" }),
  staffing: IdSchema.optional().meta({
    description: "A staffing of the plan: use its allocated officers instead of the time model's required officers",
  }),
});

const lng = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const Position = z.tuple([lng, lat]).rest(z.number());
const Ring = z.array(Position).min(4).meta({ description: 'A closed ring of `[lng, lat]` positions' });

/** A GeoJSON Polygon or MultiPolygon (`[lng, lat]`, WGS84). */
export const AreaSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1), bbox: z.array(z.number()).optional() }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1), bbox: z.array(z.number()).optional() }),
]);

/** The staffing options of `beatplan staff` (fleet, saturation, minimum officers, skills), shared by staffing and what-if requests. */
export const StaffOptionsSchema = z.object({
  fleet: IdSchema.optional().meta({
    description: "Fleet dataset id (CSV shift,vehicle_type,count); without it vehicles are not limited. Same as the CLI's --fleet.",
  }),
  saturationTarget: z
    .number()
    .min(0.05)
    .max(1)
    .optional()
    .meta({ description: "Reactive workload may fill at most this share of on-duty time (default 0.6). Same as the CLI's --saturation." }),
  minOfficersPerBeat: z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .meta({ description: "Officers per beat per shift at least (default 1). Same as the CLI's --min-officers." }),
  skills: z
    .array(
      z.object({
        skill: z.string().trim().min(1).max(100).meta({ description: "Skill name as in the roster's `skills` column, e.g. spanish" }),
        layer: IdSchema.meta({ description: 'A layer dataset whose field counts the residents concerned (spread onto cells by area)' }),
        minShare: z
          .number()
          .gt(0)
          .max(1)
          .optional()
          .meta({ description: "Share of a beat's residents from which it needs the skill (default 0.25)" }),
      }),
    )
    .max(50)
    .optional()
    .meta({
      description:
        "A beat needs an officer with the skill where the share of residents in the layer's field is at least minShare. Same as the CLI's --skill SKILL=FILE:FIELD[:MIN_SHARE].",
    }),
});
export type StaffOptionsInput = z.infer<typeof StaffOptionsSchema>;

/** `POST /plans/:id/whatif`. */
export const WhatIfRequestSchema = z
  .object({
    roster: IdSchema.meta({ description: 'Roster dataset id (CSV)' }),
    version: z.number().int().min(1).optional().meta({ description: 'Default: the current version' }),
    officersOut: z
      .array(
        z.object({ shift: z.string().min(1).meta({ description: 'Shift id, e.g. `16-24`' }), count: z.number().int().min(1).max(100_000) }),
      )
      .max(24)
      .optional(),
    area: AreaSchema.optional().meta({ description: 'Cells whose centre lies in this polygon get `factor` × their workload' }),
    factor: z.number().min(0).max(100).optional().meta({ description: 'Workload factor inside `area`, e.g. 1.5 for a special event' }),
    seed: z.number().int().optional().meta({ description: 'Seed that picks the officers out (default 1)' }),
    ...StaffOptionsSchema.shape,
  })
  .superRefine((b, c) => {
    if (b.area && b.factor === undefined) c.addIssue({ code: 'custom', path: ['factor'], message: 'required with `area`' });
    if (b.factor !== undefined && !b.area) c.addIssue({ code: 'custom', path: ['area'], message: 'required with `factor`' });
    if (!b.area && !b.officersOut?.length)
      c.addIssue({ code: 'custom', path: ['officersOut'], message: 'give officersOut or an area with a factor' });
  });

/** `POST /plans/:id/response/whatif`: officers on duty changed, no roster needed. */
export const ResponseWhatIfRequestSchema = z
  .object({
    version: z.number().int().min(1).optional().meta({ description: 'Default: the current version' }),
    saturationTarget: z.number().min(0.05).max(0.95).optional().meta({
      description: "Share of an officer's time the time model lets calls take (default 0.6); the required officers are recomputed with it",
    }),
    units: z
      .array(
        z.object({
          beat: z.string().min(1).max(100),
          shift: z.string().min(1).max(50).meta({ description: 'Shift id, e.g. `16-24`' }),
          officers: z.number().int().min(0).max(1000).meta({ description: 'Officers on duty in the beat during the shift' }),
        }),
      )
      .max(10_000)
      .optional()
      .meta({ description: 'Overrides of the officers on duty, applied after the saturation target' }),
  })
  .superRefine((b, c) => {
    if (b.saturationTarget === undefined && !b.units?.length)
      c.addIssue({ code: 'custom', path: ['units'], message: 'give units or a saturationTarget' });
  });

/** Query of a venues upload. */
export const VenuesUploadQuery = UploadQueryBase.extend({
  idProperty: z.string().min(1).max(100).default('id').meta({ description: 'Property holding the venue id (default `id`)' }),
  nameProperty: z.string().min(1).max(100).default('name').meta({ description: 'Property holding the venue name (default `name`)' }),
});

const schedule = z.string().trim().min(1).max(200);

/** `PUT /plans/:id/meetings`. */
export const MeetingSettingsSchema = z.object({
  venues: IdSchema.nullable().meta({ description: 'A `venues` dataset (candidate meeting places), or null' }),
  meetingSchedule: schedule
    .nullable()
    .optional()
    .meta({ description: 'Schedule of every beat\'s meeting, e.g. "first Tuesday of the month, 18:30"; null = the default' }),
  meetingScheduleByBeat: z
    .record(z.string().min(1), schedule)
    .optional()
    .meta({ description: 'Per beat id, a schedule replacing the default' }),
});

/** A beat's meeting place as the public lookup shows it. */
export const MeetingPlaceSchema = z.object({
  id: z.union([z.string(), z.number()]).nullable(),
  name: z.string().nullable(),
  position: z.array(z.number()).nullable().meta({ description: '`[lng, lat]`' }),
  inside: z.boolean(),
  meanWalkMinutes: z.number().nullable(),
});

/** `POST /plans/:id/staffing`. */
export const StaffRequestSchema = z.object({
  roster: IdSchema.meta({ description: 'Roster dataset id (CSV)' }),
  version: z.number().int().min(1).optional(),
  ...StaffOptionsSchema.shape,
});

/** A token as listed (never the token itself). */
export const TokenSchema = z.object({
  id: IdSchema,
  role: z.enum(ROLES),
  label: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
/** `POST /tokens`. */
export const TokenRequestSchema = z.object({ role: z.enum(ROLES), label: z.string().trim().min(1).max(200) });

/** `POST /plans/:id/simulations`. */
export const SimulationRequestSchema = z
  .object({
    staffing: IdSchema.meta({
      description: "A stored staffing of the plan (`POST /plans/{id}/staffing`); the simulation runs on that staffing's plan version",
    }),
    incidents: IdSchema.optional().meta({ description: "Incidents dataset to replay (default: the plan's own incidents)" }),
    poisson: z.boolean().optional().meta({
      description:
        "Draw Poisson calls from the plan's rates with exponential service instead of replaying (the hypercube model's assumptions; the two should agree within 2 points)",
    }),
    days: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .optional()
      .meta({ description: "With `poisson`: days to simulate (default: the plan's incident period)" }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .meta({ description: 'Seed of every draw (default 1); same seed, same result' }),
    serviceCv: z
      .number()
      .min(0)
      .max(10)
      .optional()
      .meta({ description: "Coefficient of variation of a replayed call's service time (lognormal, default 0.8)" }),
    officerHoursPerWeek: z
      .number()
      .min(1)
      .max(168)
      .optional()
      .meta({ description: 'On-duty hours per officer per week for units on duty (default 36)' }),
  })
  .superRefine((b, c) => {
    if (b.days !== undefined && !b.poisson) c.addIssue({ code: 'custom', path: ['days'], message: 'applies with `poisson` only' });
    if (b.incidents !== undefined && b.poisson)
      c.addIssue({ code: 'custom', path: ['incidents'], message: '`poisson` draws its calls from the plan: leave out `incidents`' });
  });

// ---------------------------------------------------------------------------------------
// Responses built by the engine. Every field the API documents is typed; the objects are
// open (`looseObject`: more fields are welcome, as DESIGN.md says of metrics.json), so an
// engine that adds a figure does not break a client, and a client never casts.

const num = z.number();
const numOrNull = z.number().nullable();

/** One beat of `metrics.json` (`perBeat`). */
export const BeatMetricsSchema = z
  .looseObject({
    id: z.string(),
    cells: z.number().int().meta({ description: 'Grid cells in the beat' }),
    areaKm2: num.meta({ description: 'Area, km²' }),
    perimeterKm: num.meta({ description: 'Perimeter of the dissolved cells, km' }),
    workload: num.meta({ description: 'Workload on the balanced measure (officer-hours per week unless a mix)' }),
    workloadHours: num.meta({ description: 'Workload of all shifts, officer-hours per week' }),
    shiftWorkloadHours: z
      .array(num)
      .optional()
      .meta({ description: "Workload per shift, officer-hours per week (order of the plan's shifts); absent in a viewer's answer" }),
    needHours: num.meta({ description: 'Engagement need, community hours per week' }),
    polsbyPopper: num.meta({ description: '4πA/P² of the dissolved cells' }),
    contiguous: z.boolean(),
    pieces: z.number().int(),
    bridgesUsed: z.number().int(),
    locked: z.boolean(),
    district: z.string().nullable(),
    method: z.string().nullable(),
  })
  .meta({ id: 'BeatMetrics' });

/** `metrics.json` (PlanMetrics, the DESIGN.md contract). */
export const PlanMetricsSchema = z
  .looseObject({
    resolution: z.number().int(),
    cells: z.number().int(),
    beats: z.number().int(),
    workload: z.object({ total: num, mean: num, min: num, max: num, maxOverMean: num, minOverMean: num, cv: num }).meta({
      description: 'Workload per beat on the balanced measure; cv = population standard deviation / mean',
    }),
    contiguity: z.object({ nonContiguousBeats: z.number().int(), emptyBeats: z.number().int() }),
    compactness: z.object({ polsbyPopperMean: num, polsbyPopperMin: num }),
    cutEdges: z.number().int(),
    unassignedCells: z.number().int(),
    timingsMs: z.looseObject({ grid: num, score: num, plan: num, evaluate: num, total: num }),
    balanceOn: z.union([z.string(), z.record(z.string(), z.unknown())]),
    beatsOutsideTolerance: z.number().int(),
    tolerance: num,
    bridges: z.array(z.array(z.string())),
    perBeat: z.array(BeatMetricsSchema),
    privacy: PrivacySchema.optional().meta({ description: "Set in a viewer's answer: figures computed from pooled cell values" }),
  })
  .meta({ id: 'PlanMetrics' });

/** `GET /plans/:id/compare`: plan A (this one) against plan B (`with`). */
export const PlanComparisonSchema = z
  .looseObject({
    changedCells: z.object({
      count: z.number().int(),
      share: num,
      cells: z.array(z.string()).meta({ description: 'H3 ids of the cells whose beat changed' }),
    }),
    beats: z.array(
      z.looseObject({
        id: z.string().meta({ description: 'Beat of plan B' }),
        matchedId: z.string().nullable().meta({ description: 'Beat of plan A sharing most of its cells' }),
        overlapCells: z.number().int(),
        workloadBefore: num,
        workloadAfter: num,
        workloadChange: num,
      }),
    ),
    metrics: z.object({ a: PlanMetricsSchema, b: PlanMetricsSchema }),
    deltas: z
      .looseObject({
        maxOverMean: num,
        minOverMean: num,
        cv: num,
        polsbyPopperMean: num,
        polsbyPopperMin: num,
        cutEdges: num,
        nonContiguousBeats: num,
        unassignedCells: num,
      })
      .meta({ description: 'B − A' }),
  })
  .meta({ id: 'PlanComparison' });

/** Response figures of an area (city, shift, beat or district), all shifts together unless per shift. */
const ResponseFiguresBase = {
  units: num.meta({ description: 'Units on duty (mean over the hours)' }),
  callsPerHour: num,
  rho: num.meta({ description: 'Utilisation: busy share of unit time' }),
  pOwnUnitsBusy: numOrNull,
  crossBeatShare: numOrNull.meta({ description: "Share of calls answered by another beat's unit" }),
  outsideBeatShare: numOrNull,
  meanTravelMinutes: numOrNull,
  p90TravelMinutes: numOrNull,
  meanQueueWaitMinutes: numOrNull,
  meanResponseMinutes: numOrNull.optional(),
};

/** Response figures (hypercube model) of a plan version. */
export const ResponseFiguresSchema = z
  .looseObject({
    format: z.string(),
    staffingRule: z.string().meta({ description: 'Where the officers on duty come from' }),
    assumptions: z
      .looseObject({
        travel: z.string(),
        speedKmh: z.array(numOrNull).meta({ description: 'Per shift, km/h (null for road travel)' }),
        detourFactor: z.array(numOrNull).meta({ description: 'Per shift (null for road travel)' }),
        serviceMinutes: z.array(num).meta({ description: 'Mean service time per shift, minutes' }),
        serviceMinutesSource: z.string(),
        unitsSource: z.string(),
        responseTime: z.string(),
        fractionalUnits: z.string(),
        dispatch: z.string(),
      })
      .meta({ description: 'What the figures assume: travel model, speed, detour, service minutes, units source' }),
    unitsOnDutyByShift: z.array(z.array(num)).meta({ description: '[shift][beat] units on duty by the time model' }),
    city: z.looseObject(ResponseFiguresBase),
    shifts: z.array(z.looseObject({ shift: z.string(), ...ResponseFiguresBase })),
    beats: z.array(z.looseObject({ id: z.string(), ...ResponseFiguresBase })),
    districts: z.array(z.looseObject({ id: z.string(), ...ResponseFiguresBase })),
    unitsByShift: z.array(z.array(num)).meta({ description: '[shift][beat] officers (required or allocated) the figures assume' }),
    atoms: z.number().int(),
    warnings: z.array(z.string()),
    timingsMs: z.looseObject({ total: num }),
  })
  .meta({ id: 'ResponseFigures' });

/** `GET /plans/:id/response`. */
export const PlanResponseSchema = ResponseFiguresSchema.extend({
  planId: IdSchema,
  version: z.number().int(),
  staffing: IdSchema.nullable().meta({ description: "The staffing whose officers were used, or null (the time model's)" }),
}).meta({ id: 'PlanResponse' });

/** `POST /plans/:id/response/whatif`. */
export const ResponseWhatIfSchema = z
  .object({ planId: IdSchema, version: z.number().int(), before: ResponseFiguresSchema, after: ResponseFiguresSchema })
  .meta({ id: 'ResponseWhatIf' });

/** A roster reader's report. */
const RosterReportSchema = z.looseObject({
  file: z.string(),
  read: z.number().int(),
  used: z.number().int(),
  rejected: z.array(z.looseObject({ row: z.number().int(), field: z.string(), reason: z.string() })),
});

/** A staffing result (`staffing.json`, engine `staffingToJson`). */
export const StaffingResultSchema = z
  .looseObject({
    format: z.string(),
    totals: z.looseObject({
      officers: z.number().int(),
      available: z.number().int(),
      assigned: z.number().int(),
      required: z.number().int(),
      allocated: z.number().int(),
    }),
    continuity: z.looseObject({ percent: numOrNull, kept: z.number().int(), officersWithBeat: z.number().int() }),
    shifts: z.array(
      z.looseObject({
        shift: z.string(),
        headcount: z.number().int(),
        required: z.number().int(),
        allocated: z.number().int(),
        maxSaturation: numOrNull,
      }),
    ),
    beats: z.array(
      z.looseObject({
        id: z.string(),
        district: z.string().nullable(),
        shifts: z.array(
          z.looseObject({
            shift: z.string(),
            workloadHours: numOrNull.meta({ description: 'Officer-hours per week' }),
            required: z.number().int(),
            allocated: z.number().int(),
            saturation: numOrNull,
            communityHours: numOrNull.optional(),
            vehicle: z.string().nullable().optional(),
            officers: z.array(z.string()).meta({ description: 'Officer ids assigned' }),
          }),
        ),
      }),
    ),
    unfilled: z.array(z.unknown()),
    solved: z
      .looseObject({ exact: z.boolean(), parts: z.array(z.looseObject({ part: z.string(), exact: z.boolean(), method: z.string() })) })
      .meta({
        description: 'Which parts were solved exactly and which heuristically',
      }),
    roster: RosterReportSchema.optional(),
  })
  .meta({ id: 'StaffingResult' });

/** A response run of a what-if: its figures, or why the model could not run (`error`). */
const ResponseRunSchema = z.union([
  ResponseFiguresSchema,
  z.object({ staffingRule: z.string(), error: z.object({ code: z.string(), message: z.string() }) }),
]);

/** `GET /plans/:id/whatif/:jobId`. */
export const WhatIfResultSchema = z
  .looseObject({
    planId: IdSchema,
    version: z.number().int(),
    roster: z.union([IdSchema, RosterReportSchema]),
    scenario: z.looseObject({
      officersOut: z.array(z.looseObject({ shift: z.string(), count: z.number().int() })),
      area: z
        .looseObject({ cells: z.number().int(), beats: z.array(z.string()), factor: num })
        .nullable()
        .meta({ description: 'Cells (count) and beats of the area whose workload was multiplied by `factor`; null without an area' }),
      seed: z.number().int(),
    }),
    infeasible: z.string().nullable().meta({ description: 'Why the scenario cannot be staffed, or null' }),
    diff: z
      .looseObject({
        shifts: z.array(
          z.looseObject({
            shift: z.string(),
            headcountDelta: z.number().int(),
            maxSaturationBefore: numOrNull,
            maxSaturationAfter: numOrNull,
            communityShortfallHoursDelta: num,
          }),
        ),
        beats: z
          .array(
            z.looseObject({
              beat: z.string(),
              shift: z.string(),
              allocatedBefore: z.number().int(),
              allocatedAfter: z.number().int(),
              saturationBefore: numOrNull,
              saturationAfter: numOrNull,
            }),
          )
          .meta({ description: 'Beat-shifts whose allocation or saturation changed' }),
        moved: z.array(
          z.looseObject({ officerId: z.string(), shift: z.string(), before: z.string().nullable(), after: z.string().nullable() }),
        ),
        continuityPercentBefore: num,
        continuityPercentAfter: num,
      })
      .nullable()
      .meta({ description: 'The staffing difference; null when the scenario is infeasible' }),
    response: z.looseObject({
      before: ResponseRunSchema,
      after: ResponseRunSchema.nullable().meta({ description: 'Null when the scenario is infeasible' }),
    }),
  })
  .meta({ id: 'WhatIfResult' });

/** One group's replayed figures in simulation.json (the city, a shift, a beat; engine `SimulatedFigures`). */
const SimulatedFiguresBase = {
  calls: z.number().int().meta({ description: "Calls of the group (by the beat of the call's cell, the shift of its arrival)" }),
  unitsOnDuty: num.meta({ description: "Mean units on duty over the group's hours" }),
  utilisation: numOrNull.meta({ description: "Busy minutes on calls ÷ on-duty minutes of the group's units, 0–1" }),
  crossBeatShare: numOrNull.meta({ description: 'Share of the calls answered by a unit of another beat, 0–1' }),
  queuedShare: numOrNull.meta({ description: 'Share of the calls that found no free unit in the city and waited, 0–1' }),
  meanWaitMinutes: numOrNull,
  meanTravelMinutes: numOrNull,
  response: z
    .object({ meanMinutes: num, p50Minutes: num, p90Minutes: num })
    .nullable()
    .meta({ description: 'Response time = queue wait + travel, minutes (90th percentile by nearest rank); null without calls' }),
};

/** `GET /plans/:id/simulations/:jobId` (simulation.json with the plan, version and staffing ids). */
export const SimulationResultSchema = z
  .looseObject({
    planId: IdSchema,
    version: z.number().int(),
    staffing: IdSchema,
    format: z.string(),
    mode: z.enum(['replay', 'poisson']),
    city: z.looseObject(SimulatedFiguresBase),
    shifts: z.array(z.looseObject({ shift: z.string(), ...SimulatedFiguresBase })),
    beats: z.array(z.looseObject({ id: z.string(), ...SimulatedFiguresBase })),
    assumptions: z
      .looseObject({
        calls: z.string(),
        dispatch: z.string(),
        travel: z.looseObject({
          model: z.string(),
          speedKmh: num.optional().meta({ description: 'Straight-line speed, km/h; absent on roads (each road keeps its own speed)' }),
          detourFactor: num.meta({ description: 'Road over straight-line distance (on roads: of the off-road legs)' }),
        }),
        responseTime: z.string(),
      })
      .meta({
        description: 'What the figures assume, in words: calls, dispatch, travel model with speed and detour, what response time contains',
      }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'SimulationResult' });

/** One staffing run in `GET /plans/{id}/staffing`. */
export const StaffingRunSchema = z.object({
  id: IdSchema,
  planId: IdSchema,
  planVersion: z.number().int(),
  roster: IdSchema,
  createdAt: z.string(),
});

/** One simulation run in `GET /plans/{id}/simulations`. */
export const SimulationRunSchema = z.object({
  jobId: IdSchema,
  status: z.enum(JOB_STATUSES),
  version: z.number().int().meta({ description: 'The plan version simulated' }),
  staffing: IdSchema.meta({ description: 'The staffing whose officers were on duty' }),
  mode: z.enum(['replay', 'poisson']),
  city: z
    .looseObject(SimulatedFiguresBase)
    .nullable()
    .meta({ description: "The city's replayed figures of a finished run; null otherwise" }),
  simulation: z.string().nullable().meta({ description: 'URL of the whole result (simulation.json) of a finished run; null otherwise' }),
  createdAt: z.string(),
});

/** `GET /health`. */
export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() });
