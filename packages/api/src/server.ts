/**
 * Server entry: `startServer({ port, dataDir, databaseUrl? })` opens the store (PostgreSQL
 * when `databaseUrl` is set, else SQLite under `dataDir`), builds the app and listens. Run
 * directly (`node --conditions=source --import tsx packages/api/src/server.ts --port 8080
 * --data DIR [--database postgres://…]`) it parses arguments and `BEATPLAN_*` variables,
 * and stops cleanly on SIGINT/SIGTERM.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { type BeatplanApp, createApp } from './app.js';
import { createToken } from './auth.js';
import { type ConfigInput, ConfigSchema, parseConfig } from './config.js';
import type { BlobSweepOptions, BlobSweepReport } from './store/blob-sweep.js';
import { openStore, redactDatabaseUrl } from './store/open-store.js';
import type { Store } from './store/store.js';

/** A running server. */
export interface RunningServer {
  server: Server;
  app: BeatplanApp;
  /** The store: a `SqliteStore`, or a `PostgresStore` with `databaseUrl`. */
  store: Store;
  /** The URL it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** The admin token created at start-up (only with `bootstrapToken` on an empty store). */
  bootstrapToken?: string;
  /**
   * The orphan-blob sweep started in the background once the server listens (never delays
   * readiness; logged when done): its report, or undefined when it failed (logged), was
   * stopped by `stop()` before it began, or was turned off (`blobSweep: false`).
   */
  blobSweep: Promise<BlobSweepReport | undefined>;
  /** Stops accepting requests, stops the jobs, closes the database. */
  stop(): Promise<void>;
}

/** Options of {@link startServer} besides the configuration. */
export interface StartOptions {
  /**
   * When the store has no live token yet, create an admin token and return it in
   * `bootstrapToken` (for local use: `pnpm start` prints it). Default false.
   */
  bootstrapToken?: boolean;
  /**
   * Write the log (request lines included) to this file instead of stdout (created with its
   * folder, appended to). `beatplan serve` uses `<data>/server.log` unless `--verbose`.
   */
  logFile?: string;
  /**
   * Options of the orphan-blob sweep run in the background at start-up
   * ({@link Store.sweepOrphanBlobs}; default grace period 1 hour), or false for none.
   */
  blobSweep?: Omit<BlobSweepOptions, 'signal'> | false;
}

/**
 * Starts the API on `config.port` with its data under `config.dataDir`.
 * @example const s = await startServer({ port: 0, dataDir: '/tmp/bp' }); console.log(s.url); await s.stop();
 */
export async function startServer(input: ConfigInput = {}, options: StartOptions = {}): Promise<RunningServer> {
  const config = ConfigSchema.parse(input);
  const logger = options.logFile
    ? pino(
        { level: config.logLevel, base: { service: 'beatplan-api' } },
        pino.destination({ dest: options.logFile, mkdir: true, sync: true }),
      )
    : pino({ level: config.logLevel, base: { service: 'beatplan-api' } });
  const store = await openStore(config);
  let app: BeatplanApp;
  try {
    app = await createApp({ store, config, logger });
  } catch (err) {
    await store.close();
    throw err;
  }
  let bootstrapToken: string | undefined;
  if (options.bootstrapToken && !(await store.listTokens()).some((t) => !t.revokedAt)) {
    bootstrapToken = (await createToken(store, 'admin', 'local bootstrap (created at first start)')).token;
  }
  const server = await new Promise<Server>((ok, fail) => {
    const s = app.app.listen(config.port, config.host, () => ok(s));
    s.once('error', fail);
  });
  server.requestTimeout = 0; // uploads and event streams may be long; idle sockets still time out
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const storeInfo = config.databaseUrl ? { store: 'postgres', database: redactDatabaseUrl(config.databaseUrl) } : { store: 'sqlite' };
  logger.info({ url, dataDir: resolve(config.dataDir), ...storeInfo }, 'beatplan api listening');
  // blobs older versions' deletes left behind, deleted in the background (stop() ends it first)
  const sweepStop = new AbortController();
  const blobSweep =
    options.blobSweep === false
      ? Promise.resolve(undefined)
      : store.sweepOrphanBlobs({ ...options.blobSweep, signal: sweepStop.signal }).then(
          (report) => {
            if (report.deleted || report.aborted) logger.info(report, 'orphan blobs swept');
            return report;
          },
          (err: unknown) => {
            if (!sweepStop.signal.aborted) logger.warn({ err }, 'orphan blob sweep failed; the next start tries again');
            return undefined;
          },
        );
  return {
    server,
    app,
    store,
    url,
    blobSweep,
    ...(bootstrapToken ? { bootstrapToken } : {}),
    stop: async () => {
      sweepStop.abort();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      });
      await blobSweep;
      await app.close();
      await store.close();
    },
  };
}

/**
 * Resolves when the process should stop: on SIGINT or SIGTERM, or when the process that
 * started it goes away. The last one matters under `pnpm beatplan serve`: pnpm runs the server
 * through `sh -c`, and a SIGTERM sent to pnpm alone ends pnpm and the shell but does not reach
 * node, which would go on serving as an orphan. So the parent pid is checked every
 * `pollMs` (default 500): once the process has been re-parented, it stops as on SIGTERM.
 * @returns the reason: the signal name or `'parent exited'`
 * @example await untilStopRequested(); await running.stop();
 */
export function untilStopRequested(pollMs = 500): Promise<'SIGINT' | 'SIGTERM' | 'parent exited'> {
  return new Promise((done) => {
    const parent = process.ppid;
    const finish = (why: 'SIGINT' | 'SIGTERM' | 'parent exited') => {
      clearInterval(watch);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(why);
    };
    const onInt = () => finish('SIGINT');
    const onTerm = () => finish('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    const watch = setInterval(() => {
      if (process.ppid !== parent) finish('parent exited');
    }, pollMs);
    watch.unref();
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = parseConfig(process.argv.slice(2), process.env);
  const running = await startServer(config, { bootstrapToken: true });
  if (running.bootstrapToken) {
    process.stderr.write(
      `\nbeatplan: no token existed, so an admin token was created for local use (shown once):\n  ${running.bootstrapToken}\n  try: curl -H "Authorization: Bearer ${running.bootstrapToken}" ${running.url}/api/v1/me\n\n`,
    );
  }
  await untilStopRequested();
  await running.stop();
  process.exit(0);
}
