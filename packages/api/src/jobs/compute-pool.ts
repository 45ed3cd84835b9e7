/**
 * A small pool of long-lived worker processes for the engine work a request waits for
 * (loading a version, response figures and what-ifs, beats GeoJSON, cells, incident bins,
 * comparisons, edits, upload checks): the request thread only sends a message and awaits the
 * answer, so neither a 1–8 s hypercube run nor a 0.1–1 s parse, dissolve or serialize of a
 * city's plan holds the event loop. Each worker keeps a few plan versions loaded (and a few
 * parsed without their grid); a version's plan.json crosses to a worker once.
 *
 * Processes, not worker threads: a worker thread shares the process's V8 platform (its GC
 * helper threads), so a busy computation lengthens the request thread's own GC pauses; a child
 * process has its own, and runs entirely at a lower priority (`nice` {@link WORKER_NICE} on
 * Linux) so that on a busy machine the request thread wins the CPU.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BeatplanError, type BeatplanErrorCode } from '@beatplan/engine';
import type { Logger } from 'pino';
import type { datasetInspectors } from '../engine-service.js';
import { ApiError } from '../errors.js';
import type { DatasetKind } from '../store/store.js';
import { asBuffer, type ComputeReply, type ComputeRequest, type ComputeTask, joinReply, stateOfTask } from './compute-protocol.js';
import { WORKER_NICE } from './thread-priority.js';

/**
 * Starts a compute worker process: `compute-worker.js`, or from TS source (vitest, tsx)
 * `compute-worker.ts` through tsx with the `source` condition; under `nice` where it exists.
 */
