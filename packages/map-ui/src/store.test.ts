import { describe, expect, it } from 'vitest';
import { initialViewState, Store, type ViewState } from './store.js';

describe('Store', () => {
  it('notifies once per change with the changed keys, and not when nothing changed', () => {
    const s = new Store<ViewState>(initialViewState());
    const seen: Array<[number | null, string[]]> = [];
    const off = s.subscribe((st, changed) => seen.push([st.selectedBeat, [...changed].map(String).sort()]));
    s.set({ selectedBeat: 3, version: 2 });
    s.set({ selectedBeat: 3 });
    s.set({ comparedWith: 'p2' });
    off();
    s.set({ selectedBeat: 4 });
    expect(seen).toEqual([
      [3, ['selectedBeat', 'version']],
      [3, ['comparedWith']],
    ]);
    expect(s.get()).toMatchObject({ selectedBeat: 4, version: 2, comparedWith: 'p2' });
  });
});
