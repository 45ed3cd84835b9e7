/**
 * The served OpenAPI document, checked by tools nobody here wrote: Redocly CLI and Spectral
 * (their recommended rulesets), run offline from node_modules on the document the server
 * actually serves. Any error fails; so does any warning (none is justified today).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, startHarness } from '../../packages/api/src/testing/harness.js';

const BIN = resolve(import.meta.dirname, '../../node_modules/.bin');
const OFFLINE_ENV = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1', FORCE_COLOR: '0' };

let h: Harness;
let dir: string;
let docPath: string;
let doc: Record<string, unknown>;
beforeAll(async () => {
  h = await startHarness();
  const r = await h.http.get('/api/v1/openapi.json');
  expect(r.status).toBe(200);
  doc = r.body as Record<string, unknown>;
  dir = mkdtempSync(join(tmpdir(), 'beatplan-openapi-'));
  docPath = join(dir, 'openapi.json');
  writeFileSync(docPath, JSON.stringify(doc, null, 2));
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
  removeDir(dir);
});

/** Runs a linter; returns its exit status and output (stdout + stderr). */
function run(bin: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(join(BIN, bin), args, { cwd: dir, env: OFFLINE_ENV, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('the served OpenAPI document under third-party linters', () => {
  it('has no dangling $ref: every reference resolves inside the document', () => {
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) k === '$ref' && typeof x === 'string' ? refs.push(x) : walk(x);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      expect(ref, ref).toMatch(/^#\/components\//);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it('@redocly/cli lint (recommended): 0 errors, 0 warnings', () => {
    const r = spawnSync(join(BIN, 'redocly'), ['lint', docPath, '--format=json'], {
      cwd: dir,
      env: OFFLINE_ENV,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const report = JSON.parse(r.stdout) as { version: string; totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.version).toBe('2.77.0');
    expect(report.totals, JSON.stringify(report.problems, null, 1)).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(r.status).toBe(0);
  }, 120_000);

  it('@stoplight/spectral-cli lint (spectral:oas): 0 errors, 0 warnings', () => {
    writeFileSync(join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
    const { status, out } = run('spectral', ['lint', docPath, '--ruleset', join(dir, '.spectral.yaml'), '--fail-severity', 'warn']);
    expect(out, out).toContain('No results with a severity of');
    expect(status, out).toBe(0);
  }, 120_000);

  it('documents every status and media type the contract promises', () => {
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    const exp = paths['/api/v1/plans/{id}/export']!.get!.responses['200']!.content!;
    expect(Object.keys(exp).sort()).toEqual(['application/geo+json', 'application/json', 'text/csv']);
    const cells = paths['/api/v1/plans/{id}/cells']!.get!.responses['200']!.content!;
    expect(Object.keys(cells).sort()).toEqual(['application/json', 'text/csv']);
    expect(paths['/api/v1/plans/{id}']!.get!.responses['304']).toBeDefined();
    expect(paths['/api/v1/plans/{id}/moves']!.post!.responses['412']).toBeDefined();
    for (const s of ['413', '415', '422']) expect(paths['/api/v1/datasets/rosters']!.post!.responses[s], s).toBeDefined();
    for (const s of ['413', '415']) expect(paths['/api/v1/plans']!.post!.responses[s], s).toBeDefined();
    const tags = new Set((doc.tags as Array<{ name: string }>).map((t) => t.name));
    for (const ops of Object.values(paths))
      for (const op of Object.values(ops) as unknown as Array<{ tags: string[]; description?: string }>) {
        expect(tags.has(op.tags[0]!)).toBe(true);
        expect(op.description?.length).toBeGreaterThan(10);
      }
  });

  it('POST /plans says beats is required unless existing beats or a parent plan give the count; schema examples are valid', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const addFormats = (await import('ajv-formats')).default as unknown as (a: InstanceType<typeof Ajv2020>) => void;
    const paths = doc.paths as Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
    >;
    const create = paths['/api/v1/plans']!.post!.requestBody!.content['application/json']!.schema;
    expect(create.anyOf).toEqual([{ required: ['beats'] }, { required: ['existing'] }, { required: ['from'] }]);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile({ ...create, components: doc.components });
    expect(validate({ boundary: '3f1c2a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f', incidents: '7d2e4f60-1b3c-4a5d-8e9f-0a1b2c3d4e5f' })).toBe(false);
    let examples = 0;
    for (const ops of Object.values(paths)) {
      for (const op of Object.values(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        for (const ex of (schema?.examples as unknown[] | undefined) ?? []) {
          const v = ajv.compile({ ...schema, components: doc.components });
          expect(v(ex), JSON.stringify(v.errors)).toBe(true);
          examples++;
        }
      }
    }
    expect(examples).toBeGreaterThanOrEqual(3);
  });
});
