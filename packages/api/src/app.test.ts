import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, startHarness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('app basics', () => {
  it('health is public', async () => {
    const r = await h.http.get('/api/v1/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', version: '0.1.0' });
  });

  it('sets a request id (fresh or echoed) and helmet headers, no x-powered-by', async () => {
    const a = await h.http.get('/api/v1/health');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const b = await h.http.get('/api/v1/health').set('X-Request-Id', 'trace-123');
    expect(b.headers['x-request-id']).toBe('trace-123');
    const c = await h.http.get('/api/v1/health').set('X-Request-Id', 'bad id with spaces');
    expect(c.headers['x-request-id']).not.toContain(' ');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['content-security-policy']).toBeDefined();
    expect(a.headers['x-powered-by']).toBeUndefined();
    expect(a.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers unknown paths with a problem+json 404', async () => {
    const r = await h.http.get('/api/v1/nothing-here').set(h.auth('admin'));
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 404, code: 'NOT_FOUND', title: 'Not Found', instance: '/api/v1/nothing-here' });
    const root = await h.http.get('/');
    expect(root.status).toBe(404);
    expect(root.body.code).toBe('NOT_FOUND');
  });

  it('401 without or with an unknown token, with WWW-Authenticate', async () => {
    const none = await h.http.get('/api/v1/datasets');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const bad = await h.http.get('/api/v1/datasets').set('Authorization', 'Bearer bp_nope');
    expect(bad.status).toBe(401);
    const basic = await h.http.get('/api/v1/datasets').set('Authorization', 'Basic abc');
    expect(basic.status).toBe(401);
  });

  it('malformed JSON is a 400 problem naming the body, never a stack', async () => {
    const r = await h.http.post('/api/v1/scores').set(h.auth('analyst')).set('Content-Type', 'application/json').send('{"boundary": ');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('VALIDATION_FAILED');
    expect(r.body.errors[0].path).toBe('body');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a JSON body over the limit is 413', async () => {
    const big = await startHarness({ jsonLimit: '1kb' });
    try {
      const r = await big.http
        .post('/api/v1/scores')
        .set(big.auth('analyst'))
        .send({ boundary: 'x'.repeat(5000) });
      expect(r.status).toBe(413);
      expect(r.body.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await big.close();
      removeDir(big.dir);
    }
  });

  it('rate limits with a 429 problem', async () => {
    const rl = await startHarness({ rateLimitPerMinute: 3 });
    try {
      for (let k = 0; k < 3; k++) expect((await rl.http.get('/api/v1/health')).status).toBe(200);
      const r = await rl.http.get('/api/v1/health');
      expect(r.status).toBe(429);
      expect(r.body.code).toBe('RATE_LIMITED');
      expect(r.headers['content-type']).toContain('application/problem+json');
    } finally {
      await rl.close();
      removeDir(rl.dir);
    }
  });

  it('CORS only for configured origins', async () => {
    const c = await startHarness({ corsOrigins: 'https://map.example' });
    try {
      const ok = await c.http.options('/api/v1/plans').set('Origin', 'https://map.example').set('Access-Control-Request-Method', 'POST');
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://map.example');
      expect(ok.headers['access-control-allow-headers']).toContain('If-Match');
      const other = await c.http.get('/api/v1/health').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await c.close();
      removeDir(c.dir);
    }
  });
});

describe('OpenAPI and docs', () => {
  it('serves an OpenAPI 3.1 document covering every route, with schemas from zod', async () => {
    const r = await h.http.get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(([p, o]) =>
      Object.entries(o).map(([m, op]) => `${m.toUpperCase()} ${p} ${op.operationId}`),
    );
    for (const id of [
      'uploadIncidents',
      'createPlan',
      'moveCells',
      'undoPlan',
      'lookupBeat',
      'jobEvents',
      'cancelJob',
      'createStaffing',
      'getPlanBeats',
      'exportPlan',
      'comparePlans',
    ]) {
      expect(
        ops.some((o) => o.endsWith(` ${id}`)),
        id,
      ).toBe(true);
    }
    const create = doc.paths['/api/v1/plans'].post;
    expect(create.requestBody.content['application/json'].schema.properties.beats.type).toBe('integer');
    expect(create.responses['403'].content['application/problem+json']).toBeDefined();
    expect(create['x-min-role']).toBe('analyst');
    const lookup = doc.paths['/api/v1/plans/{id}/lookup'].get;
    expect(lookup.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['id', 'lat', 'lng']);
    expect(
      doc.paths['/api/v1/plans/{id}/moves'].post.parameters.some(
        (p: { name: string; in: string }) => p.name === 'If-Match' && p.in === 'header',
      ),
    ).toBe(true);
    expect(doc.components.schemas.Problem.properties.code).toBeDefined();
  });

  it('serves Swagger UI from the package (no CDN, no inline script) with a static listing for readers without JavaScript', async () => {
    const r = await h.http.get('/api/v1/docs');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.text).toContain('/api/v1/plans/{id}/moves');
    expect(r.text).not.toMatch(/https?:\/\/cdn|<script>|<script [^>]*src="https?:/i);
    const scripts = [...r.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toEqual(['/api/v1/docs/assets/swagger-ui-bundle.js', '/api/v1/docs/assets/init.js']);
    for (const src of [...scripts, '/api/v1/docs/assets/swagger-ui.css']) {
      const a = await h.http.get(src);
      expect(a.status, src).toBe(200);
      expect(a.text.length, src).toBeGreaterThan(src.endsWith('init.js') ? 50 : 10_000);
    }
    expect((await h.http.get('/api/v1/docs/assets/init.js')).text).toContain("url: '/api/v1/openapi.json'");
    expect((await h.http.get('/api/v1/docs/assets/index.html')).status).toBe(404);
  });
});
