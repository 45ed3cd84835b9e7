/**
 * `planBeats`: contiguous, compact, workload-balanced beats.
 *
 * Pipeline: regions (districts × connected pieces, islands) → beats per region in proportion
 * to workload → balanced start per region (recursive bisection) or the initial plan →
 * contiguity repair → flow-guided balancing (min-cost flow over the beat adjacency graph) →
 * local search (balance first, then compactness with annealing; with an initial plan, the
 * change in workload units joins the objective and `maxChange` bounds it).
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import { approxDistanceKm } from '../geo/measure.js';
import type { Grid } from '../grid/grid.js';
import { createRng } from '../random.js';
import { type CellUnits, checkUnits } from '../units/assign.js';
import { isUnitGrid, majorityPerUnit, unitBalanceBound, unitGrid, unitSums, unitsToCells } from '../units/quotient.js';
import { balancedStart } from './balanced-start.js';
import { checkPlanGrid } from './evaluate.js';
import { flowGuidedBalance } from './flow-guide.js';
import { localSearch, type SearchContext, type SearchStats, searchParts } from './local-search.js';
import { Partition } from './partition.js';
import { recombineOutliers, recombineToBand } from './recombine.js';
import { apportion, buildRegions } from './regions.js';
import { repairPlan } from './repair.js';
import { relabelledStart } from './restart.js';
import { labelPieces, topologyOf } from './topology.js';
import { contiguityFloor, treeStart } from './tree-start.js';
import type { BeatMethod, BeatPlan, BeatPlanResult, IslandReport, PlanBeatsOptions, PlanScores, RegionReport } from './types.js';
import { balanceWeights, beatsOutsideBand, DEFAULT_TOLERANCE, planChange, toCellScores } from './weights.js';

/**
 * Share of the total workload that must sit above the band in a predecessor before minimal-
 * change planning without a budget re-cuts it (a fresh cut relabelled onto it) instead of
 * balancing it in place: Chicago's current beats carry ~25%, a plan re-balanced after a few
 * brush edits a few percent.
 */
export const RESTART_EXCESS = 0.1;

/**
 * Share of the band the spanning-tree start of a plan on units aims at (each beat within
 * mean × (1 ± 0.8 ε)), leaving the search room to move whole units.
 */
export const TREE_START_BAND = 0.8;

/** Beat id of beat index `b` among `K`: "B001"… (at least three digits). */
export function beatId(b: number, K: number): string {
  return `B${String(b + 1).padStart(Math.max(3, String(K).length), '0')}`;
}

/**
 * Partitions the grid's cells into K beats: every beat contiguous on the travel graph
 * (barrier cuts removed, bridges included), every cell assigned, workload balanced around the
 * mean, beats compact.
 *
 * - Balance: every beat's workload (on `balanceOn`) is steered into mean × (1 ± tolerance) of
 *   its region — first by transfers along a min-cost flow over the beat adjacency graph, then
 *   by single-cell moves — and kept there while compactness improves. Beats left outside the
 *   band (lumpy weights, whole beats per district, a change budget) are named in
 *   `report.outsideBand` and `report.unmet`.
 * - Compactness: Σ 1/Polsby-Popper + a little of the cut-edge count.
 * - Districts: beats never cross districts; each district gets beats in proportion to its
 *   workload (Huntington–Hill); a district piece too small for a beat is planned with the
 *   neighbouring district (warning).
 * - Islands (grid components under half a beat of workload): attached to the nearest beat
 *   (listed in `report.islands`; that beat is then not contiguous) or, with
 *   `islands: 'own-beat'`, made a beat of their own. Larger components get beats in
 *   proportion to workload like districts.
 * - Initial plan (minimal change): the search starts from it (pieces the grid splits off are
 *   repaired), balances by moving as little workload as it can and pays `changePenalty` per
 *   mean beat of workload moved (plus `changePerCell` per cell); `maxChange` caps the share
 *   of workload that may change beat. Locked beats and seed cells never move;
 *   `report.change` gives the moved workload and cell shares.
 * - Units (`options.units`, else `initial.units`): the cells of one unit always share a beat;
 *   planning runs on the unit graph and the plan carries its units (`report.units` gives the
 *   heaviest-unit bound; docs/units.md).
 * - Deterministic: the same grid, scores, options and seed give the same plan, unless
 *   `timeLimitMs` cut the search (`report.timedOut`).
 *
 * @param scores `CellScores`, or workload per cell (hours/week) as a `Float64Array`
 * @throws BeatplanError `BAD_INPUT` (bad option), `INFEASIBLE` (more beats than cells, or more
 *   regions than beats with `islands: 'own-beat'`), `PLAN_GRID_MISMATCH`, `ABORTED`
 * @example
 * const { plan, report } = planBeats(grid, scores, { beats: 274, seed: 7 });
 * const metrics = evaluatePlan(grid, plan, scores);
 */
