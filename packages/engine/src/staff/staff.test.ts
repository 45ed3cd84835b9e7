import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { BeatplanError } from '../errors.js';
import { createRng } from '../random.js';
import { flowNetworkToModel, requireSolution, shutdownHighsWorkers, solve } from '../solver/index.js';
import {
  type AllocationProblem,
  allocateOfficers,
  allocationModel,
  allocationObjective,
  assignmentsToCsv,
  assignOfficers,
  beatSuccessors,
  type Officer,
  requiredOfficers,
  type StaffingInput,
  type StaffingResult,
  staffBeats,
  staffingInputFromPlan,
  staffingToJson,
  staffWhatIf,
  successorRecord,
} from './index.js';
import { syntheticCity, WATCHES } from './synthetic.js';

afterAll(() => shutdownHighsWorkers());

const H = 36;

function officer(id: string, shift: string, beat: string | null, extra: Partial<Officer> = {}): Officer {
  return { id, name: `Officer ${id}`, shift, rank: 'PO', currentBeat: beat, skills: [], available: true, ...extra };
}

/** Every solution invariant the issue asks for. */
function expectValid(input: StaffingInput, roster: readonly Officer[], r: StaffingResult, minOfficers = 1): void {
  const seen = new Set<string>();
  for (const a of r.assignments) {
    const key = a.officerId;
    expect(seen.has(key), `officer ${key} listed twice`).toBe(false);
    seen.add(key);
    const o = roster.find((x) => x.id === a.officerId)!;
    if (a.beat !== null) expect(o.available).toBe(true);
    else expect(a.reason).toBeTruthy();
  }
  expect(r.assignments.length).toBe(roster.length);
  r.shifts.forEach((s, si) => {
    const assignedHere = r.assignments.filter((a) => a.shift === s.shift && a.beat !== null);
    // headcount: every available officer of the shift used, never more
    expect(s.allocated).toBe(s.headcount);
    expect(assignedHere.length).toBe(s.headcount);
    for (const b of r.beats) {
      const bs = b.shifts[si]!;
      expect(bs.allocated).toBeGreaterThanOrEqual(minOfficers);
      expect(bs.officers.length).toBe(bs.allocated);
      const beat = input.beats.find((x) => x.id === b.id)!;
      for (const skill of beat.skills ?? []) {
        const has = bs.officers.some((id) => roster.find((o) => o.id === id)!.skills.includes(skill));
        const reported = r.unfilled.some((u) => u.beat === b.id && u.shift === s.shift && u.kind === 'skill');
        expect(has || reported, `beat ${b.id} shift ${s.shift} lacks ${skill} unreported`).toBe(true);
      }
    }
  });
}

describe('time model', () => {
  it('requires max(min, ⌈W/(σh)⌉, ⌈(W+C)/h⌉)', () => {
    expect(requiredOfficers(43.2, 10, 36, 0.6, 1)).toBe(2);
    expect(requiredOfficers(0, 0, 36, 0.6, 1)).toBe(1);
    expect(requiredOfficers(30, 50, 36, 0.6, 1)).toBe(3);
  });
});

