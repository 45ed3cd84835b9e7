/**
 * One declaration per route: method, path, role, zod schemas for params/query/body and the
 * responses. The same declaration registers the Express handler (auth → validation →
 * handler) and feeds the OpenAPI document, so the docs cannot drift from the code.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { z } from 'zod';
import { assertRole, authenticate, principalOf, type Principal } from './auth.js';
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
      const query = parseWith(def.query, req.query, 'query');
      let body: unknown;
      if (def.body) {
        if (!req.is(['application/json', 'application/*+json'])) {
          throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json');
        }
        body = parseWith(def.body, req.body, 'body');
      }
      await def.handler({ req, res, params, query, body, principal: principalOf(res)! } as HandlerContext<z.output<P>, z.output<Q>, z.output<B>>);
    });
    this.router[def.method](def.path, ...chain);
  }
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw validationError(r.error, where);
  if (where === 'body') {
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
