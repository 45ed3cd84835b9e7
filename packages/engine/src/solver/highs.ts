/**
 * HiGHS backend: the model goes to a worker thread as CPLEX LP text; the worker runs the
 * synchronous WebAssembly solver with HiGHS's own `time_limit`, and the parent terminates the
 * worker hard if it overruns. Idle workers are kept (unreferenced, so they never keep the
 * process alive) to avoid reloading the module.
 */
import { Worker } from 'node:worker_threads';
import { highsLoaderUrl } from './backends.js';
import { HIGHS_WORKER_SOURCE } from './highs-worker-source.js';
import type { RawSolve } from './jsl.js';
import { toLpFormat } from './lp-format.js';
import type { LinearModel } from './model.js';

interface WorkerReply {
  id: number;
  status: string;
  message?: string;
  fatal?: boolean;
  names?: string[] | null;
  values?: Float64Array | null;
  bound?: number;
}

const idle: Worker[] = [];
let nextId = 1;

function spawn(): Worker {
  const w = new Worker(HIGHS_WORKER_SOURCE, {
    eval: true,
    workerData: { url: highsLoaderUrl() },
    // JS heap cap of the worker; the wasm heap has its own 2 GB ceiling (reported as fatal).
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  w.unref();
  return w;
}

/** Terminates idle HiGHS workers (tests and CLIs may call it before exit; never required). */
export async function shutdownHighsWorkers(): Promise<void> {
  const ws = idle.splice(0);
  await Promise.all(ws.map((w) => w.terminate()));
}

/** Extra time after `timeLimitMs` before the worker is terminated hard (module load included). */
function graceMs(timeLimitMs: number): number {
  return Math.max(3000, timeLimitMs * 0.25);
}

/**
 * Solves `model` with HiGHS in a worker thread. The answer is NOT checked here; {@link solve}
 * checks it. Never throws: failures come back as `status: 'error'`.
 */
export function solveWithHighs(model: LinearModel, timeLimitMs: number, mipGap = 0): Promise<RawSolve> {
  const lp = toLpFormat(model);
  const n = model.variables.length;
  const worker = idle.pop() ?? spawn();
  worker.ref();
  const id = nextId++;
  return new Promise<RawSolve>((resolve) => {
    let settled = false;
    const finish = (r: RawSolve, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep) {
        worker.unref();
        idle.push(worker);
      } else {
        void worker.terminate();
      }
      resolve(r);
    };
    const timer = setTimeout(() => {
      finish({ status: 'timeout', message: `highs: terminated after ${timeLimitMs} ms + grace` }, false);
    }, timeLimitMs + graceMs(timeLimitMs));
    const onMessage = (m: WorkerReply) => {
      if (m.id !== id) return;
      if (m.status === 'error') {
        finish({ status: 'error', message: m.message ?? 'highs error' }, !m.fatal);
        return;
      }
      let values: Float64Array | undefined;
      if (m.values && m.names) {
        values = new Float64Array(n);
        for (let i = 0; i < m.names.length; i++) {
          const j = Number(m.names[i]!.slice(1));
          if (j >= 0 && j < n) values[j] = m.values[i]!;
        }
      }
      const base = { values, bound: Number.isFinite(m.bound) ? m.bound : undefined, message: `highs: ${m.status}` };
      switch (m.status) {
        case 'optimal':
        case 'empty':
          finish({ ...base, status: 'optimal', values: values ?? new Float64Array(n) }, true);
          return;
        case 'infeasible':
        case 'infeasible-or-unbounded':
          finish({ status: 'infeasible', message: base.message }, true);
          return;
        case 'unbounded':
          finish({ status: 'unbounded', message: base.message }, true);
          return;
        case 'timeout':
        case 'iteration-limit':
        case 'interrupted':
          finish({ ...base, status: 'timeout' }, true);
          return;
        default:
          finish({ ...base, status: values ? 'feasible' : 'error' }, true);
      }
    };
    const onError = (e: Error) => finish({ status: 'error', message: `highs worker: ${e.message}` }, false);
    const onExit = (code: number) => finish({ status: 'error', message: `highs worker exited (${code})` }, false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, lp, timeLimitSec: Math.max(0.001, timeLimitMs / 1000), mipGap });
  });
}
