/**
 * DOM builders of the side panels: metrics overview (a bar per beat against the tolerance
 * band), beat card, stroke preview, comparison summary, staffing table, legend. Each takes
 * data and returns elements; the app decides where they go. Text only through `textContent`
 * (no HTML injection from data).
 */
import type { StaffingDto } from './exports.js';
import type { Legend } from './map-style.js';
import { formatNumber } from './map-style.js';
import type { Band, BeatMetricsDto, PlanMetricsDto, SortKey, StrokeBeatDelta } from './metrics.js';
import { bandOf, problemBeats, sortBeats, statusOf } from './metrics.js';

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (`class`, `aria-*`, `data-*`…) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | null | undefined>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const STATUS_TEXT = { under: '▼ under', ok: '✓ in band', over: '▲ over' } as const;

/** The summary block of a plan's metrics. */
export function metricsSummary(m: PlanMetricsDto): HTMLElement {
  const band = bandOf(m);
  const problems = problemBeats(m);
  const rows: Array<[string, string]> = [
    ['Beats', String(m.beats)],
    ['Cells', m.cells.toLocaleString('en-GB')],
    ['Mean workload', `${formatNumber(band.mean)} h/week`],
    ['Band (±' + Math.round(band.tolerance * 100) + '%)', `${formatNumber(band.low)} – ${formatNumber(band.high)}`],
    ['Max / mean', formatNumber(m.workload.maxOverMean)],
    ['CV', formatNumber(m.workload.cv)],
    ['Non-contiguous beats', String(m.contiguity.nonContiguousBeats)],
    ['Outside the band', String(m.beatsOutsideTolerance ?? problems.filter((p) => p.reasons.some((r) => r !== 'non-contiguous')).length)],
    ['Polsby-Popper mean', formatNumber(m.compactness.polsbyPopperMean)],
  ];
  return el('dl', { class: 'summary', 'data-testid': 'metrics-summary' }, ...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

/**
 * The bar list: one row per beat, the bar's length its workload, the band shaded, the status
 * as text and symbol (not colour alone). Clicking a row calls `onPick(beatId)`.
 */
export function metricsBars(m: PlanMetricsDto, sort: SortKey, descending: boolean, selectedId: string | null, onPick: (id: string) => void): HTMLElement {
  const band = bandOf(m);
  const max = Math.max(band.high * 1.15, ...m.perBeat.map((b) => b.workload), 1e-9);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / max) * 100)).toFixed(2)}%`;
  const list = el('ol', { class: 'bars', 'aria-label': 'Workload per beat against the tolerance band', 'data-testid': 'metrics-bars' });
  for (const b of sortBeats(m.perBeat, sort, descending, band.mean)) {
    const s = statusOf(b.workload, band);
    const bandEl = el('span', { class: 'band', style: `left:${pct(band.low)};width:${(((band.high - band.low) / max) * 100).toFixed(2)}%` });
    const bar = el('span', { class: `bar ${s}`, style: `width:${pct(b.workload)}` });
    const track = el('span', { class: 'track', 'aria-hidden': 'true' }, bandEl, bar);
    const label = `${b.id}: ${formatNumber(b.workload)} h/week, ${STATUS_TEXT[s]}${b.contiguous ? '' : ', non-contiguous'}${b.locked ? ', locked' : ''}`;
    const row = el(
      'button',
      { type: 'button', class: `bar-row${b.id === selectedId ? ' selected' : ''}`, 'data-beat': b.id, 'aria-label': label, title: label },
      el('span', { class: 'bar-id' }, `${b.id}${b.locked ? ' (locked)' : ''}`),
      track,
      el('span', { class: `bar-val ${s}`, 'data-status': s }, `${formatNumber(b.workload)} ${s === 'ok' ? '✓' : s === 'over' ? '▲' : '▼'}${b.contiguous ? '' : ' ✂'}`),
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
  officers: Record<string, number> | null;
  canEdit: boolean;
  onLockToggle: () => void;
  onZoom: () => void;
}

/** The card of one beat: workload against the band, area, compactness, shifts, officers, lock. */
export function beatCard(o: BeatCardInput): HTMLElement {
  const { beat: b, band } = o;
  const s = statusOf(b.workload, band);
  const max = Math.max(band.high * 1.25, b.workload * 1.05, 1e-9);
  const pct = (x: number) => `${Math.max(0, Math.min(100, (x / max) * 100)).toFixed(2)}%`;
  const shiftRows = (b.shiftWorkloadHours ?? []).map((w, k) => {
    const label = o.shifts[k] ?? `shift ${k + 1}`;
    const off = o.officers?.[label];
    return el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, formatNumber(w)), el('td', {}, off === undefined ? '–' : String(off)));
  });
  const lock = el('button', { type: 'button', id: 'lock-toggle', title: 'Lock / unlock this beat (L)', disabled: !o.canEdit }, b.locked ? 'Unlock beat' : 'Lock beat');
  lock.addEventListener('click', o.onLockToggle);
  const zoom = el('button', { type: 'button', title: 'Zoom to this beat' }, 'Zoom to beat');
  zoom.addEventListener('click', o.onZoom);
  return el(
    'article',
    { class: 'beat-card', 'data-testid': 'beat-card', 'data-beat': b.id, 'aria-label': `Beat ${b.id}` },
    el('h2', {}, `Beat ${b.id}`, b.locked ? el('span', { class: 'badge' }, 'locked') : null, b.contiguous ? null : el('span', { class: 'badge warn' }, 'non-contiguous')),
    el(
      'div',
      { class: 'gauge', role: 'img', 'aria-label': `workload ${formatNumber(b.workload)}, band ${formatNumber(band.low)} to ${formatNumber(band.high)}: ${STATUS_TEXT[s]}` },
      el('span', { class: 'band', style: `left:${pct(band.low)};width:${(((band.high - band.low) / max) * 100).toFixed(2)}%` }),
      el('span', { class: `bar ${s}`, style: `width:${pct(b.workload)}` }),
    ),
    el('p', { class: `status ${s}` }, `${formatNumber(b.workload)} h/week — ${STATUS_TEXT[s]} (band ${formatNumber(band.low)}–${formatNumber(band.high)})`),
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
    ),
    shiftRows.length
      ? el('table', { class: 'shifts' }, el('caption', {}, 'Per shift'), el('thead', {}, el('tr', {}, el('th', {}, 'Shift'), el('th', {}, 'Workload h/wk'), el('th', {}, 'Officers'))), el('tbody', {}, ...shiftRows))
      : null,
    el('div', { class: 'row' }, lock, zoom),
  );
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

/** The legend box. */
export function legendBox(l: Legend): HTMLElement {
  return el(
    'div',
    { class: 'legend', 'data-testid': 'legend' },
    el('h3', {}, l.title),
    el('ul', {}, ...l.items.map((it) => el('li', {}, el('span', { class: 'swatch', style: `background:${it.colour}`, 'aria-hidden': 'true' }), it.label))),
  );
}

/** The staffing table: officers allocated per beat and shift, officer ids listed. */
export function staffingTable(s: StaffingDto): HTMLElement {
  const shifts = [...new Set(s.beats.flatMap((b) => b.shifts.map((x) => x.shift)))];
  return el(
    'table',
    { class: 'staffing', 'data-testid': 'staffing-table' },
    el('caption', {}, `Assignments${s.continuity?.percent !== undefined && s.continuity.percent !== null ? ` — beat continuity ${formatNumber(s.continuity.percent)}%` : ''}`),
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
            return el('td', { title: c ? c.officers.join(', ') : '' }, c ? `${c.allocated}/${c.required}${c.officers.length ? `: ${c.officers.join(', ')}` : ''}` : '–');
          }),
        ),
      ),
    ),
  );
}
