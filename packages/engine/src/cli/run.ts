/**
 * The `beatplan` command line: dispatches sub-commands and maps errors to exit codes
 * (0 ok, 1 failure, 2 bad input with a message naming file, row and field).
 */
import { BeatplanError } from '../errors.js';

/** Where a command writes; tests pass buffers, the binary passes process streams. */
export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export type Command = (argv: string[], io: CliIo) => Promise<number | void>;

const USAGE = `beatplan — plan police patrol beats and the officers who work them

Usage:
  beatplan score    --boundary B.geojson --incidents I.csv --out DIR [--resolution R]
                    [--layer P.geojson:FIELD[:vulnerability] ...] [--barriers L.geojson]
                    [--shifts 0-8,8-16,16-24] [--map lat=…,lng=…,time=…,type=…]
  beatplan plan     --boundary B.geojson --incidents I.csv --out DIR [--beats K]
                    [--resolution R] [--tolerance 0.05] [--seed N]
                    [--existing E.geojson --existing-id FIELD] [--districts D.geojson --district-id FIELD]
                    [--layer P.geojson:FIELD ...] [--barriers L.geojson] [--shifts …] [--map …]
  beatplan evaluate --plan DIR/plan.json --incidents I.csv --out DIR2 [--boundary B.geojson]
  beatplan staff    --plan DIR/plan.json --roster R.csv --out DIR3 [--fleet F.csv] [--venues V.geojson]
                    [--out-officers SHIFT:N,...]
  beatplan serve    [--port 8080] [--data DIR] [--demo data/demo] [--ui DIR]
  beatplan token create --role viewer|analyst|commander|admin [--label TEXT] [--data DIR]
  beatplan help

Exit codes: 0 ok, 1 failure, 2 bad input.
`;

const commands: Record<string, () => Promise<Command>> = {
  score: async () => (await import('./commands/score.js')).scoreCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  evaluate: async () => (await import('./commands/evaluate.js')).evaluateCommand,
  staff: async () => (await import('./commands/staff.js')).staffCommand,
  serve: async () => (await apiCli()).serveCommand,
  token: async () => (await apiCli()).tokenCommand,
};

/**
 * `serve` and `token` live in `@beatplan/api` (the engine never depends on the API); they are
 * loaded only when asked for, by a specifier TypeScript does not resolve.
 */
async function apiCli(): Promise<{ serveCommand: Command; tokenCommand: Command }> {
  const specifier = '@beatplan/api/cli';
  try {
    return (await import(specifier)) as { serveCommand: Command; tokenCommand: Command };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('@beatplan/api')) {
      throw new BeatplanError('BAD_INPUT', 'this command needs the @beatplan/api package installed next to the engine', { field: 'command' });
    }
    throw e;
  }
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Never throws and never calls `process.exit`, so it can be tested in-process.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`beatplan: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const code = await (await load())(rest, io);
    return code ?? 0;
  } catch (e) {
    return reportError(e, io);
  }
}

/** Prints an error the way the CLI does and returns its exit code. */
export function reportError(e: unknown, io: CliIo): number {
  if (e instanceof BeatplanError) {
    io.stderr.write(`beatplan: ${e.code}: ${e.message}\n`);
    return e.isInputError ? 2 : 1;
  }
  const err = e as { code?: string; message?: string; path?: string };
  if (err && (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES')) {
    io.stderr.write(`beatplan: cannot read ${err.path ?? 'file'}: ${err.code}\n`);
    return 2;
  }
  if (err && err.code && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`beatplan: ${err.message}\n`);
    return 2;
  }
  io.stderr.write(`beatplan: unexpected failure: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}
