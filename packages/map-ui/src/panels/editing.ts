/**
 * Editing the plan on the map (commanders): paint strokes (`POST /plans/{id}/moves`, applied
 * and measured locally at pointer-up, rolled back when refused), undo / redo, lock / unlock,
 * re-balance (a job with the progress bar), each with the plan's ETag (`If-Match`); a 412
 * reloads the latest version. The progress bar and its Cancel button serve every panel's job.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import { type ApiClient, ApiProblem, type EditResultDto, type JobDto, type PlanDto } from '../api-client.js';
import { brushCells, type CellModel, pointToCell, withWholeUnits } from '../cell-model.js';
import { SOURCE_LAYERS, SOURCES } from '../map-style.js';
import { bandOf, type PlanMetricsDto, previewStroke } from '../metrics.js';
import { strokePreview } from '../panels.js';
import { plainError } from '../words.js';

/** One measured edit, exposed on `window.__beatplan.perf` for the browser tests. */
export interface EditTiming {
  cells: number;
  /** Pointer-up → map and metrics panel updated locally (two animation frames later), ms. */
  localMs: number;
  /** Pointer-up → the local update's JavaScript done (model, feature state, panel), before painting, ms. */
  scriptMs: number;
  /** Pointer-up → the API's answer applied, ms (null while pending or refused). */
  confirmedMs: number | null;
  outcome: 'pending' | 'accepted' | 'refused' | 'error';
}

/** What editing needs from the map. */
export interface EditingHost {
  api: ApiClient;
  map: MapLibreMap;
  plan(): PlanDto | null;
  model(): CellModel | null;
  metrics(): PlanMetricsDto | null;
  /** The plan's new version (and its metrics when the answer has them) after an accepted edit. */
  accepted(plan: PlanDto, metrics: PlanMetricsDto | null): void;
  /** The ETag of the version on show (`If-Match`), and the one an accepted edit returned. */
  etag(): string | null;
  setEtag(etag: string | null): void;
  selectedBeat(): number | null;
  /** Brush radius in cells (0 = one cell). */
  brush(): number;
  canEdit(): boolean;
  /** Cells whose beat changed in the model: redraw them, their outlines, labels and colours. */
  applyCellChanges(cells: readonly number[], touchedBeats: Iterable<number>): void;
  /** Labels of these beats re-read (moved, locked). */
  updateLabels(beats: Iterable<number>): void;
  /** Reloads the version on show, applying only the differences. */
  reloadVersion(): Promise<{ cells: number; beats: number } | null>;
  /** Metrics list and beat card redrawn. */
  rendered(): void;
  /** The edit buttons follow `busy`. */
  busyChanged(): void;
  say(message: string, kind?: 'info' | 'refused'): void;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
/** Resolves after two animation frames: what was drawn before the call is on screen. */
export const frames = (): Promise<void> => new Promise<void>((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok())));
/** Feature-state target of the plan's cells. */
const CELL = { source: SOURCES.cells, sourceLayer: SOURCE_LAYERS.cells } as const;

/** Strokes, edit calls and the progress bar: `mount` once. */
export class EditingTools {
  /** Timings of each stroke (ms), newest last. */
  readonly perf: EditTiming[] = [];
  /** True while an edit is being saved (no other edit starts). */
  busy = false;
  /** The stroke being painted: cell → its beat before the stroke. */
  private stroke: Map<number, number> | null = null;
  /** The job the progress bar shows (its Cancel cancels it). */
  private job: JobDto | null = null;

  constructor(private readonly host: EditingHost) {}

  /** Wires the undo, redo, re-balance and progress-cancel buttons. */
  mount(): this {
    $('undo').addEventListener('click', () => void this.undoRedo('undo'));
    $('redo').addEventListener('click', () => void this.undoRedo('redo'));
    $('rebalance').addEventListener('click', () => void this.rebalance());
    $('progress-cancel').addEventListener('click', () => {
      if (this.job) void this.host.api.cancelJob(this.job.id).catch((e) => this.host.say(`Cancel failed: ${plainError(e)}`, 'refused'));
    });
    return this;
  }

  /** True while a stroke is being painted. */
  get painting(): boolean {
    return this.stroke !== null;
  }

  /** Starts a stroke at (lng, lat) (pointer down with the Paint tool). */
  startStroke(lng: number, lat: number): void {
    this.stroke = new Map();
    this.strokeAdd(lng, lat);
  }

