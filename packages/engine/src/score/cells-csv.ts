/**
 * `cells.csv`: one row per grid cell with its scores (and beat, for a plan). Numbers are
 * written at full precision (shortest round-trip form), so sums recomputed from the file
 * equal the engine's figures exactly.
 */
import { csvRow } from '../csv-format.js';
import type { Grid } from '../grid/grid.js';
import { binMeans, type CountBins } from './privacy.js';
import type { CellScores } from './types.js';

/** Options of {@link cellsToCsv}. */
export interface CellsCsvOptions {
  /**
   * The public layout: incident-derived figures only by pooled area (see `aggregateCounts`).
   * Columns `h3`, [`beat`], `workload` (the mean over the cell's pool; empty when suppressed),
   * `need`, `population`, `area` (H3 id of the pool; empty when suppressed) — no incident
   * count and no per-shift workload per cell.
   */
  readonly privacy?: CountBins;
  /** Unit id per cell (plans on atomic units): a `unit` column right after `beat`. */
  readonly unitIdOfCell?: (i: number) => string;
}

/**
 * Builds the text of `cells.csv` (RFC 4180 quoting and formula neutralising through `csvRow`,
 * so a hostile beat id stays text).
 * Columns: `h3`, then `beat` when `beatOfCell` is given, `unit` with `options.unitIdOfCell`, then `workload` (officer-hours per
 * week, all shifts), `need` (community hours per week), `incidents`, `population`, and one
 * `workload_<shift id>` column per shift.
 * @param beatIdOfCell beat id per cell ('' for unassigned), optional
 * @example writeFileSync('cells.csv', cellsToCsv(grid, scores));
 */
export function cellsToCsv(grid: Grid, scores: CellScores, beatIdOfCell?: (i: number) => string, options: CellsCsvOptions = {}): string {
  const head = ['h3'];
  if (beatIdOfCell) head.push('beat');
  const unitOf = options.unitIdOfCell;
  if (unitOf) head.push('unit');
  const lead = (i: number): unknown[] => [grid.h3[i]!, ...(beatIdOfCell ? [beatIdOfCell(i)] : []), ...(unitOf ? [unitOf(i)] : [])];
  if (options.privacy) return publicCellsCsv(grid, scores, head, options.privacy, lead);
  head.push('workload', 'need', 'incidents', 'population', ...scores.shifts.map((s) => `workload_${s.id}`));
  const lines = [csvRow(head)];
  for (let i = 0; i < grid.cellCount; i++) {
    const row = lead(i);
    row.push(scores.workloadHours[i], scores.needHours[i], scores.incidentCount[i], scores.population[i]);
    for (const s of scores.shiftWorkloadHours) row.push(s[i]);
    lines.push(csvRow(row));
  }
  return `${lines.join('\n')}\n`;
}

function publicCellsCsv(grid: Grid, scores: CellScores, head: string[], bins: CountBins, lead: (i: number) => unknown[]): string {
  const workload = binMeans(bins, scores.workloadHours);
  const lines = [csvRow([...head, 'workload', 'need', 'population', 'area'])];
  for (let i = 0; i < grid.cellCount; i++) {
    const row = lead(i);
    const b = bins.binOfCell[i]!;
    row.push(b >= 0 ? workload[i] : '', scores.needHours[i], scores.population[i], b >= 0 ? bins.h3[b]! : '');
    lines.push(csvRow(row));
  }
  return `${lines.join('\n')}\n`;
}
