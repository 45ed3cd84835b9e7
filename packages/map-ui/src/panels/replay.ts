/**
 * "Replayed last period's calls" (issue 13 item 3, the map part): the figures of the latest
 * succeeded simulation of the plan version on show, for the city (Metrics panel) and for the
 * selected beat (beat card, below the time model's response figures), with a "Replay calls"
 * button that starts one (`POST /plans/{id}/simulations` on the latest staffing of this
 * version, a job with progress). Reads `GET /plans/{id}/simulations?version=N` (newest first)
 * and `GET /plans/{id}/simulations/{jobId}` (simulation.json, see docs/simulation.md); cached
 * per plan version.
 */
import type { SimulationResultDto, SimulationRunDto } from '@beatplan/api';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { formatNumber } from '../map-style.js';
import { el } from '../panels.js';
import { plainError } from '../words.js';

/**
 * simulation.json as the API types it (`GET /plans/{id}/simulations/{jobId}`,
 * {@link SimulationResultDto}); the map reads its version, mode and the city's, shifts' and
 * beats' replayed figures.
 */
export type { SimulationResultDto };

/** One group's replayed figures (simulation.json: the city, a shift, a beat). */
export type SimulatedFigures = SimulationResultDto['city'];

/** One row of a replay table: a figure's key, its name for a commander, its value in words. */
export interface ReplayRow {
  key: 'responseMean' | 'responseP90' | 'crossBeat' | 'queued' | 'utilisation' | 'calls';
  label: string;
  value: string;
}

const pct = (x: number | null) => (x === null ? '–' : `${formatNumber(x * 100)}%`);
const min = (x: number | undefined) => (x === undefined ? '–' : `${formatNumber(x)} min`);

/**
 * The rows of one group's replayed figures, in the order shown.
 * @example replayRows({ calls: 10, utilisation: 0.4, crossBeatShare: 0.1, queuedShare: 0, response: { meanMinutes: 6.2, p50Minutes: 5, p90Minutes: 11 } })[0]
 *   // { key: 'responseMean', label: 'Response time (wait + travel), mean', value: '6.2 min' }
 */
export function replayRows(f: SimulatedFigures): ReplayRow[] {
  return [
    { key: 'responseMean', label: 'Response time (wait + travel), mean', value: min(f.response?.meanMinutes) },
    { key: 'responseP90', label: 'Response time, 90% of calls within', value: min(f.response?.p90Minutes) },
    { key: 'crossBeat', label: 'Calls answered from another beat', value: pct(f.crossBeatShare) },
    { key: 'queued', label: 'Calls that waited for a free officer', value: pct(f.queuedShare) },
    { key: 'utilisation', label: 'Officers busy on calls', value: pct(f.utilisation) },
    { key: 'calls', label: 'Calls replayed', value: f.calls.toLocaleString('en-GB') },
  ];
}

/** What a replay assumes (simulation.json `assumptions`), shown one click away under its figures. */
export type ReplayAssumptions = SimulationResultDto['assumptions'];

/**
 * The replay's assumptions as short lines for people: what response time contains, the travel
 * model with its speed and detour factor, the calls and the dispatch rule.
 * @example replayAssumptionLines(doc.assumptions)[1] // 'Travel: straight line × detour at a fixed speed, plus barrier detours (30 km/h, 1.3 × straight line)'
 */
export function replayAssumptionLines(a: ReplayAssumptions): string[] {
  const t = a.travel;
  const speed = t.speedKmh === undefined ? 'each road at its own speed' : `${formatNumber(t.speedKmh)} km/h`;
  return [
    `Response time: ${a.responseTime}`,
    `Travel: ${t.model} (${speed}, ${formatNumber(t.detourFactor)} × straight line${t.speedKmh === undefined ? ' off the roads' : ''})`,
    `Calls: ${a.calls}`,
    `Dispatch: ${a.dispatch}`,
  ];
}

