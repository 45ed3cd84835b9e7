/**
 * Contiguity repair: every beat keeps one connected piece (plus pieces holding pinned cells),
 * the other pieces and unassigned cells are handed, layer by layer, to adjacent beats of their
 * region (the least loaded first), and empty beats are re-seeded from the heaviest beat of
 * their region.
 */
import type { Grid } from '../grid/grid.js';
import { canRemoveCell, labelPieces, topologyOf } from './topology.js';

/** Inputs of {@link repairPlan}. Internal to `plan/`. */
export interface RepairInput {
  readonly grid: Grid;
  /** Beat per cell, modified in place (−1 = to assign). */
  readonly beatOfCell: Int32Array;
  readonly beatCount: number;
  /** Region per cell (−1 = not planned: left as it is). */
  readonly regionOfCell: Int32Array;
  readonly regionOfBeat: Int32Array;
  /** 1 for cells that must not move (seeds, locked beats, attached islands). */
  readonly pinned: Uint8Array;
  readonly weight: Float64Array;
  /** Target workload per beat. */
  readonly target: Float64Array;
}

/**
 * Repairs a plan in place so every beat is one piece inside its region and every plannable
 * cell reachable from a beat of its region is assigned.
 * @returns cells of plannable regions left unassigned (their region has no beat)
 */
export function repairPlan(r: RepairInput): number[] {
  const { grid, beatOfCell, beatCount: K, regionOfCell, regionOfBeat, pinned, weight, target } = r;
  const n = grid.cellCount;
  const topo = topologyOf(grid);
  // 1. Cells outside their beat's region are released.
  for (let i = 0; i < n; i++) {
    const b = beatOfCell[i]!;
    if (b >= 0 && regionOfCell[i]! >= 0 && !pinned[i] && regionOfBeat[b] !== regionOfCell[i]) beatOfCell[i] = -1;
  }
  // 2. Keep the largest piece of each beat and the pieces holding pinned cells.
  const { piece, pieceCount, pieceBeat, pieceSize } = labelPieces(topo, beatOfCell, K);
  const keep = new Uint8Array(pieceCount);
  const largest = new Int32Array(K).fill(-1);
  for (let p = 0; p < pieceCount; p++) {
    const b = pieceBeat[p]!;
    if (largest[b]! < 0 || pieceSize[p]! > pieceSize[largest[b]!]!) largest[b] = p;
  }
  for (let b = 0; b < K; b++) if (largest[b]! >= 0) keep[largest[b]!] = 1;
  for (let i = 0; i < n; i++) if (pinned[i] && piece[i]! >= 0) keep[piece[i]!] = 1;
  for (let i = 0; i < n; i++) if (piece[i]! >= 0 && !keep[piece[i]!] && regionOfCell[i]! >= 0) beatOfCell[i] = -1;
  fillUnassigned(r);
  // 3. Re-seed empty beats from the heaviest beat of their region, then fill again.
  const load = new Float64Array(K);
  const cells = new Int32Array(K);
  for (let i = 0; i < n; i++) {
    const b = beatOfCell[i]!;
    if (b >= 0) {
      load[b] += weight[i]!;
      cells[b]++;
    }
  }
  for (let b = 0; b < K; b++) {
    if (cells[b]! > 0 || regionOfBeat[b]! < 0) continue;
    let donor = -1;
    for (let c = 0; c < K; c++) {
      if (c === b || regionOfBeat[c] !== regionOfBeat[b] || cells[c]! < 2) continue;
      if (donor < 0 || load[c]! / (target[c]! || 1) > load[donor]! / (target[donor]! || 1)) donor = c;
    }
    if (donor < 0) continue;
    // a removable cell of the donor with the fewest donor neighbours
    let pick = -1;
    let pickLinks = Infinity;
    for (let i = 0; i < n; i++) {
      if (beatOfCell[i] !== donor || pinned[i]) continue;
      let links = 0;
      for (let e = grid.adjOffsets[i]!; e < grid.adjOffsets[i + 1]!; e++) if (beatOfCell[grid.adjTargets[e]!] === donor) links++;
      if (links < pickLinks && canRemoveCell(topo, beatOfCell, i)) {
        pick = i;
        pickLinks = links;
        if (links <= 1) break;
      }
    }
    if (pick < 0) continue;
    beatOfCell[pick] = b;
    cells[donor]--;
    cells[b]++;
    load[donor] -= weight[pick]!;
    load[b] += weight[pick]!;
  }
  return fillUnassigned(r);
}

/** Multi-source fill: unassigned cells join an adjacent beat of their region, least loaded first. */
function fillUnassigned(r: RepairInput): number[] {
  const { grid, beatOfCell, beatCount: K, regionOfCell, regionOfBeat, weight, target } = r;
  const n = grid.cellCount;
  const { adjOffsets, adjTargets } = grid;
  const load = new Float64Array(K);
  for (let i = 0; i < n; i++) if (beatOfCell[i]! >= 0) load[beatOfCell[i]!] += weight[i]!;
  const queued = new Uint8Array(n);
  let frontier: number[] = [];
  for (let i = 0; i < n; i++) {
    if (beatOfCell[i] !== -1 || regionOfCell[i]! < 0) continue;
    for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
      if (beatOfCell[adjTargets[e]!]! >= 0) {
        frontier.push(i);
        queued[i] = 1;
        break;
      }
    }
  }
  while (frontier.length) {
    const next: number[] = [];
    for (const i of frontier) {
      let best = -1;
      let bestRatio = Infinity;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const b = beatOfCell[adjTargets[e]!]!;
        if (b < 0 || regionOfBeat[b] !== regionOfCell[i]) continue;
        const ratio = load[b]! / (target[b]! || 1);
        if (ratio < bestRatio || (ratio === bestRatio && b < best)) {
          bestRatio = ratio;
          best = b;
        }
      }
      if (best < 0) {
        queued[i] = 0; // may be reached again from a beat of its own region
        continue;
      }
      beatOfCell[i] = best;
      load[best] += weight[i]!;
      for (let e = adjOffsets[i]!; e < adjOffsets[i + 1]!; e++) {
        const j = adjTargets[e]!;
        if (beatOfCell[j] === -1 && !queued[j] && regionOfCell[j]! >= 0) {
          queued[j] = 1;
          next.push(j);
        }
      }
    }
    // cells that found no beat of their region this round may find one later
    frontier = next;
  }
  const left: number[] = [];
  for (let i = 0; i < n; i++) if (beatOfCell[i] === -1 && regionOfCell[i]! >= 0) left.push(i);
  return left;
}
