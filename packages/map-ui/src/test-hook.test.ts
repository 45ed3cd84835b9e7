import { describe, expect, it } from 'vitest';
import type { PlanningApp } from './app.js';
import { testHook } from './test-hook.js';

describe('test hook', () => {
  it('reads the app as it is at each read; lastMessage can be cleared; selectBeat reaches the app', () => {
    const picked: Array<[number | null, boolean | undefined]> = [];
    const app = {
      ready: false,
      selectedBeat: null as number | null,
      lastMessage: 'hello',
      perf: [],
      selectBeat: (b: number | null, z?: boolean) => picked.push([b, z]),
    };
    const hook = testHook(app as unknown as PlanningApp);
    expect(hook.ready).toBe(false);
    app.ready = true;
    app.selectedBeat = 4;
    expect(hook.ready).toBe(true);
    expect(hook.selectedBeat).toBe(4);
    hook.lastMessage = '';
    expect(app.lastMessage).toBe('');
    hook.selectBeat(2, true);
    expect(picked).toEqual([[2, true]]);
    expect(Object.keys(hook)).toEqual(expect.arrayContaining(['map', 'model', 'swipe', 'heatTimings', 'keyboardCursor', 'lastMessage']));
  });
});
