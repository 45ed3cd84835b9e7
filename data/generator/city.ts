/**
 * Lakeport, the synthetic demo city: a block mesh with a lake coast on the east, ragged city
 * limits elsewhere, a reservoir (the hole), a river with bridges, an expressway, population
 * and hardship fields, and the current beats, districts, neighbourhoods and wards as
 * labellings of the blocks. Pure: everything derives from the injected {@link Rng}.
 *
 * Local plane: x east, y north, kilometres, origin = downtown (see `geometry.ts`).
 */
import type { Rng } from '../../packages/engine/src/random.js';
import { shuffleInPlace } from '../../packages/engine/src/random.js';
import type { BlockGrid } from './block-grid.js';
import {
  blockCentreKm,
  blockNeighbours,
  blockRingKm,
  HOLE,
  labelComponents,
  makeContiguous,
  OUTSIDE,
  pinchAt,
  removePinches,
  vertexCount,
  vertexId,
} from './block-grid.js';
import type { Point, Ring } from './geometry.js';
import { pointInRing, signedArea } from './geometry.js';
import { NEIGHBOURHOOD_NAMES, STREET_WORDS } from './names.js';
import { createFractalNoise2, createNoise1, createNoise2 } from './noise.js';
import { arcLengths, crossesPolyline, cutGaps, distanceToPolyline } from './polyline.js';
import { buildNodeGraph, growRegions, placeSeeds } from './regions.js';

/** Size of a block (street spacing), km. */
export const BLOCK_KM = 0.25;
const NU = 64;
const NV = 84;
/** x (km) of the westernmost street. */
const X_WEST = -14.4;
/** y (km) of the southernmost street. */
const Y_SOUTH = -13;
const C_MEAN = X_WEST + NU * BLOCK_KM;
/** Columns west of this stay a straight grid; east of it the grid bends with the coast. */
const U_BEND = 34;

/** Counts of the generated regions. */
export interface CityCounts {
  beats: number;
  districts: number;
  neighbourhoods: number;
  wards: number;
  populationTotal: number;
}

/** Default region counts: 40 beats in 5 districts, 32 neighbourhoods, 25 wards, 600k people. */
export const DEFAULT_CITY_COUNTS: CityCounts = {
  beats: 40,
  districts: 5,
  neighbourhoods: 32,
  wards: 25,
  populationTotal: 600_000,
};

/** A barrier line (river or expressway) and where it can be crossed. */
export interface Barrier {
  readonly kind: 'river' | 'expressway';
  readonly name: string;
  /** The whole line, km. */
  readonly line: Point[];
  /** The line with the crossings cut out, km (what the barrier file holds). */
  readonly pieces: Point[][];
  /** Crossings (bridges or overpasses): centre points, km. */
  readonly crossings: Point[];
}

/** A centre of concentrated incidents (a Gaussian of standard deviation `sigmaKm`). */
export interface Hotspot {
  readonly name: 'downtown' | 'nightlife' | 'mall' | 'market-west' | 'market-south';
  readonly centre: Point;
  readonly sigmaKm: number;
}

/** The whole synthetic city. Per-block arrays are indexed by block id. */
export interface City {
  readonly grid: BlockGrid;
  /** 0 for land, {@link OUTSIDE} or {@link HOLE}. */
  readonly land: Int32Array;
  /** River side of each land block (0 = the larger side), −1 elsewhere. */
  readonly bank: Int32Array;
  /** Block rings in km (open). */
  readonly rings: Ring[];
  readonly centres: Point[];
  readonly areaKm2: Float64Array;
  /** Residents per block (integers summing to the city's population). */
  readonly population: Int32Array;
  /** Hardship index per block, 0–100 (higher = more need). */
  readonly hardship: Float64Array;
  /** Beat index per block (−1 off land). */
  readonly beat: Int32Array;
  /** Beat ids like "0111" (district 01, sector 1, beat 1), by beat index. */
  readonly beatIds: string[];
  /** District index (0-based) of each beat. */
  readonly beatDistrict: number[];
  /** District ids "1".."n", by district index. */
  readonly districtIds: string[];
  readonly neighbourhood: Int32Array;
  readonly neighbourhoodNames: string[];
  readonly ward: Int32Array;
  readonly wardCount: number;
  readonly barriers: Barrier[];
  readonly hotspots: Hotspot[];
  /** Street names: north–south streets by column `0..nu`, east–west streets by row `0..nv`. */
  readonly streets: { readonly northSouth: string[]; readonly eastWest: string[] };
  /** Block whose ring contains `p` (km), or −1. */
  locate(p: Point): number;
}

