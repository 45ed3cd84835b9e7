import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basemapOf, basemapOrigins } from './basemap.js';
import { parseConfig } from './config.js';
import { type Harness, removeDir, startHarness } from './testing/harness.js';

describe('basemap setting', () => {
  it('tells a style, a raster template and a PMTiles archive apart; a missing local file is BAD_INPUT', () => {
    expect(basemapOf(undefined)).toBeNull();
    expect(basemapOf('https://tiles.example/style.json')).toEqual({ map: { kind: 'style', url: 'https://tiles.example/style.json' } });
    expect(basemapOf('https://tiles.example/{z}/{x}/{y}.png')).toEqual({
      map: { kind: 'raster', tiles: 'https://tiles.example/{z}/{x}/{y}.png' },
    });
    expect(basemapOf('https://tiles.example/city.pmtiles')).toEqual({
      map: { kind: 'pmtiles', url: 'https://tiles.example/city.pmtiles' },
    });
    expect(() => basemapOf('/no/such/city.pmtiles')).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: 'basemap' }) }),
    );
    expect(() => basemapOf('streets.png')).toThrow(/neither an http\(s\) URL/);
  });

  it("names the remote basemap's origin for the page's Content-Security-Policy; none for none or a local file", () => {
    expect(basemapOrigins(undefined)).toEqual([]);
    expect(basemapOrigins('https://tiles.example:8443/{z}/{x}/{y}.png')).toEqual(['https://tiles.example:8443']);
    expect(basemapOrigins('https://styles.example/v1/style.json?key=k')).toEqual(['https://styles.example']);
    expect(basemapOrigins('http://127.0.0.1:9000/city.pmtiles')).toEqual(['http://127.0.0.1:9000']);
  });

  it('comes from --basemap or BEATPLAN_BASEMAP (the flag wins); none by default', () => {
    expect(parseConfig([], {}).basemap).toBeUndefined();
    expect(parseConfig([], { BEATPLAN_BASEMAP: 'https://a.example/style.json' }).basemap).toBe('https://a.example/style.json');
    expect(
      parseConfig(['--basemap', 'https://b.example/{z}/{x}/{y}.png'], { BEATPLAN_BASEMAP: 'https://a.example/style.json' }).basemap,
    ).toBe('https://b.example/{z}/{x}/{y}.png');
  });
});

describe('GET /map-config.json and /basemap.pmtiles', () => {
  const harnesses: Harness[] = [];
  afterAll(async () => {
    for (const h of harnesses) {
      await h.close();
      removeDir(h.dir);
    }
  });

  it('without a basemap the map is told none', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const r = await h.http.get('/map-config.json');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ basemap: null });
    expect((await h.http.get('/basemap.pmtiles')).status).toBe(404);
  });

  it("the page's Content-Security-Policy lets the map reach a remote basemap's origin, and only that one", async () => {
    const none = await startHarness();
    harnesses.push(none);
    /** The policy's directives, by name. */
    const csp = async (h: Harness) =>
      Object.fromEntries(
        String((await h.http.get('/map-config.json')).headers['content-security-policy'])
          .split(';')
          .map((d) => [d.trim().split(' ')[0], d.trim().split(' ').slice(1).join(' ')]),
      );
    expect(await csp(none)).toMatchObject({ 'connect-src': "'self'", 'img-src': "'self' data: blob:" });
    const h = await startHarness({ basemap: 'https://tiles.example/{z}/{x}/{y}.png' });
    harnesses.push(h);
    expect(await csp(h)).toMatchObject({
      'connect-src': "'self' https://tiles.example",
      'img-src': "'self' data: blob: https://tiles.example",
    });
  });

  it('a local PMTiles file is served by the API, with byte ranges', async () => {
    const probe = await startHarness();
    harnesses.push(probe);
    const file = join(probe.dir, 'city.pmtiles');
    writeFileSync(file, Buffer.from('PMTiles\x03 fake archive body'));
    const h = await startHarness({ basemap: file });
    harnesses.push(h);
    expect((await h.http.get('/map-config.json')).body).toEqual({ basemap: { kind: 'pmtiles', url: '/basemap.pmtiles' } });
    const r = await h.http.get('/basemap.pmtiles').set('Range', 'bytes=0-7').buffer(true);
    expect(r.status).toBe(206);
    expect(Buffer.from(r.body as Buffer).toString('latin1')).toBe('PMTiles\x03');
  });
});
