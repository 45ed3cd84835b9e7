/**
 * The numeric grid every engine stage works on.
 *
 * A city is covered by H3 cells at one resolution. Inside the engine a cell is an integer
 * index `0..cellCount-1` into the typed arrays below; the H3 string is used only at the
 * edges (input, output). Cells are sorted by H3 index, so the same boundary and resolution
 * always give the same numbering.
 */
export interface Grid {
  /** H3 resolution of every cell. */
  readonly resolution: number;
  /** Number of cells. */
  readonly cellCount: number;
  /** H3 index of each cell, sorted ascending. `h3[i]` is cell `i`. */
  readonly h3: readonly string[];
  /** Cell centre longitude, degrees (WGS84). */
  readonly lng: Float64Array;
  /** Cell centre latitude, degrees (WGS84). */
  readonly lat: Float64Array;
  /** Cell area in km², as `turf.area` measures the cell polygon. */
  readonly areaKm2: Float64Array;
  /** Cell perimeter in km, as `turf.length` measures the cell boundary (haversine). */
  readonly perimeterKm: Float64Array;
  /**
   * Travel graph (CSR): the neighbours of cell `i` are
   * `adjTargets[adjOffsets[i] .. adjOffsets[i+1])`. Hex neighbours inside the grid, minus
   * the pairs whose centre-to-centre segment crosses a barrier line, plus bridge edges.
   * Symmetric; sorted per cell. Contiguity is always judged on this graph.
   */
  readonly adjOffsets: Uint32Array;
  readonly adjTargets: Uint32Array;
  /**
   * Geometric neighbours (CSR) for perimeter maths: every hex neighbour inside the grid
   * (barrier-cut or not, never bridges) with the length in km of the shared edge.
   * Perimeter of a set S of cells = Σ_{i∈S} perimeterKm[i] − Σ_{i∈S, j∈S, j∈geo(i)} edgeKm.
   */
  readonly geoOffsets: Uint32Array;
  readonly geoTargets: Uint32Array;
  readonly geoEdgeKm: Float64Array;
  /** Connected component of each cell on the travel graph (0-based, largest first). */
  readonly component: Uint32Array;
  readonly componentCount: number;
  /** Index of the boundary part (outer polygon after dissolving) each cell's centre lies in. */
  readonly part: Uint32Array;
  readonly partCount: number;
  /** Edges added to keep each connected part of the boundary connected (cell index pairs). */
  readonly bridges: ReadonlyArray<readonly [number, number]>;
  /** Hex-neighbour pairs removed because their centre segment crosses a barrier. */
  readonly barrierCutEdges: number;
  /** Cell index of an H3 string, or -1 when the cell is not in the grid. */
  indexOf(h3: string): number;
}
