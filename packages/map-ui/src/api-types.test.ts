/**
 * The map reads the API's answers through the API's own types (`@beatplan/api`, zod-inferred
 * DTOs), never through copies of its own: a renamed or dropped API field then breaks the map's
 * type-check instead of reaching a commander as `undefined`. And it imports them as types only
 * (DESIGN: map-ui → (types only) api), so no server code is bundled into the browser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Every non-test TypeScript source of the map (test support included: it builds fixtures, not answers). */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `interface XDto`, `type XDto =` or `type XDto<…> =` declarations in a source text. */
function ownDtoDeclarations(text: string): string[] {
  return [...text.matchAll(/\b(?:interface\s+(\w+Dto)\b|type\s+(\w+Dto)\s*(?:<[^=]*>)?\s*=)/g)].map((m) => (m[1] ?? m[2])!);
}

/** Imports and re-exports of `@beatplan/api` that are not type-only. */
function valueImportsOfApi(text: string): string[] {
  return [...text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+['"]@beatplan\/api['"]/gm)].map((m) => m[0].trim());
}

describe('the map uses the API types for API answers', () => {
  const files = sources();

  it('finds the map sources (the scan is not vacuous)', () => {
    expect(files.length).toBeGreaterThan(20);
    const names = files.map((f) => relative(SRC, f));
    for (const f of ['api-client.ts', 'metrics.ts', 'exports.ts', 'response.ts', 'panels/replay.ts', 'panels/compare.ts'])
      expect(names).toContain(f);
  });

  it('the detectors catch what they are meant to catch', () => {
    expect(ownDtoDeclarations('export interface PlanMetricsDto {\n  beats: number;\n}')).toEqual(['PlanMetricsDto']);
    expect(ownDtoDeclarations('type StaffingDto = { beats: [] };\nexport type PageDto<T> = { items: T[] };')).toEqual([
      'StaffingDto',
      'PageDto',
    ]);
    expect(
      ownDtoDeclarations(
        "import type { PlanMetricsDto } from '@beatplan/api';\nexport type { PlanMetricsDto };\nconst x: Pick<PlanDto, 'id'> = y;",
      ),
    ).toEqual([]);
    expect(valueImportsOfApi("import { PlanSchema } from '@beatplan/api';")).toHaveLength(1);
    expect(valueImportsOfApi("export { PlanSchema } from '@beatplan/api';")).toHaveLength(1);
    expect(valueImportsOfApi("import type { PlanDto } from '@beatplan/api';\nexport type { JobDto } from '@beatplan/api';")).toEqual([]);
  });

  it('no map source declares its own DTO type for an API answer', () => {
    const own = files.flatMap((f) => ownDtoDeclarations(readFileSync(f, 'utf8')).map((name) => `${relative(SRC, f)}: ${name}`));
    expect(own).toEqual([]);
  });

  it('the map imports @beatplan/api as types only', () => {
    const values = files.flatMap((f) => valueImportsOfApi(readFileSync(f, 'utf8')).map((line) => `${relative(SRC, f)}: ${line}`));
    expect(values).toEqual([]);
    // and it does use them: the answers the panels read are typed by the API
    const users = files.filter((f) => /import type \{[^}]*\} from '@beatplan\/api'/.test(readFileSync(f, 'utf8')));
    expect(users.length).toBeGreaterThanOrEqual(6);
  });
});
