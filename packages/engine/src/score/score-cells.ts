/**
 * `scoreCells`: incident workload and community-engagement need per cell and shift.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError, type ProgressFn, throwIfAborted } from '../errors.js';
import { cellOverlaps } from '../grid/area-weights.js';
import type { Grid } from '../grid/grid.js';
import { pointToCellLocator } from '../grid/locate.js';
import { DEFAULT_SERVICE_TIMES, DEFAULT_UNKNOWN_SERVICE, officerMinutes, type ServiceTime } from './service-times.js';
import { DEFAULT_SHIFTS, shiftLengthHours, shiftOfMinuteTable } from './shifts.js';
import type { CellScores, IncidentTable, ShiftWindow } from './types.js';

const MS_PER_DAY = 24 * 3600 * 1000;

/** A polygon layer: features with one numeric value each (e.g. from `readPolygonLayer`). */
export interface PolygonLayer {
  readonly features: ReadonlyArray<{ readonly geometry: Polygon | MultiPolygon; readonly value: number }>;
}

/** Smoothing kernel for sparse incident data. */
export interface SmoothingOptions {
  /**
   * `'diffusion'` (default): `steps` rounds in which every cell keeps `keep` of its workload
   * and hands the rest in equal parts to its travel-graph neighbours (barriers respected,
   * totals conserved exactly). `'none'`: raw workload.
   */
  kernel?: 'diffusion' | 'none';
  /** Rounds of diffusion (each widens the kernel by one ring). Default 2. */
  steps?: number;
  /** Share a cell keeps in each round, in (0, 1]. Default 0.5. */
  keep?: number;
}

