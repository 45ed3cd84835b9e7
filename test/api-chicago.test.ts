/**
 * The API end to end on Chicago: upload the data, plan, edit, staff, export — and the
 * exported plan equals the engine's own output for the same input.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@beatplan/api';
import { cellsToPolygons, importPlan, inheritBeatIds, planBeats, planToJson } from '@beatplan/engine';
import { loadCity } from '@beatplan/engine/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/http-client.js';
import { hasRealdata, realdata } from './support/realdata.js';

describe.skipIf(!hasRealdata())('API end to end on Chicago', () => {
  let server: RunningServer;
  let token: string;
  const dir = mkdtempSync(join(tmpdir(), 'bp-api-chi-'));

  /** Keep-alive requests that survive this file's in-process engine runs (seconds) between them: see test/support/http-client.ts. */
  let http: ReturnType<typeof apiClient>;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isFile = typeof body === 'string' && headers['Content-Type'] !== 'application/json';
    return http.json(method, path, isFile ? readFileSync(body as string) : body, headers);
  };
  const upload = async (path: string, file: string, type: string) => {
    const r = await api('POST', path, file, { 'Content-Type': type });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json.id as string;
  };
  const waitJob = async (id: string) => {
    for (let k = 0; k < 1200; k++) {
      const j = await api('GET', `/jobs/${id}`);
      if (j.json.status === 'succeeded') return j.json;
      if (j.json.status === 'failed' || j.json.status === 'cancelled') throw new Error(JSON.stringify(j.json.error));
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('job did not finish');
  };

  beforeAll(async () => {
    server = await startServer({ port: 0, dataDir: dir, logLevel: 'silent' }, { bootstrapToken: true });
    token = server.bootstrapToken!;
    http = apiClient(server.url, token);
  });
  afterAll(async () => {
    http?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads, plans, edits, staffs and exports what the engine makes itself', async () => {
    const beatsFile = realdata('chicago', 'police_beats.geojson');
    const crimes = realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv');
    const areas = realdata('chicago', 'community_areas_2020_acs.geojson');
    const boundary = await upload('/datasets/boundary', beatsFile, 'application/geo+json');
    const incidents = await upload('/datasets/incidents', crimes, 'text/csv');
    const population = await upload('/datasets/layers?field=TOT_POP', areas, 'application/geo+json');
    const existing = await upload('/datasets/beats?idField=beat_num', beatsFile, 'application/geo+json');

    const created = await api('POST', '/plans', { boundary, incidents, population, existing, resolution: 10, seed: 1 });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    const job = await waitJob(created.json.id);
    const planId = job.result.planId as string;

    // the engine, in-process, on the same files and options
    const city = await loadCity({
      boundary: { source: beatsFile },
      incidents: { source: crimes },
      population: [{ source: areas, field: 'TOT_POP' }],
      resolution: 10,
    });
    const { plan: planned } = planBeats(city.grid, city.score.scores, { beats: 274, seed: 1 });
    // with `existing`, the existing beats are the parent: the beats inherit their ids
    const layer = JSON.parse(readFileSync(beatsFile, 'utf8'));
    const current = importPlan(
      city.grid,
      cellsToPolygons(city.grid, layer),
      layer.features.map((f: any) => String(f.properties.beat_num)),
    );
    const { plan, lineage } = inheritBeatIds(
      planned,
      { kind: 'existing', name: 'police_beats.geojson', sha256: null, beatIds: current.beatIds, beatOfCell: current.beatOfCell },
      city.score.scores.workloadHours,
    );
    const mine = planToJson(city.grid, plan, city.score.scores);
    const exported = await api('GET', `/plans/${planId}/export?format=plan`);
    expect(exported.status).toBe(200);
    expect(exported.json.cells.h3).toEqual(mine.cells.h3);
    expect(exported.json.cells.beat).toEqual(mine.cells.beat);
    expect(exported.json.beats.map((b: any) => b.id)).toEqual(mine.beats.map((b) => b.id));
    expect(exported.json.lineage.parent.kind).toBe('existing');
    expect(exported.json.lineage.beats).toEqual(JSON.parse(JSON.stringify(lineage.beats)));

    const metrics = await api('GET', `/plans/${planId}/metrics`);
    expect(metrics.json.contiguity.nonContiguousBeats).toBe(0);
    expect(metrics.json.workload.maxOverMean).toBeLessThanOrEqual(1.05);

    // edit: move one boundary cell of beat A into its neighbour B, with If-Match
    const got = await api('GET', `/plans/${planId}`);
    const cells = mine.cells;
    let move: { cell: string; to: string } | undefined;
    const byH3 = new Map(cells.h3.map((h, i) => [h, i]));
    const { gridDisk } = await import('h3-js');
    for (let i = 0; i < cells.h3.length && !move; i++) {
      for (const n of gridDisk(cells.h3[i]!, 1)) {
        const j = byH3.get(n);
        if (j !== undefined && cells.beat[j] !== cells.beat[i]) {
          move = { cell: cells.h3[i]!, to: mine.beats[cells.beat[j]!]!.id };
          break;
        }
      }
    }
    const edit = await api('POST', `/plans/${planId}/moves`, { cells: [move!.cell], toBeat: move!.to }, { 'If-Match': got.etag! });
    expect([200, 409]).toContain(edit.status); // 409 only if that one cell held its beat together
    const stale = await api('POST', `/plans/${planId}/moves`, { cells: [move!.cell], toBeat: move!.to }, { 'If-Match': got.etag! });
    if (edit.status === 200) expect(stale.status).toBe(412);

    // staff with a CAPS-style roster: 3 officers per current beat per shift
    const ids = JSON.parse(readFileSync(beatsFile, 'utf8')).features.map((f: any) => f.properties.beat_num as string);
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let n = 0;
    for (const b of ids)
      for (const s of ['0-8', '8-16', '16-24'])
        for (let k = 0; k < 3; k++) lines.push(`P${++n},Officer ${n},${s},Police Officer,${b},,true`);
    const rosterFile = join(dir, 'roster.csv');
    writeFileSync(rosterFile, `${lines.join('\n')}\n`);
    const roster = await upload('/datasets/rosters', rosterFile, 'text/csv');
    const staffJob = await api('POST', `/plans/${planId}/staffing`, { roster });
    expect(staffJob.status, JSON.stringify(staffJob.json)).toBe(202);
    await waitJob(staffJob.json.id);

    const geo = await api('GET', `/plans/${planId}/export?format=geojson`);
    expect(geo.status).toBe(200);
    expect(geo.json.type).toBe('FeatureCollection');
    expect(geo.json.features).toHaveLength(274);
  }, 600_000);
});
