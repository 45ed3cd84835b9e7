// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import { ApiProblem } from '../api-client.js';
import { fixture } from '../test-support/fixture.js';
import {
  listAllPlans,
  type NewPlanInput,
  newPlanProblems,
  type PlansHost,
  PlansPanel,
  planActions,
  planEtagOf,
  planRequestOf,
  uploadType,
} from './plans.js';

const plan = (id: string, name: string, version = 1, method = 'plan') =>
  fixture<PlanDto>({ id, name, version, inputs: { method }, lineage: null });
const file = (name: string, text = '{}') => Object.assign(new Blob([text]), { name });

/** A host over a fake API that records every call; plans live in `list`. */
function fakeHost(role = 'commander', refuse?: { path: string; problem: ApiProblem }) {
  const calls: Array<[string, string, unknown, string?]> = [];
  const opened: string[] = [];
  const said: Array<[string, string | undefined]> = [];
  let list = [plan('p1', 'Current beats', 1, 'import'), plan('p2', 'Proposal', 3)];
  let n = 0;
  const guard = (path: string) => {
    if (refuse && path === refuse.path) throw refuse.problem;
  };
  const api = {
    upload: async (path: string, data: Blob, type: string) => {
      calls.push(['UPLOAD', path, type]);
      guard(path);
      return { id: `d${++n}`, size: data.size };
    },
    post: async (path: string, body: unknown) => {
      calls.push(['POST', path, body]);
      guard(path);
      if (path.endsWith('/copy')) {
        const src = list.find((p) => path.includes(p.id))!;
        const copy = plan(`c${++n}`, `${src.name} (copy)`);
        list = [...list, copy];
        return { data: copy, etag: null, status: 201 };
      }
      return { data: { id: 'j1', status: 'queued' } as JobDto, etag: null, status: 202 };
    },
    patch: async (path: string, body: { name: string }, ifMatch: string) => {
      calls.push(['PATCH', path, body, ifMatch]);
      guard(path);
      list = list.map((p) => (path.endsWith(p.id) ? { ...p, name: body.name } : p));
      return { data: list.find((p) => path.endsWith(p.id))!, etag: ifMatch };
    },
    delete: async (path: string, ifMatch?: string) => {
      calls.push(['DELETE', path, null, ifMatch]);
      guard(path);
      list = list.filter((p) => !path.endsWith(p.id));
    },
    followJob: async (j: JobDto, on: (j: JobDto) => void) => {
      on({ ...j, status: 'running', stage: 'plan' } as JobDto);
      list = [...list, plan('new', 'North 2027')];
      return { ...j, status: 'succeeded', result: { planId: 'new' } } as unknown as JobDto;
    },
  } as unknown as ApiClient;
  let current: string | null = 'p2';
  const host: PlansHost = {
    api,
    role: () => role,
    plans: () => list,
    currentId: () => current,
    open: async (id) => {
      opened.push(id);
      current = id;
    },
    refresh: async () => undefined,
    progress: () => undefined,
    say: (m, kind) => void said.push([m, kind]),
  };
  return { host, calls, opened, said, list: () => list };
}

const mount = (host: PlansHost) => {
  const slot = document.createElement('div');
  document.body.replaceChildren(slot);
  return { slot, panel: new PlansPanel(host).mount(slot) };
};
const actionsOf = (slot: HTMLElement, id: string) =>
  Array.from(slot.querySelectorAll(`tr[data-plan="${id}"] [data-action]`), (b) => b.getAttribute('data-action'));

