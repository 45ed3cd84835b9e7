// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support/fixture.js';
import { type ComparisonAnswer, compareRows, compareSummary } from './compare.js';

const answer = fixture<ComparisonAnswer>({
  changedCells: { count: 3, share: 0.0125, cells: ['a', 'b', 'c'] },
  beats: [
    { id: '1', matchedId: '11', workloadBefore: 40, workloadAfter: 40, workloadChange: 0 },
    { id: '2', matchedId: '12', workloadBefore: 30, workloadAfter: 36.5, workloadChange: 6.5 },
    { id: '3', matchedId: null, workloadBefore: 0, workloadAfter: 12, workloadChange: 12 },
    { id: '4', matchedId: '14', workloadBefore: 50, workloadAfter: 49, workloadChange: -1 },
  ],
});

describe('compare panel', () => {
  it('lists the beats that changed, largest workload change first, with their moved cells', () => {
    const rows = compareRows(
      answer,
      new Map([
        ['2', 2],
        ['3', 1],
      ]),
    );
    expect(rows.map((r) => [r.id, r.matchedId, r.movedIn, r.change])).toEqual([
      ['3', null, 1, 12],
      ['2', '12', 2, 6.5],
      ['4', '14', 0, -1],
    ]);
  });

  it('says the change share and the moved cells in words, and tabulates before → after', () => {
    const node = compareSummary(
      answer,
      { thisName: 'Proposal', otherName: 'Current beats' },
      new Map([
        ['2', 2],
        ['3', 1],
      ]),
    );
    const lead = node.querySelector('[data-testid=changed-count]')!;
    expect(lead.getAttribute('data-count')).toBe('3');
    expect(lead.textContent).toContain('Change share 1.25%: 3 cells are in a different beat in “Proposal” than in “Current beats”.');
    const cells = [...node.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(cells).toEqual([
      ['3', 'new', '1', '0 → 12', '+12'],
      ['2', '12', '2', '30 → 36.5', '+6.5'],
      ['4', '14', '0', '50 → 49', '−1'],
    ]);
  });

  it('shows only the sentence when no beat changed', () => {
    const node = compareSummary(
      { changedCells: { count: 0, share: 0, cells: [] }, beats: [] },
      { thisName: 'A', otherName: 'B' },
      new Map(),
    );
    expect(node.querySelector('table')).toBeNull();
  });
});