const smoothstep = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));
const bump = (t: number) => (Math.abs(t) >= 1 ? 0 : (1 - t * t) * (1 - t * t));

/**
 * Builds Lakeport from a seeded generator.
 * @example const city = buildCity(createRng(2025));
 * @throws Error when a construction invariant fails (a bug, never bad luck: every step is
 *   repaired or checked)
 */
export function buildCity(rng: Rng, counts: CityCounts = DEFAULT_CITY_COUNTS): City {
  // --- Coast: smooth for the street grid, with fine wobble for the shoreline itself. -------
  const coastNoise = createNoise1(rng.fork(), 16);
  const coastFine1 = createNoise1(rng.fork(), 220);
  const coastFine2 = createNoise1(rng.fork(), 480);
  const coastSmooth = (y: number) => C_MEAN + 0.6 * coastNoise((y - Y_SOUTH) / 2.2) - 0.05 * y + 0.55 * bump((y + 1.8) / 0.8);
  const coastFine = (y: number) => coastSmooth(y) + 0.03 * coastFine1((y - Y_SOUTH) / 0.1) + 0.012 * coastFine2((y - Y_SOUTH) / 0.045);
  const phi = (u: number) => smoothstep((u - U_BEND) / (NU - U_BEND));
  const warpX = (u: number, y: number) => X_WEST + u * BLOCK_KM + phi(u) * (coastSmooth(y) - C_MEAN);

  // --- City limits and the reservoir, as a block mask. ---------------------------------------
  const land = new Int32Array(NU * NV).fill(OUTSIDE);
  const west = stepProfile(rng.fork(), NV, 0, 9, 4, 14, 3);
  const south = stepProfile(rng.fork(), NU, 0, 7, 4, 12, 3);
  const north = stepProfile(rng.fork(), NU, 0, 7, 4, 12, 3);
  const holeNoise = createNoise2(rng.fork(), 40);
  const hole = { u: 27.5, v: 66.5, ru: 4.6, rv: 3.4 };
  const holeShape = (u: number, v: number) => 1 + 0.22 * holeNoise(u / 3, v / 3);
  const holeEll = (u: number, v: number) => ((u - hole.u) / hole.ru) ** 2 + ((v - hole.v) / hole.rv) ** 2;
  for (let j = 0; j < NV; j++) {
    for (let i = 0; i < NU; i++) {
      if (i >= west[j]! && j >= south[i]! && j < NV - north[i]!) land[j * NU + i] = 0;
      if (holeEll(i + 0.5, j + 0.5) < holeShape(i + 0.5, j + 0.5)) land[j * NU + i] = HOLE;
    }
  }
  const holeBlock = Math.floor(hole.v) * NU + Math.floor(hole.u);
  cleanMask(land, holeBlock);

  // --- Vertices: straight grid in the west, bent along the coast in the east, rounded around
  // the reservoir. -------------------------------------------------------------------------
  const nVert = vertexCount({ nu: NU, nv: NV });
  const vx = new Float64Array(nVert);
  const vy = new Float64Array(nVert);
  const maskAt = (i: number, j: number) => (i < 0 || j < 0 || i >= NU || j >= NV ? OUTSIDE : land[j * NU + i]!);
  for (let j = 0; j <= NV; j++) {
    for (let i = 0; i <= NU; i++) {
      let u = i;
      let v = j;
      const around = [maskAt(i - 1, j - 1), maskAt(i, j - 1), maskAt(i - 1, j), maskAt(i, j)];
      if (around.includes(HOLE) && around.includes(0)) {
        // Pull the corner towards the reservoir's outline (radially), at most 0.38 block.
        const ell = holeEll(u, v);
        let t = 1;
        for (let k = 0; k < 3; k++) {
          const qu = hole.u + (u - hole.u) * t;
          const qv = hole.v + (v - hole.v) * t;
          t = Math.sqrt(holeShape(qu, qv) / ell);
        }
        let du = hole.u + (u - hole.u) * t - u;
        let dv = hole.v + (v - hole.v) * t - v;
        const len = Math.sqrt(du * du + dv * dv);
        if (len > 0.38) {
          du *= 0.38 / len;
          dv *= 0.38 / len;
        }
        u += du;
        v += dv;
      }
      const y = Y_SOUTH + v * BLOCK_KM;
      const id = vertexId({ nu: NU }, i, j);
      vx[id] = i === NU ? coastFine(y) : warpX(u, y);
      vy[id] = y;
    }
  }
  const edgePoints = new Map<number, Point[]>();
  for (let j = 0; j < NV; j++) {
    if (land[j * NU + NU - 1] !== 0) continue;
    const pts: Point[] = [];
    for (let q = 1; q < 4; q++) {
      const y = Y_SOUTH + (j + q / 4) * BLOCK_KM;
      pts.push([coastFine(y), y]);
    }
    edgePoints.set(vertexId({ nu: NU }, NU, j) * nVert + vertexId({ nu: NU }, NU, j + 1), pts);
  }
  const grid: BlockGrid = { nu: NU, nv: NV, vx, vy, edgePoints };
  const rings = Array.from({ length: NU * NV }, (_, b) => blockRingKm(grid, b));
  const centres = Array.from({ length: NU * NV }, (_, b) => blockCentreKm(grid, b));
  const areaKm2 = Float64Array.from(rings, (r) => signedArea(r));
  for (let b = 0; b < areaKm2.length; b++) {
    if (!(areaKm2[b]! > 0)) throw new Error(`buildCity: block ${b} is inverted`);
  }

  const locate = (p: Point): number => {
    const v = (p[1] - Y_SOUTH) / BLOCK_KM;
    let lo = -1;
    let hi = NU + 1;
    for (let k = 0; k < 30; k++) {
      const mid = (lo + hi) / 2;
      if (warpX(mid, p[1]) < p[0]) lo = mid;
      else hi = mid;
    }
    const i0 = Math.floor(lo);
    const j0 = Math.floor(v);
    for (let dj = 0; dj <= 2; dj++) {
      for (let di = 0; di <= 2; di++) {
        const i = i0 + [0, -1, 1][di]!;
        const j = j0 + [0, -1, 1][dj]!;
        if (i < 0 || j < 0 || i >= NU || j >= NV) continue;
        const b = j * NU + i;
        if (pointInRing(p, rings[b]!)) return b;
      }
    }
    return -1;
  };

  // --- Barriers: the river (west edge → lake, with bridges) and an expressway. -----------
  const landBlocks = [...land.keys()].filter((b) => land[b] === 0);
  const riverLine = meanderLine(rng.fork(), [X_WEST - 0.6, 1.1], [coastSmooth(1.1) + 0.8, 1.1], 0.55, 0.08);
  const riverBarrier = withCrossings('river', 'Lakeport River', riverLine, 6, 0.15, locate, land, rng.fork());
  const expressLine = meanderLine(rng.fork(), [0.35, -0.7], [X_WEST - 0.8, -9.8], 0.25, 0.1);
  const expressBarrier = withCrossings('expressway', 'Southwest Expressway', expressLine, 9, 0.15, locate, land, rng.fork());
  const barriers = [riverBarrier, expressBarrier];

  // --- River banks: components of land when block pairs across the river are cut. ----------
  const riverCut = (a: number, b: number) => crossesPolyline(centres[a]!, centres[b]!, riverLine);
  const comps = labelComponents(grid, land, (a, b) => !riverCut(a, b));
  const bank = mergeSmallComponents(grid, land, comps.component, comps.sizes, 24);

  // --- Population and hardship fields. --------------------------------------------------------
  const densityNoise = createFractalNoise2(rng.fork(), 12, 3);
  const hardNoise = createFractalNoise2(rng.fork(), 10, 3);
  const population = new Int32Array(NU * NV);
  const hardship = new Float64Array(NU * NV);
  const density = new Float64Array(NU * NV);
  for (const b of landBlocks) {
    const [x, y] = centres[b]!;
    const d = Math.sqrt(x * x + y * y);
    const core = 1 / (1 + (d / 4) ** 2);
    const lakefront = Math.max(0, 1 - (coastSmooth(y) - x) / 2.5) ** 2;
    const nx = (x - X_WEST) / 2 + 0.5;
    const ny = (y - Y_SOUTH) / 2 + 0.5;
    let dens = 0.15 + 1.1 * core + 0.6 * lakefront + 0.3 * (1 + densityNoise(nx, ny));
    if (d < 0.8) dens *= 0.55; // offices, not homes
    if (distanceToPolyline([x, y], riverLine) < 0.35) dens *= 0.45; // riverside industry
    if (distanceToPolyline([x, y], expressLine) < 0.25) dens *= 0.6;
    density[b] = dens * areaKm2[b]!;
    let h = 48 + 45 * hardNoise(nx * 0.9 + 3, ny * 0.9 + 3) - 1.8 * y - 1.1 * (x + 5) - 26 * lakefront - 14 * core;
    h = Math.min(97, Math.max(3, h));
    hardship[b] = h;
  }
  apportion(density, counts.populationTotal, population);

  // --- Hotspots. ----------------------------------------------------------------------------
  const nearestLand = (p: Point) => {
    let best = -1;
    let bestD = Infinity;
    for (const b of landBlocks) {
      const dx = centres[b]![0] - p[0];
      const dy = centres[b]![1] - p[1];
      if (dx * dx + dy * dy < bestD) {
        bestD = dx * dx + dy * dy;
        best = b;
      }
    }
    return centres[best]!;
  };
  const maxHardship = (filter: (p: Point) => boolean) => {
    let best = -1;
    for (const b of landBlocks) {
      if (!filter(centres[b]!) || population[b]! === 0) continue;
      if (best < 0 || hardship[b]! > hardship[best]!) best = b;
    }
    return centres[best]!;
  };
  const marketSouth = maxHardship(([x, y]) => y < -4 && x > -11);
  const marketWest = maxHardship(([x, y]) => x < -5 && y > -3 && y < 0.3);
  const hotspots: Hotspot[] = [
    { name: 'downtown', centre: nearestLand([0, -0.2]), sigmaKm: 0.9 },
    { name: 'nightlife', centre: nearestLand([-2.2, 3.4]), sigmaKm: 0.6 },
    { name: 'mall', centre: nearestLand([-9.5, -7.5]), sigmaKm: 0.25 },
    { name: 'market-west', centre: marketWest, sigmaKm: 0.45 },
    { name: 'market-south', centre: marketSouth, sigmaKm: 0.45 },
  ];

  // --- Region graph: 2×2 super-blocks split by river bank. -----------------------------------
  const nodeOf = new Int32Array(NU * NV).fill(-1);
  const nodeKey = new Map<number, number>();
  const nodes: { x: number; y: number; group: number; weight: number }[] = [];
  for (const b of landBlocks) {
    const i = b % NU;
    const j = (b - i) / NU;
    const key = ((j >> 1) * (NU >> 1) + (i >> 1)) * 16 + bank[b]!;
    let n = nodeKey.get(key);
    if (n === undefined) {
      n = nodes.length;
      nodeKey.set(key, n);
      nodes.push({ x: 0, y: 0, group: bank[b]!, weight: 0 });
    }
    nodeOf[b] = n;
    const node = nodes[n]!;
    node.x += centres[b]![0];
    node.y += centres[b]![1];
    node.weight++;
  }
  for (const node of nodes) {
    node.x /= node.weight;
    node.y /= node.weight;
  }
  const edges: Array<[number, number, number]> = [];
  for (const b of landBlocks) {
    for (const nb of blockNeighbours(grid, b)) {
      if (nb < b || land[nb] !== 0 || bank[nb] !== bank[b] || nodeOf[nb] === nodeOf[b]) continue;
      const penalty = crossesPolyline(centres[b]!, centres[nb]!, expressLine) ? 3 : 0;
      edges.push([nodeOf[b]!, nodeOf[nb]!, penalty]);
    }
  }
  const graph = buildNodeGraph(nodes, edges);
  const sameBank = (t: number, s: number) => bank[t] === bank[s];
  const regionLabels = (count: number, r: Rng): Int32Array => {
    const nodeRegion = growRegions(graph, placeSeeds(graph, count, r));
    const labels = new Int32Array(NU * NV).fill(OUTSIDE);
    for (let b = 0; b < labels.length; b++) {
      if (land[b] === HOLE) labels[b] = HOLE;
      else if (land[b] === 0) {
        const l = nodeRegion[nodeOf[b]!]!;
        if (l < 0) throw new Error(`buildCity: block ${b} was reached by no seed`);
        labels[b] = l;
      }
    }
    makeContiguous(grid, labels, sameBank);
    return labels;
  };

  // --- Beats, then districts as unions of beats. ---------------------------------------------
  const rawBeat = regionLabels(counts.beats, rng.fork());
  removePinches(grid, rawBeat, [], sameBank);
  const beatDistrictRaw = groupBeats(grid, rawBeat, counts.beats, counts.districts, centres, bank, rng.fork());
  removePinches(grid, rawBeat, [(l) => beatDistrictRaw[l]!], sameBank);
  const { beat, beatIds, beatDistrict, districtIds } = numberBeats(rawBeat, beatDistrictRaw, counts, centres);

  // --- Neighbourhoods and wards (numbered north to south, like community areas). -----------
  const rawHood = regionLabels(counts.neighbourhoods, rng.fork());
  removePinches(grid, rawHood, [], sameBank);
  const neighbourhood = renumberNorthToSouth(rawHood, counts.neighbourhoods, centres);
  const downtownHood = neighbourhood[locate(hotspots[0]!.centre)]!;
  const hoodNames = [...NEIGHBOURHOOD_NAMES];
  shuffleInPlace(hoodNames, rng.fork());
  const neighbourhoodNames: string[] = [];
  for (let k = 0, n = 0; k < counts.neighbourhoods; k++) {
    neighbourhoodNames.push(k === downtownHood ? 'Downtown' : hoodNames[n++]!);
  }
  const ward = renumberNorthToSouth(regionLabels(counts.wards, rng.fork()), counts.wards, centres);

  const streets = nameStreets(rng.fork(), vx, vy);

  return {
    grid,
    land,
    bank,
    rings,
    centres,
    areaKm2,
    population,
    hardship,
    beat,
    beatIds,
    beatDistrict,
    districtIds,
    neighbourhood,
    neighbourhoodNames,
    ward,
    wardCount: counts.wards,
    barriers,
    hotspots,
    streets,
    locate,
  };
}

