/**
 * Districting benchmark: the Chicago runs (real data, when present: fresh, ±1% balance, minimal
 * change from the current beats, a 10% change budget) and synthetic cities of
 * ~10k, 40k and 150k cells, printing the time of each stage and the quality figures, and the
 * time of a 50-cell `moveCells` stroke. Wired into `pnpm bench` by `test/bench/run.ts`.
 */
import { readFileSync } from 'node:fs';
import type { Grid } from '../../packages/engine/src/grid/grid.js';
import { buildGrid, cellsToPolygons, pointToCellLocator } from '../../packages/engine/src/grid/index.js';
import { readIncidents } from '../../packages/engine/src/io/index.js';
import {
  type BeatPlan,
  createPlanState,
  evaluatePlan,
  importPlan,
  moveCells,
  type PlanBeatsOptions,
  type PlanMetrics,
  type PlanScores,
  planBeats,
  syntheticCity,
} from '../../packages/engine/src/plan/index.js';
import { contiguityFloor } from '../../packages/engine/src/plan/tree-start.js';
import { scoreCells } from '../../packages/engine/src/score/index.js';
import { spreadCounts } from '../../packages/engine/src/score/score-cells.js';
import { unitsOfCells } from '../../packages/engine/src/units/assign.js';
import { unitGrid, unitSums } from '../../packages/engine/src/units/quotient.js';
import { hasRealdata, realdata } from '../support/realdata.js';

const ms = (t: number) => `${t.toFixed(0)} ms`;
const q = (m: PlanMetrics) =>
  `maxOverMean ${m.workload.maxOverMean.toFixed(3)}  minOverMean ${m.workload.minOverMean.toFixed(3)}  cv ${m.workload.cv.toFixed(4)}  PP ${m.compactness.polsbyPopperMean.toFixed(3)} (min ${m.compactness.polsbyPopperMin.toFixed(3)})  ` +
  `nonContiguous ${m.contiguity.nonContiguousBeats}  unassigned ${m.unassignedCells}  cutEdges ${m.cutEdges}  outside ±${m.tolerance} ${m.beatsOutsideTolerance}`;

/** Median time of 50-cell strokes painted from a boundary cell into the neighbouring beat. */
function strokeTiming(grid: Grid, plan: BeatPlan, scores: PlanScores): string {
  let state = createPlanState(grid, plan, scores);
  const { adjOffsets, adjTargets } = grid;
  const times: number[] = [];
  let rejected = 0;
  const step = Math.max(1, Math.floor(grid.cellCount / 400));
  for (let start = 0; start < grid.cellCount && times.length + rejected < 40; start += step) {
    const b = state.plan.beatOfCell[start]!;
    let c = -1;
    for (let e = adjOffsets[start]!; e < adjOffsets[start + 1]!; e++)
      if (state.plan.beatOfCell[adjTargets[e]!] !== b) c = state.plan.beatOfCell[adjTargets[e]!]!;
    if (c < 0) continue;
    const stroke: number[] = [];
    const seen = new Set<number>();
    for (let e = adjOffsets[start]!; e < adjOffsets[start + 1]!; e++) {
      const j = adjTargets[e]!;
      if (state.plan.beatOfCell[j] === c && stroke.length === 0) {
        stroke.push(j);
        seen.add(j);
      }
    }
    for (let k = 0; k < stroke.length && stroke.length < 50; k++) {
      for (let e = adjOffsets[stroke[k]!]!; e < adjOffsets[stroke[k]! + 1]!; e++) {
        const j = adjTargets[e]!;
        if (!seen.has(j) && state.plan.beatOfCell[j] === c && stroke.length < 50) {
          seen.add(j);
          stroke.push(j);
        }
      }
    }
    const t = performance.now();
    try {
      state = moveCells(grid, state, stroke, b).state;
      times.push(performance.now() - t);
    } catch {
      rejected++;
    }
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)] ?? NaN;
  return `moveCells 50-cell stroke: median ${med.toFixed(2)} ms, max ${(times.at(-1) ?? NaN).toFixed(2)} ms (${times.length} applied, ${rejected} rejected)`;
}

function runOne(
  label: string,
  grid: Grid,
  scores: PlanScores,
  beats: number,
  gridMs: number,
  scoreMs: number,
  extra: PlanBeatsOptions = {},
): void {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = planBeats(grid, scores, { beats, seed: 1, ...extra });
  const planMs = performance.now() - t0;
  const cpuMs = process.cpuUsage(cpu0).user / 1000;
  const m = evaluatePlan(grid, r.plan, scores, { timingsMs: { grid: gridMs, score: scoreMs, plan: planMs }, tolerance: extra.tolerance });
  const st = r.report.timingsMs;
  console.log(`${label}: ${grid.cellCount} cells, ${beats} beats`);
  console.log(
    `  grid ${ms(gridMs)}  score ${ms(scoreMs)}  plan ${ms(planMs)} (cpu ${ms(cpuMs)}; start ${ms(st.start!)}, balance ${ms(st.balance!)}, compact ${ms(st.compact!)})  evaluate ${ms(m.timingsMs.evaluate)}`,
  );
  if (r.report.change) {
    const c = r.report.change;
    console.log(
      `  moved ${(100 * c.movedWorkloadShare).toFixed(1)}% of workload (${(100 * c.movedCellShare).toFixed(1)}% of cells), budget ${c.budget ?? 'none'}`,
    );
  }
  console.log(
    `  ${q(m)}  sweeps ${r.report.iterations.sweeps}, moves ${r.report.iterations.movesAccepted}/${r.report.iterations.movesTried}`,
  );
  console.log(`  ${strokeTiming(grid, r.plan, scores)}`);
}

