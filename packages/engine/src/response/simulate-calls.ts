/**
 * The calls a simulation replays: real incidents (`replayCalls`) or Poisson draws from the
 * plan's own rates (`poissonCalls`). Both give a {@link SimulationCalls} table, sorted by time.
 *
 * Service minutes of a replayed call: the officer-minutes of its type in the service-time
 * table (`officerMinutes`: minutes × units dispatched, as the workload counts them) times a
 * lognormal factor of mean 1 and coefficient of variation `serviceCv` (default 0.8), so the
 * mean officer time of the calls is the table's and single calls vary as CAD service times
 * do (right-skewed, a few very long calls). In Poisson mode service is exponential (CV 1)
 * with the plan's mean service time, as the hypercube model assumes.
 */
import { BeatplanError, throwIfAborted } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { createRng, pickCumulative, type Rng } from '../random.js';
import { officerMinutes, type ServiceTime } from '../score/service-times.js';
import { shiftLengthHours, shiftOfMinuteTable } from '../score/shifts.js';
import type { CellScores, IncidentTable } from '../score/types.js';

/** Priority of a call whose source gives none: queued after every numbered priority. */
export const UNSPECIFIED_PRIORITY = 255;

/**
 * Calls in columnar form, sorted by `timeMinutes`. Minute 0 is midnight (local wall-clock
 * time) of the first day of the period; the period is `days` whole days.
 */
export interface SimulationCalls {
  readonly count: number;
  /** Arrival, minutes since the period start (ascending). */
  readonly timeMinutes: Float64Array;
  /** Grid cell of the call (always in a beat). */
  readonly cell: Int32Array;
  /** Officer time the call takes, minutes (the unit is busy this long from dispatch, at least the travel). */
  readonly serviceMinutes: Float64Array;
  /** 1 = most urgent … 254; {@link UNSPECIFIED_PRIORITY} when the source has none. */
  readonly priority: Uint8Array;
  /** Length of the period, whole days. */
  readonly days: number;
  /** Local wall-clock time of minute 0, ms encoded as UTC (as `IncidentTable.timeMs`); 0 for Poisson draws. */
  readonly startMs: number;
}

/** Incidents a replay leaves out, by reason. */
export interface LeftOutCalls {
  /** No parseable time. */
  readonly noTime: number;
  /** Not located in a grid cell. */
  readonly outsideGrid: number;
  /** In a cell that belongs to no beat. */
  readonly unassignedCell: number;
  /** At a time of day no shift window covers. */
  readonly noShift: number;
}

/** Options of {@link replayCalls}. */
export interface ReplayCallsOptions {
  /** Coefficient of variation of a call's service time around its type's mean (default 0.8; 0 = the table's minutes exactly). */
  serviceCv?: number;
  /** Service-time table (default: the engine's, see `score/service-times.ts`). */
  serviceTimes?: Readonly<Record<string, ServiceTime>>;
  /** Seed of the service-time draws (default 1). */
  seed?: number | string;
}

/**
 * Turns an incident table into the calls of a replay: every incident with a time, in a cell
 * of a beat, at a time a shift covers — at its real time and place — with a service time drawn
 * around its type's officer-minutes (see the module doc).
 * @param shifts the plan's shift windows (calls outside every window are left out)
 * @throws BeatplanError `BAD_INPUT` (no usable incident, bad `serviceCv`), `PLAN_GRID_MISMATCH`
 * @example const { calls, leftOut } = replayCalls(plan, incidents, scores.shifts, { seed: 1 });
 */
