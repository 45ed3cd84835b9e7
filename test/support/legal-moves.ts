/**
 * Legal edits of a loaded plan for the API's edit tests and benchmarks.
 */
import { createPlanState, moveCells } from '@beatplan/engine';
import type { LoadedPlan } from '../../packages/api/src/engine-service.js';

/**
 * Legal single-cell moves into a neighbouring beat, each in another pair of beats (so each can
 * be made, and undone by the reverse move, whatever the others did): `moveCells` accepts them.
 * @example legalMoves(loaded, 1)[0] // { cell: '8a…', from: '0111', to: '0112' }
 */
export function legalMoves(p: LoadedPlan, count: number): Array<{ cell: string; from: string; to: string }> {
  const state = createPlanState(p.grid, p.plan, p.scores);
  const out: Array<{ cell: string; from: string; to: string }> = [];
  const used = new Set<number>();
  for (let i = 0; i < p.grid.cellCount && out.length < count; i += 7) {
    const b = p.plan.beatOfCell[i]!;
    if (b < 0 || used.has(b)) continue;
    for (let k = p.grid.adjOffsets[i]!; k < p.grid.adjOffsets[i + 1]!; k++) {
      const nb = p.plan.beatOfCell[p.grid.adjTargets[k]!]!;
      if (nb === b || nb < 0 || used.has(nb)) continue;
      try {
        moveCells(p.grid, state, [i], nb);
        moveCells(p.grid, state, [i], b);
        out.push({ cell: p.grid.h3[i]!, from: p.plan.beatIds[b]!, to: p.plan.beatIds[nb]! });
        used.add(b).add(nb);
        break;
      } catch {
        /* next neighbour */
      }
    }
  }
  return out;
}
