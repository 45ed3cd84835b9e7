/**
 * DOM builders of the side panels: metrics overview (a bar per beat against the tolerance
 * band), beat card, stroke preview, comparison summary, staffing table, legend. Each takes
 * data and returns elements; the app decides where they go. Text only through `textContent`
 * (no HTML injection from data).
 */
import type { StaffingResultDto } from './exports.js';
import type { Legend, LegendItem } from './map-style.js';
import { formatNumber } from './map-style.js';
import type { Band, BeatMetricsDto, PlanMetricsDto, SortKey, StrokeBeatDelta } from './metrics.js';
import { bandOf, problemBeats, sortBeats, statusOf } from './metrics.js';
import { withOpacity } from './palette.js';
import {
  assumptionLines,
  beatResponseRows,
  type ComparisonRow,
  cityLine,
  DEFAULT_SATURATION_PERCENT,
  type PlanResponseDto,
  stepperValue,
  type UnitsWhatIfForm,
  type WhatIfBeatView,
  type WhatIfForm,
} from './response.js';
import { staffingCell } from './words.js';

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (`class`, `aria-*`, `data-*`…) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null | undefined>
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/**
 * Replaces `slot`'s content with `children` and gives the focus back to the element with the
 * id that had it, when the new content has one (a panel redrawn under the keyboard user).
 */
export function replaceKeepingFocus(slot: HTMLElement, ...children: Array<Node | string>): void {
  const hadFocus = slot.contains(document.activeElement) ? document.activeElement?.id : undefined;
  slot.replaceChildren(...children);
  if (hadFocus) document.getElementById(hadFocus)?.focus();
}

const STATUS_TEXT = { under: '▼ under', ok: '✓ in band', over: '▲ over' } as const;

/**
 * The summary block of a plan's metrics, in a commander's words: each figure named plainly,
 * rounded to what matters, with a one-line explanation on hover (`title`) and for screen readers.
 */
export function metricsSummary(m: PlanMetricsDto): HTMLElement {
  const band = bandOf(m);
  const problems = problemBeats(m);
  const pct = Math.round(band.tolerance * 100);
  const rows: Array<[string, string, string]> = [
    ['Beats', String(m.beats), 'How many beats the plan has.'],
    ['Cells', m.cells.toLocaleString('en-GB'), 'The small hexagons the city is cut into; beats are made of them.'],
    ['Average workload', `${Math.round(band.mean)} h/week`, 'Officer-hours of calls and patrol a week in the average beat.'],
    [
      `Fair band (±${pct}%)`,
      `${Math.round(band.low)}–${Math.round(band.high)} h/week`,
      `Workloads within ${pct}% of the average count as balanced.`,
    ],
    [
      'Balance',
      `busiest beat ${formatNumber(m.workload.maxOverMean)} × average`,
      'Balance: the busiest beat’s workload divided by the average beat’s (1 = perfectly even).',
    ],
    [
      'Spread',
      `${Math.round(m.workload.cv * 100)}% typical difference`,
      'How far beats’ workloads typically are from the average, as a share of it (coefficient of variation).',
    ],
    ['Beats in pieces', String(m.contiguity.nonContiguousBeats), 'Beats that are not one connected area (should be 0).'],
    [
      'Outside the fair band',
      String(m.beatsOutsideTolerance ?? problems.filter((p) => p.reasons.some((r) => r !== 'non-contiguous')).length),
      'Beats busier or quieter than the fair band.',
    ],
    [
      'Compactness',
      `${Math.round(m.compactness.polsbyPopperMean * 100)}% of a circle`,
      'Average compactness: how close a beat’s shape is to a circle (Polsby-Popper; 100% = a circle, long thin beats score low).',
    ],
  ];
  return el(
    'dl',
    { class: 'summary', 'data-testid': 'metrics-summary' },
    ...rows.flatMap(([k, v, help]) => [
      el('dt', { title: help }, k, el('span', { class: 'visually-hidden' }, ` (${help})`)),
      el('dd', { title: help }, v),
    ]),
  );
}

/**
 * The bar list: one row per beat, the bar's length its workload, the band shaded, the status
 * as text and symbol (not colour alone). Clicking a row calls `onPick(beatId)`.
 */
