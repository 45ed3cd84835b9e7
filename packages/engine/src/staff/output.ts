/**
 * Output builders (pure): the `staffing.json` object and the `assignments.csv` text.
 */
import { toCsv } from '../csv-format.js';
import type { StaffingResult } from './types.js';

/** Format tag of `staffing.json`. */
export const STAFFING_FORMAT = 'beatplan.staffing/1';

/**
 * The `staffing.json` document: per beat per shift `required`, `allocated`, `saturation`,
 * `communityHours`, `communityShortfallHours`, `vehicle`, `officers`; per-shift summaries, totals,
 * continuity, every unfilled slot with its reason, and which parts were solved exactly.
 * Numbers are rounded to 4 decimals; the object is JSON-safe (no Infinity/NaN).
 *
 * @example writeFileSync('staffing.json', JSON.stringify(staffingToJson(result), null, 2));
 */
export function staffingToJson(result: StaffingResult): Record<string, unknown> {
  const r4 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);
  return {
    format: STAFFING_FORMAT,
    totals: result.totals,
    continuity: { ...result.continuity, percent: r4(result.continuity.percent), meanShareHeld: r4(result.continuity.meanShareHeld) },
    shifts: result.shifts.map((s) => ({
      ...s,
      maxSaturation: r4(s.maxSaturation),
      meanSaturation: r4(s.meanSaturation),
      communityHours: r4(s.communityHours),
      communityShortfallHours: r4(s.communityShortfallHours),
    })),
    beats: result.beats.map((b) => ({
      id: b.id,
      district: b.district,
      mode: b.mode,
      shifts: b.shifts.map((s) => ({
        shift: s.shift,
        workloadHours: r4(s.workloadHours),
        required: s.required,
        allocated: s.allocated,
        saturation: r4(s.saturation),
        communityHours: r4(s.communityHours),
        communityShortfallHours: r4(s.communityShortfallHours),
        vehicle: s.vehicle,
        officers: s.officers,
      })),
    })),
    unfilled: result.unfilled,
    solved: {
      exact: result.parts.every((p) => p.exact),
      parts: result.parts.map((p) => ({ ...p, objective: r4(p.objective), timeMs: r4(p.timeMs) })),
    },
    rosterIssues: result.rosterIssues,
    timingsMs: {
      allocation: r4(result.timingsMs.allocation),
      assignment: r4(result.timingsMs.assignment),
      total: r4(result.timingsMs.total),
    },
  };
}

/** Header of `assignments.csv`. */
export const ASSIGNMENTS_CSV_COLUMNS = [
  'officer_id',
  'name',
  'shift',
  'rank',
  'beat',
  'previous_beat',
  'target_beat',
  'continuity',
  'slot',
  'reason',
] as const;

/**
 * `assignments.csv`: one row per roster officer considered (assigned or not, with the reason),
 * ordered by shift then officer id. RFC 4180 quoting and formula neutralising (`toCsv`), `\n` line ends.
 *
 * @example writeFileSync('assignments.csv', assignmentsToCsv(result));
 */
export function assignmentsToCsv(result: StaffingResult): string {
  const rows = [...result.assignments].sort((a, b) =>
    a.shift === b.shift ? (a.officerId < b.officerId ? -1 : a.officerId > b.officerId ? 1 : 0) : 0,
  );
  return toCsv(
    ASSIGNMENTS_CSV_COLUMNS,
    rows.map((a) => [
      a.officerId,
      a.name,
      a.shift,
      a.rank,
      a.beat,
      a.previousBeat,
      a.targetBeat,
      a.continuity ? 'yes' : 'no',
      a.slot,
      a.reason,
    ]),
  );
}

/** Header of the per beat × shift assignments CSV ({@link beatShiftAssignmentsCsv}). */
export const BEAT_SHIFT_ASSIGNMENTS_CSV_COLUMNS = ['beat', 'district', 'shift', 'officer', 'required', 'allocated', 'vehicle'] as const;

/** The part of a `staffing.json` document (see {@link staffingToJson}) that {@link beatShiftAssignmentsCsv} reads. */
export interface StaffingJsonBeats {
  readonly beats: ReadonlyArray<{
    readonly id: string;
    readonly district?: string | null;
    readonly shifts: ReadonlyArray<{
      readonly shift: string;
      readonly required: number;
      readonly allocated: number;
      readonly vehicle?: string | null;
      readonly officers: readonly string[];
    }>;
  }>;
}

/**
 * The assignments of a `staffing.json` document as CSV, one row per officer assigned to a beat
 * in a shift (a beat × shift with nobody assigned gets one row with an empty officer):
 * `beat,district,shift,officer,required,allocated,vehicle` ({@link BEAT_SHIFT_ASSIGNMENTS_CSV_COLUMNS};
 * `required` and `allocated` are officers for that beat and shift). Rows follow the document's
 * beats, then their shifts. RFC 4180 quoting and formula neutralising (`toCsv`), `\n` line ends.
 * The API serves it as `GET /plans/{id}/staffing/{staffingId}?format=csv` (the map's download).
 *
 * @example beatShiftAssignmentsCsv({ beats: [{ id: '0111', shifts: [{ shift: '0-8', required: 1, allocated: 1, officers: ['P1'] }] }] })
 * // → "beat,district,shift,officer,required,allocated,vehicle\n0111,,0-8,P1,1,1,\n"
 */
export function beatShiftAssignmentsCsv(staffing: StaffingJsonBeats): string {
  const rows: unknown[][] = [];
  for (const b of staffing.beats) {
    for (const sh of b.shifts) {
      for (const o of sh.officers.length ? sh.officers : [''])
        rows.push([b.id, b.district, sh.shift, o, sh.required, sh.allocated, sh.vehicle]);
    }
  }
  return toCsv(BEAT_SHIFT_ASSIGNMENTS_CSV_COLUMNS, rows);
}
