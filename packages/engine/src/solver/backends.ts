/**
 * The one place that imports the third-party solvers, with the types this engine relies on.
 *
 * `javascript-lp-solver` ships declarations that, under `"module": "nodenext"`, type its
 * default export as the module namespace rather than the solver object; HiGHS must run in a
 * worker and is located by file path. Both are wrapped here so the rest of the engine sees
 * small, correct types.
 */

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import jslModule from 'javascript-lp-solver';

/** A javascript-lp-solver JSON model (the subset this engine writes). */
export interface JslModel {
  optimize: string;
  opType: 'min' | 'max';
  constraints: Record<string, { min?: number; max?: number; equal?: number }>;
  variables: Record<string, Record<string, number>>;
  ints?: Record<string, 1>;
  unrestricted?: Record<string, 1>;
  options?: { timeout?: number; tolerance?: number; presolve?: boolean };
}

/** The raw answer of javascript-lp-solver: variable values by name plus status fields. */
export interface JslResult {
  feasible: boolean;
  result: number;
  bounded?: boolean;
  isIntegral?: boolean;
  [name: string]: number | boolean | undefined;
}

interface JslSolver {
  Solve(model: JslModel, precision?: number, full?: boolean, validate?: boolean): JslResult;
}

function asJslSolver(mod: unknown): JslSolver {
  const m = mod as { Solve?: unknown; default?: { Solve?: unknown } };
  if (typeof m.Solve === 'function') return m as JslSolver;
  if (m.default && typeof m.default.Solve === 'function') return m.default as JslSolver;
  throw new Error('javascript-lp-solver: no Solve function on the imported module');
}

const jsl = asJslSolver(jslModule);

/** Runs javascript-lp-solver synchronously on a JSON model. */
export function jslSolve(model: JslModel): JslResult {
  return jsl.Solve(model);
}

/** `file://` URL of the `highs` package's loader, resolved from this package (for workers). */
export function highsLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('highs')).href;
}
