/**
 * The swipe comparison: a second MapLibre map (plan B) stacked on the planning map (plan A),
 * the same size, following its camera, clipped with CSS `clip-path` so that it shows only
 * right of a draggable divider. Two maps rather than one map with a clip, because MapLibre 6
 * has no per-layer clip: each plan keeps its own vector tiles, palette colouring, beat numbers
 * and changed-cells highlight, and both render reliably in headless Chromium (two WebGL
 * contexts). Plan B's map takes no input: the planning map under it pans and zooms both.
 *
 * The divider is a `role="slider"`: drag it, or focus it and use the arrows (Shift = larger
 * steps), PageUp/PageDown, Home/End.
 */
import { type GeoJSONSource, Map as MapLibreMap, Marker, type StyleSpecification } from 'maplibre-gl';
import type { BeatAggregate, CellModel } from './cell-model.js';
import { applyFill } from './layers/plan-fill.js';
import { planTileSources } from './layers/plan-layers.js';
import { composeStyle, LAYERS, type LayerOptions, planLayers, SOURCE_LAYERS, SOURCES } from './map-style.js';
import { el } from './panels.js';
import { fractionAtPointer, nudgeFraction, type SwipeClip, swipeClip } from './swipe.js';
import { unregisterTileProvider } from './vector-tiles.js';

/** Plan B of a swipe view. */
export interface SwipePlan {
  /** Name shown on the right-hand label, e.g. `Current beats v1`. */
  label: string;
  model: CellModel;
  /** Palette index per beat of plan B. */
  colourOf: Int32Array;
  agg: ReadonlyMap<number, BeatAggregate>;
  /** Bounds `[w, s, e, n]` of plan B's cells (for the tile sources). */
  bounds: [number, number, number, number];
}

/** The page elements of the swipe view (see `index.html`). */
export interface SwipeElements {
  /** Container of plan B's map, laid over the planning map. */
  container: HTMLElement;
  /** The divider (`role="slider"`). */
  divider: HTMLElement;
  /** Labels naming the two sides. */
  leftLabel: HTMLElement;
  rightLabel: HTMLElement;
}

let swipeSeq = 0;
const CELL = { source: SOURCES.cells, sourceLayer: SOURCE_LAYERS.cells } as const;

/** A running swipe view; {@link close} removes plan B's map. */
export class SwipeView {
  readonly map: MapLibreMap;
  /** Resolves once plan B's map has loaded its style. */
  readonly ready: Promise<void>;
  private clip: SwipeClip = { fraction: 0.5, x: 0, clipPath: '' };
  private readonly tileKey = `swipe${++swipeSeq}`;
  private readonly markers: Marker[] = [];
  private changed: number[] = [];
  private heat: unknown = null;
  /** The points in plan B's heat source (set again only when they change). */
  private heatDrawn: unknown = null;
  private readonly sync = () => this.follow();
  private readonly onResize = () => this.setFraction(this.clip.fraction);
  private readonly abort = new AbortController();

  /**
   * @param a the planning map (plan A), whose camera plan B follows
   * @param baseStyle the base style both maps draw on (offline background or a basemap)
   * @param layerOptions the colouring of plan B (same mode and ramp breaks as plan A's, so colours compare)
   */
  constructor(
    private readonly a: MapLibreMap,
    readonly plan: SwipePlan,
    private readonly dom: SwipeElements,
    baseStyle: StyleSpecification,
    layerOptions: LayerOptions,
    leftLabel: string,
    fraction = 0.5,
  ) {
    const { model } = plan;
    const sources = planTileSources(this.tileKey, model, plan.bounds);
    dom.container.hidden = false;
    dom.divider.hidden = false;
    dom.leftLabel.hidden = false;
    dom.rightLabel.hidden = false;
    dom.leftLabel.textContent = `◀ ${leftLabel}`;
    dom.rightLabel.textContent = `${plan.label} ▶`;
    this.map = new MapLibreMap({
      container: dom.container,
      style: composeStyle(baseStyle, sources, planLayers(layerOptions)),
      center: a.getCenter(),
      zoom: a.getZoom(),
      bearing: a.getBearing(),
      pitch: a.getPitch(),
      interactive: false,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
    });
    this.ready = new Promise<void>((ok) => (this.map.loaded() ? ok() : this.map.once('load', () => ok())));
    void this.ready.then(() => {
      for (const [b, ag] of plan.agg) {
        const node = el('div', { class: 'beat-label compared', 'data-beat': model.beatIds[b]!, 'aria-hidden': 'true' }, model.beatIds[b]!);
        this.markers.push(
          new Marker({ element: node, anchor: 'center' })
            .setLngLat([model.centroid[2 * ag.labelCell]!, model.centroid[2 * ag.labelCell + 1]!])
            .addTo(this.map),
        );
      }
      this.paintChanged();
      this.paintHeat();
    });
    a.on('move', this.sync);
    a.on('resize', this.onResize);
    this.wireDivider();
    this.setFraction(fraction);
  }

