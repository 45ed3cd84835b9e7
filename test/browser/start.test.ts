/**
 * What a newcomer sees after `pnpm start`: the page opened before the demo is loaded shows the
 * demo plan as soon as it is ready (no reload), and "Compare" works out of the box against the
 * current beats, which the demo loader imports as a plan: the moved cells, the per-beat
 * workload before → after, and the change share. The demo is loaded through the API exactly as
 * `beatplan serve --demo` does ({@link seedDemo}), on the demo city with its first 40,000
 * incidents (to keep the run short).
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoIds, seedDemo } from '../../packages/api/src/demo.js';
import {
  buildUi,
  CHROMIUM,
  CHROMIUM_ARGS,
  haveChromium,
  playwright,
  type Stack,
  saveArtifact,
  smallDemoDir,
  startStack,
} from './harness.js';

describe.skipIf(!haveChromium())('after pnpm start (demo loaded through the API)', () => {
  let uiDir: string;
  let demoDir: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let demo: DemoIds;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack(uiDir);
    demoDir = await smallDemoDir(40_000);
    const { chromium } = await playwright();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
    if (demoDir) rmSync(demoDir, { recursive: true, force: true });
  });

  it('the page opened before the demo is ready shows the demo plan when it is, without a reload', async () => {
    await page.goto(`${stack.url}/`);
    await page.fill('#token-input', stack.tokens.admin);
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => /No plans yet/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 30_000 });
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    demo = await seedDemo(stack.url, stack.tokens.admin, demoDir);
    await page
      .waitForFunction(() => window.__beatplan?.ready === true || window.__beatplanError !== undefined, null, { timeout: 240_000 })
      .catch(() => undefined);
    const state = await page.evaluate(() => ({
      ready: window.__beatplan?.ready === true,
      error: window.__beatplanError ?? null,
      status: document.getElementById('status')!.textContent,
    }));
    expect(state, JSON.stringify({ state, consoleErrors })).toMatchObject({ ready: true, error: null });
    expect(navigations).toBe(0);
    expect(await page.evaluate(() => window.__beatplan!.plan!.id)).toBe(demo.planId);
    expect(await page.textContent('#status')).toMatch(/^Plan “Lakeport proposal” v1: [\d,]+ cells, \d+ beats\.$/);
    // the ground reference: the neighbourhoods, the streets and the river are drawn, and in the legend
    await page.waitForFunction(() => window.__beatplan!.map.getLayer('bp-ref-barriers-line') !== undefined, null, { timeout: 30_000 });
    await page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 60_000 });
    const drawn = await page.evaluate(() =>
      ['bp-ref-areas-line', 'bp-ref-barriers-line', 'bp-ref-roads-line'].map((id) =>
        window.__beatplan!.map.getLayer(id) ? (window.__beatplan!.map.queryRenderedFeatures({ layers: [id] }).length as number) : -1,
      ),
    );
    expect(drawn[0]).toBeGreaterThan(0);
    expect(drawn[1]).toBeGreaterThan(0);
    expect(drawn[2]).toBeGreaterThan(0);
    expect(await page.textContent('#legend-slot')).toContain('river / expressway (barrier)');
    expect(await page.textContent('#legend-slot')).toContain('road');
  }, 600_000);

  it('compare lists the moved cells, the per-beat deltas and the change share against the current beats', async () => {
    await page.click('#tab-compare');
    // the current beats are a plan, chosen by default
    expect(await page.$$eval('#compare-select option', (os) => os.map((o) => o.textContent))).toEqual(['Current beats (current beats)']);
    expect(await page.inputValue('#compare-select')).toBe(demo.currentPlanId);
    await page.click('#compare-run');
    await page.waitForSelector('[data-testid=changed-count]', { timeout: 60_000 });
    const count = Number(await page.getAttribute('[data-testid=changed-count]', 'data-count'));
    const share = Number(await page.getAttribute('[data-testid=changed-count]', 'data-share'));
    const cells = await page.evaluate(() => window.__beatplan!.model!.cellCount as number);
    expect(count).toBeGreaterThan(0);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(1);
    expect(Math.abs(share - count / cells)).toBeLessThan(0.01);
    const rows = await page.$$eval('[data-testid=compare-beats] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? '')),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((t, r) => t + Number(r[2]!.replace(/,/g, '')), 0)).toBe(count);
    // the API's per-beat figures, as shown
    const api = (await (await stack.api(`/plans/${demo.currentPlanId}/compare?with=${demo.planId}`)).json()) as {
      beats: Array<{ id: string; matchedId: string | null; workloadChange: number }>;
    };
    const first = api.beats.find((b) => b.id === rows[0]![0]);
    expect(first).toBeDefined();
    expect(rows[0]![1]).toBe(first!.matchedId ?? 'new');
    const maxChange = Math.max(...api.beats.map((b) => Math.abs(b.workloadChange)));
    expect(Math.abs(first!.workloadChange)).toBeCloseTo(maxChange, 6);
    // the changed cells are drawn: the overlay of the current beats' outlines is on
    expect(await page.isChecked('#overlay-toggle')).toBe(true);
    saveArtifact('start-compare.png', await page.screenshot());
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
