// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { ApiProblem } from '../api-client.js';
import { fixture } from '../test-support/fixture.js';
import { CURVE_FRAME, curveGeometry, type ReplanComparison, type ReplanHost, ReplanPanel, replanBody, replanFigures } from './replan.js';

const comparison = fixture<ReplanComparison>({
  changedCells: { count: 113, share: 0.04, cells: ['a', 'b'] },
  metrics: {
    a: { workload: { maxOverMean: 3.672 }, compactness: { polsbyPopperMean: 0.411 } },
    b: { workload: { maxOverMean: 2.803 }, compactness: { polsbyPopperMean: 0.403 } },
  },
});

/** A host over a fake API: the replan job succeeds (or fails) and names plan "new". */
function fakeHost(outcome: 'succeeded' | 'failed' | 'refused' = 'succeeded') {
  const calls: Array<[string, string, unknown]> = [];
  const shown: string[] = [];
  const opened: Array<[string, string]> = [];
  const job = { id: 'j1', status: 'queued', progress: 0 } as unknown as JobDto;
  const api = {
    post: async (path: string, body: unknown) => {
      calls.push(['POST', path, body]);
      if (outcome === 'refused') throw new ApiProblem(403, 'FORBIDDEN', 'needs the analyst role (field "role")', path);
      return { data: job, etag: null, status: 202 };
    },
    followJob: async (_j: JobDto, onProgress: (j: JobDto) => void) => {
      onProgress({ ...job, status: 'running', stage: 'search' } as JobDto);
      return outcome === 'succeeded'
        ? ({ ...job, status: 'succeeded', result: { planId: 'new' } } as unknown as JobDto)
        : ({ ...job, status: 'failed', error: { detail: 'no feasible plan' } } as unknown as JobDto);
    },
    get: async (path: string) => {
      calls.push(['GET', path, null]);
      return path.includes('/compare') ? comparison : ({ id: 'new', name: 'Proposed beats (re-plan)' } as PlanDto);
    },
  } as unknown as ApiClient;
  const host: ReplanHost = {
    api,
    plan: () => ({ id: 'p1', name: 'Current beats', version: 3 }) as PlanDto,
    canRun: () => true,
    progress: () => undefined,
    showMoved: async (id) => void shown.push(id),
    open: async (id, parent) => void opened.push([id, parent]),
    say: () => undefined,
  };
  return { host, calls, shown, opened };
}

