/**
 * `@beatplan/api`: the Beatplan HTTP API (Express 5, SQLite, OpenAPI 3.1, roles, jobs).
 *
 * @example
 * import { startServer, SqliteStore, createToken } from '@beatplan/api';
 * const { token } = await createToken(new SqliteStore('data'), 'analyst', 'me');
 * const server = await startServer({ port: 8080, dataDir: 'data' });
 */
export { type AppDeps, type BeatplanApp, createApp } from './app.js';
export { createToken, hashToken, type Principal, roleAtLeast, TOKEN_PREFIX } from './auth.js';
export { BASEMAP_PMTILES_PATH, basemapOf, type MapBasemap } from './basemap.js';
export { type Config, type ConfigInput, ConfigSchema, parseConfig } from './config.js';
export type * from './dto.js';
export { ApiError, type ApiErrorCode, ENGINE_STATUS, type FieldError, type Problem, statusOfEngineCode } from './errors.js';
export * from './schemas.js';
export { type RunningServer, type StartOptions, startServer } from './server.js';
export { BLOB_SWEEP_GRACE_MS, type BlobSweepOptions, type BlobSweepReport } from './store/blob-sweep.js';
export { openStore, redactDatabaseUrl } from './store/open-store.js';
export { PG_MIGRATIONS, PostgresStore } from './store/postgres-store.js';
export { MIGRATIONS, SqliteStore } from './store/sqlite-store.js';
export * from './store/store.js';
