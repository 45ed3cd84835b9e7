/**
 * Plan outputs as pure values (the CLI writes the files): `plan.json`, `beats.geojson`,
 * `cells.csv`.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { cellsToMultiPolygon } from 'h3-js';
import { BeatplanError } from '../errors.js';
import { type GridTopology, gridTopology } from '../grid/build-grid.js';
import type { Grid } from '../grid/grid.js';
import { type CellsCsvOptions, cellsToCsv } from '../score/cells-csv.js';
import type { CellScores, ShiftWindow } from '../score/types.js';
import type { CellUnits } from '../units/assign.js';
import { checkPlanGrid } from './evaluate.js';
import type { PlanLineage } from './lineage.js';
import type { BeatMethod, BeatMetrics, BeatPlan, PlanMetrics, PlanScores } from './types.js';
import { toCellScores } from './weights.js';

/** The `format` tag of plan.json files this version writes and reads. */
export const PLAN_FORMAT = 'beatplan.plan/1';

/**
 * `plan.json`: self-contained, so staffing can run from it alone. Columnar cells; `beat` is
 * the index into `beats` (−1 = unassigned); `workloadHours[s][i]` is the workload of shift `s`
 * in cell `i` (officer-hours per week); `needHours[i]` community hours per week.
 */
export interface PlanJson {
  readonly format: typeof PLAN_FORMAT;
  readonly resolution: number;
  readonly shifts: readonly ShiftWindow[];
  readonly districts: readonly string[] | null;
  readonly beats: ReadonlyArray<{
    readonly id: string;
    readonly locked: boolean;
    readonly district: number | null;
    readonly method: BeatMethod | null;
  }>;
  readonly cells: {
    readonly h3: readonly string[];
    readonly beat: readonly number[];
    readonly workloadHours: readonly (readonly number[])[];
    readonly needHours: readonly number[];
    /** Residents per cell (optional: files written before it have none). */
    readonly population?: readonly number[];
    /** Incidents per cell that made the workload (optional). */
    readonly incidents?: readonly number[];
    /** Unit index per cell into `units.ids` (only for plans made on atomic units). */
    readonly unit?: readonly number[];
  };
  /** Atomic units the plan keeps whole (optional): their ids; `cells.unit` indexes them. */
  readonly units?: { readonly ids: readonly string[] };
  /**
   * Period the incidents covered, in weeks (optional), so that mean service time per
   * incident can be derived from the file alone.
   */
  readonly periodWeeks?: number;
  /**
   * The grid's bridges and barrier cuts as H3 pairs, so that `gridFromCells(cells.h3, grid)`
   * rebuilds exactly the grid the plan was made on (optional for older files: none).
   */
  readonly grid?: GridTopology;
  /** Anything the caller adds (options, seed, metrics summary, provenance). */
  readonly extra: Readonly<Record<string, unknown>>;
  /**
   * Where the beats came from (optional: plans without a predecessor have none): the parent's
   * name and content hash, the parent beat of each cell (`parentBeatOfCell`, in `cells` order),
   * and per beat the old beats it draws from with workload shares. See `inheritBeatIds`.
   */
  readonly lineage?: PlanLineage;
}

/**
 * Builds the `plan.json` value of a plan (`JSON.stringify` it to write the file). Numbers are
 * kept exactly (JSON doubles round-trip), so {@link planFromJson} gives back the same plan.
 * @param extra JSON-serialisable metadata copied into `extra`
 * @throws BeatplanError `PLAN_GRID_MISMATCH`
 * @example writeFileSync('plan.json', JSON.stringify(planToJson(grid, plan, scores, { seed: 1 })));
 */
export function planToJson(
  grid: Grid,
  plan: BeatPlan,
  scores: PlanScores,
  extra: Record<string, unknown> = {},
  lineage?: PlanLineage,
): PlanJson {
  checkPlanGrid(grid, plan);
  if (lineage && lineage.parentBeatOfCell.length !== grid.cellCount) {
    throw new BeatplanError('PLAN_GRID_MISMATCH', `lineage covers ${lineage.parentBeatOfCell.length} cells, the grid ${grid.cellCount}`, {
      field: 'lineage.parentBeatOfCell',
    });
  }
  const cs = toCellScores(grid, scores);
  return {
    format: PLAN_FORMAT,
    resolution: grid.resolution,
    shifts: cs.shifts.map((s) => ({ id: s.id, startHour: s.startHour, endHour: s.endHour })),
    districts: plan.districtIds ? [...plan.districtIds] : null,
    beats: plan.beatIds.map((id, b) => {
      const d = plan.districtOfBeat?.[b] ?? -1;
      return { id, locked: plan.locked[b] === 1, district: d >= 0 ? d : null, method: plan.method?.[b] ?? null };
    }),
    cells: {
      h3: [...grid.h3],
      beat: Array.from(plan.beatOfCell),
      workloadHours: cs.shiftWorkloadHours.map((a) => Array.from(a)),
      needHours: Array.from(cs.needHours),
      population: Array.from(cs.population),
      incidents: Array.from(cs.incidentCount),
      ...(plan.units ? { unit: Array.from(plan.units.unitOfCell) } : {}),
    },
    ...(plan.units ? { units: { ids: [...plan.units.unitIds] } } : {}),
    periodWeeks: cs.periodWeeks,
    grid: gridTopology(grid),
    extra: JSON.parse(JSON.stringify(extra)) as Record<string, unknown>,
    ...(lineage ? { lineage: JSON.parse(JSON.stringify(lineage)) as PlanLineage } : {}),
  };
}