/**
 * San Francisco's 579 block groups as atomic units (resolution 10, K = 30, crime counts spread
 * by area as in test/units-sf.test.ts), seeds 1–5: time, max/mean, beats outside ±2.5%, and
 * the contiguity floor (heaviest block group + its lightest neighbour) no plan can beat.
 */
export function unitsLine(): void {
  const layer = JSON.parse(readFileSync(realdata('sanfrancisco', 'sf_crime_blockgroups_jul_dec2012.geojson'), 'utf8'));
  const grid = buildGrid(layer, { resolution: 10 });
  const units = unitsOfCells(grid, layer, { idField: 'GEO_ID' });
  type P = { Vandalism: number; Robbery: number; Drugs: number; CarTheft: number };
  const counts = spreadCounts(grid, {
    features: layer.features.map((f: { geometry: never; properties: P }) => ({
      geometry: f.geometry,
      value: f.properties.Vandalism + f.properties.Robbery + f.properties.Drugs + f.properties.CarTheft,
    })),
  });
  const workload = Float64Array.from(counts, (c) => (c * 0.75) / 26);
  const uw = unitSums(units, workload);
  const floor = Math.max(...contiguityFloor(unitGrid(grid, units), uw, uw.reduce((a, b) => a + b, 0) / 30, 0.025));
  console.log(
    `SF block groups as units (579, res 10, K = 30): contiguity floor max/mean ≥ ${(1 + floor).toFixed(4)} (the band ±2.5% is out of reach)`,
  );
  let atFloor = 0;
  let best = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const t = performance.now();
    const { plan, report } = planBeats(grid, workload, { beats: 30, seed, units });
    const ms = performance.now() - t;
    const m = evaluatePlan(grid, plan, workload);
    if (m.workload.maxOverMean <= 1 + floor + 1e-9) atFloor++;
    if (report.outsideBand.length === 1 && m.workload.maxOverMean <= 1 + floor + 1e-9) best++;
    console.log(
      `  seed ${seed}: plan ${ms.toFixed(0)} ms  max/mean ${m.workload.maxOverMean.toFixed(4)}  min/mean ${m.workload.minOverMean.toFixed(4)}  cv ${m.workload.cv.toFixed(4)}  ` +
        `outside ±2.5% ${report.outsideBand.length}  PP (cells) ${m.compactness.polsbyPopperMean.toFixed(3)}`,
    );
  }
  console.log(
    `  ${atFloor} of 5 seeds keep max/mean at or under the floor; ${best} of 5 reach the best any plan can (one beat outside, at the floor)`,
  );
}

/**
 * Prints the districting benchmark: Chicago (when `../shared/realdata` exists: current beats,
 * plan, nested plan) and synthetic cities (~10k cells × 25/100 beats at res 9, ~40k × 274 at
 * res 10, ~150k × 600 at res 11).
 */
export async function runPlanBench(): Promise<void> {
  console.log('== plan benchmark ==');
  if (hasRealdata()) {
    let t = performance.now();
    const beatsGeo = JSON.parse(readFileSync(realdata('chicago', 'police_beats.geojson'), 'utf8'));
    const grid = buildGrid(beatsGeo, { resolution: 10 });
    const gridMs = performance.now() - t;
    t = performance.now();
    const { incidents } = await readIncidents(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'), { locate: pointToCellLocator(grid) });
    const { scores } = scoreCells(grid, incidents);
    const scoreMs = performance.now() - t;
    const current = importPlan(
      grid,
      cellsToPolygons(grid, beatsGeo),
      beatsGeo.features.map((f: { properties: { beat_num: string } }) => f.properties.beat_num),
    );
    console.log(`Chicago current beats: ${q(evaluatePlan(grid, current, scores))}`);
    runOne('Chicago', grid, scores, 274, gridMs, scoreMs);
    runOne('Chicago tight balance (±1%)', grid, scores, 274, gridMs, scoreMs, { tolerance: 0.01 });
    runOne('Chicago minimal change from the current beats', grid, scores, 274, gridMs, scoreMs, { initial: current });
    runOne('Chicago from the current beats, 10% change budget', grid, scores, 274, gridMs, scoreMs, { initial: current, maxChange: 0.1 });
    const districts = cellsToPolygons(grid, JSON.parse(readFileSync(realdata('chicago', 'police_districts.geojson'), 'utf8')));
    runOne('Chicago nested in 22 districts', grid, scores, 274, gridMs, scoreMs, { districts });
    unitsLine();
  } else {
    console.log('(real data missing: Chicago skipped)');
  }
  for (const [cells, resolution, beatsList] of [
    [10_000, 9, [25, 100]],
    [40_000, 10, [274]],
    [150_000, 11, [600]],
  ] as const) {
    const t = performance.now();
    const city = syntheticCity({ seed: 7, cells, resolution });
    const gridMs = performance.now() - t;
    for (const beats of beatsList) runOne(`synthetic ~${cells / 1000}k (res ${resolution})`, city.grid, city.workload, beats, gridMs, 0);
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) await runPlanBench();