/** What the panel knows of the version on show. */
export type ReplayState =
  | { status: 'loading' }
  | { status: 'none' }
  | { status: 'running'; stage: string }
  | { status: 'ready'; data: SimulationResultDto; jobId: string }
  | { status: 'error'; message: string }
  | { status: 'forbidden' };

/** What the panel needs from the map. */
export interface ReplayHost {
  api: ApiClient;
  plan(): PlanDto | null;
  /** Analyst and up (the API's role for simulations). */
  canRun(): boolean;
  /** The latest staffing of the version on show, or null (a replay needs one). */
  staffingId(): string | null;
  progress(label: string, job: JobDto | null): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** Replayed calls for the city (`mount`) and the beat card (`beatSection`). */
export class ReplayPanel {
  private city: HTMLElement | null = null;
  private beatSlot: { el: HTMLElement; beatId: string } | null = null;
  private key = '';
  private readonly cache = new Map<string, Promise<{ data: SimulationResultDto; jobId: string } | null>>();
  /** The state, for tests and the host. */
  state: ReplayState = { status: 'loading' };

  constructor(private readonly host: ReplayHost) {}

  /** Puts the city section in `slot`. */
  mount(slot: HTMLElement): this {
    this.city = slot;
    return this;
  }

  /** A section for the beat card of `beatId` (filled now and whenever the figures change). */
  beatSection(beatId: string): HTMLElement {
    const slot = el('div', { class: 'slot' });
    this.beatSlot = { el: slot, beatId };
    slot.replaceChildren(replaySection(this.state, beatId, null));
    return slot;
  }

