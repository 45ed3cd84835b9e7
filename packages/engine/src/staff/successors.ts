/**
 * Beat succession after a redistricting: which new beat took over each old beat, measured on
 * workload, and how a roster's `current_beat` is read against the plan it was made for.
 */
import { beatOverlap, type PlanLineage } from '../plan/lineage.js';
import type { BeatPlan } from '../plan/types.js';

/** Successor of one old beat. */
export interface BeatSuccession {
  /** The new beat holding the largest share of the old beat's workload (ties: more cells, then the smaller id); '' when none. */
  readonly successor: string;
  /** Share of the old beat's workload that the successor holds, in [0, 1] (cell share when the old beat has no workload). */
  readonly share: number;
  /** Number of the old beat's cells (on the common grid). */
  readonly cells: number;
  /** Workload of the old beat, officer-hours per week (the weight used). */
  readonly workloadHours: number;
  /** Share of the old beat's workload held by each new beat that holds any of it. */
  readonly shares: ReadonlyMap<string, number>;
}

/**
 * How a roster's current beats map onto a new plan: the plan the roster was made for (the
 * parent) and, per parent beat, its succession. Build it with {@link successionOfLineage} (or
 * {@link successionOf}); pass it to `staffBeats` as `succession`.
 */
export interface Succession {
  /** The plan the roster's `current_beat` values name, e.g. `plan A/plan.json` or `existing layer police_beats.geojson`. */
  readonly parent: string;
  /** Every beat id the parent knows (a roster id outside it is reported, never matched). */
  readonly parentBeats: ReadonlySet<string>;
  /** Parent beat id → succession (parent beats with no cell on the new grid are absent). */
  readonly beats: ReadonlyMap<string, BeatSuccession>;
}

/**
 * For every old beat, the new beat holding the largest share of its workload. Both arrays are
 * indexed by the same grid cells; `null`/`''` means unassigned. With an unchanged plan every
 * beat is its own successor with share 1.
 *
 * @param oldBeatOfCell old beat id per cell
 * @param newBeatOfCell new beat id per cell (same length)
 * @param workloadHours weight per cell, officer-hours per week (default 1 per cell: cell counts)
 * @returns map old beat id → succession
 * Arrays of different lengths are compared over their common prefix (callers check the grids).
 * @example
 * beatSuccessors(['A', 'A', 'B'], ['X', 'Y', 'Y'], [1, 3, 1]).get('A') // {successor: 'Y', share: 0.75, …}
 */
export function beatSuccessors(
  oldBeatOfCell: ReadonlyArray<string | null>,
  newBeatOfCell: ReadonlyArray<string | null>,
  workloadHours?: ArrayLike<number>,
): Map<string, BeatSuccession> {
  const len = Math.min(oldBeatOfCell.length, newBeatOfCell.length);
  const index = (ids: ReadonlyArray<string | null>) => {
    const names: string[] = [];
    const at = new Map<string, number>();
    const of = new Int32Array(len);
    for (let c = 0; c < len; c++) {
      const id = ids[c];
      if (!id) {
        of[c] = -1;
        continue;
      }
      let k = at.get(id);
      if (k === undefined) (k = names.length), at.set(id, k), names.push(id);
      of[c] = k;
    }
    return { names, of };
  };
  const o = index(oldBeatOfCell);
  const n = index(newBeatOfCell);
  const w = workloadHours ? Float64Array.from({ length: len }, (_, c) => workloadHours[c]!) : new Float64Array(len).fill(1);
  return successionsOfIndexed(o.of, o.names, n.of, n.names, w);
}

