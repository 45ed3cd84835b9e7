/**
 * Small-count protection for views meant for the public: incident counts per cell are
 * aggregated up the H3 hierarchy so that every area shown holds at least `k` incidents.
 *
 * A cell with ≥ k incidents is shown as itself. The other cells (including those with no
 * incident: "0" is a count below k too, and showing it would let a reader tell the hidden
 * 1…k−1 cells apart) are pooled with their siblings under the parent cell one resolution
 * coarser; a pool that reaches k becomes a bin, the rest move one level up again, down to
 * `minResolution`. What is still below k there is suppressed: not shown at all.
 */
import { cellToParent, getResolution, isValidCell } from 'h3-js';
import { BeatplanError } from '../errors.js';

/** Incident counts aggregated so that every bin holds at least `k`. */
export interface CountBins {
  /** The threshold applied. */
  readonly k: number;
  /** H3 resolution of the input cells. */
  readonly resolution: number;
  /** Bin index of each input cell, −1 when the cell's pool was suppressed. */
  readonly binOfCell: Int32Array;
  /** H3 id of each bin: the cell itself or the ancestor it was pooled under. */
  readonly h3: readonly string[];
  /** Incidents per bin (each ≥ k). */
  readonly count: Float64Array;
  /** Input cells per bin. */
  readonly cells: Int32Array;
  /** Sum of all counts. */
  readonly total: number;
  /** Cells and incidents left out because their pool stayed below k at `minResolution`. */
  readonly suppressed: { readonly cells: number; readonly incidents: number };
}

/** Options of {@link aggregateCounts}. */
export interface AggregateOptions {
  /** Coarsest resolution a pool may reach (default: 6 levels above the cells', at least 0). */
  readonly minResolution?: number;
}

/**
 * Pools cell counts up the H3 hierarchy until every pool shown holds at least `k`.
 * Deterministic: bins come in order of their first cell, pools in order of their first cell.
 * @param h3 H3 ids of the cells, all of one resolution
 * @param counts incidents per cell (non-negative)
 * @param k threshold, ≥ 1 (1 shows every cell with an incident as itself)
 * @throws BeatplanError `BAD_INPUT` when `k` is not a positive integer, the lengths differ, an
 *   id is not an H3 cell or the resolutions are mixed
 * @example aggregateCounts(grid.h3, scores.incidentCount, 5).count.every((c) => c >= 5) // true
 */
export function aggregateCounts(h3: readonly string[], counts: ArrayLike<number>, k: number, options: AggregateOptions = {}): CountBins {
  if (!Number.isInteger(k) || k < 1) throw new BeatplanError('BAD_INPUT', 'k must be a positive integer', { field: 'k', value: k });
  const n = h3.length;
  if (counts.length !== n) throw new BeatplanError('BAD_INPUT', `${counts.length} counts for ${n} cells`, { field: 'counts' });
  const resolution = n ? resolutionOf(h3) : 0;
  const minResolution = Math.max(0, Math.min(resolution, options.minResolution ?? resolution - 6));
  const binOfCell = new Int32Array(n).fill(-1);
  const binH3: string[] = [];
  const binCount: number[] = [];
  const binCells: number[] = [];
  let total = 0;
  let pending: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    if (!(c >= 0) || !Number.isFinite(c))
      throw new BeatplanError('BAD_INPUT', 'a count must be a finite non-negative number', { field: `counts.${i}`, value: c });
    total += c;
    if (c >= k) {
      binOfCell[i] = binH3.length;
      binH3.push(h3[i]!);
      binCount.push(c);
      binCells.push(1);
    } else if (c > 0 || k > 1) pending.push(i); // with k = 1 an empty cell can never reveal a count
  }
  for (let r = resolution - 1; r >= minResolution && pending.length; r--) {
    const pools = new Map<string, { sum: number; members: number[] }>();
    for (const i of pending) {
      const parent = cellToParent(h3[i]!, r);
      const pool = pools.get(parent);
      if (pool) {
        pool.sum += counts[i]!;
        pool.members.push(i);
      } else pools.set(parent, { sum: counts[i]!, members: [i] });
    }
    const next: number[] = [];
    for (const [parent, { sum, members }] of pools) {
      if (sum < k) {
        for (const i of members) next.push(i);
        continue;
      }
      const b = binH3.length;
      binH3.push(parent);
      binCount.push(sum);
      binCells.push(members.length);
      for (const i of members) binOfCell[i] = b;
    }
    pending = next;
  }
  let suppressedIncidents = 0;
  for (const i of pending) suppressedIncidents += counts[i]!;
  let suppressedCells = 0;
  for (let i = 0; i < n; i++) if (binOfCell[i] === -1) suppressedCells++;
  return {
    k,
    resolution,
    binOfCell,
    h3: binH3,
    count: Float64Array.from(binCount),
    cells: Int32Array.from(binCells),
    total,
    suppressed: { cells: suppressedCells, incidents: suppressedIncidents },
  };
}

/**
 * Per cell, the mean over its bin of a per-cell value (NaN for a suppressed cell): what a
 * public view shows instead of the cell's own incident-derived figure. The sum over a bin's
 * cells is unchanged.
 * @example binMeans(bins, scores.workloadHours)
 */
export function binMeans(bins: CountBins, values: ArrayLike<number>): Float64Array {
  const n = bins.binOfCell.length;
  if (values.length !== n) throw new BeatplanError('BAD_INPUT', `${values.length} values for ${n} cells`, { field: 'values' });
  const sum = new Float64Array(bins.h3.length);
  for (let i = 0; i < n; i++) {
    const b = bins.binOfCell[i]!;
    if (b >= 0) sum[b]! += values[i]!;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = bins.binOfCell[i]!;
    out[i] = b >= 0 ? sum[b]! / bins.cells[b]! : NaN;
  }
  return out;
}

function resolutionOf(h3: readonly string[]): number {
  let res = -1;
  for (let i = 0; i < h3.length; i++) {
    const id = h3[i]!;
    if (!isValidCell(id)) throw new BeatplanError('BAD_INPUT', 'not an H3 cell id', { field: `h3.${i}`, value: id });
    const r = getResolution(id);
    if (res === -1) res = r;
    else if (r !== res) throw new BeatplanError('BAD_INPUT', `cells of resolutions ${res} and ${r} mixed`, { field: `h3.${i}`, value: id });
  }
  return res;
}
