/**
 * Screenshot comparison with a tolerance: both PNGs are decoded by the browser (no PNG
 * library needed), and the mean absolute difference per RGB channel (0–255) is returned.
 * A missing expected image (or `REGEN=1`) writes the actual one as the new expectation.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/**
 * Compares a screenshot with `test/browser/expected/<name>`.
 * @param page any page of the browser (used only to decode the images; its state is not changed)
 */
export async function compareScreenshot(page: Page, actual: Buffer, name: string): Promise<PixelDiff> {
  const expectedPath = join(EXPECTED, name);
  if (!existsSync(expectedPath) || process.env.REGEN === '1') {
    mkdirSync(EXPECTED, { recursive: true });
    writeFileSync(expectedPath, actual);
    return { meanAbsDiff: 0, changedShare: 0, created: true };
  }
  const { readFileSync } = await import('node:fs');
  const expected = readFileSync(expectedPath);
  const r = await page.evaluate(
    async ([a, b]) => {
      const decode = async (b64: string) => {
        const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
        const c = new OffscreenCanvas(img.width, img.height);
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        return g.getImageData(0, 0, img.width, img.height);
      };
      const x = await decode(a!);
      const y = await decode(b!);
      if (x.width !== y.width || x.height !== y.height) return { meanAbsDiff: 255, changedShare: 1 };
      let sum = 0;
      let changed = 0;
      for (let k = 0; k < x.data.length; k += 4) {
        let worst = 0;
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(x.data[k + c]! - y.data[k + c]!);
          sum += d;
          if (d > worst) worst = d;
        }
        if (worst > 32) changed++;
      }
      const pixels = x.data.length / 4;
      return { meanAbsDiff: sum / (pixels * 3), changedShare: changed / pixels };
    },
    [actual.toString('base64'), expected.toString('base64')] as const,
  );
  if (r.meanAbsDiff > 0) {
    mkdirSync(ARTIFACTS, { recursive: true });
    copyFileSync(expectedPath, join(ARTIFACTS, `expected-${name}`));
  }
  return { ...r, created: false };
}
