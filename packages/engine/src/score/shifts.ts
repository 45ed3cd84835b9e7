/** Shift windows: parsing, validation and the hour → shift lookup. */
import { BeatplanError } from '../errors.js';
import type { ShiftWindow } from './types.js';

/** The default three 8-hour watches: 0–8, 8–16, 16–24 (local time). */
export const DEFAULT_SHIFTS: readonly ShiftWindow[] = Object.freeze([
  { id: '0-8', startHour: 0, endHour: 8 },
  { id: '8-16', startHour: 8, endHour: 16 },
  { id: '16-24', startHour: 16, endHour: 24 },
]);

/**
 * Parses `"0-8,8-16,16-24"` (hours, may wrap midnight: `"22-6"`; decimals allowed: `"6.5-14.5"`).
 * @throws BeatplanError `BAD_INPUT` naming the bad part, or when windows overlap
 * @example parseShifts('6-14,14-22,22-6')
 */
export function parseShifts(spec: string): ShiftWindow[] {
  const out: ShiftWindow[] = [];
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const m = /^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new BeatplanError('BAD_INPUT', 'shift must look like START-END in hours, e.g. 0-8', { field: 'shifts', value: part });
    out.push({ id: part.replace(/\s+/g, ''), startHour: Number(m[1]), endHour: Number(m[2]) });
  }
  validateShifts(out);
  return out;
}

/** Hours covered by a window (wrapping windows count across midnight). */
export function shiftLengthHours(s: ShiftWindow): number {
  return s.endHour > s.startHour ? s.endHour - s.startHour : 24 - s.startHour + s.endHour;
}

/**
 * Checks windows: hours in [0, 24], non-empty, not overlapping.
 * @throws BeatplanError `BAD_INPUT`
 */
export function validateShifts(shifts: readonly ShiftWindow[]): void {
  if (shifts.length === 0) throw new BeatplanError('BAD_INPUT', 'at least one shift window is needed', { field: 'shifts' });
  const covered = new Uint8Array(24 * 60);
  for (const s of shifts) {
    if (!(s.startHour >= 0 && s.startHour <= 24 && s.endHour >= 0 && s.endHour <= 24) || s.startHour === s.endHour) {
      throw new BeatplanError('BAD_INPUT', 'shift hours must be in 0..24 and start != end', { field: 'shifts', value: s.id });
    }
    const a = Math.round(s.startHour * 60);
    const len = Math.round(shiftLengthHours(s) * 60);
    for (let k = 0; k < len; k++) {
      const m = (a + k) % (24 * 60);
      if (covered[m]) throw new BeatplanError('BAD_INPUT', 'shift windows overlap', { field: 'shifts', value: s.id });
      covered[m] = 1;
    }
  }
}

/**
 * A lookup from minute-of-day (0..1439) to shift index, −1 where no window covers it.
 */
export function shiftOfMinuteTable(shifts: readonly ShiftWindow[]): Int8Array {
  validateShifts(shifts);
  const t = new Int8Array(24 * 60).fill(-1);
  shifts.forEach((s, idx) => {
    const a = Math.round(s.startHour * 60);
    const len = Math.round(shiftLengthHours(s) * 60);
    for (let k = 0; k < len; k++) t[(a + k) % (24 * 60)] = idx;
  });
  return t;
}
