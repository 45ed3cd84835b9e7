// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import type { StaffingResultDto } from '../exports.js';
import { fixture } from '../test-support/fixture.js';
import { type StaffingHost, StaffingPanel } from './staffing.js';

const staffing = fixture<StaffingResultDto>({
  beats: [
    {
      id: '0111',
      district: '1',
      shifts: [{ shift: '0-8', workloadHours: 20, required: 2, allocated: 3, saturation: 0.5, officers: ['P1', 'P2', 'P3'] }],
    },
  ],
});

function page(): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML =
    '<p id="staffing-role"></p><select id="roster-select"></select><button id="staff-run"></button><div id="staffing-slot"></div>';
  document.body.append(root);
  return root;
}

function fakeHost(canEdit = true, failDownload = false) {
  const calls: string[] = [];
  const said: string[] = [];
  const saved: Array<[string, string]> = [];
  let changed = 0;
  let runs: Array<{ id: string; planVersion: number }> = [];
  const api = {
    get: async (path: string) => {
      calls.push(`GET ${path}`);
      if (path.startsWith('/datasets')) return { items: [{ id: 'r1', name: 'Roster spring' }] };
      if (path.endsWith('/staffing')) return { items: runs };
      return staffing;
    },
    post: async (path: string, body: unknown) => {
      calls.push(`POST ${path} ${JSON.stringify(body)}`);
      return { data: { id: 'j', status: 'queued', progress: 0 } as unknown as JobDto, etag: null, status: 202 };
    },
    download: async (path: string, fallbackName: string) => {
      calls.push(`DOWNLOAD ${path}`);
      if (failDownload) throw new Error('503 busy');
      return {
        blob: new Blob(["beat,district,shift,officer,required,allocated,vehicle\n0111,1,0-8,'=P1,2,3,\n"]),
        fileName: `server-${fallbackName}`,
      };
    },
    followJob: async () => {
      runs = [{ id: 's9', planVersion: 5 }];
      return { status: 'succeeded' } as JobDto;
    },
  } as unknown as ApiClient;
  const host: StaffingHost = {
    api,
    plan: () => ({ id: 'abcdef123456', version: 5 }) as PlanDto,
    canEdit: () => canEdit,
    progress: () => undefined,
    say: (m) => void said.push(m),
    changed: () => void changed++,
    save: async (blob, name) => void saved.push([name, await blob.text()]),
  };
  return { host, calls, said, saved, changes: () => changed };
}

describe('staffing panel', () => {
  it('staffs the version from the chosen roster, shows the table, and tells the card', async () => {
    const f = fakeHost();
    const root = page();
    const panel = new StaffingPanel(f.host).mount(root);
    await panel.loadRosters();
    expect(root.querySelector<HTMLSelectElement>('#roster-select')!.value).toBe('r1');
    await panel.run();
    expect(f.calls).toContain('POST /plans/abcdef123456/staffing {"roster":"r1","version":5}');
    expect(panel.staffing).toEqual(staffing);
    expect(panel.idOfVersion()).toBe('s9');
    expect(f.changes()).toBe(1);
    expect(root.querySelector('#staffing-slot')!.textContent).toContain('Staffing of version 5.');
    expect(f.said.at(-1)).toBe('Staffing done.');
    // the assignments CSV is the API's answer for this run, saved under the server's name
    await panel.exportAssignments();
    await new Promise((ok) => setTimeout(ok, 0));
    expect(f.calls.at(-1)).toBe('DOWNLOAD /plans/abcdef123456/staffing/s9?format=csv');
    expect(f.saved).toEqual([
      ['server-assignments-abcdef12-v5.csv', "beat,district,shift,officer,required,allocated,vehicle\n0111,1,0-8,'=P1,2,3,\n"],
    ]);
    panel.reset();
    expect([panel.staffing, panel.idOfVersion()]).toEqual([null, null]);
  });

  it('is closed to lower roles, with the reason, and asks nothing of the API', async () => {
    const f = fakeHost(false);
    const root = page();
    const panel = new StaffingPanel(f.host).mount(root);
    await panel.loadRosters();
    await panel.loadLatest();
    await panel.run();
    expect(f.calls).toEqual([]);
    expect(root.querySelector<HTMLButtonElement>('#staff-run')!.disabled).toBe(true);
    expect(root.querySelector('#staffing-role')!.textContent).toBe('Rosters and officer names are for commanders.');
    await panel.exportAssignments();
    expect(f.said).toEqual(['No staffing for this plan yet: run it in the Staffing panel.']);
  });

  it('says why the assignments CSV could not be downloaded, and saves nothing', async () => {
    const f = fakeHost(true, true);
    const panel = new StaffingPanel(f.host).mount(page());
    await panel.loadRosters();
    await panel.run();
    await panel.exportAssignments();
    expect(f.saved).toEqual([]);
    expect(f.said.at(-1)).toMatch(/^Assignments CSV unavailable: /);
  });
});
