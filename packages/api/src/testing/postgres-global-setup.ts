/**
 * vitest global setup of the `postgres` project: checks that the server of
 * `BEATPLAN_TEST_DATABASE_URL` answers and that its role may create databases, so that a
 * missing Postgres fails the run (under CI) instead of skipping the suite.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.BEATPLAN_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'the postgres test project needs BEATPLAN_TEST_DATABASE_URL (CI is set, so the Postgres suite is required): run `eval "$(.ci/postgres.sh)"` first',
    );
  }
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    const r = await c.query<{ rolcreatedb: boolean; rolsuper: boolean; version: string }>(
      'SELECT rolcreatedb, rolsuper, version() AS version FROM pg_roles WHERE rolname = current_user',
    );
    const role = r.rows[0];
    if (!role || !(role.rolcreatedb || role.rolsuper))
      throw new Error('the role of BEATPLAN_TEST_DATABASE_URL must have CREATEDB (each test app gets its own database)');
  } catch (err) {
    throw new Error(`Postgres at BEATPLAN_TEST_DATABASE_URL is not usable: ${(err as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}
