/**
 * Plan metrics on the client: the tolerance band, each beat's status against it, sorting for
 * the metrics panel, the beats that need attention, and the live preview of a brush stroke
 * (additive aggregates of the affected beats, before the API confirms the move).
 */

/** `metrics.json` of a plan version and one of its beats: the API's types (`@beatplan/api`, types only). */
import type { BeatMetricsDto, PlanMetricsDto } from '@beatplan/api';
import type { CellModel } from './cell-model.js';

export type { BeatMetricsDto, PlanMetricsDto };

/** The workload band beats should stay in: mean × (1 ± tolerance). */
export interface Band {
  mean: number;
  low: number;
  high: number;
  tolerance: number;
}

/** Default tolerance ε when the metrics do not say (DESIGN.md: ±2.5% = 0.025, the engine's default). */
export const DEFAULT_TOLERANCE = 0.025;

/** The band of a plan: mean workload over non-empty beats × (1 ± tolerance). */
export function bandOf(m: Pick<PlanMetricsDto, 'workload' | 'tolerance'>): Band {
  const tolerance = m.tolerance ?? DEFAULT_TOLERANCE;
  const mean = m.workload.mean;
  return { mean, low: mean * (1 - tolerance), high: mean * (1 + tolerance), tolerance };
}

/** Where a beat's workload lies against the band. */
export type BeatStatus = 'under' | 'ok' | 'over';

/** Status of a workload against a band (inclusive bounds, with a relative slack of 1e-9). */
export function statusOf(workload: number, band: Band): BeatStatus {
  const eps = 1e-9 * Math.max(1, Math.abs(band.mean));
  if (workload < band.low - eps) return 'under';
  if (workload > band.high + eps) return 'over';
  return 'ok';
}

/** Why a beat is listed by {@link problemBeats}. */
export interface BeatProblem {
  id: string;
  reasons: Array<'non-contiguous' | 'under' | 'over'>;
  /** Workload / mean − 1 (signed share). */
  deviation: number;
}

/**
 * Beats that are non-contiguous or outside the band, worst first (non-contiguous first, then
 * by absolute deviation from the mean).
 * @example problemBeats(metrics).map((p) => p.id)
 */
export function problemBeats(m: PlanMetricsDto): BeatProblem[] {
  const band = bandOf(m);
  const out: BeatProblem[] = [];
  for (const b of m.perBeat) {
    if (b.cells === 0) continue;
    const reasons: BeatProblem['reasons'] = [];
    if (!b.contiguous) reasons.push('non-contiguous');
    const s = statusOf(b.workload, band);
    if (s !== 'ok') reasons.push(s);
    if (reasons.length) out.push({ id: b.id, reasons, deviation: band.mean ? b.workload / band.mean - 1 : 0 });
  }
  return out.sort(
    (a, b) =>
      Number(b.reasons.includes('non-contiguous')) - Number(a.reasons.includes('non-contiguous')) ||
      Math.abs(b.deviation) - Math.abs(a.deviation) ||
      a.id.localeCompare(b.id),
  );
}

/** Sort keys of the metrics panel. */
export type SortKey = 'id' | 'workload' | 'deviation' | 'compactness' | 'area';

/**
 * Beats sorted for the metrics panel (a new array; ties by id). `deviation` sorts by distance
 * from the mean, largest first when descending.
 */
export function sortBeats(beats: readonly BeatMetricsDto[], key: SortKey, descending: boolean, mean: number): BeatMetricsDto[] {
  const value = (b: BeatMetricsDto): number | string => {
    switch (key) {
      case 'id':
        return b.id;
      case 'workload':
        return b.workload;
      case 'deviation':
        return Math.abs(b.workload - mean);
      case 'compactness':
        return b.polsbyPopper;
      case 'area':
        return b.areaKm2;
    }
  };
  const dir = descending ? -1 : 1;
  return [...beats].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'string' ? va.localeCompare(String(vb), 'en', { numeric: true }) : va - (vb as number);
    return c !== 0 ? dir * c : a.id.localeCompare(b.id, 'en', { numeric: true });
  });
}

/** One affected beat in a stroke preview. */
export interface StrokeBeatDelta {
  beat: number;
  id: string;
  cellsBefore: number;
  cellsAfter: number;
  workloadBefore: number;
  workloadAfter: number;
  areaBefore: number;
  areaAfter: number;
}

/**
 * The additive metrics (cells, workload hours, area km²) of every beat a stroke touches, if
 * the stroke's cells moved into `toBeat`. Pure: the model is not changed. Compactness and
 * contiguity are the API's answer after the stroke.
 *
 * @param before current aggregates per beat (cells, workloadHours, areaKm2), e.g. from metrics
 * @returns the affected beats: `toBeat` first, then the losing beats by id
 */
export function previewStroke(
  model: CellModel,
  cells: Iterable<number>,
  toBeat: number,
  before: ReadonlyMap<number, { cells: number; workloadHours: number; areaKm2: number }>,
): StrokeBeatDelta[] {
  const delta = new Map<number, { c: number; w: number; a: number }>();
  const bump = (b: number, s: number, i: number) => {
    const d = delta.get(b) ?? { c: 0, w: 0, a: 0 };
    d.c += s;
    d.w += s * model.workloadHours[i]!;
    d.a += s * model.areaKm2[i]!;
    delta.set(b, d);
  };
  for (const i of new Set(cells)) {
    const from = model.beatOf[i]!;
    if (from === toBeat) continue;
    if (from >= 0) bump(from, -1, i);
    bump(toBeat, +1, i);
  }
  const out: StrokeBeatDelta[] = [];
  for (const [b, d] of delta) {
    const x = before.get(b) ?? { cells: 0, workloadHours: 0, areaKm2: 0 };
    out.push({
      beat: b,
      id: model.beatIds[b] ?? String(b),
      cellsBefore: x.cells,
      cellsAfter: x.cells + d.c,
      workloadBefore: x.workloadHours,
      workloadAfter: x.workloadHours + d.w,
      areaBefore: x.areaKm2,
      areaAfter: x.areaKm2 + d.a,
    });
  }
  return out.sort((a, b) => Number(b.beat === toBeat) - Number(a.beat === toBeat) || a.id.localeCompare(b.id, 'en', { numeric: true }));
}
