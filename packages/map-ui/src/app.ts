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
import type { ApiClient } from './api-client.js';
import { loadBaseStyle, type MapBasemap, openMap, wireStyleUrl } from './layers/basemap.js';
import { CellHover } from './layers/cell-hover.js';
import { applyFill, applySelection } from './layers/plan-fill.js';
import { offlineBaseStyle } from './map-style.js';
import { MapControls } from './panels/controls.js';
import { type PanelContext, PanelRegistry, type Panels, PLANNING_PANELS, sharedHost } from './panels/registry.js';
import { PlanLoader } from './plan-loader.js';
import { PlanSession } from './plan-session.js';
import { initialViewState, Store, type ViewState } from './store.js';
import { installTileProtocol } from './vector-tiles.js';
import { plainError } from './words.js';

setWorkerUrl(workerUrl);
// two workers parse the first tiles of a big plan side by side (MapLibre's default is one)
if ((navigator.hardwareConcurrency ?? 1) >= 2) setWorkerCount(2);
installTileProtocol(addProtocol);

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

/**
 * The running app: the map, the view store and the registry of panels and layers
 * (`panels/registry.ts`); tests read it through `window.__beatplan` (`test-hook.ts`).
 */
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
  /** Puts plans on the map. */
  readonly loader: PlanLoader;
  /** The panels and layers (see {@link PLANNING_PANELS}), mounted by {@link start}. */
  readonly registry = new PanelRegistry<Panels, PanelContext>(PLANNING_PANELS);
  /** The registry's panels (filled by {@link start}). */
  readonly panels: Panels = this.registry.panels;
  /** The style both maps draw on (offline background or a basemap). */
  baseStyle: StyleSpecification = offlineBaseStyle();
  private readonly hover = new CellHover(
    {
      model: () => this.session.model,
      swipe: () => this.panels.comparison?.swipe ?? null,
      planName: () => this.session.plan?.name ?? '',
      venuesAt: (x, y) => this.panels.reference?.venuesAt(x, y) ?? [],
    },
    $('tooltip'),
    DEBUG,
  );

  constructor(private readonly options: AppOptions) {
    this.api = options.api;
    this.role = options.me.role;
    this.canEdit = ROLES.indexOf(this.role) >= ROLES.indexOf('commander');
    this.canAnalyse = ROLES.indexOf(this.role) >= ROLES.indexOf('analyst');
    const p = this.panels;
    this.controls = new MapControls({
      canEdit: () => this.canEdit,
      plan: () => this.session.plan,
      model: () => this.session.model,
      selectedBeat: () => this.selectedBeat,
      swipeOpen: () => Boolean(p.comparison?.swipe),
      editing: () => p.editing,
      restyle: () => this.restyleCells(),
      selectBeat: (b) => this.selectBeat(b),
      nextProblem: () => p.metrics.nextProblem(),
      toggleOverlay: () => void p.comparison.toggleOverlay(),
      toggleHeat: (on) => void p.heat.set(on ?? !p.heat.on),
      toggleSwipe: () => p.comparison.toggleSwipe(),
      paintEnded: () => p.keyboardPaint?.reset(),
      tabShown: (t, clicked) => {
        if (t === 'beat') p.beatCard.renderResponse();
        if (clicked && t === 'staffing') void p.staffing.loadRosters();
        if (clicked && t === 'plans')
          void this.loader.refreshList().catch((e: unknown) => this.say(`Could not read the plans: ${plainError(e)}`, 'refused'));
      },
      say: (m, kind) => this.say(m, kind),
    });
    this.loader = new PlanLoader({
      api: this.api,
      map: () => this.map,
      session: this.session,
      layers: () => p.planLayers,
      labels: () => p.labels,
      viewer: this.role === 'viewer',
      fillOptions: () => this.fillOptions(),
      heatOn: () => p.heat?.on ?? false,
      shifts: (shifts, note) => this.controls.fillShiftSelect(shifts, note),
      reset: () => {
        this.selectedBeat = null;
        p.replan.reset();
        void p.alternatives.load();
        p.plans.render();
        p.comparison.reset();
        p.heat.reset();
        p.staffing.reset();
      },
      shown: () => {
        const plan = this.session.plan!;
        // (the beat card lists the venues in its beat once they are drawn)
        void p.reference.show(plan.id).then(() => {
          p.legend.update();
          p.beatCard.render();
        });
        this.store.set({ planId: plan.id, version: plan.version, selectedBeat: null, comparedWith: null });
        p.findBeat.render();
        this.renderPanels();
        p.legend.update();
        this.controls.refreshButtons();
      },
      listed: () => p.plans.render(),
      settled: () => {
        void p.staffing.loadLatest();
        if (p.heat.on) void p.heat.show();
      },
      rendered: () => {
        this.renderPanels();
        this.controls.refreshButtons();
      },
      recoloured: () => this.controls.mode === 'beat' && this.restyleCells(),
      say: (m, kind) => this.say(m, kind),
    });
  }

  /** Builds the map and its panels, loads the plan list and the first plan. */
  async start(): Promise<void> {
    $('who').textContent = `${this.options.me.label} (${this.role})`;
    // the plan named in the URL: fetch it while the map and the plan list load
    if (this.options.planId) this.loader.prefetchPlan(this.options.planId);
    this.baseStyle = await loadBaseStyle(this.options.basemap ?? null, (m) => this.say(m));
    this.map = await openMap(this.baseStyle, Boolean(this.options.basemap));
    this.registry.mount({ app: this, c: sharedHost(this, this.panels) });
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

  /** The colouring on show: mode, shift, selection and heat (see {@link PlanSession.fillOptions}). */
  fillOptions(): ReturnType<PlanSession['fillOptions']> {
    const c = this.controls;
    return this.session.fillOptions(c.mode, c.shift, this.selectedBeat, this.panels.heat?.on ?? false);
  }

  /** Recolours the cells on both maps (a paint change only) and redraws the legend. */
  restyleCells(): void {
    if (!this.session.model) return;
    // one shift: the tiles carry every shift's workload (`s<k>`), so this is a paint change only
    applyFill(this.map, this.fillOptions());
    this.panels.comparison.restyleSwipe();
    this.panels.legend.update();
  }

  /** Redraws the panels that follow the plan, its version and the selection. */
  renderPanels(): void {
    this.registry.render(this.store.get());
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
    if (this.session.model) {
      applySelection(this.map, this.selectedBeat);
      this.store.set({ selectedBeat: this.selectedBeat });
    }
    this.renderPanels();
    this.panels.legend.update();
    if (this.selectedBeat !== null) {
      $('beat-hint').hidden = true;
      if (zoom) this.loader.zoomToBeat(this.selectedBeat);
    }
  }
}
