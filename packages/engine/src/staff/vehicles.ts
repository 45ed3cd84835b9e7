/**
 * Patrol modes (car, foot, bike) and vehicle allocation per shift.
 */
import type { BeatMode, BeatModeRule, FleetEntry, StaffingBeat } from './types.js';

/** Defaults of {@link BeatModeRule}: foot ≤ 1 km², ≥ 60 h/week/km², compactness ≥ 0.5; bike ≤ 3 km², ≥ 25 h/week/km². */
export const DEFAULT_MODE_RULE: {
  readonly foot: Required<ModeThresholds>;
  readonly bike: Required<ModeThresholds>;
} = {
  foot: { maxAreaKm2: 1, minWorkloadHoursPerKm2: 60, minCompactness: 0.5 },
  bike: { maxAreaKm2: 3, minWorkloadHoursPerKm2: 25, minCompactness: 0.4 },
};

/** Thresholds of one patrol mode (see {@link BeatModeRule}). */
export interface ModeThresholds {
  maxAreaKm2?: number;
  minWorkloadHoursPerKm2?: number;
  minCompactness?: number;
}

/**
 * Patrol mode of a beat: explicit `rule.modes[id]`, else foot when small, busy and compact enough,
 * else bike under the looser bike thresholds, else car. Density = Σ shift workload / area.
 *
 * @example beatMode({ id: 'B1', areaKm2: 0.5, shiftWorkloadHours: [20, 20, 10], needHours: 0 }) // 'foot'
 */
export function beatMode(beat: StaffingBeat, rule: BeatModeRule = {}): BeatMode {
  const explicit = rule.modes?.[beat.id];
  if (explicit) return explicit;
  const w = beat.shiftWorkloadHours.reduce((a, x) => a + x, 0);
  const density = beat.areaKm2 > 0 ? w / beat.areaKm2 : 0;
  const fits = (r: ModeThresholds, d: Required<ModeThresholds>) =>
    beat.areaKm2 > 0 &&
    beat.areaKm2 <= (r.maxAreaKm2 ?? d.maxAreaKm2) &&
    density >= (r.minWorkloadHoursPerKm2 ?? d.minWorkloadHoursPerKm2) &&
    (beat.compactness === undefined || beat.compactness >= (r.minCompactness ?? d.minCompactness));
  if (fits(rule.foot ?? {}, DEFAULT_MODE_RULE.foot)) return 'foot';
  if (fits(rule.bike ?? {}, DEFAULT_MODE_RULE.bike)) return 'bike';
  return 'car';
}

/** Vehicles assigned in one shift. */
export interface VehicleAllocation {
  /** Vehicle per beat (car beats: a car type or null when none is left; bike beats: a bike type or "bike"; foot: "foot"). */
  readonly vehicle: (string | null)[];
  readonly needed: number;
  readonly assigned: number;
}

/**
 * Assigns one car-class vehicle per staffed car beat in one shift, busiest beats first (which
 * maximises the workload covered by a car: exact by sorting). Bike beats take a bike-class
 * vehicle when the fleet has one left, else ride without one (reported as `"bike"`); foot beats
 * get `"foot"`. Without a fleet, car beats get `null` and nothing is counted missing.
 *
 * @param workloadHours per beat, this shift
 * @param staffed per beat: true when at least one officer is allocated
 */
export function allocateVehicles(
  shift: string,
  modes: readonly BeatMode[],
  workloadHours: ArrayLike<number>,
  staffed: ArrayLike<boolean>,
  fleet: readonly FleetEntry[] | undefined,
  nonCarTypes: readonly string[],
): VehicleAllocation {
  const B = modes.length;
  const vehicle: (string | null)[] = new Array(B).fill(null);
  const nonCar = new Set(nonCarTypes.map((t) => t.toLowerCase()));
  const cars: Array<{ type: string; left: number }> = [];
  const bikes: Array<{ type: string; left: number }> = [];
  for (const f of fleet ?? []) {
    if (f.shift !== shift) continue;
    (nonCar.has(f.vehicleType.toLowerCase()) ? bikes : cars).push({ type: f.vehicleType, left: f.count });
  }
  const order = Array.from({ length: B }, (_, b) => b).sort((a, c) => workloadHours[c]! - workloadHours[a]! || a - c);
  let needed = 0;
  let assigned = 0;
  for (const b of order) {
    if (!staffed[b]) continue;
    if (modes[b] === 'foot') {
      vehicle[b] = 'foot';
      continue;
    }
    if (modes[b] === 'bike') {
      const pool = bikes.find((p) => p.left > 0);
      if (pool) pool.left--;
      vehicle[b] = pool ? pool.type : 'bike';
      continue;
    }
    if (!fleet) continue;
    needed++;
    const pool = cars.find((p) => p.left > 0);
    if (pool) {
      pool.left--;
      vehicle[b] = pool.type;
      assigned++;
    }
  }
  return { vehicle, needed, assigned };
}
