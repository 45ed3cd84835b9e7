/**
 * An independent check of the API against its own OpenAPI document: a full analyst session
 * (uploads, a score run, a plan, every read, edits, a re-balance, staffing, what-ifs, and the
 * usual mistakes) is recorded, and every response is validated with a JSON Schema validator
 * nobody here wrote (ajv, draft 2020-12, with ajv-formats) against the document the server
 * serves: the status must be documented for the operation, the media type must be one the
 * document lists, and a JSON body must match the schema given for it.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../packages/api/src/store/store.js';
import { type Harness, incidentsCsv, removeDir, squareBoundary, startHarness, twoBeats } from '../../packages/api/src/testing/harness.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface Recorded {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: unknown;
}

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let h: Harness;
let doc: { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };
const recorded: Recorded[] = [];

/** Calls the API and records the answer. */
async function call(
  method: 'get' | 'post' | 'put' | 'delete',
  url: string,
  role: Role | null,
  opts: { body?: unknown; raw?: string; type?: string; headers?: Record<string, string> } = {},
) {
  let req = h.http[method](url);
  if (role) req = req.set(h.auth(role));
  for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
  if (opts.raw !== undefined) req = req.set('Content-Type', opts.type ?? 'text/plain').send(opts.raw);
  else if (opts.body !== undefined) req = req.send(opts.body as object);
  const r = await req;
  const contentType = String(r.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  let body: unknown = r.body;
  if (/json$/.test(contentType) && r.text) body = JSON.parse(r.text);
  recorded.push({ method, url, status: r.status, contentType, body });
  return r;
}

async function job(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const r = await call('get', `/api/v1/jobs/${id}`, 'analyst');
    if (r.body.status !== 'queued' && r.body.status !== 'running') return r.body;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

beforeAll(async () => {
  h = await startHarness();
  doc = (await h.http.get('/api/v1/openapi.json')).body;
  const geo = (v: unknown) => ({ raw: JSON.stringify(v), type: 'application/geo+json' });

  // ---- uploads
  const boundary = (await call('post', '/api/v1/datasets/boundary?name=city', 'analyst', geo(squareBoundary()))).body.id as string;
  const incidents = (await call('post', '/api/v1/datasets/incidents', 'analyst', { raw: incidentsCsv(400, 11), type: 'text/csv' })).body
    .id as string;
  const beats = (await call('post', '/api/v1/datasets/beats?idField=beat', 'analyst', geo(twoBeats()))).body.id as string;
  const sq = squareBoundary() as { features: Array<{ properties: Record<string, unknown> }> };
  sq.features[0]!.properties.pop = 12_000;
  const layer = (await call('post', '/api/v1/datasets/layers?field=pop', 'analyst', geo(sq))).body.id as string;
  const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
  let n = 0;
  for (const shift of ['0-8', '8-16', '16-24']) for (let k = 0; k < 12; k++) lines.push(`P${++n},Officer ${n},${shift},PO,,,true`);
  const roster = (await call('post', '/api/v1/datasets/rosters', 'commander', { raw: lines.join('\n'), type: 'text/csv' })).body
    .id as string;
  await call('get', '/api/v1/datasets?limit=2', 'analyst');
  await call('get', `/api/v1/datasets/${boundary}`, 'analyst');

  // ---- a score run
  const score = await call('post', '/api/v1/scores', 'analyst', { body: { boundary, incidents, resolution: 9 } });
  await job(score.body.id);
  await call('get', `/api/v1/scores/${score.body.id}/cells?bbox=-87.71,41.84,-87.64,41.9&zoom=12`, 'analyst');
  await call('get', `/api/v1/scores/${score.body.id}/cells.csv`, 'analyst');

  // ---- plans
  const made = await call('post', '/api/v1/plans', 'analyst', {
    body: { boundary, incidents, population: layer, beats: 4, resolution: 9, seed: 3, name: 'contract' },
  });
  const planId = ((await job(made.body.id)).result as { planId: string }).planId;
  const imported = await call('post', '/api/v1/plans', 'analyst', {
    body: { boundary, incidents, existing: beats, method: 'import', resolution: 9 },
  });
  const currentId = ((await job(imported.body.id)).result as { planId: string }).planId;
  await call('get', '/api/v1/jobs?limit=3', 'analyst');
  const base = `/api/v1/plans/${planId}`;
  for (const role of ['analyst', 'viewer'] as const) {
    await call('get', '/api/v1/plans', role);
    const p = await call('get', base, role);
    await call('get', base, role, { headers: { 'If-None-Match': p.headers.etag } });
    await call('get', `${base}/versions`, role);
    await call('get', `${base}/metrics`, role);
    await call('get', `${base}/beats`, role);
    await call('get', `${base}/cells`, role);
    await call('get', `${base}/cells?format=csv`, role);
    await call('get', `${base}/cells?bbox=-87.71,41.84,-87.64,41.9`, role);
    await call('get', `${base}/cells?bbox=-87.71,41.84,-87.64,41.9&zoom=11`, role);
    await call('get', `${base}/incidents`, role);
    await call('get', `${base}/compare?with=${currentId}`, role);
    for (const format of ['geojson', 'csv', 'metrics']) await call('get', `${base}/export?format=${format}`, role);
    await call('get', `${base}/lookup?lat=41.87&lng=-87.675`, role);
    await call('get', `${base}/meetings`, role);
  }
  await call('get', `${base}/export?format=plan`, 'analyst');
  await call('get', `${base}/export?format=plan`, 'viewer'); // 403
  await call('get', `${base}/response`, 'analyst');
  const resp = await call('get', `${base}/response`, 'analyst');
  await call('get', `${base}/response`, 'analyst', { headers: { 'If-None-Match': resp.headers.etag } });
  await call('post', `${base}/response/whatif`, 'analyst', { body: { saturationTarget: 0.5 } });

  // ---- edits
  const cells = (await call('get', `${base}/cells`, 'analyst')).body as { rows: Array<[string, string]> };
  const etag = (await call('get', base, 'commander')).headers.etag as string;
  const other = cells.rows.find((r) => r[1] !== cells.rows[0]![1])![1];
  await call('post', `${base}/moves`, 'commander', { body: { cells: [cells.rows[0]![0]], toBeat: other }, headers: { 'If-Match': etag } }); // 200 or 409
  const now = (await call('get', base, 'commander')).headers.etag as string;
  await call('post', `${base}/moves`, 'commander', {
    body: { cells: [cells.rows[0]![0]], toBeat: other },
    headers: { 'If-Match': '"stale"' },
  }); // 412
  await call('post', `${base}/moves`, 'commander', { body: { cells: [cells.rows[0]![0]], toBeat: other } }); // 428
  const locked = await call('post', `${base}/locks`, 'commander', { body: { beats: [other] }, headers: { 'If-Match': now } });
  const afterLock = locked.headers.etag as string;
  const undone = await call('post', `${base}/undo`, 'commander', { headers: { 'If-Match': afterLock } });
  await call('post', `${base}/redo`, 'commander', { headers: { 'If-Match': undone.headers.etag as string } });
  const cur = (await call('get', base, 'commander')).headers.etag as string;
  const rb = await call('post', `${base}/rebalance`, 'commander', { body: {}, headers: { 'If-Match': cur } });
  await job(rb.body.id);
  await call('get', `${base}/versions?limit=2`, 'analyst');
  await call('get', `${base}/metrics?version=1`, 'analyst');
  await call('get', `${base}/compare?with=${planId}&version=1`, 'analyst');

  // ---- staffing and what-ifs (commander)
  const st = await call('post', `${base}/staffing`, 'commander', { body: { roster } });
  const stJob = await job(st.body.id);
  await call('get', `${base}/staffing`, 'commander');
  const staffingId = (stJob.result as { staffingId?: string } | null)?.staffingId;
  if (staffingId) {
    await call('get', `${base}/staffing/${staffingId}`, 'commander');
    await call('get', `${base}/response?staffing=${staffingId}`, 'analyst');
  }
  const wi = await call('post', `${base}/whatif`, 'commander', { body: { roster, officersOut: [{ shift: '16-24', count: 2 }] } });
  await job(wi.body.id);
  await call('get', `${base}/whatif/${wi.body.id}`, 'commander');

  // ---- the usual mistakes
  await call('get', `/api/v1/plans/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, 'analyst'); // 404
  await call('get', '/api/v1/plans/not-a-uuid', 'analyst'); // 400
  await call('get', '/api/v1/plans?limit=0', 'analyst'); // 400
  await call('post', '/api/v1/plans', 'analyst', { body: { boundary, incidents, beats: 2, shifts: '5-5' } }); // 400
  await call('post', '/api/v1/plans', 'analyst', { raw: 'beats=2', type: 'application/x-www-form-urlencoded' }); // 415
  await call('post', '/api/v1/datasets/rosters', 'commander', { raw: 'not,a,roster\n1,2,3\n', type: 'text/csv' }); // 422
  await call('post', '/api/v1/datasets/boundary', 'analyst', { raw: '{"type":"Point","coordinates":[0,0]}', type: 'application/geo+json' }); // 422
  await call('get', '/api/v1/datasets', null); // 401
  await call('post', '/api/v1/tokens', 'analyst', { body: { role: 'viewer', label: 'x' } }); // 403
  await call('post', '/api/v1/tokens', 'admin', { body: { role: 'viewer', label: 'contract' } });
  await call('get', '/api/v1/tokens', 'admin');
  await call('get', '/api/v1/health', null);
}, 300_000);

afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

/** The documented operation of a recorded call: the path template that matches its URL. */
function operationOf(r: Recorded): { template: string; op: Operation } | undefined {
  const path = r.url.split('?')[0]!;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(path) && ops[r.method]) return { template, op: ops[r.method]! };
  }
  return undefined;
}

describe('every response of an analyst session matches the served OpenAPI document (ajv 2020-12)', () => {
  it('covers the session: statuses 200/201/202/304/400/401/403/404/409|200/412/415/422/428 seen', () => {
    const seen = new Set(recorded.map((r) => r.status));
    for (const s of [200, 201, 202, 204, 304, 400, 401, 403, 404, 412, 415, 422, 428])
      if (s !== 204) expect(seen.has(s), String(s)).toBe(true);
    expect(recorded.length).toBeGreaterThan(80);
    // If-None-Match with the current ETag: 304 on the plan as on its response figures
    const notModified = recorded.filter((r) => r.status === 304).map((r) => r.url.replace(/[0-9a-f-]{36}/g, '{id}'));
    expect(notModified).toEqual(expect.arrayContaining(['/api/v1/plans/{id}', '/api/v1/plans/{id}/response']));
  });

  it('each status is documented, each media type listed, each JSON body valid', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    const compiled = new Map<string, ValidateFunction>();
    const problems: string[] = [];
    for (const r of recorded) {
      const found = operationOf(r);
      if (!found) {
        problems.push(`${r.method.toUpperCase()} ${r.url}: no operation in the document`);
        continue;
      }
      const res = found.op.responses[String(r.status)];
      const label = `${r.method.toUpperCase()} ${found.template} ${r.status}`;
      if (!res) {
        problems.push(`${label}: status not documented (${JSON.stringify(r.body).slice(0, 200)})`);
        continue;
      }
      if (r.status === 304 || r.status === 204) continue;
      const media = res.content?.[r.contentType];
      if (!media) {
        problems.push(`${label}: media type ${r.contentType} not documented (${Object.keys(res.content ?? {}).join(', ')})`);
        continue;
      }
      if (!media.schema || !/json$/.test(r.contentType)) continue;
      const key = `${label} ${r.contentType}`;
      let validate = compiled.get(key);
      if (!validate) compiled.set(key, (validate = ajv.compile({ ...(media.schema as object), components: doc.components })));
      if (!validate(r.body)) problems.push(`${label}: ${ajv.errorsText(validate.errors, { separator: '; ' }).slice(0, 600)}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('metrics, compare, staffing and response are typed in the document, not free-form records', () => {
    const schemaOf = (path: string, method = 'get', status = '200') =>
      JSON.stringify(doc.paths[path]![method]!.responses[status]!.content!['application/json']!.schema);
    for (const [path, field] of [
      ['/api/v1/plans/{id}/metrics', 'perBeat'],
      ['/api/v1/plans/{id}/compare', 'changedCells'],
      ['/api/v1/plans/{id}/staffing/{staffingId}', 'beats'],
      ['/api/v1/plans/{id}/response', 'meanTravelMinutes'],
    ] as const) {
      const s = schemaOf(path);
      expect(s.includes(field) || s.includes('$ref'), path).toBe(true);
    }
  });
});
