/**
 * Reading a `staffing.json` (`beatplan.staffing/1`, written by `beatplan staff` and stored by
 * the API) back against a plan: the officers allocated per shift and beat.
 */
import { BeatplanError } from '../errors.js';
import { STAFFING_FORMAT } from './output.js';

/** The part of a `staffing.json` this module reads. */
export interface StaffingJsonLike {
  readonly format?: unknown;
  readonly beats?: ReadonlyArray<{
    readonly id?: unknown;
    readonly shifts?: ReadonlyArray<{ readonly shift?: unknown; readonly allocated?: unknown }>;
  }>;
}

/**
 * Officers allocated `[shift][beat]` by a parsed `staffing.json`, in the order of the plan's
 * `beatIds` and `shiftIds`. Every beat and shift of the plan must be in the staffing.
 * @param file named in errors
 * @throws BeatplanError `BAD_INPUT` (not a staffing document, a bad `allocated` value — the
 *   field is named, e.g. `beats[3].shifts[1].allocated`), `PLAN_GRID_MISMATCH` (a beat or
 *   shift of the plan missing from the staffing: it was made for another plan)
 * @example allocatedOfficersOf(JSON.parse(text), plan.beatIds, scores.shifts.map((s) => s.id))
 */
export function allocatedOfficersOf(json: unknown, beatIds: readonly string[], shiftIds: readonly string[], file?: string): number[][] {
  const doc = json as StaffingJsonLike;
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.beats)) {
    throw new BeatplanError('BAD_INPUT', `not a staffing document (no "beats" array; expected "format": "${STAFFING_FORMAT}")`, {
      file,
      field: 'beats',
    });
  }
  if (doc.format !== undefined && doc.format !== STAFFING_FORMAT) {
    throw new BeatplanError('BAD_INPUT', `unknown staffing format (expected "${STAFFING_FORMAT}")`, {
      file,
      field: 'format',
      value: String(doc.format),
    });
  }
  const beatIndex = new Map(beatIds.map((id, b) => [id, b]));
  const shiftIndex = new Map(shiftIds.map((id, s) => [id, s]));
  const out = shiftIds.map(() => new Array<number>(beatIds.length).fill(NaN));
  const beats = doc.beats as NonNullable<StaffingJsonLike['beats']>;
  beats.forEach((beat, k) => {
    const b = beatIndex.get(String(beat?.id));
    if (b === undefined) return; // a beat of another plan: reported below when the plan's beats are not all covered
    (beat.shifts ?? []).forEach((sh, j) => {
      const s = shiftIndex.get(String(sh?.shift));
      if (s === undefined) return;
      const a = sh.allocated;
      if (typeof a !== 'number' || !Number.isFinite(a) || a < 0) {
        throw new BeatplanError('BAD_INPUT', 'allocated officers must be a number ≥ 0', {
          file,
          field: `beats[${k}].shifts[${j}].allocated`,
          value: String(a),
        });
      }
      out[s]![b] = a;
    });
  });
  for (let s = 0; s < shiftIds.length; s++) {
    const missing = beatIds.filter((_, b) => Number.isNaN(out[s]![b]!));
    if (missing.length) {
      throw new BeatplanError(
        'PLAN_GRID_MISMATCH',
        `the staffing has no officers for ${missing.length} beat(s) of the plan in shift ${shiftIds[s]} (e.g. ${missing.slice(0, 3).join(', ')}): it was made for another plan`,
        {
          file,
          field: 'beats',
          value: missing[0],
        },
      );
    }
  }
  return out;
}
