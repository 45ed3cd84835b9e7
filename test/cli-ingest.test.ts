import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../packages/engine/src/cli/run.js';
import { toCsv } from '../packages/engine/src/csv-format.js';
import { readCsvTable } from '../packages/engine/src/io/csv.js';
import { captureIo } from './support/cli-io.js';
import { hasRealdata, REPO_ROOT, realdata } from './support/realdata.js';

const capture = captureIo;

const pad = (n: number) => String(n).padStart(2, '0');

/** `01/23/2015 11:45:00 PM` (Chicago wall clock) → its UTC instant, knowing the file is all CST (UTC−6). */
function chicagoWinterToUtcIso(text: string): string {
  const m = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d) (AM|PM)$/.exec(text);
  if (!m) throw new Error(`unexpected date ${text}`);
  let h = Number(m[4]) % 12;
  if (m[7] === 'PM') h += 12;
  const utc = new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), h + 6, Number(m[5]), Number(m[6])));
  return `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}Z`;
}

describe.skipIf(!hasRealdata())('reading incident times right (Chicago, San Francisco)', () => {
  it('a UTC export and its local-time twin give the same shifts with --timezone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-tz-'));
    const table = await readCsvTable(realdata('chicago', 'crimes_2015_jan23_feb08_10k.csv'));
    const rows = table.rows.map((r) => Object.fromEntries(table.columns.map((c, k) => [c, r[k]!])));
    // 23 Jan – 8 Feb 2015: no DST change, every local time is UTC−6
    expect(rows.every((r) => /^0[12]\/\d\d\/2015/.test(r.Date!))).toBe(true);
    const cols = ['Latitude', 'Longitude', 'Date', 'Primary Type'];
    const local = join(dir, 'local.csv');
    const utc = join(dir, 'utc.csv');
    writeFileSync(
      local,
      toCsv(
        cols,
        rows.map((r) => cols.map((c) => r[c])),
      ),
    );
    writeFileSync(
      utc,
      toCsv(
        cols,
        rows.map((r) => cols.map((c) => (c === 'Date' ? chicagoWinterToUtcIso(r[c]!) : r[c]))),
      ),
    );
    const boundary = realdata('chicago', 'police_beats.geojson');
    const score = async (incidents: string, out: string, extra: string[] = []) => {
      const c = capture();
      const code = await runCli(
        ['score', '--boundary', boundary, '--incidents', incidents, '--resolution', '9', '--out', join(dir, out), ...extra],
        c.io,
      );
      expect(code).toBe(0);
      return {
        err: c.err,
        cells: readFileSync(join(dir, out, 'cells.csv'), 'utf8'),
        report: JSON.parse(readFileSync(join(dir, out, 'score-report.json'), 'utf8')),
      };
    };
    const a = await score(local, 'local', ['--timezone', 'America/Chicago']);
    const b = await score(utc, 'utc', ['--timezone', 'America/Chicago']);
    expect(b.cells).toBe(a.cells);
    expect(b.report.shifts).toEqual(a.report.shifts);
    expect(b.report.incidents.times).toEqual({ timeZone: 'America/Chicago', converted: 9837, offsetKept: 0, dateAtNoon: 0 });
    expect(a.report.incidents.times.converted).toBe(0);
    expect(b.err).toMatch(/9837 times written with a UTC offset converted into America\/Chicago/);

    // without --timezone the UTC clock reading is kept: other shifts, and a warning says so
    const c = await score(utc, 'utc-kept');
    expect(c.cells).not.toBe(a.cells);
    expect(c.report.incidents.times.offsetKept).toBe(9837);
    expect(c.err).toMatch(/warning: 9837 incident times carry a UTC offset .* pass --timezone/);
    // not what was asked: exit 3 under --strict
    const strict = capture();
    expect(
      await runCli(
        ['score', '--boundary', boundary, '--incidents', utc, '--resolution', '9', '--strict', '--out', join(dir, 'utc-strict')],
        strict.io,
      ),
    ).toBe(3);
    expect(strict.err).toMatch(/warning: 9837 incident times carry a UTC offset/);
  });

  it('San Francisco car thefts (date only): exit 2 naming the file and date_only; --date-only noon reads them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-sf-'));
    const args = [
      'score',
      '--boundary',
      realdata('sanfrancisco', 'sf_crime_blockgroups_jul_dec2012.geojson'),
      '--incidents',
      realdata('sanfrancisco', 'sf_cartheft_july2012.geojson'),
      '--resolution',
      '9',
    ];
    const refused = capture();
    expect(await runCli([...args, '--out', join(dir, 'a')], refused.io)).toBe(2);
    expect(refused.err).toMatch(/BAD_INPUT: no usable incident: all 607 rows rejected, most as date_only \(607/);
    expect(refused.err).toMatch(/sf_cartheft_july2012\.geojson/);
    expect(refused.err).toMatch(/--date-only noon/);

    const noon = capture();
    expect(await runCli([...args, '--date-only', 'noon', '--out', join(dir, 'b')], noon.io)).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'b', 'score-report.json'), 'utf8'));
    expect(report.incidents.used).toBe(606);
    expect(report.incidents.rejected.outside_boundary).toBe(1);
    expect(report.incidents.times.dateAtNoon).toBe(606);
    expect(noon.err).toMatch(/read 607, used 606, rejected 1 \(outside_boundary 1: features 37\)/);
    // noon lies in the 8-16 shift: every incident-driven hour is there
    const shift = report.shifts.map((s: { id: string }) => s.id);
    expect(shift).toEqual(['0-8', '8-16', '16-24']);
  });

  it('bad --timezone and --date-only values are exit 2 naming the flag', async () => {
    const c = capture();
    expect(
      await runCli(['score', '--boundary', 'b.geojson', '--incidents', 'i.csv', '--out', tmpdir(), '--timezone', 'Chicago'], c.io),
    ).toBe(2);
    expect(c.err).toMatch(/--timezone/);
    const d = capture();
    expect(
      await runCli(['score', '--boundary', 'b.geojson', '--incidents', 'i.csv', '--out', tmpdir(), '--date-only', 'midnight'], d.io),
    ).toBe(2);
    expect(d.err).toMatch(/--date-only/);
  });
});