describe('allocateOfficers', () => {
  const base = { officerHoursPerWeek: 40, saturationWeight: 1, communityWeight: 1 };
  it('solves hand-checkable cases', () => {
    // 40 h and 10 h of calls, 3 officers: [2, 1] → worst saturation 0.5 (vs 1.0 for [1, 2]).
    const a = allocateOfficers({ ...base, workloadHours: [40, 10], communityHours: [0, 0], minOfficers: [1, 1], headcount: 3 });
    expect(Array.from(a.officers)).toEqual([2, 1]);
    expect(a.maxSaturation).toBeCloseTo(0.5, 12);
    // equal calls, community need only on beat 0: [2, 1] covers it (objective 0.5), [1, 2] leaves 10 h short.
    const b = allocateOfficers({ ...base, workloadHours: [20, 20], communityHours: [30, 0], minOfficers: [1, 1], headcount: 3 });
    expect(Array.from(b.officers)).toEqual([2, 1]);
    expect(b.objective).toBeCloseTo(0.5, 12);
    expect(b.communityShortfallHours).toBe(0);
  });

  it('equals the MIP optimum on both backends (seeded random cases)', async () => {
    const rng = createRng(5);
    for (let t = 0; t < 10; t++) {
      const B = 2 + rng.int(4);
      const p: AllocationProblem = {
        workloadHours: Array.from({ length: B }, () => rng.int(120)),
        communityHours: Array.from({ length: B }, () => rng.int(60)),
        minOfficers: Array.from({ length: B }, () => rng.int(2)),
        headcount: B + 1 + rng.int(6),
        officerHoursPerWeek: 36,
        saturationWeight: 0.5 + rng.next(),
        communityWeight: rng.next() * 2,
        saturationTarget: rng.next() < 0.5 ? 0 : 0.6,
      };
      const g = allocateOfficers(p);
      expect(g.officers.reduce((a, x) => a + x, 0)).toBe(p.headcount);
      const model = allocationModel(p);
      for (const backend of ['jsl', 'highs'] as const) {
        const r = await solve(model, { timeLimitMs: 20_000, backend });
        expect(r.status, `case ${t} ${backend}`).toBe('optimal');
        expect(r.objective).toBeCloseTo(g.objective, 6);
        // the MIP's own allocation scores the same under the exact objective
        expect(allocationObjective(p, Array.from(r.values.subarray(0, B)).map(Math.round)).objective).toBeCloseTo(g.objective, 6);
      }
    }
  });

  it("rejects javascript-lp-solver's fractional answer to a MIP it cannot finish", async () => {
    // jsl stops at its timeout and returns the LP relaxation, marked feasible: the check must catch it.
    const { input, roster } = syntheticCity({ beats: 50, seed: 7 });
    const officers = roster.filter((o) => o.available && o.shift === '8-16');
    const p: AllocationProblem = {
      workloadHours: input.beats.map((b) => b.shiftWorkloadHours[1]!),
      communityHours: input.beats.map((b) => b.needHours / 3),
      minOfficers: input.beats.map(() => 1),
      headcount: officers.length,
      officerHoursPerWeek: H,
      saturationWeight: 1,
      communityWeight: 1,
      saturationTarget: 0.6,
    };
    const r = await solve(allocationModel(p), { timeLimitMs: 300, backend: 'jsl' });
    expect(r.status).toBe('error');
    expect(r.integral).toBe(false);
    expect(r.violations.some((v) => v.kind === 'integrality')).toBe(true);
    expect(r.message).toMatch(/fails the check/);
    expect(() => requireSolution(r, 'allocation')).toThrowError(/allocation: .*fails the check/);
    // the exact method and HiGHS agree on this model
    const hs = await solve(allocationModel(p), { timeLimitMs: 30_000, backend: 'highs' });
    expect(hs.status).toBe('optimal');
    expect(hs.objective).toBeCloseTo(allocateOfficers(p).objective, 6);
  });

  it('explains an infeasible minimum staffing', () => {
    expect(() =>
      allocateOfficers({ ...base, workloadHours: [1, 1, 1], communityHours: [0, 0, 0], minOfficers: [2, 2, 2], headcount: 5 }),
    ).toThrowError(/5 officers available but the 3 beats need at least 6/);
  });
});

describe('assignOfficers', () => {
  it('is the LP optimum of its transportation model on both backends', async () => {
    const { input, roster } = syntheticCity({ beats: 12, seed: 3 });
    const shift = roster.filter((o) => o.shift === '8-16' && o.available);
    const ids = input.beats.map((b) => b.id);
    const slots = new Int32Array(12).fill(Math.floor(shift.length / 12));
    slots[0]! += shift.length - slots.reduce((a, x) => a + x, 0);
    const r = assignOfficers({
      slots,
      beatSkills: input.beats.map((b) => b.skills ?? []),
      officers: shift.map((o) => ({ id: o.id, target: ids.indexOf(o.currentBeat!), senior: o.rank === 'SGT', skills: o.skills })),
      weights: { continuity: 10, seniority: 1, skillMissing: 1000 },
    });
    const model = flowNetworkToModel(r.network);
    for (const backend of ['jsl', 'highs'] as const) {
      const lp = await solve(model, { timeLimitMs: 20_000, backend });
      expect(lp.status).toBe('optimal');
      expect(lp.objective).toBeCloseTo(r.cost, 6);
    }
    const perBeat = new Int32Array(12);
    for (const b of r.beatOf) perBeat[b]!++;
    expect(Array.from(perBeat)).toEqual(Array.from(slots));
  });
});

