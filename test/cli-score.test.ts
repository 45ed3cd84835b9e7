import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { captureIo } from './support/cli-io.js';
import { hasRealdata, realdata } from './support/realdata.js';

const capture = captureIo;

describe('beatplan CLI: usage and bad input', () => {
  it('exits 2 naming the missing flag, the bad file and the bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-cli-'));
    let c = capture();
    expect(await runCli(['score', '--incidents', 'x.csv', '--out', dir], c.io)).toBe(2);
    expect(c.err).toMatch(/--boundary/);

    c = capture();
    expect(await runCli(['score', '--boundary', join(dir, 'nope.geojson'), '--incidents', 'x.csv', '--out', dir], c.io)).toBe(2);
    expect(c.err).toMatch(/nope\.geojson/);

    const bad = join(dir, 'bad.geojson');
    writeFileSync(
      bad,
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}',
    );
    c = capture();
    expect(await runCli(['score', '--boundary', bad, '--incidents', 'x.csv', '--out', dir], c.io)).toBe(2);
    expect(c.err).toMatch(/INVALID_GEOMETRY/);
    expect(c.err).toMatch(/bad\.geojson/);

    c = capture();
    expect(await runCli(['score', '--bogus'], c.io)).toBe(2);
    expect(c.err).toMatch(/bogus/);
    c = capture();
    expect(await runCli(['frobnicate'], c.io)).toBe(2);
    expect(await runCli(['help'], c.io)).toBe(0);
    expect(c.out).toMatch(/beatplan plan/);
  });
});

describe.skipIf(!hasRealdata())('beatplan score on Chicago', () => {
  it('writes cells.csv and score-report.json with the issue figures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bp-score-'));
    const c = capture();
    const code = await runCli(
      [
        'score',
        '--boundary',
        realdata('chicago', 'police_beats.geojson'),
        '--incidents',
        realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'),
        '--layer',
        `${realdata('chicago', 'community_areas_2020_acs.geojson')}:TOT_POP`,
        '--resolution',
        '10',
        '--out',
        out,
      ],
      c.io,
    );
    // the ingest summary, on stderr: read / used / rejected by reason with example lines
    expect(c.err).toMatch(
      /^incidents: .*crimes_2015_jan23_feb08_10k\.csv: read 9999, used 9837, rejected 162 \(missing_coordinates 162: lines \d+, \d+, \d+, \d+, \d+, …\)\n$/,
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'score-report.json'), 'utf8'));
    expect(report.resolution).toBe(10);
    expect(report.cells).toBe(39517);
    expect(report.components).toBe(1);
    expect(report.incidents.read).toBe(9999);
    expect(report.incidents.used).toBe(9837);
    expect(report.incidents.rejected.missing_coordinates).toBe(162);
    expect(report.incidents.rejected.outside_boundary).toBe(0);
    expect(Math.abs(report.scoring.totalPopulation - 2_708_500) / 2_708_500).toBeLessThan(0.005);

    const lines = readFileSync(join(out, 'cells.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('h3,workload,need,incidents,population,workload_0-8,workload_8-16,workload_16-24');
    expect(lines).toHaveLength(39518);
    let workload = 0;
    let incidents = 0;
    let shifts = 0;
    for (const l of lines.slice(1)) {
      const f = l.split(',');
      workload += Number(f[1]);
      incidents += Number(f[3]);
      shifts += Number(f[5]) + Number(f[6]) + Number(f[7]);
    }
    expect(incidents).toBe(9837);
    expect(workload).toBeCloseTo(report.scoring.totalWorkloadHours, 6);
    expect(shifts).toBeCloseTo(workload, 6);
  });
});
