/**
 * The Beat tab's card: the selected beat's workload against the band, its shifts and
 * officers, lock and zoom, and below it the time model's response figures
 * (`GET /plans/{id}/response?version=`, cached per version), the replayed calls (the
 * {@link ReplayPanel}'s section), the "officers on duty" what-if
 * (`POST /plans/{id}/response/whatif`, analysts) and the workload what-if
 * (`POST /plans/{id}/whatif`, a job, commanders). Each what-if's form and answer belong to one
 * plan version × beat; another beat or version starts afresh.
 */
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { ApiProblem } from '../api-client.js';
import { beatToMultiPolygon, type CellModel } from '../cell-model.js';
import { communityHoursPerShift, officersPerShift, type StaffingResultDto } from '../exports.js';
import { bandOf, type PlanMetricsDto } from '../metrics.js';
import {
  beatCard,
  el,
  fillBeatOfficers,
  type ResponseState,
  responseSection,
  type UnitsWhatIfState,
  unitsWhatIfSection,
  type WhatIfState,
  whatIfSection,
} from '../panels.js';
import {
  DEFAULT_WHATIF,
  defaultUnitsWhatIfForm,
  type PlanResponseDto,
  type ResponseWhatIfDto,
  responseWhatIfView,
  type UnitsWhatIfForm,
  unitsBaseline,
  unitsWhatIfBody,
  type WhatIfForm,
  type WhatIfResultDto,
  whatIfBeatView,
  whatIfBody,
} from '../response.js';
import { plainError } from '../words.js';
import { KeyedCache, KeyedState } from './cache.js';

/** What the card needs from the map. */
export interface BeatCardHost {
  api: ApiClient;
  plan(): PlanDto | null;
  model(): CellModel | null;
  metrics(): PlanMetricsDto | null;
  /** Index of the selected beat in `model.beatIds`, or null. */
  selectedBeat(): number | null;
  /** Commander and up (lock, workload what-if). */
  canEdit(): boolean;
  /** Analyst and up (response figures, officers-on-duty what-if). */
  canAnalyse(): boolean;
  /** The latest staffing of the plan (officers per shift), or null. */
  staffing(): StaffingResultDto | null;
  /** The roster chosen in the Staffing panel ('' when none). */
  roster(): Promise<string>;
  /** The replayed calls of one beat (the Replay panel's section). */
  replaySection(beatId: string): HTMLElement;
  /** Names of the meeting venues drawn in beat `b` (index in `model.beatIds`), or null when no venues are drawn. */
  venues?(b: number): readonly string[] | null;
  toggleLock(): void;
  zoomTo(beat: number): void;
  say(message: string, kind?: 'info' | 'refused'): void;
  /** Records a load figure (ms) on the test hook's `loadTimings`. */
  timing(name: string, ms: number): void;
}

/** The officers-on-duty what-if of one version × beat: the steppers, the run, its answer. */
interface UnitsWhatIf {
  form: UnitsWhatIfForm;
  state: UnitsWhatIfState;
  answer: ResponseWhatIfDto | null;
}

/** Element ids the card uses in index.html. */
const IDS = { slot: 'beat-slot', panel: 'panel-beat' } as const;

/** An API failure of an optional feature in plain words: not on this server, not for this role, or why. */
function unavailable(e: unknown, method: 'GET' | 'POST', what: string, forRole: string | null, failed: string): string {
  if (e instanceof ApiProblem && (e.status === 404 || e.status === 405))
    return `${what} not available on this server (${method} ${e.url} answered ${e.status}).`;
  if (forRole && e instanceof ApiProblem && e.status === 403) return forRole;
  return `${failed}: ${plainError(e)}`;
}

