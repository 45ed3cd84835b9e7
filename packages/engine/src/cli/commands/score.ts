/** `beatplan score`: grid + ingest + score → cells.csv and score-report.json. */
import { cellsToCsv } from '../../score/cells-csv.js';
import { CITY_OPTIONS, INGEST_STRICT_OPTION, ingestWarnings, loadCityFromArgs, required, roundTimings, writeOut } from '../inputs.js';
import { type CommandHelp, parseOptions } from '../options.js';
import { terminalProgress } from '../progress.js';
import type { CliIo } from '../run.js';

/** `beatplan score --help`. */
export const SCORE_HELP = {
  name: 'score',
  summary: 'grid the city and score every cell on workload and engagement need',
  details:
    'Writes DIR/cells.csv (h3, workload, need, incidents, population, workload_<shift>; officer-hours and community hours per week) and DIR/score-report.json (grid, ingest and scoring report, timings).',
  options: { ...CITY_OPTIONS, strict: INGEST_STRICT_OPTION },
  formats: ['incidents', 'geojson'],
} as const satisfies CommandHelp;

export async function scoreCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, SCORE_HELP.options);
  const out = required(values.out, 'out');
  const t0 = performance.now();
  const city = await loadCityFromArgs(values, { onProgress: terminalProgress(io.stderr), log: io.stderr });
  const { grid, score, ingest } = city;
  await writeOut(out, 'cells.csv', cellsToCsv(grid, score.scores));
  const report = {
    resolution: grid.resolution,
    cells: grid.cellCount,
    components: grid.componentCount,
    bridges: grid.bridges.map(([a, b]) => [grid.h3[a], grid.h3[b]]),
    barrierCutEdges: grid.barrierCutEdges,
    incidents: { read: ingest.read, used: ingest.used, rejected: ingest.rejected, examples: ingest.examples, times: ingest.times },
    ...(city.areaCounts ? { incidentCounts: city.areaCounts } : {}),
    scoring: score.report,
    shifts: score.scores.shifts,
    timingsMs: roundTimings({ ...city.timingsMs, total: performance.now() - t0 }),
  };
  await writeOut(out, 'score-report.json', report);
  io.stdout.write(
    `scored ${grid.cellCount} cells at resolution ${grid.resolution}: ${ingest.used} of ${ingest.read} incidents used, ` +
      `${score.report.totalWorkloadHours.toFixed(1)} officer-hours/week → ${out}\n`,
  );
  return values.strict && ingestWarnings(ingest).length > 0 ? 3 : 0;
}
