import { describe, expect, it } from 'vitest';
import { ApiProblem } from './api-client.js';
import { peopleCount, plainError, staffingCell, stripFieldPath } from './words.js';

describe('plain words', () => {
  it('errors: no codes, statuses or field paths', () => {
    expect(plainError(new ApiProblem(409, 'MOVE_REJECTED', 'the move would split beat 12 into two pieces (field "cells")', '/x'))).toBe(
      'the move would split beat 12 into two pieces',
    );
    expect(stripFieldPath('unknown cell (field cells.3) in the stroke')).toBe('unknown cell in the stroke');
    expect(plainError(new TypeError('Failed to fetch'))).toBe('could not reach the server; check the connection and try again');
    expect(plainError(new ApiProblem(500, 'INTERNAL', '', '/x'))).toBe('the server refused (500)');
  });
  it('counts of people are whole numbers; staffing says on duty and needed', () => {
    expect(peopleCount(28.8)).toBe('29');
    expect(peopleCount(12345.4)).toBe('12,345');
    expect(peopleCount(Number.NaN)).toBe('–');
    expect(staffingCell(3, 2)).toBe('3 on duty (2 needed)');
  });
});