/** A piecewise-constant random walk (a staircase), `n` values in `[lo, hi]`. */
function stepProfile(rng: Rng, n: number, lo: number, hi: number, runMin: number, runMax: number, maxStep: number): number[] {
  const out: number[] = [];
  let v = lo + rng.int(hi - lo + 1);
  while (out.length < n) {
    const run = runMin + rng.int(runMax - runMin + 1);
    for (let k = 0; k < run && out.length < n; k++) out.push(v);
    v = Math.min(hi, Math.max(lo, v + rng.int(2 * maxStep + 1) - maxStep));
  }
  return out;
}

/**
 * Repairs the land mask until: land is one edge-connected piece with no pinches, the only
 * enclosed non-land piece is the reservoir (other pockets are filled), everything else
 * non-land is outside.
 */
function cleanMask(land: Int32Array, holeBlock: number): void {
  const g = { nu: NU, nv: NV };
  for (let pass = 0; pass < 50; pass++) {
    let changed = false;
    const isLand = (b: number) => (land[b] === 0 ? 0 : -1);
    for (let j = 1; j < NV; j++) {
      for (let i = 1; i < NU; i++) {
        const p = pinchAt(g, isLand, i, j);
        if (!p) continue;
        const [a, b, c, d] = p.blocks;
        const target = [b, c, a, d].find((x) => land[x] !== 0)!;
        land[target] = 0;
        changed = true;
      }
    }
    // Keep the largest land piece.
    const landComps = labelComponents(
      g,
      Int32Array.from(land, (l) => (l === 0 ? 0 : -1)),
    );
    const biggest = landComps.sizes.indexOf(Math.max(...landComps.sizes));
    for (let b = 0; b < land.length; b++) {
      if (land[b] === 0 && landComps.component[b] !== biggest) {
        land[b] = OUTSIDE;
        changed = true;
      }
    }
    // Non-land pieces: touching the grid edge → outside; the reservoir's → hole; others → land.
    const nonLand = labelComponents(
      g,
      Int32Array.from(land, (l) => (l === 0 ? -1 : 0)),
    );
    const touchesEdge = new Set<number>();
    for (let b = 0; b < land.length; b++) {
      const i = b % NU;
      const j = (b - i) / NU;
      if (nonLand.component[b]! >= 0 && (i === 0 || j === 0 || i === NU - 1 || j === NV - 1)) {
        touchesEdge.add(nonLand.component[b]!);
      }
    }
    const holeComp = nonLand.component[holeBlock]!;
    if (holeComp < 0 || touchesEdge.has(holeComp)) throw new Error('cleanMask: the reservoir is not enclosed');
    for (let b = 0; b < land.length; b++) {
      const c = nonLand.component[b]!;
      if (c < 0) continue;
      const want = touchesEdge.has(c) ? OUTSIDE : c === holeComp ? HOLE : 0;
      if (land[b] !== want) {
        land[b] = want;
        changed = true;
      }
    }
    if (!changed) return;
  }
  throw new Error('cleanMask: did not converge');
}

