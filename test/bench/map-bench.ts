/**
 * `pnpm bench map`: the planning map on the real Chicago beats (274 beats, ≈40k cells) in
 * the headless Chromium the browser tests use — the first settled render (navigation to every
 * tile drawn) and the frame rate while panning at city zoom. Targets: under 3 s, at least 20
 * frames/s. Beside them, what a frame costs on this machine: an empty frame (background only),
 * and the pan with each kind of layer hidden in turn (where the time of a pan frame goes).
 * Needs /usr/bin/chromium and ../shared/realdata.
 */
import { existsSync } from 'node:fs';
import { emptyFrameMs, firstSettledRender, openChicagoMap, panFps } from '../browser/chicago-map.js';
import { CHROMIUM } from '../browser/harness.js';
import { hasRealdata } from '../support/realdata.js';

/** Frames/s panning (40 frames) with `layers` (and the beat labels when `labels`) hidden. */
async function panWithout(page: Parameters<typeof panFps>[0], layers: readonly string[], labels: boolean): Promise<number> {
  const show = (visible: boolean) =>
    page.evaluate(
      ({ layers, labels, visible }) => {
        const map = window.__beatplan!.map;
        for (const id of layers) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
        if (labels) document.querySelector<HTMLElement>('.beat-labels')!.style.display = visible ? '' : 'none';
      },
      { layers, labels, visible },
    );
  await show(false);
  const fps = await panFps(page, 40);
  await show(true);
  return fps;
}

/** Prints the map's render and pan figures (median of 3 loads; pan over 90 frames), and the frame costs beside them. */
export async function runMapBench(): Promise<void> {
  if (!existsSync(CHROMIUM) || !hasRealdata()) {
    console.log(`map: skipped (needs ${CHROMIUM} and the real data)`);
    return;
  }
  const c = await openChicagoMap();
  try {
    const loads: number[] = [];
    for (let k = 0; k < 3; k++) loads.push(await firstSettledRender(c));
    const phases = await c.page.evaluate(() =>
      Object.fromEntries(Object.entries(window.__beatplan!.loadTimings).map(([k, v]) => [k, Math.round(v)])),
    );
    console.log(`map: load phases of the last load (ms) ${JSON.stringify(phases)}`);
    const fps = await panFps(c.page, 90);
    const median = [...loads].sort((a, b) => a - b)[1]!;
    console.log(
      `map: Chicago (274 beats, ${await c.page.evaluate(() => window.__beatplan!.model!.cellCount as number)} cells) first settled render ${median} ms (median of ${loads.join(', ')} ms; target < 3000), panning ${fps.toFixed(1)} frames/s (target ≥ 20)`,
    );
    const empty = await emptyFrameMs(c.page);
    const without = {
      'beat outlines': await panWithout(c.page, ['bp-beat-lines'], false),
      'beat fill': await panWithout(c.page, ['bp-beat-areas'], false),
      'beat labels': await panWithout(c.page, [], true),
    };
    const rows = Object.entries(without).map(([k, v]) => `without the ${k} ${v.toFixed(1)}`);
    console.log(
      `map: an empty frame (background only) ${empty.toFixed(0)} ms on this machine (≤ ${(1000 / empty).toFixed(0)} frames/s); panning frames/s ${rows.join(', ')}`,
    );
  } finally {
    await c.close();
  }
}
