/**
 * The parts of the districting local search, each alone: objective terms (incremental delta =
 * full recomputation), constraints (named reasons), acceptance rules, and the contiguity test
 * they rely on (canRemoveCell against a plain BFS).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../random.js';
import { Partition } from '../partition.js';
import { planBeats } from '../plan-beats.js';
import { syntheticCity } from '../synthetic.js';
import { canRemoveCell, labelPieces, topologyOf } from '../topology.js';
import { AnnealingAcceptance, greedyAcceptance } from './acceptance.js';
import {
  ChangeBudgetConstraint,
  ContiguityConstraint,
  firstViolation,
  LockConstraint,
  NoWorseConstraint,
  RegionConstraint,
  ShapeFloorConstraint,
  TendrilConstraint,
} from './constraints.js';
import { BalanceTerm, balancePenalty, ChangeLedger, ChangeTerm, CompactnessTerm, CutEdgeTerm } from './terms.js';

const city = syntheticCity({ seed: 3, cells: 900, resolution: 9, roughness: 0.45 });
const K = 12;
const planned = planBeats(city.grid, city.workload, { beats: K, seed: 2 }).plan;
const n = city.grid.cellCount;
let total = 0;
for (let i = 0; i < n; i++) total += city.workload[i]!;
const target = new Float64Array(K).fill(total / K);

/** Σ_b P_b² / (4π A_b) from the partition's aggregates. */
function inversePP(p: Partition): number {
  let s = 0;
  for (let b = 0; b < p.beatCount; b++) if (p.cells[b]! > 0) s += p.perimeterKm[b]! ** 2 / (4 * Math.PI * p.areaKm2[b]!);
  return s;
}
function balanceSum(p: Partition, band: number): number {
  let s = 0;
  for (let b = 0; b < p.beatCount; b++) s += balancePenalty(p.sums[0]![b]!, target[b]!, band);
  return s;
}
/** Boundary moves: (cell, neighbouring beat). */
function boundaryMoves(p: Partition): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const { adjOffsets, adjTargets } = city.grid;
  for (let i = 0; i < n; i++) {
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      const b = p.beatOfCell[adjTargets[e]!]!;
      if (b !== p.beatOfCell[i] && p.cells[p.beatOfCell[i]!]! > 1) out.push([i, b]);
    }
  }
  return out;
}

describe('objective terms: delta(cell, from, to) equals the recomputed change', () => {
  it('balance, compactness, cut edges and change agree with a full recomputation after the move', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(0, 0.01, 0.05), (pick, band) => {
        const part = Partition.fromAssignment(city.grid, Int32Array.from(planned.beatOfCell), K, [city.workload]);
        const initial = Int32Array.from(planned.beatOfCell);
        // drift the plan a little so the change term has cells away from home
        const rng = createRng(pick);
        for (let k = 0; k < 5; k++) {
          const moves = boundaryMoves(part);
          const [i, b] = moves[rng.int(moves.length)]!;
          part.move(i, b);
        }
        const ledger = new ChangeLedger(initial, city.workload, part.beatOfCell);
        const moves = boundaryMoves(part);
        const [i, to] = moves[pick % moves.length]!;
        const from = part.beatOfCell[i]!;
        const terms = {
          balance: new BalanceTerm(part, target, band),
          compactness: new CompactnessTerm(part),
          cut: new CutEdgeTerm(part, 0.5),
          change: new ChangeTerm(ledger, 2, 0.01, total / K),
        };
        const d = Object.fromEntries(Object.entries(terms).map(([k, t]) => [k, t.delta(i, from, to)]));
        const before = {
          balance: balanceSum(part, band),
          compactness: inversePP(part),
          cut: 0.5 * part.cutEdges,
          moved: ledger.movedWorkload,
          cells: ledger.movedCells,
        };
        part.move(i, to);
        ledger.record(i, from, to);
        expect(d.balance!).toBeCloseTo(balanceSum(part, band) - before.balance, 12);
        expect(d.compactness!).toBeCloseTo(inversePP(part) - before.compactness, 9);
        expect(d.cut!).toBeCloseTo(0.5 * part.cutEdges - before.cut, 12);
        const expectedChange = (2 * (ledger.movedWorkload - before.moved)) / (total / K) + 0.01 * (ledger.movedCells - before.cells);
        expect(d.change!).toBeCloseTo(expectedChange, 12);
        // the ledger equals a recount from the cells
        const recount = new ChangeLedger(initial, city.workload, part.beatOfCell);
        expect(ledger.movedWorkload).toBeCloseTo(recount.movedWorkload, 9);
        expect(ledger.movedCells).toBe(recount.movedCells);
      }),
      { numRuns: 60 },
    );
  });

  it('balancePenalty is zero inside the band and quadratic outside', () => {
    expect(balancePenalty(102, 100, 0.025)).toBe(0);
    expect(balancePenalty(110, 100, 0.025)).toBeCloseTo(0.075 ** 2, 15);
    expect(balancePenalty(90, 100, 0.025)).toBeCloseTo(0.075 ** 2, 15);
    expect(balancePenalty(5, 0, 0.025)).toBe(0);
  });
});

