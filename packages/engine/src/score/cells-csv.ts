/**
 * `cells.csv`: one row per grid cell with its scores (and beat, for a plan). Numbers are
 * written at full precision (shortest round-trip form), so sums recomputed from the file
 * equal the engine's figures exactly.
 */
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
}

/**
 * Builds the text of `cells.csv`.
 * Columns: `h3`, then `beat` when `beatOfCell` is given, then `workload` (officer-hours per
 * week, all shifts), `need` (community hours per week), `incidents`, `population`, and one
 * `workload_<shift id>` column per shift.
 * @param beatIdOfCell beat id per cell ('' for unassigned), optional
 * @example writeFileSync('cells.csv', cellsToCsv(grid, scores));
 */
export function cellsToCsv(grid: Grid, scores: CellScores, beatIdOfCell?: (i: number) => string, options: CellsCsvOptions = {}): string {
  const head = ['h3'];
  if (beatIdOfCell) head.push('beat');
  if (options.privacy) return publicCellsCsv(grid, scores, head, options.privacy, beatIdOfCell);
  head.push('workload', 'need', 'incidents', 'population', ...scores.shifts.map((s) => `workload_${s.id}`));
  const lines = [head.join(',')];
  for (let i = 0; i < grid.cellCount; i++) {
    const row = [grid.h3[i]!];
    if (beatIdOfCell) row.push(beatIdOfCell(i));
    row.push(String(scores.workloadHours[i]), String(scores.needHours[i]), String(scores.incidentCount[i]), String(scores.population[i]));
    for (const s of scores.shiftWorkloadHours) row.push(String(s[i]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function publicCellsCsv(grid: Grid, scores: CellScores, head: string[], bins: CountBins, beatIdOfCell?: (i: number) => string): string {
  const workload = binMeans(bins, scores.workloadHours);
  const lines = [[...head, 'workload', 'need', 'population', 'area'].join(',')];
  for (let i = 0; i < grid.cellCount; i++) {
    const row = [grid.h3[i]!];
    if (beatIdOfCell) row.push(beatIdOfCell(i));
    const b = bins.binOfCell[i]!;
    row.push(b >= 0 ? String(workload[i]) : '', String(scores.needHours[i]), String(scores.population[i]), b >= 0 ? bins.h3[b]! : '');
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}
