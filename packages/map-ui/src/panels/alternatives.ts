/**
 * Alternatives of the plan on show (issue 18 item 3): the latest set started from it
 * (`GET /plans/{id}/alternatives`, then `GET /plans/{id}/alternatives/{setId}`) as a table —
 * balance, compactness, change from the parent, response, the Pareto set marked in words and
 * a symbol — with an "Open" button per finished alternative (each is an ordinary plan).
 * Analysts and up can start a set (`POST /plans/{id}/alternatives`: how many, first seed,
 * objective profiles); the table then refreshes until every job ended.
 */
import type { AlternativeSetDto, AlternativesComparisonDto, AlternativesRequestDto } from '@beatplan/api';
import type { ApiClient, PlanDto } from '../api-client.js';
import { el } from '../panels.js';
import { plainError } from '../words.js';

/** The objective profiles the API knows, in its order, with the words the panel shows. */
export const PROFILES = [
  ['balance', 'Balance (±1% band)'],
  ['compact', 'Compact beats'],
  ['change', 'Fewest changes'],
  ['blend', 'Defaults'],
] as const;
/** A profile name. */
export type ProfileName = (typeof PROFILES)[number][0];

/** One row of the comparison (the API's row). */
export type AlternativeRow = AlternativesComparisonDto['rows'][number];

/** A row as the table shows it: every figure as text, '—' when not known. */
export interface AlternativeCells {
  jobId: string;
  planId: string | null;
  profile: string;
  seed: string;
  status: string;
  /** Busiest beat ÷ average beat (lower is better), 3 decimals. */
  balance: string;
  /** Mean Polsby-Popper compactness in % of a circle (higher is better). */
  compactness: string;
  /** Share of the workload that changes beat from the parent, % with 1 decimal (lower is better). */
  change: string;
  /** City-wide mean response minutes, 2 decimals (lower is better). */
  response: string;
  pareto: boolean;
}

const DASH = '—';

/**
 * The table's cells of a comparison row; a failed or cancelled alternative shows its error code.
 * @example alternativeCells({ jobId: 'j', profile: 'compact', seed: 3, status: 'succeeded', error: null, planId: 'p', maxOverMean: 1.0234, polsbyPopperMean: 0.4312, movedWorkloadShare: 0.1234, meanResponseMinutes: 7.456, pareto: true })
 *   // { …, balance: '1.023', compactness: '43%', change: '12.3%', response: '7.46 min', pareto: true }
 */
export function alternativeCells(r: AlternativeRow): AlternativeCells {
  const error = r.error as { code?: string } | null;
  return {
    jobId: r.jobId,
    planId: r.planId,
    profile: r.profile,
    seed: String(r.seed),
    status: error?.code ? `${r.status} (${error.code})` : r.status,
    balance: r.maxOverMean === null ? DASH : r.maxOverMean.toFixed(3),
    compactness: r.polsbyPopperMean === null ? DASH : `${Math.round(r.polsbyPopperMean * 100)}%`,
    change: r.movedWorkloadShare === null ? DASH : `${(r.movedWorkloadShare * 100).toFixed(1)}%`,
    response: r.meanResponseMinutes === null ? DASH : `${r.meanResponseMinutes.toFixed(2)} min`,
    pareto: r.pareto,
  };
}

/**
 * The request body of a set: `count` alternatives from `seed`, the chosen profiles in the API's order.
 * @throws RangeError when count is not 1–50, the seed not a whole number ≥ 0, or no profile is chosen
 * @example alternativesBody(4, 1, ['compact', 'balance']) // { count: 4, seed: 1, profiles: ['balance', 'compact'] }
 */
export function alternativesBody(
  count: number,
  seed: number,
  profiles: readonly ProfileName[],
): AlternativesRequestDto & { count: number; seed: number; profiles: ProfileName[] } {
  if (!Number.isInteger(count) || count < 1 || count > 50)
    throw new RangeError('the number of alternatives must be a whole number from 1 to 50');
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError('the seed must be a whole number of 0 or more');
  const chosen = PROFILES.map(([p]) => p).filter((p) => profiles.includes(p));
  if (!chosen.length) throw new RangeError('choose at least one profile');
  return { count, seed, profiles: chosen };
}

