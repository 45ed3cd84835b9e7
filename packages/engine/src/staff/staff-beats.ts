/**
 * `staffBeats`: officers per beat per shift (exact allocation), vehicles, and named assignments
 * with beat continuity (exact min-cost flow), per shift.
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import { createRng } from '../random.js';
import { shiftLengthHours } from '../score/shifts.js';
import { flowNetworkToModel } from '../solver/min-cost-flow.js';
import { solve } from '../solver/solve.js';
import { type AllocationProblem, allocateOfficers, allocationModel, DEFAULT_SURPLUS_CONTINUITY } from './allocate.js';
import { type AssignOfficer, assignOfficers } from './assign.js';
import {
  communityShortfallOf,
  DEFAULT_MIN_OFFICERS_PER_BEAT,
  DEFAULT_OFFICER_HOURS_PER_WEEK,
  DEFAULT_SATURATION_TARGET,
  requiredOfficers,
  saturationOf,
} from './time-model.js';
import type {
  Assignment,
  BeatMode,
  BeatShiftStaffing,
  BeatStaffing,
  Officer,
  ShiftSummary,
  SolvedPart,
  StaffingInput,
  StaffingResult,
  StaffOptions,
  UnfilledSlot,
} from './types.js';
import { allocateVehicles, beatMode } from './vehicles.js';

/**
 * Sizes up to which `verifyWithSolver: 'auto'` cross-checks with `solve()` (javascript-lp-solver
 * answers these in well under a second; larger cross-checks go to HiGHS and take seconds, see the bench).
 */
export const AUTO_VERIFY = { maxBeats: 16, maxArcs: 600 } as const;

/** Default ranks counted as senior (upper-case comparison). */
export const DEFAULT_SENIOR_RANKS: readonly string[] = [
  'SGT',
  'SERGEANT',
  'FTO',
  'SENIOR',
  'SPO',
  'CPL',
  'CORPORAL',
  'DET',
  'DETECTIVE',
  'LT',
  'LIEUTENANT',
];

/** Resolved option values (defaults applied). */
export interface ResolvedStaffOptions {
  officerHoursPerWeek: number;
  saturationTarget: number;
  minOfficersPerBeat: number;
  needShare: number[];
  weights: {
    saturation: number;
    communityShortfall: number;
    continuity: number;
    seniority: number;
    skillMissing: number;
    surplusContinuity: number;
  };
}

/** Applies the documented defaults of {@link StaffOptions} and validates them. */
export function resolveStaffOptions(input: StaffingInput, o: StaffOptions = {}): ResolvedStaffOptions {
  const h = o.officerHoursPerWeek ?? DEFAULT_OFFICER_HOURS_PER_WEEK;
  const sigma = o.saturationTarget ?? DEFAULT_SATURATION_TARGET;
  const min = o.minOfficersPerBeat ?? DEFAULT_MIN_OFFICERS_PER_BEAT;
  const bad = (field: string, value: unknown, msg: string) => new BeatplanError('BAD_INPUT', `staffBeats: ${msg}`, { field, value });
  if (!(h > 0)) throw bad('officerHoursPerWeek', h, 'officerHoursPerWeek must be > 0');
  if (!(sigma > 0 && sigma <= 1)) throw bad('saturationTarget', sigma, 'saturationTarget must be in (0, 1]');
  if (!(Number.isInteger(min) && min >= 0)) throw bad('minOfficersPerBeat', min, 'minOfficersPerBeat must be an integer ≥ 0');
  const lengths = input.shifts.map((s) => shiftLengthHours(s));
  const totalLen = lengths.reduce((a, x) => a + x, 0);
  const needShare = o.needShareByShift ? [...o.needShareByShift] : lengths.map((l) => l / totalLen);
  if (needShare.length !== input.shifts.length || needShare.some((x) => !(x >= 0))) {
    throw bad('needShareByShift', o.needShareByShift, 'needShareByShift needs one share ≥ 0 per shift');
  }
  const w = o.weights ?? {};
  const weights = {
    saturation: w.saturation ?? 1,
    communityShortfall: w.communityShortfall ?? 1,
    continuity: w.continuity ?? 10,
    seniority: w.seniority ?? 1,
    skillMissing: w.skillMissing ?? 1000,
    surplusContinuity: w.surplusContinuity ?? DEFAULT_SURPLUS_CONTINUITY,
  };
  for (const [k, v] of Object.entries(weights)) if (!(v >= 0)) throw bad(`weights.${k}`, v, 'weights must be ≥ 0');
  return { officerHoursPerWeek: h, saturationTarget: sigma, minOfficersPerBeat: min, needShare, weights };
}

