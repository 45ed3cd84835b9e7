/**
 * The Plans tab (issue 16 item 5, "plans without curl"): the plans on the server, open one,
 * make one from uploaded files (boundary, incidents, optionally the current beats: datasets
 * uploaded, then `POST /plans` as a job with progress), copy, rename and delete with a
 * confirmation. What a role may do follows the API: analysts create and copy, commanders also
 * rename and delete; a button the role may not use is not shown.
 */
import type { DatasetDto, PageDto } from '@beatplan/api';
import { type ApiClient, ApiProblem, type JobDto, type PlanDto } from '../api-client.js';
import { el, replaceKeepingFocus } from '../panels.js';
import { plainError } from '../words.js';

/** Roles, weakest first (as the API's). */
const ROLE_ORDER = ['viewer', 'analyst', 'commander', 'admin'];

/** What a role may do in the panel, as the API's route roles allow. */
export interface PlanActions {
  /** Upload files and plan (analyst: datasets and `POST /plans`). */
  create: boolean;
  /** `POST /plans/{id}/copy` (analyst). */
  copy: boolean;
  /** `PATCH /plans/{id}` (commander). */
  rename: boolean;
  /** `DELETE /plans/{id}` (commander). */
  delete: boolean;
}

/**
 * The actions of a role: analysts create and copy; commanders and admins also rename and
 * delete; viewers (and unknown roles) only open plans.
 * @example planActions('analyst') // { create: true, copy: true, rename: false, delete: false }
 */
export function planActions(role: string): PlanActions {
  const at = ROLE_ORDER.indexOf(role);
  const analyst = at >= ROLE_ORDER.indexOf('analyst');
  const commander = at >= ROLE_ORDER.indexOf('commander');
  return { create: analyst, copy: analyst, rename: commander, delete: commander };
}

/** Times {@link listAllPlans} starts the list again when a page's cursor is refused (its plan was deleted meanwhile). */
const LIST_RESTARTS = 3;

/**
 * Every plan on the server, oldest first as `GET /plans` lists them: the first page, then each
 * next page its `next` cursor names (`GET /plans?cursor=…`) until a page has none. A cursor the
 * API refuses (400: the plan it names was deleted between two pages) starts the list again, at
 * most {@link LIST_RESTARTS} times.
 * @throws ApiProblem when a page is refused otherwise
 * @example const plans = await listAllPlans(api); // 250 plans → 3 requests of 100
 */
export async function listAllPlans(api: Pick<ApiClient, 'get'>): Promise<PlanDto[]> {
  for (let restarts = 0; ; restarts++) {
    const all: PlanDto[] = [];
    let cursor: string | null | undefined = null;
    try {
      do {
        const page: PageDto<PlanDto> = await api.get<PageDto<PlanDto>>(cursor ? `/plans?cursor=${encodeURIComponent(cursor)}` : '/plans');
        all.push(...page.items);
        cursor = page.items.length ? page.next : null;
      } while (cursor);
      return all;
    } catch (e) {
      if (!(e instanceof ApiProblem && e.status === 400 && cursor) || restarts >= LIST_RESTARTS) throw e;
    }
  }
}

/** The ETag of a plan at a version (the API's `planEtag`): the If-Match of a rename or delete. */
export function planEtagOf(p: Pick<PlanDto, 'id' | 'version'>): string {
  return `"${p.id}.v${p.version}"`;
}

/**
 * The media type an upload is sent with, from the file name: `.csv` is CSV, anything else
 * GeoJSON (boundary, beats and incidents as GeoJSON).
 * @example uploadType('calls.csv') // 'text/csv'
 */
export function uploadType(fileName: string): string {
  return /\.csv$/i.test(fileName) ? 'text/csv' : 'application/geo+json';
}

/** The files and options of a new plan, as the form gives them. */
export interface NewPlanInput {
  name: string;
  boundary: Blob & { name: string };
  incidents: Blob & { name: string };
  /**
   * The current beats (GeoJSON) and the property holding their ids; optional. With
   * `keepAsPlan` they are also imported as a plan of their own (“<name> – current beats”), so
   * the new plan can be compared with them.
   */
  beats?: { file: Blob & { name: string }; idField: string; keepAsPlan?: boolean };
  /** Number of beats; optional with current beats (their count). */
  beatCount?: number;
}

/**
 * Checks a new-plan input: a name, a boundary and incidents; an id field with the current
 * beats; a beat count of at least 1 unless the current beats give it.
 * @returns the problems, in words, or [] when it can be sent
 */
