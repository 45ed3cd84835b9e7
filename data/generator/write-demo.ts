/**
 * Writes the demo city to a folder: the small files (written only when their bytes change),
 * the large incidents file (streamed; skipped when the manifest vouches for the file on disk)
 * and `manifest.json` with the sha256 of every file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoCounts } from './demo-files.js';
import { buildDemo, DEFAULT_SEED, GENERATOR_VERSION, SMALL_FILES } from './demo-files.js';
import type { IncidentStats } from './incidents.js';
import { incidentCsvChunks, planIncidents } from './incidents.js';

/** Default number of incident rows. */
export const DEFAULT_INCIDENTS = 200_000;
/** The incidents file name (git-ignored: regenerated when missing). */
export const INCIDENTS_FILE = 'incidents.csv';
/** The manifest file name. */
export const MANIFEST_FILE = 'manifest.json';

/** Options of {@link writeDemo}. */
export interface WriteDemoOptions {
  /** Seed of every random choice (default {@link DEFAULT_SEED}). */
  seed?: number;
  /** Output folder (created if missing). */
  outDir: string;
  /** Number of incident rows (default {@link DEFAULT_INCIDENTS}). */
  incidents?: number;
  /** Rewrite every file even when it is already up to date. */
  force?: boolean;
  /** Progress messages (default: none). */
  log?: (message: string) => void;
}

/** What happened to each file. */
export interface WriteDemoReport {
  files: Array<{ name: string; status: 'written' | 'unchanged'; bytes: number }>;
  manifest: Manifest;
}

/** The content of `manifest.json`. */
export interface Manifest {
  format: 'beatplan.demo-manifest/1';
  city: string;
  synthetic: true;
  generatorVersion: string;
  /** sha256 of the generator's source (LF line endings), to tell when outputs may be stale. */
  sourceSha256: string;
  seed: number;
  incidentsRequested: number;
  counts: DemoCounts & { incidents: IncidentStats };
  files: Record<string, { bytes: number; sha256: string }>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Generates the demo city into `outDir`.
 * @throws Error on file-system failures or a generator invariant failure
 * @example await writeDemo({ outDir: 'data/demo', seed: 2025, incidents: 200_000 });
 */
export async function writeDemo(options: WriteDemoOptions): Promise<WriteDemoReport> {
  const seed = options.seed ?? DEFAULT_SEED;
  const incidents = options.incidents ?? DEFAULT_INCIDENTS;
  const log = options.log ?? (() => {});
  const out = options.outDir;
  await mkdir(out, { recursive: true });
  const sourceSha256 = await generatorSourceHash();
  const previous = await readManifest(path.join(out, MANIFEST_FILE));

  const t0 = performance.now();
  const demo = buildDemo(seed);
  log(`city built in ${Math.round(performance.now() - t0)} ms`);

  const report: WriteDemoReport['files'] = [];
  const files: Manifest['files'] = {};
  for (const name of SMALL_FILES) {
    const text = demo.smallFiles.get(name)!;
    const status = await writeIfChanged(path.join(out, name), text, options.force ?? false);
    const bytes = Buffer.byteLength(text);
    files[name] = { bytes, sha256: sha256(text) };
    report.push({ name, status, bytes });
  }

  // Incidents: reuse the file on disk when the previous manifest was made by the same
  // generator with the same seed and count and the file still has the recorded hash.
  const incidentsPath = path.join(out, INCIDENTS_FILE);
  const recorded = previous?.files[INCIDENTS_FILE];
  let incidentCounts: IncidentStats | null = null;
  if (
    !options.force &&
    previous &&
    recorded &&
    previous.seed === seed &&
    previous.incidentsRequested === incidents &&
    previous.generatorVersion === GENERATOR_VERSION &&
    previous.sourceSha256 === sourceSha256 &&
    (await fileSha256(incidentsPath)) === recorded.sha256
  ) {
    files[INCIDENTS_FILE] = recorded;
    incidentCounts = previous.counts.incidents as IncidentStats;
    report.push({ name: INCIDENTS_FILE, status: 'unchanged', bytes: recorded.bytes });
  } else {
    const t1 = performance.now();
    const plan = planIncidents(demo.city, demo.incidentRng, incidents);
    const stats: IncidentStats = { rows: 0, rowsWithoutCoordinates: 0, byPrimaryType: {} };
    const { bytes, sha } = await streamToFile(incidentsPath, incidentCsvChunks(demo.city, plan, demo.incidentRowRng, stats));
    files[INCIDENTS_FILE] = { bytes, sha256: sha };
    incidentCounts = stats;
    report.push({ name: INCIDENTS_FILE, status: 'written', bytes });
    log(`${stats.rows} incidents written in ${Math.round(performance.now() - t1)} ms`);
  }

  const manifest: Manifest = {
    format: 'beatplan.demo-manifest/1',
    city: 'Lakeport',
    synthetic: true,
    generatorVersion: GENERATOR_VERSION,
    sourceSha256,
    seed,
    incidentsRequested: incidents,
    counts: {
      ...demo.counts,
      incidents: {
        rows: incidentCounts.rows,
        rowsWithoutCoordinates: incidentCounts.rowsWithoutCoordinates,
        byPrimaryType: sortedRecord(incidentCounts.byPrimaryType),
      },
    },
    files,
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  const status = await writeIfChanged(path.join(out, MANIFEST_FILE), manifestText, options.force ?? false);
  report.push({ name: MANIFEST_FILE, status, bytes: Buffer.byteLength(manifestText) });
  return { files: report, manifest };
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/** sha256 of the generator's own sources (non-test `.ts` here, plus the engine's RNG). */
export async function generatorSourceHash(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const names = (await readdir(here)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort();
  const hash = createHash('sha256');
  const add = async (label: string, file: string) => {
    hash.update(`${label}\n`);
    hash.update((await readFile(file, 'utf8')).replace(/\r\n/g, '\n'));
  };
  for (const n of names) await add(n, path.join(here, n));
  await add('engine/random.ts', path.join(here, '../../packages/engine/src/random.ts'));
  return hash.digest('hex');
}

async function readManifest(file: string): Promise<Manifest | null> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    return m.format === 'beatplan.demo-manifest/1' ? m : null;
  } catch {
    return null;
  }
}

async function fileSha256(file: string): Promise<string | null> {
  try {
    await stat(file);
  } catch {
    return null;
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeIfChanged(file: string, text: string, force: boolean): Promise<'written' | 'unchanged'> {
  if (!force) {
    try {
      if ((await readFile(file, 'utf8')) === text) return 'unchanged';
    } catch {
      // missing: write it
    }
  }
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
  return 'written';
}

/** Streams text chunks to a file (through a temporary name), hashing as it goes. */
async function streamToFile(file: string, chunks: Iterable<string>): Promise<{ bytes: number; sha: string }> {
  const tmp = `${file}.tmp-${process.pid}`;
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await open(tmp, 'w');
  try {
    for (const chunk of chunks) {
      const buf = Buffer.from(chunk, 'utf8');
      hash.update(buf);
      bytes += buf.length;
      await fh.write(buf);
    }
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
  return { bytes, sha: hash.digest('hex') };
}