/**
 * The staffing rule without a roster: officers each beat needs in each shift from the time
 * model alone (`requiredOfficers` with the resolved options). Used to compare plans under
 * the same rule (e.g. response figures of a proposed plan and of the current beats).
 * @returns `[shift][beat]` officer counts
 * @throws BeatplanError `BAD_INPUT` for invalid options
 * @example const units = requiredByShift(staffingInputFromPlan(data)); // units[0][3]
 */
export function requiredByShift(input: StaffingInput, options: StaffOptions = {}): Int32Array[] {
  const opt = resolveStaffOptions(input, options);
  return input.shifts.map((_, s) =>
    Int32Array.from(input.beats, (beat) =>
      requiredOfficers(
        beat.shiftWorkloadHours[s]!,
        beat.needHours * opt.needShare[s]!,
        opt.officerHoursPerWeek,
        opt.saturationTarget,
        opt.minOfficersPerBeat,
      ),
    ),
  );
}

function validateInput(input: StaffingInput): void {
  const S = input.shifts.length;
  if (S === 0) throw new BeatplanError('BAD_INPUT', 'staffBeats: no shifts', { field: 'shifts' });
  const seen = new Set<string>();
  input.beats.forEach((b, i) => {
    if (seen.has(b.id)) throw new BeatplanError('BAD_INPUT', 'staffBeats: duplicate beat id', { row: i, field: 'id', value: b.id });
    seen.add(b.id);
    if (b.shiftWorkloadHours.length !== S) {
      throw new BeatplanError('BAD_INPUT', `staffBeats: beat ${b.id} has ${b.shiftWorkloadHours.length} shift workloads for ${S} shifts`, {
        row: i,
        field: 'shiftWorkloadHours',
        value: b.shiftWorkloadHours.length,
      });
    }
    for (const w of b.shiftWorkloadHours) {
      if (!(Number.isFinite(w) && w >= 0))
        throw new BeatplanError('BAD_INPUT', `staffBeats: beat ${b.id} has a bad workload`, {
          row: i,
          field: 'shiftWorkloadHours',
          value: w,
        });
    }
    if (!(Number.isFinite(b.needHours) && b.needHours >= 0))
      throw new BeatplanError('BAD_INPUT', `staffBeats: beat ${b.id} has bad needHours`, {
        row: i,
        field: 'needHours',
        value: b.needHours,
      });
    if (!(Number.isFinite(b.areaKm2) && b.areaKm2 >= 0))
      throw new BeatplanError('BAD_INPUT', `staffBeats: beat ${b.id} has bad areaKm2`, { row: i, field: 'areaKm2', value: b.areaKm2 });
  });
}

/** Index of the shift an officer's `shift` field names: an id, or a 1-based watch number; −1 when unknown. */
export function shiftIndexOf(input: StaffingInput, shift: string): number {
  const s = shift.trim();
  const exact = input.shifts.findIndex((w) => w.id === s);
  if (exact >= 0) return exact;
  const lower = input.shifts.findIndex((w) => w.id.toLowerCase() === s.toLowerCase());
  if (lower >= 0) return lower;
  if (/^\d+$/.test(s)) {
    const k = Number(s);
    if (k >= 1 && k <= input.shifts.length) return k - 1;
  }
  return -1;
}

