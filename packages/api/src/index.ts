/**
 * `@beatplan/api`: the Beatplan HTTP API (Express 5, SQLite, OpenAPI 3.1, roles, jobs).
 *
 * @example
 * import { startServer, SqliteStore, createToken } from '@beatplan/api';
 * const { token } = await createToken(new SqliteStore('data'), 'analyst', 'me');
 * const server = await startServer({ port: 8080, dataDir: 'data' });
 */
export { createApp, type AppDeps, type BeatplanApp } from './app.js';
export { startServer, type RunningServer, type StartOptions } from './server.js';
export { parseConfig, ConfigSchema, type Config, type ConfigInput } from './config.js';
export { basemapOf, BASEMAP_PMTILES_PATH, type MapBasemap } from './basemap.js';
export { createToken, hashToken, roleAtLeast, TOKEN_PREFIX, type Principal } from './auth.js';
export { ApiError, ENGINE_STATUS, statusOfEngineCode, type ApiErrorCode, type Problem, type FieldError } from './errors.js';
export { SqliteStore, MIGRATIONS } from './store/sqlite-store.js';
export { PostgresStore, PG_MIGRATIONS } from './store/postgres-store.js';
export { openStore, redactDatabaseUrl } from './store/open-store.js';
export * from './store/store.js';
export * from './schemas.js';
export type * from './dto.js';
