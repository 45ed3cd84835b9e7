/**
 * Default service times per incident type: the officer time one incident costs.
 *
 * Values are officer-minutes per incident = minutes on scene and in follow-up (report
 * writing, transport, booking) × units typically dispatched. They are planning defaults in
 * the range that patrol-staffing studies report for calls for service (ICMA / IACP workload
 * studies: most calls 30–60 min per unit, violent and arrest-heavy calls 1.5–4 h, often two
 * units); departments should replace them with their own CAD averages via
 * `ScoreOptions.serviceMinutes`. Keys are upper-case incident types as in the Chicago Data
 * Portal's `Primary Type`; lookups also try a few common synonyms.
 */
export interface ServiceTime {
  /** Minutes per unit on the incident (scene + report + transport). */
  readonly minutes: number;
  /** Units (officers / cars) typically dispatched. */
  readonly units: number;
}

/** The default table (see the module comment for provenance and how to override). */
export const DEFAULT_SERVICE_TIMES: Readonly<Record<string, ServiceTime>> = Object.freeze({
  THEFT: { minutes: 45, units: 1 },
  BATTERY: { minutes: 60, units: 2 },
  'CRIMINAL DAMAGE': { minutes: 40, units: 1 },
  ASSAULT: { minutes: 50, units: 2 },
  'DECEPTIVE PRACTICE': { minutes: 45, units: 1 },
  'OTHER OFFENSE': { minutes: 40, units: 1 },
  NARCOTICS: { minutes: 90, units: 2 },
  'OTHER NARCOTIC VIOLATION': { minutes: 90, units: 2 },
  BURGLARY: { minutes: 60, units: 1 },
  'MOTOR VEHICLE THEFT': { minutes: 50, units: 1 },
  ROBBERY: { minutes: 90, units: 2 },
  'CRIMINAL TRESPASS': { minutes: 40, units: 1 },
  'WEAPONS VIOLATION': { minutes: 120, units: 2 },
  'CONCEALED CARRY LICENSE VIOLATION': { minutes: 60, units: 1 },
  'OFFENSE INVOLVING CHILDREN': { minutes: 90, units: 1 },
  'PUBLIC PEACE VIOLATION': { minutes: 30, units: 1 },
  'INTERFERENCE WITH PUBLIC OFFICER': { minutes: 60, units: 2 },
  PROSTITUTION: { minutes: 60, units: 1 },
  'SEX OFFENSE': { minutes: 90, units: 1 },
  'CRIM SEXUAL ASSAULT': { minutes: 150, units: 1 },
  'CRIMINAL SEXUAL ASSAULT': { minutes: 150, units: 1 },
  HOMICIDE: { minutes: 240, units: 3 },
  KIDNAPPING: { minutes: 120, units: 2 },
  ARSON: { minutes: 90, units: 2 },
  'LIQUOR LAW VIOLATION': { minutes: 30, units: 1 },
  STALKING: { minutes: 60, units: 1 },
  INTIMIDATION: { minutes: 60, units: 1 },
  GAMBLING: { minutes: 45, units: 1 },
  OBSCENITY: { minutes: 45, units: 1 },
  'PUBLIC INDECENCY': { minutes: 45, units: 1 },
  'HUMAN TRAFFICKING': { minutes: 120, units: 2 },
  'NON-CRIMINAL': { minutes: 30, units: 1 },
  'NON - CRIMINAL': { minutes: 30, units: 1 },
  'NON-CRIMINAL (SUBJECT SPECIFIED)': { minutes: 30, units: 1 },
  RITUALISM: { minutes: 45, units: 1 },
  'VEHICULAR HIJACKING': { minutes: 90, units: 2 },
  'VEHICLE THEFT': { minutes: 50, units: 1 },
  'LARCENY/THEFT': { minutes: 45, units: 1 },
  VANDALISM: { minutes: 40, units: 1 },
  'DRUG/NARCOTIC': { minutes: 90, units: 2 },
});

/** Minutes × units for unknown types. */
export const DEFAULT_UNKNOWN_SERVICE: ServiceTime = Object.freeze({ minutes: 45, units: 1 });

/** Officer-minutes of one incident of `type` from a table (falls back to `unknown`). */
export function officerMinutes(
  type: string,
  table: Readonly<Record<string, ServiceTime>> = DEFAULT_SERVICE_TIMES,
  unknown: ServiceTime = DEFAULT_UNKNOWN_SERVICE,
): number {
  const t = table[type] ?? table[type.toUpperCase().trim()] ?? unknown;
  return t.minutes * t.units;
}
