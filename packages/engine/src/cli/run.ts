/**
 * The `beatplan` command line: dispatches sub-commands and maps errors to exit codes
 * (0 ok, 1 failure, 2 bad input with a message naming file, row and field).
 */
import { BeatplanError } from '../errors.js';
import { type CommandHelp, formatHelp, optionLabel, wantsHelp } from './options.js';

/** Where a command writes; tests pass buffers, the binary passes process streams. */
export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export type Command = (argv: string[], io: CliIo) => Promise<number | void>;

/** A command: its run function and its help (whose option table is the one it parses). */
export interface CommandEntry {
  readonly run: Command;
  readonly help: CommandHelp;
}

/**
 * Every command, loaded on demand. To add one: a module exporting the run function and a
 * `CommandHelp` whose `options` table is the one passed to `parseOptions`, and a line here.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandEntry>>> = {
  score: async () => {
    const m = await import('./commands/score.js');
    return { run: m.scoreCommand, help: m.SCORE_HELP };
  },
  plan: async () => {
    const m = await import('./commands/plan.js');
    return { run: m.planCommand, help: m.PLAN_HELP };
  },
  evaluate: async () => {
    const m = await import('./commands/evaluate.js');
    return { run: m.evaluateCommand, help: m.EVALUATE_HELP };
  },
  staff: async () => {
    const m = await import('./commands/staff.js');
    return { run: m.staffCommand, help: m.STAFF_HELP };
  },
  simulate: async () => {
    const m = await import('./commands/simulate.js');
    return { run: m.simulateCommand, help: m.SIMULATE_HELP };
  },
  serve: async () => {
    const m = await apiCli();
    return { run: m.serveCommand, help: m.SERVE_HELP };
  },
  token: async () => {
    const m = await apiCli();
    return { run: m.tokenCommand, help: m.TOKEN_HELP };
  },
  worker: async () => {
    const m = await apiCli();
    return { run: m.workerCommand, help: m.WORKER_HELP };
  },
  alternatives: async () => {
    const m = await apiCli();
    return { run: m.alternativesCommand, help: m.ALTERNATIVES_HELP };
  },
};

/** What `@beatplan/api/cli` exports for the CLI. */
interface ApiCli {
  serveCommand: Command;
  tokenCommand: Command;
  workerCommand: Command;
  WORKER_HELP: CommandHelp;
  alternativesCommand: Command;
  ALTERNATIVES_HELP: CommandHelp;
  SERVE_HELP: CommandHelp;
  TOKEN_HELP: CommandHelp;
}

/**
 * `serve` and `token` live in `@beatplan/api` (the engine never depends on the API); they are
 * loaded only when asked for, by a specifier TypeScript does not resolve.
 */
async function apiCli(): Promise<ApiCli> {
  const specifier = '@beatplan/api/cli';
  try {
    return (await import(specifier)) as ApiCli;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('@beatplan/api')) {
      throw new BeatplanError('BAD_INPUT', 'this command needs the @beatplan/api package installed next to the engine', {
        field: 'command',
      });
    }
    throw e;
  }
}

/**
 * The global help: every command with its summary and every option it takes (from the same
 * tables as `beatplan COMMAND --help`). Commands that cannot be loaded (the API package
 * missing) are listed by name only.
 */
export async function globalHelp(): Promise<string> {
  const parts = [
    'beatplan — plan police patrol beats and the officers who work them',
    'Usage: beatplan COMMAND [options]   (beatplan COMMAND --help for defaults and file formats)',
  ];
  for (const [name, load] of Object.entries(COMMANDS)) {
    let help: CommandHelp;
    try {
      help = (await load()).help;
    } catch {
      parts.push(`beatplan ${name} (not installed)`);
      continue;
    }
    const options = Object.entries(help.options).map(([o, spec]) => (spec.required ? optionLabel(o, spec) : `[${optionLabel(o, spec)}]`));
    parts.push(`beatplan ${help.name} — ${help.summary}\n    ${wrapOptions(options)}`);
  }
  parts.push('Exit codes: 0 ok, 1 failure, 2 bad input, 3 under --strict when the result is not what was asked.');
  return `${parts.join('\n\n')}\n`;
}

/** Joins option labels into lines of at most ~96 characters, indented by 4. */
function wrapOptions(options: readonly string[]): string {
  const lines: string[] = [];
  let line = '';
  for (const o of options) {
    const item = o;
    if (line && line.length + item.length + 1 > 96) {
      lines.push(line);
      line = item;
    } else line = line ? `${line} ${item}` : item;
  }
  if (line) lines.push(line);
  return lines.join('\n    ');
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * `beatplan COMMAND --help` (or `-h`) prints the command's help and returns 0 without running it.
 * Never throws and never calls `process.exit`, so it can be tested in-process.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const helpOf = name === 'help' ? rest[0] : undefined;
    if (helpOf && COMMANDS[helpOf]) return runCli([helpOf, '--help'], io);
    io[name ? 'stdout' : 'stderr'].write(await globalHelp());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`beatplan: unknown command "${name}"\n\n${await globalHelp()}`);
    return 2;
  }
  try {
    const command = await load();
    if (wantsHelp(rest)) {
      io.stdout.write(formatHelp(command.help));
      return 0;
    }
    const code = await command.run(rest, io);
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
  if (err?.code && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`beatplan: ${err.message}\n`);
    return 2;
  }
  io.stderr.write(`beatplan: unexpected failure: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}
