import { readFileSync } from 'node:fs';

/**
 * Reads a CSV file the CLI wrote into records keyed by the header, with a minimal RFC 4180
 * reader of its own (quoted fields, doubled quotes, CRLF), so tests recompute figures from the
 * files without the engine's reader.
 * @example readCsvFile('out/cells.csv')[0]!.h3
 */
export function readCsvFile(file: string): Array<Record<string, string>> {
  const text = readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries((head ?? []).map((h, k) => [h, r[k] ?? ''])));
}
