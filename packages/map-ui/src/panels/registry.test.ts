// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { initialViewState, type ViewState } from '../store.js';
import { type PanelApp, PanelRegistry, type Panels, PLANNING_PANELS, sharedHost } from './registry.js';

describe('PanelRegistry', () => {
  it('mounts in entry order with the context; a callback wired early reaches a panel mounted later', () => {
    const order: string[] = [];
    type P = { first: { ping(): string }; second: { name: string } };
    const registry = new PanelRegistry<P, { tag: string }>({
      first: {
        mount: (ctx, p) => {
          order.push(`first:${ctx.tag}:${Object.keys(p).join()}`);
          return { ping: () => p.second.name };
        },
      },
      second: {
        mount: (ctx, p) => {
          order.push(`second:${ctx.tag}:${Object.keys(p).join()}`);
          return { name: 'two' };
        },
      },
    });
    const panels = registry.mount({ tag: 'ctx' });
    expect(order).toEqual(['first:ctx:', 'second:ctx:first']);
    expect(panels).toBe(registry.panels);
    expect(panels.first.ping()).toBe('two');
  });

  it('render(state) redraws, in entry order, only the panels whose entry has a render', () => {
    const drawn: Array<[string, number | null]> = [];
    type P = { a: string; b: string; c: string };
    const registry = new PanelRegistry<P, null>({
      a: { mount: () => 'A', render: (panel, st) => void drawn.push([panel, st.selectedBeat]) },
      b: { mount: () => 'B' },
      c: { mount: () => 'C', render: (panel, st) => void drawn.push([panel, st.selectedBeat]) },
    });
    registry.mount(null);
    const state: ViewState = { ...initialViewState(), selectedBeat: 3 };
    registry.render(state);
    expect(drawn).toEqual([
      ['A', 3],
      ['C', 3],
    ]);
  });
});

/** A started app's state, as the panels read it. */
function fakeApp(over: Partial<Record<keyof PanelApp, unknown>> = {}) {
  const said: string[] = [];
  const app = {
    api: {},
    map: {},
    store: {},
    session: {
      plan: { id: 'p1', name: 'Spring' },
      model: { beatIds: ['1011', '1012'], detail: { shifts: ['day', 'night'] }, units: null },
      metrics: { perBeat: [{ id: '1011', locked: true }] },
      plans: [{ id: 'p1' }, { id: 'p0', name: 'Winter' }],
    },
    loader: { loadTimings: {} as Record<string, number> },
    controls: { shift: 1 },
    canEdit: false,
    canAnalyse: true,
    selectedBeat: 1,
    fillOptions: () => ({ mode: 'beat' as const, colourOfBeat: [0, 1], selectedBeat: 1 }),
    say: (m: string) => void said.push(m),
    ...over,
  };
  return { app: app as unknown as PanelApp, said };
}

describe('the planning map’s panels', () => {
  it('the metrics panel and the beat card are the panels redrawn with the plan and the selection', () => {
    const redrawn = Object.entries(PLANNING_PANELS)
      .filter(([, e]) => e.render)
      .map(([k]) => k);
    expect(redrawn).toEqual(['metrics', 'beatCard']);
  });

  it('the shared host reads the app as it is and records timings in the loader', () => {
    const { app, said } = fakeApp();
    const progress: string[] = [];
    const c = sharedHost(app, { editing: { progress: (label: string) => void progress.push(label) } } as unknown as Panels);
    expect(c.plan()?.id).toBe('p1');
    expect(c.selectedBeat()).toBe(1);
    expect([c.canEdit(), c.canAnalyse(), c.canRun()]).toEqual([false, true, true]);
    (app as { selectedBeat: number | null }).selectedBeat = null;
    expect(c.selectedBeat()).toBeNull();
    c.timing('response', 42);
    expect(app.loader.loadTimings.response).toBe(42);
    c.progress('Re-balancing…', null);
    expect(progress).toEqual(['Re-balancing…']);
    c.say('hello');
    expect(said).toEqual(['hello']);
  });

  it('the legend shows the shift, the selected beat, locked beats and the compared plan’s changed cells', () => {
    document.body.innerHTML = '<div id="legend-slot"></div>';
    const { app } = fakeApp({ fillOptions: () => ({ mode: 'workload', breaks: [0, 1, 2, 3, 40], selectedBeat: 1 }) });
    const p = {
      reference: { legendItems: () => [] },
      heat: { on: false, summary: null },
      comparison: { overlayOn: false, overlayOf: null, comparedWith: 'p0', changedCells: [4, 5, 6] },
    } as unknown as Panels;
    const legend = PLANNING_PANELS.legend.mount({ app, c: sharedHost(app, p) }, p);
    legend.update();
    const text = document.getElementById('legend-slot')!.textContent!;
    expect(text).toContain('selected beat 1012');
    expect(text).toContain('cell changes beat (3)');
    expect(text).toContain('locked beat');
    expect(text).toContain('Workload per cell (shift night)');
  });

  it('the legend draws nothing before a plan is shown', () => {
    document.body.innerHTML = '<div id="legend-slot"></div>';
    const { app } = fakeApp({ session: { plan: null, model: null, metrics: null, plans: [] } });
    const p = { reference: { legendItems: () => [] } } as unknown as Panels;
    PLANNING_PANELS.legend.mount({ app, c: sharedHost(app, p) }, p).update();
    expect(document.getElementById('legend-slot')!.childElementCount).toBe(0);
  });

  it('the header’s plan picker loads the plan picked', async () => {
    document.body.innerHTML =
      '<select id="plan-select"><option value="p1">Spring</option><option value="p0">Winter</option></select><select id="compare-select"></select><div id="plans-slot"></div>';
    const loaded: string[] = [];
    const { app } = fakeApp({
      session: { plan: null, model: null, metrics: null, plans: [] },
      loader: { loadTimings: {}, load: async (id: string) => void loaded.push(id) },
    });
    const p = {} as Panels;
    PLANNING_PANELS.plans.mount({ app, c: sharedHost(app, p) }, p);
    const select = document.getElementById('plan-select') as HTMLSelectElement;
    select.value = 'p0';
    select.dispatchEvent(new Event('change'));
    expect(loaded).toEqual(['p0']);
  });
});
