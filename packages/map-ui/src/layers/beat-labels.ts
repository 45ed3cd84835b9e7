/**
 * The beat-number layer: one label per beat at its label cell, drawn in the map's own WebGL
 * canvas as a MapLibre symbol layer whose icons are the labels, each drawn once with a 2D
 * canvas (offline: no glyph server). {@link placeLabels} decides which labels are shown, as
 * before, whenever the zoom changes or a move ends, so labels never overlap — fewer at city
 * zoom, all of them once the beats are large enough on the screen. The layer's source holds
 * the shown labels only (a hidden one is not drawn at all: in software-rendered WebGL every
 * pixel drawn costs), and MapLibre does no thinning of its own (`icon-allow-overlap`,
 * `icon-ignore-placement`).
 *
 * A pan does no work here (no projection, nothing sent to the map): the labels are drawn in the
 * map's frame, and no page layer is moved or composited over the map. The numbers are not in
 * the DOM; the "find beat" box is the accessible way to a beat.
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { BeatAggregate, CellModel } from '../cell-model.js';
import { type LabelBox, placeLabels } from '../labels.js';
import type { ViewState } from '../store.js';

/** Milliseconds after the last of a series of pans before the labels are re-thinned (see `BeatLabelsLayer`). */
export const PAN_SETTLE_MS = 120;

/** The id of the labels' symbol layer (and of its GeoJSON source): one point feature per shown label, id = beat index. */
export const LABEL_LAYER = 'bp-beat-labels';

/** What the layer draws besides the model: which beats are locked. */
export interface BeatLabelsInput {
  model: CellModel;
  /** Per-beat aggregates (label cell and cell count); the layer keeps a reference. */
  agg: ReadonlyMap<number, BeatAggregate>;
  locked(beat: number): boolean;
}

/** How a label looks: a locked beat's in a dashed frame, the selected beat's dark. */
export interface LabelLook {
  locked: boolean;
  selected: boolean;
}

/** A label's picture: its size in CSS px and its pixels at `ratio` device pixels per CSS px. */
export interface LabelPicture {
  width: number;
  height: number;
  image: ImageData | { width: number; height: number; data: Uint8Array };
}

/** Draws a beat number as a label picture (see {@link drawLabel}). */
export type LabelPainter = (text: string, look: LabelLook, ratio: number) => LabelPicture;

/** The label's style, CSS px: 12 px semibold text, 2 × 3 px padding, a 1 px frame (locked: 2 px dashed), 3 px corners. */
const FONT = '600 12px system-ui, sans-serif';
const FONT_PX = 12;
const PAD_X = 3;
const PAD_Y = 2;

/**
 * Draws a beat number as the map shows it, with a 2D canvas: white (88 % opaque) box with a
 * 1 px dark frame; a locked beat's frame 2 px dashed black; the selected beat's box black
 * with white text. Size in CSS px: text width + 2 × (3 + frame) by 12 + 2 × (2 + frame).
 * @param ratio device pixels per CSS px (the picture's pixels are `ratio` × the size)
 * @throws Error when the browser has no 2D canvas
 * @example map.addImage('x', drawLabel('1011', { locked: false, selected: false }, 1).image)
 */
export function drawLabel(text: string, look: LabelLook, ratio: number): LabelPicture {
  const frame = look.locked ? 2 : 1;
  const c = document.createElement('canvas');
  const g = c.getContext('2d');
  if (!g) throw new Error('no 2D canvas to draw the beat labels');
  g.font = FONT;
  const width = Math.ceil(g.measureText(text).width) + 2 * (PAD_X + frame);
  const height = FONT_PX + 2 * (PAD_Y + frame);
  // resizing the canvas resets its state (the font too)
  c.width = Math.ceil(width * ratio);
  c.height = Math.ceil(height * ratio);
  g.scale(ratio, ratio);
  g.beginPath();
  g.roundRect(frame / 2, frame / 2, width - frame, height - frame, 3);
  g.fillStyle = look.selected ? '#111111' : 'rgba(255,255,255,0.88)';
  g.fill();
  g.lineWidth = frame;
  g.strokeStyle = look.locked ? '#000000' : '#222222';
  if (look.locked) g.setLineDash([4, 2]);
  g.stroke();
  g.font = FONT;
  g.fillStyle = look.selected ? '#ffffff' : '#111111';
  g.textBaseline = 'middle';
  g.fillText(text, PAD_X + frame, height / 2 + 0.5);
  return { width, height, image: g.getImageData(0, 0, c.width, c.height) };
}

/** One label: its beat's anchor (lng, lat), its picture's image id and size (CSS px), its look. */
interface Label {
  lng: number;
  lat: number;
  icon: string;
  width: number;
  height: number;
  look: LabelLook;
}

/** Beat labels with collision handling (see the module comment). */
export class BeatLabelsLayer {
  private readonly labels = new Map<number, Label>();
  /** Label pictures added to the map: image id → size (CSS px); shared by beats with the same number and look. */
  private readonly pictures = new Map<string, { width: number; height: number }>();
  private input: BeatLabelsInput | null = null;
  private selected: number | null = null;
  private frame = 0;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  /** True when a label changed since the shown ones were last sent to the map. */
  private dirty = false;
  /** The camera the labels were last placed for. */
  private at: { zoom: number; bearing: number; pitch: number } | null = null;
  /** Beats whose labels are shown after the last placement. */
  shown: ReadonlySet<number> = new Set();

