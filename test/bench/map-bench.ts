/**
 * `pnpm bench map`: the planning map on the real Chicago beats (274 beats, ≈40k cells) in
 * the headless Chromium the browser tests use — the first settled render (navigation to every
 * tile drawn) and the frame rate while panning. Targets: under 3 s, at least 20 frames/s.
 * Needs /usr/bin/chromium and ../shared/realdata.
 */
import { existsSync } from 'node:fs';
import { firstSettledRender, openChicagoMap, panFps } from '../browser/chicago-map.js';
import { CHROMIUM } from '../browser/harness.js';
import { hasRealdata } from '../support/realdata.js';

/** Prints the map's render and pan figures (median of 3 loads; pan over 90 frames). */
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
  } finally {
    await c.close();
  }
}
