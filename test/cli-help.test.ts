import { describe, expect, it } from 'vitest';
import { FILE_FORMATS, formatHelp, parseOptions } from '../packages/engine/src/cli/options.js';
import { COMMANDS, runCli } from '../packages/engine/src/cli/run.js';
import { captureIo } from './support/cli-io.js';

const capture = captureIo;

const names = Object.keys(COMMANDS);

describe('beatplan COMMAND --help', () => {
  it('knows every command of the design', () => {
    for (const name of ['score', 'plan', 'evaluate', 'staff', 'serve', 'token']) expect(names).toContain(name);
  });

  it.each(names)('%s --help and -h exit 0 and list every option with its default', async (name) => {
    const { help } = await COMMANDS[name]!();
    for (const flag of ['--help', '-h']) {
      const c = capture();
      const argv = name === 'token' ? [name, 'create', flag] : [name, flag];
      expect(await runCli(argv, c.io)).toBe(0);
      expect(c.err).toBe('');
      expect(c.out).toBe(formatHelp(help));
      for (const [option, spec] of Object.entries(help.options)) {
        expect(c.out).toMatch(new RegExp(`--${option}\\b`));
        expect(c.out).toContain(spec.description.split(' ').slice(0, 3).join(' '));
        if (spec.default !== undefined) expect(c.out.replace(/\s+/g, ' ')).toContain(`[default: ${spec.default}]`);
      }
      for (const format of help.formats ?? []) expect(c.out).toContain(FILE_FORMATS[format].slice(0, 40));
    }
  });

  it.each(names.filter((n) => n !== 'serve' && n !== 'token'))('%s parses exactly the options its help lists', async (name) => {
    const { help } = await COMMANDS[name]!();
    // every listed option parses; anything else is refused (strict)
    for (const [option, spec] of Object.entries(help.options)) {
      const argv = spec.type === 'string' ? [`--${option}`, 'x'] : [`--${option}`];
      expect(Object.keys(parseOptions(argv, help.options))).toEqual([option]);
    }
    const c = capture();
    expect(await runCli([name, '--not-an-option', 'x'], c.io)).toBe(2);
    expect(c.err).toMatch(/not-an-option/);
  });

  it('the file formats include the roster, incident columns and GeoJSON layers', async () => {
    const staff = capture();
    await runCli(['staff', '--help'], staff.io);
    expect(staff.out).toMatch(/officer_id/);
    expect(staff.out).toMatch(/current_beat/);
    const plan = capture();
    await runCli(['plan', '--help'], plan.io);
    expect(plan.out).toMatch(/Primary Type/);
    expect(plan.out).toMatch(/--boundary: \(Multi\)Polygon/);
  });
});

describe('beatplan help', () => {
  it('lists every command and every option of each', async () => {
    const c = capture();
    expect(await runCli(['help'], c.io)).toBe(0);
    for (const name of names) {
      const { help } = await COMMANDS[name]!();
      expect(c.out).toContain(`beatplan ${help.name} — `);
      for (const option of Object.keys(help.options)) expect(c.out).toMatch(new RegExp(`(^|\\s|\\[)--${option}\\b`, 'm'));
    }
    // the ones the old hand-written usage left out
    for (const o of ['balance', 'lock', 'start-from-existing', 'venues', 'areas', 'saturation', 'min-officers', 'seed', 'skill']) {
      expect(c.out).toContain(`[--${o}`);
    }
  });

  it('`beatplan help plan` is `beatplan plan --help`; no arguments is usage on stderr and exit 2', async () => {
    const a = capture();
    const b = capture();
    expect(await runCli(['help', 'plan'], a.io)).toBe(0);
    expect(await runCli(['plan', '--help'], b.io)).toBe(0);
    expect(a.out).toBe(b.out);
    const c = capture();
    expect(await runCli([], c.io)).toBe(2);
    expect(c.err).toMatch(/Usage: beatplan COMMAND/);
  });
});
