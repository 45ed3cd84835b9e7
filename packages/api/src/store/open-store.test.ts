import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { openStore, redactDatabaseUrl } from './open-store.js';
import { SqliteStore } from './sqlite-store.js';

describe('store selection', () => {
  it('BEATPLAN_DATABASE_URL / --database select Postgres; the argument wins; default none (SQLite)', () => {
    expect(parseConfig([], {}).databaseUrl).toBeUndefined();
    expect(parseConfig([], { BEATPLAN_DATABASE_URL: 'postgres://u:p@db:5432/bp' }).databaseUrl).toBe('postgres://u:p@db:5432/bp');
    expect(parseConfig(['--database', 'postgresql://h/x'], { BEATPLAN_DATABASE_URL: 'postgres://u:p@db:5432/bp' }).databaseUrl).toBe(
      'postgresql://h/x',
    );
    expect(() => parseConfig(['--database', 'mysql://h/x'], {})).toThrow(/databaseUrl \(BEATPLAN_DATABASE_URL\)/);
  });

  it('opens SQLite without a database URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beatplan-open-'));
    try {
      const s = await openStore({ dataDir: dir });
      expect(s).toBeInstanceOf(SqliteStore);
      await s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hides the password of a database URL in logs', () => {
    expect(redactDatabaseUrl('postgres://bp:s3cret@db:5432/beatplan')).toBe('postgres://bp:***@db:5432/beatplan');
    expect(redactDatabaseUrl('postgres://db/beatplan')).toBe('postgres://db/beatplan');
    expect(redactDatabaseUrl('not a url')).not.toContain('not a url');
  });
});