export function newPlanProblems(i: Partial<NewPlanInput>): string[] {
  const out: string[] = [];
  if (!i.name?.trim()) out.push('Give the plan a name.');
  if (!i.boundary) out.push('Choose the city boundary file (GeoJSON).');
  if (!i.incidents) out.push('Choose the incidents file (CSV or GeoJSON).');
  if (i.beats && !i.beats.idField.trim()) out.push('Name the property that holds the beat number in the current beats file.');
  if (!i.beats && (i.beatCount === undefined || !Number.isInteger(i.beatCount) || i.beatCount < 1))
    out.push('Give the number of beats, or choose the current beats file.');
  if (i.beatCount !== undefined && (!Number.isInteger(i.beatCount) || i.beatCount < 1))
    out.push('The number of beats must be a whole number of at least 1.');
  return [...new Set(out)];
}

/**
 * The `POST /plans` body of a new plan from uploaded dataset ids: plan beats (method `plan`),
 * with the current beats as `existing` when given (the beat count then defaults to theirs).
 * @example planRequestOf({ boundary: 'b', incidents: 'i' }, 'North', 12) // { method: 'plan', name: 'North', boundary: 'b', incidents: 'i', beats: 12 }
 */
export function planRequestOf(
  ids: { boundary: string; incidents: string; existing?: string },
  name: string,
  beatCount?: number,
): Record<string, unknown> {
  return {
    method: 'plan',
    name: name.trim(),
    boundary: ids.boundary,
    incidents: ids.incidents,
    ...(ids.existing ? { existing: ids.existing } : {}),
    ...(beatCount !== undefined ? { beats: beatCount } : {}),
  };
}

/** What the panel needs from the map. */
export interface PlansHost {
  api: ApiClient;
  /** The caller's role (`viewer` … `admin`). */
  role(): string;
  /** The plans the host knows (its list). */
  plans(): readonly PlanDto[];
  /** The plan on the map, or null. */
  currentId(): string | null;
  /** Opens a plan on the map. */
  open(id: string): Promise<void>;
  /** Re-reads the plan list (the host's selects too), keeping `current` selected when given. */
  refresh(current?: string): Promise<void>;
  /**
   * Re-reads the plan on the map at its current version, applying only what changed (a rename
   * writes a version with the same beats: nothing to redraw, a new ETag to edit with). Without
   * it, the plan on the map is opened again.
   */
  reloadVersion?(): Promise<unknown>;
  /** Shows a job's progress (null hides it). */
  progress(label: string, job: JobDto | null): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

/** A pending question of a row: rename it, or confirm its deletion. */
type RowMode = { id: string; kind: 'rename' | 'delete' } | null;

/** The Plans tab: `mount` once, `render` when the list, the plan on show or the role changes. */
export class PlansPanel {
  private slot: HTMLElement | null = null;
  private mode: RowMode = null;
  private busy = false;
  /** The last outcome, in words (the panel's live status line). */
  message = '';
  /** The id of the plan the last creation made (tests read it). */
  created: string | null = null;

  constructor(private readonly host: PlansHost) {}

  /** Puts the panel in `slot`. */
  mount(slot: HTMLElement): this {
    this.slot = slot;
    this.render();
    return this;
  }

  /** Redraws the panel, keeping the focused control focused when it is still there. */
  render(): void {
    const slot = this.slot;
    if (!slot) return;
    const can = planActions(this.host.role());
    replaceKeepingFocus(
      slot,
      el('h2', { id: 'plans-title', class: 'panel-title' }, 'Plans'),
      this.table(can),
      el('p', { id: 'plans-status', class: 'muted', role: 'status', 'data-testid': 'plans-status' }, this.message),
      can.create
        ? this.createForm()
        : el('p', { class: 'muted' }, 'Making, copying, renaming and deleting plans is for analysts and commanders.'),
    );
  }

  private setMessage(m: string, kind: 'info' | 'refused' = 'info'): void {
    this.message = m;
    this.host.say(m, kind);
    this.render();
  }

