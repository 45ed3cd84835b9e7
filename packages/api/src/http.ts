/**
 * One declaration per route: method, path, role, zod schemas for params/query/body and the
 * responses. The same declaration registers the Express handler (auth → validation →
 * handler) and feeds the OpenAPI document, so the docs cannot drift from the code.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { assertRole, authenticate, type Principal, principalOf } from './auth.js';
import { ApiError, validationError } from './errors.js';
import type { Role, Store } from './store/store.js';

/** HTTP methods the API uses. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented response of a route. */
export interface ResponseDef {
  description: string;
  /** JSON body schema (ignored for non-JSON media types). */
  schema?: z.ZodType;
  /** Default `application/json`. */
  mediaType?: string;
  /** Response headers, name → description. */
  headers?: Record<string, string>;
  /**
   * Several media types (e.g. JSON, GeoJSON and CSV for an export): media type → body schema
   * (null: no schema, e.g. CSV text). Replaces `schema` and `mediaType` when given.
   */
  content?: Record<string, z.ZodType | null>;
}

/** What a handler receives: validated inputs and the caller. */
export interface HandlerContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  /** Set on every route with a role. */
  principal: Principal;
}

/** A route declaration. */
export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: Method;
  /** Express path relative to `/api/v1`, e.g. `/plans/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Least role allowed; `null` = public (no token). */
  role: Role | null;
  params?: P;
  query?: Q;
  /** JSON request body. */
  body?: B;
  /** A raw, streamed request body (uploads); the handler reads `req` itself. */
  upload?: { mediaTypes: string[]; description: string };
  /** Request headers the route reads. */
  headers?: Array<{ name: string; required: boolean; description: string }>;
  responses: Record<number, ResponseDef>;
  handler(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<void> | void;
}

/** Options of {@link RouteTable}. */
export interface RouteTableOptions {
  store: Store;
  /** Largest JSON body, e.g. `'1mb'`. */
  jsonLimit: string;
}

/**
 * The routes of the API: an Express router and the list of declarations the OpenAPI
 * document is generated from.
 */
export class RouteTable {
  readonly router: Router = express.Router();
  readonly routes: RouteDef[] = [];
  private readonly auth;
  private readonly json;

  constructor(options: RouteTableOptions) {
    this.auth = authenticate(options.store);
    this.json = express.json({ limit: options.jsonLimit, type: ['application/json', 'application/*+json'] });
  }

  /** Declares and registers a route. */
  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(def: RouteDef<P, Q, B>): void {
    this.routes.push(def as unknown as RouteDef);
    const chain: express.RequestHandler[] = [];
    if (def.role) {
      chain.push(this.auth);
      const role = def.role;
      chain.push((_req, res, next) => {
        assertRole(principalOf(res), role);
        next();
      });
    }
    if (def.body) chain.push(this.json);
    chain.push(async (req, res) => {
      const params = parseWith(def.params, req.params, 'params');
      const query = parseWith(def.query ?? NO_QUERY, req.query, 'query');
      let body: unknown;
      if (def.body) {
        if (!req.is(['application/json', 'application/*+json'])) {
          throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json');
        }
        body = parseWith(def.body, req.body, 'body');
      }
      await def.handler({ req, res, params, query, body, principal: principalOf(res)! } as HandlerContext<
        z.output<P>,
        z.output<Q>,
        z.output<B>
      >);
    });
    this.router[def.method](def.path, ...chain);
  }
}

/** The query of a route that takes none: every parameter is unknown. */
const NO_QUERY = z.object({});

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw validationError(r.error, where);
  if (where === 'body' || where === 'query') {
    const unknown: string[] = [];
    unknownKeys(value, r.data, where, unknown);
    if (unknown.length) {
      const errors = unknown.slice(0, 20).map((path) => ({ path, message: 'unknown field' }));
      throw new ApiError('VALIDATION_FAILED', `invalid body: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
    }
  }
  return r.data;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields of a request body that its schema does not know: zod drops them from the parsed
 * value, so every key of the input missing from the output (at the same path) is one. A
 * misspelt option is refused by name instead of silently ignored.
 */
function unknownKeys(input: unknown, output: unknown, path: string, out: string[]): void {
  if (out.length >= 20) return;
  if (isPlainObject(input) && isPlainObject(output)) {
    for (const k of Object.keys(input)) {
      if (!Object.hasOwn(output, k)) out.push(`${path}.${k}`);
      else unknownKeys(input[k], output[k], `${path}.${k}`, out);
    }
  } else if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
    for (let i = 0; i < input.length; i++) unknownKeys(input[i], output[i], `${path}.${i}`, out);
  }
}

/** `?limit=&cursor=` of a list, as parsed by `PageQuery`. */
export interface PageParams {
  limit: number;
  cursor?: string | undefined;
}

/** One page of a list: the items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A cursor: the key of the last item of the page, base64url (opaque to clients). */
const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/**
 * Cuts one page out of a list in its stable order (oldest first, or newest first for jobs):
 * the items after the one whose key the cursor names, at most `limit`. Sets a
 * `Link: <…>; rel="next"` header (RFC 8288) when there is a next page.
 * @param all the whole list, in the order pages walk it
 * @param keyOf a key unique in the list (e.g. the id, or the version number)
 * @throws ApiError 400 `VALIDATION_FAILED` (`query.cursor`) when the cursor names no item of the list
 * @example res.json(pageOf(await store.listPlans(), (p) => p.id, query, req, res))
 */
export function pageOf<T>(all: readonly T[], keyOf: (item: T) => string, page: PageParams, req: Request, res: Response): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    const key = Buffer.from(page.cursor, 'base64url').toString('utf8');
    const at = all.findIndex((x) => keyOf(x) === key);
    if (at < 0) {
      throw new ApiError('VALIDATION_FAILED', 'query.cursor: names no item of this list; start again without a cursor', {
        errors: [{ path: 'query.cursor', message: 'names no item of this list' }],
      });
    }
    start = at + 1;
  }
  const items = all.slice(start, start + page.limit);
  const next = start + page.limit < all.length && items.length ? encodeCursor(keyOf(items[items.length - 1]!)) : null;
  if (next) {
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('cursor', next);
    url.searchParams.set('limit', String(page.limit));
    res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return { items, next };
}