describe('plans panel', () => {
  it('gives each role the actions its API routes allow', () => {
    expect(planActions('viewer')).toEqual({ create: false, copy: false, rename: false, delete: false });
    expect(planActions('analyst')).toEqual({ create: true, copy: true, rename: false, delete: false });
    expect(planActions('commander')).toEqual({ create: true, copy: true, rename: true, delete: true });
    expect(planActions('admin')).toEqual(planActions('commander'));
    expect(planActions('someone')).toEqual(planActions('viewer'));
    for (const [role, actions] of [
      ['viewer', ['open']],
      ['analyst', ['open', 'copy']],
      ['commander', ['open', 'copy', 'rename', 'delete']],
    ] as const) {
      const { slot } = mount(fakeHost(role).host);
      expect(actionsOf(slot, 'p1')).toEqual(actions);
      expect(slot.querySelector('[data-testid=new-plan-form]') !== null).toBe(role !== 'viewer');
    }
  });

  it('marks the plan on the map and cannot open it again', () => {
    const { slot } = mount(fakeHost().host);
    expect(slot.querySelector('tr[aria-current=true]')!.getAttribute('data-plan')).toBe('p2');
    expect(slot.querySelector<HTMLButtonElement>('tr[data-plan=p2] [data-action=open]')!.disabled).toBe(true);
    expect(slot.querySelector('tr[data-plan=p1] td')!.textContent).toBe('current beats');
  });

  it('checks a new plan before anything is uploaded, in words', () => {
    expect(newPlanProblems({})).toEqual([
      'Give the plan a name.',
      'Choose the city boundary file (GeoJSON).',
      'Choose the incidents file (CSV or GeoJSON).',
      'Give the number of beats, or choose the current beats file.',
    ]);
    const ok: NewPlanInput = { name: 'N', boundary: file('b.geojson'), incidents: file('i.csv'), beatCount: 12 };
    expect(newPlanProblems(ok)).toEqual([]);
    expect(newPlanProblems({ ...ok, beatCount: undefined, beats: { file: file('beats.geojson'), idField: 'beat_num' } })).toEqual([]);
    expect(newPlanProblems({ ...ok, beatCount: undefined, beats: { file: file('beats.geojson'), idField: ' ' } })).toEqual([
      'Name the property that holds the beat number in the current beats file.',
    ]);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 100, noInteger: true })),
        (k) => newPlanProblems({ ...ok, beatCount: k }).length > 0,
      ),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), (k) => newPlanProblems({ ...ok, beatCount: k }).length === 0));
  });

  it('sends CSV as CSV and everything else as GeoJSON, and the plan request names the datasets', () => {
    expect(uploadType('calls.CSV')).toBe('text/csv');
    expect(uploadType('city.geojson')).toBe('application/geo+json');
    expect(planRequestOf({ boundary: 'b', incidents: 'i', existing: 'e' }, ' North ')).toEqual({
      method: 'plan',
      name: 'North',
      boundary: 'b',
      incidents: 'i',
      existing: 'e',
    });
    expect(planRequestOf({ boundary: 'b', incidents: 'i' }, 'N', 8)).toEqual({
      method: 'plan',
      name: 'N',
      boundary: 'b',
      incidents: 'i',
      beats: 8,
    });
    expect(planEtagOf({ id: 'p2', version: 3 })).toBe('"p2.v3"');
  });

  it('uploads boundary, incidents and current beats, plans as a job and opens the new plan', async () => {
    const { host, calls, opened } = fakeHost('analyst');
    const { panel, slot } = mount(host);
    await panel.create({
      name: 'North 2027',
      boundary: file('city.geojson'),
      incidents: file('calls.csv', 'a,b\n'),
      beats: { file: file('beats.geojson'), idField: 'beat_num', keepAsPlan: true },
    });
    expect(calls).toEqual([
      ['UPLOAD', '/datasets/boundary?name=North%202027%20boundary', 'application/geo+json'],
      ['UPLOAD', '/datasets/incidents?name=North%202027%20incidents', 'text/csv'],
      ['UPLOAD', '/datasets/beats?name=North%202027%20current%20beats&idField=beat_num', 'application/geo+json'],
      ['POST', '/plans', { method: 'import', name: 'North 2027 – current beats', boundary: 'd1', incidents: 'd2', existing: 'd3' }],
      ['POST', '/plans', { method: 'plan', name: 'North 2027', boundary: 'd1', incidents: 'd2', existing: 'd3' }],
    ]);
    expect(opened).toEqual(['new']);
    expect(panel.created).toBe('new');
    expect(slot.querySelector('[data-testid=plans-status]')!.textContent).toBe('Plan “North 2027” is ready and on the map.');
  });

  it('plans without importing the current beats when not asked, and says why a planning job failed', async () => {
    const { host, calls, opened } = fakeHost('analyst');
    const failing = {
      ...host,
      api: Object.assign(Object.create(host.api), {
        followJob: async (j: JobDto) =>
          ({
            ...j,
            status: 'failed',
            error: { code: 'INFEASIBLE', detail: 'no balanced plan with 500 beats on 120 cells' },
          }) as unknown as JobDto,
      }) as ApiClient,
    };
    const { panel, slot } = mount(failing);
    await panel.create({
      name: 'N',
      boundary: file('b.geojson'),
      incidents: file('i.geojson'),
      beats: { file: file('beats.geojson'), idField: 'id', keepAsPlan: false },
      beatCount: 500,
    });
    expect(calls.filter((c) => c[0] === 'POST')).toEqual([
      ['POST', '/plans', { method: 'plan', name: 'N', boundary: 'd1', incidents: 'd2', existing: 'd3', beats: 500 }],
    ]);
    expect(calls[1]).toEqual(['UPLOAD', '/datasets/incidents?name=N%20incidents', 'application/geo+json']);
    expect(opened).toEqual([]);
    expect(slot.querySelector('[data-testid=plans-status]')!.textContent).toBe(
      'New plan failed: no balanced plan with 500 beats on 120 cells',
    );
  });

  it('refuses an incomplete form without calling the API', async () => {
    const { host, calls, said } = fakeHost('analyst');
    const { panel } = mount(host);
    await panel.create({ name: 'x', boundary: file('b.geojson') });
    expect(calls).toEqual([]);
    expect(said.at(-1)).toEqual([
      'Choose the incidents file (CSV or GeoJSON). Give the number of beats, or choose the current beats file.',
      'refused',
    ]);
  });

  it('renames with If-Match of the version shown, and says so in plain words when it is stale', async () => {
    const { calls, slot } = (() => {
      const f = fakeHost();
      return { ...f, slot: mount(f.host).slot };
    })();
    slot.querySelector<HTMLButtonElement>('tr[data-plan=p2] [data-action=rename]')!.click();
    const input = slot.querySelector<HTMLInputElement>('tr[data-plan=p2] input')!;
    expect(input.value).toBe('Proposal');
    input.value = 'Proposal B';
    slot.querySelector<HTMLFormElement>('[data-testid=plan-rename-form]')!.requestSubmit();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(calls).toEqual([['PATCH', '/plans/p2', { name: 'Proposal B' }, '"p2.v3"']]);
    expect(slot.querySelector('tr[data-plan=p2] th')!.textContent).toContain('Proposal B');
    const stale = fakeHost('commander', {
      path: '/plans/p1',
      problem: new ApiProblem(412, 'PRECONDITION_FAILED', 'plan p1 is at version 2; your If-Match "p1.v1" is stale', '/x'),
    });
    const m = mount(stale.host);
    await m.panel.rename(stale.list()[0]!, 'New');
    expect(m.slot.querySelector('[data-testid=plans-status]')!.textContent).toBe(
      'Rename failed: plan p1 is at version 2; your If-Match "p1.v1" is stale',
    );
  });

  it('re-reads the plan on the map after renaming it (a rename is a version), and only that one', async () => {
    const f = fakeHost();
    const reloads: string[] = [];
    const host: PlansHost = { ...f.host, reloadVersion: async () => void reloads.push(f.host.currentId()!) };
    const { panel } = mount(host);
    await panel.rename(f.list()[1]!, 'Proposal B'); // p2, on the map
    expect(reloads).toEqual(['p2']);
    await panel.rename(f.list()[0]!, 'Current B'); // p1, not on the map
    expect(reloads).toEqual(['p2']);
    // a host without reloadVersion opens the renamed plan again
    const g = fakeHost();
    await mount(g.host).panel.rename(g.list()[1]!, 'Proposal C');
    expect(g.opened).toEqual(['p2']);
  });

  it('deletes only after a confirmation, then opens another plan when the deleted one was on the map', async () => {
    const { host, calls, opened } = fakeHost();
    const { slot } = mount(host);
    slot.querySelector<HTMLButtonElement>('tr[data-plan=p2] [data-action=delete]')!.click();
    expect(calls).toEqual([]);
    expect(slot.querySelector('[data-testid=plan-delete-confirm]')!.textContent).toContain(
      'Delete “Proposal” and all its versions and staffing? Its uploaded files stay.',
    );
    slot.querySelector<HTMLButtonElement>('[data-testid=plan-delete-confirm] button:not(.danger)')!.click();
    expect(slot.querySelector('[data-testid=plan-delete-confirm]')).toBeNull();
    slot.querySelector<HTMLButtonElement>('tr[data-plan=p2] [data-action=delete]')!.click();
    slot.querySelector<HTMLButtonElement>('[data-testid=plan-delete-confirm] button.danger')!.click();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(calls).toEqual([['DELETE', '/plans/p2', null, '"p2.v3"']]);
    expect(opened).toEqual(['p1']);
    expect(slot.querySelector('tr[data-plan=p2]')).toBeNull();
  });

  it('says why a delete was refused (a lineage child), keeping the plan', async () => {
    const { host } = fakeHost('commander', {
      path: '/plans/p1',
      problem: new ApiProblem(409, 'CONFLICT', 'plan p1 is the lineage parent of plan p2: delete that plan first, or keep this one', '/x'),
    });
    const { panel, slot } = mount(host);
    await panel.remove(host.plans()[0]!);
    expect(slot.querySelector('[data-testid=plans-status]')!.textContent).toBe(
      'Delete failed: plan p1 is the lineage parent of plan p2: delete that plan first, or keep this one',
    );
    expect(slot.querySelector('tr[data-plan=p1]')).not.toBeNull();
  });

  it('copies a plan and lists the copy', async () => {
    const { host, calls } = fakeHost('analyst');
    const { panel, slot } = mount(host);
    await panel.copy(host.plans()[1]!);
    expect(calls).toEqual([['POST', '/plans/p2/copy', {}]]);
    expect(Array.from(slot.querySelectorAll('tbody tr[data-plan] th'), (th) => th.textContent)).toEqual([
      'Current beats · version 1',
      'Proposal (on the map) · version 3',
      'Proposal (copy) · version 1',
    ]);
  });
});

