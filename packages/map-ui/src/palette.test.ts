import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BEAT_PALETTE, colourBeats, isProperColouring, quantileBreaks, recolourBeats, recolourConflicts } from './palette.js';

/** A grid of w×h square beats with rook adjacency (planar). */
function gridAdjacency(w: number, h: number): number[][] {
  const adj: number[][] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const n: number[] = [];
      if (x > 0) n.push(y * w + x - 1);
      if (x < w - 1) n.push(y * w + x + 1);
      if (y > 0) n.push((y - 1) * w + x);
      if (y < h - 1) n.push((y + 1) * w + x);
      adj.push(n);
    }
  return adj;
}

describe('colourBeats', () => {
  it('colours a triangle with 3 colours and a path with 2', () => {
    expect(
      colourBeats([
        [1, 2],
        [0, 2],
        [0, 1],
      ]).colourCount,
    ).toBe(3);
    const path = colourBeats([[1], [0, 2], [1]]);
    expect(path.colourCount).toBe(2);
    expect(isProperColouring([[1], [0, 2], [1]], path.colourOf)).toBe(true);
  });

  it('never gives neighbours the same colour and stays within the palette on a 17×16 beat grid (272 beats)', () => {
    const adj = gridAdjacency(17, 16);
    const c = colourBeats(adj);
    expect(isProperColouring(adj, c.colourOf)).toBe(true);
    expect(c.colourCount).toBeLessThanOrEqual(BEAT_PALETTE.length);
  });

  it('is proper on any random graph (property) and deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { maxLength: 120 }), (pairs) => {
        const adj: number[][] = Array.from({ length: 31 }, () => []);
        for (const [a, b] of pairs) if (a !== b) adj[a]!.push(b), adj[b]!.push(a);
        const c = colourBeats(adj);
        expect(isProperColouring(adj, c.colourOf)).toBe(true);
        expect(Array.from(colourBeats(adj).colourOf)).toEqual(Array.from(c.colourOf));
      }),
    );
  });

  it('handles no beats', () => {
    expect(colourBeats([]).colourCount).toBe(0);
  });
});

describe('recolourConflicts', () => {
  it('changes only the clashing beat', () => {
    const adj = [[1], [0, 2], [1]];
    const r = recolourConflicts(adj, Int32Array.from([0, 0, 1]));
    expect(r.changed).toEqual([1]);
    expect(isProperColouring(adj, r.colourOf)).toBe(true);
    expect(r.colourOf[0]).toBe(0);
    expect(r.colourOf[2]).toBe(1);
  });
  it('leaves a proper colouring alone', () => {
    expect(recolourConflicts([[1], [0]], Int32Array.from([0, 1])).changed).toEqual([]);
  });
});

describe('recolourBeats', () => {
  it('fixes clashes of the touched beats only', () => {
    // beats 0 and 2 now touch (a stroke joined them) and share colour 0
    const r = recolourBeats(new Map([[2, [0, 1]]]), Int32Array.from([0, 1, 0]));
    expect(r.changed).toEqual([2]);
    expect(r.colourOf[2]).toBe(2);
    expect(Array.from(r.colourOf.subarray(0, 2))).toEqual([0, 1]);
    expect(recolourBeats(new Map([[0, [1]]]), Int32Array.from([0, 1])).changed).toEqual([]);
  });
});

describe('quantileBreaks', () => {
  it('gives strictly increasing breaks, even for constant data', () => {
    expect(quantileBreaks([0, 1, 2, 3, 4], 5)).toEqual([0, 1, 2, 3, 4]);
    const b = quantileBreaks([2, 2, 2, 2], 5);
    for (let k = 1; k < b.length; k++) expect(b[k]!).toBeGreaterThan(b[k - 1]!);
    expect(quantileBreaks([], 3)).toEqual([0, 1, 2]);
  });
});
