/**
 * `pnpm bench`: runs every benchmark script and prints its figures. Benchmarks are scripts,
 * not timed tests: compare ratios measured in one run (the machines are shared and noisy).
 * `pnpm bench ingest plan` runs only the named ones.
 */
import { cpus } from 'node:os';

const benches: Record<string, () => Promise<void>> = {
  ingest: async () => (await import('./ingest-bench.js')).runIngestBench(),
  plan: async () => (await import('./plan-bench.js')).runPlanBench(),
  staff: async () => (await import('./staff-bench.js')).runStaffBench(),
  response: async () => (await import('./response-bench.js')).runResponseBench(),
  simulate: async () => (await import('./simulate-bench.js')).runSimulateBench(),
  api: async () => (await import('./api-bench.js')).runApiBench(),
  alternatives: async () => (await import('./alternatives-bench.js')).runAlternativesBench(),
  soak: async () => void (await import('./soak-bench.js')).runSoakBench(),
  map: async () => (await import('./map-bench.js')).runMapBench(),
  blobs: async () => (await import('./blob-sweep-bench.js')).runBlobSweepBench(),
};

// bench names; options (`--seconds 30`) and their numeric values are for the benches themselves
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-') && !/^[\d.]+$/.test(a));
const names = wanted.length ? wanted : Object.keys(benches);
console.log(`# beatplan bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
for (const name of names) {
  const run = benches[name];
  if (!run) {
    console.error(`unknown bench "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  await run();
}
