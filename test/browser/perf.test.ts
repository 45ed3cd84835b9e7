/**
 * Performance of the planning map on a Chicago-sized plan (≈40k H3 cells, 272 beats): load
 * time, and a 50-cell brush stroke measured from pointer-up to map + metrics panel updated
 * locally (two animation frames), and to the API's confirmation. Prints the figures.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_OUTLINE_MINZOOM } from '../../packages/map-ui/src/map-style.js';
import { emptyFrameMs, panFps } from './chicago-map.js';
import {
  buildUi,
  CHROMIUM,
  CHROMIUM_ARGS,
  createPlan,
  fitPlan,
  haveChromium,
  playwright,
  type Stack,
  saveArtifact,
  startStack,
  syntheticCity,
  upload,
} from './harness.js';

describe.skipIf(!haveChromium())('planning map performance (≈40k cells)', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let planId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack(uiDir);
    const city = syntheticCity(24.5, 17, 16, 60_000);
    const boundary = await upload(stack, 'boundary', city.boundary, 'application/geo+json');
    const incidents = await upload(stack, 'incidents', city.incidents, 'text/csv');
    const existing = await upload(stack, 'beats?idField=beat', city.beats, 'application/geo+json');
    const t0 = performance.now();
    planId = await createPlan(stack, { boundary, incidents, existing, resolution: 10, method: 'import', name: 'Chicago-sized' }, 600_000);
    console.log(`import plan job (grid + score + evaluate, 40k cells): ${Math.round(performance.now() - t0)} ms`);
    const { chromium } = await playwright();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.addInitScript((t) => sessionStorage.setItem('beatplan.token', t), stack.tokens.commander);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  it('loads the plan and paints a 50-cell stroke within a couple of frames', async () => {
    const t0 = Date.now();
    await page.goto(`${stack.url}/?plan=${planId}`);
    await page.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 120_000 });
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 60_000 });
    const loadMs = Date.now() - t0;
    const cells = await page.evaluate(() => window.__beatplan!.model!.cellCount);
    console.log(
      `40k plan: ${cells} cells, ${await page.evaluate(() => window.__beatplan!.model!.beatIds.length)} beats, page load to first full render ${loadMs} ms`,
    );
    expect(cells).toBeGreaterThan(30_000);
    await page.waitForFunction(() => window.__beatplan!.loadTimings.firstIdleMs !== undefined, null, { timeout: 60_000 });
    console.log(
      `load phases (ms): ${JSON.stringify(await page.evaluate(() => Object.fromEntries(Object.entries(window.__beatplan!.loadTimings).map(([k, v]) => [k, Math.round(v as number)]))))}`,
    );
    // one frame of this scene in this browser, for reference (headless Chromium renders WebGL in software)
    const frameTimes = () =>
      page.evaluate(async () => {
        const map = window.__beatplan!.map;
        const frame = async () => {
          const t = performance.now();
          for (let k = 0; k < 3; k++) await new Promise<void>((ok) => (map.once('render', () => ok()), map.triggerRepaint()));
          return Math.round((performance.now() - t) / 3);
        };
        const toggle = async (...layers: string[]) => {
          for (const layer of layers) map.setLayoutProperty(layer, 'visibility', 'none');
          const ms = await frame();
          for (const layer of layers) map.setLayoutProperty(layer, 'visibility', 'visible');
          return ms;
        };
        const noLabels = await toggle('bp-beat-labels');
        return {
          all: await frame(),
          // the outlines edge by edge (from zoom 12) and as chains (below); the cells (from zoom 12 in the beat colouring) and the beats' areas (below)
          withoutOutlines: await toggle('bp-beat-outlines', 'bp-beat-lines'),
          withoutCellFill: await toggle('bp-cells-fill', 'bp-beat-areas'),
          withoutLabels: noLabels,
        };
      });
    console.log(`one repaint of the whole city (ms): ${JSON.stringify(await frameTimes())}`);
    saveArtifact('perf-overview.png', await page.screenshot());

    // the ring of cells around a central beat, in angular order: a continuous 50-cell path
    const path = await page.evaluate(() => {
      const a = window.__beatplan!;
      const m = a.model!;
      const x = m.beatIds.indexOf('1144'); // row 8, column 8 of 17×16
      const mine: number[] = [];
      for (let i = 0; i < m.cellCount; i++) if (m.beatOf[i] === x) mine.push(i);
      const cx = mine.reduce((s, i) => s + m.centroid[2 * i]!, 0) / mine.length;
      const cy = mine.reduce((s, i) => s + m.centroid[2 * i + 1]!, 0) / mine.length;
      const ring = new Set<number>();
      for (const i of mine) for (let k = m.nbrStart[i]!; k < m.nbrStart[i + 1]!; k++) if (m.beatOf[m.nbr[k]!] !== x) ring.add(m.nbr[k]!);
      const ordered = [...ring].sort(
        (p, q) =>
          Math.atan2(m.centroid[2 * p + 1]! - cy, m.centroid[2 * p]! - cx) -
          Math.atan2(m.centroid[2 * q + 1]! - cy, m.centroid[2 * q]! - cx),
      );
      const take = ordered.slice(0, 50);
      a.selectBeat(x);
      a.map.jumpTo({ center: [cx, cy], zoom: 14 });
      return { beat: x, cells: take };
    });
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 60_000 });
    const zoomed = await frameTimes();
    const frameMs = zoomed.all;
    console.log(`one repaint at zoom 14 (ms): ${JSON.stringify(zoomed)}`);
    await page.keyboard.press('b');
    await page.keyboard.press('['); // brush radius 0
    const pts = await page.evaluate((cs) => {
      const a = window.__beatplan!;
      const m = a.model!;
      const r = a.map.getCanvas().getBoundingClientRect();
      return cs.map((i) => {
        const p = a.map.project([m.centroid[2 * i]!, m.centroid[2 * i + 1]!]);
        return { x: r.left + p.x, y: r.top + p.y };
      });
    }, path.cells);
    await page.mouse.move(pts[0]!.x, pts[0]!.y);
    await page.mouse.down();
    for (const p of pts) await page.mouse.move(p.x, p.y);
    await page.mouse.up();
    await page.waitForFunction(() => window.__beatplan!.perf.at(-1)?.outcome !== 'pending', null, { timeout: 60_000 });
    const t = await page.evaluate(() => window.__beatplan!.perf.at(-1)!);
    const msg = await page.evaluate(() => window.__beatplan!.lastMessage);
    console.log(
      `50-cell stroke on ${cells} cells: ${t.cells} cells moved; pointer-up → map + metrics updated locally ${t.localMs.toFixed(1)} ms; ` +
        `(JavaScript ${t.scriptMs.toFixed(1)} ms, the rest is painting); → API confirmed and applied ${t.confirmedMs === null ? 'n/a' : `${t.confirmedMs.toFixed(0)} ms`} (${t.outcome}: ${msg})`,
    );
    saveArtifact('perf-stroke.png', await page.screenshot());
    expect(t.cells).toBeGreaterThanOrEqual(45);
    // The UI's own work (model, feature state, outlines, labels, metrics panel) must fit in a
    // frame; the rest is painting, which headless Chromium does in software (SwiftShader) on a
    // shared machine — printed above (`frameMs`), not asserted tightly.
    expect(t.scriptMs).toBeLessThan(100); // ≈30–40 ms measured on an idle run; the box is shared
    expect(t.localMs).toBeLessThan(Math.max(2000, 6 * frameMs));
    expect(errors).toEqual([]);
  }, 600_000);

  it('draws the incidents heat layer of the whole city, and the beat card gets its response figures', async () => {
    await page.keyboard.press('v');
    await fitPlan(page);
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 60_000 });
    await page.keyboard.press('i');
    await page.waitForFunction(() => window.__beatplan!.heatTimings.renderMs !== undefined, null, { timeout: 120_000 });
    const h = await page.evaluate(() => window.__beatplan!.heatTimings as Record<string, number>);
    const repaint = await page.evaluate(async () => {
      const map = window.__beatplan!.map;
      const t = performance.now();
      for (let k = 0; k < 3; k++) await new Promise<void>((ok) => (map.once('render', () => ok()), map.triggerRepaint()));
      return Math.round((performance.now() - t) / 3);
    });
    console.log(
      `heat layer on ${h.bins} bins: fetch ${Math.round(h.fetchMs!)} ms, points ${Math.round(h.pointsMs!)} ms, toggle → drawn ${Math.round(h.renderMs!)} ms; one repaint with the heat ${repaint} ms`,
    );
    saveArtifact('perf-heat.png', await page.screenshot());
    expect(h.bins).toBeGreaterThan(10_000);
    await page.keyboard.press('i');
    // response figures of a 272-beat plan: the first answer for a version is computed by the API
    await page.evaluate(() => window.__beatplan!.selectBeat(0));
    await page.click('#tab-beat');
    await page.waitForSelector('[data-testid=response-figures][data-status=ready], [data-testid=response-figures][data-status=error]', {
      timeout: 300_000,
    });
    const status = await page.getAttribute('[data-testid=response-figures]', 'data-status');
    console.log(
      `response figures (272 beats): ${status}, first answer ${Math.round(await page.evaluate(() => window.__beatplan!.loadTimings.responseMs as number))} ms`,
    );
    expect(status, (await page.textContent('[data-testid=response-figures]')) ?? '').toBe('ready');
    expect(errors).toEqual([]);
  }, 600_000);

  it("city-wide view: fills each beat as one merged area (no cell drawn), and pans within the machine's frame budget", async () => {
    await page.evaluate(() => window.__beatplan!.selectBeat(null));
    await page.keyboard.press('v');
    await fitPlan(page);
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, {
      timeout: 120_000,
    });
    const drawn = await page.evaluate(() => {
      const map = window.__beatplan!.map;
      return {
        zoom: map.getZoom(),
        cells: map.queryRenderedFeatures({ layers: ['bp-cells-fill'] }).length,
        areas: new Set(map.queryRenderedFeatures({ layers: ['bp-beat-areas'] }).map((f) => f.properties.b as number)).size,
        beats: window.__beatplan!.model!.beatIds.length,
      };
    });
    console.log(`city zoom ${drawn.zoom.toFixed(2)}: ${drawn.areas} beat areas and ${drawn.cells} cells drawn (${drawn.beats} beats)`);
    expect(drawn.zoom).toBeLessThan(EDGE_OUTLINE_MINZOOM);
    expect(drawn.cells).toBe(0);
    expect(drawn.areas).toBe(drawn.beats);
    // the machine's own cost of a frame: the same map with nothing but the background drawn.
    // Measured in three rounds alternating with the pan, and the best of each kept: on a shared machine the load
    // changes between two measurements, and the best round is the least disturbed estimate of each cost.
    let emptyMs = Number.POSITIVE_INFINITY;
    let fps = 0;
    for (let round = 0; round < 3; round++) {
      emptyMs = Math.min(emptyMs, await emptyFrameMs(page));
      fps = Math.max(fps, await panFps(page, 40));
    }
    // 20 frames/s (the target), or where an empty frame alone costs over 10 ms (software WebGL on a busy machine), 1 / (5 × that):
    // a pan frame also moves the camera, places tiles and draws the fill, outlines and labels (measured 3.1 and 3.6 × an empty frame;
    // 2.9 × with the outlines as simplified chains: 7.5 frames/s against a 46 ms empty frame at load ≈ 16)
    const target = Math.min(20, 1000 / (5 * emptyMs));
    console.log(
      `40k-cell city-wide pan: ${fps.toFixed(1)} frames/s; an empty frame ${emptyMs.toFixed(0)} ms on this machine; asserted ≥ ${target.toFixed(1)} frames/s`,
    );
    expect(fps).toBeGreaterThanOrEqual(target);
    expect(errors).toEqual([]);
  }, 300_000);
});