/** Options of {@link scoreCells}; every field has a documented default. */
export interface ScoreOptions {
  /** Shift windows (local hours). Default three watches 0–8, 8–16, 16–24. */
  shifts?: readonly ShiftWindow[];
  /** Officer time per incident type (minutes × units). Default {@link DEFAULT_SERVICE_TIMES}. */
  serviceMinutes?: Readonly<Record<string, ServiceTime>>;
  /** Service time of types not in the table. Default 45 min × 1 unit. */
  unknownService?: ServiceTime;
  /** Multiplier by priority value (e.g. `{1: 1.5, 2: 1, 3: 0.7}`); incidents without priority: 1. */
  priorityWeights?: Readonly<Record<number, number>>;
  /** Recency half-life in days: an incident `h` days older than the newest counts half. Default none. */
  recencyHalfLifeDays?: number;
  /** Length of the incident period in days. Default: newest − oldest incident time (at least 1 day). */
  periodDays?: number;
  smoothing?: SmoothingOptions;
  /** Population layer (counts, conserved): spread over the cells each polygon overlaps, by intersection area. */
  population?: PolygonLayer;
  /**
   * Vulnerability layer (an index such as a hardship score, intensive: not spread). A cell's
   * multiplier is the value averaged over the cell's area (by intersection area with each
   * polygon) divided by the population-weighted mean value, so the city-wide mean multiplier
   * is 1. Cells no polygon overlaps get multiplier 1.
   */
  vulnerability?: PolygonLayer;
  /** Community-time hours per week per 1,000 residents at multiplier 1. Default 2. */
  communityHoursPer1000?: number;
  /** Extra engagement need per cell in hours/week (facilities, requests), added after the multiplier. */
  extraNeedHours?: Float64Array;
  /**
   * Incidents given as counts per polygon (e.g. `readAreaCounts`): each polygon's officer-hours
   * per week — Σ over its types of count × service minutes × units (the same table as point
   * incidents) / 60 / (`periodDays` / 7) — spread over the cells it overlaps by intersection
   * area (as population is), split over the shifts by their length (counts carry no time of
   * day), added to the point incidents' workload before smoothing.
   */
  areaCounts?: AreaCountWorkload;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

/** Incident counts per polygon as a workload layer (see {@link ScoreOptions.areaCounts}). */
export interface AreaCountWorkload {
  /** Incident type of each count column (service-time table keys). */
  readonly types: readonly string[];
  /** Polygons with one count per type (incidents in the period). */
  readonly features: ReadonlyArray<{ readonly geometry: Polygon | MultiPolygon; readonly counts: ArrayLike<number> }>;
  /** Days the counts cover (e.g. 184 for July–December), > 0. */
  readonly periodDays: number;
}

/** Explanation of where each cell's workload came from (incident parts by type). */
export interface ScoreParts {
  readonly types: readonly string[];
  /** CSR over cells: entries `offsets[i]..offsets[i+1]` are the types seen in cell i. */
  readonly offsets: Uint32Array;
  readonly typeIndex: Uint16Array;
  readonly count: Uint32Array;
  /** Raw (unsmoothed) officer-hours per week from that type in that cell. */
  readonly hours: Float64Array;
}

/** What {@link scoreCells} returns. */
export interface ScoreResult {
  readonly scores: CellScores;
  readonly parts: ScoreParts;
  readonly report: {
    readonly incidents: number;
    readonly used: number;
    readonly outsideGrid: number;
    readonly outsideShifts: number;
    readonly periodWeeks: number;
    /** Σ officer-hours per week (all cells, all shifts). */
    readonly totalWorkloadHours: number;
    readonly totalPopulation: number;
    readonly totalNeedHours: number;
  };
}

/**
 * Scores every cell: reactive workload in officer-hours per week per shift from incidents,
 * smoothed over neighbouring cells, and engagement need in community hours per week from
 * population × vulnerability (+ extra need).
 *
 * Incident time is local wall-clock (see {@link IncidentTable}); an incident without a time
 * is spread over the shifts in proportion to their length. Incidents whose `cell` is −1 are
 * located on the grid; those still outside are counted in `report.outsideGrid`, never silently
 * dropped.
 *
 * @throws BeatplanError `BAD_INPUT` (overlapping shifts, bad option values), `ABORTED`
 * @example
 * const { scores } = scoreCells(grid, incidents, { recencyHalfLifeDays: 90 });
 * scores.workloadHours[0]; // officer-hours per week in cell 0
 */
export function scoreCells(grid: Grid, incidents: IncidentTable, options: ScoreOptions = {}): ScoreResult {
  const { signal, onProgress } = options;
  const n = grid.cellCount;
  const shifts = options.shifts ?? DEFAULT_SHIFTS;
  const shiftOfMinute = shiftOfMinuteTable(shifts);
  const S = shifts.length;
  const shiftShare = shifts.map((s) => shiftLengthHours(s) / 24);
  const table = options.serviceMinutes ?? DEFAULT_SERVICE_TIMES;
  const unknown = options.unknownService ?? DEFAULT_UNKNOWN_SERVICE;
  const typeMinutes = Float64Array.from(incidents.types, (t) => officerMinutes(t, table, unknown));
  const halfLife = options.recencyHalfLifeDays;
  if (halfLife !== undefined && !(halfLife > 0)) {
    throw new BeatplanError('BAD_INPUT', 'recencyHalfLifeDays must be > 0', { field: 'recencyHalfLifeDays', value: halfLife });
  }

  // Period.
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let k = 0; k < incidents.count; k++) {
    const t = incidents.timeMs[k]!;
    if (!Number.isNaN(t)) {
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
    }
  }
  const spanMs = Number.isFinite(tMin) ? tMax - tMin : 0;
  // with counts only (no point incident), the period is the counts' period
  const periodDays =
    options.periodDays ?? (incidents.count === 0 && options.areaCounts ? options.areaCounts.periodDays : Math.max(1, spanMs / MS_PER_DAY));
  if (!(periodDays > 0)) throw new BeatplanError('BAD_INPUT', 'periodDays must be > 0', { field: 'periodDays', value: periodDays });
  // Effective weeks: with recency decay, ∫ 0.5^(age/h) d(age) over the period.
  const periodWeeks = halfLife ? ((halfLife / Math.LN2) * (1 - 0.5 ** (periodDays / halfLife))) / 7 : periodDays / 7;
  const refMs = Number.isFinite(tMax) ? tMax : 0;

