/**
 * The planning map in headless Chromium against the real API (in-process, temp data folder):
 * the demo city loads without console errors, painting changes cells and metrics, a stroke
 * that breaks contiguity is refused, undo restores, comparison shows the changed cells, the
 * exports download, and screenshots match the expected images within a tolerance.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, buildUi, CHROMIUM_ARGS, createPlan, demoFile, demoIncidents, EXPECTED, playwright, saveArtifact, startStack, upload, type Stack } from './harness.js';
import { compareScreenshot } from './pixel-diff.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)('planning map (demo city)', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let planId: string;
  let importId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack(uiDir);
    const boundary = await upload(stack, 'boundary', demoFile('boundary.geojson'), 'application/geo+json');
    const incidents = await upload(stack, 'incidents', await demoIncidents(40_000), 'text/csv');
    const barriers = await upload(stack, 'barriers', demoFile('river.geojson'), 'application/geo+json');
    const r = await stack.api('/datasets/beats?idField=beat', { method: 'POST', role: 'analyst', headers: { 'Content-Type': 'application/geo+json' }, body: demoFile('beats.geojson') });
    const existing = ((await r.json()) as { id: string }).id;
    await upload(stack, 'rosters', demoFile('roster.csv'), 'text/csv');
    const inputs = { boundary, incidents, barriers, existing, resolution: 9 };
    importId = await createPlan(stack, { ...inputs, method: 'import', name: 'Current beats' });
    planId = await createPlan(stack, { ...inputs, method: 'plan', beats: 40, seed: 1, timeLimitMs: 15_000, name: 'Proposed beats' });
    const { chromium } = await playwright();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, deviceScaleFactor: 1 });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  /** Cells of beat b in the page's model. */
  const beatOfCells = (cells: number[]) => page.evaluate((cs) => cs.map((i) => window.__beatplan!.model!.beatOf[i]!), cells);
  const version = () => page.evaluate(() => window.__beatplan!.plan!.version);

  it('loads the demo city with no console error', async () => {
    await page.goto(`${stack.url}/?plan=${planId}`);
    await page.fill('#token-input', stack.tokens.commander);
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 60_000 });
    await page.waitForFunction(() => window.__beatplan?.model?.detail !== null, null, { timeout: 60_000 });
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 30_000 });
    const info = await page.evaluate(() => ({ cells: window.__beatplan!.model!.cellCount, beats: window.__beatplan!.model!.beatIds.length, labels: document.querySelectorAll('.beat-label').length, bars: document.querySelectorAll('.bar-row').length }));
    expect(info.cells).toBeGreaterThan(1000);
    expect(info.beats).toBe(40);
    expect(info.labels).toBe(40);
    expect(info.bars).toBe(40);
    await page.mouse.move(10, 10);
    await page.waitForTimeout(300);
    const shot = await page.screenshot();
    saveArtifact('overview.png', shot);
    expect(consoleErrors).toEqual([]);
    const diff = await compareScreenshot(page, shot, 'overview.png');
    console.log(`overview.png: mean abs difference ${diff.meanAbsDiff.toFixed(2)} / 255 per channel${diff.created ? ' (expected image created)' : ''}`);
    expect(diff.meanAbsDiff).toBeLessThan(8);
  }, 120_000);

  /** A cell of beat `from` next to beat `to` whose removal keeps `from` connected (client-side check). */
  async function movableCell(): Promise<{ cell: number; from: number; to: number } | null> {
    return page.evaluate(() => {
      const m = window.__beatplan!.model!;
      const nb = (i: number): number[] => Array.from(m.nbr.subarray(m.nbrStart[i]!, m.nbrStart[i + 1]!));
      const connectedWithout = (b: number, skip: number) => {
        const cells: number[] = [];
        for (let i = 0; i < m.cellCount; i++) if (m.beatOf[i] === b && i !== skip) cells.push(i);
        if (!cells.length) return false;
        const seen = new Set([cells[0]!]);
        const queue = [cells[0]!];
        while (queue.length) for (const j of nb(queue.pop()!)) if (j !== skip && m.beatOf[j] === b && !seen.has(j)) (seen.add(j), queue.push(j));
        return seen.size === cells.length;
      };
      for (let i = 0; i < m.cellCount; i += 7) {
        const from = m.beatOf[i]!;
        const to = nb(i).map((j) => m.beatOf[j]!).find((b) => b !== from && b >= 0);
        if (to === undefined || nb(i).length < 6) continue;
        if (nb(i).filter((j) => m.beatOf[j] === to).length < 2) continue;
        if (connectedWithout(from, i)) return { cell: i, from, to };
      }
      return null;
    });
  }

  async function clickCell(cell: number): Promise<void> {
    const p = await page.evaluate((i) => {
      const a = window.__beatplan!;
      const m = a.model!;
      const pt = a.map.project([m.centroid[2 * i]!, m.centroid[2 * i + 1]!]);
      const r = a.map.getCanvas().getBoundingClientRect();
      return { x: r.left + pt.x, y: r.top + pt.y };
    }, cell);
    await page.mouse.move(p.x, p.y);
    await page.mouse.down();
    await page.mouse.move(p.x + 1, p.y + 1);
    await page.mouse.up();
  }

  let painted: { cell: number; from: number; to: number };
  let versionBefore = 0;

  it('paints a stroke: the cells change beat and the metrics panel follows', async () => {
    const c = await movableCell();
    expect(c).not.toBeNull();
    painted = c!;
    await page.evaluate(({ to, cell }) => {
      const a = window.__beatplan!;
      a.selectBeat(to);
      const m = a.model!;
      a.map.jumpTo({ center: [m.centroid[2 * cell]!, m.centroid[2 * cell + 1]!], zoom: 13 });
    }, painted);
    await page.waitForFunction(() => window.__beatplan!.map.loaded());
    await page.keyboard.press('b'); // paint tool
    await page.keyboard.press('['); // brush radius 0: one cell
    versionBefore = await version();
    const toId = await page.evaluate((b) => window.__beatplan!.model!.beatIds[b]!, painted.to);
    const barBefore = await page.getAttribute(`.bar-row[data-beat="${toId}"]`, 'aria-label');
    await clickCell(painted.cell);
    await page.waitForFunction(() => window.__beatplan!.perf.at(-1)?.outcome !== 'pending', null, { timeout: 30_000 });
    const t = await page.evaluate(() => window.__beatplan!.perf.at(-1)!);
    expect(t.outcome, await page.evaluate(() => window.__beatplan!.lastMessage)).toBe('accepted');
    expect(await beatOfCells([painted.cell])).toEqual([painted.to]);
    expect(await version()).toBe(versionBefore + 1);
    const barAfter = await page.getAttribute(`.bar-row[data-beat="${toId}"]`, 'aria-label');
    expect(barAfter).not.toBe(barBefore);
    saveArtifact('after-stroke.png', await page.screenshot());
  }, 60_000);

  it('refuses a stroke that would break contiguity, and says why', async () => {
    // a cell far from the selected beat: painting it alone into the beat splits the beat
    const far = await page.evaluate((to) => {
      const m = window.__beatplan!.model!;
      const nb = (i: number): number[] => Array.from(m.nbr.subarray(m.nbrStart[i]!, m.nbrStart[i + 1]!));
      const agg = [...Array(m.cellCount).keys()].filter((i) => m.beatOf[i] === to);
      const cx = agg.reduce((s, i) => s + m.centroid[2 * i]!, 0) / agg.length;
      const cy = agg.reduce((s, i) => s + m.centroid[2 * i + 1]!, 0) / agg.length;
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < m.cellCount; i++) {
        if (m.beatOf[i] === to || nb(i).some((j) => m.beatOf[j] === to)) continue;
        const d = Math.hypot(m.centroid[2 * i]! - cx, m.centroid[2 * i + 1]! - cy);
        if (d > 0.02 && d < bestD) ((bestD = d), (best = i));
      }
      return best;
    }, painted.to);
    expect(far).toBeGreaterThanOrEqual(0);
    const before = await beatOfCells([far]);
    await page.evaluate((i) => {
      const a = window.__beatplan!;
      a.map.jumpTo({ center: [a.model!.centroid[2 * i]!, a.model!.centroid[2 * i + 1]!] });
    }, far);
    const v = await version();
    await clickCell(far);
    await page.waitForFunction(() => window.__beatplan!.perf.at(-1)?.outcome !== 'pending', null, { timeout: 30_000 });
    expect(await page.evaluate(() => window.__beatplan!.perf.at(-1)!.outcome)).toBe('refused');
    expect(await beatOfCells([far])).toEqual(before);
    expect(await version()).toBe(v);
    const msg = await page.textContent('#status');
    expect(msg).toMatch(/^Refused: /);
    expect(await page.getAttribute('#status', 'role')).toBe('alert');
    saveArtifact('refused.png', await page.screenshot());
  }, 60_000);

  it('undo restores the painted cell (Z)', async () => {
    await page.keyboard.press('z');
    await page.waitForFunction((v) => window.__beatplan!.plan!.version === v, versionBefore, { timeout: 30_000 });
    expect(await beatOfCells([painted.cell])).toEqual([painted.from]);
    await page.keyboard.press('Shift+Z');
    await page.waitForFunction((v) => window.__beatplan!.plan!.version === v, versionBefore + 1, { timeout: 30_000 });
    expect(await beatOfCells([painted.cell])).toEqual([painted.to]);
  }, 60_000);

  it('locks and unlocks the selected beat (L)', async () => {
    await page.keyboard.press('v');
    await page.keyboard.press('l');
    const id = await page.evaluate(() => window.__beatplan!.model!.beatIds[window.__beatplan!.selectedBeat!]!);
    await page.waitForSelector(`.beat-label.locked[data-beat="${id}"]`, { timeout: 30_000 });
    await page.keyboard.press('l');
    await page.waitForSelector(`.beat-label.locked[data-beat="${id}"]`, { state: 'detached', timeout: 30_000 });
  }, 60_000);

  it('re-balances the unlocked beats with a progress bar (R), then loads the new version', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { __progressSeen: boolean };
      w.__progressSeen = false;
      new MutationObserver(() => {
        if (!document.getElementById('progress')!.hidden) w.__progressSeen = true;
      }).observe(document.getElementById('progress')!, { attributes: true });
    });
    const v = await version();
    await page.evaluate(() => (window.__beatplan!.lastMessage = ''));
    await page.keyboard.press('r');
    await page.waitForFunction(() => /^Re-balance/.test(window.__beatplan!.lastMessage), null, { timeout: 180_000 });
    expect(await page.evaluate(() => window.__beatplan!.lastMessage)).toBe(`Re-balanced: version ${v + 1}.`);
    expect(await version()).toBe(v + 1);
    expect(await page.evaluate(() => (window as unknown as { __progressSeen: boolean }).__progressSeen)).toBe(true);
    expect(await page.isHidden('#progress')).toBe(true);
  }, 200_000);

  it('a re-balance can be cancelled from the progress bar, leaving the plan unchanged', async () => {
    const v = await version();
    await page.evaluate(() => (window.__beatplan!.lastMessage = ''));
    await page.keyboard.press('r');
    await page.waitForSelector('#progress:not([hidden])', { timeout: 30_000 });
    await page.click('#progress-cancel');
    await page.waitForFunction(() => /^Re-balance/.test(window.__beatplan!.lastMessage), null, { timeout: 180_000 });
    const msg = await page.evaluate(() => window.__beatplan!.lastMessage);
    await page.waitForSelector('#progress', { state: 'hidden', timeout: 30_000 });
    if (msg.startsWith('Re-balance cancelled')) expect(await version()).toBe(v);
    else console.log(`the re-balance finished before the cancel arrived: ${msg}`);
    expect(msg).toMatch(/^Re-balance cancelled|^Re-balanced: version/);
  }, 200_000);

  it('zooms to problem beats (N) and opens their card', async () => {
    await page.keyboard.press('n');
    const msg = await page.evaluate(() => window.__beatplan!.lastMessage);
    expect(msg).toMatch(/Problem 1 of \d+|Every beat is contiguous/);
  });

  it('comparison shows the cells that change beat', async () => {
    await page.click('#tab-compare');
    await page.selectOption('#compare-select', importId);
    await page.click('#compare-run');
    await page.waitForSelector('[data-testid=changed-count]', { timeout: 30_000 });
    const count = Number(await page.getAttribute('[data-testid=changed-count]', 'data-count'));
    expect(count).toBeGreaterThan(0);
    await page.evaluate(() => {
      const a = window.__beatplan!;
      const m = a.model!;
      let w = 180, s = 90, e = -180, n = -90;
      for (let i = 0; i < m.cellCount; i++) ((w = Math.min(w, m.centroid[2 * i]!)), (e = Math.max(e, m.centroid[2 * i]!)), (s = Math.min(s, m.centroid[2 * i + 1]!)), (n = Math.max(n, m.centroid[2 * i + 1]!)));
      a.map.fitBounds([w, s, e, n], { padding: 20, duration: 0 });
    });
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded());
    await page.waitForTimeout(300);
    const shot = await page.screenshot();
    saveArtifact('compare.png', shot);
    const diff = await compareScreenshot(page, shot, 'compare.png');
    console.log(`compare.png: mean abs difference ${diff.meanAbsDiff.toFixed(2)} / 255 per channel${diff.created ? ' (expected image created)' : ''}`);
    expect(diff.meanAbsDiff).toBeLessThan(8);
  }, 60_000);

  it('exports a valid beats GeoJSON and a PNG briefing sheet', async () => {
    await page.click('#tab-export');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
    expect(dl.suggestedFilename()).toMatch(/-beats\.geojson$/);
    const path = join(ARTIFACTS, 'export-beats.geojson');
    await dl.saveAs(path);
    const fc = JSON.parse(readFileSync(path, 'utf8')) as { type: string; features: Array<{ geometry: { type: string }; properties: { id: string } }> };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(40);
    expect(fc.features.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    const pngPath = join(ARTIFACTS, 'export-briefing.png');
    await png.saveAs(pngPath);
    expect(readFileSync(pngPath).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csvPath = join(ARTIFACTS, 'export-cells.csv');
    await csv.saveAs(csvPath);
    expect(readFileSync(csvPath, 'utf8').split('\n')[0]).toMatch(/^h3,beat,workload,need/);
  }, 60_000);

  it('staffs the plan from the roster and exports the assignments CSV (commander)', async () => {
    await page.click('#tab-staffing');
    await page.waitForFunction(() => (document.getElementById('roster-select') as HTMLSelectElement).options.length > 0, null, { timeout: 10_000 });
    await page.click('#staff-run');
    await page.waitForSelector('[data-testid=staffing-table]', { timeout: 120_000 });
    await page.click('#tab-export');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-assignments')]);
    const p = join(ARTIFACTS, 'export-assignments.csv');
    await dl.saveAs(p);
    const lines = readFileSync(p, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('beat,district,shift,officer,required,allocated,vehicle');
    expect(lines.length).toBeGreaterThan(40);
  }, 180_000);

  it('ended with no console error besides the answers the tests provoked', () => {
    // the refused stroke (409 on /moves) is expected
    const unexpected = consoleErrors.filter((e) => !/status of 409 .*\/moves$/.test(e));
    expect(unexpected).toEqual([]);
  });
});
