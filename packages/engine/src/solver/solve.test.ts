import { afterAll, describe, expect, it } from 'vitest';
import type { BeatplanError } from '../errors.js';
import { createRng } from '../random.js';
import {
  checkFlowOptimality,
  checkSolution,
  flowNetworkToModel,
  type LinearModel,
  LinearModelBuilder,
  minCostFlow,
  requireSolution,
  shutdownHighsWorkers,
  solve,
  toLpFormat,
} from './index.js';

afterAll(() => shutdownHighsWorkers());

function chairsTables(): LinearModel {
  const b = new LinearModelBuilder('max');
  const c = b.addVariable('chairs', { integer: true, cost: 30 });
  const t = b.addVariable('tables', { integer: true, cost: 50 });
  b.addConstraint(
    'carpentry',
    [
      [c, 1],
      [t, 2],
    ],
    { upper: 40 },
  );
  b.addConstraint(
    'finishing',
    [
      [c, 2],
      [t, 1],
    ],
    { upper: 50 },
  );
  return b.build();
}

/** Seeded transportation problem: LP optimum is integral. */
function transportation(seed: number, sources: number, sinks: number): LinearModel {
  const rng = createRng(seed);
  const b = new LinearModelBuilder('min');
  const supply = Array.from({ length: sources }, () => 5 + rng.int(20));
  const total = supply.reduce((a, x) => a + x, 0);
  const demand = Array.from({ length: sinks }, () => Math.floor(total / sinks));
  const x: number[][] = [];
  for (let i = 0; i < sources; i++) {
    x.push([]);
    for (let j = 0; j < sinks; j++) x[i]!.push(b.addVariable(`x_${i}_${j}`, { cost: 1 + rng.int(30) }));
  }
  for (let i = 0; i < sources; i++)
    b.addConstraint(
      `s${i}`,
      x[i]!.map((v) => [v, 1] as [number, number]),
      { upper: supply[i]! },
    );
  for (let j = 0; j < sinks; j++)
    b.addConstraint(
      `d${j}`,
      x.map((r) => [r[j]!, 1] as [number, number]),
      { equal: demand[j]! },
    );
  return b.build();
}

/** Seeded small knapsack-like MIP with a general-integer bound. */
function smallMip(seed: number): LinearModel {
  const rng = createRng(seed);
  const b = new LinearModelBuilder('max');
  const vs = Array.from({ length: 8 }, (_, j) => b.addVariable(`y${j}`, { integer: true, upper: 3, cost: 5 + rng.int(20) }));
  for (let r = 0; r < 3; r++) {
    b.addConstraint(
      `cap${r}`,
      vs.map((v) => [v, 1 + rng.int(9)] as [number, number]),
      { upper: 25 + rng.int(20) },
    );
  }
  return b.build();
}

