/**
 * Cursor pagination on every list (`?limit=&cursor=`, `next` in the body and a `Link` header),
 * limits validated, unknown query parameters refused by name like unknown body fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, removeDir, squareBoundary, startHarness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  for (let i = 0; i < 7; i++) {
    const r = await h.http
      .post(`/api/v1/datasets/boundary?name=b${i}`)
      .set(h.auth('analyst'))
      .set('Content-Type', 'application/geo+json')
      .send(JSON.stringify(squareBoundary()));
    expect(r.status).toBe(201);
  }
  for (let i = 0; i < 4; i++)
    expect(
      (
        await h.http
          .post('/api/v1/tokens')
          .set(h.auth('admin'))
          .send({ role: 'viewer', label: `t${i}` })
      ).status,
    ).toBe(201);
}, 60_000);
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

/** Walks a list page by page; checks `next` and the Link header agree. */
async function walk(path: string, limit: number, role: 'analyst' | 'admin'): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  let url: string | null = `${path}${path.includes('?') ? '&' : '?'}limit=${limit}`;
  let pages = 0;
  while (url) {
    const r: {
      status: number;
      body: { items: Array<{ name?: string; label?: string }>; next: string | null };
      headers: Record<string, string>;
    } = await h.http.get(url).set(h.auth(role));
    expect(r.status, url).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    names.push(...r.body.items.map((x) => x.name ?? x.label ?? ''));
    pages++;
    if (r.body.next) {
      expect(r.headers.link).toMatch(new RegExp(`^<(/api/v1/[^>]*cursor=${r.body.next}[^>]*)>; rel="next"$`));
      url = /^<([^>]+)>/.exec(r.headers.link)![1]!;
    } else {
      expect(r.headers.link).toBeUndefined();
      url = null;
    }
  }
  return { names, pages };
}

describe('cursor pagination', () => {
  it('walks /datasets in pages of 3: every item once, in order, 3 pages', async () => {
    const all = (await h.http.get('/api/v1/datasets').set(h.auth('analyst'))).body;
    expect(all.next).toBeNull();
    expect(all.items.map((d: { name: string }) => d.name)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    const { names, pages } = await walk('/api/v1/datasets?kind=boundary', 3, 'analyst');
    expect(names).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(pages).toBe(3);
  });

  it('walks /tokens (admin) in pages of 2', async () => {
    const { names } = await walk('/api/v1/tokens', 2, 'admin');
    expect(names.filter((n) => /^t\d$/.test(n))).toEqual(['t0', 't1', 't2', 't3']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every list answers { items, next } and takes limit and cursor', async () => {
    for (const path of ['/api/v1/plans', '/api/v1/datasets', '/api/v1/jobs', '/api/v1/tokens']) {
      const r = await h.http.get(`${path}?limit=1`).set(h.auth('admin'));
      expect(r.status, path).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(['items', 'next']);
    }
  });

  it('validates limit and cursor (400, errors[].path names the parameter)', async () => {
    for (const [q, path] of [
      ['limit=0', 'query.limit'],
      ['limit=501', 'query.limit'],
      ['limit=ten', 'query.limit'],
      ['cursor=%2F%2F', 'query.cursor'],
      ['cursor=bm90LWFuLWlk', 'query.cursor'], // base64url of an id the list does not hold
    ]) {
      const r = await h.http.get(`/api/v1/datasets?${q}`).set(h.auth('analyst'));
      expect(r.status, q).toBe(400);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(r.body.errors[0].path, q).toBe(path);
    }
  });

  it('refuses unknown query parameters by name, also on routes that take none', async () => {
    const a = await h.http.get('/api/v1/datasets?limt=5').set(h.auth('analyst'));
    expect(a.status).toBe(400);
    expect(a.body.errors).toEqual([{ path: 'query.limt', message: 'unknown field' }]);
    const b = await h.http.get('/api/v1/health?verbose=1');
    expect(b.status).toBe(400);
    expect(b.body.errors[0].path).toBe('query.verbose');
  });
});
