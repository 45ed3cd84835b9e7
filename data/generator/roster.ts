/**
 * The synthetic roster (officers per current beat and shift) and the vehicle fleet per shift.
 */
import type { Rng } from '../../packages/engine/src/random.js';
import type { City } from './city.js';
import { csvField } from './incidents.js';
import { FIRST_NAMES, LAST_NAMES } from './names.js';

/** Shift windows of the roster, local hours. */
export const SHIFTS = ['0-8', '8-16', '16-24'] as const;
/** Roster CSV header, exactly. */
export const ROSTER_HEADER = 'officer_id,name,shift,rank,current_beat,skills,available';
/** Fleet CSV header, exactly. */
export const FLEET_HEADER = 'shift,vehicle_type,count';

/** One officer. */
export interface Officer {
  officerId: string;
  name: string;
  shift: (typeof SHIFTS)[number];
  rank: 'Police Officer' | 'Sergeant' | 'Field Training Officer';
  currentBeat: string;
  skills: string[];
  available: boolean;
}

const SKILLS: ReadonlyArray<readonly [string, number]> = [
  ['spanish', 0.24],
  ['polish', 0.05],
  ['arabic', 0.02],
  ['mandarin', 0.015],
  ['tagalog', 0.015],
  ['asl', 0.01],
  ['bike', 0.12],
  ['foot', 0.2],
  ['mental-health', 0.18],
  ['youth', 0.08],
];

/**
 * About nine officers per current beat: three per shift, with the night watch a little short
 * and the evening watch a little long. Ranks: mostly Police Officer, ~10% Sergeant, ~5% Field
 * Training Officer. About 5% are unavailable (leave, injury, training).
 */
export function makeRoster(city: City, rng: Rng): Officer[] {
  const officers: Officer[] = [];
  const usedIds = new Set<number>();
  for (const beat of city.beatIds) {
    const perShift = [
      3 - (rng.next() < 0.25 ? 1 : 0),
      3 + (rng.next() < 0.1 ? 1 : 0) - (rng.next() < 0.1 ? 1 : 0),
      3 + (rng.next() < 0.25 ? 1 : 0),
    ];
    SHIFTS.forEach((shift, s) => {
      for (let k = 0; k < perShift[s]!; k++) {
        let star = 10_000 + rng.int(90_000);
        while (usedIds.has(star)) star = 10_000 + rng.int(90_000);
        usedIds.add(star);
        const u = rng.next();
        const rank = u < 0.1 ? 'Sergeant' : u < 0.15 ? 'Field Training Officer' : 'Police Officer';
        const skills = SKILLS.filter(([, p]) => rng.next() < p).map(([name]) => name);
        officers.push({
          officerId: `P${star}`,
          name: `${FIRST_NAMES[rng.int(FIRST_NAMES.length)]} ${LAST_NAMES[rng.int(LAST_NAMES.length)]}`,
          shift,
          rank,
          currentBeat: beat,
          skills,
          available: rng.next() >= 0.05,
        });
      }
    });
  }
  return officers;
}

/** The roster as CSV text (skills `;`-separated). */
export function rosterCsv(officers: readonly Officer[]): string {
  const rows = officers.map((o) =>
    [o.officerId, csvField(o.name), o.shift, o.rank, o.currentBeat, o.skills.join(';'), String(o.available)].join(','),
  );
  return `${ROSTER_HEADER}\n${rows.join('\n')}\n`;
}

/**
 * Vehicles per shift sized to the roster: marked cars for about 45% of the available
 * officers (some ride two to a car), an SUV for every sergeant and a couple spare, bikes for
 * bike-trained officers on the day and evening watches.
 */
export function fleetCsv(officers: readonly Officer[]): string {
  const rows: string[] = [];
  for (const shift of SHIFTS) {
    const on = officers.filter((o) => o.shift === shift && o.available);
    const sergeants = on.filter((o) => o.rank === 'Sergeant').length;
    const bikers = on.filter((o) => o.skills.includes('bike')).length;
    rows.push(`${shift},marked-car,${Math.ceil(on.length * 0.45)}`);
    rows.push(`${shift},suv,${sergeants + 2}`);
    rows.push(`${shift},bike,${shift === '0-8' ? 0 : bikers}`);
  }
  return `${FLEET_HEADER}\n${rows.join('\n')}\n`;
}
