/**
 * Staffing benchmark: staffing + named assignment for a Chicago-sized city (274 beats × 3
 * shifts, ~2,500 officers) and a 600-beat city, on seeded synthetic data. Prints the exact
 * combinatorial times, the HiGHS cross-check of the same models, and how javascript-lp-solver
 * scales on the same models (why it is not the production path).
 */

import { shutdownHighsWorkers, solve } from '../../packages/engine/src/solver/index.js';
import { flowNetworkToModel } from '../../packages/engine/src/solver/min-cost-flow.js';
import { type AllocationProblem, allocateOfficers, allocationModel } from '../../packages/engine/src/staff/allocate.js';
import { assignOfficers } from '../../packages/engine/src/staff/assign.js';
import { staffBeats } from '../../packages/engine/src/staff/staff-beats.js';
import { syntheticCity } from '../../packages/engine/src/staff/synthetic.js';
import { requiredOfficers } from '../../packages/engine/src/staff/time-model.js';

const GOAL_MS = 2000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One shift's allocation and assignment problems of a synthetic city (for solver comparisons). */
function shiftProblems(beats: number, seed: number) {
  const { input, roster } = syntheticCity({ beats, seed });
  const s = 1; // day watch
  const h = 36;
  const officers = roster.filter((o) => o.available && o.shift === input.shifts[s]!.id);
  const ids = new Map(input.beats.map((b, i) => [b.id, i]));
  const p: AllocationProblem = {
    workloadHours: input.beats.map((b) => b.shiftWorkloadHours[s]!),
    communityHours: input.beats.map((b) => b.needHours / 3),
    minOfficers: input.beats.map(() => 1),
    headcount: officers.length,
    officerHoursPerWeek: h,
    saturationWeight: 1,
    communityWeight: 1,
    saturationTarget: 0.6,
  };
  const alloc = allocateOfficers(p);
  const asg = assignOfficers({
    slots: alloc.officers,
    beatSkills: input.beats.map((b) => b.skills ?? []),
    officers: officers.map((o) => ({ id: o.id, target: ids.get(o.currentBeat ?? '') ?? -1, senior: o.rank === 'SGT', skills: o.skills })),
    weights: { continuity: 10, seniority: 1, skillMissing: 1000 },
  });
  return {
    p,
    alloc,
    asg,
    required: input.beats.reduce((a, b) => a + requiredOfficers(b.shiftWorkloadHours[s]!, b.needHours / 3, h, 0.6, 1), 0),
  };
}

/** Runs the staffing benchmark and prints its figures. */
export async function runStaffBench(): Promise<void> {
  console.log('## staffing (staffBeats: allocation + vehicles + named assignment, 3 shifts)');
  for (const beats of [274, 600]) {
    const { input, roster, fleet } = syntheticCity({ beats, seed: 2026, districts: Math.round(beats / 12.5) });
    const runs: number[] = [];
    let last;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      last = await staffBeats(input, roster, { fleet, verifyWithSolver: false });
      runs.push(performance.now() - t0);
    }
    const r = last!;
    const ms = median(runs);
    const sat = r.shifts
      .map((s) => `${s.shift} max ${(100 * (s.maxSaturation ?? 0)).toFixed(1)}%/mean ${(100 * (s.meanSaturation ?? 0)).toFixed(1)}%`)
      .join(', ');
    console.log(
      `${beats} beats × 3 shifts, ${roster.length} officers: ${ms.toFixed(0)} ms median of 5 ` +
        `(allocation ${r.timingsMs.allocation.toFixed(0)} ms, assignment ${r.timingsMs.assignment.toFixed(0)} ms) ` +
        `${ms < GOAL_MS ? 'OK' : 'OVER'} goal ${GOAL_MS} ms; exact parts ${r.parts.filter((p) => p.exact).length}/${r.parts.length}; ` +
        `continuity ${r.continuity.percent.toFixed(1)}%; saturation ${sat}; unfilled ${r.unfilled.length}`,
    );
    // Cross-check the same models with HiGHS (worker, LP format).
    const t1 = performance.now();
    const v = await staffBeats(input, roster, { fleet, verifyWithSolver: true, solverTimeLimitMs: 120_000 });
    const checks = v.parts
      .filter((p) => p.verifiedBy)
      .map((p) => `${p.part} ${p.verifiedBy!.backend} ${p.verifiedBy!.timeMs.toFixed(0)} ms`);
    console.log(`  cross-checked by solve(): all objectives equal; ${(performance.now() - t1).toFixed(0)} ms total — ${checks.join('; ')}`);
  }

  console.log('## javascript-lp-solver on the same models (day watch of an n-beat synthetic city)');
  for (const beats of [12, 25, 50, 100, 274]) {
    const { p, alloc, asg } = shiftProblems(beats, 7);
    const am = allocationModel(p);
    const lm = flowNetworkToModel(asg.network);
    const line: string[] = [`${beats} beats, ${p.headcount} officers:`];
    const tEx = performance.now();
    allocateOfficers(p);
    line.push(`exact allocation ${(performance.now() - tEx).toFixed(1)} ms`);
    for (const [name, model, exact] of [
      ['allocation MIP', am, alloc.objective],
      ['assignment LP', lm, asg.cost],
    ] as const) {
      const size = `${model.variables.length} cols × ${model.constraints.length} rows`;
      const cells = model.variables.length * model.constraints.length;
      if (cells > 3_000_000 || (name === 'allocation MIP' && model.variables.filter((x) => x.integer).length > 120)) {
        const hs = await solve(model, { timeLimitMs: 60_000, backend: 'highs' });
        line.push(
          `${name} (${size}): jsl skipped (dense tableau ${(cells / 1e6).toFixed(1)}M cells / too many integers); highs ${hs.status} ${hs.timeMs.toFixed(0)} ms, Δ ${Math.abs(hs.objective - exact).toExponential(1)}`,
        );
        continue;
      }
      const js = await solve(model, { timeLimitMs: 5_000, backend: 'jsl' });
      if (js.status === 'error') line.push(`jsl check failed: ${js.message}`);
      const hs = await solve(model, { timeLimitMs: 60_000, backend: 'highs' });
      line.push(
        `${name} (${size}): jsl ${js.status} ${js.timeMs.toFixed(0)} ms, highs ${hs.status} ${hs.timeMs.toFixed(0)} ms, ` +
          `Δ ${Math.abs(js.objective - exact).toExponential(1)}/${Math.abs(hs.objective - exact).toExponential(1)}`,
      );
    }
    console.log(`  ${line.join(' | ')}`);
  }
  await shutdownHighsWorkers();
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) await runStaffBench();
