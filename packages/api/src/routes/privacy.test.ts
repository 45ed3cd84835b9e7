/**
 * Privacy of the public views (issue 8, item 7): what a viewer token gets aggregates incidents
 * so that no area with fewer than k (default 5) incidents is shown, and never an officer name.
 * The k rule is checked independently: the analyst's exact per-cell counts are summed over
 * each area the viewer's answers name.
 */

import { cellToParent, getResolution } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asColumns, BOX, createPlan, type Harness, removeDir, startHarness, uploadBasics, waitForJob } from '../testing/harness.js';

let h: Harness;
let planId: string;
/** Exact incidents per cell (analyst view). */
const exact = new Map<string, number>();
const NAMES = ['Olivia Kowalczyk', 'Marcus Delacroix-Reyes', 'Priya Ramanathan'];

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  planId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'privacy' });
  const cells = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'));
  const hi = cells.body.columns.indexOf('h3');
  const ii = cells.body.columns.indexOf('incidents');
  for (const row of cells.body.rows) exact.set(row[hi], row[ii]);
  // officer names in the store: a roster and a staffing run
  const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
  let n = 0;
  for (const shift of ['0-8', '8-16', '16-24'])
    for (let i = 0; i < 6; i++) lines.push(`P${++n},${NAMES[n % NAMES.length]},${shift},PO,,,true`);
  const roster = await h.http
    .post('/api/v1/datasets/rosters?name=watch')
    .set(h.auth('commander'))
    .set('Content-Type', 'text/csv')
    .send(lines.join('\n'));
  expect(roster.status).toBe(201);
  const s = await h.http.post(`/api/v1/plans/${planId}/staffing`).set(h.auth('commander')).send({ roster: roster.body.id });
  expect((await waitForJob(h, s.body.id, 60_000)).status).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

/** Σ exact incidents over the plan cells under `area` (an H3 cell at the plan's resolution or coarser). */
function incidentsUnder(area: string, members?: Set<string>): number {
  const r = getResolution(area);
  let sum = 0;
  for (const [cell, count] of exact) if ((members ? members.has(cell) : true) && cellToParent(cell, r) === area) sum += count;
  return sum;
}

