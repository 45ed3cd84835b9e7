/**
 * The beat-number layer: one HTML label per beat at its label cell (offline: no glyphs
 * needed), thinned by {@link placeLabels} whenever the map moves, so labels never overlap —
 * fewer at city zoom, all of them once the beats are large enough on the screen. Hidden
 * labels keep their place in the DOM with the class `crowded` (visibility hidden).
 */
import { Marker, type Map as MapLibreMap } from 'maplibre-gl';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { placeLabels, type LabelBox } from '../labels.js';
import { el } from '../panels.js';
import type { ViewState } from '../store.js';

/** What the layer draws besides the model: which beats are locked. */
export interface BeatLabelsInput {
  model: CellModel;
  /** Per-beat aggregates (label cell and cell count); the layer keeps a reference. */
  agg: ReadonlyMap<number, BeatAggregate>;
  locked(beat: number): boolean;
}

/** Beat labels with collision handling (see the module comment). */
export class BeatLabelsLayer {
  private readonly labels = new Map<number, { marker: Marker; node: HTMLElement; width: number; height: number }>();
  private input: BeatLabelsInput | null = null;
  private selected: number | null = null;
  private frame = 0;
  /** Beats whose labels are shown after the last placement. */
  shown: ReadonlySet<number> = new Set();

  constructor(private readonly map: MapLibreMap) {}

  /** Starts following the map's moves. */
  mount(): this {
    this.map.on('move', this.schedule);
    this.map.on('resize', this.schedule);
    return this;
  }

  /** Places the labels at the next animation frame (once, however often it is asked). */
  private readonly schedule = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.place()));
  };

  /** Shows the labels of a newly loaded plan (all beats). */
  setPlan(input: BeatLabelsInput): void {
    for (const l of this.labels.values()) l.marker.remove();
    this.labels.clear();
    this.input = input;
    for (const b of input.agg.keys()) this.refresh(b, false);
    this.place();
  }

  /**
   * Re-reads some beats (after edits: a label moves, appears or goes; lock changes); the
   * labels are re-placed at the next frame, outside the edit's own work.
   */
  update(beats: Iterable<number>): void {
    for (const b of beats) this.refresh(b, false);
    this.schedule();
  }

  /** Follows the selection in the store. */
  render(state: Pick<ViewState, 'selectedBeat'>): void {
    if (state.selectedBeat === this.selected) return;
    const prev = this.selected;
    this.selected = state.selectedBeat;
    if (!this.input) return;
    for (const b of [prev, this.selected]) if (b !== null) this.refresh(b, false);
    this.place();
  }

  /** Screen boxes of every label (CSS px, relative to the map), in placement rank. */
  boxes(): LabelBox[] {
    const input = this.input;
    if (!input) return [];
    const out: LabelBox[] = [];
    for (const [b, l] of this.labels) {
      const p = this.map.project(l.marker.getLngLat());
      // the selected beat first, then larger beats (more cells) first
      out.push({ beat: b, x: p.x, y: p.y, width: l.width, height: l.height, rank: b === this.selected ? -Infinity : -(input.agg.get(b)?.cells ?? 0) });
    }
    return out;
  }

  /** Thins the labels for the current view. */
  place(): void {
    const c = this.map.getContainer();
    this.shown = placeLabels(this.boxes(), { width: c.clientWidth, height: c.clientHeight });
    for (const [b, l] of this.labels) l.node.classList.toggle('crowded', !this.shown.has(b));
  }

  private refresh(b: number, andPlace: boolean): void {
    const input = this.input!;
    const { model } = input;
    const a = input.agg.get(b);
    const existing = this.labels.get(b);
    if (!a) {
      existing?.marker.remove();
      this.labels.delete(b);
      return;
    }
    const id = model.beatIds[b]!;
    const lngLat: [number, number] = [model.centroid[2 * a.labelCell]!, model.centroid[2 * a.labelCell + 1]!];
    const node = existing?.node ?? el('div', { class: 'beat-label', 'data-beat': id, 'aria-hidden': 'true' });
    node.textContent = id;
    node.classList.toggle('locked', input.locked(b));
    node.classList.toggle('selected', b === this.selected);
    if (existing) existing.marker.setLngLat(lngLat);
    else {
      const marker = new Marker({ element: node, anchor: 'center' }).setLngLat(lngLat).addTo(this.map);
      this.labels.set(b, { marker, node, width: node.offsetWidth, height: node.offsetHeight });
    }
    if (andPlace) this.place();
  }
}
