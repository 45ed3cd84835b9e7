/**
 * Test support: the real API server (`packages/api/src/server.ts`, from source) as a child
 * process on 127.0.0.1, on a free port, over a data folder; resolves once it listens (the
 * URL is read from its `beatplan api listening` log line, so the log level must be `info` or
 * lower, the default here). Used by the crash test and the soak benchmark.
 *
 * With `memoryProbe`, the child also answers memory questions over its IPC channel (a few
 * lines preloaded with `--import data:…` and started with `--expose-gc`): no HTTP route, and
 * nothing in the server's own code. Not part of the build (excluded in tsconfig).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../../..');
const SERVER = join(import.meta.dirname, '../server.ts');

/** Preloaded in the child with `memoryProbe`: answers `{ type: 'beatplan:memory', id, gc }`. */
const MEMORY_PROBE = `
import { isMainThread } from 'node:worker_threads';
if (isMainThread && process.send) {
  process.on('message', (m) => {
    if (!m || m.type !== 'beatplan:memory') return;
    if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
    process.send({ type: 'beatplan:memory', id: m.id, usage: process.memoryUsage() });
  });
}
`;

/** Options of {@link spawnServer}. */
export interface SpawnServerOptions {
  /** The data folder (`--data`). */
  dataDir: string;
  /** Environment on top of this process's, `BEATPLAN_LOG_LEVEL=info` and `NODE_ENV=production`. */
  env?: Record<string, string>;
  /** Answer {@link SpawnedServer.memory} (IPC channel, `--expose-gc`). Default false. */
  memoryProbe?: boolean;
  /** How long to wait for the server to listen. Default 60 s. */
  timeoutMs?: number;
}

/** A running server child process. */
export interface SpawnedServer {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  child: ChildProcess;
  pid: number;
  /** The last few KB of the child's stdout and stderr (its log). */
  output(): string;
  /** Resident set size of the child in bytes, from `/proc/<pid>/status` (`VmRSS`); undefined off Linux or once it exited. */
  rss(): number | undefined;
  /**
   * `process.memoryUsage()` of the child's main thread, after a full GC when `gc`
   * (needs `memoryProbe`).
   */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const TAIL = 32 * 1024;

/**
 * Starts the API server as a child process on a free loopback port.
 * @example const s = await spawnServer({ dataDir }); await fetch(`${s.url}/api/v1/health`); await s.stop();
 */
export function spawnServer(options: SpawnServerOptions): Promise<SpawnedServer> {
  const execArgv = ['--conditions=source', '--import', 'tsx'];
  if (options.memoryProbe) execArgv.push('--expose-gc', '--import', `data:text/javascript,${encodeURIComponent(MEMORY_PROBE)}`);
  const child = spawn(process.execPath, [...execArgv, SERVER, '--port', '0', '--host', '127.0.0.1', '--data', options.dataDir], {
    cwd: ROOT,
    env: { ...process.env, BEATPLAN_LOG_LEVEL: 'info', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.memoryProbe ? (['ipc'] as const) : [])],
  });
  let tail = '';
  let url: string | undefined;
  let listening = (_url: string) => {};
  const keep = (d: Buffer) => {
    tail += d.toString();
    if (url === undefined) {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(tail);
      if (m) listening((url = m[1]!));
    }
    if (tail.length > 2 * TAIL) tail = tail.slice(-TAIL);
  };
  // both pipes are read for the child's whole life, so that its log never blocks it
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let probeId = 0;
  const waiting = new Map<number, (u: NodeJS.MemoryUsage) => void>();
  child.on('message', (m: { type?: string; id?: number; usage?: NodeJS.MemoryUsage }) => {
    if (m?.type === 'beatplan:memory' && m.id !== undefined && m.usage) {
      waiting.get(m.id)?.(m.usage);
      waiting.delete(m.id);
    }
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  const server: Omit<SpawnedServer, 'url'> = {
    child,
    pid: child.pid!,
    output: () => tail.slice(-TAIL),
    rss: () => {
      try {
        const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : undefined;
      } catch {
        return undefined;
      }
    },
    memory: (gc = false) =>
      new Promise((ok, fail) => {
        if (!options.memoryProbe || !child.connected) {
          fail(new Error(options.memoryProbe ? 'the server is not running' : 'spawnServer: memory() needs memoryProbe'));
          return;
        }
        const id = ++probeId;
        const timer = setTimeout(() => {
          waiting.delete(id);
          fail(new Error('the server did not answer the memory probe within 30 s'));
        }, 30_000);
        waiting.set(id, (u) => {
          clearTimeout(timer);
          ok(u);
        });
        child.send({ type: 'beatplan:memory', id, gc });
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };

  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`server did not start within ${options.timeoutMs ?? 60_000} ms:\n${tail}`));
    }, options.timeoutMs ?? 60_000);
    listening = (u) => {
      clearTimeout(timer);
      ok({ ...server, url: u });
    };
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${tail}`));
    });
  });
}
