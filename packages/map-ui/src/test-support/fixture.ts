/**
 * Test fixtures of API answers: the map's unit tests build only the fields the code under test
 * reads, at any depth, and type the result as the API's own DTO (`@beatplan/api`), so a field
 * the test names that the API renamed or dropped still breaks the test's type-check.
 * @example const m = fixture<PlanMetricsDto>({ workload: { maxOverMean: 1.2 }, perBeat: [] });
 */
export function fixture<T>(fields: DeepPartial<T>): T {
  return fields as T;
}

/** `T` with every field optional, at any depth (arrays of partial items). */
export type DeepPartial<T> =
  T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial<U>> : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
