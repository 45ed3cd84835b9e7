/**
 * The differencing attack on the public (viewer) views: a commander moves one cell holding
 * fewer than k incidents to the neighbouring beat; a viewer reads every route for the version
 * before and after and subtracts. With exact per-beat workloads the difference is the cell's
 * own figure (the attack works on the analyst's answers, which this test checks first, so the
 * test can fail). The viewer's answers must not give it away: no number they hold, and no
 * difference between two of them, equals the moved cell's exact workload; no per-beat × shift
 * workload is shown; and every per-beat figure is the sum of the pooled cell values the viewer
 * already sees (so any difference is a sum of pool means of ≥ k incidents).
 */

import { parse } from 'csv-parse/sync';
import { gridDisk } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan, type Harness, removeDir, startHarness, uploadBasics } from '../testing/harness.js';

const K = 5;
let h: Harness;
let planId: string;
/** The version before the move and after it. */
let before: number;
let after: number;
/** The moved cell, its exact workload (analyst) and its pooled workload (viewer). */
let moved: { h3: string; from: string; to: string; incidents: number; exact: number; exactShifts: number[]; pooled: number };

type Row = Array<string | number | null>;
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

beforeAll(async () => {
  h = await startHarness();
  const data = await uploadBasics(h);
  planId = await createPlan(h, { ...data, beats: 4, resolution: 9, seed: 1, name: 'differencing' });
  const a = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('analyst'));
  const cols = a.body.columns as string[];
  const rows = a.body.rows as Row[];
  const shiftCols = cols.flatMap((c, i) => (c.startsWith('workload_') ? [i] : []));
  const byCell = new Map(rows.map((r) => [r[0] as string, r]));
  const v = await h.http.get(`/api/v1/plans/${planId}/cells`).set(h.auth('viewer'));
  const pooledOf = new Map((v.body.rows as Row[]).map((r) => [r[0] as string, r[2] as number | null]));
  before = (await h.http.get(`/api/v1/plans/${planId}`).set(h.auth('viewer'))).body.version;
  const etag = `"${planId}.v${before}"`;
  // below-k cells with some workload whose pooled value differs from the exact one, on a beat edge
  for (const r of rows) {
    const [cell, beat, w] = r as [string, string, number];
    const n = r[cols.indexOf('incidents')] as number;
    const pooled = pooledOf.get(cell);
    if (!(n >= 1 && n < K && w > 0 && pooled !== null && pooled !== undefined && !same(pooled, w))) continue;
    const other = gridDisk(cell, 1)
      .map((c) => byCell.get(c)?.[1])
      .find((b) => typeof b === 'string' && b !== '' && b !== beat) as string | undefined;
    if (!other) continue;
    const m = await h.http
      .post(`/api/v1/plans/${planId}/moves`)
      .set(h.auth('commander'))
      .set('If-Match', etag)
      .send({ cells: [cell], toBeat: other });
    if (m.status !== 200) continue;
    after = m.body.version;
    moved = { h3: cell, from: beat, to: other, incidents: n, exact: w, exactShifts: shiftCols.map((i) => r[i] as number), pooled };
    break;
  }
  expect(moved, 'a below-k cell on a beat edge that can move').toBeDefined();
}, 120_000);

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = '', out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof v === 'number') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => numbers(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) numbers(x, `${path}.${k}`, out);
  return out;
}

/** Every key in a JSON value. */
function keys(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keys(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) keys(x, out.add(k));
  return out;
}

/** Numbers of a CSV answer, keyed by `h3.column`. */
function csvNumbers(text: string): Array<[string, number]> {
  const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
  return rows.flatMap((r) =>
    Object.entries(r).flatMap(([c, x]) =>
      x !== '' && Number.isFinite(Number(x)) ? [[`${r.h3}.${c}`, Number(x)] as [string, number]] : [],
    ),
  );
}

/** Every route a viewer can read for one version of the plan, as `route → numbers`. */
async function viewerReads(version: number): Promise<Map<string, Array<[string, number]>>> {
  const base = `/api/v1/plans/${planId}`;
  const out = new Map<string, Array<[string, number]>>();
  const get = async (url: string) => {
    const r = await h.http.get(url).set(h.auth('viewer'));
    expect(r.status, url).toBe(200);
    return r;
  };
  for (const url of [
    `${base}/metrics?version=${version}`,
    `${base}/beats?version=${version}`,
    `${base}/export?format=metrics&version=${version}`,
    `${base}/export?format=geojson&version=${version}`,
    `${base}/cells?version=${version}`,
    `${base}/cells?version=${version}&bbox=-87.71,41.84,-87.64,41.9`,
    `${base}/cells?version=${version}&bbox=-87.71,41.84,-87.64,41.9&zoom=11`,
    `${base}/incidents?version=${version}`,
    `${base}/compare?with=${planId}&version=${before}&withVersion=${version}`,
    `${base}/versions`,
    `${base}/meetings`,
    `/api/v1/jobs`,
  ]) {
    const r = await get(url);
    const body = r.type.includes('json') ? (r.body ?? JSON.parse(r.text)) : JSON.parse(r.text);
    for (const k of keys(body)) expect(k, `${url}: per-shift figures are not public`).not.toMatch(/^(shiftWorkloadHours|workload_.*)$/);
    out.set(url.replace(`version=${version}`, 'version=N'), numbers(body));
  }
  for (const url of [`${base}/cells?format=csv&version=${version}`, `${base}/export?format=csv&version=${version}`]) {
    const r = await get(url);
    out.set(url.replace(`version=${version}`, 'version=N'), csvNumbers(r.text));
  }
  return out;
}

