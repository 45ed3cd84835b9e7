/**
 * test/support/http-client.ts against the keep-alive race: after the test's own event loop was
 * blocked longer than the server's keep-alive timeout, a plain keep-alive agent sends the next
 * request on the socket the server closes (ECONNRESET, every time), whereas the API tests'
 * client does not reuse a socket idle longer than its `idleMs` by the clock, and succeeds.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/http-client.js';

/** Holds the event loop (as in-process engine work on Chicago does) for `ms`. */
const block = (ms: number) => {
  const t = Date.now();
  while (Date.now() - t < ms);
};

describe('the API tests’ HTTP client and the keep-alive race', () => {
  let server: http.Server;
  let base: string;
  let connections = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ path: req.url, auth: req.headers.authorization })),
      );
    });
    // 2 s (Node's default is 5 s) so the test is short; the server sends `Keep-Alive: timeout=2`
    server.keepAliveTimeout = 2000;
    server.on('connection', () => connections++);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('a plain keep-alive agent: the request after a 3.5 s block fails with ECONNRESET on the reused socket', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const get = () =>
      new Promise<boolean>((ok, no) => {
        const req = http.get(`${base}/api/v1/x`, { agent }, (res) => {
          res.resume();
          res.on('end', () => ok(req.reusedSocket));
        });
        req.on('error', (e: NodeJS.ErrnoException) => no(Object.assign(e, { reused: req.reusedSocket })));
      });
    await get();
    block(3500);
    await expect(get()).rejects.toMatchObject({ code: 'ECONNRESET', reused: true });
    agent.destroy();
  }, 20_000);

  it('apiClient: the same requests succeed (the stale socket is dropped, a new one opened); a fresh socket is reused', async () => {
    const client = apiClient(base, 'tok', 500);
    expect(await client.json('GET', '/a')).toMatchObject({ status: 200, json: { path: '/api/v1/a', auth: 'Bearer tok' } });
    const before = connections;
    // back to back: the pooled socket is reused (no new connection)
    expect((await client.raw('GET', '/b')).status).toBe(200);
    expect(connections).toBe(before);
    block(3500);
    const r = await client.json('POST', '/c', { x: 1 });
    expect(r).toMatchObject({ status: 200, json: { path: '/api/v1/c' } });
    // the request after the block went on a new connection
    expect(connections).toBe(before + 1);
    client.close();
  }, 20_000);
});
