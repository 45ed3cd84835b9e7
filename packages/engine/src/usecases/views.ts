/**
 * Read-only views of a stored plan: cells as compact JSON, public (privacy-pooled) figures,
 * the incident heat bins, a comparison of two plans, meeting places, and scored cells read
 * back from a `cells.csv`.
 */

import type { FeatureCollection, Point } from 'geojson';
import { BeatplanError } from '../errors.js';
import { type Grid, gridFromCells } from '../grid/index.js';
import { comparePlans, type PlanComparison, planFromJson } from '../plan/index.js';
import { chooseMeetingPlaces, type RoadNetwork } from '../response/index.js';
import { aggregateCounts, binMeans, type CountBins } from '../score/index.js';
import { evaluationOptionsOf, type LoadedPlan, type ParsedPlanJson, parsePlanJson } from './stored-plan.js';

/**
 * Incidents of a plan's cells (parsed or loaded) pooled so that every bin holds ≥ k
 * (k = 1: the cells with incidents), by `aggregateCounts`.
 * @example incidentBinsOf(parsePlanJson(text), 5).suppressed.incidents
 */
export function incidentBinsOf(cells: { h3: readonly string[]; scores: { incidentCount: ArrayLike<number> } }, k: number): CountBins {
  return aggregateCounts(cells.h3, cells.scores.incidentCount, k);
}

/**
 * Each cell's workload as a public view shows it: the mean over its pool (NaN when suppressed).
 * @example publicWorkload(parsePlanJson(text), 5)[0]
 */
export function publicWorkload(
  cells: { h3: readonly string[]; scores: { incidentCount: ArrayLike<number>; workloadHours: ArrayLike<number> } },
  k: number,
): Float64Array {
  return binMeans(incidentBinsOf(cells, k), cells.scores.workloadHours);
}

/** How small incident counts are protected in a public answer. */
export interface PrivacyNote {
  /** Every shown bin holds at least k incidents. */
  k: number;
  method: 'h3-pooling';
}

/**
 * The `privacy` block of a public answer.
 * @example privacyDto(5) // { k: 5, method: 'h3-pooling' }
 */
export function privacyDto(k: number): PrivacyNote {
  return { k, method: 'h3-pooling' as const };
}

/**
 * Incident bins column-wise, with what was left out (the heat layer's data).
 * @param aggregated true when the bins were pooled for privacy
 * @example incidentBinsDto(incidentBinsOf(parsed, 1), 3, false).bins.count
 */
export function incidentBinsDto(bins: CountBins, version: number, aggregated: boolean) {
  return {
    version,
    resolution: bins.resolution,
    k: bins.k,
    aggregated,
    bins: { h3: [...bins.h3], count: Array.from(bins.count), cells: Array.from(bins.cells) },
    total: bins.total,
    shown: bins.total - bins.suppressed.incidents,
    suppressed: { ...bins.suppressed },
  };
}

/** Cells of a plan, row-wise in the cells.csv vocabulary. */
export interface PlanCellsJson {
  resolution: number;
  columns: string[];
  rows: Array<Array<string | number | null>>;
  privacy?: PrivacyNote;
}

/**
 * Every cell of a stored plan.json as compact JSON: rows in the cells.csv vocabulary and
 * column order, `h3, beat, workload, need, incidents, population, workload_<shift>…` (beat `''`
 * unassigned; officer-hours and community hours per week), in the file's (= the grid's, sorted)
 * cell order. Read from the text alone: no grid is rebuilt and no dataset re-read.
 * With `publicBins` (a viewer's answer), the public layout: `h3, beat, workload` (the mean over
 * the cell's pool, null when suppressed), `need`, `population` — no incident count and no
 * per-shift workload per cell.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 * @example planCellsJson(text).columns // ['h3', 'beat', 'workload', …]
 */
export function planCellsJson(planJson: string | ParsedPlanJson, publicBins?: CountBins): PlanCellsJson {
  const { plan, scores, h3 } = typeof planJson === 'string' ? parsePlanJson(planJson) : planJson;
  const rows: Array<Array<string | number | null>> = new Array(plan.cellCount);
  const beatOf = (i: number) => {
    const b = plan.beatOfCell[i]!;
    return b >= 0 ? plan.beatIds[b]! : '';
  };
  if (publicBins) {
    const workload = binMeans(publicBins, scores.workloadHours);
    for (let i = 0; i < plan.cellCount; i++) {
      const w = workload[i]!;
      rows[i] = [h3[i]!, beatOf(i), Number.isNaN(w) ? null : w, scores.needHours[i]!, scores.population[i]!];
    }
    return withUnitColumn(plan, {
      resolution: plan.resolution,
      columns: ['h3', 'beat', 'workload', 'need', 'population'],
      rows,
      privacy: privacyDto(publicBins.k),
    });
  }
  const shifts = scores.shiftWorkloadHours;
  const columns = ['h3', 'beat', 'workload', 'need', 'incidents', 'population', ...scores.shifts.map((s) => `workload_${s.id}`)];
  for (let i = 0; i < plan.cellCount; i++) {
    const row: Array<string | number> = [
      h3[i]!,
      beatOf(i),
      scores.workloadHours[i]!,
      scores.needHours[i]!,
      scores.incidentCount[i]!,
      scores.population[i]!,
    ];
    for (const s of shifts) row.push(s[i]!);
    rows[i] = row;
  }
  return withUnitColumn(plan, { resolution: plan.resolution, columns, rows });
}