export function metricsBars(
  m: PlanMetricsDto,
  sort: SortKey,
  descending: boolean,
  selectedId: string | null,
  onPick: (id: string) => void,
): HTMLElement {
  const band = bandOf(m);
  const max = Math.max(band.high * 1.15, ...m.perBeat.map((b) => b.workload), 1e-9);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / max) * 100)).toFixed(2)}%`;
  const list = el('ol', { class: 'bars', 'aria-label': 'Workload per beat against the tolerance band', 'data-testid': 'metrics-bars' });
  for (const b of sortBeats(m.perBeat, sort, descending, band.mean)) {
    const s = statusOf(b.workload, band);
    const bandEl = el('span', {
      class: 'band',
      style: `left:${pct(band.low)};width:${(((band.high - band.low) / max) * 100).toFixed(2)}%`,
    });
    const bar = el('span', { class: `bar ${s}`, style: `width:${pct(b.workload)}` });
    const track = el('span', { class: 'track', 'aria-hidden': 'true' }, bandEl, bar);
    const label = `${b.id}: ${formatNumber(b.workload)} h/week, ${STATUS_TEXT[s]}${b.contiguous ? '' : ', non-contiguous'}${b.locked ? ', locked' : ''}`;
    // the name comes from the visible text plus words for screen readers (no aria-label that
    // would hide the visible text from speech-input users)
    const row = el(
      'button',
      { type: 'button', class: `bar-row${b.id === selectedId ? ' selected' : ''}`, 'data-beat': b.id, 'data-label': label, title: label },
      el('span', { class: 'bar-id' }, `${b.id}${b.locked ? ' (locked)' : ''}`),
      track,
      el(
        'span',
        { class: `bar-val ${s}`, 'data-status': s },
        `${formatNumber(b.workload)} ${s === 'ok' ? '✓' : s === 'over' ? '▲' : '▼'}${b.contiguous ? '' : ' ✂'}`,
      ),
      el('span', { class: 'visually-hidden' }, ` h/week, ${STATUS_TEXT[s]}${b.contiguous ? '' : ', non-contiguous'}`),
    );
    row.addEventListener('click', () => onPick(b.id));
    list.append(el('li', {}, row));
  }
  return list;
}

/** Options of {@link beatCard}. */
export interface BeatCardInput {
  beat: BeatMetricsDto;
  band: Band;
  shifts: string[];
  /** Officers allocated per shift by the latest staffing (commanders), or null. */
  officers: Record<string, number> | null;
  /** Officers on duty per shift that the time model needs (the response figures' `unitsByShift`), or null while unknown. */
  modelOfficers?: Record<string, number> | null;
  /** Community-time need per shift, h/week, from the latest staffing, or null. */
  communityHours?: Record<string, number> | null;
  canEdit: boolean;
  onLockToggle: () => void;
  onZoom: () => void;
  /** Sections appended to the card (response figures, what-if), filled by the caller. */
  extra?: HTMLElement[];
  /** Names of the meeting venues in the beat (the ground reference's venues), or null when the plan has none drawn. */
  venues?: readonly string[] | null;
}

/** The card of one beat: workload against the band, area, compactness, shifts, officers, lock. */
export function beatCard(o: BeatCardInput): HTMLElement {
  const { beat: b, band } = o;
  const s = statusOf(b.workload, band);
  const max = Math.max(band.high * 1.25, b.workload * 1.05, 1e-9);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / max) * 100)).toFixed(2)}%`;
  const community = o.communityHours ?? null;
  const shiftRows = (b.shiftWorkloadHours ?? []).map((w, k) => {
    const label = o.shifts[k] ?? `shift ${k + 1}`;
    const ch = community?.[label];
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, label),
      el('td', {}, formatNumber(w)),
      el('td', { 'data-testid': 'beat-officers', 'data-shift': label }, officersText(o.officers?.[label], o.modelOfficers?.[label])),
      community ? el('td', {}, ch === undefined ? '–' : formatNumber(ch)) : null,
    );
  });
  const lock = el(
    'button',
    { type: 'button', id: 'lock-toggle', title: 'Lock / unlock this beat (L)', disabled: !o.canEdit },
    b.locked ? 'Unlock beat' : 'Lock beat',
  );
  lock.addEventListener('click', o.onLockToggle);
  const zoom = el('button', { type: 'button', title: 'Zoom to this beat' }, 'Zoom to beat');
  zoom.addEventListener('click', o.onZoom);
  return el(
    'article',
    { class: 'beat-card', 'data-testid': 'beat-card', 'data-beat': b.id, 'aria-label': `Beat ${b.id}` },
    el(
      'h2',
      {},
      `Beat ${b.id}`,
      b.locked ? el('span', { class: 'badge' }, 'locked') : null,
      b.contiguous ? null : el('span', { class: 'badge warn' }, 'non-contiguous'),
    ),
    el(
      'div',
      {
        class: 'gauge',
        role: 'img',
        'aria-label': `workload ${formatNumber(b.workload)}, band ${formatNumber(band.low)} to ${formatNumber(band.high)}: ${STATUS_TEXT[s]}`,
      },
      el('span', { class: 'band', style: `left:${pct(band.low)};width:${(((band.high - band.low) / max) * 100).toFixed(2)}%` }),
      el('span', { class: `bar ${s}`, style: `width:${pct(b.workload)}` }),
    ),
    el(
      'p',
      { class: `status ${s}` },
      `${formatNumber(b.workload)} h/week — ${STATUS_TEXT[s]} (band ${formatNumber(band.low)}–${formatNumber(band.high)})`,
    ),
    el(
      'dl',
      { class: 'summary' },
      el('dt', {}, 'Cells'),
      el('dd', {}, String(b.cells)),
      el('dt', {}, 'Area'),
      el('dd', {}, `${formatNumber(b.areaKm2)} km²`),
      el('dt', {}, 'Compactness (Polsby-Popper)'),
      el('dd', {}, formatNumber(b.polsbyPopper)),
      el('dt', {}, 'Community need'),
      el('dd', {}, b.needHours === undefined ? '–' : `${formatNumber(b.needHours)} h/week`),
      o.venues ? el('dt', {}, 'Meeting venues') : null,
      o.venues ? el('dd', { 'data-testid': 'beat-venues' }, o.venues.length ? o.venues.join('; ') : 'none in this beat') : null,
    ),
    shiftRows.length
      ? el(
          'table',
          { class: 'shifts' },
          el('caption', {}, 'Per shift'),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, 'Shift'),
              el('th', {}, 'Workload h/wk'),
              el(
                'th',
                {
                  title:
                    'Rostered: the latest staffing (as in the staffing table); the time model: the officers on duty the response figures need',
                },
                'Officers',
              ),
              community ? el('th', { title: 'Community-time need of the beat in the shift (staffing)' }, 'Community h/wk') : null,
            ),
          ),
          el('tbody', {}, ...shiftRows),
        )
      : null,
    el('div', { class: 'row' }, lock, zoom),
    ...(o.extra ?? []),
  );
}

