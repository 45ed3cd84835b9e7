/**
 * Public views as a use-case: what a viewer (the public) may read of a plan, built so that no combination of viewer reads
 * — any versions, any routes — reveals a figure of an area holding fewer than k incidents.
 *
 * The rule: every incident-derived figure a viewer sees is a function of pooled cell values
 * only. Cells are pooled up the H3 hierarchy until each pool holds ≥ k incidents
 * (`aggregateCounts`); a cell's public workload is its pool's mean (`binMeans`), 0 when its
 * pool stayed below k six levels up (suppressed). Pools depend on the plan's cells and their
 * incident counts only, never on the beats, so they are the same in every version of a plan.
 * Per-beat workloads, balance figures, comparisons and beat GeoJSON are then computed by the
 * engine from those public values: a beat's public workload is the sum of its cells' pooled
 * values, so the difference between two versions (a one-cell move) is a sum of pool means —
 * never a cell's own figure. Per-shift figures have no per-shift pools and are not shown to
 * viewers at all; version summaries and job results keep only ids, counts of cells and links.
 */

import type { PlanMetrics } from '../plan/index.js';
import { aggregateCounts, binMeans, type CellScores, type CountBins } from '../score/index.js';
import type { LoadedPlan } from './stored-plan.js';
import { type PrivacyNote, privacyDto } from './views.js';

/** The pseudo-shift public scores carry: one window over the whole day. */
const WHOLE_DAY = { id: '0-24', startHour: 0, endHour: 24 } as const;

/** A plan's scores with every incident-derived value replaced by its pool's mean. */
export interface PublicScores {
  /** Scores to evaluate with: `workloadHours`/`rawWorkloadHours` pooled, one whole-day shift, no incident counts. */
  scores: CellScores;
  /** The pools. */
  bins: CountBins;
}

/**
 * Pools a plan's incident-derived scores for a public view (see the module comment).
 * Need (population × vulnerability) is not incident-derived and is kept as it is.
 * @param h3 the plan's cells (H3 ids, one resolution)
 * @param scores the plan's exact scores
 * @param k the small-count threshold (≥ 1)
 * @throws BeatplanError `BAD_INPUT` for a bad `k` (from `aggregateCounts`)
 * @example publicScores(grid.h3, loaded.scores, 5).scores.workloadHours // pooled officer-hours per week
 */
export function publicScores(h3: readonly string[], scores: CellScores, k: number): PublicScores {
  const bins = aggregateCounts(h3, scores.incidentCount, k);
  const pooled = (values: ArrayLike<number>): Float64Array => binMeans(bins, values).map((x) => (Number.isNaN(x) ? 0 : x));
  const workloadHours = pooled(scores.workloadHours);
  return {
    bins,
    scores: {
      ...scores,
      shifts: [WHOLE_DAY],
      shiftWorkloadHours: [workloadHours],
      workloadHours,
      rawWorkloadHours: pooled(scores.rawWorkloadHours),
      incidentCount: new Uint32Array(scores.cellCount),
    },
  };
}

/**
 * A loaded plan as a viewer may see it: its scores pooled ({@link publicScores}) and the
 * balance measured on the total workload (a plan balanced on one shift would otherwise show
 * that shift's per-beat figures).
 */
export function publicLoadedPlan(p: LoadedPlan, k: number): LoadedPlan {
  const { scores } = publicScores(p.grid.h3, p.scores, k);
  const balanceOn = p.extra.balanceOn;
  const perShift = typeof balanceOn === 'object' && balanceOn !== null && 'shift' in balanceOn;
  return { ...p, scores, extra: perShift ? { ...p.extra, balanceOn: 'total' } : p.extra };
}

/** Beat metrics as a viewer sees them: no per-shift workload. */
export type PublicBeatMetrics = Omit<PlanMetrics['perBeat'][number], 'shiftWorkloadHours'>;

/** Drops the per-shift figures of metrics evaluated on public scores (they repeat the total). */
export function publicMetrics(
  m: PlanMetrics,
  k: number,
): Omit<PlanMetrics, 'perBeat'> & { perBeat: PublicBeatMetrics[]; privacy: PrivacyNote } {
  return {
    ...m,
    perBeat: m.perBeat.map(({ shiftWorkloadHours: _s, ...b }) => b),
    privacy: privacyDto(k),
  };
}