/** What the panel needs from the map. */
export interface AlternativesHost {
  api: ApiClient;
  /** The plan on show (the parent). */
  plan(): PlanDto | null;
  /** Analyst and up: may start alternatives. */
  canRun(): boolean;
  /** Opens an alternative as the plan on show. */
  open(planId: string): Promise<void>;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** The panel's state. */
export type AlternativesState =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'shown'; comparison: AlternativesComparisonDto; count: number }
  | { status: 'failed'; message: string };

/** How often the table refreshes while jobs run, ms. */
export const ALTERNATIVES_POLL_MS = 1500;

/** The Alternatives section (Compare tab): `mount` once, `load` when the plan on show changes. */
export class AlternativesPanel {
  private slot: HTMLElement | null = null;
  private count = 4;
  private seed = 1;
  private profiles = new Set<ProfileName>(PROFILES.map(([p]) => p));
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Which plan the state belongs to (answers for another plan are dropped). */
  private planId: string | null = null;
  /** The state, for tests and the host. */
  state: AlternativesState = { status: 'none' };

  constructor(private readonly host: AlternativesHost) {}

  /** Puts the panel in `slot`. */
  mount(slot: HTMLElement): this {
    this.slot = slot;
    this.render();
    return this;
  }

  /** Shows the latest set of the plan on show (none: just the form). */
  async load(): Promise<void> {
    clearTimeout(this.timer);
    const plan = this.host.plan();
    this.planId = plan?.id ?? null;
    if (!plan) {
      this.state = { status: 'none' };
      return this.render();
    }
    try {
      const { items } = await this.host.api.get<{ items: AlternativeSetDto[] }>(`/plans/${encodeURIComponent(plan.id)}/alternatives`);
      const latest = items[items.length - 1];
      if (this.planId !== plan.id) return;
      if (!latest) {
        this.state = { status: 'none' };
        return this.render();
      }
      await this.refresh(plan.id, latest.id, latest.members.length);
    } catch (e) {
      if (this.planId !== plan.id) return;
      this.state = { status: 'failed', message: plainError(e) };
      this.render();
    }
  }

