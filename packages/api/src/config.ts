/**
 * Server configuration from command-line arguments and environment variables, validated
 * with zod. Arguments win over the environment, which wins over the defaults.
 */
import { parseOptions } from '@beatplan/engine/cli/options';
import { z } from 'zod';

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

/** The configuration schema with its defaults. */
export const ConfigSchema = z.object({
  /** TCP port; 0 picks a free one. */
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on; loopback by default. */
  host: z.string().min(1).default('127.0.0.1'),
  /**
   * Folder of the SQLite file and the stored files; with `databaseUrl`, only this
   * instance's upload staging area and blob cache.
   */
  dataDir: z.string().min(1).default('beatplan-data'),
  /**
   * PostgreSQL URL (`postgres://user:password@host:5432/db`): keep everything in PostgreSQL
   * so that several API instances can share it. Unset: SQLite under `dataDir`.
   */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Origins allowed by CORS; none (CORS off) by default. */
  corsOrigins: list.default([]),
  /** Largest JSON request body (bytes syntax of `express.json`). */
  jsonLimit: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i)
    .default('1mb'),
  /** Largest uploaded file in bytes. Default 512 MiB. */
  uploadLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** Requests per minute per client address. */
  rateLimitPerMinute: z.coerce.number().int().positive().default(1200),
  /** Jobs (worker threads) running at once in this process; 0 with PostgreSQL: accept jobs only, `beatplan worker`s run them. */
  jobConcurrency: z.coerce.number().int().min(0).max(16).default(1),
  /** Grid + score contexts (rebuilt from a plan's datasets for its cells.csv) kept in memory by each compute worker. */
  contextCacheSize: z.coerce.number().int().min(1).max(64).default(4),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Express `trust proxy` (hops), for rate limiting behind a reverse proxy. */
  trustProxy: z.coerce.number().int().min(0).max(10).default(0),
  /** Folder of the built planning map (`packages/map-ui/dist`) served at `/`; none: no map. */
  uiDir: z.string().min(1).optional(),
  /**
   * Small-count threshold of the views meant for the public (viewer tokens): incidents are
   * shown only in areas holding at least this many (cells pooled up the H3 hierarchy).
   */
  privacyK: z.coerce.number().int().min(2).max(1000).default(5),
  /**
   * Basemap drawn under the beats: a MapLibre style URL, a raster tile URL template
   * (`…/{z}/{x}/{y}.png`), or a local `.pmtiles` file the API serves to the map. None: the
   * map fetches nothing from outside (see `basemap.ts`).
   */
  basemap: z.string().min(1).optional(),
});
/** Validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;
/** Configuration as given (every field optional, strings allowed where coerced). */
export type ConfigInput = z.input<typeof ConfigSchema>;

const ENV: Record<keyof Config, string> = {
  port: 'BEATPLAN_PORT',
  host: 'BEATPLAN_HOST',
  dataDir: 'BEATPLAN_DATA',
  databaseUrl: 'BEATPLAN_DATABASE_URL',
  corsOrigins: 'BEATPLAN_CORS_ORIGINS',
  jsonLimit: 'BEATPLAN_JSON_LIMIT',
  uploadLimitBytes: 'BEATPLAN_UPLOAD_LIMIT_BYTES',
  rateLimitPerMinute: 'BEATPLAN_RATE_LIMIT_PER_MINUTE',
  jobConcurrency: 'BEATPLAN_JOB_CONCURRENCY',
  contextCacheSize: 'BEATPLAN_CONTEXT_CACHE_SIZE',
  logLevel: 'BEATPLAN_LOG_LEVEL',
  trustProxy: 'BEATPLAN_TRUST_PROXY',
  uiDir: 'BEATPLAN_UI_DIR',
  privacyK: 'BEATPLAN_PRIVACY_K',
  basemap: 'BEATPLAN_BASEMAP',
};

/**
 * The `beatplan serve` options parsed by {@link parseConfig}, with their help (the engine CLI's
 * declarative option-table shape: `beatplan serve --help` prints them).
 */
export const CONFIG_OPTIONS = {
  port: { type: 'string', value: 'PORT', description: 'TCP port; 0 picks a free one (env BEATPLAN_PORT).', default: '8080' },
  host: { type: 'string', value: 'HOST', description: 'Interface to listen on (env BEATPLAN_HOST).', default: '127.0.0.1' },
  data: {
    type: 'string',
    value: 'DIR',
    description: 'Folder of the SQLite file and stored files (env BEATPLAN_DATA).',
    default: 'beatplan-data',
  },
  database: {
    type: 'string',
    value: 'postgres://…',
    description: 'PostgreSQL URL: keep everything in PostgreSQL (env BEATPLAN_DATABASE_URL).',
    default: 'SQLite under --data',
  },
  cors: {
    type: 'string',
    value: 'ORIGIN,...',
    description: 'Origins allowed by CORS (env BEATPLAN_CORS_ORIGINS).',
    default: 'none (CORS off)',
  },
  'log-level': {
    type: 'string',
    value: 'LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent (env BEATPLAN_LOG_LEVEL).',
    default: 'info',
  },
  'job-concurrency': {
    type: 'string',
    value: 'N',
    description:
      'Jobs (worker threads) running at once in this process, 1-16; with --database 0 leaves them to `beatplan worker`s (env BEATPLAN_JOB_CONCURRENCY).',
    default: '1',
  },
  ui: {
    type: 'string',
    value: 'DIR',
    description: 'Built planning map served at / (env BEATPLAN_UI_DIR).',
    default: 'packages/map-ui/dist when built',
  },
  'privacy-k': {
    type: 'string',
    value: 'K',
    description: 'Viewers see incident figures only for areas of at least K incidents (env BEATPLAN_PRIVACY_K).',
    default: '5',
  },
  basemap: {
    type: 'string',
    value: 'URL|FILE.pmtiles',
    description:
      'Basemap under the beats: a MapLibre style URL, a raster tile URL template with {z}/{x}/{y}, or a local .pmtiles file served by the API (env BEATPLAN_BASEMAP).',
    default: 'none: nothing is fetched from outside',
  },
} as const;

/**
 * Parses `beatplan serve` arguments (`--port 8080 --data DIR --database postgres://… --host H
 * --cors a,b --log-level info`) and `BEATPLAN_*` environment variables into a {@link Config}.
 * @throws Error naming each invalid setting; on an unknown flag, the `parseArgs` error (`ERR_PARSE_ARGS_*`)
 * @example parseConfig(['--port', '9000'], process.env).port // 9000
 */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined> = {}): Config {
  const values = parseOptions(argv, CONFIG_OPTIONS);
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  const fromArgs: Record<string, unknown> = {
    port: values.port,
    host: values.host,
    dataDir: values.data,
    databaseUrl: values.database,
    corsOrigins: values.cors,
    logLevel: values['log-level'],
    jobConcurrency: values['job-concurrency'],
    uiDir: values.ui,
    privacyK: values['privacy-k'],
    basemap: values.basemap,
  };
  for (const [k, v] of Object.entries(fromArgs)) if (v !== undefined) raw[k] = v;
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    throw new Error(
      `invalid configuration: ${r.error.issues.map((i) => `${i.path.join('.')} (${ENV[i.path[0] as keyof Config] ?? ''}): ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}
