// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ApiClient, PlanDto } from '../api-client.js';
import { type AlternativeRow, AlternativesPanel, alternativeCells, alternativesBody } from './alternatives.js';

const row = (over: Partial<AlternativeRow> = {}): AlternativeRow => ({
  jobId: 'j1',
  profile: 'compact',
  seed: 3,
  status: 'succeeded',
  error: null,
  planId: 'p1',
  maxOverMean: 1.0234,
  polsbyPopperMean: 0.4312,
  movedWorkloadShare: 0.1234,
  meanResponseMinutes: 7.456,
  pareto: true,
  ...over,
});

describe('alternative cells', () => {
  it('shows each figure rounded to what matters, — when unknown, and a failed job with its code', () => {
    expect(alternativeCells(row())).toMatchObject({
      balance: '1.023',
      compactness: '43%',
      change: '12.3%',
      response: '7.46 min',
      pareto: true,
      status: 'succeeded',
    });
    const failed = alternativeCells(
      row({
        status: 'failed',
        error: { code: 'WORKER_LOST', detail: 'details need the analyst role' },
        planId: null,
        maxOverMean: null,
        polsbyPopperMean: null,
        movedWorkloadShare: null,
        meanResponseMinutes: null,
        pareto: false,
      }),
    );
    expect(failed).toMatchObject({
      status: 'failed (WORKER_LOST)',
      balance: '—',
      compactness: '—',
      change: '—',
      response: '—',
      planId: null,
    });
  });

  it('the request body keeps the API order of profiles and refuses what the API would', () => {
    expect(alternativesBody(4, 1, ['blend', 'balance'])).toEqual({ count: 4, seed: 1, profiles: ['balance', 'blend'] });
    expect(() => alternativesBody(0, 1, ['balance'])).toThrow(RangeError);
    expect(() => alternativesBody(51, 1, ['balance'])).toThrow(RangeError);
    expect(() => alternativesBody(2, -1, ['balance'])).toThrow(RangeError);
    expect(() => alternativesBody(2, 1, [])).toThrow('choose at least one profile');
  });
});

function setup(canRun: boolean) {
  document.body.innerHTML = '<div id="slot"></div>';
  const asked: Array<[string, string, unknown?]> = [];
  const opened: string[] = [];
  const said: string[] = [];
  let finished = 1;
  const comparison = () => ({
    id: 's1',
    planId: 'parent',
    parentVersion: 1,
    createdAt: '2026-01-01T00:00:00Z',
    finished,
    rows: [
      row(),
      finished > 1
        ? row({ jobId: 'j2', profile: 'balance', seed: 4, planId: 'p2', maxOverMean: 1.01, pareto: true })
        : row({
            jobId: 'j2',
            profile: 'balance',
            seed: 4,
            status: 'running',
            planId: null,
            maxOverMean: null,
            polsbyPopperMean: null,
            movedWorkloadShare: null,
            meanResponseMinutes: null,
            pareto: false,
          }),
    ],
  });
  const set = {
    id: 's1',
    planId: 'parent',
    parentVersion: 1,
    createdAt: '2026-01-01T00:00:00Z',
    members: [
      { jobId: 'j1', profile: 'compact', seed: 3, options: {} },
      { jobId: 'j2', profile: 'balance', seed: 4, options: {} },
    ],
  };
  const api = {
    get: async (path: string) => {
      asked.push(['GET', path]);
      if (path.endsWith('/alternatives')) return { items: [set] };
      return comparison();
    },
    post: async (path: string, body: unknown) => {
      asked.push(['POST', path, body]);
      return { data: set, etag: null, status: 202 };
    },
  } as unknown as ApiClient;
  const panel = new AlternativesPanel({
    api,
    plan: () => ({ id: 'parent', name: 'Demo', version: 1 }) as PlanDto,
    canRun: () => canRun,
    open: async (id) => void opened.push(id),
    say: (m) => void said.push(m),
  }).mount(document.getElementById('slot')!);
  return { panel, asked, opened, said, finish: () => (finished = 2) };
}

describe('alternatives panel', () => {
  it('shows the latest set as a table with the Pareto set marked in words, and opens a finished alternative', async () => {
    const t = setup(false);
    await t.panel.load();
    t.panel.stop();
    const rows = [...document.querySelectorAll('[data-testid=alternatives-table] tbody tr')];
    expect(rows.map((r) => [...r.querySelectorAll('td')].slice(0, 8).map((c) => c.textContent))).toEqual([
      ['compact', '3', 'succeeded', '1.023', '43%', '12.3%', '7.46 min', '★ Pareto'],
      ['balance', '4', 'running', '—', '—', '—', '—', ''],
    ]);
    expect(document.querySelector('[data-testid=alternatives-status]')!.textContent).toBe('1 of 2 alternatives finished…');
    // only a finished alternative has a plan to open
    expect(rows[1]!.querySelector('button')).toBeNull();
    (rows[0]!.querySelector('button.alt-open') as HTMLButtonElement).click();
    expect(t.opened).toEqual(['p1']);
    // a viewer gets no form
    expect(document.getElementById('alt-run')).toBeNull();
  });

  it('an analyst starts a set with the chosen count, seed and profiles; the table refreshes until all finished', async () => {
    const t = setup(true);
    await t.panel.load();
    t.panel.stop();
    expect((document.getElementById('alt-run') as HTMLButtonElement).disabled).toBe(true); // a set is still running
    t.finish();
    await t.panel.load();
    const run = document.getElementById('alt-run') as HTMLButtonElement;
    expect(run.disabled).toBe(false);
    const count = document.getElementById('alt-count') as HTMLInputElement;
    count.value = '6';
    count.dispatchEvent(new Event('input'));
    const compact = document.getElementById('alt-profile-compact') as HTMLInputElement;
    compact.checked = false;
    compact.dispatchEvent(new Event('change'));
    await t.panel.start();
    expect(t.asked.find(([m]) => m === 'POST')).toEqual([
      'POST',
      '/plans/parent/alternatives',
      { count: 6, seed: 1, profiles: ['balance', 'change', 'blend'] },
    ]);
    expect(t.said[0]).toBe('Planning 2 alternatives of Demo…');
    expect(document.querySelector('[data-testid=alternatives-status]')!.textContent).toMatch(
      /^2 alternatives, all finished\. ★ marks the Pareto set/,
    );
  });
});
