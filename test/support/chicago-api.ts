/**
 * An API server in this process with the Chicago plan imported: the 274 current beats on their
 * own boundary at H3 resolution 10 (≈39.5k cells), scored on the 2015 incidents. The tests that
 * measure the server's event loop use it (the server runs in the test's process, so the loop
 * they measure is the server's).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@beatplan/api';
import { expect } from 'vitest';
import { apiClient } from './http-client.js';
import { realdata } from './realdata.js';

/** The running server, its admin client, and the imported plan. */
export interface ChicagoApi {
  server: RunningServer;
  /** Keep-alive requests with the bootstrap (admin) token: test/support/http-client.ts. */
  http: ReturnType<typeof apiClient>;
  /** A JSON request (a body is sent as `type`). */
  api(method: string, path: string, body?: unknown, type?: string): ReturnType<ReturnType<typeof apiClient>['json']>;
  /** The id of the imported Chicago plan. */
  planId: string;
  /** Closes the client, stops the server and removes its data folder. */
  close(): Promise<void>;
}

/**
 * Starts the server on a temp data folder (name starting `prefix`, rate limit off) and imports
 * the Chicago plan through the API (boundary, incidents, current beats; a plan job waited for).
 * @throws Error when the plan job fails or has not finished after 5 minutes
 */
export async function startChicagoApi(prefix: string): Promise<ChicagoApi> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = await startServer({ port: 0, dataDir: dir, logLevel: 'silent', rateLimitPerMinute: 1_000_000 }, { bootstrapToken: true });
  const http = apiClient(server.url, server.bootstrapToken!);
  const api: ChicagoApi['api'] = (method, path, body, type = 'application/json') =>
    http.json(method, path, body, body !== undefined ? { 'Content-Type': type } : {});
  const close = async () => {
    http.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const beats = readFileSync(realdata('chicago', 'police_beats.geojson'));
    const boundary = (await api('POST', '/datasets/boundary', beats, 'application/geo+json')).json.id;
    const incidents = (
      await api('POST', '/datasets/incidents', readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv')), 'text/csv')
    ).json.id;
    const existing = (await api('POST', '/datasets/beats?idField=beat_num', beats, 'application/geo+json')).json.id;
    const created = await api('POST', '/plans', { boundary, incidents, existing, method: 'import', resolution: 10 });
    expect(created.status, JSON.stringify(created.json)).toBe(202);
    for (let k = 0; ; k++) {
      const j = await api('GET', `/jobs/${created.json.id}`);
      if (j.json.status === 'succeeded') return { server, http, api, planId: j.json.result.planId, close };
      if (j.json.status === 'failed' || k > 1200) throw new Error(JSON.stringify(j.json));
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await close();
    throw e;
  }
}