  /** Fraction of the width left of the divider (plan A's side). */
  get fraction(): number {
    return this.clip.fraction;
  }

  /** The divider position, CSS px from the map's left edge. */
  get dividerX(): number {
    return this.clip.x;
  }

  /** Moves the divider to `fraction` of the width (clamped near the edges) and clips plan B's map. */
  setFraction(fraction: number): void {
    this.clip = swipeClip(fraction, this.a.getContainer().clientWidth);
    this.dom.container.style.clipPath = this.clip.clipPath;
    this.dom.divider.style.left = `${this.clip.x}px`;
    this.dom.divider.setAttribute('aria-valuenow', String(Math.round(this.clip.fraction * 100)));
    this.dom.divider.setAttribute('aria-valuetext', `${Math.round(this.clip.fraction * 100)}% shows the plan on the left`);
  }

  /** Restyles plan B's cells (colour mode or breaks changed on the planning map). */
  restyle(o: LayerOptions): void {
    applyFill(this.map, o);
  }

  /** Highlights the cells that change beat (H3 ids) on plan B's side too. */
  setChanged(h3: readonly string[]): void {
    const m = this.plan.model;
    this.clearChanged();
    this.changed = h3.map((h) => m.indexOf.get(h)).filter((i): i is number => i !== undefined);
    this.paintChanged();
  }

  private clearChanged(): void {
    if (this.map.isStyleLoaded()) for (const i of this.changed) this.map.setFeatureState({ ...CELL, id: i }, { chg: false });
    this.changed = [];
  }

  private paintChanged(): void {
    if (!this.map.isStyleLoaded()) return; // done on load
    for (const i of this.changed) this.map.setFeatureState({ ...CELL, id: i }, { chg: true });
    this.map.setLayoutProperty(LAYERS.changed, 'visibility', this.changed.length ? 'visible' : 'none');
  }

  /**
   * Shows the incidents heat layer on plan B's side too (the same points as on the planning
   * map: the incidents do not depend on the beats), or hides it (null).
   * @param points GeoJSON of `binsToHeatPoints`, or null
   */
  setHeat(points: unknown): void {
    const fresh = points !== null && points !== this.heatDrawn;
    this.heat = points;
    this.paintHeat(fresh);
  }

  private paintHeat(fresh = true): void {
    if (!this.map.isStyleLoaded()) return; // done on load
    if (this.heat && fresh) {
      (this.map.getSource(SOURCES.incidents) as GeoJSONSource | undefined)?.setData(this.heat as never);
      this.heatDrawn = this.heat;
    }
    for (const id of [LAYERS.heat, LAYERS.heatPoints]) this.map.setLayoutProperty(id, 'visibility', this.heat ? 'visible' : 'none');
  }

  /** Removes plan B's map, its tiles and the divider. */
  close(): void {
    this.a.off('move', this.sync);
    this.a.off('resize', this.onResize);
    this.abort.abort();
    for (const m of this.markers) m.remove();
    this.map.remove();
    unregisterTileProvider(this.tileKey);
    for (const e of [this.dom.container, this.dom.divider, this.dom.leftLabel, this.dom.rightLabel]) e.hidden = true;
    this.dom.container.style.clipPath = '';
  }

  private follow(): void {
    this.map.jumpTo({ center: this.a.getCenter(), zoom: this.a.getZoom(), bearing: this.a.getBearing(), pitch: this.a.getPitch() });
  }

  private wireDivider(): void {
    const d = this.dom.divider;
    const signal = this.abort.signal;
    const rect = () => this.a.getContainer().getBoundingClientRect();
    let dragging = false;
    d.addEventListener(
      'pointerdown',
      (e) => {
        if (e.button !== 0) return;
        dragging = true;
        d.setPointerCapture(e.pointerId);
        d.classList.add('dragging');
        e.preventDefault();
      },
      { signal },
    );
    d.addEventListener(
      'pointermove',
      (e) => {
        if (!dragging) return;
        const r = rect();
        this.setFraction(fractionAtPointer(e.clientX, r.left, r.width));
      },
      { signal },
    );
    const stop = (e: PointerEvent) => {
      if (!dragging) return;
      dragging = false;
      d.classList.remove('dragging');
      if (d.hasPointerCapture(e.pointerId)) d.releasePointerCapture(e.pointerId);
    };
    d.addEventListener('pointerup', stop, { signal });
    d.addEventListener('pointercancel', stop, { signal });
    d.addEventListener(
      'keydown',
      (e) => {
        const f = nudgeFraction(this.clip.fraction, e.key, e.shiftKey);
        if (f === null || e.ctrlKey || e.metaKey || e.altKey) return;
        e.preventDefault();
        e.stopPropagation(); // not a map shortcut
        this.setFraction(f);
      },
      { signal },
    );
  }
}
