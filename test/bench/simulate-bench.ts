/**
 * Benchmark of `beatplan simulate`'s engine: 1,000,000 incidents replayed against a
 * Chicago-sized plan (synthetic city, ~600 km², H3 resolution 10, ~40k cells, 274 beats,
 * units on duty at ~55% utilisation, fractional units included) — the replay path
 * (`replayCalls` from an incident table, then `simulateResponse`) — and the Poisson mode's
 * agreement with the hypercube model on the same plan. `pnpm bench simulate` runs it.
 */
import { buildGrid } from '../../packages/engine/src/grid/build-grid.js';
import { buildTravelModel, estimateResponse } from '../../packages/engine/src/response/index.js';
import { simulateResponse } from '../../packages/engine/src/response/simulate.js';
import { poissonCalls, replayCalls } from '../../packages/engine/src/response/simulate-calls.js';
import { syntheticPlan, syntheticScores } from '../../packages/engine/src/response/synthetic.js';
import type { IncidentTable } from '../../packages/engine/src/score/types.js';

const INCIDENTS = 1_000_000;

export async function runSimulateBench(): Promise<void> {
  const lat = 41.85;
  const dLat = 24.5 / 2 / 111.2;
  const dLng = 24.5 / 2 / (111.2 * Math.cos((lat * Math.PI) / 180));
  const poly = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [-87.7 - dLng, lat - dLat],
        [-87.7 + dLng, lat - dLat],
        [-87.7 + dLng, lat + dLat],
        [-87.7 - dLng, lat + dLat],
        [-87.7 - dLng, lat - dLat],
      ],
    ],
  };
  const grid = buildGrid(poly, { resolution: 10 });
  const plan = syntheticPlan(grid, 274, 22);
  const scores = syntheticScores(grid, { seed: 3, workloadHoursPerWeek: 70_400, serviceMinutes: 45 });
  // Units on duty: the beat's shift workload at 55% utilisation (a fraction, as the time model gives).
  const units = scores.shiftWorkloadHours.map((wl) => {
    const per = new Float64Array(plan.beatIds.length);
    for (let i = 0; i < plan.cellCount; i++) per[plan.beatOfCell[i]!]! += wl[i]!;
    return Array.from(per, (w) => Math.max(1, w / (8 * 7 * 0.55)));
  });
  let t = performance.now();
  const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
  const travelMs = performance.now() - t;

  // 1M incidents as an incident table (Poisson draws at the plan's rates, types THEFT/BATTERY).
  const callsPerDay = (70_400 * 60) / 45 / 7;
  const draws = poissonCalls(grid, plan, scores, { days: Math.ceil(INCIDENTS / callsPerDay) + 1, seed: 9 });
  const n = Math.min(INCIDENTS, draws.count);
  const t0 = Date.UTC(2015, 0, 1);
  const table: IncidentTable = {
    count: n,
    lng: new Float64Array(n),
    lat: new Float64Array(n),
    timeMs: Float64Array.from({ length: n }, (_, k) => t0 + draws.timeMinutes[k]! * 60_000),
    typeIndex: Uint16Array.from({ length: n }, (_, k) => k % 2),
    types: ['THEFT', 'CRIMINAL DAMAGE'],
    priority: Float32Array.from({ length: n }, (_, k) => 1 + (k % 3)),
    cell: draws.cell.slice(0, n),
  };
  t = performance.now();
  const { calls } = replayCalls(plan, table, scores.shifts, { seed: 1 });
  const replayMs = performance.now() - t;
  t = performance.now();
  const sim = simulateResponse(grid, plan, scores, calls, units, { seed: 1, travel });
  const simMs = performance.now() - t;
  const c = sim.city;
  console.log(
    `simulate: ${calls.count.toLocaleString('en-US')} incidents replayed (${calls.days} days, 274 beats, ~${Math.round(units[2]!.reduce((a, b) => a + b, 0))} units on duty, 40k cells) in ` +
      `${((replayMs + simMs) / 1000).toFixed(1)} s (calls ${(replayMs / 1000).toFixed(1)} s + event loop ${(simMs / 1000).toFixed(1)} s; travel model ${(travelMs / 1000).toFixed(1)} s) — ` +
      `${Math.round(calls.count / ((replayMs + simMs) / 1000)).toLocaleString('en-US')} calls/s; ` +
      `response mean ${c.response!.meanMinutes.toFixed(2)} min, p90 ${c.response!.p90Minutes.toFixed(2)} min, utilisation ${(100 * c.utilisation!).toFixed(1)}%, cross-beat ${(100 * c.crossBeatShare!).toFixed(1)}%, queued ${(100 * c.queuedShare!).toFixed(2)}%`,
  );

  // Poisson mode against the hypercube (whole units, so both see the same units).
  const whole = units.map((row) => row.map((u) => Math.max(1, Math.round(u))));
  t = performance.now();
  const hyp = estimateResponse(grid, plan, scores, whole, { travel, method: 'approx' });
  const hypMs = performance.now() - t;
  const pc = poissonCalls(grid, plan, scores, { days: 28, seed: 4 });
  t = performance.now();
  const ps = simulateResponse(grid, plan, scores, pc, whole, { seed: 4, travel });
  const psMs = performance.now() - t;
  const pts = (a: number, b: number) => `${(100 * a).toFixed(1)}% vs ${(100 * b).toFixed(1)}% (${(100 * (a - b)).toFixed(1)} points)`;
  console.log(
    `simulate --poisson (28 days, ${pc.count.toLocaleString('en-US')} calls, ${(psMs / 1000).toFixed(1)} s) vs hypercube approx (${(hypMs / 1000).toFixed(1)} s): ` +
      `utilisation ${pts(ps.city.utilisation!, hyp.city.rho)}, cross-beat ${pts(ps.city.crossBeatShare!, hyp.city.crossBeatShare!)}`,
  );
}
