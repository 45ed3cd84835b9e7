/**
 * The planning map on the real Chicago beats (274 beats, H3 resolution 10, ≈40k cells) in the
 * headless Chromium the tests use: set-up shared by `chicago-map.test.ts` and `pnpm bench map`.
 * Figures: `firstSettledMs`, from navigation to the plan drawn with every tile loaded (the
 * map's `idle`), `panFps`, frames drawn per second while the map is panned 8 px per frame, and
 * `emptyFrameMs`, the machine's own cost of a frame.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { realdata } from '../support/realdata.js';
import { buildUi, CHROMIUM, CHROMIUM_ARGS, createPlan, fitPlan, playwright, type Stack, startStack, upload } from './harness.js';

/** A running stack with the Chicago plan, and a browser page signed in on it. */
export interface ChicagoMap {
  stack: Stack;
  browser: Browser;
  page: Page;
  planId: string;
  close(): Promise<void>;
}

/** Uploads the Chicago beats, imports them as a plan (a job), and opens a signed-in page (on the map built from `uiRoot`, default this tree's). */
export async function openChicagoMap(uiRoot?: string): Promise<ChicagoMap> {
  const uiDir = await buildUi(uiRoot);
  const stack = await startStack(uiDir);
  const beats = readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8');
  const boundary = await upload(stack, 'boundary', beats, 'application/geo+json');
  const incidents = await upload(
    stack,
    'incidents',
    readFileSync(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), 'utf8'),
    'text/csv',
  );
  const r = await stack.api('/datasets/beats?idField=beat_num', {
    method: 'POST',
    headers: { 'Content-Type': 'application/geo+json' },
    body: beats,
  });
  const existing = ((await r.json()) as { id: string }).id;
  const planId = await createPlan(
    stack,
    { boundary, incidents, existing, resolution: 10, method: 'import', name: 'Chicago beats' },
    600_000,
  );
  const { chromium } = await playwright();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })).newPage();
  await page.addInitScript((t) => sessionStorage.setItem('beatplan.token', t), stack.tokens.commander);
  // functions passed to page.evaluate from tsx (the benches) call esbuild's `__name` helper
  await page.addInitScript('globalThis.__name = (f) => f');
  return {
    stack,
    browser,
    page,
    planId,
    close: async () => {
      await browser.close();
      await stack.close();
      rmSync(uiDir, { recursive: true, force: true });
    },
  };
}

/** Loads the plan in the page; milliseconds from navigation to the first settled render. */
export async function firstSettledRender(c: ChicagoMap): Promise<number> {
  const t0 = Date.now();
  await c.page.goto(`${c.stack.url}/?plan=${c.planId}`);
  await c.page.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 120_000 });
  await c.page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, {
    timeout: 120_000,
  });
  return Date.now() - t0;
}

/** Frames per second while panning 8 px per frame for `frames` frames (the map fitted to the city first). */
export async function panFps(page: Page, frames = 60): Promise<number> {
  await fitPlan(page);
  await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 120_000 });
  return page.evaluate(async (n) => {
    const map = window.__beatplan!.map;
    const t0 = performance.now();
    let drawn = 0;
    await new Promise<void>((ok) => {
      const step = () => {
        map.once('render', () => (++drawn >= n ? ok() : requestAnimationFrame(step)));
        map.panBy([drawn % 40 < 20 ? 8 : -8, 0], { duration: 0 });
      };
      step();
    });
    return (drawn * 1000) / (performance.now() - t0);
  }, frames);
}

/**
 * The machine's own cost of a frame, ms: the median of 7 repaints of the same map with nothing
 * but the background drawn (every other layer, the beat labels' included, hidden, then shown again).
 * In software-rendered WebGL on a shared machine this moves with the load; a pan frame is
 * judged against it.
 */
export function emptyFrameMs(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const map = window.__beatplan!.map;
    const shown = map
      .getStyle()
      .layers.filter((l) => l.id !== 'bp-background' && map.getLayoutProperty(l.id, 'visibility') !== 'none')
      .map((l) => l.id);
    for (const id of shown) map.setLayoutProperty(id, 'visibility', 'none');
    // older builds (`pnpm bench map --base`) drew the labels in a page layer over the map
    const labels = document.querySelector<HTMLElement>('.beat-labels');
    if (labels) labels.style.display = 'none';
    const times: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t = performance.now();
      await new Promise<void>((ok) => (map.once('render', () => ok()), map.triggerRepaint()));
      times.push(performance.now() - t);
    }
    for (const id of shown) map.setLayoutProperty(id, 'visibility', 'visible');
    if (labels) labels.style.display = '';
    return times.sort((a, b) => a - b)[3]!;
  });
}
