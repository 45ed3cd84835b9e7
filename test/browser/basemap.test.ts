/**
 * The optional basemap (issue 16 item 1), in Debian Chromium against the real API serving the
 * map itself (`beatplan serve`'s headers, its Content-Security-Policy included): a raster tile
 * template served by a local tile server (another origin), a MapLibre style served there too,
 * and a local PMTiles archive served by the API at `/basemap.pmtiles`. Each draws under the beats — outside every beat the map's pixels are the
 * tile's colour, on a beat the beat's fill is drawn over it — and its tiles are asked for.
 * Without a basemap every request the page makes stays on the page's own origin (or is a
 * blob:/data: URL): nothing is fetched from outside. axe-core finds no violation on each view.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_BACKGROUND } from '../../packages/map-ui/src/map-style.js';
import {
  axeViolations,
  buildUi,
  closeBrowserStack,
  fitPlan,
  haveChromium,
  launchChromium,
  mapsIdle,
  ROOT,
  type Stack,
  saveArtifact,
  signIn,
  smallPlan,
  startStack,
} from './harness.js';

type Rgb = [number, number, number];

/** Colour of every tile of the raster template (a teal no plan colouring uses). */
const RASTER_COLOUR: Rgb = [20, 150, 170];
/** Colour of the one tile of the PMTiles archive (a magenta). */
const PMTILES_COLOUR: Rgb = [190, 40, 150];

/** A 256 × 256 PNG of one colour. */
function solidPng([r, g, b]: Rgb): Buffer {
  const png = new PNG({ width: 256, height: 256 });
  for (let k = 0; k < png.data.length; k += 4) png.data.set([r, g, b, 255], k);
  return PNG.sync.write(png);
}

/** `n` as a PMTiles varint (7 bits a byte, low first). */
function varint(n: number, out: number[]): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/**
 * A PMTiles v3 archive holding one PNG tile, z0/0/0 (the whole world; MapLibre over-zooms it),
 * uncompressed directory and metadata `{}`: header (127 bytes), root directory, metadata, tile.
 */
function onePngArchive(png: Buffer): Buffer {
  const dir: number[] = [];
  // one entry: tile id 0, run length 1, its length, its offset + 1 in the tile data
  for (const v of [1, 0, 1, png.length, 1]) varint(v, dir);
  const root = Buffer.from(dir);
  const meta = Buffer.from('{}');
  const h = Buffer.alloc(127);
  h.write('PMTiles', 0, 'latin1');
  h.writeUInt8(3, 7);
  const at = { root: 127, meta: 127 + root.length, tiles: 127 + root.length + meta.length };
  const u64: Array<[number, number]> = [
    [8, at.root],
    [16, root.length],
    [24, at.meta],
    [32, meta.length],
    [40, at.tiles], // no leaf directories
    [48, 0],
    [56, at.tiles],
    [64, png.length],
    [72, 1], // addressed tiles, tile entries, tile contents
    [80, 1],
    [88, 1],
  ];
  for (const [off, v] of u64) h.writeBigUInt64LE(BigInt(v), off);
  h.set([1, 1, 1, 2, 0, 0], 96); // clustered; internal and tile compression none; PNG tiles; zooms 0–0
  [-180e7, -85e7, 180e7, 85e7].forEach((v, k) => h.writeInt32LE(v, 102 + 4 * k));
  return Buffer.concat([h, root, meta, png]);
}

/** The tile of `archive` at z/x/y, read with the `pmtiles` package the map uses (the writer above checked against the reader). */
async function readTile(archive: Buffer, z: number, x: number, y: number): Promise<{ tileType: number; data: Buffer | null }> {
  const fromUi = createRequire(join(ROOT, 'packages/map-ui/package.json'));
  interface Reader {
    getHeader(): Promise<{ tileType: number }>;
    getZxy(z: number, x: number, y: number): Promise<{ data: ArrayBuffer } | undefined>;
  }
  type Source = { getKey(): string; getBytes(offset: number, length: number): Promise<{ data: ArrayBuffer }> };
  type Module = { PMTiles: new (s: Source) => Reader };
  const m = (await import(pathToFileURL(fromUi.resolve('pmtiles')).href)) as Module & { default?: Module };
  const { PMTiles } = m.PMTiles ? m : m.default!;
  const reader = new PMTiles({
    getKey: () => 'test',
    getBytes: async (offset, length) => ({ data: new Uint8Array(archive.subarray(offset, offset + length)).buffer }),
  });
  const tile = await reader.getZxy(z, x, y);
  return { tileType: (await reader.getHeader()).tileType, data: tile ? Buffer.from(tile.data) : null };
}

