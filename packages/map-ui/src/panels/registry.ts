/**
 * The planning map's panel registry: every panel and layer the map mounts, as one list of
 * entries (`mount`: build the panel with its own host and wire it; `render`: redraw it from the
 * view state), mounted in list order from one shared context. A panel's host is where its
 * callbacks into the app and into the other panels are wired; adding a panel is one entry here
 * (and its slot in `index.html`).
 */
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import type { ApiClient, PlanDto } from '../api-client.js';
import type { CellModel } from '../cell-model.js';
import { BeatLabelsLayer } from '../layers/beat-labels.js';
import { HeatLayer } from '../layers/heat-layer.js';
import { PlanLayers } from '../layers/plan-layers.js';
import { ReferenceLayers } from '../layers/reference.js';
import { LAYERS } from '../map-style.js';
import type { PlanMetricsDto } from '../metrics.js';
import type { PlanLoader } from '../plan-loader.js';
import { fetchPlan, fillPlanSelects, type PlanSession } from '../plan-session.js';
import type { Store, ViewState } from '../store.js';
import { AlternativesPanel } from './alternatives.js';
import { BeatCardPanel } from './beat-card.js';
import { BriefingButton } from './briefing.js';
import { ComparisonView } from './comparison.js';
import type { MapControls } from './controls.js';
import { EditingTools } from './editing.js';
import { ExportPanel, saveBlob } from './export.js';
import { FindBeatBox } from './find-beat.js';
import { KeyboardPaint } from './keyboard-paint.js';
import { LegendPanel } from './legend.js';
import { MetricsPanel } from './metrics-panel.js';
import { PlansPanel } from './plans.js';
import { ReplanPanel } from './replan.js';
import { ReplayPanel } from './replay.js';
import { StaffingPanel } from './staffing.js';

/**
 * One entry of a registry: how to build and wire a panel (`mount`, given the context and the
 * registry's panels — those listed later are there by the time a callback runs), and, for a
 * panel that redraws with the others, how (`render`).
 */
export interface PanelEntry<T, C, P> {
  mount(context: C, panels: P): T;
  render?(panel: T, state: Readonly<ViewState>): void;
}

/** A registry's entries: one per panel of `P`, in mount order. */
export type PanelEntries<P, C> = { readonly [K in keyof P]: PanelEntry<P[K], C, P> };

/**
 * The panels of a map, built from a list of entries.
 * @example const r = new PanelRegistry<{ a: number }, null>({ a: { mount: () => 1 } }); r.mount(null).a; // 1
 */
export class PanelRegistry<P extends object, C> {
  /** The panels, filled by {@link mount} (entry order). */
  readonly panels = {} as P;

  constructor(private readonly entries: PanelEntries<P, C>) {}

  /** Builds every panel in entry order. @returns the panels */
  mount(context: C): P {
    for (const k of Object.keys(this.entries) as Array<keyof P>) this.panels[k] = this.entries[k].mount(context, this.panels);
    return this.panels;
  }

  /** Redraws, in entry order, every panel whose entry has a `render`. */
  render(state: Readonly<ViewState>): void {
    for (const k of Object.keys(this.entries) as Array<keyof P>) this.entries[k].render?.(this.panels[k], state);
  }
}

