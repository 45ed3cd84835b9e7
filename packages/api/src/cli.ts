/**
 * The API's command-line entry points, run through the `beatplan` CLI:
 * `beatplan serve [--port 8080] [--data DIR] [--demo DIR] [--ui DIR]` and
 * `beatplan token create --role ROLE [--label TEXT] [--data DIR] [--database URL]` and
 * `beatplan worker --database URL [--concurrency N] [--data DIR]` and
 * `beatplan alternatives --api URL --plan ID [--count N] [--seed S] [--json FILE] [--strict]`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BeatplanError } from '@beatplan/engine';
import { parseOptions } from '@beatplan/engine/cli/options';
import { pino } from 'pino';
import { createToken } from './auth.js';
import { CONFIG_OPTIONS, type Config, parseConfig } from './config.js';
import { seedDemo } from './demo.js';
import { PgJobWorker } from './jobs/pg-queue.js';
import type { AlternativeRow } from './routes/alternatives.js';
import { startServer, untilStopRequested } from './server.js';
import { openStore, redactDatabaseUrl } from './store/open-store.js';
import { PostgresStore } from './store/postgres-store.js';
import { ROLES, type Role } from './store/store.js';

/** The fields `beatplan alternatives` reads from the API's answers (a problem, the set, the comparison). */
interface AnswerBody {
  code?: string;
  detail?: string;
  id?: string;
  members?: unknown[];
  finished?: number;
  rows?: AlternativeRow[];
}

/** Where the CLI writes (the engine's runCli passes the same shape). */
export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/**
 * The server configuration from `--data` / `--database` flags (and the other `serve` flags in
 * `flags`) and the `BEATPLAN_*` environment.
 * @throws BeatplanError BAD_INPUT naming each invalid setting (the CLI's exit 2)
 */
function configOf(flags: readonly string[]): Config {
  try {
    return parseConfig(flags, process.env);
  } catch (e) {
    throw new BeatplanError('BAD_INPUT', (e as Error).message, { field: 'configuration' });
  }
}

/** `--data DIR` and `--database URL` as given, for {@link configOf}. */
function storeFlags(values: { data?: string | undefined; database?: string | undefined }): string[] {
  return [...(values.data ? ['--data', values.data] : []), ...(values.database ? ['--database', values.database] : [])];
}

/** The map-ui build inside this repository, when it exists. */
function defaultUiDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../map-ui/dist', import.meta.url));
  return existsSync(resolve(dir, 'index.html')) ? dir : undefined;
}

/** `beatplan serve --help` (the engine CLI's CommandHelp shape; options parsed by parseConfig). */
export const SERVE_HELP = {
  name: 'serve',
  summary: 'serve the HTTP API (/api/v1) and the planning map until SIGINT/SIGTERM',
  details:
    'On an empty database an admin token is created and printed once. Settings also come from BEATPLAN_* environment variables; flags win.',
  options: {
    ...CONFIG_OPTIONS,
    demo: { type: 'string', value: 'DIR', description: 'Load the demo city from DIR (e.g. data/demo) through the API on first start.' },
    verbose: { type: 'boolean', description: 'Print the request log on the terminal instead of <data>/server.log.' },
  },
} as const;

/** `beatplan token create --help`. */
export const TOKEN_HELP = {
  name: 'token create',
  summary: 'create an access token and print it once',
  options: {
    role: { type: 'string', value: 'viewer|analyst|commander|admin', required: true, description: 'What the token may do.' },
    label: { type: 'string', value: 'TEXT', description: 'A name to recognise the token by.', default: '"<role> token"' },
    data: CONFIG_OPTIONS.data,
    database: CONFIG_OPTIONS.database,
  },
} as const;

