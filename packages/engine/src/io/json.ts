/**
 * Whole-file JSON for GeoJSON inputs: size guard, syntax errors with line and column, and
 * the coordinate reference system check.
 */
import type { GeoJSON } from 'geojson';
import { BeatplanError } from '../errors.js';
import { readSourceText, type TextSource } from './source.js';

/** Largest GeoJSON file read whole: 512 MB (a JS string cannot be much longer). */
export const DEFAULT_MAX_JSON_BYTES = 512_000_000;

/** A GeoJSON input: anything a {@link TextSource} is, or an already parsed GeoJSON object. */
export type GeoJsonSource = TextSource | GeoJSON;

/** Options shared by the GeoJSON readers. */
export interface JsonReadOptions {
  /** Name used in messages (default: the path, when the source is a path). */
  fileName?: string;
  /** Largest file accepted, in bytes (default 512 MB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

function isParsedGeoJson(source: GeoJsonSource): source is GeoJSON {
  return (
    typeof source === 'object' &&
    source !== null &&
    !(source instanceof URL) &&
    !(source instanceof Uint8Array) &&
    typeof (source as { type?: unknown }).type === 'string' &&
    typeof (source as { pipe?: unknown }).pipe !== 'function'
  );
}

/**
 * Offset of the first JSON syntax error in `s` (or −1 if there is none): a small scanner
 * that only runs after `JSON.parse` failed, because V8 does not always say where.
 */
export function jsonErrorOffset(s: string): number {
  const n = s.length;
  let i = 0;
  const ws = (): void => {
    for (let c = s.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = s.charCodeAt(++i));
  };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const num = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): boolean => {
    ws();
    const c = s[i];
    if (c === '{') {
      i++;
      ws();
      if (s[i] === '}') return (i++, true);
      for (;;) {
        ws();
        if (s[i] !== '"' || !str()) return false;
        ws();
        if (s[i] !== ':') return false;
        i++;
        if (!value()) return false;
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === '}') return (i++, true);
        else return false;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (s[i] === ']') return (i++, true);
      for (;;) {
        if (!value()) return false;
        ws();
        if (s[i] === ',') i++;
        else if (s[i] === ']') return (i++, true);
        else return false;
      }
    }
    if (c === '"') return str();
    for (const word of ['true', 'false', 'null']) {
      if (s.startsWith(word, i)) return ((i += word.length), true);
    }
    num.lastIndex = i;
    if (num.test(s)) return ((i = num.lastIndex), true);
    return false;
  };
  try {
    if (!value()) return Math.min(i, n);
    ws();
    return i < n ? i : -1;
  } catch {
    return -1; // nesting too deep for the scanner
  }
}

/**
 * `JSON.parse` with a useful error.
 * @throws {BeatplanError} `PARSE_ERROR` naming the file, line and column; "file is empty"
 *   for an empty or blank text.
 */
export function parseJsonText(text: string, file: string | undefined): unknown {
  if (text.trim() === '') throw new BeatplanError('PARSE_ERROR', 'file is empty', { file });
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    let pos = m ? Number(m[1]) : jsonErrorOffset(text);
    if (pos < 0) pos = text.length;
    let line = 1;
    let lineStart = 0;
    for (let k = text.indexOf('\n'); k !== -1 && k < pos; k = text.indexOf('\n', k + 1)) {
      line++;
      lineStart = k + 1;
    }
    const column = pos - lineStart + 1;
    const near = text.slice(Math.max(0, pos - 20), pos + 20).replace(/\s+/g, ' ');
    throw new BeatplanError(
      'PARSE_ERROR',
      `invalid JSON at line ${line}, column ${column} (character ${pos}) near ${JSON.stringify(near)}`,
      { file, line, column, position: pos },
      { cause: e },
    );
  }
}

const LON_LAT_CRS = /(CRS84|CRS:84|EPSG:?:?4326|EPSG:?:?4269|EPSG:?:?4258)$/i;

/**
 * Refuses a GeoJSON whose legacy `crs` member names a projected system (e.g. Illinois State
 * Plane, EPSG:3435): Beatplan reads WGS84 `[lng, lat]` degrees only.
 * @throws {BeatplanError} `INVALID_GEOMETRY` naming the file and the declared CRS.
 */
export function checkCrs(geojson: unknown, file: string | undefined): void {
  const crs = (geojson as { crs?: { properties?: { name?: unknown } } } | null)?.crs;
  const name = crs?.properties?.name;
  if (typeof name === 'string' && !LON_LAT_CRS.test(name.trim())) {
    throw new BeatplanError(
      'INVALID_GEOMETRY',
      'the file declares a coordinate system other than WGS84 longitude/latitude; reproject it to EPSG:4326',
      { file, field: 'crs', value: name },
    );
  }
}

/**
 * Reads a GeoJSON source into a parsed value (no structural checks yet). A parsed object is
 * returned as is.
 * @throws {BeatplanError} `PARSE_ERROR` (empty, invalid JSON), `BAD_INPUT` (too large,
 *   unreadable), `INVALID_GEOMETRY` (projected `crs`), `ABORTED`.
 */
export async function readJson(source: GeoJsonSource, opts: JsonReadOptions = {}): Promise<{ value: unknown; file: string | undefined }> {
  let value: unknown;
  let file: string | undefined;
  if (isParsedGeoJson(source)) {
    value = source;
    file = opts.fileName;
  } else {
    const read = await readSourceText(source, {
      fileName: opts.fileName,
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_JSON_BYTES,
      signal: opts.signal,
    });
    file = read.file;
    value = parseJsonText(read.text, file);
  }
  checkCrs(value, file);
  return { value, file };
}
