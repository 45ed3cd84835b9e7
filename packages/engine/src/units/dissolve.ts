/**
 * `dissolveUnits`: beats drawn from the polygons of their units (street blocks, block groups)
 * instead of the hex cells — the `beats.geojson` of a plan made on units.
 */
import { featureCollection, intersect, rewind, area as turfArea, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { BeatplanError } from '../errors.js';
import { type PolygonLike, polygonsOf } from '../geo/geojson.js';
import { pathLengthKm, polsbyPopper } from '../geo/measure.js';
import { ringProblem } from '../geo/validate.js';

/** Figures of one dissolved beat, measured on the rounded output geometry (turf formulas). */
export interface DissolvedBeatFigures {
  /** Units whose polygons make the beat. */
  readonly unitCount: number;
  /** turf `area` of the dissolved (Multi)Polygon, holes subtracted, km². */
  readonly unitAreaKm2: number;
  /** turf `length` of every ring (outer rings and holes, every part), km. */
  readonly unitPerimeterKm: number;
  /** 4π · `unitAreaKm2` / `unitPerimeterKm`² (1 for a disc). */
  readonly unitPolsbyPopper: number;
}

/** Options of {@link dissolveUnits}. */
export interface DissolveOptions<P> {
  /** Clip every beat to this area (e.g. the city boundary). Default: no clipping. */
  readonly boundary?: PolygonLike;
  /** Decimals kept in the output coordinates (RFC 7946 recommends 6 ≈ 0.1 m). Default 6. */
  readonly decimals?: number;
  /** Extra properties of beat `b` (e.g. its `metrics.perBeat[b]`), merged before the dissolve figures. */
  readonly properties?: (beat: number) => P;
}

/**
 * One (Multi)Polygon per beat: the union (turf `union`) of the polygons of the units assigned
 * to it, clipped to `options.boundary`, wound as RFC 7946 asks (outer rings counter-clockwise,
 * holes clockwise). Coordinates are rounded to `decimals` twice: the unit polygons before the
 * union (so neighbouring units still share their edges exactly and the union adds no vertex but
 * where edges cross), and the result after it; each time the rings are cleaned so they stay
 * valid (closed, no repeated positions, no spikes). So a beat's area equals the sum of its
 * rounded units' areas (to float precision); against the unrounded file it differs by the
 * rounding alone (≤ 0.06 m times the length of the edges moved: SF block groups, whose coast
 * carries 15-decimal vertices, move by up to ~70 m² per beat). Beats with no unit are left
 * out. Each feature's `id` is the beat id; its properties are `options.properties(b)` and the
 * {@link DissolvedBeatFigures}. Parts of a MultiPolygon may touch at a point (valid under the
 * OGC rules; turf `booleanValid` flags it, as its `booleanCrosses` counts a touch as a cross).
 *
 * @param units the unit polygons, in unit order (feature `u` is unit `u`)
 * @param beatOfUnit the beat index of each unit, −1 for a unit in no beat
 * @param beatIds beat ids by beat index
 * @throws BeatplanError `BAD_INPUT` when `beatOfUnit` and `units` differ in length or name a
 *   beat out of range; `INVALID_GEOMETRY` when a unit polygon is malformed (naming the feature)
 * @example
 * const beats = dissolveUnits(blocks, Int32Array.from([0, 0, 1]), ['A', 'B'], { boundary: city });
 * beats.features[0].properties.unitPolsbyPopper; // compactness of beat A's block outline
 */
export function dissolveUnits<P extends object = Record<string, never>>(
  units: FeatureCollection<Polygon | MultiPolygon>,
  beatOfUnit: ArrayLike<number>,
  beatIds: readonly string[],
  options: DissolveOptions<P> = {},
): FeatureCollection<Polygon | MultiPolygon, P & DissolvedBeatFigures> {
  const decimals = options.decimals ?? 6;
  if (beatOfUnit.length !== units.features.length) {
    throw new BeatplanError('BAD_INPUT', `beatOfUnit has ${beatOfUnit.length} entries for ${units.features.length} units`, {
      field: 'beatOfUnit',
      value: beatOfUnit.length,
    });
  }
  const K = beatIds.length;
  const partsOf: Position[][][][] = Array.from({ length: K }, () => []);
  const unitCount = new Int32Array(K);
  for (const { rings, feature } of polygonsOf(units, 'units')) {
    const b = beatOfUnit[feature]!;
    if (b === -1) continue;
    if (!Number.isInteger(b) || b < -1 || b >= K)
      throw new BeatplanError('BAD_INPUT', `unit ${feature} is in beat ${b}, not one of the ${K} beats`, {
        field: 'beatOfUnit',
        row: feature,
        value: b,
      });
    partsOf[b]!.push(...roundPolygons([rings], decimals));
  }
  for (let u = 0; u < beatOfUnit.length; u++) if (beatOfUnit[u]! >= 0) unitCount[beatOfUnit[u]!]!++;
  const clip = options.boundary
    ? roundPolygons(
        polygonsOf(options.boundary, 'boundary').map((p) => p.rings),
        decimals,
      )
    : undefined;
  const clipShape = clip ? unionOf(clip) : undefined;

  const features: Feature<Polygon | MultiPolygon, P & DissolvedBeatFigures>[] = [];
  for (let b = 0; b < K; b++) {
    if (partsOf[b]!.length === 0) continue;
    let polygons = unionOf(partsOf[b]!);
    if (clipShape && polygons.length > 0) polygons = clipTo(polygons, clipShape);
    polygons = roundPolygons(polygons, decimals);
    if (polygons.length === 0) continue;
    const geometry = rewind(
      polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons },
      { reverse: false },
    ) as Polygon | MultiPolygon;
    features.push({
      type: 'Feature',
      id: beatIds[b]!,
      properties: { ...(options.properties?.(b) as P), ...dissolvedFigures(geometry, unitCount[b]!) },
      geometry,
    });
  }
  return { type: 'FeatureCollection', features };
}