/** What {@link planFromJson} returns. */
export interface PlanFromJson {
  readonly plan: BeatPlan;
  /** Scores rebuilt from the file (per-shift workload and need; other fields zero). */
  readonly scores: CellScores;
  /** H3 cell of each cell index (the grid's order when a grid was given). */
  readonly h3: readonly string[];
  readonly extra: Readonly<Record<string, unknown>>;
  /** The grid's bridges and barrier cuts (empty lists for files without them). */
  readonly topology: GridTopology;
  /** The plan's lineage, `parentBeatOfCell` in the returned cell order; null when the file has none. */
  readonly lineage: PlanLineage | null;
}

/**
 * Reads a `plan.json` value. With a grid, cells are matched by H3 index and must be exactly
 * the grid's cells; without one, the file's cell order is kept.
 * @throws BeatplanError `UNSUPPORTED_FORMAT` (other `format`), `PARSE_ERROR` (malformed),
 *   `PLAN_GRID_MISMATCH` (other resolution or cells)
 * @example const { plan, scores } = planFromJson(JSON.parse(text), grid);
 */
export function planFromJson(json: unknown, grid?: Grid): PlanFromJson {
  const j = json as PlanJson;
  if (!j || typeof j !== 'object') throw new BeatplanError('PARSE_ERROR', 'plan.json is not an object');
  if (j.format !== PLAN_FORMAT)
    throw new BeatplanError('UNSUPPORTED_FORMAT', `plan.json format must be "${PLAN_FORMAT}"`, { field: 'format', value: j.format });
  const bad = (field: string) => new BeatplanError('PARSE_ERROR', `plan.json: missing or malformed "${field}"`, { field });
  if (!Number.isInteger(j.resolution)) throw bad('resolution');
  if (!Array.isArray(j.shifts) || !Array.isArray(j.beats)) throw bad(!Array.isArray(j.shifts) ? 'shifts' : 'beats');
  const c = j.cells;
  if (!c || !Array.isArray(c.h3) || !Array.isArray(c.beat) || !Array.isArray(c.workloadHours) || !Array.isArray(c.needHours))
    throw bad('cells');
  const m = c.h3.length;
  if (
    c.beat.length !== m ||
    c.needHours.length !== m ||
    c.workloadHours.length !== j.shifts.length ||
    c.workloadHours.some((a) => !Array.isArray(a) || a.length !== m)
  ) {
    throw bad('cells (column lengths)');
  }
  if (j.beats.some((b) => b === null || typeof b !== 'object' || typeof b.id !== 'string')) throw bad('beats');
  if (j.shifts.some((s) => s === null || typeof s !== 'object')) throw bad('shifts');
  if (c.h3.some((h) => typeof h !== 'string')) throw bad('cells.h3');
  const K = j.beats.length;
  let pos: Int32Array;
  let n: number;
  let h3: readonly string[];
  if (grid) {
    if (grid.resolution !== j.resolution || grid.cellCount !== m) {
      throw new BeatplanError(
        'PLAN_GRID_MISMATCH',
        `plan.json (resolution ${j.resolution}, ${m} cells) does not fit the grid (resolution ${grid.resolution}, ${grid.cellCount} cells)`,
        { field: 'cells' },
      );
    }
    pos = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      const i = grid.indexOf(c.h3[k]!);
      if (i < 0)
        throw new BeatplanError('PLAN_GRID_MISMATCH', `plan.json cell ${c.h3[k]} is not in the grid`, {
          field: 'cells.h3',
          value: c.h3[k],
        });
      pos[k] = i;
    }
    n = grid.cellCount;
    h3 = grid.h3;
  } else {
    pos = Int32Array.from({ length: m }, (_, k) => k);
    n = m;
    h3 = [...c.h3];
  }
  const beatOfCell = new Int32Array(n).fill(-1);
  const shiftWorkloadHours = j.shifts.map(() => new Float64Array(n));
  const needHours = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    const b = c.beat[k]!;
    if (!Number.isInteger(b) || b < -1 || b >= K)
      throw new BeatplanError('PARSE_ERROR', `plan.json: cell ${k} has beat ${typeof b === 'number' ? b : typeof b}`, {
        field: 'cells.beat',
        value: b,
      });
    beatOfCell[pos[k]!] = b;
    needHours[pos[k]!] = c.needHours[k]!;
    for (let s = 0; s < shiftWorkloadHours.length; s++) shiftWorkloadHours[s]![pos[k]!] = c.workloadHours[s]![k]!;
  }
  const workloadHours = new Float64Array(n);
  for (const a of shiftWorkloadHours) for (let i = 0; i < n; i++) workloadHours[i] += a[i]!;
  const hasDistricts = Array.isArray(j.districts);
  const plan: BeatPlan = {
    resolution: j.resolution,
    cellCount: n,
    beatIds: j.beats.map((b) => b.id),
    beatOfCell,
    locked: Uint8Array.from(j.beats, (b) => (b.locked ? 1 : 0)),
    ...(hasDistricts ? { districtOfBeat: Int32Array.from(j.beats, (b) => b.district ?? -1), districtIds: [...j.districts!] } : {}),
    ...(j.beats.some((b) => b.method !== null) ? { method: j.beats.map((b) => b.method ?? 'imported') } : {}),
    ...unitsFromJson(j, m, pos, n),
  };
  const scores: CellScores = {
    resolution: j.resolution,
    cellCount: n,
    shifts: j.shifts.map((s) => ({ id: s.id, startHour: s.startHour, endHour: s.endHour })),
    shiftWorkloadHours,
    workloadHours: shiftWorkloadHours.length === 1 ? shiftWorkloadHours[0]! : workloadHours,
    rawWorkloadHours: workloadHours,
    needHours,
    population: optionalColumn(c.population, m, pos, n, 'cells.population', Float64Array),
    vulnerability: new Float64Array(n).fill(1),
    incidentCount: optionalColumn(c.incidents, m, pos, n, 'cells.incidents', Uint32Array),
    periodWeeks: typeof j.periodWeeks === 'number' && j.periodWeeks > 0 ? j.periodWeeks : 1,
  };
  const pairs = (list: unknown, field: string): Array<[string, string]> => {
    if (!Array.isArray(list)) return [];
    return list.map((p: unknown) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string') {
        throw new BeatplanError('PARSE_ERROR', `plan.json: "${field}" must hold pairs of H3 cells`, { field, value: p });
      }
      return [p[0], p[1]];
    });
  };
  const topology: GridTopology = {
    bridges: pairs(j.grid?.bridges, 'grid.bridges'),
    barrierCuts: pairs(j.grid?.barrierCuts, 'grid.barrierCuts'),
  };
  return { plan, scores, h3, extra: j.extra ?? {}, topology, lineage: lineageFromJson(j.lineage, m, pos, n, K) };
}

