// @vitest-environment happy-dom
import { gridDisk, latLngToCell } from 'h3-js';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { type ApiClient, ApiProblem, type PlanDto } from '../api-client.js';
import type { IncidentBins } from '../heat.js';
import { LAYERS, SOURCES } from '../map-style.js';
import { type HeatHost, HeatLayer } from './heat-layer.js';

const [a, b] = gridDisk(latLngToCell(41.88, -87.63, 9), 1);
const bins: IncidentBins = {
  version: 2,
  resolution: 9,
  k: 1,
  aggregated: false,
  bins: { h3: [a!, b!], count: [2, 8], cells: [1, 1] },
  total: 10,
  shown: 10,
  suppressed: { cells: 0, incidents: 0 },
};

/** A map that records layout properties and source data; a host that records what it is told. */
function setup(answer: () => Promise<IncidentBins>) {
  document.body.innerHTML = '<label id="heat-label"><input type="checkbox" id="heat-toggle" /></label>';
  const visibility = new Map<string, string>();
  const sourceData: unknown[] = [];
  const map = {
    getLayer: (id: string) => (visibility.has(id) || id.startsWith('bp-') ? {} : undefined),
    setLayoutProperty: (id: string, _k: string, v: string) => void visibility.set(id, v),
    getSource: (id: string) => (id === SOURCES.incidents ? { setData: (d: unknown) => void sourceData.push(d) } : undefined),
    once: () => undefined,
  } as unknown as MapLibreMap;
  let requests = 0;
  const api = { get: () => (requests++, answer()) } as unknown as ApiClient;
  const said: string[] = [];
  let restyled = 0;
  const host: HeatHost = {
    plan: () => ({ id: 'p', version: 2 }) as PlanDto,
    restyle: () => void restyled++,
    setSwipeHeat: () => undefined,
    say: (m) => void said.push(m),
  };
  return { layer: new HeatLayer(map, api, host), visibility, sourceData, said, requests: () => requests, restyled: () => restyled };
}

describe('incidents heat layer', () => {
  it('draws the bins as points, shows the layers and says how many incidents; a second toggle reuses the answer', async () => {
    const t = setup(async () => bins);
    await t.layer.set(true);
    expect(t.layer.on).toBe(true);
    expect(t.sourceData).toHaveLength(1);
    expect(t.layer.summary).toMatchObject({ bins: 2, total: 10, shown: 10 });
    expect([t.visibility.get(LAYERS.heat), t.visibility.get(LAYERS.heatPoints)]).toEqual(['visible', 'visible']);
    expect(t.said).toEqual(['Incidents: 10 in 2 cells.']);
    await t.layer.set(false);
    expect(t.visibility.get(LAYERS.heat)).toBe('none');
    await t.layer.set(true);
    expect(t.requests()).toBe(1);
    expect(t.sourceData).toHaveLength(1); // same version: not re-indexed
    expect(t.restyled()).toBe(3);
  });

  it('an API without the route disables the toggle with the reason', async () => {
    const t = setup(async () => {
      throw new ApiProblem(404, 'NOT_FOUND', 'no resource', '/api/v1/plans/p/incidents?version=2');
    });
    await t.layer.set(true);
    expect([t.layer.on, t.layer.available]).toEqual([false, false]);
    const toggle = document.getElementById('heat-toggle') as HTMLInputElement;
    expect(toggle.disabled).toBe(true);
    expect(toggle.title).toBe(
      'The incidents heat layer is not available on this server (GET /api/v1/plans/p/incidents?version=2 answered 404).',
    );
    await t.layer.set(true);
    expect(t.said.at(-1)).toBe(toggle.title);
    expect(t.requests()).toBe(1);
  });
});