/**
 * Staffs every beat in every shift and assigns the roster's officers by name.
 *
 * Per shift (the model decomposes exactly by shift, since every officer belongs to one):
 * 1. time model → required officers per beat ({@link requiredOfficers});
 * 2. exact allocation of the shift's available officers ({@link allocateOfficers});
 * 3. vehicles from the fleet (busiest car beats first; foot/bike beats need no car);
 * 4. exact named assignment maximising skills, then continuity, then seniority spread
 *    ({@link assignOfficers}, a min-cost flow with an LP-duality certificate).
 * With `verifyWithSolver` the allocation MIP and the assignment LP are also solved through
 * `solve()` and must reach the same objective. Nothing random unless a what-if scenario takes
 * officers out by count (seeded).
 *
 * @param input shifts and beats (see {@link staffingInputFromPlan})
 * @param roster officers (see `readRoster`)
 * @throws BeatplanError `BAD_INPUT` for malformed input/options; `INFEASIBLE` when a shift has
 *   fewer available officers than the beats' minimum staffing (the message names the shift and
 *   the numbers); `SOLVER_FAILED` when a cross-check disagrees; `ABORTED`
 * @example
 * const result = await staffBeats(input, roster, { fleet, successorOf });
 * console.log(result.continuity.percent, result.shifts[0].maxSaturation);
 */
