// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { type ApiClient, ApiProblem, type PlanDto } from '../api-client.js';
import { type ExportHost, ExportPanel } from './export.js';

function setup(fail = false) {
  document.body.innerHTML = '<button id="export-geojson"></button><button id="export-csv"></button><button id="export-metrics"></button>';
  const asked: string[] = [];
  const saved: string[] = [];
  const said: Array<[string, string | undefined]> = [];
  const api = {
    download: async (path: string, fallback: string) => {
      asked.push(path);
      if (fail) throw new ApiProblem(409, 'CONFLICT', 'version 9 does not exist (field "version")', path);
      return { blob: new Blob(['x']), fileName: `p-v3.${fallback.split('.')[1]}` };
    },
  } as unknown as ApiClient;
  const host: ExportHost = {
    api,
    plan: () => ({ id: 'p', version: 3 }) as PlanDto,
    say: (m, k) => void said.push([m, k]),
    save: (_b, name) => void saved.push(name),
  };
  return { panel: new ExportPanel(host).mount(), asked, saved, said };
}

describe('export panel', () => {
  it('each button downloads its format of the version on show and says the file name', async () => {
    const t = setup();
    for (const id of ['export-geojson', 'export-csv', 'export-metrics']) document.getElementById(id)!.click();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(t.asked).toEqual([
      '/plans/p/export?format=geojson&version=3',
      '/plans/p/export?format=csv&version=3',
      '/plans/p/export?format=metrics&version=3',
    ]);
    expect(t.saved).toEqual(['p-v3.geojson', 'p-v3.csv', 'p-v3.metrics']);
    expect(t.said[0]).toEqual(['Downloaded p-v3.geojson.', undefined]);
  });

  it('a refused export says why in plain words and saves nothing', async () => {
    const t = setup(true);
    await t.panel.download('csv');
    expect(t.saved).toEqual([]);
    expect(t.said).toEqual([['Export failed: version 9 does not exist', 'refused']]);
  });
});