/** The beat card: `mount` once, `render()` whenever the plan, its version or the selection changes. */
export class BeatCardPanel {
  /** Response figures per plan version (`id@version`). */
  private readonly responses = new KeyedCache<PlanResponseDto>();
  /** The response figures as the card shows them. */
  responseState: ResponseState = { status: 'loading' };
  private responseTimer: ReturnType<typeof setTimeout> | undefined;
  /** The workload what-if's form (kept across beats) and its run (one version × beat). */
  whatIfForm: WhatIfForm = { ...DEFAULT_WHATIF };
  private readonly whatIf = new KeyedState<WhatIfState>(() => ({ status: 'idle' }));
  private whatIfJob: JobDto | null = null;
  private readonly units = new KeyedState<UnitsWhatIf>(() => ({ form: defaultUnitsWhatIfForm(), state: { status: 'idle' }, answer: null }));
  /** Sections of the card on screen. */
  private slots: { response: HTMLElement; units: HTMLElement; whatIf: HTMLElement } | null = null;
  private root: Document | HTMLElement = document;

  constructor(private readonly host: BeatCardHost) {}

  private $(id: string): HTMLElement {
    return (this.root instanceof Document ? this.root.getElementById(id) : this.root.querySelector(`#${id}`)) as HTMLElement;
  }

  /** Uses the card's slot inside `root` (the page by default). */
  mount(root: Document | HTMLElement = document): this {
    this.root = root;
    return this;
  }

  /** `id@version` of the plan on show, or '' when none. */
  private versionKey(): string {
    const p = this.host.plan();
    return p ? `${p.id}@${p.version}` : '';
  }

  /** The selected beat's id, or null. */
  private beatId(): string | null {
    const b = this.host.selectedBeat();
    const m = this.host.model();
    return b === null || !m ? null : m.beatIds[b]!;
  }

  /** The response figures of the version on show when in, else null. */
  private responseFigures(): PlanResponseDto | null {
    const r = this.responseState;
    return r.status === 'ready' && this.responses.isCurrent(this.versionKey()) ? r.data : null;
  }

  /** Redraws the card of the selected beat (empty when none). */
  render(): void {
    const slot = this.$(IDS.slot);
    const metrics = this.host.metrics();
    const id = this.beatId();
    if (id === null || !metrics) {
      this.slots = null;
      slot.replaceChildren();
      return;
    }
    const beat = metrics.perBeat.find((b) => b.id === id);
    if (!beat) {
      this.slots = null;
      slot.replaceChildren(el('p', {}, `Beat ${id} has no metrics in this version.`));
      return;
    }
    const staffing = this.host.staffing();
    this.slots = { response: el('div', { class: 'slot' }), units: el('div', { class: 'slot' }), whatIf: el('div', { class: 'slot' }) };
    slot.replaceChildren(
      beatCard({
        beat,
        band: bandOf(metrics),
        shifts: this.shiftLabels(),
        officers: officersPerShift(staffing, id),
        modelOfficers: unitsBaseline(this.responseFigures(), id),
        communityHours: communityHoursPerShift(staffing, id),
        canEdit: this.host.canEdit(),
        onLockToggle: () => this.host.toggleLock(),
        onZoom: () => this.host.zoomTo(this.host.selectedBeat()!),
        extra: [this.slots.response, this.host.replaySection(id), this.slots.units, this.slots.whatIf],
        venues: this.host.venues?.(this.host.selectedBeat()!) ?? null,
      }),
    );
    this.renderResponse();
    this.renderWhatIf();
  }

  /** Shift labels of the plan (from the cells' detail, the plan's inputs, or the default watches). */
  shiftLabels(): string[] {
    const d = this.host.model()?.detail?.shifts;
    if (d?.length) return d;
    const p = this.host.plan();
    return p?.inputs.shifts ? String(p.inputs.shifts).split(',') : ['0-8', '8-16', '16-24'];
  }