/** What the planning map's panels read from and ask of the app. */
export interface PanelApp {
  readonly api: ApiClient;
  readonly map: MapLibreMap;
  readonly store: Store<ViewState>;
  readonly session: PlanSession;
  readonly loader: PlanLoader;
  readonly controls: MapControls;
  readonly role: string;
  readonly canEdit: boolean;
  readonly canAnalyse: boolean;
  readonly selectedBeat: number | null;
  /** The style both maps draw on (offline background or a basemap). */
  readonly baseStyle: StyleSpecification;
  fillOptions(): ReturnType<PlanSession['fillOptions']>;
  selectBeat(beat: number | null, zoom?: boolean): void;
  /** Recolours the cells (mode, shift, heat) and redraws the legend. */
  restyleCells(): void;
  /** Redraws the panels that follow the plan, its version and the selection. */
  renderPanels(): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** What most panels' hosts share (each host spreads it and adds its own callbacks). */
export interface SharedHost {
  api: ApiClient;
  map: MapLibreMap;
  store: Store<ViewState>;
  plan(): PlanDto | null;
  model(): CellModel | null;
  metrics(): PlanMetricsDto | null;
  plans(): readonly PlanDto[];
  selectedBeat(): number | null;
  canEdit(): boolean;
  canAnalyse(): boolean;
  canRun(): boolean;
  progress: EditingTools['progress'];
  /** Records a load phase or counter (the test hook's `loadTimings`). */
  timing(name: string, ms: number): void;
  save(blob: Blob, fileName: string): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** The planning map's panels and layers. */
export interface Panels {
  planLayers: PlanLayers;
  metrics: MetricsPanel;
  editing: EditingTools;
  labels: BeatLabelsLayer;
  reference: ReferenceLayers;
  legend: LegendPanel;
  keyboardPaint: KeyboardPaint;
  findBeat: FindBeatBox;
  replan: ReplanPanel;
  alternatives: AlternativesPanel;
  plans: PlansPanel;
  heat: HeatLayer;
  staffing: StaffingPanel;
  replay: ReplayPanel;
  comparison: ComparisonView;
  beatCard: BeatCardPanel;
  export: ExportPanel;
  briefing: BriefingButton;
}

/** The context every entry of {@link PLANNING_PANELS} is mounted with. */
export interface PanelContext {
  app: PanelApp;
  /** The hosts' shared part. */
  c: SharedHost;
}

/** The shared part of the panels' hosts, read from `app` (and `panels` for the progress bar). */
export function sharedHost(app: PanelApp, panels: Panels): SharedHost {
  return {
    api: app.api,
    map: app.map,
    store: app.store,
    plan: () => app.session.plan,
    model: () => app.session.model,
    metrics: () => app.session.metrics,
    plans: () => app.session.plans,
    selectedBeat: () => app.selectedBeat,
    canEdit: () => app.canEdit,
    canAnalyse: () => app.canAnalyse,
    canRun: () => app.canAnalyse,
    progress: (label, job) => panels.editing.progress(label, job),
    timing: (name, ms) => (app.loader.loadTimings[name] = ms),
    save: saveBlob,
    say: (m, kind) => app.say(m, kind),
  };
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** Loads the plan list (current: `id`), then the plan `id`. */
async function openPlan(app: PanelApp, id: string): Promise<void> {
  await app.loader.refreshList(id);
  await app.loader.load(id);
}

/** The planning map's panels and layers, in mount order. */
export const PLANNING_PANELS: PanelEntries<Panels, PanelContext> = {
  planLayers: { mount: ({ app }) => new PlanLayers(app.map) },
  metrics: {
    mount: ({ app, c }, p) =>
      new MetricsPanel({
        ...c,
        pick: (b, card) => {
          app.selectBeat(b, true);
          if (card) app.controls.showTab('beat');
        },
        refreshed: () => void p.replay?.refresh(),
      }).mount(),
    render: (panel) => panel.render(),
  },
  editing: {
    mount: ({ app, c }, p) =>
      new EditingTools({
        ...c,
        accepted: (plan, metrics) => {
          app.session.plan = plan;
          if (metrics) app.session.metrics = metrics;
        },
        etag: () => app.session.etag,
        setEtag: (etag) => (app.session.etag = etag),
        brush: () => app.controls.brush,
        applyCellChanges: (cells, touched) => app.loader.applyCellChanges(cells, touched),
        updateLabels: (beats) => p.labels.update(beats),
        reloadVersion: () => app.loader.reloadVersion(),
        rendered: () => app.renderPanels(),
        busyChanged: () => app.controls.refreshButtons(),
      }).mount(),
  },
  labels: {
    mount: ({ app }) => {
      const labels = new BeatLabelsLayer(app.map).mount();
      app.store.subscribe((st, changed) => changed.has('selectedBeat') && labels.render(st));
      return labels;
    },
  },
  reference: { mount: ({ app }) => new ReferenceLayers(app.map, app.api, LAYERS.areas) },
  legend: {
    mount: ({ app }, p) =>
      new LegendPanel(
        $('legend-slot'),
        () => p.reference.legendItems(),
        () => {
          const model = app.session.model;
          if (!model) return null;
          const { shift } = app.controls;
          const shiftLabel = shift !== 'all' ? model.detail?.shifts[shift] : undefined;
          const cmp = p.comparison;
          return {
            ...app.fillOptions(),
            ...(shiftLabel ? { shiftLabel } : {}),
            heat: p.heat.on ? p.heat.summary : null,
            symbols: {
              overlayOf: cmp.overlayOn ? cmp.overlayOf : null,
              changedCells: cmp.comparedWith ? cmp.changedCells.length : null,
              selectedBeat: app.selectedBeat !== null ? model.beatIds[app.selectedBeat]! : null,
              anyLocked: Boolean(app.session.metrics?.perBeat.some((b) => b.locked)),
              units: model.units?.unitIds.length ?? null,
            },
          };
        },
      ),
  },
  keyboardPaint: {
    mount: ({ app, c }, p) =>
      new KeyboardPaint(app.map, {
        ...c,
        active: () => app.controls.tool === 'paint' && app.selectedBeat !== null && !p.editing.busy && !p.editing.painting,
        paint: (cell) => void p.editing.paintCell(cell),
      }).mount(),
  },
  findBeat: {
    mount: ({ app }) => {
      const box = new FindBeatBox({
        beatIds: () => app.session.model?.beatIds ?? [],
        pick: (b) => app.selectBeat(b, true),
        say: (m) => app.say(m),
      });
      box.mount($('who').parentElement!, $('who'));
      return box;
    },
  },
  replan: {
    mount: ({ app, c }, p) =>
      new ReplanPanel({
        ...c,
        showMoved: async (newId) => {
          await app.loader.refreshList();
          await p.comparison.compareWith(newId);
        },
        open: async (newId, parentId) => {
          await openPlan(app, newId);
          await p.comparison.compareWith(parentId);
          app.controls.showTab('compare');
        },
      }).mount($('replan-slot')),
  },
  alternatives: {
    mount: ({ app, c }) => new AlternativesPanel({ ...c, open: (id) => openPlan(app, id) }).mount($('alternatives-slot')),
  },
  plans: {
    mount: ({ app, c }) => {
      const panel = new PlansPanel({
        ...c,
        role: () => app.role,
        currentId: () => app.session.plan?.id ?? null,
        open: async (id) => {
          fillPlanSelects(app.session.plans, id);
          await app.loader.load(id);
        },
        refresh: (current) => app.loader.refreshList(current),
        reloadVersion: () => app.loader.reloadVersion(),
      }).mount($('plans-slot'));
      // the plan picker in the header
      $('plan-select').addEventListener('change', (e) => {
        const id = (e.target as HTMLSelectElement).value;
        fillPlanSelects(app.session.plans, id);
        void app.loader.load(id);
      });
      return panel;
    },
  },
  heat: {
    mount: ({ app, c }, p) =>
      new HeatLayer(app.map, app.api, {
        ...c,
        restyle: () => app.restyleCells(),
        setSwipeHeat: (points) => p.comparison.swipe?.setHeat(points),
      }),
  },
  staffing: {
    mount: ({ c }, p) => {
      const panel = new StaffingPanel({
        ...c,
        changed: () => {
          p.beatCard.render();
          p.replay.render();
        },
      }).mount();
      $('export-assignments').addEventListener('click', () => void panel.exportAssignments());
      return panel;
    },
  },
  replay: {
    mount: ({ c }, p) => new ReplayPanel({ ...c, staffingId: () => p.staffing.idOfVersion() }).mount($('replay-slot')),
  },
  comparison: {
    mount: ({ app, c }, p) =>
      new ComparisonView({
        ...c,
        fetchPlan: (id) => fetchPlan(app.api, id),
        baseStyle: () => app.baseStyle,
        fillOptions: () => app.fillOptions(),
        heatPoints: () => (p.heat.on ? p.heat.points : null),
        stopPainting: () => app.controls.tool === 'paint' && app.controls.setTool('select'),
        changed: () => {
          app.controls.refreshButtons();
          p.legend.update();
        },
      }).mount(),
  },
  beatCard: {
    mount: ({ app, c }, p) =>
      new BeatCardPanel({
        ...c,
        staffing: () => p.staffing.staffing,
        roster: () => p.staffing.roster(),
        replaySection: (id) => p.replay.beatSection(id),
        venues: (b) => {
          const model = app.session.model;
          return model ? p.reference.venuesInBeat(model, b) : null;
        },
        toggleLock: () => void p.editing.toggleLock(),
        zoomTo: (b) => app.loader.zoomToBeat(b),
      }).mount(),
    render: (panel) => panel.render(),
  },
  export: { mount: ({ c }) => new ExportPanel(c).mount() },
  briefing: {
    mount: ({ app }, p) =>
      new BriefingButton(() => {
        const { plan, model, metrics, agg } = app.session;
        if (!plan || !model || !metrics) return null;
        const compared = p.comparison.comparedWith;
        return {
          map: app.map,
          plan,
          model,
          metrics,
          agg,
          shownLabels: p.labels.shown,
          legend: (anyLocked) =>
            p.legend.sections({ ...app.fillOptions(), heat: p.heat.on ? p.heat.summary : null, symbols: { anyLocked } }),
          comparedWith: compared ? app.session.plans.find((x) => x.id === compared)?.name : undefined,
        };
      }).mount($('export-png'), $<HTMLInputElement>('briefing-title')),
  },
};
