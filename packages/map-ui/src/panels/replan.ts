/**
 * "Re-plan from this plan" (issue 16 item 4): a change-budget slider and a button that start
 * `POST /plans/{id}/replan` with `maxChange` (a job with progress, as re-balance), then show
 * what the new plan would change before the commander accepts it: the cells that change beat
 * (drawn on the map by the host, through the compare view) and the balance and compactness of
 * the parent and of the new plan, from `GET /plans/{parent}/compare?with={new}`. "Open the new
 * plan" loads it and compares it with its parent.
 *
 * The new plan is stored by the job whatever the commander decides; this plan is unchanged.
 */
import type { PlanComparisonDto } from '@beatplan/api';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { formatNumber } from '../map-style.js';
import { el } from '../panels.js';
import { plainError } from '../words.js';

/**
 * The compare answer of parent (a) and new plan (b) (`GET /plans/{parent}/compare?with={new}`,
 * the API's {@link PlanComparisonDto}), the parts the panel reads: the changed cells and the
 * headline metrics of both plans.
 */
export type ReplanComparison = Pick<PlanComparisonDto, 'changedCells' | 'metrics'>;

/** What a re-plan reached, parent → new plan. */
export interface ReplanFigures {
  /** Cells whose beat differs between parent and new plan (beats matched by overlap). */
  movedCells: number;
  /** `movedCells` as a share of the cells assigned in either plan, 0–1. */
  movedShare: number;
  /** Balance: workload of the busiest beat ÷ the mean beat workload (1 is perfect), parent and new. */
  balanceBefore: number;
  balanceAfter: number;
  /** Compactness: mean Polsby-Popper score of the beats (1 is a disc), parent and new. */
  compactnessBefore: number;
  compactnessAfter: number;
}

/**
 * The figures the panel shows, from the compare answer of parent (a) and new plan (b).
 * @example replanFigures({ changedCells: { count: 12, share: 0.03, cells: [] }, metrics: { a: { workload: { maxOverMean: 1.4 }, compactness: { polsbyPopperMean: 0.4 } }, b: { workload: { maxOverMean: 1.1 }, compactness: { polsbyPopperMean: 0.38 } } } })
 *   // { movedCells: 12, movedShare: 0.03, balanceBefore: 1.4, balanceAfter: 1.1, compactnessBefore: 0.4, compactnessAfter: 0.38 }
 */
export function replanFigures(c: ReplanComparison): ReplanFigures {
  return {
    movedCells: c.changedCells.count,
    movedShare: c.changedCells.share,
    balanceBefore: c.metrics.a.workload.maxOverMean,
    balanceAfter: c.metrics.b.workload.maxOverMean,
    compactnessBefore: c.metrics.a.compactness.polsbyPopperMean,
    compactnessAfter: c.metrics.b.compactness.polsbyPopperMean,
  };
}

/**
 * The request body of `POST /plans/{id}/replan` for a budget in percent of the workload (0–100):
 * start from this plan, `maxChange` as a share 0–1.
 * @throws RangeError when the budget is not a number in 0–100
 * @example replanBody(10) // { startFromExisting: true, maxChange: 0.1 }
 */
export function replanBody(budgetPercent: number, extra: { timeLimitMs?: number } = {}): { startFromExisting: true; maxChange: number; timeLimitMs?: number } {
  if (!Number.isFinite(budgetPercent) || budgetPercent < 0 || budgetPercent > 100) throw new RangeError(`change budget ${budgetPercent}% is outside 0–100%`);
  return { startFromExisting: true, maxChange: budgetPercent / 100, ...extra };
}

/** What the panel knows. */
export type ReplanState =
  | { status: 'idle' }
  | { status: 'running'; stage: string }
  | { status: 'done'; parentId: string; newPlan: { id: string; name: string }; budgetPercent: number; figures: ReplanFigures }
  | { status: 'failed'; message: string };