/**
 * A meandering polyline from `a` to `b`: points every `stepKm`, displaced sideways by smooth
 * noise of amplitude `amplitudeKm` (zero at both ends).
 */
function meanderLine(rng: Rng, a: Point, b: Point, amplitudeKm: number, stepKm: number): Point[] {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  const nx = -dy / len;
  const ny = dx / len;
  const n1 = createNoise1(rng, 64);
  const n2 = createNoise1(rng, 256);
  const steps = Math.ceil(len / stepKm);
  const out: Point[] = [];
  for (let k = 0; k <= steps; k++) {
    const t = k / steps;
    const s = t * len;
    const taper = Math.min(1, t * 8, (1 - t) * 8);
    const off = amplitudeKm * taper * (n1(s / 2.2) + 0.15 * n2(s / 0.7));
    out.push([a[0] + dx * t + nx * off, a[1] + dy * t + ny * off]);
  }
  return out;
}

/**
 * Places `count` crossings along the stretch of a barrier that runs through the city (evenly
 * spaced with jitter) and cuts a gap of `widthKm` at each.
 */
function withCrossings(
  kind: Barrier['kind'],
  name: string,
  line: Point[],
  count: number,
  widthKm: number,
  locate: (p: Point) => number,
  land: Int32Array,
  rng: Rng,
): Barrier {
  const s = arcLengths(line);
  let first = -1;
  let last = -1;
  line.forEach((p, k) => {
    const b = locate(p);
    if (b >= 0 && land[b] === 0) {
      if (first < 0) first = k;
      last = k;
    }
  });
  if (first < 0) throw new Error(`buildCity: the ${kind} misses the city`);
  const from = s[first]! + 0.5;
  const to = s[last]! - 0.4;
  const spacing = (to - from) / count;
  const centres: number[] = [];
  for (let k = 0; k < count; k++) centres.push(from + spacing * (k + 0.5 + (rng.next() - 0.5) * 0.5));
  const pieces = cutGaps(line, centres, widthKm);
  const crossings = centres.map((c) => {
    const k = s.findIndex((v) => v >= c);
    return line[Math.max(0, k)]!;
  });
  return { kind, name, line, pieces, crossings };
}