/**
 * A tile server on loopback (another origin than the page's) answering `/tiles/{z}/{x}/{y}.png`
 * with one solid PNG and `/style.json` with a style drawing those tiles; the paths asked for are kept.
 */
async function tileServer(png: Buffer): Promise<{ url: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    asked.push(req.url ?? '');
    // a tile server answers other origins (MapLibre fetches tiles and styles with CORS)
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) res.writeHead(200, { 'Content-Type': 'image/png', ...cors }).end(png);
    else if (req.url === '/style.json') {
      // a MapLibre style of its own: one raster layer of the same tiles
      const style = {
        version: 8,
        sources: { streets: { type: 'raster', tiles: [`${url}/tiles/{z}/{x}/{y}.png`], tileSize: 256 } },
        layers: [{ id: 'streets', type: 'raster', source: 'streets' }],
      };
      res.writeHead(200, { 'Content-Type': 'application/json', ...cors }).end(JSON.stringify(style));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    asked,
    close: () => {
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

/** `#rrggbb` as RGB. */
const rgbOf = (hex: string): Rgb => [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16)) as Rgb;
/** Largest channel difference of two colours. */
const colourGap = (a: Rgb, b: Rgb) => Math.max(...a.map((v, k) => Math.abs(v - b[k]!)));

/** What a view of the map shows at sample points: where nothing of the plan is drawn, and on beats. */
interface Sampled {
  /** Pixels (of the map's canvas) where no feature of any plan or reference layer is drawn within 8 px. */
  outside: Rgb[];
  /** Pixels at the centre of one cell of each beat, where that beat's fill is drawn (and no beat number over it). */
  onBeats: Rgb[];
  /** Ids of the map's layers, bottom first. */
  layers: string[];
}

/**
 * Reads the map's canvas (its drawing buffer is preserved) at sample points: a grid over the
 * map, kept where no plan or reference feature is drawn nearby; and the centre of one cell of
 * each beat, where the map says that beat's fill is drawn.
 */
function sample(page: Page): Promise<Sampled> {
  return page.evaluate(() => {
    const a = window.__beatplan!;
    const map = a.map;
    const gl = map.getCanvas();
    const scale = gl.width / gl.clientWidth;
    const copy = document.createElement('canvas');
    copy.width = gl.width;
    copy.height = gl.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(gl, 0, 0);
    const px = (x: number, y: number): [number, number, number] => {
      const d = ctx.getImageData(Math.round(x * scale), Math.round(y * scale), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!];
    };
    const queryable = map
      .getStyle()
      .layers.filter((l) => l.type !== 'background' && l.type !== 'raster')
      .map((l) => l.id);
    const outside: Array<[number, number, number]> = [];
    for (let y = 40; y < gl.clientHeight - 40; y += 60)
      for (let x = 40; x < gl.clientWidth - 40; x += 60)
        if (
          map.queryRenderedFeatures(
            [
              [x - 8, y - 8],
              [x + 8, y + 8],
            ],
            { layers: queryable },
          ).length === 0
        )
          outside.push(px(x, y));
    const m = a.model!;
    const onBeats: Array<[number, number, number]> = [];
    const done = new Set<number>();
    for (let i = 0; i < m.cellCount; i++) {
      const b = m.beatOf[i]!;
      const p = map.project([m.centroid[2 * i]!, m.centroid[2 * i + 1]!]);
      if (done.has(b) || p.x < 0 || p.y < 0 || p.x >= gl.clientWidth || p.y >= gl.clientHeight) continue;
      // not under a beat number (drawn in the map's canvas, over the fill)
      const box: [[number, number], [number, number]] = [
        [p.x - 3, p.y - 3],
        [p.x + 3, p.y + 3],
      ];
      if (map.getLayer('bp-beat-labels') && map.queryRenderedFeatures(box, { layers: ['bp-beat-labels'] }).length) continue;
      // the beat's fill is drawn there (its merged area, or its cells from zoom 12)
      if (map.queryRenderedFeatures(p, { layers: ['bp-beat-areas', 'bp-cells-fill'] }).some((f) => f.properties.b === b)) {
        done.add(b);
        onBeats.push(px(p.x, p.y));
      }
    }
    return { outside, onBeats, layers: map.getStyle().layers.map((l) => l.id) };
  });
}

describe.skipIf(!haveChromium())('basemap under the beats (API serving the map, its CSP on)', () => {
  let uiDir: string;
  let browser: Browser;
  let tiles: Awaited<ReturnType<typeof tileServer>>;
  let tmp: string;
  let archive: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    browser = await launchChromium();
    tiles = await tileServer(solidPng(RASTER_COLOUR));
    tmp = mkdtempSync(join(tmpdir(), 'beatplan-basemap-'));
    archive = join(tmp, 'city.pmtiles');
    writeFileSync(archive, onePngArchive(solidPng(PMTILES_COLOUR)));
  }, 300_000);

  afterAll(async () => {
    await tiles?.close();
    await closeBrowserStack({ uiDir, browser });
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /**
   * The API started with `basemap`, a small plan made, and a commander's page on it, fitted to
   * the plan and zoomed out one step (so the plan leaves room around it), every tile drawn. The
   * page's requests (every URL), responses and console errors are recorded from the first
   * navigation on.
   */
  const open = async (basemap: string | undefined) => {
    const stack: Stack = await startStack(uiDir, { uiThroughApi: true, ...(basemap ? { basemap } : {}) });
    const planId = await smallPlan(stack, 'Basemap plan');
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 })).newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    const responses: Array<{ url: string; status: number; range: string | undefined }> = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => responses.push({ url: r.url(), status: r.status(), range: r.request().headers().range }));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${stack.url}/?plan=${planId}`);
    await signIn(page, stack, 'commander');
    await fitPlan(page);
    await page.evaluate(() => window.__beatplan!.map.zoomTo(window.__beatplan!.map.getZoom() - 1, { duration: 0 }));
    await mapsIdle(page);
    await page.mouse.move(5, 5);
    await page.waitForTimeout(500); // raster tiles fade in over 300 ms
    return { stack, page, requests, responses, errors };
  };

  /**
   * Where the basemap's layers (the style's own, or `bp-basemap…`) sit among the plan's (`bp-…`
   * but the background): their counts, the top basemap layer, the bottom plan layer.
   */
  const layerOrder = (layers: string[]) => {
    const isBase = (id: string) => !id.startsWith('bp-') || id.startsWith('bp-basemap');
    const base = layers.map((id, k) => (isBase(id) ? k : -1)).filter((k) => k >= 0);
    const plan = layers.map((id, k) => (!isBase(id) && id !== 'bp-background' ? k : -1)).filter((k) => k >= 0);
    return { basemapLayers: base.length, planLayers: plan.length, basemapTop: Math.max(...base), planBottom: Math.min(...plan) };
  };

  /**
   * Opens the map with `basemap` and checks what every view must show: `ground` (the tile's
   * colour, or the plain background) at every sample point outside the plan; each of the 4
   * beats' fill drawn over it (a colour of its own there); the basemap's layers (as many as
   * `basemapLayers`) under every plan layer; no request but to the page's origin, blob:/data:
   * and `origins`; no axe-core violation; no console error. `more` checks the rest, before.
   */
  const checkView = async (
    basemap: string | undefined,
    artefact: string,
    expected: { ground: Rgb; basemapLayers: number; origins: string[] },
    more: (v: Awaited<ReturnType<typeof open>>) => Promise<void>,
  ) => {
    const v = await open(basemap);
    try {
      const s = await sample(v.page);
      saveArtifact(artefact, await v.page.screenshot());
      await more(v);
      expect(s.outside.length).toBeGreaterThan(10);
      expect(s.outside.filter((c) => colourGap(c, expected.ground) > 3)).toEqual([]);
      expect(s.onBeats.length).toBe(4);
      for (const c of s.onBeats) expect(colourGap(c, expected.ground)).toBeGreaterThan(12);
      const order = layerOrder(s.layers);
      expect(order.basemapLayers).toBe(expected.basemapLayers);
      expect(order.planLayers).toBeGreaterThan(3);
      if (expected.basemapLayers) expect(order.basemapTop).toBeLessThan(order.planBottom);
      expect(v.requests.length).toBeGreaterThan(5);
      const allowed = [`${v.stack.url}/`, 'blob:', 'data:', ...expected.origins.map((o) => `${o}/`)];
      expect(v.requests.filter((u) => !allowed.some((p) => u.startsWith(p)))).toEqual([]);
      expect(await axeViolations(v.page)).toEqual([]);
      expect(v.errors).toEqual([]);
    } finally {
      await v.page.context().close();
      await v.stack.close();
    }
  };

  it('without a basemap: the plain background outside the beats, and no request leaves the page origin', async () => {
    await checkView(undefined, 'basemap-none.png', { ground: rgbOf(OFFLINE_BACKGROUND), basemapLayers: 0, origins: [] }, async () => {});
  }, 300_000);

  it('a raster tile template: its tiles are asked for and drawn under the beats', async () => {
    const template = `${tiles.url}/tiles/{z}/{x}/{y}.png`;
    await checkView(template, 'basemap-raster.png', { ground: RASTER_COLOUR, basemapLayers: 1, origins: [tiles.url] }, async (v) => {
      const zoom = await v.page.evaluate(() => window.__beatplan!.map.getZoom());
      // the tiles of the zoom on show were asked for, by the page, of the tile server
      const asked = tiles.asked.map((p) => /^\/tiles\/(\d+)\/\d+\/\d+\.png$/.exec(p)?.[1]).filter((z) => z !== undefined);
      expect(asked.length).toBeGreaterThan(0);
      // 256-px tiles on MapLibre's 512-px zoom scale: the level one above the map's zoom, rounded
      expect(asked).toContain(String(Math.round(zoom + 1)));
      expect(v.requests.filter((u) => u.startsWith(`${tiles.url}/tiles/`)).length).toBe(tiles.asked.length);
    });
  }, 300_000);

  it("a MapLibre style URL: its layers are drawn under the beats, its tiles read from the style's origin", async () => {
    const before = tiles.asked.length;
    await checkView(
      `${tiles.url}/style.json`,
      'basemap-style.png',
      { ground: RASTER_COLOUR, basemapLayers: 1, origins: [tiles.url] },
      async (v) => {
        const asked = tiles.asked.slice(before);
        expect(asked[0]).toBe('/style.json');
        expect(asked.filter((p) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(p)).length).toBeGreaterThan(0);
        expect(await v.page.evaluate(() => window.__beatplan!.map.getLayer('streets')?.type)).toBe('raster');
      },
    );
  }, 300_000);

  it('a local PMTiles archive: served by the API with byte ranges and drawn under the beats', async () => {
    const png = solidPng(PMTILES_COLOUR);
    expect(await readTile(onePngArchive(png), 0, 0, 0)).toEqual({ tileType: 2, data: png });
    await checkView(archive, 'basemap-pmtiles.png', { ground: PMTILES_COLOUR, basemapLayers: 1, origins: [] }, async (v) => {
      // read in byte ranges (the header and directories, then the tile), each answered 206
      const reads = v.responses.filter((r) => r.url === `${v.stack.url}/basemap.pmtiles`);
      expect(reads.length).toBeGreaterThan(0);
      for (const r of reads) expect(r).toMatchObject({ status: 206, range: expect.stringMatching(/^bytes=\d+-\d+$/) });
    });
  }, 300_000);
});
