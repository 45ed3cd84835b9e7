/**
 * Synthetic inputs for tests and benchmarks of the response model: scores with smooth
 * hot spots and a plan of equal-count beats. Deterministic for a seed. Not for real plans.
 */
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { createRng } from '../random.js';
import { DEFAULT_SHIFTS } from '../score/shifts.js';
import type { CellScores, ShiftWindow } from '../score/types.js';
import { type HypercubeSolution, type HypercubeSystem, solveHypercubeApprox, solveHypercubeExact } from './hypercube.js';

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

/**
 * A random hypercube system for accuracy checks of the approximation: one beat per group at a
 * random point of the unit square, one atom per beat preferring its own beat, then the others
 * by distance; the beat's calls ∝ its units × a load factor uniform in [1, `loadSpread`], scaled
 * so that the city utilisation is `rho`; μ = 2 calls per hour. Deterministic for a seed.
 * @param unitsByGroup units per beat (integers ≥ 1)
 * @param rho city utilisation λ/(Nμ) in (0, 1)
 * @param loadSpread largest over smallest load per unit (≥ 1; default 3)
 * @example randomHypercubeSystem(1, [2, 3, 1], 0.3).callsPerHour.length // 3
 */
export function randomHypercubeSystem(seed: number, unitsByGroup: readonly number[], rho: number, loadSpread = 3): HypercubeSystem {
  const rng = createRng(seed);
  const groups = unitsByGroup.length;
  const xs = Array.from({ length: groups }, () => [rng.next(), rng.next()] as const);
  const n = unitsByGroup.reduce((a, b) => a + b, 0);
  const w = unitsByGroup.map((m) => m * (1 + (loadSpread - 1) * rng.next()));
  const wt = w.reduce((a, b) => a + b, 0);
  const mu = 2;
  return {
    unitsByGroup: [...unitsByGroup],
    callsPerHour: w.map((x) => (x / wt) * rho * n * mu),
    preference: xs.map(([x, y]) =>
      xs
        .map((p, k) => [Math.hypot(p[0] - x, p[1] - y), k] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .map((e) => e[1]),
    ),
    serviceRatePerHour: mu,
  };
}

/**
 * City cross-beat share of a solution: Σ_j λ_j · (dispatch shares to groups other than the
 * atom's first-listed group + P_W · (N − m_own)/N) ÷ λ — queued calls go to any unit in equal
 * shares. The same definition as `crossBeatShare` of {@link estimateResponse}.
 */
export function cityCrossBeatShare(system: HypercubeSystem, sol: HypercubeSolution): number {
  let cross = 0;
  let total = 0;
  for (let a = 0; a < system.callsPerHour.length; a++) {
    const l = system.callsPerHour[a]!;
    if (l === 0) continue;
    const own = system.preference[a]![0]!;
    let ownShare = 0;
    for (let e = sol.dispatchOffsets[a]!; e < sol.dispatchOffsets[a + 1]!; e++)
      if (sol.dispatchGroup[e] === own) ownShare += sol.dispatchShare[e]!;
    cross += l * (1 - ownShare - (sol.pAllBusy * system.unitsByGroup[own]!) / sol.units);
    total += l;
  }
  return total > 0 ? cross / total : 0;
}

/** Utilisation below which {@link approxErrorVsExact} measures the error against this floor (0.05). */
export const UTILISATION_ERROR_FLOOR = 0.05;

/** Relative errors of the approximation against the exact model on one system. */
export interface ApproxError {
  /** (approx − exact) / exact of the city cross-beat share (signed). */
  readonly crossBeat: number;
  /**
   * max over groups of |approx − exact| / max(exact, 0.05) of the unit utilisation: relative
   * error, measured against 0.05 for nearly idle units (ρ < 0.05), where a relative error says
   * nothing a commander could use.
   */
  readonly utilisation: number;
  readonly exactCrossBeat: number;
}

/**
 * Solves `system` exactly and by {@link solveHypercubeApprox} and returns the relative errors
 * of the city cross-beat share and of every group's unit utilisation (N ≤ 15; utilisation
 * relative to max(exact, {@link UTILISATION_ERROR_FLOOR})).
 * @throws BeatplanError as the solvers do
 */
export function approxErrorVsExact(system: HypercubeSystem): ApproxError {
  const ex = solveHypercubeExact(system);
  const ap = solveHypercubeApprox(system);
  const ce = cityCrossBeatShare(system, ex);
  const ca = cityCrossBeatShare(system, ap);
  let u = 0;
  for (let g = 0; g < system.unitsByGroup.length; g++) {
    if (!(ex.rhoByGroup[g]! > 0)) continue;
    u = Math.max(u, Math.abs(ap.rhoByGroup[g]! - ex.rhoByGroup[g]!) / Math.max(ex.rhoByGroup[g]!, UTILISATION_ERROR_FLOOR));
  }
  return { crossBeat: ce > 0 ? (ca - ce) / ce : 0, utilisation: u, exactCrossBeat: ce };
}

/**
 * A street grid as GeoJSON for tests and benchmarks of road travel: east–west and
 * north–south residential streets every `spacingKm` over a lng/lat box, every 8th one an
 * arterial (`highway: primary`); streets meet at shared vertices.
 * @param bbox `[west, south, east, north]`, degrees
 * @example syntheticStreetGrid([-87.8, 41.8, -87.7, 41.9], 0.2).features.length
 */
export function syntheticStreetGrid(
  bbox: readonly [number, number, number, number],
  spacingKm: number,
): { type: 'FeatureCollection'; features: unknown[] } {
  const [w, s, e, n] = bbox;
  const kmLat = 111.2;
  const kmLng = 111.2 * Math.cos((((s + n) / 2) * Math.PI) / 180);
  const nx = Math.max(1, Math.round(((e - w) * kmLng) / spacingKm));
  const ny = Math.max(1, Math.round(((n - s) * kmLat) / spacingKm));
  const x = (i: number) => w + ((e - w) * i) / nx;
  const y = (j: number) => s + ((n - s) * j) / ny;
  const features: unknown[] = [];
  const line = (cls: string, coords: number[][]) =>
    features.push({ type: 'Feature', properties: { highway: cls }, geometry: { type: 'LineString', coordinates: coords } });
  for (let j = 0; j <= ny; j++)
    line(
      j % 8 === 0 ? 'primary' : 'residential',
      Array.from({ length: nx + 1 }, (_, i) => [x(i), y(j)]),
    );
  for (let i = 0; i <= nx; i++)
    line(
      i % 8 === 0 ? 'primary' : 'residential',
      Array.from({ length: ny + 1 }, (_, j) => [x(i), y(j)]),
    );
  return { type: 'FeatureCollection', features };
}
