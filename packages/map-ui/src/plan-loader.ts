/**
 * Puts a plan on the map and keeps it there: the first load (its phases timed), the reload of a
 * new version after undo/redo/re-balance (only the cells that changed are redrawn), the cells
 * an edit moved (beat ids, outlines, labels, colours), and the per-shift scores of older APIs.
 * The plan and its per-beat state are held by a {@link PlanSession}.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { ApiClient } from './api-client.js';
import { type CellModel, csvToScoreDetail, edgesOfCells, isBeatEdge, isUnitEdge } from './cell-model.js';
import type { BeatLabelsLayer } from './layers/beat-labels.js';
import { boundsOf, type PlanLayers } from './layers/plan-layers.js';
import { type FillOptions, SOURCE_LAYERS, SOURCES } from './map-style.js';
import { listAllPlans } from './panels/plans.js';
import { fetchPlan, fillPlanSelects, firstPlan, type PlanData, type PlanSession, waitForPlans } from './plan-session.js';
import { tileStats } from './vector-tiles.js';
import { plainError } from './words.js';

/** Feature-state targets of the plan's vector tiles. */
const CELL = { source: SOURCES.cells, sourceLayer: SOURCE_LAYERS.cells } as const;
const EDGE = { source: SOURCES.edges, sourceLayer: SOURCE_LAYERS.edges } as const;

/** The note shown by the shift selector when a public answer has no per-shift cell workload. */
export const SHIFT_NOTE_VIEWER = 'per-shift cell workload is not shown to viewers';

/** What the loader draws on and tells. */
export interface PlanLoaderHost {
  api: Pick<ApiClient, 'get' | 'getWithEtag' | 'text'>;
  session: PlanSession;
  /** The map, its plan layers and beat labels (created after the loader, with the map). */
  map(): Pick<MapLibreMap, 'setFeatureState' | 'fitBounds' | 'once'>;
  layers(): Pick<PlanLayers, 'install' | 'refreshOutlines' | 'refreshCells'>;
  labels(): Pick<BeatLabelsLayer, 'setPlan' | 'update'>;
  /** True for a viewer, whose answers are public (no cells.csv asked for). */
  viewer: boolean;
  fillOptions(): FillOptions & { selectedBeat: number | null };
  heatOn(): boolean;
  /** Fills the shift selector (see `MapControls.fillShiftSelect`). */
  shifts(shifts: readonly string[], note?: string): void;
  /** A new plan is about to be drawn: panels forget the previous one. */
  reset(): void;
  /** The plan is on the map: panels and legend render from it. */
  shown(model: CellModel): void;
  /** After the drawing, work that may wait (staffing, heat, reference layers). */
  settled(): void;
  /** The plan list was re-read: the Plans tab renders it. */
  listed(): void;
  /** A version was reloaded: panels and buttons render again. */
  rendered(): void;
  /** Beat colours changed after an edit (restyle when colouring by beat). */
  recoloured(): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** Loads plans onto the map (see the module comment). */
export class PlanLoader {
  /** Phases of the last plan load, ms: fetchMs, modelMs, layersMs, panelsMs, firstIdleMs; and tilesCut, tileCutMs. */
  loadTimings: Record<string, number> = {};
  /** True once the first plan is on the map. */
  ready = false;
  private prefetch: { id: string; data: Promise<PlanData>; t0: number } | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly host: PlanLoaderHost) {}

  /** Starts fetching a plan before the map is ready (`?plan=`); {@link load} of that id uses it. */
  prefetchPlan(id: string): void {
    const data = fetchPlan(this.host.api, id);
    data.catch(() => undefined); // reported by load (or unused if the id is unknown)
    this.prefetch = { id, data, t0: performance.now() };
  }

  /**
   * Waits for the plan list ({@link waitForPlans}; `empty` is said while there is none) and
   * opens the plan asked for, else the newest planned one — unless a plan was opened meanwhile.
   */
  async openFirst(wanted: string | null | undefined, empty: string): Promise<void> {
    const h = this.host;
    const plans = await waitForPlans(h.api, {
      startedAt: this.startedAt,
      now: Date.now,
      sleep: (ms) => new Promise((ok) => setTimeout(ok, ms)),
      opened: () => Boolean(h.session.plan),
      empty: () => h.say(empty),
    });
    if (!plans) return;
    h.session.plans = plans;
    const first = firstPlan(plans, wanted);
    fillPlanSelects(plans, first.id);
    await this.load(first.id);
  }

  /** Re-reads the plan list (a job added a plan) and refills the selectors; `current` defaults to the plan on show. */
  async refreshList(current = this.host.session.plan?.id): Promise<void> {
    this.host.session.plans = await listAllPlans(this.host.api);
    if (current) fillPlanSelects(this.host.session.plans, current);
    this.host.listed();
  }

