/**
 * Beat lineage: a new plan's beats inherit the ids of the predecessor ("parent") plan's beats by
 * overlap, and the new plan records where each of its beats came from.
 *
 * - Overlap of old beat `o` and new beat `n` = the workload (officer-hours per week, all shifts,
 *   the `workload` column of `cells.csv`) of the cells that are in `o` in the parent and in `n`
 *   in the new plan, both on the new plan's grid.
 * - Ids are inherited through an optimal matching (an assignment problem solved as a min-cost
 *   flow with an LP-duality certificate, {@link matchBeats}): first as many *majority pairs* as
 *   possible (new beat holds more than half of the old beat's workload), then the largest total
 *   shared workload. So every new beat holding the majority of exactly one old beat carries that
 *   beat's id; a new beat holding the majority of several old beats carries one of them.
 * - New beats left unmatched get fresh ids no ancestor used ({@link freshBeatIds}).
 */
import { cellToLatLng, latLngToCell } from 'h3-js';
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import { checkFlowOptimality, type FlowNetwork, minCostFlow } from '../solver/min-cost-flow.js';
import type { BeatPlan } from './types.js';

/** The predecessor of a plan, mapped onto the new plan's grid. */
export interface ParentPlan {
  /** `'plan'`: a `plan.json` (`--from`); `'existing'`: a layer of current beats (`--existing`). */
  readonly kind: 'plan' | 'existing';
  /** Name of the parent as the user gave it (file path or API plan id). */
  readonly name: string;
  /** Content hash of the parent: sha256 (hex) of the parent file's bytes as read; null when unknown. */
  readonly sha256: string | null;
  /** Beat ids of the parent; `beatOfCell` indexes them. */
  readonly beatIds: readonly string[];
  /** Parent beat index of each cell of the NEW grid (−1 = in no parent beat), see {@link mapParentOntoGrid}. */
  readonly beatOfCell: Int32Array;
  /** Ids the parent's own ancestors used (its `lineage.usedIds`); default none. */
  readonly ancestorIds?: readonly string[];
  /** The parent's generation (0 for an existing layer or a plan without lineage). Default 0. */
  readonly generation?: number;
}

/** One old beat a new beat draws from. */
export interface LineageSource {
  /** Old (parent) beat id. */
  readonly id: string;
  /** Share of the NEW beat's workload that lies in this old beat, in [0, 1]. */
  readonly workloadShare: number;
  /** Share of the OLD beat's workload that the new beat holds, in [0, 1]. */
  readonly parentShare: number;
}

/** What `plan.json` records as `lineage`. */
export interface PlanLineage {
  readonly parent: {
    readonly kind: 'plan' | 'existing';
    readonly name: string;
    /** sha256 (hex) of the parent file's bytes as read (for an API plan: of its `plan.json` document); null when unknown. */
    readonly sha256: string | null;
    /** The parent's beat ids (what a roster made for the parent may name). */
    readonly beats: readonly string[];
  };
  /** Parent generation + 1. */
  readonly generation: number;
  /** Every beat id this plan and its ancestors used, sorted: fresh ids avoid all of them. */
  readonly usedIds: readonly string[];
  /** Parent beat index (into `parent.beats`) of each cell of this plan, in the plan's cell order; −1 = none. */
  readonly parentBeatOfCell: readonly number[];
  readonly matching: {
    readonly method: string;
    /** Pairs where the new beat holds more than half of the old beat's workload. */
    readonly majorityPairs: number;
    /** Of those, pairs whose new beat carries the old id. */
    readonly majorityPairsKept: number;
    /** Shared workload of the matched pairs over the total workload, in [0, 1]. */
    readonly matchedWorkloadShare: number;
    readonly certificate: string;
  };
  /** Per new beat (plan order): whether its id is inherited, and the old beats it draws from (largest share first). */
  readonly beats: ReadonlyArray<{ readonly id: string; readonly inherited: boolean; readonly from: readonly LineageSource[] }>;
}