describe('re-plan panel', () => {
  it('sends the budget as maxChange, a share of the workload', () => {
    expect(replanBody(10)).toEqual({ startFromExisting: true, maxChange: 0.1 });
    expect(() => replanBody(120)).toThrow(RangeError);
    expect(() => replanBody(Number.NaN)).toThrow(RangeError);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        (p) => Math.abs(replanBody(p).maxChange - p / 100) < 1e-12 && replanBody(p).maxChange >= 0 && replanBody(p).maxChange <= 1,
      ),
    );
  });

  it('reads the figures reached from the comparison of parent (a) and new plan (b)', () => {
    expect(replanFigures(comparison)).toEqual({
      movedCells: 113,
      movedShare: 0.04,
      balanceBefore: 3.672,
      balanceAfter: 2.803,
      compactnessBefore: 0.411,
      compactnessAfter: 0.403,
    });
  });

  it('runs the job at the slider budget, shows the moved cells and both plans figures, and opens the new plan against its parent', async () => {
    const { host, calls, shown, opened } = fakeHost();
    const slot = document.createElement('div');
    document.body.append(slot);
    const panel = new ReplanPanel(host).mount(slot);
    const slider = slot.querySelector<HTMLInputElement>('#replan-budget')!;
    slider.value = '25';
    slider.dispatchEvent(new Event('input'));
    expect(slot.querySelector('#replan-budget-value')!.textContent).toBe('25% of the workload');
    await panel.run();
    expect(calls[0]).toEqual(['POST', '/plans/p1/replan', { startFromExisting: true, maxChange: 0.25 }]);
    expect(
      calls
        .slice(1)
        .map((c) => c[1])
        .sort(),
    ).toEqual(['/plans/new', '/plans/p1/compare?with=new']);
    expect(shown).toEqual(['new']);
    expect(slot.querySelector('[data-testid=replan]')!.getAttribute('data-status')).toBe('done');
    expect(slot.querySelector('[data-testid=replan-result] p')!.textContent).toBe(
      'With a budget of 25% of the workload: 113 cells (4% of the cells) change beat, drawn on the map.',
    );
    const rows = Array.from(slot.querySelectorAll('[data-testid=replan-result] tbody tr'), (tr) => [
      tr.getAttribute('data-key'),
      ...Array.from(tr.querySelectorAll('td'), (td) => td.textContent),
    ]);
    expect(rows).toEqual([
      ['balance', '3.67', '2.8'],
      ['compactness', '0.41', '0.4'],
    ]);
    slot.querySelector<HTMLButtonElement>('#replan-open')!.click();
    await Promise.resolve();
    expect(opened).toEqual([['new', 'p1']]);
  });

  it('says why when the job fails or the API refuses, in plain words', async () => {
    for (const [outcome, message] of [
      ['failed', 'Re-plan failed: no feasible plan'],
      ['refused', 'Re-plan failed: needs the analyst role'],
    ] as const) {
      const { host } = fakeHost(outcome);
      const slot = document.createElement('div');
      const panel = new ReplanPanel(host).mount(slot);
      await panel.run();
      expect(panel.state.status).toBe('failed');
      expect(slot.querySelector('[data-testid=replan-error]')!.textContent).toBe(message);
    }
  });

  it('is disabled, with the reason, for a viewer', () => {
    const { host } = fakeHost();
    const slot = document.createElement('div');
    new ReplanPanel({ ...host, canRun: () => false }).mount(slot);
    expect(slot.querySelector<HTMLButtonElement>('#replan-run')!.disabled).toBe(true);
    expect(slot.querySelector('#replan-role')!.textContent).toBe('Re-plans are for analysts and commanders.');
  });
});

