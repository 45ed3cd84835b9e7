/**
 * Plan alternatives: `POST /plans/{id}/alternatives` starts N planning jobs from the plan's
 * inputs with different seeds and objective weights (one profile each: tighter balance, more
 * compact beats, fewer changes from the parent, or the defaults), run by whichever workers take
 * them (the shared queue with PostgreSQL); `GET /plans/{id}/alternatives/{setId}` gathers them
 * into a comparison table with the Pareto set on balance, compactness, change and response.
 * Every alternative is an ordinary plan (stored once, by its job), so the map opens any of them.
 */
import { randomUUID } from 'node:crypto';
import { evaluatePlan, type PlanMetrics, planChange, planFromJson } from '@beatplan/engine';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Principal } from '../auth.js';
import type { LoadedPlan } from '../engine-service.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http.js';
import { PlanAccess } from '../plan-access.js';
import { ContextInputSchema, IdSchema, type PlanRequest, PlanRequestSchema } from '../schemas.js';
import type { AlternativeSetRecord, JobRecord } from '../store/store.js';
import { jobDto } from './jobs.js';

/**
 * The objective profiles of alternatives, as `POST /plans` options (the documented
 * `planBeats` options): `balance` a ±1% band; `compact` cut edges weighted 5× the default
 * (0.01); `change` starts from the parent and weighs a moved mean beat 4× the default; `blend`
 * the defaults.
 */
export const ALTERNATIVE_PROFILES = {
  balance: { tolerance: 0.01 },
  compact: { cutEdgeWeight: 0.01 },
  change: { startFromExisting: true, changePenalty: 4 },
  blend: {},
} as const satisfies Record<string, Partial<PlanRequest>>;
/** A profile name. */
export type AlternativeProfile = keyof typeof ALTERNATIVE_PROFILES;
const PROFILE_NAMES = Object.keys(ALTERNATIVE_PROFILES) as [AlternativeProfile, ...AlternativeProfile[]];

