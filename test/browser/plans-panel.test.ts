/**
 * Plans without curl (issue 16 item 5), in Debian Chromium: a commander makes a plan from the
 * demo city's files in the Plans tab (uploads, then a planning job with progress), renames it,
 * copies it and deletes both — every step checked against the API; the buttons follow the
 * role (analysts copy but neither rename nor delete; viewers only open); axe-core finds no
 * violation on the panel, with its forms open.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, buildUi, CHROMIUM, CHROMIUM_ARGS, createPlan, demoFile, demoIncidents, haveChromium, playwright, startStack, syntheticCity, upload, type Stack } from './harness.js';

interface PlanAnswer {
  id: string;
  name: string;
  version: number;
  inputs: Record<string, unknown> & { copiedFrom?: { planId: string; version: number } };
}

describe.skipIf(!haveChromium())('plans panel (demo files)', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let seedId: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    uiDir = await buildUi();
    stack = await startStack(uiDir);
    // one small plan, so the map opens on something
    const city = syntheticCity(2, 2, 2, 400);
    const boundary = await upload(stack, 'boundary', city.boundary, 'application/geo+json');
    const incidents = await upload(stack, 'incidents', city.incidents, 'text/csv');
    seedId = await createPlan(stack, { boundary, incidents, beats: 4, resolution: 9, seed: 1, name: 'Seed plan' });
    const { chromium } = await playwright();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  /** A page signed in with `role`'s token, the plan loaded and the Plans tab open. */
  const openAs = async (role: keyof Stack['tokens']): Promise<Page> => {
    const p = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    p.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${role}: ${m.text()}`));
    p.on('pageerror', (e) => consoleErrors.push(`${role}: ${String(e)}`));
    await p.goto(stack.url);
    await p.fill('#token-input', stack.tokens[role]);
    await p.click('#token-form button[type=submit]');
    await p.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 60_000 });
    await p.click('#tab-plans');
    await p.waitForSelector('[data-testid=plans-table] tr[data-plan]');
    return p;
  };
  const apiPlan = async (id: string): Promise<PlanAnswer | null> => {
    const r = await stack.api(`/plans/${id}`, { role: 'viewer' });
    return r.status === 200 ? ((await r.json()) as PlanAnswer) : null;
  };
  const rowOf = (name: string) => page.locator('[data-testid=plans-table] tr[data-plan]', { has: page.locator('th', { hasText: name }) });
  const status = () => page.textContent('[data-testid=plans-status]');

  it('makes a plan from uploaded demo files (boundary, incidents, current beats) as a job, and opens it', async () => {
    page = await openAs('commander');
    expect(await axeViolations(page)).toEqual([]);
    // the demo city at resolution 9 with a time limit, as the other browser tests plan it
    const sent: Array<Record<string, unknown>> = [];
    await page.route('**/api/v1/plans', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = { ...(route.request().postDataJSON() as Record<string, unknown>), resolution: 9, seed: 1, timeLimitMs: 15_000 };
      sent.push(body);
      return route.continue({ postData: JSON.stringify(body) });
    });
    await page.fill('#new-plan-name', 'Demo plan');
    await page.setInputFiles('#new-plan-boundary', { name: 'boundary.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(demoFile('boundary.geojson')) });
    await page.setInputFiles('#new-plan-incidents', { name: 'incidents.csv', mimeType: 'text/csv', buffer: Buffer.from(await demoIncidents(20_000)) });
    await page.setInputFiles('#new-plan-beats', { name: 'beats.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(demoFile('beats.geojson')) });
    await page.fill('#new-plan-idfield', 'beat');
    const progressSeen = page.waitForSelector('#progress:not([hidden])', { timeout: 60_000 }).then(
      () => true,
      () => false,
    );
    await page.click('#new-plan-submit');
    await page.waitForFunction(() => /is ready|failed/.test(document.querySelector('[data-testid=plans-status]')?.textContent ?? ''), null, { timeout: 300_000 });
    expect(await status()).toBe('Plan “Demo plan” is ready and on the map.');
    expect(await progressSeen).toBe(true);
    const planId = await page.evaluate(() => window.__beatplan!.plan!.id);
    const plan = (await apiPlan(planId))!;
    expect(plan.name).toBe('Demo plan');
    // the three uploads became datasets the plan names; its beat count is the current beats'
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'plan', name: 'Demo plan', boundary: plan.inputs.boundary, incidents: plan.inputs.incidents, existing: plan.inputs.existing });
    const beatsDataset = (await (await stack.api(`/datasets/${String(plan.inputs.existing)}`, { role: 'analyst' })).json()) as { kind: string; info: { ids: string[] } };
    expect(beatsDataset.kind).toBe('beats');
    const metrics = (await (await stack.api(`/plans/${planId}/metrics`, { role: 'analyst' })).json()) as { beats: number };
    expect(metrics.beats).toBe(beatsDataset.info.ids.length);
    expect(await page.evaluate(() => window.__beatplan!.model!.beatIds.length)).toBe(metrics.beats);
    // listed, marked as the plan on the map, and in the plan selector
    expect(await rowOf('Demo plan').getAttribute('aria-current')).toBe('true');
    expect(await page.inputValue('#plan-select')).toBe(planId);
  }, 420_000);

  it('renames the plan (If-Match of the version shown)', async () => {
    const planId = await page.evaluate(() => window.__beatplan!.plan!.id);
    const patches: Array<string | undefined> = [];
    page.on('request', (r) => r.method() === 'PATCH' && patches.push(r.headers()['if-match']));
    await rowOf('Demo plan').locator('[data-action=rename]').click();
    const input = page.locator('[data-testid=plan-rename-form] input');
    expect(await input.inputValue()).toBe('Demo plan');
    expect(await axeViolations(page)).toEqual([]);
    await input.fill('Demo plan, north');
    await page.locator('[data-testid=plan-rename-form] button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=plans-status]')?.textContent?.startsWith('Renamed'), null, { timeout: 30_000 });
    expect(await status()).toBe('Renamed “Demo plan” to “Demo plan, north”.');
    expect(patches).toEqual([`"${planId}.v1"`]);
    expect((await apiPlan(planId))!.name).toBe('Demo plan, north');
    expect(await rowOf('Demo plan, north').count()).toBe(1);
    expect(await page.locator(`#plan-select option[value="${planId}"]`).textContent()).toContain('Demo plan, north');
  });

  it('copies it: the copy is listed and names its source', async () => {
    const planId = await page.evaluate(() => window.__beatplan!.plan!.id);
    await rowOf('Demo plan, north').first().locator('[data-action=copy]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=plans-status]')?.textContent?.startsWith('Copied'), null, { timeout: 30_000 });
    const copyRow = rowOf('Demo plan, north (copy)');
    expect(await copyRow.count()).toBe(1);
    const copyId = (await copyRow.getAttribute('data-plan'))!;
    const copy = (await apiPlan(copyId))!;
    expect(copy.inputs.copiedFrom).toEqual({ planId, version: 1 });
    const a = await (await stack.api(`/plans/${planId}/export?format=plan`, { role: 'analyst' })).text();
    const b = await (await stack.api(`/plans/${copyId}/export?format=plan`, { role: 'analyst' })).text();
    expect(b).toBe(a);
  });

  it('deletes the copy and the plan after a confirmation; the map opens another plan', async () => {
    const planId = await page.evaluate(() => window.__beatplan!.plan!.id);
    const copyId = (await rowOf('Demo plan, north (copy)').getAttribute('data-plan'))!;
    await page.locator(`tr[data-plan="${copyId}"] [data-action=delete]`).click();
    const confirm = page.locator('[data-testid=plan-delete-confirm]');
    expect(await confirm.textContent()).toContain('Delete “Demo plan, north (copy)” and all its versions and staffing?');
    expect(await axeViolations(page)).toEqual([]);
    // "Keep it" keeps it
    await confirm.locator('button', { hasText: 'Keep it' }).click();
    expect(await confirm.count()).toBe(0);
    expect(await apiPlan(copyId)).not.toBeNull();
    await page.locator(`tr[data-plan="${copyId}"] [data-action=delete]`).click();
    await page.locator('[data-testid=plan-delete-confirm] button.danger').click();
    await page.waitForFunction((id) => !document.querySelector(`tr[data-plan="${id}"]`) && document.querySelector('[data-testid=plans-status]')?.textContent?.startsWith('Deleted'), copyId, { timeout: 30_000 });
    expect(await apiPlan(copyId)).toBeNull();
    // the plan on the map: another one opens
    await page.locator(`tr[data-plan="${planId}"] [data-action=delete]`).click();
    await page.locator('[data-testid=plan-delete-confirm] button.danger').click();
    await page.waitForFunction((id) => window.__beatplan!.plan?.id !== id && window.__beatplan!.ready, planId, { timeout: 60_000 });
    expect(await apiPlan(planId)).toBeNull();
    expect(await page.evaluate(() => window.__beatplan!.plan!.id)).toBe(seedId);
    expect(await page.$$eval('[data-testid=plans-table] tr[data-plan]', (trs) => trs.map((tr) => tr.getAttribute('data-plan')))).toEqual([seedId]);
    // the uploaded files stay
    const datasets = (await (await stack.api('/datasets?kind=beats', { role: 'analyst' })).json()) as { items: unknown[] };
    expect(datasets.items).toHaveLength(1);
    expect(await axeViolations(page)).toEqual([]);
  }, 120_000);

  it('shows analysts copy but not rename or delete, and viewers only open', async () => {
    const analyst = await openAs('analyst');
    expect(await analyst.$$eval(`tr[data-plan="${seedId}"] [data-action]`, (bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['open', 'copy']);
    expect(await analyst.locator('[data-testid=new-plan-form]').count()).toBe(1);
    expect(await axeViolations(analyst)).toEqual([]);
    const viewer = await openAs('viewer');
    expect(await viewer.$$eval(`tr[data-plan="${seedId}"] [data-action]`, (bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['open']);
    expect(await viewer.locator('[data-testid=new-plan-form]').count()).toBe(0);
    expect(await viewer.textContent('[data-testid=plans-table] + p + p')).toBe('Making, copying, renaming and deleting plans is for analysts and commanders.');
    expect(await axeViolations(viewer)).toEqual([]);
  }, 120_000);

  it('ended with no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