  // Accumulate raw officer-hours per shift per cell.
  const raw = Array.from({ length: S }, () => new Float64Array(n));
  const incidentCount = new Uint32Array(n);
  const cellOf = new Int32Array(incidents.count);
  let locate: ((lng: number, lat: number) => number) | undefined;
  let outsideGrid = 0;
  let outsideShifts = 0;
  const weekScale = 1 / 60 / periodWeeks;
  for (let k = 0; k < incidents.count; k++) {
    if ((k & 65535) === 0) {
      throwIfAborted(signal);
      onProgress?.((0.6 * k) / Math.max(1, incidents.count), 'score');
    }
    let c = incidents.cell[k]!;
    if (c < 0) {
      locate ??= pointToCellLocator(grid);
      c = locate(incidents.lng[k]!, incidents.lat[k]!);
    }
    cellOf[k] = c;
    if (c < 0) {
      outsideGrid++;
      continue;
    }
    let w = typeMinutes[incidents.typeIndex[k]!]! * weekScale;
    const p = incidents.priority[k]!;
    if (options.priorityWeights && !Number.isNaN(p)) w *= options.priorityWeights[p] ?? 1;
    const t = incidents.timeMs[k]!;
    if (!Number.isNaN(t)) {
      if (halfLife) w *= 0.5 ** ((refMs - t) / MS_PER_DAY / halfLife);
      const minute = Math.floor((((t % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 60000);
      const s = shiftOfMinute[minute]!;
      if (s < 0) {
        outsideShifts++;
        cellOf[k] = -1;
        continue;
      }
      raw[s]![c] += w;
    } else {
      for (let s = 0; s < S; s++) raw[s]![c] += w * shiftShare[s]!;
    }
    incidentCount[c]++;
  }

  if (options.areaCounts) addAreaCountHours(grid, options.areaCounts, raw, shiftShare, (t) => officerMinutes(t, table, unknown));

  const rawWorkloadHours = new Float64Array(n);
  for (const r of raw) for (let i = 0; i < n; i++) rawWorkloadHours[i] += r[i]!;
  const parts = buildParts(n, incidents, cellOf, typeMinutes, weekScale, halfLife, refMs, options.priorityWeights);

  onProgress?.(0.7, 'score');
  const shiftWorkloadHours = raw.map((r) => smooth(grid, r, options.smoothing));
  const workloadHours = new Float64Array(n);
  for (const r of shiftWorkloadHours) for (let i = 0; i < n; i++) workloadHours[i] += r[i]!;

  // Engagement need.
  onProgress?.(0.85, 'score');
  const population = options.population ? spreadCounts(grid, options.population) : new Float64Array(n);
  const vulnerability = options.vulnerability
    ? vulnerabilityMultiplier(grid, options.vulnerability, population)
    : new Float64Array(n).fill(1);
  const rate = options.communityHoursPer1000 ?? 2;
  const needHours = new Float64Array(n);
  for (let i = 0; i < n; i++) needHours[i] = (population[i]! / 1000) * vulnerability[i]! * rate + (options.extraNeedHours?.[i] ?? 0);

  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  onProgress?.(1, 'score');
  return {
    scores: {
      resolution: grid.resolution,
      cellCount: n,
      shifts: shifts.map((s) => ({ ...s })),
      shiftWorkloadHours,
      workloadHours,
      rawWorkloadHours,
      needHours,
      population,
      vulnerability,
      incidentCount,
      periodWeeks,
    },
    parts,
    report: {
      incidents: incidents.count,
      used: incidents.count - outsideGrid - outsideShifts,
      outsideGrid,
      outsideShifts,
      periodWeeks,
      totalWorkloadHours: sum(workloadHours),
      totalPopulation: sum(population),
      totalNeedHours: sum(needHours),
    },
  };
}

/** Adds a counts layer's officer-hours per week to `raw` (per shift, by shift length share). */
function addAreaCountHours(
  grid: Grid,
  layer: AreaCountWorkload,
  raw: Float64Array[],
  shiftShare: readonly number[],
  minutesOf: (type: string) => number,
): void {
  if (!(layer.periodDays > 0))
    throw new BeatplanError('BAD_INPUT', 'the period of the incident counts must be > 0 days', {
      field: 'areaCounts.periodDays',
      value: layer.periodDays,
    });
  const minutes = layer.types.map(minutesOf);
  const weekScale = 1 / 60 / (layer.periodDays / 7);
  const hours = spreadCounts(grid, {
    features: layer.features.map((f) => {
      let value = 0;
      for (let t = 0; t < minutes.length; t++) value += f.counts[t]! * minutes[t]! * weekScale;
      return { geometry: f.geometry, value };
    }),
  });
  raw.forEach((r, s) => {
    for (let i = 0; i < r.length; i++) r[i] += hours[i]! * shiftShare[s]!;
  });
}

/**
 * Diffusion smoothing on the travel graph; conserves the total exactly (up to rounding).
 * @param values per-cell values (not modified)
 */
export function smooth(grid: Grid, values: Float64Array, options: SmoothingOptions = {}): Float64Array {
  const kernel = options.kernel ?? 'diffusion';
  const steps = options.steps ?? 2;
  const keep = options.keep ?? 0.5;
  if (kernel === 'none' || steps <= 0) return Float64Array.from(values);
  if (!(keep > 0 && keep <= 1) || !Number.isInteger(steps)) {
    throw new BeatplanError('BAD_INPUT', 'smoothing needs an integer steps >= 0 and 0 < keep <= 1', { field: 'smoothing', value: options });
  }
  const { adjOffsets, adjTargets } = grid;
  const n = grid.cellCount;
  let cur = Float64Array.from(values);
  let next = new Float64Array(n);
  for (let s = 0; s < steps; s++) {
    next.fill(0);
    for (let i = 0; i < n; i++) {
      const v = cur[i]!;
      if (v === 0) continue;
      const a = adjOffsets[i]!;
      const b = adjOffsets[i + 1]!;
      if (b === a) {
        next[i] += v;
        continue;
      }
      next[i] += v * keep;
      const share = (v * (1 - keep)) / (b - a);
      for (let e = a; e < b; e++) next[adjTargets[e]!] += share;
    }
    [cur, next] = [next, cur];
  }
  return cur;
}

function layerToCollection(layer: PolygonLayer): FeatureCollection<Polygon | MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: layer.features.map((f): Feature<Polygon | MultiPolygon> => ({ type: 'Feature', properties: {}, geometry: f.geometry })),
  };
}

/**
 * Spreads polygon counts (e.g. population) onto cells by intersection area: a polygon's
 * value is divided among the cells it overlaps in proportion to the area of polygon ∩ cell
 * (see `cellOverlaps`), so a cell half inside gets half its area's share. Only the part of
 * a polygon inside the grid counts, so the total is conserved for every polygon that
 * overlaps the grid; a polygon that overlaps no cell gives its whole value to the grid cell
 * nearest its first vertex (within ~2 km). Returns the value per cell.
 * @example const residents = spreadCounts(grid, { features: [{ geometry, value: 1200 }] });
 */
export function spreadCounts(grid: Grid, layer: PolygonLayer): Float64Array {
  const n = grid.cellCount;
  const o = cellOverlaps(grid, layerToCollection(layer));
  const F = layer.features.length;
  const areaOf = new Float64Array(F);
  for (let k = 0; k < o.cell.length; k++) areaOf[o.feature[k]!] += o.areaKm2[k]!;
  const out = new Float64Array(n);
  for (let k = 0; k < o.cell.length; k++) {
    const f = o.feature[k]!;
    out[o.cell[k]!] += (layer.features[f]!.value * o.areaKm2[k]!) / areaOf[f]!;
  }
  const locate = pointToCellLocator(grid);
  for (let f = 0; f < F; f++) {
    if (areaOf[f]! > 0) continue;
    const v = layer.features[f]!.value;
    if (!v) continue;
    const g = layer.features[f]!.geometry;
    const p = (g.type === 'Polygon' ? g.coordinates[0]![0] : g.coordinates[0]![0]![0])!;
    let c = locate(p[0]!, p[1]!);
    if (c < 0) c = nearestCell(grid, p[0]!, p[1]!, 0.02);
    if (c >= 0) out[c] += v;
  }
  return out;
}

function nearestCell(grid: Grid, lng: number, lat: number, maxDeg: number): number {
  let best = -1;
  let bd = maxDeg * maxDeg;
  for (let i = 0; i < grid.cellCount; i++) {
    const dx = grid.lng[i]! - lng;
    const dy = grid.lat[i]! - lat;
    const d = dx * dx + dy * dy;
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}

/**
 * The need multiplier per cell: the layer's index averaged over the cell's area (weighted by
 * intersection area), divided by the population-weighted mean index; cells no polygon
 * overlaps get 1.
 */
function vulnerabilityMultiplier(grid: Grid, layer: PolygonLayer, population: Float64Array): Float64Array {
  const n = grid.cellCount;
  const o = cellOverlaps(grid, layerToCollection(layer));
  const covered = new Float64Array(n);
  const weighted = new Float64Array(n);
  for (let k = 0; k < o.cell.length; k++) {
    covered[o.cell[k]!] += o.areaKm2[k]!;
    weighted[o.cell[k]!] += o.areaKm2[k]! * layer.features[o.feature[k]!]!.value;
  }
  let wsum = 0;
  let vsum = 0;
  let csum = 0;
  let ccount = 0;
  for (let i = 0; i < n; i++) {
    if (!(covered[i]! > 0)) continue;
    const v = weighted[i]! / covered[i]!;
    wsum += population[i]!;
    vsum += population[i]! * v;
    csum += v;
    ccount++;
  }
  const mean = wsum > 0 ? vsum / wsum : ccount > 0 ? csum / ccount : 1;
  const out = new Float64Array(n).fill(1);
  if (!(mean > 0)) return out;
  for (let i = 0; i < n; i++) if (covered[i]! > 0) out[i] = weighted[i]! / covered[i]! / mean;
  return out;
}

function buildParts(
  n: number,
  incidents: IncidentTable,
  cellOf: Int32Array,
  typeMinutes: Float64Array,
  weekScale: number,
  halfLife: number | undefined,
  refMs: number,
  priorityWeights: Readonly<Record<number, number>> | undefined,
): ScoreParts {
  // Counting sort of incidents by cell, then per-cell aggregation by type.
  const start = new Uint32Array(n + 1);
  for (let k = 0; k < incidents.count; k++) if (cellOf[k]! >= 0) start[cellOf[k]! + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fill = start.slice(0, n);
  const order = new Uint32Array(start[n]!);
  for (let k = 0; k < incidents.count; k++) if (cellOf[k]! >= 0) order[fill[cellOf[k]!]++] = k;
  const offsets = new Uint32Array(n + 1);
  const tIdx: number[] = [];
  const cnt: number[] = [];
  const hrs: number[] = [];
  const T = incidents.types.length;
  const seen = new Int32Array(T).fill(-1);
  for (let i = 0; i < n; i++) {
    const base = tIdx.length;
    for (let q = start[i]!; q < start[i + 1]!; q++) {
      const k = order[q]!;
      const ty = incidents.typeIndex[k]!;
      let w = typeMinutes[ty]! * weekScale;
      const p = incidents.priority[k]!;
      if (priorityWeights && !Number.isNaN(p)) w *= priorityWeights[p] ?? 1;
      const t = incidents.timeMs[k]!;
      if (halfLife && !Number.isNaN(t)) w *= 0.5 ** ((refMs - t) / MS_PER_DAY / halfLife);
      let slot = seen[ty]!;
      if (slot < base) {
        slot = tIdx.length;
        seen[ty] = slot;
        tIdx.push(ty);
        cnt.push(0);
        hrs.push(0);
      }
      cnt[slot]++;
      hrs[slot] += w;
    }
    offsets[i + 1] = tIdx.length;
  }
  return {
    types: incidents.types,
    offsets,
    typeIndex: Uint16Array.from(tIdx),
    count: Uint32Array.from(cnt),
    hours: Float64Array.from(hrs),
  };
}

/** Human-readable explanation of one cell's scores: where every number came from. */
export interface CellExplanation {
  readonly cell: number;
  readonly workloadHours: number;
  readonly rawWorkloadHours: number;
  /** Workload moved in (+) or out (−) by smoothing. */
  readonly smoothingHours: number;
  readonly shiftWorkloadHours: Record<string, number>;
  readonly byType: Array<{ type: string; incidents: number; hours: number }>;
  readonly population: number;
  readonly vulnerability: number;
  readonly needHours: number;
}

/** Explains cell `i`'s workload and need from the parts {@link scoreCells} kept. */
export function explainCell(result: ScoreResult, i: number): CellExplanation {
  const { scores, parts } = result;
  if (!(i >= 0 && i < scores.cellCount)) throw new BeatplanError('BAD_INPUT', 'no such cell', { field: 'cell', value: i });
  const byType: CellExplanation['byType'] = [];
  for (let e = parts.offsets[i]!; e < parts.offsets[i + 1]!; e++) {
    byType.push({ type: parts.types[parts.typeIndex[e]!]!, incidents: parts.count[e]!, hours: parts.hours[e]! });
  }
  byType.sort((a, b) => b.hours - a.hours);
  const shiftWorkloadHours: Record<string, number> = {};
  scores.shifts.forEach((s, k) => (shiftWorkloadHours[s.id] = scores.shiftWorkloadHours[k]![i]!));
  return {
    cell: i,
    workloadHours: scores.workloadHours[i]!,
    rawWorkloadHours: scores.rawWorkloadHours[i]!,
    smoothingHours: scores.workloadHours[i]! - scores.rawWorkloadHours[i]!,
    shiftWorkloadHours,
    byType,
    population: scores.population[i]!,
    vulnerability: scores.vulnerability[i]!,
    needHours: scores.needHours[i]!,
  };
}
