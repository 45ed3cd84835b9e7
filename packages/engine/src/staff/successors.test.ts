import { describe, expect, it } from 'vitest';
import type { BeatPlan } from '../plan/types.js';
import { staffBeats } from './staff-beats.js';
import { beatSuccessors, successionOf } from './successors.js';
import type { Officer, StaffingInput } from './types.js';

const officer = (id: string, shift: string, currentBeat: string | null): Officer => ({
  id,
  name: `Officer ${id}`,
  shift,
  rank: 'PO',
  currentBeat,
  skills: [],
  available: true,
});

describe('successors on workload', () => {
  it('follows the workload, not the cell count', () => {
    // old beat A: 3 cells; X takes two quiet cells, Y one busy cell
    const s = beatSuccessors(['A', 'A', 'A'], ['X', 'X', 'Y'], [1, 1, 8]);
    expect(s.get('A')).toMatchObject({ successor: 'Y', share: 0.8, cells: 3, workloadHours: 10 });
    expect(s.get('A')!.shares.get('X')).toBeCloseTo(0.2, 12);
    // an old beat without workload falls back to cells
    expect(beatSuccessors(['A', 'A', 'A'], ['X', 'X', 'Y'], [0, 0, 0]).get('A')).toMatchObject({ successor: 'X', share: 2 / 3 });
  });
});

describe('staffBeats against a parent plan', () => {
  // new plan: beat "Q" over cells 0–1 and beat "P" over cells 2–3; the parent had "P" over cells
  // 0–1 and "R" over cells 2–3. So old P's successor is Q, old R's successor is the new "P".
  const plan: BeatPlan = {
    resolution: 9,
    cellCount: 4,
    beatIds: ['P', 'Q'],
    beatOfCell: Int32Array.of(1, 1, 0, 0),
    locked: new Uint8Array(2),
  };
  const workload = [5, 5, 5, 5];
  const input: StaffingInput = {
    shifts: [{ id: 'day', startHour: 8, endHour: 16 }],
    beats: [
      { id: 'P', areaKm2: 1, shiftWorkloadHours: [10], needHours: 0 },
      { id: 'Q', areaKm2: 1, shiftWorkloadHours: [10], needHours: 0 },
    ],
  };
  // parent beat "P" lies where new beat "Q" is: a bare id match would keep officer 1 on "P"
  const succession = successionOf('parent plan A', ['P', 'R'], [0, 0, 1, 1], plan, workload);

  it('keeps an officer on the successor of their beat, never on a beat that only shares the id', async () => {
    const roster = [officer('1', 'day', 'P'), officer('2', 'day', 'R')];
    const r = await staffBeats(input, roster, { succession });
    const beatOf = Object.fromEntries(r.assignments.map((a) => [a.officerId, a.beat]));
    expect(beatOf).toEqual({ 1: 'Q', 2: 'P' });
    expect(r.continuity).toMatchObject({
      basis: 'parent plan A',
      officersWithBeat: 2,
      kept: 2,
      percent: 100,
      meanShareHeld: 1,
      unknownCurrentBeats: [],
    });
  });

  it('reports current beats the parent does not know by name and never matches them', async () => {
    const roster = [officer('1', 'day', 'P'), officer('3', 'day', 'Q')];
    const r = await staffBeats(input, roster, { succession });
    expect(r.continuity.unknownCurrentBeats).toEqual([{ officerId: '3', name: 'Officer 3', currentBeat: 'Q' }]);
    expect(r.rosterIssues.find((i) => i.officerId === '3')!.reason).toMatch(/Officer 3: beat "Q" is not a beat of parent plan A/);
    expect(r.assignments.find((a) => a.officerId === '3')!.targetBeat).toBeNull();
    expect(r.continuity.officersWithBeat).toBe(1);
  });

  it("without a parent, reads current beats as this plan's and names the ones it does not have", async () => {
    const r = await staffBeats(input, [officer('1', 'day', 'P'), officer('2', 'day', 'Z9')]);
    expect(r.continuity.basis).toMatch(/this plan/);
    expect(r.continuity).toMatchObject({
      officersWithBeat: 1,
      kept: 1,
      unknownCurrentBeats: [{ officerId: '2', name: 'Officer 2', currentBeat: 'Z9' }],
    });
  });
});
