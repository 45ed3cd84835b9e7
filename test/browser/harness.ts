/**
 * Browser-test support: builds the map UI with Vite's JS API, starts the real API in-process
 * on an ephemeral loopback port (temp data folder, one token per role), serves the built UI
 * at `/` and the API at `/api` from one origin (as the API will in production), uploads a
 * city and waits for its plans, and launches Debian's headless Chromium with playwright-core.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type BeatplanApp, createApp, createToken, SqliteStore } from '../../packages/api/src/index.js';
import { demoIncidents } from '../support/demo-data.js';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
const MAP_UI = join(ROOT, 'packages/map-ui');
const requireFromUi = createRequire(join(MAP_UI, 'package.json'));

/** Debian's Chromium, which the browser tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * True when {@link CHROMIUM} is installed. Without it the browser suites are skipped locally,
 * but under CI (`CI` set) that is a failure: this throws, so the suite cannot pass by skipping.
 * @throws Error under CI when Chromium is missing
 */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: the browser tests must run under CI (apt-get install -y chromium)`);
  return false;
}

/** Chromium flags for a hermetic headless run. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

/** playwright-core, resolved from the map-ui package (where it is installed). */
export async function playwright(): Promise<typeof import('playwright-core')> {
  const m = (await import(pathToFileURL(requireFromUi.resolve('playwright-core')).href)) as typeof import('playwright-core') & {
    default?: typeof import('playwright-core');
  };
  // Node's own ESM loader (the benches under tsx) puts a CommonJS module's exports under `default`
  return m.chromium ? m : m.default!;
}

/** Builds the UI into a temp folder with Vite 7 (the map-ui's own Vite and config; `root`: another copy of `packages/map-ui`, e.g. an older revision's). */
export async function buildUi(root = MAP_UI): Promise<string> {
  const vite = (await import(pathToFileURL(requireFromUi.resolve('vite')).href)) as typeof import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'beatplan-ui-'));
  await vite.build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** A running API + UI. */
export interface Stack {
  url: string;
  dataDir: string;
  app: BeatplanApp;
  tokens: { admin: string; commander: string; analyst: string; viewer: string };
  /** `fetch` on the API with a role's token. */
  api(path: string, init?: RequestInit & { role?: keyof Stack['tokens'] }): Promise<Response>;
  close(): Promise<void>;
}

/** How {@link startStack} starts the API. */
export interface StackOptions {
  /** The API's `--basemap` (a style URL, a `{z}/{x}/{y}` template, a local `.pmtiles` file); none by default. */
  basemap?: string;
  /**
   * Serve the UI through the API app itself (its `uiDir`), with the API's headers (its
   * Content-Security-Policy, compression) exactly as `beatplan serve` does; by default the
   * harness serves the built files itself, without those headers.
   */
  uiThroughApi?: boolean;
}

/** Starts the API on a temp data folder and serves `uiDir` next to it. */
export async function startStack(uiDir: string, options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'beatplan-data-'));
  const store = new SqliteStore(dataDir);
  const app = await createApp({
    store,
    config: {
      logLevel: 'silent',
      rateLimitPerMinute: 1_000_000,
      dataDir,
      ...(options.basemap ? { basemap: options.basemap } : {}),
      ...(options.uiThroughApi ? { uiDir } : {}),
    },
  });
  const tokens = {
    admin: (await createToken(store, 'admin', 'browser test admin')).token,
    commander: (await createToken(store, 'commander', 'browser test commander')).token,
    analyst: (await createToken(store, 'analyst', 'browser test analyst')).token,
    viewer: (await createToken(store, 'viewer', 'browser test viewer')).token,
  };
  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(uiDir, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(uiDir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  };
  const server: Server = createServer((req, res) => {
    // the API app answers /api/… and the map's configuration (/map-config.json, /basemap.pmtiles), as `beatplan serve` does
    if (options.uiThroughApi || /^\/(api\/|map-config\.json|basemap\.pmtiles)/.test(req.url ?? ''))
      (app.app as unknown as (q: IncomingMessage, s: ServerResponse) => void)(req, res);
    else serveStatic(req, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dataDir,
    app,
    tokens,
    api: (path, init = {}) => {
      const { role = 'admin', ...rest } = init;
      return fetch(`${url}/api/v1${path}`, {
        ...rest,
        headers: { Authorization: `Bearer ${tokens[role]}`, ...(rest.headers as Record<string, string> | undefined) },
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's headless Chromium, launched through playwright-core with {@link CHROMIUM_ARGS}. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await playwright();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A browser test's whole set-up: the UI built, the API started (with `options`) and Chromium
 * launched. {@link closeBrowserStack} undoes it.
 * @example const s = await openBrowserStack(); const id = await smallPlan(s.stack, 'Seed plan');
 */
export async function openBrowserStack(options: StackOptions = {}): Promise<{ uiDir: string; stack: Stack; browser: Browser }> {
  const uiDir = await buildUi();
  const stack = await startStack(uiDir, options);
  return { uiDir, stack, browser: await launchChromium() };
}

/** Closes what {@link openBrowserStack} opened (any part may be missing, when the set-up failed half-way). */
export async function closeBrowserStack(s: { uiDir?: string; stack?: Stack; browser?: Browser } | undefined): Promise<void> {
  await s?.browser?.close();
  await s?.stack?.close();
  if (s?.uiDir) rmSync(s.uiDir, { recursive: true, force: true });
}

/**
 * A small plan to open the map on: the synthetic 2 km city cut 2 × 2 with 400 incidents,
 * planned into 4 beats at H3 resolution 9 (seed 1). Returns the plan id.
 */
export async function smallPlan(stack: Stack, name: string): Promise<string> {
  const city = syntheticCity(2, 2, 2, 400);
  const boundary = await upload(stack, 'boundary', city.boundary, 'application/geo+json');
  const incidents = await upload(stack, 'incidents', city.incidents, 'text/csv');
  return createPlan(stack, { boundary, incidents, beats: 4, resolution: 9, seed: 1, name });
}

/** Signs the page in with `role`'s token (the token form) and waits until the map is ready. */
export async function signIn(page: Page, stack: Stack, role: keyof Stack['tokens']): Promise<void> {
  await page.fill('#token-input', stack.tokens[role]);
  await page.click('#token-form button[type=submit]');
  await page.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 60_000 });
}

/** Waits until the planning map (and the swipe view's map, when open) has loaded and drawn every tile. */
export function mapsIdle(page: Page, timeout = 60_000): Promise<unknown> {
  return page.waitForFunction(
    () => {
      const a = window.__beatplan!;
      const ok = (m: { loaded(): boolean; areTilesLoaded(): boolean }) => m.loaded() && m.areTilesLoaded();
      return ok(a.map) && (!a.swipe || ok(a.swipe.map));
    },
    null,
    { timeout },
  );
}

/** Where cell `cell`'s centre is on the page (CSS px), at the map's present camera. */
export function cellPoint(page: Page, cell: number): Promise<{ x: number; y: number }> {
  return page.evaluate((i) => {
    const a = window.__beatplan!;
    const m = a.model!;
    const pt = a.map.project([m.centroid[2 * i]!, m.centroid[2 * i + 1]!]);
    const r = a.map.getCanvas().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }, cell);
}

/** Presses the mouse on cell `cell`'s centre and lets go (moved by `drag` px first: a short stroke). */
export async function clickCell(page: Page, cell: number, drag = 0): Promise<void> {
  const p = await cellPoint(page, cell);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  if (drag) await page.mouse.move(p.x + drag, p.y + drag);
  await page.mouse.up();
}

/** Uploads a dataset; returns its id. @throws Error with the API's answer */
export async function upload(stack: Stack, route: string, body: string, contentType: string): Promise<string> {
  const r = await stack.api(`/datasets/${route}`, { method: 'POST', role: 'admin', headers: { 'Content-Type': contentType }, body });
  const j = (await r.json()) as { id: string };
  if (r.status !== 201) throw new Error(`upload ${route}: ${r.status} ${JSON.stringify(j)}`);
  return j.id;
}

/** Creates a plan (a job) and waits for it; returns the plan id. */
export async function createPlan(stack: Stack, body: Record<string, unknown>, timeoutMs = 240_000): Promise<string> {
  const r = await stack.api('/plans', {
    method: 'POST',
    role: 'analyst',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const job = (await r.json()) as { id: string };
  if (r.status !== 202) throw new Error(`plan: ${r.status} ${JSON.stringify(job)}`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const j = (await (await stack.api(`/jobs/${job.id}`)).json()) as { status: string; result: { planId?: string } | null; error: unknown };
    if (j.status === 'succeeded') return j.result!.planId!;
    if (j.status === 'failed' || j.status === 'cancelled') throw new Error(`plan job ${j.status}: ${JSON.stringify(j.error)}`);
    if (Date.now() > until) throw new Error(`plan job still ${j.status}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