/**
 * The one officer figure of a shift on the beat card: the officers the latest staffing rostered
 * on the shift (the staffing table's number) and, when it differs, the officers the time model
 * needs, each labelled; one number when they agree.
 * @example officersText(3, 2) // '3 rostered; the time model needs 2'
 * @example officersText(undefined, 2) // 'the time model needs 2'
 */
export function officersText(rostered: number | undefined, model: number | undefined): string {
  if (rostered === undefined) return model === undefined ? '–' : `the time model needs ${model}`;
  if (model === undefined) return `${rostered} rostered`;
  return rostered === model ? `${rostered} rostered (as the time model needs)` : `${rostered} rostered; the time model needs ${model}`;
}

/**
 * Rewrites the officer cells of a beat card already on screen (the response figures arrive after
 * the card is drawn), so the card keeps its focus and what-if state.
 */
export function fillBeatOfficers(card: ParentNode, rostered: Record<string, number> | null, model: Record<string, number> | null): void {
  for (const td of Array.from(card.querySelectorAll<HTMLElement>('[data-testid=beat-officers]'))) {
    const shift = td.getAttribute('data-shift')!;
    td.textContent = officersText(rostered?.[shift], model?.[shift]);
  }
}

/** What the beat card knows of the response figures of the version on the map. */
export type ResponseState =
  | { status: 'loading' }
  | { status: 'ready'; data: PlanResponseDto }
  | { status: 'error'; message: string }
  /** The caller's role may not read them (viewer). */
  | { status: 'forbidden' };

/**
 * The response figures of one beat (hypercube model, all shifts together): a table, or a
 * loading / error / role note. The first answer for a version can take a second or two.
 */
