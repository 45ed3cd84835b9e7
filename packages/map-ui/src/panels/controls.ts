/**
 * The map's controls: the Select/Paint tools and brush, the colour mode and shift selectors,
 * the side panel's tabs, the shortcuts dialog and the keyboard shortcuts' wiring, and the
 * pointer on the map (strokes, hover, click to select). The state they set (tool, brush, mode,
 * shift) lives here; the app reads it for the fill and the panels.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { PlanDto } from '../api-client.js';
import { type CellModel, pointToCell } from '../cell-model.js';
import type { ColourMode, ShiftChoice } from '../map-style.js';
import { el } from '../panels.js';
import { SHORTCUTS, type ShortcutAction, shortcutAction } from '../shortcuts.js';
import { trapFocus, wireTabs } from './a11y.js';
import type { EditingTools } from './editing.js';

/** The side panel's tabs, in order (`tab-<name>`, `panel-<name>`). */
export const TABS = ['metrics', 'beat', 'compare', 'staffing', 'export', 'plans'] as const;
/** One of {@link TABS}. */
export type TabName = (typeof TABS)[number];

/** What the controls read from and ask of the app. */
export interface ControlsHost {
  canEdit(): boolean;
  plan(): PlanDto | null;
  model(): CellModel | null;
  selectedBeat(): number | null;
  /** True while the swipe comparison is open (no painting then). */
  swipeOpen(): boolean;
  /** The stroke and edit tools (undo/redo, lock, re-balance). */
  editing(): Pick<
    EditingTools,
    'busy' | 'painting' | 'undoRedo' | 'toggleLock' | 'rebalance' | 'startStroke' | 'strokeAdd' | 'finishStroke' | 'cancelStroke'
  >;
  /** Re-applies the fill after a mode or shift change. */
  restyle(): void;
  selectBeat(b: number | null): void;
  nextProblem(): void;
  toggleOverlay(): void;
  toggleHeat(on?: boolean): void;
  toggleSwipe(): void;
  /** The Paint tool was put down: forget the keyboard cursor. */
  paintEnded(): void;
  /** A tab was shown (`clicked`: by the user, who may expect it refreshed). */
  tabShown(name: TabName, clicked: boolean): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** What the pointer on the map needs beside the {@link ControlsHost}. */
export interface PointerHost {
  /** The tooltip of the cell under the pointer. */
  hover: { show(lng: number, lat: number, x: number, y: number): void; hide(): void };
  /** True when a basemap was asked for (its load errors are then reported once). */
  basemap: boolean;
  lastMessage(): string;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The tools, selectors, tabs and shortcuts of the map page (see the module comment). */
export class MapControls {
  tool: 'select' | 'paint' = 'select';
  /** Brush radius in cells, 0–6. */
  brush = 1;
  mode: ColourMode = 'beat';
  shift: ShiftChoice = 'all';
  /** Marks the selected tab in the Tab order (set by {@link mount}). */
  private markTab: (index: number) => void = () => undefined;
  /** Where the focus was before the shortcuts dialog opened. */
  private helpReturn: HTMLElement | null = null;

  constructor(private readonly host: ControlsHost) {}

  /** Wires the toolbar, the tabs, the shortcuts dialog and the keyboard shortcuts. */
  mount(): this {
    $('mode-select').addEventListener('change', (e) => this.setMode((e.target as HTMLSelectElement).value as ColourMode));
    $('shift-select').addEventListener('change', (e) => {
      const v = (e.target as HTMLSelectElement).value;
      this.shift = v === 'all' ? 'all' : Number(v);
      if (this.mode === 'beat') this.setMode('workload');
      else this.host.restyle();
    });
    $('tool-select').addEventListener('click', () => this.setTool('select'));
    $('tool-paint').addEventListener('click', () => this.setTool('paint'));
    $('brush-size').addEventListener('input', (e) => this.setBrush(Number((e.target as HTMLInputElement).value)));
    $('heat-toggle').addEventListener('change', (e) => this.host.toggleHeat((e.target as HTMLInputElement).checked));
    for (const t of TABS) $(`tab-${t}`).addEventListener('click', () => this.showTab(t, true));
    const list = document.querySelector<HTMLElement>('[role=tablist]');
    if (list) this.markTab = wireTabs(list, (k) => this.showTab(TABS[k]!, true));
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
    return this;
  }

  /** Wires the pointer on the map: strokes with the Paint tool, the hover, click to select. */
  mountPointer(map: MapLibreMap, p: PointerHost): this {
    const h = this.host;
    map.on('mousedown', (e) => {
      if (this.tool !== 'paint' || !h.model() || e.originalEvent.button !== 0) return;
      if (h.selectedBeat() === null) return h.say('Select the beat to paint into first.', 'refused');
      if (h.editing().busy) return h.say('Still saving the previous stroke…');
      e.preventDefault();
      map.dragPan.disable();
      $('tooltip').hidden = true;
      h.editing().startStroke(e.lngLat.lng, e.lngLat.lat);
    });
    map.on('mousemove', (e) => {
      if (h.editing().painting) h.editing().strokeAdd(e.lngLat.lng, e.lngLat.lat);
      else p.hover.show(e.lngLat.lng, e.lngLat.lat, e.point.x, e.point.y);
    });
    map.on('mouseup', () => h.editing().painting && void h.editing().finishStroke());
    map.on('mouseout', () => p.hover.hide());
    map.on('click', (e) => {
      const model = h.model();
      if (this.tool !== 'select' || !model) return;
      const i = pointToCell(model, e.lngLat.lng, e.lngLat.lat);
      h.selectBeat(i >= 0 ? model.beatOf[i]! : null);
      if (i >= 0) this.showTab('beat');
    });
    map.on('error', (e) => {
      // a basemap that fails offline: keep the plan layers on the plain background
      const msg = String((e as unknown as { error?: { message?: string } }).error?.message ?? '');
      if (p.basemap && /fetch|network|load/i.test(msg) && !p.lastMessage().startsWith('Basemap'))
        h.say('Basemap tiles unavailable; the plan is shown on a plain background.');
    });
    return this;
  }