describe('solve', () => {
  it('finds the known optimum of a hand-checkable MIP on both backends', async () => {
    for (const backend of ['jsl', 'highs'] as const) {
      const r = await solve(chairsTables(), { timeLimitMs: 10_000, backend });
      expect(r.status).toBe('optimal');
      expect(r.objective).toBeCloseTo(1100, 6);
      expect(Array.from(r.values)).toEqual([20, 10]);
      expect(r.integral).toBe(true);
      expect(r.backend).toBe(backend);
    }
  });

  it('gives equal optima on both backends (LPs and MIPs)', async () => {
    const models = [transportation(1, 4, 5), transportation(2, 6, 8), smallMip(3), smallMip(4), smallMip(5)];
    for (const m of models) {
      const a = await solve(m, { timeLimitMs: 20_000, backend: 'jsl' });
      const h = await solve(m, { timeLimitMs: 20_000, backend: 'highs' });
      expect(a.status).toBe('optimal');
      expect(h.status).toBe('optimal');
      expect(a.objective).toBeCloseTo(h.objective, 6);
      expect(checkSolution(m, a.values)).toEqual([]);
      expect(checkSolution(m, h.values)).toEqual([]);
    }
  });

  it('reports infeasibility on both backends and requireSolution explains it', async () => {
    const b = new LinearModelBuilder('min');
    const x = b.addVariable('x', { upper: 3, cost: 1 });
    b.addConstraint('needs5', [[x, 1]], { lower: 5 });
    const m = b.build();
    for (const backend of ['jsl', 'highs'] as const) {
      const r = await solve(m, { timeLimitMs: 5000, backend });
      expect(r.status).toBe('infeasible');
      expect(() => requireSolution(r, 'toy')).toThrowError(/toy: no solution/);
      try {
        requireSolution(r, 'toy');
      } catch (e) {
        expect((e as BeatplanError).code).toBe('INFEASIBLE');
      }
    }
  });

  it('handles negative lower bounds, fixed variables and ranged rows', async () => {
    const b = new LinearModelBuilder('min');
    const x = b.addVariable('x', { lower: -5, upper: 5, cost: 1 });
    const _y = b.addVariable('y', { lower: 2, upper: 2, cost: 1 });
    const z = b.addVariable('z', { lower: 1, upper: 10, cost: -1, integer: true });
    b.addConstraint(
      'range',
      [
        [x, 1],
        [z, 1],
      ],
      { lower: -2, upper: 3.5 },
    );
    const m = b.build();
    for (const backend of ['jsl', 'highs'] as const) {
      const r = await solve(m, { timeLimitMs: 5000, backend });
      expect(r.status).toBe('optimal');
      // minimise x + 2 - z with x >= -5, x + z <= 3.5, z integer: x = -5, z = 8 → -11
      expect(r.objective).toBeCloseTo(-11, 6);
      expect(Array.from(r.values)).toEqual([-5, 2, 8]);
    }
  });

  it('catches a fractional relaxation reported as a solution', () => {
    const m = chairsTables();
    const v = checkSolution(m, [20.5, 9.7]);
    expect(v.some((x) => x.kind === 'integrality' && x.name === 'chairs')).toBe(true);
    const w = checkSolution(m, [30, 10]);
    expect(w.some((x) => x.kind === 'row' && x.name === 'carpentry')).toBe(true);
    expect(checkSolution(m, [20, 10])).toEqual([]);
  });

  it('writes valid CPLEX LP text', () => {
    const lp = toLpFormat(chairsTables());
    expect(lp).toContain('Maximize');
    expect(lp).toContain('General');
    expect(lp).toMatch(/r0: x0 \+ 2 x1 <= 40/);
  });

  it('stops a hard model at the HiGHS time limit', async () => {
    // Market-split instance (Cornuéjols–Dawande): notoriously hard for branch and bound.
    const rng = createRng(7);
    const m = 6;
    const n = 50;
    const b = new LinearModelBuilder('min');
    const xs = Array.from({ length: n }, (_, j) => b.addVariable(`x${j}`, { integer: true, upper: 1 }));
    for (let i = 0; i < m; i++) {
      const a = xs.map(() => rng.int(100));
      const d = Math.floor(a.reduce((s, v) => s + v, 0) / 2);
      const sp = b.addVariable(`sp${i}`, { cost: 1 });
      const sn = b.addVariable(`sn${i}`, { cost: 1 });
      b.addConstraint(`split${i}`, [...xs.map((x, j) => [x, a[j]!] as [number, number]), [sp, 1], [sn, -1]], { equal: d });
    }
    const t0 = performance.now();
    const r = await solve(b.build(), { timeLimitMs: 1500, backend: 'highs' });
    const elapsed = performance.now() - t0;
    expect(r.status === 'timeout' || r.status === 'optimal').toBe(true);
    if (r.status === 'timeout') expect(elapsed).toBeLessThan(1500 + 4000);
    expect(r.status).toBe('timeout');
  });
});

describe('minCostFlow', () => {
  it('matches the LP optimum and carries its own optimality certificate', async () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 4; trial++) {
      const S = 6;
      const D = 7;
      const from: number[] = [];
      const to: number[] = [];
      const capacity: number[] = [];
      const cost: number[] = [];
      const supply = new Array<number>(S + D).fill(0);
      let total = 0;
      for (let i = 0; i < S; i++) {
        supply[i] = 3 + rng.int(6);
        total += supply[i]!;
      }
      for (let j = 0; j < D; j++) supply[S + j] = -Math.floor(total / D);
      supply[S] = supply[S]! - (total - Math.floor(total / D) * D);
      for (let i = 0; i < S; i++)
        for (let j = 0; j < D; j++) {
          from.push(i);
          to.push(S + j);
          capacity.push(100);
          cost.push(rng.int(40) - 10);
        }
      const net = { nodeCount: S + D, from, to, capacity, cost, supply };
      const r = minCostFlow(net);
      expect(r.unshipped).toBe(0);
      expect(checkFlowOptimality(net, r.flow, r.potential)).toEqual([]);
      const lp = await solve(flowNetworkToModel(net), { timeLimitMs: 10_000, backend: 'jsl' });
      expect(lp.status).toBe('optimal');
      expect(r.cost).toBeCloseTo(lp.objective, 6);
    }
  });
});