export async function staffBeats(input: StaffingInput, roster: readonly Officer[], options: StaffOptions = {}): Promise<StaffingResult> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  validateInput(input);
  const opt = resolveStaffOptions(input, options);
  const S = input.shifts.length;
  const B = input.beats.length;
  const h = opt.officerHoursPerWeek;
  const beatIndex = new Map(input.beats.map((b, i) => [b.id, i]));
  const modes: BeatMode[] = input.beats.map((b) => beatMode(b, options.beatModes));
  const factor = input.beats.map((b) => options.scenario?.workloadFactorByBeat?.[b.id] ?? 1);
  factor.forEach((f, i) => {
    if (!(f >= 0 && Number.isFinite(f))) {
      throw new BeatplanError('BAD_INPUT', 'staffBeats: workload factor must be a finite number ≥ 0', {
        field: 'workloadFactorByBeat',
        value: { [input.beats[i]!.id]: f },
      });
    }
  });
  const rosterIssues: Array<{ officerId: string; field: string; value: string; reason: string }> = [];
  const seniorRanks = new Set((options.seniorRanks ?? DEFAULT_SENIOR_RANKS).map((r) => r.toUpperCase()));
  const nonCar = options.nonCarVehicleTypes ?? ['bike', 'bicycle', 'foot'];
  const verify = options.verifyWithSolver ?? 'auto';
  // Fleet rows name shifts like roster rows do (id or watch number): normalise to shift ids.
  const fleet = options.fleet?.flatMap((f) => {
    const s = shiftIndexOf(input, f.shift);
    if (s < 0) {
      rosterIssues.push({ officerId: '', field: 'fleet.shift', value: f.shift, reason: 'unknown shift in the fleet; row ignored' });
      return [];
    }
    return [{ ...f, shift: input.shifts[s]!.id }];
  });
  const timeLimitMs = options.solverTimeLimitMs ?? 20_000;

  // Roster → shifts, targets, what-if removals.
  const officersOfShift: number[][] = Array.from({ length: S }, () => []);
  const notConsidered: Array<{ i: number; reason: string }> = [];
  roster.forEach((o, i) => {
    if (!o.available) {
      notConsidered.push({ i, reason: 'not available (roster)' });
      return;
    }
    const s = shiftIndexOf(input, o.shift);
    if (s < 0) {
      notConsidered.push({ i, reason: `unknown shift "${o.shift}"` });
      rosterIssues.push({
        officerId: o.id,
        field: 'shift',
        value: o.shift,
        reason: `unknown shift; expected one of ${input.shifts.map((w) => w.id).join(', ')} or 1..${S}`,
      });
      return;
    }
    officersOfShift[s]!.push(i);
  });
  const out = new Set<number>();
  const rng = createRng(options.scenario?.seed ?? 1);
  for (const spec of options.scenario?.officersOut ?? []) {
    const s = shiftIndexOf(input, spec.shift);
    if (s < 0) throw new BeatplanError('BAD_INPUT', 'what-if: unknown shift', { field: 'officersOut.shift', value: spec.shift });
    for (const id of spec.officerIds ?? []) {
      const i = officersOfShift[s]!.find((k) => roster[k]!.id === id);
      if (i === undefined)
        throw new BeatplanError('BAD_INPUT', `what-if: officer is not available in shift ${input.shifts[s]!.id}`, {
          field: 'officersOut.officerIds',
          value: id,
        });
      out.add(i);
    }
    const pool = officersOfShift[s]!.filter((k) => !out.has(k)).sort((a, c) => (roster[a]!.id < roster[c]!.id ? -1 : 1));
    const count = spec.count ?? 0;
    if (count > pool.length)
      throw new BeatplanError(
        'BAD_INPUT',
        `what-if: ${count} officers out but only ${pool.length} available in shift ${input.shifts[s]!.id}`,
        { field: 'officersOut.count', value: count },
      );
    for (let k = 0; k < count; k++) {
      const j = k + rng.int(pool.length - k);
      [pool[k], pool[j]] = [pool[j]!, pool[k]!];
      out.add(pool[k]!);
    }
  }
  // A roster's current beats are read against the plan they were made for (see StaffOptions.succession).
  const succession = options.succession;
  const basis = succession
    ? succession.parent
    : options.successorOf
      ? 'a successor table'
      : 'this plan (no parent: current beats name its beats)';
  const targetOf = (o: Officer): number => {
    if (!o.currentBeat) return -1;
    if (succession) {
      const s = succession.parentBeats.has(o.currentBeat) ? succession.beats.get(o.currentBeat) : undefined;
      return s?.successor ? (beatIndex.get(s.successor) ?? -1) : -1;
    }
    const succ = options.successorOf?.[o.currentBeat] ?? o.currentBeat;
    return beatIndex.get(succ) ?? -1;
  };
  /** Share of the officer's old beat's workload that new beat `b` holds. */
  const shareHeld = (o: Officer, b: number): number => {
    if (b < 0 || !o.currentBeat) return 0;
    if (succession) return succession.beats.get(o.currentBeat)?.shares.get(input.beats[b]!.id) ?? 0;
    return b === targetOf(o) ? 1 : 0;
  };
  const unknownCurrentBeats: Array<{ officerId: string; name: string; currentBeat: string }> = [];
  const skipped = new Set(notConsidered.map((n) => n.i));
  // A current beat is known when the plan the roster was made for has it: the parent with a
  // succession, else the successor table or this plan itself.
  const known = (beat: string) =>
    succession ? succession.parentBeats.has(beat) : options.successorOf?.[beat] !== undefined || beatIndex.has(beat);
  roster.forEach((o, i) => {
    if (!o.available || !o.currentBeat || skipped.has(i) || targetOf(o) >= 0) return;
    if (!known(o.currentBeat)) {
      unknownCurrentBeats.push({ officerId: o.id, name: o.name, currentBeat: o.currentBeat });
      rosterIssues.push({
        officerId: o.id,
        field: 'current_beat',
        value: o.currentBeat,
        reason: `${o.name}: beat "${o.currentBeat}" is not a beat of ${basis}; not matched to any beat of this plan`,
      });
    } else {
      rosterIssues.push({
        officerId: o.id,
        field: 'current_beat',
        value: o.currentBeat,
        reason: `${o.name}: beat "${o.currentBeat}" of ${basis} has no successor in this plan: continuity cannot apply`,
      });
    }
  });

  const parts: SolvedPart[] = [];
  const unfilled: UnfilledSlot[] = [];
  const summaries: ShiftSummary[] = [];
  const perBeat: BeatShiftStaffing[][] = Array.from({ length: B }, () => []);
  const assignments: Assignment[] = [];
  let tAlloc = 0;
  let tAssign = 0;
  let kept = 0;
  let withBeat = 0;
  let shareSum = 0;

  for (let s = 0; s < S; s++) {
    throwIfAborted(options.signal);
    options.onProgress?.(s / S, 'staff');
    const shiftId = input.shifts[s]!.id;
    const idx = officersOfShift[s]!.filter((i) => !out.has(i));
    const W = new Float64Array(B);
    const Cn = new Float64Array(B);
    const lo = new Int32Array(B);
    const req = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const beat = input.beats[b]!;
      W[b] = beat.shiftWorkloadHours[s]! * factor[b]!;
      Cn[b] = beat.needHours * opt.needShare[s]!;
      lo[b] = opt.minOfficersPerBeat;
      req[b] = requiredOfficers(W[b]!, Cn[b]!, h, opt.saturationTarget, opt.minOfficersPerBeat);
    }
    const reqTotal = req.reduce((a, x) => a + x, 0);
    const current = new Int32Array(B);
    for (const i of idx) {
      const t = targetOf(roster[i]!);
      if (t >= 0) current[t]!++;
    }
    // 2. allocation
    const ta = now();
    const problem: AllocationProblem = {
      workloadHours: W,
      communityHours: Cn,
      minOfficers: lo,
      headcount: idx.length,
      officerHoursPerWeek: h,
      saturationWeight: opt.weights.saturation,
      communityWeight: opt.weights.communityShortfall,
      saturationTarget: opt.saturationTarget,
      current,
      surplusContinuityWeight: opt.weights.surplusContinuity,
    };
    let alloc;
    try {
      alloc = allocateOfficers(problem);
    } catch (e) {
      if (e instanceof BeatplanError && e.code === 'INFEASIBLE') {
        throw new BeatplanError(
          'INFEASIBLE',
          `shift ${shiftId}: ${idx.length} officers available but the ${B} beats need at least ${B * opt.minOfficersPerBeat} (minimum ${opt.minOfficersPerBeat} per beat); the time model asks for ${reqTotal}`,
          { field: 'shift', value: shiftId, available: idx.length, minimum: B * opt.minOfficersPerBeat, required: reqTotal },
        );
      }
      throw e;
    }
    const allocMs = now() - ta;
    let verifiedAlloc: SolvedPart['verifiedBy'];
    if (verify === true || (verify === 'auto' && B <= AUTO_VERIFY.maxBeats)) {
      const model = allocationModel(problem);
      const r = await solve(model, { timeLimitMs });
      if (r.status !== 'optimal' || Math.abs(r.objective - alloc.objective) > 1e-6 * Math.max(1, Math.abs(alloc.objective))) {
        throw new BeatplanError(
          'SOLVER_FAILED',
          `shift ${shiftId}: allocation cross-check disagrees (exact ${alloc.objective}, ${r.backend} ${r.status} ${r.objective})`,
          { field: 'allocation', value: shiftId },
        );
      }
      verifiedAlloc = { backend: r.backend, objective: r.objective, timeMs: r.timeMs };
    }
    tAlloc += now() - ta;
    parts.push({
      part: `allocation ${shiftId}`,
      exact: true,
      method:
        'parametric marginal allocation (min-max greedy breakpoints × separable convex shortfall); surplus by largest saturation drop + κ·continuity (separable concave, greedy)',
      certificate: `all ${alloc.breakpoints} worst-saturation breakpoints down to the target evaluated; shortfall LP dual λ = ${round(alloc.lambda, 4)} h/officer`,
      objective: alloc.objective,
      verifiedBy: verifiedAlloc,
      timeMs: allocMs,
    });
    // 3. vehicles
    const staffed = Array.from(alloc.officers, (n) => n > 0);
    const veh = allocateVehicles(shiftId, modes, W, staffed, fleet, nonCar);
    // 4. assignment
    const tb = now();
    const aOfficers: AssignOfficer[] = idx.map((i) => {
      const o = roster[i]!;
      return {
        id: o.id,
        target: targetOf(o),
        senior: seniorRanks.has(o.rank.trim().toUpperCase()),
        skills: o.skills.map((x) => x.toLowerCase()),
      };
    });
    const beatSkills = input.beats.map((b) => (b.skills ?? []).map((x) => x.toLowerCase()));
    const asg = assignOfficers({ slots: alloc.officers, beatSkills, officers: aOfficers, weights: opt.weights });
    const assignMs = now() - tb;
    let verifiedAssign: SolvedPart['verifiedBy'];
    if (verify === true || (verify === 'auto' && asg.network.from.length <= AUTO_VERIFY.maxArcs)) {
      const r = await solve(flowNetworkToModel(asg.network), { timeLimitMs });
      if (r.status !== 'optimal' || Math.abs(r.objective - asg.cost) > 1e-6 * Math.max(1, Math.abs(asg.cost))) {
        throw new BeatplanError(
          'SOLVER_FAILED',
          `shift ${shiftId}: assignment cross-check disagrees (flow ${asg.cost}, ${r.backend} ${r.status} ${r.objective})`,
          { field: 'assignment', value: shiftId },
        );
      }
      verifiedAssign = { backend: r.backend, objective: r.objective, timeMs: r.timeMs };
    }
    tAssign += now() - tb;
    parts.push({
      part: `assignment ${shiftId}`,
      exact: true,
      method: `min-cost flow (transportation model, ${asg.network.nodeCount} nodes, ${asg.network.from.length} arcs, ${asg.augmentations} augmentations)`,
      certificate: 'feasible integral flow + complementary slackness of node potentials (LP duals)',
      objective: asg.cost,
      verifiedBy: verifiedAssign,
      timeMs: assignMs,
    });
    parts.push({
      part: `vehicles ${shiftId}`,
      exact: true,
      method: 'busiest car beats first',
      certificate: 'sorting (one vehicle per car beat)',
      objective: veh.assigned,
      timeMs: 0,
    });

    // Collect.
    const officersOnBeat: string[][] = Array.from({ length: B }, () => []);
    idx.forEach((i, k) => {
      const o = roster[i]!;
      const b = asg.beatOf[k]!;
      const target = aOfficers[k]!.target;
      const cont = b >= 0 && b === target;
      if (o.currentBeat && target >= 0) {
        withBeat++;
        if (cont) kept++;
        shareSum += shareHeld(o, b);
      }
      if (b >= 0) officersOnBeat[b]!.push(o.id);
      assignments.push({
        officerId: o.id,
        name: o.name,
        shift: shiftId,
        rank: o.rank,
        beat: b >= 0 ? input.beats[b]!.id : null,
        previousBeat: o.currentBeat,
        targetBeat: target >= 0 ? input.beats[target]!.id : null,
        continuity: cont,
        slot: asg.slotOf[k]!,
        ...(b < 0 ? { reason: 'more officers than allocated slots' } : {}),
      });
    });
    for (const i of officersOfShift[s]!) {
      if (!out.has(i)) continue;
      const o = roster[i]!;
      assignments.push({
        officerId: o.id,
        name: o.name,
        shift: shiftId,
        rank: o.rank,
        beat: null,
        previousBeat: o.currentBeat,
        targetBeat: null,
        continuity: false,
        slot: '',
        reason: 'out (what-if scenario)',
      });
    }
    let maxSat = 0;
    let sumSat = 0;
    let sumShort = 0;
    let sumC = 0;
    let allocated = 0;
    for (let b = 0; b < B; b++) {
      const n = alloc.officers[b]!;
      allocated += n;
      const sat = saturationOf(W[b]!, n, h);
      const sf = communityShortfallOf(W[b]!, Cn[b]!, n, h);
      maxSat = Math.max(maxSat, sat);
      sumSat += sat;
      sumShort += sf;
      sumC += Cn[b]!;
      perBeat[b]!.push({
        shift: shiftId,
        workloadHours: W[b]!,
        required: req[b]!,
        allocated: n,
        saturation: Number.isFinite(sat) ? sat : null,
        communityHours: Cn[b]!,
        communityShortfallHours: sf,
        vehicle: veh.vehicle[b] ?? null,
        officers: officersOnBeat[b]!,
      });
      const beatId = input.beats[b]!.id;
      if (n < req[b]!) {
        unfilled.push({
          beat: beatId,
          shift: shiftId,
          kind: 'officer',
          count: req[b]! - n,
          reason: `shift ${shiftId} has ${idx.length} available officers for ${reqTotal} required; the allocation minimises the worst saturation and community shortfall`,
        });
      }
      if (alloc.officers[b]! > 0 && modes[b] === 'car' && fleet && veh.vehicle[b] === null) {
        unfilled.push({
          beat: beatId,
          shift: shiftId,
          kind: 'vehicle',
          count: 1,
          reason: `no car-class vehicle left in shift ${shiftId} (${veh.assigned} cars for ${veh.needed} staffed car beats; busiest beats served first)`,
        });
      }
      if (asg.vacant[b]! > 0) {
        unfilled.push({
          beat: beatId,
          shift: shiftId,
          kind: 'officer',
          count: asg.vacant[b]!,
          reason: 'slot allocated but no officer left to fill it',
        });
      }
    }
    for (const g of asg.skillGaps) {
      const have = aOfficers.filter((o) => o.skills.includes(g.skill)).length;
      const needSlots = beatSkills.reduce((a, sk, b) => a + (sk.includes(g.skill) && alloc.officers[b]! > 0 ? 1 : 0), 0);
      unfilled.push({
        beat: input.beats[g.beat]!.id,
        shift: shiftId,
        kind: 'skill',
        count: 1,
        reason:
          have === 0
            ? `no available officer with skill "${g.skill}" in shift ${shiftId}`
            : `only ${have} available officers with skill "${g.skill}" in shift ${shiftId} for ${needSlots} beats that need it`,
      });
    }
    summaries.push({
      shift: shiftId,
      headcount: idx.length,
      required: reqTotal,
      allocated,
      maxSaturation: B && Number.isFinite(maxSat) ? maxSat : null,
      meanSaturation: B && Number.isFinite(sumSat) ? sumSat / B : null,
      communityHours: sumC,
      communityShortfallHours: sumShort,
      vehiclesNeeded: veh.needed,
      vehiclesAssigned: veh.assigned,
    });
  }
  for (const { i, reason } of notConsidered) {
    const o = roster[i]!;
    assignments.push({
      officerId: o.id,
      name: o.name,
      shift: o.shift,
      rank: o.rank,
      beat: null,
      previousBeat: o.currentBeat,
      targetBeat: null,
      continuity: false,
      slot: '',
      reason,
    });
  }
  options.onProgress?.(1, 'staff');
  const beats: BeatStaffing[] = input.beats.map((b, i) => ({
    id: b.id,
    district: b.district ?? null,
    mode: modes[i]!,
    shifts: perBeat[i]!,
  }));
  const available = roster.filter((o) => o.available).length;
  const assigned = assignments.filter((a) => a.beat !== null).length; // one row per roster officer
  return {
    shifts: summaries,
    beats,
    assignments,
    unfilled,
    continuity: {
      basis,
      officersWithBeat: withBeat,
      kept,
      percent: withBeat ? (100 * kept) / withBeat : 100,
      meanShareHeld: withBeat ? shareSum / withBeat : null,
      unknownCurrentBeats,
    },
    totals: {
      officers: roster.length,
      available,
      assigned,
      required: summaries.reduce((a, x) => a + x.required, 0),
      allocated: summaries.reduce((a, x) => a + x.allocated, 0),
      vehiclesNeeded: summaries.reduce((a, x) => a + x.vehiclesNeeded, 0),
      vehiclesAssigned: summaries.reduce((a, x) => a + x.vehiclesAssigned, 0),
    },
    parts,
    rosterIssues,
    timingsMs: { allocation: tAlloc, assignment: tAssign, total: now() - t0 },
  };
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
