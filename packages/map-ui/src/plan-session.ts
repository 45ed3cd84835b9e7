/**
 * The plan on show and its per-beat state: the plan, its ETag, metrics and cells as a
 * {@link CellModel}, the beats' map colours and aggregates — loaded whole, brought up to a new
 * version by applying only the cells that changed, and kept up to date after edits. Also the
 * plan list: waiting for the first plan, choosing which to open, the plan selectors.
 */
import type { ApiClient, PlanDto } from './api-client.js';
import {
  aggregateBeats,
  type BeatAggregate,
  beatAdjacency,
  beatNeighbours,
  type CellModel,
  type CellsResponse,
  cellsToModel,
} from './cell-model.js';
import type { FillOptions, ShiftChoice } from './map-style.js';
import type { PlanMetricsDto } from './metrics.js';
import { colourBeats, quantileBreaks, recolourBeats } from './palette.js';
import { listAllPlans } from './panels/plans.js';
import { el } from './panels.js';

/** What a plan load fetches: the plan (current version), its ETag, metrics and cells. */
export interface PlanData {
  plan: PlanDto;
  etag: string | null;
  metrics: PlanMetricsDto;
  cells: CellsResponse;
}

/**
 * Fetches a plan's current version, metrics and cells side by side.
 * @throws ApiProblem when a request is refused (unknown plan: 404).
 */
export async function fetchPlan(api: Pick<ApiClient, 'get' | 'getWithEtag'>, id: string): Promise<PlanData> {
  const [{ data: plan, etag }, metrics, cells] = await Promise.all([
    api.getWithEtag<PlanDto>(`/plans/${id}`),
    api.get<PlanMetricsDto>(`/plans/${id}/metrics`),
    api.get<CellsResponse>(`/plans/${id}/cells`),
  ]);
  return { plan, etag, metrics, cells };
}

/** How often the map asks for the plan list while there is none (ms). */
export const PLAN_POLL_MS = 2000;
/** While only imported plans exist, how long the map waits for a planned one before showing them (ms). */
export const PLAN_WAIT_FOR_PROPOSAL_MS = 180_000;

/** Options of {@link waitForPlans}. */
export interface WaitOptions {
  /** When the page started (ms since the epoch): imported-only lists are shown after {@link PLAN_WAIT_FOR_PROPOSAL_MS}. */
  startedAt: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** True once a plan was opened meanwhile (made in the Plans tab): stop waiting. */
  opened: () => boolean;
  /** Called once when there is no plan yet. */
  empty: () => void;
}

/**
 * The plan list, polled every {@link PLAN_POLL_MS} while it is empty (`pnpm start` prints the
 * link before the demo plan exists) or holds only imported plans and a proposal may come.
 * Returns null when a plan was opened meanwhile.
 * @throws ApiProblem when the list is refused.
 */
export async function waitForPlans(api: Pick<ApiClient, 'get'>, o: WaitOptions): Promise<PlanDto[] | null> {
  let items = await listAllPlans(api);
  if (!items.length) {
    o.empty();
    while (!items.length && !o.opened()) {
      await o.sleep(PLAN_POLL_MS);
      items = await listAllPlans(api);
      // the demo imports the current beats first: wait for the proposal when it is coming
      if (items.length && items.every((p) => p.inputs.method === 'import') && o.now() - o.startedAt < PLAN_WAIT_FOR_PROPOSAL_MS) items = [];
    }
  }
  return o.opened() ? null : items;
}

/**
 * The plan to open first: the one asked for (`?plan=`), else the newest planned one, else the newest.
 * @example firstPlan(plans, null).id
 */
export function firstPlan(plans: readonly PlanDto[], wanted: string | null | undefined): PlanDto {
  const planned = [...plans].reverse().find((p) => p.inputs.method !== 'import');
  return plans.find((p) => p.id === wanted) ?? planned ?? plans[plans.length - 1]!;
}

/**
 * Fills the plan selector (`plan-select`, `current` chosen) and the "compare with" selector
 * (every other plan, an imported one chosen when there is one).
 */
