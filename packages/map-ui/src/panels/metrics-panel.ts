/**
 * The Metrics tab: the plan's summary figures, the per-beat workload bars (sortable, a bar
 * selects its beat) and "Find problems" (`N`: the next beat in more than one piece or outside
 * the band, selected and zoomed to).
 */
import type { CellModel } from '../cell-model.js';
import { type PlanMetricsDto, problemBeats, type SortKey } from '../metrics.js';
import { metricsBars, metricsSummary } from '../panels.js';

/** What the panel needs from the map. */
export interface MetricsHost {
  metrics(): PlanMetricsDto | null;
  model(): CellModel | null;
  selectedBeat(): number | null;
  /** Selects a beat and zooms to it; `card` also opens its card. */
  pick(beat: number, card: boolean): void;
  /** The city's replayed calls (the Replay panel's section) follow the version. */
  refreshed(): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** The Metrics tab: `mount` once, `render` when the metrics or the selection change. */
export class MetricsPanel {
  sort: SortKey = 'id';
  sortDesc = false;
  private problemCursor = -1;

  constructor(private readonly host: MetricsHost) {}

  /** Wires the sort controls and "Find problems". */
  mount(): this {
    $('sort-select').addEventListener('change', (e) => {
      this.sort = (e.target as HTMLSelectElement).value as SortKey;
      this.render();
    });
    $('sort-desc').addEventListener('change', (e) => {
      this.sortDesc = (e.target as HTMLInputElement).checked;
      this.render();
    });
    $('find-problem').addEventListener('click', () => this.nextProblem());
    return this;
  }

  /** Redraws the summary and the bars (the selected beat marked). */
  render(): void {
    const m = this.host.metrics();
    const model = this.host.model();
    if (!m || !model) return;
    const sel = this.host.selectedBeat();
    $('summary-slot').replaceChildren(metricsSummary(m));
    this.host.refreshed();
    $('bars-slot').replaceChildren(
      metricsBars(m, this.sort, this.sortDesc, sel !== null ? model.beatIds[sel]! : null, (id) =>
        this.host.pick(model.beatIds.indexOf(id), false),
      ),
    );
  }

  /** `N`: selects the next problem beat, opens its card and says what is wrong. */
  nextProblem(): void {
    const m = this.host.metrics();
    const model = this.host.model();
    if (!m || !model) return;
    const problems = problemBeats(m);
    if (!problems.length) {
      this.host.say('Every beat is contiguous and inside the band.');
      return;
    }
    this.problemCursor = (this.problemCursor + 1) % problems.length;
    const p = problems[this.problemCursor]!;
    this.host.pick(model.beatIds.indexOf(p.id), true);
    this.host.say(
      `Problem ${this.problemCursor + 1} of ${problems.length}: beat ${p.id} — ${p.reasons.join(', ')} (${p.deviation >= 0 ? '+' : ''}${Math.round(p.deviation * 100)}% of the mean).`,
    );
  }
}