  private table(can: PlanActions): HTMLElement {
    const current = this.host.currentId();
    const rows = this.host.plans().flatMap((p, k) => this.row(p, k, p.id === current, can));
    return el(
      'table',
      { class: 'plans-table', 'data-testid': 'plans-table' },
      el('caption', { class: 'visually-hidden' }, 'Plans on this server'),
      el(
        'thead',
        {},
        el('tr', {}, el('th', { scope: 'col' }, 'Plan'), el('th', { scope: 'col' }, 'Made from'), el('th', { scope: 'col' }, 'Actions')),
      ),
      el('tbody', {}, ...rows),
    );
  }

  private row(p: PlanDto, k: number, isCurrent: boolean, can: PlanActions): HTMLElement[] {
    const mode = this.mode?.id === p.id ? this.mode.kind : null;
    const named = (verb: string) => [verb, el('span', { class: 'visually-hidden' }, ` “${p.name}”`)] as const;
    const button = (id: string, verb: string, on: () => void, extra: Record<string, string | boolean | undefined> = {}) => {
      const b = el(
        'button',
        { type: 'button', id: `plan-${id}-${k}`, 'data-action': id, disabled: this.busy || undefined, ...extra },
        ...named(verb),
      );
      b.addEventListener('click', on);
      return b;
    };
    const origin =
      p.inputs.method === 'import'
        ? 'current beats'
        : p.lineage?.parent
          ? `re-plan of ${p.lineage.parent.kind === 'plan' ? 'a plan' : 'the current beats'}`
          : 'planned';
    const copied = (p.inputs as { copiedFrom?: unknown }).copiedFrom ? ', copy' : '';
    const nameCell =
      mode === 'rename'
        ? this.renameForm(p, k)
        : el(
            'span',
            {},
            el('span', { class: 'plan-name' }, p.name),
            isCurrent ? el('span', { class: 'muted' }, ' (on the map)') : null,
            el('span', { class: 'muted' }, ` · version ${p.version}`),
          );
    const actions = el(
      'div',
      { class: 'row plan-actions' },
      button('open', 'Open', () => void this.open(p.id), { disabled: this.busy || isCurrent || undefined }),
      can.copy ? button('copy', 'Copy', () => void this.copy(p)) : null,
      can.rename && mode !== 'rename' ? button('rename', 'Rename', () => this.ask(p.id, 'rename')) : null,
      can.delete && mode !== 'delete' ? button('delete', 'Delete', () => this.ask(p.id, 'delete')) : null,
    );
    const tr = el(
      'tr',
      { 'data-plan': p.id, 'aria-current': isCurrent ? 'true' : undefined },
      el('th', { scope: 'row' }, nameCell),
      el('td', {}, `${origin}${copied}`),
      el('td', {}, actions),
    );
    if (mode !== 'delete') return [tr];
    const keep = el('button', { type: 'button', id: `plan-keep-${k}` }, 'Keep it');
    keep.addEventListener('click', () => this.ask(null));
    const yes = el(
      'button',
      { type: 'button', id: `plan-confirm-delete-${k}`, class: 'danger', disabled: this.busy || undefined },
      'Delete for good',
    );
    yes.addEventListener('click', () => void this.remove(p));
    const confirm = el(
      'div',
      { role: 'group', 'aria-labelledby': `plan-delete-q-${k}`, class: 'confirm', 'data-testid': 'plan-delete-confirm' },
      el(
        'p',
        { id: `plan-delete-q-${k}` },
        `Delete “${p.name}” and all its versions and staffing? Its uploaded files stay. This cannot be undone.`,
      ),
      el('div', { class: 'row' }, yes, keep),
    );
    return [tr, el('tr', { class: 'plan-confirm-row' }, el('td', { colspan: 3 }, confirm))];
  }

  private renameForm(p: PlanDto, k: number): HTMLElement {
    const input = el('input', {
      type: 'text',
      id: `plan-rename-input-${k}`,
      value: p.name,
      required: true,
      maxlength: 200,
      autocomplete: 'off',
    });
    const cancel = el('button', { type: 'button', id: `plan-rename-cancel-${k}` }, 'Cancel');
    cancel.addEventListener('click', () => this.ask(null));
    const form = el(
      'form',
      { class: 'rename-form', 'data-testid': 'plan-rename-form' },
      el('label', { for: `plan-rename-input-${k}` }, 'New name '),
      input,
      el('button', { type: 'submit', id: `plan-rename-save-${k}`, disabled: this.busy || undefined }, 'Save name'),
      cancel,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.rename(p, input.value);
    });
    queueMicrotask(() => {
      if (document.activeElement === document.body || !document.activeElement) input.focus();
    });
    return form;
  }