/**
 * `beatplan serve`: starts the API (and the map when built) until SIGINT/SIGTERM. On an empty
 * database it creates an admin token for local use and prints it once; with `--demo DIR` it
 * also loads the demo city from DIR (datasets, the current beats as a plan, a proposal, a
 * staffing) through the API itself. The request log goes to `<data>/server.log` unless
 * `--verbose`; the last lines printed are the ready link and the token.
 * @throws BeatplanError BAD_INPUT (exit 2) naming an invalid setting or an empty `--demo`; an
 * unknown flag is the `parseArgs` error the CLI also reports as exit 2
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { demo: demoDir, verbose, ...serverFlags } = parseOptions(argv, SERVE_HELP.options);
  if (demoDir === '') {
    throw new BeatplanError('BAD_INPUT', '--demo needs a folder (e.g. data/demo)', { field: '--demo', value: demoDir });
  }
  // the server's own flags go to parseConfig as given (it also reads BEATPLAN_* variables)
  const config = configOf(
    Object.entries(serverFlags).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)])),
  );
  // listen for SIGINT/SIGTERM (or pnpm going away) from now on: a stop asked for while the
  // server starts or loads the demo takes effect as soon as it can be served cleanly
  const stopRequested = untilStopRequested();
  const logFile = verbose ? undefined : resolve(config.dataDir, 'server.log');
  const uiDir = config.uiDir ?? defaultUiDir();
  const running = await startServer({ ...config, uiDir }, { bootstrapToken: true, ...(logFile ? { logFile } : {}) });
  io.stdout.write(
    `beatplan API on ${running.url}/api/v1 (docs: ${running.url}/api/v1/docs)${uiDir ? '' : '; the map is not built (pnpm build)'}\n`,
  );
  if (logFile) io.stdout.write(`request log: ${logFile} (--verbose prints it here)\n`);
  let mapLink = uiDir ? `${running.url}/` : `${running.url}/api/v1/plans`;
  if (demoDir) {
    if (!running.bootstrapToken) {
      io.stdout.write('demo: the database already holds data; not loading the demo again\n');
    } else {
      // the map opened now shows the demo plan as soon as it is ready (it watches the plan list)
      io.stdout.write(`demo: loading ${demoDir} through the API (the map at ${mapLink} shows it when ready) …\n`);
      const r = await seedDemo(running.url, running.bootstrapToken, demoDir, (m) => io.stdout.write(`demo: ${m}\n`));
      if (uiDir) mapLink = `${running.url}/?plan=${r.planId}`;
      io.stdout.write(`demo: plan ${r.planId} ready; "Current beats" is plan ${r.currentPlanId}\n`);
    }
  }
  // the last lines: where to go and the token to paste there
  io.stdout.write(`\nready: ${mapLink}\n`);
  if (running.bootstrapToken) {
    io.stdout.write(
      `admin token for local use (shown once; create others with \`beatplan token create --role …\`):\n  ${running.bootstrapToken}\n`,
    );
  }
  const why = await stopRequested;
  io.stdout.write(`stopping (${why}) …\n`);
  await running.stop();
  io.stdout.write('stopped\n');
  return 0;
}

/**
 * `beatplan token create --role viewer|analyst|commander|admin [--label TEXT] [--data DIR]`:
 * prints a new token once.
 * @throws BeatplanError BAD_INPUT (exit 2) for a role that does not exist or an invalid setting
 */
export async function tokenCommand(argv: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'create') {
    io.stderr.write(
      'usage: beatplan token create --role viewer|analyst|commander|admin [--label TEXT] [--data DIR] [--database postgres://…]\n',
    );
    return 2;
  }
  const values = parseOptions(rest, TOKEN_HELP.options);
  if (!values.role || !(ROLES as readonly string[]).includes(values.role)) {
    throw new BeatplanError('BAD_INPUT', `--role must be one of ${ROLES.join(', ')}`, { field: '--role', value: values.role });
  }
  const config = configOf(storeFlags(values));
  const store = await openStore(config);
  try {
    const { token } = await createToken(store, values.role as Role, values.label ?? `${values.role} token`);
    io.stdout.write(`${token}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

/** `beatplan worker --help`. */
export const WORKER_HELP = {
  name: 'worker',
  summary: 'run jobs from the shared PostgreSQL queue without serving HTTP, until SIGINT/SIGTERM',
  details:
    'Takes the jobs any API instance on the same database accepted (plans, scores, staffing, alternatives…) and runs each in a worker thread. A worker that dies mid-job leaves the job retried on another worker (after ~10 s without heartbeat), at most twice, then failed WORKER_LOST.',
  options: {
    database: { ...CONFIG_OPTIONS.database, required: true, default: undefined },
    concurrency: { type: 'string', value: 'N', description: 'Jobs this process runs at once (one thread each), 1-16.', default: '1' },
    data: { ...CONFIG_OPTIONS.data, description: "Folder of this worker's local blob cache." },
  },
} as const;

/**
 * `beatplan worker --database postgres://… [--concurrency N] [--data DIR]`: runs jobs from the
 * shared queue until SIGINT/SIGTERM.
 * @throws BeatplanError BAD_INPUT (exit 2) on a bad flag value or without a PostgreSQL URL; an
 * unknown flag is the `parseArgs` error the CLI also reports as exit 2
 */
export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, WORKER_HELP.options);
  const concurrency = Number(values.concurrency ?? '1');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    throw new BeatplanError('BAD_INPUT', `--concurrency must be an integer 1-16, got ${JSON.stringify(values.concurrency)}`, {
      field: '--concurrency',
    });
  }
  const config = configOf(storeFlags(values));
  if (!config.databaseUrl) {
    throw new BeatplanError(
      'BAD_INPUT',
      'worker needs --database postgres://… (or BEATPLAN_DATABASE_URL): with SQLite, jobs run inside `beatplan serve`',
      {
        field: '--database',
      },
    );
  }
  const stopRequested = untilStopRequested();
  const store = await openStore(config);
  if (!(store instanceof PostgresStore)) throw new Error('unreachable: a database URL opens a PostgresStore');
  const log = pino({ level: config.logLevel, base: { service: 'beatplan-worker' } });
  const worker = await PgJobWorker.start({
    store,
    connectionString: config.databaseUrl,
    log,
    concurrency,
    onJob: (e) => io.stdout.write(`job ${e.jobId} ${e.event}${e.attempt ? ` (attempt ${e.attempt + 1})` : ''}\n`),
  });
  io.stdout.write(`beatplan worker on ${redactDatabaseUrl(config.databaseUrl)}, ${concurrency} at once\n`);
  const why = await stopRequested;
  io.stdout.write(`stopping (${why}) …\n`);
  await worker.close();
  await store.close();
  io.stdout.write('stopped\n');
  return 0;
}

