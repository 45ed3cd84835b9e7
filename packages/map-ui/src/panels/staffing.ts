/**
 * The Staffing panel (commanders): the roster list (`GET /datasets?kind=roster`), "Staff this
 * version" (`POST /plans/{id}/staffing`, a job with progress), the latest staffing of the plan
 * (`GET /plans/{id}/staffing`, then the run) as a table, and the assignments CSV of the Export
 * panel (the API's `?format=csv` answer of the run, downloaded as it is). The beat card reads the officers from {@link StaffingPanel.staffing}.
 */
import type { DatasetDto, PageDto, StaffingRunDto } from '@beatplan/api';
import type { ApiClient, JobDto, PlanDto } from '../api-client.js';
import type { StaffingResultDto } from '../exports.js';
import { el, staffingTable } from '../panels.js';
import { plainError } from '../words.js';

/** What the panel needs from the map. */
export interface StaffingHost {
  api: ApiClient;
  plan(): PlanDto | null;
  /** Commander and up (rosters and officer names). */
  canEdit(): boolean;
  progress(label: string, job: JobDto | null): void;
  say(message: string, kind?: 'info' | 'refused'): void;
  /** A staffing was loaded (the beat card and the replay follow it). */
  changed(): void;
  /** Saves a file (the browser's download). */
  save(blob: Blob, fileName: string): void;
}

/** Element ids the panel uses in index.html. */
const IDS = { roster: 'roster-select', run: 'staff-run', slot: 'staffing-slot', role: 'staffing-role' } as const;

/** The Staffing panel: `mount` once; `reset` / `loadLatest` when another plan is shown. */
export class StaffingPanel {
  /** The latest staffing of the plan on show (commanders), or null. */
  staffing: StaffingResultDto | null = null;
  /** Plan id and version of {@link staffing}'s run, and its id. */
  latest: { id: string; planId: string; version: number } | null = null;
  private root: Document | HTMLElement = document;

  constructor(private readonly host: StaffingHost) {}

  private $<T extends HTMLElement = HTMLElement>(id: string): T {
    return (this.root instanceof Document ? this.root.getElementById(id) : this.root.querySelector(`#${id}`)) as T;
  }

  /** Wires the panel's controls inside `root` (the page by default). */
  mount(root: Document | HTMLElement = document): this {
    this.root = root;
    this.$(IDS.run).addEventListener('click', () => void this.run());
    this.render();
    return this;
  }

  /** Role note and the controls' state. */
  render(): void {
    const edit = this.host.canEdit();
    this.$(IDS.role).textContent = edit ? '' : 'Rosters and officer names are for commanders.';
    for (const id of [IDS.run, IDS.roster]) this.$<HTMLButtonElement>(id).disabled = !edit;
  }

  /** Forgets the staffing (another plan is on show). */
  reset(): void {
    this.staffing = null;
    this.latest = null;
  }

  /** The latest staffing of this version, or null (a replay runs on it). */
  idOfVersion(): string | null {
    const s = this.latest;
    const p = this.host.plan();
    return s && p && s.planId === p.id && s.version === p.version ? s.id : null;
  }

  /** The roster chosen (loads the list first when empty), or '' when there is none. */
  async roster(): Promise<string> {
    if (!this.$<HTMLSelectElement>(IDS.roster).value) await this.loadRosters();
    return this.$<HTMLSelectElement>(IDS.roster).value;
  }

  /** Fills the roster list (commanders). */
  async loadRosters(): Promise<void> {
    if (!this.host.canEdit()) return;
    try {
      const { items } = await this.host.api.get<PageDto<Pick<DatasetDto, 'id' | 'name'>>>('/datasets?kind=roster');
      this.$(IDS.roster).replaceChildren(...items.map((d) => el('option', { value: d.id }, d.name)));
    } catch (e) {
      this.host.say(`Rosters unavailable: ${plainError(e)}`);
    }
  }

  /** Loads the plan's latest staffing run into the table (none yet: nothing). */
  async loadLatest(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canEdit()) return;
    try {
      const { items } = await this.host.api.get<PageDto<Pick<StaffingRunDto, 'id' | 'planVersion'>>>(`/plans/${plan.id}/staffing`);
      const last = items[items.length - 1];
      if (!last) return;
      this.staffing = await this.host.api.get<StaffingResultDto>(`/plans/${plan.id}/staffing/${last.id}`);
      this.latest = { id: last.id, planId: plan.id, version: last.planVersion };
      this.$(IDS.slot).replaceChildren(el('p', {}, `Staffing of version ${last.planVersion}.`), staffingTable(this.staffing));
      this.host.changed();
    } catch {
      /* no staffing yet */
    }
  }

  /** Staffs the version on show from the chosen roster (a job), then shows it. */
  async run(): Promise<void> {
    const plan = this.host.plan();
    if (!plan || !this.host.canEdit()) return;
    const roster = this.$<HTMLSelectElement>(IDS.roster).value;
    if (!roster) {
      this.host.say('Upload a roster first (POST /api/v1/datasets/rosters).', 'refused');
      return;
    }
    try {
      const { data: job } = await this.host.api.post<JobDto>(`/plans/${plan.id}/staffing`, { roster, version: plan.version });
      this.host.progress('Staffing…', job);
      const final = await this.host.api.followJob(job, (j) => this.host.progress(`Staffing: ${j.stage ?? j.status}`, j));
      this.host.progress('', null);
      if (final.status !== 'succeeded') {
        this.host.say(`Staffing ${final.status}: ${final.error?.detail ?? ''}`, 'refused');
        return;
      }
      await this.loadLatest();
      this.host.say('Staffing done.');
    } catch (e) {
      this.host.progress('', null);
      this.host.say(`Staffing failed: ${plainError(e)}`, 'refused');
    }
  }

  /**
   * Downloads the assignments CSV of the latest staffing from the API
   * (`GET /plans/{id}/staffing/{staffingId}?format=csv`: RFC 4180, formulas neutralised), or says
   * there is none or why it failed.
   */
  async exportAssignments(): Promise<void> {
    const plan = this.host.plan();
    const latest = this.latest;
    if (!this.staffing || !plan || !latest || latest.planId !== plan.id) {
      this.host.say('No staffing for this plan yet: run it in the Staffing panel.', 'refused');
      return;
    }
    try {
      const { blob, fileName } = await this.host.api.download(
        `/plans/${plan.id}/staffing/${latest.id}?format=csv`,
        `assignments-${plan.id.slice(0, 8)}-v${latest.version}.csv`,
      );
      this.host.save(blob, fileName);
    } catch (e) {
      this.host.say(`Assignments CSV unavailable: ${plainError(e)}`, 'refused');
    }
  }
}
