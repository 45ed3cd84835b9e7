/**
 * `createApp`: the Express application of the Beatplan API, without listening. Everything
 * it needs comes in through {@link AppDeps}, so tests build one per case on a temp folder.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import compression from 'compression';
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import { type Logger, pino } from 'pino';
import type { AppContext } from './app-context.js';
import { principalOf } from './auth.js';
import { basemapRoutes } from './basemap.js';
import { type ConfigInput, ConfigSchema } from './config.js';
import { PlanGridCache } from './context-cache.js';
import { ApiError, errorHandler, notFoundHandler } from './errors.js';
import { RouteTable } from './http.js';
import { ComputePool } from './jobs/compute-pool.js';
import { openJobQueue } from './jobs/job-queue.js';
import { buildOpenApi, DOCS_ASSETS, DOCS_INIT_JS, renderDocsHtml } from './openapi.js';
import { PlanVersionCache } from './plan-access.js';
import { alternativeRoutes } from './routes/alternatives.js';
import { datasetRoutes } from './routes/datasets.js';
import { jobRoutes } from './routes/jobs.js';
import { planAdminRoutes } from './routes/plan-admin.js';
import { planAnalysisRoutes } from './routes/plan-analysis.js';
import { planRoutes } from './routes/plans.js';
import { referenceRoutes } from './routes/reference.js';
import { tokenRoutes } from './routes/tokens.js';
import { HealthSchema } from './schemas.js';
import { securityHeaders } from './security-headers.js';
import type { Store } from './store/store.js';

/** What {@link createApp} needs. */
export interface AppDeps {
  /** Persistence (e.g. `new SqliteStore(dataDir)`); the caller closes it. */
  store: Store;
  /** Configuration; defaults as in {@link ConfigSchema}. */
  config?: ConfigInput;
  /** Logger; default pino at `config.logLevel` on stdout. */
  logger?: Logger;
}

/** What {@link createApp} returns. */
export interface BeatplanApp {
  app: Express;
  context: AppContext;
  /** Stops the job workers (their jobs are marked failed). Does not close the store. */
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the API: security headers, request ids and logs, CORS (only for configured
 * origins), rate limiting, the `/api/v1` routes, OpenAPI and docs, problem+json errors.
 * Jobs left `queued`/`running` by a previous process are marked failed first.
 *
 * @example
 * const { app, close } = await createApp({ store: new SqliteStore(dir) });
 * app.listen(8080);
 */
export async function createApp(deps: AppDeps): Promise<BeatplanApp> {
  const config = ConfigSchema.parse(deps.config ?? {});
  const log = deps.logger ?? pino({ level: config.logLevel, base: { service: 'beatplan-api' } });
  const { store } = deps;
  const interrupted = await store.failInterruptedJobs(new Date().toISOString());
  if (interrupted) log.warn({ interrupted }, 'jobs interrupted by the previous shutdown were marked failed');
  // SQLite: worker threads of this process; PostgreSQL (--database): the shared pg-boss queue
  const runner = await openJobQueue({ store, log, databaseUrl: config.databaseUrl, concurrency: config.jobConcurrency });
  const compute = new ComputePool({ log, contextCacheSize: config.contextCacheSize });
  const context: AppContext = {
    store,
    config,
    runner,
    compute,
    plans: new PlanGridCache(),
    versions: new PlanVersionCache(),
    log,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);
  // gzip/deflate for JSON, CSV, GeoJSON and the map's JavaScript (the 40k-cell answers and
  // the ~1.4 MB bundle shrink several-fold); never for event streams, which must flush each event
  app.use(
    compression({
      filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
    }),
  );

  // Request id + structured access log.
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', id);
    const child = log.child({ reqId: id });
    (req as unknown as { log: Logger }).log = child;
    const t0 = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      child.info(
        { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10, role: principalOf(res)?.role },
        'request',
      );
    });
    next();
  });
  // Helmet with the map's Content-Security-Policy (the basemap's origins; see security-headers.ts)
  app.use(securityHeaders(config.basemap, log).middleware);
  if (config.corsOrigins.length) {
    const allowed = new Set(config.corsOrigins);
    app.use((req, res, next) => {
      const origin = req.get('origin');
      if (origin && allowed.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', 'ETag, Location, X-Request-Id');
        if (req.method === 'OPTIONS') {
          res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
          res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-Match, X-Request-Id');
          res.setHeader('Access-Control-Max-Age', '600');
          res.status(204).end();
          return;
        }
      }
      next();
    });
  }
  app.use(
    '/api',
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) =>
        next(new ApiError('RATE_LIMITED', `more than ${config.rateLimitPerMinute} requests per minute; slow down`)),
    }),
  );

  const table = new RouteTable({ store, jsonLimit: config.jsonLimit });
  table.add({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness and version',
    tag: 'meta',
    role: null,
    responses: { 200: { description: 'OK', schema: HealthSchema } },
    handler: ({ res }) => {
      res.json({ status: 'ok', version: VERSION });
    },
  });
  tokenRoutes(table, context);
  datasetRoutes(table, context);
  jobRoutes(table, context);
  const { submitPlan } = planRoutes(table, context);
  alternativeRoutes(table, context, submitPlan);
  planAnalysisRoutes(table, context);
  planAdminRoutes(table, context);
  referenceRoutes(table, context);

  let docJson = '';
  let docsHtml = '';
  table.add({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    description: 'The machine-readable contract, generated from the same zod schemas that validate every request.',
    tag: 'meta',
    role: null,
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': null } } },
    handler: ({ res }) => {
      res.type('application/json').send(docJson);
    },
  });
  table.add({
    method: 'get',
    path: '/docs',
    operationId: 'getDocs',
    summary: 'Human-readable API documentation',
    description: 'Swagger UI on this document, served from the package (no CDN, works offline).',
    tag: 'meta',
    role: null,
    responses: { 200: { description: 'HTML', content: { 'text/html': null } } },
    handler: ({ res }) => {
      res.type('text/html').send(docsHtml);
    },
  });
  // Swagger UI's files, straight from the package (only these names; immutable per version)
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
    table.router.get(`${DOCS_ASSETS.slice('/api/v1'.length)}/${file}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(join(swaggerDir, file), { dotfiles: 'allow' }); // pnpm's store path holds `.pnpm`
    });
  }
  table.router.get(`${DOCS_ASSETS.slice('/api/v1'.length)}/init.js`, (_req, res) => {
    res.type('text/javascript').send(DOCS_INIT_JS);
  });
  const doc = buildOpenApi(table.routes, VERSION);
  docsHtml = renderDocsHtml(doc);
  docJson = JSON.stringify(doc);

  app.use('/api/v1', table.router);
  basemapRoutes(app, config.basemap);
  if (config.uiDir) {
    // The planning map: static files only, from one configured folder (no request path
    // reaches any other part of the file system); unknown paths outside /api get index.html.
    const root = resolve(config.uiDir);
    app.use(express.static(root, { index: 'index.html', fallthrough: true }));
    app.get(/^\/(?!api\/).*/, (_req, res, next) =>
      existsSync(join(root, 'index.html')) ? res.sendFile(join(root, 'index.html')) : next(),
    );
  }
  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    context,
    close: async () => {
      await Promise.all([runner.close(), compute.close()]);
    },
  };
}
