/**
 * The planning map on the real Chicago beats (274 beats, ≈40k cells): beat numbers never
 * overlap, fewer are shown at city zoom and all of them at district zoom, each over its own
 * beat; the "find beat" box finds one and its number is drawn marked selected; and the render and pan figures are printed (the
 * targets — first settled render under 3 s, panning at 20 fps or more — are measured by
 * `pnpm bench map`, where a shared machine's noise does not fail a test run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRealdata } from '../support/realdata.js';
import { type ChicagoMap, firstSettledRender, openChicagoMap, panFps } from './chicago-map.js';
import { drawnLabels, fitPlan, haveChromium, overlappingLabels, saveArtifact, waitForLabelLook } from './harness.js';

describe.skipIf(!haveChromium() || !hasRealdata())('planning map on the Chicago beats', () => {
  let c: ChicagoMap;

  beforeAll(async () => {
    c = await openChicagoMap();
  }, 900_000);

  afterAll(async () => {
    await c?.close();
  });

  const idle = () =>
    c.page.waitForFunction(() => window.__beatplan!.map.loaded() && window.__beatplan!.map.areTilesLoaded(), null, { timeout: 120_000 });

  it('loads the 274 beats; at city zoom the numbers shown do not overlap, fewer than all, each on its beat', async () => {
    const ms = await firstSettledRender(c);
    const beats = await c.page.evaluate(() => window.__beatplan!.model!.beatIds.length as number);
    const cells = await c.page.evaluate(() => window.__beatplan!.model!.cellCount as number);
    console.log(`Chicago: ${cells} cells, ${beats} beats; first settled render ${ms} ms`);
    expect(beats).toBe(274);
    await fitPlan(c.page);
    await idle();
    await c.page.waitForTimeout(200);
    const city = await drawnLabels(c.page);
    saveArtifact('chicago-city.png', await c.page.screenshot());
    console.log(`city zoom: ${city.shown.length} of ${city.total} beat numbers shown`);
    expect(city.total).toBe(274);
    expect(city.shown.length).toBeGreaterThan(40);
    expect(city.shown.length).toBeLessThan(274);
    expect(overlappingLabels(city.shown)).toEqual([]);
    expect(city.shown.filter((l) => l.beatUnder !== l.beat)).toEqual([]);
  }, 300_000);

  it('at district zoom every beat number on the screen is shown, none overlapping', async () => {
    await c.page.evaluate(() => window.__beatplan!.map.zoomTo(window.__beatplan!.map.getZoom() + 2.5, { duration: 0 }));
    await idle();
    await c.page.waitForTimeout(200);
    const d = await drawnLabels(c.page);
    const onScreen = d.onScreen;
    saveArtifact('chicago-district.png', await c.page.screenshot());
    console.log(`district zoom: ${d.shown.length} of ${onScreen} on-screen beat numbers shown`);
    expect(onScreen).toBeGreaterThan(5);
    expect(d.shown.length).toBe(onScreen);
    expect(overlappingLabels(d.shown)).toEqual([]);
  }, 120_000);

  it('finds beat 1011 and zooms to it', async () => {
    await c.page.fill('#find-beat-input', '1011');
    await c.page.press('#find-beat-input', 'Enter');
    await c.page.waitForFunction(
      () => window.__beatplan!.selectedBeat !== null && window.__beatplan!.model!.beatIds[window.__beatplan!.selectedBeat] === '1011',
      null,
      { timeout: 10_000 },
    );
    await idle();
    const labels = await drawnLabels(c.page);
    expect(labels.shown.find((l) => l.beat === '1011')?.beatUnder).toBe('1011');
    await waitForLabelLook(c.page, '1011', 'selected', true, 10_000);
  }, 60_000);

  it('pans the whole city (figure printed)', async () => {
    await c.page.evaluate(() => window.__beatplan!.selectBeat(null));
    const fps = await panFps(c.page);
    console.log(`Chicago pan: ${fps.toFixed(1)} frames/s`);
    expect(fps).toBeGreaterThan(0);
  }, 180_000);
});
