/**
 * Start-up a newcomer can follow (issue 16 item 8), end to end: `beatplan serve --demo` run as
 * a process, as `pnpm start` runs it (the built map, the demo city with its first 40,000
 * incidents). The terminal shows no request log (it goes to `<data>/server.log`); the last
 * lines printed are the ready link and the admin token; and that link, opened in Chromium with
 * that token pasted in, shows the demo plan. SIGTERM stops the server cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, buildUi, closeBrowserStack, haveChromium, launchChromium, ROOT, smallDemoDir } from './harness.js';

describe.skipIf(!haveChromium())('beatplan serve --demo (a process, as pnpm start runs it)', () => {
  let uiDir: string;
  let demoDir: string;
  let dataDir: string;
  let browser: Browser;
  let server: ChildProcess | undefined;
  let out = '';
  let err = '';
  let exit: Promise<number | null>;

  beforeAll(async () => {
    uiDir = await buildUi();
    demoDir = await smallDemoDir(40_000);
    dataDir = mkdtempSync(join(tmpdir(), 'beatplan-serve-'));
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await closeBrowserStack({ uiDir, browser });
    for (const d of [demoDir, dataDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('prints the ready link and the token last, no request log; the link and token open the demo plan', async () => {
    server = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        'packages/engine/src/cli/main.ts',
        'serve',
        '--port',
        '0',
        '--data',
        dataDir,
        '--ui',
        uiDir,
        '--demo',
        demoDir,
      ],
      { cwd: ROOT, env: { ...process.env, BEATPLAN_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    server.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    exit = new Promise((ok) => server!.once('exit', (code) => ok(code)));
    // ready once the token is printed (the demo loads through the API first)
    const until = Date.now() + 480_000;
    while (!/admin token for local use.*\n {2}bp_\S+\n/.test(out)) {
      if (server.exitCode !== null) throw new Error(`serve exited ${server.exitCode}: ${out}\n${err}`);
      if (Date.now() > until) throw new Error(`no token printed in time: ${out}\n${err}`);
      await new Promise((ok) => setTimeout(ok, 500));
    }
    const lines = out.trimEnd().split('\n');
    console.log(`beatplan serve --demo printed ${lines.length} lines; the last three:\n${lines.slice(-3).join('\n')}`);
    // the last lines: the link, then the token (and nothing after them)
    const [ready, tokenHead, tokenLine] = lines.slice(-3);
    const link = /^ready: (http:\/\/127\.0\.0\.1:\d+\/\?plan=([0-9a-f-]{36}))$/.exec(ready!);
    expect(link, ready).not.toBeNull();
    expect(tokenHead).toMatch(/^admin token for local use/);
    const token = /^ {2}(bp_\S+)$/.exec(tokenLine!)?.[1];
    expect(token).toBeDefined();
    // no request log on the terminal (JSON lines): it is in <data>/server.log
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(err.split('\n').filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(out).toContain(`request log: ${join(dataDir, 'server.log')}`);
    const log = join(dataDir, 'server.log');
    expect(existsSync(log)).toBe(true);
    expect(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter((l) => (JSON.parse(l) as { msg?: string }).msg === 'request').length,
    ).toBeGreaterThan(5);

    // what a newcomer does next: open the link, paste the token
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(link![1]!);
    await page.fill('#token-input', token!);
    await page.click('#token-form button[type=submit]');
    await page.waitForFunction(() => window.__beatplan?.ready === true, null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.__beatplan!.plan!.id)).toBe(link![2]);
    expect(await page.textContent('#status')).toMatch(/^Plan “Lakeport proposal” v1: [\d,]+ cells, \d+ beats\.$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();

    server.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out.trimEnd().split('\n').slice(-2)).toEqual(['stopping (SIGTERM) …', 'stopped']);
  }, 600_000);
});
