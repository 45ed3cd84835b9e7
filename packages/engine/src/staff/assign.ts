/**
 * Named assignment of one shift's officers to beat slots, as a min-cost flow (a transportation
 * model, whose LP optimum is integral) solved exactly with an optimality certificate.
 *
 * Each beat's allocated officers become slots: one skill slot per skill the beat needs, one
 * senior slot (teams of two or more, when the seniority weight is positive), the rest general.
 * Officers with the same target beat (successor of their current beat), seniority and relevant
 * skills form a class. Network: class → slots of its target beat (continuity reward), class →
 * hub of each slot kind → every beat's slots of that kind. Costs: −continuity on target arcs,
 * −seniority when a senior fills a senior slot, +skillMissing when an officer without the skill
 * fills a skill slot. Skills come first, then continuity, then seniority with the default weights.
 */

import { BeatplanError } from '../errors.js';
import { checkFlowOptimality, type FlowNetwork, minCostFlow } from '../solver/min-cost-flow.js';

/** One officer as the assignment sees it. */
export interface AssignOfficer {
  readonly id: string;
  /** Index of the target beat (successor of the current beat), −1 when none. */
  readonly target: number;
  readonly senior: boolean;
  readonly skills: readonly string[];
}

/** One shift's assignment problem. */
export interface AssignProblem {
  /** Officers per beat (the allocation). */
  readonly slots: ArrayLike<number>;
  /** Skills each beat needs (lower-case), per beat. */
  readonly beatSkills: ReadonlyArray<readonly string[]>;
  readonly officers: readonly AssignOfficer[];
  readonly weights: { continuity: number; seniority: number; skillMissing: number };
}

/** Answer of {@link assignOfficers}. */
export interface AssignResult {
  /** Beat index per officer (−1 when not assigned: more officers than slots). */
  readonly beatOf: Int32Array;
  /** Slot kind per officer: `"general"`, `"senior"`, `"skill:<name>"`, or `""` when unassigned. */
  readonly slotOf: string[];
  /** Skill slots filled without the skill: `{beat, skill}` per gap. */
  readonly skillGaps: Array<{ beat: number; skill: string }>;
  /** Slots left empty (fewer officers than slots), per beat. */
  readonly vacant: Int32Array;
  readonly cost: number;
  /** The flow network solved (for cross-checking with an LP backend). */
  readonly network: FlowNetwork;
  readonly flowCost: number;
  readonly augmentations: number;
}

/**
 * Assigns officers to beats exactly (see module doc). Deterministic: officers of a class are
 * taken in input order.
 *
 * @throws BeatplanError `INTERNAL` if the flow fails its optimality certificate (a bug)
 */