/** Sparse overlap of two partitions of the same cells. */
export interface BeatOverlap {
  /** Pairs with shared cells: old beat index, new beat index, shared weight, shared cells. */
  readonly pairs: ReadonlyArray<{ readonly old: number; readonly new: number; readonly weight: number; readonly cells: number }>;
  /** Weight per old beat (its cells that exist in the new plan's cell list, assigned or not). */
  readonly oldWeight: Float64Array;
  readonly oldCells: Int32Array;
  /** Weight per new beat. */
  readonly newWeight: Float64Array;
}

/**
 * Overlap of an old and a new partition of the same cells, weighted per cell (e.g. workload).
 * @param oldBeatOfCell old beat index per cell (−1 = none)
 * @param newBeatOfCell new beat index per cell (−1 = none), same length
 * @param weight weight per cell (≥ 0), same length
 * @throws BeatplanError `BAD_INPUT` when the lengths differ or an index is out of range
 * @example beatOverlap(Int32Array.of(0, 0, 1), 2, Int32Array.of(0, 1, 1), 2, [1, 2, 3]).pairs
 *   // [{old 0,new 0,weight 1}, {old 0,new 1,weight 2}, {old 1,new 1,weight 3}]
 */
export function beatOverlap(
  oldBeatOfCell: ArrayLike<number>,
  oldCount: number,
  newBeatOfCell: ArrayLike<number>,
  newCount: number,
  weight: ArrayLike<number>,
): BeatOverlap {
  const n = oldBeatOfCell.length;
  if (newBeatOfCell.length !== n || weight.length !== n) {
    throw new BeatplanError('BAD_INPUT', `beatOverlap: ${n} old cells, ${newBeatOfCell.length} new cells, ${weight.length} weights`, {
      field: 'beatOfCell',
    });
  }
  const oldWeight = new Float64Array(oldCount);
  const oldCells = new Int32Array(oldCount);
  const newWeight = new Float64Array(newCount);
  const index = new Map<number, number>();
  const pairs: Array<{ old: number; new: number; weight: number; cells: number }> = [];
  for (let c = 0; c < n; c++) {
    const o = oldBeatOfCell[c]!;
    const b = newBeatOfCell[c]!;
    if (o >= oldCount || b >= newCount)
      throw new BeatplanError('BAD_INPUT', 'beatOverlap: beat index out of range', { row: c, value: o >= oldCount ? o : b });
    const w = weight[c]!;
    if (b >= 0) newWeight[b]! += w;
    if (o < 0) continue;
    oldWeight[o]! += w;
    oldCells[o]!++;
    if (b < 0) continue;
    const key = o * newCount + b;
    let k = index.get(key);
    if (k === undefined) {
      k = pairs.length;
      index.set(key, k);
      pairs.push({ old: o, new: b, weight: 0, cells: 0 });
    }
    pairs[k]!.weight += w;
    pairs[k]!.cells++;
  }
  pairs.sort((a, b) => a.old - b.old || a.new - b.new);
  return { pairs, oldWeight, oldCells, newWeight };
}

/** True when new beat holds more than half of the old beat (by weight; by cells when the old beat weighs 0). */
export function isMajority(o: BeatOverlap, pair: BeatOverlap['pairs'][number]): boolean {
  const w = o.oldWeight[pair.old]!;
  return w > 0 ? pair.weight > w / 2 : pair.cells > o.oldCells[pair.old]! / 2;
}

/**
 * The optimal id matching between old and new beats: maximises the number of majority pairs
 * ({@link isMajority}), then the shared weight — one objective, `Σ (shared + M·majority)` with
 * `M` = total weight + 1, so the first term can never outweigh one majority pair. Solved as a
 * min-cost flow (old beat → new beat arcs of capacity 1, every old beat may stay unmatched),
 * whose LP optimum is integral, and checked by complementary slackness.
 * @returns new beat index → matched old beat index (−1 = unmatched), and the flow network solved
 * @throws BeatplanError `INTERNAL` if the flow fails its certificate
 */
