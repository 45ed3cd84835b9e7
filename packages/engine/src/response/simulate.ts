/**
 * `simulateResponse`: a discrete-event simulation of patrol response that replays calls
 * (real incidents or Poisson draws, see `simulate-calls.ts`) against a plan and its units on
 * duty, and reports what the calls met: queue wait, travel, response = wait + travel,
 * cross-beat dispatch, queued calls and unit utilisation — city-wide, per shift, per beat and
 * shift, per priority.
 *
 * The model, rule by rule:
 * - **Units on duty.** Beat b has `u[s][b]` units on duty in shift s on average (the time
 *   model's `unitsOnDuty`: officers × weekly hours ÷ shift hours, a fraction). The simulation
 *   puts `⌊u⌋` units on duty for every shift and one more for a whole shift with probability
 *   `u − ⌊u⌋` (drawn per shift and day, seeded): 2.57 units = 2 always + 1 on 57% of the shifts,
 *   so the unit-hours on duty match the time model in expectation.
 * - **Shift changes.** A beat's cars are numbered; in a shift, cars 0 … k−1 are on duty (k
 *   drawn as above). At the start of a shift window a car staffed in both shifts stays on the
 *   road (officers hand it over, a call it is on carries on); a car the new shift does not
 *   staff goes off duty once its call is done; a car the new shift adds comes on duty free,
 *   at a patrol position in its beat, taking a queued call first.
 * - **Positions.** A free unit patrols its beat: its position is an atom of the travel model
 *   drawn in proportion to the shift's workload there (the hypercube's `positionWeights`),
 *   redrawn each time it becomes free (instant return to patrol).
 * - **Dispatch.** A call goes to the nearest free unit of its own beat; if none is free, to
 *   the nearest free unit of the city; if no unit is free it waits in one city-wide queue,
 *   by priority (1 first) and first come first served within a priority, and is taken by the
 *   next unit that becomes free.
 * - **Travel and busy time.** Travel minutes = `atomTravelMinutes`: on the road graph when the
 *   travel model has roads (`withRoads`), else `atomDistanceKm` (RMS distance between the
 *   unit's and the call's atoms, plus the beat's barrier excess) × detour ÷ speed. A unit is
 *   busy from dispatch for the call's service minutes (time committed to the call, travel
 *   included, as the hypercube model counts it), at least its travel time.
 *
 * Everything is typed arrays and two binary heaps (completions by time; queued calls by
 * priority and order); the event loop allocates nothing per call. Deterministic for a seed.
 */
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import { MinHeap } from '../min-heap.js';
import type { BeatPlan } from '../plan/types.js';
import { createRng, pickCumulative } from '../random.js';
import { shiftLengthHours, shiftOfMinuteTable } from '../score/shifts.js';
import type { CellScores } from '../score/types.js';
import { positionWeights } from './estimate-response.js';
import { atomTravelMinutes } from './roads.js';
import { type SimulationCalls, shiftRuns, UNSPECIFIED_PRIORITY } from './simulate-calls.js';
import { buildTravelModel, type TravelModel } from './travel.js';

