/**
 * The one CSV formatter of Beatplan (pure): every CSV the engine, the CLI and the API write
 * goes through {@link csvField}, {@link csvRow} or {@link toCsv}.
 *
 * - RFC 4180 quoting: a field holding a comma, a double quote, CR or LF is wrapped in double
 *   quotes, inner quotes doubled. Records end with `\n` (RFC 4180 readers, spreadsheets and
 *   `csv-parse` accept it; the files stay diff-friendly).
 * - OWASP CSV-injection neutralising: a text field starting with `=`, `+`, `-`, `@`, TAB or CR
 *   gets a leading `'`, so a spreadsheet shows it as text instead of evaluating it — unless the
 *   whole field is a plain number (`-3.5`, `+1e-3`), which is left alone so numbers stay numbers.
 */

/** A plain decimal number, optionally signed, with an optional exponent (`-3.5`, `+1e-3`, `.5`). */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** First characters a spreadsheet may read as the start of a formula (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that force RFC 4180 quoting. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Formats one CSV field: `null`/`undefined` → empty; numbers and booleans by `String()`
 * (`NaN`/`±Infinity` → empty, so no reader sees a non-number in a numeric column); anything
 * else by `String()`, formula-neutralised, then quoted when needed.
 * @example csvField('=HYPERLINK("x")') // → `"'=HYPERLINK(""x"")"`
 * @example csvField(-2.5) // → `-2.5`
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let s = String(value);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Formats one CSV record (without the line end): each value through {@link csvField}, joined by commas.
 * @example csvRow(['B1', 2.5, null]) // → `B1,2.5,`
 */
export function csvRow(values: readonly unknown[]): string {
  let out = '';
  for (let k = 0; k < values.length; k++) out += (k ? ',' : '') + csvField(values[k]);
  return out;
}

/**
 * Builds a whole CSV text: the header record, then one record per row, each ending with `\n`.
 * Header names go through {@link csvField} too.
 * @example toCsv(['beat', 'workload'], [['B1', 12.5]]) // → "beat,workload\nB1,12.5\n"
 */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [csvRow(header)];
  for (const r of rows) lines.push(csvRow(r));
  return `${lines.join('\n')}\n`;
}