/** `beatplan alternatives --help`. */
export const ALTERNATIVES_HELP = {
  name: 'alternatives',
  summary: 'plan N alternatives of a stored plan on a running API (its workers), wait, and print the comparison with the Pareto set',
  details:
    'POST /plans/{id}/alternatives, then GET /plans/{id}/alternatives/{setId} once every job ended. Columns: max/mean workload, mean Polsby-Popper, share of the workload whose beat differs from the parent, city mean response minutes; * marks the Pareto set. The token comes from --token or BEATPLAN_TOKEN. An alternative that did not succeed is a warning on stderr (exit 3 with --strict).',
  options: {
    api: { type: 'string', value: 'URL', required: true, description: 'The API, e.g. http://127.0.0.1:8080' },
    plan: { type: 'string', value: 'ID', required: true, description: 'The parent plan id.' },
    token: { type: 'string', value: 'TOKEN', description: 'An analyst token (env BEATPLAN_TOKEN).' },
    count: { type: 'string', value: 'N', description: 'Alternatives, 1-50.', default: '6' },
    seed: { type: 'string', value: 'S', description: 'Seed of the first alternative (alternative i: S + i).', default: '1' },
    json: { type: 'string', value: 'FILE', description: "Also write the comparison (the API's JSON) to FILE." },
    strict: { type: 'boolean', description: 'Exit 3 when an alternative did not succeed.' },
  },
} as const;

/**
 * `beatplan alternatives`: starts alternatives of a plan through a running API, waits for their
 * jobs and prints the comparison table. Exit 2 on a refused request, 1 when the API is
 * unreachable, 3 under `--strict` when an alternative failed.
 * @throws BeatplanError BAD_INPUT (exit 2) without --api, --plan or a token; an unknown flag is
 * the `parseArgs` error the CLI also reports as exit 2
 */
export async function alternativesCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, ALTERNATIVES_HELP.options);
  const token = values.token ?? process.env.BEATPLAN_TOKEN;
  if (!values.api || !values.plan || !token) {
    throw new BeatplanError('BAD_INPUT', 'alternatives needs --api URL, --plan ID and a token (--token or BEATPLAN_TOKEN)', {
      field: values.api ? (values.plan ? '--token' : '--plan') : '--api',
    });
  }
  const base = `${values.api.replace(/\/+$/, '')}/api/v1`;
  const call = async (method: string, path: string, body?: object) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, body: (await r.json()) as AnswerBody };
  };
  let set: { status: number; body: AnswerBody };
  try {
    set = await call('POST', `/plans/${encodeURIComponent(values.plan)}/alternatives`, {
      count: Number(values.count ?? 6),
      seed: Number(values.seed ?? 1),
    });
  } catch (e) {
    io.stderr.write(`beatplan: the API at ${values.api} did not answer: ${(e as Error).message}\n`);
    return 1;
  }
  if (set.status !== 202) {
    io.stderr.write(`beatplan: POST /plans/${values.plan}/alternatives: ${set.status} ${set.body.code ?? ''} ${set.body.detail ?? ''}\n`);
    return 2;
  }
  const count = (set.body.members ?? []).length;
  io.stderr.write(`alternatives ${set.body.id}: ${count} jobs\n`);
  let comparison: AnswerBody;
  for (;;) {
    comparison = (await call('GET', `/plans/${values.plan}/alternatives/${set.body.id}`)).body;
    if (comparison.finished === count) break;
    await new Promise((ok) => setTimeout(ok, 1000));
  }
  const f = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d));
  io.stdout.write('  profile   seed  status     max/mean  PP mean  moved   response  plan\n');
  const rows = comparison.rows ?? [];
  for (const r of rows) {
    io.stdout.write(
      `${r.pareto ? '*' : ' '} ${String(r.profile).padEnd(8)} ${String(r.seed).padStart(5)}  ${String(r.status).padEnd(9)}  ${f(r.maxOverMean, 3).padStart(8)}  ${f(r.polsbyPopperMean, 3).padStart(7)}  ${(r.movedWorkloadShare === null ? '—' : `${(100 * r.movedWorkloadShare).toFixed(1)}%`).padStart(6)}  ${(r.meanResponseMinutes === null ? '—' : `${f(r.meanResponseMinutes, 2)} min`).padStart(8)}  ${r.planId ?? ''}\n`,
    );
  }
  io.stdout.write('* = Pareto set (balance, compactness, change, response)\n');
  if (values.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, `${JSON.stringify(comparison, null, 2)}\n`);
  }
  const failed = rows.filter((r) => r.status !== 'succeeded');
  for (const r of failed)
    io.stderr.write(`warning: alternative ${r.profile} seed ${r.seed} ${r.status}: ${r.error?.code ?? ''} ${r.error?.detail ?? ''}\n`);
  return failed.length && values.strict ? 3 : 0;
}
