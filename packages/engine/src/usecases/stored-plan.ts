/**
 * A stored plan: the self-contained `plan.json` text (`beatplan.plan/1`: cells, per-cell scores,
 * grid topology, lineage) as the API keeps it, and the use-cases that read or rewrite it.
 * Reads and edits rebuild the grid from the text and never re-read datasets.
 */

import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { BeatplanError } from '../errors.js';
import type { PolygonLike } from '../geo/geojson.js';
import type { Grid } from '../grid/index.js';
import { gridFromCells } from '../grid/index.js';
import type { BalanceOn, BeatPlan, PlanLineage, PlanMetrics } from '../plan/index.js';
import { beatsToGeojson, evaluatePlan, planFromJson, planToJson, refreshLineage } from '../plan/index.js';
import type { CellScores } from '../score/index.js';
import { beatOfUnitFeatures, type DissolvedBeatFigures, dissolveUnits, unitIdsOf, unitsOfCells } from '../units/index.js';

/** A plan serialized for storage: the `beatplan.plan/1` JSON text and its metrics. */
export interface SerializedPlan {
  /** `plan.json` text (`planToJson`). */
  planJson: string;
  /** `evaluatePlan` with the tolerance and balance measure recorded in the plan's `extra`. */
  metrics: PlanMetrics;
}

/** A stored plan, loaded: the grid rebuilt from plan.json, the plan, the scores it carries. */
export interface LoadedPlan {
  grid: Grid;
  plan: BeatPlan;
  /** Scores from plan.json (per-shift workload and need; incident counts and population as stored). */
  scores: CellScores;
  /** Provenance written with the plan (`method`, `seed`, `tolerance`, `balanceOn`, `report`, `existing`…). */
  extra: Readonly<Record<string, unknown>>;
  /** The plan's lineage (parent, inherited ids, sources per beat); null or absent when it has none. */
  lineage?: PlanLineage | null;
}

/** A stored plan.json, parsed without its grid (cells in the file's order). */
export type ParsedPlanJson = ReturnType<typeof planFromJson>;

/**
 * Parses a stored plan.json without rebuilding its grid.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 * @example const { plan, h3 } = parsePlanJson(text);
 */
export function parsePlanJson(planJson: string): ParsedPlanJson {
  return planFromJson(JSON.parse(planJson));
}

/**
 * Rebuilds the grid of a stored plan.json (`gridFromCells` with its bridges and barrier cuts).
 * The grid is the same for every version of a plan, so callers may cache it per plan.
 * @throws BeatplanError `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 * @example const grid = gridOfPlanJson(text); // grid.cellCount === plan's cells
 */
export function gridOfPlanJson(planJson: string): Grid {
  const loose = parsePlanJson(planJson);
  return gridFromCells(loose.h3, { bridges: loose.topology.bridges, barrierCuts: loose.topology.barrierCuts });
}

/**
 * Loads a stored plan.json on its grid (rebuilt when not given).
 * @throws BeatplanError `PLAN_GRID_MISMATCH` when `grid` is not the plan's grid; `UNSUPPORTED_FORMAT`, `PARSE_ERROR`
 * @example const p = loadPlanJson(text); evaluateLoadedPlan(p).workload.maxOverMean
 */
export function loadPlanJson(planJson: string, grid: Grid = gridOfPlanJson(planJson)): LoadedPlan {
  const { plan, scores, extra, lineage } = planFromJson(JSON.parse(planJson), grid);
  return { grid, plan, scores, extra, lineage };
}

/**
 * The evaluation options a plan was made under, read from its `extra`: the tolerance and the
 * balance measure (absent when not recorded, so `evaluatePlan`'s defaults apply).
 * @example evaluatePlan(grid, plan, scores, evaluationOptionsOf({ tolerance: 0.05 }))
 */
export function evaluationOptionsOf(extra: Readonly<Record<string, unknown>>): { tolerance?: number; balanceOn?: BalanceOn } {
  return {
    ...(typeof extra.tolerance === 'number' ? { tolerance: extra.tolerance } : {}),
    ...(extra.balanceOn !== undefined && extra.balanceOn !== null ? { balanceOn: extra.balanceOn as BalanceOn } : {}),
  };
}

/**
 * Serializes a plan: `planToJson` with `extra` (and the lineage, when the plan has one), and
 * `evaluatePlan` with the tolerance and balance measure recorded in `extra`.
 * @param timingsMs stage timings (ms) copied into the metrics
 * @example const { planJson, metrics } = serializePlan(grid, plan, scores, { method: 'plan', tolerance: 0.025 });
 */
export function serializePlan(
  grid: Grid,
  plan: BeatPlan,
  scores: CellScores,
  extra: Readonly<Record<string, unknown>>,
  timingsMs?: Partial<PlanMetrics['timingsMs']>,
  lineage?: PlanLineage | null,
): SerializedPlan {
  const metrics = evaluatePlan(grid, plan, scores, { ...evaluationOptionsOf(extra), ...(timingsMs ? { timingsMs } : {}) });
  return { planJson: JSON.stringify(planToJson(grid, plan, scores, { ...extra }, lineage ?? undefined)), metrics };
}

