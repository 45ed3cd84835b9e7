import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinReply, splitReply } from './compute-protocol.js';

describe('compute replies in parts', () => {
  it('a loaded-plan-like reply: large typed arrays and long string arrays cross as parts, the rest in the skeleton; joined back deep-equal', () => {
    const n = 40_000;
    const reply = {
      grid: {
        resolution: 10,
        cellCount: n,
        h3: Array.from({ length: n }, (_, i) => `8a${i}`),
        lng: new Float64Array(n).fill(-87.6),
        adjOffsets: new Uint32Array(n + 1),
        bridges: [[1, 2]],
      },
      plan: { beatIds: ['B1', 'B2'], beatOfCell: new Int32Array(n), locked: new Uint8Array(2) },
      extra: { method: 'import', seed: null },
      lineage: null,
    };
    const { skeleton, parts } = splitReply(reply);
    expect(parts.length).toBe(4); // h3, lng, adjOffsets, beatOfCell
    expect(JSON.stringify(skeleton).length).toBeLessThan(400);
    expect(joinReply(skeleton, parts)).toEqual(reply);
  });

  it('round-trips any plain data (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 20_000 }), (value, n) => {
        const reply = { value, big: new Float64Array(n).map((_, i) => i), list: Array.from({ length: n }, (_, i) => i % 7) };
        const { skeleton, parts } = splitReply(reply);
        expect(joinReply(skeleton, parts)).toEqual(reply);
      }),
      { numRuns: 50, seed: 3 },
    );
  });
});
