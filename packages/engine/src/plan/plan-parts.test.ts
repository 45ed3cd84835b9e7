/**
 * The stages of planBeats, each alone on synthetic cities: regions and apportionment, the
 * balanced start, contiguity repair, flow-guided balancing, pair recombination, the
 * relabelled restart, and the change and band figures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { balancedStart } from './balanced-start.js';
import { bandExcess, beatTransfers, flowGuidedBalance, maxDeviation } from './flow-guide.js';
import { localSearch, type SearchContext, searchParts } from './local-search.js';
import { Partition } from './partition.js';
import { planBeats } from './plan-beats.js';
import { recombineOutliers } from './recombine.js';
import { apportion, buildRegions } from './regions.js';
import { repairPlan } from './repair.js';
import { matchLabels } from './restart.js';
import { syntheticCity } from './synthetic.js';
import { labelPieces, topologyOf } from './topology.js';
import { beatsOutsideBand, planChange } from './weights.js';

const city = syntheticCity({ seed: 5, cells: 1500, resolution: 9, roughness: 0.4 });
const { grid, workload } = city;
const n = grid.cellCount;
const all = Int32Array.from({ length: n }, (_, i) => i);
const total = workload.reduce((a, b) => a + b, 0);

function pieces(beat: Int32Array, K: number) {
  return labelPieces(topologyOf(grid), beat, K).piecesOfBeat;
}

function context(part: Partition, K: number, band: number, extra: Partial<SearchContext> = {}): SearchContext {
  return {
    part,
    target: new Float64Array(K).fill(total / K),
    regionOfBeat: new Int32Array(K),
    lockedBeat: new Uint8Array(K),
    pinned: new Uint8Array(n),
    band,
    changePenalty: 1,
    changePerCell: 0.002,
    cutWeight: 0.002,
    rng: createRng(3),
    bfsLimit: Infinity,
    deadline: Infinity,
    now: () => 0,
    ...extra,
  };
}

describe('regions', () => {
  it('apportion: Huntington–Hill, every region at least one beat, the seats sum to k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 40 }),
        (w, extra) => {
          const k = w.length + extra;
          const seats = apportion(
            Float64Array.from(w),
            Int32Array.from(w, () => 1000),
            k,
          )!;
          expect(seats.reduce((a, b) => a + b, 0)).toBe(k);
          for (const s of seats) expect(s).toBeGreaterThanOrEqual(1);
          // no region could take a seat from another and lower the largest per-seat ratio spread (HH priority order)
          const pri = (r: number, s: number) => w[r]! / Math.sqrt(s * (s + 1));
          for (let r = 0; r < w.length; r++)
            for (let q = 0; q < w.length; q++)
              if (r !== q && seats[q]! > 1) expect(pri(r, seats[r]!)).toBeLessThanOrEqual(pri(q, seats[q]! - 1) + 1e-9);
        },
      ),
    );
    expect(apportion(Float64Array.from([1, 1, 1]), Int32Array.from([5, 5, 5]), 2)).toBeNull();
  });

  it('buildRegions: one region per district piece; a piece too small for a beat joins its neighbour with a warning', () => {
    const districts = new Int32Array(n);
    for (let i = 0; i < n; i++) districts[i] = grid.lng[i]! < -87.7 ? 0 : 1;
    // a 2-cell enclave of district 2 inside district 1
    const enclave = [...all].filter((i) => districts[i] === 1).slice(0, 1);
    for (const i of enclave) districts[i] = 2;
    const warnings: string[] = [];
    const r = buildRegions(grid, workload, new Uint8Array(n).fill(1), districts, 10, 'attach', warnings, (d) => `D${d}`);
    expect(r.count).toBe(2);
    for (let i = 0; i < n; i++) expect(r.regionOfCell[i]).toBeGreaterThanOrEqual(0);
    expect(warnings.some((w) => /too small for a beat/.test(w))).toBe(true);
    expect(r.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
  });
});

describe('balancedStart', () => {
  it('cuts a region into k beats, each within ⌈log2 k⌉ heaviest cells of the mean, deterministically', () => {
    for (const k of [2, 5, 16]) {
      const out = new Int32Array(n).fill(-1);
      balancedStart(grid, workload, all, k, 0, [], createRng(1), out);
      const load = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        expect(out[i]).toBeGreaterThanOrEqual(0);
        load[out[i]!] += workload[i]!;
      }
      const maxCell = Math.max(...workload);
      // each cut is exact up to one cell, and there are ⌈log2 k⌉ levels of cuts
      for (let b = 0; b < k; b++) expect(Math.abs(load[b]! - total / k)).toBeLessThanOrEqual(Math.ceil(Math.log2(k)) * maxCell + 1e-9);
      const again = new Int32Array(n).fill(-1);
      balancedStart(grid, workload, all, k, 0, [], createRng(1), again);
      expect(again).toEqual(out);
    }
  });
});

describe('repairPlan', () => {
  it('leaves every beat one piece and every cell assigned, keeping pinned cells', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const K = 8;
        const beat = new Int32Array(n);
        balancedStart(grid, workload, all, K, 0, [], createRng(2), beat);
        const rng = createRng(seed);
        const pinned = new Uint8Array(n);
        const pin = rng.int(n);
        pinned[pin] = 1;
        const pinnedBeat = beat[pin]!;
        for (let k = 0; k < 200; k++) {
          const i = rng.int(n);
          if (!pinned[i]) beat[i] = rng.next() < 0.5 ? -1 : rng.int(K); // holes and stray pieces
        }
        const left = repairPlan({
          grid,
          beatOfCell: beat,
          beatCount: K,
          regionOfCell: new Int32Array(n),
          regionOfBeat: new Int32Array(K),
          pinned,
          weight: workload,
          target: new Float64Array(K).fill(total / K),
        });
        expect(left).toEqual([]);
        expect(beat[pin]).toBe(pinnedBeat);
        const p = pieces(beat, K);
        for (let b = 0; b < K; b++) expect(p[b]).toBeLessThanOrEqual(b === pinnedBeat ? 2 : 1);
        for (let i = 0; i < n; i++) expect(beat[i]).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 20 },
    );
  });
});

describe('flow-guided balancing', () => {
  it('beatTransfers: a path of three beats ships the excess to the short beat through the middle one', () => {
    const t = beatTransfers(
      Float64Array.from([130, 100, 70]),
      Float64Array.from([100, 100, 100]),
      new Uint8Array(3),
      [0 * 3 + 1, 1 * 3 + 0, 1 * 3 + 2, 2 * 3 + 1],
      0.01,
    );
    const net = new Float64Array(3);
    for (const x of t) {
      net[x.from] -= x.amount;
      net[x.to] += x.amount;
    }
    const after = [130 + net[0]!, 100 + net[1]!, 70 + net[2]!];
    for (const w of after) expect(Math.abs(w - 100)).toBeLessThanOrEqual(1 + 0.2);
    expect(t.find((x) => x.from === 0 && x.to === 1)!.amount).toBeGreaterThan(28);
    expect(t.find((x) => x.from === 1 && x.to === 2)!.amount).toBeGreaterThan(28);
    expect(t.some((x) => x.from === 2 || x.to === 0)).toBe(false);
  });

  it('brings an unbalanced contiguous plan into the band, keeping every beat one piece', () => {
    const K = 10;
    const beat = new Int32Array(n);
    // a lopsided start: bisection on a distorted weight
    const skew = Float64Array.from(workload, (w, i) => w * (grid.lat[i]! > 41.85 ? 3 : 0.3));
    balancedStart(grid, skew, all, K, 0, [], createRng(1), beat);
    const part = Partition.fromAssignment(grid, beat, K, [workload]);
    const ctx = context(part, K, 0.03);
    const before = bandExcess(part.sums[0]!, ctx.target, ctx.lockedBeat, 0.03);
    expect(maxDeviation(part.sums[0]!, ctx.target, ctx.lockedBeat)).toBeGreaterThan(0.5);
    const stats = flowGuidedBalance(ctx, searchParts(ctx));
    const after = bandExcess(part.sums[0]!, ctx.target, ctx.lockedBeat, 0.03);
    expect(stats.rounds).toBeGreaterThan(0);
    expect(after).toBeLessThan(0.1 * before);
    for (const p of pieces(part.beatOfCell, K)) expect(p).toBe(1);
  });

  it('on any city and skew: every beat stays one piece, the band excess never grows, aggregates stay exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.integer({ min: 3, max: 12 }),
        (seed, skewBy, K) => {
          const c = syntheticCity({ seed, cells: 600, resolution: 9, roughness: 0.5 });
          const m = c.grid.cellCount;
          const cells = Int32Array.from({ length: m }, (_, i) => i);
          const beat = new Int32Array(m);
          const skew = Float64Array.from(c.workload, (w, i) => w * (c.grid.lng[i]! > -87.7 ? skewBy : 1));
          balancedStart(c.grid, skew, cells, K, 0, [], createRng(seed), beat);
          const part = Partition.fromAssignment(c.grid, beat, K, [c.workload]);
          const tot = c.workload.reduce((x, y) => x + y, 0);
          const ctx = { ...context(part, K, 0.02), target: new Float64Array(K).fill(tot / K), pinned: new Uint8Array(m) };
          const before = bandExcess(part.sums[0]!, ctx.target, ctx.lockedBeat, 0.02);
          flowGuidedBalance(ctx, searchParts(ctx));
          expect(bandExcess(part.sums[0]!, ctx.target, ctx.lockedBeat, 0.02)).toBeLessThanOrEqual(before + 1e-9);
          for (const p of labelPieces(topologyOf(c.grid), part.beatOfCell, K).piecesOfBeat) expect(p).toBe(1);
          const fresh = Partition.fromAssignment(c.grid, Int32Array.from(part.beatOfCell), K, [c.workload]);
          for (let b = 0; b < K; b++) {
            expect(part.sums[0]![b]).toBeCloseTo(fresh.sums[0]![b]!, 9);
            expect(part.perimeterKm[b]).toBeCloseTo(fresh.perimeterKm[b]!, 9);
          }
          expect(part.cutEdges).toBe(fresh.cutEdges);
        },
      ),
      { numRuns: 12, seed: 11 },
    );
  });

  it('recombineOutliers: a beat still out of band after single moves lands in it, both halves connected', () => {
    const K = 6;
    const beat = new Int32Array(n);
    balancedStart(grid, workload, all, K, 0, [], createRng(4), beat);
    const part = Partition.fromAssignment(grid, beat, K, [workload]);
    const ctx = context(part, K, 0.02);
    const parts = searchParts(ctx);
    // push beat 0 out of the band by moving a chunk of a neighbour into it
    const { adjOffsets, adjTargets } = grid;
    let moved = 0;
    for (let pass = 0; pass < 30 && part.sums[0]![0]! < 1.15 * ctx.target[0]!; pass++) {
      for (let i = 0; i < n && part.sums[0]![0]! < 1.15 * ctx.target[0]!; i++) {
        if (part.beatOfCell[i] === 0) continue;
        let touches = false;
        for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) if (part.beatOfCell[adjTargets[e]!] === 0) touches = true;
        if (touches && parts.contiguity.check(i, part.beatOfCell[i]!) === null) part.move(i, 0), moved++;
      }
    }
    expect(Math.abs(part.sums[0]![0]! / ctx.target[0]! - 1)).toBeGreaterThan(0.02);
    const r = recombineOutliers(ctx, parts, createRng(9));
    expect(r.pairs).toBeGreaterThan(0);
    expect(Math.abs(part.sums[0]![0]! / ctx.target[0]! - 1)).toBeLessThanOrEqual(0.02 + 1e-12);
    for (const p of pieces(part.beatOfCell, K)) expect(p).toBe(1);
    // aggregates stayed exact
    const fresh = Partition.fromAssignment(grid, Int32Array.from(part.beatOfCell), K, [workload]);
    for (let b = 0; b < K; b++) expect(part.sums[0]![b]).toBeCloseTo(fresh.sums[0]![b]!, 9);
    expect(moved).toBeGreaterThan(0);
  });

  it('localSearch keeps a change budget: the moved workload never exceeds it', () => {
    const K = 8;
    const beat = new Int32Array(n);
    const skew = Float64Array.from(workload, (w, i) => w * (grid.lng[i]! > -87.7 ? 2 : 0.5));
    balancedStart(grid, skew, all, K, 0, [], createRng(1), beat);
    const initialBeat = Int32Array.from(beat);
    const part = Partition.fromAssignment(grid, beat, K, [workload]);
    const budget = 0.05 * total;
    const ctx = context(part, K, 0.025, { initialBeat, changeBudget: budget });
    const parts = searchParts(ctx);
    flowGuidedBalance(ctx, parts);
    localSearch(ctx, parts, { sweeps: 10 }, { sweeps: 0, tried: 0, accepted: 0, bfs: 0, timedOut: false });
    const c = planChange(initialBeat, part.beatOfCell, workload);
    expect(c.movedWorkload).toBeLessThanOrEqual(budget * (1 + 1e-9));
    expect(c.movedWorkload).toBeGreaterThan(0.5 * budget);
  });
});

describe('restart and change figures', () => {
  it('matchLabels gives each label the predecessor beat it shares most workload with', () => {
    const label = Int32Array.from([0, 0, 1, 1, 1, -1]);
    const init = Int32Array.from([7, 7, 7, 3, 3, 3]);
    const w = Float64Array.from([1, 1, 5, 1, 1, 9]);
    // label 0 holds 2 of beat 7; label 1 holds 5 of beat 7 and 2 of beat 3 → 1 ↦ 7, 0 ↦ 3
    expect(Array.from(matchLabels(label, [0, 1, 2, 3, 4, 5], init, [3, 7], w))).toEqual([3, 7]);
  });

  it('planChange and beatsOutsideBand follow their one-sentence definitions', () => {
    const c = planChange(Int32Array.from([0, 0, 1, -1, -1]), Int32Array.from([0, 1, 1, -1, 0]), Float64Array.from([1, 2, 3, 4, 5]));
    // cells assigned in either plan: 0, 1, 2, 4 (workload 11); changed: 1 and 4 (workload 7)
    expect(c.movedWorkloadShare).toBeCloseTo(7 / 11, 15);
    expect(c.movedCellShare).toBeCloseTo(2 / 4, 15);
    expect(beatsOutsideBand([90, 100, 110], 0.05)).toEqual([0, 2]);
    expect(beatsOutsideBand([97.5, 100, 102.5], 0.025)).toEqual([]);
  });

  it('planBeats from an initial plan: deterministic, contiguous, in band, moved share = recount', () => {
    const K = 10;
    const beat = new Int32Array(n);
    const skew = Float64Array.from(workload, (w, i) => w * (grid.lat[i]! > 41.85 ? 2 : 0.5));
    balancedStart(grid, skew, all, K, 0, [], createRng(1), beat);
    const initial = {
      resolution: grid.resolution,
      cellCount: n,
      beatIds: Array.from({ length: K }, (_, b) => `X${b}`),
      beatOfCell: beat,
      locked: new Uint8Array(K),
    };
    for (const maxChange of [undefined, 0.05]) {
      const a = planBeats(grid, workload, { initial, seed: 4, maxChange });
      const b = planBeats(grid, workload, { initial, seed: 4, maxChange });
      expect(a.plan.beatOfCell).toEqual(b.plan.beatOfCell);
      for (const p of pieces(a.plan.beatOfCell, K)) expect(p).toBe(1);
      const recount = planChange(beat, a.plan.beatOfCell, workload);
      expect(a.report.change!.movedWorkloadShare).toBeCloseTo(recount.movedWorkloadShare, 12);
      expect(a.plan.beatIds).toEqual(initial.beatIds);
      if (maxChange === undefined) {
        expect(a.report.outsideBand).toEqual([]);
        expect(a.report.unmet).toEqual([]);
      } else {
        expect(recount.movedWorkloadShare).toBeLessThanOrEqual(maxChange + 1e-12);
        expect(a.report.change!.budget).toBe(maxChange);
        if (a.report.outsideBand.length) expect(a.report.unmet.join(' ')).toMatch(/change budget/);
      }
    }
    // a nearly balanced predecessor (a re-balance after a few edits) is balanced in place
    const fresh = planBeats(grid, workload, { beats: K, seed: 4 }).plan;
    const edited = Int32Array.from(fresh.beatOfCell);
    const { adjOffsets, adjTargets } = grid;
    let painted = 0;
    for (let i = 0; i < n && painted < 25; i++) {
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = edited[adjTargets[e]!]!;
        if (b !== edited[i] && b === 0 && edited[i] === 1) {
          edited[i] = 0;
          painted++;
          break;
        }
      }
    }
    const rebalanced = planBeats(grid, workload, { initial: { ...initial, beatOfCell: edited }, seed: 4 });
    expect(rebalanced.report.change!.movedWorkloadShare).toBeLessThan(0.05);
    expect(rebalanced.report.outsideBand).toEqual([]);
    // maxChange without an initial plan is reported as ignored
    expect(planBeats(grid, workload, { beats: K, maxChange: 0.1 }).report.unmet.join(' ')).toMatch(/maxChange was ignored/);
  });
});
