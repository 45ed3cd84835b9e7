import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliverFeatures } from '../packages/engine/src/cli/inputs.js';
import { runCli } from '../packages/engine/src/cli/run.js';
import { captureIo } from './support/cli-io.js';
import { hasRealdata, realdata } from './support/realdata.js';

const capture = captureIo;

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('sliverFeatures', () => {
  it('flags a strip, not a square', () => {
    const rect = (x0: number, y0: number, x1: number, y1: number) => ({
      type: 'Feature' as const,
      properties: {},
      geometry: {
        type: 'Polygon' as const,
        coordinates: [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      },
    });
    const fc = { type: 'FeatureCollection' as const, features: [rect(0, 0, 0.01, 0.01), rect(0, 0.02, 0.2, 0.021)] };
    expect(sliverFeatures(fc, ['square', 'strip'])).toEqual([{ id: 'strip', polsbyPopper: expect.closeTo(0.016, 3) }]);
  });
});

describe.skipIf(!hasRealdata())('default K from the current beats', () => {
  it('no Chicago beat is a sliver; Seattle\'s "99" is the only one', () => {
    const chicago = read(realdata('chicago', 'police_beats.geojson'));
    expect(
      sliverFeatures(
        chicago,
        chicago.features.map((f: { properties: { beat_num: string } }) => f.properties.beat_num),
      ),
    ).toEqual([]);
    const seattle = read(realdata('seattle', 'spd_beats_2018_present.geojson'));
    expect(
      sliverFeatures(
        seattle,
        seattle.features.map((f: { properties: { beat: string } }) => f.properties.beat),
      ).map((s) => s.id),
    ).toEqual(['99']);
  });

  it('Seattle: K = 54 patrol beats, and a warning names "99"', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bp-seattle-'));
    const beats = realdata('seattle', 'spd_beats_2018_present.geojson');
    const c = capture();
    const code = await runCli(
      [
        'plan',
        '--boundary',
        beats,
        '--existing',
        beats,
        '--existing-id',
        'beat',
        '--incidents',
        realdata('seattle', 'spd_call_data_2018_2023_dennyblaine_subset.csv'),
        '--map',
        'lat=Blurred_Latitude,lng=Blurred_Longitude,time=Original Time Queued,type=Final Call Type',
        '--resolution',
        '9',
        '--out',
        out,
      ],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.err).toMatch(/warning: K = 54: 1 current beat\(s\) not counted: 99 \(sliver: Polsby-Popper 0\.1\d* < 0\.15\)/);
    expect(read(join(out, 'metrics.json')).beats).toBe(54);
    expect(read(join(out, 'plan.json')).extra.notCountedInK).toEqual([
      { id: '99', why: expect.stringMatching(/^sliver: Polsby-Popper 0\.1\d* < 0\.15$/) },
    ]);
    // the current layer is still evaluated whole
    expect(read(join(out, 'existing-metrics.json')).beats).toBe(55);
  });
});
