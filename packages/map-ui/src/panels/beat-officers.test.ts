// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BeatMetricsDto } from '../metrics.js';
import { beatCard, fillBeatOfficers, officersText } from '../panels.js';
import { fixture } from '../test-support/fixture.js';

const beat = fixture<BeatMetricsDto>({
  id: 'B013',
  cells: 12,
  areaKm2: 3.2,
  workload: 40,
  shiftWorkloadHours: [10, 12, 18],
  polsbyPopper: 0.41,
  contiguous: true,
});
const band = { mean: 40, low: 36, high: 44, tolerance: 0.1 };
const shifts = ['0-8', '8-16', '16-24'];
const cells = (card: ParentNode) => Array.from(card.querySelectorAll('[data-testid=beat-officers]'), (td) => td.textContent);

describe('beat card: one officer number per shift', () => {
  it('labels the rostered number and the time model need when they differ, one number when they agree', () => {
    expect(officersText(3, 2)).toBe('3 rostered; the time model needs 2');
    expect(officersText(2, 2)).toBe('2 rostered (as the time model needs)');
    expect(officersText(3, undefined)).toBe('3 rostered');
    expect(officersText(undefined, 2)).toBe('the time model needs 2');
    expect(officersText(undefined, undefined)).toBe('–');
  });

  it('each number in a shift cell is named: one when the two agree, both labelled when not', () => {
    fc.assert(
      fc.property(fc.option(fc.nat(50), { nil: undefined }), fc.option(fc.nat(50), { nil: undefined }), (r, m) => {
        const t = officersText(r, m);
        const numbers = t.match(/\d+/g) ?? [];
        // one number, or two different numbers each with its own label
        expect(numbers.length).toBe(r !== undefined && m !== undefined && r !== m ? 2 : r === undefined && m === undefined ? 0 : 1);
        if (r !== undefined) expect(t.startsWith(`${r} rostered`)).toBe(true);
        if (m !== undefined && m !== r) expect(t.endsWith(`the time model needs ${m}`)).toBe(true);
      }),
    );
  });

  it('the card shows the staffing table number, and the time model need once the response figures arrive', () => {
    const card = beatCard({
      beat,
      band,
      shifts,
      officers: { '0-8': 2, '8-16': 3, '16-24': 3 },
      canEdit: true,
      onLockToggle: () => undefined,
      onZoom: () => undefined,
    });
    expect(cells(card)).toEqual(['2 rostered', '3 rostered', '3 rostered']);
    fillBeatOfficers(card, { '0-8': 2, '8-16': 3, '16-24': 3 }, { '0-8': 2, '8-16': 2, '16-24': 4 });
    expect(cells(card)).toEqual([
      '2 rostered (as the time model needs)',
      '3 rostered; the time model needs 2',
      '3 rostered; the time model needs 4',
    ]);
  });

  it('without a staffing run the card names the time model as the source', () => {
    const card = beatCard({
      beat,
      band,
      shifts,
      officers: null,
      modelOfficers: { '0-8': 1, '8-16': 2, '16-24': 2 },
      canEdit: false,
      onLockToggle: () => undefined,
      onZoom: () => undefined,
    });
    expect(cells(card)).toEqual(['the time model needs 1', 'the time model needs 2', 'the time model needs 2']);
  });

  it('lists the meeting venues in the beat (a row of the summary, read by keyboard and screen reader); none without a venue layer', () => {
    const card = (venues: readonly string[] | null | undefined) =>
      beatCard({ beat, band, shifts, officers: null, canEdit: false, onLockToggle: () => undefined, onZoom: () => undefined, venues });
    const row = (c: HTMLElement) => c.querySelector('[data-testid=beat-venues]');
    expect(row(card(['Elm Library', 'Zion Church']))?.textContent).toBe('Elm Library; Zion Church');
    expect(row(card(['Elm Library', 'Zion Church']))?.previousElementSibling?.textContent).toBe('Meeting venues');
    expect(row(card([]))?.textContent).toBe('none in this beat');
    expect(row(card(null))).toBeNull();
    expect(row(card(undefined))).toBeNull();
  });
});
