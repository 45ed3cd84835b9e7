/**
 * `GET /plans/:id/reference`: the ground reference the map draws with the beats — the
 * plan's barriers (rivers, expressways), districts, roads, and area layers (neighbourhoods),
 * taken from the datasets the plan was made from, and its meeting venues (the `venues` dataset
 * of `PUT /plans/{id}/meetings`). Geometry and a display name only (no other attribute
 * leaves), so it is safe for every role; nothing here is incident-derived.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http.js';
import { IdParams } from '../schemas.js';
import type { DatasetRecord } from '../store/store.js';

/** Reference layer kinds, in the order of the answer: areas, districts, roads, barriers, venues. */
export const REFERENCE_KINDS = ['areas', 'districts', 'roads', 'barriers', 'venues'] as const;
/** A reference layer kind. */
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

/** Which plan input (a dataset id in `plan.inputs`) feeds which reference layer; venues come from the plan's settings. */
const INPUT_OF: Record<Exclude<ReferenceKind, 'venues'>, readonly string[]> = {
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
      kind: z.enum(REFERENCE_KINDS).meta({
        description:
          'areas (neighbourhoods), districts, roads, barriers (rivers, expressways), or venues (the meeting venues of `PUT /plans/{id}/meetings`: points named by their `nameProperty`)',
      }),
      name: z.string().meta({ description: "The dataset's name" }),
      data: z.object({ type: z.literal('FeatureCollection'), features: z.array(FeatureSchema) }),
    }),
  ),
});

/** The display name of a feature: the first of these properties that is a non-empty string or number. */
const NAME_KEYS = ['name', 'NAME', 'label', 'district', 'dist_num', 'community', 'COMMUNITY', 'id'];

/**
 * A GeoJSON text reduced to its features' geometries and display names.
 * @param nameKeys the properties that may hold the display name, first match wins (default {@link NAME_KEYS})
 * @throws ApiError INTERNAL when the stored dataset is not a FeatureCollection (uploads are validated, so this means corruption)
 * @example referenceFeatures('{"type":"FeatureCollection","features":[…]}', ['title'])[0].properties.name
 */
export function referenceFeatures(text: string, nameKeys: readonly string[] = NAME_KEYS): z.infer<typeof FeatureSchema>[] {
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
      const key = nameKeys.find((k) => typeof p[k] === 'string' || typeof p[k] === 'number');
      return { type: 'Feature' as const, properties: { name: key ? String(p[key]) : null }, geometry: f.geometry! };
    });
}

/** Registers `GET /plans/:id/reference`. */
export function referenceRoutes(t: RouteTable, ctx: AppContext): void {
  t.add({
    method: 'get',
    path: '/plans/:id/reference',
    operationId: 'getPlanReference',
    summary: 'Ground reference layers of a plan (areas, districts, roads, barriers, venues)',
    description:
      "The plan's reference datasets as GeoJSON (geometry and a display name only), for drawing with the beats. A layer is present only when the plan was made with that dataset; `venues` when the plan has meeting venues (`PUT /plans/{id}/meetings`), its points named by the upload's `nameProperty`.",
    tag: 'plans',
    role: 'viewer',
    params: IdParams,
    responses: { 200: { description: 'The layers, bottom to top', schema: ReferenceSchema }, 404: { description: 'No such plan' } },
    handler: async ({ res, params }) => {
      const plan = await ctx.store.getPlan(params.id);
      if (!plan) throw new ApiError('NOT_FOUND', `no plan ${params.id}`);
      const inputs = plan.inputs as Record<string, unknown>;
      // each layer's JSON text: the file parsed and reduced in a compute worker (a city's areas or
      // roads are megabytes: tens of ms of parse and serialize), once per dataset while recently
      // used; the answer is put together from the texts, none of them parsed here
      // (each layer's bytes as the worker sent them, joined between small JSON pieces)
      const layers: Buffer[] = [];
      const layerOf = async (kind: ReferenceKind, d: DatasetRecord, nameKeys?: readonly string[]) => {
        const data = await ctx.versions.fromBlob(`reference:${d.blobRef}:${nameKeys?.join(',') ?? ''}`, () =>
          ctx.compute.referenceFeatures(ctx.store.blobPath(d.blobRef), nameKeys),
        );
        const head = `${layers.length ? ',' : ''}{"kind":${JSON.stringify(kind)},"name":${JSON.stringify(d.name)},"data":`;
        layers.push(Buffer.from(head, 'utf8'), data, Buffer.from('}', 'utf8'));
      };
      const seen = new Set<string>();
      for (const kind of REFERENCE_KINDS) {
        if (kind === 'venues') continue;
        for (const key of INPUT_OF[kind]) {
          const id = inputs[key];
          if (typeof id !== 'string' || seen.has(id)) continue;
          const d = await ctx.store.getDataset(id);
          if (d?.format !== 'geojson') continue;
          seen.add(id);
          await layerOf(kind, d);
          break;
        }
      }
      // the meeting venues: named by the property the upload named (`nameProperty`), nothing else
      const venuesId = (await ctx.store.getPlanSettings(plan.id))?.venues;
      const venues = venuesId ? await ctx.store.getDataset(venuesId) : undefined;
      if (venues?.kind === 'venues' && venues.format === 'geojson')
        await layerOf('venues', venues, [String(venues.info.nameProperty ?? 'name')]);
      res.type('application/json').send(Buffer.concat([Buffer.from('{"layers":[', 'utf8'), ...layers, Buffer.from(']}', 'utf8')]));
    },
  });
}