export function planBeats(grid: Grid, scores: PlanScores, options: PlanBeatsOptions = {}): BeatPlanResult {
  const units = options.units ?? options.initial?.units;
  if (units) return planOnUnits(grid, scores, options, units);
  const now = options.now ?? (() => performance.now());
  const tStart = now();
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const n = grid.cellCount;
  const cs = toCellScores(grid, scores);
  const balanceOn = options.balanceOn ?? 'total';
  let weight = balanceWeights(cs, balanceOn);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance > 0 && tolerance < 1))
    throw new BeatplanError('BAD_INPUT', 'tolerance must be in (0, 1)', { field: 'tolerance', value: tolerance });
  const initial = options.initial;
  if (initial) checkPlanGrid(grid, initial);
  const K = options.beats ?? initial?.beatIds.length;
  if (K === undefined) throw new BeatplanError('BAD_INPUT', 'the number of beats is required (options.beats)', { field: 'beats' });
  if (initial && K !== initial.beatIds.length) {
    throw new BeatplanError('BAD_INPUT', `beats (${K}) must equal the beat count of the initial plan (${initial.beatIds.length})`, {
      field: 'beats',
      value: K,
    });
  }
  if (!Number.isInteger(K) || K < 1) throw new BeatplanError('BAD_INPUT', 'beats must be an integer >= 1', { field: 'beats', value: K });
  if (K > n) throw new BeatplanError('INFEASIBLE', `${K} beats cannot be made from ${n} cells`, { field: 'beats', value: K });
  const districts = options.districts;
  if (districts && districts.length !== n) {
    throw new BeatplanError('BAD_INPUT', `districts has ${districts.length} values, the grid ${n} cells`, {
      field: 'districts',
      value: districts.length,
    });
  }
  const seeds = [...(options.seeds ?? [])];
  if (seeds.length > K)
    throw new BeatplanError('BAD_INPUT', `${seeds.length} seeds for ${K} beats`, { field: 'seeds', value: seeds.length });
  for (const s of seeds) {
    if (!Number.isInteger(s) || s < 0 || s >= n)
      throw new BeatplanError('BAD_INPUT', `seed ${s} is not a cell of the grid`, { field: 'seeds', value: s });
  }
  if (new Set(seeds).size !== seeds.length) throw new BeatplanError('BAD_INPUT', 'seeds must be distinct cells', { field: 'seeds' });
  const maxChange = options.maxChange;
  if (maxChange !== undefined && !(maxChange >= 0 && maxChange <= 1))
    throw new BeatplanError('BAD_INPUT', 'maxChange must be a share in [0, 1]', { field: 'maxChange', value: maxChange });
  const unmet: string[] = [];
  if (maxChange !== undefined && !initial) unmet.push('maxChange was ignored: it needs an initial plan to measure change against');
  const islandPolicy = options.islands ?? 'attach';
  // Minimal change starts from the predecessor itself, unless it is far from balance and there
  // is no budget (nor seeds): then from a fresh cut relabelled onto it (restart.ts).
  const budgeted = maxChange !== undefined && maxChange < 1;
  let restart = false;
  const rng = createRng(options.seed ?? 1);
  const deadline = options.timeLimitMs !== undefined ? tStart + options.timeLimitMs : Infinity;
  const progress = (f: number) => options.onProgress?.(Math.min(1, f), 'plan');
  progress(0);

  // Locked beats (with an initial plan only).
  const lockedBeat = new Uint8Array(K);
  if (options.locked?.length && !initial) throw new BeatplanError('BAD_INPUT', 'locked beats need an initial plan', { field: 'locked' });
  if (initial) {
    for (let b = 0; b < K; b++) if (initial.locked[b]) lockedBeat[b] = 1;
    for (const l of options.locked ?? []) {
      const b = typeof l === 'number' ? l : initial.beatIds.indexOf(l);
      if (!Number.isInteger(b) || b < 0 || b >= K)
        throw new BeatplanError('BAD_INPUT', `locked beat ${String(l)} is not a beat of the initial plan`, { field: 'locked', value: l });
      lockedBeat[b] = 1;
    }
  }
  let kFree = 0;
  for (let b = 0; b < K; b++) if (!lockedBeat[b]) kFree++;

  let total = 0;
  for (let i = 0; i < n; i++) total += weight[i]!;
  if (!(total > 0)) {
    warnings.push('all workload is zero: beats are balanced on area instead');
    weight = grid.areaKm2;
  }

  const free = new Uint8Array(n);
  const pinned = new Uint8Array(n);
  const beatOfCell = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const b = initial ? initial.beatOfCell[i]! : -1;
    if (b >= 0 && lockedBeat[b]) {
      beatOfCell[i] = b;
      pinned[i] = 1;
    } else free[i] = 1;
  }
  const districtName = (d: number) => (d < 0 ? 'none' : (options.districtIds?.[d] ?? `D${d + 1}`));
  const regions = buildRegions(grid, weight, free, districts, kFree, islandPolicy, warnings, districtName);
  const R = regions.count;
  const regionOfBeat = new Int32Array(K).fill(-1);
  const target = new Float64Array(K);
  const beatsOfRegion = new Int32Array(R);
  const seedsOf: number[][] = Array.from({ length: R }, () => []);
  for (const s of seeds) {
    const r = regions.regionOfCell[s]!;
    if (r < 0) warnings.push(`seed cell ${grid.h3[s]} lies in a locked beat or an attached island; ignored`);
    else seedsOf[r]!.push(s);
  }

  if (!initial) {
    // Fresh plan: beats per region, balanced start per region.
    let seats = apportion(regions.weight, regions.cells, kFree);
    if (!seats) {
      throw new BeatplanError(
        'INFEASIBLE',
        `${R} separate regions (districts × connected pieces) need at least ${R} beats; ${kFree} given`,
        { field: 'beats', value: K },
      );
    }
    let next = 0;
    const cellsOf: number[][] = Array.from({ length: R }, () => []);
    for (let i = 0; i < n; i++) if (regions.regionOfCell[i]! >= 0) cellsOf[regions.regionOfCell[i]!]!.push(i);
    for (let r = 0; r < R; r++) {
      throwIfAborted(options.signal);
      const k = seats[r]!;
      const sd = seedsOf[r]!.slice(0, k);
      if (seedsOf[r]!.length > k)
        warnings.push(
          `${seedsOf[r]!.length - k} seed(s) dropped: region of district ${districtName(regions.district[r]!)} has only ${k} beats`,
        );
      // Whole units (lumpy, no seeds, some workload): recursive spanning-tree cuts aiming at
      // the band; else straight cuts.
      const cellsR = Int32Array.from(cellsOf[r]!);
      if (isUnitGrid(grid) && sd.length === 0 && regions.weight[r]! > 0 && cellsR.length >= k)
        treeStart(grid, weight, cellsR, k, next, TREE_START_BAND * tolerance, rng.fork(), beatOfCell);
      else balancedStart(grid, weight, cellsR, k, next, sd, rng.fork(), beatOfCell);
      sd.forEach((s) => (pinned[s] = 1));
      for (let b = next; b < next + k; b++) {
        regionOfBeat[b] = r;
        target[b] = regions.weight[r]! / k;
      }
      beatsOfRegion[r] = k;
      next += k;
      progress((0.15 * (r + 1)) / R);
    }
    seats = null;
  } else {
    // Initial plan: each unlocked beat belongs to the region holding most of its cells.
    for (let i = 0; i < n; i++) if (free[i]) beatOfCell[i] = initial.beatOfCell[i]!;
    const votes = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const b = beatOfCell[i]!;
      const r = regions.regionOfCell[i]!;
      if (b >= 0 && r >= 0 && !lockedBeat[b]) votes.set(b * (R + 1) + r, (votes.get(b * (R + 1) + r) ?? 0) + 1);
    }
    const bestVotes = new Int32Array(K);
    for (const [key, v] of [...votes.entries()].sort((x, y) => x[0] - y[0])) {
      const b = Math.floor(key / (R + 1));
      const r = key % (R + 1);
      if (v > bestVotes[b]!) {
        bestVotes[b] = v;
        regionOfBeat[b] = r;
      }
    }
    for (let b = 0; b < K; b++) if (!lockedBeat[b] && regionOfBeat[b]! >= 0) beatsOfRegion[regionOfBeat[b]!]++;
    for (let b = 0; b < K; b++) {
      if (lockedBeat[b]) continue;
      if (regionOfBeat[b]! < 0) {
        warnings.push(`beat ${initial.beatIds[b]} has no plannable cell; it stays empty`);
        continue;
      }
      target[b] = regions.weight[regionOfBeat[b]!]! / beatsOfRegion[regionOfBeat[b]!]!;
    }
    for (const s of seeds) if (regions.regionOfCell[s]! >= 0 && beatOfCell[s]! >= 0) pinned[s] = 1;
    // A predecessor far from balance (more than RESTART_EXCESS of the workload above the band)
    // without a budget is re-cut and relabelled; a nearly balanced one (a re-balance after a few
    // edits) is balanced in place.
    if (!budgeted && seeds.length === 0) {
      const load = new Float64Array(K);
      for (let i = 0; i < n; i++) if (beatOfCell[i]! >= 0) load[beatOfCell[i]!] += weight[i]!;
      let over = 0;
      for (let b = 0; b < K; b++) if (!lockedBeat[b] && target[b]! > 0) over += Math.max(0, load[b]! - target[b]! * (1 + tolerance));
      restart = total > 0 && over > RESTART_EXCESS * total;
    }
    if (restart) {
      const cellsOf: number[][] = Array.from({ length: R }, () => []);
      for (let i = 0; i < n; i++) if (regions.regionOfCell[i]! >= 0) cellsOf[regions.regionOfCell[i]!]!.push(i);
      const beatsOf: number[][] = Array.from({ length: R }, () => []);
      for (let b = 0; b < K; b++) if (!lockedBeat[b] && regionOfBeat[b]! >= 0) beatsOf[regionOfBeat[b]!]!.push(b);
      for (let r = 0; r < R; r++) {
        throwIfAborted(options.signal);
        if (beatsOf[r]!.length)
          relabelledStart(grid, weight, Int32Array.from(cellsOf[r]!), beatsOf[r]!, initial.beatOfCell, rng.fork(), beatOfCell);
      }
    }
    progress(0.15);
  }
  // Repair contiguity and fill the gaps; regions without a beat are handled like islands.
  const leftover = repairPlan({ grid, beatOfCell, beatCount: K, regionOfCell: regions.regionOfCell, regionOfBeat, pinned, weight, target });
  const islandReports: IslandReport[] = [];
  const attachSets = regions.islands.slice();
  if (leftover.length) {
    warnings.push(`${leftover.length} cells lie in regions without a beat; attached to the nearest beat`);
    attachSets.push(leftover);
  }
  for (const cells of attachSets) {
    const b = nearestBeat(grid, beatOfCell, cells);
    if (b < 0) continue;
    let w = 0;
    for (const i of cells) {
      beatOfCell[i] = b;
      pinned[i] = 1;
      w += weight[i]!;
    }
    islandReports.push({ component: grid.component[cells[0]!]!, cells: cells.length, workload: w, beat: b, policy: 'attach' });
    warnings.push(
      `island of ${cells.length} cells (component ${grid.component[cells[0]!]}) attached to beat ${beatId(b, K)}: that beat is not contiguous`,
    );
  }
  // Islands planned as their own beats (islands: 'own-beat') are reported too.
  if (islandPolicy === 'own-beat') {
    for (let r = 0; r < R; r++) {
      if (beatsOfRegion[r] === 1 && (regions.weight[r]! / total) * kFree < 0.5) {
        const b = regionOfBeat.indexOf(r);
        const first = regions.regionOfCell.indexOf(r);
        islandReports.push({
          component: grid.component[first]!,
          cells: regions.cells[r]!,
          workload: regions.weight[r]!,
          beat: b,
          policy: 'own-beat',
        });
      }
    }
  }
  timings.start = now() - tStart;
  progress(0.2);

  // Flow-guided balancing, then local search.
  const tSearch = now();
  const part = Partition.fromAssignment(grid, beatOfCell, K, [weight]);
  const stats: SearchStats = { sweeps: 0, tried: 0, accepted: 0, bfs: 0, timedOut: false };
  const compactSweeps = options.compactSweeps ?? 60;
  const plannedSweeps = 40 + compactSweeps + 40;
  const ctx: SearchContext = {
    part,
    target,
    regionOfBeat,
    lockedBeat,
    pinned,
    initialBeat: initial ? Int32Array.from(initial.beatOfCell) : undefined,
    band: tolerance,
    changePenalty: options.changePenalty ?? 1,
    changePerCell: options.changePerCell ?? 0.002,
    ...(initial && budgeted ? { changeBudget: maxChange! * total } : {}),
    cutWeight: options.cutEdgeWeight ?? 0.002,
    tendrilGuard: !!initial && !restart,
    rng: rng.fork(),
    bfsLimit: Math.max(2000, Math.ceil((4 * n) / K)),
    signal: options.signal,
    onSweep: () => progress(0.2 + (0.8 * Math.min(stats.sweeps, plannedSweeps)) / plannedSweeps),
    deadline,
    now,
  };
  const parts = searchParts(ctx);
  // Balance: transfers along min-cost flows, then single-cell moves; compactness (annealed
  // for fresh cuts, greedy from a predecessor); balance again; recombine what is still out.
  const flow1 = flowGuidedBalance(ctx, parts);
  localSearch(ctx, parts, { sweeps: 40 }, stats);
  timings.balance = now() - tSearch;
  const tCompact = now();
  localSearch(ctx, parts, { sweeps: compactSweeps, t0: initial && !restart ? 0 : 0.02 }, stats);
  localSearch(ctx, parts, { sweeps: 40 }, stats);
  const flow2 = flowGuidedBalance(ctx, parts);
  const recombined = recombineOutliers(ctx, parts, ctx.rng);
  // Whole units are lumpy: what single moves and pair cuts leave outside the band is moved
  // by tree cuts along flows (unit graphs only; cell plans are unchanged).
  if (isUnitGrid(grid)) {
    const more = recombineToBand(ctx, parts, ctx.rng);
    recombined.pairs += more.pairs;
    recombined.moves += more.moves;
  }
  if (flow2.moves > 0 || recombined.pairs > 0) localSearch(ctx, parts, { sweeps: 20 }, stats);
  timings.compact = now() - tCompact;

  // Methods, districts, ids.
  const method: BeatMethod[] = [];
  const changedBeat = initial ? changedBeats(initial.beatOfCell, beatOfCell, K) : new Uint8Array(K);
  const change = initial ? planChange(initial.beatOfCell, beatOfCell, weight) : undefined;
  for (let b = 0; b < K; b++) method.push(lockedBeat[b] ? 'locked' : initial && !changedBeat[b] ? 'initial' : 'heuristic');
  const plan: BeatPlan = {
    resolution: grid.resolution,
    cellCount: n,
    beatIds: initial ? [...initial.beatIds] : Array.from({ length: K }, (_, b) => beatId(b, K)),
    beatOfCell,
    locked: lockedBeat,
    ...(districts
      ? {
          districtOfBeat: Int32Array.from(regionOfBeat, (r, b) => (r >= 0 ? regions.district[r]! : (initial?.districtOfBeat?.[b] ?? -1))),
          districtIds: options.districtIds ? [...options.districtIds] : districtIdsFor(districts),
        }
      : initial?.districtOfBeat
        ? {
            districtOfBeat: Int32Array.from(initial.districtOfBeat),
            districtIds: initial.districtIds ? [...initial.districtIds] : undefined,
          }
        : {}),
    method,
  };
  timings.total = now() - tStart;
  progress(1);
  const regionReports: RegionReport[] = [];
  const mean = total > 0 ? (kFree > 0 ? sumFree(weight, free) / kFree : 0) : 0;
  for (let r = 0; r < R; r++) {
    const k = beatsOfRegion[r]!;
    regionReports.push({
      district: regions.district[r]!,
      cells: regions.cells[r]!,
      workload: regions.weight[r]!,
      beats: k,
      meanRatio: mean > 0 && k > 0 ? regions.weight[r]! / k / mean : 0,
    });
    if (mean > 0 && k > 0 && Math.abs(regions.weight[r]! / k / mean - 1) > tolerance) {
      warnings.push(
        `region of district ${districtName(regions.district[r]!)}: ${k} beats carry ${(regions.weight[r]! / k / mean).toFixed(3)}× the mean workload (whole beats per region limit the balance)`,
      );
    }
  }
  if (stats.timedOut)
    warnings.push(`time limit of ${options.timeLimitMs} ms reached: the search stopped early and the plan is not reproducible`);
  if (initial && change && maxChange !== undefined) {
    const over = changeBudgetExceeded(grid, initial.beatOfCell, beatOfCell, plan.beatIds, weight, change.movedWorkloadShare, maxChange);
    if (over) unmet.push(over);
  }
  const outside = beatsOutsideBand(part.sums[0]!, tolerance).map((b) => plan.beatIds[b]!);
  if (outside.length) {
    const why =
      change && maxChange !== undefined && change.movedWorkloadShare >= maxChange - 1e-3
        ? ` (the change budget of ${(maxChange * 100).toFixed(1)}% of the workload is spent)`
        : '';
    unmet.push(outsideBandMessage(outside, K, tolerance, why));
  }
  return {
    plan,
    report: {
      method,
      iterations: { sweeps: stats.sweeps, movesTried: stats.tried, movesAccepted: stats.accepted, bfsChecks: stats.bfs },
      ...(change
        ? {
            movedShare: change.movedCellShare,
            change: { movedWorkloadShare: change.movedWorkloadShare, movedCellShare: change.movedCellShare, budget: maxChange ?? null },
          }
        : {}),
      flow: { rounds: flow1.rounds + flow2.rounds, moves: flow1.moves + flow2.moves, recombinedPairs: recombined.pairs },
      ...(parts.noWorse ? { noWorseRange: { lo: Array.from(parts.noWorse.lo), hi: Array.from(parts.noWorse.hi) } } : {}),
      outsideBand: outside,
      unmet,
      timingsMs: timings,
      warnings,
      islands: islandReports,
      regions: regionReports,
      timedOut: stats.timedOut,
    },
  };
}

