/**
 * Shared by the HTTP load benchmarks (`api-bench.ts`, `soak-bench.ts`): a latency sample, its
 * percentiles and per-kind summary lines, and a small keep-alive HTTP client for `/api/v1`.
 */
import http from 'node:http';

/** One request's outcome. */
export interface Sample {
  name: string;
  /** From the scheduled send time (open loop: includes any lag of the sender). */
  ms: number;
  /** From the actual send time (HTTP round trip only). */
  svcMs?: number;
  /** HTTP status; 0 for a connection error or a timeout. */
  status: number;
}

/** The p-th percentile of an ascending array (nearest rank below); NaN when empty. */
export const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

/** Options of {@link summarize}. */
export interface SummarizeOptions {
  /** Which statuses count as errors (default: 0 and every status ≥ 400). */
  isError?: (status: number) => boolean;
  /** Also print how many answers each status had (e.g. `200×950 412×31`). */
  statuses?: boolean;
}

/**
 * Prints one line per sample name and one for `all`: count, rate over `seconds`, p50, p95,
 * p99 and max latency (`ms`), and the errors with their statuses.
 */
export function summarize(label: string, samples: Sample[], seconds: number, options: SummarizeOptions = {}): void {
  const isError = options.isError ?? ((status: number) => status >= 400 || status === 0);
  const groups = new Map<string, Sample[]>();
  for (const s of samples) (groups.get(s.name) ?? groups.set(s.name, []).get(s.name)!).push(s);
  groups.set('all', samples);
  for (const [name, list] of groups) {
    const ms = list.map((s) => s.ms).sort((a, b) => a - b);
    const bad = list.filter((s) => isError(s.status));
    const counts = new Map<number, number>();
    for (const s of list) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    const statuses = options.statuses
      ? `  ${[...counts]
          .sort((a, b) => a[0] - b[0])
          .map(([st, n]) => `${st}×${n}`)
          .join(' ')}`
      : '';
    console.log(
      `  ${label.padEnd(10)} ${name.padEnd(14)} n=${String(list.length).padStart(5)}  ${(list.length / seconds).toFixed(1).padStart(7)} req/s  p50 ${pct(ms, 50).toFixed(2).padStart(7)} ms  p95 ${pct(ms, 95).toFixed(2).padStart(7)} ms  p99 ${pct(ms, 99).toFixed(2).padStart(7)} ms  max ${(ms.at(-1) ?? NaN).toFixed(1).padStart(7)} ms${statuses}${bad.length ? `  errors ${bad.length} (status ${[...new Set(bad.map((x) => x.status))].join('/')})` : ''}`,
    );
  }
}

/** An answer of {@link client}'s `call`. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A small HTTP client for `${base}/api/v1` over one keep-alive agent, with a bearer token.
 *
 * Idle sockets are closed by the client after `idleMs` (default 2 s), well before the server
 * closes them (Node's `keepAliveTimeout`, 5 s): else a request sent on a socket the server is
 * just closing fails with ECONNRESET — rarely, but more often when the server's event loop
 * lags (seen in the soak on a busy machine). Node 20's agent does not apply the server's
 * `Keep-Alive: timeout=5` hint unless the agent has a `timeout` of its own.
 */
export function client(base: string, token: string, maxSockets = 64, idleMs = 2000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: idleMs });
  const url = new URL(base);
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path: `/api/v1${path}`,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  return { call, agent, close: () => agent.destroy() };
}
