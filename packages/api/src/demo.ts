/**
 * Loads the demo city into a running API the way an analyst would: upload the datasets,
 * plan the beats (a job), staff them (a job). Used by `beatplan serve --demo DIR`.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** What {@link seedDemo} created. */
export interface DemoIds {
  planId: string;
  /** The current beats imported as a plan (method `import`), so the map can compare with them. */
  currentPlanId: string;
  datasets: Record<string, string>;
  staffingJobId: string;
}

/**
 * Uploads `dir`'s boundary, incidents, barriers, neighbourhood layers, current beats, roster,
 * districts (`districts.geojson`, id property `district`, when the folder has one) and streets
 * (`roads.geojson`, named by both plans for their travel times), imports the current beats as a
 * plan ("Current beats", so "Compare with" has them), plans the beats as `pnpm demo` does
 * (K = the current beats, nested in the districts; on the street blocks the API derives from
 * the roads, when the folder has roads), sets the plan's meeting places from `venues.geojson`
 * when the folder has one, and starts staffing. Both plans name the districts, so the map draws
 * them as ground reference with the river, the streets, the neighbourhoods and the venues.
 * @param url the API's base URL (e.g. `http://127.0.0.1:8080`)
 * @param token an admin or commander token
 * @throws Error naming the step and the API's problem detail when a step fails
 */
export async function seedDemo(url: string, token: string, dir: string, log: (m: string) => void = () => {}): Promise<DemoIds> {
  const auth = { Authorization: `Bearer ${token}` };
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'Content-Type': type } : {}) },
    };
    if (body instanceof Readable) {
      init.body = Readable.toWeb(body) as unknown as ReadableStream;
      init.duplex = 'half';
    } else if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${url}/api/v1${path}`, init);
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new Error(`demo: ${method} ${path} failed: ${res.status} ${String(json.detail ?? json.title ?? '')}`);
    return json;
  };
  const upload = async (path: string, file: string, type: string) => {
    const full = join(dir, file);
    const r = await call('POST', path, createReadStream(full), type);
    log(`uploaded ${file} (${(statSync(full).size / 1e6).toFixed(1)} MB)`);
    return String(r.id);
  };
  const waitJob = async (job: Record<string, unknown>) => {
    for (;;) {
      const j = await call('GET', `/jobs/${String(job.id)}`);
      if (j.status === 'succeeded') return j;
      if (j.status === 'failed' || j.status === 'cancelled')
        throw new Error(`demo: job ${String(job.id)} ${String(j.status)}: ${JSON.stringify(j.error)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const datasets: Record<string, string> = {
    boundary: await upload('/datasets/boundary?name=Lakeport%20boundary', 'boundary.geojson', 'application/geo+json'),
    incidents: await upload('/datasets/incidents?name=Lakeport%20incidents%202025', 'incidents.csv', 'text/csv'),
    barriers: await upload('/datasets/barriers?name=River%20and%20expressway', 'river.geojson', 'application/geo+json'),
    population: await upload('/datasets/layers?name=Population&field=population', 'neighbourhoods.geojson', 'application/geo+json'),
    vulnerability: await upload('/datasets/layers?name=Hardship&field=hardship', 'neighbourhoods.geojson', 'application/geo+json'),
    beats: await upload('/datasets/beats?name=Current%20beats&idField=beat', 'beats.geojson', 'application/geo+json'),
    roster: await upload('/datasets/rosters?name=Roster', 'roster.csv', 'text/csv'),
  };
  // the police districts (when the folder has them): the proposal's beats nest in them, as `pnpm demo` plans
  if (existsSync(join(dir, 'districts.geojson')))
    datasets.districts = await upload('/datasets/beats?name=Districts&idField=district', 'districts.geojson', 'application/geo+json');
  // the street grid (when the folder has one): the plans' response figures travel on it, and the
  // proposal is made on the street blocks it encloses within the city limits (the API derives
  // them, as `beatplan plan --roads` does: docs/units.md)
  if (existsSync(join(dir, 'roads.geojson')))
    datasets.roads = await upload('/datasets/roads?name=Streets', 'roads.geojson', 'application/geo+json');
  const planInputs = {
    boundary: datasets.boundary,
    incidents: datasets.incidents,
    barriers: datasets.barriers,
    population: datasets.population,
    vulnerability: datasets.vulnerability,
    existing: datasets.beats,
    ...(datasets.districts ? { districts: datasets.districts } : {}),
    ...(datasets.roads ? { roads: datasets.roads } : {}),
  };
  log('importing the current beats …');
  const currentJob = await waitJob(await call('POST', '/plans', { name: 'Current beats', method: 'import', ...planInputs }));
  const currentPlanId = String((currentJob.result as { planId?: string } | undefined)?.planId ?? '');
  if (!currentPlanId) throw new Error(`demo: the import job returned no plan id: ${JSON.stringify(currentJob.result)}`);
  log('planning beats …');
  const planJob = await waitJob(
    await call('POST', '/plans', {
      name: 'Lakeport proposal',
      ...planInputs,
      seed: 1,
    }),
  );
  const planId = String((planJob.result as { planId?: string } | undefined)?.planId ?? '');
  if (!planId) throw new Error(`demo: the plan job returned no plan id: ${JSON.stringify(planJob.result)}`);
  if (existsSync(join(dir, 'venues.geojson'))) {
    // Meeting places for the public "find my beat" lookup (default schedule).
    datasets.venues = await upload('/datasets/venues?name=Meeting%20places&idProperty=name', 'venues.geojson', 'application/geo+json');
    await call('PUT', `/plans/${planId}/meetings`, { venues: datasets.venues });
  }
  log('staffing …');
  const staffJob = await call('POST', `/plans/${planId}/staffing`, { roster: datasets.roster });
  await waitJob(staffJob);
  return { planId, currentPlanId, datasets, staffingJobId: String(staffJob.id) };
}