export function replayCalls(
  plan: BeatPlan,
  incidents: IncidentTable,
  shifts: CellScores['shifts'],
  options: ReplayCallsOptions = {},
): { calls: SimulationCalls; leftOut: LeftOutCalls } {
  const cv = options.serviceCv ?? 0.8;
  if (!(cv >= 0) || !Number.isFinite(cv))
    throw new BeatplanError('BAD_INPUT', 'serviceCv must be a finite number ≥ 0', { field: 'serviceCv', value: cv });
  const shiftOf = shiftOfMinuteTable(shifts);
  const DAY_MS = 86_400_000;
  const keep: number[] = [];
  let noTime = 0;
  let outsideGrid = 0;
  let unassignedCell = 0;
  let noShift = 0;
  for (let i = 0; i < incidents.count; i++) {
    const t = incidents.timeMs[i]!;
    const c = incidents.cell[i]!;
    if (!Number.isFinite(t)) noTime++;
    else if (c < 0 || c >= plan.cellCount) outsideGrid++;
    else if (plan.beatOfCell[c]! < 0) unassignedCell++;
    else if (shiftOf[Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / 60_000)]! < 0) noShift++;
    else keep.push(i);
  }
  if (keep.length === 0)
    throw new BeatplanError('BAD_INPUT', 'no incident has a time and a place in a beat of the plan', {
      field: 'incidents',
      value: incidents.count,
    });
  keep.sort((a, b) => incidents.timeMs[a]! - incidents.timeMs[b]! || a - b);
  const n = keep.length;
  const startMs = Math.floor(incidents.timeMs[keep[0]!]! / DAY_MS) * DAY_MS;
  const days = Math.floor(incidents.timeMs[keep[n - 1]!]! / DAY_MS) - startMs / DAY_MS + 1;
  const typeMinutes = incidents.types.map((t) => officerMinutes(t, options.serviceTimes));
  const rng = createRng(options.seed ?? 1);
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  const timeMinutes = new Float64Array(n);
  const cell = new Int32Array(n);
  const serviceMinutes = new Float64Array(n);
  const priority = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = keep[k]!;
    timeMinutes[k] = (incidents.timeMs[i]! - startMs) / 60_000;
    cell[k] = incidents.cell[i]!;
    const factor = sigma > 0 ? Math.exp(sigma * normal(rng) - (sigma * sigma) / 2) : 1;
    serviceMinutes[k] = typeMinutes[incidents.typeIndex[i]!]! * factor;
    const p = incidents.priority[i]!;
    priority[k] = Number.isFinite(p) ? Math.min(254, Math.max(1, Math.round(p))) : UNSPECIFIED_PRIORITY;
  }
  return {
    calls: { count: n, timeMinutes, cell, serviceMinutes, priority, days, startMs },
    leftOut: { noTime, outsideGrid, unassignedCell, noShift },
  };
}

/** Options of {@link poissonCalls}. */
export interface PoissonCallsOptions {
  /** Length of the simulated period, days (default: the scores' period, `periodWeeks × 7`, rounded up). */
  days?: number;
  /** Mean service time per shift, minutes (default: the scores' own mean, as `estimateResponse`). */
  serviceMinutes?: readonly number[];
  seed?: number | string;
  signal?: AbortSignal;
}

/**
 * The mean service time of the scores' calls, minutes: Σ raw workload hours × period weeks ÷
 * Σ incidents × 60 — the default of `estimateResponse` and of the Poisson calls.
 * @throws BeatplanError `BAD_INPUT` (field `serviceMinutes`) when the scores hold no point incidents (e.g. incident counts only)
 */
export function scoresServiceMinutes(scores: CellScores): number {
  let hours = 0;
  let incidents = 0;
  for (let i = 0; i < scores.cellCount; i++) {
    hours += scores.rawWorkloadHours[i]!;
    incidents += scores.incidentCount[i]!;
  }
  if (!(incidents > 0) || !(hours > 0))
    throw new BeatplanError(
      'BAD_INPUT',
      'no point incidents in the scores (incident counts per polygon carry workload but no number of calls), so the mean service time of a call is unknown: score point incidents too (--incidents / `incidents`), or pass serviceMinutes (minutes per call, one per shift)',
      { field: 'serviceMinutes' },
    );
  return ((hours * scores.periodWeeks) / incidents) * 60;
}

/**
 * Poisson calls from the plan's own rates: in each cell and shift, calls arrive as a Poisson
 * process of rate workload ÷ mean service time (calls per hour = `shiftWorkloadHours[s][c]`
 * × 60 ÷ service minutes ÷ (shift hours × 7)), each with an exponential service time of that
 * mean — exactly the hypercube model's assumptions, so the two can be checked against each other.
 * @throws BeatplanError `BAD_INPUT` (days, service minutes, no workload), `PLAN_GRID_MISMATCH`
 * @example const calls = poissonCalls(grid, plan, scores, { days: 70, seed: 3 });
 */
