/**
 * The page's Content-Security-Policy and a basemap: `upgrade-insecure-requests` only on an https
 * request with no plain-http basemap origin (a LAN tile server over http keeps working); a style's
 * sprite, glyphs and sources' origins admitted once the style is read at start-up (from a
 * plain-http style server on 127.0.0.1, another port: no network), its own origin alone when it
 * cannot be read (and a warning).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { securityHeaders, styleOrigins } from './security-headers.js';
import { type Harness, removeDir, startHarness } from './testing/harness.js';

/** The Content-Security-Policy of an answer, by directive. */
function csp(header: unknown): Record<string, string> {
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(' '))
      .map(([name, ...values]) => [name!, values.join(' ')]),
  );
}

/** A style naming its sprite and glyphs on other hosts, a TileJSON source and a tile source on its own server. */
const STYLE = {
  version: 8,
  sprite: 'https://sprites.example/v1/sprite',
  glyphs: 'https://fonts.example/{fontstack}/{range}.pbf',
  sources: {
    streets: { type: 'vector', url: 'https://tilejson.example/streets.json' },
    relief: { type: 'raster', tiles: ['/tiles/{z}/{x}/{y}.png'], tileSize: 256 },
  },
  layers: [],
};

/** A plain-http server on 127.0.0.1 answering `/style.json` with `style` (404 for anything else). */
async function styleServer(style: object): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/style.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(style));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** An app with only the security headers (trusting one proxy, so `X-Forwarded-Proto: https` makes a request secure). */
function headersApp(basemap: string | undefined, log = pino({ level: 'silent' })) {
  const security = securityHeaders(basemap, log);
  const app = express();
  app.set('trust proxy', 1);
  app.use(security.middleware);
  app.get('/', (_req, res) => res.send('map'));
  return { http: request(app), ready: security.ready };
}

describe('styleOrigins', () => {
  it("names the origins of a style's sprite (one or several), glyphs and sources, relative URLs read against the style's", () => {
    expect(styleOrigins(STYLE, 'http://127.0.0.1:9000/style.json')).toEqual([
      'http://127.0.0.1:9000',
      'https://fonts.example',
      'https://sprites.example',
      'https://tilejson.example',
    ]);
    expect(
      styleOrigins(
        {
          sprite: [
            { id: 'a', url: 'https://a.example/sprite' },
            { id: 'b', url: 'https://b.example/sprite' },
          ],
          sources: {
            pm: { type: 'vector', url: 'pmtiles://https://archive.example/city.pmtiles' },
            mb: { type: 'vector', url: 'mapbox://mapbox.streets' },
            inline: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
            remote: { type: 'geojson', data: 'https://data.example/parks.geojson' },
          },
        },
        'https://s.example/style.json',
      ),
    ).toEqual(['https://a.example', 'https://archive.example', 'https://b.example', 'https://data.example']);
    expect(styleOrigins(null, 'https://s.example/style.json')).toEqual([]);
    expect(styleOrigins({ sources: { x: null }, sprite: 42 }, 'https://s.example/style.json')).toEqual([]);
  });
});

describe('upgrade-insecure-requests', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) {
      await h.close();
      removeDir(h.dir);
    }
  });

  it('is not sent for a plain-http LAN tile server, over http or https; the server admits its origin (the API app)', async () => {
    const h = await startHarness({ basemap: 'http://10.0.0.5/{z}/{x}/{y}.png', trustProxy: 1 });
    harnesses.push(h);
    for (const proto of ['http', 'https']) {
      const policy = csp((await h.http.get('/map-config.json').set('X-Forwarded-Proto', proto)).headers['content-security-policy']);
      expect(policy['img-src']).toBe("'self' data: blob: http://10.0.0.5");
      expect(policy['connect-src']).toBe("'self' http://10.0.0.5");
      expect(policy).not.toHaveProperty('upgrade-insecure-requests');
    }
  });

  it('is sent only over https when every basemap origin is https, and never to a page served over http', async () => {
    const h = await startHarness({ basemap: 'https://tiles.example/{z}/{x}/{y}.png', trustProxy: 1 });
    harnesses.push(h);
    const over = async (proto: string) =>
      csp((await h.http.get('/map-config.json').set('X-Forwarded-Proto', proto)).headers['content-security-policy']);
    expect(await over('https')).toHaveProperty('upgrade-insecure-requests');
    expect(await over('http')).not.toHaveProperty('upgrade-insecure-requests');
    // without a basemap, the same rule
    const none = headersApp(undefined);
    expect(csp((await none.http.get('/').set('X-Forwarded-Proto', 'https')).headers['content-security-policy'])).toHaveProperty(
      'upgrade-insecure-requests',
    );
    expect(csp((await none.http.get('/')).headers['content-security-policy'])).not.toHaveProperty('upgrade-insecure-requests');
  });
});

describe('a style basemap', () => {
  it('admits the origins the style names once it is read at start-up (a plain-http style server on 127.0.0.1)', async () => {
    const style = await styleServer(STYLE);
    try {
      const { http, ready } = headersApp(`${style.origin}/style.json`);
      const admitted = await ready;
      expect(admitted).toEqual([style.origin, 'https://fonts.example', 'https://sprites.example', 'https://tilejson.example']);
      const policy = csp((await http.get('/').set('X-Forwarded-Proto', 'https')).headers['content-security-policy']);
      expect(policy['connect-src']).toBe(`'self' ${admitted.join(' ')}`);
      expect(policy['img-src']).toBe(`'self' data: blob: ${admitted.join(' ')}`);
      // the style's own server is plain http: no upgrade, even over https
      expect(policy).not.toHaveProperty('upgrade-insecure-requests');
    } finally {
      await style.close();
    }
  });

  it('admits only the style URL’s origin when the style cannot be read, and says so in the log', async () => {
    const style = await styleServer(STYLE);
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    try {
      const { http, ready } = headersApp(`${style.origin}/missing-style.json`, log);
      expect(await ready).toEqual([style.origin]);
      expect(csp((await http.get('/')).headers['content-security-policy'])['connect-src']).toBe(`'self' ${style.origin}`);
      const warning = JSON.parse(warnings[0]!) as { msg: string; err: string; basemap: string };
      expect(warning).toMatchObject({ err: 'Error: HTTP 404', basemap: `${style.origin}/missing-style.json` });
      expect(warning.msg).toMatch(/basemap style could not be read at start-up/);
    } finally {
      await style.close();
    }
  });
});
