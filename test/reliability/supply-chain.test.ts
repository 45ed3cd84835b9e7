/**
 * Supply chain (issue 8, item 8), offline: the lockfile is committed, every locked package
 * comes from the registry with an integrity hash, and the only installed packages with
 * install scripts are the allowed and explained ones (pnpm-workspace.yaml
 * `onlyBuiltDependencies`, test/reliability/AUDIT.md). `pnpm audit` itself needs the network:
 * see test/reliability/audit.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const lock = readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8');
const audit = readFileSync(join(import.meta.dirname, 'AUDIT.md'), 'utf8');

/** `name@version` → install scripts of every package installed under node_modules/.pnpm. */
function installScripts(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const store = join(ROOT, 'node_modules/.pnpm');
  for (const d of readdirSync(store)) {
    const nm = join(store, d, 'node_modules');
    if (!existsSync(nm)) continue;
    for (const e of readdirSync(nm)) {
      const dirs = e.startsWith('@') ? readdirSync(join(nm, e)).map((x) => join(nm, e, x)) : [join(nm, e)];
      for (const pd of dirs) {
        const pj = join(pd, 'package.json');
        if (!existsSync(pj)) continue;
        let p: { name?: string; version?: string; scripts?: Record<string, string> };
        try {
          p = JSON.parse(readFileSync(pj, 'utf8'));
        } catch {
          continue;
        }
        const scripts = ['preinstall', 'install', 'postinstall'].filter((k) => p.scripts?.[k]).map((k) => `${k}: ${p.scripts![k]}`);
        if (existsSync(join(pd, 'binding.gyp'))) scripts.push('binding.gyp');
        if (scripts.length) out.set(`${p.name}@${p.version}`, scripts);
      }
    }
  }
  return out;
}

describe('supply chain', () => {
  it('better-sqlite3 is built from its registry tarball: .npmrc sets build-from-source, so prebuild-install never downloads', () => {
    const npmrc = readFileSync(join(ROOT, '.npmrc'), 'utf8');
    expect(npmrc).toMatch(/^build-from-source=true$/m);
    const store = join(ROOT, 'node_modules/.pnpm');
    const pkg = readdirSync(store).find((d) => d.startsWith('better-sqlite3@'));
    const pre = readdirSync(store).find((d) => d.startsWith('prebuild-install@'));
    expect(pkg && pre).toBeTruthy();
    const dir = join(store, pkg!, 'node_modules/better-sqlite3');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts.install).toMatch(/^prebuild-install \|\| node-gyp rebuild/);
    // what pnpm runs, with the setting pnpm passes from .npmrc; any network attempt would go to a dead proxy
    let out = '';
    let code = 0;
    try {
      execFileSync(process.execPath, [join(store, pre!, 'node_modules/prebuild-install/bin.js'), '--verbose'], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          npm_config_build_from_source: 'true',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          HTTP_PROXY: 'http://127.0.0.1:9',
        },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as { status: number; stderr: string; stdout: string };
      code = err.status;
      out = `${err.stdout}${err.stderr}`;
    }
    expect(out).toContain('not attempting download');
    expect(out).not.toMatch(/github\.com|ECONNREFUSED|downloading/i);
    expect(code).not.toBe(0); // so the install script falls through to node-gyp
  });

  it('pnpm-lock.yaml is committed', () => {
    const files = execFileSync('git', ['ls-files', 'pnpm-lock.yaml'], { cwd: ROOT, encoding: 'utf8' }).trim();
    expect(files).toBe('pnpm-lock.yaml');
  });

  it('every locked package resolves from the registry by integrity hash (no tarball URLs, git or GitHub sources)', () => {
    const resolutions = [...lock.matchAll(/resolution: \{([^}]*)\}/g)].map((m) => m[1]!);
    expect(resolutions.length).toBeGreaterThan(100);
    const bad = resolutions.filter((r) => !/^integrity: sha512-/.test(r.trim()) || /tarball:|repo:|commit:|directory:/.test(r));
    expect(bad).toEqual([]);
    expect(lock).not.toMatch(/github\.com|codeload|git\+|git:\/\/|https?:\/\/(?!registry\.npmjs\.org)/);
  });

  it('only the allowed, explained packages have install scripts', () => {
    const found = installScripts();
    const names = [...found.keys()].map((k) => k.replace(/@[^@]+$/, '')).sort();
    const ws = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
    const listed = (key: string) =>
      [...(new RegExp(`${key}:\\n((?:\\s+- .+\\n?)+)`).exec(ws)?.[1] ?? '').matchAll(/- (.+)/g)].map((m) =>
        m[1]!.trim().replace(/^'(.*)'$/, '$1'),
      );
    // built (their scripts run) or ignored (known scripts that never run): both explained in AUDIT.md
    const allowed = [...listed('onlyBuiltDependencies'), ...listed('ignoredBuiltDependencies')].sort();
    expect(listed('onlyBuiltDependencies')).not.toContain('@scarf/scarf');
    console.log(
      `supply chain: install scripts in ${[...found].map(([k, v]) => `${k} (${v.join('; ')})`).join(', ')}; allowed: ${allowed.join(', ')}`,
    );
    expect(names).toEqual(allowed);
    for (const k of found.keys()) expect(audit, `${k} is explained in AUDIT.md`).toContain(k);
  });
});