  /** Fits the map to a beat (a margin of 0.004° around its cells' centres, zoom 15 at most). */
  zoomToBeat(b: number): void {
    const a = this.host.session.agg.get(b);
    if (!a) return;
    const d = 0.004;
    this.host.map().fitBounds([a.bbox[0] - d, a.bbox[1] - d, a.bbox[2] + d, a.bbox[3] + d], { padding: 40, duration: 0, maxZoom: 15 });
  }

  /** Loads a plan (current version) onto the map. */
  async load(id: string): Promise<void> {
    const h = this.host;
    const early = this.prefetch?.id === id ? this.prefetch : null;
    this.prefetch = null;
    // phases count from the first request for this plan (made early when the URL names it)
    const t0 = early?.t0 ?? performance.now();
    h.say('Loading the plan…');
    const data = await (early?.data ?? fetchPlan(h.api, id));
    const t1 = performance.now();
    const model = h.session.take(data);
    const plan = data.plan;
    const t2 = performance.now();
    h.reset();
    h.layers().install(model, h.fillOptions(), h.heatOn());
    // a plan made on units: their edges drawn thin under the beat outlines
    for (let e = 0; model.units && e < model.edgeA.length; e++)
      if (isUnitEdge(model, e)) h.map().setFeatureState({ ...EDGE, id: e }, { u: 1 });
    const t3 = performance.now();
    h.map().fitBounds(boundsOf(model), { padding: 20, duration: 0 });
    h.labels().setPlan({ model, agg: h.session.agg, locked: (b) => h.session.locked(b) });
    h.shown(model);
    const t4 = performance.now();
    this.loadTimings = { fetchMs: t1 - t0, modelMs: t2 - t1, layersMs: t3 - t2, panelsMs: t4 - t3 };
    const tiles0 = { ...tileStats };
    h.map().once('idle', () => {
      this.loadTimings.firstIdleMs = performance.now() - t0;
      this.loadTimings.tilesCut = tileStats.tiles - tiles0.tiles;
      this.loadTimings.tileCutMs = tileStats.ms - tiles0.ms;
    });
    this.ready = true;
    h.say(`Plan “${plan.name}” v${plan.version}: ${model.cellCount.toLocaleString('en-GB')} cells, ${model.beatIds.length} beats.`);
    // a public answer (viewer token): incident-derived detail is left out by design, cells.csv not asked for
    if (model.detail?.shifts.length) h.shifts(model.detail.shifts);
    else if (model.privacy !== null || h.viewer) h.shifts([], SHIFT_NOTE_VIEWER);
    else void this.loadScoreDetail(id);
    h.settled();
  }

  /** Reloads the cells and metrics of the current version after undo/redo/re-balance, applying only the differences. */
  async reloadVersion(): Promise<{ cells: number; beats: number } | null> {
    const { plan, model } = this.host.session;
    if (!plan || !model) return null;
    const diff = this.host.session.advance(await fetchPlan(this.host.api, plan.id));
    if (!diff) {
      await this.load(plan.id);
      return null;
    }
    this.applyCellChanges(diff.changed, diff.touched);
    this.host.rendered();
    diff.touched.delete(-1);
    return { cells: diff.changed.length, beats: diff.touched.size };
  }

  /** Draws cells whose beat changed in the model: their beat, the edges around them, the touched beats' labels and colours. */
  applyCellChanges(cells: readonly number[], touchedBeats: Iterable<number>): void {
    const { session } = this.host;
    const [map, layers, labels] = [this.host.map(), this.host.layers(), this.host.labels()];
    const model = session.model!;
    for (const i of cells) map.setFeatureState({ ...CELL, id: i }, { b: model.beatOf[i]! });
    for (const e of edgesOfCells(model, cells)) map.setFeatureState({ ...EDGE, id: e }, { on: isBeatEdge(model, e) ? 1 : 0 });
    layers.refreshOutlines();
    const beats = [...new Set(touchedBeats)].filter((b) => b >= 0);
    // a stroke can only make touched beats meet new neighbours: check those, not the whole map
    const recoloured = session.updateBeats(beats);
    labels.update(beats);
    if (recoloured) this.host.recoloured();
  }

  /**
   * Older APIs answer the cells without the per-shift columns: then cells.csv (which the
   * server rebuilds from the datasets) supplies workload per shift, incidents and population,
   * after the map shows.
   */
  private async loadScoreDetail(id: string): Promise<void> {
    const h = this.host;
    try {
      const csv = await h.api.text(`/plans/${id}/cells?format=csv`);
      const model = h.session.model;
      if (!model || h.session.plan?.id !== id) return;
      model.detail = csvToScoreDetail(model, csv);
      h.shifts(model.detail.shifts);
      // re-cut the cell tiles, which now carry the shift columns
      h.layers().refreshCells();
    } catch (e) {
      h.say(`Per-shift scores unavailable (${plainError(e)}); colouring by the weekly total.`);
    }
  }
}