describe('public (viewer) views aggregate incidents to areas of ≥ k', () => {
  it('the test city has cells below k, so the rule is exercised', () => {
    const counts = [...exact.values()];
    expect(counts.filter((c) => c > 0 && c < 5).length).toBeGreaterThan(20);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(250);
  });

  it('GET /plans/:id/incidents: every bin a viewer sees holds ≥ 5 incidents (recounted from the exact cells); analysts get the cells', async () => {
    const v = await h.http.get(`/api/v1/plans/${planId}/incidents`).set(h.auth('viewer'));
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ k: 5, aggregated: true, resolution: 9 });
    const { h3, count, cells } = v.body.bins as { h3: string[]; count: number[]; cells: number[] };
    expect(h3.length).toBeGreaterThan(0);
    // recount each bin from the exact counts of the cells it pools: the cells under it that are
    // not shown on their own or in a finer bin
    const shownAlone = new Set(h3.filter((c) => getResolution(c) === 9));
    for (let b = 0; b < h3.length; b++) {
      expect(count[b]).toBeGreaterThanOrEqual(5);
      if (getResolution(h3[b]!) === 9) expect(count[b]).toBe(exact.get(h3[b]!));
      else {
        const finer = h3.filter((c) => getResolution(c) > getResolution(h3[b]!) && cellToParent(c, getResolution(h3[b]!)) === h3[b]);
        const members = new Set(
          [...exact.keys()].filter((c) => !shownAlone.has(c) && !finer.some((f) => cellToParent(c, getResolution(f)) === f)),
        );
        expect(count[b]).toBe(incidentsUnder(h3[b]!, members));
      }
      expect(cells[b]).toBeGreaterThanOrEqual(1);
    }
    expect(v.body.shown + v.body.suppressed.incidents).toBe(v.body.total);
    expect(v.body.total).toBe([...exact.values()].reduce((a, b) => a + b, 0));

    const a = await h.http.get(`/api/v1/plans/${planId}/incidents`).set(h.auth('analyst'));
    expect(a.body).toMatchObject({ k: 1, aggregated: false, suppressed: { incidents: 0 } });
    const got = new Map(a.body.bins.h3.map((c: string, i: number) => [c, a.body.bins.count[i]]));
    for (const [cell, c] of exact) expect(got.get(cell) ?? 0).toBe(c);
    expect(a.headers.vary).toContain('Authorization');
  });

  it('GET /plans/:id/cells (JSON): no incident counts or per-shift workload per cell; workload pooled by area', async () => {
    const v = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('viewer'));
    expect(v.status).toBe(200);
    expect(v.body.columns).toEqual(['h3', 'beat', 'workload', 'need', 'population']);
    expect(v.body.privacy).toEqual({ k: 5, method: 'h3-pooling' });
    const a = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'));
    const wA = new Map<string, number>(a.body.rows.map((r: Array<string | number>) => [r[0] as string, r[2] as number]));
    // cells with the same pooled value come from one area: their exact workloads average to it
    const bins = (await h.http.get(`/api/v1/plans/${planId}/incidents`).set(h.auth('viewer'))).body.bins as { h3: string[] };
    const areaOf = (cell: string) =>
      bins.h3.filter((b) => cellToParent(cell, getResolution(b)) === b).sort((x, y) => getResolution(y) - getResolution(x))[0];
    const byArea = new Map<string, { shown: number[]; exact: number[] }>();
    for (const [cell, , w] of v.body.rows as Array<[string, string, number | null]>) {
      const area = areaOf(cell);
      if (w === null) continue;
      expect(area).toBeDefined();
      const e = byArea.get(area!) ?? byArea.set(area!, { shown: [], exact: [] }).get(area!)!;
      e.shown.push(w);
      e.exact.push(wA.get(cell)!);
    }
    let pooled = 0;
    for (const [, e] of byArea) {
      const mean = e.exact.reduce((x, y) => x + y, 0) / e.exact.length;
      for (const w of e.shown) expect(w).toBeCloseTo(mean, 9);
      if (e.shown.length > 1) pooled++;
    }
    expect(pooled).toBeGreaterThan(0);
  });

  it('cells.csv for a viewer (cells?format=csv and export): public layout, each area ≥ 5 incidents', async () => {
    for (const url of [`/api/v1/plans/${planId}/cells?format=csv`, `/api/v1/plans/${planId}/export?format=csv`]) {
      const r = await h.http.get(url).set(h.auth('viewer'));
      expect(r.status).toBe(200);
      const lines = r.text.trim().split('\n');
      expect(lines[0]).toBe('h3,beat,workload,need,population,area');
      const members = new Map<string, Set<string>>();
      for (const l of lines.slice(1)) {
        const [cell, , , , , area] = l.split(',');
        if (!area) continue;
        (members.get(area) ?? members.set(area, new Set()).get(area)!).add(cell!);
      }
      expect(members.size).toBeGreaterThan(1);
      for (const [area, cells] of members) expect(incidentsUnder(area, cells)).toBeGreaterThanOrEqual(5);
    }
    const a = await h.http.get(`/api/v1/plans/${planId}/cells?format=csv`).set(h.auth('analyst'));
    expect(a.text.split('\n')[0]).toMatch(/^h3,beat,workload,need,incidents,population/);
  });

  it('cells by bbox for a viewer: pooled workload and the privacy block', async () => {
    const whole = `${BOX.west - 0.01},${BOX.south - 0.01},${BOX.east + 0.01},${BOX.north + 0.01}`;
    const v = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}`).set(h.auth('viewer'));
    const a = await h.http.get(`/api/v1/plans/${planId}/cells?bbox=${whole}`).set(h.auth('analyst'));
    expect(v.body.privacy).toEqual({ k: 5, method: 'h3-pooling' });
    expect(a.body.privacy).toBeUndefined();
    expect(asColumns(v.body).h3).toEqual(asColumns(a.body).h3);
    expect(asColumns(v.body).workload).not.toEqual(asColumns(a.body).workload);
    const json = (await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('viewer'))).body.rows as Array<
      [string, string, number | null]
    >;
    const pub = new Map(json.map((r) => [r[0], r[2]]));
    asColumns(v.body).h3.forEach((c: string, i: number) => {
      const w = pub.get(c);
      if (w === null) expect(asColumns(v.body).workload[i]).toBeNull();
      else expect(asColumns(v.body).workload[i]).toBeCloseTo(w!, 2);
    });
  });

  it('plan.json and score-run cells (exact counts) are refused to a viewer, with a clear reason', async () => {
    const r = await h.http.get(`/api/v1/plans/${planId}/export?format=plan`).set(h.auth('viewer'));
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.detail).toMatch(/incident count/);
    expect((await h.http.get(`/api/v1/plans/${planId}/export?format=plan`).set(h.auth('analyst'))).status).toBe(200);
    const data = await uploadBasics(h);
    const s = await h.http
      .post('/api/v1/scores')
      .set(h.auth('analyst'))
      .send({ ...data, resolution: 8 });
    expect((await waitForJob(h, s.body.id, 60_000)).status).toBe('succeeded');
    expect((await h.http.get(`/api/v1/scores/${s.body.id}/cells.csv`).set(h.auth('viewer'))).status).toBe(403);
    expect(
      (await h.http.get(`/api/v1/scores/${s.body.id}/cells?bbox=${BOX.west},${BOX.south},${BOX.east},${BOX.north}`).set(h.auth('viewer')))
        .status,
    ).toBe(403);
  });

  it('no viewer-readable answer carries an officer name or a per-cell incident count', async () => {
    const paths = [
      '/plans',
      `/plans/${planId}`,
      `/plans/${planId}/versions`,
      `/plans/${planId}/metrics`,
      `/plans/${planId}/beats`,
      `/plans/${planId}/cells`,
      `/plans/${planId}/cells?format=csv`,
      `/plans/${planId}/incidents`,
      `/plans/${planId}/export?format=geojson`,
      `/plans/${planId}/export?format=csv`,
      `/plans/${planId}/export?format=metrics`,
      `/plans/${planId}/meetings`,
      `/plans/${planId}/compare?with=${planId}`,
      `/plans/${planId}/lookup?lng=${(BOX.west + BOX.east) / 2}&lat=${(BOX.south + BOX.north) / 2}`,
      '/jobs',
      '/datasets',
    ];
    for (const p of paths) {
      const r = await h.http.get(`/api/v1${p}`).set(h.auth('viewer'));
      expect(r.status, p).toBe(200);
      for (const name of NAMES) for (const part of name.split(' ')) expect(r.text.includes(part), `${p} shows "${part}"`).toBe(false);
      expect(r.text.includes('"incidents"') && p.includes('/cells'), `${p} has an incidents column`).toBe(false);
    }
  });
});
