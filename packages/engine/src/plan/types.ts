/**
 * A beat plan and the shapes around it: planning options, the planning report and the
 * metrics of a plan (`metrics.json`, see DESIGN.md — those field names are a contract).
 */
import type { ProgressFn } from '../errors.js';
import type { CellScores } from '../score/types.js';
import type { CellUnits } from '../units/assign.js';

/** How a beat's final shape was produced (reported in plan.json and metrics); `'edited'` = changed by `moveCells`. */
export type BeatMethod = 'locked' | 'initial' | 'heuristic' | 'exact' | 'imported' | 'edited';

/** A partition of a grid's cells into beats. Immutable: edits return a new plan. */
export interface BeatPlan {
  /** H3 resolution of the grid the plan lives on. */
  readonly resolution: number;
  /** Number of grid cells (length of `beatOfCell`). */
  readonly cellCount: number;
  /** Beat ids, e.g. "B001"; beat `b` is `beatIds[b]`. */
  readonly beatIds: readonly string[];
  /** Beat index of each cell; −1 = unassigned. */
  readonly beatOfCell: Int32Array;
  /** 1 where the beat is locked (must not change). Length = number of beats. */
  readonly locked: Uint8Array;
  /** District index per beat (−1 when not nested), names in `districtIds`. */
  readonly districtOfBeat?: Int32Array;
  readonly districtIds?: readonly string[];
  /** How each beat was produced. */
  readonly method?: readonly BeatMethod[];
  /**
   * Atomic units the plan keeps whole (`unitsOfCells`): every unit's cells share one beat.
   * Carried by planning from this plan (`initial`), by `moveCells` and into plan.json.
   */
  readonly units?: CellUnits;
}

/**
 * Scores as the plan functions accept them: full {@link CellScores} from `scoreCells`, or a
 * plain workload per cell (officer-hours per week, length `grid.cellCount`), which is read as
 * one all-day shift with no engagement need.
 */
export type PlanScores = CellScores | Float64Array;

/**
 * What a plan balances:
 * - `'total'`: workload of all shifts (`workloadHours`);
 * - `{ shift: s }`: the workload of shift window `s` (index into `scores.shifts`);
 * - `{ mix: { workload: w1, need: w2 } }`: `w1 × workloadHours + w2 × needHours` (hours/week).
 */
export type BalanceOn = 'total' | { readonly shift: number } | { readonly mix: { readonly workload: number; readonly need: number } };

/** How components of the grid too small to be a beat on their own (islands) are handled. */
export type IslandPolicy = 'attach' | 'own-beat';

/** Options of `planBeats`. Every field has a documented default. */
export interface PlanBeatsOptions {
  /** Number of beats K (≥ 1). Default: the beat count of `initial`, else required. */
  beats?: number;
  /**
   * Balance tolerance ε (GerryChain's convention): every beat's workload should lie in
   * mean × (1 ± ε) of its region. Default 0.025 (±2.5%, `DEFAULT_TOLERANCE`). The search
   * targets the band itself; beats it could not bring inside (lumpy weights, whole beats per
   * district, a change budget) are listed in `report.outsideBand` and `report.unmet`.
   */
  tolerance?: number;
  /** Seed of the random generator (default 1). Same input + seed → the same plan, byte for byte. */
  seed?: number | string;
  /** What to balance (default `'total'`). */
  balanceOn?: BalanceOn;
  /**
   * A plan to start from and change as little as possible (its beat count is K). The report
   * gives the share of cells that moved.
   */
  initial?: BeatPlan;
  /** Beats of `initial` (indices or ids) that must not change, in addition to `initial.locked`. */
  locked?: ReadonlyArray<number | string>;
  /**
   * District index per cell (length `grid.cellCount`, −1 = no district; e.g. from
   * `cellsToPolygons(grid, districts)`). Beats never cross districts; each district gets
   * beats in proportion to its workload.
   */
  districts?: Int32Array;
  /** Names of the districts (index → id), copied into the plan. Default "D1", "D2"… */
  districtIds?: readonly string[];
  /**
   * Cells (grid indices, e.g. police stations) that each start a beat and stay in it; at most
   * one beat per seed, at most K seeds.
   */
  seeds?: readonly number[];
  /**
   * Islands: a connected component of the grid whose workload share is under half a beat.
   * `'attach'` (default) gives it to the beat nearest to it (that beat is then not contiguous
   * on the travel graph; the report lists it and metrics count it); `'own-beat'` makes it a
   * beat of its own (contiguous, but light).
   */
  islands?: IslandPolicy;
  /**
   * Weight of the minimal-change term with `initial`, in workload units: the objective cost of
   * moving one mean beat's workload (balanced measure) away from its initial beat, relative to
   * a unit of compactness (Σ 1/PP). Default 1.
   */
  changePenalty?: number;
  /** Cost per cell away from its initial beat (Σ 1/PP units), so empty cells do not drift. Default 0.002. */
  changePerCell?: number;
  /**
   * Change budget with `initial`: the largest share (0–1) of the total workload (balanced
   * measure) whose cells may end in another beat than in `initial`. The plan gets as close to
   * the band as that allows; `report.unmet` says when the band was not reached. Ignored
   * (and reported in `report.unmet`) without `initial`. Default: no budget.
   */
  maxChange?: number;
  /** Weight of cut edges in the compactness objective, per edge, relative to Σ 1/PP. Default 0.002. */
  cutEdgeWeight?: number;
  /** Sweeps of the compactness phase over all cells (default 60). More = more compact, slower. */
  compactSweeps?: number;
  /**
   * Atomic units (`unitsOfCells`): the cells of one unit always share a beat. Planning runs on
   * the unit graph (`unitGrid`) with each unit's workload the sum of its cells'; `initial`,
   * `districts` and `seeds` are mapped onto units (the beat/district holding most of a unit's
   * workload, resp. area); the result is expanded back to cells and carries the units.
   * Default: `initial.units`, else none (every cell is its own unit).
   * When the heaviest unit alone exceeds mean × (1 + tolerance), that band is unreachable:
   * `report.unmet` says so (the bound is in `report.units`), every unit above the band starts a
   * beat of its own (fresh plans) and the other beats are balanced to the band asked.
   */
  units?: CellUnits;
  /** Hard cap on planning time in ms (default none). A cut search is no longer reproducible: the report warns. */
  timeLimitMs?: number;
  /** Clock in ms for timings and `timeLimitMs` (default `performance.now`). */
  now?: () => number;
  /** Progress: `fraction` of the stage `'plan'` in [0, 1]. */
  onProgress?: ProgressFn;
  /** Cancels planning (throws `ABORTED`). */
  signal?: AbortSignal;
}