describe('staffBeats', () => {
  it('solves a small hand-checkable city', async () => {
    const input: StaffingInput = {
      shifts: [{ id: 'day', startHour: 8, endHour: 16 }],
      beats: [
        { id: 'A', areaKm2: 4, shiftWorkloadHours: [40], needHours: 0, skills: ['spanish'] },
        { id: 'B', areaKm2: 4, shiftWorkloadHours: [10], needHours: 0 },
      ],
    };
    const roster = [
      officer('1', 'day', 'B', { skills: ['spanish'] }),
      officer('2', 'day', 'A'),
      officer('3', 'day', 'A'),
      officer('4', 'day', 'B', { available: false }),
    ];
    const r = await staffBeats(input, roster, { officerHoursPerWeek: 40, needShareByShift: [1], verifyWithSolver: true });
    expectValid(input, roster, r);
    const alloc = r.beats.map((b) => b.shifts[0]!.allocated);
    expect(alloc).toEqual([2, 1]);
    // Skill beats continuity: officer 1 (Spanish) must go to A; one of A's officers moves to B.
    const beatOf = Object.fromEntries(r.assignments.map((a) => [a.officerId, a.beat]));
    expect(beatOf['1']).toBe('A');
    expect(r.continuity.kept).toBe(1);
    expect(r.continuity.officersWithBeat).toBe(3);
    expect(r.parts.every((p) => p.exact)).toBe(true);
    expect(r.parts.filter((p) => p.verifiedBy).length).toBe(2);
  });

  it('keeps 100% continuity when the plan did not change and the roster suffices', async () => {
    const { input } = syntheticCity({ beats: 30, seed: 9, spanishBeatShare: 0 });
    const roster: Officer[] = [];
    input.shifts.forEach((s, si) => {
      input.beats.forEach((b, bi) => {
        const need = requiredOfficers(b.shiftWorkloadHours[si]!, b.needHours / 3, H, 0.6, 1) + (bi % 2);
        for (let k = 0; k < need; k++) roster.push(officer(`${s.id}-${b.id}-${k}`, s.id, b.id, { rank: k === 0 ? 'SGT' : 'PO' }));
      });
    });
    // Surplus officers (one on every odd beat) stay put when continuity outweighs any saturation
    // drop (κ = 1); with the default κ = 0.05 a few go where an officer lowers saturation by more.
    const r = await staffBeats(input, roster, { weights: { surplusContinuity: 1 } });
    expectValid(input, roster, r);
    expect(r.continuity.percent).toBe(100);
    expect(r.unfilled).toEqual([]);
    const byDefault = await staffBeats(input, roster);
    expect(byDefault.continuity.percent).toBeLessThan(100);
    expect(byDefault.continuity.percent).toBeGreaterThan(90);
    // Redistricting that only renames the beats: successors carry continuity over.
    const renamed: StaffingInput = { ...input, beats: input.beats.map((b) => ({ ...b, id: `N-${b.id}` })) };
    const succ = beatSuccessors(
      input.beats.map((b) => b.id),
      renamed.beats.map((b) => b.id),
    );
    const r2 = await staffBeats(renamed, roster, { successorOf: successorRecord(succ), weights: { surplusContinuity: 1 } });
    expect(r2.continuity.percent).toBe(100);
  });

  it('respects headcount, minimum staffing, skills and one beat per officer (synthetic city, with fleet)', async () => {
    const { input, roster, fleet } = syntheticCity({ beats: 40, seed: 12 });
    const r = await staffBeats(input, roster, { fleet, minOfficersPerBeat: 2 });
    expectValid(input, roster, r, 2);
    for (const s of r.shifts) {
      const cars = fleet.filter((f) => f.shift === s.shift && f.vehicleType !== 'bike').reduce((a, f) => a + f.count, 0);
      expect(s.vehiclesAssigned).toBeLessThanOrEqual(cars);
    }
  });

  it('holds the invariants on random small inputs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 2, max: 9 }), async (seed, beats) => {
        const { input, roster, fleet } = syntheticCity({ beats, seed, rosterFactor: 1.5 });
        let r: StaffingResult;
        try {
          r = await staffBeats(input, roster, { fleet, verifyWithSolver: false });
        } catch (e) {
          // too few officers for minimum staffing is the only acceptable failure
          expect((e as BeatplanError).code).toBe('INFEASIBLE');
          return;
        }
        expectValid(input, roster, r);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('reports every unfilled slot with its reason', async () => {
    const input: StaffingInput = {
      shifts: [{ id: '1', startHour: 0, endHour: 8 }],
      beats: [
        { id: 'A', areaKm2: 5, shiftWorkloadHours: [80], needHours: 0, skills: ['polish'] },
        { id: 'B', areaKm2: 5, shiftWorkloadHours: [80], needHours: 0 },
      ],
    };
    const roster = ['a', 'b', 'c'].map((id) => officer(id, '1', 'A'));
    const r = await staffBeats(input, roster, { fleet: [{ shift: '1', vehicleType: 'marked', count: 1 }] });
    const kinds = r.unfilled.map((u) => u.kind).sort();
    expect(kinds).toEqual(['officer', 'officer', 'skill', 'vehicle']);
    expect(r.unfilled.find((u) => u.kind === 'skill')!.reason).toMatch(/no available officer with skill "polish"/);
    expect(r.unfilled.find((u) => u.kind === 'vehicle')!.reason).toMatch(/no car-class vehicle/);
    expect(r.unfilled.find((u) => u.kind === 'officer')!.reason).toMatch(/3 available officers for 8 required/);
  });

  it('explains an infeasible shift', async () => {
    const { input, roster } = syntheticCity({ beats: 10, seed: 2 });
    const few = roster.filter((o) => o.shift !== '0-8' || Number(o.id.slice(1)) % 5 === 0);
    await expect(staffBeats(input, few, { minOfficersPerBeat: 2 })).rejects.toThrowError(
      /shift 0-8: \d+ officers available but the 10 beats need at least 20/,
    );
  });

  it('rejects bad input with the field named', async () => {
    const input: StaffingInput = { shifts: WATCHES, beats: [{ id: 'A', areaKm2: 1, shiftWorkloadHours: [1, 2], needHours: 0 }] };
    await expect(staffBeats(input, [])).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'shiftWorkloadHours' } });
  });
});

