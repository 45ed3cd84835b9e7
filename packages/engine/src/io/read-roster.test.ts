import { describe, expect, it } from 'vitest';
import { readRoster } from './read-roster.js';

describe('readRoster', () => {
  it('reads officers and reports bad rows by line and field', async () => {
    const text = [
      'Officer_ID,Name,Shift,Rank,Current_Beat,Skills,Available',
      'P1,Ana Diaz,1,PO,B001,Spanish; FTO,yes',
      'P2,"O\'Hara, Sean",2,SGT,,,0',
      ',Nobody,1,PO,B002,,true',
      'P1,Dup,1,PO,B003,,true',
      'P3,Maybe,1,PO,B003,,perhaps',
      'P4,No Shift,,PO,B003,,true',
      'P5,Short,1',
      '',
      'P6,Eve,3,PO,B004,,',
    ].join('\r\n');
    const { officers, report } = await readRoster({ text }, { fileName: 'roster.csv' });
    expect(officers.map((o) => o.id)).toEqual(['P1', 'P2', 'P6']);
    expect(officers[0]).toEqual({
      id: 'P1',
      name: 'Ana Diaz',
      shift: '1',
      rank: 'PO',
      currentBeat: 'B001',
      skills: ['spanish', 'fto'],
      available: true,
    });
    expect(officers[1]).toMatchObject({ name: "O'Hara, Sean", currentBeat: null, skills: [], available: false });
    expect(officers[2]!.available).toBe(true);
    expect(report.read).toBe(8);
    expect(report.used).toBe(3);
    expect(report.rejected.map((r) => [r.row, r.field])).toEqual([
      [4, 'officer_id'],
      [5, 'officer_id'],
      [6, 'available'],
      [7, 'shift'],
      [8, ''],
    ]);
  });

  it('names a missing required column', async () => {
    await expect(readRoster({ text: 'id,name\nP1,A\n' }, { fileName: 'r.csv' })).rejects.toMatchObject({
      code: 'MISSING_FIELD',
      details: { file: 'r.csv', field: 'officer_id' },
    });
  });

  it('rejects an empty file', async () => {
    await expect(readRoster({ text: '' })).rejects.toMatchObject({ code: 'PARSE_ERROR' });
  });
});
