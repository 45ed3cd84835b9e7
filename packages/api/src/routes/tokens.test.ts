import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth.js';
import { type Harness, removeDir, startHarness } from '../testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('tokens and roles', () => {
  it('stores only the sha256 of each token', async () => {
    const rows = (await h.sql('SELECT hash FROM tokens')) as Array<{ hash: string }>;
    expect(rows).toHaveLength(4);
    for (const t of Object.values(h.tokens)) {
      expect(t).toMatch(/^bp_[0-9a-f]{64}$/);
      expect(rows.map((r) => r.hash)).toContain(hashToken(t));
      expect(JSON.stringify(rows)).not.toContain(t);
    }
  });

  it('GET /me tells each token its role', async () => {
    for (const role of ['viewer', 'analyst', 'commander', 'admin'] as const) {
      const r = await h.http.get('/api/v1/me').set(h.auth(role));
      expect(r.body.role).toBe(role);
    }
  });

  it('admins create, list and revoke tokens; the token is shown once', async () => {
    const c = await h.http.post('/api/v1/tokens').set(h.auth('admin')).send({ role: 'viewer', label: 'find-my-beat page' });
    expect(c.status).toBe(201);
    expect(c.body.token).toMatch(/^bp_/);
    const me = await h.http.get('/api/v1/me').set('Authorization', `Bearer ${c.body.token}`);
    expect(me.body).toMatchObject({ role: 'viewer', label: 'find-my-beat page' });
    const list = await h.http.get('/api/v1/tokens').set(h.auth('admin'));
    expect(list.body.items).toHaveLength(5);
    expect(JSON.stringify(list.body)).not.toContain(c.body.token);
    expect(JSON.stringify(list.body)).not.toContain('hash');
    const del = await h.http.delete(`/api/v1/tokens/${c.body.id}`).set(h.auth('admin'));
    expect(del.status).toBe(204);
    expect((await h.http.get('/api/v1/me').set('Authorization', `Bearer ${c.body.token}`)).status).toBe(401);
    expect((await h.http.delete(`/api/v1/tokens/${c.body.id}`).set(h.auth('admin'))).status).toBe(404);
  });

  it('only admins manage tokens (403 for commander); bad role names the field', async () => {
    const r = await h.http.post('/api/v1/tokens').set(h.auth('commander')).send({ role: 'admin', label: 'escalate' });
    expect(r.status).toBe(403);
    expect((await h.http.get('/api/v1/tokens').set(h.auth('commander'))).status).toBe(403);
    const bad = await h.http.post('/api/v1/tokens').set(h.auth('admin')).send({ role: 'chief', label: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.label', 'body.role']);
    const notJson = await h.http.post('/api/v1/tokens').set(h.auth('admin')).set('Content-Type', 'text/plain').send('role=admin');
    expect(notJson.status).toBe(415);
  });
});