describe('listAllPlans', () => {
  /** A fake `GET /plans` over `n` plans, `size` a page, with the API's cursor (the last id of the page); records the paths. */
  function pagedApi(n: number, size = 100, refuse?: (path: string, call: number) => ApiProblem | undefined) {
    const plans = Array.from({ length: n }, (_, k) => plan(`p${String(k).padStart(4, '0')}`, `plan ${k}`));
    const paths: string[] = [];
    const api = {
      get: async (path: string) => {
        paths.push(path);
        const problem = refuse?.(path, paths.length);
        if (problem) throw problem;
        const cursor = new URL(path, 'http://x').searchParams.get('cursor');
        const start = cursor === null ? 0 : plans.findIndex((p) => p.id === cursor) + 1;
        const items = plans.slice(start, start + size);
        return { items, next: start + size < plans.length && items.length ? items.at(-1)!.id : null };
      },
    } as unknown as ApiClient;
    return { api, paths, plans };
  }

  it('follows the next cursor until the last page: 250 plans in 3 requests, in order', async () => {
    const f = pagedApi(250);
    const got = await listAllPlans(f.api);
    expect(got.map((p) => p.id)).toEqual(f.plans.map((p) => p.id));
    expect(f.paths).toEqual(['/plans', '/plans?cursor=p0099', '/plans?cursor=p0199']);
  });

  it('reads every plan exactly once, whatever the count and page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 700 }), fc.integer({ min: 1, max: 500 }), async (n, size) => {
        const f = pagedApi(n, size);
        const got = await listAllPlans(f.api);
        return got.length === n && got.every((p, k) => p.id === f.plans[k]!.id) && f.paths.length === Math.max(1, Math.ceil(n / size));
      }),
      { numRuns: 60 },
    );
  });

  it('starts again when a cursor is refused (its plan deleted meanwhile); other refusals, or too many, are thrown', async () => {
    const stale = new ApiProblem(400, 'VALIDATION_FAILED', 'query.cursor: names no item of this list', '/plans');
    const once = pagedApi(150, 100, (_path, call) => (call === 2 ? stale : undefined));
    expect((await listAllPlans(once.api)).length).toBe(150);
    expect(once.paths).toEqual(['/plans', '/plans?cursor=p0099', '/plans', '/plans?cursor=p0099']);
    const always = pagedApi(150, 100, (path) => (path.includes('cursor') ? stale : undefined));
    await expect(listAllPlans(always.api)).rejects.toBe(stale);
    expect(always.paths.length).toBe(8); // the first try and 3 restarts, 2 requests each
    const down = new ApiProblem(503, 'UNAVAILABLE', 'down', '/plans');
    await expect(listAllPlans(pagedApi(10, 100, () => down).api)).rejects.toBe(down);
  });
});
