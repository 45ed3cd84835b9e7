/**
 * Skills a beat needs, from a layer: e.g. Spanish where many residents speak it.
 */
import { BeatplanError } from '../errors.js';
import type { Grid } from '../grid/grid.js';
import type { BeatPlan } from '../plan/types.js';
import { type PolygonLayer, spreadCounts } from '../score/score-cells.js';

/** One rule: beats where `layer`'s count reaches `minShare` of the residents need `skill`. */
export interface SkillRule {
  /** Skill name as in the roster's `skills` column (lower case), e.g. "spanish". */
  readonly skill: string;
  /** Counts per polygon (e.g. Spanish speakers, Hispanic residents), spread onto cells by area. */
  readonly layer: PolygonLayer;
  /** Share of the beat's residents from which the beat needs the skill, in (0, 1]. Default 0.25. */
  readonly minShare?: number;
}

/**
 * Skills each beat needs: for every rule, the layer's counts are spread onto the cells (as
 * population is) and summed per beat; a beat whose count is at least `minShare` of its
 * residents needs the skill. Beats without residents need nothing.
 * @param population residents per cell (e.g. `scores.population`)
 * @returns skills per beat id (beats needing none are left out)
 * @throws BeatplanError `BAD_INPUT` for an empty skill name or a share outside (0, 1]
 * @example skillsOfBeats(grid, plan, scores.population, [{ skill: 'spanish', layer: hisp, minShare: 0.3 }])
 */
export function skillsOfBeats(
  grid: Grid,
  plan: BeatPlan,
  population: ArrayLike<number>,
  rules: readonly SkillRule[],
): Record<string, string[]> {
  const K = plan.beatIds.length;
  const residents = new Float64Array(K);
  for (let i = 0; i < grid.cellCount; i++) {
    const b = plan.beatOfCell[i]!;
    if (b >= 0) residents[b] += population[i]!;
  }
  const out: Record<string, string[]> = {};
  for (const rule of rules) {
    const skill = rule.skill.trim().toLowerCase();
    const minShare = rule.minShare ?? 0.25;
    if (!skill) throw new BeatplanError('BAD_INPUT', 'a skill rule needs a skill name', { field: 'skill' });
    if (!(minShare > 0 && minShare <= 1))
      throw new BeatplanError('BAD_INPUT', 'minShare must be in (0, 1]', { field: 'minShare', value: minShare });
    const count = spreadCounts(grid, rule.layer);
    const perBeat = new Float64Array(K);
    for (let i = 0; i < grid.cellCount; i++) {
      const b = plan.beatOfCell[i]!;
      if (b >= 0) perBeat[b] += count[i]!;
    }
    for (let b = 0; b < K; b++) {
      if (residents[b]! > 0 && perBeat[b]! / residents[b]! >= minShare) (out[plan.beatIds[b]!] ??= []).push(skill);
    }
  }
  return out;
}