  /** Starts a set of alternatives of the plan on show with the form's values. */
  async start(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canRun()) return;
    let body: ReturnType<typeof alternativesBody>;
    try {
      body = alternativesBody(this.count, this.seed, [...this.profiles]);
    } catch (e) {
      this.host.say(`Alternatives: ${(e as Error).message}.`, 'refused');
      return;
    }
    clearTimeout(this.timer);
    this.state = { status: 'loading' };
    this.render();
    try {
      const { data: set } = await this.host.api.post<AlternativeSetDto>(`/plans/${encodeURIComponent(plan.id)}/alternatives`, body);
      this.host.say(`Planning ${set.members.length} alternatives of ${plan.name}…`);
      await this.refresh(plan.id, set.id, set.members.length);
    } catch (e) {
      this.state = { status: 'failed', message: plainError(e) };
      this.render();
      this.host.say(`Alternatives failed: ${this.state.message}`, 'refused');
    }
  }

  /** Stops refreshing (the map is closing). */
  stop(): void {
    clearTimeout(this.timer);
  }

  private async refresh(planId: string, setId: string, count: number): Promise<void> {
    const comparison = await this.host.api.get<AlternativesComparisonDto>(
      `/plans/${encodeURIComponent(planId)}/alternatives/${encodeURIComponent(setId)}`,
    );
    if (this.planId !== planId) return;
    this.state = { status: 'shown', comparison, count };
    this.render();
    if (comparison.finished < comparison.rows.length) {
      this.timer = setTimeout(
        () => void this.refresh(planId, setId, count).catch((e) => this.host.say(`Alternatives: ${plainError(e)}`, 'refused')),
        ALTERNATIVES_POLL_MS,
      );
    }
  }

  /** Redraws the panel. */
  render(): void {
    const slot = this.slot;
    if (!slot) return;
    const hadFocus = slot.contains(document.activeElement) ? document.activeElement?.id : undefined;
    slot.replaceChildren(this.section());
    if (hadFocus) document.getElementById(hadFocus)?.focus();
  }

  private section(): HTMLElement {
    const section = el(
      'section',
      { class: 'alternatives', 'aria-labelledby': 'alt-title', 'data-testid': 'alternatives' },
      el('h3', { id: 'alt-title' }, 'Alternatives'),
    );
    const s = this.state;
    if (s.status === 'loading') section.append(el('p', { role: 'status' }, 'Starting the alternatives…'));
    else if (s.status === 'failed') section.append(el('p', { role: 'alert' }, `Could not show the alternatives: ${s.message}`));
    else if (s.status === 'none') section.append(el('p', {}, 'No alternatives of this plan yet.'));
    else section.append(...this.table(s.comparison));
    if (this.host.canRun() && this.host.plan()) section.append(this.form());
    return section;
  }

  private table(c: AlternativesComparisonDto): HTMLElement[] {
    const done = c.finished === c.rows.length;
    const status = el(
      'p',
      { role: 'status', 'data-testid': 'alternatives-status' },
      done
        ? `${c.rows.length} alternatives, all finished. ★ marks the Pareto set: no other alternative is at least as good on all four figures and better on one.`
        : `${c.finished} of ${c.rows.length} alternatives finished…`,
    );
    const head = el(
      'tr',
      {},
      ...['Profile', 'Seed', 'Status', 'Balance (busiest ÷ average)', 'Compactness', 'Change from parent', 'Mean response', 'Pareto'].map(
        (h) => el('th', { scope: 'col' }, h),
      ),
      el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, 'Open as the plan on show')),
    );
    const body = el('tbody');
    for (const r of c.rows.map(alternativeCells)) {
      const open = r.planId
        ? el(
            'button',
            { type: 'button', class: 'alt-open', 'data-plan': r.planId, 'aria-label': `Open the ${r.profile} alternative, seed ${r.seed}` },
            'Open',
          )
        : null;
      open?.addEventListener('click', () => void this.host.open(r.planId!));
      body.append(
        el(
          'tr',
          { 'data-job': r.jobId, class: r.pareto ? 'pareto' : undefined },
          el('td', {}, r.profile),
          el('td', {}, r.seed),
          el('td', {}, r.status),
          el('td', {}, r.balance),
          el('td', {}, r.compactness),
          el('td', {}, r.change),
          el('td', {}, r.response),
          el('td', { 'data-pareto': r.pareto ? 'yes' : 'no' }, r.pareto ? '★ Pareto' : ''),
          el('td', {}, open),
        ),
      );
    }
    const table = el(
      'table',
      { class: 'alternatives-table', 'data-testid': 'alternatives-table' },
      el('caption', { class: 'visually-hidden' }, 'Alternatives of this plan: balance, compactness, change and response'),
      el('thead', {}, head),
      body,
    );
    return [status, el('div', { class: 'table-scroll' }, table)];
  }

  private form(): HTMLElement {
    const count = el('input', { id: 'alt-count', type: 'number', min: 1, max: 50, step: 1, value: this.count });
    count.addEventListener('input', () => (this.count = Number(count.value)));
    const seed = el('input', { id: 'alt-seed', type: 'number', min: 0, step: 1, value: this.seed });
    seed.addEventListener('input', () => (this.seed = Number(seed.value)));
    const boxes = PROFILES.map(([p, words]) => {
      const box = el('input', { type: 'checkbox', id: `alt-profile-${p}`, value: p, checked: this.profiles.has(p) });
      box.addEventListener('change', () => (box.checked ? this.profiles.add(p) : this.profiles.delete(p)));
      return el('label', {}, box, ` ${words}`);
    });
    const running =
      this.state.status === 'loading' ||
      (this.state.status === 'shown' && this.state.comparison.finished < this.state.comparison.rows.length);
    const run = el('button', { type: 'button', id: 'alt-run', disabled: running }, 'Plan alternatives');
    run.addEventListener('click', () => void this.start());
    return el(
      'fieldset',
      { class: 'alt-form' },
      el('legend', {}, 'Plan new alternatives'),
      el('label', { for: 'alt-count' }, 'How many '),
      count,
      el('label', { for: 'alt-seed' }, ' First seed '),
      seed,
      el('div', { class: 'alt-profiles' }, ...boxes),
      run,
      el(
        'p',
        { class: 'hint' },
        "Each alternative re-plans this plan's inputs with its own seed and profile, as a job on the workers. A balance of 1.000 is perfectly even.",
      ),
    );
  }
}
