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
import { addProtocol, type Map as MapLibreMap, type StyleSpecification, setWorkerCount, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { ApiClient, PlanDto } from './api-client.js';
import type { CellModel } from './cell-model.js';
import type { HeatSummary } from './heat.js';
import { loadBaseStyle, type MapBasemap, openMap, wireStyleUrl } from './layers/basemap.js';
import { BeatLabelsLayer } from './layers/beat-labels.js';
import { CellHover } from './layers/cell-hover.js';
import { HeatLayer } from './layers/heat-layer.js';
import { applyFill, applySelection } from './layers/plan-fill.js';
import { PlanLayers } from './layers/plan-layers.js';
import { ReferenceLayers } from './layers/reference.js';
import type { MapLegendOptions } from './legend.js';
import { LAYERS, offlineBaseStyle } from './map-style.js';
import type { PlanMetricsDto } from './metrics.js';
import { AlternativesPanel } from './panels/alternatives.js';
import { BeatCardPanel } from './panels/beat-card.js';
import { saveBriefing } from './panels/briefing.js';
import { ComparisonView } from './panels/comparison.js';
import { MapControls } from './panels/controls.js';
import { EditingTools, type EditTiming } from './panels/editing.js';
import { ExportPanel, saveBlob } from './panels/export.js';
import { FindBeatBox } from './panels/find-beat.js';
import { KeyboardPaint } from './panels/keyboard-paint.js';
import { LegendPanel } from './panels/legend.js';
import { MetricsPanel } from './panels/metrics-panel.js';
import { PlansPanel } from './panels/plans.js';
import { ReplanPanel } from './panels/replan.js';
import { ReplayPanel } from './panels/replay.js';
import { StaffingPanel } from './panels/staffing.js';
import { PlanLoader } from './plan-loader.js';
import { fetchPlan, fillPlanSelects, PlanSession } from './plan-session.js';
import { initialViewState, Store, type ViewState } from './store.js';
import type { SwipeView } from './swipe-view.js';
import { installTileProtocol } from './vector-tiles.js';
import { plainError } from './words.js';

setWorkerUrl(workerUrl);
// two workers parse the first tiles of a big plan side by side (MapLibre's default is one)
if ((navigator.hardwareConcurrency ?? 1) >= 2) setWorkerCount(2);
installTileProtocol(addProtocol);

export type { EditTiming };

/** Roles as the API orders them. */
const ROLES = ['viewer', 'analyst', 'commander', 'admin'];
/** `?debug` in the URL: technical details (cell ids) in the hover. */
const DEBUG = typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug');

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
  /** True when the caller may edit plans (commander or admin). */
  readonly canEdit: boolean;
  /** True when the caller may read analysts' figures (response figures): analyst and up. */
  readonly canAnalyse: boolean;
  map!: MapLibreMap;
  /** The plan on show, its model and per-beat state. */
  readonly session = new PlanSession();
  selectedBeat: number | null = null;
  /** The most recent message shown (tests read it). */
  lastMessage = '';
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
  /** Puts plans on the map. */
  private readonly loader: PlanLoader;
  private heatLayer!: HeatLayer;
  private comparison!: ComparisonView;

  constructor(private readonly options: AppOptions) {
    this.api = options.api;
    this.role = options.me.role;
    this.canEdit = ROLES.indexOf(this.role) >= ROLES.indexOf('commander');
    this.canAnalyse = ROLES.indexOf(this.role) >= ROLES.indexOf('analyst');
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
      toggleHeat: (on) => void this.heatLayer.set(on ?? !this.heatLayer.on),
      toggleSwipe: () => this.comparison.toggleSwipe(),
      paintEnded: () => this.keyboardPaint?.reset(),
      tabShown: (t, clicked) => {
        if (t === 'beat') this.beatCard.renderResponse();
        if (clicked && t === 'staffing') void this.staffingPanel.loadRosters();
        if (clicked && t === 'plans')
          void this.loader.refreshList().catch((e: unknown) => this.say(`Could not read the plans: ${plainError(e)}`, 'refused'));
      },
      say: (m, kind) => this.say(m, kind),
    });
    this.loader = new PlanLoader({
      api: this.api,
      map: () => this.map,
      session: this.session,
      layers: () => this.planLayers,
      labels: () => this.labels,
      viewer: this.role === 'viewer',
      fillOptions: () => this.fillOptions(),
      heatOn: () => this.heatOn,
      shifts: (shifts, note) => this.controls.fillShiftSelect(shifts, note),
      reset: () => {
        this.selectedBeat = null;
        this.replan.reset();
        void this.alternatives.load();
        this.plansPanel.render();
        this.comparison.reset();
        this.heatLayer.reset();
        this.staffingPanel.reset();
      },
      shown: () => {
        const plan = this.plan!;
        void this.reference.show(plan.id).then(() => this.renderLegend());
        this.store.set({ planId: plan.id, version: plan.version, selectedBeat: null, comparedWith: null });
        this.findBeat.render();
        this.renderPanels();
        this.renderLegend();
        this.controls.refreshButtons();
      },
      listed: () => this.plansPanel.render(),
      settled: () => {
        void this.staffingPanel.loadLatest();
        if (this.heatOn) void this.heatLayer.show();
      },
      rendered: () => {
        this.renderPanels();
        this.controls.refreshButtons();
      },
      recoloured: () => this.controls.mode === 'beat' && this.restyleCells(),
      say: (m, kind) => this.say(m, kind),
    });
  }

  /** Phases of the last plan load, ms (see {@link PlanLoader.loadTimings}). */
  get loadTimings(): Record<string, number> {
    return this.loader.loadTimings;
  }
  /** True once the first plan is on the map. */
  get ready(): boolean {
    return this.loader.ready;
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

  /** Builds the map, loads the plan list and the first plan. */
  async start(): Promise<void> {
    $('who').textContent = `${this.options.me.label} (${this.role})`;
    // the plan named in the URL: fetch it while the map and the plan list load
    if (this.options.planId) this.loader.prefetchPlan(this.options.planId);
    this.baseStyle = await loadBaseStyle(this.options.basemap ?? null, (m) => this.say(m));
    this.map = await openMap(this.baseStyle, Boolean(this.options.basemap));
    // what most panels read or ask for, spread into each panel's host
    const c = {
      api: this.api,
      map: this.map,
      store: this.store,
      plan: () => this.plan,
      model: () => this.model,
      metrics: () => this.metrics,
      plans: () => this.session.plans,
      selectedBeat: () => this.selectedBeat,
      canEdit: () => this.canEdit,
      canAnalyse: () => this.canAnalyse,
      canRun: () => this.canAnalyse,
      progress: (label: string, j: Parameters<EditingTools['progress']>[1]) => this.editing.progress(label, j),
      timing: (name: string, ms: number) => (this.loadTimings[name] = ms),
      save: saveBlob,
      say: (m: string, kind?: 'info' | 'refused') => this.say(m, kind),
    };
    this.planLayers = new PlanLayers(this.map);
    this.metricsPanel = new MetricsPanel({
      ...c,
      pick: (b, card) => {
        this.selectBeat(b, true);
        if (card) this.controls.showTab('beat');
      },
      refreshed: () => void this.replay?.refresh(),
    }).mount();
    this.editing = new EditingTools({
      ...c,
      accepted: (p, metrics) => {
        this.session.plan = p;
        if (metrics) this.session.metrics = metrics;
      },
      etag: () => this.session.etag,
      setEtag: (etag) => (this.session.etag = etag),
      brush: () => this.controls.brush,
      applyCellChanges: (cells, touched) => this.loader.applyCellChanges(cells, touched),
      updateLabels: (beats) => this.labels.update(beats),
      reloadVersion: () => this.loader.reloadVersion(),
      rendered: () => this.renderPanels(),
      busyChanged: () => this.controls.refreshButtons(),
    }).mount();
    this.labels = new BeatLabelsLayer(this.map).mount();
    this.reference = new ReferenceLayers(this.map, this.api, LAYERS.areas);
    this.legend = new LegendPanel($('legend-slot'), () => this.reference.legendItems());
    this.keyboardPaint = new KeyboardPaint(this.map, {
      ...c,
      active: () => this.controls.tool === 'paint' && this.selectedBeat !== null && !this.editing.busy && !this.editing.painting,
      paint: (cell) => void this.editing.paintCell(cell),
    }).mount();
    this.store.subscribe((st, changed) => changed.has('selectedBeat') && this.labels.render(st));
    this.findBeat.mount($('who').parentElement!, $('who'));
    const open = async (id: string) => {
      await this.loader.refreshList(id);
      await this.loader.load(id);
    };
    this.replan = new ReplanPanel({
      ...c,
      showMoved: async (newId) => {
        await this.loader.refreshList();
        await this.comparison.compareWith(newId);
      },
      open: async (newId, parentId) => {
        await open(newId);
        await this.comparison.compareWith(parentId);
        this.controls.showTab('compare');
      },
    }).mount($('replan-slot'));
    this.alternatives = new AlternativesPanel({ ...c, open }).mount($('alternatives-slot'));
    this.plansPanel = new PlansPanel({
      ...c,
      role: () => this.role,
      currentId: () => this.plan?.id ?? null,
      open: async (id) => {
        fillPlanSelects(this.session.plans, id);
        await this.loader.load(id);
      },
      refresh: (current) => this.loader.refreshList(current),
    }).mount($('plans-slot'));
    this.heatLayer = new HeatLayer(this.map, this.api, {
      ...c,
      restyle: () => this.restyleCells(),
      setSwipeHeat: (points) => this.swipe?.setHeat(points),
    });
    this.staffingPanel = new StaffingPanel({
      ...c,
      changed: () => {
        this.beatCard.render();
        this.replay.render();
      },
    }).mount();
    this.replay = new ReplayPanel({
      ...c,
      staffingId: () => this.staffingPanel.idOfVersion(),
    }).mount($('replay-slot'));
    this.comparison = new ComparisonView({
      ...c,
      fetchPlan: (id) => fetchPlan(this.api, id),
      baseStyle: () => this.baseStyle,
      fillOptions: () => this.fillOptions(),
      heatPoints: () => (this.heatOn ? this.heatLayer.points : null),
      stopPainting: () => this.controls.tool === 'paint' && this.controls.setTool('select'),
      changed: () => {
        this.controls.refreshButtons();
        this.renderLegend();
      },
    }).mount();
    this.beatCard = new BeatCardPanel({
      ...c,
      staffing: () => this.staffingPanel.staffing,
      roster: () => this.staffingPanel.roster(),
      replaySection: (id) => this.replay.beatSection(id),
      toggleLock: () => void this.editing.toggleLock(),
      zoomTo: (b) => this.loader.zoomToBeat(b),
    }).mount();
    new ExportPanel(c).mount();
    $('export-assignments').addEventListener('click', () => void this.staffingPanel.exportAssignments());
    $('export-png').addEventListener('click', () => void this.exportBriefing());
    $('plan-select').addEventListener('change', (e) => {
      const id = (e.target as HTMLSelectElement).value;
      fillPlanSelects(this.session.plans, id);
      void this.loader.load(id);
    });
    wireStyleUrl(this.options.basemap?.kind === 'style' ? this.options.basemap.url : '');
    this.controls.mount().mountPointer(this.map, {
      hover: this.hover,
      basemap: Boolean(this.options.basemap),
      lastMessage: () => this.lastMessage,
    });
    const orFiles = this.canAnalyse ? ', or make one from your files in the Plans tab' : '';
    await this.loader.openFirst(
      this.options.planId,
      `No plans yet. The map shows the first plan as soon as one is ready (the demo takes about a minute)${orFiles}.`,
    );
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
      if (zoom) this.loader.zoomToBeat(this.selectedBeat);
    }
  }

  /** Renders the briefing sheet (map + beat numbers + legend + title + date) and downloads it as PNG. */
  async exportBriefing(): Promise<void> {
    const { plan, model, metrics, agg } = this.session;
    if (!plan || !model || !metrics) return;
    const compared = this.comparison.comparedWith;
    await saveBriefing({
      map: this.map,
      plan,
      model,
      metrics,
      agg,
      shownLabels: this.labels.shown,
      legend: (anyLocked) => this.legend.sections({ ...this.fillOptions(), heat: this.heatOn ? this.heat : null, symbols: { anyLocked } }),
      title: $<HTMLInputElement>('briefing-title').value,
      comparedWith: compared ? this.session.plans.find((p) => p.id === compared)?.name : undefined,
    });
  }
}
