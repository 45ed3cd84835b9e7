/**
 * The working partition: cell → beat plus per-beat aggregates (cells, area, perimeter, sums of
 * any per-cell channels) and the cut-edge count, all updated incrementally when one cell
 * moves. The single implementation of plan aggregates: the local search mutates one
 * partition in place; the immutable plan state (`moveCells`) clones one and moves cells in
 * the clone; `evaluatePlan` builds one from scratch.
 */
import type { Grid } from '../grid/grid.js';
import { type Topology, topologyOf } from './topology.js';

/** Mutable partition with incremental aggregates. Internal to `plan/`. */
export class Partition {
  readonly grid: Grid;
  readonly topo: Topology;
  readonly beatCount: number;
  /** Beat per cell, −1 unassigned. */
  readonly beatOfCell: Int32Array;
  /** Cells per beat. */
  readonly cells: Int32Array;
  /** Area per beat, km² (Σ turf cell areas). */
  readonly areaKm2: Float64Array;
  /** Perimeter per beat of the dissolved cells, km. */
  readonly perimeterKm: Float64Array;
  /** Per-cell channels (shared, never modified) and their per-beat sums. */
  readonly channels: readonly Float64Array[];
  readonly sums: Float64Array[];
  /** Travel-graph edges between two assigned cells of different beats. */
  cutEdges: number;
  /** Moves applied so far (a version stamp: caches keyed on it are stale after a move). */
  moves = 0;

  private constructor(
    grid: Grid,
    topo: Topology,
    beatCount: number,
    beatOfCell: Int32Array,
    channels: readonly Float64Array[],
    cells: Int32Array,
    areaKm2: Float64Array,
    perimeterKm: Float64Array,
    sums: Float64Array[],
    cutEdges: number,
  ) {
    this.grid = grid;
    this.topo = topo;
    this.beatCount = beatCount;
    this.beatOfCell = beatOfCell;
    this.channels = channels;
    this.cells = cells;
    this.areaKm2 = areaKm2;
    this.perimeterKm = perimeterKm;
    this.sums = sums;
    this.cutEdges = cutEdges;
  }

  /**
   * Builds a partition from an assignment, computing every aggregate from scratch
   * (perimeter = Σ cell perimeters − Σ shared edges inside the beat, both directions).
   * @param beatOfCell taken over (not copied)
   */
  static fromAssignment(grid: Grid, beatOfCell: Int32Array, beatCount: number, channels: readonly Float64Array[]): Partition {
    const topo = topologyOf(grid);
    const n = grid.cellCount;
    const cells = new Int32Array(beatCount);
    const areaKm2 = new Float64Array(beatCount);
    const perimeterKm = new Float64Array(beatCount);
    const sums = channels.map(() => new Float64Array(beatCount));
    const { geoOffsets, geoTargets, geoEdgeKm, adjOffsets, adjTargets } = grid;
    let cut = 0;
    for (let i = 0; i < n; i++) {
      const b = beatOfCell[i]!;
      if (b < 0) continue;
      cells[b]++;
      areaKm2[b] += grid.areaKm2[i]!;
      let p = grid.perimeterKm[i]!;
      for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) if (beatOfCell[geoTargets[e]!] === b) p -= geoEdgeKm[e]!;
      perimeterKm[b] += p;
      for (let c = 0; c < channels.length; c++) sums[c]![b] += channels[c]![i]!;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const j = adjTargets[e]!;
        if (j > i) {
          const bj = beatOfCell[j]!;
          if (bj >= 0 && bj !== b) cut++;
        }
      }
    }
    return new Partition(grid, topo, beatCount, beatOfCell, channels, cells, areaKm2, perimeterKm, sums, cut);
  }

  /** A deep copy of the assignment and aggregates (channels are shared). */
  clone(): Partition {
    return new Partition(
      this.grid,
      this.topo,
      this.beatCount,
      Int32Array.from(this.beatOfCell),
      this.channels,
      Int32Array.from(this.cells),
      Float64Array.from(this.areaKm2),
      Float64Array.from(this.perimeterKm),
      this.sums.map((s) => Float64Array.from(s)),
      this.cutEdges,
    );
  }

  /**
   * Shared boundary (km, both directions) between cell `i` and the cells of beat `b`,
   * i.e. how much `b`'s perimeter shrinks when `i` joins it.
   */
  sharedKm(i: number, b: number): number {
    const { geoOffsets, geoTargets } = this.grid;
    const pair = this.topo.edgePairKm;
    const beat = this.beatOfCell;
    let s = 0;
    for (let e = geoOffsets[i]!; e < geoOffsets[i + 1]!; e++) if (beat[geoTargets[e]!] === b) s += pair[e]!;
    return s;
  }

  /** Travel edges from cell `i` to cells of beat `b`. */
  travelLinks(i: number, b: number): number {
    const { adjOffsets, adjTargets } = this.grid;
    const beat = this.beatOfCell;
    let k = 0;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) if (beat[adjTargets[e]!] === b) k++;
    return k;
  }

  /** Travel edges from cell `i` to assigned cells. */
  assignedLinks(i: number): number {
    const { adjOffsets, adjTargets } = this.grid;
    const beat = this.beatOfCell;
    let k = 0;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) if (beat[adjTargets[e]!]! >= 0) k++;
    return k;
  }

  /**
   * Moves cell `i` to beat `to` (−1 = unassign) and updates every aggregate in O(degree +
   * channels). No constraint is checked here: callers check contiguity and locks first.
   */
  move(i: number, to: number): void {
    const from = this.beatOfCell[i]!;
    if (from === to) return;
    this.moves++;
    const g = this.grid;
    const assigned = this.assignedLinks(i);
    if (from >= 0) {
      const linksFrom = this.travelLinks(i, from);
      this.cutEdges -= assigned - linksFrom;
      const shared = this.sharedKm(i, from);
      this.cells[from]--;
      if (this.cells[from] === 0) {
        this.areaKm2[from] = 0;
        this.perimeterKm[from] = 0;
        for (let c = 0; c < this.channels.length; c++) this.sums[c]![from] = 0;
      } else {
        this.areaKm2[from] -= g.areaKm2[i]!;
        this.perimeterKm[from] += shared - g.perimeterKm[i]!;
        for (let c = 0; c < this.channels.length; c++) this.sums[c]![from] -= this.channels[c]![i]!;
      }
    }
    this.beatOfCell[i] = -1;
    if (to >= 0) {
      const linksTo = this.travelLinks(i, to);
      this.cutEdges += assigned - linksTo;
      const shared = this.sharedKm(i, to);
      this.cells[to]++;
      this.areaKm2[to] += g.areaKm2[i]!;
      this.perimeterKm[to] += g.perimeterKm[i]! - shared;
      for (let c = 0; c < this.channels.length; c++) this.sums[c]![to] += this.channels[c]![i]!;
      this.beatOfCell[i] = to;
    }
  }
}