/** The cell → unit map {@link beatOfUnitFeatures} needs (a `CellUnits` from `unitsOfCells`). */
export interface UnitsOnCells {
  readonly unitOfCell: ArrayLike<number>;
  readonly unitIds: readonly string[];
  readonly report?: { readonly mergedUnits: ReadonlyArray<{ readonly id: string; readonly into: string | null }> };
}

/**
 * The beat of every unit feature of a layer, for {@link dissolveUnits}: the beat of the cells
 * of the unit with the feature's id; a unit that won no cell (merged into a neighbour) goes
 * with the unit it merged into; −1 for a feature on no cell of the plan (outside the grid, or
 * its cells unassigned).
 * @param featureIds the unit id of each feature (`unitIdsOf(layer.features, …)`), in layer order
 * @param beatOfCell the plan's beat index per cell
 * @example dissolveUnits(layer, beatOfUnitFeatures(unitIdsOf(layer.features), units, plan.beatOfCell), plan.beatIds)
 */
export function beatOfUnitFeatures(featureIds: readonly string[], units: UnitsOnCells, beatOfCell: ArrayLike<number>): Int32Array {
  const beatOfUnit = new Int32Array(units.unitIds.length).fill(-1);
  for (let i = 0; i < units.unitOfCell.length; i++) {
    const u = units.unitOfCell[i]!;
    if (u >= 0 && beatOfCell[i]! >= 0) beatOfUnit[u] = beatOfCell[i]!;
  }
  const unitIndex = new Map(units.unitIds.map((id, u) => [id, u]));
  const into = new Map((units.report?.mergedUnits ?? []).map((m) => [m.id, m.into]));
  return Int32Array.from(featureIds, (id) => {
    const target = unitIndex.has(id) ? id : into.get(id);
    const u = target == null ? undefined : unitIndex.get(target);
    return u === undefined ? -1 : beatOfUnit[u]!;
  });
}

/**
 * Area, perimeter and Polsby-Popper of a dissolved beat outline (see {@link DissolvedBeatFigures}).
 * @example dissolvedFigures(feature.geometry, 12).unitPolsbyPopper
 */
export function dissolvedFigures(geometry: Polygon | MultiPolygon, unitCount: number): DissolvedBeatFigures {
  const unitAreaKm2 = turfArea(geometry) / 1e6;
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let unitPerimeterKm = 0;
  for (const rings of polys) for (const ring of rings) unitPerimeterKm += pathLengthKm(ring);
  return { unitCount, unitAreaKm2, unitPerimeterKm, unitPolsbyPopper: polsbyPopper(unitAreaKm2, unitPerimeterKm) };
}

/**
 * Mean and minimum of `unitPolsbyPopper` over the features of a dissolve (`metrics.json`
 * `compactness.units`); zeros for no feature.
 * @example unitCompactness(dissolveUnits(units, beatOfUnit, ids)) // { polsbyPopperMean: 0.41, polsbyPopperMin: 0.18 }
 */
