/**
 * `beatplan worker` refuses what it cannot run, by name and with exit 2, through the `beatplan`
 * dispatcher as typed (the multi-process runs are in `shared-queue.pg.test.ts`).
 */

import { runCli } from '@beatplan/engine/cli';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

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
    const code = await runCli(['worker', ...argv], { stdout: { write: () => undefined }, stderr: { write: (s: string) => (err += s) } });
    return { code, err };
  };

  it('without a PostgreSQL URL: jobs run inside serve with SQLite', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/worker needs --database postgres:\/\/… \(or BEATPLAN_DATABASE_URL\)/);
  });

  it('--concurrency outside 1-16, an unknown flag, a URL that is not PostgreSQL', async () => {
    expect(await run(['--database', 'postgres://x@127.0.0.1:1/x', '--concurrency', '0'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--concurrency must be an integer 1-16, got "0"/),
    });
    expect(await run(['--database', 'postgres://x@127.0.0.1:1/x', '--concurrency', 'two'])).toMatchObject({ code: 2 });
    expect(await run(['--databse', 'postgres://x'])).toMatchObject({ code: 2, err: expect.stringMatching(/databse/) });
    expect(await run(['--database', 'mysql://x'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/BAD_INPUT: invalid configuration: databaseUrl .*postgres:\/\//),
    });
  });
});

describe('the API commands parse their flags with the engine option tables (one parser, exit 2 by name)', () => {
  const run = async (argv: string[]) => {
    let err = '';
    const code = await runCli(argv, { stdout: { write: () => undefined }, stderr: { write: (s: string) => (err += s) } });
    return { code, err };
  };

  it('alternatives without --api / --plan, token create with an unknown role, serve with a bad port', async () => {
    const token = process.env.BEATPLAN_TOKEN;
    delete process.env.BEATPLAN_TOKEN;
    try {
      expect(await run(['alternatives', '--plan', 'p', '--token', 't'])).toMatchObject({
        code: 2,
        err: expect.stringMatching(/needs --api URL.*field "--api"/),
      });
      expect(await run(['alternatives', '--api', 'http://127.0.0.1:1', '--token', 't'])).toMatchObject({
        code: 2,
        err: expect.stringMatching(/field "--plan"/),
      });
      expect(await run(['alternatives', '--api', 'http://127.0.0.1:1', '--plan', 'p', '--count'])).toMatchObject({
        code: 2,
        err: expect.stringMatching(/--count/),
      });
    } finally {
      if (token !== undefined) process.env.BEATPLAN_TOKEN = token;
    }
    expect(await run(['token', 'create', '--role', 'emperor'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--role must be one of viewer, analyst, commander, admin/),
    });
    expect(await run(['serve', '--port', 'eighty'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/BAD_INPUT: invalid configuration: port/),
    });
    expect(await run(['serve', '--demo'])).toMatchObject({ code: 2, err: expect.stringMatching(/--demo/) });
  });
});