export function responseSection(state: ResponseState, beatId: string): HTMLElement {
  const sec = el(
    'section',
    {
      class: 'response',
      'data-testid': 'response-figures',
      'data-status': state.status,
      'aria-busy': state.status === 'loading' ? 'true' : 'false',
      'aria-live': 'polite',
    },
    el('h3', {}, 'Response (all shifts)'),
  );
  if (state.status === 'loading') sec.append(el('p', { class: 'muted' }, 'Computing response figures for this version…'));
  else if (state.status === 'forbidden') sec.append(el('p', { class: 'muted' }, 'Response figures are for analysts and commanders.'));
  else if (state.status === 'error') sec.append(el('p', { class: 'error' }, state.message));
  else {
    const rows = beatResponseRows(state.data, beatId);
    if (!rows) sec.append(el('p', { class: 'muted' }, `No response figures for beat ${beatId} in version ${state.data.version}.`));
    else {
      sec.append(
        el(
          'table',
          { class: 'figures' },
          el('caption', { class: 'muted' }, `Version ${state.data.version}, ${state.data.staffingRule}`),
          el('tbody', {}, ...rows.map((r) => el('tr', { 'data-key': r.key }, el('th', { scope: 'row' }, r.label), el('td', {}, r.value)))),
        ),
      );
      const a = state.data.assumptions;
      if (a)
        sec.append(
          el(
            'details',
            { class: 'assumptions', 'data-testid': 'response-assumptions' },
            el('summary', {}, 'Assumptions'),
            el('ul', {}, ...assumptionLines(a).map((line) => el('li', {}, line))),
          ),
        );
    }
  }
  return sec;
}

/** What the beat card knows of the last what-if run for this beat. */
export type WhatIfState =
  | { status: 'idle' }
  | { status: 'running'; progress: number; stage: string }
  | { status: 'done'; view: WhatIfBeatView }
  | { status: 'error'; message: string };

/** Options of {@link whatIfSection}. */
export interface WhatIfInput {
  beatId: string;
  /** Commander or admin: may run what-ifs (the API's role for `POST /plans/:id/whatif`). */
  canEdit: boolean;
  shifts: readonly string[];
  form: WhatIfForm;
  state: WhatIfState;
  onChange: (f: WhatIfForm) => void;
  onRun: () => void;
  onCancel: () => void;
}

const CHANGE_TEXT = { better: '▼ better', worse: '▲ worse', same: '= same', neutral: '' } as const;

/** A before/after table (`Now` | `What-if` | change in words, not colour alone). */
export function comparisonTable(caption: string, rows: readonly ComparisonRow[], testId?: string): HTMLElement {
  return el(
    'table',
    { class: 'figures compare-figures', ...(testId ? { 'data-testid': testId } : {}) },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, el('th', {}, 'Figure'), el('th', {}, 'Now'), el('th', {}, 'What-if'), el('th', {}, ''))),
    el(
      'tbody',
      {},
      ...rows.map((r) =>
        el(
          'tr',
          { 'data-key': r.key },
          el('th', { scope: 'row' }, r.label),
          el('td', {}, r.before),
          el('td', { class: 'after' }, r.after),
          el('td', { class: `change ${r.change}` }, CHANGE_TEXT[r.change]),
        ),
      ),
    ),
  );
}

/**
 * The what-if controls of the beat card — the beat's workload × a factor, officers out in a
 * shift — and the figures the run gives next to the current ones. Disabled, with the reason,
 * for roles below commander (as the staffing panel).
 */