/**
 * Gives each land block a bank id: components smaller than `minSize` blocks (pockets cut off
 * by a meander) join the neighbouring component they share most edges with; ids are then
 * renumbered by size, largest first.
 */
function mergeSmallComponents(g: BlockGrid, land: Int32Array, component: Int32Array, sizes: number[], minSize: number): Int32Array {
  const comp = Int32Array.from(component);
  const size = [...sizes];
  for (let c = 0; c < size.length; c++) {
    if (size[c]! >= minSize || size[c] === 0) continue;
    const votes = new Map<number, number>();
    for (let b = 0; b < comp.length; b++) {
      if (comp[b] !== c) continue;
      for (const nb of blockNeighbours(g, b)) {
        const o = comp[nb]!;
        if (o >= 0 && o !== c) votes.set(o, (votes.get(o) ?? 0) + 1);
      }
    }
    const target = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    if (target === undefined) continue;
    for (let b = 0; b < comp.length; b++) if (comp[b] === c) comp[b] = target;
    size[target]! += size[c]!;
    size[c] = 0;
  }
  const order = [...size.keys()].filter((c) => size[c]! > 0).sort((a, b) => size[b]! - size[a]! || a - b);
  const rank = new Map(order.map((c, k) => [c, k]));
  return Int32Array.from(comp, (c, b) => (land[b] === 0 && c >= 0 ? rank.get(c)! : -1));
}

