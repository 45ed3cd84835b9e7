/**
 * Colours of the planning map: a colour-blind-safe categorical palette for beats, assigned by
 * graph colouring so that neighbouring beats never share a colour, and sequential ramps for
 * workload and need.
 */

/**
 * Categorical beat colours: Okabe & Ito's colour-blind-safe set (without black, which is kept
 * for outlines and labels), in an order where consecutive colours differ in lightness too.
 * Seven colours are enough for any planar beat map coloured by {@link colourBeats}
 * (smallest-last greedy colouring needs at most 6 on planar graphs).
 */
export const BEAT_PALETTE: readonly string[] = [
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#009E73', // bluish green
  '#F0E442', // yellow
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
];

/** Names of the {@link BEAT_PALETTE} colours (for the legend: colour is never the only cue). */
export const BEAT_PALETTE_NAMES: readonly string[] = [
  'orange',
  'sky blue',
  'bluish green',
  'yellow',
  'blue',
  'vermillion',
  'reddish purple',
];

/** Colour of unassigned cells and of beats past the palette (never reached on planar maps). */
export const UNASSIGNED_COLOUR = '#9e9e9e';

/**
 * Sequential ramp for workload and need: viridis, light end last so that high values stand
 * out on a white background; readable in every common colour-vision deficiency.
 */
export const SEQUENTIAL_RAMP: readonly string[] = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];

/**
 * Colour of cells whose incident-derived value a public (viewer) answer left out (an area with
 * fewer than k incidents): a light grey that no ramp uses.
 */
export const SUPPRESSED_COLOUR = '#d9d9d9';

/**
 * Ramp of the incidents heat layer, `[density 0–1, colour]`, from the least density drawn to
 * the peak: magma from pale to dark (perceptually uniform and colour-blind safe, and distinct
 * from the viridis cell ramp under it). Below the first stop the heat fades to transparent
 * (see {@link HEAT_LOW_ALPHA}), so places without incidents keep their beat colours.
 */
export const HEAT_RAMP: ReadonlyArray<readonly [number, string]> = [
  [0.12, '#fcfdbf'],
  [0.3, '#fe9f6d'],
  [0.5, '#de4968'],
  [0.7, '#8c2981'],
  [1, '#3b0f70'],
];

/** Opacity of the heat ramp's first (palest) stop; density 0 is fully transparent. */
export const HEAT_LOW_ALPHA = 0.6;

/**
 * A colour at an opacity as CSS `rgba()` (`#rgb` / `#rrggbb` in; other CSS colours are
 * returned as they are), e.g. so that a legend swatch over white looks like the layer over the map.
 * @example withOpacity('#ff0000', 0.5) // 'rgba(255,0,0,0.5)'
 */
export function withOpacity(colour: string, opacity = 1): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour);
  if (!m || opacity >= 1) return colour;
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  const [r, g, b] = [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16));
  return `rgba(${r},${g},${b},${Math.round(opacity * 1000) / 1000})`;
}

/** Result of {@link colourBeats}. */
export interface BeatColouring {
  /** Colour index per beat (0-based, into a palette). */
  readonly colourOf: Int32Array;
  /** Colours used (max index + 1); 0 for no beats. */
  readonly colourCount: number;
}

/**
 * Colours a graph so that adjacent vertices get different colour indices, with the greedy
 * algorithm on a smallest-last (degeneracy) order: at most `degeneracy + 1` colours, i.e. at
 * most 6 on a planar beat map. Deterministic: ties break on the lower vertex index.
 *
 * @param adjacency `adjacency[b]` lists the beats that touch beat `b` (symmetric; self-loops
 *   and duplicates are ignored).
 * @returns colour index per beat and the number of colours used.
 * @example colourBeats([[1, 2], [0, 2], [0, 1]]).colourCount // 3 (a triangle)
 */
