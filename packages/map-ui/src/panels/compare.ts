/**
 * The Compare panel's answer: what changed between the plan on show and another plan (by
 * default the current beats) — the change share, the cells that moved (per beat of this plan)
 * and, per beat, the workload before and after. Built from `GET /plans/{other}/compare?with=
 * {this}`, so "before" is the other plan and "after" this one.
 */
import type { PlanComparisonDto } from '@beatplan/api';
import { formatNumber } from '../map-style.js';
import { el } from '../panels.js';

/**
 * The part of the compare answer (`GET /plans/{id}/compare`, the API's {@link PlanComparisonDto})
 * the panel reads: `changedCells` (cells in a different beat after matching beats by largest
 * overlap; share of the cells assigned in either plan, 0–1) and per beat of this plan its matched
 * beat of the other plan and the workload (officer-hours a week) in each.
 */
export type ComparisonAnswer = Pick<PlanComparisonDto, 'changedCells' | 'beats'>;

/** One row of {@link compareRows}. */
export interface CompareRow {
  /** Beat id in this plan. */
  id: string;
  /** The other plan's beat it matches (most shared cells), or null for a new beat. */
  matchedId: string | null;
  /** Cells of this beat that were in another beat (or in none) in the other plan. */
  movedIn: number;
  /** Workload before (matched beat of the other plan) and after, officer-hours a week. */
  before: number;
  after: number;
  /** after − before. */
  change: number;
}

/**
 * Per-beat rows of a comparison: beats that received moved cells or whose workload changed by
 * at least 0.05 h a week, largest workload change first (then most moved cells, then id).
 * @param movedIn moved cells per beat id of this plan
 */
export function compareRows(r: ComparisonAnswer, movedIn: ReadonlyMap<string, number>): CompareRow[] {
  return r.beats
    .map((b) => ({
      id: b.id,
      matchedId: b.matchedId,
      movedIn: movedIn.get(b.id) ?? 0,
      before: b.workloadBefore,
      after: b.workloadAfter,
      change: b.workloadChange,
    }))
    .filter((x) => x.movedIn > 0 || Math.abs(x.change) >= 0.05)
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || b.movedIn - a.movedIn || a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Names of the two plans. */
export interface ComparePlans {
  thisName: string;
  otherName: string;
}

const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${formatNumber(Math.abs(x))}`;

/**
 * The panel's content: a sentence with the change share and the moved cells, then a table of
 * the beats that changed (moved-in cells, workload before → after, change).
 * @param movedIn moved cells per beat id of this plan
 */
export function compareSummary(r: ComparisonAnswer, plans: ComparePlans, movedIn: ReadonlyMap<string, number>): HTMLElement {
  const rows = compareRows(r, movedIn);
  const pct = formatNumber(r.changedCells.share * 100);
  const lead = el(
    'p',
    { 'data-testid': 'changed-count', 'data-count': r.changedCells.count, 'data-share': r.changedCells.share },
    `Change share ${pct}%: ${r.changedCells.count.toLocaleString('en-GB')} cells are in a different beat in “${plans.thisName}” than in “${plans.otherName}”. They are darkened on the map; the outlines of “${plans.otherName}” are dashed purple.`,
  );
  if (!rows.length) return el('div', {}, lead);
  return el(
    'div',
    {},
    lead,
    el(
      'table',
      { class: 'figures compare-beats', 'data-testid': 'compare-beats' },
      el('caption', {}, `Beats that changed (${rows.length}), largest workload change first`),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'Beat'),
          el('th', { scope: 'col', title: `The beat of “${plans.otherName}” sharing the most cells with it` }, 'Was'),
          el('th', { scope: 'col', title: 'Cells that were in another beat before' }, 'Cells moved in'),
          el('th', { scope: 'col', title: 'Officer-hours a week, before → after' }, 'Workload (h/week)'),
          el('th', { scope: 'col' }, 'Change'),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((x) =>
          el(
            'tr',
            { 'data-beat': x.id },
            el('th', { scope: 'row' }, x.id),
            el('td', {}, x.matchedId ?? 'new'),
            el('td', {}, x.movedIn.toLocaleString('en-GB')),
            el('td', {}, `${formatNumber(x.before)} → ${formatNumber(x.after)}`),
            el('td', {}, signed(x.change)),
          ),
        ),
      ),
    ),
  );
}