export function whatIfSection(o: WhatIfInput): HTMLElement {
  const running = o.state.status === 'running';
  const factor = el('input', {
    id: 'whatif-factor',
    type: 'number',
    min: 0,
    max: 100,
    step: 0.1,
    value: o.form.factor,
    'aria-describedby': 'whatif-help',
  });
  const shift = el(
    'select',
    { id: 'whatif-shift' },
    el('option', { value: '' }, 'no one'),
    ...o.shifts.map((s) => el('option', { value: s }, `shift ${s}`)),
  );
  shift.value = o.form.outShift;
  const count = el('input', { id: 'whatif-count', type: 'number', min: 0, max: 1000, step: 1, value: o.form.outCount });
  const read = (): WhatIfForm => ({ factor: Number(factor.value), outShift: shift.value, outCount: Math.trunc(Number(count.value)) });
  for (const c of [factor, shift, count]) c.addEventListener('change', () => o.onChange(read()));
  const run = el('button', { type: 'button', id: 'whatif-run', disabled: !o.canEdit || running }, 'Run what-if');
  run.addEventListener('click', () => {
    o.onChange(read());
    o.onRun();
  });
  const fields = el(
    'fieldset',
    { class: 'whatif-form', disabled: !o.canEdit },
    el('legend', {}, `What if… (beat ${o.beatId})`),
    el('label', {}, 'Workload in this beat × ', factor),
    el('label', {}, 'Officers out: ', count, ' in ', shift),
    el(
      'p',
      { id: 'whatif-help', class: 'muted' },
      'Staffs the version from the roster as it is and with the change, and compares the response figures.',
    ),
    el('div', { class: 'row' }, run),
  );
  const sec = el('section', { class: 'whatif', 'data-testid': 'whatif', 'data-status': o.state.status, 'aria-live': 'polite' }, fields);
  if (!o.canEdit) sec.prepend(el('p', { class: 'muted', 'data-testid': 'whatif-role' }, 'What-if runs are for commanders.'));
  const st = o.state;
  if (st.status === 'running') {
    const cancel = el('button', { type: 'button', id: 'whatif-cancel' }, 'Cancel');
    cancel.addEventListener('click', o.onCancel);
    sec.append(
      el(
        'div',
        { class: 'row' },
        el('progress', { max: 1, value: st.progress, 'aria-label': 'What-if progress' }),
        el('span', {}, `Running: ${st.stage}`),
        cancel,
      ),
    );
  } else if (st.status === 'error') sec.append(el('p', { class: 'error', role: 'alert' }, st.message));
  else if (st.status === 'done')
    sec.append(...whatIfOutcome(st.view, `Beat ${o.beatId}: now (staffed from the roster) and what-if`, 'whatif'));
  return sec;
}

/**
 * What a what-if did, for either what-if of the card: the scenario in words, why it failed,
 * the beat's figures now | what-if, its officers per shift that changed, the city in a line
 * and in full (collapsed). `testIds` prefixes the test ids (`<prefix>-scenario`, `-figures`, `-city`).
 */
export function whatIfOutcome(v: WhatIfBeatView, caption: string, testIds: string): HTMLElement[] {
  const out: HTMLElement[] = [el('p', { 'data-testid': `${testIds}-scenario` }, `Scenario: ${v.scenario}.`)];
  if (v.infeasible) out.push(el('p', { class: 'error' }, `Cannot be staffed: ${v.infeasible}`));
  for (const e of v.errors) out.push(el('p', { class: 'error' }, `Response model: ${e}`));
  out.push(comparisonTable(caption, v.rows, `${testIds}-figures`));
  if (v.shifts.length)
    out.push(el('p', {}, `Officers in this beat: ${v.shifts.map((x) => `shift ${x.shift} ${x.before} → ${x.after}`).join(', ')}.`));
  out.push(el('p', { 'data-testid': `${testIds}-city` }, cityLine(v.cityRows)));
  out.push(el('details', {}, el('summary', {}, 'City-wide'), comparisonTable('City: now and what-if', v.cityRows)));
  return out;
}

/** What the beat card knows of the last "officers on duty" what-if for this beat. */
export type UnitsWhatIfState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'done'; view: WhatIfBeatView }
  /** The model cannot run the scenario (422, e.g. `INFEASIBLE`): the API's detail. */
  | { status: 'refused'; message: string }
  | { status: 'error'; message: string };

/** Options of {@link unitsWhatIfSection}. */
export interface UnitsWhatIfInput {
  beatId: string;
  /** Analyst and up (the API's role for `POST /plans/:id/response/whatif`). */
  canRun: boolean;
  /** The plan's shifts, as the response figures name them. */
  shifts: readonly string[];
  /** Officers on duty per shift now (the steppers' starting values), or null while unknown. */
  baseline: Record<string, number> | null;
  form: UnitsWhatIfForm;
  state: UnitsWhatIfState;
  onChange: (f: UnitsWhatIfForm) => void;
  onRun: () => void;
}

/**
 * The beat card's "officers on duty" what-if: a stepper per shift for this beat (starting at
 * the officers the response figures assume) and the saturation target of the time model; no
 * roster needed. A form, so Enter in a field runs it. Disabled, with the reason, for viewers.
 */
