// @vitest-environment happy-dom
import { gridDisk, latLngToCell } from 'h3-js';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { type ApiClient, ApiProblem, type JobDto, type PlanDto } from '../api-client.js';
import { cellsToModel } from '../cell-model.js';
import type { PlanMetricsDto } from '../metrics.js';
import { fixture } from '../test-support/fixture.js';
import { type EditingHost, EditingTools } from './editing.js';

const centre = latLngToCell(41.88, -87.63, 9);
const disk = gridDisk(centre, 1);

function setup(answer: 'ok' | 409) {
  document.body.innerHTML =
    '<button id="undo"></button><button id="redo"></button><button id="rebalance"></button><div id="progress" hidden><span id="progress-label"></span><progress id="progress-bar"></progress><button id="progress-cancel"></button></div><div id="stroke-slot"></div>';
  const model = cellsToModel(
    { resolution: 9, columns: ['h3', 'beat', 'workloadHours', 'needHours'], rows: disk.map((h, k) => [h, k === 0 ? 'A' : 'B', 1, 1]) },
    ['A', 'B'],
  );
  const metrics = fixture<PlanMetricsDto>({
    workload: { mean: 3.5 },
    tolerance: 0.1,
    perBeat: [
      { id: 'A', cells: 1, workload: 1, workloadHours: 1, areaKm2: 0.1 },
      { id: 'B', cells: 6, workload: 6, workloadHours: 6, areaKm2: 0.6 },
    ],
  });
  const state = {
    plan: { id: 'p', version: 3, latestVersion: 3 } as PlanDto,
    etag: '"v3"' as string | null,
    busy: [] as boolean[],
    said: [] as string[],
    applied: [] as number[][],
  };
  const posted: Array<[string, unknown, string | undefined]> = [];
  const api = {
    post: async (path: string, body: unknown, ifMatch?: string) => {
      posted.push([path, body, ifMatch]);
      if (answer === 409) throw new ApiProblem(409, 'CONFLICT', 'beat B would be in two pieces (field "cells")', path);
      return { data: { version: 4, summary: { moved: 1 } }, etag: '"v4"', status: 200 };
    },
  } as unknown as ApiClient;
  const map = { setFeatureState: () => undefined, dragPan: { enable: () => undefined } } as unknown as MapLibreMap;
  const host: EditingHost = {
    api,
    map,
    plan: () => state.plan,
    model: () => model,
    metrics: () => metrics,
    accepted: (plan) => (state.plan = plan),
    etag: () => state.etag,
    setEtag: (e) => (state.etag = e),
    selectedBeat: () => 0,
    brush: () => 0,
    canEdit: () => true,
    applyCellChanges: (cells) => void state.applied.push([...cells]),
    updateLabels: () => undefined,
    reloadVersion: async () => null,
    rendered: () => undefined,
    busyChanged: () => void state.busy.push(tools.busy),
    say: (m) => void state.said.push(m),
  };
  const tools = new EditingTools(host).mount();
  return { tools, model, state, posted };
}

describe('editing tools', () => {
  it('a stroke is applied locally, sent with If-Match, and the new version and ETag kept', async () => {
    const t = setup('ok');
    const cell = t.model.indexOf.get(disk[1]!)!;
    await t.tools.paintCell(cell);
    expect(t.posted).toEqual([['/plans/p/moves', { cells: [disk[1]], toBeat: 'A' }, '"v3"']]);
    expect(t.model.beatOf[cell]).toBe(0);
    expect(t.state.plan.version).toBe(4);
    expect(t.state.etag).toBe('"v4"');
    expect(t.tools.perf).toEqual([expect.objectContaining({ cells: 1, outcome: 'accepted' })]);
    expect(t.state.busy).toEqual([true, false]);
    expect(t.state.said.at(-1)).toBe('Moved 1 cell into beat A (version 4).');
  });

  it('a refused stroke is rolled back and the reason said in plain words', async () => {
    const t = setup(409);
    const cell = t.model.indexOf.get(disk[1]!)!;
    await t.tools.paintCell(cell);
    expect(t.model.beatOf[cell]).toBe(1);
    expect(t.state.applied).toEqual([[cell], [cell]]);
    expect(t.tools.perf.at(-1)!.outcome).toBe('refused');
    expect(t.state.said.at(-1)).toBe('Refused: beat B would be in two pieces');
    expect(t.state.plan.version).toBe(3);
  });

  it('the progress bar shows a job and hides with none', () => {
    const t = setup('ok');
    t.tools.progress('Staffing…', { id: 'j', progress: 0.4 } as JobDto);
    expect(document.getElementById('progress')!.hidden).toBe(false);
    expect(document.getElementById('progress-label')!.textContent).toBe('Staffing…');
    t.tools.progress('', null);
    expect(document.getElementById('progress')!.hidden).toBe(true);
  });
});
