/**
 * Acceptance rules of the districting local search: given the change of the primary
 * objective (balance) and of the secondary one (shape and change), take the move or not.
 * Lexicographic: a move that lowers the primary objective is taken; one that leaves it
 * unchanged is judged on the secondary objective — greedily, or by annealing.
 */
import type { Rng } from '../../random.js';

/** Tolerances under which a delta counts as zero. */
export const EPS_PRIMARY = 1e-15;
export const EPS_SECONDARY = 1e-12;

/** An acceptance rule. */
export interface Acceptance {
  readonly name: string;
  accept(primaryDelta: number, secondaryDelta: number): boolean;
}

/** Greedy: lower primary, or equal primary and lower secondary. */
export const greedyAcceptance: Acceptance = {
  name: 'greedy',
  accept(dp, ds) {
    return dp < -EPS_PRIMARY || (dp <= EPS_PRIMARY && ds < -EPS_SECONDARY);
  },
};

/**
 * Annealing on the secondary objective (Metropolis): like greedy, and a move that leaves the
 * primary objective unchanged but raises the secondary one by Δ is taken with probability
 * exp(−Δ / temperature). The loop lowers `temperature` linearly to 0 over a phase.
 */
export class AnnealingAcceptance implements Acceptance {
  readonly name = 'annealing';
  temperature: number;
  constructor(
    private readonly rng: Rng,
    temperature: number,
  ) {
    this.temperature = temperature;
  }

  accept(dp: number, ds: number): boolean {
    if (dp < -EPS_PRIMARY) return true;
    if (dp > EPS_PRIMARY) return false;
    if (ds < -EPS_SECONDARY) return true;
    return this.temperature > 0 && this.rng.next() < Math.exp(-ds / this.temperature);
  }
}