describe('the differencing attack on the viewer views', () => {
  it("works on exact figures (the analyst's): per-beat workload before − after is the moved cell's exact workload", async () => {
    const m0 = (await h.http.get(`/api/v1/plans/${planId}/metrics?version=${before}`).set(h.auth('analyst'))).body;
    const m1 = (await h.http.get(`/api/v1/plans/${planId}/metrics?version=${after}`).set(h.auth('analyst'))).body;
    const w = (m: { perBeat: Array<{ id: string; workloadHours: number }> }, id: string) =>
      m.perBeat.find((b) => b.id === id)!.workloadHours;
    expect(same(w(m0, moved.from) - w(m1, moved.from), moved.exact)).toBe(true);
    expect(moved.incidents).toBeLessThan(K);
    expect(same(moved.pooled, moved.exact)).toBe(false);
  });

  it("no viewer number, and no difference of two viewer numbers across versions and routes, is the moved cell's exact workload or a per-shift part of it", async () => {
    const r0 = await viewerReads(before);
    const r1 = await viewerReads(after);
    const secrets = [moved.exact, ...moved.exactShifts.filter((x) => x > 0)];
    const all = [...r0.values(), ...r1.values()].flat();
    for (const [path, x] of all) for (const s of secrets) expect(same(x, s), `${path} = ${x} reveals ${s}`).toBe(false);
    // the same figure in version N and N+1 (same route, same path): its change
    let compared = 0;
    for (const [route, nums0] of r0) {
      const at1 = new Map(r1.get(route)!);
      for (const [path, x0] of nums0) {
        const x1 = at1.get(path);
        if (x1 === undefined || x1 === x0) continue;
        compared++;
        for (const s of secrets) expect(same(Math.abs(x1 - x0), s), `${route} ${path}: ${x0} → ${x1} reveals ${s}`).toBe(false);
      }
    }
    expect(compared).toBeGreaterThan(5);
    // any two per-beat figures (metrics, beats, compare, versions — not the per-cell lists)
    const perBeat = all.filter(([p]) => !/^\.(rows|h3|beat|workload|need|bins)\b|^[0-9a-f]{15}\./.test(p)).map(([, x]) => x);
    const distinct = [...new Set(perBeat)];
    expect(distinct.length).toBeGreaterThan(20);
    for (let i = 0; i < distinct.length; i++) {
      for (let j = i + 1; j < distinct.length; j++) {
        for (const s of secrets)
          expect(same(Math.abs(distinct[i]! - distinct[j]!), s), `${distinct[i]} − ${distinct[j]} reveals ${s}`).toBe(false);
      }
    }
  }, 120_000);

  it("a viewer's per-beat workload is the sum of the pooled cell values the viewer sees; the move changes it by the cell's pooled value", async () => {
    for (const version of [before, after]) {
      const cells = (await h.http.get(`/api/v1/plans/${planId}/cells?version=${version}`).set(h.auth('viewer'))).body;
      const sum = new Map<string, number>();
      for (const [, beat, w] of cells.rows as Array<[string, string, number | null]>) sum.set(beat, (sum.get(beat) ?? 0) + (w ?? 0));
      const m = (await h.http.get(`/api/v1/plans/${planId}/metrics?version=${version}`).set(h.auth('viewer'))).body;
      expect(m.privacy).toEqual({ k: K, method: 'h3-pooling' });
      for (const b of m.perBeat as Array<{ id: string; workloadHours: number; workload: number }>) {
        expect(b.workloadHours).toBeCloseTo(sum.get(b.id) ?? 0, 9);
        expect(b).not.toHaveProperty('shiftWorkloadHours');
      }
      expect(m.workload.total).toBeCloseTo(
        [...sum.values()].reduce((x, y) => x + y, 0),
        9,
      );
    }
    const m0 = (await h.http.get(`/api/v1/plans/${planId}/metrics?version=${before}`).set(h.auth('viewer'))).body;
    const m1 = (await h.http.get(`/api/v1/plans/${planId}/metrics?version=${after}`).set(h.auth('viewer'))).body;
    const w = (m: { perBeat: Array<{ id: string; workloadHours: number }> }, id: string) =>
      m.perBeat.find((b) => b.id === id)!.workloadHours;
    expect(w(m0, moved.from) - w(m1, moved.from)).toBeCloseTo(moved.pooled, 9);
    expect(w(m1, moved.to) - w(m0, moved.to)).toBeCloseTo(moved.pooled, 9);
  });

  it('viewers see version summaries and job results without incident-derived figures; analysts keep them', async () => {
    const v = (await h.http.get(`/api/v1/plans/${planId}/versions`).set(h.auth('viewer'))).body.items as Array<{
      action: string;
      summary: Record<string, unknown>;
    }>;
    const move = v.find((x) => x.action === 'move')!;
    expect(move.summary).toMatchObject({ toBeat: moved.to, moved: 1 });
    for (const x of v) expect(Object.keys(x.summary)).not.toContain('report');
    const jobs = (await h.http.get('/api/v1/jobs').set(h.auth('viewer'))).body.items as Array<{
      kind: string;
      result: Record<string, unknown> | null;
    }>;
    const plan = jobs.find((j) => j.kind === 'plan')!;
    expect(Object.keys(plan.result!).sort()).toEqual(['plan', 'planId', 'version']);
  });
});
