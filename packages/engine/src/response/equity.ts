/**
 * Equity lens: how a staffed plan spreads officer time over community areas
 * (neighbourhoods), per 1,000 residents and per incident, and how that changes between plans.
 */
import { BeatplanError } from '../errors.js';
import type { BeatPlan } from '../plan/types.js';
import { shiftLengthHours } from '../score/shifts.js';
import type { CellScores } from '../score/types.js';

/** Options of {@link equityByArea}. */
export interface EquityOptions {
  /** Names of the areas (index → id). Default "A1", "A2"… */
  areaIds?: readonly string[];
  /** Officers per patrol unit (default 1): officer hours = units × shift hours × this. */
  officersPerUnit?: number;
}

/** Hours per week of one kind, raw and normalised. Ratios are null when the base is 0. */
export interface EquityMeasure {
  /** Hours per week. */
  readonly hours: number;
  /** Hours per week per 1,000 residents. */
  readonly per1000Residents: number | null;
  /** Hours per week per incident per week (= hours per incident). */
  readonly perIncident: number | null;
}

/** Figures of one area. */
export interface AreaEquity {
  readonly id: string;
  readonly cells: number;
  readonly residents: number;
  readonly incidentsPerWeek: number;
  /** Officer time attributed to the area: its reactive work + the community time it receives. */
  readonly officerHours: EquityMeasure;
  /** Community (engagement) time the area receives. */
  readonly communityHours: EquityMeasure;
  /** Reactive workload of the area (plan independent). */
  readonly reactiveHours: EquityMeasure;
  /** Community need of the area left uncovered, hours per week. */
  readonly communityShortfallHours: number;
  /**
   * Workload-weighted saturation (reactive hours / officer hours) of the beats that serve the
   * area: how loaded the officers answering its calls are (null without workload).
   */
  readonly servingBeatSaturation: number | null;
}

/** What {@link equityByArea} returns (plain JSON). */
export interface EquityReport {
  readonly areas: readonly AreaEquity[];
  /** Cells in no area (index −1) or in no beat, left out. */
  readonly cellsOutside: number;
}

/**
 * Officer hours, community hours and reactive workload per area, per 1,000 residents and
 * per incident, for one staffed plan. Attribution, per beat b (hours per week):
 * officer hours O_b = Σ_shifts units × shift hours × 7 × officersPerUnit; reactive work
 * R_b = Σ cell workload; community time C_b = min(need_b, max(0, O_b − R_b)), given to the
 * beat's cells in proportion to their need; a cell's officer hours = its workload × min(1,
 * O_b/R_b) + its community time.
 * @param unitsByBeat patrol units on duty, `[shift][beat]` (shifts as in `scores.shifts`); from officers by
 *   the time model, `unitsOnDutyByShift`, so that officer hours = officers × their weekly hours
 * @param areaOfCell area index per cell (−1 = none), e.g. from `cellsToPolygons`
 * @throws BeatplanError `PLAN_GRID_MISMATCH`, `BAD_INPUT`
 * @example equityByArea(plan, scores, units, cellsToPolygons(grid, communityAreas))
 */
