/**
 * Solver layer: one sparse model type, one `solve()` over javascript-lp-solver and HiGHS, a
 * result check that every answer passes, and an exact min-cost-flow for network models.
 */

export { checkSolution, isIntegral } from './check.js';
export { shutdownHighsWorkers } from './highs.js';
export { toLpFormat } from './lp-format.js';
export {
  checkFlowOptimality,
  type FlowNetwork,
  type FlowResult,
  flowNetworkToModel,
  minCostFlow,
} from './min-cost-flow.js';
export {
  integerCount,
  type LinearModel,
  LinearModelBuilder,
  type ModelConstraint,
  type ModelVariable,
  objectiveOf,
  type SolveOptions,
  type SolveResult,
  type SolverBackend,
  type SolveStatus,
  type VariableSpec,
  type Violation,
} from './model.js';
export { AUTO_LIMITS, chooseBackend, requireSolution, solve } from './solve.js';
