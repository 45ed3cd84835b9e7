/**
 * Locates `../shared/realdata` for tests. Locally, a missing folder skips the real-data
 * tests; under CI (`CI` set) a missing folder is a failure, never a silent skip.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the shared real-data folder (may not exist). */
export const REALDATA_DIR = process.env.BEATPLAN_REALDATA ?? resolve(repoRoot, '..', 'shared', 'realdata');

/** True when the real data is present. Throws under CI when it is missing. */
export function hasRealdata(): boolean {
  const ok = existsSync(join(REALDATA_DIR, 'chicago', 'police_beats.geojson'));
  if (!ok && process.env.CI) {
    throw new Error(`CI is set but the real data is missing at ${REALDATA_DIR}`);
  }
  return ok;
}

/** Path of a file in the real-data folder, e.g. `realdata('chicago', 'police_beats.geojson')`. */
export function realdata(...parts: string[]): string {
  return join(REALDATA_DIR, ...parts);
}

/** Repository root (absolute). */
export const REPO_ROOT = repoRoot;