/** A connected component of the grid too small for a beat and how it was handled. */
export interface IslandReport {
  /** Component index (`grid.component`). */
  readonly component: number;
  readonly cells: number;
  /** Workload on the balanced measure. */
  readonly workload: number;
  /** Beat index it was attached to or made into. */
  readonly beat: number;
  readonly policy: IslandPolicy;
}

/** A region of the plan: a connected piece of one district (or of the city) with its own beats. */
export interface RegionReport {
  /** District index (−1 without districts). */
  readonly district: number;
  readonly cells: number;
  readonly workload: number;
  /** Beats given to the region. */
  readonly beats: number;
  /** Mean workload per beat of the region divided by the city-wide mean. */
  readonly meanRatio: number;
}

/** What `planBeats` reports besides the plan. */
export interface PlanReport {
  /** Method per beat (same order as `plan.beatIds`). */
  readonly method: readonly BeatMethod[];
  /** Sweeps over the cells and moves tried/accepted by the local search. */
  readonly iterations: {
    readonly sweeps: number;
    readonly movesTried: number;
    readonly movesAccepted: number;
    /** Contiguity tests the O(1) local rule could not settle (a bounded BFS ran). */
    readonly bfsChecks: number;
  };
  /** With `initial`: share of assigned cells whose beat changed (= `change.movedCellShare`). */
  readonly movedShare?: number;
  /**
   * With `initial`: `movedWorkloadShare` = share of the total workload (balanced measure)
   * whose cell's beat changed against `initial` (cells on the same grid); `movedCellShare` the
   * same over cells; `budget` the `maxChange` asked for (null: none).
   */
  readonly change?: { readonly movedWorkloadShare: number; readonly movedCellShare: number; readonly budget: number | null };
  /**
   * Flow-guided balancing: min-cost-flow rounds solved, cells moved along the transfers, and
   * pairs of beats recombined (merged and cut again) to bring out-of-band beats into the band.
   */
  readonly flow: { readonly rounds: number; readonly moves: number; readonly recombinedPairs: number };
  /**
   * Under a change budget: the workload range (balanced measure, hours/week, per beat index)
   * each beat was kept in — [min(w₀, T(1 − ε)), max(w₀, T(1 + ε))] with w₀ its workload in the
   * predecessor after the grid repair (`NoWorseConstraint`); ±Infinity for beats
   * without a target.
   */
  readonly noWorseRange?: { readonly lo: readonly number[]; readonly hi: readonly number[] };
  /** Ids of the beats whose workload is outside mean × (1 ± tolerance) (the metrics' definition). */
  readonly outsideBand: readonly string[];
  /**
   * Where the answer is not what was asked, one message each: beats outside the band (naming
   * the first ten), a change budget spent before the band was reached, an option ignored.
   * The CLI prints them as warnings and exits 3 under `--strict` when there is any.
   */
  readonly unmet: readonly string[];
  /** Time per stage in ms: `start` (regions + balanced start), `balance`, `compact`, `total`. */
  readonly timingsMs: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
  readonly islands: readonly IslandReport[];
  readonly regions: readonly RegionReport[];
  /** True when `timeLimitMs` cut the search (the plan is then not reproducible). */
  readonly timedOut: boolean;
  /** With units: the balance bound they impose (`unitBalanceBound`). */
  readonly units?: UnitBalanceBound;
}