/** `POST /plans/{id}/alternatives`. */
export const AlternativesRequestSchema = z.object({
  count: z.number().int().min(1).max(50).default(6).meta({ description: 'Number of alternatives (jobs), 1-50' }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(1)
    .meta({ description: 'Seed of the first alternative; alternative i uses seed + i' }),
  profiles: z.array(z.enum(PROFILE_NAMES)).min(1).default(PROFILE_NAMES).meta({
    description:
      'Objective profiles, used in turn: balance (±1% band), compact (cut edges 5× weight), change (start from the parent, moves 4× costlier), blend (defaults)',
  }),
  timeLimitMs: z.number().int().positive().max(3_600_000).optional(),
});

/** One row of the comparison. Every figure is defined in {@link alternativeFigures}. */
export interface AlternativeRow {
  jobId: string;
  profile: string;
  seed: number;
  status: JobRecord['status'];
  /** Why the job did not succeed; for a viewer the code only (`detail` says the role it needs). */
  error: JobRecord['error'];
  /** The alternative's plan (null until its job succeeded). */
  planId: string | null;
  /** Largest beat workload ÷ mean beat workload (balance; lower is better). */
  maxOverMean: number | null;
  /** Mean Polsby-Popper compactness of the beats (higher is better). */
  polsbyPopperMean: number | null;
  /** Share of the workload whose cell is in a beat of another id than in the parent (lower is better). */
  movedWorkloadShare: number | null;
  /** City-wide mean response minutes with the officers the time model requires (null when not computable; lower is better). */
  meanResponseMinutes: number | null;
  /** In the Pareto set: no other finished alternative is at least as good on all four figures and better on one. */
  pareto: boolean;
}

/**
 * The figures of an alternative against its parent, on the parent's grid and scores:
 * `maxOverMean` and `polsbyPopperMean` as `evaluatePlan` computes them (balanced measure of the
 * parent), and `movedWorkloadShare` = Σ workload of cells whose beat id differs from the
 * parent's ÷ Σ workload of cells assigned in either (`planChange` on beat ids).
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when the alternative is not on the parent's grid
 */
export function alternativeFigures(
  parent: LoadedPlan,
  altJson: string,
  tolerance?: number,
): Pick<AlternativeRow, 'maxOverMean' | 'polsbyPopperMean' | 'movedWorkloadShare'> {
  const alt = planFromJson(JSON.parse(altJson), parent.grid).plan;
  const metrics: PlanMetrics = evaluatePlan(parent.grid, alt, parent.scores, tolerance !== undefined ? { tolerance } : {});
  // the same beat id → the same number on both sides, so planChange compares ids
  const number = new Map<string, number>();
  const ids = (plan: typeof alt) =>
    Int32Array.from(plan.beatOfCell, (b) =>
      b < 0 ? -1 : (number.get(plan.beatIds[b]!) ?? number.set(plan.beatIds[b]!, number.size).get(plan.beatIds[b]!)!),
    );
  const change = planChange(ids(parent.plan), ids(alt), parent.scores.workloadHours);
  return {
    maxOverMean: metrics.workload.maxOverMean,
    polsbyPopperMean: metrics.compactness.polsbyPopperMean,
    movedWorkloadShare: change.movedWorkloadShare,
  };
}

/** The four figures of a row as costs (lower is better); null (unknown) counts as worst. */
function costs(r: Pick<AlternativeRow, 'maxOverMean' | 'polsbyPopperMean' | 'movedWorkloadShare' | 'meanResponseMinutes'>): number[] {
  return [
    r.maxOverMean ?? Infinity,
    r.polsbyPopperMean === null ? Infinity : -r.polsbyPopperMean,
    r.movedWorkloadShare ?? Infinity,
    r.meanResponseMinutes ?? Infinity,
  ];
}

/**
 * Indices of the Pareto set of `rows` (minimising max/mean, change and response, maximising
 * mean Polsby-Popper): the rows no other row dominates (at least as good on every figure and
 * strictly better on one). Equal rows are all kept.
 * @example paretoSet([{ maxOverMean: 1.01, polsbyPopperMean: 0.4, movedWorkloadShare: 0.2, meanResponseMinutes: 9 }]) // [0]
 */
export function paretoSet(
  rows: ReadonlyArray<Pick<AlternativeRow, 'maxOverMean' | 'polsbyPopperMean' | 'movedWorkloadShare' | 'meanResponseMinutes'>>,
): number[] {
  const c = rows.map(costs);
  const dominates = (a: number[], b: number[]) => a.every((x, k) => x <= b[k]!) && a.some((x, k) => x < b[k]!);
  return c.flatMap((ci, i) => (c.some((cj, j) => j !== i && dominates(cj, ci)) ? [] : [i]));
}

/** A set of alternatives (`POST /plans/{id}/alternatives`, and each item of the list). */
export const AlternativeSetSchema = z.object({
  id: IdSchema,
  planId: IdSchema,
  parentVersion: z.number().int(),
  createdAt: z.string(),
  members: z.array(z.object({ jobId: IdSchema, profile: z.string(), seed: z.number().int(), options: z.record(z.string(), z.unknown()) })),
});
/** The comparison of a set (`GET /plans/{id}/alternatives/{setId}`); every figure as in {@link AlternativeRow}. */
export const AlternativesComparisonSchema = AlternativeSetSchema.omit({ members: true }).extend({
  finished: z.number().int().meta({ description: 'Alternatives whose job has ended (any outcome)' }),
  rows: z.array(
    z.object({
      jobId: IdSchema,
      profile: z.string(),
      seed: z.number().int(),
      status: z.string(),
      error: z.unknown(),
      planId: IdSchema.nullable(),
      maxOverMean: z.number().nullable(),
      polsbyPopperMean: z.number().nullable(),
      movedWorkloadShare: z.number().nullable(),
      meanResponseMinutes: z.number().nullable(),
      pareto: z.boolean(),
    }),
  ),
});

const SetParams = z.object({ id: IdSchema, setId: IdSchema });

/**
 * Registers the alternatives routes. `submitPlan` is the planning job of `POST /plans`
 * (`planRoutes`' return), so an alternative is planned and stored exactly as any plan.
 */
export function alternativeRoutes(
  t: RouteTable,
  ctx: AppContext,
  submitPlan: (body: PlanRequest, principal: Principal) => Promise<JobRecord>,
): void {
  const { store } = ctx;
  const access = new PlanAccess(ctx);

  t.add({
    method: 'post',
    path: '/plans/:id/alternatives',
    operationId: 'createPlanAlternatives',
    summary: 'Plan N alternatives of a plan (N jobs) for comparison',
    description:
      "Each alternative re-plans the plan's inputs with the same beat count, `from` this plan (its beat ids inherited), with seed `seed + i` and the objective profile `profiles[i mod P]`. The jobs run on whichever workers take them. Compare them with GET /plans/{id}/alternatives/{setId}.",
    tag: 'plans',
    role: 'analyst',
    params: z.object({ id: IdSchema }),
    body: AlternativesRequestSchema,
    responses: {
      202: {
        description: 'The set of alternatives (their jobs)',
        schema: AlternativeSetSchema,
        headers: { Location: 'URL of the comparison' },
      },
    },
    handler: async ({ res, params, body, principal }) => {
      const parent = await access.getPlan(params.id);
      const inputs = ContextInputSchema.parse(
        Object.fromEntries(
          Object.keys(ContextInputSchema.shape)
            .filter((k) => (parent.inputs as Record<string, unknown>)[k] !== undefined)
            .map((k) => [k, (parent.inputs as Record<string, unknown>)[k]]),
        ),
      );
      const set: AlternativeSetRecord = {
        id: randomUUID(),
        planId: parent.id,
        parentVersion: parent.currentVersion,
        members: [],
        createdAt: new Date().toISOString(),
        createdBy: principal.tokenId,
      };
      for (let i = 0; i < body.count; i++) {
        const profile = body.profiles[i % body.profiles.length]!;
        const seed = body.seed + i;
        const options = {
          ...ALTERNATIVE_PROFILES[profile],
          seed,
          ...(body.timeLimitMs !== undefined ? { timeLimitMs: body.timeLimitMs } : {}),
        };
        const request = PlanRequestSchema.parse({
          ...inputs,
          ...options,
          from: parent.id,
          fromVersion: parent.currentVersion,
          name: `${parent.name} · alternative ${i + 1} (${profile}, seed ${seed})`,
        });
        const job = await submitPlan(request, principal);
        set.members.push({ jobId: job.id, profile, seed, options });
      }
      await store.insertAlternativeSet(set);
      res.status(202).location(`/api/v1/plans/${parent.id}/alternatives/${set.id}`).json(set);
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/alternatives',
    operationId: 'listPlanAlternatives',
    summary: 'The sets of alternatives started from a plan, oldest first',
    description: 'Each set with its members (job, profile, seed, options); compare one with GET /plans/{id}/alternatives/{setId}.',
    tag: 'plans',
    role: 'viewer',
    params: z.object({ id: IdSchema }),
    responses: { 200: { description: 'The sets', schema: z.object({ items: z.array(AlternativeSetSchema) }) } },
    handler: async ({ res, params }) => {
      const parent = await access.getPlan(params.id);
      const sets = await store.listAlternativeSets(parent.id);
      res.json({ items: sets.map(({ createdBy: _by, ...set }) => set) });
    },
  });

  t.add({
    method: 'get',
    path: '/plans/:id/alternatives/:setId',
    operationId: 'getPlanAlternatives',
    summary: 'Compare the alternatives of a set: balance, compactness, change, response and the Pareto set',
    description:
      'One row per alternative: its job status and, once its plan is stored, max/mean workload, mean Polsby-Popper, the share of the workload whose beat id differs from the parent version, and the city-wide mean response minutes with the officers the time model requires. `pareto` marks the non-dominated rows among the finished ones.',
    tag: 'plans',
    role: 'viewer',
    params: SetParams,
    responses: { 200: { description: 'The comparison', schema: AlternativesComparisonSchema } },
    handler: async ({ res, params, principal }) => {
      const set = await store.getAlternativeSet(params.setId);
      if (!set || set.planId !== params.id) throw new ApiError('NOT_FOUND', `no alternatives ${params.setId} of plan ${params.id}`);
      const parent = await access.getPlan(set.planId);
      const parentVersion = await access.getVersion(parent, set.parentVersion);
      // a viewer's figures come from pooled cell values (public-view.ts); no response figures
      const publicK = principal.role === 'viewer' ? ctx.config.privacyK : undefined;
      const rows: AlternativeRow[] = [];
      for (const m of set.members) {
        const job = await store.getJob(m.jobId);
        const planId = job?.status === 'succeeded' ? String((job.result as { planId?: string } | null)?.planId ?? '') || null : null;
        // a viewer sees an error's code only (the detail may quote incident-derived figures), as on GET /jobs/{id}
        const error = job ? jobDto(job, publicK !== undefined).error : null;
        const row: AlternativeRow = {
          jobId: m.jobId,
          profile: m.profile,
          seed: m.seed,
          status: job?.status ?? 'failed',
          error,
          planId,
          maxOverMean: null,
          polsbyPopperMean: null,
          movedWorkloadShare: null,
          meanResponseMinutes: null,
          pareto: false,
        };
        if (planId) {
          const p = await access.getPlan(planId);
          const v = await access.getVersion(p, 1);
          const altJson = (await store.getBlob(v.planBlobRef)).toString('utf8');
          // parsed and evaluated in a compute worker holding the parent version
          Object.assign(
            row,
            await access.alternativeFigures(parent, parentVersion, {
              altJson,
              ...(typeof m.options.tolerance === 'number' ? { tolerance: m.options.tolerance } : {}),
              ...(publicK !== undefined ? { publicK } : {}),
            }),
          );
          if (publicK === undefined) {
            try {
              row.meanResponseMinutes = (await access.response(p, 1, undefined)).city.meanResponseMinutes;
            } catch {
              row.meanResponseMinutes = null; // e.g. INFEASIBLE: a shift over 100% utilisation
            }
          }
        }
        rows.push(row);
      }
      const done = rows.map((r, i) => [r, i] as const).filter(([r]) => r.planId !== null);
      for (const k of paretoSet(done.map(([r]) => r))) rows[done[k]![1]]!.pareto = true;
      const { members: _members, createdBy: _by, ...head } = set;
      res.json({ ...head, finished: rows.filter((r) => r.status !== 'queued' && r.status !== 'running').length, rows });
    },
  });
}