  private createForm(): HTMLElement {
    const file = (id: string, label: string, accept: string, required: boolean, hint: string) =>
      el(
        'div',
        { class: 'field' },
        el('label', { for: id }, label),
        el('input', { type: 'file', id, accept, required: required || undefined, 'aria-describedby': `${id}-hint` }),
        el('span', { id: `${id}-hint`, class: 'muted' }, hint),
      );
    const text = (id: string, label: string, attrs: Record<string, string | number | boolean | undefined>, hint?: string) =>
      el(
        'div',
        { class: 'field' },
        el('label', { for: id }, label),
        el('input', { id, ...attrs, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) }),
        hint ? el('span', { id: `${id}-hint`, class: 'muted' }, hint) : null,
      );
    const form = el(
      'form',
      { class: 'new-plan', 'aria-labelledby': 'new-plan-title', 'data-testid': 'new-plan-form', novalidate: true },
      el('h3', { id: 'new-plan-title' }, 'New plan from files'),
      text('new-plan-name', 'Name', { type: 'text', maxlength: 200, required: true, autocomplete: 'off' }),
      file(
        'new-plan-boundary',
        'City boundary',
        '.geojson,.json,application/geo+json',
        true,
        'GeoJSON polygon of the area to cut into beats.',
      ),
      file(
        'new-plan-incidents',
        'Incidents',
        '.csv,.geojson,.json,text/csv,application/geo+json',
        true,
        'Calls for service: CSV with latitude, longitude, date and type, or GeoJSON points.',
      ),
      file(
        'new-plan-beats',
        'Current beats (optional)',
        '.geojson,.json,application/geo+json',
        false,
        'GeoJSON of today’s beats: the new plan is measured against them and takes their number.',
      ),
      text(
        'new-plan-idfield',
        'Beat number property',
        { type: 'text', value: 'beat_num', autocomplete: 'off' },
        'The property of each current beat that holds its number.',
      ),
      el(
        'div',
        { class: 'field' },
        el(
          'label',
          {},
          el('input', { type: 'checkbox', id: 'new-plan-keep', checked: true }),
          ' Also keep the current beats as a plan, to compare with',
        ),
      ),
      text(
        'new-plan-count',
        'Number of beats',
        { type: 'number', min: 1, max: 5000, step: 1, inputmode: 'numeric' },
        'Leave empty to keep the number of current beats.',
      ),
      el(
        'div',
        { class: 'row' },
        el(
          'button',
          { type: 'submit', id: 'new-plan-submit', disabled: this.busy || undefined },
          this.busy ? 'Working…' : 'Upload and plan',
        ),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const val = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).value;
      const fileOf = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).files?.[0];
      const beats = fileOf('new-plan-beats');
      const count = val('new-plan-count').trim();
      const input: Partial<NewPlanInput> = {
        name: val('new-plan-name'),
        ...(fileOf('new-plan-boundary') ? { boundary: fileOf('new-plan-boundary')! } : {}),
        ...(fileOf('new-plan-incidents') ? { incidents: fileOf('new-plan-incidents')! } : {}),
        ...(beats
          ? {
              beats: {
                file: beats,
                idField: val('new-plan-idfield'),
                keepAsPlan: (form.querySelector('#new-plan-keep') as HTMLInputElement).checked,
              },
            }
          : {}),
        ...(count ? { beatCount: Number(count) } : {}),
      };
      void this.create(input);
    });
    return form;
  }

  /** Shows (or with null, hides) a row's rename form or delete confirmation. */
  ask(id: string | null, kind: 'rename' | 'delete' = 'rename'): void {
    this.mode = id ? { id, kind } : null;
    this.render();
  }

  private async run(what: string, work: () => Promise<string>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.render();
    let message: string;
    let kind: 'info' | 'refused' = 'info';
    try {
      message = await work();
    } catch (e) {
      message = `${what} failed: ${plainError(e)}`;
      kind = 'refused';
    }
    this.busy = false;
    this.setMessage(message, kind);
  }

  /** Opens a plan on the map. */
  async open(id: string): Promise<void> {
    await this.run('Opening', async () => {
      await this.host.open(id);
      return `Opened “${this.host.plans().find((p) => p.id === id)?.name ?? id}”.`;
    });
  }

  /** Copies a plan (its current version) as “name (copy)”. */
  async copy(p: PlanDto): Promise<void> {
    await this.run('Copy', async () => {
      const { data } = await this.host.api.post<PlanDto>(`/plans/${encodeURIComponent(p.id)}/copy`, {});
      await this.host.refresh();
      return `Copied “${p.name}” as “${data.name}”.`;
    });
  }

  /**
   * Renames a plan (If-Match: the version the list shows; 412 when it was edited since). A rename
   * is a new version with the same beats, so the plan on the map, when renamed, is re-read at it
   * (its next edit carries the new ETag).
   */
  async rename(p: PlanDto, name: string): Promise<void> {
    if (!name.trim()) {
      this.setMessage('A plan needs a name.', 'refused');
      return;
    }
    this.mode = null;
    await this.run('Rename', async () => {
      const { data } = await this.host.api.patch<PlanDto>(`/plans/${encodeURIComponent(p.id)}`, { name: name.trim() }, planEtagOf(p));
      await this.host.refresh();
      if (this.host.currentId() === p.id) await (this.host.reloadVersion ? this.host.reloadVersion() : this.host.open(p.id));
      return `Renamed “${p.name}” to “${data.name}”.`;
    });
  }

  /** Deletes a plan (confirmed); the map opens another one when it was on show. */
  async remove(p: PlanDto): Promise<void> {
    this.mode = null;
    await this.run('Delete', async () => {
      await this.host.api.delete(`/plans/${encodeURIComponent(p.id)}`, planEtagOf(p));
      const wasCurrent = this.host.currentId() === p.id;
      const next = this.host.plans().find((q) => q.id !== p.id);
      await this.host.refresh(wasCurrent ? next?.id : undefined);
      if (wasCurrent && next) await this.host.open(next.id);
      return `Deleted “${p.name}”. Its uploaded files stay on the server.`;
    });
  }

  /**
   * Follows a planning job with the progress bar; returns the plan it made.
   * @throws Error with the job's error when it did not succeed
   */
  private async follow(job: JobDto, label: string): Promise<string> {
    this.host.progress(`${label}…`, job);
    const final = await this.host.api.followJob(job, (j) => this.host.progress(`${label}: ${j.stage ?? j.status}`, j));
    this.host.progress('', null);
    const id = final.status === 'succeeded' ? (final.result?.planId as string | undefined) : undefined;
    if (!id) throw new Error(final.error?.detail ?? `the job ${final.status}`);
    return id;
  }

  /** Uploads the files, plans as a job with progress (after importing the current beats when asked), then opens the new plan. */
  async create(input: Partial<NewPlanInput>): Promise<void> {
    const problems = newPlanProblems(input);
    if (problems.length) {
      this.setMessage(problems.join(' '), 'refused');
      return;
    }
    const i = input as NewPlanInput;
    await this.run('New plan', async () => {
      const api = this.host.api;
      const name = encodeURIComponent(i.name.trim());
      this.host.say('Uploading the boundary…');
      const boundary = await api.upload<DatasetDto>(`/datasets/boundary?name=${name}%20boundary`, i.boundary, uploadType(i.boundary.name));
      this.host.say('Uploading the incidents…');
      const incidents = await api.upload<DatasetDto>(
        `/datasets/incidents?name=${name}%20incidents`,
        i.incidents,
        uploadType(i.incidents.name),
      );
      let existing: DatasetDto | undefined;
      if (i.beats) {
        this.host.say('Uploading the current beats…');
        existing = await api.upload<DatasetDto>(
          `/datasets/beats?name=${name}%20current%20beats&idField=${encodeURIComponent(i.beats.idField.trim())}`,
          i.beats.file,
          uploadType(i.beats.file.name),
        );
      }
      if (existing && i.beats?.keepAsPlan) {
        const body = {
          method: 'import',
          name: `${i.name.trim()} – current beats`,
          boundary: boundary.id,
          incidents: incidents.id,
          existing: existing.id,
        };
        await this.follow(await api.post<JobDto>('/plans', body).then((r) => r.data), 'Importing the current beats');
      }
      const { data: job } = await api.post<JobDto>(
        '/plans',
        planRequestOf(
          { boundary: boundary.id, incidents: incidents.id, ...(existing ? { existing: existing.id } : {}) },
          i.name,
          i.beatCount,
        ),
      );
      const id = await this.follow(job, 'Planning');
      this.created = id;
      await this.host.refresh(id);
      await this.host.open(id);
      return `Plan “${i.name.trim()}” is ready and on the map.`;
    });
    this.host.progress('', null);
  }
}
