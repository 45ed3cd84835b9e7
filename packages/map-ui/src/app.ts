/**
 * The planning map application: loads a plan from the API onto a MapLibre map, and wires the
 * tools (select, paint, lock, undo/redo, re-balance, find problems), the panels (metrics,
 * beat card, comparison, staffing, export) and the keyboard shortcuts.
 *
 * The model lives in {@link CellModel}; the map shows it through feature state (see
 * `map-style.ts`). Edits are optimistic: a stroke is drawn and measured locally at pointer-up,
 * then the API decides; a refusal (409) rolls it back and says why.
 */
import type { PageDto } from '@beatplan/api';
import { addProtocol, Map as MapLibreMap, type StyleSpecification, setWorkerCount, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { ApiClient, PlanDto } from './api-client.js';
import {
  aggregateBeats,
  type BeatAggregate,
  beatAdjacency,
  beatNeighbours,
  type CellModel,
  type CellsResponse,
  cellsToModel,
  csvToScoreDetail,
  edgesOfCells,
  isBeatEdge,
  isUnitEdge,
  pointToCell,
} from './cell-model.js';
import type { StaffingResultDto } from './exports.js';
import type { HeatSummary } from './heat.js';
import { loadBaseStyle, type MapBasemap } from './layers/basemap.js';
import { BeatLabelsLayer } from './layers/beat-labels.js';
import { CellHover } from './layers/cell-hover.js';
import { HeatLayer } from './layers/heat-layer.js';
import { applyFill, applySelection } from './layers/plan-fill.js';
import { boundsOf, PlanLayers } from './layers/plan-layers.js';
import { ReferenceLayers } from './layers/reference.js';
import { mapLegend } from './legend.js';
import { type ColourMode, LAYERS, type Legend, offlineBaseStyle, type ShiftChoice, SOURCE_LAYERS, SOURCES } from './map-style.js';
import type { PlanMetricsDto } from './metrics.js';
import { colourBeats, quantileBreaks, recolourBeats } from './palette.js';
import { trapFocus, wireTabs } from './panels/a11y.js';
import { AlternativesPanel } from './panels/alternatives.js';
import { BeatCardPanel } from './panels/beat-card.js';
import { briefingPng } from './panels/briefing.js';
import { ComparisonView } from './panels/comparison.js';
import { EditingTools, type EditTiming } from './panels/editing.js';
import { ExportPanel, saveBlob } from './panels/export.js';
import { FindBeatBox } from './panels/find-beat.js';
import { KeyboardPaint } from './panels/keyboard-paint.js';
import { MetricsPanel } from './panels/metrics-panel.js';
import { PlansPanel } from './panels/plans.js';
import { ReplanPanel } from './panels/replan.js';
import { ReplayPanel } from './panels/replay.js';
import { StaffingPanel } from './panels/staffing.js';
import { el, legendBox } from './panels.js';
import { SHORTCUTS, type ShortcutAction, shortcutAction } from './shortcuts.js';
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

/** What a plan load fetches (started early when the plan is known, e.g. `?plan=`). */
interface PlanData {
  plan: PlanDto;
  etag: string | null;
  metrics: PlanMetricsDto;
  cells: CellsResponse;
}

export type { EditTiming };

/** Roles as the API orders them. */
const ROLES = ['viewer', 'analyst', 'commander', 'admin'];
/** The side panel's tabs, in order (`tab-<name>`, `panel-<name>`). */
const TABS = ['metrics', 'beat', 'compare', 'staffing', 'export', 'plans'];
/** `?debug` in the URL: technical details (cell ids) in the hover. */
const DEBUG = typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug');
/** How often the map asks for the plan list while there is none (ms). */
const PLAN_POLL_MS = 2000;
/** While only imported plans exist, how long the map waits for a planned one before showing them (ms). */
const PLAN_WAIT_FOR_PROPOSAL_MS = 180_000;

/** The note shown by the shift selector when a public answer has no per-shift cell workload. */
export const SHIFT_NOTE_VIEWER = 'per-shift cell workload is not shown to viewers';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const frames = () => new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));

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
  plan: PlanDto | null = null;
  etag: string | null = null;
  model: CellModel | null = null;
  metrics: PlanMetricsDto | null = null;
  colourOf = new Int32Array(0);
  agg = new Map<number, BeatAggregate>();
  selectedBeat: number | null = null;
  tool: 'select' | 'paint' = 'select';
  brush = 1;
  mode: ColourMode = 'beat';
  shift: ShiftChoice = 'all';
  /** The latest staffing of the plan on show (commanders), or null. */
  get staffing(): StaffingResultDto | null {
    return this.staffingPanel.staffing;
  }
  /** Timings of each edit stroke (ms), newest last. */
  get perf(): readonly EditTiming[] {
    return this.editing?.perf ?? [];
  }
  /** Phases of the last plan load, ms (fetch, model, layers, labels+panels, first idle render). */
  loadTimings: Record<string, number> = {};
  /** The most recent message shown (tests read it). */
  lastMessage = '';
  /** True once the first plan is on the map. */
  ready = false;
  /** Plan, version, selection: what the panels and layers render from. */
  readonly store = new Store<ViewState>(initialViewState());
  /** The "find beat" box in the toolbar. */
  /** Replayed calls (simulations) of the version on show: Metrics panel and beat card. */
  private replay!: ReplayPanel;
  /** The Staffing panel (rosters, staffing runs, assignments CSV). */
  private staffingPanel!: StaffingPanel;
  /** Strokes, undo/redo, lock, re-balance and the progress bar; created with the map. */
  private editing!: EditingTools;
  /** The Metrics tab (summary, bars, find problems); created with the map. */
  private metricsPanel!: MetricsPanel;
  /** The Beat tab's card (response figures, what-ifs). */
  private beatCard!: BeatCardPanel;
  /** "Re-plan from this plan" in the Compare tab. */
  private replan!: ReplanPanel;
  private alternatives!: AlternativesPanel;
  /** The Plans tab (list, open, new from files, copy, rename, delete). */
  private plansPanel!: PlansPanel;
  private readonly findBeat = new FindBeatBox({
    beatIds: () => this.model?.beatIds ?? [],
    pick: (b) => this.selectBeat(b, true),
    say: (m) => this.say(m),
  });
  /** Areas, districts, roads and barriers under the beats; created with the map. */
  private reference!: ReferenceLayers;
  /** The Paint tool's keyboard cursor; created with the map. */
  private keyboardPaint!: KeyboardPaint;
  /** Marks the selected tab in the Tab order (set when the UI is wired). */
  private markTab: (index: number) => void = () => undefined;
  /** Where the focus was before the shortcuts dialog opened. */
  private helpReturn: HTMLElement | null = null;
  /** Beat numbers (collision-thinned); created with the map. */
  private labels!: BeatLabelsLayer;
  private baseStyle: StyleSpecification = offlineBaseStyle();
  /** The tooltip of the cell under the pointer. */
  private readonly hover = new CellHover(
    { model: () => this.model, swipe: () => this.swipe, planName: () => this.plan?.name ?? '' },
    $('tooltip'),
    DEBUG,
  );
  /** The plan's sources and layers; created with the map. */
  private planLayers!: PlanLayers;
  private prefetch: { id: string; data: Promise<PlanData>; t0: number } | null = null;
  /** Incidents heat layer: on/off, available on this server, answers per plan version. */
  private heatLayer!: HeatLayer;
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
  /** Compare tab: changed cells, the other plan's outlines, the swipe view; created with the map. */
  private comparison!: ComparisonView;
  /** The swipe comparison (plan B on a second map right of a divider), when open. */
  get swipe(): SwipeView | null {
    return this.comparison?.swipe ?? null;
  }

  private readonly startedAt = Date.now();

  constructor(private readonly options: AppOptions) {
    this.api = options.api;
    this.role = options.me.role;
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
      const data = this.fetchPlan(this.options.planId);
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
    this.planLayers = new PlanLayers(this.map);
    this.metricsPanel = new MetricsPanel({
      metrics: () => this.metrics,
      model: () => this.model,
      selectedBeat: () => this.selectedBeat,
      pick: (b, card) => {
        this.selectBeat(b, true);
        if (card) this.showTab('beat');
      },
      refreshed: () => void this.replay?.refresh(),
      say: (m, kind) => this.say(m, kind),
    }).mount();
    this.editing = new EditingTools({
      api: this.api,
      map: this.map,
      plan: () => this.plan,
      model: () => this.model,
      metrics: () => this.metrics,
      accepted: (plan, metrics) => {
        this.plan = plan;
        if (metrics) this.metrics = metrics;
      },
      etag: () => this.etag,
      setEtag: (etag) => (this.etag = etag),
      selectedBeat: () => this.selectedBeat,
      brush: () => this.brush,
      canEdit: () => this.canEdit,
      applyCellChanges: (cells, touched) => this.applyCellChanges(cells, touched),
      updateLabels: (beats) => this.labels.update(beats),
      reloadVersion: () => this.reloadVersion(),
      rendered: () => {
        this.renderMetrics();
        this.renderBeatCard();
      },
      busyChanged: () => this.refreshButtons(),
      say: (m, kind) => this.say(m, kind),
    }).mount();
    this.labels = new BeatLabelsLayer(this.map).mount();
    this.reference = new ReferenceLayers(this.map, this.api, LAYERS.areas);
    this.keyboardPaint = new KeyboardPaint(this.map, {
      model: () => this.model,
      active: () => this.tool === 'paint' && this.selectedBeat !== null && !this.editing.busy && !this.editing.painting,
      paint: (cell) => void this.editing.paintCell(cell),
      say: (m) => this.say(m),
    }).mount();
    this.store.subscribe((st, changed) => changed.has('selectedBeat') && this.labels.render(st));
    this.findBeat.mount($('who').parentElement!, $('who'));
    this.replan = new ReplanPanel({
      api: this.api,
      plan: () => this.plan,
      canRun: () => this.canAnalyse,
      progress: (label, j) => this.editing.progress(label, j),
      showMoved: async (newId) => {
        await this.refreshPlanList();
        await this.comparison.compareWith(newId);
      },
      open: async (newId, parentId) => {
        await this.refreshPlanList(newId);
        await this.loadPlan(newId);
        await this.comparison.compareWith(parentId);
        this.showTab('compare');
      },
      say: (m, kind) => this.say(m, kind),
    }).mount($('replan-slot'));
    this.alternatives = new AlternativesPanel({
      api: this.api,
      plan: () => this.plan,
      canRun: () => this.canAnalyse,
      open: async (id) => {
        await this.refreshPlanList(id);
        await this.loadPlan(id);
      },
      say: (m, kind) => this.say(m, kind),
    }).mount($('alternatives-slot'));
    this.plansPanel = new PlansPanel({
      api: this.api,
      role: () => this.role,
      plans: () => this.plans,
      currentId: () => this.plan?.id ?? null,
      open: async (id) => {
        this.fillPlanSelects(id);
        await this.loadPlan(id);
      },
      refresh: (current) => this.refreshPlanList(current),
      progress: (label, j) => this.editing.progress(label, j),
      say: (m, kind) => this.say(m, kind),
    }).mount($('plans-slot'));
    this.heatLayer = new HeatLayer(this.map, this.api, {
      plan: () => this.plan,
      restyle: () => this.restyleCells(),
      setSwipeHeat: (points) => this.swipe?.setHeat(points),
      say: (m, kind) => this.say(m, kind),
    });
    this.staffingPanel = new StaffingPanel({
      api: this.api,
      plan: () => this.plan,
      canEdit: () => this.canEdit,
      progress: (label, j) => this.editing.progress(label, j),
      say: (m, kind) => this.say(m, kind),
      changed: () => {
        this.renderBeatCard();
        this.replay.render();
      },
      save: saveBlob,
    }).mount();
    this.replay = new ReplayPanel({
      api: this.api,
      plan: () => this.plan,
      canRun: () => this.canAnalyse,
      staffingId: () => this.staffingPanel.idOfVersion(),
      progress: (label, j) => this.editing.progress(label, j),
      say: (m, kind) => this.say(m, kind),
    }).mount($('replay-slot'));
    this.comparison = new ComparisonView({
      api: this.api,
      map: this.map,
      store: this.store,
      plan: () => this.plan,
      model: () => this.model,
      plans: () => this.plans,
      fetchPlan: (id) => this.fetchPlan(id),
      baseStyle: () => this.baseStyle,
      fillOptions: () => this.fillOptions(),
      heatPoints: () => (this.heatOn ? this.heatLayer.points : null),
      stopPainting: () => this.tool === 'paint' && this.setTool('select'),
      changed: () => {
        this.refreshButtons();
        this.renderLegend();
      },
      say: (m, kind) => this.say(m, kind),
      timing: (name, ms) => (this.loadTimings[name] = ms),
    }).mount();
    this.beatCard = new BeatCardPanel({
      api: this.api,
      plan: () => this.plan,
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
      say: (m, kind) => this.say(m, kind),
      timing: (name, ms) => (this.loadTimings[name] = ms),
    }).mount();
    this.wireUi();
    this.wireMap();
    let { items } = await this.api.get<PageDto<PlanDto>>('/plans');
    if (!items.length) {
      // `pnpm start` prints the link before the demo plan exists: watch the list until it does
      this.say(
        `No plans yet. The map shows the first plan as soon as one is ready (the demo takes about a minute)${this.canAnalyse ? ', or make one from your files in the Plans tab' : ''}.`,
      );
      while (!items.length && !this.plan) {
        await new Promise((ok) => setTimeout(ok, PLAN_POLL_MS));
        ({ items } = await this.api.get<PageDto<PlanDto>>('/plans'));
        // the demo imports the current beats first: wait for the proposal when it is coming
        if (items.length && items.every((p) => p.inputs.method === 'import') && Date.now() - this.startedAt < PLAN_WAIT_FOR_PROPOSAL_MS)
          items = [];
      }
    }
    // a plan was opened meanwhile (made in the Plans tab): it stays on the map
    if (this.plan) return;
    this.plans = items;
    const planned = [...items].reverse().find((p) => p.inputs.method !== 'import');
    const first = items.find((p) => p.id === this.options.planId) ?? planned ?? items[items.length - 1]!;
    this.fillPlanSelects(first.id);
    await this.loadPlan(first.id);
  }

  // ------------------------------------------------------------------ loading

  /** The plan, its metrics and its cells (current version). */
  private async fetchPlan(id: string): Promise<PlanData> {
    const [{ data: plan, etag }, metrics, cells] = await Promise.all([
      this.api.getWithEtag<PlanDto>(`/plans/${id}`),
      this.api.get<PlanMetricsDto>(`/plans/${id}/metrics`),
      this.api.get<CellsResponse>(`/plans/${id}/cells`),
    ]);
    return { plan, etag, metrics, cells };
  }

  /** Loads a plan (current version) onto the map. */
  async loadPlan(id: string): Promise<void> {
    const early = this.prefetch?.id === id ? this.prefetch : null;
    this.prefetch = null;
    // phases count from the first request for this plan (made early when the URL names it)
    const t0 = early?.t0 ?? performance.now();
    this.say('Loading the plan…');
    const { plan, etag, metrics, cells } = await (early?.data ?? this.fetchPlan(id));
    const t1 = performance.now();
    this.plan = plan;
    this.etag = etag;
    this.metrics = metrics;
    const model = cellsToModel(
      cells,
      metrics.perBeat.map((b) => b.id),
    );
    const t2 = performance.now();
    this.model = model;
    this.colourOf = Int32Array.from(colourBeats(beatAdjacency(model)).colourOf);
    this.agg = aggregateBeats(model);
    this.selectedBeat = null;
    this.replan?.reset();
    void this.alternatives?.load();
    this.plansPanel?.render();
    this.comparison.reset();
    this.heatLayer.reset();
    this.staffingPanel.reset();
    this.planLayers.install(model, { ...this.fillOptions(), selectedBeat: null }, this.heatOn);
    // a plan made on units: their edges drawn thin under the beat outlines
    for (let e = 0; model.units && e < model.edgeA.length; e++)
      if (isUnitEdge(model, e)) this.map.setFeatureState({ ...EDGE, id: e }, { u: 1 });
    void this.reference.show(plan.id).then(() => this.renderLegend());
    const t3 = performance.now();
    const bb = boundsOf(model);
    this.map.fitBounds(bb, { padding: 20, duration: 0 });
    this.store.set({ planId: plan.id, version: plan.version, selectedBeat: null, comparedWith: null });
    this.rebuildLabels();
    this.findBeat.render();
    this.renderMetrics();
    this.renderBeatCard();
    this.renderLegend();
    this.refreshButtons();
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
    if (model.detail?.shifts.length) this.fillShiftSelect();
    else if (this.isPublicAnswer(model)) this.fillShiftSelect(SHIFT_NOTE_VIEWER);
    else void this.loadScoreDetail(id);
    void this.staffingPanel.loadLatest();
    if (this.heatOn) void this.heatLayer.show();
  }

  /**
   * True when the cells came as a public answer (viewer token): incident-derived detail is
   * pooled or left out by design, so cells.csv is not asked for either.
   */
  private isPublicAnswer(model: CellModel): boolean {
    return model.privacy !== null || this.role === 'viewer';
  }

  /** Fills the shift selector; with a `note`, only "All shifts", disabled, and the note shown next to it. */
  private fillShiftSelect(note?: string): void {
    const sel = $<HTMLSelectElement>('shift-select');
    sel.replaceChildren(
      el('option', { value: 'all' }, 'All shifts'),
      ...(note ? [] : (this.model?.detail?.shifts ?? []).map((s, k) => el('option', { value: String(k) }, `Shift ${s}`))),
    );
    sel.disabled = Boolean(note);
    sel.title = note ? `Shift: ${note}` : '';
    const n = $('shift-note');
    n.textContent = note ?? '';
    n.hidden = !note;
    if (note) this.shift = 'all';
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
      this.fillShiftSelect();
      // re-cut the cell tiles, which now carry the shift columns
      this.planLayers.refreshCells();
    } catch (e) {
      this.say(`Per-shift scores unavailable (${errorText(e)}); colouring by the weekly total.`);
    }
  }

  /** Reloads the cells and metrics of the current version after undo/redo/re-balance, applying only the differences. */
  async reloadVersion(): Promise<{ cells: number; beats: number } | null> {
    if (!this.plan || !this.model) return null;
    const id = this.plan.id;
    const [{ data: plan, etag }, metrics, cells] = await Promise.all([
      this.api.getWithEtag<PlanDto>(`/plans/${id}`),
      this.api.get<PlanMetricsDto>(`/plans/${id}/metrics`),
      this.api.get<CellsResponse>(`/plans/${id}/cells`),
    ]);
    this.plan = plan;
    this.etag = etag;
    this.metrics = metrics;
    const fresh = cellsToModel(cells, this.model.beatIds);
    if (fresh.beatIds.length !== this.model.beatIds.length || fresh.cellCount !== this.model.cellCount) {
      await this.loadPlan(id);
      return null;
    }
    const changed: number[] = [];
    for (let i = 0; i < fresh.cellCount; i++) if (fresh.beatOf[i] !== this.model.beatOf[i]) changed.push(i);
    const touched = new Set<number>();
    for (const i of changed) {
      touched.add(this.model.beatOf[i]!);
      touched.add(fresh.beatOf[i]!);
      this.model.beatOf[i] = fresh.beatOf[i]!;
    }
    this.applyCellChanges(changed, touched);
    this.renderMetrics();
    this.renderBeatCard();
    this.refreshButtons();
    touched.delete(-1);
    return { cells: changed.length, beats: touched.size };
  }

  private fillOptions() {
    const model = this.model!;
    const values =
      this.mode === 'need'
        ? model.needHours
        : this.shift === 'all' || !model.detail
          ? model.workloadHours
          : model.detail.shiftWorkload[this.shift]!;
    return {
      mode: this.mode,
      colourOfBeat: this.colourOf,
      shift: this.shift,
      breaks: this.mode === 'beat' ? undefined : quantileBreaks(values),
      selectedBeat: this.selectedBeat,
      dimmed: this.heatOn,
      ...(model.privacy ? { suppressedK: model.privacy.k } : {}),
    };
  }

  private restyleCells(): void {
    if (!this.model) return;
    // one shift: the tiles carry every shift's workload (`s<k>`), so this is a paint change only
    const o = this.fillOptions();
    applyFill(this.map, o);
    this.comparison.restyleSwipe();
    this.renderLegend();
  }

  // ------------------------------------------------------------------ labels

  /** Gives the label layer the loaded plan (all beats). */
  private rebuildLabels(): void {
    const model = this.model!;
    this.labels.setPlan({
      model,
      agg: this.agg,
      locked: (b) => Boolean(this.metrics?.perBeat.find((x) => x.id === model.beatIds[b])?.locked),
    });
  }

  // ------------------------------------------------------------------ panels

  private renderMetrics(): void {
    this.metricsPanel.render();
  }

  private renderBeatCard(): void {
    this.beatCard.render();
  }

  /** The legend section of the ground reference layers drawn (none when there are none). */
  private referenceLegend(): Legend[] {
    const items = this.reference.legendItems();
    return items.length ? [{ title: 'Ground reference', items }] : [];
  }

  private renderLegend(): void {
    if (!this.model) return;
    const shiftLabel = this.shift !== 'all' ? this.model.detail?.shifts[this.shift] : undefined;
    const legend = mapLegend({
      ...this.fillOptions(),
      ...(shiftLabel ? { shiftLabel } : {}),
      heat: this.heatOn ? this.heat : null,
      symbols: {
        overlayOf: this.comparison.overlayOn ? this.comparison.overlayOf : null,
        changedCells: this.comparison.comparedWith ? this.comparison.changedCells.length : null,
        selectedBeat: this.selectedBeat !== null ? this.model.beatIds[this.selectedBeat]! : null,
        anyLocked: Boolean(this.metrics?.perBeat.some((b) => b.locked)),
        units: this.model.units?.unitIds.length ?? null,
      },
    });
    const open = ($('legend-slot').querySelector('details') as HTMLDetailsElement | null)?.open ?? true;
    const box = legendBox([...legend, ...this.referenceLegend()]) as HTMLDetailsElement;
    box.open = open;
    $('legend-slot').replaceChildren(box);
  }

  /** The Paint tool's keyboard cursor cell (−1 when none). */
  get keyboardCursor(): number {
    return this.keyboardPaint?.cursor ?? -1;
  }

  /** Closes the shortcuts dialog and gives the focus back where it was. */
  private closeHelp(): void {
    $('help').hidden = true;
    this.helpReturn?.focus();
    this.helpReturn = null;
  }

  private showTab(name: string): void {
    for (const t of TABS) {
      $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
      $(`panel-${t}`).hidden = t !== name;
    }
    this.markTab(TABS.indexOf(name));
    if (name === 'beat') this.beatCard.renderResponse();
  }

  /** Shows a message in the status line; `refused` styles it as a refusal. */
  say(message: string, kind: 'info' | 'refused' = 'info'): void {
    this.lastMessage = message;
    const s = $('status');
    s.textContent = message;
    s.classList.toggle('refused', kind === 'refused');
    s.setAttribute('role', kind === 'refused' ? 'alert' : 'status');
  }

  private refreshButtons(): void {
    const edit = this.canEdit && Boolean(this.plan);
    for (const id of ['tool-paint', 'undo', 'redo', 'rebalance']) {
      const b = $<HTMLButtonElement>(id);
      b.disabled = !edit || this.editing.busy;
      if (!this.canEdit) b.title = 'Needs the commander role';
    }
    $<HTMLButtonElement>('undo').disabled ||= !this.plan || this.plan.version <= 1;
    $('tool-select').setAttribute('aria-pressed', String(this.tool === 'select'));
    $('tool-paint').setAttribute('aria-pressed', String(this.tool === 'paint'));
    $('map').classList.toggle('painting', this.tool === 'paint');
    $<HTMLButtonElement>('export-assignments').disabled = !this.canEdit;
    $('swipe-toggle').setAttribute('aria-pressed', String(Boolean(this.swipe)));
  }

  // ------------------------------------------------------------------ selection

  /** Selects a beat (−1/null clears); `zoom` fits the map to it. */
  selectBeat(b: number | null, zoom = false): void {
    this.selectedBeat = b !== null && b >= 0 ? b : null;
    if (this.model) {
      applySelection(this.map, this.selectedBeat);
      this.store.set({ selectedBeat: this.selectedBeat });
    }
    this.renderMetrics();
    this.renderBeatCard();
    this.renderLegend();
    if (this.selectedBeat !== null) {
      $('beat-hint').hidden = true;
      if (zoom) this.zoomToBeat(this.selectedBeat);
    }
  }

  private zoomToBeat(b: number): void {
    const a = this.agg.get(b);
    if (!a) return;
    const d = 0.004;
    this.map.fitBounds([a.bbox[0] - d, a.bbox[1] - d, a.bbox[2] + d, a.bbox[3] + d], { padding: 40, duration: 0, maxZoom: 15 });
  }

  // ------------------------------------------------------------------ edits

  /** Sets the beat of cells in the model and on the map; updates outlines, labels and colours. */
  applyCellChanges(cells: readonly number[], touchedBeats: Iterable<number>): void {
    const model = this.model!;
    for (const i of cells) this.map.setFeatureState({ ...CELL, id: i }, { b: model.beatOf[i]! });
    for (const e of edgesOfCells(model, cells)) this.map.setFeatureState({ ...EDGE, id: e }, { on: isBeatEdge(model, e) ? 1 : 0 });
    this.planLayers.refreshOutlines();
    const beats = [...new Set(touchedBeats)].filter((b) => b >= 0);
    const fresh = aggregateBeats(model, beats);
    for (const b of beats) {
      const a = fresh.get(b);
      if (a) this.agg.set(b, a);
      else this.agg.delete(b);
    }
    this.labels.update(beats);
    // a stroke can only make touched beats meet new neighbours: check those, not the whole map
    const { colourOf, changed } = recolourBeats(beatNeighbours(model, beats), this.colourOf);
    if (changed.length) {
      this.colourOf = Int32Array.from(colourOf);
      if (this.mode === 'beat') this.restyleCells();
    }
  }

  // ------------------------------------------------------------------ incidents heat layer

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
      agg: this.agg,
      shownLabels: this.labels.shown,
      legend: (anyLocked) => [
        ...mapLegend({ ...this.fillOptions(), heat: this.heatOn ? this.heat : null, symbols: { anyLocked } }),
        ...this.referenceLegend(),
      ],
      title: $<HTMLInputElement>('briefing-title').value,
      comparedWith: this.comparison.comparedWith ? this.plans.find((p) => p.id === this.comparison.comparedWith)?.name : undefined,
    });
    saveBlob(blob, fileName);
  }

  // ------------------------------------------------------------------ wiring

  /** Re-reads the plan list (a job added a plan) and refills the selects; `current` defaults to the plan on show. */
  private async refreshPlanList(current = this.plan?.id): Promise<void> {
    this.plans = (await this.api.get<PageDto<PlanDto>>('/plans')).items;
    if (current) this.fillPlanSelects(current);
    this.plansPanel.render();
  }

  private fillPlanSelects(current: string): void {
    const opts = (exclude?: string) =>
      this.plans
        .filter((p) => p.id !== exclude)
        .map((p) => el('option', { value: p.id }, `${p.name} (${p.inputs.method === 'import' ? 'current beats' : 'planned'})`));
    $('plan-select').replaceChildren(...opts());
    $<HTMLSelectElement>('plan-select').value = current;
    $('compare-select').replaceChildren(...opts(current));
    const imported = this.plans.find((p) => p.id !== current && p.inputs.method === 'import');
    if (imported) $<HTMLSelectElement>('compare-select').value = imported.id;
  }

  private wireUi(): void {
    $('plan-select').addEventListener('change', (e) => {
      const id = (e.target as HTMLSelectElement).value;
      this.fillPlanSelects(id);
      void this.loadPlan(id);
    });
    $('mode-select').addEventListener('change', (e) => this.setMode((e.target as HTMLSelectElement).value as ColourMode));
    $('shift-select').addEventListener('change', (e) => {
      const v = (e.target as HTMLSelectElement).value;
      this.shift = v === 'all' ? 'all' : Number(v);
      if (this.mode === 'beat') this.setMode('workload');
      else this.restyleCells();
    });
    $('tool-select').addEventListener('click', () => this.setTool('select'));
    $('tool-paint').addEventListener('click', () => this.setTool('paint'));
    $('brush-size').addEventListener('input', (e) => this.setBrush(Number((e.target as HTMLInputElement).value)));
    $('heat-toggle').addEventListener('change', (e) => void this.toggleHeat((e.target as HTMLInputElement).checked));
    const openTab = (t: string) => {
      this.showTab(t);
      if (t === 'staffing') void this.staffingPanel.loadRosters();
      if (t === 'plans')
        void this.refreshPlanList().catch((e: unknown) => this.say(`Could not read the plans: ${plainError(e)}`, 'refused'));
    };
    for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => openTab(t));
    this.markTab = wireTabs(document.querySelector<HTMLElement>('[role=tablist]')!, (k) => openTab(TABS[k]!));
    new ExportPanel({ api: this.api, plan: () => this.plan, say: (m, kind) => this.say(m, kind), save: saveBlob }).mount();
    $('export-assignments').addEventListener('click', () => void this.staffingPanel.exportAssignments());
    $('export-png').addEventListener('click', () => void this.exportBriefing());
    $<HTMLInputElement>('style-url').value = this.options.basemap?.kind === 'style' ? this.options.basemap.url : '';
    $('style-apply').addEventListener('click', () => {
      const url = $<HTMLInputElement>('style-url').value.trim();
      const q = new URLSearchParams(location.search);
      if (url) q.set('style', url);
      else q.delete('style');
      localStorage.setItem('beatplan.style', url);
      location.search = q.toString();
    });
    $('help-list').replaceChildren(...SHORTCUTS.flatMap((s) => [el('dt', {}, el('kbd', {}, s.key)), el('dd', {}, s.label)]));
    $('help-close').addEventListener('click', () => this.closeHelp());
    trapFocus($('help'), () => this.closeHelp());
    document.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      const a = shortcutAction({
        key: e.key,
        shiftKey: e.shiftKey,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        targetTag: t?.tagName ?? '',
        editable: Boolean(t?.isContentEditable),
      });
      if (!a) return;
      // keys the map uses itself (arrows, +/-) are not shortcuts, so they keep working
      e.preventDefault();
      this.run(a);
    });
  }

  /** Runs a shortcut action. */
  run(a: ShortcutAction): void {
    switch (a) {
      case 'tool-select':
        return this.setTool('select');
      case 'tool-paint':
        return this.setTool('paint');
      case 'brush-smaller':
        return this.setBrush(this.brush - 1);
      case 'brush-larger':
        return this.setBrush(this.brush + 1);
      case 'undo':
        return void this.editing.undoRedo('undo');
      case 'redo':
        return void this.editing.undoRedo('redo');
      case 'lock-toggle':
        return void this.editing.toggleLock();
      case 'rebalance':
        return void this.editing.rebalance();
      case 'next-problem':
        return this.metricsPanel.nextProblem();
      case 'mode-beat':
        return this.setMode('beat');
      case 'mode-workload':
        return this.setMode('workload');
      case 'mode-need':
        return this.setMode('need');
      case 'overlay-toggle':
        return void this.comparison.toggleOverlay();
      case 'heat-toggle':
        return void this.toggleHeat();
      case 'swipe-toggle':
        return this.comparison.toggleSwipe();
      case 'escape':
        if (this.editing.painting) return this.editing.cancelStroke();
        $('help').hidden = true;
        return this.selectBeat(null);
      case 'help':
        this.helpReturn = document.activeElement as HTMLElement | null;
        $('help').hidden = false;
        $('help-close').focus();
        return;
    }
  }

  private setMode(m: ColourMode): void {
    this.mode = m;
    $<HTMLSelectElement>('mode-select').value = m;
    this.restyleCells();
  }

  private setTool(t: 'select' | 'paint'): void {
    if (t === 'paint' && !this.canEdit) {
      this.say('Painting needs the commander role.', 'refused');
      return;
    }
    if (t === 'paint' && this.swipe) {
      this.say('Close the swipe view to paint (Compare panel, or W).', 'refused');
      return;
    }
    this.tool = t;
    if (t !== 'paint') this.keyboardPaint.reset();
    if (t === 'paint' && this.selectedBeat === null)
      this.say('Select the beat to paint into first (click it with the Select tool, or in the metrics list).');
    this.refreshButtons();
  }

  private setBrush(n: number): void {
    this.brush = Math.max(0, Math.min(6, n));
    $<HTMLInputElement>('brush-size').value = String(this.brush);
    $('brush-out').textContent = String(this.brush);
  }

  private wireMap(): void {
    const map = this.map;
    map.on('mousedown', (e) => {
      if (this.tool !== 'paint' || !this.model || e.originalEvent.button !== 0) return;
      if (this.selectedBeat === null) {
        this.say('Select the beat to paint into first.', 'refused');
        return;
      }
      if (this.editing.busy) {
        this.say('Still saving the previous stroke…');
        return;
      }
      e.preventDefault();
      map.dragPan.disable();
      $('tooltip').hidden = true;
      this.editing.startStroke(e.lngLat.lng, e.lngLat.lat);
    });
    map.on('mousemove', (e) => {
      if (this.editing.painting) {
        this.editing.strokeAdd(e.lngLat.lng, e.lngLat.lat);
        return;
      }
      this.hover.show(e.lngLat.lng, e.lngLat.lat, e.point.x, e.point.y);
    });
    map.on('mouseup', () => {
      if (this.editing.painting) void this.editing.finishStroke();
    });
    map.on('mouseout', () => this.hover.hide());
    map.on('click', (e) => {
      if (this.tool !== 'select' || !this.model) return;
      const i = pointToCell(this.model, e.lngLat.lng, e.lngLat.lat);
      this.selectBeat(i >= 0 ? this.model.beatOf[i]! : null);
      if (i >= 0) this.showTab('beat');
    });
    map.on('error', (e) => {
      // a basemap that fails offline: keep the plan layers on the plain background
      const msg = String((e as unknown as { error?: { message?: string } }).error?.message ?? '');
      if (this.options.basemap && /fetch|network|load/i.test(msg) && !this.lastMessage.startsWith('Basemap'))
        this.say('Basemap tiles unavailable; the plan is shown on a plain background.');
    });
  }
}

/** An error in plain words (see {@link plainError}). */
function errorText(e: unknown): string {
  return plainError(e);
}