/** Reads `plan.json`'s optional `units` and `cells.unit` into grid order. */
function unitsFromJson(j: PlanJson, m: number, pos: Int32Array, n: number): { units?: CellUnits } {
  if (j.units === undefined && j.cells.unit === undefined) return {};
  const ids = j.units?.ids;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    throw new BeatplanError('PARSE_ERROR', 'plan.json: malformed "units.ids"', { field: 'units.ids' });
  const col = j.cells.unit;
  if (!Array.isArray(col) || col.length !== m)
    throw new BeatplanError('PARSE_ERROR', 'plan.json: malformed "cells.unit"', { field: 'cells.unit' });
  const unitOfCell = new Int32Array(n).fill(-1);
  for (let k = 0; k < m; k++) {
    const u = col[k];
    if (!Number.isInteger(u) || u! < 0 || u! >= ids.length)
      throw new BeatplanError('PARSE_ERROR', `plan.json: cell ${k} has unit ${String(u)}`, { field: 'cells.unit', value: u });
    unitOfCell[pos[k]!] = u!;
  }
  return { units: { unitOfCell, unitIds: [...ids] } };
}

/** Validates `plan.json`'s optional `lineage` and puts `parentBeatOfCell` in grid order. */
function lineageFromJson(raw: unknown, m: number, pos: Int32Array, n: number, beats: number): PlanLineage | null {
  if (raw === undefined || raw === null) return null;
  const bad = (field: string, value?: unknown) =>
    new BeatplanError('PARSE_ERROR', `plan.json: malformed "lineage.${field}"`, { field: `lineage.${field}`, value });
  const l = raw as PlanLineage;
  if (typeof l !== 'object') throw bad('');
  const p = l.parent;
  if (!p || typeof p !== 'object' || typeof p.name !== 'string' || (p.kind !== 'plan' && p.kind !== 'existing')) throw bad('parent');
  if (p.sha256 !== null && typeof p.sha256 !== 'string') throw bad('parent.sha256', p.sha256);
  if (!Array.isArray(p.beats) || p.beats.some((id) => typeof id !== 'string')) throw bad('parent.beats');
  if (!Array.isArray(l.usedIds) || l.usedIds.some((id) => typeof id !== 'string')) throw bad('usedIds');
  if (!Number.isInteger(l.generation) || l.generation < 1) throw bad('generation', l.generation);
  if (!Array.isArray(l.beats) || l.beats.length !== beats) throw bad('beats');
  const col = l.parentBeatOfCell;
  if (!Array.isArray(col) || col.length !== m) throw bad('parentBeatOfCell');
  const parentBeatOfCell = new Array<number>(n).fill(-1);
  for (let k = 0; k < m; k++) {
    const b = col[k];
    if (!Number.isInteger(b) || b! < -1 || b! >= p.beats.length) throw bad('parentBeatOfCell', b);
    parentBeatOfCell[pos[k]!] = b!;
  }
  return { ...l, parentBeatOfCell };
}

