/**
 * The one error type of `@beatplan/engine`.
 *
 * Every failure the engine reports on purpose is a {@link BeatplanError} with a stable
 * string {@link BeatplanErrorCode}. Callers branch on `code`, never on `message`; the API maps
 * codes to HTTP statuses in one place and the CLI maps `BAD_INPUT`-class codes to exit code 2.
 * The offending value (file, row, field, value) travels in `details` and is named in `message`.
 *
 * @example
 * try { buildGrid(geojson) } catch (e) {
 *   if (e instanceof BeatplanError && e.code === 'INVALID_GEOMETRY') console.error(e.message);
 * }
 */
export type BeatplanErrorCode =
  /** The input is not what the function accepts (wrong type, out of range, unknown option). */
  | 'BAD_INPUT'
  /** A GeoJSON geometry is missing, of the wrong type, unclosed, self-intersecting or empty. */
  | 'INVALID_GEOMETRY'
  /** A file could not be parsed at all (not JSON, not CSV, empty, header only). */
  | 'PARSE_ERROR'
  /** A CSV/GeoJSON column or property that the mapping names does not exist. */
  | 'MISSING_FIELD'
  /** The boundary yields no H3 cell at the chosen resolution, or too many to plan. */
  | 'EMPTY_GRID'
  | 'GRID_TOO_LARGE'
  /** A plan does not fit the grid it is applied to (other resolution or other cells). */
  | 'PLAN_GRID_MISMATCH'
  /** A plan file has an unknown or unsupported `format`. */
  | 'UNSUPPORTED_FORMAT'
  /** The problem has no solution under the given constraints (e.g. more beats than cells). */
  | 'INFEASIBLE'
  /** A solver failed, returned a non-integral or infeasible answer, or exceeded its limits. */
  | 'SOLVER_FAILED'
  | 'SOLVER_TIMEOUT'
  /** A move would break a beat's contiguity or touches a locked beat. */
  | 'MOVE_REJECTED'
  /** The caller's AbortSignal fired. */
  | 'ABORTED'
  /** A bug: an invariant of the engine itself does not hold. */
  | 'INTERNAL';

/** Codes that mean "the caller's input is wrong" (CLI exit code 2, HTTP 4xx). */
export const INPUT_ERROR_CODES: ReadonlySet<BeatplanErrorCode> = new Set<BeatplanErrorCode>([
  'BAD_INPUT',
  'INVALID_GEOMETRY',
  'PARSE_ERROR',
  'MISSING_FIELD',
  'EMPTY_GRID',
  'GRID_TOO_LARGE',
  'PLAN_GRID_MISMATCH',
  'UNSUPPORTED_FORMAT',
  'MOVE_REJECTED',
]);

/** Where in an input a problem sits; every field optional, named in the message when present. */
export interface ErrorLocation {
  file?: string;
  /** 1-based data row (CSV: the header is row 1, the first record row 2) or feature index. */
  row?: number;
  field?: string;
  value?: unknown;
}

export class BeatplanError extends Error {
  override readonly name = 'BeatplanError';
  readonly code: BeatplanErrorCode;
  readonly details: ErrorLocation & Record<string, unknown>;

  constructor(
    code: BeatplanErrorCode,
    message: string,
    details: ErrorLocation & Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(formatMessage(message, details), options);
    this.code = code;
    this.details = details;
  }

  /** True when the error is the caller's input (exit code 2 / HTTP 4xx). */
  get isInputError(): boolean {
    return INPUT_ERROR_CODES.has(this.code);
  }
}

function formatMessage(message: string, d: ErrorLocation): string {
  const where: string[] = [];
  if (d.file !== undefined) where.push(`file ${d.file}`);
  if (d.row !== undefined) where.push(`row ${d.row}`);
  if (d.field !== undefined) where.push(`field "${d.field}"`);
  if (d.value !== undefined) where.push(`value ${preview(d.value)}`);
  return where.length ? `${message} (${where.join(', ')})` : message;
}

function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    try {
      s = String(v);
    } catch {
      s = Array.isArray(v) ? '[…]' : typeof v; // nested too deeply for JSON.stringify and join
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Throws `ABORTED` when the signal has fired. Call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BeatplanError('ABORTED', 'operation aborted');
}

/** Progress callback: `fraction` in [0, 1] of the named stage. */
export type ProgressFn = (fraction: number, stage: string) => void;