export function colourBeats(adjacency: ReadonlyArray<ReadonlyArray<number>>): BeatColouring {
  const n = adjacency.length;
  const degree = new Int32Array(n);
  const nbrs = adjacency.map((list, b) => [...new Set(list)].filter((x) => x !== b && x >= 0 && x < n));
  nbrs.forEach((list, b) => (degree[b] = list.length));
  // Smallest-last order: repeatedly remove a vertex of minimum remaining degree.
  const removed = new Uint8Array(n);
  const order: number[] = [];
  for (let k = 0; k < n; k++) {
    let best = -1;
    for (let b = 0; b < n; b++) if (!removed[b] && (best < 0 || degree[b]! < degree[best]!)) best = b;
    removed[best] = 1;
    order.push(best);
    for (const x of nbrs[best]!) if (!removed[x]) degree[x]!--;
  }
  const colourOf = new Int32Array(n).fill(-1);
  let colourCount = 0;
  for (let k = n - 1; k >= 0; k--) {
    const b = order[k]!;
    colourOf[b] = smallestFreeColour(nbrs[b]!, colourOf);
    colourCount = Math.max(colourCount, colourOf[b]! + 1);
  }
  return { colourOf, colourCount };
}

/**
 * Repairs a colouring after the adjacency changed (a painted stroke can make two beats
 * touch): beats that clash with a neighbour of lower index get the smallest colour free among
 * their neighbours; every other beat keeps its colour, so the map does not flicker.
 *
 * @param adjacency as in {@link colourBeats}
 * @param colourOf the colouring to repair (not modified)
 * @returns a new colouring and the beats whose colour changed
 * @example recolourConflicts([[1], [0]], Int32Array.from([0, 0])).changed // [1]
 */
export function recolourConflicts(
  adjacency: ReadonlyArray<ReadonlyArray<number>>,
  colourOf: Int32Array,
): { colourOf: Int32Array; changed: number[] } {
  const out = Int32Array.from(colourOf);
  const changed: number[] = [];
  for (let b = 0; b < adjacency.length; b++) {
    const clash = out[b]! < 0 || adjacency[b]!.some((x) => x < b && out[x] === out[b]);
    if (!clash) continue;
    const c = smallestFreeColour(
      adjacency[b]!.filter((x) => x !== b),
      out,
    );
    if (c !== out[b]) {
      out[b] = c;
      changed.push(b);
    }
  }
  return { colourOf: out, changed };
}

function smallestFreeColour(nbrs: readonly number[], colourOf: Int32Array): number {
  const used = new Set<number>();
  for (const x of nbrs) if (colourOf[x]! >= 0) used.add(colourOf[x]!);
  let c = 0;
  while (used.has(c)) c++;
  return c;
}

/**
 * Like {@link recolourConflicts} but only for some beats, given their neighbours (e.g. from
 * `beatNeighbours` for the beats a stroke touched): each listed beat that shares a colour with
 * a neighbour takes the smallest colour free among its neighbours. O(touched beats).
 * @returns a new colouring and the beats whose colour changed
 */
export function recolourBeats(
  neighbours: ReadonlyMap<number, readonly number[]>,
  colourOf: Int32Array,
): { colourOf: Int32Array; changed: number[] } {
  const out = Int32Array.from(colourOf);
  const changed: number[] = [];
  for (const [b, nbrs] of [...neighbours].sort((x, y) => x[0] - y[0])) {
    if (out[b]! >= 0 && !nbrs.some((x) => out[x] === out[b])) continue;
    const c = smallestFreeColour(nbrs, out);
    if (c !== out[b]) {
      out[b] = c;
      changed.push(b);
    }
  }
  return { colourOf: out, changed };
}

/** True when no two adjacent beats share a colour. */
export function isProperColouring(adjacency: ReadonlyArray<ReadonlyArray<number>>, colourOf: ArrayLike<number>): boolean {
  return adjacency.every((list, b) => list.every((x) => x === b || colourOf[x] !== colourOf[b]));
}

/**
 * Quantile break values of `values` for a ramp of `classes` colours (ignoring non-finite
 * values), strictly increasing so that they can feed a MapLibre `interpolate`/`step`.
 * @returns `classes` values from the minimum to the upper quantiles; `[0, 1, …]` when empty.
 * @example quantileBreaks([0, 1, 2, 3, 4], 5) // [0, 1, 2, 3, 4]
 */
export function quantileBreaks(values: ArrayLike<number>, classes: number = SEQUENTIAL_RAMP.length): number[] {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const out: number[] = [];
  for (let k = 0; k < classes; k++) {
    const q = v.length ? v[Math.min(v.length - 1, Math.floor((k / Math.max(1, classes - 1)) * (v.length - 1)))]! : k;
    out.push(out.length && q <= out[out.length - 1]! ? out[out.length - 1]! + 1e-9 * (1 + Math.abs(q)) : q);
  }
  return out;
}