  /** The response section; asks the API once per version, when the card is on screen. */
  renderResponse(): void {
    const slot = this.slots?.response;
    const beatId = this.beatId();
    if (!slot?.isConnected || beatId === null) return;
    const key = this.versionKey();
    if (!this.host.canAnalyse()) this.responseState = { status: 'forbidden' };
    else if (!this.responses.isCurrent(key)) {
      this.responseState = { status: 'loading' };
      // each edit is a version: ask once the plan has stopped changing for a moment
      clearTimeout(this.responseTimer);
      if (!this.$(IDS.panel).hidden) this.responseTimer = setTimeout(() => void this.loadResponse(key), this.responses.has(key) ? 0 : 250);
    }
    slot.replaceChildren(responseSection(this.responseState, beatId));
    fillBeatOfficers(this.$(IDS.slot), officersPerShift(this.host.staffing(), beatId), unitsBaseline(this.responseFigures(), beatId));
    this.renderUnitsWhatIf();
  }

  /** `GET /plans/:id/response?version=` (cached per version; the first call can take a second). */
  private async loadResponse(key: string): Promise<void> {
    if (this.versionKey() !== key) return; // moved on meanwhile
    this.responses.current = key;
    const plan = this.host.plan()!;
    const t0 = performance.now();
    try {
      const data = await this.responses.get(key, async () => {
        const r = await this.host.api.get<PlanResponseDto>(`/plans/${plan.id}/response?version=${plan.version}`);
        this.host.timing('responseMs', performance.now() - t0);
        return r;
      });
      if (!this.responses.isCurrent(key)) return;
      this.responseState = { status: 'ready', data };
    } catch (e) {
      if (!this.responses.isCurrent(key)) return;
      this.responseState = {
        status: 'error',
        message: unavailable(
          e,
          'GET',
          'Response figures are',
          'Response figures are for analysts and commanders.',
          'Response figures unavailable',
        ),
      };
    }
    this.renderResponse();
  }

  /** Re-draws a section, keeping the focus on the control that had it. */
  private refill(slot: HTMLElement, content: HTMLElement): void {
    const hadFocus = slot.contains(document.activeElement) ? document.activeElement?.id : undefined;
    slot.replaceChildren(content);
    if (hadFocus) document.getElementById(hadFocus)?.focus();
  }

  /** The workload what-if section (its state belongs to one plan version × beat; a run in progress keeps its own). */
  private renderWhatIf(): void {
    const slot = this.slots?.whatIf;
    const beatId = this.beatId();
    if (!slot?.isConnected || beatId === null) return;
    const key = `${this.versionKey()}#${beatId}`;
    const running = this.whatIf.value.status === 'running';
    const state: WhatIfState = running && !this.whatIf.is(key) ? { status: 'idle' } : this.whatIf.at(key);
    this.refill(
      slot,
      whatIfSection({
        beatId,
        canEdit: this.host.canEdit(),
        shifts: this.shiftLabels(),
        form: this.whatIfForm,
        state,
        onChange: (f) => (this.whatIfForm = f),
        onRun: () => void this.runWhatIf(),
        onCancel: () => {
          if (this.whatIfJob)
            void this.host.api.cancelJob(this.whatIfJob.id).catch((e) => this.host.say(`Cancel failed: ${plainError(e)}`, 'refused'));
        },
      }),
    );
  }

  /** The "officers on duty" steppers: from the `before` of the last run, else the version's response figures. */
  private renderUnitsWhatIf(): void {
    const slot = this.slots?.units;
    const beatId = this.beatId();
    if (!slot?.isConnected || beatId === null) return;
    const u = this.units.at(`${this.versionKey()}#${beatId}`);
    const figures = u.answer?.before ?? this.responseFigures();
    this.refill(
      slot,
      unitsWhatIfSection({
        beatId,
        canRun: this.host.canAnalyse(),
        shifts: figures?.shifts.map((s) => s.shift) ?? this.shiftLabels(),
        baseline: unitsBaseline(figures, beatId),
        form: u.form,
        state: u.state,
        onChange: (f) => (u.form = f),
        onRun: () => void this.runUnitsWhatIf(),
      }),
    );
  }