/** A share as a percentage with 3 significant digits (0.000216 → "0.0216%"). */
function percent(share: number): string {
  return `${share === 0 ? '0' : Number((share * 100).toPrecision(3))}%`;
}

/**
 * The warning when the moved workload share ends above the change budget `maxChange`, naming
 * why: the beats whose workload moved (gained or lost, heaviest first), and first among them
 * those the predecessor had in several pieces (the planner mends a beat's contiguity whatever
 * the budget); undefined within the budget.
 * @param weight the balanced measure per cell (the weight `movedShare` is a share of)
 * @example changeBudgetExceeded(grid, before, after, ids, weight, 0.000216, 0) // "the change budget of 0% … 0.0216% moved (mending the contiguity of beat B2 (2 pieces in the predecessor))"
 */
export function changeBudgetExceeded(
  grid: Grid,
  before: Int32Array,
  after: Int32Array,
  beatIds: readonly string[],
  weight: ArrayLike<number>,
  movedShare: number,
  maxChange: number,
): string | undefined {
  if (!(movedShare > maxChange + 1e-9)) return undefined;
  const K = beatIds.length;
  const moved = new Float64Array(K);
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a === b || !(weight[i]! > 0)) continue;
    if (a >= 0) moved[a] += weight[i]!;
    if (b >= 0) moved[b] += weight[i]!;
  }
  const { piecesOfBeat } = labelPieces(topologyOf(grid), before, K);
  const order = Array.from({ length: K }, (_, b) => b)
    .filter((b) => moved[b]! > 0)
    .sort((x, y) => moved[y]! - moved[x]! || x - y);
  const split = order.filter((b) => piecesOfBeat[b]! > 1).map((b) => `${beatIds[b]} (${piecesOfBeat[b]} pieces in the predecessor)`);
  const others = order.filter((b) => piecesOfBeat[b]! <= 1).map((b) => beatIds[b]!);
  const list = (ids: string[]) => (ids.length > 8 ? `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more` : ids.join(', '));
  const why = [
    ...(split.length ? [`mending the contiguity of beat${split.length > 1 ? 's' : ''} ${list(split)}`] : []),
    ...(others.length ? [`workload of beat${others.length > 1 ? 's' : ''} ${list(others)} moved with it`] : []),
  ].join('; ');
  return `the change budget of ${percent(maxChange)} of the workload is exceeded: ${percent(movedShare)} moved${why ? ` (${why})` : ''}`;
}