/** Largest-remainder rounding of `weights` to integers summing to `total`, into `out`. */
function apportion(weights: Float64Array, total: number, out: Int32Array): void {
  const sum = weights.reduce((s, w) => s + w, 0);
  const rem: Array<[number, number]> = [];
  let assigned = 0;
  for (let b = 0; b < weights.length; b++) {
    const exact = (weights[b]! / sum) * total;
    out[b] = Math.floor(exact);
    assigned += out[b]!;
    if (weights[b]! > 0) rem.push([exact - out[b]!, b]);
  }
  rem.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < total - assigned; k++) out[rem[k]![1]]!++;
}

/** Mean block centre of each label. */
function labelCentroids(labels: Int32Array, count: number, centres: Point[]): Point[] {
  const acc = Array.from({ length: count }, () => [0, 0, 0]);
  labels.forEach((l, b) => {
    if (l < 0) return;
    acc[l]![0] += centres[b]![0];
    acc[l]![1] += centres[b]![1];
    acc[l]![2]++;
  });
  return acc.map(([x, y, n]) => [x! / n!, y! / n!]);
}

/**
 * Groups beats into districts: seeds spread by best-candidate over beat centroids (the beat
 * holding downtown always seeds one), then the district with fewest beats repeatedly takes
 * its nearest adjacent unassigned beat, preferring beats on the same river bank.
 */