export function assignOfficers(p: AssignProblem): AssignResult {
  const B = p.slots.length;
  const { continuity: wc, seniority: ws, skillMissing: wm } = p.weights;
  // Slot kinds per beat.
  const kindIndex = new Map<string, number>([['general', 0]]);
  const kinds = ['general'];
  const kindOf = (k: string) => {
    let i = kindIndex.get(k);
    if (i === undefined) {
      i = kinds.length;
      kinds.push(k);
      kindIndex.set(k, i);
    }
    return i;
  };
  const beatSlots: Array<Map<number, number>> = [];
  const relevant = new Set<string>();
  let totalSlots = 0;
  for (let b = 0; b < B; b++) {
    const m = new Map<number, number>();
    let left = p.slots[b]!;
    totalSlots += left;
    for (const s of new Set(p.beatSkills[b] ?? [])) {
      if (left <= 0) break;
      relevant.add(s);
      const k = kindOf(`skill:${s}`);
      m.set(k, (m.get(k) ?? 0) + 1);
      left--;
    }
    if (ws > 0 && p.slots[b]! >= 2 && left > 0) {
      const k = kindOf('senior');
      m.set(k, 1);
      left--;
    }
    if (left > 0) m.set(0, (m.get(0) ?? 0) + left);
    beatSlots.push(m);
  }
  const K = kinds.length;
  // Officer classes.
  const classKey = new Map<string, number>();
  const members: number[][] = [];
  const classInfo: Array<{ target: number; senior: boolean; skills: Set<string> }> = [];
  p.officers.forEach((o, i) => {
    const sk = o.skills.filter((s) => relevant.has(s)).sort();
    const key = `${o.target}|${o.senior ? 1 : 0}|${sk.join(',')}`;
    let c = classKey.get(key);
    if (c === undefined) {
      c = members.length;
      classKey.set(key, c);
      members.push([]);
      classInfo.push({ target: o.target, senior: o.senior, skills: new Set(sk) });
    }
    members[c]!.push(i);
  });
  const C = members.length;
  const kindCost = (c: number, k: number): number => {
    const name = kinds[k]!;
    if (name === 'senior') return classInfo[c]!.senior ? -ws : 0;
    if (name.startsWith('skill:')) return classInfo[c]!.skills.has(name.slice(6)) ? 0 : wm;
    return 0;
  };
  // Nodes: classes, hubs, slot nodes, bench, vacancy.
  const slotNode = new Map<string, number>();
  const slotList: Array<{ b: number; k: number; count: number }> = [];
  let next = C + K;
  for (let b = 0; b < B; b++) {
    for (const [k, count] of beatSlots[b]!) {
      slotNode.set(`${b}|${k}`, next++);
      slotList.push({ b, k, count });
    }
  }
  const officers = p.officers.length;
  const bench = next++;
  const vacancy = next++;
  const nodeCount = next;
  const from: number[] = [];
  const to: number[] = [];
  const capacity: number[] = [];
  const cost: number[] = [];
  const arcKind: Array<{ c: number; b: number; k: number } | null> = [];
  const addArc = (u: number, v: number, cap: number, w: number, tag: { c: number; b: number; k: number } | null) => {
    from.push(u);
    to.push(v);
    capacity.push(cap);
    cost.push(w);
    arcKind.push(tag);
  };
  for (let c = 0; c < C; c++) {
    const size = members[c]!.length;
    const t = classInfo[c]!.target;
    if (t >= 0 && t < B) {
      for (const [k] of beatSlots[t]!) addArc(c, slotNode.get(`${t}|${k}`)!, size, -wc + kindCost(c, k), { c, b: t, k });
    }
    for (let k = 0; k < K; k++) addArc(c, C + k, size, kindCost(c, k), { c, b: -1, k });
    if (officers > totalSlots) addArc(c, bench, size, 0, { c, b: -2, k: -1 });
  }
  const hubArcStart = from.length;
  for (const s of slotList) addArc(C + s.k, slotNode.get(`${s.b}|${s.k}`)!, s.count, 0, null);
  if (totalSlots > officers) for (const s of slotList) addArc(vacancy, slotNode.get(`${s.b}|${s.k}`)!, s.count, 0, null);
  const supply = new Array<number>(nodeCount).fill(0);
  for (let c = 0; c < C; c++) supply[c] = members[c]!.length;
  for (const s of slotList) supply[slotNode.get(`${s.b}|${s.k}`)!] = -s.count;
  if (officers > totalSlots) supply[bench] = -(officers - totalSlots);
  if (totalSlots > officers) supply[vacancy] = totalSlots - officers;
  const network: FlowNetwork = { nodeCount, from, to, capacity, cost, supply };
  const r = minCostFlow(network);
  const problems = r.unshipped > 1e-9 ? [`unshipped ${r.unshipped}`] : checkFlowOptimality(network, r.flow, r.potential);
  if (problems.length) {
    throw new BeatplanError('INTERNAL', `assignment flow fails its certificate: ${problems[0]}`, { problems });
  }
  // Decode.
  const beatOf = new Int32Array(officers).fill(-1);
  const slotOf: string[] = new Array(officers).fill('');
  const cursor = new Int32Array(C);
  const viaHub: number[][] = Array.from({ length: K }, () => []);
  for (let a = 0; a < hubArcStart; a++) {
    const f = Math.round(r.flow[a]!);
    if (!f) continue;
    const tag = arcKind[a]!;
    for (let q = 0; q < f; q++) {
      const i = members[tag.c]![cursor[tag.c]!++]!;
      if (tag.b >= 0) {
        beatOf[i] = tag.b;
        slotOf[i] = kinds[tag.k]!;
      } else if (tag.b === -1) viaHub[tag.k]!.push(i);
    }
  }
  const hubCursor = new Int32Array(K);
  for (let a = hubArcStart; a < hubArcStart + slotList.length; a++) {
    const f = Math.round(r.flow[a]!);
    const s = slotList[a - hubArcStart]!;
    for (let q = 0; q < f; q++) {
      const i = viaHub[s.k]![hubCursor[s.k]!++]!;
      beatOf[i] = s.b;
      slotOf[i] = kinds[s.k]!;
    }
  }
  const vacant = new Int32Array(B);
  if (totalSlots > officers) {
    const vStart = hubArcStart + slotList.length;
    for (let a = vStart; a < from.length; a++) vacant[slotList[a - vStart]!.b]! += Math.round(r.flow[a]!);
  }
  const skillGaps: Array<{ beat: number; skill: string }> = [];
  p.officers.forEach((o, i) => {
    const s = slotOf[i]!;
    if (s.startsWith('skill:') && !o.skills.includes(s.slice(6))) skillGaps.push({ beat: beatOf[i]!, skill: s.slice(6) });
  });
  return {
    beatOf,
    slotOf,
    skillGaps,
    vacant,
    cost: r.cost,
    network,
    flowCost: r.cost,
    augmentations: r.augmentations,
  };
}