/** 1 for every beat that gained or lost a cell between two assignments. */
function changedBeats(before: Int32Array, after: Int32Array, K: number): Uint8Array {
  const changed = new Uint8Array(K);
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a !== b) {
      if (a >= 0) changed[a] = 1;
      if (b >= 0) changed[b] = 1;
    }
  }
  return changed;
}

/** The `report.unmet` line for beats outside the band (naming the first ten). */
function outsideBandMessage(outside: readonly string[], K: number, tolerance: number, why: string): string {
  const names = outside.slice(0, 10).join(', ') + (outside.length > 10 ? ', …' : '');
  return `${outside.length} of ${K} beats outside the band mean × (1 ± ${tolerance})${why}: ${names}`;
}

/**
 * `planBeats` with atomic units: plans on the unit graph (workload summed per unit; initial
 * beats, districts and seeds mapped onto units), then expands the plan back to cells. A unit
 * heavier than the top of the band, mean × (1 + tolerance), can only sit in a beat outside
 * the band, so (for fresh plans) each such unit seeds a beat of its own and the rest is
 * balanced to the band asked. Change, methods and the band are judged on cells.
 */
function planOnUnits(grid: Grid, scores: PlanScores, options: PlanBeatsOptions, units: CellUnits): BeatPlanResult {
  checkUnits(grid, units);
  const n = grid.cellCount;
  const U = units.unitIds.length;
  const cs = toCellScores(grid, scores);
  const weight = balanceWeights(cs, options.balanceOn ?? 'total');
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  if (!(tolerance > 0 && tolerance < 1))
    throw new BeatplanError('BAD_INPUT', 'tolerance must be in (0, 1)', { field: 'tolerance', value: tolerance });
  const initial = options.initial;
  if (initial) checkPlanGrid(grid, initial);
  const K = options.beats ?? initial?.beatIds.length;
  if (K !== undefined && K > U)
    throw new BeatplanError('INFEASIBLE', `${K} beats cannot be made from ${U} units`, { field: 'beats', value: K });
  const q = unitGrid(grid, units);
  const unitWeight = unitSums(units, weight);
  let total = 0;
  for (let u = 0; u < U; u++) total += unitWeight[u]!;
  // all-zero workload: the planner balances area, and so does the bound
  const bound = unitBalanceBound(units, total > 0 ? unitWeight : q.areaKm2, K ?? 1, tolerance);
  const warnings: string[] = [];
  const seeds: number[] = [];
  for (const s of options.seeds ?? []) {
    if (!Number.isInteger(s) || s < 0 || s >= n)
      throw new BeatplanError('BAD_INPUT', `seed ${s} is not a cell of the grid`, { field: 'seeds', value: s });
    const u = units.unitOfCell[s]!;
    if (seeds.includes(u))
      warnings.push(`seed cell ${grid.h3[s]} lies in unit ${units.unitIds[u]} with another seed; one beat starts there`);
    else seeds.push(u);
  }
  // Units heavier than the top of the band can only be outside it: each starts a beat of its
  // own (a seed, heaviest first), so the other beats are balanced to the band asked.
  const top = (K !== undefined ? (total > 0 ? total : 0) / K : 0) * (1 + tolerance);
  if (K !== undefined && top > 0 && !initial) {
    const heavy = [...unitWeight.keys()]
      .filter((u) => unitWeight[u]! > top && !seeds.includes(u))
      .sort((a, b) => unitWeight[b]! - unitWeight[a]! || a - b);
    seeds.push(...heavy.slice(0, Math.max(0, K - seeds.length)));
  }
  const districts = options.districts;
  if (districts && districts.length !== n) {
    throw new BeatplanError('BAD_INPUT', `districts has ${districts.length} values, the grid ${n} cells`, {
      field: 'districts',
      value: districts.length,
    });
  }
  const inner = planBeats(q, unitWeight, {
    ...options,
    units: undefined,
    balanceOn: 'total',
    initial: initial
      ? { ...initial, cellCount: U, beatOfCell: majorityPerUnit(units, initial.beatOfCell, weight, grid.areaKm2), units: undefined }
      : undefined,
    districts: districts ? majorityPerUnit(units, districts, grid.areaKm2, grid.areaKm2) : undefined,
    seeds,
  });
  const beatOfCell = unitsToCells(units, inner.plan.beatOfCell);
  const Kp = inner.plan.beatIds.length;
  const unmet: string[] = [];
  if (bound.reachableTolerance > tolerance) {
    unmet.push(
      `the band mean × (1 ± ${tolerance}) is unreachable with these units: unit ${bound.heaviestUnit} alone carries ${bound.heaviestOverMean.toFixed(3)}× the mean beat workload ` +
        `(narrowest band not ruled out: ± ${bound.reachableTolerance.toFixed(3)}); every unit above the band starts a beat of its own and the other beats are balanced to ± ${tolerance}`,
    );
  }
  // A light unit whose every neighbour is too heavy to join it also rules the band out (contiguity).
  const floorOf =
    total > 0 && K !== undefined && bound.reachableTolerance <= tolerance
      ? contiguityFloor(q, unitWeight, total / K, tolerance)
      : new Float64Array(0);
  const stuck = floorOf.reduce((best, f, u) => (f > floorOf[best]! ? u : best), 0);
  if ((floorOf[stuck] ?? 0) > tolerance) {
    const share = (u: number) => (unitWeight[u]! * K!) / total;
    let light = Infinity;
    for (let e = q.adjOffsets[stuck]!; e < q.adjOffsets[stuck + 1]!; e++) light = Math.min(light, share(q.adjTargets[e]!));
    unmet.push(
      `the band mean × (1 ± ${tolerance}) is unreachable with these units: unit ${units.unitIds[stuck]} carries ${share(stuck).toFixed(3)}× the mean beat workload and touches no unit lighter than ` +
        `${light.toFixed(3)}×, so its beat is at ${share(stuck).toFixed(3)}× alone or at least ${(share(stuck) + light).toFixed(3)}× (narrowest band not ruled out: ± ${floorOf[stuck]!.toFixed(3)})`,
    );
  }
  unmet.push(...inner.report.unmet.filter((m) => !/ beats outside the band /.test(m)));
  // method and change on cells, against the initial plan as given
  const method = [...inner.report.method];
  const change = initial ? planChange(initial.beatOfCell, beatOfCell, weight) : undefined;
  if (initial) {
    const changed = changedBeats(initial.beatOfCell, beatOfCell, Kp);
    for (let b = 0; b < Kp; b++) {
      if (method[b] === 'locked' && changed[b]) {
        unmet.push(
          `locked beat ${inner.plan.beatIds[b]} changed: units straddle its edge, and each whole unit follows the beat holding most of its workload`,
        );
      } else if (method[b] === 'initial' && changed[b]) method[b] = 'heuristic';
    }
  }
  const loads = new Float64Array(Kp);
  for (let i = 0; i < n; i++) if (beatOfCell[i]! >= 0) loads[beatOfCell[i]!] += total > 0 ? weight[i]! : grid.areaKm2[i]!;
  const outside = beatsOutsideBand(loads, tolerance).map((b) => inner.plan.beatIds[b]!);
  if (outside.length) unmet.push(outsideBandMessage(outside, Kp, tolerance, ''));
  const maxChange = options.maxChange;
  return {
    plan: { ...inner.plan, resolution: grid.resolution, cellCount: n, beatOfCell, method, units },
    report: {
      ...inner.report,
      method,
      ...(change
        ? {
            movedShare: change.movedCellShare,
            change: { movedWorkloadShare: change.movedWorkloadShare, movedCellShare: change.movedCellShare, budget: maxChange ?? null },
          }
        : {}),
      outsideBand: outside,
      unmet,
      // islands in grid terms: the grid component and the cells of the unit-graph component
      islands: inner.report.islands.map((isl) => {
        let cells = 0;
        let component = -1;
        for (let i = 0; i < n; i++) {
          if (q.component[units.unitOfCell[i]!] !== isl.component) continue;
          cells++;
          if (component < 0) component = grid.component[i]!;
        }
        return { ...isl, component, cells };
      }),
      warnings: [...warnings, ...inner.report.warnings.map((w) => w.replace(/\bcells\b/g, 'units'))],
      units: bound,
    },
  };
}

function sumFree(w: Float64Array, free: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) if (free[i]) s += w[i]!;
  return s;
}

function districtIdsFor(districts: Int32Array): string[] {
  let max = -1;
  for (let i = 0; i < districts.length; i++) if (districts[i]! > max) max = districts[i]!;
  return Array.from({ length: max + 1 }, (_, d) => `D${d + 1}`);
}

/** The beat of the assigned cell nearest (centre distance) to any cell of `cells`. */
function nearestBeat(grid: Grid, beatOfCell: Int32Array, cells: readonly number[]): number {
  const inSet = new Set(cells);
  let best = -1;
  let bestD = Infinity;
  // centroid of the set, then the nearest assigned cell outside it
  let x = 0;
  let y = 0;
  for (const i of cells) {
    x += grid.lng[i]!;
    y += grid.lat[i]!;
  }
  x /= cells.length;
  y /= cells.length;
  for (let j = 0; j < grid.cellCount; j++) {
    if (beatOfCell[j]! < 0 || inSet.has(j)) continue;
    const d = approxDistanceKm(x, y, grid.lng[j]!, grid.lat[j]!);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best >= 0 ? beatOfCell[best]! : -1;
}