function startComputeProcess(contextCacheSize: number): ChildProcess {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(`./compute-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const args = [...(fromSource ? ['--conditions=source', '--import', import.meta.resolve('tsx')] : []), entry, String(contextCacheSize)];
  const options = {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
    serialization: 'advanced' as const,
  };
  const nice = '/usr/bin/nice';
  return process.platform === 'linux' && existsSync(nice)
    ? spawn(nice, ['-n', String(WORKER_NICE), process.execPath, ...args], options)
    : spawn(process.execPath, args, options);
}

interface Slot {
  worker: ChildProcess;
  /** Requests sent and not answered. */
  inFlight: number;
  /** Version keys this worker was sent (it may have evicted some: it then answers `missing`). */
  keys: Set<string>;
}

interface Pending {
  slot: Slot;
  request: ComputeRequest;
  /** The version's plan.json (a plan task). */
  planJson?: () => Promise<string | Uint8Array>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** Large values of the result received so far (`part` messages). */
  parts: unknown[];
}

/** Options of {@link ComputePool}. */
export interface ComputePoolOptions {
  /** Worker processes (default 2; started on first use). */
  size?: number;
  /** Grid + score contexts each worker keeps (default 4; see `Config.contextCacheSize`). */
  contextCacheSize?: number;
  log?: Logger;
}

/**
 * The pool. One per app; `close()` stops its workers.
 * @example const figures = await pool.run(planId, version, () => loadJson(), { kind: 'response' });
 */
export class ComputePool {
  private readonly size: number;
  private readonly contextCacheSize: number;
  private readonly log?: Logger;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: ComputePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? 2);
    this.contextCacheSize = Math.max(1, options.contextCacheSize ?? 4);
    this.log = options.log;
  }

  /**
   * Runs `task` on plan `planId` version `version` in a worker and resolves with its result.
   * @param planJson the version's plan.json (text or the stored bytes), read only when the chosen worker does not hold it
   * @returns the task's result; a text answer as a Buffer of its UTF-8 bytes, outside the V8 heap (see `textBytes`)
   * @throws the engine's BeatplanError (same code, message and details) when the engine refuses;
   *   ApiError `INTERNAL` when the worker fails or the pool is closed
   */
  run<T>(planId: string, version: number, planJson: () => Promise<string | Uint8Array>, task: ComputeTask): Promise<T> {
    // a worker holds a version parsed without its grid apart from the version loaded
    const key = `${planId}\u0000${version}\u0000${stateOfTask(task.kind)}`;
    return this.start({ id: this.nextId++, planId, key, task }, planJson);
  }

  /**
   * Checks an uploaded dataset in a worker (CSV parsing and geometry checks take 0.1–1 s on a
   * city's files): `datasetInspectors[dataset](...args)`, resolved with its summary.
   * @throws the engine's BeatplanError naming the file, row and field; ApiError `INTERNAL` as {@link run}
   * @example const info = await pool.inspect('boundary', [stagedPath, 'boundary-1a2b3c4d.geojson']);
   */
  inspect<K extends DatasetKind>(dataset: K, args: Parameters<(typeof datasetInspectors)[K]>): ReturnType<(typeof datasetInspectors)[K]> {
    return this.start({ id: this.nextId++, task: { kind: 'inspect', dataset, args } }) as ReturnType<(typeof datasetInspectors)[K]>;
  }

  /**
   * A stored GeoJSON file as a ground reference layer, computed in a worker (parsing a city's
   * areas or roads, megabytes, takes tens of ms): the JSON text of a FeatureCollection of its
   * features' geometries and display names (`referenceFeatures` of routes/reference.ts), as UTF-8 bytes.
   * @throws ApiError `INTERNAL` when the file is not a FeatureCollection or the worker fails
   * @example const bytes = await pool.referenceFeatures(store.blobPath(d.blobRef), ['name']);
   */
  referenceFeatures(path: string, nameKeys?: readonly string[]): Promise<Buffer> {
    return this.start({ id: this.nextId++, task: { kind: 'referenceFeatures', path, ...(nameKeys ? { nameKeys: [...nameKeys] } : {}) } });
  }

  private start<T>(request: ComputeRequest, planJson?: () => Promise<string | Uint8Array>): Promise<T> {
    if (this.closed) return Promise.reject(new ApiError('INTERNAL', 'the server is shutting down'));
    const key = 'key' in request ? request.key : undefined;
    const slot = this.pick(key);
    return new Promise<T>((resolve, reject) => {
      const p: Pending = { slot, request, planJson, resolve: resolve as (v: unknown) => void, reject, parts: [] };
      this.pending.set(request.id, p);
      slot.inFlight++;
      void this.send(p, key !== undefined && !slot.keys.has(key));
    });
  }

  /** Stops every worker; what is pending is rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const p of this.pending.values()) p.reject(new ApiError('INTERNAL', 'the server is shutting down'));
    this.pending.clear();
    for (const s of slots) s.worker.kill();
  }

  /** A worker that holds `key` and is not busier than the least busy one, else the least busy (a new one while fewer than `size`). */
  private pick(key: string | undefined): Slot {
    let best: Slot | undefined;
    for (const s of this.slots) if (!best || s.inFlight < best.inFlight) best = s;
    if ((!best || best.inFlight > 0) && this.slots.length < this.size) return this.spawn();
    const holder = key === undefined ? undefined : this.slots.find((s) => s.keys.has(key) && s.inFlight <= best!.inFlight);
    return holder ?? best!;
  }

  private async send(p: Pending, withPlan: boolean): Promise<void> {
    try {
      const r = p.request;
      const message: ComputeRequest = withPlan && 'key' in r && p.planJson ? { ...r, planJson: await p.planJson() } : r;
      if (withPlan && 'key' in r) p.slot.keys.add(r.key);
      if (!this.pending.has(p.request.id)) return; // closed meanwhile
      p.slot.worker.send(message);
    } catch (e) {
      this.settle(p.request.id, (q) => q.reject(e));
    }
  }

  private settle(id: number, how: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.slot.inFlight--;
    how(p);
  }

  private spawn(): Slot {
    const worker = startComputeProcess(this.contextCacheSize);
    const slot: Slot = { worker, inFlight: 0, keys: new Set() };
    // the pool does not keep the process alive on its own
    worker.unref();
    (worker.channel as { unref?: () => void } | undefined)?.unref?.();
    worker.on('message', (m: ComputeReply) => {
      if (m.type === 'missing') {
        const p = this.pending.get(m.id);
        if (p && 'key' in p.request) {
          slot.keys.delete(p.request.key);
          void this.send(p, true);
        }
        return;
      }
      if (m.type === 'part') {
        this.pending.get(m.id)?.parts.push(m.value);
        return;
      }
      if (m.type === 'done') {
        return this.settle(m.id, (p) => {
          const result = m.parts ? joinReply(m.result, p.parts) : m.result;
          // a text answer's bytes: a view into the message's buffer, handed on as a Buffer (no copy)
          p.resolve(result instanceof Uint8Array ? asBuffer(result) : result);
        });
      }
      this.settle(m.id, (p) => {
        if (!m.engine) return p.reject(new ApiError('INTERNAL', m.message));
        // the engine's error as the handler would have thrown it (message already formatted)
        const err = new BeatplanError(m.code as BeatplanErrorCode, '');
        Object.assign(err, { message: m.message, details: m.details });
        p.reject(err);
      });
    });
    const fail = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const [id, p] of [...this.pending]) if (p.slot === slot) this.settle(id, (q) => q.reject(new ApiError('INTERNAL', why)));
    };
    worker.on('error', (err) => {
      this.log?.error({ err }, 'compute worker failed');
      fail('the computation failed: its worker crashed');
    });
    worker.on('exit', (code) => {
      if (!this.closed) fail(`the computation failed: its worker exited with code ${code}`);
    });
    this.slots.push(slot);
    return slot;
  }
}
