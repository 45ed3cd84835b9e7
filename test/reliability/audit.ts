/**
 * Supply chain (issue 8, item 8): runs `pnpm audit --audit-level high --json` against the
 * npm registry and rewrites the generated block of test/reliability/AUDIT.md (between the
 * `audit:begin` / `audit:end` markers) with the findings. Explanations are written by hand
 * below the block, one `### <advisory id>` section per finding; findings without one are
 * flagged. Needs the network; the offline checks live in supply-chain.test.ts.
 *
 *   node --conditions=source --import tsx test/reliability/audit.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const FILE = join(import.meta.dirname, 'AUDIT.md');

let raw: string;
try {
  raw = execFileSync('pnpm', ['audit', '--audit-level', 'high', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
} catch (e) {
  raw = String((e as { stdout?: string }).stdout ?? ''); // pnpm audit exits 1 when it finds something
}
let report: any;
try {
  report = JSON.parse(raw);
} catch {
  report = { error: { code: 'NOT_JSON', message: raw.slice(0, 500) } };
}
const md = readFileSync(FILE, 'utf8');
const now = `${new Date().toISOString().slice(0, 19)}Z`;
let block: string;
if (report.error) {
  block = `Last run ${now}: **the audit could not run**: \`${report.error.code}\`: ${report.error.message}`;
} else {
  const advisories = Object.values(report.advisories ?? {}) as any[];
  const rows = advisories
    .filter((a) => a.severity === 'high' || a.severity === 'critical')
    .map((a) => {
      const explained = md.includes(`### ${a.github_advisory_id ?? a.id}`);
      return `| ${a.github_advisory_id ?? a.id} | ${a.severity} | ${a.module_name} | ${a.vulnerable_versions} | ${a.patched_versions} | ${(
        a.findings ?? []
      )
        .flatMap((f: any) => f.paths)
        .slice(0, 3)
        .join('<br>')} | ${explained ? 'see below' : '**NOT EXPLAINED**'} |`;
    });
  const m = report.metadata?.vulnerabilities ?? {};
  block =
    `Last run ${now}: ${JSON.stringify(m)}\n\n` +
    (rows.length
      ? `| advisory | severity | package | vulnerable | patched | paths | explanation |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}`
      : 'No high or critical findings.');
}
const out = md.replace(/<!-- audit:begin -->[\s\S]*<!-- audit:end -->/, `<!-- audit:begin -->\n${block}\n<!-- audit:end -->`);
writeFileSync(FILE, out);
console.log(block);
