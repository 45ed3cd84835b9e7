/**
 * The incident-type model: Chicago-like proportions of primary types, IUCR codes and
 * descriptions, arrest and domestic rates, where each type happens (background by population
 * and hardship, plus hotspots) and when (hourly and weekly profiles).
 * Shares are roughly those of the Chicago Data Portal crime data of recent years.
 */
import type { Hotspot } from './city.js';

/** When a type happens: selects the hourly and weekday profiles. */
export type TimeProfile = 'day' | 'night' | 'vehicle' | 'business';

/** One IUCR code of a primary type. */
export interface CrimeVariant {
  readonly iucr: string;
  readonly description: string;
  readonly fbiCode: string;
  readonly weight: number;
  /** Domestic probability for this code (overrides the type's). */
  readonly domestic?: number;
  /** Location descriptions for this code (overrides the type's). */
  readonly locations?: ReadonlyArray<readonly [string, number]>;
}

/** One primary type. */
export interface CrimeType {
  readonly primaryType: string;
  /** Share of all incidents (the table is normalised). */
  readonly share: number;
  readonly arrest: number;
  readonly domestic: number;
  readonly time: TimeProfile;
  /** Exponent on (0.5 + hardship/100) for background incidents (0 = population only). */
  readonly hardshipExponent: number;
  /** Share of this type's incidents drawn around each hotspot; the rest is background. */
  readonly hotspots: Partial<Record<Hotspot['name'], number>>;
  readonly variants: readonly CrimeVariant[];
  readonly locations: ReadonlyArray<readonly [string, number]>;
}

const STREET: ReadonlyArray<readonly [string, number]> = [
  ['STREET', 10],
  ['SIDEWALK', 4],
  ['ALLEY', 2],
  ['PARKING LOT / GARAGE (NON RESIDENTIAL)', 2],
];
const HOME: ReadonlyArray<readonly [string, number]> = [
  ['APARTMENT', 10],
  ['RESIDENCE', 8],
  ['RESIDENCE - PORCH / HALLWAY', 2],
  ['RESIDENCE - YARD (FRONT / BACK)', 1],
];
const STORES: ReadonlyArray<readonly [string, number]> = [
  ['SMALL RETAIL STORE', 5],
  ['DEPARTMENT STORE', 4],
  ['GROCERY FOOD STORE', 4],
  ['CONVENIENCE STORE', 2],
  ['DRUG STORE', 2],
  ['GAS STATION', 1],
];
const PUBLIC: ReadonlyArray<readonly [string, number]> = [
  ['RESTAURANT', 2],
  ['BAR OR TAVERN', 1],
  ['COMMERCIAL / BUSINESS OFFICE', 1],
  ['TRANSIT PLATFORM', 1],
  ['SCHOOL - PUBLIC BUILDING', 1],
  ['PARK PROPERTY', 1],
  ['HOTEL / MOTEL', 0.5],
  ['HOSPITAL BUILDING / GROUNDS', 0.5],
];
const scale = (list: ReadonlyArray<readonly [string, number]>, f: number) => list.map(([d, w]) => [d, w * f] as const);

