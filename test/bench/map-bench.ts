/**
 * `pnpm bench map`: the planning map on the real Chicago beats (274 beats, ≈40k cells) in
 * the headless Chromium the browser tests use — the first settled render (navigation to every
 * tile drawn) and the frame rate while panning at city zoom. Targets: under 3 s, at least 20
 * frames/s. Beside them, what a frame costs on this machine: an empty frame (background only),
 * and the pan with each kind of layer hidden in turn (where the time of a pan frame goes).
 *
 * `pnpm bench map --base=DIR` also builds the map from `DIR` (a copy of `packages/map-ui`, e.g.
 * an older revision's: `git archive REV packages/map-ui | tar -x -C /tmp/base`, with
 * `node_modules` linked to this tree's and `tsconfig.base.json` copied two levels up) and
 * measures both in one run, alternating, so their ratio is not the machine's load changing.
 * Needs /usr/bin/chromium and ../shared/realdata.
 */
import { existsSync } from 'node:fs';
import { type ChicagoMap, emptyFrameMs, firstSettledRender, openChicagoMap, panFps } from '../browser/chicago-map.js';
import { CHROMIUM } from '../browser/harness.js';
import { hasRealdata } from '../support/realdata.js';

/** Frames/s panning (40 frames) with `layers` (and the beat labels when `labels`) hidden. */
async function panWithout(page: ChicagoMap['page'], layers: readonly string[], labels: boolean): Promise<number> {
  const show = (visible: boolean) =>
    page.evaluate(
      ({ layers, labels, visible }) => {
        const map = window.__beatplan!.map;
        for (const id of layers) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
        if (!labels) return;
        // the labels' symbol layer; in an older build (`--base`), a page layer over the map
        if (map.getLayer('bp-beat-labels')) map.setLayoutProperty('bp-beat-labels', 'visibility', visible ? 'visible' : 'none');
        const page = document.querySelector<HTMLElement>('.beat-labels');
        if (page) page.style.display = visible ? '' : 'none';
      },
      { layers, labels, visible },
    );
  await show(false);
  const fps = await panFps(page, 40);
  await show(true);
  return fps;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Prints the map's render and pan figures (median of 3 loads — 5 with `--base` — and of 3 pans of 60 frames), and the frame costs beside them. */
export async function runMapBench(): Promise<void> {
  if (!existsSync(CHROMIUM) || !hasRealdata()) {
    console.log(`map: skipped (needs ${CHROMIUM} and the real data)`);
    return;
  }
  const baseRoot = process.argv.find((a) => a.startsWith('--base='))?.slice('--base='.length);
  const maps: Array<[string, ChicagoMap]> = [['this tree', await openChicagoMap()]];
  try {
    if (baseRoot) maps.push([`base ${baseRoot}`, await openChicagoMap(baseRoot)]);
    const loads = maps.map(() => [] as number[]);
    const pans = maps.map(() => [] as number[]);
    // 3 loads, or 5 of each when two builds alternate (a ratio of medians wants more samples)
    for (let k = 0; k < (baseRoot ? 5 : 3); k++) for (const [i, [, c]] of maps.entries()) loads[i]!.push(await firstSettledRender(c));
    for (const [name, c] of maps) {
      const phases = await c.page.evaluate(() =>
        Object.fromEntries(Object.entries(window.__beatplan!.loadTimings).map(([k, v]) => [k, Math.round(v)])),
      );
      console.log(`map (${name}): load phases of the last load (ms) ${JSON.stringify(phases)}`);
    }
    for (let k = 0; k < 3; k++) for (const [i, [, c]] of maps.entries()) pans[i]!.push(await panFps(c.page, 60));
    for (const [i, [name, c]] of maps.entries()) {
      const cells = await c.page.evaluate(() => window.__beatplan!.model!.cellCount as number);
      console.log(
        `map (${name}): Chicago (274 beats, ${cells} cells) first settled render ${median(loads[i]!)} ms (median of ${loads[i]!.join(', ')} ms; target < 3000), ` +
          `panning ${median(pans[i]!).toFixed(1)} frames/s (median of ${pans[i]!.map((f) => f.toFixed(1)).join(', ')}; target ≥ 20)`,
      );
    }
    if (baseRoot)
      console.log(
        `map: this tree ÷ base, same run: first settled render × ${(median(loads[0]!) / median(loads[1]!)).toFixed(2)}, panning frames/s × ${(median(pans[0]!) / median(pans[1]!)).toFixed(2)}`,
      );
    const page = maps[0]![1].page;
    const empty = await emptyFrameMs(page);
    const without = {
      'beat outlines': await panWithout(page, ['bp-beat-lines'], false),
      'beat fill': await panWithout(page, ['bp-beat-areas'], false),
      'beat labels': await panWithout(page, [], true),
    };
    const rows = Object.entries(without).map(([k, v]) => `without the ${k} ${v.toFixed(1)}`);
    console.log(
      `map: an empty frame (background only) ${empty.toFixed(0)} ms on this machine (≤ ${(1000 / empty).toFixed(0)} frames/s); panning frames/s ${rows.join(', ')}`,
    );
  } finally {
    for (const [, c] of maps) await c.close();
  }
}
