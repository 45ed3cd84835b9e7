/**
 * Fleet CSV reader: `shift,vehicle_type,count`.
 */
import type { FleetEntry } from '../staff/types.js';
import { readCsvRecords } from './csv.js';
import { columnIndices, type RowIssue, type TableReport } from './read-roster.js';
import type { TextSource } from './source.js';

/** Result of {@link readFleet}. */
export interface FleetResult {
  /** One entry per (shift, vehicle type); repeated rows are summed. */
  readonly fleet: FleetEntry[];
  readonly report: TableReport;
}

/**
 * Reads a fleet CSV: `shift,vehicle_type,count` (all three required; `vehicle_type` lower-cased,
 * `count` a whole number ≥ 0). Rows for the same shift and type are summed. Bad rows are left
 * out and listed in `report.rejected` with line and field.
 *
 * @throws BeatplanError `MISSING_FIELD`, `PARSE_ERROR` (empty file), `BAD_INPUT` (unreadable)
 * @example
 * const { fleet } = await readFleet('data/demo/fleet.csv'); // [{ shift: '1', vehicleType: 'marked', count: 40 }, …]
 */
export async function readFleet(source: TextSource, options: { fileName?: string; signal?: AbortSignal } = {}): Promise<FleetResult> {
  const t = await readCsvRecords(source, options);
  const col = columnIndices(t, ['shift', 'vehicle_type', 'count'] as const, ['shift', 'vehicle_type', 'count']);
  const rejected: RowIssue[] = t.unreadableLines.map((row) => ({
    row,
    field: '',
    value: '',
    reason: 'unreadable record (unclosed quote?)',
  }));
  const byKey = new Map<string, { shift: string; vehicleType: string; count: number }>();
  let used = 0;
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
    const shift = (fields[col.shift] ?? '').trim();
    const type = (fields[col.vehicle_type] ?? '').trim().toLowerCase();
    const countText = (fields[col.count] ?? '').trim();
    if (!shift) {
      rejected.push({ row: line, field: 'shift', value: '', reason: 'empty shift' });
      continue;
    }
    if (!type) {
      rejected.push({ row: line, field: 'vehicle_type', value: '', reason: 'empty vehicle_type' });
      continue;
    }
    const count = Number(countText);
    if (countText === '' || !Number.isInteger(count) || count < 0) {
      rejected.push({ row: line, field: 'count', value: countText, reason: 'expected a whole number ≥ 0' });
      continue;
    }
    const key = `${shift}\u0000${type}`;
    const e = byKey.get(key);
    if (e) e.count += count;
    else byKey.set(key, { shift, vehicleType: type, count });
    used++;
  }
  return { fleet: [...byKey.values()], report: { file: t.file, read: t.records.length + t.unreadableLines.length, used, rejected } };
}