  /** Runs a shortcut action. */
  run(a: ShortcutAction): void {
    const h = this.host;
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
        return void h.editing().undoRedo('undo');
      case 'redo':
        return void h.editing().undoRedo('redo');
      case 'lock-toggle':
        return void h.editing().toggleLock();
      case 'rebalance':
        return void h.editing().rebalance();
      case 'next-problem':
        return h.nextProblem();
      case 'mode-beat':
        return this.setMode('beat');
      case 'mode-workload':
        return this.setMode('workload');
      case 'mode-need':
        return this.setMode('need');
      case 'overlay-toggle':
        return h.toggleOverlay();
      case 'heat-toggle':
        return h.toggleHeat();
      case 'swipe-toggle':
        return h.toggleSwipe();
      case 'escape':
        if (h.editing().painting) return h.editing().cancelStroke();
        $('help').hidden = true;
        return h.selectBeat(null);
      case 'help':
        this.helpReturn = document.activeElement as HTMLElement | null;
        $('help').hidden = false;
        $('help-close').focus();
        return;
    }
  }

  /** Colours the cells by beat, workload or need. */
  setMode(m: ColourMode): void {
    this.mode = m;
    $<HTMLSelectElement>('mode-select').value = m;
    this.host.restyle();
  }

  /** Picks up a tool; Paint is refused without the commander role or while the swipe view is open. */
  setTool(t: 'select' | 'paint'): void {
    const h = this.host;
    if (t === 'paint' && !h.canEdit()) return h.say('Painting needs the commander role.', 'refused');
    if (t === 'paint' && h.swipeOpen()) return h.say('Close the swipe view to paint (Compare panel, or W).', 'refused');
    this.tool = t;
    if (t !== 'paint') h.paintEnded();
    if (t === 'paint' && h.selectedBeat() === null)
      h.say('Select the beat to paint into first (click it with the Select tool, or in the metrics list).');
    this.refreshButtons();
  }

  /** Sets the brush radius, clamped to 0–6 cells. */
  setBrush(n: number): void {
    this.brush = Math.max(0, Math.min(6, n));
    $<HTMLInputElement>('brush-size').value = String(this.brush);
    $('brush-out').textContent = String(this.brush);
  }

  /** Fills the shift selector from the plan's shifts; with a `note`, only "All shifts", disabled, and the note shown next to it. */
  fillShiftSelect(shifts: readonly string[], note?: string): void {
    const sel = $<HTMLSelectElement>('shift-select');
    sel.replaceChildren(
      el('option', { value: 'all' }, 'All shifts'),
      ...(note ? [] : shifts.map((s, k) => el('option', { value: String(k) }, `Shift ${s}`))),
    );
    sel.disabled = Boolean(note);
    sel.title = note ? `Shift: ${note}` : '';
    const n = $('shift-note');
    n.textContent = note ?? '';
    n.hidden = !note;
    if (note) this.shift = 'all';
  }

  /** Shows one tab of the side panel and hides the others. */
  showTab(name: TabName, clicked = false): void {
    for (const t of TABS) {
      $(`tab-${t}`).setAttribute('aria-selected', String(t === name));
      $(`panel-${t}`).hidden = t !== name;
    }
    this.markTab(TABS.indexOf(name));
    this.host.tabShown(name, clicked);
  }

  /** Enables the edit buttons for editors with a plan and no edit in flight; marks the tool pressed. */
  refreshButtons(): void {
    const h = this.host;
    const plan = h.plan();
    const edit = h.canEdit() && Boolean(plan);
    for (const id of ['tool-paint', 'undo', 'redo', 'rebalance']) {
      const b = $<HTMLButtonElement>(id);
      b.disabled = !edit || h.editing().busy;
      if (!h.canEdit()) b.title = 'Needs the commander role';
    }
    $<HTMLButtonElement>('undo').disabled ||= !plan || plan.version <= 1;
    // Redo moves to a later version; none exists while the current one is the newest written.
    $<HTMLButtonElement>('redo').disabled ||= !plan || plan.version >= plan.latestVersion;
    $('tool-select').setAttribute('aria-pressed', String(this.tool === 'select'));
    $('tool-paint').setAttribute('aria-pressed', String(this.tool === 'paint'));
    $('map').classList.toggle('painting', this.tool === 'paint');
    $<HTMLButtonElement>('export-assignments').disabled = !h.canEdit();
    $('swipe-toggle').setAttribute('aria-pressed', String(h.swipeOpen()));
  }

  /** Closes the shortcuts dialog and gives the focus back where it was. */
  private closeHelp(): void {
    $('help').hidden = true;
    this.helpReturn?.focus();
    this.helpReturn = null;
  }
}
