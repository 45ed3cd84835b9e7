/**
 * Issue #16 item 1, the whole ground reference on the demo city as `pnpm start` loads it
 * ({@link seedDemo} through the API, its first 20,000 incidents): the streets, the
 * neighbourhood edges, the river and expressway (barriers), the police districts the proposal's
 * beats nest in, and the meeting venues are each rendered (MapLibre's rendered features, the
 * canvas's pixels under a venue), areas and roads under the cells and districts, barriers and
 * venues over them, each named in the legend; a venue's name in the hover tooltip; axe-core
 * finds no violation and no request leaves the page's origin.
 */
import { rmSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/turf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoIds, seedDemo } from '../../packages/api/src/demo.js';
import type { ReferenceDto } from '../../packages/api/src/dto.js';
import {
  axeViolations,
  closeBrowserStack,
  demoFile,
  fitPlan,
  haveChromium,
  mapsIdle,
  openBrowserStack,
  type Stack,
  saveArtifact,
  signIn,
  smallDemoDir,
} from './harness.js';

/** The reference layers as the map names them (packages/map-ui/src/layers/reference.ts). */
const UNDER = ['bp-ref-areas-line', 'bp-ref-roads-line'];
const OVER = ['bp-ref-districts-line', 'bp-ref-barriers-fill', 'bp-ref-barriers-line', 'bp-ref-venues-circle'];
/** The first plan layer (the beats' areas) and the cells. */
const PLAN_LAYERS = ['bp-beat-areas', 'bp-cells-fill'];
/** The beat numbers' layer, on top of everything (packages/map-ui/src/layers/beat-labels.ts). */
const LABELS = 'bp-beat-labels';

const names = (file: string, key: string) =>
  new Set(
    (JSON.parse(demoFile(file)) as { features: Array<{ properties: Record<string, unknown> }> }).features.map((f) =>
      String(f.properties[key]),
    ),
  );