/** What the panel needs from the map. */
export interface ReplanHost {
  api: ApiClient;
  /** The plan on show (the parent of a re-plan). */
  plan(): PlanDto | null;
  /** Analyst and up (the API's role for the route). */
  canRun(): boolean;
  /** Shows the job's progress (null hides it). */
  progress(label: string, job: JobDto | null): void;
  /** Draws on the map the cells the new plan moves (the host's compare view), after adding it to the plan lists. */
  showMoved(newId: string): Promise<void>;
  /** Opens the new plan and compares it with its parent. */
  open(newId: string, parentId: string): Promise<void>;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** Default change budget, % of the workload. */
export const DEFAULT_REPLAN_BUDGET = 10;

/** The re-plan section of the Compare tab: `mount` once, `render` when the plan or role changes. */
export class ReplanPanel {
  private slot: HTMLElement | null = null;
  private budget = DEFAULT_REPLAN_BUDGET;
  /** The state, for tests and the host. */
  state: ReplanState = { status: 'idle' };
  /** Optional time limit passed to the job (ms); the default is the API's. */
  timeLimitMs: number | undefined;

  constructor(private readonly host: ReplanHost) {}

  /** Puts the panel in `slot`. */
  mount(slot: HTMLElement): this {
    this.slot = slot;
    this.render();
    return this;
  }

  /** Redraws the panel (keeps the focused control focused). */
  render(): void {
    const slot = this.slot;
    if (!slot) return;
    const hadFocus = slot.contains(document.activeElement) ? document.activeElement?.id : undefined;
    slot.replaceChildren(replanSection(this.state, { budget: this.budget, canRun: this.host.canRun() && Boolean(this.host.plan()), onBudget: (b) => (this.budget = b), onRun: () => void this.run(), onOpen: () => void this.openNew() }));
    if (hadFocus) document.getElementById(hadFocus)?.focus();
  }

  /** Forgets the last answer (another plan is on show). */
  reset(): void {
    if (this.state.status === 'running') return;
    this.state = { status: 'idle' };
    this.render();
  }

  /** Starts the re-plan job, follows it, then measures the new plan against its parent. */
  async run(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canRun() || this.state.status === 'running') return;
    const budget = this.budget;
    this.state = { status: 'running', stage: 'queued' };
    this.render();
    try {
      const { data: job } = await this.host.api.post<JobDto>(`/plans/${plan.id}/replan`, replanBody(budget, this.timeLimitMs !== undefined ? { timeLimitMs: this.timeLimitMs } : {}));
      this.host.progress('Re-planning from this plan…', job);
      const final = await this.host.api.followJob(job, (j) => {
        this.host.progress(`Re-planning: ${j.stage ?? j.status}`, j);
        this.state = { status: 'running', stage: j.stage ?? j.status };
      });
      this.host.progress('', null);
      const newId = final.status === 'succeeded' ? (final.result?.planId as string | undefined) : undefined;
      if (!newId) {
        this.state = { status: 'failed', message: final.status === 'succeeded' ? 'the job named no new plan' : (final.error?.detail ?? final.status) };
      } else {
        const [c, p] = await Promise.all([
          this.host.api.get<ReplanComparison>(`/plans/${encodeURIComponent(plan.id)}/compare?with=${encodeURIComponent(newId)}`),
          this.host.api.get<PlanDto>(`/plans/${encodeURIComponent(newId)}`),
        ]);
        this.state = { status: 'done', parentId: plan.id, newPlan: { id: newId, name: p.name }, budgetPercent: budget, figures: replanFigures(c) };
        await this.host.showMoved(newId);
      }
    } catch (e) {
      this.host.progress('', null);
      this.state = { status: 'failed', message: plainError(e) };
    }
    this.render();
    if (this.state.status === 'failed') this.host.say(`Re-plan failed: ${this.state.message}`, 'refused');
    else if (this.state.status === 'done') this.host.say(`Re-plan ready: ${this.state.figures.movedCells} cells would change beat. Open the new plan to accept it.`);
  }

  private async openNew(): Promise<void> {
    const st = this.state;
    if (st.status !== 'done') return;
    await this.host.open(st.newPlan.id, st.parentId);
  }
}

/** Options of {@link replanSection}. */
export interface ReplanSectionInput {
  budget: number;
  canRun: boolean;
  onBudget: (percent: number) => void;
  onRun: () => void;
  onOpen: () => void;
}

