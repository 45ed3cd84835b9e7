/**
 * The API's one error shape: `application/problem+json` (RFC 9457) with a stable `code`.
 * Engine error codes are mapped to HTTP statuses here and nowhere else.
 */

import { BeatplanError, type BeatplanErrorCode } from '@beatplan/engine';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';

/** Stable codes of errors the API raises itself (engine codes pass through unchanged). */
export type ApiErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'NOT_IMPLEMENTED'
  | 'JOB_NOT_FINISHED'
  | 'INTERNAL';

/** A field-level validation problem: `path` is a JSON-pointer-like dotted path (`body.beats`). */
export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem document as the API sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** HTTP status of every API error code. */
const API_STATUS: Record<ApiErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  NOT_IMPLEMENTED: 501,
  JOB_NOT_FINISHED: 409,
  INTERNAL: 500,
};

/**
 * HTTP status of every engine error code — the one place the mapping lives.
 * Input problems are 422 (the request was well-formed but its content is unusable), a
 * rejected move is 409 (it conflicts with the plan's contiguity or a locked beat).
 */
export const ENGINE_STATUS: Record<BeatplanErrorCode, number> = {
  BAD_INPUT: 422,
  INVALID_GEOMETRY: 422,
  PARSE_ERROR: 422,
  MISSING_FIELD: 422,
  EMPTY_GRID: 422,
  GRID_TOO_LARGE: 422,
  PLAN_GRID_MISMATCH: 422,
  UNSUPPORTED_FORMAT: 422,
  INFEASIBLE: 422,
  MOVE_REJECTED: 409,
  SOLVER_FAILED: 500,
  SOLVER_TIMEOUT: 504,
  ABORTED: 499,
  INTERNAL: 500,
};

/** An engine error as the API reads it. */
export interface EngineErrorLike {
  code: string;
  message: string;
  isInputError: boolean;
  details: { field?: string; row?: number; file?: string };
}

/** True for a `BeatplanError` from the engine. */
export function isEngineError(e: unknown): e is EngineErrorLike {
  return e instanceof BeatplanError;
}

/** Status for an engine code, 500 for a code the table does not know yet. */
export function statusOfEngineCode(code: string): number {
  return (ENGINE_STATUS as Record<string, number>)[code] ?? 500;
}

/**
 * An error the API raises on purpose. Thrown inside handlers; the error middleware turns it
 * into problem+json.
 * @example throw new ApiError('NOT_FOUND', `plan ${id} does not exist`);
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(code: ApiErrorCode, detail: string, extra: { errors?: FieldError[]; headers?: Record<string, string> } = {}) {
    super(detail);
    this.code = code;
    this.status = API_STATUS[code];
    if (extra.errors) this.errors = extra.errors;
    if (extra.headers) this.headers = extra.headers;
  }
}

/** Field errors of a zod failure, paths prefixed by where the value came from (`body`, `query`, `params`). */
export function zodFieldErrors(error: z.ZodError, where: string): FieldError[] {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/** A 400 naming every invalid field. */
export function validationError(error: z.ZodError, where: string): ApiError {
  const errors = zodFieldErrors(error, where);
  return new ApiError('VALIDATION_FAILED', `invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
}

/**
 * Turns any thrown value into a problem document. Only `ApiError`, `BeatplanError` and a few
 * well-known framework errors keep their message; anything else becomes a generic 500 whose
 * detail never includes a message or stack from inside the server.
 */
export function toProblem(err: unknown, instance: string): Problem {
  if (err instanceof ApiError) {
    return problem(err.status, err.code, err.message, instance, err.errors);
  }
  if (isEngineError(err)) {
    const be = err;
    const p = problem(statusOfEngineCode(be.code), be.code, be.message, instance);
    const { field, row, file } = be.details;
    // a field of a file is `<file>.row <n>.<field>`; a field with no file or row is a request field: `body.<field>`
    if (field !== undefined || row !== undefined) {
      const where = file ?? (row === undefined ? 'body' : undefined);
      p.errors = [
        {
          path: [where, row !== undefined ? `row ${row}` : undefined, field].filter((x) => x !== undefined).join('.'),
          message: be.message,
        },
      ];
    }
    return p;
  }
  const e = err as { type?: string; status?: number; statusCode?: number };
  // body-parser errors (express.json)
  if (e && e.type === 'entity.too.large') return problem(413, 'PAYLOAD_TOO_LARGE', 'request body is larger than the limit', instance);
  if (e && e.type === 'entity.parse.failed') {
    return problem(400, 'VALIDATION_FAILED', 'request body is not valid JSON', instance, [{ path: 'body', message: 'not valid JSON' }]);
  }
  if (e && (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')) {
    return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding', instance);
  }
  // the router could not decode a path parameter (malformed percent-encoding)
  if (err instanceof URIError) {
    return problem(400, 'VALIDATION_FAILED', 'the URL holds malformed percent-encoding', instance, [
      { path: 'path', message: 'malformed percent-encoding' },
    ]);
  }
  return problem(500, 'INTERNAL', 'an unexpected error occurred; the request id identifies it in the server log', instance);
}

/** Builds a problem document. */
export function problem(status: number, code: string, detail: string, instance: string, errors?: FieldError[]): Problem {
  const p: Problem = {
    type: `https://beatplan.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    instance,
  };
  if (errors?.length) p.errors = errors;
  return p;
}

/** Sends a problem document with the right content type. */
export function sendProblem(res: Parameters<RequestHandler>[1], p: Problem): void {
  res.status(p.status).type('application/problem+json').send(JSON.stringify(p));
}

/** 404 for every path no route matched. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError('NOT_FOUND', `no resource at ${req.method} ${req.path}`));
};

/**
 * The error middleware: logs (with the stack, server side only) and answers problem+json.
 * 5xx are logged at error level, 4xx at debug.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const p = toProblem(err, req.originalUrl);
  const log = (req as { log?: { error: (o: object, m: string) => void; debug: (o: object, m: string) => void } }).log;
  if (p.status >= 500) log?.error({ err, code: p.code }, 'request failed');
  else log?.debug({ code: p.code, detail: p.detail }, 'request rejected');
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof ApiError && err.headers) for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  sendProblem(res, p);
};
