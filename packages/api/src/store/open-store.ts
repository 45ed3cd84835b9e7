/**
 * Opens the store a configuration asks for: PostgreSQL when `databaseUrl` is set
 * (`BEATPLAN_DATABASE_URL`, `--database`), otherwise SQLite under `dataDir`.
 */
import { resolve } from 'node:path';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** What {@link openStore} needs from the configuration. */
export interface StoreConfig {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/**
 * The configured store. With a database URL the data folder still holds this instance's
 * upload staging area and blob cache.
 * @example const store = await openStore({ dataDir: 'data', databaseUrl: process.env.BEATPLAN_DATABASE_URL });
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  const dataDir = resolve(config.dataDir);
  if (config.databaseUrl) return PostgresStore.open({ connectionString: config.databaseUrl, dataDir });
  return new SqliteStore(dataDir);
}

/** A database URL with its password hidden, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