export { demoFile, demoIncidents } from '../support/demo-data.js';

/**
 * A temp copy of the demo folder (`data/demo`) with only its first `incidents` incidents, for
 * `beatplan serve --demo` or `seedDemo` in a short run; remove it after.
 */
export async function smallDemoDir(incidents = 40_000): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'beatplan-demo-'));
  for (const f of readdirSync(join(ROOT, 'data/demo'))) if (f !== 'incidents.csv') copyFileSync(join(ROOT, 'data/demo', f), join(dir, f));
  writeFileSync(join(dir, 'incidents.csv'), await demoIncidents(incidents));
  return dir;
}

/** Where screenshots go. */
export const ARTIFACTS = join(ROOT, 'test-artifacts');
/** Expected images. */
export const EXPECTED = join(ROOT, 'test/browser/expected');

/** Writes an artefact file (creating the folder). */
export function saveArtifact(name: string, data: Buffer | string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const p = join(ARTIFACTS, name);
  writeFileSync(p, data);
  return p;
}

/** A synthetic large city: a square of `sideKm` km cut into `nx × ny` rectangular beats, with random incidents. */
export function syntheticCity(
  sideKm: number,
  nx: number,
  ny: number,
  incidents: number,
  seed = 7,
): { boundary: string; beats: string; incidents: string } {
  const lat0 = 41.6;
  const lng0 = -87.9;
  const dLat = sideKm / 111.32;
  const dLng = sideKm / (111.32 * Math.cos((lat0 * Math.PI) / 180));
  const box = (w: number, s: number, e: number, n: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  });
  const boundary = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { name: 'synthetic' }, geometry: box(lng0, lat0, lng0 + dLng, lat0 + dLat) }],
  };
  const features = [];
  for (let y = 0; y < ny; y++)
    for (let x = 0; x < nx; x++) {
      features.push({
        type: 'Feature',
        properties: { beat: String(1000 + y * nx + x) },
        geometry: box(lng0 + (x * dLng) / nx, lat0 + (y * dLat) / ny, lng0 + ((x + 1) * dLng) / nx, lat0 + ((y + 1) * dLat) / ny),
      });
    }
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0), s / 2 ** 32);
  const lines = ['lat,lng,time,type'];
  for (let k = 0; k < incidents; k++) {
    // denser in the middle, so beats differ in workload
    const u = (rnd() + rnd()) / 2;
    const v = (rnd() + rnd()) / 2;
    const t = new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 364 * 86400) * 1000).toISOString().slice(0, 19);
    lines.push(
      `${(lat0 + v * dLat).toFixed(6)},${(lng0 + u * dLng).toFixed(6)},${t},${['THEFT', 'BATTERY', 'ASSAULT', 'BURGLARY'][Math.floor(rnd() * 4)]}`,
    );
  }
  return {
    boundary: JSON.stringify(boundary),
    beats: JSON.stringify({ type: 'FeatureCollection', features }),
    incidents: `${lines.join('\n')}\n`,
  };
}