const budgetText = (p: number) => `${p}% of the workload`;

/** The section's content for a state (pure apart from the callbacks). */
export function replanSection(st: ReplanState, o: ReplanSectionInput): HTMLElement {
  const running = st.status === 'running';
  const slider = el('input', { type: 'range', id: 'replan-budget', min: 0, max: 50, step: 1, value: o.budget, 'aria-describedby': 'replan-help', 'aria-valuetext': budgetText(o.budget) });
  const out = el('output', { id: 'replan-budget-value', for: 'replan-budget' }, budgetText(o.budget));
  slider.addEventListener('input', () => {
    const v = Number(slider.value);
    o.onBudget(v);
    out.textContent = budgetText(v);
    slider.setAttribute('aria-valuetext', budgetText(v));
  });
  const run = el('button', { type: 'submit', id: 'replan-run', disabled: !o.canRun, 'aria-disabled': running ? 'true' : undefined, 'aria-describedby': o.canRun ? undefined : 'replan-role' }, running ? 'Re-planning…' : 'Re-plan from this plan');
  const form = el(
    'form',
    { class: 'replan-form', 'aria-labelledby': 'replan-title' },
    el('h3', { id: 'replan-title' }, 'Re-plan from this plan'),
    el('label', { for: 'replan-budget' }, 'Change budget ', slider, ' ', out),
    el('p', { id: 'replan-help', class: 'muted' }, 'A new plan starting from this one, moving at most this share of the workload to another beat. This plan stays as it is.'),
    o.canRun ? null : el('p', { id: 'replan-role', class: 'muted' }, 'Re-plans are for analysts and commanders.'),
    el('div', { class: 'row' }, run),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (o.canRun && !running) o.onRun();
  });
  const sec = el('section', { class: 'replan', 'data-testid': 'replan', 'data-status': st.status, 'aria-busy': running ? 'true' : 'false', 'aria-live': 'polite' }, form);
  if (st.status === 'running') sec.append(el('p', { class: 'muted' }, `Re-planning: ${st.stage}…`));
  else if (st.status === 'failed') sec.append(el('p', { class: 'error', role: 'alert', 'data-testid': 'replan-error' }, `Re-plan failed: ${st.message}`));
  else if (st.status === 'done') {
    const f = st.figures;
    const open = el('button', { type: 'button', id: 'replan-open' }, `Open “${st.newPlan.name}”`);
    open.addEventListener('click', o.onOpen);
    sec.append(
      el(
        'div',
        { 'data-testid': 'replan-result', 'data-plan': st.newPlan.id },
        el(
          'p',
          {},
          f.movedCells === 0
            ? `With a budget of ${budgetText(st.budgetPercent)}: no cell changes beat; the re-plan kept this plan's beats.`
            : `With a budget of ${budgetText(st.budgetPercent)}: ${f.movedCells.toLocaleString('en-GB')} cells (${formatNumber(f.movedShare * 100)}% of the cells) change beat, drawn on the map.`,
        ),
        el(
          'table',
          { class: 'replan-figures' },
          el('caption', {}, 'This plan and the re-plan'),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Measure'), el('th', { scope: 'col' }, 'This plan'), el('th', { scope: 'col' }, 'Re-plan'))),
          el(
            'tbody',
            {},
            el('tr', { 'data-key': 'balance' }, el('th', { scope: 'row', title: 'Workload of the busiest beat ÷ the average beat (1 is perfect)' }, 'Balance: busiest beat vs average'), el('td', {}, formatNumber(f.balanceBefore)), el('td', {}, formatNumber(f.balanceAfter))),
            el('tr', { 'data-key': 'compactness' }, el('th', { scope: 'row', title: 'Mean Polsby-Popper score of the beats (1 is a disc)' }, 'Compactness (1 = round)'), el('td', {}, formatNumber(f.compactnessBefore)), el('td', {}, formatNumber(f.compactnessAfter))),
          ),
        ),
        el('div', { class: 'row' }, open),
      ),
    );
  }
  return sec;
}