/** The incident types, most common first. */
export const CRIME_TYPES: readonly CrimeType[] = [
  {
    primaryType: 'THEFT',
    share: 0.215,
    arrest: 0.06,
    domestic: 0.03,
    time: 'day',
    hardshipExponent: 0.3,
    hotspots: { downtown: 0.22, nightlife: 0.05, mall: 0.1 },
    variants: [
      { iucr: '0820', description: '$500 AND UNDER', fbiCode: '06', weight: 0.42 },
      { iucr: '0810', description: 'OVER $500', fbiCode: '06', weight: 0.25 },
      { iucr: '0860', description: 'RETAIL THEFT', fbiCode: '06', weight: 0.2, locations: STORES },
      { iucr: '0890', description: 'FROM BUILDING', fbiCode: '06', weight: 0.08 },
      { iucr: '0870', description: 'POCKET-PICKING', fbiCode: '06', weight: 0.05 },
    ],
    locations: [...STREET, ...scale(HOME, 0.8), ...scale(STORES, 0.8), ...PUBLIC],
  },
  {
    primaryType: 'BATTERY',
    share: 0.185,
    arrest: 0.17,
    domestic: 0.12,
    time: 'night',
    hardshipExponent: 2.2,
    hotspots: { nightlife: 0.06, downtown: 0.03, 'market-west': 0.05, 'market-south': 0.05 },
    variants: [
      { iucr: '0486', description: 'DOMESTIC BATTERY SIMPLE', fbiCode: '08B', weight: 0.45, domestic: 1, locations: HOME },
      { iucr: '0460', description: 'SIMPLE', fbiCode: '08B', weight: 0.33 },
      { iucr: '041A', description: 'AGGRAVATED - HANDGUN', fbiCode: '04B', weight: 0.06 },
      { iucr: '0430', description: 'AGGRAVATED - OTHER DANGEROUS WEAPON', fbiCode: '04B', weight: 0.1 },
      {
        iucr: '0497',
        description: 'AGGRAVATED DOMESTIC BATTERY - OTHER DANGEROUS WEAPON',
        fbiCode: '04B',
        weight: 0.06,
        domestic: 1,
        locations: HOME,
      },
    ],
    locations: [...STREET, ...HOME, ...PUBLIC],
  },
  {
    primaryType: 'CRIMINAL DAMAGE',
    share: 0.105,
    arrest: 0.03,
    domestic: 0.1,
    time: 'vehicle',
    hardshipExponent: 1.2,
    hotspots: { nightlife: 0.04 },
    variants: [
      { iucr: '1320', description: 'TO VEHICLE', fbiCode: '14', weight: 0.5, locations: STREET },
      { iucr: '1310', description: 'TO PROPERTY', fbiCode: '14', weight: 0.48 },
      { iucr: '1305', description: 'CRIMINAL DEFACEMENT', fbiCode: '14', weight: 0.02 },
    ],
    locations: [...HOME, ...STREET, ...scale(STORES, 0.5)],
  },
  {
    primaryType: 'MOTOR VEHICLE THEFT',
    share: 0.095,
    arrest: 0.04,
    domestic: 0.01,
    time: 'vehicle',
    hardshipExponent: 1.0,
    hotspots: { downtown: 0.03 },
    variants: [
      { iucr: '0910', description: 'AUTOMOBILE', fbiCode: '07', weight: 0.85 },
      { iucr: '0917', description: 'TRUCK, BUS, MOTOR HOME', fbiCode: '07', weight: 0.1 },
      { iucr: '0930', description: 'CYCLE, SCOOTER, BIKE WITH VIN', fbiCode: '07', weight: 0.05 },
    ],
    locations: [
      ['STREET', 20],
      ['PARKING LOT / GARAGE (NON RESIDENTIAL)', 4],
      ['RESIDENCE - GARAGE', 2],
      ['ALLEY', 1],
      ['GAS STATION', 1],
    ],
  },
  {
    primaryType: 'ASSAULT',
    share: 0.085,
    arrest: 0.1,
    domestic: 0.2,
    time: 'night',
    hardshipExponent: 2.0,
    hotspots: { nightlife: 0.05, downtown: 0.05, 'market-west': 0.04, 'market-south': 0.04 },
    variants: [
      { iucr: '0560', description: 'SIMPLE', fbiCode: '08A', weight: 0.7 },
      { iucr: '051A', description: 'AGGRAVATED - HANDGUN', fbiCode: '04A', weight: 0.15 },
      { iucr: '0520', description: 'AGGRAVATED - KNIFE / CUTTING INSTRUMENT', fbiCode: '04A', weight: 0.08 },
      { iucr: '0545', description: 'AGGRAVATED - OTHER DANGEROUS WEAPON', fbiCode: '04A', weight: 0.07 },
    ],
    locations: [...STREET, ...HOME, ...PUBLIC, ...scale(STORES, 0.5)],
  },
  {
    primaryType: 'DECEPTIVE PRACTICE',
    share: 0.07,
    arrest: 0.03,
    domestic: 0.01,
    time: 'business',
    hardshipExponent: 0,
    hotspots: { downtown: 0.25, mall: 0.05 },
    variants: [
      { iucr: '1153', description: 'FINANCIAL IDENTITY THEFT OVER $ 300', fbiCode: '11', weight: 0.35 },
      { iucr: '1154', description: 'FINANCIAL IDENTITY THEFT $300 AND UNDER', fbiCode: '11', weight: 0.15 },
      { iucr: '1150', description: 'CREDIT CARD FRAUD', fbiCode: '11', weight: 0.15 },
      { iucr: '1130', description: 'FRAUD OR CONFIDENCE GAME', fbiCode: '11', weight: 0.2 },
      { iucr: '1120', description: 'FORGERY', fbiCode: '10', weight: 0.05 },
      { iucr: '1121', description: 'COUNTERFEITING DOCUMENT', fbiCode: '10', weight: 0.05 },
      { iucr: '1195', description: 'FINANCIAL EXPLOITATION OF AN ELDERLY OR DISABLED PERSON', fbiCode: '11', weight: 0.05 },
    ],
    locations: [['RESIDENCE', 8], ['APARTMENT', 6], ['COMMERCIAL / BUSINESS OFFICE', 3], ['BANK', 2], ['OTHER (SPECIFY)', 2], ...STORES],
  },
  {
    primaryType: 'OTHER OFFENSE',
    share: 0.065,
    arrest: 0.1,
    domestic: 0.25,
    time: 'day',
    hardshipExponent: 1.5,
    hotspots: {},
    variants: [
      { iucr: '2826', description: 'HARASSMENT BY ELECTRONIC MEANS', fbiCode: '26', weight: 0.3 },
      { iucr: '2825', description: 'HARASSMENT BY TELEPHONE', fbiCode: '26', weight: 0.25 },
      { iucr: '2820', description: 'TELEPHONE THREAT', fbiCode: '26', weight: 0.2 },
      { iucr: '4387', description: 'VIOLATE ORDER OF PROTECTION', fbiCode: '26', weight: 0.2, domestic: 0.95 },
      { iucr: '4625', description: 'PAROLE VIOLATION', fbiCode: '26', weight: 0.05 },
    ],
    locations: [...HOME, ...STREET],
  },
  {
    primaryType: 'ROBBERY',
    share: 0.035,
    arrest: 0.06,
    domestic: 0.01,
    time: 'night',
    hardshipExponent: 2.0,
    hotspots: { downtown: 0.08, nightlife: 0.05, 'market-west': 0.06, 'market-south': 0.06 },
    variants: [
      { iucr: '031A', description: 'ARMED - HANDGUN', fbiCode: '03', weight: 0.45 },
      { iucr: '0320', description: 'STRONG ARM - NO WEAPON', fbiCode: '03', weight: 0.35 },
      { iucr: '0325', description: 'VEHICULAR HIJACKING', fbiCode: '03', weight: 0.1 },
      { iucr: '0330', description: 'AGGRAVATED', fbiCode: '03', weight: 0.1 },
    ],
    locations: [['STREET', 12], ['SIDEWALK', 6], ['ALLEY', 2], ...scale(STORES, 0.6), ['TRANSIT PLATFORM', 1]],
  },
  {
    primaryType: 'BURGLARY',
    share: 0.03,
    arrest: 0.05,
    domestic: 0.04,
    time: 'day',
    hardshipExponent: 0.8,
    hotspots: {},
    variants: [
      { iucr: '0610', description: 'FORCIBLE ENTRY', fbiCode: '05', weight: 0.6 },
      { iucr: '0620', description: 'UNLAWFUL ENTRY', fbiCode: '05', weight: 0.35 },
      { iucr: '0630', description: 'ATTEMPT FORCIBLE ENTRY', fbiCode: '05', weight: 0.05 },
    ],
    locations: [...HOME, ['RESIDENCE - GARAGE', 3], ...scale(STORES, 0.6), ['COMMERCIAL / BUSINESS OFFICE', 2]],
  },
  {
    primaryType: 'WEAPONS VIOLATION',
    share: 0.03,
    arrest: 0.75,
    domestic: 0.01,
    time: 'night',
    hardshipExponent: 3.0,
    hotspots: { 'market-west': 0.15, 'market-south': 0.15 },
    variants: [
      { iucr: '143A', description: 'UNLAWFUL POSSESSION - HANDGUN', fbiCode: '15', weight: 0.75 },
      { iucr: '141A', description: 'UNLAWFUL USE - HANDGUN', fbiCode: '15', weight: 0.15 },
      { iucr: '1477', description: 'RECKLESS FIREARM DISCHARGE', fbiCode: '15', weight: 0.1 },
    ],
    locations: [...STREET, ['VEHICLE NON-COMMERCIAL', 4], ...scale(HOME, 0.3)],
  },
  {
    primaryType: 'NARCOTICS',
    share: 0.025,
    arrest: 0.97,
    domestic: 0,
    time: 'night',
    hardshipExponent: 3.0,
    hotspots: { 'market-west': 0.3, 'market-south': 0.3 },
    variants: [
      { iucr: '2027', description: 'POSSESS - CRACK', fbiCode: '18', weight: 0.25 },
      { iucr: '2024', description: 'POSSESS - HEROIN (WHITE)', fbiCode: '18', weight: 0.25 },
      { iucr: '2014', description: 'MANUFACTURE / DELIVER - HEROIN (WHITE)', fbiCode: '18', weight: 0.2 },
      { iucr: '1811', description: 'POSSESS - CANNABIS 30 GMS OR LESS', fbiCode: '18', weight: 0.15 },
      { iucr: '2170', description: 'POSSESSION OF DRUG EQUIPMENT', fbiCode: '18', weight: 0.15 },
    ],
    locations: [
      ['STREET', 10],
      ['SIDEWALK', 8],
      ['ALLEY', 3],
      ['VEHICLE NON-COMMERCIAL', 2],
      ['RESIDENCE - PORCH / HALLWAY', 2],
    ],
  },
  {
    primaryType: 'CRIMINAL TRESPASS',
    share: 0.02,
    arrest: 0.45,
    domestic: 0.05,
    time: 'day',
    hardshipExponent: 1.5,
    hotspots: { downtown: 0.15, mall: 0.05 },
    variants: [
      { iucr: '1330', description: 'TO LAND', fbiCode: '26', weight: 0.55 },
      { iucr: '1360', description: 'TO RESIDENCE', fbiCode: '26', weight: 0.3, locations: HOME },
      { iucr: '1340', description: 'TO VEHICLE', fbiCode: '26', weight: 0.1 },
      { iucr: '1350', description: 'TO STATE SUP LAND', fbiCode: '26', weight: 0.05 },
    ],
    locations: [...scale(STORES, 1.2), ...PUBLIC, ...STREET],
  },
  {
    primaryType: 'OFFENSE INVOLVING CHILDREN',
    share: 0.008,
    arrest: 0.1,
    domestic: 0.4,
    time: 'day',
    hardshipExponent: 1.5,
    hotspots: {},
    variants: [
      { iucr: '1750', description: 'CHILD ABUSE', fbiCode: '08B', weight: 0.4 },
      { iucr: '1752', description: 'AGGRAVATED CRIMINAL SEXUAL ABUSE BY FAMILY MEMBER', fbiCode: '17', weight: 0.35 },
      { iucr: '1780', description: 'CONTRIBUTE TO THE DELINQUENCY OF A MINOR', fbiCode: '26', weight: 0.2 },
      { iucr: '1790', description: 'CHILD ABDUCTION', fbiCode: '26', weight: 0.05 },
    ],
    locations: [...HOME, ['SCHOOL - PUBLIC BUILDING', 2]],
  },
  {
    primaryType: 'CRIMINAL SEXUAL ASSAULT',
    share: 0.006,
    arrest: 0.08,
    domestic: 0.15,
    time: 'night',
    hardshipExponent: 1.2,
    hotspots: { nightlife: 0.1 },
    variants: [
      { iucr: '0281', description: 'NON-AGGRAVATED', fbiCode: '02', weight: 0.8 },
      { iucr: '0261', description: 'AGGRAVATED - HANDGUN', fbiCode: '02', weight: 0.2 },
    ],
    locations: [...HOME, ...STREET, ['HOTEL / MOTEL', 1]],
  },
  {
    primaryType: 'SEX OFFENSE',
    share: 0.005,
    arrest: 0.12,
    domestic: 0.1,
    time: 'day',
    hardshipExponent: 1.0,
    hotspots: {},
    variants: [
      { iucr: '1562', description: 'AGGRAVATED CRIMINAL SEXUAL ABUSE', fbiCode: '17', weight: 0.4 },
      { iucr: '1544', description: 'SEXUAL EXPLOITATION OF A CHILD', fbiCode: '17', weight: 0.2 },
      { iucr: '1565', description: 'INDECENT SOLICITATION OF A CHILD', fbiCode: '17', weight: 0.2 },
      { iucr: '1585', description: 'PUBLIC INDECENCY', fbiCode: '17', weight: 0.2 },
    ],
    locations: [...HOME, ...STREET, ...PUBLIC],
  },
  {
    primaryType: 'PUBLIC PEACE VIOLATION',
    share: 0.004,
    arrest: 0.3,
    domestic: 0.02,
    time: 'night',
    hardshipExponent: 1.5,
    hotspots: { nightlife: 0.2, downtown: 0.1 },
    variants: [
      { iucr: '2890', description: 'OTHER VIOLATION', fbiCode: '24', weight: 0.5 },
      { iucr: '3710', description: 'RECKLESS CONDUCT', fbiCode: '24', weight: 0.5 },
    ],
    locations: [...STREET, ...PUBLIC],
  },
  {
    primaryType: 'INTERFERENCE WITH PUBLIC OFFICER',
    share: 0.003,
    arrest: 0.95,
    domestic: 0,
    time: 'night',
    hardshipExponent: 2.0,
    hotspots: { downtown: 0.1, nightlife: 0.1 },
    variants: [
      { iucr: '3730', description: 'RESIST / OBSTRUCT / DISARM OFFICER', fbiCode: '24', weight: 0.6 },
      { iucr: '3731', description: 'OBSTRUCTING IDENTIFICATION', fbiCode: '24', weight: 0.4 },
    ],
    locations: [...STREET],
  },
  {
    primaryType: 'HOMICIDE',
    share: 0.002,
    arrest: 0.35,
    domestic: 0.08,
    time: 'night',
    hardshipExponent: 3.0,
    hotspots: { 'market-west': 0.15, 'market-south': 0.15 },
    variants: [{ iucr: '0110', description: 'FIRST DEGREE MURDER', fbiCode: '01A', weight: 1 }],
    locations: [...STREET, ...HOME],
  },
  {
    primaryType: 'STALKING',
    share: 0.002,
    arrest: 0.05,
    domestic: 0.4,
    time: 'day',
    hardshipExponent: 0.5,
    hotspots: {},
    variants: [
      { iucr: '0580', description: 'SIMPLE', fbiCode: '26', weight: 0.7 },
      { iucr: '0583', description: 'CYBERSTALKING', fbiCode: '26', weight: 0.3 },
    ],
    locations: [...HOME, ...STREET],
  },
  {
    primaryType: 'ARSON',
    share: 0.002,
    arrest: 0.08,
    domestic: 0.05,
    time: 'night',
    hardshipExponent: 2.0,
    hotspots: {},
    variants: [
      { iucr: '1020', description: 'BY FIRE', fbiCode: '09', weight: 0.8 },
      { iucr: '1025', description: 'AGGRAVATED', fbiCode: '09', weight: 0.2 },
    ],
    locations: [...HOME, ['VEHICLE NON-COMMERCIAL', 3], ['VACANT LOT / LAND', 2]],
  },
  {
    primaryType: 'LIQUOR LAW VIOLATION',
    share: 0.001,
    arrest: 0.9,
    domestic: 0,
    time: 'night',
    hardshipExponent: 0.5,
    hotspots: { nightlife: 0.5 },
    variants: [
      { iucr: '2230', description: 'ILLEGAL CONSUMPTION BY MINOR', fbiCode: '22', weight: 0.5 },
      { iucr: '2240', description: 'SELL / GIVE / DELIVER LIQUOR TO MINOR', fbiCode: '22', weight: 0.5 },
    ],
    locations: [
      ['BAR OR TAVERN', 5],
      ['STREET', 3],
      ['CONVENIENCE STORE', 2],
    ],
  },
  {
    primaryType: 'PROSTITUTION',
    share: 0.001,
    arrest: 0.98,
    domestic: 0,
    time: 'night',
    hardshipExponent: 2.0,
    hotspots: { 'market-south': 0.4 },
    variants: [{ iucr: '1517', description: 'SOLICIT ON PUBLIC WAY', fbiCode: '16', weight: 1 }],
    locations: [
      ['STREET', 8],
      ['SIDEWALK', 2],
      ['HOTEL / MOTEL', 1],
    ],
  },
];