describe('evaluate reads new incidents in the zone the plan was made in', () => {
  it('a plan made with --timezone converts a UTC file at evaluate without the flag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-tz-eval-'));
    const fixture = join(REPO_ROOT, 'packages', 'engine', 'src', 'golden', 'fixtures', 'lakeside', 'in');
    const table = await readCsvTable(join(fixture, 'incidents.csv'));
    const iDate = table.columns.indexOf('Date');
    const good = table.rows.filter((r) => /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d [AP]M$/.test(r[iDate]!));
    const utc = join(dir, 'utc.csv');
    writeFileSync(
      utc,
      toCsv(
        table.columns,
        good.map((r) => r.map((v, k) => (k === iDate ? chicagoWinterToUtcIso(v) : v))),
      ),
    );
    const plan = captureIo();
    const city = ['--boundary', join(fixture, 'boundary.geojson'), '--resolution', '9'];
    expect(
      await runCli(
        [
          'plan',
          ...city,
          '--incidents',
          join(fixture, 'incidents.csv'),
          '--beats',
          '4',
          '--timezone',
          'America/Chicago',
          '--out',
          join(dir, 'plan'),
        ],
        plan.io,
      ),
    ).toBe(0);
    const evaluated = captureIo();
    expect(
      await runCli(['evaluate', '--plan', join(dir, 'plan', 'plan.json'), '--incidents', utc, '--out', join(dir, 'eval')], evaluated.io),
    ).toBe(0);
    // every used row was written in UTC and converted
    const used = /used (\d+),/.exec(evaluated.err)?.[1];
    expect(used).toBeDefined();
    expect(evaluated.err).toContain(`incidents: ${used} times written with a UTC offset converted into America/Chicago`);
    // the same incidents as local times give the same cells.csv
    const local = captureIo();
    expect(
      await runCli(
        [
          'evaluate',
          '--plan',
          join(dir, 'plan', 'plan.json'),
          '--incidents',
          join(fixture, 'incidents.csv'),
          '--out',
          join(dir, 'eval-local'),
        ],
        local.io,
      ),
    ).toBe(0);
    expect(readFileSync(join(dir, 'eval', 'cells.csv'), 'utf8')).toBe(readFileSync(join(dir, 'eval-local', 'cells.csv'), 'utf8'));
  });
});

