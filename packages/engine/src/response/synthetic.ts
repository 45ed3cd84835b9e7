/**
 * Synthetic inputs for tests and benchmarks of the response model: scores with smooth
 * hot spots and a plan of equal-count beats. Deterministic for a seed. Not for real plans.
 */
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { createRng } from '../random.js';
import { DEFAULT_SHIFTS } from '../score/shifts.js';
import type { CellScores, ShiftWindow } from '../score/types.js';

/** Options of {@link syntheticScores}. */
export interface SyntheticScoresOptions {
  seed?: number;
  /** City workload, officer-hours per week, all shifts (default 20 per km²). */
  workloadHoursPerWeek?: number;
  /** Share of the workload per shift (default 0.25, 0.35, 0.40 over {@link DEFAULT_SHIFTS}). */
  shiftShares?: readonly number[];
  shifts?: readonly ShiftWindow[];
  /** Mean service time, minutes, that turns workload into incidents (default 45). */
  serviceMinutes?: number;
  /** Residents of the city (default 4,000 per km²). */
  residents?: number;
  /** Hot spots (Gaussian bumps) on top of a flat floor (default 8). */
  hotSpots?: number;
}

/**
 * Scores with a flat floor plus Gaussian hot spots of workload, residents ∝ the same field.
 * @example const scores = syntheticScores(grid, { seed: 1 });
 */
export function syntheticScores(grid: Grid, options: SyntheticScoresOptions = {}): CellScores {
  const rng = createRng(options.seed ?? 1);
  const n = grid.cellCount;
  let area = 0;
  for (let i = 0; i < n; i++) area += grid.areaKm2[i]!;
  const shifts = options.shifts ?? DEFAULT_SHIFTS;
  const shares = options.shiftShares ?? (shifts.length === 3 ? [0.25, 0.35, 0.4] : shifts.map(() => 1 / shifts.length));
  const total = options.workloadHoursPerWeek ?? 20 * area;
  const serviceHours = (options.serviceMinutes ?? 45) / 60;
  const periodWeeks = 52;
  const bumps = Array.from({ length: options.hotSpots ?? 8 }, () => {
    const c = rng.int(n);
    return { lng: grid.lng[c]!, lat: grid.lat[c]!, r: 0.004 + 0.012 * rng.next(), h: 1 + 4 * rng.next() };
  });
  const field = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let f = 0.5;
    for (const b of bumps) {
      const dx = grid.lng[i]! - b.lng;
      const dy = grid.lat[i]! - b.lat;
      f += b.h * Math.exp(-(dx * dx + dy * dy) / (2 * b.r * b.r));
    }
    field[i] = f * grid.areaKm2[i]!;
    sum += field[i]!;
  }
  const workload = new Float64Array(n);
  const perShift = shares.map(() => new Float64Array(n));
  const incidents = new Uint32Array(n);
  const population = new Float64Array(n);
  const residents = options.residents ?? 4000 * area;
  for (let i = 0; i < n; i++) {
    workload[i] = (total * field[i]!) / sum;
    shares.forEach((s, k) => (perShift[k]![i] = workload[i]! * s));
    incidents[i] = Math.round((workload[i]! * periodWeeks) / serviceHours);
    population[i] = (residents * field[i]!) / sum;
  }
  // Keep the mean service time exact: raw workload = incidents × service time / period.
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) raw[i] = (incidents[i]! * serviceHours) / periodWeeks;
  return {
    resolution: grid.resolution,
    cellCount: n,
    shifts,
    shiftWorkloadHours: perShift,
    workloadHours: workload,
    rawWorkloadHours: raw,
    needHours: population.map((p) => p * 0.001),
    population,
    vulnerability: new Float64Array(n).fill(1),
    incidentCount: incidents,
    periodWeeks,
  };
}

/**
 * A plan of `beats` beats: rows of equal cell count by latitude, each cut into beats of
 * equal cell count by longitude (contiguous on a convex grid). Optional `districts` groups
 * consecutive beats.
 * @example syntheticPlan(grid, 274, 22)
 */
export function syntheticPlan(grid: Grid, beats: number, districts = 0): BeatPlan {
  const n = grid.cellCount;
  const rows = Math.max(1, Math.round(Math.sqrt(beats)));
  const byLat = Array.from({ length: n }, (_, i) => i).sort((a, b) => grid.lat[a]! - grid.lat[b]! || a - b);
  const beatOfCell = new Int32Array(n);
  let beat = 0;
  let start = 0;
  for (let r = 0; r < rows; r++) {
    const beatsHere = Math.floor(((r + 1) * beats) / rows) - Math.floor((r * beats) / rows);
    const end = Math.round(((r + 1) * n) / rows);
    const row = byLat.slice(start, end).sort((a, b) => grid.lng[a]! - grid.lng[b]! || a - b);
    row.forEach((c, k) => (beatOfCell[c] = beat + Math.min(beatsHere - 1, Math.floor((k * beatsHere) / row.length))));
    beat += beatsHere;
    start = end;
  }
  const beatIds = Array.from({ length: beats }, (_, b) => `B${String(b + 1).padStart(3, '0')}`);
  const plan: BeatPlan = { resolution: grid.resolution, cellCount: n, beatIds, beatOfCell, locked: new Uint8Array(beats) };
  if (districts > 0) {
    const districtOfBeat = new Int32Array(beats);
    for (let b = 0; b < beats; b++) districtOfBeat[b] = Math.floor((b * districts) / beats);
    return { ...plan, districtOfBeat, districtIds: Array.from({ length: districts }, (_, d) => `D${d + 1}`) };
  }
  return plan;
}
