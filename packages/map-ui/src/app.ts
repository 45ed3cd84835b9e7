/**
 * The planning map application: the MapLibre map, the view store and the registry of panels
 * and layers it mounts (tools, metrics, beat card, comparison, staffing, export, plans…).
 *
 * The plan on show and its per-beat state live in {@link PlanSession}; the tools, selectors,
 * tabs and shortcuts in {@link MapControls}; the legend in {@link LegendPanel}. The map shows
 * the model through feature state (see `map-style.ts`). Edits are optimistic: a stroke is
 * drawn and measured locally at pointer-up, then the API decides; a refusal (409) rolls it back
 * and says why.
 */
import { addProtocol, Map as MapLibreMap, type StyleSpecification, setWorkerCount, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { ApiClient, PlanDto } from './api-client.js';
import { type CellModel, csvToScoreDetail, edgesOfCells, isBeatEdge, isUnitEdge } from './cell-model.js';
import type { StaffingResultDto } from './exports.js';
import type { HeatSummary } from './heat.js';
import { loadBaseStyle, type MapBasemap, wireStyleUrl } from './layers/basemap.js';
import { BeatLabelsLayer } from './layers/beat-labels.js';
import { CellHover } from './layers/cell-hover.js';
import { HeatLayer } from './layers/heat-layer.js';
import { applyFill, applySelection } from './layers/plan-fill.js';
import { boundsOf, PlanLayers } from './layers/plan-layers.js';
import { ReferenceLayers } from './layers/reference.js';
import type { MapLegendOptions } from './legend.js';
import { LAYERS, offlineBaseStyle, SOURCE_LAYERS, SOURCES } from './map-style.js';
import type { PlanMetricsDto } from './metrics.js';
import { AlternativesPanel } from './panels/alternatives.js';
import { BeatCardPanel } from './panels/beat-card.js';
import { briefingPng } from './panels/briefing.js';
import { ComparisonView } from './panels/comparison.js';
import { MapControls } from './panels/controls.js';
import { EditingTools, type EditTiming, frames } from './panels/editing.js';
import { ExportPanel, saveBlob } from './panels/export.js';
import { FindBeatBox } from './panels/find-beat.js';
import { KeyboardPaint } from './panels/keyboard-paint.js';
import { LegendPanel } from './panels/legend.js';
import { MetricsPanel } from './panels/metrics-panel.js';
import { PlansPanel } from './panels/plans.js';
import { ReplanPanel } from './panels/replan.js';
import { ReplayPanel } from './panels/replay.js';
import { StaffingPanel } from './panels/staffing.js';
import { fetchPlan, fillPlanSelects, firstPlan, type PlanData, PlanSession, waitForPlans } from './plan-session.js';
import { initialViewState, Store, type ViewState } from './store.js';
import type { SwipeView } from './swipe-view.js';
import { installTileProtocol, tileStats } from './vector-tiles.js';
import { plainError } from './words.js';

setWorkerUrl(workerUrl);
// two workers parse the first tiles of a big plan side by side (MapLibre's default is one)
if ((navigator.hardwareConcurrency ?? 1) >= 2) setWorkerCount(2);
installTileProtocol(addProtocol);

/** Feature-state targets of the plan's vector tiles. */
const CELL = { source: SOURCES.cells, sourceLayer: SOURCE_LAYERS.cells } as const;
const EDGE = { source: SOURCES.edges, sourceLayer: SOURCE_LAYERS.edges } as const;

export type { EditTiming };

/** Roles as the API orders them. */
const ROLES = ['viewer', 'analyst', 'commander', 'admin'];
/** `?debug` in the URL: technical details (cell ids) in the hover. */
const DEBUG = typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug');

/** The note shown by the shift selector when a public answer has no per-shift cell workload. */
export const SHIFT_NOTE_VIEWER = 'per-shift cell workload is not shown to viewers';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Options of {@link startApp}. */
export interface AppOptions {
  api: ApiClient;
  /** The caller (`GET /me`). */
  me: { role: string; label: string };
  /** The basemap under the beats (`layers/basemap.ts`); none = the plain offline style, nothing fetched. */
  basemap?: MapBasemap | null;
  /** Plan to open first (else the newest planned one). */
  planId?: string | null;
}

/** The running app (also `window.__beatplan`, for tests and the console). */
export class PlanningApp {
  readonly api: ApiClient;
  readonly role: string;
  map!: MapLibreMap;
  plans: PlanDto[] = [];
  /** The plan on show, its model and per-beat state. */
  readonly session = new PlanSession();
  selectedBeat: number | null = null;
  /** Phases of the last plan load, ms (fetch, model, layers, labels+panels, first idle render). */
  loadTimings: Record<string, number> = {};
  /** The most recent message shown (tests read it). */
  lastMessage = '';
  /** True once the first plan is on the map. */
  ready = false;
  /** Plan, version, selection: what the panels and layers render from. */
  readonly store = new Store<ViewState>(initialViewState());
  /** Tools, colour mode, shift, tabs, shortcuts and the pointer on the map. */
  readonly controls: MapControls;
  private replay!: ReplayPanel;
  private staffingPanel!: StaffingPanel;
  private editing!: EditingTools;
  private metricsPanel!: MetricsPanel;
  private beatCard!: BeatCardPanel;
  private replan!: ReplanPanel;
  private alternatives!: AlternativesPanel;
  private plansPanel!: PlansPanel;
  private readonly findBeat = new FindBeatBox({
    beatIds: () => this.model?.beatIds ?? [],
    pick: (b) => this.selectBeat(b, true),
    say: (m) => this.say(m),
  });
  private reference!: ReferenceLayers;
  private keyboardPaint!: KeyboardPaint;
  private labels!: BeatLabelsLayer;
  private legend!: LegendPanel;
  private baseStyle: StyleSpecification = offlineBaseStyle();
  private readonly hover = new CellHover(
    { model: () => this.model, swipe: () => this.swipe, planName: () => this.plan?.name ?? '' },
    $('tooltip'),
    DEBUG,
  );
  private planLayers!: PlanLayers;
  private prefetch: { id: string; data: Promise<PlanData>; t0: number } | null = null;
  private heatLayer!: HeatLayer;
  private comparison!: ComparisonView;
  private readonly startedAt = Date.now();

  constructor(private readonly options: AppOptions) {
    this.api = options.api;
    this.role = options.me.role;
    this.controls = new MapControls({
      canEdit: () => this.canEdit,
      plan: () => this.plan,
      model: () => this.model,
      selectedBeat: () => this.selectedBeat,
      swipeOpen: () => Boolean(this.swipe),
      editing: () => this.editing,
      restyle: () => this.restyleCells(),
      selectBeat: (b) => this.selectBeat(b),
      nextProblem: () => this.metricsPanel.nextProblem(),
      toggleOverlay: () => void this.comparison.toggleOverlay(),
      toggleHeat: (on) => void this.toggleHeat(on),
      toggleSwipe: () => this.comparison.toggleSwipe(),
      paintEnded: () => this.keyboardPaint?.reset(),
      tabShown: (t, clicked) => {
        if (t === 'beat') this.beatCard.renderResponse();
        if (clicked && t === 'staffing') void this.staffingPanel.loadRosters();
        if (clicked && t === 'plans')
          void this.refreshPlanList().catch((e: unknown) => this.say(`Could not read the plans: ${plainError(e)}`, 'refused'));
      },
      say: (m, kind) => this.say(m, kind),
    });
  }

  get plan(): PlanDto | null {
    return this.session.plan;
  }
  get model(): CellModel | null {
    return this.session.model;
  }
  get metrics(): PlanMetricsDto | null {
    return this.session.metrics;
  }
  /** The latest staffing of the plan on show (commanders), or null. */
  get staffing(): StaffingResultDto | null {
    return this.staffingPanel.staffing;
  }
  /** Timings of each edit stroke (ms), newest last. */
  get perf(): readonly EditTiming[] {
    return this.editing?.perf ?? [];
  }
  get heatOn(): boolean {
    return this.heatLayer?.on ?? false;
  }
  get heat(): HeatSummary | null {
    return this.heatLayer?.summary ?? null;
  }
  /** Phases of the last heat-layer draw, ms (fetch, points, toggle → first idle render). */
  get heatTimings(): Record<string, number> {
    return this.heatLayer?.timings ?? {};
  }
  /** The swipe comparison (plan B on a second map right of a divider), when open. */
  get swipe(): SwipeView | null {
    return this.comparison?.swipe ?? null;
  }
  /** The Paint tool's keyboard cursor cell (−1 when none). */
  get keyboardCursor(): number {
    return this.keyboardPaint?.cursor ?? -1;
  }
  /** True when the caller may edit plans (commander or admin). */
  get canEdit(): boolean {
    return ROLES.indexOf(this.role) >= ROLES.indexOf('commander');
  }
  /** True when the caller may read analysts' figures (response figures): analyst and up. */
  get canAnalyse(): boolean {
    return ROLES.indexOf(this.role) >= ROLES.indexOf('analyst');
  }

  /** Builds the map, loads the plan list and the first plan. */
  async start(): Promise<void> {
    $('who').textContent = `${this.options.me.label} (${this.role})`;
    // the plan named in the URL: fetch it while the map and the plan list load
    if (this.options.planId) {
      const data = fetchPlan(this.api, this.options.planId);
      data.catch(() => undefined); // reported by loadPlan (or unused if the id is unknown)
      this.prefetch = { id: this.options.planId, data, t0: performance.now() };
    }
    this.baseStyle = await loadBaseStyle(this.options.basemap ?? null, (m) => this.say(m));
    this.map = new MapLibreMap({
      container: 'map',
      style: this.baseStyle,
      center: [0, 0],
      zoom: 1,
      attributionControl: this.options.basemap ? { compact: true } : false,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
      boxZoom: false,
      doubleClickZoom: false,
    });
    await new Promise<void>((ok) => (this.map.loaded() ? ok() : this.map.once('load', () => ok())));
    const say = (m: string, kind?: 'info' | 'refused') => this.say(m, kind);
    const progress = (label: string, j: Parameters<EditingTools['progress']>[1]) => this.editing.progress(label, j);
    const api = this.api;
    const plan = () => this.plan;
    this.planLayers = new PlanLayers(this.map);
    this.metricsPanel = new MetricsPanel({
      metrics: () => this.metrics,
      model: () => this.model,
      selectedBeat: () => this.selectedBeat,
      pick: (b, card) => {
        this.selectBeat(b, true);
        if (card) this.controls.showTab('beat');
      },
      refreshed: () => void this.replay?.refresh(),
      say,
    }).mount();
    this.editing = new EditingTools({
      api,
      map: this.map,
      plan,
      model: () => this.model,
      metrics: () => this.metrics,
      accepted: (p, metrics) => {
        this.session.plan = p;
        if (metrics) this.session.metrics = metrics;
      },
      etag: () => this.session.etag,
      setEtag: (etag) => (this.session.etag = etag),
      selectedBeat: () => this.selectedBeat,
      brush: () => this.controls.brush,
      canEdit: () => this.canEdit,
      applyCellChanges: (cells, touched) => this.applyCellChanges(cells, touched),
      updateLabels: (beats) => this.labels.update(beats),
      reloadVersion: () => this.reloadVersion(),
      rendered: () => this.renderPanels(),
      busyChanged: () => this.controls.refreshButtons(),
      say,
    }).mount();
    this.labels = new BeatLabelsLayer(this.map).mount();
    this.reference = new ReferenceLayers(this.map, api, LAYERS.areas);
    this.legend = new LegendPanel($('legend-slot'), () => this.reference.legendItems());
    this.keyboardPaint = new KeyboardPaint(this.map, {
      model: () => this.model,
      active: () => this.controls.tool === 'paint' && this.selectedBeat !== null && !this.editing.busy && !this.editing.painting,
      paint: (cell) => void this.editing.paintCell(cell),
      say,
    }).mount();
    this.store.subscribe((st, changed) => changed.has('selectedBeat') && this.labels.render(st));
    this.findBeat.mount($('who').parentElement!, $('who'));
    const open = async (id: string) => {
      await this.refreshPlanList(id);
      await this.loadPlan(id);
    };
    this.replan = new ReplanPanel({
      api,
      plan,
      canRun: () => this.canAnalyse,
      progress,
      showMoved: async (newId) => {
        await this.refreshPlanList();
        await this.comparison.compareWith(newId);
      },
      open: async (newId, parentId) => {
        await open(newId);
        await this.comparison.compareWith(parentId);
        this.controls.showTab('compare');
      },
      say,
    }).mount($('replan-slot'));
    this.alternatives = new AlternativesPanel({ api, plan, canRun: () => this.canAnalyse, open, say }).mount($('alternatives-slot'));
    this.plansPanel = new PlansPanel({
      api,
      role: () => this.role,
      plans: () => this.plans,
      currentId: () => this.plan?.id ?? null,
      open: async (id) => {
        fillPlanSelects(this.plans, id);
        await this.loadPlan(id);
      },
      refresh: (current) => this.refreshPlanList(current),
      progress,
      say,
    }).mount($('plans-slot'));
    this.heatLayer = new HeatLayer(this.map, api, {
      plan,
      restyle: () => this.restyleCells(),
      setSwipeHeat: (points) => this.swipe?.setHeat(points),
      say,
    });
    this.staffingPanel = new StaffingPanel({
      api,
      plan,
      canEdit: () => this.canEdit,
      progress,
      say,
      changed: () => {
        this.beatCard.render();
        this.replay.render();
      },
      save: saveBlob,
    }).mount();
    this.replay = new ReplayPanel({
      api,
      plan,
      canRun: () => this.canAnalyse,
      staffingId: () => this.staffingPanel.idOfVersion(),
      progress,
      say,
    }).mount($('replay-slot'));
    const timing = (name: string, ms: number) => (this.loadTimings[name] = ms);
    this.comparison = new ComparisonView({
      api,
      map: this.map,
      store: this.store,
      plan,
      model: () => this.model,
      plans: () => this.plans,
      fetchPlan: (id) => fetchPlan(api, id),
      baseStyle: () => this.baseStyle,
      fillOptions: () => this.fillOptions(),
      heatPoints: () => (this.heatOn ? this.heatLayer.points : null),
      stopPainting: () => this.controls.tool === 'paint' && this.controls.setTool('select'),
      changed: () => {
        this.controls.refreshButtons();
        this.renderLegend();
      },
      say,
      timing,
    }).mount();
    this.beatCard = new BeatCardPanel({
      api,
      plan,
      model: () => this.model,
      metrics: () => this.metrics,
      selectedBeat: () => this.selectedBeat,
      canEdit: () => this.canEdit,
      canAnalyse: () => this.canAnalyse,
      staffing: () => this.staffing,
      roster: () => this.staffingPanel.roster(),
      replaySection: (id) => this.replay.beatSection(id),
      toggleLock: () => void this.editing.toggleLock(),
      zoomTo: (b) => this.zoomToBeat(b),
      say,
      timing,
    }).mount();
    new ExportPanel({ api, plan, say, save: saveBlob }).mount();
    $('export-assignments').addEventListener('click', () => void this.staffingPanel.exportAssignments());
    $('export-png').addEventListener('click', () => void this.exportBriefing());
    $('plan-select').addEventListener('change', (e) => {
      const id = (e.target as HTMLSelectElement).value;
      fillPlanSelects(this.plans, id);
      void this.loadPlan(id);
    });
    wireStyleUrl(this.options.basemap?.kind === 'style' ? this.options.basemap.url : '');
    this.controls.mount().mountPointer(this.map, {
      hover: this.hover,
      basemap: Boolean(this.options.basemap),
      lastMessage: () => this.lastMessage,
    });
    const plans = await waitForPlans(api, {
      startedAt: this.startedAt,
      now: Date.now,
      sleep: (ms) => new Promise((ok) => setTimeout(ok, ms)),
      opened: () => Boolean(this.plan),
      empty: () =>
        this.say(
          `No plans yet. The map shows the first plan as soon as one is ready (the demo takes about a minute)${this.canAnalyse ? ', or make one from your files in the Plans tab' : ''}.`,
        ),
    });
    // null: a plan was opened meanwhile (made in the Plans tab): it stays on the map
    if (!plans) return;
    this.plans = plans;
    const first = firstPlan(plans, this.options.planId);
    fillPlanSelects(plans, first.id);
    await this.loadPlan(first.id);
  }

  /** Loads a plan (current version) onto the map. */
  async loadPlan(id: string): Promise<void> {
    const early = this.prefetch?.id === id ? this.prefetch : null;
    this.prefetch = null;
    // phases count from the first request for this plan (made early when the URL names it)
    const t0 = early?.t0 ?? performance.now();
    this.say('Loading the plan…');
    const data = await (early?.data ?? fetchPlan(this.api, id));
    const t1 = performance.now();
    const model = this.session.take(data);
    const plan = data.plan;
    const t2 = performance.now();
    this.selectedBeat = null;
    this.replan?.reset();
    void this.alternatives?.load();
    this.plansPanel?.render();
    this.comparison.reset();
    this.heatLayer.reset();
    this.staffingPanel.reset();
    this.planLayers.install(model, this.fillOptions(), this.heatOn);
    // a plan made on units: their edges drawn thin under the beat outlines
    for (let e = 0; model.units && e < model.edgeA.length; e++)
      if (isUnitEdge(model, e)) this.map.setFeatureState({ ...EDGE, id: e }, { u: 1 });
    void this.reference.show(plan.id).then(() => this.renderLegend());
    const t3 = performance.now();
    this.map.fitBounds(boundsOf(model), { padding: 20, duration: 0 });
    this.store.set({ planId: plan.id, version: plan.version, selectedBeat: null, comparedWith: null });
    this.labels.setPlan({ model, agg: this.session.agg, locked: (b) => this.session.locked(b) });
    this.findBeat.render();
    this.renderPanels();
    this.renderLegend();
    this.controls.refreshButtons();
    const t4 = performance.now();
    this.loadTimings = { fetchMs: t1 - t0, modelMs: t2 - t1, layersMs: t3 - t2, panelsMs: t4 - t3 };
    const tiles0 = { ...tileStats };
    this.map.once('idle', () => {
      this.loadTimings.firstIdleMs = performance.now() - t0;
      this.loadTimings.tilesCut = tileStats.tiles - tiles0.tiles;
      this.loadTimings.tileCutMs = tileStats.ms - tiles0.ms;
    });
    this.ready = true;
    this.say(`Plan “${plan.name}” v${plan.version}: ${model.cellCount.toLocaleString('en-GB')} cells, ${model.beatIds.length} beats.`);
    // a public answer (viewer token): incident-derived detail is left out by design, cells.csv not asked for
    if (model.detail?.shifts.length) this.controls.fillShiftSelect(model.detail.shifts);
    else if (model.privacy !== null || this.role === 'viewer') this.controls.fillShiftSelect([], SHIFT_NOTE_VIEWER);
    else void this.loadScoreDetail(id);
    void this.staffingPanel.loadLatest();
    if (this.heatOn) void this.heatLayer.show();
  }

  /**
   * Older APIs answer the cells without the per-shift columns: then cells.csv (which the
   * server rebuilds from the datasets) supplies workload per shift, incidents and population,
   * after the map shows.
   */
  private async loadScoreDetail(id: string): Promise<void> {
    try {
      const csv = await this.api.text(`/plans/${id}/cells?format=csv`);
      if (!this.model || this.plan?.id !== id) return;
      this.model.detail = csvToScoreDetail(this.model, csv);
      this.controls.fillShiftSelect(this.model.detail.shifts);
      // re-cut the cell tiles, which now carry the shift columns
      this.planLayers.refreshCells();
    } catch (e) {
      this.say(`Per-shift scores unavailable (${plainError(e)}); colouring by the weekly total.`);
    }
  }

  /** Reloads the cells and metrics of the current version after undo/redo/re-balance, applying only the differences. */
  async reloadVersion(): Promise<{ cells: number; beats: number } | null> {
    if (!this.plan || !this.model) return null;
    const id = this.plan.id;
    const diff = this.session.advance(await fetchPlan(this.api, id));
    if (!diff) {
      await this.loadPlan(id);
      return null;
    }
    this.applyCellChanges(diff.changed, diff.touched);
    this.renderPanels();
    this.controls.refreshButtons();
    diff.touched.delete(-1);
    return { cells: diff.changed.length, beats: diff.touched.size };
  }

  private fillOptions() {
    const c = this.controls;
    return this.session.fillOptions(c.mode, c.shift, this.selectedBeat, this.heatOn);
  }

  private restyleCells(): void {
    if (!this.model) return;
    // one shift: the tiles carry every shift's workload (`s<k>`), so this is a paint change only
    applyFill(this.map, this.fillOptions());
    this.comparison.restyleSwipe();
    this.renderLegend();
  }

  private renderPanels(): void {
    this.metricsPanel.render();
    this.beatCard.render();
  }

  /** What the legend shows: the colouring, the heat layer when on, the symbols on the map. */
  private legendOptions(symbols: MapLegendOptions['symbols']): MapLegendOptions {
    const model = this.model!;
    const shiftLabel = this.controls.shift !== 'all' ? model.detail?.shifts[this.controls.shift] : undefined;
    return { ...this.fillOptions(), ...(shiftLabel ? { shiftLabel } : {}), heat: this.heatOn ? this.heat : null, symbols };
  }

  private renderLegend(): void {
    const model = this.model;
    if (!model) return;
    const c = this.comparison;
    this.legend.render(
      this.legendOptions({
        overlayOf: c.overlayOn ? c.overlayOf : null,
        changedCells: c.comparedWith ? c.changedCells.length : null,
        selectedBeat: this.selectedBeat !== null ? model.beatIds[this.selectedBeat]! : null,
        anyLocked: Boolean(this.metrics?.perBeat.some((b) => b.locked)),
        units: model.units?.unitIds.length ?? null,
      }),
    );
  }

  /** Shows a message in the status line; `refused` styles it as a refusal. */
  say(message: string, kind: 'info' | 'refused' = 'info'): void {
    this.lastMessage = message;
    const s = $('status');
    s.textContent = message;
    s.classList.toggle('refused', kind === 'refused');
    s.setAttribute('role', kind === 'refused' ? 'alert' : 'status');
  }

  /** Selects a beat (−1/null clears); `zoom` fits the map to it. */
  selectBeat(b: number | null, zoom = false): void {
    this.selectedBeat = b !== null && b >= 0 ? b : null;
    if (this.model) {
      applySelection(this.map, this.selectedBeat);
      this.store.set({ selectedBeat: this.selectedBeat });
    }
    this.renderPanels();
    this.renderLegend();
    if (this.selectedBeat !== null) {
      $('beat-hint').hidden = true;
      if (zoom) this.zoomToBeat(this.selectedBeat);
    }
  }

  private zoomToBeat(b: number): void {
    const a = this.session.agg.get(b);
    if (!a) return;
    const d = 0.004;
    this.map.fitBounds([a.bbox[0] - d, a.bbox[1] - d, a.bbox[2] + d, a.bbox[3] + d], { padding: 40, duration: 0, maxZoom: 15 });
  }

  /** Sets the beat of cells in the model and on the map; updates outlines, labels and colours. */
  applyCellChanges(cells: readonly number[], touchedBeats: Iterable<number>): void {
    const model = this.model!;
    for (const i of cells) this.map.setFeatureState({ ...CELL, id: i }, { b: model.beatOf[i]! });
    for (const e of edgesOfCells(model, cells)) this.map.setFeatureState({ ...EDGE, id: e }, { on: isBeatEdge(model, e) ? 1 : 0 });
    this.planLayers.refreshOutlines();
    const beats = [...new Set(touchedBeats)].filter((b) => b >= 0);
    // a stroke can only make touched beats meet new neighbours: check those, not the whole map
    const recoloured = this.session.updateBeats(beats);
    this.labels.update(beats);
    if (recoloured && this.controls.mode === 'beat') this.restyleCells();
  }

  /** Shows or hides the incidents heat layer (I). */
  async toggleHeat(on = !this.heatLayer.on): Promise<void> {
    await this.heatLayer.set(on);
  }

  /** Renders the briefing sheet (map + beat numbers + legend + title + date) and downloads it as PNG. */
  async exportBriefing(): Promise<void> {
    if (!this.plan || !this.model || !this.metrics) return;
    this.map.triggerRepaint();
    await frames();
    const { blob, fileName } = await briefingPng({
      map: this.map,
      plan: this.plan,
      model: this.model,
      metrics: this.metrics,
      agg: this.session.agg,
      shownLabels: this.labels.shown,
      legend: (anyLocked) => this.legend.sections({ ...this.fillOptions(), heat: this.heatOn ? this.heat : null, symbols: { anyLocked } }),
      title: $<HTMLInputElement>('briefing-title').value,
      comparedWith: this.comparison.comparedWith ? this.plans.find((p) => p.id === this.comparison.comparedWith)?.name : undefined,
    });
    saveBlob(blob, fileName);
  }

  /** Re-reads the plan list (a job added a plan) and refills the selects; `current` defaults to the plan on show. */
  private async refreshPlanList(current = this.plan?.id): Promise<void> {
    this.plans = (await this.api.get<{ items: PlanDto[] }>('/plans')).items;
    if (current) fillPlanSelects(this.plans, current);
    this.plansPanel.render();
  }
}
