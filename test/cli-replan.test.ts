/**
 * Re-planning through the CLI on Chicago: a change budget that cannot reach the band says so
 * (warning naming the beats, metrics.json warnings[] and change, exit 3 under --strict), the
 * moved share is printed, and --change-curve writes change-curve.json.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { captureIo } from './support/cli-io.js';
import { hasRealdata, realdata } from './support/realdata.js';

/** `beatplan plan` on Chicago's beats and 2015 slice with `extra` flags, into a fresh folder. */
async function planChicago(extra: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'bp-replan-'));
  const c = captureIo();
  const code = await runCli(
    [
      'plan',
      '--boundary',
      realdata('chicago', 'police_beats.geojson'),
      '--incidents',
      realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'),
      ...extra,
      '--out',
      out,
    ],
    c.io,
  );
  return { code, out, stdout: c.out, stderr: c.err, metrics: JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) };
}

describe.skipIf(!hasRealdata())('beatplan plan --start-from-existing --max-change --change-curve --strict on Chicago', () => {
  it('exits 3 under --strict when the budget cannot reach the band, with the figures in metrics.json and change-curve.json', async () => {
    const { code, out, stdout, stderr, metrics } = await planChicago([
      '--existing',
      realdata('chicago', 'police_beats.geojson'),
      '--existing-id',
      'beat_num',
      '--resolution',
      '10',
      '--start-from-existing',
      '--max-change',
      '0.1',
      '--change-curve',
      '0.1,1',
      '--strict',
    ]);
    console.log(stdout.trim());
    expect(code, stderr).toBe(3);
    expect(stdout).toMatch(/moved: 10\.0% of the workload \([\d.]+% of the cells\) changed beat against the predecessor; budget 10\.0%/);
    expect(stderr).toMatch(
      /warning: \d+ of 274 beats outside the band mean × \(1 ± 0\.025\) \(the change budget of 10\.0% of the workload is spent\): \d{4}, /,
    );
    expect(metrics.tolerance).toBe(0.025);
    expect(metrics.change.budget).toBe(0.1);
    expect(metrics.change.movedWorkloadShare).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(metrics.beatsOutsideTolerance).toBeGreaterThan(0);
    expect(metrics.warnings.some((w: string) => w.includes('beats outside the band'))).toBe(true);
    const curve = JSON.parse(readFileSync(join(out, 'change-curve.json'), 'utf8'));
    expect(curve.tolerance).toBe(0.025);
    expect(curve.points.map((p: { budget: number }) => p.budget)).toEqual([0.1, 1]);
    const [tight, free] = curve.points;
    expect(tight.movedWorkloadShare).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(free.beatsOutsideBand).toBe(0);
    expect(free.maxOverMean).toBeLessThan(tight.maxOverMean);
    expect(free.movedWorkloadShare).toBeGreaterThan(tight.movedWorkloadShare);
  }, 600_000);

  it('reports an ignored option: --max-change without --start-from-existing is a warning, exit 3 under --strict', async () => {
    const { code, stderr, metrics } = await planChicago(['--resolution', '9', '--beats', '40', '--max-change', '0.2', '--strict']);
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(/warning: maxChange was ignored/);
    expect(metrics.change).toBeNull();
    expect(metrics.warnings.join(' ')).toMatch(/maxChange was ignored/);
    expect(metrics.beatsOutsideTolerance).toBe(0);
  }, 300_000);
});
