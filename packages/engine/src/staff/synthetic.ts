/**
 * Seeded synthetic city for staffing tests and benchmarks: beats with per-shift workloads,
 * a roster of about `officersPerBeat` officers per beat across the shifts (CAPS practice) and a
 * fleet. Not part of the public API.
 */
import { createRng } from '../random.js';
import type { ShiftWindow } from '../score/types.js';
import type { FleetEntry, Officer, StaffingInput } from './types.js';

/** Options of {@link syntheticCity}. */
export interface SyntheticCityOptions {
  readonly beats: number;
  readonly officersPerBeat?: number;
  readonly districts?: number;
  readonly seed?: number;
  /** Roster size relative to the time model's fractional need. Default 1.12 (≈ 9 officers per beat). */
  readonly rosterFactor?: number;
  /** Share of beats needing Spanish speakers. Default 0.15. */
  readonly spanishBeatShare?: number;
}

/** The three 8-hour watches. */
export const WATCHES: readonly ShiftWindow[] = [
  { id: '0-8', startHour: 0, endHour: 8 },
  { id: '8-16', startHour: 8, endHour: 16 },
  { id: '16-24', startHour: 16, endHour: 24 },
];

/**
 * Builds a seeded city: workloads ~ lognormal around 90% of what `officersPerBeat / 3` officers
 * per beat-shift carry at 60% saturation (36 h/week each); roster ≈ the time model's need × `rosterFactor`, shift shares 25/35/40%, need 5–40 h/week, area 0.4–8 km².
 * Every officer's current beat is a beat of the city; 15% sergeants; 20% speak Spanish.
 */
export function syntheticCity(o: SyntheticCityOptions): { input: StaffingInput; roster: Officer[]; fleet: FleetEntry[] } {
  const rng = createRng(o.seed ?? 1);
  const B = o.beats;
  const perBeat = o.officersPerBeat ?? 9;
  const D = o.districts ?? Math.max(1, Math.round(B / 12));
  const spanish = o.spanishBeatShare ?? 0.15;
  const share = [0.25, 0.35, 0.4];
  const gauss = () => {
    let u = 0;
    for (let k = 0; k < 6; k++) u += rng.next();
    return (u - 3) / Math.sqrt(0.5);
  };
  const perShiftMean = (perBeat / 3) * 36 * 0.6 * 0.9;
  const beats = Array.from({ length: B }, (_, b) => {
    const total = perShiftMean * 3 * Math.exp(0.35 * gauss() - 0.06);
    return {
      id: `B${String(b + 1).padStart(4, '0')}`,
      district: `D${String((b % D) + 1).padStart(2, '0')}`,
      areaKm2: 0.4 + 7.6 * rng.next() ** 2,
      shiftWorkloadHours: share.map((s) => total * s * (0.85 + 0.3 * rng.next())),
      needHours: 5 + 35 * rng.next(),
      compactness: 0.3 + 0.6 * rng.next(),
      ...(rng.next() < spanish ? { skills: ['spanish'] } : {}),
    };
  });
  const roster: Officer[] = [];
  const factor = o.rosterFactor ?? 1.12;
  let k = 0;
  for (let s = 0; s < 3; s++) {
    for (let b = 0; b < B; b++) {
      // officers on this beat-shift ≈ workload-proportional, at least 1
      const w = beats[b]!.shiftWorkloadHours[s]!;
      const c = beats[b]!.needHours * (1 / 3);
      const need = Math.max(w / (0.6 * 36), (w + c) / 36);
      const want = Math.max(1, Math.round(need * factor * (0.85 + 0.3 * rng.next())));
      for (let q = 0; q < want; q++) {
        k++;
        const speaks = rng.next() < (beats[b]!.skills ? 0.5 : 0.1);
        roster.push({
          id: `P${String(k).padStart(5, '0')}`,
          name: `Officer ${k}`,
          shift: WATCHES[s]!.id,
          rank: rng.next() < 0.15 ? 'SGT' : 'PO',
          currentBeat: beats[b]!.id,
          skills: speaks ? ['spanish'] : [],
          available: rng.next() < 0.96,
        });
      }
    }
  }
  const fleet: FleetEntry[] = WATCHES.flatMap((w) => [
    { shift: w.id, vehicleType: 'marked', count: Math.round(B * 0.85) },
    { shift: w.id, vehicleType: 'suv', count: Math.round(B * 0.05) },
    { shift: w.id, vehicleType: 'bike', count: Math.round(B * 0.05) },
  ]);
  return { input: { shifts: WATCHES, beats }, roster, fleet };
}
