/**
 * `beatplan simulate` end to end on Chicago: the README's plan and staffing commands, then the
 * 2015 incidents replayed against them → simulation.json with response = wait + travel, cross-
 * beat share, queued share and utilisation beside the hypercube's figures; the Poisson mode
 * agrees with the hypercube; the same seed gives the same bytes; bad inputs are exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { hasRealdata, realdata } from './support/realdata.js';

function capture() {
  const o = { out: '', err: '' };
  return { o, io: { stdout: { write: (s: string) => (o.out += s) }, stderr: { write: (s: string) => (o.err += s) } } };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runCli(args, c.io);
  return { code, ...c.o };
}

describe.skipIf(!hasRealdata())('beatplan simulate on Chicago', () => {
  const out = mkdtempSync(join(tmpdir(), 'bp-sim-'));
  const incidents = realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv');
  const planFile = join(out, 'plan', 'plan.json');
  const staffingFile = join(out, 'staff', 'staffing.json');
  let sim: any;
  let staffing: any;
  let staffOut = '';

  beforeAll(async () => {
    const plan = await cli([
      'plan',
      '--boundary',
      realdata('chicago', 'police_beats.geojson'),
      '--incidents',
      incidents,
      '--existing',
      realdata('chicago', 'police_beats.geojson'),
      '--existing-id',
      'beat_num',
      '--resolution',
      '10',
      '--seed',
      '7',
      '--out',
      join(out, 'plan'),
    ]);
    if (plan.code !== 0) throw new Error(plan.err);
    // roster: 3 officers per current beat and shift (every 25th unavailable)
    const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8')).features.map(
      (f: any) => f.properties.beat_num as string,
    );
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let id = 1;
    for (const b of beats)
      for (const shift of ['0-8', '8-16', '16-24'])
        for (let k = 0; k < 3; k++, id++)
          lines.push(`P${id},Officer ${id},${shift},Police Officer,${b},,${id % 25 === 0 ? 'false' : 'true'}`);
    writeFileSync(join(out, 'roster.csv'), `${lines.join('\n')}\n`);
    const staff = await cli(['staff', '--plan', planFile, '--roster', join(out, 'roster.csv'), '--out', join(out, 'staff')]);
    if (staff.code !== 0) throw new Error(staff.err);
    staffOut = staff.out;
    staffing = JSON.parse(readFileSync(staffingFile, 'utf8'));
    const r = await cli([
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      staffingFile,
      '--incidents',
      incidents,
      '--out',
      join(out, 'sim'),
      '--seed',
      '3',
    ]);
    if (r.code !== 0) throw new Error(r.err);
    console.log(r.out.trim());
    sim = JSON.parse(readFileSync(join(out, 'sim', 'simulation.json'), 'utf8'));
  }, 400_000);

  it('replays the 2015 incidents and writes every figure the issue asks for', () => {
    expect(sim.format).toBe('beatplan.simulation/1');
    expect(sim.mode).toBe('replay');
    expect(sim.period).toEqual({ start: '2015-01-23', days: 17 });
    // every incident the reader used is replayed or left out by a named reason
    const left = sim.calls.leftOut;
    expect(sim.calls.simulated + left.noTime + left.outsideGrid + left.unassignedCell + left.noShift).toBeLessThanOrEqual(sim.calls.read);
    expect(sim.calls.simulated).toBeGreaterThan(9_000);
    for (const f of [sim.city, ...sim.shifts, ...sim.priorities]) {
      expect(f.response.meanMinutes).toBeCloseTo(f.meanWaitMinutes + f.meanTravelMinutes, 3);
      expect(f.response.p50Minutes).toBeLessThanOrEqual(f.response.p90Minutes);
      expect(f.crossBeatShare).toBeGreaterThanOrEqual(0);
      expect(f.queuedShare).toBeGreaterThanOrEqual(0);
    }
    expect(sim.shifts.map((s: any) => s.shift)).toEqual(['0-8', '8-16', '16-24']);
    expect(sim.beats).toHaveLength(274);
    expect(sim.beats[0].shifts).toHaveLength(3);
    expect(sim.beats.reduce((t: number, b: any) => t + b.calls, 0)).toBe(sim.city.calls);
    expect(sim.priorities.map((p: any) => p.priority)).toEqual(['none']); // the portal export has no priority
    expect(sim.city.utilisation).toBeGreaterThan(0);
    expect(sim.city.utilisation).toBeLessThan(1);
    expect(sim.hypercube.city.rho).toBeGreaterThan(0);
    expect(sim.comparison.city.crossBeatShare.simulation).toBe(sim.city.crossBeatShare);
    expect(sim.assumptions.travel.speedKmh).toBe(30);
    // the replayed file is the plan's: the same load as the model's rates, so no warning about it
    expect(Math.abs(sim.city.utilisation / sim.hypercube.city.rho - 1)).toBeLessThan(0.05);
    expect(sim.warnings.filter((w: string) => /not the calls the plan was scored on/.test(w))).toEqual([]);
  });

  it("staff's terminal line names each response figure and states the travel assumption, as staffing.json holds them", () => {
    const city = staffing.response.city;
    const line = staffOut.split('\n').find((l) => l.startsWith('staffing response:'))!;
    expect(line).toBe(
      `staffing response: travel time mean ${city.meanTravelMinutes.toFixed(2)} min, p90 ${city.p90TravelMinutes.toFixed(2)} min; ` +
        `response time (queue wait + travel) mean ${city.meanResponseMinutes.toFixed(2)} min; utilisation ${(100 * city.rho).toFixed(1)}%, ` +
        `cross-beat dispatch ${(100 * city.crossBeatShare).toFixed(1)}%; assumed: travel straight line × 1.3 at 30 km/h plus barrier detours, no dispatch delay`,
    );
    expect(staffing.response.assumptions).toMatchObject({ speedKmh: [30, 30, 30], detourFactor: [1.3, 1.3, 1.3] });
    expect(staffing.response.assumptions.responseTime).toMatch(/queue wait \+ travel time/);
  });

  it('puts units on duty by the time model: allocated officers × 36 h ÷ 56 h, recomputed from staffing.json', () => {
    for (let s = 0; s < 3; s++) {
      let officers = 0;
      for (const b of staffing.beats) officers += b.shifts[s].allocated;
      expect(sim.unitsOnDuty.byShift[s].total).toBeCloseTo((officers * 36) / 56, 3);
    }
    // the simulated mean units on duty over the period match in expectation (fractions drawn per shift)
    const expected = sim.unitsOnDuty.byShift.reduce((t: number, x: any) => t + x.total, 0) / 3;
    expect(Math.abs(sim.city.unitsOnDuty - expected) / expected).toBeLessThan(0.02);
  });

  it('in --poisson mode agrees with the hypercube within 2 points; the same seed gives the same bytes', async () => {
    // one unit per beat and shift (56 h/week officers) so both models see the same whole units
    const one = {
      format: 'beatplan.staffing/1',
      beats: staffing.beats.map((b: any) => ({ id: b.id, shifts: b.shifts.map((s: any) => ({ shift: s.shift, allocated: 1 })) })),
    };
    writeFileSync(join(out, 'one.json'), JSON.stringify(one));
    const args = [
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      join(out, 'one.json'),
      '--officer-hours',
      '56',
      '--poisson',
      '--days',
      '56',
      '--seed',
      '5',
      '--strict',
    ];
    const a = await cli([...args, '--out', join(out, 'p1')]);
    expect(a.code, a.err).toBe(0);
    console.log(a.out.trim());
    const p = JSON.parse(readFileSync(join(out, 'p1', 'simulation.json'), 'utf8'));
    expect(p.mode).toBe('poisson');
    expect(Math.abs(p.comparison.city.utilisation.difference)).toBeLessThan(0.02);
    expect(Math.abs(p.comparison.city.crossBeatShare.difference)).toBeLessThan(0.02);
    expect(p.city.crossBeatShare).toBeGreaterThan(0.05); // a real check: calls do cross beats
    const b = await cli([...args, '--out', join(out, 'p2')]);
    expect(b.code).toBe(0);
    expect(readFileSync(join(out, 'p2', 'simulation.json'), 'utf8')).toBe(readFileSync(join(out, 'p1', 'simulation.json'), 'utf8'));
  }, 120_000);

  it('with mixed multi-unit beats (1, 2 and 3 units side by side) the Poisson simulation and the hypercube approximation agree within 2 points', async () => {
    // --officer-hours 56: units on duty = allocated officers, whole numbers, so both models see
    // the same units; beats get 1, 2, 3, 1, 2, 3 … units in id order (the README staffing itself
    // leaves units ~5% busy, where hardly any call crosses a beat). This checks the multi-unit
    // approximation (own-beat group chain, docs/time-model.md) at city scale.
    const mixed = {
      format: 'beatplan.staffing/1',
      beats: staffing.beats.map((b: any, k: number) => ({
        id: b.id,
        shifts: b.shifts.map((s: any) => ({ shift: s.shift, allocated: 1 + (k % 3) })),
      })),
    };
    writeFileSync(join(out, 'mixed.json'), JSON.stringify(mixed));
    const args = [
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      join(out, 'mixed.json'),
      '--officer-hours',
      '56',
      '--poisson',
      '--days',
      '21',
      '--seed',
      '11',
      '--out',
      join(out, 'pm'),
    ];
    const r = await cli(args);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(readFileSync(join(out, 'pm', 'simulation.json'), 'utf8'));
    console.log(
      `multi-unit Poisson vs hypercube: utilisation ${JSON.stringify(p.comparison.city.utilisation)}, cross-beat ${JSON.stringify(p.comparison.city.crossBeatShare)}`,
    );
    expect(Math.abs(p.comparison.city.utilisation.difference)).toBeLessThan(0.02);
    expect(Math.abs(p.comparison.city.crossBeatShare.difference)).toBeLessThan(0.02);
    expect(p.city.crossBeatShare).toBeGreaterThan(0.02); // a real check: calls do cross beats
  }, 300_000);

  it('says what it ignores (--service-cv under --poisson, --speed on roads: warning, in the file, exit 3 under --strict), states its travel assumption, and refuses a malformed roads file naming the feature', async () => {
    // A 1 km street grid over Chicago's extent: every crossing a shared vertex.
    const lngs = Array.from({ length: 36 }, (_, i) => -87.95 + i * 0.012);
    const lats = Array.from({ length: 45 }, (_, k) => 41.64 + k * 0.009);
    const line = (coordinates: number[][]) => ({
      type: 'Feature',
      properties: { highway: 'residential' },
      geometry: { type: 'LineString', coordinates },
    });
    const streets = [...lats.map((lat) => line(lngs.map((lng) => [lng, lat]))), ...lngs.map((lng) => line(lats.map((lat) => [lng, lat])))];
    writeFileSync(join(out, 'roads.geojson'), JSON.stringify({ type: 'FeatureCollection', features: streets }));
    const base = ['simulate', '--plan', planFile, '--staffing', staffingFile, '--poisson', '--days', '2'];
    const r = await cli([
      ...base,
      '--service-cv',
      '0.5',
      '--speed',
      '40',
      '--roads',
      join(out, 'roads.geojson'),
      '--strict',
      '--out',
      join(out, 'ign'),
    ]);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/warning: service-time CV 0\.5 ignored: Poisson mode draws exponential service times/);
    expect(r.err).toMatch(/warning: speed 40 km\/h (ignored|is used only for the \d+ place pairs the roads cannot join)/);
    expect(r.out).toMatch(
      /assumed: travel on the road graph \(1620 nodes\) at each road's speed, off-road legs at 20 km\/h × 1\.3; response time = queue wait \+ travel/,
    );
    const doc = JSON.parse(readFileSync(join(out, 'ign', 'simulation.json'), 'utf8'));
    expect(doc.warnings.filter((w: string) => /ignored|used only/.test(w))).toHaveLength(2);
    expect(doc.assumptions.travel).toMatchObject({ model: expect.stringMatching(/road graph/), nodes: 1620 });
    expect(doc.hypercube.calls).toMatch(/Poisson/);
    // without roads the stdout states the speed and detour factor
    const plain = await cli([...base, '--out', join(out, 'plain')]);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).toMatch(
      /assumed: travel straight line × 1\.3 at 30 km\/h, plus barrier detours; response time = queue wait \+ travel/,
    );
    // --map and friends read incidents: refused under --poisson, naming the flag
    const map = await cli([...base, '--map', 'lat=y', '--out', join(out, 'x')]);
    expect(map.code).toBe(2);
    expect(map.err).toMatch(/--map reads incidents/);
    // malformed roads: a Polygon, a feature without geometry, a negative speed — exit 2 naming file and feature
    const road = streets[0]!;
    const cases: Array<[unknown, RegExp]> = [
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [-87.7, 41.8],
              [-87.69, 41.8],
              [-87.69, 41.81],
              [-87.7, 41.8],
            ],
          ],
        },
        /INVALID_GEOMETRY.*feature 1: is a "Polygon", not a LineString.*bad-roads\.geojson/,
      ],
      [null, /INVALID_GEOMETRY.*feature 1: has no geometry.*bad-roads\.geojson/],
    ];
    for (const [geometry, message] of cases) {
      writeFileSync(
        join(out, 'bad-roads.geojson'),
        JSON.stringify({ type: 'FeatureCollection', features: [road, { type: 'Feature', properties: {}, geometry }] }),
      );
      const bad = await cli([...base, '--roads', join(out, 'bad-roads.geojson'), '--out', join(out, 'x')]);
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(message);
    }
    writeFileSync(
      join(out, 'bad-roads.geojson'),
      JSON.stringify({ type: 'FeatureCollection', features: [road, { ...streets[1], properties: { speed_kmh: -30 } }] }),
    );
    const neg = await cli([...base, '--roads', join(out, 'bad-roads.geojson'), '--out', join(out, 'x')]);
    expect(neg.code).toBe(2);
    expect(neg.err).toMatch(
      /bad-roads\.geojson: feature 1 has speed_kmh -30; a road speed must be a number > 0 km\/h.*features\.1\.properties\.speed_kmh/,
    );
  }, 300_000);

  it('names the rows it could not replay: a bad timestamp, a place outside the city, a malformed row (rejected, by line) and an unknown priority (kept without one)', async () => {
    const lines = readFileSync(incidents, 'utf8').split('\n').slice(0, 301);
    const withPriority = [`${lines[0]},Priority`, ...lines.slice(1).map((l) => `${l},2`)];
    // file lines 10-13 (the header is line 1) hold coordinates in the original
    withPriority[9] = withPriority[9]!.replace(/\d\d\/\d\d\/2015 \d\d:\d\d:\d\d [AP]M/, '31/31/2015 99:00:00 PM');
    withPriority[10] = withPriority[10]!.replace(/41\.\d+,-87\.\d+,"\(41\.\d+, -87\.\d+\)"/, '40.0,-80.0,"(40.0, -80.0)"');
    withPriority[11] = withPriority[11]!.slice(0, 40);
    withPriority[12] = withPriority[12]!.replace(/,2$/, ',urgent');
    writeFileSync(join(out, 'bad-rows.csv'), `${withPriority.join('\n')}\n`);
    const args = [
      ...['simulate', '--plan', planFile, '--staffing', staffingFile, '--incidents', join(out, 'bad-rows.csv')],
      ...['--map', 'lat=Latitude,lng=Longitude,time=Date,type=Primary Type,priority=Priority', '--strict'],
    ];
    const r = await cli([...args, '--out', join(out, 'bad-rows')]);
    expect(r.code, r.err).toBe(3);
    const doc = JSON.parse(readFileSync(join(out, 'bad-rows', 'simulation.json'), 'utf8'));
    const rejected = doc.warnings.find((w: string) => /rows were rejected by the reader/.test(w));
    for (const reason of ['invalid_time 1: lines 10', 'outside_boundary 2: lines 11, 202', 'malformed_row 1: lines 12']) {
      expect(rejected).toContain(reason);
      expect(r.err).toContain(reason);
    }
    // the file's counts are the reader's (stderr: "read 300, used …, rejected …")
    const counts = /read (\d+), used (\d+), rejected (\d+)/.exec(r.err)!;
    expect(doc.calls.read).toBe(300);
    expect([doc.calls.read, doc.calls.read - doc.calls.rejected, doc.calls.rejected]).toEqual(counts.slice(1).map(Number));
    expect(doc.calls.read - doc.calls.rejected).toBeGreaterThanOrEqual(doc.calls.simulated);
    const priority = 'incidents have a priority that is not a number ≥ 1 (Priority: "urgent" at line 13)';
    expect(doc.warnings.some((w: string) => w.includes(`1 ${priority}`))).toBe(true);
    expect(r.err).toContain(`warning: 1 ${priority}`);
    // 300 rows of one day are not the load of the plan's 17 days: said, with both figures
    expect(doc.warnings.some((w: string) => /^the replayed calls keep units [\d.]+% busy against the plan's rates' [\d.]+%/.test(w))).toBe(
      true,
    );
    // the row is replayed, as a call without a priority
    expect(doc.priorities.map((p: any) => [p.priority, p.calls])).toContainEqual(['none', 1]);
    // a replay is deterministic for a seed too (lognormal service draws, patrol positions): same bytes
    const again = await cli([...args, '--out', join(out, 'bad-rows-2')]);
    expect(again.code).toBe(3);
    expect(readFileSync(join(out, 'bad-rows-2', 'simulation.json'), 'utf8')).toBe(
      readFileSync(join(out, 'bad-rows', 'simulation.json'), 'utf8'),
    );
  }, 120_000);

  it('refuses a staffing of another plan and a missing flag with exit 2 naming them; --strict turns warnings into exit 3', async () => {
    const other = { format: 'beatplan.staffing/1', beats: staffing.beats.slice(1) };
    writeFileSync(join(out, 'other.json'), JSON.stringify(other));
    const r = await cli([
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      join(out, 'other.json'),
      '--incidents',
      incidents,
      '--out',
      join(out, 'x'),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/PLAN_GRID_MISMATCH.*other\.json/);
    const bad = {
      format: 'beatplan.staffing/1',
      beats: [{ ...staffing.beats[0], shifts: [{ shift: '0-8', allocated: -1 }] }, ...staffing.beats.slice(1)],
    };
    writeFileSync(join(out, 'bad.json'), JSON.stringify(bad));
    const r2 = await cli([
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      join(out, 'bad.json'),
      '--incidents',
      incidents,
      '--out',
      join(out, 'x'),
    ]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/beats\[0\]\.shifts\[0\]\.allocated/);
    const r3 = await cli(['simulate', '--plan', planFile, '--staffing', staffingFile, '--out', join(out, 'x')]);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/--incidents/);
    // the 2015 file has rows the reader rejects: a warning, and exit 3 under --strict
    const strict = await cli([
      'simulate',
      '--plan',
      planFile,
      '--staffing',
      staffingFile,
      '--incidents',
      incidents,
      '--out',
      join(out, 'strict'),
      '--strict',
    ]);
    expect(strict.code).toBe(3);
    expect(strict.err).toMatch(/warning: \d+ of \d+ incident rows were rejected/);
    expect(JSON.parse(readFileSync(join(out, 'strict', 'simulation.json'), 'utf8')).warnings.length).toBeGreaterThan(0);
    const help = await cli(['simulate', '--help']);
    expect(help.code).toBe(0);
    for (const flag of [
      '--plan',
      '--staffing',
      '--incidents',
      '--out',
      '--poisson',
      '--seed',
      '--days',
      '--officer-hours',
      '--service-cv',
      '--roads',
      '--strict',
    ])
      expect(help.out).toContain(flag);
  }, 60_000);
});
