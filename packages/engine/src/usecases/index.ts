/**
 * Use-cases: one function per feature (plan, re-plan, edit, staff, response, what-if, public
 * views, compare, heat, meeting places), taking a typed request and returning a typed result.
 * The CLI commands and the API call these same functions. Pure (no file system): the
 * file-reading variants live in `./files.ts` and are exported from `@beatplan/engine/io`.
 */

export * from './edit.js';
export * from './equity.js';
export * from './plan.js';
export * from './plan-use-case.js';
export * from './public-view.js';
export * from './response.js';
export * from './staff.js';
export * from './stored-plan.js';
export * from './views.js';
