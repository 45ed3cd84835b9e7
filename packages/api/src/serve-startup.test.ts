/**
 * `beatplan serve` start-up: the request log goes to a file (not the terminal) when asked,
 * and the map's JavaScript and the API's JSON are served compressed, event streams not.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from './server.js';

/** GET with `Accept-Encoding: gzip`; the raw (undecoded) body length and the headers. */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; encoding: string | undefined; type: string | undefined; bytes: number }> {
  return new Promise((ok, fail) => {
    const req = request(url, { headers: { 'Accept-Encoding': 'gzip', ...headers } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () =>
        ok({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], type: res.headers['content-type'], bytes }),
      );
    });
    req.on('error', fail);
    req.end();
  });
}

describe('serve start-up', () => {
  it('writes request logs to the log file, and compresses the map bundle and JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beatplan-startup-'));
    const ui = join(dir, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>map</title>');
    // a bundle-like file: repetitive JavaScript of 300 kB
    const js = Array.from({ length: 6000 }, (_, k) => `export const v${k} = ${k} * 2; // line ${k}`).join('\n');
    writeFileSync(join(ui, 'assets/index.js'), js);
    const logFile = join(dir, 'data', 'server.log');
    const s = await startServer({ port: 0, dataDir: join(dir, 'data'), uiDir: ui, logLevel: 'info' }, { bootstrapToken: true, logFile });
    try {
      const bundle = await rawGet(`${s.url}/assets/index.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.encoding).toBe('gzip');
      expect(bundle.bytes).toBeLessThan(js.length / 4);
      const doc = await rawGet(`${s.url}/api/v1/openapi.json`);
      expect(doc.encoding).toBe('gzip');
      const plain = await rawGet(`${s.url}/assets/index.js`, { 'Accept-Encoding': 'identity' });
      expect(plain.encoding).toBeUndefined();
      expect(plain.bytes).toBe(Buffer.byteLength(js));
      await s.stop();
      const lines = readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; url?: string; req?: { url?: string } });
      expect(lines.some((l) => l.msg === 'beatplan api listening')).toBe(true);
      expect(lines.some((l) => JSON.stringify(l).includes('/assets/index.js'))).toBe(true);
    } finally {
      await s.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