describe('change curve', () => {
  const points = [
    {
      budget: 0,
      movedWorkloadShare: 0,
      movedCellShare: 0,
      maxOverMean: 1.42,
      cv: 0.1,
      beatsOutsideBand: 9,
      polsbyPopperMean: 0.41,
      polsbyPopperMin: 0.2,
      unconstrained: false,
    },
    {
      budget: 0.1,
      movedWorkloadShare: 0.09,
      movedCellShare: 0.08,
      maxOverMean: 1.18,
      cv: 0.05,
      beatsOutsideBand: 4,
      polsbyPopperMean: 0.4,
      polsbyPopperMin: 0.2,
      unconstrained: false,
    },
    {
      budget: 0.05,
      movedWorkloadShare: 0.048,
      movedCellShare: 0.05,
      maxOverMean: 1.27,
      cv: 0.07,
      beatsOutsideBand: 6,
      polsbyPopperMean: 0.4,
      polsbyPopperMin: 0.2,
      unconstrained: false,
    },
    {
      budget: 1,
      movedWorkloadShare: 0.31,
      movedCellShare: 0.3,
      maxOverMean: 1.05,
      cv: 0.02,
      beatsOutsideBand: 0,
      polsbyPopperMean: 0.43,
      polsbyPopperMin: 0.25,
      unconstrained: true,
    },
  ];

  it('lays the points out by moved share and balance, the chosen one the largest budget not above the slider', () => {
    const g = curveGeometry(points, 7, CURVE_FRAME);
    expect(g.points.map((p) => p.budget)).toEqual([0, 0.05, 0.1, 1]);
    expect(g.chosen).toBe(1);
    expect(curveGeometry(points, 10).chosen).toBe(2);
    expect(curveGeometry(points, 50).chosen).toBe(2);
    expect(curveGeometry(points.slice(1), 0).chosen).toBe(-1);
    // more moved → further right; balance axis from 1 (perfect, bottom) up: better balance → lower
    expect(g.points[0]!.x).toBe(CURVE_FRAME.left);
    expect(g.points[3]!.x).toBe(CURVE_FRAME.width - CURVE_FRAME.right);
    expect(g.points[3]!.y).toBeGreaterThan(g.points[0]!.y);
    expect(g.points[0]!.y).toBe(CURVE_FRAME.top);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            budget: fc.double({ min: 0, max: 1, noNaN: true }),
            movedWorkloadShare: fc.double({ min: 0, max: 1, noNaN: true }),
            maxOverMean: fc.double({ min: 1, max: 5, noNaN: true }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 50 }),
        (pts, budget) => {
          const geo = curveGeometry(pts, budget);
          const inside = geo.points.every(
            (p) =>
              p.x >= CURVE_FRAME.left - 1e-9 &&
              p.x <= CURVE_FRAME.width - CURVE_FRAME.right + 1e-9 &&
              p.y >= CURVE_FRAME.top - 1e-9 &&
              p.y <= CURVE_FRAME.height - CURVE_FRAME.bottom + 1e-9,
          );
          const chosenOk =
            geo.chosen === -1
              ? geo.points.every((p) => p.budget * 100 > budget)
              : geo.points[geo.chosen]!.budget * 100 <= budget + 1e-9 &&
                geo.points
                  .slice(geo.chosen + 1)
                  .every((p) => p.budget * 100 > budget + 1e-9 || p.budget === geo.points[geo.chosen]!.budget);
          return inside && chosenOk;
        },
      ),
    );
  });

  it('draws the curve with the chosen budget marked and the figures as a table; the slider moves the mark', async () => {
    const { host } = fakeHost();
    const get = host.api.get.bind(host.api);
    const calls: string[] = [];
    const api = {
      ...host.api,
      post: async (path: string) => {
        calls.push(path);
        return { data: { id: 'cc1', status: 'queued' } as JobDto, etag: null, status: 202 };
      },
      followJob: async (j: JobDto) => ({ ...j, status: 'succeeded', result: {} }) as unknown as JobDto,
      get: async (path: string) =>
        path.includes('/change-curve/')
          ? (calls.push(path), { planId: 'p1', version: 3, curve: { tolerance: 0.025, balanceOn: 'total', points } })
          : get(path),
    } as unknown as ApiClient;
    const slot = document.createElement('div');
    document.body.append(slot);
    const panel = new ReplanPanel({ ...host, api }).mount(slot);
    await panel.drawCurve();
    expect(calls).toEqual(['/plans/p1/change-curve', '/plans/p1/change-curve/cc1']);
    expect(slot.querySelector('[data-testid=replan-curve]')!.getAttribute('data-status')).toBe('ready');
    const chosen = () => slot.querySelector('[data-testid=change-curve-chart] circle.chosen')!.getAttribute('data-budget');
    expect(chosen()).toBe('0.1');
    expect(slot.querySelector('[data-testid=change-curve-chart] desc')!.textContent).toBe(
      'At a budget of 10%: 9% of the workload changes beat, busiest beat 1.18 × average.',
    );
    const rows = Array.from(slot.querySelectorAll('[data-testid=change-curve-table] tbody tr'), (tr) =>
      Array.from(tr.children, (c) => c.textContent),
    );
    expect(rows[3]).toEqual(['100% (no limit reached)', '31%', '1.05', '0.43']);
    const slider = slot.querySelector<HTMLInputElement>('#replan-budget')!;
    slider.value = '5';
    slider.dispatchEvent(new Event('input'));
    expect(chosen()).toBe('0.05');
    expect(slot.querySelector('[data-testid=change-curve-table] tr[aria-current=true] th')!.textContent).toBe('5%');
  });
});
