/**
 * Plain words for the people using the map: errors without codes or field paths, counts of
 * people rounded to whole numbers, staffing as "officers on duty / needed".
 */
import { ApiProblem } from './api-client.js';

/**
 * An error as a sentence for a commander: the API's explanation without its code, status or
 * field path (`(field "cells")`, `(field cells.3)`); network failures as "could not reach".
 * @example plainError(new ApiProblem(409, 'MOVE_REJECTED', 'the move would split beat 12 (field "cells")', '/x')) // 'the move would split beat 12'
 */
export function plainError(e: unknown): string {
  if (e instanceof ApiProblem) return stripFieldPath(e.detail) || `the server refused (${e.status})`;
  if (e instanceof TypeError && /fetch/i.test(e.message)) return 'could not reach the server; check the connection and try again';
  return e instanceof Error ? stripFieldPath(e.message) : String(e);
}

/** Drops a trailing or inline `(field …)` note from an API message. */
export function stripFieldPath(text: string): string {
  return text.replace(/\s*\(field\s+[^)]*\)/g, '').trim();
}

/** A count of people or incidents for a tooltip: whole numbers (a cell's share of a neighbourhood's population is fractional). */
export function peopleCount(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-GB') : '–';
}

/**
 * One staffing cell (a beat in one shift) in words: officers on duty and needed, e.g.
 * `"3 on duty (2 needed)"`; the officer ids are listed separately.
 */
export function staffingCell(allocated: number, required: number): string {
  return `${allocated} on duty (${required} needed)`;
}
