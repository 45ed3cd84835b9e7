/**
 * `@beatplan/engine`: plans police patrol beats and the officers who work them.
 *
 * Pipeline: {@link buildGrid} → `readIncidents` (from `@beatplan/engine/io`, Node only) →
 * {@link scoreCells} → `planBeats` → `staffBeats` → `evaluatePlan`. The core modules are
 * pure: no file system, network, clock or global randomness.
 */

export { csvField, csvRow, toCsv } from './csv-format.js';
export * from './errors.js';
export { type LineLike, linesOf, type PolygonLike, polygonsOf } from './geo/geojson.js';
export { approxDistanceKm, distanceKm, polsbyPopper } from './geo/measure.js';
export * from './grid/index.js';
export * from './plan/index.js';
export * from './random.js';
export * from './response/index.js';
export * from './score/index.js';
export * from './solver/index.js';
export * from './staff/index.js';
export * from './units/index.js';
export * from './usecases/index.js';
