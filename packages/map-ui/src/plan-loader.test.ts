// @vitest-environment happy-dom
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { ApiClient, PlanDto } from './api-client.js';
import type { CellsResponse } from './cell-model.js';
import { SOURCES } from './map-style.js';
import type { PlanMetricsDto } from './metrics.js';
import { PlanLoader, type PlanLoaderHost, SHIFT_NOTE_VIEWER } from './plan-loader.js';
import { PlanSession } from './plan-session.js';

// 19 cells: the centre and its ring in beat A, the outer ring in beat B
const centre = latLngToCell(41.88, -87.63, 9);
const inner = new Set(gridDisk(centre, 1));
const cells = gridDisk(centre, 2);
const columns = ['h3', 'beat', 'workload', 'need'];
const answer = (beatOf: (h: string, k: number) => string): CellsResponse => ({
  resolution: 9,
  columns,
  rows: cells.map((h, k) => [h, beatOf(h, k), 1, 0]),
});
const metrics = { perBeat: [{ id: 'A' }, { id: 'B' }] } as unknown as PlanMetricsDto;

/** A loader over a fake API whose cells answer `versions` in turn, and a recording map. */
function setup(versions: CellsResponse[], viewer = false) {
  let v = 0;
  const log: string[] = [];
  const states: Array<[string, number, Record<string, number>]> = [];
  const api = {
    getWithEtag: async () => ({ data: { id: 'p', name: 'P', version: v + 1 } as PlanDto, etag: `"${v + 1}"` }),
    get: async (path: string) => (path.endsWith('/cells') ? versions[Math.min(v++, versions.length - 1)] : metrics),
    text: async () => {
      throw new Error('no cells.csv here');
    },
  } as unknown as ApiClient;
  const session = new PlanSession();
  const host: PlanLoaderHost = {
    api,
    session,
    map: () =>
      ({
        setFeatureState: (f: { source: string; id: number }, s: Record<string, number>) => void states.push([f.source, f.id, s]),
        fitBounds: () => void log.push('fit'),
        once: () => undefined,
      }) as unknown as ReturnType<PlanLoaderHost['map']>,
    layers: () => ({
      install: () => void log.push('install'),
      refreshOutlines: () => void log.push('outlines'),
      refreshCells: () => undefined,
    }),
    labels: () => ({ setPlan: () => void log.push('labels'), update: (b) => void log.push(`labels ${[...b].join(',')}`) }),
    viewer,
    fillOptions: () => ({ mode: 'beat', selectedBeat: null }),
    heatOn: () => false,
    shifts: (s, note) => void log.push(`shifts ${s.length} ${note ?? ''}`),
    reset: () => void log.push('reset'),
    listed: () => void log.push('listed'),
    shown: () => void log.push('shown'),
    settled: () => void log.push('settled'),
    rendered: () => void log.push('rendered'),
    recoloured: () => void log.push('recoloured'),
    say: (m) => void log.push(`say ${m}`),
  };
  return { loader: new PlanLoader(host), session, log, states, api: api as unknown as { get: (path: string) => Promise<unknown> } };
}

describe('PlanLoader', () => {
  it('load: takes the plan, resets the panels before drawing, then shows it and times each phase', async () => {
    const { loader, session, log } = setup([answer((h) => (inner.has(h) ? 'A' : 'B'))], true);
    await loader.load('p');
    expect(session.model!.cellCount).toBe(19);
    expect(session.agg.get(0)!.cells).toBe(7);
    expect(log.filter((l) => !l.startsWith('say'))).toEqual([
      'reset',
      'install',
      'fit',
      'labels',
      'shown',
      `shifts 0 ${SHIFT_NOTE_VIEWER}`,
      'settled',
    ]);
    expect(log.at(-2)).toBe(`shifts 0 ${SHIFT_NOTE_VIEWER}`);
    expect(Object.keys(loader.loadTimings)).toEqual(['fetchMs', 'modelMs', 'layersMs', 'panelsMs']);
    expect(loader.ready).toBe(true);
  });

  it('reloadVersion: redraws only the cells that changed beat and reports them', async () => {
    const moved = cells.find((h) => !inner.has(h))!;
    const { loader, session, log, states } = setup([
      answer((h) => (inner.has(h) ? 'A' : 'B')),
      answer((h) => (inner.has(h) || h === moved ? 'A' : 'B')),
    ]);
    await loader.load('p');
    states.length = 0;
    log.length = 0;
    expect(await loader.reloadVersion()).toEqual({ cells: 1, beats: 2 });
    const i = session.model!.indexOf.get(moved)!;
    expect(states.filter(([src]) => src === SOURCES.cells)).toEqual([[SOURCES.cells, i, { b: 0 }]]);
    expect(session.model!.beatOf[i]).toBe(0);
    expect(session.agg.get(0)!.cells).toBe(8);
    expect(session.plan!.version).toBe(2);
    expect(log).toEqual(['outlines', 'labels 1,0', 'rendered']);
  });

  it('older APIs: a failed cells.csv is said, and the map keeps the weekly total', async () => {
    const { loader, log } = setup([answer((h) => (inner.has(h) ? 'A' : 'B'))]);
    await loader.load('p');
    await new Promise((ok) => setTimeout(ok, 0));
    expect(log.at(-1)).toMatch(/^say Per-shift scores unavailable \(.*\); colouring by the weekly total\.$/);
  });

  it('openFirst opens the newest planned plan and fills the selectors; refreshList re-reads the list; zoomToBeat fits the beat', async () => {
    document.body.innerHTML = '<select id="plan-select"></select><select id="compare-select"></select>';
    const { loader, session, log, api } = setup([answer((h) => (inner.has(h) ? 'A' : 'B'))]);
    const list = [
      { id: 'imp', name: 'I', inputs: { method: 'import' } },
      { id: 'p', name: 'P', inputs: { method: 'plan' } },
    ];
    const get = api.get;
    api.get = (async (path: string) => (path === '/plans' ? { items: list } : get(path))) as typeof api.get;
    await loader.openFirst(null, 'none yet');
    expect(session.plans.map((p) => p.id)).toEqual(['imp', 'p']);
    expect((document.getElementById('plan-select') as HTMLSelectElement).value).toBe('p');
    expect(session.plan!.id).toBe('p');
    list.push({ id: 'q', name: 'Q', inputs: { method: 'plan' } });
    await loader.refreshList();
    expect([session.plans.length, (document.getElementById('plan-select') as HTMLSelectElement).value, log.at(-1)]).toEqual([
      3,
      'p',
      'listed',
    ]);
    log.length = 0;
    loader.zoomToBeat(0);
    loader.zoomToBeat(7); // no such beat: nothing
    expect(log).toEqual(['fit']);
  });
});
