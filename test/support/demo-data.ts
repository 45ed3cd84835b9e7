/**
 * The demo city's files for tests. `data/demo/incidents.csv` is git-ignored (a fresh clone
 * has none): it is generated here exactly as `pnpm demo:data` would (same seed, same bytes).
 * Test files run in parallel processes, so the file is generated in a private folder and renamed
 * into place: a reader never sees a half-written file.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './realdata.js';

/** The demo city's folder. */
export const DEMO_DIR = join(REPO_ROOT, 'data/demo');

/** Makes sure `data/demo/incidents.csv` exists (generating it when missing); returns its path. */
export async function ensureDemoIncidents(): Promise<string> {
  const file = join(DEMO_DIR, 'incidents.csv');
  if (existsSync(file)) return file;
  const { writeDemo } = await import('../../data/generator/write-demo.js');
  const tmp = mkdtempSync(join(REPO_ROOT, 'data', '.demo-'));
  try {
    await writeDemo({ outDir: tmp });
    renameSync(join(tmp, 'incidents.csv'), file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return file;
}

/** The demo city's incidents, the header and the first `rows` rows. */
export async function demoIncidents(rows: number): Promise<string> {
  const text = readFileSync(await ensureDemoIncidents(), 'utf8');
  let end = 0;
  for (let k = 0; k <= rows && end >= 0; k++) end = text.indexOf('\n', end + 1);
  return end < 0 ? text : text.slice(0, end + 1);
}

/** Reads a (committed) demo file, e.g. `boundary.geojson`. */
export function demoFile(name: string): string {
  return readFileSync(join(DEMO_DIR, name), 'utf8');
}