export function unitsWhatIfSection(o: UnitsWhatIfInput): HTMLElement {
  const running = o.state.status === 'running';
  const steppers = o.shifts.map((shift, k) => {
    const v = stepperValue(o.form, o.baseline, shift);
    const now = o.baseline?.[shift];
    const input = el('input', {
      id: `units-whatif-${k}`,
      type: 'number',
      min: 0,
      max: 1000,
      step: 1,
      value: Number.isFinite(v) ? v : undefined,
      'data-shift': shift,
      'aria-describedby': 'units-whatif-help',
    });
    return { shift, input, now };
  });
  const saturation = el('input', {
    id: 'units-whatif-saturation',
    type: 'number',
    min: 5,
    max: 95,
    step: 1,
    value: o.form.saturationPercent,
    'aria-describedby': 'units-whatif-help',
  });
  const read = (): UnitsWhatIfForm => {
    // a shift back at its baseline (or emptied) is no longer a change
    const officers: Record<string, number> = {};
    for (const s of steppers) if (s.input.value !== '' && Number(s.input.value) !== s.now) officers[s.shift] = Number(s.input.value);
    return { saturationPercent: saturation.value === '' ? NaN : Number(saturation.value), officers };
  };
  // kept while typing: the section is redrawn when the response figures arrive
  for (const c of [saturation, ...steppers.map((s) => s.input)])
    for (const ev of ['input', 'change']) c.addEventListener(ev, () => o.onChange(read()));
  // while running the button stays focusable (aria-disabled), so keyboard focus survives the redraw
  const run = el(
    'button',
    {
      type: 'submit',
      id: 'units-whatif-run',
      disabled: !o.canRun,
      'aria-disabled': running ? 'true' : undefined,
      'aria-describedby': o.canRun ? undefined : 'units-whatif-role',
    },
    running ? 'Running…' : 'Run officers what-if',
  );
  const form = el(
    'form',
    { class: 'whatif-form units-form', 'aria-label': `Officers on duty what-if for beat ${o.beatId}` },
    el(
      'fieldset',
      { disabled: !o.canRun },
      el('legend', {}, `Officers on duty… (beat ${o.beatId})`),
      el(
        'div',
        { class: 'steppers' },
        ...steppers.map((s) =>
          el(
            'label',
            { for: s.input.id },
            `Shift ${s.shift}`,
            s.input,
            el('span', { class: 'muted' }, s.now === undefined ? '' : `the time model needs ${s.now}`),
          ),
        ),
        el(
          'label',
          { for: saturation.id },
          'Saturation target',
          saturation,
          el('span', { class: 'muted' }, `% (now ${DEFAULT_SATURATION_PERCENT}%)`),
        ),
      ),
      el(
        'p',
        { id: 'units-whatif-help', class: 'muted' },
        'No roster: the time model puts on duty the officers the saturation target needs; a shift you change keeps your number.',
      ),
      el('div', { class: 'row' }, run),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!o.canRun || running) return;
    o.onChange(read());
    o.onRun();
  });
  const sec = el(
    'section',
    {
      class: 'whatif units-whatif',
      'data-testid': 'units-whatif',
      'data-status': o.state.status,
      'aria-busy': running ? 'true' : 'false',
      'aria-live': 'polite',
    },
    form,
  );
  if (!o.canRun)
    sec.prepend(
      el(
        'p',
        { class: 'muted', id: 'units-whatif-role', 'data-testid': 'units-whatif-role' },
        'Officers-on-duty what-ifs are for analysts and commanders.',
      ),
    );
  const st = o.state;
  if (st.status === 'running') sec.append(el('p', { class: 'muted' }, 'Computing the response figures with these officers…'));
  else if (st.status === 'refused')
    sec.append(
      el('p', { class: 'error', role: 'alert', 'data-testid': 'units-whatif-refusal' }, `The model cannot run this what-if: ${st.message}`),
    );
  else if (st.status === 'error') sec.append(el('p', { class: 'error', role: 'alert' }, st.message));
  else if (st.status === 'done') sec.append(...whatIfOutcome(st.view, `Beat ${o.beatId}: now (time model) and what-if`, 'units-whatif'));
  return sec;
}

