/**
 * `estimateResponse`: response time and cross-beat dispatch of a staffed beat plan, per
 * shift, by Larson's hypercube model (exact for small systems, approximation at city scale).
 */
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { shiftLengthHours } from '../score/shifts.js';
import type { CellScores } from '../score/types.js';
import { type HypercubeSolution, solveHypercubeApprox, solveHypercubeExact } from './hypercube.js';
import { ACCESS_SPEED_KMH, atomTravelMinutes } from './roads.js';
import { scoresServiceMinutes } from './simulate-calls.js';
import { buildTravelModel, type TravelModel } from './travel.js';

/** An atom whose centre is further than this from a road (km) is named in a warning. */
const FAR_FROM_ROAD_KM = 1;

/** A number per shift, or one for all shifts. */
export type PerShift = number | readonly number[];

/** Options of {@link estimateResponse}. Every field has a default. */
export interface EstimateResponseOptions {
  /**
   * `'approx'` (Larson 1975), `'exact'` (2^N states; throws above `maxExactUnits`) or
   * `'auto'` (default): exact for a shift with at most `maxExactUnits` units, else approx.
   */
  method?: 'auto' | 'exact' | 'approx';
  /** Largest unit count solved exactly (default 10 for `'auto'`, 15 for `'exact'`). */
  maxExactUnits?: number;
  /** Travel speed, km/h, per shift or for all (default 30). */
  speedKmh?: PerShift;
  /** Road over straight-line distance, per shift or for all (default 1.3). */
  detourFactor?: PerShift;
  /**
   * Mean service time of a call, minutes, per shift or for all. Default: the scores' own
   * mean, Σ raw workload hours × period weeks / Σ incidents (needs incidents).
   */
  serviceMinutes?: PerShift;
  /** Atom size for the travel model, km (default 1). Ignored with `travel`. */
  atomSizeKm?: number;
  /** A travel model built before (for what-ifs on the same plan); default built here. */
  travel?: TravelModel;
  /**
   * Where the units on duty come from, for the `assumptions` block (e.g. "allocated officers
   * × 36 h/week ÷ shift hours per week"). Default "units on duty as given".
   */
  unitsSource?: string;
  /** Look for barrier detours in the travel model (default true). */
  barriers?: boolean;
  /** Clock in ms for `timingsMs` (default `performance.now`). */
  now?: () => number;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/**
 * Response figures of a beat, a district, a shift or the city. Null = no calls.
 * Travel time = from the dispatched unit's position to the call; response time = queue wait
 * + travel time (no dispatch or turn-out delay is modelled).
 */
export interface ResponseFigures {
  /**
   * Patrol units on duty, on average (time model: officers × weekly hours ÷ shift hours per
   * week; mean over the day for all-shift figures). May be fractional.
   */
  readonly units: number;
  /** Calls per hour (mean over the day for all-shift figures). */
  readonly callsPerHour: number;
  /**
   * Utilisation: hours on calls done by these units ÷ their on-duty unit-hours (`units` ×
   * hours). With calls answered only in their own beat it equals the staffing's saturation.
   */
  readonly rho: number;
  /** Share of calls that find every unit of their own beat busy (null without calls). */
  readonly pOwnUnitsBusy: number | null;
  /** Share of calls answered by a unit of another beat (null without calls). */
  readonly crossBeatShare: number | null;
  /** Share of the work of these units done on calls outside their own beat (null when idle). */
  readonly outsideBeatShare: number | null;
  /** Mean travel time to calls, minutes (null without calls). */
  readonly meanTravelMinutes: number | null;
  /** 90th percentile of the travel time to calls, minutes (null without calls). */
  readonly p90TravelMinutes: number | null;
  /** Mean wait in queue of the calls, minutes (null without calls). */
  readonly meanQueueWaitMinutes: number | null;
  /** Mean response time = mean queue wait + mean travel time, minutes (null without calls). */
  readonly meanResponseMinutes: number | null;
}

/** Figures of one beat. */
export interface BeatResponse extends ResponseFigures {
  readonly id: string;
}

/** Figures of one district. */
export interface DistrictResponse extends ResponseFigures {
  readonly id: string;
  readonly beats: number;
}

/** Figures of one shift. */
export interface ShiftResponse extends ResponseFigures {
  /** Shift id, e.g. "0-8". */
  readonly shift: string;
  readonly method: 'exact' | 'approx';
  readonly serviceMinutes: number;
  readonly speedKmh: number;
  readonly detourFactor: number;
  /**
   * Whole units the queueing model solves with: each beat's units on duty rounded to the
   * nearest whole unit (at least 1 when > 0); their service rate is scaled by
   * `units ÷ modelledUnits` so that the city's capacity is the time model's.
   */
  readonly modelledUnits: number;
  /** P(all units of the city busy) = share of calls that queue (Erlang C). */
  readonly pAllBusy: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly beats: readonly BeatResponse[];
  readonly districts: readonly DistrictResponse[];
}

/** What the figures assume, stated next to them (`assumptions` of {@link ResponseEstimate}). */
export interface ResponseAssumptions {
  /** How travel time is computed: `"straight line × detour factor at a fixed speed"` or `"road network"`. */
  readonly travel: string;
  /** Speed per shift, km/h (straight-line model; null for roads, whose speeds are per road). */
  readonly speedKmh: ReadonlyArray<number | null>;
  /** Detour factor per shift (road over straight-line distance; null for roads). */
  readonly detourFactor: ReadonlyArray<number | null>;
  /** Mean service time per shift, minutes (exponential in the model). */
  readonly serviceMinutes: readonly number[];
  /** Where service minutes come from: `"given"` or `"the scores' mean: workload hours ÷ incidents"`. */
  readonly serviceMinutesSource: string;
  /** Where the units on duty come from. */
  readonly unitsSource: string;
  /** What response time contains. */
  readonly responseTime: string;
  /** How fractional units on duty are modelled. */
  readonly fractionalUnits: string;
  /** Dispatch rule of the model. */
  readonly dispatch: string;
}

/** What {@link estimateResponse} returns (plain JSON). */
export interface ResponseEstimate {
  readonly format: 'beatplan.response/1';
  /** What the figures assume (travel model, speed, detour, service minutes, units source). */
  readonly assumptions: ResponseAssumptions;
  /** Per shift, in the order of `scores.shifts`. */
  readonly shifts: readonly ShiftResponse[];
  /** All shifts together, weighted by calls and unit-hours. */
  readonly city: ResponseFigures;
  /** Per beat, all shifts together (for `beats.geojson` properties). */
  readonly beats: readonly BeatResponse[];
  /** Per district, all shifts together (empty when the plan has no districts). */
  readonly districts: readonly DistrictResponse[];
  /** Demand atoms used. */
  readonly atoms: number;
  readonly warnings: readonly string[];
  readonly timingsMs: { readonly travel: number; readonly queue: number; readonly total: number };
}

/** Accumulator behind every {@link ResponseFigures}. */
class Acc {
  unitHours = 0; // Σ units × hours
  hours = 0;
  calls = 0; // Σ calls (rate × hours)
  ownBusy = 0; // Σ calls × P(own units busy)
  cross = 0; // Σ calls answered by another beat
  served = 0; // Σ calls served by these units
  servedOutside = 0;
  travel = 0; // Σ calls × minutes
  wait = 0;
  callHours = 0; // Σ hours on calls done by these units (busy time in real service hours)
  hist = new Float64Array(HIST_BINS); // calls by travel minutes (log bins)

