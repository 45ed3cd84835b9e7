/**
 * A two-step redistricting chain on Chicago through the CLI, checked against an independent
 * recomputation from the files alone:
 *   A = plan from the current beats (--existing police_beats.geojson --existing-id beat_num,
 *       seed 7), staffed from a roster of 9 officers per current beat;
 *   B = plan --from A (seed 8), staffed from A's assignments (current_beat = the A beat).
 * Continuity of B's staffing must equal what anyone recomputes from A's and B's cells.csv and
 * B's assignments.csv (successor = the B beat holding the largest share of the A beat's
 * workload), and every B beat that holds more than half of one A beat's workload must carry
 * that A beat's id.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { createRng } from '../packages/engine/src/random.js';
import { captureIo } from './support/cli-io.js';
import { readCsvFile as readCsv } from './support/csv-records.js';
import { hasRealdata, realdata } from './support/realdata.js';

const H = 36; // on-duty hours per officer per week (the staffing default)
const KAPPA = 0.05; // default surplus continuity weight

describe.skipIf(!hasRealdata())('beat lineage and honest continuity across two redistrictings (Chicago)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bp-chain-'));
  const city = [
    '--boundary',
    realdata('chicago', 'police_beats.geojson'),
    '--incidents',
    realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'),
    '--existing',
    realdata('chicago', 'police_beats.geojson'),
    '--existing-id',
    'beat_num',
    '--resolution',
    '10',
  ];
  const logs: string[] = [];
  let staffB: any;

  async function run(args: string[], expectCode = 0): Promise<{ out: string; err: string }> {
    const c = captureIo();
    const code = await runCli(args, c.io);
    if (code !== expectCode) throw new Error(`exit ${code}: ${c.err}`);
    logs.push(c.out.trim());
    return { out: c.out, err: c.err };
  }

  beforeAll(async () => {
    await run(['plan', ...city, '--seed', '7', '--out', join(dir, 'A')]);
    // roster: 9 officers per current beat (3 per shift), current_beat = Chicago's beat_num
    const beats = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8')).features.map((f: any) =>
      String(f.properties.beat_num),
    );
    const rng = createRng(11);
    const lines = ['officer_id,name,shift,rank,current_beat,skills,available'];
    let id = 1;
    for (const b of beats)
      for (const shift of ['0-8', '8-16', '16-24'])
        for (let k = 0; k < 3; k++) {
          lines.push(
            `P${String(id).padStart(5, '0')},Officer ${id},${shift},${rng.next() < 0.12 ? 'Sergeant' : 'Police Officer'},${b},,true`,
          );
          id++;
        }
    writeFileSync(join(dir, 'roster-0.csv'), `${lines.join('\n')}\n`);
    await run(['staff', '--plan', join(dir, 'A', 'plan.json'), '--roster', join(dir, 'roster-0.csv'), '--out', join(dir, 'A-staff')]);
    // roster for B: everyone's current beat is the A beat they were given
    const asgA = readCsv(join(dir, 'A-staff', 'assignments.csv'));
    const lines1 = ['officer_id,name,shift,rank,current_beat,skills,available'];
    for (const a of asgA) lines1.push(`${a.officer_id},${a.name},${a.shift},${a.rank},${a.beat},,true`);
    writeFileSync(join(dir, 'roster-1.csv'), `${lines1.join('\n')}\n`);
    await run(['plan', ...city, '--from', join(dir, 'A', 'plan.json'), '--seed', '8', '--out', join(dir, 'B')]);
    await run(['staff', '--plan', join(dir, 'B', 'plan.json'), '--roster', join(dir, 'roster-1.csv'), '--out', join(dir, 'B-staff')]);
    staffB = JSON.parse(readFileSync(join(dir, 'B-staff', 'staffing.json'), 'utf8'));
    console.log(logs.join('\n'));
  }, 600_000);

  /** Workload each B beat shares with each A beat, from the two cells.csv files. */
  function overlap() {
    const a = new Map(readCsv(join(dir, 'A', 'cells.csv')).map((r) => [r.h3!, r.beat!]));
    const shared = new Map<string, Map<string, { w: number; cells: number }>>();
    const total = new Map<string, number>();
    for (const r of readCsv(join(dir, 'B', 'cells.csv'))) {
      const old = a.get(r.h3!);
      if (!old || !r.beat) continue;
      const w = Number(r.workload);
      total.set(old, (total.get(old) ?? 0) + w);
      const m = shared.get(old) ?? shared.set(old, new Map()).get(old)!;
      const e = m.get(r.beat) ?? { w: 0, cells: 0 };
      e.w += w;
      e.cells++;
      m.set(r.beat, e);
    }
    return { shared, total };
  }

  it('records the lineage: parent hash and name, inherited ids, fresh ids no ancestor used', () => {
    const planA = JSON.parse(readFileSync(join(dir, 'A', 'plan.json'), 'utf8'));
    const planB = JSON.parse(readFileSync(join(dir, 'B', 'plan.json'), 'utf8'));
    // A's parent is the existing layer: its beats carry Chicago's beat numbers
    expect(planA.lineage.parent.kind).toBe('existing');
    expect(planA.lineage.parent.beats).toHaveLength(274);
    expect(planA.beats.filter((b: any) => planA.lineage.parent.beats.includes(b.id)).length).toBeGreaterThan(200);
    // B's parent is A's plan.json, named and hashed (sha256 of the file's bytes)
    expect(planB.lineage.parent).toMatchObject({ kind: 'plan', name: join(dir, 'A', 'plan.json') });
    expect(planB.lineage.parent.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(dir, 'A', 'plan.json')))
        .digest('hex'),
    );
    expect(planB.lineage.generation).toBe(2);
    const idsB: string[] = planB.beats.map((b: any) => b.id);
    expect(new Set(idsB).size).toBe(idsB.length);
    for (const b of planB.lineage.beats) {
      if (!b.inherited) expect(planA.lineage.usedIds).not.toContain(b.id); // fresh: no ancestor used it
      const sum = b.from.reduce((s: number, f: any) => s + f.workloadShare, 0);
      if (b.from.length) expect(sum).toBeCloseTo(1, 9);
    }
    expect(planB.lineage.usedIds).toEqual(expect.arrayContaining([...planA.lineage.usedIds, ...idsB]));
  });

  it("every B beat that holds more than half of one A beat's workload carries that A beat's id", () => {
    const { shared, total } = overlap();
    const majorityOf = new Map<string, string[]>(); // B beat → A beats it holds the majority of
    for (const [old, m] of shared)
      for (const [nb, e] of m) if (e.w > total.get(old)! / 2) (majorityOf.get(nb) ?? majorityOf.set(nb, []).get(nb)!).push(old);
    let single = 0;
    let merged = 0;
    for (const [nb, olds] of majorityOf) {
      if (olds.length === 1) {
        single++;
        expect(nb, `B beat holding most of A beat ${olds[0]}`).toBe(olds[0]);
      } else {
        merged++;
        expect(olds).toContain(nb); // holds the majority of several A beats: carries one of them
      }
    }
    console.log(`lineage: ${single} B beats hold the majority of one A beat (all carry its id), ${merged} of several`);
    expect(single).toBeGreaterThan(100);
  });

  it('continuity equals an independent recomputation from the two cells.csv files and the assignments', () => {
    const { shared, total } = overlap();
    const successor = new Map<string, string>();
    for (const [old, m] of shared) {
      let best = '';
      let bw = -1;
      let bc = -1;
      for (const [nb, e] of m)
        if (e.w > bw || (e.w === bw && (e.cells > bc || (e.cells === bc && nb < best)))) (best = nb), (bw = e.w), (bc = e.cells);
      successor.set(old, best);
    }
    let withBeat = 0;
    let kept = 0;
    let shareSum = 0;
    let sameIdNotKept = 0;
    for (const a of readCsv(join(dir, 'B-staff', 'assignments.csv'))) {
      if (!a.previous_beat || !successor.has(a.previous_beat)) continue;
      withBeat++;
      if (a.beat && a.beat === successor.get(a.previous_beat)) kept++;
      if (a.beat === a.previous_beat && a.beat !== successor.get(a.previous_beat)) sameIdNotKept++;
      // the file's own continuity flag is the successor rule, never a bare id match
      expect(a.continuity, `${a.officer_id}: ${a.previous_beat} → ${a.beat}`).toBe(
        a.beat && a.beat === successor.get(a.previous_beat) ? 'yes' : 'no',
      );
      shareSum += a.beat ? (shared.get(a.previous_beat)!.get(a.beat)?.w ?? 0) / total.get(a.previous_beat)! : 0;
    }
    console.log(
      `chain: continuity ${staffB.continuity.percent}% reported, ${((100 * kept) / withBeat).toFixed(4)}% recomputed (${kept}/${withBeat}); mean share held ${staffB.continuity.meanShareHeld}`,
    );
    expect(staffB.continuity.basis).toMatch(/parent plan .*A\/plan\.json/);
    expect(staffB.continuity.officersWithBeat).toBe(withBeat);
    expect(staffB.continuity.kept).toBe(kept);
    expect(staffB.continuity.percent).toBeCloseTo((100 * kept) / withBeat, 3);
    expect(staffB.continuity.meanShareHeld).toBeCloseTo(shareSum / withBeat, 3);
    // officers on a B beat that carries their old id without being its successor (an A beat
    // merged into a beat that inherited another id) do not count as kept
    console.log(`chain: ${sameIdNotKept} officers on a beat with their old id that is not its successor (not counted as kept)`);
    expect(staffB.continuity.unknownCurrentBeats).toEqual([]);
  });

  it('reports roster beats the parent does not know by name, and exits 3 under --strict', async () => {
    const text = readFileSync(join(dir, 'roster-1.csv'), 'utf8');
    const lines = text.trim().split('\n');
    lines.push('X00001,Jane Roe,0-8,Police Officer,9999,,true', 'X00002,John Doe,8-16,Police Officer,B017,,true');
    writeFileSync(join(dir, 'roster-2.csv'), `${lines.join('\n')}\n`);
    const args = ['staff', '--plan', join(dir, 'B', 'plan.json'), '--roster', join(dir, 'roster-2.csv'), '--out', join(dir, 'B-staff-2')];
    const o = await run(args);
    expect(o.err).toMatch(
      /2 roster officers name a current beat .* does not know.*Jane Roe \(X00001\): "9999".*John Doe \(X00002\): "B017"/,
    );
    const s = JSON.parse(readFileSync(join(dir, 'B-staff-2', 'staffing.json'), 'utf8'));
    expect(s.continuity.unknownCurrentBeats).toEqual([
      { officerId: 'X00001', name: 'Jane Roe', currentBeat: '9999' },
      { officerId: 'X00002', name: 'John Doe', currentBeat: 'B017' },
    ]);
    const asg = readCsv(join(dir, 'B-staff-2', 'assignments.csv')).filter((a) => a.officer_id.startsWith('X'));
    for (const a of asg) expect(a.target_beat).toBe('');
    await run([...args, '--strict'], 3);
  });

  it('starts from the parent with --from and --start-from-existing: the parent is the initial plan', async () => {
    await run(['plan', ...city, '--from', join(dir, 'B', 'plan.json'), '--start-from-existing', '--seed', '9', '--out', join(dir, 'C')]);
    const planB = JSON.parse(readFileSync(join(dir, 'B', 'plan.json'), 'utf8'));
    const planC = JSON.parse(readFileSync(join(dir, 'C', 'plan.json'), 'utf8'));
    expect(planC.lineage.parent.kind).toBe('plan');
    expect(planC.lineage.generation).toBe(3);
    // the search started from B (the planner reports the share of cells it moved from it)
    expect(planC.extra.report.movedShare).toBeTypeOf('number');
    const inherited = planC.lineage.beats.filter((b: any) => b.inherited).length;
    expect(inherited).toBeGreaterThanOrEqual(250);
    for (const b of planC.lineage.beats) if (b.inherited) expect(planB.beats.map((x: any) => x.id)).toContain(b.id);
    // most cells stay in the beat of the same id
    const beatB = new Map(readCsv(join(dir, 'B', 'cells.csv')).map((r) => [r.h3!, r.beat!]));
    const rows = readCsv(join(dir, 'C', 'cells.csv'));
    const same = rows.filter((r) => beatB.get(r.h3!) === r.beat).length;
    console.log(
      `C from B (start from parent): ${inherited} of 274 ids inherited, ${((100 * same) / rows.length).toFixed(1)}% of cells keep their beat id, planner moved ${(100 * planC.extra.report.movedShare).toFixed(1)}% of cells`,
    );
    expect(same / rows.length).toBeGreaterThan(0.6);
  });

  it('sends surplus officers where they lower saturation most (A staffing, 9 officers per current beat)', () => {
    const s = JSON.parse(readFileSync(join(dir, 'A-staff', 'staffing.json'), 'utf8'));
    const drop = (w: number, n: number) => (w <= 0 ? 0 : n === 0 ? Infinity : w / (n * H) - w / ((n + 1) * H));
    let worst = 0;
    let maxOnQuiet = 0;
    for (let k = 0; k < s.shifts.length; k++) {
      const rows = s.beats.map((b: any) => b.shifts[k]);
      // the largest drop one more officer would bring anywhere in the shift
      const nextBest = Math.max(...rows.map((r: any) => drop(r.workloadHours, r.allocated)));
      for (const r of rows) {
        if (r.allocated <= r.required) continue;
        // a surplus officer is worth its saturation drop, plus κ at most for continuity
        const last = drop(r.workloadHours, r.allocated - 1);
        worst = Math.max(worst, nextBest - (last + KAPPA));
        if (r.workloadHours < 12) maxOnQuiet = Math.max(maxOnQuiet, r.allocated);
      }
    }
    console.log(
      `surplus: at most ${maxOnQuiet} officers on a beat-shift with < 12 h/week; worst excess of a missed drop over a surplus officer's drop + κ: ${worst.toFixed(5)}`,
    );
    expect(worst).toBeLessThanOrEqual(1e-3); // workloadHours in staffing.json are rounded to 4 decimals
    expect(maxOnQuiet).toBeLessThan(10);
  });
});

describe('plan --from with a file that is not a plan', () => {
  it('is bad input naming the file (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-from-'));
    const bad = join(dir, 'not-a-plan.json');
    writeFileSync(bad, JSON.stringify({ format: 'beatplan.plan/99' }));
    for (const file of [bad, join(dir, 'missing.json')]) {
      const c = captureIo();
      const code = await runCli(
        [
          'plan',
          '--boundary',
          realdata('chicago', 'police_beats.geojson'),
          '--incidents',
          realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'),
          '--from',
          file,
          '--out',
          dir,
        ],
        c.io,
      );
      expect(code, c.err).toBe(2);
      expect(c.err).toContain(file);
    }
  });
});