export function equityByArea(
  plan: BeatPlan,
  scores: CellScores,
  unitsByBeat: ReadonlyArray<ArrayLike<number>>,
  areaOfCell: Int32Array,
  options: EquityOptions = {},
): EquityReport {
  const n = plan.cellCount;
  if (scores.cellCount !== n)
    throw new BeatplanError('PLAN_GRID_MISMATCH', 'the scores do not fit the plan', { field: 'scores', value: scores.cellCount });
  if (areaOfCell.length !== n)
    throw new BeatplanError('BAD_INPUT', 'areaOfCell needs one value per cell', { field: 'areaOfCell', value: areaOfCell.length });
  const beats = plan.beatIds.length;
  if (unitsByBeat.length !== scores.shifts.length)
    throw new BeatplanError('BAD_INPUT', `unitsByBeat needs one row per shift (${scores.shifts.length})`, {
      field: 'unitsByBeat',
      value: unitsByBeat.length,
    });
  const perUnit = options.officersPerUnit ?? 1;
  if (!(perUnit > 0)) throw new BeatplanError('BAD_INPUT', 'officersPerUnit must be > 0', { field: 'officersPerUnit', value: perUnit });
  let areas = 0;
  for (let i = 0; i < n; i++) areas = Math.max(areas, areaOfCell[i]! + 1);
  if (options.areaIds) areas = Math.max(areas, options.areaIds.length);
  const officer = new Float64Array(beats);
  scores.shifts.forEach((sh, s) => {
    const row = unitsByBeat[s]!;
    if (row.length !== beats)
      throw new BeatplanError('BAD_INPUT', `unitsByBeat[${s}] needs one value per beat`, {
        field: 'unitsByBeat',
        row: s,
        value: row.length,
      });
    for (let b = 0; b < beats; b++) officer[b]! += row[b]! * shiftLengthHours(sh) * 7 * perUnit;
  });
  const react = new Float64Array(beats);
  const need = new Float64Array(beats);
  for (let i = 0; i < n; i++) {
    const b = plan.beatOfCell[i]!;
    if (b < 0) continue;
    react[b]! += scores.workloadHours[i]!;
    need[b]! += scores.needHours[i]!;
  }
  const res = Array.from({ length: areas }, () => ({
    cells: 0,
    residents: 0,
    incidents: 0,
    officer: 0,
    community: 0,
    reactive: 0,
    need: 0,
    satW: 0,
  }));
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const a = areaOfCell[i]!;
    const b = plan.beatOfCell[i]!;
    if (a < 0 || b < 0) {
      outside++;
      continue;
    }
    const r = res[a]!;
    const wl = scores.workloadHours[i]!;
    const community = need[b]! > 0 ? (Math.min(need[b]!, Math.max(0, officer[b]! - react[b]!)) * scores.needHours[i]!) / need[b]! : 0;
    r.cells++;
    r.residents += scores.population[i]!;
    r.incidents += scores.incidentCount[i]! / scores.periodWeeks;
    r.reactive += wl;
    r.community += community;
    r.need += scores.needHours[i]!;
    r.officer += wl * (react[b]! > 0 ? Math.min(1, officer[b]! / react[b]!) : 0) + community;
    r.satW += wl * (officer[b]! > 0 ? react[b]! / officer[b]! : Infinity);
  }
  const measure = (hours: number, residents: number, incidents: number): EquityMeasure => ({
    hours: round(hours),
    per1000Residents: residents > 0 ? round((hours / residents) * 1000) : null,
    perIncident: incidents > 0 ? round(hours / incidents) : null,
  });
  return {
    areas: res.map((r, a) => ({
      id: options.areaIds?.[a] ?? `A${a + 1}`,
      cells: r.cells,
      residents: round(r.residents),
      incidentsPerWeek: round(r.incidents),
      officerHours: measure(r.officer, r.residents, r.incidents),
      communityHours: measure(r.community, r.residents, r.incidents),
      reactiveHours: measure(r.reactive, r.residents, r.incidents),
      communityShortfallHours: round(Math.max(0, r.need - r.community)),
      servingBeatSaturation: r.reactive > 0 && Number.isFinite(r.satW) ? round(r.satW / r.reactive) : null,
    })),
    cellsOutside: outside,
  };
}

/** Change of one measure between two plans. */
export interface EquityChange {
  readonly before: number | null;
  readonly after: number | null;
  /** after − before (null when either is null). */
  readonly change: number | null;
}

/** Before/after of one area. */
export interface AreaEquityChange {
  readonly id: string;
  readonly officerHoursPer1000Residents: EquityChange;
  readonly communityHoursPer1000Residents: EquityChange;
  readonly officerHoursPerIncident: EquityChange;
  readonly servingBeatSaturation: EquityChange;
}

/**
 * Compares two {@link equityByArea} reports area by area (matched by id), e.g. the current
 * beats against a new plan, so that a commander sees which neighbourhoods lose officer time.
 * @throws BeatplanError `BAD_INPUT` when the two reports do not name the same areas
 * @example compareEquity(equityByArea(current, ...), equityByArea(proposed, ...)).areas
 */
export function compareEquity(before: EquityReport, after: EquityReport): { readonly areas: readonly AreaEquityChange[] } {
  const byId = new Map(after.areas.map((a) => [a.id, a]));
  if (byId.size !== before.areas.length || before.areas.some((a) => !byId.has(a.id))) {
    throw new BeatplanError('BAD_INPUT', 'the two equity reports must cover the same areas', { field: 'areas' });
  }
  const ch = (x: number | null, y: number | null): EquityChange => ({
    before: x,
    after: y,
    change: x === null || y === null ? null : round(y - x),
  });
  return {
    areas: before.areas.map((b) => {
      const a = byId.get(b.id)!;
      return {
        id: b.id,
        officerHoursPer1000Residents: ch(b.officerHours.per1000Residents, a.officerHours.per1000Residents),
        communityHoursPer1000Residents: ch(b.communityHours.per1000Residents, a.communityHours.per1000Residents),
        officerHoursPerIncident: ch(b.officerHours.perIncident, a.officerHours.perIncident),
        servingBeatSaturation: ch(b.servingBeatSaturation, a.servingBeatSaturation),
      };
    }),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