  add(o: Acc): void {
    this.unitHours += o.unitHours;
    this.callHours += o.callHours;
    this.calls += o.calls;
    this.ownBusy += o.ownBusy;
    this.cross += o.cross;
    this.served += o.served;
    this.servedOutside += o.servedOutside;
    this.travel += o.travel;
    this.wait += o.wait;
    for (let k = 0; k < HIST_BINS; k++) this.hist[k]! += o.hist[k]!;
  }

  /** Records `calls` calls with a travel time of `minutes`. */
  trip(minutes: number, calls: number): void {
    this.travel += calls * minutes;
    this.hist[histBin(minutes)]! += calls;
  }

  figures(hours: number): ResponseFigures {
    const c = this.calls;
    return {
      units: round(this.unitHours / hours),
      callsPerHour: round(c / hours),
      rho: round(this.unitHours > 0 ? this.callHours / this.unitHours : 0),
      pOwnUnitsBusy: c > 0 ? round(this.ownBusy / c) : null,
      crossBeatShare: c > 0 ? round(this.cross / c) : null,
      outsideBeatShare: this.served > 0 ? round(this.servedOutside / this.served) : null,
      meanTravelMinutes: c > 0 ? round(this.travel / c) : null,
      p90TravelMinutes: c > 0 ? round(histQuantile(this.hist, 0.9)) : null,
      meanQueueWaitMinutes: c > 0 ? round(this.wait / c) : null,
      meanResponseMinutes: c > 0 ? round((this.wait + this.travel) / c) : null,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * Travel-time histogram for percentiles: bin 0 holds trips under 0.05 min, bin k ≥ 1 holds
 * [0.05·r^(k−1), 0.05·r^k) with r = 1.02 (2% wide bins, up to ~7,000 min). Percentiles are
 * interpolated inside a bin, so they are good to about 1%.
 */
const HIST_BINS = 600;
const HIST_MIN = 0.05;
const HIST_LOG_R = Math.log(1.02);

function histBin(minutes: number): number {
  if (!(minutes >= HIST_MIN)) return 0;
  return Math.min(HIST_BINS - 1, 1 + Math.floor(Math.log(minutes / HIST_MIN) / HIST_LOG_R));
}

function histQuantile(hist: Float64Array, q: number): number {
  let total = 0;
  for (let k = 0; k < HIST_BINS; k++) total += hist[k]!;
  if (total === 0) return 0;
  const target = q * total;
  let cum = 0;
  for (let k = 0; k < HIST_BINS; k++) {
    const h = hist[k]!;
    if (h > 0 && cum + h >= target) {
      const lo = k === 0 ? 0 : HIST_MIN * Math.exp((k - 1) * HIST_LOG_R);
      const hi = HIST_MIN * Math.exp(k * HIST_LOG_R);
      return lo + ((target - cum) / h) * (hi - lo);
    }
    cum += h;
  }
  return HIST_MIN * Math.exp((HIST_BINS - 1) * HIST_LOG_R);
}

function perShift(v: PerShift | undefined, s: number, dflt: number, field: string): number {
  const x = v === undefined ? dflt : typeof v === 'number' ? v : v[s];
  if (x === undefined || !(x > 0) || !Number.isFinite(x))
    throw new BeatplanError('BAD_INPUT', `${field} must be a finite number > 0 for every shift`, { field, value: x });
  return x;
}

/**
 * Estimates response per shift for a staffed plan: utilisation of the units, probability
 * that a beat's own units are all busy, share of calls answered by another beat's unit
 * (cross-beat dispatch), mean and 90th-percentile travel time, queue wait — per beat, per
 * district, per shift and for the city.
 *
 * Model: calls arrive at demand atoms (see `buildTravelModel`) at rate = workload of the
 * shift / mean service time / shift hours; a call goes to a free unit of its own beat, else
 * to the nearest free unit by mean travel time (units of a beat are spread over the beat's
 * atoms in proportion to the shift's workload), else waits in a city-wide queue (Larson's
 * hypercube model, infinite queue). Service times are exponential with one mean per shift.
 * Travel time of a dispatch = travel from the unit's position distribution; queued calls
 * get the mean travel from all units.
 *
 * Units on duty may be fractional (the time model's officers × weekly hours ÷ shift hours per
 * week, see `unitsOnDuty`); the queueing model rounds them per beat and scales the service
 * rate so that each shift's capacity is unchanged (`assumptions.fractionalUnits`).
 *
 * @param unitsByBeat patrol units on duty, `[shift][beat]` (e.g. `unitsOnDutyByShift` of a staffing)
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT` (shapes, options, no incidents
 *   and no `serviceMinutes`), `INFEASIBLE` (a shift's workload needs more than 100% of its
 *   units: ρ ≥ 1, or calls but no unit), `ABORTED`
 * @example
 * const r = estimateResponse(grid, plan, scores, [[1, 2, 1], [2, 2, 2], [1, 1, 1]]);
 * r.city.meanTravelMinutes; r.shifts[0].beats[0].crossBeatShare;
 */
export function estimateResponse(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  unitsByBeat: ReadonlyArray<ArrayLike<number>>,
  options: EstimateResponseOptions = {},
): ResponseEstimate {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  const { signal, onProgress } = options;
  const n = grid.cellCount;
  if (plan.cellCount !== n || plan.resolution !== grid.resolution)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the plan does not fit the grid', { field: 'plan', value: plan.cellCount });
  if (scores.cellCount !== n || scores.resolution !== grid.resolution)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the scores do not fit the grid', { field: 'scores', value: scores.cellCount });
  const shifts = scores.shifts;
  const beats = plan.beatIds.length;
  if (unitsByBeat.length !== shifts.length)
    throw new BeatplanError('BAD_INPUT', `unitsByBeat needs one row per shift (${shifts.length})`, {
      field: 'unitsByBeat',
      value: unitsByBeat.length,
    });
  for (let s = 0; s < shifts.length; s++) {
    const row = unitsByBeat[s]!;
    if (row.length !== beats)
      throw new BeatplanError('BAD_INPUT', `unitsByBeat[${s}] needs one value per beat (${beats})`, {
        field: 'unitsByBeat',
        row: s,
        value: row.length,
      });
    for (let b = 0; b < beats; b++) {
      if (!Number.isFinite(row[b]) || row[b]! < 0)
        throw new BeatplanError('BAD_INPUT', `units on duty must be finite numbers ≥ 0 (shift ${s}, beat ${plan.beatIds[b]})`, {
          field: 'unitsByBeat',
          row: s,
          value: row[b],
        });
    }
  }
  const warnings: string[] = [];
  // Mean service time from the scores.
  const derivedServiceMinutes = options.serviceMinutes === undefined ? scoresServiceMinutes(scores) : NaN;
  // Travel model (shift independent).
  const cellWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) cellWeights[i] = scores.workloadHours[i]!;
  const travel =
    options.travel ?? buildTravelModel(grid, plan, { atomSizeKm: options.atomSizeKm, cellWeights, barriers: options.barriers, signal });
  if (travel.atomOfCell.length !== n || travel.beatAtomOffsets.length !== beats + 1)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the travel model was built for another plan', { field: 'travel' });
  if (travel.roadSnapKm) {
    let far = 0;
    for (let a = 0; a < travel.roadSnapKm.length; a++) if (travel.roadSnapKm[a]! > FAR_FROM_ROAD_KM) far++;
    if (far > 0)
      warnings.push(
        `${far} of ${travel.atomCount} demand atoms lie more than ${FAR_FROM_ROAD_KM} km from the road network; their legs to the nearest road go at ${ACCESS_SPEED_KMH} km/h`,
      );
  }
  if ((travel.roadUnreachedPairs ?? 0) > 0)
    warnings.push(`${travel.roadUnreachedPairs} atom pairs are not joined by the road network; they keep the straight-line travel time`);
  if (travel.unreachedPairs > 0)
    warnings.push(
      `${travel.unreachedPairs} beat-to-atom pairs lie beyond the barrier search radius or in another component; their detour is a lower bound`,
    );
  const tTravel = now();
  onProgress?.(0.2, 'response');

  const J = travel.atomCount;
  const beatOfAtom = travel.beatOfAtom;
  const district = plan.districtOfBeat;
  const districtCount = district && plan.districtIds ? plan.districtIds.length : 0;
  const dayHours = shifts.reduce((t, sh) => t + shiftLengthHours(sh), 0);
  const beatAll = Array.from({ length: beats }, () => new Acc());
  const shiftOut: ShiftResponse[] = [];
  const cityAll = new Acc();
  const speeds: Array<number | null> = [];
  const detours: Array<number | null> = [];
  const services: number[] = [];

  for (let s = 0; s < shifts.length; s++) {
    throwIfAborted(signal);
    const sh = shifts[s]!;
    const hours = shiftLengthHours(sh);
    const speed = perShift(options.speedKmh, s, 30, 'speedKmh');
    const detour = perShift(options.detourFactor, s, 1.3, 'detourFactor');
    const serviceMinutes = perShift(options.serviceMinutes, s, derivedServiceMinutes, 'serviceMinutes');
    const minPerKm = (detour / speed) * 60;
    speeds.push(speed);
    detours.push(detour);
    services.push(round(serviceMinutes));
    // Units on duty (time model, may be fractional) → whole units for the queueing model.
    const onDuty = Float64Array.from(unitsByBeat[s] as ArrayLike<number>);
    for (let b = 0; b < beats; b++) {
      if (onDuty[b]! > 0 && travel.beatAtomOffsets[b] === travel.beatAtomOffsets[b + 1]) {
        warnings.push(`shift ${sh.id}: beat ${plan.beatIds[b]} has units but no cells; its units are left out`);
        onDuty[b] = 0;
      }
    }
    const units = modelledUnits(onDuty);
    let totalUnits = 0;
    let totalOnDuty = 0;
    for (let b = 0; b < beats; b++) {
      totalUnits += units[b]!;
      totalOnDuty += onDuty[b]!;
    }
    // Capacity factor: modelled units serve at μ · c so that Σ modelled × μc = Σ on duty × μ.
    const capacity = totalUnits > 0 ? totalOnDuty / totalUnits : 1;
    // Arrivals per atom and position weights of units.
    const wl = scores.shiftWorkloadHours[s]!;
    const lambda = new Float64Array(J);
    for (let i = 0; i < n; i++) {
      const a = travel.atomOfCell[i]!;
      if (a >= 0) lambda[a]! += wl[i]!;
    }
    const perWeekToPerHour = 60 / serviceMinutes / (hours * 7);
    for (let a = 0; a < J; a++) lambda[a]! *= perWeekToPerHour;
    const posW = positionWeights(travel, lambda, beats);
    // Mean travel minutes from beat b's units to atom j: meanT[b·J + j].
    const meanT = new Float64Array(beats * J);
    const { xKm, yKm, spreadKm2, excessKm } = travel;
    for (let b = 0; b < beats; b++) {
      if (units[b] === 0) continue;
      const row = b * J;
      const road = travel.roadMinutes;
      if (road) {
        for (let e = travel.beatAtomOffsets[b]!; e < travel.beatAtomOffsets[b + 1]!; e++) {
          const from = travel.beatAtoms[e]!;
          const wf = posW[from]!;
          if (wf === 0) continue;
          const base = from * J;
          for (let j = 0; j < J; j++) {
            const m = road[base + j]!;
            meanT[row + j]! += wf * (m !== Infinity ? m : atomTravelMinutes(travel, from, j, b, minPerKm));
          }
        }
        continue;
      }
      for (let e = travel.beatAtomOffsets[b]!; e < travel.beatAtomOffsets[b + 1]!; e++) {
        const from = travel.beatAtoms[e]!;
        const wf = posW[from]! * minPerKm;
        if (wf === 0) continue;
        const fx = xKm[from]!;
        const fy = yKm[from]!;
        const fs = spreadKm2[from]!;
        for (let j = 0; j < J; j++) {
          const dx = fx - xKm[j]!;
          const dy = fy - yKm[j]!;
          meanT[row + j]! += wf * Math.sqrt(dx * dx + dy * dy + fs + spreadKm2[j]!);
        }
      }
      // The barrier excess is the same for every position atom of the beat.
      for (let j = 0; j < J; j++) meanT[row + j]! += excessKm[row + j]! * minPerKm;
    }
    // Preference lists: own beat first, then staffed beats by mean travel time.
    const staffed: number[] = [];
    for (let b = 0; b < beats; b++) if (units[b]! > 0) staffed.push(b);
    let pow = 1;
    while (pow <= beats) pow *= 2;
    const keys = new Float64Array(staffed.length);
    const preference: Int32Array[] = new Array(J);
    for (let j = 0; j < J; j++) {
      const own = beatOfAtom[j]!;
      for (let k = 0; k < staffed.length; k++) {
        const b = staffed[k]!;
        keys[k] = (b === own ? 0 : Math.round(meanT[b * J + j]! * 1e4) + 1) * pow + b;
      }
      keys.sort();
      const p = new Int32Array(staffed.length);
      for (let k = 0; k < staffed.length; k++) p[k] = keys[k]! % pow;
      preference[j] = p;
    }
    const sys = { unitsByGroup: units, callsPerHour: lambda, preference, serviceRatePerHour: (60 / serviceMinutes) * capacity };
    const method = options.method ?? 'auto';
    const maxExact = options.maxExactUnits ?? (method === 'exact' ? 15 : 10);
    let sol: HypercubeSolution;
    try {
      sol =
        method === 'exact' || (method === 'auto' && totalUnits <= maxExact)
          ? solveHypercubeExact(sys, { maxUnits: maxExact, signal })
          : solveHypercubeApprox(sys, { signal });
    } catch (e) {
      if (e instanceof BeatplanError && e.code === 'INFEASIBLE') {
        throw new BeatplanError('INFEASIBLE', `shift ${sh.id}: ${e.message}`, { ...e.details, field: 'unitsByBeat', row: s }, { cause: e });
      }
      throw e;
    }
    if (!sol.converged)
      warnings.push(`shift ${sh.id}: the ${sol.method} hypercube solution did not converge in ${sol.iterations} iterations`);
    // Figures per beat.
    const acc = Array.from({ length: beats }, () => new Acc());
    const lam = sol.callsPerHour;
    const waitMin = sol.meanQueueWaitHours * 60;
    const pw = sol.pAllBusy;
    for (let b = 0; b < beats; b++) {
      const A = acc[b]!;
      A.unitHours = onDuty[b]! * hours;
      // Calls served per hour m·ρ·μc, each taking 1/μ hours of real service.
      A.callHours = units[b]! * sol.rhoByGroup[b]! * capacity * hours;
      // Queued calls, served by every unit in equal shares.
      A.served = totalUnits > 0 ? ((lam * pw * units[b]!) / totalUnits) * hours : 0;
    }
    for (let j = 0; j < J; j++) {
      const l = lambda[j]!;
      if (l === 0) continue;
      const own = beatOfAtom[j]!;
      const A = acc[own]!;
      const calls = l * hours;
      A.calls += calls;
      A.ownBusy += calls * sol.pGroupAllBusy[own]!;
      A.wait += calls * waitMin;
      A.cross += calls * pw * (totalUnits > 0 ? (totalUnits - units[own]!) / totalUnits : 1);
      for (let e = sol.dispatchOffsets[j]!; e < sol.dispatchOffsets[j + 1]!; e++) {
        const g = sol.dispatchGroup[e]!;
        const share = sol.dispatchShare[e]!;
        const c = calls * share;
        acc[g]!.served += c;
        if (g !== own) {
          A.cross += c;
          acc[g]!.servedOutside += c;
        }
        for (let f = travel.beatAtomOffsets[g]!; f < travel.beatAtomOffsets[g + 1]!; f++) {
          const from = travel.beatAtoms[f]!;
          if (posW[from] === 0) continue;
          const m = atomTravelMinutes(travel, from, j, g, minPerKm);
          A.trip(m, c * posW[from]!);
        }
      }
      if (pw > 0 && totalUnits > 0) {
        let tq = 0;
        for (const b of staffed) tq += (units[b]! / totalUnits) * meanT[b * J + j]!;
        A.trip(tq, calls * pw);
      }
    }
    // Queued calls served by a beat's units are outside its beat in proportion to the calls elsewhere.
    let totalCalls = 0;
    for (let b = 0; b < beats; b++) totalCalls += acc[b]!.calls;
    for (let b = 0; b < beats; b++) {
      if (totalUnits === 0 || totalCalls === 0) continue;
      acc[b]!.servedOutside += ((lam * pw * units[b]!) / totalUnits) * hours * (1 - acc[b]!.calls / totalCalls);
    }
    const city = new Acc();
    const dAcc = Array.from({ length: districtCount }, () => new Acc());
    const beatOut: BeatResponse[] = [];
    for (let b = 0; b < beats; b++) {
      const A = acc[b]!;
      beatOut.push({ id: plan.beatIds[b]!, ...A.figures(hours) });
      city.add(A);
      if (district && district[b]! >= 0 && district[b]! < districtCount) dAcc[district[b]!]!.add(A);
      beatAll[b]!.add(A);
    }
    cityAll.add(city);
    const cityFig = city.figures(hours);
    shiftOut.push({
      shift: sh.id,
      method: sol.method,
      serviceMinutes: round(serviceMinutes),
      speedKmh: speed,
      detourFactor: detour,
      modelledUnits: totalUnits,
      ...cityFig,
      pAllBusy: round(pw),
      iterations: sol.iterations,
      converged: sol.converged,
      beats: beatOut,
      districts: dAcc.map((d, k) => ({ id: plan.districtIds![k]!, beats: countBeats(district!, k), ...d.figures(hours) })),
    });
    onProgress?.(0.2 + (0.8 * (s + 1)) / shifts.length, 'response');
  }
  const dAll = Array.from({ length: districtCount }, () => new Acc());
  for (let b = 0; b < beats; b++) if (district && district[b]! >= 0 && district[b]! < districtCount) dAll[district[b]!]!.add(beatAll[b]!);
  const tEnd = now();
  return {
    format: 'beatplan.response/1',
    assumptions: {
      travel: travel.roadMinutes
        ? `road network: shortest time on the roads at their speeds, plus the legs from cell centre to the nearest road node at ${ACCESS_SPEED_KMH} km/h × detour factor`
        : 'straight line × detour factor at a fixed speed, plus detours around barriers (rivers, expressways) on the cell graph',
      speedKmh: travel.roadMinutes ? speeds.map(() => null) : speeds,
      detourFactor: detours,
      serviceMinutes: services,
      serviceMinutesSource: options.serviceMinutes === undefined ? "the scores' mean: Σ workload hours ÷ Σ incidents" : 'given',
      unitsSource: options.unitsSource ?? 'units on duty as given',
      responseTime: 'queue wait + travel time; no dispatch or turn-out delay',
      fractionalUnits:
        "each beat's units on duty rounded to whole units (at least 1 when > 0), with the service rate scaled so that the shift's capacity equals the units on duty",
      dispatch:
        "own beat's free unit first, else the free unit with the least mean travel time, else a city-wide FCFS queue (Larson's hypercube model)",
    },
    shifts: shiftOut,
    city: cityAll.figures(dayHours),
    beats: beatAll.map((A, b) => ({ id: plan.beatIds[b]!, ...A.figures(dayHours) })),
    districts: dAll.map((d, k) => ({ id: plan.districtIds![k]!, beats: countBeats(district!, k), ...d.figures(dayHours) })),
    atoms: J,
    warnings,
    timingsMs: { travel: round(tTravel - t0), queue: round(tEnd - tTravel), total: round(tEnd - t0) },
  };
}

/**
 * Whole units per beat for the queueing model: round(u), at least 1 when u > 0.
 * @example modelledUnits([0.4, 1.5, 2.49]) // Int32Array [1, 2, 2]
 */
export function modelledUnits(onDuty: ArrayLike<number>): Int32Array {
  const m = new Int32Array(onDuty.length);
  for (let b = 0; b < onDuty.length; b++) {
    const u = onDuty[b]!;
    m[b] = u > 0 ? Math.max(1, Math.round(u)) : 0;
  }
  return m;
}

function countBeats(district: Int32Array, k: number): number {
  let c = 0;
  for (let b = 0; b < district.length; b++) if (district[b] === k) c++;
  return c;
}

/**
 * Where a beat's units are: over the beat's atoms in proportion to the shift's calls there
 * (by area when the beat has no calls in the shift). Sums to 1 per beat. The simulation
 * (`simulate.ts`) places free units by the same weights.
 * @param lambda calls per hour (or any weight) per atom
 * @returns weight per atom
 * @example positionWeights(travel, lambdaOfAtoms, plan.beatIds.length)
 */
export function positionWeights(travel: TravelModel, lambda: Float64Array, beats: number): Float64Array {
  const w = new Float64Array(travel.atomCount);
  for (let b = 0; b < beats; b++) {
    const lo = travel.beatAtomOffsets[b]!;
    const hi = travel.beatAtomOffsets[b + 1]!;
    let t = 0;
    for (let e = lo; e < hi; e++) t += lambda[travel.beatAtoms[e]!]!;
    const useArea = !(t > 0);
    if (useArea) for (let e = lo; e < hi; e++) t += travel.areaKm2[travel.beatAtoms[e]!]!;
    for (let e = lo; e < hi; e++) {
      const a = travel.beatAtoms[e]!;
      w[a] = t > 0 ? (useArea ? travel.areaKm2[a]! : lambda[a]!) / t : 0;
    }
  }
  return w;
}
