/**
 * Alternatives on the map (issue 18 item 3), in Debian Chromium: an analyst starts a set of
 * alternatives of the plan on show from the Compare tab (count, seed, profiles); the table fills
 * in as the jobs end and shows, per alternative, balance, compactness, change and response with
 * the Pareto set marked — the same rows and flags the API gives; a commander opens a Pareto
 * alternative as the plan on show; a viewer sees the table but no form. axe-core finds no
 * violation on the panel.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, closeBrowserStack, haveChromium, openBrowserStack, type Stack, signedInPage, smallPlan } from './harness.js';

interface ComparisonAnswer {
  id: string;
  finished: number;
  rows: Array<{
    jobId: string;
    profile: string;
    seed: number;
    status: string;
    planId: string | null;
    maxOverMean: number | null;
    pareto: boolean;
  }>;
}

describe.skipIf(!haveChromium())('alternatives panel', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Browser;
  let parentId: string;
  let setId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ uiDir, stack, browser } = await openBrowserStack());
    parentId = await smallPlan(stack, 'Parent plan');
  }, 600_000);

  afterAll(() => closeBrowserStack({ uiDir, stack, browser }));

  /** A page signed in with `role`'s token, the parent plan loaded and the Compare tab open. */
  const openAs = async (role: keyof Stack['tokens']): Promise<Page> => {
    const p = await signedInPage(browser, stack, role, `/?plan=${parentId}`, consoleErrors);
    await p.click('#tab-compare');
    await p.waitForSelector('[data-testid=alternatives]');
    return p;
  };
  const tableRows = (p: Page) =>
    p.$$eval('[data-testid=alternatives-table] tbody tr', (trs) =>
      trs.map((tr) => ({
        job: tr.getAttribute('data-job'),
        cells: Array.from(tr.querySelectorAll('td'))
          .slice(0, 8)
          .map((td) => td.textContent ?? ''),
      })),
    );

  it('an analyst starts a set from the panel; the table shows the API figures and its Pareto set', async () => {
    const page = await openAs('analyst');
    expect(await page.textContent('[data-testid=alternatives]')).toContain('No alternatives of this plan yet.');
    // a time limit per alternative keeps the run short (the form sends the API's defaults)
    const sent: unknown[] = [];
    await page.route('**/api/v1/plans/*/alternatives', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = { ...(route.request().postDataJSON() as Record<string, unknown>), timeLimitMs: 5000 };
      sent.push(body);
      return route.continue({ postData: JSON.stringify(body) });
    });
    await page.fill('#alt-count', '3');
    await page.fill('#alt-seed', '7');
    await page.uncheck('#alt-profile-change');
    await page.click('#alt-run');
    await page.waitForFunction(
      () => /3 alternatives, all finished/.test(document.querySelector('[data-testid=alternatives-status]')?.textContent ?? ''),
      null,
      { timeout: 300_000 },
    );
    expect(sent).toEqual([{ count: 3, seed: 7, profiles: ['balance', 'compact', 'blend'], timeLimitMs: 5000 }]);

    const sets = (await (await stack.api(`/plans/${parentId}/alternatives`, { role: 'viewer' })).json()) as {
      items: Array<{ id: string }>;
    };
    setId = sets.items.at(-1)!.id;
    const api = (await (await stack.api(`/plans/${parentId}/alternatives/${setId}`, { role: 'analyst' })).json()) as ComparisonAnswer;
    expect(api.finished).toBe(3);
    const rows = await tableRows(page);
    expect(rows.map((r) => r.job)).toEqual(api.rows.map((r) => r.jobId));
    expect(rows.map((r) => r.cells.slice(0, 3))).toEqual([
      ['balance', '7', 'succeeded'],
      ['compact', '8', 'succeeded'],
      ['blend', '9', 'succeeded'],
    ]);
    // the figures are the API's, rounded; the Pareto set in words, as the API flags it
    expect(rows.map((r) => r.cells[3])).toEqual(api.rows.map((r) => r.maxOverMean!.toFixed(3)));
    expect(rows.map((r) => r.cells[7] === '★ Pareto')).toEqual(api.rows.map((r) => r.pareto));
    expect(api.rows.some((r) => r.pareto)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 420_000);

  it('a commander sees the latest set and opens a Pareto alternative as the plan on show', async () => {
    const page = await openAs('commander');
    await page.waitForSelector('[data-testid=alternatives-table] tbody tr');
    const pareto = page.locator('[data-testid=alternatives-table] tbody tr.pareto button.alt-open').first();
    const planId = await pareto.getAttribute('data-plan');
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
    await pareto.click();
    await page.waitForFunction((id) => window.__beatplan?.plan?.id === id, planId, { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/alternative \d \((balance|compact|blend), seed \d\)/);
    await page.close();
  }, 120_000);

  it('a viewer sees the table but cannot start alternatives', async () => {
    const page = await openAs('viewer');
    await page.waitForSelector('[data-testid=alternatives-table] tbody tr');
    expect(await tableRows(page)).toHaveLength(3);
    expect(await page.$('#alt-run')).toBeNull();
    await page.close();
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