function groupBeats(
  g: BlockGrid,
  beat: Int32Array,
  beatCount: number,
  districtCount: number,
  centres: Point[],
  bank: Int32Array,
  rng: Rng,
): number[] {
  const cent = labelCentroids(beat, beatCount, centres);
  const adj = Array.from({ length: beatCount }, () => new Map<number, boolean>());
  const beatBank = new Int32Array(beatCount);
  beat.forEach((l, b) => {
    if (l < 0) return;
    beatBank[l] = bank[b]!;
    for (const nb of blockNeighbours(g, b)) {
      const o = beat[nb]!;
      if (o >= 0 && o !== l) adj[l]!.set(o, true);
    }
  });
  let downtown = 0;
  let best = Infinity;
  cent.forEach(([x, y], k) => {
    if (x * x + y * y < best) {
      best = x * x + y * y;
      downtown = k;
    }
  });
  const seeds = [downtown];
  while (seeds.length < districtCount) {
    let pick = -1;
    let pickD = -1;
    for (let c = 0; c < 30; c++) {
      const k = rng.int(beatCount);
      let d = Infinity;
      for (const s of seeds) d = Math.min(d, (cent[k]![0] - cent[s]![0]) ** 2 + (cent[k]![1] - cent[s]![1]) ** 2);
      if (d > pickD) {
        pickD = d;
        pick = k;
      }
    }
    seeds.push(pick);
  }
  const district = new Array<number>(beatCount).fill(-1);
  const size = new Array<number>(districtCount).fill(1);
  seeds.forEach((s, d) => (district[s] = d));
  for (let assigned = districtCount; assigned < beatCount; assigned++) {
    let choice: [number, number] | null = null; // [district, beat]
    for (const sameBankOnly of [true, false]) {
      const order = [...size.keys()].sort((a, b) => size[a]! - size[b]! || a - b);
      for (const d of order) {
        let bestBeat = -1;
        let bestDist = Infinity;
        for (let k = 0; k < beatCount; k++) {
          if (district[k] !== d) continue;
          for (const o of adj[k]!.keys()) {
            if (district[o] !== -1) continue;
            if (sameBankOnly && beatBank[o] !== beatBank[k]) continue;
            const s = seeds[d]!;
            const dist = (cent[o]![0] - cent[s]![0]) ** 2 + (cent[o]![1] - cent[s]![1]) ** 2;
            if (dist < bestDist || (dist === bestDist && o < bestBeat)) {
              bestDist = dist;
              bestBeat = o;
            }
          }
        }
        if (bestBeat >= 0) {
          choice = [d, bestBeat];
          break;
        }
      }
      if (choice) break;
    }
    if (!choice) throw new Error('groupBeats: a beat is unreachable');
    district[choice[1]] = choice[0];
    size[choice[0]]!++;
  }
  return district;
}

/**
 * Numbers districts (1 = the one holding downtown, then north to south) and beats in the
 * Chicago style `DDSB`: two-digit district, sector (1–3, north to south within the district),
 * beat within the sector (west to east).
 */
