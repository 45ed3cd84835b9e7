/**
 * Roster CSV reader: `officer_id,name,shift,rank,current_beat,skills,available`.
 */
import { BeatplanError } from '../errors.js';
import type { Officer } from '../staff/types.js';
import { findColumn } from './columns.js';
import { type CsvRecords, readCsvRecords } from './csv.js';
import type { TextSource } from './source.js';

/** A CSV row that was not used, and why. */
export interface RowIssue {
  /** 1-based file line (the header is line 1). */
  readonly row: number;
  readonly field: string;
  readonly value: string;
  readonly reason: string;
}

/** What a table reader read, used and rejected. */
export interface TableReport {
  readonly file: string | undefined;
  /** Data rows read (blank lines not counted). */
  readonly read: number;
  readonly used: number;
  readonly rejected: readonly RowIssue[];
}

/**
 * Column indices for `names` (forgiving match: case, spaces/underscores); `required` ones must
 * exist. @throws BeatplanError `MISSING_FIELD` naming the column and the file
 */
export function columnIndices<K extends string>(t: CsvRecords, names: readonly K[], required: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const n of names) {
    out[n] = findColumn(t.columns, n);
    if (out[n] < 0 && required.includes(n)) {
      throw new BeatplanError('MISSING_FIELD', `column "${n}" is missing (columns: ${t.columns.join(', ')})`, {
        file: t.file,
        field: n,
      });
    }
  }
  return out;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f']);

/** Parses true/false/yes/no/1/0 (case-insensitive; empty → `fallback`); undefined when unrecognised. */
export function parseBoolean(value: string, fallback: boolean): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return fallback;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** Result of {@link readRoster}. */
export interface RosterResult {
  readonly officers: Officer[];
  readonly report: TableReport;
}

/**
 * Reads a roster CSV: `officer_id,name,shift,rank,current_beat,skills,available` (header
 * matched forgivingly; `officer_id` and `shift` required, the rest optional). `skills` is
 * `;`-separated and lower-cased; `available` takes true/false/yes/no/1/0 (empty = true);
 * `current_beat` empty = none. Bad rows (no id, duplicate id, no shift, unreadable
 * `available`, wrong field count) are left out and listed in `report.rejected` with their line
 * and field; they never stop the read.
 *
 * @param source path, URL, bytes, stream or `{ text }`
 * @throws BeatplanError `MISSING_FIELD` (required column absent), `PARSE_ERROR` (empty file), `BAD_INPUT` (unreadable)
 * @example
 * const { officers, report } = await readRoster('data/demo/roster.csv');
 * for (const r of report.rejected) console.warn(`row ${r.row} ${r.field}: ${r.reason}`);
 */
export async function readRoster(source: TextSource, options: { fileName?: string; signal?: AbortSignal } = {}): Promise<RosterResult> {
  const t = await readCsvRecords(source, options);
  const names = ['officer_id', 'name', 'shift', 'rank', 'current_beat', 'skills', 'available'] as const;
  const col = columnIndices(t, names, ['officer_id', 'shift']);
  const get = (f: readonly string[], k: (typeof names)[number]) => (col[k] >= 0 ? (f[col[k]] ?? '').trim() : '');
  const rejected: RowIssue[] = t.unreadableLines.map((row) => ({
    row,
    field: '',
    value: '',
    reason: 'unreadable record (unclosed quote?)',
  }));
  const officers: Officer[] = [];
  const seen = new Set<string>();
  for (const { fields, line } of t.records) {
    if (fields.length !== t.columns.length) {
      rejected.push({
        row: line,
        field: '',
        value: String(fields.length),
        reason: `${fields.length} fields for ${t.columns.length} columns`,
      });
      continue;
    }
    const id = get(fields, 'officer_id');
    if (!id) {
      rejected.push({ row: line, field: 'officer_id', value: '', reason: 'empty officer_id' });
      continue;
    }
    if (seen.has(id)) {
      rejected.push({ row: line, field: 'officer_id', value: id, reason: 'duplicate officer_id (first row kept)' });
      continue;
    }
    const shift = get(fields, 'shift');
    if (!shift) {
      rejected.push({ row: line, field: 'shift', value: '', reason: 'empty shift' });
      continue;
    }
    const availText = get(fields, 'available');
    const available = parseBoolean(availText, true);
    if (available === undefined) {
      rejected.push({ row: line, field: 'available', value: availText, reason: 'expected true/false/yes/no/1/0' });
      continue;
    }
    seen.add(id);
    const skills = get(fields, 'skills')
      .split(';')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
    officers.push({
      id,
      name: get(fields, 'name'),
      shift,
      rank: get(fields, 'rank'),
      currentBeat: get(fields, 'current_beat') || null,
      skills,
      available,
    });
  }
  return { officers, report: { file: t.file, read: t.records.length + t.unreadableLines.length, used: officers.length, rejected } };
}