/** Core of the successions, on integer beat indices (see {@link beatSuccessors}). */
function successionsOfIndexed(
  oldOf: ArrayLike<number>,
  oldIds: readonly string[],
  newOf: ArrayLike<number>,
  newIds: readonly string[],
  weight: ArrayLike<number>,
): Map<string, BeatSuccession> {
  const ov = beatOverlap(oldOf, oldIds.length, newOf, newIds.length, weight);
  const best = new Map<number, { nb: number; w: number; cells: number }>();
  const shares = new Map<number, Map<string, number>>();
  for (const p of ov.pairs) {
    const ow = ov.oldWeight[p.old]!;
    const share = ow > 0 ? p.weight / ow : p.cells / ov.oldCells[p.old]!;
    let m = shares.get(p.old);
    if (!m) shares.set(p.old, (m = new Map()));
    m.set(newIds[p.new]!, share);
    const cur = best.get(p.old);
    const key = ow > 0 ? p.weight : p.cells;
    const curKey = cur ? (ow > 0 ? cur.w : cur.cells) : -1;
    if (!cur || key > curKey || (key === curKey && (p.cells > cur.cells || (p.cells === cur.cells && newIds[p.new]! < newIds[cur.nb]!)))) {
      best.set(p.old, { nb: p.new, w: p.weight, cells: p.cells });
    }
  }
  const out = new Map<string, BeatSuccession>();
  oldIds.forEach((id, b) => {
    if (ov.oldCells[b]! === 0) return;
    const bb = best.get(b);
    const m = shares.get(b) ?? new Map<string, number>();
    out.set(id, {
      successor: bb ? newIds[bb.nb]! : '',
      share: bb ? m.get(newIds[bb.nb]!)! : 0,
      cells: ov.oldCells[b]!,
      workloadHours: ov.oldWeight[b]!,
      shares: m,
    });
  });
  return out;
}

/**
 * The succession of a plan from its lineage parent: the parent beat of each cell (recorded in
 * `lineage.parentBeatOfCell`) against the plan's current cells, weighted by workload, so edits
 * made after planning are taken into account.
 * @param workloadHours workload per cell, officer-hours per week (all shifts), plan cell order
 * @example const succession = successionOfLineage(lineage, plan, scores.workloadHours);
 */
export function successionOfLineage(lineage: PlanLineage, plan: BeatPlan, workloadHours: ArrayLike<number>): Succession {
  return successionOf(
    `${lineage.parent.kind === 'plan' ? 'parent plan' : 'existing layer'} ${lineage.parent.name}`,
    lineage.parent.beats,
    lineage.parentBeatOfCell,
    plan,
    workloadHours,
  );
}

/**
 * The succession from a parent partition of the plan's cells (see {@link Succession}).
 * @param label how reports name the parent
 * @param parentIds the parent's beat ids
 * @param parentBeatOfCell parent beat index per cell of the plan (−1 = none)
 */
export function successionOf(
  label: string,
  parentIds: readonly string[],
  parentBeatOfCell: ArrayLike<number>,
  plan: BeatPlan,
  workloadHours: ArrayLike<number>,
): Succession {
  return {
    parent: label,
    parentBeats: new Set(parentIds),
    beats: successionsOfIndexed(parentBeatOfCell, parentIds, plan.beatOfCell, plan.beatIds, workloadHours),
  };
}

/**
 * The succession a saved plan's roster is read against: from its `lineage` (the parent), else
 * from `extra.existing` (plan.json files written before lineage kept the `--existing` layer
 * there), else undefined (the roster's current beats name this plan's beats).
 * @param saved what `planFromJson` returns (or the same fields)
 * @example const succession = successionOfSavedPlan(planFromJson(json, grid));
 */
export function successionOfSavedPlan(saved: {
  plan: BeatPlan;
  scores: { workloadHours: ArrayLike<number> };
  lineage?: PlanLineage | null;
  extra: Readonly<Record<string, unknown>>;
}): Succession | undefined {
  const { plan, scores } = saved;
  if (saved.lineage) return successionOfLineage(saved.lineage, plan, scores.workloadHours);
  const existing = saved.extra.existing as { ids?: unknown; beatOfCell?: unknown } | null | undefined;
  const inputs = saved.extra.inputs as { existing?: string | null } | undefined;
  if (existing && Array.isArray(existing.ids) && Array.isArray(existing.beatOfCell) && existing.beatOfCell.length === plan.cellCount) {
    return successionOf(
      `existing layer ${inputs?.existing ?? ''}`.trim(),
      existing.ids as string[],
      existing.beatOfCell as number[],
      plan,
      scores.workloadHours,
    );
  }
  return undefined;
}

/** `beatSuccessors` as a plain `old id → new id` record (the form `StaffOptions.successorOf` takes). */
export function successorRecord(successions: ReadonlyMap<string, BeatSuccession>): Record<string, string> {
  const r: Record<string, string> = {};
  for (const [o, s] of successions) if (s.successor) r[o] = s.successor;
  return r;
}
