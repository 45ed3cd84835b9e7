/**
 * Lighthouse accessibility on the planning map (issue 16, "Lighthouse accessibility 100 on the
 * map"), in Debian Chromium: the demo city's plan is opened signed in as a commander and, once
 * the map is ready, Lighthouse 12 audits the page as it is (snapshot mode, accessibility
 * category only, desktop, the window's own 1280×900 viewport), on the Metrics tab and then on
 * every other tab with a beat selected. The score must be 1 (100) on each; a failure lists every
 * failing audit id with the elements it names. Each report is written to
 * `test-artifacts/lighthouse-map*.json`. No network: the API and the map are served on loopback.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type Puppeteer, snapshot } from 'lighthouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildUi,
  CHROMIUM,
  CHROMIUM_ARGS,
  createPlan,
  demoFile,
  demoIncidents,
  haveChromium,
  type Stack,
  saveArtifact,
  startStack,
  upload,
} from './harness.js';

/** puppeteer-core, resolved from Lighthouse (its own dependency; Lighthouse's snapshot mode drives a puppeteer page). */
async function puppeteer(): Promise<{ launch(o: object): Promise<Puppeteer.Browser> }> {
  const fromLighthouse = createRequire(createRequire(import.meta.url).resolve('lighthouse'));
  const m = (await import(pathToFileURL(fromLighthouse.resolve('puppeteer-core')).href)) as {
    default: { launch(o: object): Promise<Puppeteer.Browser> };
  };
  return m.default;
}

/** An accessibility audit that did not pass: its id, title and (up to five) failing elements. */
interface FailingAudit {
  id: string;
  title: string;
  elements: string[];
}

describe.skipIf(!haveChromium())('Lighthouse accessibility on the planning map (demo city)', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Puppeteer.Browser;
  let planId: string;

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack(uiDir);
    const boundary = await upload(stack, 'boundary', demoFile('boundary.geojson'), 'application/geo+json');
    const incidents = await upload(stack, 'incidents', await demoIncidents(20_000), 'text/csv');
    planId = await createPlan(stack, {
      boundary,
      incidents,
      resolution: 9,
      beats: 20,
      seed: 1,
      timeLimitMs: 5_000,
      name: 'Proposed beats',
    });
    browser = await (await puppeteer()).launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      defaultViewport: { width: 1280, height: 900 },
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  /** Runs Lighthouse on the page as it is now; the report goes to `test-artifacts/lighthouse-<name>.json`. */
  const audit = async (page: Puppeteer.Page, name: string): Promise<{ score: number | null; failing: FailingAudit[] }> => {
    const result = await snapshot(page, {
      flags: { onlyCategories: ['accessibility'], formFactor: 'desktop', screenEmulation: { disabled: true } },
    });
    const lhr = result!.lhr;
    saveArtifact(`lighthouse-${name}.json`, JSON.stringify(lhr, null, 2));
    expect(lhr.runtimeError).toBeUndefined();
    const category = lhr.categories.accessibility!;
    const failing: FailingAudit[] = category.auditRefs
      .map((r) => lhr.audits[r.id]!)
      .filter((a) => a.score !== null && a.score < 1)
      .map((a) => {
        const items = (a.details as { items?: Array<{ node?: { selector?: string } }> } | undefined)?.items ?? [];
        return { id: a.id, title: a.title, elements: items.slice(0, 5).map((i) => i.node?.selector ?? '?') };
      });
    const passed = category.auditRefs.filter((r) => lhr.audits[r.id]!.score === 1).length;
    console.log(`Lighthouse ${lhr.lighthouseVersion} accessibility, ${name}: score ${category.score}, ${passed} audits passed`);
    if (failing.length) console.log(`failing audits (${name}):\n${JSON.stringify(failing, null, 2)}`);
    // a page with nothing to check would score 1 too: the map's controls and panels must be audited
    expect(passed).toBeGreaterThan(20);
    return { score: category.score, failing };
  };

  let page: Puppeteer.Page;

  it('scores 100 on the map with the demo plan loaded (Metrics tab)', async () => {
    page = await browser.newPage();
    await page.goto(`${stack.url}/?plan=${planId}`);
    await page.type('#token-input', stack.tokens.commander);
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => window.__beatplan?.ready === true && window.__beatplan?.model?.detail !== null, { timeout: 60_000 });
    expect(await audit(page, 'map')).toEqual({ score: 1, failing: [] });
  }, 180_000);

  it('scores 100 on every other tab, a beat selected', async () => {
    await page.evaluate(() => window.__beatplan!.selectBeat(2));
    const scores: Record<string, { score: number | null; failing: FailingAudit[] }> = {};
    for (const tab of ['beat', 'compare', 'staffing', 'export', 'plans']) {
      await page.click(`#tab-${tab}`);
      await page.waitForFunction((id) => document.getElementById(id)?.getAttribute('aria-selected') === 'true', {}, `tab-${tab}`);
      await new Promise((ok) => setTimeout(ok, 300));
      scores[tab] = await audit(page, `map-${tab}`);
    }
    expect(scores).toEqual(Object.fromEntries(Object.keys(scores).map((t) => [t, { score: 1, failing: [] }])));
  }, 240_000);
});