export function poissonCalls(grid: Grid, plan: BeatPlan, scores: CellScores, options: PoissonCallsOptions = {}): SimulationCalls {
  const n = grid.cellCount;
  if (plan.cellCount !== n || scores.cellCount !== n)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the plan or scores do not fit the grid', { field: 'plan', value: plan.cellCount });
  const days = options.days ?? Math.ceil(scores.periodWeeks * 7 - 1e-9);
  if (!Number.isInteger(days) || days < 1)
    throw new BeatplanError('BAD_INPUT', 'days must be an integer ≥ 1', { field: 'days', value: days });
  const S = scores.shifts.length;
  const svc = options.serviceMinutes ?? Array.from({ length: S }, () => scoresServiceMinutes(scores));
  if (svc.length !== S || svc.some((m) => !(m > 0) || !Number.isFinite(m)))
    throw new BeatplanError('BAD_INPUT', 'serviceMinutes needs one finite value > 0 per shift', {
      field: 'serviceMinutes',
      value: svc.length,
    });
  // Cumulative calls per minute over the cells of beats, per shift.
  const cum: Float64Array[] = [];
  const ratePerMinute = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const wl = scores.shiftWorkloadHours[s]!;
    const c = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < n; i++) {
      if (plan.beatOfCell[i]! >= 0) t += Math.max(0, wl[i]!);
      c[i] = t;
    }
    cum.push(c);
    // officer-hours per week → calls per minute while the shift is on
    ratePerMinute[s] = (t * 60) / svc[s]! / (shiftLengthHours(scores.shifts[s]!) * 7 * 60);
  }
  if (ratePerMinute.every((r) => r === 0))
    throw new BeatplanError('BAD_INPUT', 'the scores hold no workload in any beat', { field: 'scores' });
  const runs = shiftRuns(shiftOfMinuteTable(scores.shifts));
  const rng = createRng(options.seed ?? 1);
  let expected = 0;
  for (const r of runs) if (r.shift >= 0) expected += ratePerMinute[r.shift]! * (r.end - r.start);
  let cap = Math.ceil(expected * days * 1.05 + 64);
  let time = new Float64Array(cap);
  let cell = new Int32Array(cap);
  let service = new Float64Array(cap);
  let k = 0;
  for (let d = 0; d < days; d++) {
    if ((d & 63) === 0) throwIfAborted(options.signal);
    for (const r of runs) {
      if (r.shift < 0) continue;
      const rate = ratePerMinute[r.shift]!;
      if (rate === 0) continue;
      const c = cum[r.shift]!;
      const total = c[n - 1]!;
      const end = d * 1440 + r.end;
      let t = d * 1440 + r.start;
      for (;;) {
        t += -Math.log(1 - rng.next()) / rate;
        if (t >= end) break;
        if (k === cap) {
          cap *= 2;
          time = grow(time, cap);
          cell = grow(cell, cap);
          service = grow(service, cap);
        }
        time[k] = t;
        cell[k] = pickCumulative(c, rng.next() * total);
        service[k] = -Math.log(1 - rng.next()) * svc[r.shift]!;
        k++;
      }
    }
  }
  return {
    count: k,
    timeMinutes: time.slice(0, k),
    cell: cell.slice(0, k),
    serviceMinutes: service.slice(0, k),
    priority: new Uint8Array(k).fill(UNSPECIFIED_PRIORITY),
    days,
    startMs: 0,
  };
}

/** Runs of equal shift in a minute-of-day table: `[start, end)` minutes and the shift (−1 = none). */
export function shiftRuns(table: Int8Array): Array<{ start: number; end: number; shift: number }> {
  const out: Array<{ start: number; end: number; shift: number }> = [];
  let start = 0;
  for (let m = 1; m <= table.length; m++) {
    if (m === table.length || table[m] !== table[start]) {
      out.push({ start, end: m, shift: table[start]! });
      start = m;
    }
  }
  return out;
}

function grow<T extends Float64Array | Int32Array>(a: T, cap: number): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** A standard normal draw (Box–Muller, one value per call so the stream stays simple). */
function normal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