export function matchBeats(
  o: BeatOverlap,
  oldCount: number,
  newCount: number,
): { oldOfNew: Int32Array; network: FlowNetwork; cost: number } {
  let total = 0;
  for (let b = 0; b < oldCount; b++) total += o.oldWeight[b]!;
  const M = total + 1;
  const T = oldCount + newCount;
  const from: number[] = [];
  const to: number[] = [];
  const capacity: number[] = [];
  const cost: number[] = [];
  for (const p of o.pairs) {
    from.push(p.old);
    to.push(oldCount + p.new);
    capacity.push(1);
    cost.push(-(p.weight + (isMajority(o, p) ? M : 0)));
  }
  const pairArcs = from.length;
  for (let b = 0; b < newCount; b++) from.push(oldCount + b), to.push(T), capacity.push(1), cost.push(0);
  for (let b = 0; b < oldCount; b++) from.push(b), to.push(T), capacity.push(1), cost.push(0);
  const supply = new Array<number>(T + 1).fill(0);
  for (let b = 0; b < oldCount; b++) supply[b] = 1;
  supply[T] = -oldCount;
  const network: FlowNetwork = { nodeCount: T + 1, from, to, capacity, cost, supply };
  const r = minCostFlow(network);
  const problems = r.unshipped > 1e-9 ? [`unshipped ${r.unshipped}`] : checkFlowOptimality(network, r.flow, r.potential);
  if (problems.length) throw new BeatplanError('INTERNAL', `beat matching fails its certificate: ${problems[0]}`, { problems });
  const oldOfNew = new Int32Array(newCount).fill(-1);
  for (let a = 0; a < pairArcs; a++) if (r.flow[a]! > 0.5) oldOfNew[to[a]! - oldCount] = from[a]!;
  return { oldOfNew, network, cost: r.cost };
}

/**
 * `count` beat ids that are not in `used`: the next free numbers after the largest number used
 * with the most common prefix, zero-padded to that prefix's usual width (ids `B001…B274` →
 * `B275`, `B276`…; Chicago's `0111…2535` → `2536`…); `B001`… when no used id ends in digits.
 * @example freshBeatIds(2, ['B001', 'B002']) // ['B003', 'B004']
 */
