/**
 * Painting from the keyboard: with the Paint tool on and the map focused, the arrow keys move
 * a cursor cell (instead of panning) and Space paints the brush there into the selected beat,
 * as one stroke. The cursor starts at the cell in the middle of the view.
 */
import { type Map as MapLibreMap, Marker } from 'maplibre-gl';
import { type CellModel, pointToCell } from '../cell-model.js';
import { el } from '../panels.js';

/** An arrow direction. */
export type Direction = 'left' | 'right' | 'up' | 'down';

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/**
 * The neighbour of `cell` lying most in direction `dir` (east = right, north = up, distances
 * on the ground: longitude scaled by cos(latitude)); `cell` itself when it has no neighbour
 * that way (within 60° of the direction).
 * @example stepCell(model, i, 'up') // the cell north of i
 */
export function stepCell(model: CellModel, cell: number, dir: Direction): number {
  const [ux, uy] = dir === 'left' ? [-1, 0] : dir === 'right' ? [1, 0] : dir === 'up' ? [0, 1] : [0, -1];
  const x0 = model.centroid[2 * cell]!;
  const y0 = model.centroid[2 * cell + 1]!;
  const k = Math.cos((y0 * Math.PI) / 180);
  let best = cell;
  let bestCos = Math.cos(Math.PI / 3);
  for (let j = model.nbrStart[cell]!; j < model.nbrStart[cell + 1]!; j++) {
    const n = model.nbr[j]!;
    const dx = (model.centroid[2 * n]! - x0) * k;
    const dy = model.centroid[2 * n + 1]! - y0;
    const c = (dx * ux + dy * uy) / Math.hypot(dx, dy);
    if (c > bestCos + 1e-12) {
      bestCos = c;
      best = n;
    }
  }
  return best;
}

/** What keyboard painting needs from the app. */
export interface KeyboardPaintDeps {
  model(): CellModel | null;
  /** True while the Paint tool is on with a beat selected. */
  active(): boolean;
  /** Paints the brush around `cell` (one stroke). */
  paint(cell: number): void;
  /** Says where the cursor is (the status line, read by screen readers). */
  say(message: string): void;
}

/** The keyboard cursor of the Paint tool. */
export class KeyboardPaint {
  private cell = -1;
  private readonly marker: Marker;

  constructor(
    private readonly map: MapLibreMap,
    private readonly deps: KeyboardPaintDeps,
  ) {
    this.marker = new Marker({ element: el('div', { class: 'paint-cursor', 'aria-hidden': 'true' }), anchor: 'center' });
  }

  /** Listens for arrows and Space on the map (capture phase, before the map's own keyboard panning). */
  mount(): this {
    this.map.getContainer().addEventListener('keydown', (e) => this.onKey(e), true);
    return this;
  }

  /** The cursor cell (−1 before the first arrow key). */
  get cursor(): number {
    return this.cell;
  }

  /** Hides the cursor (the Paint tool is off, or another plan is loaded). */
  reset(): void {
    this.cell = -1;
    this.marker.remove();
  }

  private onKey(e: KeyboardEvent): void {
    const model = this.deps.model();
    if (!model || !this.deps.active() || e.ctrlKey || e.metaKey || e.altKey) return;
    const dir = ARROWS[e.key];
    if (!dir && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    if (this.cell < 0 || this.cell >= model.cellCount) {
      const c = this.map.getCenter();
      this.cell = pointToCell(model, c.lng, c.lat);
      if (this.cell < 0) {
        this.deps.say('Move the map over the city to paint from the keyboard.');
        return;
      }
    } else if (dir) this.cell = stepCell(model, this.cell, dir);
    const lngLat: [number, number] = [model.centroid[2 * this.cell]!, model.centroid[2 * this.cell + 1]!];
    this.marker.setLngLat(lngLat).addTo(this.map);
    if (!this.map.getBounds().contains(lngLat)) this.map.panTo(lngLat, { duration: 0 });
    if (e.key === ' ') this.deps.paint(this.cell);
    else {
      const b = model.beatOf[this.cell]!;
      this.deps.say(`Cursor in ${b >= 0 ? `beat ${model.beatIds[b]}` : 'no beat'}. Space paints it into the selected beat.`);
    }
  }
}
