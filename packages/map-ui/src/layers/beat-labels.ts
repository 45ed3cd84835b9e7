/**
 * The beat-number layer: one HTML label per beat at its label cell (offline: no glyphs
 * needed), thinned by {@link placeLabels} whenever the zoom changes or a move ends, so labels
 * never overlap — fewer at city zoom, all of them once the beats are large enough on the
 * screen. Hidden labels keep their place in the DOM with the class `crowded` (visibility
 * hidden).
 *
 * The labels sit in one container over the map: while the map pans (same zoom, bearing and
 * pitch) only the container is shifted, by one CSS transform per frame — no per-label work
 * while panning; a zoom re-positions them, and the end of a move re-thins them.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { type LabelBox, placeLabels } from '../labels.js';
import { el } from '../panels.js';
import type { ViewState } from '../store.js';

/** Milliseconds after the last of a series of pans before the labels are re-thinned (see `BeatLabelsLayer`). */
export const PAN_SETTLE_MS = 120;

/** What the layer draws besides the model: which beats are locked. */
export interface BeatLabelsInput {
  model: CellModel;
  /** Per-beat aggregates (label cell and cell count); the layer keeps a reference. */
  agg: ReadonlyMap<number, BeatAggregate>;
  locked(beat: number): boolean;
}

/** One label: its beat's anchor (lng, lat), its node, its size (CSS px). */
interface Label {
  lng: number;
  lat: number;
  node: HTMLElement;
  width: number;
  height: number;
}

/** Beat labels with collision handling (see the module comment). */
export class BeatLabelsLayer {
  private readonly labels = new Map<number, Label>();
  private input: BeatLabelsInput | null = null;
  private selected: number | null = null;
  private frame = 0;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly layer: HTMLElement;
  /** The camera the labels were last positioned for, and where its centre was then (px). */
  private at: { zoom: number; bearing: number; pitch: number; lng: number; lat: number; x: number; y: number } | null = null;
  /** Beats whose labels are shown after the last placement. */
  shown: ReadonlySet<number> = new Set();

  constructor(private readonly map: MapLibreMap) {
    this.layer = el('div', { class: 'beat-labels', 'aria-hidden': 'true' });
    // its own compositing layer: a pan moves it without repainting the labels
    this.layer.style.cssText = 'position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none;will-change:transform;';
  }

  /** Starts following the map's moves. */
  mount(): this {
    this.map.getCanvasContainer().append(this.layer);
    this.map.on('move', this.follow);
    this.map.on('moveend', this.settle);
    this.map.on('resize', this.schedule);
    return this;
  }

  /** True when the camera differs from the one the labels were placed for by a pan only. */
  private panned(): boolean {
    const at = this.at;
    const map = this.map;
    return at !== null && at.zoom === map.getZoom() && at.bearing === map.getBearing() && at.pitch === map.getPitch();
  }

  /**
   * The end of a move re-thins the labels: at the next frame after a zoom or rotation, and
   * {@link PAN_SETTLE_MS} after the last of a series of pans (panning by steps — keys, jumps —
   * ends a move every frame; re-thinning each time would cost a layout of every label per frame).
   */
  private readonly settle = (): void => {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    if (!this.panned()) return this.schedule();
    this.settleTimer = setTimeout(() => ((this.settleTimer = null), this.schedule()), PAN_SETTLE_MS);
  };

  /** A pan shifts the container; anything else re-positions the labels at the next frame. */
  private readonly follow = (): void => {
    const at = this.at;
    const map = this.map;
    if (at && this.panned()) {
      const p = map.project([at.lng, at.lat]);
      this.layer.style.transform = `translate(${p.x - at.x}px, ${p.y - at.y}px)`;
    } else this.schedule();
  };

  /** Positions and thins the labels at the next animation frame (once, however often it is asked). */
  private readonly schedule = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.place()));
  };

  /** Shows the labels of a newly loaded plan (all beats). */
  setPlan(input: BeatLabelsInput): void {
    for (const l of this.labels.values()) l.node.remove();
    this.labels.clear();
    this.input = input;
    for (const b of input.agg.keys()) this.refresh(b);
    this.place();
  }

  /**
   * Re-reads some beats (after edits: a label moves, appears or goes; lock changes); the
   * labels are re-placed at the next frame, outside the edit's own work.
   */
  update(beats: Iterable<number>): void {
    for (const b of beats) this.refresh(b);
    this.schedule();
  }

  /** Follows the selection in the store. */
  render(state: Pick<ViewState, 'selectedBeat'>): void {
    if (state.selectedBeat === this.selected) return;
    const prev = this.selected;
    this.selected = state.selectedBeat;
    if (!this.input) return;
    for (const b of [prev, this.selected]) if (b !== null) this.refresh(b);
    this.place();
  }

  /** Screen boxes of every label (CSS px, relative to the map), in placement rank. */
  boxes(): LabelBox[] {
    const input = this.input;
    if (!input) return [];
    const out: LabelBox[] = [];
    for (const [b, l] of this.labels) {
      const p = this.map.project([l.lng, l.lat]);
      // the selected beat first, then larger beats (more cells) first
      out.push({
        beat: b,
        x: p.x,
        y: p.y,
        width: l.width,
        height: l.height,
        rank: b === this.selected ? -Infinity : -(input.agg.get(b)?.cells ?? 0),
      });
    }
    return out;
  }

  /** Positions the labels for the current camera and thins them. */
  place(): void {
    const map = this.map;
    const c = map.getContainer();
    const boxes = this.boxes();
    this.shown = placeLabels(boxes, { width: c.clientWidth, height: c.clientHeight });
    for (const box of boxes) {
      const l = this.labels.get(box.beat)!;
      l.node.style.transform = `translate(${Math.round(box.x - l.width / 2)}px, ${Math.round(box.y - l.height / 2)}px)`;
      l.node.classList.toggle('crowded', !this.shown.has(box.beat));
    }
    const centre = map.getCenter();
    const p = map.project(centre);
    this.at = { zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch(), lng: centre.lng, lat: centre.lat, x: p.x, y: p.y };
    this.layer.style.transform = '';
  }

  private refresh(b: number): void {
    const input = this.input!;
    const { model } = input;
    const a = input.agg.get(b);
    const existing = this.labels.get(b);
    if (!a) {
      existing?.node.remove();
      this.labels.delete(b);
      return;
    }
    const id = model.beatIds[b]!;
    const node = existing?.node ?? el('div', { class: 'beat-label', 'data-beat': id, 'aria-hidden': 'true' });
    node.textContent = id;
    node.classList.toggle('locked', input.locked(b));
    node.classList.toggle('selected', b === this.selected);
    const lng = model.centroid[2 * a.labelCell]!;
    const lat = model.centroid[2 * a.labelCell + 1]!;
    if (existing) Object.assign(existing, { lng, lat, width: node.offsetWidth, height: node.offsetHeight });
    else {
      node.style.cssText = 'position:absolute;left:0;top:0;';
      this.layer.append(node);
      this.labels.set(b, { lng, lat, node, width: node.offsetWidth, height: node.offsetHeight });
    }
  }
}