/**
 * The balance that atomic units allow. A beat holding the heaviest unit carries at least that
 * unit's workload, so no plan has max/mean below `heaviestOverMean`; the band ±ε is
 * unreachable when `heaviestOverMean > 1 + ε`.
 */
export interface UnitBalanceBound {
  /** Units (nodes of the unit graph). */
  readonly count: number;
  /** Layer features that won no cell and were merged into a neighbour (`UnitsReport.mergedUnits`). */
  readonly mergedUnits: number;
  /** Id of the heaviest unit (balanced measure). */
  readonly heaviestUnit: string;
  /** Workload of the heaviest unit, balanced measure (hours/week). */
  readonly heaviestUnitWorkload: number;
  /** Heaviest unit's workload / (total workload / K): a lower bound on any plan's max/mean. */
  readonly heaviestOverMean: number;
  /** max(tolerance asked, heaviestOverMean − 1): the narrowest band ±ε' this bound does not rule out. */
  readonly reachableTolerance: number;
}

/** What `planBeats` returns. */
export interface BeatPlanResult {
  readonly plan: BeatPlan;
  readonly report: PlanReport;
}

/** Metrics of one beat (`metrics.json` → `perBeat[]`). */
export interface BeatMetrics {
  readonly id: string;
  readonly cells: number;
  /** Area in km² (Σ of the cells' turf areas). */
  readonly areaKm2: number;
  /** Perimeter in km of the dissolved cells (turf length of the dissolved boundary). */
  readonly perimeterKm: number;
  /** Workload on the balanced measure (officer-hours per week unless a mix). */
  readonly workload: number;
  /** Workload of all shifts, officer-hours per week. */
  readonly workloadHours: number;
  /** Workload per shift, officer-hours per week (order of `scores.shifts`). */
  readonly shiftWorkloadHours: readonly number[];
  /** Engagement need, community hours per week. */
  readonly needHours: number;
  /** 4πA/P² of the dissolved cells. */
  readonly polsbyPopper: number;
  /** One connected piece on the travel graph (bridges included). */
  readonly contiguous: boolean;
  /** Connected pieces on the travel graph (0 for an empty beat). */
  readonly pieces: number;
  /** Grid bridge edges with both ends in this beat. */
  readonly bridgesUsed: number;
  readonly locked: boolean;
  /** District id, or null when not nested. */
  readonly district: string | null;
  readonly method: BeatMethod | null;
}

/** Plan metrics: the `metrics.json` contract of DESIGN.md plus a few extra fields. */
export interface PlanMetrics {
  readonly resolution: number;
  /** Grid cells (assigned or not). */
  readonly cells: number;
  readonly beats: number;
  /** Workload per beat on the balanced measure; `cv` = population standard deviation / mean. */
  readonly workload: {
    readonly total: number;
    readonly mean: number;
    readonly min: number;
    readonly max: number;
    readonly maxOverMean: number;
    readonly minOverMean: number;
    readonly cv: number;
  };
  /** `nonContiguousBeats`: beats in more than one piece on the travel graph; `emptyBeats`: beats with no cell. */
  readonly contiguity: { readonly nonContiguousBeats: number; readonly emptyBeats: number };
  /** Polsby-Popper over the non-empty beats. */
  readonly compactness: { readonly polsbyPopperMean: number; readonly polsbyPopperMin: number };
  /** Travel-graph edges (bridges included, barrier cuts excluded) whose two cells are in different beats. */
  readonly cutEdges: number;
  readonly unassignedCells: number;
  /** Stage times in ms; `plan`/`evaluate` filled by the engine where known, the rest by the caller. */
  readonly timingsMs: { grid: number; score: number; plan: number; evaluate: number; total: number };
  /** What `workload` measures. */
  readonly balanceOn: BalanceOn;
  /** Beats whose workload is outside mean × (1 ± tolerance). */
  readonly beatsOutsideTolerance: number;
  readonly tolerance: number;
  /** Bridge edges of the grid (cell index pairs as H3 pairs) — visible in the output. */
  readonly bridges: ReadonlyArray<readonly [string, string]>;
  readonly perBeat: readonly BeatMetrics[];
}