/** Fits the page's planning map to the whole plan (the bounds of its cell centres), at once. */
export function fitPlan(page: Page): Promise<void> {
  return page.evaluate(() => {
    const a = window.__beatplan!;
    const m = a.model!;
    let w = 180,
      s = 90,
      e = -180,
      n = -90;
    for (let i = 0; i < m.cellCount; i++)
      (w = Math.min(w, m.centroid[2 * i]!)),
        (e = Math.max(e, m.centroid[2 * i]!)),
        (s = Math.min(s, m.centroid[2 * i + 1]!)),
        (n = Math.max(n, m.centroid[2 * i + 1]!));
    a.map.fitBounds([w, s, e, n], { padding: 20, duration: 0 });
  });
}

/** A beat label as drawn on the page. */
export interface DrawnLabel {
  beat: string;
  /** Box on the page, CSS px. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** The beat drawn under the label's centre (its merged area below zoom 12, `bp-beat-areas`, else its cell, `bp-cells-fill`), or null for none. */
  beatUnder: string | null;
}

/**
 * The beat labels the map draws (the `bp-beat-labels` symbol layer's rendered features, read
 * once the map draws the labels the last collision thinning showed) with their boxes (the
 * thinning's boxes, `window.__beatplan.labelBoxes`) and the beat drawn under each one's centre;
 * how many labels there are in all, and how many have their centre on the map (shown or not).
 */
