/**
 * Solver layer: one sparse model type, one `solve()` over javascript-lp-solver and HiGHS, a
 * result check that every answer passes, and an exact min-cost-flow for network models.
 */
export {
  LinearModelBuilder,
  objectiveOf,
  integerCount,
  type LinearModel,
  type ModelVariable,
  type ModelConstraint,
  type SolveOptions,
  type SolveResult,
  type SolveStatus,
  type SolverBackend,
  type Violation,
  type VariableSpec,
} from './model.js';
export { solve, requireSolution, chooseBackend, AUTO_LIMITS } from './solve.js';
export { checkSolution, isIntegral } from './check.js';
export { toLpFormat } from './lp-format.js';
export { shutdownHighsWorkers } from './highs.js';
export {
  minCostFlow,
  checkFlowOptimality,
  flowNetworkToModel,
  type FlowNetwork,
  type FlowResult,
} from './min-cost-flow.js';
