/**
 * The units' balancing parts alone on synthetic cities with lumpy cells: the spanning-tree
 * start (treeStart), the contiguity floor, and recombination along flows (recombineToBand).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { balancedStart } from './balanced-start.js';
import { type SearchContext, searchParts } from './local-search.js';
import { Partition } from './partition.js';
import { recombineToBand } from './recombine.js';
import { balancePenalty } from './search/terms.js';
import { syntheticCity } from './synthetic.js';
import { labelPieces, topologyOf } from './topology.js';
import { contiguityFloor, treeStart } from './tree-start.js';

const city = syntheticCity({ seed: 3, cells: 600, resolution: 9, roughness: 0.5 });
const { grid } = city;
const n = grid.cellCount;
const all = Int32Array.from({ length: n }, (_, i) => i);
/** Lumpy weights: the workload cubed (a few cells carry a large share, as block groups do). */
const lumpy = Float64Array.from(city.workload, (w) => w ** 3);
const totalOf = (w: Float64Array) => w.reduce((a, b) => a + b, 0);

function loadsOf(beat: Int32Array, w: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K);
  for (let i = 0; i < n; i++) out[beat[i]!] += w[i]!;
  return out;
}

describe('treeStart (spanning-tree cuts)', () => {
  it('property: k connected, non-empty beats covering every cell; when it says so, every beat is within ±ε of the mean', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0.02, 0.05), (k, seed, eps) => {
        const w = seed % 2 ? city.workload : lumpy;
        const beat = new Int32Array(n).fill(-1);
        const ok = treeStart(grid, w, all, k, 3, eps, createRng(seed), beat);
        for (let i = 0; i < n; i++) expect(beat[i]! >= 3 && beat[i]! < 3 + k).toBe(true);
        const shifted = Int32Array.from(beat, (b) => b - 3);
        const { piecesOfBeat } = labelPieces(topologyOf(grid), shifted, k);
        for (const p of piecesOfBeat) expect(p).toBe(1);
        const mean = totalOf(w) / k;
        const loads = loadsOf(shifted, w, k);
        const floor = contiguityFloor(grid, w, mean, eps);
        if (ok) {
          for (let b = 0; b < k; b++) {
            let f = 0;
            for (let i = 0; i < n; i++) if (shifted[i] === b) f = Math.max(f, floor[i]!);
            expect(Math.abs(loads[b]! / mean - 1)).toBeLessThanOrEqual((f > eps ? f + eps / 4 : eps) + 1e-9);
          }
        }
        // deterministic for a seed
        const again = new Int32Array(n).fill(-1);
        treeStart(grid, w, all, k, 3, eps, createRng(seed), again);
        expect(again).toEqual(beat);
      }),
      { numRuns: 16, seed: 17 },
    );
  });

  it('on lumpy workload its beats miss the mean by far less than straight cuts (balancedStart), for every seed tried', () => {
    const mean = totalOf(lumpy) / 12;
    const worst = (beat: Int32Array) => Math.max(...Array.from(loadsOf(beat, lumpy, 12), (l) => Math.abs(l / mean - 1)));
    for (const seed of [1, 2, 3, 4, 5]) {
      const tree = new Int32Array(n);
      const straight = new Int32Array(n);
      treeStart(grid, lumpy, all, 12, 0, 0.02, createRng(seed), tree);
      balancedStart(grid, lumpy, all, 12, 0, [], createRng(seed), straight);
      expect(worst(tree)).toBeLessThan(0.5 * worst(straight));
    }
  });

  it('refuses more beats than cells', () => {
    expect(() => treeStart(grid, city.workload, all.subarray(0, 3), 4, 0, 0.02, createRng(1), new Int32Array(n))).toThrow(RangeError);
  });
});

