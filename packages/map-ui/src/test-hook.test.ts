import { describe, expect, it } from 'vitest';
import type { Panels } from './panels/registry.js';
import { type HookSource, testHook } from './test-hook.js';

/** An app before start (no panels) whose fields the test changes. */
function fakeApp() {
  const picked: Array<[number | null, boolean | undefined]> = [];
  const app = {
    map: {} as HookSource['map'],
    selectedBeat: null as number | null,
    lastMessage: 'hello',
    selectBeat: (b: number | null, z?: boolean) => void picked.push([b, z]),
    session: { plan: null, model: null },
    loader: { ready: false, loadTimings: { fetch: 12 } },
    panels: {} as Partial<Panels>,
  };
  return { app, picked };
}

describe('test hook', () => {
  it('reads the app as it is at each read; lastMessage can be cleared; selectBeat reaches the app', () => {
    const { app, picked } = fakeApp();
    const hook = testHook(app);
    expect(hook.ready).toBe(false);
    app.loader.ready = true;
    app.selectedBeat = 4;
    expect(hook.ready).toBe(true);
    expect(hook.selectedBeat).toBe(4);
    expect(hook.loadTimings).toEqual({ fetch: 12 });
    hook.lastMessage = '';
    expect(app.lastMessage).toBe('');
    hook.selectBeat(2, true);
    expect(picked).toEqual([[2, true]]);
    expect(Object.keys(hook).sort()).toEqual(
      [
        'heat',
        'heatOn',
        'heatTimings',
        'keyboardCursor',
        'labelBoxes',
        'labelsShown',
        'lastMessage',
        'loadTimings',
        'map',
        'model',
        'perf',
        'plan',
        'ready',
        'selectBeat',
        'selectedBeat',
        'swipe',
      ].sort(),
    );
  });

  it('before the panels are mounted, their fields read as empty; once mounted, each panel’s own state', () => {
    const { app } = fakeApp();
    const hook = testHook(app);
    expect([
      hook.perf,
      hook.keyboardCursor,
      hook.swipe,
      hook.heatOn,
      hook.heat,
      hook.heatTimings,
      hook.labelBoxes,
      hook.labelsShown,
    ]).toEqual([[], -1, null, false, null, {}, [], []]);
    const timing = { cells: 3, localMs: 20, scriptMs: 5, confirmedMs: 80, outcome: 'accepted' };
    const swipe = { planId: 'b' };
    const box = { beat: 2, x: 10, y: 20, width: 30, height: 18, rank: -5 };
    app.panels = {
      editing: { perf: [timing] },
      keyboardPaint: { cursor: 17 },
      comparison: { swipe },
      heat: { on: true, summary: { bins: 3 }, timings: { fetch: 5 } },
      labels: { boxes: () => [box], shown: new Set([2]) },
    } as unknown as Partial<Panels>;
    expect(hook.perf).toEqual([timing]);
    expect(hook.keyboardCursor).toBe(17);
    expect(hook.swipe).toBe(swipe);
    expect([hook.heatOn, hook.heat, hook.heatTimings]).toEqual([true, { bins: 3 }, { fetch: 5 }]);
    expect([hook.labelBoxes, hook.labelsShown]).toEqual([[box], [2]]);
  });
});