/**
 * An edited version of a loaded plan, serialized with its lineage refreshed for the edit
 * (`refreshLineage`: the sources of each beat follow the new cells).
 * @example serializeEditedPlan(p, { ...p.plan, locked })
 */
export function serializeEditedPlan(p: LoadedPlan, plan: BeatPlan, extra: Readonly<Record<string, unknown>> = p.extra): SerializedPlan {
  return serializePlan(
    p.grid,
    plan,
    p.scores,
    extra,
    undefined,
    p.lineage ? refreshLineage(p.lineage, plan, p.scores.workloadHours) : null,
  );
}

/**
 * Metrics of a loaded plan on its own scores, with the tolerance and balance recorded in its `extra`.
 * @example evaluateLoadedPlan(loadPlanJson(text)).workload.cv
 */
export function evaluateLoadedPlan(p: LoadedPlan): PlanMetrics {
  return evaluatePlan(p.grid, p.plan, p.scores, evaluationOptionsOf(p.extra));
}

/**
 * Beats as GeoJSON, one dissolved feature per beat with its metrics as properties.
 * @example planBeatsGeojson(p).features.length === p.plan.beatIds.length
 */
export function planBeatsGeojson(p: LoadedPlan, metrics?: PlanMetrics): ReturnType<typeof beatsToGeojson> {
  return beatsToGeojson(p.grid, p.plan, metrics ?? evaluateLoadedPlan(p));
}

/**
 * The beats of a plan made on atomic units, drawn from the unit polygons (the CLI's
 * beats.geojson with `--units`): {@link dissolveUnits} of the layer with each feature in the
 * beat of its unit's cells (`beatOfUnitFeatures` on the units plan.json records), clipped to
 * `options.boundary`. Properties are the dissolve figures only (a caller adds the metrics).
 * A unit that won no cell (smaller than a cell, merged into the unit holding its cell when
 * planned) goes with that unit, as in the CLI.
 * @param units the units layer the plan was made on (same features, same id field)
 * @throws BeatplanError `BAD_INPUT` when the plan was not made on units; `INVALID_GEOMETRY` for a malformed unit polygon
 * @example planUnitOutline(loaded, blocks, { idField: 'GEOID', boundary: city }).features[0].properties.unitAreaKm2
 */
export function planUnitOutline(
  p: LoadedPlan,
  units: FeatureCollection<Polygon | MultiPolygon>,
  options: { idField?: string; boundary?: PolygonLike } = {},
): FeatureCollection<Polygon | MultiPolygon, DissolvedBeatFigures> {
  const cellUnits = p.plan.units;
  if (!cellUnits) throw new BeatplanError('BAD_INPUT', 'the plan was not made on units: it has no unit outline', { field: 'units' });
  const idOptions = options.idField !== undefined ? { idField: options.idField } : {};
  const featureIds = unitIdsOf(units.features, idOptions);
  // units smaller than a cell won none when planned: which unit each merged into is not stored,
  // so it is worked out again (the same layer on the same grid merges the same way)
  const known = new Set(cellUnits.unitIds);
  const merged = featureIds.some((id) => !known.has(id)) ? unitsOfCells(p.grid, units, idOptions).report : undefined;
  const beatOfUnit = beatOfUnitFeatures(featureIds, merged ? { ...cellUnits, report: merged } : cellUnits, p.plan.beatOfCell);
  return dissolveUnits(units, beatOfUnit, p.plan.beatIds, options.boundary ? { boundary: options.boundary } : {});
}

/** What a plan's summary shows of its lineage: no cell-level or workload figures. */
export interface LineageSummary {
  parent: { kind: PlanLineage['parent']['kind']; name: string; sha256: string | null; beats: number };
  generation: number;
  /** Beats that kept a parent beat's id. */
  inheritedBeats: number;
  /** Beats with an id no ancestor used. */
  newBeats: number;
  majorityPairs: number;
  majorityPairsKept: number;
}

/**
 * The lineage of a stored plan.json in brief, or null when it has none.
 * @example lineageSummary(text)?.inheritedBeats
 */
export function lineageSummary(planJson: string): LineageSummary | null {
  const l = (JSON.parse(planJson) as { lineage?: PlanLineage }).lineage;
  if (!l) return null;
  const inherited = l.beats.filter((b) => b.inherited).length;
  return {
    parent: { kind: l.parent.kind, name: l.parent.name, sha256: l.parent.sha256, beats: l.parent.beats.length },
    generation: l.generation,
    inheritedBeats: inherited,
    newBeats: l.beats.length - inherited,
    majorityPairs: l.matching.majorityPairs,
    majorityPairsKept: l.matching.majorityPairsKept,
  };
}