export async function drawnLabels(page: Page): Promise<{ total: number; onScreen: number; shown: DrawnLabel[] }> {
  await page.waitForFunction(
    () => {
      const a = window.__beatplan!;
      const drawn = new Set(a.map.queryRenderedFeatures({ layers: ['bp-beat-labels'] }).map((f) => f.properties.b as number));
      return drawn.size === a.labelsShown.length && a.labelsShown.every((b) => drawn.has(b));
    },
    null,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const a = window.__beatplan!;
    const m = a.map;
    const mapBox = document.getElementById('map')!.getBoundingClientRect();
    const boxes = a.labelBoxes;
    const byBeat = new Map(boxes.map((b) => [b.beat, b]));
    const onScreen = boxes.filter((b) => b.x >= 0 && b.x <= mapBox.width && b.y >= 0 && b.y <= mapBox.height).length;
    const drawn = new Set(m.queryRenderedFeatures({ layers: ['bp-beat-labels'] }).map((f) => f.properties.b as number));
    const shown = [...drawn]
      .map((b) => {
        const box = byBeat.get(b)!;
        const f = m.queryRenderedFeatures([box.x, box.y], { layers: ['bp-beat-areas', 'bp-cells-fill'] })[0];
        const under = f?.properties?.b;
        return {
          beat: a.model!.beatIds[b] as string,
          left: mapBox.left + box.x - box.width / 2,
          top: mapBox.top + box.y - box.height / 2,
          right: mapBox.left + box.x + box.width / 2,
          bottom: mapBox.top + box.y + box.height / 2,
          beatUnder: typeof under === 'number' ? (a.model!.beatIds[under] as string) : null,
        };
      })
      .filter((l) => l.right > mapBox.left && l.left < mapBox.right && l.bottom > mapBox.top && l.top < mapBox.bottom);
    return { total: boxes.length, onScreen, shown };
  });
}

/**
 * Waits until the map draws beat `id`'s label with `look` (the symbol's `locked` / `selected`
 * properties), or until it no longer does when `present` is false.
 */
export function waitForLabelLook(page: Page, id: string, look: 'locked' | 'selected', present = true, timeout = 30_000): Promise<unknown> {
  return page.waitForFunction(
    ({ id, look, present }) => {
      const a = window.__beatplan!;
      const b = a.model!.beatIds.indexOf(id);
      const f = a.map.queryRenderedFeatures({ layers: ['bp-beat-labels'] }).find((x) => x.properties.b === b);
      return f !== undefined && f.properties[look] === present;
    },
    { id, look, present },
    { timeout },
  );
}

/** Pairs of shown labels whose boxes overlap (by more than half a pixel). */
export function overlappingLabels(labels: readonly DrawnLabel[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const p = labels[i]!;
      const q = labels[j]!;
      if (Math.min(p.right, q.right) - Math.max(p.left, q.left) > 0.5 && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 0.5)
        out.push([p.beat, q.beat]);
    }
  return out;
}

/** One axe-core violation, reduced to what a failure message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA and best-practice rules) on the page as it is now and returns
 * every violation, of any impact. Injected from the installed package (no network).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const requireRoot = createRequire(join(ROOT, 'package.json'));
  // evaluated through the DevTools protocol, not as a <script>: the API's Content-Security-Policy (no inline script) holds
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(requireRoot.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

/**
 * A new page (1280×900) signed in with `role`'s token at `path` (default `/`), resolved once the
 * map is ready; console errors and page errors are pushed to `errors`, prefixed with the role.
 * @example const page = await signedInPage(browser, stack, 'analyst', `/?plan=${id}`, consoleErrors);
 */
export async function signedInPage(
  browser: Browser,
  stack: Stack,
  role: keyof Stack['tokens'],
  path = '/',
  errors: string[] = [],
): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  p.on('console', (m) => m.type() === 'error' && errors.push(`${role}: ${m.text()} ${m.location().url}`));
  p.on('pageerror', (e) => errors.push(`${role}: ${String(e)}`));
  await p.goto(`${stack.url}${path}`);
  await signIn(p, stack, role);
  return p;
}