  /** @param paint draws a label's picture (a stand-in in tests without a canvas) */
  constructor(
    private readonly map: MapLibreMap,
    private readonly paint: LabelPainter = drawLabel,
  ) {}

  /** Starts following the map's moves. */
  mount(): this {
    this.map.on('move', this.follow);
    this.map.on('moveend', this.settle);
    this.map.on('resize', this.schedule);
    this.map.on('idle', this.raise);
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
   * ends a move every frame; re-thinning each time would cost a placement per frame).
   */
  private readonly settle = (): void => {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    if (!this.panned()) return this.schedule();
    this.settleTimer = setTimeout(() => ((this.settleTimer = null), this.schedule()), PAN_SETTLE_MS);
  };

  /** A pan moves the labels with the map (they are in its frame); anything else re-places them at the next frame. */
  private readonly follow = (): void => {
    if (!this.panned()) this.schedule();
  };

  /** Positions and thins the labels at the next animation frame (once, however often it is asked). */
  private readonly schedule = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.place()));
  };

  /** Keeps the labels' layer on top of layers added after it (reference layers arrive later). */
  private readonly raise = (): void => {
    if (this.map.getLayer(LABEL_LAYER) && this.map.getLayersOrder().at(-1) !== LABEL_LAYER) this.map.moveLayer(LABEL_LAYER);
  };

  /** Adds the labels' source and symbol layer (on top) when the map lacks them. */
  private install(): void {
    const map = this.map;
    if (!map.getSource(LABEL_LAYER)) map.addSource(LABEL_LAYER, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    if (!map.getLayer(LABEL_LAYER))
      map.addLayer({
        id: LABEL_LAYER,
        type: 'symbol',
        source: LABEL_LAYER,
        layout: { 'icon-image': ['get', 'icon'], 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-padding': 0 },
        // set, not left to the default, so that the briefing sheet can read it back after hiding the labels
        paint: { 'icon-opacity': 1 },
      });
    this.raise();
  }

  /** Shows the labels of a newly loaded plan (all beats). */
  setPlan(input: BeatLabelsInput): void {
    this.install();
    this.labels.clear();
    this.input = input;
    for (const b of input.agg.keys()) this.refresh(b);
    this.place(true);
  }

  /**
   * Re-reads some beats (after edits: a label moves, appears or goes; lock changes); the
   * labels are re-placed at the next frame, outside the edit's own work.
   */
  update(beats: Iterable<number>): void {
    for (const b of beats) this.refresh(b);
    this.dirty = true;
    this.schedule();
  }

  /** Follows the selection in the store. */
  render(state: Pick<ViewState, 'selectedBeat'>): void {
    if (state.selectedBeat === this.selected) return;
    const prev = this.selected;
    this.selected = state.selectedBeat;
    if (!this.input) return;
    for (const b of [prev, this.selected]) if (b !== null) this.refresh(b);
    this.place(true);
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

  /**
   * Thins the labels for the current camera and sends the shown ones to the map when they
   * changed (or when `changed`: a label's place or look did).
   */
  place(changed = false): void {
    const map = this.map;
    const c = map.getContainer();
    const before = this.shown;
    this.shown = placeLabels(this.boxes(), { width: c.clientWidth, height: c.clientHeight });
    if (changed || this.dirty || this.shown.size !== before.size || [...this.shown].some((b) => !before.has(b))) this.publish();
    this.at = { zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
  }

  /** Sends the shown labels to the map's source (one point per beat). */
  private publish(): void {
    this.dirty = false;
    const source = this.map.getSource<GeoJSONSource>(LABEL_LAYER);
    const features: GeoJSON.Feature<GeoJSON.Point>[] = [];
    for (const [b, l] of this.labels)
      if (this.shown.has(b))
        features.push({
          type: 'Feature',
          id: b,
          geometry: { type: 'Point', coordinates: [l.lng, l.lat] },
          properties: { b, icon: l.icon, locked: l.look.locked, selected: l.look.selected },
        });
    source?.setData({ type: 'FeatureCollection', features });
  }

  /** Re-reads beat `b`'s label: its anchor and look (its picture added to the map once per number and look). */
  private refresh(b: number): void {
    const input = this.input!;
    const { model } = input;
    const a = input.agg.get(b);
    if (!a) {
      this.labels.delete(b);
      return;
    }
    const text = model.beatIds[b]!;
    const look = { locked: input.locked(b), selected: b === this.selected };
    const icon = `bp-label:${look.locked ? 'l' : ''}${look.selected ? 's' : ''}:${text}`;
    let size = this.pictures.get(icon);
    if (!size) {
      const ratio = window.devicePixelRatio || 1;
      const pic = this.paint(text, look, ratio);
      size = { width: pic.width, height: pic.height };
      if (!this.map.hasImage(icon)) this.map.addImage(icon, pic.image, { pixelRatio: ratio });
      this.pictures.set(icon, size);
    }
    this.labels.set(b, {
      lng: model.centroid[2 * a.labelCell]!,
      lat: model.centroid[2 * a.labelCell + 1]!,
      icon,
      look,
      ...size,
    });
  }
}
