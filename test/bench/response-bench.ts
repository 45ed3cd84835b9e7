/**
 * Benchmark of the response model: Larson's hypercube approximation for 274 beats × 3 shifts
 * with ~800 units per shift on a ~40k-cell grid (synthetic city, ~600 km², H3 resolution 10).
 * Prints the figures; `pnpm bench` runs it.
 */
import { buildGrid } from '../../packages/engine/src/grid/build-grid.js';
import { buildTravelModel, estimateResponse } from '../../packages/engine/src/response/index.js';
import { syntheticPlan, syntheticScores } from '../../packages/engine/src/response/synthetic.js';

/** Units per beat per shift: the beat's shift workload at 55% utilisation, at least one. */
function unitsFor(plan: ReturnType<typeof syntheticPlan>, scores: ReturnType<typeof syntheticScores>): number[][] {
  return scores.shiftWorkloadHours.map((wl) => {
    const hours = 8 * 7;
    const per = new Float64Array(plan.beatIds.length);
    for (let i = 0; i < plan.cellCount; i++) per[plan.beatOfCell[i]!]! += wl[i]!;
    return Array.from(per, (w) => Math.max(1, Math.round(w / (hours * 0.55))));
  });
}

export async function runResponseBench(): Promise<void> {
  // ~24.5 km square around Chicago's latitude: ~600 km².
  const lat = 41.85;
  const dLat = 24.5 / 2 / 111.2;
  const dLng = 24.5 / 2 / (111.2 * Math.cos((lat * Math.PI) / 180));
  const poly = { type: 'Polygon' as const, coordinates: [[[-87.7 - dLng, lat - dLat], [-87.7 + dLng, lat - dLat], [-87.7 + dLng, lat + dLat], [-87.7 - dLng, lat + dLat], [-87.7 - dLng, lat - dLat]]] };
  let t = performance.now();
  const grid = buildGrid(poly, { resolution: 10 });
  const gridMs = performance.now() - t;
  const plan = syntheticPlan(grid, 274, 22);
  const scores = syntheticScores(grid, { seed: 3, workloadHoursPerWeek: 70_400 });
  const units = unitsFor(plan, scores);
  t = performance.now();
  const travel = buildTravelModel(grid, plan, { cellWeights: scores.workloadHours });
  const travelMs = performance.now() - t;
  // Warm-up, then the timed run (approximation only; travel model given).
  estimateResponse(grid, plan, scores, units, { travel, method: 'approx' });
  const runs: number[] = [];
  let r = estimateResponse(grid, plan, scores, units, { travel, method: 'approx' });
  for (let k = 0; k < 3; k++) {
    t = performance.now();
    r = estimateResponse(grid, plan, scores, units, { travel, method: 'approx' });
    runs.push(performance.now() - t);
  }
  const best = Math.min(...runs);
  console.log(`response bench: ${grid.cellCount} cells, ${plan.beatIds.length} beats, ${r.atoms} atoms, units per shift ${units.map((u) => u.reduce((a, b) => a + b, 0)).join('/')}`);
  console.log(`  grid ${gridMs.toFixed(0)} ms, travel model (atoms + ${plan.beatIds.length} Dijkstras) ${travelMs.toFixed(0)} ms`);
  console.log(`  hypercube approximation, 3 shifts: best ${best.toFixed(0)} ms of ${runs.map((x) => x.toFixed(0)).join(', ')} ms (budget 1000 ms) ${best < 1000 ? 'OK' : 'OVER BUDGET'}`);
  for (const s of r.shifts) {
    console.log(`  shift ${s.shift}: units ${s.units}, calls/h ${s.callsPerHour.toFixed(1)}, ρ ${s.rho.toFixed(3)}, P(all busy) ${s.pAllBusy.toExponential(2)}, cross-beat ${(100 * s.crossBeatShare!).toFixed(1)}%, travel mean ${s.meanTravelMinutes!.toFixed(2)} min, p90 ${s.p90TravelMinutes!.toFixed(2)} min, ${s.iterations} iterations`);
  }
  console.log(`  city: cross-beat ${(100 * r.city.crossBeatShare!).toFixed(1)}%, travel mean ${r.city.meanTravelMinutes!.toFixed(2)} min, p90 ${r.city.p90TravelMinutes!.toFixed(2)} min`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runResponseBench();