function numberBeats(rawBeat: Int32Array, rawDistrict: number[], counts: CityCounts, centres: Point[]) {
  const beatCent = labelCentroids(rawBeat, counts.beats, centres);
  const distCent = Array.from({ length: counts.districts }, (_, d) => {
    const members = rawDistrict.flatMap((x, k) => (x === d ? [beatCent[k]!] : []));
    return [members.reduce((s, p) => s + p[0], 0) / members.length, members.reduce((s, p) => s + p[1], 0) / members.length] as Point;
  });
  const districtOrder = [0, ...[...distCent.keys()].filter((d) => d !== 0).sort((a, b) => distCent[b]![1] - distCent[a]![1] || a - b)];
  const beatIds: string[] = [];
  const beatDistrict: number[] = [];
  const newIndex = new Array<number>(counts.beats).fill(-1);
  districtOrder.forEach((raw, dNew) => {
    const members = [...rawDistrict.keys()].filter((k) => rawDistrict[k] === raw);
    members.sort((a, b) => beatCent[b]![1] - beatCent[a]![1] || a - b);
    const sectors = 3;
    for (let s = 0; s < sectors; s++) {
      const from = Math.round((members.length * s) / sectors);
      const to = Math.round((members.length * (s + 1)) / sectors);
      const inSector = members.slice(from, to).sort((a, b) => beatCent[a]![0] - beatCent[b]![0] || a - b);
      inSector.forEach((k, n) => {
        newIndex[k] = beatIds.length;
        beatIds.push(`${String(dNew + 1).padStart(2, '0')}${s + 1}${n + 1}`);
        beatDistrict.push(dNew);
      });
    }
  });
  const beat = Int32Array.from(rawBeat, (l) => (l >= 0 ? newIndex[l]! : l));
  const districtIds = Array.from({ length: counts.districts }, (_, d) => String(d + 1));
  return { beat, beatIds, beatDistrict, districtIds };
}

/** Renumbers labels by centroid, north to south (then west to east). */
function renumberNorthToSouth(labels: Int32Array, count: number, centres: Point[]): Int32Array {
  const cent = labelCentroids(labels, count, centres);
  const order = [...cent.keys()].sort((a, b) => {
    const ra = Math.round(cent[a]![1] / 2.5);
    const rb = Math.round(cent[b]![1] / 2.5);
    return rb - ra || cent[a]![0] - cent[b]![0] || a - b;
  });
  const rank = new Array<number>(count);
  order.forEach((l, k) => (rank[l] = k));
  return Int32Array.from(labels, (l) => (l >= 0 ? rank[l]! : l));
}

/**
 * Street names: the north–south street nearest x = 0 is STATE ST and the shoreline road is
 * LAKE SHORE DR; the east–west street nearest y = 0 is MADISON ST, streets south of it are
 * numbered (8 to the mile, as in Chicago), streets north of it are named.
 */
function nameStreets(rng: Rng, vx: Float64Array, vy: Float64Array) {
  const words = [...STREET_WORDS];
  shuffleInPlace(words, rng);
  const suffixes = ['AVE', 'ST', 'AVE', 'ST', 'BLVD', 'PL', 'DR'];
  let next = 0;
  const word = () => {
    const w = words[next % words.length]!;
    const suffix = suffixes[(next + Math.floor(next / words.length)) % suffixes.length]!;
    next++;
    return `${w} ${suffix}`;
  };
  const southRowY = (j: number) => vy[vertexId({ nu: NU }, 0, j)]!;
  const colX = (i: number) => vx[vertexId({ nu: NU }, i, 0)]!;
  let stateCol = 0;
  for (let i = 0; i <= NU; i++) if (Math.abs(colX(i)) < Math.abs(colX(stateCol))) stateCol = i;
  let madisonRow = 0;
  for (let j = 0; j <= NV; j++) if (Math.abs(southRowY(j)) < Math.abs(southRowY(madisonRow))) madisonRow = j;
  const northSouth: string[] = [];
  for (let i = 0; i <= NU; i++) northSouth.push(i === stateCol ? 'STATE ST' : i === NU ? 'LAKE SHORE DR' : word());
  const eastWest: string[] = [];
  for (let j = 0; j <= NV; j++) {
    if (j === madisonRow) eastWest.push('MADISON ST');
    else if (j < madisonRow) eastWest.push(`${ordinal(Math.max(1, Math.round(-southRowY(j) / 0.201168)))} ST`);
    else eastWest.push(word());
  }
  return { northSouth, eastWest };
}

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'TH' : (['TH', 'ST', 'ND', 'RD'][n % 10] ?? 'TH');
  return `${n}${suffix}`;
}
