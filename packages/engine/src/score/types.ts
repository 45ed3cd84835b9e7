/**
 * Shift windows and incident tables: the shapes that ingest produces and scoring consumes.
 */

/**
 * A daily shift window in local wall-clock hours. `endHour <= startHour` wraps midnight
 * (e.g. 22–6). Hours are in [0, 24].
 */
export interface ShiftWindow {
  /** Stable label, e.g. "0-8". */
  readonly id: string;
  readonly startHour: number;
  readonly endHour: number;
}

/**
 * Incidents in columnar form. Times are local wall-clock times encoded as if they were UTC
 * (`Date.UTC(y, m-1, d, h, mi, s)`), so hour-of-day and weekday never depend on the machine's
 * time zone.
 */
export interface IncidentTable {
  readonly count: number;
  /** Longitude, degrees. */
  readonly lng: Float64Array;
  /** Latitude, degrees. */
  readonly lat: Float64Array;
  /** Local wall-clock time in ms, encoded as UTC (see above). NaN when unknown. */
  readonly timeMs: Float64Array;
  /** Index into `types`. */
  readonly typeIndex: Uint16Array;
  /** Distinct incident types (upper-case, trimmed), in order of first appearance. */
  readonly types: readonly string[];
  /** Optional priority (1 = most urgent); NaN when the source has none. */
  readonly priority: Float32Array;
  /** Grid cell of each incident (−1 when no grid locator was given). */
  readonly cell: Int32Array;
}

/**
 * Per-cell scores: what every later stage (districting, staffing, response) consumes.
 * Arrays are indexed by grid cell (length `grid.cellCount`).
 */
export interface CellScores {
  /** Resolution of the grid these scores were made on (a guard against mixing grids). */
  readonly resolution: number;
  readonly cellCount: number;
  /** The shift windows, in the order of `shiftWorkloadHours`. */
  readonly shifts: readonly ShiftWindow[];
  /** Reactive workload in officer-hours per week, per shift (after smoothing). */
  readonly shiftWorkloadHours: readonly Float64Array[];
  /** Σ over shifts of `shiftWorkloadHours`: officer-hours per week. */
  readonly workloadHours: Float64Array;
  /** Workload before smoothing (officer-hours per week), Σ over shifts. */
  readonly rawWorkloadHours: Float64Array;
  /** Engagement need, in community-time hours per week (population × vulnerability × rate). */
  readonly needHours: Float64Array;
  /** Residents per cell (area-weighted from the population layer; 0 without one). */
  readonly population: Float64Array;
  /** Vulnerability multiplier per cell (1 without a vulnerability layer). */
  readonly vulnerability: Float64Array;
  /** Incidents located in each cell (used ones). */
  readonly incidentCount: Uint32Array;
  /** Length of the incident period in weeks that workload was divided by. */
  readonly periodWeeks: number;
}