/** A plan made on units: a last column `unit` (the unit id of each cell), so the map can paint whole units. */
function withUnitColumn(
  plan: { readonly units?: { readonly unitOfCell: Int32Array; readonly unitIds: readonly string[] } },
  cells: PlanCellsJson,
): PlanCellsJson {
  const units = plan.units;
  if (!units) return cells;
  cells.rows.forEach((row, i) => row.push(units.unitIds[units.unitOfCell[i]!] ?? ''));
  return { ...cells, columns: [...cells.columns, 'unit'] };
}

/** {@link comparePlans} with the changed cells as H3 ids. */
export type PlanPairComparison = Omit<PlanComparison, 'changedCells'> & { changedCells: { count: number; share: number; cells: string[] } };

/**
 * Compares two plans (`b`'s plan.json is taken on `a`'s grid); changed cells as H3 ids.
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when `b` is on another grid
 * @example comparePlanPair(a, bText).changedCells.count
 */
export function comparePlanPair(a: LoadedPlan, bJson: string): PlanPairComparison {
  const b = planFromJson(JSON.parse(bJson), a.grid).plan;
  const r = comparePlans(a.grid, a.plan, b, a.scores, evaluationOptionsOf(a.extra));
  return {
    ...r,
    changedCells: {
      count: r.changedCells.count,
      share: r.changedCells.share,
      cells: Array.from(r.changedCells.cells, (i) => a.grid.h3[i]!),
    },
  };
}

/** The meeting place of one beat, for the public lookup (no officer data). */
export interface MeetingPlaceDto {
  id: string | number | null;
  name: string | null;
  /** `[lng, lat]` */
  position: number[] | null;
  /** True when the venue lies inside the beat. */
  inside: boolean;
  /** Population-weighted mean walk of the beat's residents to it, minutes (one decimal). */
  meanWalkMinutes: number | null;
}

/**
 * Each beat's meeting place among `venues` (the one minimising the residents' walk,
 * `chooseMeetingPlaces`), by beat id. With `roads`, residents walk along the road graph (as
 * the CLI's `--roads`); without, straight line × 1.3 plus barrier detours.
 * @example meetingPlaces(p, venues, 'id', 'name').get('B001')?.name
 */
export function meetingPlaces(
  p: LoadedPlan,
  venues: FeatureCollection<Point>,
  idProperty: string,
  nameProperty: string,
  roads?: RoadNetwork,
): Map<string, MeetingPlaceDto> {
  const m = chooseMeetingPlaces(p.grid, p.plan, p.scores.population, venues, { idProperty, ...(roads ? { roads } : {}) });
  const out = new Map<string, MeetingPlaceDto>();
  m.beats.forEach((b, k) => {
    const f = b.venue !== null ? venues.features[b.venue] : undefined;
    const name = f?.properties?.[nameProperty];
    out.set(p.plan.beatIds[k]!, {
      id: b.venueId,
      name: typeof name === 'string' || typeof name === 'number' ? String(name) : null,
      position: b.position ? Array.from(b.position) : null,
      inside: b.inside,
      meanWalkMinutes: b.meanWalkMinutes === null ? null : Math.round(b.meanWalkMinutes * 10) / 10,
    });
  });
  return out;
}

/** Cells of a score run's cells.csv on their grid: workload and need per grid cell. */
export interface ScoredCells {
  grid: Grid;
  /** Officer-hours per week per cell. */
  workload: Float64Array;
  /** Community hours per week per cell. */
  need: Float64Array;
}

/**
 * The grid and per-cell workload and need of a `cells.csv` already split into a header and
 * rows (e.g. by the engine's CSV reader, `readCsvTable`); the grid rebuilt by `gridFromCells`.
 * @param file named in errors
 * @throws BeatplanError `PARSE_ERROR` (no h3/workload/need columns), `BAD_INPUT` (bad H3 ids)
 * @example scoredCellsOfTable(['h3', 'workload', 'need'], [['8a…', '1.5', '2']])
 */
export function scoredCellsOfTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, file = 'cells.csv'): ScoredCells {
  const [ih, iw, in_] = ['h3', 'workload', 'need'].map((c) => header.indexOf(c)) as [number, number, number];
  if (ih < 0 || iw < 0 || in_ < 0)
    throw new BeatplanError('PARSE_ERROR', 'cells.csv needs h3, workload and need columns', { file, field: 'cells.csv' });
  const grid = gridFromCells(rows.map((r) => r[ih]!));
  const workload = new Float64Array(grid.cellCount);
  const need = new Float64Array(grid.cellCount);
  for (const r of rows) {
    const i = grid.indexOf(r[ih]!);
    if (i < 0) continue;
    workload[i] = Number(r[iw]);
    need[i] = Number(r[in_]);
  }
  return { grid, workload, need };
}
