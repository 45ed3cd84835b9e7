import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { readCsvTable } from './csv.js';

describe('readCsvTable', () => {
  it('reads BOM, CRLF, quoted fields; counts ragged rows and leaves them out', async () => {
    const text = '\ufeffid,name ,note\r\n1,"Rogers Park","a, ""b""\r\nc"\r\n\r\n2,West Ridge\r\n3,Uptown,x\r\n4,Lincoln Square,y,z\r\n';
    const t = await readCsvTable({ text });
    expect(t.columns).toEqual(['id', 'name ', 'note']);
    expect(t.rows).toEqual([
      ['1', 'Rogers Park', 'a, "b"\r\nc'],
      ['3', 'Uptown', 'x'],
    ]);
    expect(t).toMatchObject({ read: 4, malformedRows: 2, malformedExamples: [5, 7] });
  });

  it('empty input → PARSE_ERROR naming the file', async () => {
    await expect(readCsvTable({ text: '\n \n' }, { fileName: 'hardship.csv' })).rejects.toThrow(BeatplanError);
    await expect(readCsvTable({ text: '' }, { fileName: 'hardship.csv' })).rejects.toThrow(/file is empty \(file hardship\.csv\)/);
  });
});
