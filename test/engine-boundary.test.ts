/**
 * No engine logic outside the engine: H3 (`h3-js`) and Turf (`@turf/*`) — the geometry the
 * engine is built on — are imported only by `packages/engine`, and by the map's drawing code,
 * allowed file by file below with what it draws. A new import anywhere else (the API, the map,
 * the demo-data generator) fails this test naming the file and line: move the computation into
 * an engine function (packages/engine/src/usecases/ for a feature, grid/ for H3) and call it.
 *
 * Test files are not scanned: they check the engine's answers with an independent H3.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Source trees outside the engine that ship or run as product code. */
const SCANNED = ['packages/api/src', 'packages/map-ui/src', 'packages/map-ui/vite.config.ts', 'data/generator'];

/** The map's drawing code, allowed to import H3 / Turf, with what it draws. */
const ALLOWED: Record<string, string> = {
  'packages/map-ui/src/cell-model.ts':
    'hexagon outlines, centres and neighbours of the cells the API sends, drawn by MapLibre (h3-js cellToBoundary…)',
};

/** An import or re-export of h3-js or @turf/* (static, dynamic, or require). */
const GEOMETRY_IMPORT = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"](h3-js|@turf\/[\w-]+)['"]/g;

function sourceFiles(path: string): string[] {
  const abs = join(ROOT, path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return [];
  }
  if (st.isFile()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(abs)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const child = join(path, name);
    if (statSync(join(ROOT, child)).isDirectory()) out.push(...sourceFiles(child));
    else if (/\.(m?[jt]s|tsx)$/.test(name) && !/\.test\.[jt]s$/.test(name) && !name.endsWith('.d.ts')) out.push(child);
  }
  return out;
}

/** `file:line: module` for every H3/Turf import of `file`. */
function geometryImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const hits: string[] = [];
  for (const m of text.matchAll(GEOMETRY_IMPORT)) {
    const line = text.slice(0, m.index).split('\n').length;
    hits.push(`${file}:${line}: ${m[1]}`);
  }
  return hits;
}

describe('engine boundary', () => {
  const files = SCANNED.flatMap(sourceFiles);

  it('scans the API, the map and the generator (the scan finds their files)', () => {
    expect(files.filter((f) => f.startsWith('packages/api/src/')).length).toBeGreaterThan(20);
    expect(files.filter((f) => f.startsWith('packages/map-ui/src/')).length).toBeGreaterThan(10);
    expect(files).toContain('packages/api/src/engine-service.ts');
  });

  it('imports h3-js and @turf/* only in the engine and the allowed drawing code', () => {
    const offending = files.filter((f) => !(f in ALLOWED)).flatMap(geometryImports);
    expect(offending, 'H3/Turf imported outside packages/engine: move the computation into an engine use-case').toEqual([]);
  });

  it('every allowed file still exists and still imports what it is allowed for (no stale allowance)', () => {
    for (const [file, why] of Object.entries(ALLOWED)) {
      expect(why.length).toBeGreaterThan(10);
      expect(geometryImports(file).length, `${file} no longer imports h3-js/@turf: remove it from ALLOWED`).toBeGreaterThan(0);
    }
  });

  it('the detector finds each import form it must catch', () => {
    const forms = [
      "import { cellToParent } from 'h3-js';",
      "export { area } from '@turf/area';",
      "const h3 = await import('h3-js');",
      "import 'h3-js';",
      'const t = require("@turf/turf");',
    ];
    for (const f of forms) expect([...f.matchAll(GEOMETRY_IMPORT)].length, f).toBe(1);
    expect([..."import { x } from './h3-js-like.js';".matchAll(GEOMETRY_IMPORT)].length).toBe(0);
  });

  it('the API reaches the engine through its use-cases: engine-service.ts only re-exports', () => {
    const text = readFileSync(join(ROOT, 'packages/api/src/engine-service.ts'), 'utf8');
    expect(text.split('\n').length).toBeLessThan(150);
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bfunction\b|=>|\bclass\b|\bconst\b|\blet\b/);
    expect(relative(ROOT, join(ROOT, 'packages/engine/src/usecases/index.ts'))).toBe('packages/engine/src/usecases/index.ts');
    expect(statSync(join(ROOT, 'packages/engine/src/usecases/index.ts')).isFile()).toBe(true);
  });
});
