import { describe, expect, it } from 'vitest';
import { REFERENCE_STYLE, referenceLayers } from './reference.js';

describe('reference layers', () => {
  it('draws every kind as lines from its own source; barriers also fill their polygons', () => {
    for (const k of ['areas', 'districts', 'roads'] as const) {
      expect(referenceLayers(k).map((l) => [l.id, l.type, (l as { source: string }).source])).toEqual([
        [`bp-ref-${k}-line`, 'line', `bp-ref-${k}`],
      ]);
    }
    expect(referenceLayers('barriers').map((l) => l.type)).toEqual(['fill', 'line']);
  });
  it('puts districts and barriers over the cells, areas and roads under them', () => {
    expect(
      Object.entries(REFERENCE_STYLE)
        .filter(([, s]) => s.over)
        .map(([k]) => k)
        .sort(),
    ).toEqual(['barriers', 'districts']);
  });
});