describe.skipIf(!haveChromium())('ground reference on the demo city (as pnpm start loads it)', () => {
  let s: Awaited<ReturnType<typeof openBrowserStack>> | undefined;
  let stack: Stack;
  let demoDir: string | undefined;
  let demo: DemoIds;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    s = await openBrowserStack();
    stack = s.stack;
    demoDir = await smallDemoDir(20_000);
    demo = await seedDemo(stack.url, stack.tokens.admin, demoDir);
    page = await (await s.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} ${m.location().url}`));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${stack.url}/?plan=${demo.planId}`);
    await signIn(page, stack, 'commander');
    await page.waitForFunction(() => window.__beatplan!.map.getLayer('bp-ref-venues-circle') !== undefined, null, { timeout: 60_000 });
    await fitPlan(page);
    await mapsIdle(page);
  }, 600_000);

  afterAll(async () => {
    await closeBrowserStack(s);
    if (demoDir) rmSync(demoDir, { recursive: true, force: true });
  });

  it('the demo proposal is planned on the street blocks the API derives from the roads, nested in the districts', async () => {
    const plan = (await (await stack.api(`/plans/${demo.planId}`)).json()) as { inputs: Record<string, unknown> };
    // one path to street blocks: the roads dataset, no units dataset of the demo's own
    expect(plan.inputs).toMatchObject({ roads: demo.datasets.roads, districts: demo.datasets.districts });
    expect(plan.inputs.units).toBeUndefined();
    expect(demo.datasets.units).toBeUndefined();
    // the map has the plan's units (street blocks) and draws their edges
    expect(await page.evaluate(() => window.__beatplan!.model!.units?.unitIds.length ?? 0)).toBeGreaterThan(100);
    // nested: the cells of each beat (every 5th cell, by its centre) lie in one district of the API's reference layer
    const ref = (await (await stack.api(`/plans/${demo.planId}/reference`, { role: 'viewer' })).json()) as ReferenceDto;
    const districts = ref.layers.find((l) => l.kind === 'districts')!.data.features as unknown as Array<
      Parameters<typeof booleanPointInPolygon>[1] & { properties?: { name?: string } }
    >;
    expect(districts.map((d) => d.properties?.name).sort()).toEqual([...names('districts.geojson', 'name')].sort());
    const cells = await page.evaluate(() => {
      const m = window.__beatplan!.model!;
      const out: Array<[number, number, number]> = [];
      for (let i = 0; i < m.cellCount; i += 5) out.push([m.beatOf[i]!, m.centroid[2 * i]!, m.centroid[2 * i + 1]!]);
      return { beats: m.beatIds.length, out };
    });
    const counts = new Map<number, Map<string, number>>();
    for (const [b, lng, lat] of cells.out) {
      const d = districts.find((f) => booleanPointInPolygon([lng, lat], f));
      if (!d) continue; // a centre on the coast outside every district
      const c = counts.get(b) ?? new Map<string, number>();
      counts.set(b, c.set(String(d.properties?.name), (c.get(String(d.properties?.name)) ?? 0) + 1));
    }
    // A street block is a unit, kept whole, and goes to the district holding most of its area;
    // the demo's blocks (between its arterials) straddle district lines here and there, so a few
    // cell centres of a beat lie across the line. Measured: 15 of 3,947 sampled centres, at most
    // 5 of one beat's 49 (90% in its district).
    expect(counts.size).toBe(cells.beats);
    let off = 0;
    let all = 0;
    const mainDistricts = new Set<string>();
    for (const [b, c] of counts) {
      const total = [...c.values()].reduce((t, n) => t + n, 0);
      const [main, inMain] = [...c].sort((x, y) => y[1] - x[1])[0]!;
      expect(inMain / total, `beat ${b}: ${JSON.stringify([...c])}`).toBeGreaterThanOrEqual(0.85);
      mainDistricts.add(main);
      off += total - inMain;
      all += total;
    }
    expect(off / all).toBeLessThan(0.01);
    // every district holds beats
    expect([...mainDistricts].sort()).toEqual([...names('districts.geojson', 'name')].sort());
  });

  it('draws the roads, neighbourhood edges, river and expressway, districts and venues, in order around the cells', async () => {
    const drawn = await page.evaluate(
      ({ under, over }) => {
        const map = window.__beatplan!.map;
        const rendered = (id: string) => map.queryRenderedFeatures({ layers: [id] });
        const named = (id: string) => [...new Set(rendered(id).map((f) => String(f.properties?.name)))].sort();
        return {
          counts: Object.fromEntries([...under, ...over].map((id) => [id, rendered(id).length])),
          districts: named('bp-ref-districts-line'),
          barriers: named('bp-ref-barriers-line'),
          venues: named('bp-ref-venues-circle'),
          order: map.getStyle().layers.map((l) => l.id),
        };
      },
      { under: UNDER, over: OVER },
    );
    for (const id of [...UNDER, 'bp-ref-districts-line', 'bp-ref-barriers-line', 'bp-ref-venues-circle'])
      expect(drawn.counts[id], `${id} rendered`).toBeGreaterThan(0);
    // the whole city in view: all five districts, every venue (by name), the river and the expressway
    expect(drawn.districts).toEqual([...names('districts.geojson', 'name')].sort());
    expect(drawn.venues).toEqual([...names('venues.geojson', 'name')].sort());
    expect(drawn.barriers).toEqual([...names('river.geojson', 'name')].sort());
    // areas and roads under the plan's first layer; districts, barriers and venues over every
    // plan layer (cells, unit edges, outlines, city limits) but the beat numbers, kept on top
    const at = (id: string) => drawn.order.indexOf(id);
    for (const id of [...UNDER, ...PLAN_LAYERS, ...OVER, LABELS]) expect(at(id), id).toBeGreaterThanOrEqual(0);
    for (const id of UNDER) expect(at(id)).toBeLessThan(at(PLAN_LAYERS[0]!));
    const planLayers = drawn.order.filter((id) => /^bp-(beat|cells|city|unit|overlay)/.test(id) && id !== LABELS);
    expect(planLayers).toEqual(expect.arrayContaining([...PLAN_LAYERS, 'bp-unit-edges', 'bp-beat-outlines', 'bp-city-boundary']));
    const lastPlanLayer = Math.max(...planLayers.map(at));
    for (const id of OVER) expect(at(id), id).toBeGreaterThan(lastPlanLayer);
    expect(drawn.order.slice(-2)).toEqual(['bp-ref-venues-circle', LABELS]);
  });

  it('a venue is a dark dot on the canvas and its name is in the hover tooltip', async () => {
    // the venue nearest the map's centre, where it is drawn
    const v = await page.evaluate(() => {
      const map = window.__beatplan!.map;
      const c = map.getCanvas();
      const w = c.clientWidth / 2;
      const h = c.clientHeight / 2;
      const hits = map.queryRenderedFeatures({ layers: ['bp-ref-venues-circle'] }).map((f) => {
        const [lng, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
        const p = map.project([lng, lat]);
        return { name: String(f.properties?.name), x: p.x, y: p.y, d: Math.hypot(p.x - w, p.y - h) };
      });
      hits.sort((a, b) => a.d - b.d);
      const best = hits[0]!;
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const g = copy.getContext('2d')!;
      g.drawImage(c, 0, 0);
      const scale = c.width / c.clientWidth;
      const px = g.getImageData(Math.round(best.x * scale), Math.round(best.y * scale), 1, 1).data;
      const r = c.getBoundingClientRect();
      return { ...best, rgb: [px[0]!, px[1]!, px[2]!], pageX: r.left + best.x, pageY: r.top + best.y };
    });
    expect(Math.max(...v.rgb), `pixel under ${v.name}`).toBeLessThan(80);
    await page.mouse.move(v.pageX, v.pageY);
    await page.waitForFunction((name) => (document.getElementById('tooltip')?.textContent ?? '').includes(name), v.name, {
      timeout: 10_000,
    });
    const tip = await page.evaluate(() => {
      const t = document.getElementById('tooltip')!;
      return { hidden: t.hidden, rows: Array.from(t.querySelectorAll('tr'), (tr) => tr.textContent ?? '') };
    });
    expect(tip.hidden).toBe(false);
    expect(tip.rows).toContain(`Meeting venue${v.name}`);
    // away from every venue: no venue row
    await page.mouse.move(v.pageX + 40, v.pageY + 40);
    await page.waitForFunction(
      () =>
        !(document.getElementById('tooltip')?.textContent ?? '').includes('Meeting venue') || document.getElementById('tooltip')!.hidden,
      null,
      {
        timeout: 10_000,
      },
    );
    saveArtifact('ground-reference.png', await page.screenshot());
  });

  it("a keyboard user reads a venue's name in the Beat tab: find its beat by number, the card lists the venues in it", async () => {
    // a venue drawn on the map, and the beat whose fill is drawn under it
    const v = await page.evaluate(() => {
      const a = window.__beatplan!;
      const map = a.map;
      for (const f of map.queryRenderedFeatures({ layers: ['bp-ref-venues-circle'] })) {
        const [lng, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
        const under = map.queryRenderedFeatures(map.project([lng, lat]), { layers: ['bp-beat-areas', 'bp-cells-fill'] });
        const b = under.find((u) => typeof u.properties?.b === 'number')?.properties?.b as number | undefined;
        if (b !== undefined) return { name: String(f.properties?.name), beat: a.model!.beatIds[b]! };
      }
      return null;
    });
    expect(v, 'a venue drawn over a beat').not.toBeNull();
    await page.focus('#find-beat-input');
    await page.keyboard.type(v!.beat);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (want) => window.__beatplan!.selectedBeat !== null && window.__beatplan!.model!.beatIds[window.__beatplan!.selectedBeat] === want,
      v!.beat,
      { timeout: 10_000 },
    );
    await page.focus('#tab-beat');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=beat-card][data-beat="${v!.beat}"] [data-testid=beat-venues]`, { timeout: 10_000 });
    const listed = (await page.textContent('[data-testid=beat-card] [data-testid=beat-venues]')) ?? '';
    expect(listed.split('; ')).toContain(v!.name);
    // every venue the card names is one of the demo's venues
    const all = names('venues.geojson', 'name');
    for (const n of listed.split('; ')) expect(all.has(n), n).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('names every reference layer in the legend; axe-core finds no violation; no request leaves the page origin', async () => {
    const legend = (await page.textContent('#legend-slot')) ?? '';
    expect(legend).toContain('Ground reference');
    for (const label of ['neighbourhood edge', 'road', 'district boundary', 'river / expressway (barrier)'])
      expect(legend, label).toContain(label);
    expect(legend).toContain(
      `meeting venue (${(JSON.parse(demoFile('venues.geojson')) as { features: unknown[] }).features.length}; name on hover and in the Beat tab)`,
    );
    expect(await axeViolations(page)).toEqual([]);
    expect(requests.length).toBeGreaterThan(5);
    const allowed = [`${stack.url}/`, 'blob:', 'data:'];
    expect(requests.filter((u) => !allowed.some((p) => u.startsWith(p)))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