export function freshBeatIds(count: number, used: Iterable<string>): string[] {
  const usedSet = new Set(used);
  const byPrefix = new Map<string, { n: number; max: number; width: number }>();
  for (const id of usedSet) {
    const m = /^(.*?)(\d+)$/.exec(id);
    if (!m) continue;
    const e = byPrefix.get(m[1]!) ?? { n: 0, max: 0, width: 0 };
    e.n++;
    e.max = Math.max(e.max, Number(m[2]));
    e.width = Math.max(e.width, m[2]!.length);
    byPrefix.set(m[1]!, e);
  }
  let prefix = 'B';
  let best = { n: 0, max: 0, width: 3 };
  for (const [p, e] of [...byPrefix].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (e.n > best.n) (prefix = p), (best = e);
  const out: string[] = [];
  for (let k = best.max + 1; out.length < count; k++) {
    const id = `${prefix}${String(k).padStart(best.width, '0')}`;
    if (!usedSet.has(id)) out.push(id);
  }
  return out;
}

/**
 * Renames a new plan's beats after its parent and builds the lineage record (see module doc).
 * The beats keep their order and cells; only `beatIds` change.
 *
 * @param plan the new plan (its ids are replaced)
 * @param parent the parent, mapped onto the plan's grid ({@link mapParentOntoGrid} or an imported layer)
 * @param workloadHours workload per cell, officer-hours per week (all shifts: `scores.workloadHours`)
 * @param options `keepIds`: the plan was planned FROM the parent (`planBeats({ initial })` with the
 *   parent as initial plan), so its beats already are the parent's beats under the parent's ids:
 *   each keeps its own id (a beat whose id the parent does not know gets a fresh one) instead of
 *   being re-matched. Then "a cell changed beat" means the same thing in the planner's moved share,
 *   in the lineage and for anyone comparing the parent's and the plan's ids cell by cell.
 * @throws BeatplanError `BAD_INPUT` when the parent's cells do not fit the plan; `INTERNAL` (matching certificate)
 * @example
 * const { plan: named, lineage } = inheritBeatIds(plan, parent, scores.workloadHours);
 */
export function inheritBeatIds(
  plan: BeatPlan,
  parent: ParentPlan,
  workloadHours: ArrayLike<number>,
  options: { readonly keepIds?: boolean } = {},
): { plan: BeatPlan; lineage: PlanLineage } {
  if (parent.beatOfCell.length !== plan.cellCount) {
    throw new BeatplanError('BAD_INPUT', `lineage: the parent covers ${parent.beatOfCell.length} cells, the plan ${plan.cellCount}`, {
      field: 'parent',
      value: parent.name,
    });
  }
  const Ko = parent.beatIds.length;
  const Kn = plan.beatIds.length;
  const o = beatOverlap(parent.beatOfCell, Ko, plan.beatOfCell, Kn, workloadHours);
  let oldOfNew: Int32Array;
  if (options.keepIds) {
    const parentIndex = new Map(parent.beatIds.map((id, b) => [id, b]));
    oldOfNew = Int32Array.from(plan.beatIds, (id) => parentIndex.get(id) ?? -1);
  } else oldOfNew = matchBeats(o, Ko, Kn).oldOfNew;
  const used = new Set([...(parent.ancestorIds ?? []), ...parent.beatIds]);
  const fresh = freshBeatIds(
    oldOfNew.reduce((a, x) => a + (x < 0 ? 1 : 0), 0),
    used,
  );
  let f = 0;
  const ids = Array.from(oldOfNew, (x) => (x >= 0 ? parent.beatIds[x]! : fresh[f++]!));
  // Parent ids may repeat (a layer with two features of one beat is one beat there): ids stay unique.
  if (new Set(ids).size !== ids.length)
    throw new BeatplanError('BAD_INPUT', 'lineage: the parent has duplicate beat ids', { field: 'parent.beats', value: parent.name });
  for (const id of ids) used.add(id);
  const lineage = describeLineage(
    { kind: parent.kind, name: parent.name, sha256: parent.sha256, beats: [...parent.beatIds] },
    (parent.generation ?? 0) + 1,
    [...used].sort(),
    parent.beatOfCell,
    o,
    ids,
    Array.from(oldOfNew, (x) => x >= 0),
  );
  return { plan: { ...plan, beatIds: ids }, lineage };
}

/** The lineage record of a plan whose ids are `ids` (`inherited[b]`: id taken from the parent). */
function describeLineage(
  parent: PlanLineage['parent'],
  generation: number,
  usedIds: readonly string[],
  parentBeatOfCell: ArrayLike<number>,
  o: BeatOverlap,
  ids: readonly string[],
  inherited: readonly boolean[],
): PlanLineage {
  const parentIndex = new Map(parent.beats.map((id, b) => [id, b]));
  const matchedOld = ids.map((id, b) => (inherited[b] ? (parentIndex.get(id) ?? -1) : -1));
  let majorityPairs = 0;
  let kept = 0;
  let matched = 0;
  let total = 0;
  for (let b = 0; b < o.oldWeight.length; b++) total += o.oldWeight[b]!;
  const from: LineageSource[][] = ids.map(() => []);
  for (const p of o.pairs) {
    const isMatched = matchedOld[p.new] === p.old;
    if (isMajority(o, p)) {
      majorityPairs++;
      if (isMatched) kept++;
    }
    if (isMatched) matched += p.weight;
    const nw = o.newWeight[p.new]!;
    const ow = o.oldWeight[p.old]!;
    from[p.new]!.push({
      id: parent.beats[p.old]!,
      workloadShare: nw > 0 ? p.weight / nw : 0,
      parentShare: ow > 0 ? p.weight / ow : p.cells / o.oldCells[p.old]!,
    });
  }
  for (const list of from)
    list.sort((a, b) => b.workloadShare - a.workloadShare || b.parentShare - a.parentShare || (a.id < b.id ? -1 : 1));
  return {
    parent,
    generation,
    usedIds,
    parentBeatOfCell: Array.from(parentBeatOfCell),
    matching: {
      method: `optimal assignment (min-cost flow, ${parent.beats.length} old × ${ids.length} new beats, ${o.pairs.length} overlapping pairs): most majority pairs, then most shared workload`,
      majorityPairs,
      majorityPairsKept: kept,
      matchedWorkloadShare: total > 0 ? matched / total : 0,
      certificate: 'feasible integral flow + complementary slackness of node potentials (LP duals)',
    },
    beats: ids.map((id, b) => ({ id, inherited: inherited[b]!, from: from[b]! })),
  };
}

/**
 * The lineage of an edited plan (cells moved, beats re-balanced): the same parent, ids and
 * inherited flags, with the per-beat sources and the matching figures recomputed from the
 * parent beat of each cell against the plan's cells now. New ids (a beat added) join `usedIds`.
 * @param workloadHours workload per cell, officer-hours per week (all shifts)
 * @throws BeatplanError `BAD_INPUT` when the lineage does not cover the plan's cells
 * @example const lineage = refreshLineage(loaded.lineage, editedPlan, scores.workloadHours);
 */
export function refreshLineage(lineage: PlanLineage, plan: BeatPlan, workloadHours: ArrayLike<number>): PlanLineage {
  if (lineage.parentBeatOfCell.length !== plan.cellCount) {
    throw new BeatplanError('BAD_INPUT', `lineage covers ${lineage.parentBeatOfCell.length} cells, the plan ${plan.cellCount}`, {
      field: 'lineage.parentBeatOfCell',
    });
  }
  const o = beatOverlap(lineage.parentBeatOfCell, lineage.parent.beats.length, plan.beatOfCell, plan.beatIds.length, workloadHours);
  const was = new Map(lineage.beats.map((b) => [b.id, b.inherited]));
  const parentIds = new Set(lineage.parent.beats);
  const inherited = plan.beatIds.map((id) => was.get(id) ?? false);
  inherited.forEach((x, b) => {
    if (x && !parentIds.has(plan.beatIds[b]!)) inherited[b] = false;
  });
  const used = [...new Set([...lineage.usedIds, ...plan.beatIds])].sort();
  return describeLineage(lineage.parent, lineage.generation, used, lineage.parentBeatOfCell, o, plan.beatIds, inherited);
}

/**
 * Maps a parent plan's cells onto a grid: a grid cell takes the beat of the parent cell with the
 * same H3 index; otherwise (the parent is on another resolution or misses the cell) the beat of
 * the parent cell, at the parent's resolution, that contains the grid cell's centre; −1 when
 * neither exists.
 * @param parent the parent's H3 cells, resolution and beat index per cell (−1 = unassigned)
 * @returns parent beat index per grid cell
 * @example const beatOfCell = mapParentOntoGrid(grid, { h3: parentJson.cells.h3, resolution: 10, beatOfCell: parentJson.cells.beat });
 */
export function mapParentOntoGrid(
  grid: Grid,
  parent: { h3: readonly string[]; resolution: number; beatOfCell: ArrayLike<number> },
): Int32Array {
  const beatOfH3 = new Map<string, number>();
  parent.h3.forEach((h, k) => beatOfH3.set(h, parent.beatOfCell[k]!));
  const out = new Int32Array(grid.cellCount).fill(-1);
  for (let i = 0; i < grid.cellCount; i++) {
    let b = beatOfH3.get(grid.h3[i]!);
    if (b === undefined && parent.resolution !== grid.resolution) {
      const [lat, lng] = cellToLatLng(grid.h3[i]!);
      b = beatOfH3.get(latLngToCell(lat, lng, parent.resolution));
    }
    out[i] = b ?? -1;
  }
  return out;
}

/**
 * The parent as an initial plan on the grid (for `--start-from-existing` with `--from`): the
 * mapped cells, the parent's ids, nothing locked, every beat `'imported'`. Parent beats with no
 * cell on the grid are dropped (the plan's K is the number of parent beats that remain).
 * @example planBeats(grid, scores, { initial: parentAsInitialPlan(grid, parent) });
 */
export function parentAsInitialPlan(grid: Grid, parent: ParentPlan): BeatPlan {
  const count = new Int32Array(parent.beatIds.length);
  for (const b of parent.beatOfCell) if (b >= 0) count[b]!++;
  const remap = new Int32Array(parent.beatIds.length).fill(-1);
  const ids: string[] = [];
  parent.beatIds.forEach((id, b) => {
    if (count[b]! > 0) (remap[b] = ids.length), ids.push(id);
  });
  return {
    resolution: grid.resolution,
    cellCount: grid.cellCount,
    beatIds: ids,
    beatOfCell: Int32Array.from(parent.beatOfCell, (b) => (b >= 0 ? remap[b]! : -1)),
    locked: new Uint8Array(ids.length),
    method: ids.map(() => 'imported' as const),
  };
}
