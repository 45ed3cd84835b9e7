/**
 * End to end on Chicago through the CLI: plan → metrics.json checked against an independent
 * recomputation from cells.csv with h3-js and turf → evaluate → staff with a roster of ~9
 * officers per beat (CAPS practice) whose current beats are Chicago's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { polygonToLine, area as turfArea, length as turfLength } from '@turf/turf';
import { cellsToMultiPolygon, gridDisk } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { createRng } from '../packages/engine/src/random.js';
import { hasRealdata, realdata } from './support/realdata.js';

function capture() {
  const o = { out: '', err: '' };
  return { o, io: { stdout: { write: (s: string) => (o.out += s) }, stderr: { write: (s: string) => (o.err += s) } } };
}

function readCsv(file: string): { head: string[]; rows: string[][] } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { head: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe.skipIf(!hasRealdata())('beatplan plan / evaluate / staff on Chicago', () => {
  const out = mkdtempSync(join(tmpdir(), 'bp-plan-'));
  let metrics: any;
  let existing: any;

  beforeAll(async () => {
    const c = capture();
    const code = await runCli(
      [
        'plan',
        '--boundary',
        realdata('chicago', 'police_beats.geojson'),
        '--incidents',
        realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'),
        '--existing',
        realdata('chicago', 'police_beats.geojson'),
        '--existing-id',
        'beat_num',
        '--layer',
        `${realdata('chicago', 'community_areas_2020_acs.geojson')}:TOT_POP`,
        '--resolution',
        '10',
        '--seed',
        '7',
        '--out',
        out,
      ],
      c.io,
    );
    if (code !== 0) throw new Error(c.o.err);
    console.log(c.o.out.trim());
    metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    existing = JSON.parse(readFileSync(join(out, 'existing-metrics.json'), 'utf8'));
  }, 300_000);

  it('meets the districting targets and beats the current beats on all three figures', () => {
    expect(metrics.cells).toBe(39517);
    expect(metrics.beats).toBe(274); // K = the number of existing beats
    expect(metrics.contiguity.nonContiguousBeats).toBe(0);
    expect(metrics.unassignedCells).toBe(0);
    expect(metrics.workload.maxOverMean).toBeLessThanOrEqual(1.05);
    expect(metrics.workload.cv).toBeLessThanOrEqual(0.03);
    // The default band is the engine's DEFAULT_TOLERANCE (±2.5%): a CLI default of 0.05 read
    // as ±5% gives max/mean 1.050 and cv 0.034 — the "cv 0.0325 > 0.03" failures of a tree
    // where the engine's ±ε change had landed and the CLI's old default had not.
    expect(metrics.tolerance).toBe(0.025);
    expect(metrics.beatsOutsideTolerance).toBe(0);
    expect(metrics.compactness.polsbyPopperMean).toBeGreaterThan(0.45);
    expect(existing.workload.maxOverMean).toBeGreaterThan(2);
    expect(existing.compactness.polsbyPopperMean).toBeLessThan(metrics.compactness.polsbyPopperMean);
    for (const k of ['grid', 'score', 'plan', 'evaluate', 'total']) expect(metrics.timingsMs[k]).toBeGreaterThan(0);
  });

  it('reports response and cross-beat dispatch for the plan and the current beats under one staffing rule', () => {
    for (const m of [metrics, existing]) {
      expect(m.response.staffingRule).toMatch(/required/);
      expect(m.response.city.meanTravelMinutes).toBeGreaterThan(0);
      expect(m.response.city.crossBeatShare).toBeGreaterThanOrEqual(0);
      expect(m.response.city.crossBeatShare).toBeLessThan(1);
      expect(m.response.shifts).toHaveLength(3);
      expect(m.perBeat[0].meanTravelMinutes).toBeGreaterThan(0);
    }
    const f = (m: any) =>
      `mean travel ${m.response.city.meanTravelMinutes.toFixed(2)} min, p90 ${m.response.city.p90TravelMinutes.toFixed(2)} min, cross-beat ${(100 * m.response.city.crossBeatShare).toFixed(1)}%, units ${m.response.city.units.toFixed(0)}`;
    console.log(`Chicago response — plan: ${f(metrics)} | current beats: ${f(existing)}`);
    const beats = JSON.parse(readFileSync(join(out, 'beats.geojson'), 'utf8'));
    expect(beats.features).toHaveLength(274);
    expect(beats.features[0].properties.crossBeatShare).toBeTypeOf('number');
  });

  it('metrics.json equals what anyone recomputes from cells.csv with h3-js and turf', () => {
    const { head, rows } = readCsv(join(out, 'cells.csv'));
    expect(head.slice(0, 4)).toEqual(['h3', 'beat', 'workload', 'need']);
    const cellsOf = new Map<string, string[]>();
    const workloadOf = new Map<string, number>();
    let total = 0;
    for (const r of rows) {
      (cellsOf.get(r[1]!) ?? cellsOf.set(r[1]!, []).get(r[1]!)!).push(r[0]!);
      workloadOf.set(r[1]!, (workloadOf.get(r[1]!) ?? 0) + Number(r[2]));
      total += Number(r[2]);
    }
    expect(rows).toHaveLength(metrics.cells);
    expect(cellsOf.size).toBe(metrics.beats);
    expect(total).toBeCloseTo(metrics.workload.total, 6);
    const loads = [...workloadOf.values()];
    const mean = total / loads.length;
    expect(Math.max(...loads) / mean).toBeCloseTo(metrics.workload.maxOverMean, 9);
    const sd = Math.sqrt(loads.reduce((s, x) => s + (x - mean) ** 2, 0) / loads.length);
    expect(sd / mean).toBeCloseTo(metrics.workload.cv, 9);

    // Polsby-Popper of every beat from its dissolved cells
    const bridges: Array<[string, string]> = metrics.bridges;
    const bridged = new Map<string, string[]>();
    for (const [a, b] of bridges) {
      (bridged.get(a) ?? bridged.set(a, []).get(a)!).push(b);
      (bridged.get(b) ?? bridged.set(b, []).get(b)!).push(a);
    }
    let ppSum = 0;
    for (const beat of metrics.perBeat) {
      const cells = cellsOf.get(beat.id)!;
      expect(cells.length).toBe(beat.cells);
      expect(workloadOf.get(beat.id)).toBeCloseTo(beat.workload, 6);
      const mp = { type: 'MultiPolygon' as const, coordinates: cellsToMultiPolygon(cells, true) };
      const a = turfArea(mp) / 1e6;
      const p = turfLength(polygonToLine({ type: 'Feature', properties: {}, geometry: mp }) as never, { units: 'kilometers' });
      const pp = (4 * Math.PI * a) / (p * p);
      expect(Math.abs(a - beat.areaKm2) / a).toBeLessThan(1e-6);
      expect(Math.abs(pp - beat.polsbyPopper) / pp).toBeLessThan(1e-6);
      ppSum += pp;
      // contiguity on the hex adjacency plus the published bridge edges
      const set = new Set(cells);
      const seen = new Set([cells[0]!]);
      const queue = [cells[0]!];
      while (queue.length) {
        const h = queue.pop()!;
        for (const n of [...gridDisk(h, 1), ...(bridged.get(h) ?? [])]) if (set.has(n) && !seen.has(n)) seen.add(n), queue.push(n);
      }
      expect(seen.size === set.size).toBe(beat.contiguous);
    }
    expect(ppSum / metrics.perBeat.length).toBeCloseTo(metrics.compactness.polsbyPopperMean, 6);
  });

  it('evaluates the saved plan against other incidents and rejects a broken plan file', async () => {
    const dir = join(out, 'eval');
    let c = capture();
    expect(
      await runCli(
        ['evaluate', '--plan', join(out, 'plan.json'), '--incidents', realdata('chicago', 'crimes_2012_2016_sample5k.csv'), '--out', dir],
        c.io,
      ),
    ).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(m.beats).toBe(274);
    expect(m.contiguity.nonContiguousBeats).toBe(0);
    expect(m.compactness.polsbyPopperMean).toBeCloseTo(metrics.compactness.polsbyPopperMean, 9);
    const bad = join(out, 'bad-plan.json');
    writeFileSync(bad, JSON.stringify({ format: 'beatplan.plan/99' }));
    c = capture();
    expect(
      await runCli(['evaluate', '--plan', bad, '--incidents', realdata('chicago', 'crimes_2012_2016_sample5k.csv'), '--out', dir], c.io),
    ).toBe(2);
    expect(c.o.err).toMatch(/UNSUPPORTED_FORMAT/);
    expect(c.o.err).toMatch(/bad-plan\.json/);
  });

  it('staffs the plan with ~9 officers per beat and keeps most officers on their beat', async () => {
    // roster: 3 officers per current beat per shift, 4% unavailable, a few sergeants
    const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8')).features.map(
      (f: any) => f.properties.beat_num as string,
    );
    const rng = createRng(11);
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let id = 1;
    for (const b of beats)
      for (const shift of ['0-8', '8-16', '16-24'])
        for (let k = 0; k < 3; k++) {
          const rank = rng.next() < 0.12 ? 'Sergeant' : 'Police Officer';
          const skills = rng.next() < 0.25 ? 'spanish' : '';
          lines.push(
            `P${String(id++).padStart(5, '0')},Officer ${id},${shift},${rank},${b},${skills},${rng.next() < 0.04 ? 'false' : 'true'}`,
          );
        }
    const roster = join(out, 'roster.csv');
    writeFileSync(roster, `${lines.join('\n')}\n`);
    const c = capture();
    const t = performance.now();
    expect(
      await runCli(
        [
          'staff',
          '--plan',
          join(out, 'plan.json'),
          '--roster',
          roster,
          '--out',
          join(out, 'staff'),
          '--skill',
          `spanish=${realdata('chicago', 'community_areas_2020_acs.geojson')}:HISP:0.5`,
        ],
        c.io,
      ),
    ).toBe(0);
    console.log(`${c.o.out.trim()} (${(performance.now() - t).toFixed(0)} ms incl. reading)`);
    const staffing = JSON.parse(readFileSync(join(out, 'staff', 'staffing.json'), 'utf8'));
    const sats: number[] = [];
    for (const beat of staffing.beats)
      for (const s of beat.shifts) {
        expect(s.allocated).toBeGreaterThanOrEqual(1);
        if (s.saturation !== null) sats.push(s.saturation);
      }
    const assigned = readCsv(join(out, 'staff', 'assignments.csv'));
    const officersCol = assigned.head.indexOf('officer_id');
    const ids = assigned.rows.map((r) => r[officersCol]);
    expect(new Set(ids).size).toBe(ids.length); // one beat per officer
    console.log(
      `Chicago staffing: continuity ${staffing.continuity.percent.toFixed(1)}%, saturation max ${Math.max(...sats).toFixed(3)}, mean ${(sats.reduce((a, b) => a + b, 0) / sats.length).toFixed(3)}`,
    );
    expect(staffing.continuity.percent).toBeGreaterThan(50);
    // beats where most residents are Hispanic need a Spanish speaker on every shift
    const spanishSpeakers = new Set(
      lines
        .slice(1)
        .filter((l) => l.includes(',spanish,'))
        .map((l) => l.split(',')[0]),
    );
    const needing = staffing.beats.filter((b: any) => b.skillsNeeded.includes('spanish'));
    expect(needing.length).toBeGreaterThan(10);
    const unfilledSkill = new Set(staffing.unfilled.filter((u: any) => u.kind === 'skill').map((u: any) => `${u.beat}/${u.shift}`));
    for (const b of needing)
      for (const s of b.shifts) {
        const covered = s.officers.some((o: string) => spanishSpeakers.has(o));
        expect(covered || unfilledSkill.has(`${b.id}/${s.shift}`)).toBe(true);
      }
    console.log(`Chicago staffing: ${needing.length} beats need Spanish; ${unfilledSkill.size} beat-shifts short of a speaker`);
    expect(Math.max(...sats)).toBeLessThanOrEqual(1);
  });

  it('one time model: every beat and shift has officers × 36 h ÷ shift hours units on duty in the response model, and its utilisation is the staffing saturation', () => {
    // Runs after the staffing test above (same folder).
    const staffing = JSON.parse(readFileSync(join(out, 'staff', 'staffing.json'), 'utf8'));
    const figures = new Map<string, any>(staffing.beatFigures.map((f: any) => [f.id, f]));
    const shiftHours = (id: string) => {
      const [a, b] = id.split('-').map(Number);
      return (b! - a! + 24) % 24 || 24;
    };
    let checked = 0;
    let worstSat = 0;
    const work = new Map<string, { w: number; h: number }>();
    for (const beat of staffing.beats) {
      const f = figures.get(beat.id)!;
      beat.shifts.forEach((s: any, k: number) => {
        expect(f.unitsOnDutyByShift[k]).toBeCloseTo((s.allocated * 36) / (shiftHours(s.shift) * 7), 5);
        // Own-beat work over own units' time: equals the saturation up to cross-beat help.
        if (s.saturation !== null) worstSat = Math.max(worstSat, Math.abs(f.rhoByShift[k] - s.saturation));
        const t = work.get(s.shift) ?? { w: 0, h: 0 };
        t.w += s.workloadHours;
        t.h += s.allocated * 36;
        work.set(s.shift, t);
        checked++;
      });
    }
    expect(checked).toBe(274 * 3);
    // City per shift: utilisation = Σ workload ÷ Σ officer-hours, exactly the staffing's time model.
    for (const sh of staffing.response.shifts) {
      const t = work.get(sh.shift)!;
      expect(sh.rho).toBeCloseTo(t.w / t.h, 4);
      expect(sh.meanResponseMinutes).toBeCloseTo(sh.meanQueueWaitMinutes + sh.meanTravelMinutes, 5);
    }
    expect(staffing.response.assumptions.unitsSource).toMatch(/36 h\/week/);
    expect(staffing.response.assumptions.speedKmh).toEqual([30, 30, 30]);
    console.log(
      `Chicago time model: ${checked} beat-shifts checked; max |beat utilisation − saturation| ${worstSat.toFixed(3)} (cross-beat help)`,
    );
  });
});