  /** Adds the brush around (lng, lat) to the stroke: drawn in the selected beat, figures previewed. */
  strokeAdd(lng: number, lat: number): void {
    const { host } = this;
    const model = host.model()!;
    const sel = host.selectedBeat()!;
    const centre = pointToCell(model, lng, lat);
    // with units, the brush paints whole units (the API moves them whole too)
    for (const i of withWholeUnits(model, brushCells(model, centre, host.brush()))) {
      if (this.stroke!.has(i)) continue;
      this.stroke!.set(i, model.beatOf[i]!);
      host.map.setFeatureState({ ...CELL, id: i }, { b: sel });
    }
    const deltas = previewStroke(model, this.stroke!.keys(), sel, this.beatTotals());
    $('stroke-slot').replaceChildren(strokePreview(deltas, bandOf(host.metrics()!), false));
  }

  /** Paints the brush around `cell` into the selected beat as one stroke (the keyboard's Space). */
  async paintCell(cell: number): Promise<void> {
    const model = this.host.model()!;
    this.startStroke(model.centroid[2 * cell]!, model.centroid[2 * cell + 1]!);
    await this.finishStroke();
  }

  /** Per beat (index): cells, weekly workload and area of the version on show. */
  private beatTotals(): Map<number, { cells: number; workloadHours: number; areaKm2: number }> {
    const model = this.host.model()!;
    const out = new Map<number, { cells: number; workloadHours: number; areaKm2: number }>();
    this.host
      .metrics()!
      .perBeat.forEach((b) =>
        out.set(model.beatIds.indexOf(b.id), { cells: b.cells, workloadHours: b.workloadHours ?? b.workload, areaKm2: b.areaKm2 }),
      );
    return out;
  }

  /** Escape: the stroke's cells back to their beats, nothing sent. */
  cancelStroke(): void {
    if (!this.stroke) return;
    for (const [i, b] of this.stroke) this.host.map.setFeatureState({ ...CELL, id: i }, { b });
    this.stroke = null;
    $('stroke-slot').replaceChildren();
    this.host.map.dragPan.enable();
  }

  /** Pointer up: applies the stroke locally (measured), then sends it; a refusal rolls it back and says why. */
  async finishStroke(): Promise<void> {
    const { host } = this;
    const stroke = this.stroke;
    this.stroke = null;
    host.map.dragPan.enable();
    const model = host.model();
    const to = host.selectedBeat();
    const plan = host.plan();
    if (!stroke || !model || to === null || !plan) return;
    const t0 = performance.now();
    const moving = [...stroke].filter(([, from]) => from !== to).map(([i]) => i);
    if (!moving.length) {
      $('stroke-slot').replaceChildren();
      return;
    }
    const timing: EditTiming = { cells: moving.length, localMs: 0, scriptMs: 0, confirmedMs: null, outcome: 'pending' };
    this.perf.push(timing);
    // optimistic: apply locally, show the previewed metrics, measure
    const deltas = previewStroke(model, moving, to, this.beatTotals());
    const from = new Map(moving.map((i) => [i, model.beatOf[i]!]));
    for (const i of moving) model.beatOf[i] = to;
    host.applyCellChanges(moving, [to, ...from.values()]);
    $('stroke-slot').replaceChildren(strokePreview(deltas, bandOf(host.metrics()!), true));
    timing.scriptMs = performance.now() - t0;
    await frames();
    timing.localMs = performance.now() - t0;
    this.setBusy(true);
    try {
      const res = await host.api.post<EditResultDto>(
        `/plans/${plan.id}/moves`,
        { cells: moving.map((i) => model.h3[i]!), toBeat: model.beatIds[to]! },
        host.etag() ?? undefined,
      );
      host.setEtag(res.etag);
      host.accepted(
        { ...plan, version: res.data.version, latestVersion: Math.max(plan.latestVersion, res.data.version) },
        (res.data.metrics as unknown as PlanMetricsDto | undefined) ?? null,
      );
      $('stroke-slot').replaceChildren();
      host.rendered();
      host.updateLabels(new Set([to, ...from.values()]));
      await frames();
      timing.confirmedMs = performance.now() - t0;
      timing.outcome = 'accepted';
      const moved = Number(res.data.summary.moved ?? moving.length);
      host.say(`Moved ${moved} cell${moved === 1 ? '' : 's'} into beat ${model.beatIds[to]} (version ${res.data.version}).`);
      if (moved !== moving.length) await host.reloadVersion();
    } catch (e) {
      // roll back
      for (const [i, b] of from) model.beatOf[i] = b;
      host.applyCellChanges(moving, [to, ...from.values()]);
      $('stroke-slot').replaceChildren();
      timing.outcome = e instanceof ApiProblem && e.status === 409 ? 'refused' : 'error';
      if (e instanceof ApiProblem && e.status === 409) host.say(`Refused: ${plainError(e)}`, 'refused');
      else if (e instanceof ApiProblem && e.status === 412) {
        host.say('The plan changed elsewhere; reloaded the latest version. Paint again if still needed.', 'refused');
        await host.reloadVersion();
      } else host.say(`The move failed: ${plainError(e)}`, 'refused');
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.host.busyChanged();
  }

  /** One edit call with the plan's ETag; `done` applies the answer. */
  private async edit(path: string, body: unknown, done: (r: EditResultDto) => Promise<void> | void): Promise<void> {
    const { host } = this;
    const plan = host.plan();
    if (!plan || this.busy) return;
    this.setBusy(true);
    try {
      const res = await host.api.post<EditResultDto>(`/plans/${plan.id}${path}`, body, host.etag() ?? undefined);
      host.setEtag(res.etag);
      await done(res.data);
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 412) {
        host.say('The plan changed elsewhere; reloaded the latest version.', 'refused');
        await host.reloadVersion();
      } else
        host.say(
          e instanceof ApiProblem ? `${e.code === 'CONFLICT' ? 'Nothing to do' : 'Refused'}: ${plainError(e)}` : `Failed: ${plainError(e)}`,
          'refused',
        );
    } finally {
      this.setBusy(false);
    }
  }

