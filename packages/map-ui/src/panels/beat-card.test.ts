// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { type ApiClient, ApiProblem, type PlanDto } from '../api-client.js';
import type { CellModel } from '../cell-model.js';
import type { PlanMetricsDto } from '../metrics.js';
import type { PlanResponseDto } from '../response.js';
import { fixture } from '../test-support/fixture.js';
import { type BeatCardHost, BeatCardPanel } from './beat-card.js';

const fig = { meanTravelMinutes: 4.5, p90TravelMinutes: 7.6, meanQueueWaitMinutes: 0, rho: 0.2, units: 2 };
const response = (version: number) =>
  fixture<PlanResponseDto>({
    version,
    staffingRule: 'required officers (time model)',
    shifts: [{ shift: '0-8', ...fig }],
    beats: [
      { id: 'B1', ...fig },
      { id: 'B2', ...fig },
    ],
    unitsByShift: [[2, 4]],
    warnings: [],
  });
const metrics = fixture<PlanMetricsDto>({
  workload: { mean: 40 },
  tolerance: 0.1,
  perBeat: [
    { id: 'B1', cells: 3, areaKm2: 1, workload: 40, shiftWorkloadHours: [40], polsbyPopper: 0.4, contiguous: true },
    { id: 'B2', cells: 3, areaKm2: 1, workload: 41, shiftWorkloadHours: [41], polsbyPopper: 0.4, contiguous: true },
  ],
});
const model = { beatIds: ['B1', 'B2'], detail: { shifts: ['0-8'] } } as unknown as CellModel;

function setup(o: { role?: 'viewer' | 'analyst' | 'commander'; fail?: number } = {}) {
  document.body.innerHTML = '<section id="panel-beat"><div id="beat-slot"></div></section>';
  const asked: string[] = [];
  const state = { plan: { id: 'p', version: 1, inputs: {} } as unknown as PlanDto, beat: 0 as number | null };
  const api = {
    get: async (path: string) => {
      asked.push(`GET ${path}`);
      if (o.fail) throw new ApiProblem(o.fail, 'NOT_FOUND', 'no such route', `/api/v1${path}`);
      return response(Number(/version=(\d+)/.exec(path)![1]));
    },
    post: async (path: string, body: unknown) => {
      asked.push(`POST ${path} ${JSON.stringify(body)}`);
      return { data: { before: response(1), after: response(1), version: 1 }, etag: null, status: 200 };
    },
  } as unknown as ApiClient;
  const role = o.role ?? 'commander';
  const host: BeatCardHost = {
    api,
    plan: () => state.plan,
    model: () => model,
    metrics: () => metrics,
    selectedBeat: () => state.beat,
    canEdit: () => role === 'commander',
    canAnalyse: () => role !== 'viewer',
    staffing: () => null,
    roster: async () => '',
    replaySection: () => document.createElement('section'),
    toggleLock: () => undefined,
    zoomTo: () => undefined,
    say: () => undefined,
    timing: () => undefined,
  };
  return { card: new BeatCardPanel(host).mount(), asked, state };
}

const settle = () => new Promise((ok) => setTimeout(ok, 300));
const responseStatus = () => document.querySelector('[data-testid=response-figures]')?.getAttribute('data-status');
const officers = () => Array.from(document.querySelectorAll('[data-testid=beat-officers]'), (td) => td.textContent);

describe('beat card panel', () => {
  beforeEach(() => {
    document.body.innerHTML = '';
  });

  it('asks the response figures once per version, whichever beat is selected, and shows the model officers', async () => {
    const t = setup();
    t.card.render();
    expect(responseStatus()).toBe('loading');
    await settle();
    expect(responseStatus()).toBe('ready');
    expect(officers()).toEqual(['the time model needs 2']);
    t.state.beat = 1;
    t.card.render();
    await settle();
    expect(officers()).toEqual(['the time model needs 4']);
    expect(t.asked).toEqual(['GET /plans/p/response?version=1']);
    t.state.plan = { ...t.state.plan, version: 2 };
    t.card.render();
    expect(responseStatus()).toBe('loading');
    await settle();
    expect(t.asked).toEqual(['GET /plans/p/response?version=1', 'GET /plans/p/response?version=2']);
  });

  it('a viewer sees the role note and nothing is asked; no beat selected: an empty card', async () => {
    const t = setup({ role: 'viewer' });
    t.card.render();
    await settle();
    expect(responseStatus()).toBe('forbidden');
    expect(t.asked).toEqual([]);
    t.state.beat = null;
    t.card.render();
    expect(document.getElementById('beat-slot')!.childElementCount).toBe(0);
  });

  it('a server without the route says so in plain words', async () => {
    setup({ fail: 404 }).card.render();
    await settle();
    expect(document.querySelector('[data-testid=response-figures]')!.textContent).toContain(
      'Response figures are not available on this server (GET /api/v1/plans/p/response?version=1 answered 404).',
    );
  });

  it('the officers-on-duty what-if posts only the changed shift, and another beat starts afresh', async () => {
    const t = setup({ role: 'analyst' });
    t.card.render();
    await settle();
    const input = document.getElementById('units-whatif-0') as HTMLInputElement;
    expect(input.value).toBe('2');
    input.value = '3';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await t.card.runUnitsWhatIf();
    expect(t.asked.at(-1)).toBe('POST /plans/p/response/whatif {"version":1,"units":[{"beat":"B1","shift":"0-8","officers":3}]}');
    t.state.beat = 1;
    t.card.render();
    expect((document.getElementById('units-whatif-0') as HTMLInputElement).value).toBe('4');
  });
});
