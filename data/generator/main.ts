/**
 * `pnpm demo:data [--seed N] [--out DIR] [--incidents N] [--force]`
 *
 * Generates Lakeport, the synthetic demo city, into `data/demo` (or DIR). Files already up to
 * date are left alone unless `--force`. Exit codes: 0 ok, 1 failure, 2 bad arguments.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED } from './demo-files.js';
import { DEFAULT_INCIDENTS, writeDemo } from './write-demo.js';

const USAGE = `usage: pnpm demo:data [--seed N] [--out DIR] [--incidents N] [--force]
  --seed N        seed of every random choice (default ${DEFAULT_SEED})
  --out DIR       output folder (default data/demo)
  --incidents N   incident rows to write (default ${DEFAULT_INCIDENTS})
  --force         rewrite files even when they are up to date`;

/** Parsed command line. */
export interface CliOptions {
  seed: number;
  outDir: string;
  incidents: number;
  force: boolean;
  help: boolean;
}

/**
 * Parses the arguments.
 * @throws Error with a message naming the bad flag or value
 */
export function parseArgs(argv: readonly string[], defaultOut: string): CliOptions {
  const o: CliOptions = { seed: DEFAULT_SEED, outDir: defaultOut, incidents: DEFAULT_INCIDENTS, force: false, help: false };
  const int = (flag: string, v: string | undefined, min: number) => {
    if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new Error(`${flag} needs an integer ≥ ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    }
    return Number(v);
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++k];
    switch (flag) {
      case '--seed':
        o.seed = int(flag, value(), 0);
        break;
      case '--incidents':
        o.incidents = int(flag, value(), 0);
        break;
      case '--out': {
        const v = value();
        if (!v) throw new Error('--out needs a folder');
        o.outDir = path.resolve(v);
        break;
      }
      case '--force':
        o.force = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (o.seed > 0xffffffff) throw new Error(`--seed must be below 2^32, got ${o.seed}`);
  return o;
}

async function main(): Promise<number> {
  const defaultOut = fileURLToPath(new URL('../demo/', import.meta.url));
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2), defaultOut);
  } catch (err) {
    process.stderr.write(`demo:data: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (m: string) => process.stdout.write(`demo:data: ${m}\n`);
  const report = await writeDemo({ ...opts, log });
  for (const f of report.files) log(`${f.status.padEnd(9)} ${f.name} (${(f.bytes / 1024).toFixed(1)} KiB)`);
  log(`seed ${opts.seed} → ${path.relative(process.cwd(), opts.outDir) || '.'}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo:data: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
