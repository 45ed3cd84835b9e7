import { configDefaults, defineConfig } from 'vitest/config';

/** Tests only meaningful on the Postgres store (they need a database server). */
const POSTGRES_ONLY = '**/*.pg.test.ts';
/**
 * The API suite (every test built on `packages/api/src/testing/harness.ts`), run a second time
 * on the Postgres store by the `postgres` project.
 */
const API_SUITE = ['packages/api/src/**/*.test.ts', 'test/reliability/concurrency.test.ts', 'test/reliability/api-abuse.test.ts'];
/** API tests that do not touch the harness's store (nothing to gain from a second run). */
const STORE_INDEPENDENT = [
  'packages/api/src/store/sqlite-store.test.ts',
  'packages/api/src/config.test.ts',
  'packages/api/src/server.test.ts',
  'packages/api/src/store/open-store.test.ts',
];

/**
 * The `postgres` project runs when `BEATPLAN_TEST_DATABASE_URL` is set (`eval "$(.ci/postgres.sh)"`)
 * and always under CI, where its global setup fails the run if Postgres is not reachable.
 */
const withPostgres = Boolean(process.env.BEATPLAN_TEST_DATABASE_URL) || Boolean(process.env.CI);
if (!withPostgres && !process.env.BEATPLAN_PG_NOTE_SHOWN) {
  process.env.BEATPLAN_PG_NOTE_SHOWN = '1';
  process.stderr.write('vitest: BEATPLAN_TEST_DATABASE_URL is not set: the API suite runs on SQLite only (see .ci/postgres.sh)\n');
}

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'data/generator/**/*.test.ts'],
          exclude: [...configDefaults.exclude, POSTGRES_ONLY],
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [...API_SUITE, POSTGRES_ONLY],
                exclude: [...configDefaults.exclude, ...STORE_INDEPENDENT],
                env: { BEATPLAN_TEST_STORE: 'postgres' },
                globalSetup: ['packages/api/src/testing/postgres-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
