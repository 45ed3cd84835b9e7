/**
 * Issue #17 "Must show": the demo city planned on its street blocks (derived from its roads
 * file) and the map paints whole blocks. In headless Chromium against the real API: the blocks
 * go in as a units dataset, the plan is made on them, one cell is painted into a neighbouring
 * beat, and every cell of that cell's block ends up in the new beat (on the map and in the
 * stored version).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitsFromRoads } from '../../packages/engine/src/units/from-roads.js';
import {
  clickCell,
  closeBrowserStack,
  createPlan,
  demoFile,
  demoIncidents,
  haveChromium,
  mapsIdle,
  openBrowserStack,
  type Stack,
  saveArtifact,
  signIn,
  upload,
} from './harness.js';

interface PlanJson {
  beats: Array<{ id: string }>;
  cells: { h3: string[]; beat: number[]; unit?: number[] };
  units?: { ids: string[] };
}

describe.skipIf(!haveChromium())('planning map on street blocks (demo city)', () => {
  let uiDir: string;
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let planId: string;
  /** Unit id of every cell, by H3 index (from the stored plan.json). */
  const unitOfH3 = new Map<string, string>();

  const planJson = async (): Promise<PlanJson> => {
    const r = await stack.api(`/plans/${planId}/export?format=plan`, { role: 'analyst' });
    expect(r.status).toBe(200);
    return (await r.json()) as PlanJson;
  };

  beforeAll(async () => {
    ({ uiDir, stack, browser } = await openBrowserStack());
    const { blocks } = unitsFromRoads(JSON.parse(demoFile('roads.geojson')), JSON.parse(demoFile('boundary.geojson')));
    const boundary = await upload(stack, 'boundary', demoFile('boundary.geojson'), 'application/geo+json');
    const incidents = await upload(stack, 'incidents', await demoIncidents(20_000), 'text/csv');
    const units = await upload(stack, 'units', JSON.stringify(blocks), 'application/geo+json');
    planId = await createPlan(stack, {
      boundary,
      incidents,
      units,
      resolution: 9,
      method: 'plan',
      beats: 40,
      seed: 1,
      timeLimitMs: 15_000,
      name: 'Street blocks',
    });
    const p = await planJson();
    expect(p.units?.ids.length).toBeGreaterThan(1000);
    p.cells.h3.forEach((h, k) => unitOfH3.set(h, p.units!.ids[p.cells.unit![k]!]!));
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })).newPage();
  }, 600_000);

  afterAll(() => closeBrowserStack({ uiDir, stack, browser }));

  it('painting one cell moves its whole block into the selected beat', async () => {
    await page.goto(`${stack.url}/?plan=${planId}`);
    await signIn(page, stack, 'commander');
    await mapsIdle(page);

    // A cell on the edge of its beat whose block has several cells and whose block can leave
    // the beat without splitting it (checked here on the cells, as the API will).
    const units = Object.fromEntries(unitOfH3);
    const pick = await page.evaluate((unitOf) => {
      const m = window.__beatplan!.model!;
      const nb = (i: number): number[] => Array.from(m.nbr.subarray(m.nbrStart[i]!, m.nbrStart[i + 1]!));
      const unitCells = new Map<string, number[]>();
      for (let i = 0; i < m.cellCount; i++) {
        const u = unitOf[m.h3[i]!]!;
        unitCells.set(u, [...(unitCells.get(u) ?? []), i]);
      }
      const connectedWithout = (b: number, skip: Set<number>) => {
        const cells: number[] = [];
        for (let i = 0; i < m.cellCount; i++) if (m.beatOf[i] === b && !skip.has(i)) cells.push(i);
        if (!cells.length) return false;
        const seen = new Set([cells[0]!]);
        const queue = [cells[0]!];
        while (queue.length)
          for (const j of nb(queue.pop()!)) if (!skip.has(j) && m.beatOf[j] === b && !seen.has(j)) seen.add(j), queue.push(j);
        return seen.size === cells.length;
      };
      for (let i = 0; i < m.cellCount; i++) {
        const block = unitCells.get(unitOf[m.h3[i]!]!)!;
        if (block.length < 3) continue;
        const from = m.beatOf[i]!;
        const to = nb(i)
          .map((j) => m.beatOf[j]!)
          .find((b) => b !== from && b >= 0);
        if (to === undefined) continue;
        if (connectedWithout(from, new Set(block))) return { cell: i, from, to, block: block.map((c) => m.h3[c]!) };
      }
      return null;
    }, units);
    expect(pick).not.toBeNull();
    const { cell, to, block } = pick!;

    // the map knows the units (the cells answer's `unit` column) and draws their edges
    const drawn = await page.evaluate(() => {
      const a = window.__beatplan!;
      const m = a.model!;
      if (!m.units) return null;
      let unitEdges = 0;
      let marked = 0;
      for (let e = 0; e < m.edgeA.length; e++) {
        const b = m.edgeB[e]!;
        if (b < 0 || m.units.unitOf[m.edgeA[e]!] === m.units.unitOf[b]) continue;
        unitEdges++;
        if (a.map.getFeatureState({ source: 'bp-edges', sourceLayer: 'edges', id: e }).u === 1) marked++;
      }
      return { units: m.units.unitIds.length, unitEdges, marked, layer: a.map.getLayer('bp-unit-edges') !== undefined };
    });
    expect(drawn).not.toBeNull();
    expect(drawn!.units).toBe(new Set(unitOfH3.values()).size);
    expect(drawn!.unitEdges).toBeGreaterThan(1000);
    expect(drawn!.marked).toBe(drawn!.unitEdges);
    expect(drawn!.layer).toBe(true);

    await page.evaluate(
      ({ to, cell }) => {
        const a = window.__beatplan!;
        a.selectBeat(to);
        const m = a.model!;
        a.map.jumpTo({ center: [m.centroid[2 * cell]!, m.centroid[2 * cell + 1]!], zoom: 14 });
      },
      { to, cell },
    );
    await page.waitForFunction(() => window.__beatplan!.map.loaded());
    await page.keyboard.press('b'); // paint tool
    await page.keyboard.press('['); // brush radius 0: the one cell under the pointer
    const before = await page.evaluate(() => window.__beatplan!.plan!.version);
    await clickCell(page, cell);
    await page.waitForFunction(() => window.__beatplan!.perf.at(-1)?.outcome !== 'pending', null, { timeout: 30_000 });
    expect(
      await page.evaluate(() => window.__beatplan!.perf.at(-1)!.outcome),
      await page.evaluate(() => window.__beatplan!.lastMessage),
    ).toBe('accepted');
    // the brush itself grew to the block: the stroke sent (and previewed) every cell of it
    expect(await page.evaluate(() => window.__beatplan!.perf.at(-1)!.cells)).toBe(block.length);
    // the map shows the whole block in the new beat (after the server's answer)
    await page.waitForFunction(
      ({ block, to }) => {
        const m = window.__beatplan!.model!;
        return block.every((h) => m.beatOf[m.indexOf.get(h)!] === to);
      },
      { block, to },
      { timeout: 30_000 },
    );
    expect(await page.evaluate(() => window.__beatplan!.plan!.version)).toBe(before + 1);
    saveArtifact('units-paint.png', await page.screenshot());

    // and so does the stored version: every cell of the block, and nothing else of another block split
    const stored = await planJson();
    const toId = await page.evaluate((b) => window.__beatplan!.model!.beatIds[b]!, to);
    const beatOfH3 = new Map(stored.cells.h3.map((h, k) => [h, stored.cells.beat[k]!]));
    for (const h of block) expect(stored.beats[beatOfH3.get(h)!]!.id).toBe(toId);
    const beatsOfUnit = new Map<string, Set<number>>();
    stored.cells.h3.forEach((h, k) =>
      beatsOfUnit.set(unitOfH3.get(h)!, (beatsOfUnit.get(unitOfH3.get(h)!) ?? new Set()).add(stored.cells.beat[k]!)),
    );
    for (const [, s] of beatsOfUnit) expect(s.size).toBe(1);
  }, 240_000);
});
