/**
 * Grid + ingest + score on the Chicago data and on a generated 1,000,000-row incident CSV,
 * next to the time to merely parse the same CSV with the same parser (csv-parse through
 * `forEachCsvRecord`), measured in the same run. Also the peak RSS during the 1M ingest.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildGrid, pointToCellLocator, scoreCells } from '@beatplan/engine';
import { readBoundary, readIncidents, readLines } from '@beatplan/engine/io';
import { DEFAULT_MAX_ROW_BYTES, forEachCsvRecord } from '../../packages/engine/src/io/csv.js';
import { REALDATA_DIR, REPO_ROOT } from '../support/realdata.js';

const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

async function bareParse(file: string): Promise<number> {
  let rows = 0;
  await forEachCsvRecord(
    createReadStream(file),
    { file, maxRowBytes: DEFAULT_MAX_ROW_BYTES, sizeBytes: statSync(file).size, stage: 'parse' },
    () => {
      rows++;
    },
  );
  return rows;
}

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

export async function runIngestBench(): Promise<void> {
  console.log('\n## grid + ingest + score');
  const chicago = join(REALDATA_DIR, 'chicago');
  if (existsSync(chicago)) {
    let t = performance.now();
    const boundary = await readBoundary(join(chicago, 'police_beats.geojson'));
    const grid = buildGrid(boundary, { resolution: 10 });
    const gridMs = ms(t);
    t = performance.now();
    const { incidents, report } = await readIncidents(join(chicago, 'crimes_2015_jan23_feb08_10k.csv'), {
      locate: pointToCellLocator(grid, boundary),
    });
    const ingestMs = ms(t);
    t = performance.now();
    scoreCells(grid, incidents);
    console.log(
      `chicago res 10: ${grid.cellCount} cells; grid ${gridMs}, ingest ${ingestMs} (${report.used}/${report.read} used), score ${ms(t)}`,
    );
  } else {
    console.log('chicago: ../shared/realdata missing, skipped');
  }

  const dir = '/tmp/beatplan-bench-city';
  const csv = join(dir, 'incidents.csv');
  if (!existsSync(csv) || statSync(csv).size < 150e6) {
    console.log('generating a 1,000,000-row incident CSV with the demo generator …');
    execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(REPO_ROOT, 'data/generator/main.ts'), '--out', dir, '--incidents', '1000000'],
      { stdio: 'inherit' },
    );
  }
  const boundary = await readBoundary(join(dir, 'boundary.geojson'));
  const grid = buildGrid(boundary, { resolution: 10, barriers: await readLines(join(dir, 'river.geojson')) });
  let t = performance.now();
  const rows = await bareParse(csv);
  const parseMs = performance.now() - t;
  const rss = peakRss();
  t = performance.now();
  const { incidents, report } = await readIncidents(csv, { locate: pointToCellLocator(grid, boundary) });
  const ingestMs = performance.now() - t;
  t = performance.now();
  scoreCells(grid, incidents);
  const scoreMs = performance.now() - t;
  const peak = rss.stop();
  console.log(
    `1M rows (${(statSync(csv).size / 1e6).toFixed(0)} MB, ${rows} records): bare parse ${parseMs.toFixed(0)} ms; ` +
      `ingest ${ingestMs.toFixed(0)} ms + score ${scoreMs.toFixed(0)} ms = ${((ingestMs + scoreMs) / parseMs).toFixed(2)}× bare parse; ` +
      `${report.used} used; peak RSS ${(peak / 1e6).toFixed(0)} MB`,
  );
  void readFileSync;
}
