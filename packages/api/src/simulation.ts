/**
 * The simulation job's engine side (runs in a job worker): a stored plan version and staffing,
 * the incidents of a dataset replayed against them (or Poisson draws), and the
 * `simulation.json` document of `beatplan simulate` — the same engine function, `simulationReport`.
 */
import { pointToCellLocator, simulationReport, type ProgressFn, type SimulationReportInput } from '@beatplan/engine';
import { readIncidents } from '@beatplan/engine/io';
import { loadPlanJson, readRoadNetwork, type IncidentReadOptions } from './engine-service.js';
import type { RoadsFile } from './jobs/compute-protocol.js';

/** What a simulation job runs: the options of `POST /plans/{id}/simulations`. */
export interface SimulationJobOptions {
  poisson?: boolean;
  days?: number;
  seed?: number;
  serviceCv?: number;
  officerHoursPerWeek?: number;
}

/**
 * Runs `simulationReport` on a plan.json and a staffing.json (both as stored) with the incidents
 * of `incidents` replayed, or Poisson calls with `options.poisson`; travel on the road graph of
 * `roads` (the plan's roads dataset) when given, else the straight-line rule.
 * @returns the `simulation.json` document
 * @throws BeatplanError from the engine (`PLAN_GRID_MISMATCH`: staffing of another plan; `BAD_INPUT`; `INFEASIBLE`)
 */
export async function simulateOnPlan(
  planJson: string,
  staffing: { json: string; id: string },
  incidents: { path: string; fileName: string; read: IncidentReadOptions; id: string } | undefined,
  options: SimulationJobOptions,
  onProgress?: ProgressFn,
  roads?: RoadsFile,
): Promise<Record<string, unknown>> {
  const p = loadPlanJson(planJson);
  const net = roads ? await readRoadNetwork(roads.path, roads.fileName) : undefined;
  let calls: SimulationReportInput['calls'];
  if (options.poisson || !incidents) calls = { poisson: { days: options.days } };
  else {
    const { incidents: table, report } = await readIncidents(incidents.path, { ...incidents.read, fileName: incidents.fileName, locate: pointToCellLocator(p.grid), onProgress });
    calls = { incidents: table, read: report.read, rejected: report.read - report.used };
  }
  const { doc } = simulationReport(
    { grid: p.grid, plan: p.plan, scores: p.scores, staffing: JSON.parse(staffing.json), calls, names: { plan: 'plan version', staffing: `staffing ${staffing.id}`, ...(incidents ? { incidents: `dataset ${incidents.id}` } : {}) } },
    {
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.serviceCv !== undefined ? { serviceCv: options.serviceCv } : {}),
      ...(options.officerHoursPerWeek !== undefined ? { officerHoursPerWeek: options.officerHoursPerWeek } : {}),
      ...(onProgress ? { onProgress } : {}),
      ...(net ? { roads: net } : {}),
    },
  );
  return doc;
}
