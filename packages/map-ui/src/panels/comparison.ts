/**
 * Comparing the plan on show with another (Compare tab, `O`, `W`): the cells that change beat
 * (`GET /plans/{other}/compare?with={this}`, darkened on the map and summed per beat), the other
 * plan's outlines as a dashed overlay (`GET /plans/{other}/beats`), and the swipe view (the
 * other plan on a second map right of a draggable divider).
 */
import type { GeoJSONSource, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import type { ApiClient, PlanDto } from '../api-client.js';
import { aggregateBeats, beatAdjacency, type CellModel, type CellsResponse, cellsToModel } from '../cell-model.js';
import type { FeatureCollection } from '../geojson.js';
import type { HeatPoints } from '../layers/heat-layer.js';
import { boundsOf } from '../layers/plan-layers.js';
import { type FillOptions, LAYERS, type LayerOptions, SOURCE_LAYERS, SOURCES } from '../map-style.js';
import type { PlanMetricsDto } from '../metrics.js';
import { colourBeats } from '../palette.js';
import type { Store, ViewState } from '../store.js';
import { SwipeView } from '../swipe-view.js';
import { plainError } from '../words.js';
import { type ComparisonAnswer, compareSummary } from './compare.js';

/** Feature-state target of the plan's cells. */
const CELL = { source: SOURCES.cells, sourceLayer: SOURCE_LAYERS.cells } as const;

/** What the comparison needs from the map. */
export interface ComparisonHost {
  api: ApiClient;
  map: MapLibreMap;
  store: Store<ViewState>;
  plan(): PlanDto | null;
  model(): CellModel | null;
  /** Every plan (names of the compared one). */
  plans(): readonly PlanDto[];
  /** A plan's current version, metrics and cells. */
  fetchPlan(id: string): Promise<{ plan: PlanDto; metrics: PlanMetricsDto; cells: CellsResponse }>;
  /** The style both maps draw on (offline background or a basemap). */
  baseStyle(): StyleSpecification;
  /** The planning map's colouring (the swipe side uses the same mode and breaks). */
  fillOptions(): FillOptions;
  /** The heat layer's points when it is on (drawn on the swipe side too). */
  heatPoints(): HeatPoints | null;
  /** Leaves the Paint tool (the swipe view is for looking). */
  stopPainting(): void;
  /** Buttons and legend follow the comparison. */
  changed(): void;
  say(message: string, kind?: 'info' | 'refused'): void;
  timing(name: string, ms: number): void;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The comparison of the plan on show: `mount` once, `reset` when another plan is shown. */
export class ComparisonView {
  /** The swipe view when open. */
  swipe: SwipeView | null = null;
  /** Plan id shown on the right of the swipe view. */
  private swipeOf: string | null = null;
  private swipeOpening = false;
  /** The plan the changed cells were computed against, the cells (indexes) and their H3 ids. */
  comparedWith: string | null = null;
  changedCells: number[] = [];
  private changedH3: string[] = [];
  /** Name of the plan whose outlines are in the overlay, or null. */
  overlayOf: string | null = null;

  constructor(private readonly host: ComparisonHost) {}

  /** Wires the Compare tab's controls. */
  mount(): this {
    $('compare-run').addEventListener('click', () => {
      const other = $<HTMLSelectElement>('compare-select').value;
      if (other) void this.compareWith(other);
    });
    $('compare-clear').addEventListener('click', () => {
      this.closeSwipe();
      this.clear();
      this.setOverlay(false);
    });
    $('overlay-toggle').addEventListener('change', () => void this.toggleOverlay());
    $('swipe-toggle').addEventListener('click', () => this.toggleSwipe());
    return this;
  }

  /** Forgets the comparison (another plan is shown; its layers are new). */
  reset(): void {
    this.closeSwipe();
    this.changedCells = [];
    this.changedH3 = [];
    this.comparedWith = null;
    this.overlayOf = null;
  }

  /** True when the other plan's outlines are drawn. */
  get overlayOn(): boolean {
    const map = this.host.map;
    return Boolean(map.getLayer(LAYERS.overlay)) && map.getLayoutProperty(LAYERS.overlay, 'visibility') === 'visible';
  }

  /** Shows the cells that change beat between this plan and `otherId` (and its outlines as the overlay). */
  async compareWith(otherId: string): Promise<void> {
    const { host } = this;
    const plan = host.plan();
    const model = host.model();
    if (!plan || !model) return;
    // the swipe view shows one compared plan: another comparison closes it
    if (this.swipe && this.swipeOf !== otherId) this.closeSwipe();
    this.clear();
    try {
      // asked from the other plan's side: "before" is the other plan, the rows are this plan's beats
      const r = await host.api.get<ComparisonAnswer>(`/plans/${encodeURIComponent(otherId)}/compare?with=${encodeURIComponent(plan.id)}`);
      const idx = r.changedCells.cells.map((h) => model.indexOf.get(h)).filter((i): i is number => i !== undefined);
      for (const i of idx) host.map.setFeatureState({ ...CELL, id: i }, { chg: true });
      this.changedCells = idx;
      this.changedH3 = r.changedCells.cells;
      this.comparedWith = otherId;
      host.store.set({ comparedWith: otherId });
      host.map.setLayoutProperty(LAYERS.changed, 'visibility', 'visible');
      if (this.swipeOf === otherId) this.swipe?.setChanged(this.changedH3);
      $<HTMLSelectElement>('compare-select').value = otherId;
      const other = host.plans().find((p) => p.id === otherId);
      const movedIn = new Map<string, number>();
      for (const i of idx) {
        const b = model.beatOf[i]!;
        if (b >= 0) movedIn.set(model.beatIds[b]!, (movedIn.get(model.beatIds[b]!) ?? 0) + 1);
      }
      $('compare-slot').replaceChildren(compareSummary(r, { thisName: plan.name, otherName: other?.name ?? otherId }, movedIn));
      await this.loadOverlay(otherId);
      this.setOverlay(true);
      host.say(`${r.changedCells.count} cells change beat.`);
    } catch (e) {
      host.say(`Comparison failed: ${plainError(e)}`, 'refused');
    }
  }

  /** Puts the outlines of plan `otherId` (`GET /plans/:id/beats`) in the overlay source. */
  private async loadOverlay(otherId: string): Promise<void> {
    const beats = await this.host.api.get<FeatureCollection>(`/plans/${otherId}/beats`);
    (this.host.map.getSource(SOURCES.overlay) as GeoJSONSource).setData(beats as never);
    this.overlayOf = this.host.plans().find((p) => p.id === otherId)?.name ?? otherId;
  }

  /** Clears the changed cells (the overlay stays as it is). */
  clear(): void {
    const map = this.host.map;
    for (const i of this.changedCells) map.setFeatureState({ ...CELL, id: i }, { chg: false });
    this.changedCells = [];
    this.changedH3 = [];
    this.comparedWith = null;
    this.host.store.set({ comparedWith: null });
    this.swipe?.setChanged([]);
    if (map.getLayer(LAYERS.changed)) map.setLayoutProperty(LAYERS.changed, 'visibility', 'none');
    $('compare-slot').replaceChildren();
    this.host.changed();
  }

  /** Shows or hides the other plan's outlines. */
  setOverlay(on: boolean): void {
    $<HTMLInputElement>('overlay-toggle').checked = on;
    if (this.host.map.getLayer(LAYERS.overlay)) this.host.map.setLayoutProperty(LAYERS.overlay, 'visibility', on ? 'visible' : 'none');
    this.host.changed();
  }

  /** `O`: the overlay on or off (loads the plan chosen under "Compare with" the first time). */
  async toggleOverlay(): Promise<void> {
    const on = !this.overlayOn;
    if (on && !this.overlayOf) {
      const other = $<HTMLSelectElement>('compare-select').value;
      if (other) {
        try {
          await this.loadOverlay(other);
        } catch (e) {
          this.host.say(`Overlay failed: ${plainError(e)}`, 'refused');
        }
      }
    }
    this.setOverlay(on);
  }

  /** Plan B's colouring in the swipe view: plan A's mode and ramp breaks, so colours mean the same on both sides. */
  private swipeLayerOptions(model: CellModel, colourOf: Int32Array): LayerOptions {
    const o = this.host.fillOptions();
    const shift =
      o.shift !== undefined && o.shift !== 'all' && model.detail?.shifts[o.shift] === this.host.model()?.detail?.shifts[o.shift]
        ? o.shift
        : 'all';
    return { ...o, colourOfBeat: colourOf, shift, selectedBeat: null, ...(model.privacy ? { suppressedK: model.privacy.k } : {}) };
  }

  /** Re-colours the swipe side like the planning map. */
  restyleSwipe(): void {
    if (this.swipe) this.swipe.restyle(this.swipeLayerOptions(this.swipe.plan.model, this.swipe.plan.colourOf));
  }

  /**
   * Opens the swipe view (W): the plan chosen under "Compare with" on a second map right of a
   * draggable divider, this plan left of it, the changed cells darkened on both sides.
   */
  async openSwipe(otherId = $<HTMLSelectElement>('compare-select').value): Promise<void> {
    const { host } = this;
    const plan = host.plan();
    if (!plan || !host.model() || this.swipeOpening) return;
    if (!otherId) {
      host.say('There is no other plan to compare with.', 'refused');
      return;
    }
    this.swipeOpening = true;
    this.closeSwipe();
    try {
      host.stopPainting();
      host.say('Opening the swipe view…');
      const t0 = performance.now();
      const data = await host.fetchPlan(otherId); // its current version, asked afresh: it may have been edited
      const model = cellsToModel(
        data.cells,
        data.metrics.perBeat.map((b) => b.id),
      );
      const colourOf = Int32Array.from(colourBeats(beatAdjacency(model)).colourOf);
      this.swipe = new SwipeView(
        host.map,
        { label: `${data.plan.name} v${data.plan.version}`, model, colourOf, agg: aggregateBeats(model), bounds: boundsOf(model) },
        { container: $('map-b'), divider: $('swipe-divider'), leftLabel: $('swipe-left'), rightLabel: $('swipe-right') },
        host.baseStyle(),
        this.swipeLayerOptions(model, colourOf),
        `${plan.name} v${plan.version}`,
      );
      this.swipeOf = otherId;
      const heat = host.heatPoints();
      if (heat) this.swipe.setHeat(heat);
      if (this.comparedWith !== otherId) await this.compareWith(otherId);
      else this.swipe.setChanged(this.changedH3);
      await this.swipe.ready;
      host.timing('swipeMs', performance.now() - t0);
      host.changed();
      host.say(`Swipe: “${plan.name}” left, “${data.plan.name}” right. Drag the divider or focus it and use the arrow keys.`);
    } catch (e) {
      this.closeSwipe();
      host.say(`Swipe view failed: ${plainError(e)}`, 'refused');
    } finally {
      this.swipeOpening = false;
    }
  }

  /** Closes the swipe view. */
  closeSwipe(): void {
    if (!this.swipe) return;
    this.swipe.close();
    this.swipe = null;
    this.swipeOf = null;
    this.host.changed();
  }

  /** `W`: opens or closes the swipe view. */
  toggleSwipe(): void {
    if (this.swipe) this.closeSwipe();
    else void this.openSwipe();
  }
}