describe('constraints name the reason a move is refused', () => {
  const part = Partition.fromAssignment(city.grid, Int32Array.from(planned.beatOfCell), K, [city.workload]);
  const [i, to] = boundaryMoves(part)[0]!;
  const from = part.beatOfCell[i]!;

  it('locks: pinned cells and locked beats', () => {
    const pinned = new Uint8Array(n);
    const locked = new Uint8Array(K);
    const c = new LockConstraint(locked, pinned);
    expect(c.check(i, from, to)).toBeNull();
    pinned[i] = 1;
    expect(c.check(i, from, to)).toMatch(/pinned/);
    pinned[i] = 0;
    locked[to] = 1;
    expect(c.check(i, from, to)).toMatch(/locked beat/);
  });

  it('regions: beats of different regions never trade cells', () => {
    const regionOfBeat = new Int32Array(K);
    expect(new RegionConstraint(regionOfBeat).check(i, from, to)).toBeNull();
    regionOfBeat[to] = 1;
    expect(new RegionConstraint(regionOfBeat).check(i, from, to)).toMatch(/different regions/);
  });

  it('change budget: refuses a move that would exceed it, always allows a cell to go home', () => {
    const initial = Int32Array.from(part.beatOfCell);
    const ledger = new ChangeLedger(initial, city.workload, part.beatOfCell);
    const heavy = boundaryMoves(part).find(([c]) => city.workload[c]! > 0)!;
    const c = new ChangeBudgetConstraint(ledger, city.workload[heavy[0]]! / 2);
    expect(c.check(heavy[0], part.beatOfCell[heavy[0]]!, heavy[1])).toMatch(/change budget/);
    // a cell away from home may return even with the budget spent
    const away = Int32Array.from(initial);
    away[heavy[0]] = heavy[1];
    const ledger2 = new ChangeLedger(initial, city.workload, away);
    expect(new ChangeBudgetConstraint(ledger2, 0).check(heavy[0], heavy[1], initial[heavy[0]]!)).toBeNull();
  });

  it('contiguity and the tendril guard; firstViolation names the constraint', () => {
    const con = new ContiguityConstraint(part, Infinity);
    let refused = 0;
    let allowed = 0;
    for (const [c, b] of boundaryMoves(part)) {
      const r = con.check(c, part.beatOfCell[c]!);
      // ground truth: the beat stays one piece without the cell
      const copy = Int32Array.from(part.beatOfCell);
      const a = copy[c]!;
      copy[c] = b;
      const whole = labelPieces(topologyOf(city.grid), copy, K).piecesOfBeat[a] === 1;
      expect(r === null).toBe(whole);
      if (r) {
        refused++;
        expect(firstViolation([new TendrilConstraint(part), con], c, a, b)?.constraint).toMatch(/contiguity|tendril-guard/);
      } else allowed++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(allowed).toBeGreaterThan(0);
    const t = new TendrilConstraint(part);
    for (const [c, b] of boundaryMoves(part).slice(0, 200)) {
      const ok = part.travelLinks(c, b) >= 2 || part.travelLinks(c, part.beatOfCell[c]!) <= 1;
      expect(t.check(c, part.beatOfCell[c]!, b) === null).toBe(ok);
    }
  });
});

describe('a budgeted re-plan makes no beat worse', () => {
  /** A lopsided start: the synthetic plan with a block of cells pushed between beats. */
  const lopsided = () => {
    const part = Partition.fromAssignment(city.grid, Int32Array.from(planned.beatOfCell), K, [city.workload]);
    const rng = createRng(11);
    for (let k = 0; k < 150; k++) {
      const moves = boundaryMoves(part).filter(([i, b]) => part.beatOfCell[i]! % 2 === 1 && b % 2 === 0);
      if (!moves.length) break;
      const [i, b] = moves[rng.int(moves.length)]!;
      part.move(i, b);
    }
    return part;
  };

  it('no-worse: any sequence of allowed moves keeps every beat in [min(w0, lower edge), max(w0, upper edge)]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0.01, 0.025, 0.1), (seed, band) => {
        const part = lopsided();
        const w0 = Float64Array.from(part.sums[0]!);
        const c = new NoWorseConstraint(part, target, band);
        const rng = createRng(seed);
        let allowed = 0;
        for (let t = 0; t < 300; t++) {
          const moves = boundaryMoves(part);
          const [i, b] = moves[rng.int(moves.length)]!;
          if (c.check(i, part.beatOfCell[i]!, b) !== null) continue;
          part.move(i, b);
          allowed++;
        }
        for (let b = 0; b < K; b++) {
          const w = part.sums[0]![b]!;
          const T = target[b]!;
          // |w − T| never grows beyond max(initial deviation, band); never below min(w0, lower edge)
          expect(Math.abs(w - T)).toBeLessThanOrEqual(Math.max(Math.abs(w0[b]! - T), band * T) + 1e-9);
          expect(w).toBeGreaterThanOrEqual(Math.min(w0[b]!, T * (1 - band)) - 1e-9);
        }
        expect(c.violations()).toBe(0);
        return allowed > 0;
      }),
      { numRuns: 20 },
    );
  });

  it('no-worse names the side that refuses; a beat below its range refuses to give, one above refuses to take', () => {
    const part = lopsided();
    const c = new NoWorseConstraint(part, target, 0.025);
    const load = part.sums[0]!;
    let refusedGive = 0;
    let refusedTake = 0;
    for (const [i, b] of boundaryMoves(part)) {
      const a = part.beatOfCell[i]!;
      const r = c.check(i, a, b);
      if (load[a]! < target[a]! * 0.975 && city.workload[i]! > 0) expect(r).toMatch(/leaves/), refusedGive++;
      else if (load[b]! > target[b]! * 1.025 && city.workload[i]! > 0 && load[a]! - city.workload[i]! >= c.lo[a]!)
        expect(r).toMatch(/joins/), refusedTake++;
    }
    expect(refusedGive + refusedTake).toBeGreaterThan(0);
  });

  it('shape floor: allowed moves keep the mean Polsby-Popper at least the initial mean minus the margin', () => {
    const pp = (p: Partition) => {
      let s = 0;
      for (let b = 0; b < K; b++) s += (4 * Math.PI * p.areaKm2[b]!) / p.perimeterKm[b]! ** 2;
      return s / K;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, 0.005, 0.02), (seed, margin) => {
        const part = Partition.fromAssignment(city.grid, Int32Array.from(planned.beatOfCell), K, [city.workload]);
        const start = pp(part);
        const c = new ShapeFloorConstraint(part, margin);
        expect(c.floor).toBeCloseTo(start - margin, 12);
        const rng = createRng(seed);
        let refused = 0;
        for (let t = 0; t < 400; t++) {
          const moves = boundaryMoves(part);
          const [i, b] = moves[rng.int(moves.length)]!;
          if (c.check(i, part.beatOfCell[i]!, b) !== null) {
            refused++;
            continue;
          }
          part.move(i, b);
          expect(pp(part)).toBeGreaterThanOrEqual(start - margin - 1e-12);
        }
        return refused > 0;
      }),
      { numRuns: 15 },
    );
  });
});

