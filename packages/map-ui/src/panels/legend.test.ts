// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { MapLegendOptions } from '../legend.js';
import type { LegendItem } from '../map-style.js';
import { LegendPanel } from './legend.js';

describe('LegendPanel', () => {
  const road: LegendItem = { colour: '#888888', symbol: 'line', label: 'main road' };
  it('adds the ground reference section only when a reference layer is drawn', () => {
    let items: LegendItem[] = [];
    const panel = new LegendPanel(document.createElement('div'), () => items);
    const o = { mode: 'beat' as const, colourOfBeat: [0, 1] };
    expect(panel.sections(o).map((l) => l.title)).not.toContain('Ground reference');
    items = [road];
    const sections = panel.sections(o);
    expect(sections.at(-1)).toEqual({ title: 'Ground reference', items: [road] });
    expect(sections.map((l) => l.title)).toContain('Symbols');
  });
  it('renders one box, open at first, and keeps it closed when the user closed it', () => {
    const slot = document.createElement('div');
    const panel = new LegendPanel(slot, () => [road]);
    panel.render({ mode: 'beat', colourOfBeat: [0] });
    const box = slot.querySelector('details')!;
    expect(box.open).toBe(true);
    expect(slot.textContent).toContain('main road');
    box.open = false;
    panel.render({ mode: 'beat', colourOfBeat: [0], symbols: { selectedBeat: '1011' } });
    expect(slot.querySelectorAll('details').length).toBe(1);
    expect(slot.querySelector('details')!.open).toBe(false);
    expect(slot.textContent).toContain('selected beat 1011');
  });
  it('update() draws what the map shows now, and nothing while there is nothing to show', () => {
    const slot = document.createElement('div');
    let shown: MapLegendOptions | null = null;
    const panel = new LegendPanel(
      slot,
      () => [],
      () => shown,
    );
    panel.update();
    expect(slot.childElementCount).toBe(0);
    shown = { mode: 'beat', colourOfBeat: [0], symbols: { selectedBeat: '1011' } };
    panel.update();
    expect(slot.textContent).toContain('selected beat 1011');
  });
});