  /** Undo (`POST /plans/:id/undo`) or redo. */
  async undoRedo(dir: 'undo' | 'redo'): Promise<void> {
    if (!this.host.canEdit()) return;
    await this.edit(`/${dir}`, undefined, async (r) => {
      await this.host.reloadVersion();
      this.host.say(`${dir === 'undo' ? 'Undone' : 'Redone'}: now at version ${r.version}.`);
    });
  }

  /** Locks or unlocks the selected beat. */
  async toggleLock(): Promise<void> {
    const { host } = this;
    const model = host.model();
    const metrics = host.metrics();
    const beat = host.selectedBeat();
    if (!host.canEdit() || beat === null || !model || !metrics) return;
    const id = model.beatIds[beat]!;
    const locked = metrics.perBeat.find((b) => b.id === id)?.locked ?? false;
    await this.edit(locked ? '/unlocks' : '/locks', { beats: [id] }, (r) => {
      host.accepted({ ...host.plan()!, version: r.version }, (r.metrics as unknown as PlanMetricsDto | undefined) ?? null);
      host.rendered();
      host.updateLabels([beat]);
      host.say(`Beat ${id} ${locked ? 'unlocked' : 'locked'} (version ${r.version}).`);
    });
  }

  /**
   * Re-balances the unlocked beats: `POST /plans/:id/rebalance` (If-Match) → a job followed
   * with the progress bar and its Cancel button; the new version is then loaded and what moved
   * is said.
   */
  async rebalance(): Promise<void> {
    const { host } = this;
    const plan = host.plan();
    if (!host.canEdit() || !plan || this.busy) return;
    this.setBusy(true);
    try {
      const { data: job } = await host.api.post<JobDto>(`/plans/${plan.id}/rebalance`, {}, host.etag() ?? undefined);
      this.progress('Re-balancing the unlocked beats…', job);
      const final = await host.api.followJob(job, (j) => this.progress(`Re-balancing: ${j.stage ?? j.status}`, j));
      this.progress('', null);
      if (final.status === 'succeeded') {
        const moved = await host.reloadVersion();
        const what = moved
          ? ` ${moved.cells.toLocaleString('en-GB')} cell${moved.cells === 1 ? '' : 's'} moved between ${moved.beats} beat${moved.beats === 1 ? '' : 's'}.`
          : '';
        host.say(`Re-balanced: version ${host.plan()!.version}.${what}`);
      } else if (final.status === 'cancelled') host.say('Re-balance cancelled; the plan is unchanged.');
      else host.say(`Re-balance failed: ${final.error?.detail ?? final.status}`, 'refused');
    } catch (e) {
      this.progress('', null);
      if (e instanceof ApiProblem && (e.status === 404 || e.status === 405 || e.status === 501)) {
        host.say(`Re-balance is not available on this server yet (POST ${e.url} answered ${e.status}).`, 'refused');
      } else if (e instanceof ApiProblem && e.status === 412) {
        host.say('The plan changed elsewhere; reloaded. Try again.', 'refused');
        await host.reloadVersion();
      } else host.say(`Re-balance failed: ${plainError(e)}`, 'refused');
    } finally {
      this.setBusy(false);
    }
  }

  /** The progress bar of a job (null hides it); its Cancel cancels that job. Every panel's jobs use it. */
  progress(label: string, j: JobDto | null): void {
    this.job = j;
    $('progress').hidden = !j;
    if (!j) return;
    $('progress-label').textContent = label;
    $<HTMLProgressElement>('progress-bar').value = j.progress;
  }
}