  /** Follows the plan version on show: loads the latest replay of a new version (cached). */
  async refresh(): Promise<void> {
    const plan = this.host.plan();
    if (!plan) return;
    const key = `${plan.id}@${plan.version}`;
    if (key === this.key && this.state.status !== 'loading') return this.render();
    this.key = key;
    if (!this.host.canRun()) {
      this.state = { status: 'forbidden' };
      return this.render();
    }
    this.state = { status: 'loading' };
    this.render();
    let p = this.cache.get(key);
    if (!p) {
      p = this.latest(plan.id, plan.version);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    try {
      const r = await p;
      if (this.key !== key) return;
      this.state = r ? { status: 'ready', ...r } : { status: 'none' };
    } catch (e) {
      if (this.key !== key) return;
      this.state = { status: 'error', message: `Replayed calls unavailable: ${plainError(e)}` };
    }
    this.render();
  }

  private async latest(planId: string, version: number): Promise<{ data: SimulationResultDto; jobId: string } | null> {
    const { items } = await this.host.api.get<{ items: Array<Pick<SimulationRunDto, 'jobId' | 'status'>> }>(
      `/plans/${planId}/simulations?version=${version}`,
    );
    const done = items.find((i) => i.status === 'succeeded');
    if (!done) return null;
    return { data: await this.host.api.get<SimulationResultDto>(`/plans/${planId}/simulations/${done.jobId}`), jobId: done.jobId };
  }

  /** Starts a replay on the latest staffing of this version and shows it when done. */
  async run(): Promise<void> {
    const plan = this.host.plan();
    const staffing = this.host.staffingId();
    if (!plan || !staffing || !this.host.canRun() || this.state.status === 'running') return;
    const key = `${plan.id}@${plan.version}`;
    this.state = { status: 'running', stage: 'queued' };
    this.render();
    try {
      const { data: job } = await this.host.api.post<JobDto>(`/plans/${plan.id}/simulations`, { staffing });
      this.host.progress('Replaying last period’s calls…', job);
      const final = await this.host.api.followJob(job, (j) => this.host.progress(`Replaying calls: ${j.stage ?? j.status}`, j));
      this.host.progress('', null);
      if (final.status !== 'succeeded') throw new Error(final.error?.detail ?? final.status);
      this.cache.delete(key);
      this.key = '';
      await this.refresh();
      this.host.say('Calls replayed.');
    } catch (e) {
      this.host.progress('', null);
      this.state = { status: 'error', message: `Replay failed: ${plainError(e)}` };
      this.render();
      this.host.say(this.state.message, 'refused');
    }
  }

  /** Redraws the city section and the beat card's section. */
  render(): void {
    const canRun = this.host.canRun() && this.host.staffingId() !== null && this.state.status !== 'running';
    const why = !this.host.canRun()
      ? 'Replayed calls are for analysts and commanders.'
      : this.host.staffingId() === null
        ? 'Staff this version first (Staffing panel): a replay needs the officers on duty.'
        : null;
    if (this.city) {
      const hadFocus = this.city.contains(document.activeElement);
      this.city.replaceChildren(replaySection(this.state, null, { canRun, why, onRun: () => void this.run() }));
      if (hadFocus) document.getElementById('replay-run')?.focus();
    }
    if (this.beatSlot?.el.isConnected) this.beatSlot.el.replaceChildren(replaySection(this.state, this.beatSlot.beatId, null));
  }
}

/**
 * A replay section: the city's (with the button, `beatId` null) or one beat's figures.
 * @param run the button's state (city section only)
 */
export function replaySection(
  st: ReplayState,
  beatId: string | null,
  run: { canRun: boolean; why: string | null; onRun: () => void } | null,
): HTMLElement {
  const title = beatId === null ? 'Replayed last period’s calls: city' : `Replayed last period’s calls: beat ${beatId}`;
  const sec = el(
    'section',
    { class: 'replay', 'data-testid': beatId === null ? 'replay-city' : 'replay-beat', 'data-status': st.status, 'aria-live': 'polite' },
    el('h3', {}, title),
  );
  if (st.status === 'ready') {
    const f = beatId === null ? st.data.city : st.data.beats.find((b) => b.id === beatId);
    if (!f) sec.append(el('p', { class: 'muted' }, `No replayed calls in beat ${beatId}.`));
    else {
      sec.append(
        el(
          'table',
          { class: 'replay-figures' },
          el(
            'caption',
            {},
            `Version ${st.data.version}, ${st.data.mode === 'poisson' ? 'Poisson calls at the plan’s rates' : 'the incidents at their real times and places'}; the time model’s figures are ${beatId === null ? 'on the beat card' : 'above'}`,
          ),
          el(
            'tbody',
            {},
            ...replayRows(f).map((r) => el('tr', { 'data-key': r.key }, el('th', { scope: 'row' }, r.label), el('td', {}, r.value))),
          ),
        ),
        el(
          'details',
          { class: 'assumptions', 'data-testid': beatId === null ? 'replay-city-assumptions' : 'replay-beat-assumptions' },
          el('summary', {}, 'Assumptions'),
          el('ul', {}, ...replayAssumptionLines(st.data.assumptions).map((line) => el('li', {}, line))),
        ),
      );
    }
  } else if (st.status === 'none') sec.append(el('p', { class: 'muted' }, 'No replay of this version yet.'));
  else if (st.status === 'loading') sec.append(el('p', { class: 'muted' }, 'Loading the replayed calls…'));
  else if (st.status === 'running') sec.append(el('p', { class: 'muted' }, 'Replaying the calls…'));
  else if (st.status === 'forbidden') sec.append(el('p', { class: 'muted' }, 'Replayed calls are for analysts and commanders.'));
  else sec.append(el('p', { class: 'error', role: 'alert' }, st.message));
  if (run) {
    const b = el(
      'button',
      { type: 'button', id: 'replay-run', disabled: !run.canRun, 'aria-describedby': run.why ? 'replay-why' : undefined },
      st.status === 'running' ? 'Replaying…' : 'Replay calls',
    );
    b.addEventListener('click', run.onRun);
    sec.append(el('div', { class: 'row' }, b));
    if (run.why) sec.append(el('p', { id: 'replay-why', class: 'muted' }, run.why));
  }
  return sec;
}
