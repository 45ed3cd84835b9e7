import { BeatplanError, INPUT_ERROR_CODES } from '@beatplan/engine';
import { describe, expect, it } from 'vitest';
import { ApiError, ENGINE_STATUS, toProblem } from './errors.js';

describe('problem+json mapping', () => {
  it.each(Object.entries(ENGINE_STATUS))('engine code %s → HTTP %i', (code, status) => {
    const p = toProblem(new BeatplanError(code as never, 'x'), '/i');
    expect(p).toMatchObject({ status, code, instance: '/i' });
    // input errors are 4xx, the rest are not the client's fault
    if (INPUT_ERROR_CODES.has(code as never)) expect(status).toBeLessThan(500);
  });

  it('names the offending field of an engine error', () => {
    const p = toProblem(new BeatplanError('MISSING_FIELD', 'no column', { file: 'i.csv', row: 1, field: 'Latitude' }), '/i');
    expect(p.errors).toEqual([{ path: 'i.csv.row 1.Latitude', message: expect.stringContaining('Latitude') }]);
  });

  it('an engine error naming a field but no file names a request field: `body.<field>`', () => {
    const p = toProblem(new BeatplanError('BAD_INPUT', 'no such beat in the plan', { field: 'units.0.beat' }), '/i');
    expect(p.errors).toEqual([{ path: 'body.units.0.beat', message: expect.stringContaining('no such beat in the plan') }]);
    // a row without a file keeps its row: it is content, not a request field
    expect(toProblem(new BeatplanError('BAD_INPUT', 'no id', { row: 3, field: 'id' }), '/i').errors).toEqual([
      { path: 'row 3.id', message: expect.stringContaining('no id') },
    ]);
  });

  it('never lets a message or stack of an unexpected error out', () => {
    const e = new Error('SQLITE_CORRUPT at /var/lib/beatplan/beatplan.sqlite');
    const p = toProblem(e, '/i');
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(p)).not.toContain('SQLITE');
    expect(JSON.stringify(p)).not.toContain('sqlite');
  });

  it('keeps API errors as thrown', () => {
    expect(toProblem(new ApiError('PRECONDITION_FAILED', 'stale'), '/p')).toMatchObject({
      status: 412,
      code: 'PRECONDITION_FAILED',
      title: 'Precondition Failed',
      detail: 'stale',
    });
  });
});