/** Options of {@link simulateResponse}. Every field has a default. */
export interface SimulateOptions {
  /** Seed of the on-duty and position draws (default 1). */
  seed?: number | string;
  /** Travel speed, km/h, of the straight-line model (default 30, as `estimateResponse`). */
  speedKmh?: number;
  /** Road over straight-line distance of the straight-line model (default 1.3, as `estimateResponse`). */
  detourFactor?: number;
  /** A travel model built before (share it with `estimateResponse`; with roads: `withRoads`); default built here. */
  travel?: TravelModel;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** What the calls of a group met. Shares in [0, 1], times in minutes; null = no calls. */
export interface SimulatedFigures {
  /** Calls of the group (by the beat of the call's cell, the shift of its arrival). */
  readonly calls: number;
  /** Mean units on duty (beats: theirs; shifts and city: all), over the group's hours. */
  readonly unitsOnDuty: number;
  /** Busy minutes (travel included) of the group's units on calls that arrived in its hours ÷ their on-duty minutes in those hours. */
  readonly utilisation: number | null;
  /** Share of the calls answered by a unit of another beat. */
  readonly crossBeatShare: number | null;
  /** Share of the calls that found no free unit in the city and waited in the queue. */
  readonly queuedShare: number | null;
  /** Mean wait in the queue, minutes (0 for calls dispatched at once). */
  readonly meanWaitMinutes: number | null;
  /** Mean travel time of the dispatched unit to the call, minutes. */
  readonly meanTravelMinutes: number | null;
  /** Response time = queue wait + travel, minutes: mean, median and 90th percentile (nearest rank). */
  readonly response: { readonly meanMinutes: number; readonly p50Minutes: number; readonly p90Minutes: number } | null;
}

/** What {@link simulateResponse} returns (plain JSON, rounded to 4 decimals). */
export interface SimulationResult {
  readonly city: SimulatedFigures;
  readonly shifts: ReadonlyArray<SimulatedFigures & { readonly shift: string }>;
  readonly beats: ReadonlyArray<
    SimulatedFigures & { readonly id: string; readonly shifts: ReadonlyArray<SimulatedFigures & { readonly shift: string }> }
  >;
  /** Per priority present in the calls (`"none"` for calls without one). */
  readonly priorities: ReadonlyArray<SimulatedFigures & { readonly priority: string }>;
  /** Calls still waiting when a shift started with no unit anywhere (0 unless a shift has no units). */
  readonly maxQueueLength: number;
  /** Calls whose service draw was shorter than the travel (the unit is busy for the travel). */
  readonly serviceShorterThanTravel: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Units on duty below this (a car on duty under a second a week) count as none, both when
 * the cars of a beat are counted and when a shift's fraction is drawn: with one threshold for
 * both, a beat never holds a car that is almost never on duty, which would leave the queue
 * waiting for it for millions of shifts.
 */
export const MIN_UNITS_ON_DUTY = 1e-6;
/** Calls still queued this many days after the period: the units on duty cannot answer them. */
const MAX_DRAIN_DAYS = 365;

/**
 * Runs the simulation (see the module doc for every rule).
 * @param unitsOnDuty mean units on duty `[shift][beat]` (fractions allowed), e.g. from
 *   `unitsOnDutyByShift(allocated officers, shift lengths, 36)`
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT` (shapes, negative units, bad
 *   speed), `INFEASIBLE` (calls but no unit on duty in any shift — under
 *   {@link MIN_UNITS_ON_DUTY} counts as none — or calls still queued a year after the period), `ABORTED`
 * @example
 * const calls = poissonCalls(grid, plan, scores, { days: 28 });
 * const sim = simulateResponse(grid, plan, scores, calls, [[1, 2], [2, 2], [1, 1]]);
 * sim.city.response?.p90Minutes;
 */
export function simulateResponse(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  calls: SimulationCalls,
  unitsOnDuty: ReadonlyArray<ArrayLike<number>>,
  options: SimulateOptions = {},
): SimulationResult {
  const { signal, onProgress } = options;
  const n = grid.cellCount;
  if (plan.cellCount !== n || plan.resolution !== grid.resolution)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the plan does not fit the grid', { field: 'plan', value: plan.cellCount });
  if (scores.cellCount !== n)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the scores do not fit the grid', { field: 'scores', value: scores.cellCount });
  const S = scores.shifts.length;
  const B = plan.beatIds.length;
  if (unitsOnDuty.length !== S)
    throw new BeatplanError('BAD_INPUT', `unitsOnDuty needs one row per shift (${S})`, { field: 'unitsOnDuty', value: unitsOnDuty.length });
  for (let s = 0; s < S; s++) {
    const row = unitsOnDuty[s]!;
    if (row.length !== B)
      throw new BeatplanError('BAD_INPUT', `unitsOnDuty[${s}] needs one value per beat (${B})`, {
        field: 'unitsOnDuty',
        row: s,
        value: row.length,
      });
    for (let b = 0; b < B; b++)
      if (!(row[b]! >= 0) || !Number.isFinite(row[b]!))
        throw new BeatplanError('BAD_INPUT', `units on duty must be finite and ≥ 0 (shift ${s}, beat ${plan.beatIds[b]})`, {
          field: 'unitsOnDuty',
          row: s,
          value: row[b],
        });
  }
  const speed = options.speedKmh ?? 30;
  const detour = options.detourFactor ?? 1.3;
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new BeatplanError('BAD_INPUT', 'speedKmh must be a finite number > 0', { field: 'speedKmh', value: speed });
  if (!(detour > 0) || !Number.isFinite(detour))
    throw new BeatplanError('BAD_INPUT', 'detourFactor must be a finite number > 0', { field: 'detourFactor', value: detour });
  const minPerKm = (detour / speed) * 60;
  const travel = options.travel ?? buildTravelModel(grid, plan, { cellWeights: scores.workloadHours, signal });
  if (travel.atomOfCell.length !== n || travel.beatAtomOffsets.length !== B + 1)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the travel model was built for another plan', { field: 'travel' });
  const J = travel.atomCount;
  const atomOfCell = travel.atomOfCell;
  onProgress?.(0.05, 'simulate');

  // --- Units: beat b has cars [unitStart[b], unitStart[b+1]), enough for its largest shift.
  const unitStart = new Int32Array(B + 1);
  for (let b = 0; b < B; b++) {
    let most = 0;
    for (let s = 0; s < S; s++) most = Math.max(most, Math.ceil(unitsOnDuty[s]![b]! - MIN_UNITS_ON_DUTY));
    if (most > 0 && travel.beatAtomOffsets[b] === travel.beatAtomOffsets[b + 1]) most = 0; // no cells: nowhere to patrol
    unitStart[b + 1] = unitStart[b]! + most;
  }
  const U = unitStart[B]!;
  if (U === 0 && calls.count > 0)
    throw new BeatplanError('INFEASIBLE', 'no unit is on duty in any shift: the calls cannot be answered', { field: 'unitsOnDuty' });
  const unitBeat = new Int32Array(U);
  for (let b = 0; b < B; b++) for (let u = unitStart[b]!; u < unitStart[b + 1]!; u++) unitBeat[u] = b;
  const unitOn = new Uint8Array(U);
  const unitBusy = new Uint8Array(U);
  const unitAtom = new Int32Array(U);
  const freeList = new Int32Array(U);
  const freeAt = new Int32Array(U).fill(-1);
  let freeCount = 0;
  const addFree = (u: number) => {
    freeAt[u] = freeCount;
    freeList[freeCount++] = u;
  };
  const removeFree = (u: number) => {
    const k = freeAt[u]!;
    const last = freeList[--freeCount]!;
    freeList[k] = last;
    freeAt[last] = k;
    freeAt[u] = -1;
  };

  // --- Patrol positions per shift: cumulative weights over each beat's atoms.
  const posCum: Float64Array[] = [];
  for (let s = 0; s < S; s++) {
    const wl = scores.shiftWorkloadHours[s]!;
    const lambda = new Float64Array(J);
    for (let i = 0; i < n; i++) {
      const a = atomOfCell[i]!;
      if (a >= 0) lambda[a]! += Math.max(0, wl[i]!);
    }
    const w = positionWeights(travel, lambda, B);
    const cum = new Float64Array(J);
    for (let b = 0; b < B; b++) {
      let t = 0;
      for (let e = travel.beatAtomOffsets[b]!; e < travel.beatAtomOffsets[b + 1]!; e++) {
        t += w[travel.beatAtoms[e]!]!;
        cum[e] = t;
      }
    }
    posCum.push(cum);
  }
  const rng = createRng(options.seed ?? 1);
  const drawPosition = (u: number, s: number) => {
    const b = unitBeat[u]!;
    const hi = travel.beatAtomOffsets[b + 1]! - 1;
    const cum = posCum[s < 0 ? 0 : s]!;
    unitAtom[u] = travel.beatAtoms[pickCumulative(cum, rng.next() * cum[hi]!, travel.beatAtomOffsets[b]!, hi)]!;
  };

  // --- Per-call results.
  const N = calls.count;
  const { timeMinutes, cell, serviceMinutes, priority } = calls;
  const waitMin = new Float64Array(N);
  const travelMin = new Float64Array(N);
  const servedBeat = new Int32Array(N);
  const queued = new Uint8Array(N);
  const callShift = new Int8Array(N);
  const shiftOfMinute = shiftOfMinuteTable(scores.shifts);
  for (let c = 0; c < N; c++) {
    const m = Math.floor(timeMinutes[c]!) % 1440;
    callShift[c] = shiftOfMinute[m < 0 ? m + 1440 : m]!;
    if (plan.beatOfCell[cell[c]!]! < 0 || atomOfCell[cell[c]!]! < 0)
      throw new BeatplanError('BAD_INPUT', `call ${c} lies in a cell of no beat`, { field: 'calls', row: c, value: cell[c] });
  }
  // Busy and on-duty unit-minutes per (shift, beat).
  const busyMin = new Float64Array(S * B);
  const onMin = new Float64Array(S * B);
  let shortService = 0;

  const completions = new MinHeap(Math.max(16, U));
  const queue = new MinHeap(1024);
  let maxQueue = 0;
  let curShift = -1;

  const dispatch = (c: number, u: number, t: number) => {
    const b = unitBeat[u]!;
    const tr = atomTravelMinutes(travel, unitAtom[u]!, atomOfCell[cell[c]!]!, b, minPerKm);
    let busy = serviceMinutes[c]!;
    if (busy < tr) {
      busy = tr;
      shortService++;
    }
    unitBusy[u] = 1;
    if (freeAt[u]! >= 0) removeFree(u);
    completions.push(t + busy, u);
    waitMin[c] = t - timeMinutes[c]!;
    travelMin[c] = tr;
    servedBeat[c] = b;
    const sh = callShift[c]!;
    if (sh >= 0) busyMin[sh * B + b]! += busy;
  };
  /** A unit is free now: take the head of the queue, or wait for calls at a new patrol position. */
  const release = (u: number, t: number) => {
    drawPosition(u, curShift);
    if (queue.size > 0) dispatch(queue.pop(), u, t);
    else addFree(u);
  };

  // --- Shift changes: runs of the minute-of-day table.
  const runs = shiftRuns(shiftOfMinute);
  const periodMinutes = calls.days * 1440;
  const onCount = new Int32Array(B);
  let lastChange = 0;
  let runIndex = 0;
  let day = 0;
  const nextChangeTime = () => day * 1440 + runs[runIndex]!.start;
  const applyChange = (t: number) => {
    // on-duty minutes of the segment that ends now (inside the period only)
    const segEnd = Math.min(t, periodMinutes);
    if (curShift >= 0 && segEnd > lastChange) for (let b = 0; b < B; b++) onMin[curShift * B + b]! += onCount[b]! * (segEnd - lastChange);
    lastChange = t;
    const s = runs[runIndex]!.shift;
    curShift = s;
    // Cars 0 … want−1 of each beat are on duty: ⌊u⌋, one more with probability u − ⌊u⌋.
    for (let b = 0; b < B; b++) {
      const lo = unitStart[b]!;
      const hi = unitStart[b + 1]!;
      let want = 0;
      if (s >= 0 && hi > lo) {
        const x = unitsOnDuty[s]![b]!;
        const whole = Math.floor(x + MIN_UNITS_ON_DUTY);
        want = Math.min(hi - lo, whole + (x - whole > MIN_UNITS_ON_DUTY && rng.next() < x - whole ? 1 : 0));
      }
      onCount[b] = want;
      for (let u = lo; u < hi; u++) {
        const on = u - lo < want ? 1 : 0;
        if (on === unitOn[u]) continue;
        unitOn[u] = on;
        if (unitBusy[u]) continue; // on a call: finishes it first
        if (on) release(u, t);
        else removeFree(u);
      }
    }
    runIndex++;
    if (runIndex === runs.length) {
      runIndex = 0;
      day++;
    }
  };

  // --- The event loop.
  let next = 0;
  // Progress every 5% of the calls (the abort check every 8,192 calls).
  const progressEvery = Math.max(1, Math.floor(N / 20));
  let nextProgress = progressEvery;
  while (next < N || completions.size > 0 || queue.size > 0) {
    const tArr = next < N ? timeMinutes[next]! : Infinity;
    const tDone = completions.peekKey();
    const tChange = nextChangeTime();
    if (tChange <= tArr && tChange <= tDone) {
      if (next >= N && tChange > periodMinutes + MAX_DRAIN_DAYS * 1440) {
        throw new BeatplanError(
          'INFEASIBLE',
          `${queue.size} calls were still queued ${MAX_DRAIN_DAYS} days after the period: too few units on duty to answer them (a shift's units on duty near 0?)`,
          { field: 'unitsOnDuty' },
        );
      }
      if ((day & 63) === 0 && runIndex === 0) throwIfAborted(signal);
      applyChange(tChange);
      continue;
    }
    if (tDone <= tArr) {
      const u = completions.pop();
      unitBusy[u] = 0;
      if (unitOn[u]) release(u, tDone);
      continue;
    }
    // An arrival.
    const c = next++;
    if ((c & 8191) === 0) throwIfAborted(signal);
    if (c >= nextProgress) {
      nextProgress += progressEvery;
      onProgress?.(0.05 + (0.85 * c) / Math.max(1, N), 'simulate');
    }
    const own = plan.beatOfCell[cell[c]!]!;
    const target = atomOfCell[cell[c]!]!;
    let best = -1;
    let bestT = Infinity;
    for (let u = unitStart[own]!; u < unitStart[own + 1]!; u++) {
      if (freeAt[u]! < 0) continue;
      const d = atomTravelMinutes(travel, unitAtom[u]!, target, own, minPerKm);
      if (d < bestT) {
        bestT = d;
        best = u;
      }
    }
    if (best < 0) {
      for (let k = 0; k < freeCount; k++) {
        const u = freeList[k]!;
        const d = atomTravelMinutes(travel, unitAtom[u]!, target, unitBeat[u]!, minPerKm);
        if (d < bestT || (d === bestT && u < best)) {
          bestT = d;
          best = u;
        }
      }
    }
    if (best >= 0) dispatch(c, best, tArr);
    else {
      queued[c] = 1;
      queue.push(priority[c]! * 4294967296 + c, c);
      if (queue.size > maxQueue) maxQueue = queue.size;
    }
  }
  // Close the on-duty accounting at the end of the period.
  while (nextChangeTime() <= periodMinutes) applyChange(nextChangeTime());
  if (curShift >= 0 && periodMinutes > lastChange)
    for (let b = 0; b < B; b++) onMin[curShift * B + b]! += onCount[b]! * (periodMinutes - lastChange);
  onProgress?.(0.92, 'simulate');

  // --- Figures.
  const response = new Float64Array(N);
  for (let c = 0; c < N; c++) response[c] = waitMin[c]! + travelMin[c]!;
  const shiftMinutesPerDay = scores.shifts.map((sh) => shiftLengthHours(sh) * 60);
  /** Figures of the calls `members`; `on`/`busy` unit-minutes over `minutes` of the period (on < 0: utilisation not defined). */
  const fig = (members: ArrayLike<number>, count: number, on: number, busy: number, minutes: number): SimulatedFigures => {
    let cross = 0;
    let q = 0;
    let w = 0;
    let tr = 0;
    const resp = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const c = members[k]!;
      if (servedBeat[c] !== plan.beatOfCell[cell[c]!]) cross++;
      q += queued[c]!;
      w += waitMin[c]!;
      tr += travelMin[c]!;
      resp[k] = response[c]!;
    }
    resp.sort();
    let sum = 0;
    for (let k = 0; k < count; k++) sum += resp[k]!;
    const rank = (p: number) => resp[Math.max(0, Math.ceil(p * count) - 1)]!;
    return {
      calls: count,
      unitsOnDuty: r4(minutes > 0 ? Math.abs(on) / minutes : 0),
      utilisation: on > 0 ? r4(busy / on) : null,
      crossBeatShare: count > 0 ? r4(cross / count) : null,
      queuedShare: count > 0 ? r4(q / count) : null,
      meanWaitMinutes: count > 0 ? r4(w / count) : null,
      meanTravelMinutes: count > 0 ? r4(tr / count) : null,
      response: count > 0 ? { meanMinutes: r4(sum / count), p50Minutes: r4(rank(0.5)), p90Minutes: r4(rank(0.9)) } : null,
    };
  };
  // Calls grouped by (beat, shift): counting sort on key b·S + s.
  const offsets = new Int32Array(B * S + 1);
  for (let c = 0; c < N; c++) if (callShift[c]! >= 0) offsets[plan.beatOfCell[cell[c]!]! * S + callShift[c]! + 1]!++;
  for (let g = 0; g < B * S; g++) offsets[g + 1]! += offsets[g]!;
  const byGroup = new Int32Array(offsets[B * S]!);
  const fillAt = offsets.slice(0, B * S);
  for (let c = 0; c < N; c++) if (callShift[c]! >= 0) byGroup[fillAt[plan.beatOfCell[cell[c]!]! * S + callShift[c]!]!++] = c;
  const sumOn = (s: number, b0: number, b1: number) => {
    let t = 0;
    for (let b = b0; b < b1; b++) t += onMin[s * B + b]!;
    return t;
  };
  const sumBusy = (s: number, b0: number, b1: number) => {
    let t = 0;
    for (let b = b0; b < b1; b++) t += busyMin[s * B + b]!;
    return t;
  };
  const days = calls.days;
  const beats = plan.beatIds.map((id, b) => {
    const shifts = scores.shifts.map((sh, s) => ({
      shift: sh.id,
      ...fig(
        byGroup.subarray(offsets[b * S + s]!, offsets[b * S + s + 1]!),
        offsets[b * S + s + 1]! - offsets[b * S + s]!,
        onMin[s * B + b]!,
        busyMin[s * B + b]!,
        days * shiftMinutesPerDay[s]!,
      ),
    }));
    let on = 0;
    let busy = 0;
    for (let s = 0; s < S; s++) {
      on += onMin[s * B + b]!;
      busy += busyMin[s * B + b]!;
    }
    const lo = offsets[b * S]!;
    const hi = offsets[b * S + S]!;
    return { id, ...fig(byGroup.subarray(lo, hi), hi - lo, on, busy, periodMinutes), shifts };
  });
  onProgress?.(0.96, 'simulate');
  const shifts = scores.shifts.map((sh, s) => {
    const members: number[] = [];
    for (let c = 0; c < N; c++) if (callShift[c] === s) members.push(c);
    return { shift: sh.id, ...fig(members, members.length, sumOn(s, 0, B), sumBusy(s, 0, B), days * shiftMinutesPerDay[s]!) };
  });
  let onAll = 0;
  let busyAll = 0;
  for (let s = 0; s < S; s++) {
    onAll += sumOn(s, 0, B);
    busyAll += sumBusy(s, 0, B);
  }
  const all = new Int32Array(N);
  for (let c = 0; c < N; c++) all[c] = c;
  const city = fig(all, N, onAll, busyAll, periodMinutes);
  const present = [...new Set(priority)].sort((a, b) => a - b);
  const priorities = present.map((p) => {
    const members: number[] = [];
    for (let c = 0; c < N; c++) if (priority[c] === p) members.push(c);
    return { priority: p === UNSPECIFIED_PRIORITY ? 'none' : String(p), ...fig(members, members.length, -onAll, 0, periodMinutes) };
  });
  onProgress?.(1, 'simulate');
  return { city, shifts, beats, priorities, maxQueueLength: maxQueue, serviceShorterThanTravel: shortService };
}
