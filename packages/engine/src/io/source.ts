/**
 * Loose input accepted once at the edge (path, URL, bytes, stream, inline text) and turned
 * into one strict thing inside: a byte stream with a name for messages.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BeatplanError, throwIfAborted } from '../errors.js';

/**
 * Where an input file comes from:
 * - `string`: a **file path** (never file contents; wrap contents as `{ text }`);
 * - `URL`: a `file:` URL;
 * - `Uint8Array` / `Buffer`: the file's bytes (UTF-8);
 * - `Readable`: a Node stream of the file's bytes or text;
 * - `{ text }`: the file's contents as a string (e.g. an HTTP request body).
 */
export type TextSource = string | URL | Uint8Array | Readable | { readonly text: string };

/** A source opened for reading. */
export interface OpenedSource {
  readonly stream: Readable;
  /** Total size when known (files, bytes, text), for progress. */
  readonly sizeBytes: number | undefined;
  /** Name for messages: the caller's `fileName`, else the path. */
  readonly file: string | undefined;
  /** File path when the source is a file (for format sniffing by extension). */
  readonly path: string | undefined;
}

function isInlineText(source: unknown): source is { readonly text: string } {
  return (
    typeof source === 'object' &&
    source !== null &&
    !(source instanceof Readable) &&
    typeof (source as { text?: unknown }).text === 'string'
  );
}

function pathOf(source: TextSource): string | undefined {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return fileURLToPath(source);
  return undefined;
}

/** Opens a source as a byte stream. @throws {BeatplanError} `BAD_INPUT` when a file cannot be read. */
export async function openSource(source: TextSource, fileName?: string): Promise<OpenedSource> {
  const path = pathOf(source);
  const file = fileName ?? path;
  if (path !== undefined) {
    let size: number;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      size = st.size;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      const looksLikeContent = /[\n{]/.test(path);
      throw new BeatplanError(
        'BAD_INPUT',
        `cannot read file (${code})${looksLikeContent ? '; a string source is a file path: pass contents as { text } or a Buffer' : ''}`,
        { file: file !== undefined && file.length > 200 ? `${file.slice(0, 200)}…` : file },
        { cause: e },
      );
    }
    return { stream: createReadStream(path, { highWaterMark: 1 << 20 }), sizeBytes: size, file, path };
  }
  if (source instanceof Readable)
    return { stream: Readable.from(bytesOf(source, file), { objectMode: false }), sizeBytes: undefined, file, path: undefined };
  if (source instanceof Uint8Array) {
    const buf = Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return { stream: Readable.from([buf], { objectMode: false }), sizeBytes: buf.length, file, path: undefined };
  }
  if (isInlineText(source)) {
    const buf = Buffer.from(source.text, 'utf8');
    return { stream: Readable.from([buf], { objectMode: false }), sizeBytes: buf.length, file, path: undefined };
  }
  throw new BeatplanError('BAD_INPUT', 'unsupported source: expected a file path, URL, Buffer, Readable stream or { text }', {
    file,
    value: typeof source,
  });
}

/**
 * The chunks of a caller's stream as bytes; a chunk that is not text or bytes (an
 * object-mode stream) ends the read with a `BAD_INPUT` naming it, instead of a Node
 * `ERR_INVALID_ARG_TYPE` thrown outside any promise.
 */
async function* bytesOf(stream: Readable, file: string | undefined): AsyncGenerator<Buffer> {
  let k = 0;
  for await (const chunk of stream as AsyncIterable<unknown>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array)
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else {
      stream.destroy();
      throw new BeatplanError(
        'BAD_INPUT',
        `chunk ${k} of the stream is of type ${chunk === null ? 'null' : typeof chunk}: pass a byte or text stream (not object mode)`,
        {
          file,
          field: `chunk ${k}`,
        },
      );
    }
    k++;
  }
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * Reads just enough of a stream to see its first significant byte (after a UTF-8 BOM and
 * white space) and returns a replacement stream that yields every byte again.
 * `firstByte` is undefined when the stream holds only white space.
 */
export async function peekFirstByte(stream: Readable): Promise<{ firstByte: number | undefined; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let firstByte: number | undefined;
  let done = false;
  let offset = 0; // bytes seen so far, to skip the BOM only at the very start
  while (firstByte === undefined) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const chunk = typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value;
    head.push(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const pos = offset + i;
      if (pos < 3 && chunk[i] === [0xef, 0xbb, 0xbf][pos]) continue;
      if (!isSpace(chunk[i])) {
        firstByte = chunk[i];
        break;
      }
    }
    offset += chunk.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    let finished = done;
    try {
      yield* head;
      while (!finished) {
        const r = await it.next();
        if (r.done) {
          finished = true;
          return;
        }
        yield typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value;
      }
    } finally {
      if (!finished) await it.return?.();
    }
  }
  return { firstByte, stream: Readable.from(replay(), { objectMode: false }) };
}

/**
 * Reads a whole source as UTF-8 text (BOM removed), refusing more than `maxBytes`.
 * @throws {BeatplanError} `BAD_INPUT` when the file is larger than `maxBytes` or unreadable;
 *   `ABORTED` when the signal fires.
 */
export async function readSourceText(
  source: TextSource,
  opts: { fileName?: string; maxBytes: number; signal?: AbortSignal },
): Promise<{ text: string; file: string | undefined }> {
  const tooBig = (file: string | undefined, size: number): BeatplanError =>
    new BeatplanError(
      'BAD_INPUT',
      `file is larger than the ${opts.maxBytes}-byte limit for files read whole; convert it to CSV, which is streamed`,
      { file, sizeBytes: size },
    );
  if (isInlineText(source)) {
    const text = source.text;
    if (text.length > opts.maxBytes) throw tooBig(opts.fileName, text.length);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file: opts.fileName };
  }
  const opened = await openSource(source, opts.fileName);
  if (opened.sizeBytes !== undefined && opened.sizeBytes > opts.maxBytes) {
    opened.stream.destroy();
    throw tooBig(opened.file, opened.sizeBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of opened.stream as AsyncIterable<Buffer | string>) {
      throwIfAborted(opts.signal);
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      total += buf.length;
      if (total > opts.maxBytes) throw tooBig(opened.file, total);
      chunks.push(buf);
    }
  } catch (e) {
    opened.stream.destroy();
    if (e instanceof BeatplanError) throw e;
    throw new BeatplanError('BAD_INPUT', `cannot read file: ${(e as Error).message}`, { file: opened.file }, { cause: e });
  }
  const text = Buffer.concat(chunks, total).toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file: opened.file };
}