describe('--strict: incidents not read as asked are exit 3 (times kept with their offset, date-only rows dropped)', () => {
  it('score, evaluate, plan and simulate warn, record it, and exit 3 only under --strict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-strict-ingest-'));
    const fixture = join(REPO_ROOT, 'packages', 'engine', 'src', 'golden', 'fixtures', 'lakeside', 'in');
    const table = await readCsvTable(join(fixture, 'incidents.csv'));
    const iDate = table.columns.indexOf('Date');
    const good = table.rows.filter((r) => /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d [AP]M$/.test(r[iDate]!));
    expect(good.length).toBeGreaterThan(100);
    const utc = join(dir, 'utc.csv');
    writeFileSync(
      utc,
      toCsv(
        table.columns,
        good.map((r) => r.map((v, k) => (k === iDate ? chicagoWinterToUtcIso(v) : v))),
      ),
    );
    // the same rows, three of them with a date and no time of day
    const dated = join(dir, 'dated.csv');
    writeFileSync(
      dated,
      toCsv(
        table.columns,
        good.map((r, i) => r.map((v, k) => (k === iDate && i < 3 ? v.slice(0, 10) : v))),
      ),
    );
    const city = ['--boundary', join(fixture, 'boundary.geojson'), '--resolution', '9'];
    const run = async (argv: string[]) => {
      const c = captureIo();
      const code = await runCli(argv, c.io);
      return { code, err: c.err };
    };
    const OFFSET = /warning: \d+ incident times carry a UTC offset .* pass --timezone/;
    const DATE_ONLY = /3 incidents have a date without a time of day and were dropped; --date-only noon keeps them/;

    // score: the warning alone is exit 0; --strict makes it 3; read as asked, --strict is 0
    expect(await run(['score', ...city, '--incidents', utc, '--out', join(dir, 's1')])).toMatchObject({
      code: 0,
      err: expect.stringMatching(OFFSET),
    });
    expect(await run(['score', ...city, '--incidents', utc, '--strict', '--out', join(dir, 's2')])).toMatchObject({
      code: 3,
      err: expect.stringMatching(OFFSET),
    });
    const asked = await run(['score', ...city, '--incidents', utc, '--timezone', 'America/Chicago', '--strict', '--out', join(dir, 's3')]);
    expect(asked.code).toBe(0);
    expect(asked.err).not.toMatch(/warning/);
    expect(await run(['score', ...city, '--incidents', dated, '--strict', '--out', join(dir, 's4')])).toMatchObject({
      code: 3,
      err: expect.stringMatching(DATE_ONLY),
    });
    expect(await run(['score', ...city, '--incidents', dated, '--date-only', 'noon', '--strict', '--out', join(dir, 's5')])).toMatchObject({
      code: 0,
    });

    // plan: the same sentence in metrics.json warnings, exit 3 under --strict
    expect(await run(['plan', ...city, '--incidents', dated, '--beats', '4', '--out', join(dir, 'p1')])).toMatchObject({
      code: 0,
      err: expect.stringMatching(DATE_ONLY),
    });
    const metrics = JSON.parse(readFileSync(join(dir, 'p1', 'metrics.json'), 'utf8'));
    expect(metrics.warnings.filter((w: string) => DATE_ONLY.test(w))).toHaveLength(1);
    const strictPlan = await run(['plan', ...city, '--incidents', dated, '--beats', '4', '--strict', '--out', join(dir, 'p2')]);
    expect(strictPlan.code).toBe(3);
    expect(strictPlan.err.match(/date without a time of day/g)).toHaveLength(1); // warned once, not again with the plan's warnings
    // the fixture holds one date-only row: read as asked with --date-only noon
    expect(
      await run(['plan', ...city, '--incidents', join(fixture, 'incidents.csv'), '--beats', '4', '--strict', '--out', join(dir, 'p0')]),
    ).toMatchObject({ code: 3 });
    expect(
      await run([
        'plan',
        ...city,
        '--incidents',
        join(fixture, 'incidents.csv'),
        '--date-only',
        'noon',
        '--beats',
        '4',
        '--strict',
        '--out',
        join(dir, 'p3'),
      ]),
    ).toMatchObject({ code: 0 });

    // evaluate: a plan read without --timezone keeps the UTC file's clock readings
    expect(
      await run(['evaluate', '--plan', join(dir, 'p3', 'plan.json'), '--incidents', utc, '--strict', '--out', join(dir, 'e1')]),
    ).toMatchObject({ code: 3, err: expect.stringMatching(OFFSET) });
    expect(
      await run([
        'evaluate',
        '--plan',
        join(dir, 'p3', 'plan.json'),
        '--incidents',
        utc,
        '--timezone',
        'America/Chicago',
        '--strict',
        '--out',
        join(dir, 'e2'),
      ]),
    ).toMatchObject({ code: 0 });

    // simulate replaying the UTC file: simulation.json carries the warning; exit 3 under --strict
    expect(
      await run(['staff', '--plan', join(dir, 'p3', 'plan.json'), '--roster', join(fixture, 'roster.csv'), '--out', join(dir, 'p3')]),
    ).toMatchObject({ code: 0 });
    const sim = ['simulate', '--plan', join(dir, 'p3', 'plan.json'), '--staffing', join(dir, 'p3', 'staffing.json'), '--incidents', utc];
    expect(await run([...sim, '--strict', '--out', join(dir, 'm1')])).toMatchObject({ code: 3, err: expect.stringMatching(OFFSET) });
    const simDoc = JSON.parse(readFileSync(join(dir, 'm1', 'simulation.json'), 'utf8'));
    expect(simDoc.warnings.some((w: string) => /incident times carry a UTC offset/.test(w))).toBe(true);
  });
});

