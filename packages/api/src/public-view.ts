/**
 * What a viewer (the public) may read of a plan: the pooled scores and metrics are the engine's
 * public-view use-case (`packages/engine/src/usecases/public-view.ts`, which states the rule);
 * this module adds what is the API's own — version summaries and job results keep only ids,
 * counts of cells and links.
 */
export { type PublicBeatMetrics, type PublicScores, publicLoadedPlan, publicMetrics, publicScores } from './engine-service.js';

/** Keys of a version summary a viewer sees: ids, cell counts, versions — nothing incident-derived. */
const PUBLIC_SUMMARY_KEYS = new Set(['cells', 'toBeat', 'moved', 'beats', 'fromVersion', 'locked', 'from', 'parent']);

/** A version summary (or a job result) for a viewer: only the keys that carry no incident-derived figure. */
export function publicSummary(summary: Record<string, unknown>): Record<string, unknown> {
  const plain = (v: unknown) =>
    typeof v === 'string' || typeof v === 'boolean' || Number.isInteger(v) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  return Object.fromEntries(Object.entries(summary).filter(([key, value]) => PUBLIC_SUMMARY_KEYS.has(key) && plain(value)));
}

/** Keys of a job result a viewer sees: links, ids and version numbers. */
const PUBLIC_RESULT_KEYS = new Set(['planId', 'version', 'fromVersion', 'plan', 'staffingId', 'staffing', 'whatIf', 'scoreId', 'score']);

/** A job result for a viewer: links, ids and version numbers only (e.g. no `movedShare`). */
export function publicJobResult(result: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!result) return null;
  return Object.fromEntries(
    Object.entries(result).filter(([key, value]) => PUBLIC_RESULT_KEYS.has(key) && (typeof value === 'string' || Number.isInteger(value))),
  );
}