describe('what-if', () => {
  it('reports officers out and a special event', async () => {
    const { input, roster, fleet } = syntheticCity({ beats: 20, seed: 4, rosterFactor: 1.3 });
    const w = await staffWhatIf(
      input,
      roster,
      { officersOut: [{ shift: '16-24', count: 6 }], workloadFactorByBeat: { B0003: 3 } },
      { fleet },
    );
    expect(w.diff).not.toBeNull();
    const evening = w.diff!.shifts.find((s) => s.shift === '16-24')!;
    expect(evening.headcountDelta).toBe(-6);
    expect(w.diff!.beats.some((b) => b.beat === 'B0003')).toBe(true);
    const b3 = w.scenario!.beats.find((b) => b.id === 'B0003')!.shifts[0]!;
    const b3before = w.baseline.beats.find((b) => b.id === 'B0003')!.shifts[0]!;
    expect(b3.workloadHours).toBeCloseTo(3 * b3before.workloadHours, 9);
    expect(w.diff!.moved.filter((m) => m.after === null).length).toBe(6);
  });

  it('reports an infeasible scenario instead of throwing', async () => {
    const { input, roster } = syntheticCity({ beats: 10, seed: 4 });
    const evening = roster.filter((o) => o.shift === '16-24' && o.available).length;
    const w = await staffWhatIf(input, roster, { officersOut: [{ shift: '16-24', count: evening - 5 }] });
    expect(w.scenario).toBeNull();
    expect(w.infeasible).toMatch(/shift 16-24: 5 officers available but the 10 beats need at least 10/);
  });
});