describe('an incidents file with no usable row is exit 2', () => {
  it('header only, or every row outside the city: BAD_INPUT naming the file and the top reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-none-'));
    const boundary = join(REPO_ROOT, 'packages', 'engine', 'src', 'golden', 'fixtures', 'lakeside', 'in', 'boundary.geojson');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'Latitude,Longitude,Date,Primary Type\n');
    const a = captureIo();
    expect(await runCli(['score', '--boundary', boundary, '--incidents', empty, '--resolution', '9', '--out', join(dir, 'a')], a.io)).toBe(
      2,
    );
    expect(a.err).toMatch(/BAD_INPUT: the incidents file holds no data rows \(file .*empty\.csv/);
    const away = join(dir, 'away.csv');
    writeFileSync(
      away,
      toCsv(
        ['Latitude', 'Longitude', 'Date', 'Primary Type'],
        [
          [47.6, -122.3, '01/05/2025 10:00:00 AM', 'THEFT'],
          [47.61, -122.31, '01/05/2025 11:00:00 AM', 'THEFT'],
        ],
      ),
    );
    const b = captureIo();
    expect(await runCli(['plan', '--boundary', boundary, '--incidents', away, '--resolution', '9', '--out', join(dir, 'b')], b.io)).toBe(2);
    expect(b.err).toMatch(
      /no usable incident: all 2 rows rejected, most as outside_boundary \(2, e\.g\. lines 2, 3\) — the points lie outside the boundary/,
    );
    expect(b.err).toMatch(/away\.csv/);
  });
});
