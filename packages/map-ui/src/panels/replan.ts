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
import type { ChangeCurveResultDto, PlanComparisonDto } from '@beatplan/api';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { formatNumber } from '../map-style.js';
import { el, replaceKeepingFocus } from '../panels.js';
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
export function replanBody(
  budgetPercent: number,
  extra: { timeLimitMs?: number } = {},
): { startFromExisting: true; maxChange: number; timeLimitMs?: number } {
  if (!Number.isFinite(budgetPercent) || budgetPercent < 0 || budgetPercent > 100)
    throw new RangeError(`change budget ${budgetPercent}% is outside 0–100%`);
  return { startFromExisting: true, maxChange: budgetPercent / 100, ...extra };
}

/** One point of a plan's change curve (`GET /plans/{id}/change-curve/{jobId}`). */
export type ChangeCurvePoint = ChangeCurveResultDto['curve']['points'][number];

/** The change curve's state: not asked for, being computed (a job), drawn, or failed. */
export type CurveState =
  | { status: 'none' }
  | { status: 'running'; stage: string }
  | { status: 'ready'; planId: string; tolerance: number; points: ChangeCurvePoint[] }
  | { status: 'failed'; message: string };

/** Where the chart draws: plot area inside the SVG, px. */
export interface CurveFrame {
  width: number;
  height: number;
  /** Left, right, top and bottom margins for the axes' labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The default frame of the change-curve chart (fits the side panel). */
export const CURVE_FRAME: CurveFrame = { width: 300, height: 180, left: 44, right: 12, top: 12, bottom: 36 };

/** The chart's geometry: every point in SVG px, the axes' ranges, and the point chosen by the budget. */
export interface CurveGeometry {
  points: Array<{ x: number; y: number; budget: number; movedPercent: number; balance: number }>;
  /** x range: moved share of the workload, % (0 to the largest moved share, at least 5). */
  xMaxPercent: number;
  /** y range: balance (busiest beat ÷ average), from 1 to the largest, at least 1.1. */
  yMin: number;
  yMax: number;
  /** Index of the point at the largest budget not above the chosen one (the re-plan at that budget lands there or better); -1 when none. */
  chosen: number;
  /** The chosen budget as an x position (a vertical line), px, clamped to the plot. */
  budgetX: number;
}

/**
 * Lays out the change curve: x = share of the workload moved to another beat (%), y = balance
 * (workload of the busiest beat ÷ the average beat); points in increasing budget. The chosen
 * point is the one at the largest budget not above `budgetPercent`.
 * @example curveGeometry([{ budget: 0, movedWorkloadShare: 0, maxOverMean: 1.3 }, { budget: 0.1, movedWorkloadShare: 0.08, maxOverMean: 1.1 }], 10).chosen // 1
 */
export function curveGeometry(
  points: ReadonlyArray<Pick<ChangeCurvePoint, 'budget' | 'movedWorkloadShare' | 'maxOverMean'>>,
  budgetPercent: number,
  frame: CurveFrame = CURVE_FRAME,
): CurveGeometry {
  const sorted = [...points].sort((a, b) => a.budget - b.budget);
  const xMaxPercent = Math.max(5, ...sorted.map((p) => p.movedWorkloadShare * 100));
  const yMin = 1;
  const yMax = Math.max(1.1, ...sorted.map((p) => p.maxOverMean));
  const w = frame.width - frame.left - frame.right;
  const h = frame.height - frame.top - frame.bottom;
  const sx = (percent: number) => frame.left + (Math.min(percent, xMaxPercent) / xMaxPercent) * w;
  const sy = (balance: number) => frame.top + (1 - (Math.max(yMin, Math.min(balance, yMax)) - yMin) / (yMax - yMin)) * h;
  let chosen = -1;
  sorted.forEach((p, k) => {
    if (p.budget * 100 <= budgetPercent + 1e-9) chosen = k;
  });
  return {
    points: sorted.map((p) => ({
      x: sx(p.movedWorkloadShare * 100),
      y: sy(p.maxOverMean),
      budget: p.budget,
      movedPercent: p.movedWorkloadShare * 100,
      balance: p.maxOverMean,
    })),
    xMaxPercent,
    yMin,
    yMax,
    chosen,
    budgetX: sx(budgetPercent),
  };
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: Array<Node | string>
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

const pct = (x: number) => `${formatNumber(x)}%`;

/**
 * The change curve as a small SVG chart (moved share of the workload → balance) with the
 * chosen budget marked (a dashed line and a ringed point), and the same figures as a table
 * beside it for screen readers and for reading exact values.
 */
export function changeCurveChart(points: readonly ChangeCurvePoint[], budgetPercent: number, frame: CurveFrame = CURVE_FRAME): HTMLElement {
  const g = curveGeometry(points, budgetPercent, frame);
  const bottom = frame.height - frame.bottom;
  const right = frame.width - frame.right;
  const line = g.points.map((p, k) => `${k ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  const chosen = g.points[g.chosen];
  const chart = svg(
    'svg',
    {
      viewBox: `0 0 ${frame.width} ${frame.height}`,
      width: frame.width,
      height: frame.height,
      role: 'img',
      'aria-labelledby': 'curve-title curve-desc',
      class: 'curve-chart',
      'data-testid': 'change-curve-chart',
    },
    svg('title', { id: 'curve-title' }, 'Change curve: balance against the share of the workload that changes beat'),
    svg(
      'desc',
      { id: 'curve-desc' },
      chosen
        ? `At a budget of ${budgetPercent}%: ${pct(chosen.movedPercent)} of the workload changes beat, busiest beat ${formatNumber(chosen.balance)} × average.`
        : `No point at or under a budget of ${budgetPercent}%.`,
    ),
    svg('line', { x1: frame.left, y1: bottom, x2: right, y2: bottom, class: 'axis' }),
    svg('line', { x1: frame.left, y1: frame.top, x2: frame.left, y2: bottom, class: 'axis' }),
    svg('text', { x: frame.left, y: bottom + 14, 'text-anchor': 'middle', class: 'tick' }, '0%'),
    svg('text', { x: right, y: bottom + 14, 'text-anchor': 'end', class: 'tick' }, pct(g.xMaxPercent)),
    svg(
      'text',
      { x: (frame.left + right) / 2, y: frame.height - 4, 'text-anchor': 'middle', class: 'axis-label' },
      'workload moved to another beat',
    ),
    svg('text', { x: frame.left - 4, y: bottom, 'text-anchor': 'end', class: 'tick' }, formatNumber(g.yMin)),
    svg('text', { x: frame.left - 4, y: frame.top + 8, 'text-anchor': 'end', class: 'tick' }, formatNumber(g.yMax)),
    svg(
      'text',
      {
        x: 4,
        y: frame.top + (bottom - frame.top) / 2,
        class: 'axis-label',
        transform: `rotate(-90 10 ${frame.top + (bottom - frame.top) / 2})`,
        'text-anchor': 'middle',
      },
      'balance',
    ),
    svg('line', {
      x1: g.budgetX,
      y1: frame.top,
      x2: g.budgetX,
      y2: bottom,
      class: 'budget-line',
      'stroke-dasharray': '4 3',
      'data-testid': 'curve-budget-line',
    }),
    svg('path', { d: line, class: 'curve', fill: 'none' }),
    ...g.points.map((p, k) =>
      svg('circle', {
        cx: p.x.toFixed(1),
        cy: p.y.toFixed(1),
        r: k === g.chosen ? 6 : 3.5,
        class: k === g.chosen ? 'point chosen' : 'point',
        'data-budget': p.budget,
      }),
    ),
  );
  const table = el(
    'table',
    { class: 'curve-table', 'data-testid': 'change-curve-table' },
    el('caption', {}, 'Change budget and what a re-plan reaches'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Budget'),
        el('th', { scope: 'col' }, 'Moved'),
        el('th', { scope: 'col', title: 'Workload of the busiest beat ÷ the average beat (1 is perfect)' }, 'Balance'),
        el('th', { scope: 'col', title: 'Mean Polsby-Popper score of the beats (1 is a disc)' }, 'Compactness'),
      ),
    ),
    el(
      'tbody',
      {},
      ...g.points.map((p, k) => {
        const src = [...points].sort((a, b) => a.budget - b.budget)[k]!;
        return el(
          'tr',
          { 'data-budget': p.budget, class: k === g.chosen ? 'chosen' : undefined, 'aria-current': k === g.chosen ? 'true' : undefined },
          el('th', { scope: 'row' }, src.unconstrained ? `${pct(p.budget * 100)} (no limit reached)` : pct(p.budget * 100)),
          el('td', {}, pct(p.movedPercent)),
          el('td', {}, formatNumber(p.balance)),
          el('td', {}, formatNumber(src.polsbyPopperMean)),
        );
      }),
    ),
  );
  return el('div', { class: 'change-curve', 'data-testid': 'change-curve' }, chart, table);
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
  /** The change curve of the plan on show (drawn on request: it is a job). */
  curve: CurveState = { status: 'none' };
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
    replaceKeepingFocus(
      slot,
      replanSection(this.state, {
        budget: this.budget,
        canRun: this.host.canRun() && Boolean(this.host.plan()),
        curve: this.curve,
        onBudget: (b) => (this.budget = b),
        onRun: () => void this.run(),
        onOpen: () => void this.openNew(),
        onCurve: () => void this.drawCurve(),
      }),
    );
  }

  /** Forgets the last answer (another plan is on show). */
  reset(): void {
    if (this.curve.status !== 'running' && !(this.curve.status === 'ready' && this.curve.planId === this.host.plan()?.id))
      this.curve = { status: 'none' };
    if (this.state.status === 'running') return;
    this.state = { status: 'idle' };
    this.render();
  }

  /**
   * Computes the change curve of the plan on show (`POST /plans/{id}/change-curve`, a job with
   * progress) and draws it: balance against the workload moved, per budget, the slider's marked.
   */
  async drawCurve(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canRun() || this.curve.status === 'running') return;
    this.curve = { status: 'running', stage: 'queued' };
    this.render();
    try {
      const { data: job } = await this.host.api.post<JobDto>(
        `/plans/${encodeURIComponent(plan.id)}/change-curve`,
        this.timeLimitMs !== undefined ? { timeLimitMs: this.timeLimitMs } : {},
      );
      this.host.progress('Drawing the change curve…', job);
      const final = await this.host.api.followJob(job, (j) => {
        this.host.progress(`Change curve: ${j.stage ?? j.status}`, j);
        this.curve = { status: 'running', stage: j.stage ?? j.status };
      });
      this.host.progress('', null);
      if (final.status !== 'succeeded') this.curve = { status: 'failed', message: final.error?.detail ?? final.status };
      else {
        const r = await this.host.api.get<ChangeCurveResultDto>(
          `/plans/${encodeURIComponent(plan.id)}/change-curve/${encodeURIComponent(job.id)}`,
        );
        this.curve = { status: 'ready', planId: plan.id, tolerance: r.curve.tolerance, points: r.curve.points };
      }
      // another plan was opened meanwhile: this curve is not its curve
      if (this.host.plan()?.id !== plan.id) this.curve = { status: 'none' };
    } catch (e) {
      this.host.progress('', null);
      this.curve = { status: 'failed', message: plainError(e) };
    }
    this.render();
    if (this.curve.status === 'failed') this.host.say(`Change curve failed: ${this.curve.message}`, 'refused');
  }

  /** Starts the re-plan job, follows it, then measures the new plan against its parent. */
  async run(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canRun() || this.state.status === 'running') return;
    const budget = this.budget;
    this.state = { status: 'running', stage: 'queued' };
    this.render();
    try {
      const { data: job } = await this.host.api.post<JobDto>(
        `/plans/${plan.id}/replan`,
        replanBody(budget, this.timeLimitMs !== undefined ? { timeLimitMs: this.timeLimitMs } : {}),
      );
      this.host.progress('Re-planning from this plan…', job);
      const final = await this.host.api.followJob(job, (j) => {
        this.host.progress(`Re-planning: ${j.stage ?? j.status}`, j);
        this.state = { status: 'running', stage: j.stage ?? j.status };
      });
      this.host.progress('', null);
      const newId = final.status === 'succeeded' ? (final.result?.planId as string | undefined) : undefined;
      if (!newId) {
        this.state = {
          status: 'failed',
          message: final.status === 'succeeded' ? 'the job named no new plan' : (final.error?.detail ?? final.status),
        };
      } else {
        const [c, p] = await Promise.all([
          this.host.api.get<ReplanComparison>(`/plans/${encodeURIComponent(plan.id)}/compare?with=${encodeURIComponent(newId)}`),
          this.host.api.get<PlanDto>(`/plans/${encodeURIComponent(newId)}`),
        ]);
        this.state = {
          status: 'done',
          parentId: plan.id,
          newPlan: { id: newId, name: p.name },
          budgetPercent: budget,
          figures: replanFigures(c),
        };
        await this.host.showMoved(newId);
      }
    } catch (e) {
      this.host.progress('', null);
      this.state = { status: 'failed', message: plainError(e) };
    }
    this.render();
    if (this.state.status === 'failed') this.host.say(`Re-plan failed: ${this.state.message}`, 'refused');
    else if (this.state.status === 'done')
      this.host.say(`Re-plan ready: ${this.state.figures.movedCells} cells would change beat. Open the new plan to accept it.`);
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
  /** The change curve (default: not drawn). */
  curve?: CurveState;
  onBudget: (percent: number) => void;
  onRun: () => void;
  onOpen: () => void;
  /** Computes and draws the change curve. */
  onCurve?: () => void;
}

const budgetText = (p: number) => `${p}% of the workload`;

/** The section's content for a state (pure apart from the callbacks). */
export function replanSection(st: ReplanState, o: ReplanSectionInput): HTMLElement {
  const running = st.status === 'running';
  const slider = el('input', {
    type: 'range',
    id: 'replan-budget',
    min: 0,
    max: 50,
    step: 1,
    value: o.budget,
    'aria-describedby': 'replan-help',
    'aria-valuetext': budgetText(o.budget),
  });
  const out = el('output', { id: 'replan-budget-value', for: 'replan-budget' }, budgetText(o.budget));
  const curve = o.curve ?? { status: 'none' };
  const chartSlot = el('div', { class: 'curve-slot' }, curve.status === 'ready' ? changeCurveChart(curve.points, o.budget) : null);
  slider.addEventListener('input', () => {
    const v = Number(slider.value);
    o.onBudget(v);
    out.textContent = budgetText(v);
    slider.setAttribute('aria-valuetext', budgetText(v));
    if (curve.status === 'ready') chartSlot.replaceChildren(changeCurveChart(curve.points, v));
  });
  const run = el(
    'button',
    {
      type: 'submit',
      id: 'replan-run',
      disabled: !o.canRun,
      'aria-disabled': running ? 'true' : undefined,
      'aria-describedby': o.canRun ? undefined : 'replan-role',
    },
    running ? 'Re-planning…' : 'Re-plan from this plan',
  );
  const form = el(
    'form',
    { class: 'replan-form', 'aria-labelledby': 'replan-title' },
    el('h3', { id: 'replan-title' }, 'Re-plan from this plan'),
    el('label', { for: 'replan-budget' }, 'Change budget ', slider, ' ', out),
    el(
      'p',
      { id: 'replan-help', class: 'muted' },
      'A new plan starting from this one, moving at most this share of the workload to another beat. This plan stays as it is.',
    ),
    o.canRun ? null : el('p', { id: 'replan-role', class: 'muted' }, 'Re-plans are for analysts and commanders.'),
    el('div', { class: 'row' }, run),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (o.canRun && !running) o.onRun();
  });
  const curveButton = el(
    'button',
    { type: 'button', id: 'replan-curve', disabled: !o.canRun || curve.status === 'running' || undefined },
    curve.status === 'ready' ? 'Redraw the change curve' : 'Draw the change curve',
  );
  curveButton.addEventListener('click', () => o.onCurve?.());
  const curveSec = el(
    'div',
    { class: 'replan-curve', 'data-testid': 'replan-curve', 'data-status': curve.status },
    el(
      'p',
      { class: 'muted', id: 'replan-curve-help' },
      'The change curve re-plans at several budgets and shows how balance improves as more of the workload changes beat, so the budget can be chosen before re-planning.',
    ),
    o.canRun && o.onCurve ? el('div', { class: 'row' }, curveButton) : null,
    curve.status === 'running' ? el('p', { class: 'muted' }, `Drawing the change curve: ${curve.stage}…`) : null,
    curve.status === 'failed' ? el('p', { class: 'error', role: 'alert' }, `Change curve failed: ${curve.message}`) : null,
    chartSlot,
  );
  const sec = el(
    'section',
    { class: 'replan', 'data-testid': 'replan', 'data-status': st.status, 'aria-busy': running ? 'true' : 'false', 'aria-live': 'polite' },
    form,
    curveSec,
  );
  if (st.status === 'running') sec.append(el('p', { class: 'muted' }, `Re-planning: ${st.stage}…`));
  else if (st.status === 'failed')
    sec.append(el('p', { class: 'error', role: 'alert', 'data-testid': 'replan-error' }, `Re-plan failed: ${st.message}`));
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
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, 'Measure'),
              el('th', { scope: 'col' }, 'This plan'),
              el('th', { scope: 'col' }, 'Re-plan'),
            ),
          ),
          el(
            'tbody',
            {},
            el(
              'tr',
              { 'data-key': 'balance' },
              el(
                'th',
                { scope: 'row', title: 'Workload of the busiest beat ÷ the average beat (1 is perfect)' },
                'Balance: busiest beat vs average',
              ),
              el('td', {}, formatNumber(f.balanceBefore)),
              el('td', {}, formatNumber(f.balanceAfter)),
            ),
            el(
              'tr',
              { 'data-key': 'compactness' },
              el('th', { scope: 'row', title: 'Mean Polsby-Popper score of the beats (1 is a disc)' }, 'Compactness (1 = round)'),
              el('td', {}, formatNumber(f.compactnessBefore)),
              el('td', {}, formatNumber(f.compactnessAfter)),
            ),
          ),
        ),
        el('div', { class: 'row' }, open),
      ),
    );
  }
  return sec;
}
