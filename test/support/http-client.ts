/**
 * The HTTP client of the API tests that run the server in their own process: keep-alive
 * requests to `${base}/api/v1` with a bearer token, safe against the keep-alive race.
 *
 * The race: a test that blocks its event loop (engine work on Chicago in-process: seconds)
 * longer than the server's `keepAliveTimeout` (Node: 5 s) sends its next request on a pooled
 * socket the server is about to close — the client's own idle timer has not run yet (the loop
 * was blocked), the request is written, and in the next timers phase the server's keep-alive
 * timer fires before its poll phase reads the request, so the socket is reset (`ECONNRESET`;
 * seen with `fetch` in test/api-chicago.test.ts). Here each pooled socket's idle time is checked
 * against the clock when a request is sent: a socket idle longer than `idleMs` (2 s, well under
 * the server's 5 s) is destroyed before the agent can hand it out, whether or not its idle timer
 * ran, so no request goes out on a socket the server may be closing. No request is retried.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** An answer's status, ETag and bytes (not parsed). */
export interface RawReply {
  status: number;
  etag: string | null;
  headers: http.IncomingHttpHeaders;
  buf: Buffer;
}

/**
 * A keep-alive client of `${base}/api/v1` (see the module comment for the race it avoids).
 * `raw` sends a body as given (a string or bytes) and keeps the answer's bytes; `json` sends a
 * plain value as JSON and parses an answer that is JSON. `close()` ends its sockets.
 * @param idleMs a pooled socket idle longer than this (ms, by the clock at send time) is not reused
 * @example const http = apiClient(server.url, token); const { status, json } = await http.json('GET', '/plans');
 */
export function apiClient(base: string, token: string, idleMs = 2000) {
  // fifo: the socket idle longest is handed out first, and the agent skips destroyed sockets at
  // the head of its free list — where the stale ones are, as sockets join the list when freed
  const agent = new http.Agent({ keepAlive: true, scheduling: 'fifo', timeout: idleMs });
  const idleSince = new WeakMap<Socket, number>();
  agent.on('free', (socket: Socket) => idleSince.set(socket, performance.now()));
  /** Destroys every pooled socket idle longer than idleMs by the clock. */
  const dropStale = () => {
    const now = performance.now();
    for (const list of Object.values(agent.freeSockets)) {
      for (const socket of list ?? []) if (now - (idleSince.get(socket as Socket) ?? now) > idleMs) socket.destroy();
    }
  };
  const url = new URL(base);
  const raw = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<RawReply> =>
    new Promise((resolve, reject) => {
      dropStale();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path: `/api/v1${path}`,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              etag: (res.headers.etag as string | undefined) ?? null,
              headers: res.headers,
              buf: Buffer.concat(chunks),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const json = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isBytes = typeof body === 'string' || Buffer.isBuffer(body);
    const r = await raw(method, path, body === undefined || isBytes ? (body as string | Buffer | undefined) : JSON.stringify(body), {
      ...(body !== undefined && !isBytes ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    });
    const text = r.buf.toString('utf8');
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the text
    }
    return { status: r.status, etag: r.etag, json: parsed };
  };
  return { raw, json, close: () => agent.destroy() };
}
