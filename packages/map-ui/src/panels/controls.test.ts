// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlanDto } from '../api-client.js';
import { type ControlsHost, MapControls, TABS } from './controls.js';

const IDS = ['tool-select', 'tool-paint', 'undo', 'redo', 'rebalance', 'export-assignments', 'swipe-toggle', 'help-close'];

function page(): void {
  document.body.innerHTML = `
    <div id="map"></div><div id="tooltip"></div>
    ${IDS.map((id) => `<button id="${id}"></button>`).join('')}
    <select id="mode-select"><option value="beat"></option><option value="workload"></option><option value="need"></option></select>
    <select id="shift-select"></select><span id="shift-note"></span>
    <input id="brush-size" type="range"><output id="brush-out"></output><input id="heat-toggle" type="checkbox">
    <div role="tablist">${TABS.map((t) => `<button role="tab" id="tab-${t}"></button>`).join('')}</div>
    ${TABS.map((t) => `<section id="panel-${t}"></section>`).join('')}
    <div id="help" hidden><dl id="help-list"></dl></div>`;
}

/** A host recording what the controls asked for. */
function host(o: { canEdit?: boolean; selected?: number | null; swipe?: boolean; latest?: number } = {}) {
  const log: string[] = [];
  const said: string[] = [];
  const h: ControlsHost = {
    canEdit: () => o.canEdit ?? true,
    plan: () => ({ id: 'p', version: 1, latestVersion: o.latest ?? 1 }) as PlanDto,
    model: () => null,
    selectedBeat: () => (o.selected === undefined ? 3 : o.selected),
    swipeOpen: () => o.swipe ?? false,
    editing: () =>
      ({
        busy: false,
        painting: false,
        undoRedo: async (w: string) => void log.push(w),
        toggleLock: async () => void log.push('lock'),
        rebalance: async () => void log.push('rebalance'),
        cancelStroke: () => void log.push('cancel'),
      }) as unknown as ReturnType<ControlsHost['editing']>,
    restyle: () => void log.push('restyle'),
    selectBeat: (b) => void log.push(`select ${b}`),
    nextProblem: () => void log.push('next'),
    toggleOverlay: () => void log.push('overlay'),
    toggleHeat: (on) => void log.push(`heat ${on}`),
    toggleSwipe: () => void log.push('swipe'),
    paintEnded: () => void log.push('paint-ended'),
    tabShown: (t, clicked) => void log.push(`tab ${t} ${clicked}`),
    say: (m) => void said.push(m),
  };
  return { h, log, said };
}

const key = (k: string, init: KeyboardEventInit = {}) =>
  document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...init }));

describe('MapControls', () => {
  beforeEach(page);

  it('keyboard shortcuts pick the tools, size the brush (0–6) and run the edit actions', () => {
    const { h, log } = host();
    const c = new MapControls(h).mount();
    key('b');
    expect(c.tool).toBe('paint');
    expect(document.getElementById('tool-paint')!.getAttribute('aria-pressed')).toBe('true');
    for (let i = 0; i < 9; i++) key(']');
    expect([c.brush, document.getElementById('brush-out')!.textContent]).toEqual([6, '6']);
    for (let i = 0; i < 9; i++) key('[');
    expect(c.brush).toBe(0);
    key('v');
    expect(c.tool).toBe('select');
    key('z');
    key('Z', { shiftKey: true });
    key('l');
    key('r');
    key('n');
    key('o');
    key('i');
    key('w');
    expect(log.filter((l) => !l.startsWith('paint'))).toEqual([
      'undo',
      'redo',
      'lock',
      'rebalance',
      'next',
      'overlay',
      'heat undefined',
      'swipe',
    ]);
  });

  it('refuses the Paint tool without the commander role or while the swipe view is open', () => {
    const viewer = host({ canEdit: false });
    const c = new MapControls(viewer.h).mount();
    c.setTool('paint');
    expect(c.tool).toBe('select');
    expect(viewer.said).toEqual(['Painting needs the commander role.']);
    const swipe = host({ swipe: true });
    const d = new MapControls(swipe.h);
    d.setTool('paint');
    expect(d.tool).toBe('select');
    expect(swipe.said[0]).toMatch(/Close the swipe view/);
  });

  it('colour mode keys restyle; choosing a shift while colouring by beat switches to workload', () => {
    const { h, log } = host();
    const c = new MapControls(h).mount();
    c.fillShiftSelect(['day', 'night']);
    key('3');
    expect(c.mode).toBe('need');
    key('1');
    const shift = document.getElementById('shift-select') as HTMLSelectElement;
    shift.value = '1';
    shift.dispatchEvent(new Event('change'));
    expect([c.mode, c.shift]).toEqual(['workload', 1]);
    expect((document.getElementById('mode-select') as HTMLSelectElement).value).toBe('workload');
    expect(log.filter((l) => l === 'restyle').length).toBe(3);
  });

  it('a note disables the shift selector and resets the shift to all', () => {
    const c = new MapControls(host().h).mount();
    c.shift = 2;
    c.fillShiftSelect(['a', 'b', 'c'], 'not shown to viewers');
    const sel = document.getElementById('shift-select') as HTMLSelectElement;
    expect([sel.disabled, sel.options.length, c.shift]).toEqual([true, 1, 'all']);
    expect(document.getElementById('shift-note')!.hidden).toBe(false);
  });

  it('tabs: one panel shown at a time, the host told whether it was clicked', () => {
    const { h, log } = host();
    const c = new MapControls(h).mount();
    document.getElementById('tab-plans')!.click();
    c.showTab('beat');
    expect(TABS.filter((t) => !document.getElementById(`panel-${t}`)!.hidden)).toEqual(['beat']);
    expect(document.getElementById('tab-beat')!.getAttribute('aria-selected')).toBe('true');
    expect(log).toEqual(['tab plans true', 'tab beat false']);
  });

  it('? opens the shortcuts dialog, listing every shortcut; Esc closes it and clears the selection', () => {
    const { h, log } = host();
    new MapControls(h).mount();
    key('?');
    expect(document.getElementById('help')!.hidden).toBe(false);
    expect(document.querySelectorAll('#help-list dt').length).toBeGreaterThan(10);
    key('Escape');
    expect(document.getElementById('help')!.hidden).toBe(true);
    expect(log).toContain('select null');
  });

  it('refreshButtons: nothing to undo at version 1, nothing to redo at the newest version; a viewer sees why the edit buttons are off', () => {
    const c = new MapControls(host({ canEdit: false }).h);
    c.refreshButtons();
    const undo = document.getElementById('undo') as HTMLButtonElement;
    expect([undo.disabled, undo.title]).toEqual([true, 'Needs the commander role']);
    const e = new MapControls(host().h);
    e.refreshButtons();
    expect([
      (document.getElementById('undo') as HTMLButtonElement).disabled,
      (document.getElementById('redo') as HTMLButtonElement).disabled,
    ]).toEqual([true, true]);
    // After an undo (version 1 of 2) there is a later version to redo to.
    new MapControls(host({ latest: 2 }).h).refreshButtons();
    expect((document.getElementById('redo') as HTMLButtonElement).disabled).toBe(false);
  });
});
