/**
 * The incidents heat layer (I): `GET /plans/{id}/incidents?version=` (cached per version), the
 * bins' centres as weighted points in the map's incidents source, the summary for the legend
 * and the timings of the last draw. A 404/405 (an API without the route) disables the toggle
 * with the reason. The layers themselves are in the map style (`map-style.ts`).
 */
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { type ApiClient, ApiProblem, type PlanDto } from '../api-client.js';
import { cellsToCentres } from '../cell-model.js';
import { binsToHeatPoints, type HeatSummary, heatSummary, type IncidentBins } from '../heat.js';
import { LAYERS, SOURCES } from '../map-style.js';
import { plainError } from '../words.js';

/** The heat layer's points (also drawn on the swipe view's side). */
export type HeatPoints = ReturnType<typeof binsToHeatPoints>;

/** What the layer needs from the map. */
export interface HeatHost {
  plan(): PlanDto | null;
  /** Redraws the cells (dimmed under the heat) and the legend. */
  restyle(): void;
  /** The swipe view's side, when open. */
  setSwipeHeat(points: HeatPoints | null): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** The incidents heat layer of the planning map. */
export class HeatLayer {
  /** On or off. */
  on = false;
  /** False once the server answered that it has no incidents route. */
  available = true;
  /** Summary of the bins on show (legend), or null. */
  summary: HeatSummary | null = null;
  /** Phases of the last draw, ms (fetch, points, toggle → first idle render), and the bins. */
  timings: Record<string, number> = {};
  /** The points in the heat source, or null. */
  points: HeatPoints | null = null;
  private readonly cache = new Map<string, Promise<IncidentBins>>();
  private key = '';
  private seq = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly api: ApiClient,
    private readonly host: HeatHost,
  ) {}

  /** Another plan is on show: its points are drawn afresh. */
  reset(): void {
    this.points = null;
    this.key = '';
    this.summary = null;
  }

  private toggle(): HTMLInputElement {
    return document.getElementById('heat-toggle') as HTMLInputElement;
  }

  /** Shows or hides the layer. */
  async set(on: boolean): Promise<void> {
    if (on && !this.available) {
      this.host.say(this.toggle().title, 'refused');
      return;
    }
    this.on = on;
    this.toggle().checked = on;
    if (on) await this.show();
    else {
      for (const id of [LAYERS.heat, LAYERS.heatPoints]) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', 'none');
      this.host.setSwipeHeat(null);
      this.host.restyle();
    }
  }

  /** Draws the layer for the version on show (after a new version, when on). */
  async show(): Promise<void> {
    const plan = this.host.plan();
    if (!plan) return;
    const seq = ++this.seq;
    const t0 = performance.now();
    const key = `${plan.id}@${plan.version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.api.get<IncidentBins>(`/plans/${plan.id}/incidents?version=${plan.version}`);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    try {
      const bins = await p;
      if (seq !== this.seq || !this.on) return;
      const t1 = performance.now();
      if (this.key !== key || !this.points) {
        this.points = binsToHeatPoints(bins, cellsToCentres(bins.bins.h3), bins.resolution);
        this.key = key;
        (this.map.getSource(SOURCES.incidents) as GeoJSONSource).setData(this.points as never);
      }
      this.host.setSwipeHeat(this.points);
      for (const id of [LAYERS.heat, LAYERS.heatPoints]) this.map.setLayoutProperty(id, 'visibility', 'visible');
      const t2 = performance.now();
      this.summary = heatSummary(bins);
      this.host.restyle(); // dims the cells; redraws the legend
      this.timings = { fetchMs: t1 - t0, pointsMs: t2 - t1, bins: bins.bins.h3.length };
      this.map.once('idle', () => {
        if (seq === this.seq) this.timings.renderMs = performance.now() - t0;
      });
      this.host.say(
        `Incidents: ${bins.shown.toLocaleString('en-GB')} in ${bins.bins.h3.length.toLocaleString('en-GB')} ${bins.aggregated ? `areas of ≥ ${bins.k}` : 'cells'}${bins.suppressed.incidents ? ` (${bins.suppressed.incidents.toLocaleString('en-GB')} in areas too small to show)` : ''}.`,
      );
    } catch (e) {
      if (seq !== this.seq) return;
      this.on = false;
      this.toggle().checked = false;
      this.host.restyle();
      if (e instanceof ApiProblem && (e.status === 404 || e.status === 405)) {
        this.available = false;
        const why = `The incidents heat layer is not available on this server (GET ${e.url} answered ${e.status}).`;
        const t = this.toggle();
        t.disabled = true;
        t.title = why;
        const label = document.getElementById('heat-label')!;
        label.title = why;
        label.classList.add('unavailable');
        this.host.say(why, 'refused');
      } else this.host.say(`Incidents unavailable: ${plainError(e)}`, 'refused');
    }
  }
}