  /**
   * Runs the "officers on duty" what-if (`POST /plans/:id/response/whatif`, analyst; synchronous,
   * no roster): the shifts whose stepper was changed are fixed at that number for the selected
   * beat, the rest follow the saturation target. A 422 (the model cannot run, e.g. a shift over
   * 100% utilisation) shows the API's detail as a refusal.
   */
  async runUnitsWhatIf(): Promise<void> {
    const plan = this.host.plan();
    const beatId = this.beatId();
    if (!this.host.canAnalyse() || !plan || beatId === null) return;
    const key = `${plan.id}@${plan.version}#${beatId}`;
    const u = this.units.at(key);
    if (u.state.status === 'running') return;
    const set = (state: UnitsWhatIfState, answer?: ResponseWhatIfDto) => {
      if (!this.units.is(key)) return; // another beat or version meanwhile
      this.units.set(key, { ...this.units.value, state, answer: answer ?? this.units.value.answer });
      this.renderUnitsWhatIf();
    };
    const figures = u.answer?.before ?? this.responseFigures();
    const req = unitsWhatIfBody(u.form, { beat: beatId, version: plan.version, baseline: unitsBaseline(figures, beatId) });
    if (req.error !== undefined) return set({ status: 'error', message: req.error });
    set({ status: 'running' });
    const t0 = performance.now();
    try {
      const { data } = await this.host.api.post<ResponseWhatIfDto>(`/plans/${plan.id}/response/whatif`, req.body);
      this.host.timing('unitsWhatIfMs', performance.now() - t0);
      set({ status: 'done', view: responseWhatIfView(data, beatId, req.body) }, data);
    } catch (e) {
      set(
        e instanceof ApiProblem && e.status === 422
          ? { status: 'refused', message: e.detail }
          : {
              status: 'error',
              message: unavailable(
                e,
                'POST',
                'Officers-on-duty what-ifs are',
                'Officers-on-duty what-ifs are for analysts and commanders.',
                'What-if failed',
              ),
            },
      );
    }
  }

  /**
   * Runs the workload what-if (`POST /plans/:id/whatif`, commander): the selected beat's
   * workload × the factor and/or officers out in a shift, staffed from the roster chosen in the
   * Staffing panel; follows the job and shows the beat's figures before and after.
   */
  async runWhatIf(): Promise<void> {
    const plan = this.host.plan();
    const model = this.host.model();
    const beat = this.host.selectedBeat();
    if (!this.host.canEdit() || !plan || !model || beat === null || this.whatIf.value.status === 'running') return;
    const beatId = model.beatIds[beat]!;
    const key = `${plan.id}@${plan.version}#${beatId}`;
    this.whatIf.at(key);
    const set = (st: WhatIfState) => {
      if (this.whatIf.set(key, st)) this.renderWhatIf();
    };
    const roster = await this.host.roster();
    const req = whatIfBody(this.whatIfForm, { roster, version: plan.version, area: beatToMultiPolygon(model, beat) });
    if (req.error !== undefined) return set({ status: 'error', message: req.error });
    set({ status: 'running', progress: 0, stage: 'queued' });
    const t0 = performance.now();
    try {
      const { data: job } = await this.host.api.post<JobDto>(`/plans/${plan.id}/whatif`, req.body);
      this.whatIfJob = job;
      const final = await this.host.api.followJob(job, (j) =>
        set({ status: 'running', progress: j.progress, stage: `${j.stage ?? j.status} ${Math.round(j.progress * 100)}%` }),
      );
      if (final.status === 'succeeded') {
        const result = await this.host.api.get<WhatIfResultDto>(`/plans/${plan.id}/whatif/${job.id}`);
        this.host.timing('whatIfMs', performance.now() - t0);
        set({ status: 'done', view: whatIfBeatView(result, beatId) });
      } else
        set({
          status: 'error',
          message: final.status === 'cancelled' ? 'What-if cancelled.' : `What-if failed: ${final.error?.detail ?? final.status}`,
        });
    } catch (e) {
      set({ status: 'error', message: unavailable(e, 'POST', 'What-if runs are', null, 'What-if failed') });
    } finally {
      this.whatIfJob = null;
      if (this.whatIf.is(key) && (this.whatIf.value as WhatIfState).status === 'running') set({ status: 'idle' });
    }
  }
}