export function unitCompactness(dissolved: FeatureCollection<Polygon | MultiPolygon, DissolvedBeatFigures>): {
  polsbyPopperMean: number;
  polsbyPopperMin: number;
} {
  const pp = dissolved.features.map((f) => f.properties.unitPolsbyPopper);
  if (pp.length === 0) return { polsbyPopperMean: 0, polsbyPopperMin: 0 };
  return { polsbyPopperMean: pp.reduce((a, b) => a + b, 0) / pp.length, polsbyPopperMin: Math.min(...pp) };
}

/**
 * What is wrong with the rings of a dissolve, one line per bad ring (the engine's one ring
 * check, `ringProblem`: closed, ≥ 3 distinct corners, not crossing itself); empty when every
 * ring is valid. The CLI prints these as warnings (exit 3 under `--strict`).
 * @example outlineProblems(dissolveUnits(units, beatOfUnit, ids)) // [] — or ['beat B07: part 2 ring 0 crosses itself at [-87.6, 41.8]']
 */
export function outlineProblems(dissolved: FeatureCollection<Polygon | MultiPolygon>): string[] {
  const out: string[] = [];
  for (const f of dissolved.features) {
    coordsOf(f.geometry).forEach((rings, p) =>
      rings.forEach((ring, r) => {
        const problem = ringProblem(ring);
        if (problem) out.push(`beat ${String(f.id)}: part ${p} ring ${r} ${problem}`);
      }),
    );
  }
  return out;
}

/** Union of polygons (each as rings) into disjoint polygons; one polygon is normalised too. */
function unionOf(polygons: Position[][][]): Position[][][] {
  const fs = polygons.map((rings) => ({
    type: 'Feature' as const,
    properties: {},
    geometry: { type: 'Polygon' as const, coordinates: rings },
  }));
  // polyclip needs two operands; a polygon united with itself comes back normalised
  const merged = union(featureCollection(fs.length === 1 ? [fs[0]!, fs[0]!] : fs));
  return merged ? coordsOf(merged.geometry) : [];
}

/** `polygons` ∩ `clip` (both lists of polygons as rings). */
function clipTo(polygons: Position[][][], clip: Position[][][]): Position[][][] {
  const cut = intersect(
    featureCollection([
      { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polygons } },
      { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: clip } },
    ]),
  );
  return cut ? coordsOf(cut.geometry) : [];
}

function coordsOf(g: Polygon | MultiPolygon): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * Rounds every coordinate to `decimals`, then cleans each ring: repeated positions removed,
 * spikes (a position followed by the one before it) folded, rings with fewer than 3 distinct
 * positions dropped (a dropped outer ring drops its polygon), rings closed again.
 */
export function roundPolygons(polygons: Position[][][], decimals: number): Position[][][] {
  const f = 10 ** decimals;
  const out: Position[][][] = [];
  for (const rings of polygons) {
    const cleaned: Position[][] = [];
    for (const ring of rings) {
      const c = cleanRing(ring.map(([x, y]) => [Math.round(x! * f) / f, Math.round(y! * f) / f]));
      if (c) cleaned.push(c);
      else if (cleaned.length === 0) break; // the outer ring collapsed: the polygon goes
    }
    if (cleaned.length > 0) out.push(cleaned);
  }
  return out;
}

/** A closed ring without repeated positions or spikes, or null when fewer than 3 positions remain. */
function cleanRing(ring: Position[]): Position[] | null {
  const pts: Position[] = [];
  const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];
  for (const p of ring) {
    if (pts.length > 0 && same(pts[pts.length - 1]!, p)) continue;
    pts.push(p);
    // spike A B A: drop B and the second A
    while (pts.length >= 3 && same(pts[pts.length - 1]!, pts[pts.length - 3]!)) pts.splice(pts.length - 2, 2);
  }
  if (pts.length > 1 && same(pts[0]!, pts[pts.length - 1]!)) pts.pop();
  // spikes across the closing point
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    const n = pts.length;
    if (same(pts[n - 1]!, pts[1]!)) {
      pts.splice(0, 1);
      pts.pop();
      changed = true;
    } else if (same(pts[n - 2]!, pts[0]!)) {
      pts.splice(n - 2, 2);
      changed = true;
    }
  }
  if (pts.length < 3) return null;
  pts.push(pts[0]!);
  return pts;
}