describe('adapters and outputs', () => {
  it('sums cells into beats', () => {
    const input = staffingInputFromPlan({
      shifts: WATCHES,
      beatIds: ['X', 'Y'],
      beatOfCell: [0, 0, 1, -1],
      cellShiftWorkloadHours: [
        [1, 2, 3, 9],
        [0, 1, 0, 9],
        [2, 2, 2, 9],
      ],
      cellNeedHours: [1, 1, 5, 9],
      cellAreaKm2: [0.1, 0.1, 0.2, 9],
      districtOfBeat: [0, -1],
      districtIds: ['D1'],
      cellWorkloadFactor: [1, 2, 1, 1],
    });
    expect(input.beats[0]).toMatchObject({ id: 'X', district: 'D1', shiftWorkloadHours: [5, 2, 6], needHours: 2 });
    expect(input.beats[0]!.areaKm2).toBeCloseTo(0.2, 12);
    expect(input.beats[1]).toMatchObject({ id: 'Y', shiftWorkloadHours: [3, 0, 2], needHours: 5 });
    expect(input.beats[1]!.district).toBeUndefined();
  });

  it('finds successors by majority of cells', () => {
    const s = beatSuccessors(['A', 'A', 'A', 'B', 'B', null], ['X', 'X', 'Y', 'Y', 'Y', 'Y']);
    expect(s.get('A')).toMatchObject({ successor: 'X', share: 2 / 3, cells: 3 });
    expect(s.get('B')).toMatchObject({ successor: 'Y', share: 1, cells: 2 });
  });

  it('builds staffing.json and assignments.csv', async () => {
    const { input, roster, fleet } = syntheticCity({ beats: 6, seed: 8, rosterFactor: 1.4 });
    const named = roster.map((o, i) => (i === 0 ? { ...o, name: 'O"Brien, Pat' } : o));
    const r = await staffBeats(input, named, { fleet });
    const json = staffingToJson(r) as {
      format: string;
      beats: Array<{ shifts: Array<Record<string, unknown>> }>;
      solved: { exact: boolean };
    };
    expect(json.format).toBe('beatplan.staffing/1');
    expect(Object.keys(json.beats[0]!.shifts[0]!)).toEqual(
      expect.arrayContaining(['required', 'allocated', 'saturation', 'communityHours', 'vehicle']),
    );
    expect(json.solved.exact).toBe(true);
    expect(() => JSON.stringify(json)).not.toThrow();
    const csv = assignmentsToCsv(r);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('officer_id,name,shift,rank,beat,previous_beat,target_beat,continuity,slot,reason');
    expect(lines.length).toBe(1 + r.assignments.length);
    expect(csv).toContain('"O""Brien, Pat"');
  });
});

describe('Chicago scale (synthetic: 274 beats × 3 shifts, ~9 officers per beat)', () => {
  it('staffs and assigns quickly with sane continuity and saturation', async () => {
    const { input, roster, fleet } = syntheticCity({ beats: 274, seed: 2026, districts: 22 });
    expect(roster.length).toBeGreaterThan(2200);
    expect(roster.length).toBeLessThan(2800);
    const t0 = performance.now();
    const r = await staffBeats(input, roster, { fleet, verifyWithSolver: false });
    const ms = performance.now() - t0;
    expectValid(input, roster, r);
    const sat = r.shifts.map(
      (s) => `${s.shift}: max ${(100 * s.maxSaturation!).toFixed(1)}% mean ${(100 * s.meanSaturation!).toFixed(1)}%`,
    );
    console.log(
      `[chicago-synthetic] officers ${roster.length}, continuity ${r.continuity.percent.toFixed(1)}% (${r.continuity.kept}/${r.continuity.officersWithBeat}), ` +
        `saturation ${sat.join('; ')}, unfilled ${r.unfilled.length}, ${ms.toFixed(0)} ms`,
    );
    expect(r.continuity.percent).toBeGreaterThan(80);
    for (const s of r.shifts) {
      expect(s.maxSaturation!).toBeLessThan(1);
      expect(s.meanSaturation!).toBeGreaterThan(0.3);
      expect(s.meanSaturation!).toBeLessThan(0.75);
    }
    expect(ms).toBeLessThan(5000);
  });
});
