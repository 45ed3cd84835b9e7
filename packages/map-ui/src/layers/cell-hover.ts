/**
 * The hover tooltip over the map: the cell under the pointer in words — its beat, workload
 * (per shift when known), community need, incidents and residents; the cell's H3 id only with
 * `?debug`; first, the meeting venue under the pointer when there is one. Right of the swipe
 * divider it describes plan B's cell.
 */
import { type CellModel, pointToCell } from '../cell-model.js';
import { formatNumber } from '../map-style.js';
import { el } from '../panels.js';
import type { SwipeView } from '../swipe-view.js';
import { peopleCount } from '../words.js';

/**
 * The tooltip's rows for cell `i` of `model`: `[label, value]` pairs.
 * @param o.planLabel a first "Plan" row (the swipe view names the side)
 * @param o.debug add the cell's H3 id
 * @example hoverRows(model, 0, {})[0] // ['Beat', '0111']
 */
export function hoverRows(model: CellModel, i: number, o: { planLabel?: string; debug?: boolean }): Array<[string, string]> {
  const b = model.beatOf[i]!;
  const d = model.detail;
  const w = model.workloadHours[i]!;
  return [
    ...(o.planLabel !== undefined ? [['Plan', o.planLabel] as [string, string]] : []),
    ['Beat', b >= 0 ? model.beatIds[b]! : 'unassigned'],
    ['Workload', Number.isNaN(w) && model.privacy ? `not shown (< ${model.privacy.k} incidents)` : `${formatNumber(w)} h/week`],
    ...(d ? d.shifts.map((s, k): [string, string] => [`  shift ${s}`, `${formatNumber(d.shiftWorkload[k]![i]!)} h/week`]) : []),
    ['Community need', `${formatNumber(model.needHours[i]!)} h/week`],
    ...(d && Number.isFinite(d.incidents[i]) ? [['Incidents', peopleCount(d.incidents[i]!)] as [string, string]] : []),
    ...(d && Number.isFinite(d.population[i]) ? [['Residents (about)', peopleCount(d.population[i]!)] as [string, string]] : []),
    ...(o.debug ? [['Cell', model.h3[i]!] as [string, string]] : []),
  ];
}

/** What the tooltip reads from the map. */
export interface HoverHost {
  model(): CellModel | null;
  swipe(): SwipeView | null;
  /** Name of the plan on show (the swipe view's left side). */
  planName(): string;
  /** Names of the meeting venues drawn under the pointer at (x, y) px (none when absent). */
  venuesAt?(x: number, y: number): string[];
}

/** The tooltip: `show` at most once per animation frame, `hide` when the pointer leaves. */
export class CellHover {
  private frame = 0;

  constructor(
    private readonly host: HoverHost,
    private readonly tip: HTMLElement,
    private readonly debug = false,
  ) {}

  /** Describes the cell at (lng, lat), the pointer at (x, y) px on the map, at the next frame. */
  show(lng: number, lat: number, x: number, y: number): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw(lng, lat, x, y));
  }

  hide(): void {
    cancelAnimationFrame(this.frame);
    this.tip.hidden = true;
  }

  private draw(lng: number, lat: number, x: number, y: number): void {
    const swipe = this.host.swipe();
    // right of the swipe divider the cell under the pointer is plan B's
    const right = swipe !== null && x >= swipe.dividerX;
    const model = right ? swipe.plan.model : this.host.model();
    if (!model) return;
    const i = pointToCell(model, lng, lat);
    if (i < 0) {
      this.tip.hidden = true;
      return;
    }
    const rows = [
      ...(this.host.venuesAt?.(x, y) ?? []).map((name): [string, string] => ['Meeting venue', name]),
      ...hoverRows(model, i, {
        ...(swipe ? { planLabel: right ? swipe.plan.label : this.host.planName() } : {}),
        debug: this.debug,
      }),
    ];
    this.tip.replaceChildren(
      el('table', {}, el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, v))))),
    );
    this.tip.style.left = `${x + 14}px`;
    this.tip.style.top = `${y + 14}px`;
    this.tip.hidden = false;
  }
}