describe('contiguityFloor', () => {
  it('a node too light alone and too heavy with its lightest neighbour: min(1 − w, w + m − 1); heavy nodes: w − 1; others 0', () => {
    const u = 100;
    const w = new Float64Array(n).fill(1);
    w[u] = 0.8;
    for (let e = grid.adjOffsets[u]!; e < grid.adjOffsets[u + 1]!; e++) w[grid.adjTargets[e]!] = 0.25 + 0.01 * (e - grid.adjOffsets[u]!);
    w[5] = 1.3;
    const f = contiguityFloor(grid, w, 1, 0.025);
    expect(f[u]).toBeCloseTo(Math.min(1 - 0.8, 0.8 + 0.25 - 1), 12);
    expect(f[5]).toBeCloseTo(0.3, 12);
    const others = [...f.keys()].filter((i) => i !== u && i !== 5);
    expect(others.every((i) => f[i] === 0)).toBe(true);
    // a lighter neighbour (0.2) lets the node into the band: no floor
    w[grid.adjTargets[grid.adjOffsets[u]!]!] = 0.2;
    expect(contiguityFloor(grid, w, 1, 0.025)[u]).toBe(0);
  });

  it('property: no connected beat lies closer to the mean than the floor of any node it holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), fc.integer({ min: 1, max: 500 }), (k, seed) => {
        const beat = new Int32Array(n);
        treeStart(grid, lumpy, all, k, 0, 0.02, createRng(seed), beat);
        const mean = totalOf(lumpy) / k;
        const floor = contiguityFloor(grid, lumpy, mean, 0.02);
        const loads = loadsOf(beat, lumpy, k);
        for (let i = 0; i < n; i++) expect(Math.abs(loads[beat[i]!]! / mean - 1)).toBeGreaterThanOrEqual(floor[i]! - 1e-12);
      }),
      { numRuns: 20, seed: 5 },
    );
  });
});

describe('recombineToBand (recombination along flows)', () => {
  function setup(K: number, seed: number) {
    const beat = new Int32Array(n);
    balancedStart(grid, lumpy, all, K, 0, [], createRng(seed), beat);
    const part = Partition.fromAssignment(grid, beat, K, [lumpy]);
    const ctx: SearchContext = {
      part,
      target: new Float64Array(K).fill(totalOf(lumpy) / K),
      regionOfBeat: new Int32Array(K),
      lockedBeat: new Uint8Array(K),
      pinned: new Uint8Array(n),
      band: 0.025,
      changePenalty: 1,
      changePerCell: 0.002,
      cutWeight: 0.002,
      rng: createRng(seed),
      bfsLimit: Infinity,
      deadline: Infinity,
      now: () => 0,
    };
    return { part, ctx, parts: searchParts(ctx) };
  }
  const penalty = (part: Partition, ctx: SearchContext) =>
    Array.from(part.sums[0]!).reduce((s, w, b) => s + balancePenalty(w, ctx.target[b]!, ctx.band), 0);

  it('property: the band penalty never grows, every beat stays one piece, aggregates stay exact, the same seed gives the same plan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 16 }), fc.integer({ min: 1, max: 200 }), (K, seed) => {
        const { part, ctx, parts } = setup(K, seed);
        const before = penalty(part, ctx);
        recombineToBand(ctx, parts, createRng(seed));
        expect(penalty(part, ctx)).toBeLessThanOrEqual(before + 1e-12);
        const { piecesOfBeat } = labelPieces(topologyOf(grid), part.beatOfCell, K);
        for (const p of piecesOfBeat) expect(p).toBe(1);
        const fresh = Partition.fromAssignment(grid, Int32Array.from(part.beatOfCell), K, [lumpy]);
        for (let b = 0; b < K; b++) {
          expect(part.sums[0]![b]).toBeCloseTo(fresh.sums[0]![b]!, 6);
          expect(part.perimeterKm[b]).toBeCloseTo(fresh.perimeterKm[b]!, 6);
        }
        const twin = setup(K, seed);
        recombineToBand(twin.ctx, twin.parts, createRng(seed));
        expect(twin.part.beatOfCell).toEqual(part.beatOfCell);
      }),
      { numRuns: 10, seed: 23 },
    );
  });

  it('brings lumpy straight-cut beats much nearer the band (12 beats of cubed workload)', () => {
    const { part, ctx, parts } = setup(12, 4);
    const before = penalty(part, ctx);
    expect(before).toBeGreaterThan(0);
    const r = recombineToBand(ctx, parts, createRng(4));
    expect(r.pairs).toBeGreaterThan(0);
    expect(penalty(part, ctx)).toBeLessThan(0.5 * before);
  });
});
