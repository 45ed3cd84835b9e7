/**
 * CSV reading: the one csv-parse configuration of the engine, a record loop with 1-based
 * line numbers, and `readCsvTable` for small tables such as the hardship index.
 */

import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { type CsvError, type Parser, parse } from 'csv-parse';
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import { openSource, type TextSource } from './source.js';

/** Default longest record: 1 MiB. A longer "row" is not an incident row. */
export const DEFAULT_MAX_ROW_BYTES = 1 << 20;

/** How often (in records) the loops check the AbortSignal and report progress. */
const CHECK_EVERY = 8192;

/**
 * The one csv-parse configuration: UTF-8 BOM removed, any of CRLF/LF/CR line ends, quoted
 * fields with commas, quotes and newlines, stray quotes inside unquoted fields kept as text,
 * rows with the wrong number of fields passed on (the caller counts them), every field a
 * string, records bounded by `maxRowBytes`.
 */
function createCsvParser(maxRowBytes: number): Parser {
  return parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: maxRowBytes,
  });
}

/** Options shared by the CSV readers. */
export interface CsvLoopOptions {
  file: string | undefined;
  maxRowBytes: number;
  sizeBytes: number | undefined;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  stage: string;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Streams `stream` through the CSV parser and calls `onRecord(fields, line)` for every
 * non-blank record, `line` being the 1-based line where the record starts (the header is
 * line 1). Blank lines are skipped. Returns the lines of records the parser itself could
 * not read (an unclosed quote at the end of the file).
 *
 * @throws {BeatplanError} `PARSE_ERROR` when a record exceeds `maxRowBytes` (named by line),
 *   `BAD_INPUT` when the stream fails, `ABORTED` when the signal fires; and whatever
 *   `onRecord` throws.
 */
export async function forEachCsvRecord(
  stream: Readable,
  opts: CsvLoopOptions,
  onRecord: (fields: string[], line: number) => void,
): Promise<{ unreadableLines: number[] }> {
  throwIfAborted(opts.signal);
  const parser = createCsvParser(opts.maxRowBytes);
  let fatal: BeatplanError | undefined;
  const skipped: CsvError[] = [];
  parser.on('skip', (err: CsvError) => {
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      const row = (err as CsvError & { lines?: number }).lines;
      fatal = new BeatplanError(
        'PARSE_ERROR',
        `a record is longer than maxRowBytes (${opts.maxRowBytes} bytes): not an incident row, ` +
          'or an unbalanced quote runs on from an earlier line',
        { file: opts.file, row },
      );
      parser.destroy(fatal);
    } else {
      skipped.push(err);
    }
  });
  pipeline(stream, parser, () => {
    /* errors surface through the iterator below */
  });
  const onAbort = (): void => {
    parser.destroy(new BeatplanError('ABORTED', 'operation aborted', { file: opts.file }));
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let line = 1;
  let n = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      const start = line;
      line++;
      for (let k = 0; k < fields.length; k++) {
        if (fields[k].indexOf('\n') !== -1) line += countNewlines(fields[k]);
      }
      if (fields.length === 1 && fields[0].trim() === '') continue;
      onRecord(fields, start);
      if (++n % CHECK_EVERY === 0) {
        throwIfAborted(opts.signal);
        if (opts.onProgress && opts.sizeBytes) opts.onProgress(Math.min(1, parser.info.bytes / opts.sizeBytes), opts.stage);
      }
    }
  } catch (e) {
    if (fatal) throw fatal;
    if (e instanceof BeatplanError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw new BeatplanError('PARSE_ERROR', `cannot parse CSV: ${err.message}`, { file: opts.file }, { cause: e });
    }
    throw new BeatplanError('BAD_INPUT', `cannot read file: ${err.message}`, { file: opts.file }, { cause: e });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!stream.destroyed) stream.destroy();
  }
  if (fatal) throw fatal;
  throwIfAborted(opts.signal);
  const unreadableLines = skipped.map((err) =>
    err.code === 'CSV_QUOTE_NOT_CLOSED' ? line : ((err as CsvError & { lines?: number }).lines ?? line),
  );
  return { unreadableLines };
}

