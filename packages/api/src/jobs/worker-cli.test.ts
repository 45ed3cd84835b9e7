/**
 * `beatplan worker` refuses what it cannot run, by name and with exit 2 (the multi-process
 * runs are in `shared-queue.pg.test.ts`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workerCommand } from '../cli.js';

describe('beatplan worker: bad flags exit 2', () => {
  const saved = process.env.BEATPLAN_DATABASE_URL;
  beforeEach(() => {
    delete process.env.BEATPLAN_DATABASE_URL;
  });
  afterEach(() => {
    if (saved !== undefined) process.env.BEATPLAN_DATABASE_URL = saved;
  });
  const run = async (argv: string[]) => {
    let err = '';
    const code = await workerCommand(argv, { stdout: { write: () => undefined }, stderr: { write: (s: string) => (err += s) } });
    return { code, err };
  };

  it('without a PostgreSQL URL: jobs run inside serve with SQLite', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/worker needs --database postgres:\/\/… \(or BEATPLAN_DATABASE_URL\)/);
  });

  it('--concurrency outside 1-16, an unknown flag, a URL that is not PostgreSQL', async () => {
    expect(await run(['--database', 'postgres://x@127.0.0.1:1/x', '--concurrency', '0'])).toMatchObject({ code: 2, err: expect.stringMatching(/--concurrency must be an integer 1-16, got "0"/) });
    expect(await run(['--database', 'postgres://x@127.0.0.1:1/x', '--concurrency', 'two'])).toMatchObject({ code: 2 });
    expect(await run(['--databse', 'postgres://x'])).toMatchObject({ code: 2, err: expect.stringMatching(/databse/) });
    expect(await run(['--database', 'mysql://x'])).toMatchObject({ code: 2 });
  });
});
