/**
 * Test support: `beatplan worker --database URL --concurrency 1` (the CLI from source) as a
 * child process; resolves once it takes jobs. Its stdout names each job it starts
 * (`job <id> start`, `(attempt n)` on a retry). Used by the shared-queue test and the
 * alternatives bench. Not part of the build.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../../..');
const CLI = join(ROOT, 'packages/engine/src/cli/main.ts');

/** A running worker process. */
export interface SpawnedWorker {
  child: ChildProcess;
  /** Everything it printed so far. */
  out(): string;
  /** Sends `signal` (default SIGTERM) and resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a worker on `url` with its blob cache in `dataDir`.
 * @example const w = await spawnWorker(db.url, dir); … await w.stop();
 */
export function spawnWorker(url: string, dataDir: string): Promise<SpawnedWorker> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, 'worker', '--database', url, '--concurrency', '1', '--data', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, BEATPLAN_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`worker did not start within 60 s:\n${out}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`worker exited ${code}:\n${out}`));
    });
    const keep = (d: Buffer) => {
      out += d.toString();
      if (out.includes('beatplan worker on')) {
        clearTimeout(timer);
        ok({
          child,
          out: () => out,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
  });
}
