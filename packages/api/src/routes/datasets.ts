/**
 * Dataset routes: uploads (boundary, incidents, layers, existing beats, barriers, roads, rosters),
 * each streamed with a size limit and validated by the engine's readers in a compute worker
 * (never on the request thread), and listing.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { IncidentReadOptions } from '../engine-service.js';
import { ApiError } from '../errors.js';
import { pageOf, type RouteTable } from '../http.js';
import {
  BeatsUploadQuery,
  type DatasetDto,
  DatasetListQuery,
  DatasetSchema,
  IdParams,
  IncidentCountsUploadQuery,
  IncidentsUploadQuery,
  LayerUploadQuery,
  pageSchema,
  UnitsUploadQuery,
  UploadQueryBase,
  VenuesUploadQuery,
} from '../schemas.js';
import type { DatasetKind, DatasetRecord, Role } from '../store/store.js';
import { type StagedUpload, stageUpload } from '../uploads.js';

/** The API view of a dataset record (no blob ref). */
export function datasetDto(d: DatasetRecord): DatasetDto {
  return { id: d.id, kind: d.kind, name: d.name, format: d.format, bytes: d.bytes, sha256: d.sha256, info: d.info, createdAt: d.createdAt };
}

const GEOJSON_TYPES = ['application/geo+json', 'application/json'];
const CSV_TYPES = ['text/csv'];

function formatOf(contentType: string | undefined, staged: StagedUpload, explicit?: 'csv' | 'geojson'): 'csv' | 'geojson' {
  if (explicit) return explicit;
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'text/csv') return 'csv';
  if (ct === 'application/geo+json' || ct === 'application/json') return 'geojson';
  return staged.firstByte === 0x7b || staged.firstByte === 0x5b ? 'geojson' : 'csv';
}

interface UploadSpec<Q extends z.ZodType> {
  kind: DatasetKind;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  role: Role;
  query: Q;
  mediaTypes: string[];
  /** Validates the staged file and returns the dataset's `info`. */
  inspect(staged: StagedUpload, format: 'csv' | 'geojson', fileName: string, query: z.output<Q>): Promise<Record<string, unknown>>;
  /** Fixed format, else from Content-Type / sniffing. */
  format?: 'csv' | 'geojson';
}

