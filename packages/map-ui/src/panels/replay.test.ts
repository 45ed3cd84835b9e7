// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { fixture } from '../test-support/fixture.js';
import { type ReplayHost, ReplayPanel, replayAssumptionLines, replayRows, type SimulationResultDto } from './replay.js';

const fig = (calls: number, mean: number, p90: number, cross: number, queued: number, util: number) => ({
  calls,
  utilisation: util,
  crossBeatShare: cross,
  queuedShare: queued,
  response: { meanMinutes: mean, p50Minutes: mean, p90Minutes: p90 },
});
const sim = fixture<SimulationResultDto>({
  version: 4,
  mode: 'replay',
  city: fig(12_345, 7.25, 14.5, 0.183, 0.021, 0.46),
  beats: [{ id: '7', ...fig(310, 6.1, 11.9, 0.25, 0.01, 0.52) }],
  shifts: [],
  // as simulation.json writes them (beatplan simulate on Chicago, no roads)
  assumptions: {
    calls:
      "the incidents at their real times and cells; service minutes = the type's minutes × units (service-time table) × a lognormal factor of mean 1, CV 0.8",
    dispatch:
      "the beat's nearest free unit, else the city's nearest free unit, else one city-wide queue by priority, first come first served within a priority",
    travel: {
      model: 'straight line × detour at a fixed speed, plus barrier detours',
      speedKmh: 30,
      detourFactor: 1.3,
      atomSizeKm: 1,
      atoms: 1679,
    },
    responseTime: 'queue wait + travel (no call-handling or dispatch delay)',
  },
});

function fakeHost(o: { runs?: Array<{ jobId: string; status: string }>; staffing?: string | null; canRun?: boolean } = {}) {
  const calls: string[] = [];
  let runs = o.runs ?? [];
  const job = { id: 'sim1', status: 'queued', progress: 0 } as unknown as JobDto;
  const api = {
    get: async (path: string) => {
      calls.push(`GET ${path}`);
      return path.includes('?version=') ? { items: runs } : sim;
    },
    post: async (path: string, body: unknown) => {
      calls.push(`POST ${path} ${JSON.stringify(body)}`);
      return { data: job, etag: null, status: 202 };
    },
    followJob: async () => {
      runs = [{ jobId: 'sim1', status: 'succeeded' }];
      return { ...job, status: 'succeeded' } as JobDto;
    },
  } as unknown as ApiClient;
  const host: ReplayHost = {
    api,
    plan: () => ({ id: 'p1', version: 4 }) as PlanDto,
    canRun: () => o.canRun ?? true,
    staffingId: () => (o.staffing === undefined ? 's1' : o.staffing),
    progress: () => undefined,
    say: () => undefined,
  };
  return { host, calls };
}

const rows = (root: ParentNode, sel: string) =>
  Array.from(root.querySelectorAll(`${sel} tbody tr`), (tr) => [tr.getAttribute('data-key'), tr.querySelector('td')!.textContent]);

describe('replayed calls panel', () => {
  it('names each figure for a commander: response = wait + travel (mean, 90%), cross-beat, queued, busy', () => {
    expect(replayRows(sim.city).map((r) => [r.label, r.value])).toEqual([
      ['Response time (wait + travel), mean', '7.25 min'],
      ['Response time, 90% of calls within', '14.5 min'],
      ['Calls answered from another beat', '18.3%'],
      ['Calls that waited for a free officer', '2.1%'],
      ['Officers busy on calls', '46%'],
      ['Calls replayed', '12,345'],
    ]);
    expect(
      replayRows(
        fixture<SimulationResultDto['city']>({ calls: 0, utilisation: null, crossBeatShare: null, queuedShare: null, response: null }),
      ).map((r) => r.value),
    ).toEqual(['–', '–', '–', '–', '–', '0']);
  });

  it('shows the latest succeeded replay of the version, for the city and the selected beat', async () => {
    const { host, calls } = fakeHost({
      runs: [
        { jobId: 'sim3', status: 'running' },
        { jobId: 'sim2', status: 'succeeded' },
        { jobId: 'sim1', status: 'succeeded' },
      ],
    });
    const city = document.createElement('div');
    const panel = new ReplayPanel(host).mount(city);
    const card = document.createElement('div');
    document.body.append(city, card);
    card.append(panel.beatSection('7'));
    await panel.refresh();
    expect(calls).toEqual(['GET /plans/p1/simulations?version=4', 'GET /plans/p1/simulations/sim2']);
    expect(rows(city, '[data-testid=replay-city]')[0]).toEqual(['responseMean', '7.25 min']);
    expect(rows(card, '[data-testid=replay-beat]')[1]).toEqual(['responseP90', '11.9 min']);
    // the assumptions one click away, under the city's and the beat's figures
    for (const [root, id] of [
      [city, 'replay-city-assumptions'],
      [card, 'replay-beat-assumptions'],
    ] as const) {
      const details = root.querySelector(`details[data-testid=${id}]`)!;
      expect(details.querySelector('summary')!.textContent).toBe('Assumptions');
      expect(details.hasAttribute('open')).toBe(false);
      expect(Array.from(details.querySelectorAll('li'), (li) => li.textContent).slice(0, 2)).toEqual([
        'Response time: queue wait + travel (no call-handling or dispatch delay)',
        'Travel: straight line × detour at a fixed speed, plus barrier detours (30 km/h, 1.3 × straight line)',
      ]);
    }
    // on roads: each road's own speed, the detour of the off-road legs
    expect(replayAssumptionLines({ ...sim.assumptions, travel: { model: 'shortest time on the road graph', detourFactor: 1.3 } })[1]).toBe(
      'Travel: shortest time on the road graph (each road at its own speed, 1.3 × straight line off the roads)',
    );
    // cached per version
    await panel.refresh();
    expect(calls).toHaveLength(2);
  });

  it('"Replay calls" starts a simulation on the staffing of this version, then shows it', async () => {
    const { host, calls } = fakeHost();
    const city = document.createElement('div');
    const panel = new ReplayPanel(host).mount(city);
    await panel.refresh();
    expect(city.querySelector('[data-testid=replay-city]')!.getAttribute('data-status')).toBe('none');
    await panel.run();
    expect(calls).toContain('POST /plans/p1/simulations {"staffing":"s1"}');
    expect(panel.state.status).toBe('ready');
    expect(rows(city, '[data-testid=replay-city]').at(-1)).toEqual(['calls', '12,345']);
  });

  it('says why the button is off: no staffing of this version, or a viewer', async () => {
    const a = fakeHost({ staffing: null });
    const city = document.createElement('div');
    await new ReplayPanel(a.host).mount(city).refresh();
    expect(city.querySelector<HTMLButtonElement>('#replay-run')!.disabled).toBe(true);
    expect(city.querySelector('#replay-why')!.textContent).toMatch(/^Staff this version first/);
    const v = fakeHost({ canRun: false });
    const c2 = document.createElement('div');
    await new ReplayPanel(v.host).mount(c2).refresh();
    expect(v.calls).toEqual([]);
    expect(c2.querySelector('[data-testid=replay-city]')!.getAttribute('data-status')).toBe('forbidden');
  });
});
