/**
 * Input refused where it arrives: a roster is read by the engine's roster reader at upload
 * time (422 naming file, row and field when nothing is usable; bad rows reported), and shift
 * windows the engine would refuse (`5-5`, overlaps) are a 400 at request time, not a failed job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, startHarness, uploadBasics } from '../testing/harness.js';

let h: Harness;
let data: { boundary: string; incidents: string };
beforeAll(async () => {
  h = await startHarness();
  data = await uploadBasics(h);
}, 60_000);
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

const roster = (text: string) =>
  h.http.post('/api/v1/datasets/rosters').set(h.auth('commander')).set('Content-Type', 'text/csv').send(text);

describe('roster uploads are validated on arrival', () => {
  it('any bytes: 422 MISSING_FIELD naming the file and the missing column', async () => {
    const r = await roster('\u0089PNG\r\n\u001a\n garbage, not a roster\n1,2,3\n');
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('MISSING_FIELD');
    expect(r.body.errors[0].path).toMatch(/^roster-[0-9a-f]{8}\.csv\.officer_id$/);
  });

  it('a header and no usable row: 422 BAD_INPUT naming the first bad row and field', async () => {
    const r = await roster('officer_id,name,shift,available\nP1,Ann,0-8,maybe\n,Bob,8-16,true\n');
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('BAD_INPUT');
    expect(r.body.errors[0].path).toMatch(/\.row 2\.available$/);
    expect(r.body.detail).toContain('expected true/false');
  });

  it('a good roster with one bad row: 201, officers per shift and the rejected row in info', async () => {
    const r = await roster(
      'officer_id,name,shift,rank,current_beat,skills,available\nP1,Ann,0-8,PO,,,true\nP2,Bob,0-8,PO,,spanish;bike,\nP3,Cy,8-16,SGT,,,no\nP1,Dup,16-24,PO,,,true\n',
    );
    expect(r.status).toBe(201);
    expect(r.body.info).toMatchObject({
      officers: 3,
      available: 2,
      shifts: { '0-8': 2, '8-16': 1 },
      report: { read: 4, used: 3, rejectedCount: 1 },
    });
    expect(r.body.info.report.rejected[0]).toMatchObject({ row: 5, field: 'officer_id', reason: expect.stringContaining('duplicate') });
  });
});

describe('shift windows the engine refuses are refused at request time', () => {
  for (const [shifts, message] of [
    ['5-5', 'start != end'],
    ['0-8,4-12', 'overlap'],
    ['0-8,8-16,16-25', '0..24'],
  ] as const) {
    it(`shifts "${shifts}": 400 on POST /plans and POST /scores, body.shifts named`, async () => {
      for (const url of ['/api/v1/plans', '/api/v1/scores']) {
        const r = await h.http
          .post(url)
          .set(h.auth('analyst'))
          .send({ ...data, beats: 2, shifts, ...(url.endsWith('scores') ? { beats: undefined } : {}) });
        expect(r.status, url).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
        expect(r.body.errors[0].path).toBe('body.shifts');
        expect(r.body.errors[0].message).toContain(message);
      }
    });
  }
});
