// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiClient, PlanDto } from './api-client.js';
import type { CellModel } from './cell-model.js';
import { fillPlanSelects, firstPlan, PLAN_POLL_MS, PLAN_WAIT_FOR_PROPOSAL_MS, versionDiff, waitForPlans } from './plan-session.js';

const plan = (id: string, method: string) => ({ id, name: `Plan ${id}`, inputs: { method } }) as unknown as PlanDto;
const model = (beatOf: number[]) => ({ beatOf: Int32Array.from(beatOf), cellCount: beatOf.length }) as unknown as CellModel;

describe('versionDiff', () => {
  it('names the cells that changed beat and the beats they left and joined', () => {
    const d = versionDiff(model([0, 0, 1, -1]), model([0, 1, 1, 2]));
    expect(d.changed).toEqual([1, 3]);
    expect([...d.touched].sort()).toEqual([-1, 0, 1, 2]);
  });
  it('property: applying the changed cells to the old version gives the new one; no other cell differs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -1, max: 5 })), { maxLength: 60 }), (pairs) => {
        const a = model(pairs.map((p) => p[0]));
        const b = model(pairs.map((p) => p[1]));
        const d = versionDiff(a, b);
        for (const i of d.changed) a.beatOf[i] = b.beatOf[i]!;
        expect([...a.beatOf]).toEqual([...b.beatOf]);
        expect(d.changed.length).toBe(pairs.filter(([x, y]) => x !== y).length);
      }),
    );
  });
});

describe('firstPlan', () => {
  const plans = [plan('imp', 'import'), plan('p1', 'plan'), plan('p2', 'plan'), plan('imp2', 'import')];
  it('opens the plan asked for, else the newest planned one, else the newest', () => {
    expect(firstPlan(plans, 'imp').id).toBe('imp');
    expect(firstPlan(plans, null).id).toBe('p2');
    expect(firstPlan(plans, 'unknown').id).toBe('p2');
    expect(firstPlan([plan('a', 'import'), plan('b', 'import')], null).id).toBe('b');
  });
});

describe('waitForPlans', () => {
  /** A plan list that answers `lists` in turn (the last one from then on), with a fake clock. */
  function fake(lists: PlanDto[][], opened = () => false) {
    let n = 0;
    let now = 0;
    const api = { get: async () => ({ items: lists[Math.min(n++, lists.length - 1)] }) } as unknown as ApiClient;
    let empty = 0;
    const run = waitForPlans(api, {
      startedAt: 0,
      now: () => now,
      sleep: async (ms) => void (now += ms),
      opened,
      empty: () => void empty++,
    });
    return { run, calls: () => n, empty: () => empty, now: () => now };
  }
  it('answers at once when plans exist, without saying anything', async () => {
    const f = fake([[plan('p', 'plan')]]);
    expect((await f.run)!.map((p) => p.id)).toEqual(['p']);
    expect([f.calls(), f.empty()]).toEqual([1, 0]);
  });
  it('polls an empty list every PLAN_POLL_MS, says once that there is none, and waits for a proposal after an import', async () => {
    const f = fake([[], [], [plan('imp', 'import')], [plan('imp', 'import'), plan('p', 'plan')]]);
    expect((await f.run)!.map((p) => p.id)).toEqual(['imp', 'p']);
    expect([f.calls(), f.empty(), f.now()]).toEqual([4, 1, 3 * PLAN_POLL_MS]);
  });
  it('shows imported plans alone once the wait for a proposal is over', async () => {
    const f = fake([[], [plan('imp', 'import')]]);
    expect((await f.run)!.map((p) => p.id)).toEqual(['imp']);
    expect(f.now()).toBeGreaterThanOrEqual(PLAN_WAIT_FOR_PROPOSAL_MS);
  });
  it('returns null when a plan was opened meanwhile', async () => {
    let calls = 0;
    const f = fake([[]], () => ++calls > 2);
    expect(await f.run).toBeNull();
  });
});

describe('fillPlanSelects', () => {
  it('fills both selectors: the plan on show chosen, the compared one an imported plan other than it', () => {
    document.body.innerHTML = '<select id="plan-select"></select><select id="compare-select"></select>';
    fillPlanSelects([plan('imp', 'import'), plan('p', 'plan')], 'p');
    const sel = document.getElementById('plan-select') as HTMLSelectElement;
    const cmp = document.getElementById('compare-select') as HTMLSelectElement;
    expect([...sel.options].map((o) => o.textContent)).toEqual(['Plan imp (current beats)', 'Plan p (planned)']);
    expect(sel.value).toBe('p');
    expect([...cmp.options].map((o) => o.value)).toEqual(['imp']);
    expect(cmp.value).toBe('imp');
  });
});
