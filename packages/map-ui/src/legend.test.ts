import { describe, expect, it } from 'vitest';
import { heatLegend, mapLegend, symbolLegend } from './legend.js';
import {
  CHANGED_FILL,
  cellFillColour,
  DIMMED_CELL_OPACITY,
  LAYERS,
  legendFor,
  OUTLINE_COLOUR,
  OVERLAY_LINE,
  planLayers,
} from './map-style.js';
import {
  BEAT_PALETTE,
  BEAT_PALETTE_NAMES,
  HEAT_LOW_ALPHA,
  HEAT_RAMP,
  SEQUENTIAL_RAMP,
  SUPPRESSED_COLOUR,
  UNASSIGNED_COLOUR,
  withOpacity,
} from './palette.js';

const heat = { bins: 120, maxDensity: 14, total: 900, shown: 880, k: 1, aggregated: false, suppressedIncidents: 0 };

describe('legend of the beat colouring', () => {
  it('lists every palette colour by name with the beats wearing it, and unassigned', () => {
    const l = legendFor({ mode: 'beat', colourOfBeat: [0, 1, 0, 2, 0] });
    expect(l.items.map((i) => i.colour)).toEqual([...BEAT_PALETTE, UNASSIGNED_COLOUR]);
    expect(l.items.map((i) => i.label)).toEqual([
      'orange: 3',
      'sky blue: 1',
      'bluish green: 1',
      'yellow: none',
      'blue: none',
      'vermillion: none',
      'reddish purple: none',
      'grey: unassigned cells',
    ]);
    expect(l.title).toBe('Beats per colour (a colour only tells neighbours apart; the number on the map names the beat)');
    expect(legendFor({ mode: 'beat' }).items[0]!.label).toBe('orange');
    expect(BEAT_PALETTE_NAMES).toHaveLength(BEAT_PALETTE.length);
    // drawn at the opacity of the cells layer
    const cells = planLayers({ mode: 'beat' }).find((x) => x.id === LAYERS.cells) as { paint: Record<string, unknown> };
    expect(l.items[0]!.opacity).toBe(cells.paint['fill-opacity']);
    // dimmed under the heat layer, on the map and in the legend
    const dimmed = planLayers({ mode: 'beat', dimmed: true }).find((x) => x.id === LAYERS.cells) as { paint: Record<string, unknown> };
    expect(dimmed.paint['fill-opacity']).toBe(DIMMED_CELL_OPACITY);
    expect(legendFor({ mode: 'beat', dimmed: true }).items[0]!.opacity).toBe(DIMMED_CELL_OPACITY);
  });
});

describe('legend of the ramps', () => {
  it('gives the workload ramp with its breaks, and the suppressed colour of a public answer', () => {
    const w = legendFor({ mode: 'workload', breaks: [0, 1, 2, 3, 40], suppressedK: 5 });
    expect(w.items.map((i) => i.colour)).toEqual([...SEQUENTIAL_RAMP, SUPPRESSED_COLOUR]);
    expect(w.items.at(-1)!.label).toBe('not shown (< 5 incidents)');
    expect(w.note).toMatch(/≥ 5 incidents/);
    // the map draws the same colour where a cell has no workload
    expect(cellFillColour({ mode: 'workload', breaks: [0, 1, 2, 3, 4], suppressedK: 5 })).toEqual([
      'case',
      ['has', 'w'],
      cellFillColour({ mode: 'workload', breaks: [0, 1, 2, 3, 4] }),
      SUPPRESSED_COLOUR,
    ]);
    // need is not incident-derived: never suppressed
    expect(legendFor({ mode: 'need', suppressedK: 5 }).items.map((i) => i.colour)).toEqual([...SEQUENTIAL_RAMP]);
  });

  it('gives the heat ramp as a gradient from few to the peak density', () => {
    const h = heatLegend(heat);
    expect(h.ramp).toBe(true);
    expect(h.items.map((i) => i.colour)).toEqual(HEAT_RAMP.map(([, c]) => c));
    // weights are √(density / peak): a stop at 0.5 stands for a quarter of the peak
    expect(h.items.map((i) => i.label)).toEqual([
      'few (≈ 0.2 per cell)',
      '≈ 1.26 per cell',
      '≈ 3.5 per cell',
      '≈ 6.86 per cell',
      'most (14 per cell)',
    ]);
    expect(h.items[0]!.opacity).toBeCloseTo(HEAT_LOW_ALPHA * 0.8, 9);
    expect(heatLegend(heat, 1).items[2]!.label).toBe('≈ 7 per cell');
    expect(h.note).toBe('880 incidents in 120 cells; circles at street zoom.');
    expect(heatLegend({ ...heat, k: 5, aggregated: true, suppressedIncidents: 20 }).note).toBe(
      'Pooled into areas of ≥ 5 incidents each; 20 of 900 incidents lie in areas too small to show.',
    );
  });
});

describe('legend of the symbols', () => {
  it('always shows beat outlines; the overlay, changed cells, selection and locks when on', () => {
    expect(symbolLegend().items).toEqual([{ colour: OUTLINE_COLOUR, symbol: 'line', label: 'beat outline' }]);
    const all = symbolLegend({ overlayOf: 'Current beats', changedCells: 1405, selectedBeat: 'B013', anyLocked: true });
    expect(all.items.map((i) => i.symbol ?? 'fill')).toEqual(['line', 'dashed', 'fill', 'fill', 'frame-dashed']);
    expect(all.items[1]).toEqual({ colour: OVERLAY_LINE.colour, symbol: 'dashed', label: 'outlines of “Current beats”' });
    expect(all.items[2]).toEqual({ colour: CHANGED_FILL.colour, opacity: CHANGED_FILL.opacity, label: 'cell changes beat (1,405)' });
    expect(symbolLegend({ changedCells: 0 }).items).toHaveLength(2);
  });

  it('matches the layers: overlay dash and colour, changed-cell darkening', () => {
    const layers = planLayers({ mode: 'beat' });
    const overlay = layers.find((l) => l.id === LAYERS.overlay) as { paint: Record<string, unknown> };
    expect(overlay.paint['line-color']).toBe(OVERLAY_LINE.colour);
    expect(overlay.paint['line-dasharray']).toEqual(OVERLAY_LINE.dash);
    const changed = layers.find((l) => l.id === LAYERS.changed) as { paint: Record<string, unknown> };
    expect(changed.paint['fill-opacity']).toEqual(['case', ['boolean', ['feature-state', 'chg'], false], CHANGED_FILL.opacity, 0]);
  });
});

describe('whole legend', () => {
  it('stacks colouring, heat (when on) and symbols', () => {
    expect(mapLegend({ mode: 'beat', colourOfBeat: [0] }).map((l) => l.title)).toEqual([
      legendFor({ mode: 'beat', colourOfBeat: [0] }).title,
      'Symbols',
    ]);
    expect(mapLegend({ mode: 'need', heat, symbols: { overlayOf: 'X' } }).map((l) => l.title)).toEqual([
      'Engagement need per cell, community h/week',
      'Incidents (heat: density per cell)',
      'Symbols',
    ]);
  });

  it('turns colours and opacities into swatch CSS', () => {
    expect(withOpacity('#ff0000', 0.5)).toBe('rgba(255,0,0,0.5)');
    expect(withOpacity('#abc', 0.25)).toBe('rgba(170,187,204,0.25)');
    expect(withOpacity('#E69F00')).toBe('#E69F00');
    expect(withOpacity('rgba(1,2,3,0)', 0.5)).toBe('rgba(1,2,3,0)');
  });
});