/** Registers the dataset routes. */
export function datasetRoutes(t: RouteTable, ctx: AppContext): void {
  const upload = <Q extends z.ZodType>(spec: UploadSpec<Q>) =>
    t.add({
      method: 'post',
      path: spec.path,
      operationId: spec.operationId,
      summary: spec.summary,
      description: `${spec.description} The file is the request body (not multipart), at most ${ctx.config.uploadLimitBytes} bytes.`,
      tag: 'datasets',
      role: spec.role,
      query: spec.query,
      upload: { mediaTypes: spec.mediaTypes, description: 'The file itself' },
      responses: {
        201: {
          description: 'Stored; `info` holds the validation or ingest report',
          schema: DatasetSchema,
          headers: { Location: 'URL of the dataset' },
        },
        413: { description: 'Larger than the upload limit' },
        422: { description: 'The file cannot be used (parse error, invalid geometry, missing column); `errors` names the place' },
      },
      handler: async ({ req, res, query, principal }) => {
        const staged = await stageUpload(req, ctx.store, ctx.config.uploadLimitBytes);
        let adopted = false;
        try {
          const q = query as z.output<Q> & { name?: string; format?: 'csv' | 'geojson' };
          const format = spec.format ?? formatOf(req.get('content-type'), staged, q.format);
          const id = randomUUID();
          const fileName = `${spec.kind}-${id.slice(0, 8)}.${format === 'csv' ? 'csv' : 'geojson'}`;
          const info = await spec.inspect(staged, format, fileName, q);
          const blobRef = await ctx.store.adoptStagedBlob(staged.stagingName);
          adopted = true;
          const createdAt = new Date().toISOString();
          const d: DatasetRecord = {
            id,
            kind: spec.kind,
            name: q.name ?? `${spec.kind} ${createdAt.slice(0, 10)}`,
            format,
            bytes: staged.bytes,
            sha256: staged.sha256,
            blobRef,
            info,
            createdAt,
            createdBy: principal.tokenId,
          };
          await ctx.store.insertDataset(d);
          res.status(201).location(`/api/v1/datasets/${id}`).json(datasetDto(d));
        } finally {
          if (!adopted) await ctx.store.discardStaged(staged.stagingName);
        }
      },
    });

  upload({
    kind: 'boundary',
    path: '/datasets/boundary',
    operationId: 'uploadBoundary',
    summary: 'Upload a planning boundary (GeoJSON polygons)',
    description: 'A Polygon, MultiPolygon, Feature or FeatureCollection of them, [lng, lat] WGS84.',
    role: 'analyst',
    query: UploadQueryBase,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName) => ({ ...(await ctx.compute.inspect('boundary', [s.path, fileName])) }),
  });
  upload({
    kind: 'incidents',
    path: '/datasets/incidents',
    operationId: 'uploadIncidents',
    summary: 'Upload incidents (CSV or GeoJSON points) and get the ingest report',
    description:
      'Columns are detected (Chicago Data Portal, Socrata, generic lat/lng/time/type) or named in the query. Malformed rows never fail the upload: they are counted per reason in `info.report` with example rows.',
    role: 'analyst',
    query: IncidentsUploadQuery,
    mediaTypes: [...CSV_TYPES, ...GEOJSON_TYPES],
    inspect: async (s, format, fileName, q) => {
      const mapping = Object.fromEntries(
        (['lat', 'lng', 'time', 'type', 'priority'] as const).filter((k) => q[k] !== undefined).map((k) => [k, q[k]]),
      );
      const read: IncidentReadOptions = {
        format,
        ...(Object.keys(mapping).length ? { mapping } : {}),
        ...(q.timeFormat ? { timeFormat: q.timeFormat } : {}),
        ...(q.timeZone ? { timeZone: q.timeZone } : {}),
        ...(q.dateOnly ? { dateOnly: q.dateOnly } : {}),
      };
      const report = await ctx.compute.inspect('incidents', [s.path, fileName, read]);
      return { read, report };
    },
  });
  upload({
    kind: 'layer',
    path: '/datasets/layers',
    operationId: 'uploadLayer',
    summary: 'Upload a polygon layer with a numeric field (population, vulnerability index)',
    description: 'GeoJSON polygons; `field` names the numeric property. Features without a number are counted in the report.',
    role: 'analyst',
    query: LayerUploadQuery,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName, q) => ({ field: q.field, report: await ctx.compute.inspect('layer', [s.path, fileName, q.field]) }),
  });
  upload({
    kind: 'beats',
    path: '/datasets/beats',
    operationId: 'uploadExistingBeats',
    summary: 'Upload the existing (current) beats',
    description: 'GeoJSON polygons, one or more features per beat; `idField` names the beat id property.',
    role: 'analyst',
    query: BeatsUploadQuery,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName, q) => ({ ...(await ctx.compute.inspect('beats', [s.path, fileName, q.idField])) }),
  });
  upload({
    kind: 'barriers',
    path: '/datasets/barriers',
    operationId: 'uploadBarriers',
    summary: 'Upload barrier lines (rivers, expressways)',
    description: 'GeoJSON LineString/MultiLineString features; crossing one cuts the adjacency of two cells.',
    role: 'analyst',
    query: UploadQueryBase,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName) => ({ ...(await ctx.compute.inspect('barriers', [s.path, fileName])) }),
  });
  upload({
    kind: 'roads',
    path: '/datasets/roads',
    operationId: 'uploadRoads',
    summary: 'Upload roads (GeoJSON lines) for travel times on the street graph',
    description:
      'LineString/MultiLineString features, [lng, lat] WGS84; lines join where they share a vertex and are driven both ways. Speed from `speed_kmh`, else `maxspeed`, else the road class (`highway`/`class`/`fclass`/`type`; defaults in docs/time-model.md); footways, paths, cycleways and steps are left out. Validated on upload by building the road graph (`info`: nodes, length, speed sources). A plan uses it through `roads` in `POST /plans`.',
    role: 'analyst',
    query: UploadQueryBase,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName) => ({ ...(await ctx.compute.inspect('roads', [s.path, fileName])) }),
  });
  upload({
    kind: 'venues',
    path: '/datasets/venues',
    operationId: 'uploadVenues',
    summary: 'Upload candidate meeting places (GeoJSON points: schools, libraries, parks…)',
    description:
      'A FeatureCollection of Point features, [lng, lat] WGS84; `idProperty` and `nameProperty` name the venue id and display name properties. A plan uses them through `PUT /plans/{id}/meetings`.',
    role: 'analyst',
    query: VenuesUploadQuery,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName, q) => ({ ...(await ctx.compute.inspect('venues', [s.path, fileName, q.idProperty, q.nameProperty])) }),
  });
  upload({
    kind: 'roster',
    path: '/datasets/rosters',
    operationId: 'uploadRoster',
    summary: 'Upload an officer roster (CSV) for staffing',
    description:
      'Columns `officer_id,name,shift,rank,current_beat,skills,available` (`officer_id` and `shift` required; `skills` `;`-separated; `available` true/false/yes/no/1/0, empty = true). Validated on upload with the engine reader the staffing job uses: `info` holds the officers per shift and the rejected rows (row, field, reason); a file with no usable officer is 422 naming the row and field. Holds officer names, so only commanders and admins may upload it.',
    role: 'commander',
    query: UploadQueryBase,
    mediaTypes: CSV_TYPES,
    format: 'csv',
    inspect: async (s, _f, fileName) => ({ ...(await ctx.compute.inspect('roster', [s.path, fileName])) }),
  });
  upload({
    kind: 'fleet',
    path: '/datasets/fleet',
    operationId: 'uploadFleet',
    summary: 'Upload a fleet (CSV) for staffing: vehicles per shift',
    description:
      "Columns `shift,vehicle_type,count` (repeated rows summed), read with the engine's fleet reader as `beatplan staff --fleet` reads it. A staffing uses it through `fleet` in `POST /plans/{id}/staffing`.",
    role: 'analyst',
    query: UploadQueryBase,
    mediaTypes: CSV_TYPES,
    format: 'csv',
    inspect: async (s, _f, fileName) => ({ ...(await ctx.compute.inspect('fleet', [s.path, fileName])) }),
  });
  upload({
    kind: 'counts',
    path: '/datasets/counts',
    operationId: 'uploadIncidentCounts',
    summary: 'Upload incidents as counts per polygon (a count property per incident type)',
    description:
      'Polygon/MultiPolygon features, [lng, lat] WGS84, with a numeric count per `columns` property, read as `beatplan plan --incident-counts FILE:FIELD[=TYPE],…` reads them (features with a missing, non-numeric or negative count left out and listed in `info.report`). A plan or score run uses them through `incidentCounts` (with `countsPeriodDays`).',
    role: 'analyst',
    query: IncidentCountsUploadQuery,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName, q) => ({ ...(await ctx.compute.inspect('counts', [s.path, fileName, q.columns])) }),
  });
  upload({
    kind: 'units',
    path: '/datasets/units',
    operationId: 'uploadUnits',
    summary: 'Upload atomic units (census blocks, street blocks): the cells of one unit always share a beat',
    description:
      'Polygon/MultiPolygon features, [lng, lat] WGS84, with a unique id per feature (`idField`, else the feature id, else its position), read as `beatplan plan --units FILE[:ID]` reads them (docs/units.md). A plan uses them through `units` in `POST /plans`.',
    role: 'analyst',
    query: UnitsUploadQuery,
    mediaTypes: GEOJSON_TYPES,
    format: 'geojson',
    inspect: async (s, _f, fileName, q) => ({ ...(await ctx.compute.inspect('units', [s.path, fileName, q.idField])) }),
  });

  t.add({
    method: 'get',
    path: '/datasets',
    operationId: 'listDatasets',
    summary: 'List datasets (metadata and reports, never the content)',
    tag: 'datasets',
    role: 'viewer',
    query: DatasetListQuery,
    responses: { 200: { description: 'Datasets, oldest first, one page', schema: pageSchema(DatasetSchema) } },
    handler: async ({ req, res, query, principal }) => {
      let items = await ctx.store.listDatasets(query.kind);
      if (principal.role === 'viewer' || principal.role === 'analyst') items = items.filter((d) => d.kind !== 'roster');
      const page = pageOf(items, (d) => d.id, query, req, res);
      res.json({ items: page.items.map(datasetDto), next: page.next });
    },
  });

  t.add({
    method: 'get',
    path: '/datasets/:id',
    operationId: 'getDataset',
    summary: 'Get a dataset (metadata and ingest/validation report)',
    tag: 'datasets',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'The dataset', schema: DatasetSchema } },
    handler: async ({ res, params, principal }) => {
      const d = await ctx.store.getDataset(params.id);
      if (!d || (d.kind === 'roster' && (principal.role === 'viewer' || principal.role === 'analyst'))) {
        throw new ApiError('NOT_FOUND', `no dataset ${params.id}`);
      }
      res.json(datasetDto(d));
    },
  });
}