/** Hour-of-day weights (0 = midnight–1 am) per time profile. All have their trough near 5 am. */
export const HOUR_WEIGHTS: Record<TimeProfile, readonly number[]> = {
  day: [2.6, 1.9, 1.5, 1.2, 0.9, 0.8, 1.1, 1.8, 2.8, 3.6, 4.1, 4.5, 5.2, 4.9, 4.9, 5.1, 5.2, 5.3, 5.0, 4.5, 4.0, 3.6, 3.2, 2.9],
  night: [4.6, 3.9, 3.3, 2.6, 1.8, 1.2, 1.0, 1.3, 1.8, 2.3, 2.7, 3.0, 3.4, 3.5, 3.6, 3.9, 4.2, 4.5, 4.8, 5.0, 5.1, 5.2, 5.1, 4.9],
  vehicle: [3.8, 3.2, 2.7, 2.2, 1.6, 1.3, 1.5, 2.2, 2.8, 3.0, 3.1, 3.2, 3.5, 3.4, 3.5, 3.8, 4.1, 4.4, 4.7, 4.9, 5.0, 4.9, 4.7, 4.3],
  business: [3.0, 0.6, 0.5, 0.4, 0.3, 0.3, 0.5, 1.2, 2.6, 3.8, 4.2, 4.3, 4.6, 4.3, 4.2, 4.0, 3.7, 3.2, 2.6, 2.1, 1.8, 1.5, 1.2, 1.0],
};

/** Day-of-week weights, Sunday first, per time profile. */
export const WEEKDAY_WEIGHTS: Record<TimeProfile, readonly number[]> = {
  day: [0.88, 1.03, 1.03, 1.03, 1.03, 1.05, 0.95],
  night: [1.12, 0.93, 0.92, 0.93, 0.95, 1.03, 1.12],
  vehicle: [1.0, 1.0, 0.98, 0.98, 1.0, 1.02, 1.05],
  business: [0.6, 1.12, 1.1, 1.1, 1.1, 1.08, 0.7],
};

/**
 * Extra factor for weekend nights (night and vehicle profiles): Saturday and Sunday 0–4 am,
 * Friday and Saturday 7 pm – midnight.
 */
export function weekendNightFactor(profile: TimeProfile, weekday: number, hour: number): number {
  if (profile !== 'night' && profile !== 'vehicle') return 1;
  const strength = profile === 'night' ? 1 : 0.5;
  if ((weekday === 6 || weekday === 0) && hour < 4) return 1 + 0.9 * strength;
  if ((weekday === 5 || weekday === 6) && hour >= 19) return 1 + 0.3 * strength;
  return 1;
}
