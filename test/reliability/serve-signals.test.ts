/**
 * `beatplan serve` stops on SIGTERM/SIGINT whether started directly or through pnpm: the
 * port closes and no process of the group it was started in remains. Through pnpm the server
 * runs as pnpm → sh → node; a SIGTERM sent to the pnpm pid alone ends pnpm and the shell but
 * never reaches node, which notices it has been orphaned and stops the same way.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
const started: ChildProcess[] = [];

afterAll(() => {
  // anything a failed case left behind: its whole group, by its own pgid
  for (const c of started) {
    try {
      if (c.pid) process.kill(-c.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The environment of a child: no BEATPLAN_* settings from the test run (SQLite in a temp folder). */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BEATPLAN_')));
}

/** Starts `serve` in its own process group; resolves with the port once it prints its URL. */
async function startServe(how: 'pnpm' | 'node'): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const data = mkdtempSync(join(tmpdir(), 'beatplan-serve-'));
  dirs.push(data);
  const args = ['serve', '--port', '0', '--data', data];
  const child =
    how === 'pnpm'
      ? spawn('pnpm', ['-s', 'beatplan', ...args], { cwd: ROOT, env: childEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/engine/src/cli/main.ts', ...args], {
          cwd: ROOT,
          env: childEnv(),
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /API on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => fail(new Error(`serve exited with ${code}:\n${out}`)));
  });
  return { child, port, output: () => out };
}

/** True while something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}

/** Pids still in the process group. */
function groupMembers(pgid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((x) => Number(x.trim()))
      .filter((x) => x > 0);
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

async function eventually(check: () => Promise<boolean> | boolean, ms = 20_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe('beatplan serve stops on a signal', () => {
  const cases: Array<{ how: 'pnpm' | 'node'; signal: NodeJS.Signals; to: 'pid' | 'group' }> = [
    { how: 'pnpm', signal: 'SIGTERM', to: 'pid' },
    { how: 'pnpm', signal: 'SIGTERM', to: 'group' },
    { how: 'node', signal: 'SIGINT', to: 'pid' },
  ];
  for (const { how, signal, to } of cases) {
    it(`started through ${how}, ${signal} to the ${to === 'pid' ? `${how} pid` : 'process group'}: the port closes and no process remains`, async () => {
      const { child, port, output } = await startServe(how);
      const pgid = child.pid!;
      expect(await listening(port)).toBe(true);
      expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(how === 'pnpm' ? 3 : 1);
      process.kill(to === 'group' ? -pgid : pgid, signal);
      expect(await eventually(async () => !(await listening(port))), `port ${port} still open:\n${output()}`).toBe(true);
      expect(await eventually(() => groupMembers(pgid).length === 0), `left running: ${groupMembers(pgid).join(', ')}`).toBe(true);
      if (how === 'node') expect(child.exitCode).toBe(0);
      expect(output()).toMatch(/stopping \((SIGINT|SIGTERM|parent exited)\)/);
      expect(output()).toContain('stopped');
    }, 90_000);
  }
});
