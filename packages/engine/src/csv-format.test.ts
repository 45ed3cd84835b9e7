import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvRow, toCsv } from './csv-format.js';
import { buildGrid } from './grid/build-grid.js';
import { cellsToCsv } from './score/cells-csv.js';
import { aggregateCounts } from './score/privacy.js';
import { scoreCells } from './score/score-cells.js';
import { assignmentsToCsv, beatShiftAssignmentsCsv } from './staff/output.js';
import type { StaffingResult } from './staff/types.js';

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** What a reader gets back for a text field: the text, with a guarding `'` before a formula start. */
const neutralised = (s: string) => (/^[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s);

describe('csvField', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('plain')).toBe('plain');
  });

  it('neutralises formulas (OWASP) but leaves plain numbers alone', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvField('-1+2')).toBe("'-1+2");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('\tx')).toBe("'\tx");
    expect(csvField('\rx')).toBe('"\'\rx"');
    expect(csvField('-3.5')).toBe('-3.5');
    expect(csvField('+1e-3')).toBe('+1e-3');
    expect(csvField(-2.25)).toBe('-2.25');
  });

  it('writes empty for null, undefined and non-finite numbers', () => {
    expect(csvRow([null, undefined, Number.NaN, Infinity, 0, false])).toBe(',,,,0,false');
  });
});

describe('toCsv', () => {
  it('any text round-trips through csv-parse as text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('=1+1', '-2', "'=x", '@a,b', '\t"', '+', '-', '.5')), {
            minLength: 2,
            maxLength: 2,
          }),
          { maxLength: 8 },
        ),
        (rows) => {
          const text = toCsv(['id', 'note'], rows);
          const back = parse(text, { relax_column_count: false }) as string[][];
          expect(back[0]).toEqual(['id', 'note']);
          expect(back.slice(1)).toEqual(rows.map((r) => r.map(neutralised)));
          // no field a spreadsheet would evaluate
          for (const r of back.slice(1)) for (const f of r) expect(/^[=+\-@\t\r]/.test(f) && !PLAIN_NUMBER.test(f)).toBe(false);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('a hostile beat id in assignments.csv round-trips as text', () => {
    const hostile = '=HYPERLINK("http://evil","x"),\n"B1"';
    const result = {
      assignments: [
        {
          officerId: '-7',
          name: 'Doe, "J"',
          shift: '0-8',
          rank: '@PO',
          beat: hostile,
          previousBeat: null,
          targetBeat: null,
          continuity: false,
          slot: 1,
          reason: null,
        },
      ],
    } as unknown as StaffingResult;
    const rows = parse(assignmentsToCsv(result), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.beat).toBe(`'${hostile}`);
    expect(rows[0]!.name).toBe('Doe, "J"');
    expect(rows[0]!.officer_id).toBe('-7');
    expect(rows[0]!.rank).toBe("'@PO");
  });

  it('beatShiftAssignmentsCsv: one row per officer, one empty-officer row for a beat × shift with nobody', () => {
    const s = {
      beats: [
        {
          id: '0111',
          district: '1',
          shifts: [
            { shift: '0-8', required: 2, allocated: 2, officers: ['P1', 'P2'] },
            { shift: '8-16', required: 1, allocated: 0, vehicle: 'car', officers: [] },
          ],
        },
        { id: 'none', shifts: [] },
      ],
    };
    expect(beatShiftAssignmentsCsv(s)).toBe(
      'beat,district,shift,officer,required,allocated,vehicle\n0111,1,0-8,P1,2,2,\n0111,1,0-8,P2,2,2,\n0111,1,8-16,,1,0,car\n',
    );
    expect(beatShiftAssignmentsCsv({ beats: [] })).toBe('beat,district,shift,officer,required,allocated,vehicle\n');
  });

  it('beatShiftAssignmentsCsv: hostile ids and names round-trip as text (property)', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('=HYPERLINK("http://x")', 'a,b', 'q"uote', 'two\nlines', '@SUM(1)', '-1', '+x'));
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: text, district: text, shift: text, officers: fc.array(text, { maxLength: 3 }) }), { maxLength: 5 }),
        (beats) => {
          const doc = {
            beats: beats.map((b) => ({
              id: b.id,
              district: b.district,
              shifts: [{ shift: b.shift, required: 1, allocated: b.officers.length, officers: b.officers }],
            })),
          };
          const rows = parse(beatShiftAssignmentsCsv(doc), { columns: true, relax_column_count: false }) as Array<Record<string, string>>;
          const expected = doc.beats.flatMap((b) =>
            (b.shifts[0]!.officers.length ? b.shifts[0]!.officers : ['']).map((o) => [b.id, b.district, b.shifts[0]!.shift, o]),
          );
          expect(rows.map((r) => [r.beat, r.district, r.shift, r.officer])).toEqual(expected.map((e) => e.map(neutralised)));
        },
      ),
    );
  });

  it('a hostile beat id in cells.csv round-trips as text, in the full and the public layout', () => {
    const grid = buildGrid(
      {
        type: 'Polygon',
        coordinates: [
          [
            [-87.71, 41.84],
            [-87.69, 41.84],
            [-87.69, 41.85],
            [-87.71, 41.85],
            [-87.71, 41.84],
          ],
        ],
      },
      { resolution: 9 },
    );
    const { scores } = scoreCells(grid, {
      count: 0,
      lng: new Float64Array(),
      lat: new Float64Array(),
      timeMs: new Float64Array(),
      typeIndex: new Uint16Array(),
      types: [],
      priority: new Float32Array(),
      cell: new Int32Array(),
    });
    const ids = ['=HYPERLINK("http://evil","x")', 'B,2', 'say "hi"', 'two\nlines', '@SUM(1)', '-1'];
    const beatOf = (i: number) => ids[i % ids.length]!;
    for (const text of [
      cellsToCsv(grid, scores, beatOf),
      cellsToCsv(grid, scores, beatOf, { privacy: aggregateCounts(grid.h3, scores.incidentCount, 5) }),
    ]) {
      const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(grid.cellCount);
      rows.forEach((r, i) => expect(r.beat).toBe(neutralised(beatOf(i))));
      expect(rows.every((r) => /^8[0-9a-f]{14}$/.test(r.h3!))).toBe(true);
    }
  });
});