describe('canRemoveCell', () => {
  it('agrees with a BFS on random assignments (local rule or BFS)', () => {
    const topo = topologyOf(city.grid);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 6 }), (seed, k) => {
        const rng = createRng(seed);
        // a random but blobby assignment: k random seeds grown by BFS
        const beat = new Int32Array(n).fill(-1);
        const queue: number[] = [];
        for (let b = 0; b < k; b++) {
          const s = rng.int(n);
          if (beat[s] === -1) (beat[s] = b), queue.push(s);
        }
        for (let q = 0; q < queue.length; q++) {
          const c = queue[q]!;
          for (let e = city.grid.adjOffsets[c]!; e < city.grid.adjOffsets[c + 1]!; e++) {
            const j = city.grid.adjTargets[e]!;
            if (beat[j] === -1 && rng.next() < 0.8) (beat[j] = beat[c]!), queue.push(j);
          }
        }
        for (let t = 0; t < 40; t++) {
          const i = rng.int(n);
          const b = beat[i]!;
          if (b < 0) continue;
          const before = labelPieces(topo, beat, k).piecesOfBeat[b]!;
          const r = canRemoveCell(topo, beat, i);
          beat[i] = -1;
          const after = labelPieces(topo, beat, k).piecesOfBeat[b]!;
          beat[i] = b;
          // removal never splits when the answer is yes; a no means it would split (or pieces grow)
          if (r !== 0) expect(after).toBeLessThanOrEqual(before);
          else expect(after).toBeGreaterThan(before);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('acceptance rules', () => {
  it('greedy: lower balance, or equal balance and lower shape', () => {
    expect(greedyAcceptance.accept(-1e-6, 5)).toBe(true);
    expect(greedyAcceptance.accept(0, -0.1)).toBe(true);
    expect(greedyAcceptance.accept(0, 0.1)).toBe(false);
    expect(greedyAcceptance.accept(1e-6, -5)).toBe(false);
  });
  it('annealing: takes a worse shape with probability exp(−Δ/T), never a worse balance', () => {
    const a = new AnnealingAcceptance(createRng(1), 0.1);
    let taken = 0;
    for (let k = 0; k < 4000; k++) if (a.accept(0, 0.1)) taken++;
    expect(taken / 4000).toBeCloseTo(Math.exp(-1), 1);
    expect(a.accept(1e-6, -10)).toBe(false);
    a.temperature = 0;
    expect(a.accept(0, 0.1)).toBe(false);
    expect(a.accept(0, -0.1)).toBe(true);
  });
});
