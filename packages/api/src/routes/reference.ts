/**
 * `GET /plans/:id/reference`: the ground reference the map draws under the beats — the
 * plan's barriers (rivers, expressways), districts, roads, and area layers (neighbourhoods),
 * taken from the datasets the plan was made from. Geometry and a display name only (no other
 * attribute leaves), so it is safe for every role; nothing here is incident-derived.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http.js';
import { IdParams } from '../schemas.js';

/** Reference layer kinds, drawn bottom to top: areas, districts, roads, barriers. */
export const REFERENCE_KINDS = ['areas', 'districts', 'roads', 'barriers'] as const;
/** A reference layer kind. */
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** Which plan input (a dataset id in `plan.inputs`) feeds which reference layer. */
const INPUT_OF: Record<ReferenceKind, readonly string[]> = {
  areas: ['areas', 'population', 'vulnerability'],
  districts: ['districts'],
  roads: ['roads'],
  barriers: ['barriers'],
};

const FeatureSchema = z.object({
  type: z.literal('Feature'),
  properties: z.object({ name: z.string().nullable() }),
  geometry: z.record(z.string(), z.unknown()),
});

/** The answer of `GET /plans/:id/reference`. */
export const ReferenceSchema = z.object({
  layers: z.array(
    z.object({
      kind: z.enum(REFERENCE_KINDS).meta({ description: 'areas (neighbourhoods), districts, roads, or barriers (rivers, expressways)' }),
      name: z.string().meta({ description: "The dataset's name" }),
      data: z.object({ type: z.literal('FeatureCollection'), features: z.array(FeatureSchema) }),
    }),
  ),
});

/** The display name of a feature: the first of these properties that is a non-empty string or number. */
const NAME_KEYS = ['name', 'NAME', 'label', 'district', 'dist_num', 'community', 'COMMUNITY', 'id'];

/**
 * A GeoJSON text reduced to its features' geometries and display names.
 * @throws ApiError INTERNAL when the stored dataset is not a FeatureCollection (uploads are validated, so this means corruption)
 */
export function referenceFeatures(text: string): z.infer<typeof FeatureSchema>[] {
  const fc = JSON.parse(text) as {
    type?: string;
    features?: Array<{ geometry?: Record<string, unknown> | null; properties?: Record<string, unknown> | null }>;
  };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new ApiError('INTERNAL', 'a stored reference dataset is not a FeatureCollection');
  return fc.features
    .filter((f) => f.geometry)
    .map((f) => {
      const p = f.properties ?? {};
      const key = NAME_KEYS.find((k) => typeof p[k] === 'string' || typeof p[k] === 'number');
      return { type: 'Feature' as const, properties: { name: key ? String(p[key]) : null }, geometry: f.geometry! };
    });
}

/** Registers `GET /plans/:id/reference`. */
export function referenceRoutes(t: RouteTable, ctx: AppContext): void {
  t.add({
    method: 'get',
    path: '/plans/:id/reference',
    operationId: 'getPlanReference',
    summary: 'Ground reference layers of a plan (areas, districts, roads, barriers)',
    description:
      "The plan's reference datasets as GeoJSON (geometry and a display name only), for drawing under the beats. A layer is present only when the plan was made with that dataset.",
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'The layers, bottom to top', schema: ReferenceSchema }, 404: { description: 'No such plan' } },
    handler: async ({ res, params }) => {
      const plan = await ctx.store.getPlan(params.id);
      if (!plan) throw new ApiError('NOT_FOUND', `no plan ${params.id}`);
      const inputs = plan.inputs as Record<string, unknown>;
      const layers: z.infer<typeof ReferenceSchema>['layers'] = [];
      const seen = new Set<string>();
      for (const kind of REFERENCE_KINDS) {
        for (const key of INPUT_OF[kind]) {
          const id = inputs[key];
          if (typeof id !== 'string' || seen.has(id)) continue;
          const d = await ctx.store.getDataset(id);
          if (d?.format !== 'geojson') continue;
          seen.add(id);
          layers.push({
            kind,
            name: d.name,
            data: { type: 'FeatureCollection', features: referenceFeatures((await ctx.store.getBlob(d.blobRef)).toString('utf8')) },
          });
          break;
        }
      }
      res.json({ layers });
    },
  });
}
