#!/usr/bin/env node
// The `beatplan` binary: runs the compiled CLI (`pnpm build` makes dist/).
// From a source checkout without a build, use `pnpm beatplan …` instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('beatplan: the engine is not built yet; run `pnpm build` (or `pnpm beatplan …` from the repository)');
  process.exit(1);
}
await import(main.href);