/** The live preview of a stroke: each affected beat before → after. */
export function strokePreview(deltas: readonly StrokeBeatDelta[], band: Band, pending: boolean): HTMLElement {
  return el(
    'div',
    { class: 'stroke-preview', 'data-testid': 'stroke-preview', 'aria-live': 'polite' },
    el('h3', {}, pending ? 'Stroke (checking with the server…)' : 'Stroke preview'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'Beat'), el('th', {}, 'Cells'), el('th', {}, 'Workload h/wk'), el('th', {}, 'Band'))),
      el(
        'tbody',
        {},
        ...deltas.map((d) =>
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, d.id),
            el('td', {}, `${d.cellsBefore} → ${d.cellsAfter}`),
            el('td', {}, `${formatNumber(d.workloadBefore)} → ${formatNumber(d.workloadAfter)}`),
            el('td', {}, STATUS_TEXT[statusOf(d.workloadAfter, band)]),
          ),
        ),
      ),
    ),
  );
}

/** CSS of a legend item's symbol. */
export function swatchStyle(it: LegendItem): string {
  switch (it.symbol ?? 'fill') {
    case 'line':
      return `border-top:3px solid ${it.colour}`;
    case 'dashed':
      return `border-top:3px dashed ${it.colour}`;
    case 'frame-dashed':
      return `background:${it.colour};border:2px dashed #000`;
    case 'dot':
      return `background:${it.colour};border-radius:50%;width:10px;height:10px`;
    default:
      return `background:${withOpacity(it.colour, it.opacity)}`;
  }
}

/** One legend section: a title, swatches (or a gradient bar for a ramp), a note. */
function legendSection(l: Legend): HTMLElement {
  // h2: the legend comes right after the page's h1 in reading order
  const sec = el('section', { class: 'legend-section' }, el('h2', {}, l.title));
  if (l.ramp) {
    const stops = l.items
      .map((it, k) => `${withOpacity(it.colour, it.opacity)} ${Math.round((k / Math.max(1, l.items.length - 1)) * 100)}%`)
      .join(', ');
    sec.append(
      el('div', {
        class: 'ramp',
        role: 'img',
        'aria-label': l.items.map((it) => it.label).join(', '),
        style: `background:linear-gradient(to right, ${stops})`,
      }),
      el('div', { class: 'ramp-labels' }, el('span', {}, l.items[0]?.label ?? ''), el('span', {}, l.items.at(-1)?.label ?? '')),
    );
  } else {
    sec.append(
      el(
        'ul',
        {},
        ...l.items.map((it) =>
          el('li', {}, el('span', { class: `swatch ${it.symbol ?? 'fill'}`, style: swatchStyle(it), 'aria-hidden': 'true' }), it.label),
        ),
      ),
    );
  }
  if (l.note) sec.append(el('p', { class: 'legend-note' }, l.note));
  return sec;
}

/** The legend box: every section, collapsible (`<details>`, open by default). */
export function legendBox(sections: Legend | readonly Legend[]): HTMLElement {
  const list = Array.isArray(sections) ? (sections as readonly Legend[]) : [sections as Legend];
  return el('details', { class: 'legend', 'data-testid': 'legend', open: true }, el('summary', {}, 'Legend'), ...list.map(legendSection));
}

/** The staffing table: officers allocated per beat and shift, officer ids listed. */
export function staffingTable(s: StaffingResultDto): HTMLElement {
  const shifts = [...new Set(s.beats.flatMap((b) => b.shifts.map((x) => x.shift)))];
  return el(
    'table',
    { class: 'staffing', 'data-testid': 'staffing-table' },
    el(
      'caption',
      {},
      `Assignments${s.continuity?.percent !== undefined && s.continuity.percent !== null ? ` — beat continuity ${formatNumber(s.continuity.percent)}%` : ''}`,
    ),
    el('thead', {}, el('tr', {}, el('th', {}, 'Beat'), ...shifts.map((x) => el('th', {}, x)))),
    el(
      'tbody',
      {},
      ...s.beats.map((b) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, b.id),
          ...shifts.map((x) => {
            const c = b.shifts.find((y) => y.shift === x);
            return el(
              'td',
              { title: c ? c.officers.join(', ') : '' },
              ...(c
                ? [
                    staffingCell(c.allocated, c.required),
                    ...(c.officers.length ? [el('br'), el('span', { class: 'officers' }, c.officers.join(', '))] : []),
                  ]
                : ['–']),
            );
          }),
        ),
      ),
    ),
  );
}