/** Options of {@link readCsvTable}. */
export interface CsvTableOptions {
  /** Name used in messages (default: the path, when the source is a path). */
  fileName?: string;
  /** Longest accepted record in bytes (default 1 MiB). */
  maxRowBytes?: number;
  signal?: AbortSignal;
}

/** A small CSV table, all cells as strings. */
export interface CsvTable {
  /** Header names exactly as written (BOM removed, spaces kept: `"PER CAPITA INCOME "`). */
  readonly columns: readonly string[];
  /** Data rows that have as many fields as the header. */
  readonly rows: readonly (readonly string[])[];
  /** Data rows read (blank lines not counted) = `rows.length + malformedRows`. */
  readonly read: number;
  /** Rows with the wrong number of fields, left out of `rows`. */
  readonly malformedRows: number;
  /** 1-based file lines (header = 1) of the first five malformed rows. */
  readonly malformedExamples: readonly number[];
}

/** A CSV file's header and records with their 1-based line numbers. */
export interface CsvRecords {
  readonly file: string | undefined;
  /** Header names exactly as written (BOM removed). */
  readonly columns: readonly string[];
  /** Every data record, whatever its number of fields, with the file line it starts on. */
  readonly records: ReadonlyArray<{ readonly fields: readonly string[]; readonly line: number }>;
  /** Lines the parser could not read (e.g. an unclosed quote). */
  readonly unreadableLines: readonly number[];
}

/**
 * Reads a whole CSV with the engine's one csv-parse setup, keeping each record's line number
 * (what row-level reports need). {@link readCsvTable}, the roster and the fleet readers are
 * built on it.
 * @throws BeatplanError `PARSE_ERROR` when the file is empty or a record exceeds
 *   `maxRowBytes`; `BAD_INPUT` when it cannot be read
 */
export async function readCsvRecords(source: TextSource, options: CsvTableOptions = {}): Promise<CsvRecords> {
  const opened = await openSource(source, options.fileName);
  let columns: string[] | undefined;
  const records: Array<{ fields: string[]; line: number }> = [];
  const { unreadableLines } = await forEachCsvRecord(
    opened.stream,
    {
      file: opened.file,
      maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES,
      sizeBytes: opened.sizeBytes,
      signal: options.signal,
      stage: 'read-csv',
    },
    (fields, line) => {
      if (columns === undefined) columns = fields;
      else records.push({ fields, line });
    },
  );
  if (columns === undefined) throw new BeatplanError('PARSE_ERROR', 'file is empty', { file: opened.file });
  return { file: opened.file, columns, records, unreadableLines };
}

/**
 * Reads a whole CSV table (header + rows) with the same parser setup as
 * {@link readIncidents}: BOM, CRLF, quoted fields with commas/quotes/newlines, blank lines
 * skipped, ragged rows counted and left out. Meant for small joinable tables (e.g. a
 * hardship index per community area); use {@link findColumn} to look a column up by a
 * forgiving name.
 *
 * @param source File path, URL, Buffer, Readable or `{ text }` (see {@link TextSource}).
 * @throws {BeatplanError} `PARSE_ERROR` when the file is empty or a record exceeds
 *   `maxRowBytes`; `BAD_INPUT` when the file cannot be read.
 * @example
 * const t = await readCsvTable('community_areas_hardship_census.csv');
 * const income = findColumn(t.columns, 'PER CAPITA INCOME'); // finds "PER CAPITA INCOME "
 * t.rows.map((r) => Number(r[income]));
 */
export async function readCsvTable(source: TextSource, options: CsvTableOptions = {}): Promise<CsvTable> {
  const { columns, records, unreadableLines } = await readCsvRecords(source, options);
  const rows: (readonly string[])[] = [];
  const malformedLines: number[] = [];
  for (const r of records) {
    if (r.fields.length === columns.length) rows.push(r.fields);
    else malformedLines.push(r.line);
  }
  malformedLines.push(...unreadableLines);
  return {
    columns,
    rows,
    read: rows.length + malformedLines.length,
    malformedRows: malformedLines.length,
    malformedExamples: malformedLines.slice(0, 5),
  };
}