export function fillPlanSelects(plans: readonly PlanDto[], current: string): void {
  const opts = (exclude?: string) =>
    plans
      .filter((p) => p.id !== exclude)
      .map((p) => el('option', { value: p.id }, `${p.name} (${p.inputs.method === 'import' ? 'current beats' : 'planned'})`));
  const plan = document.getElementById('plan-select') as HTMLSelectElement;
  plan.replaceChildren(...opts());
  plan.value = current;
  const compare = document.getElementById('compare-select') as HTMLSelectElement;
  compare.replaceChildren(...opts(current));
  const imported = plans.find((p) => p.id !== current && p.inputs.method === 'import');
  if (imported) compare.value = imported.id;
}

/** The cells whose beat differs between two versions, and the beats they left or joined (−1 included). */
export function versionDiff(model: CellModel, fresh: CellModel): { changed: number[]; touched: Set<number> } {
  const changed: number[] = [];
  const touched = new Set<number>();
  for (let i = 0; i < fresh.cellCount; i++)
    if (fresh.beatOf[i] !== model.beatOf[i]) {
      changed.push(i);
      touched.add(model.beatOf[i]!);
      touched.add(fresh.beatOf[i]!);
    }
  return { changed, touched };
}

/** The plan on show and its per-beat state (see the module comment). */
export class PlanSession {
  /** The plan list as last read (`GET /plans`). */
  plans: PlanDto[] = [];
  plan: PlanDto | null = null;
  etag: string | null = null;
  model: CellModel | null = null;
  metrics: PlanMetricsDto | null = null;
  /** The map colour (palette index) of each beat, no two neighbours alike. */
  colourOf = new Int32Array(0);
  /** Each beat's aggregate (cells, centroid, bounding box, workload), by beat index. */
  agg = new Map<number, BeatAggregate>();

  /** Takes a freshly fetched plan: builds the model, colours the beats, aggregates them. */
  take({ plan, etag, metrics, cells }: PlanData): CellModel {
    this.plan = plan;
    this.etag = etag;
    this.metrics = metrics;
    const model = cellsToModel(
      cells,
      metrics.perBeat.map((b) => b.id),
    );
    this.model = model;
    this.colourOf = Int32Array.from(colourBeats(beatAdjacency(model)).colourOf);
    this.agg = aggregateBeats(model);
    return model;
  }

  /**
   * Brings the model to a fetched version of the same plan, changing only the cells whose beat
   * moved; returns them and the beats touched, or null when the beats or cells differ in number
   * (the plan must then be taken whole).
   */
  advance({ plan, etag, metrics, cells }: PlanData): { changed: number[]; touched: Set<number> } | null {
    const model = this.model!;
    this.plan = plan;
    this.etag = etag;
    this.metrics = metrics;
    const fresh = cellsToModel(cells, model.beatIds);
    if (fresh.beatIds.length !== model.beatIds.length || fresh.cellCount !== model.cellCount) return null;
    const diff = versionDiff(model, fresh);
    for (const i of diff.changed) model.beatOf[i] = fresh.beatOf[i]!;
    return diff;
  }

  /**
   * Re-aggregates the given beats after their cells changed and recolours them where they now
   * meet a beat of their colour (only touched beats can); returns true when a colour changed.
   */
  updateBeats(beats: readonly number[]): boolean {
    const model = this.model!;
    const fresh = aggregateBeats(model, beats);
    for (const b of beats) {
      const a = fresh.get(b);
      if (a) this.agg.set(b, a);
      else this.agg.delete(b);
    }
    const { colourOf, changed } = recolourBeats(beatNeighbours(model, beats), this.colourOf);
    if (changed.length) this.colourOf = Int32Array.from(colourOf);
    return changed.length > 0;
  }

  /** True when `b` is locked in the metrics on show. */
  locked(b: number): boolean {
    const id = this.model?.beatIds[b];
    return Boolean(this.metrics?.perBeat.find((x) => x.id === id)?.locked);
  }

  /** The fill of the plan on show in a colouring (quantile breaks of the values shown; none by beat). */
  fillOptions(
    mode: FillOptions['mode'],
    shift: ShiftChoice,
    selectedBeat: number | null,
    dimmed: boolean,
  ): FillOptions & { selectedBeat: number | null } {
    const model = this.model!;
    const values =
      mode === 'need' ? model.needHours : shift === 'all' || !model.detail ? model.workloadHours : model.detail.shiftWorkload[shift]!;
    return {
      mode,
      colourOfBeat: this.colourOf,
      shift,
      breaks: mode === 'beat' ? undefined : quantileBreaks(values),
      selectedBeat,
      dimmed,
      ...(model.privacy ? { suppressedK: model.privacy.k } : {}),
    };
  }
}
