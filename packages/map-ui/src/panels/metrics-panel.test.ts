// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { CellModel } from '../cell-model.js';
import type { PlanMetricsDto } from '../metrics.js';
import { fixture } from '../test-support/fixture.js';
import { MetricsPanel } from './metrics-panel.js';

const metrics = fixture<PlanMetricsDto>({
  beats: 3,
  cells: 9,
  beatsOutsideTolerance: 2,
  compactness: { polsbyPopperMean: 0.5 },
  workload: { mean: 10, maxOverMean: 1.5, cv: 0.3 },
  tolerance: 0.1,
  contiguity: { nonContiguousBeats: 1 },
  perBeat: [
    { id: 'A', cells: 3, workload: 10, contiguous: true, areaKm2: 1, polsbyPopper: 0.5 },
    { id: 'B', cells: 3, workload: 15, contiguous: true, areaKm2: 1, polsbyPopper: 0.5 },
    { id: 'C', cells: 3, workload: 5, contiguous: false, areaKm2: 1, polsbyPopper: 0.5 },
  ],
});
const model = { beatIds: ['A', 'B', 'C'] } as unknown as CellModel;

function setup() {
  document.body.innerHTML =
    '<select id="sort-select"><option value="id">id</option><option value="workload">workload</option></select><input type="checkbox" id="sort-desc"><button id="find-problem"></button><div id="summary-slot"></div><div id="bars-slot"></div>';
  const picked: Array<[number, boolean]> = [];
  const said: string[] = [];
  const panel = new MetricsPanel({
    metrics: () => metrics,
    model: () => model,
    selectedBeat: () => null,
    pick: (b, card) => void picked.push([b, card]),
    refreshed: () => undefined,
    say: (m) => void said.push(m),
  }).mount();
  return { panel, picked, said };
}

describe('metrics panel', () => {
  it('"Find problems" walks the beats outside the band or in pieces, opening each card, and wraps round', () => {
    const t = setup();
    const button = document.getElementById('find-problem')!;
    const seen = new Set<number>();
    for (let k = 0; k < 4; k++) {
      button.click();
      seen.add(t.picked.at(-1)![0]);
    }
    expect(seen).toEqual(new Set([1, 2]));
    expect(t.picked.every(([, card]) => card)).toBe(true);
    expect(t.said[0]).toMatch(/^Problem 1 of 2: beat [BC] — /);
  });

  it('sorting by workload, descending, puts the busiest beat first', () => {
    const t = setup();
    t.panel.render();
    const sel = document.getElementById('sort-select') as HTMLSelectElement;
    sel.value = 'workload';
    sel.dispatchEvent(new Event('change'));
    const desc = document.getElementById('sort-desc') as HTMLInputElement;
    desc.checked = true;
    desc.dispatchEvent(new Event('change'));
    expect(document.getElementById('bars-slot')!.textContent!.indexOf('B')).toBeLessThan(
      document.getElementById('bars-slot')!.textContent!.indexOf('C'),
    );
    expect(document.getElementById('summary-slot')!.childElementCount).toBeGreaterThan(0);
  });
});