/** Reads an optional numeric per-cell column into grid order (zeros when absent). */
function optionalColumn<T extends Float64Array | Uint32Array>(
  col: readonly number[] | undefined,
  m: number,
  pos: Int32Array,
  n: number,
  field: string,
  Type: { new (n: number): T },
): T {
  const out = new Type(n);
  if (col === undefined) return out;
  if (!Array.isArray(col) || col.length !== m) throw new BeatplanError('PARSE_ERROR', `plan.json: malformed "${field}"`, { field });
  for (let k = 0; k < m; k++) {
    const v = col[k];
    if (typeof v !== 'number' || !(v >= 0))
      throw new BeatplanError('PARSE_ERROR', `plan.json: "${field}" must hold numbers >= 0`, { field, value: v });
    out[pos[k]!] = v;
  }
  return out;
}

/**
 * Beats as GeoJSON: one feature per non-empty beat, the dissolved outline of its cells
 * (h3-js `cellsToMultiPolygon`, `[lng, lat]`) as a Polygon or MultiPolygon, with the beat's
 * metrics as properties (`id`, `cells`, `areaKm2`, `workload`, `polsbyPopper`, …).
 * @param metrics `evaluatePlan(grid, plan, scores)`
 * @throws BeatplanError `PLAN_GRID_MISMATCH`
 * @example writeFileSync('beats.geojson', JSON.stringify(beatsToGeojson(grid, plan, metrics)));
 */
export function beatsToGeojson(grid: Grid, plan: BeatPlan, metrics: PlanMetrics): FeatureCollection<Polygon | MultiPolygon, BeatMetrics> {
  checkPlanGrid(grid, plan);
  const K = plan.beatIds.length;
  const cellsOf: string[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < grid.cellCount; i++) {
    const b = plan.beatOfCell[i]!;
    if (b >= 0) cellsOf[b]!.push(grid.h3[i]!);
  }
  const features: Feature<Polygon | MultiPolygon, BeatMetrics>[] = [];
  for (let b = 0; b < K; b++) {
    if (cellsOf[b]!.length === 0) continue;
    const polys = cellsToMultiPolygon(cellsOf[b]!, true);
    const geometry: Polygon | MultiPolygon =
      polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys };
    features.push({ type: 'Feature', id: plan.beatIds[b]!, properties: { ...metrics.perBeat[b]! }, geometry });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * `cells.csv` of a plan: `h3,beat,workload,need,incidents,population,workload_<shift>…`
 * (one row per grid cell, beat id empty when unassigned; full-precision numbers); a plan on
 * atomic units gets a `unit` column after `beat`. Uses the
 * scoring stage's `cellsToCsv`, so both files share one layout.
 * With `options.privacy`, the public layout of `cellsToCsv` (pooled workload, no incident counts).
 * @throws BeatplanError `PLAN_GRID_MISMATCH`
 * @example writeFileSync('cells.csv', planToCellsCsv(grid, plan, scores));
 */
export function planToCellsCsv(grid: Grid, plan: BeatPlan, scores: PlanScores, options: CellsCsvOptions = {}): string {
  checkPlanGrid(grid, plan);
  const cs = toCellScores(grid, scores);
  return cellsToCsv(
    grid,
    cs,
    (i) => {
      const b = plan.beatOfCell[i]!;
      return b >= 0 ? plan.beatIds[b]! : '';
    },
    plan.units && !options.unitIdOfCell ? { ...options, unitIdOfCell: (i) => plan.units!.unitIds[plan.units!.unitOfCell[i]!]! } : options,
  );
}
