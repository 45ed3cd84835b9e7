/**
 * Screenshot comparison with a tolerance: both PNGs are decoded by the browser (no PNG
 * library needed), and the mean absolute difference per RGB channel (0–255) is returned.
 * An expected image is written only on request (`REGEN=1`, or `REGEN=<name>.png,…` for some),
 * and never under CI: a missing one fails the test.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, EXPECTED } from './harness.js';

/** Result of {@link compareScreenshot}. */
export interface PixelDiff {
  /** Mean |actual − expected| over the RGB channels of every pixel, 0–255 (255 when sizes differ). */
  meanAbsDiff: number;
  /** Share of pixels whose largest channel difference exceeds 32. */
  changedShare: number;
  /** True when the expected image was (re)written from this run. */
  created: boolean;
}

/** A rectangle of an image, CSS px = image px (the tests run at deviceScaleFactor 1). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * True when `REGEN` asks to rewrite the expected image `name`: `REGEN=1` rewrites every image,
 * `REGEN=swipe.png,heat.png` only those named (so a change to one view does not silently
 * re-bless the others).
 */
export function regenerates(name: string, regen = process.env.REGEN): boolean {
  if (!regen) return false;
  return (
    regen === '1' ||
    regen
      .split(',')
      .map((x) => x.trim())
      .includes(name)
  );
}

/**
 * Mean absolute difference per RGB channel (0–255) of two PNGs, over `rect` or the whole
 * image, and the share of pixels whose largest channel difference exceeds 32. Both images are
 * decoded by the browser (no PNG library needed).
 * @param page any page of the browser (used only to decode the images; its state is not changed)
 */
export async function imageDiff(page: Page, a: Buffer, b: Buffer, rect?: Rect): Promise<Omit<PixelDiff, 'created'>> {
  return page.evaluate(
    async ([x64, y64, r]) => {
      const decode = async (b64: string) => {
        const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
        const c = new OffscreenCanvas(img.width, img.height);
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, img.width, img.height);
      };
      const x = await decode(x64!);
      const y = await decode(y64!);
      if (x.width !== y.width || x.height !== y.height) return { meanAbsDiff: 255, changedShare: 1 };
      const box = r ?? { x: 0, y: 0, width: x.width, height: x.height };
      let sum = 0;
      let changed = 0;
      let pixels = 0;
      for (let row = Math.max(0, box.y); row < Math.min(x.height, box.y + box.height); row++) {
        for (let col = Math.max(0, box.x); col < Math.min(x.width, box.x + box.width); col++) {
          const k = 4 * (row * x.width + col);
          let worst = 0;
          for (let c = 0; c < 3; c++) {
            const d = Math.abs(x.data[k + c]! - y.data[k + c]!);
            sum += d;
            if (d > worst) worst = d;
          }
          if (worst > 32) changed++;
          pixels++;
        }
      }
      return { meanAbsDiff: pixels ? sum / (pixels * 3) : 0, changedShare: pixels ? changed / pixels : 0 };
    },
    [a.toString('base64'), b.toString('base64'), rect ?? null] as const,
  );
}

/**
 * Compares a screenshot with `test/browser/expected/<name>`. `REGEN` naming it (see
 * {@link regenerates}) writes the actual one as the new expectation, except under CI.
 * @param page any page of the browser (used only to decode the images; its state is not changed)
 * @throws Error when the expected image is missing (and not being regenerated), or when `REGEN`
 *   is set under CI (expectations are never re-blessed by the CI run itself)
 */
export async function compareScreenshot(page: Page, actual: Buffer, name: string): Promise<PixelDiff> {
  const expectedPath = join(EXPECTED, name);
  if (regenerates(name)) {
    if (process.env.CI) throw new Error(`REGEN=${process.env.REGEN} under CI: expected images are regenerated locally only`);
    mkdirSync(EXPECTED, { recursive: true });
    writeFileSync(expectedPath, actual);
    return { meanAbsDiff: 0, changedShare: 0, created: true };
  }
  if (!existsSync(expectedPath)) {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `actual-${name}`), actual);
    throw new Error(
      `no expected image test/browser/expected/${name} (this run's is test-artifacts/actual-${name}); create it locally with REGEN=${name}`,
    );
  }
  const r = await imageDiff(page, actual, readFileSync(expectedPath));
  if (r.meanAbsDiff > 0) {
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(expectedPath, join(ARTIFACTS, `expected-${name}`));
  }
  return { ...r, created: false };
}
