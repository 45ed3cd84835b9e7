/**
 * CPLEX LP-format writer for {@link LinearModel} (read by HiGHS).
 */
import type { LinearModel } from './model.js';

/** Column name of variable `j` in the LP text (model names may contain characters LP format forbids). */
export function lpColumnName(j: number): string {
  return `x${j}`;
}

/**
 * Writes `model` in CPLEX LP format. Variables are named `x<index>` and rows `r<index>`
 * (the model's own names may contain characters LP format forbids); every variable is listed
 * in `Bounds` so that none is dropped. Lines are wrapped to stay short.
 *
 * @example toLpFormat(model) // "Minimize\n obj: 3 x0 + 2 x1\nSubject To\n r0: x0 + x1 >= 1\n..."
 */
export function toLpFormat(model: LinearModel): string {
  const out: string[] = [];
  out.push(model.sense === 'max' ? 'Maximize' : 'Minimize');
  const objTerms: string[] = [];
  model.variables.forEach((v, j) => {
    if (v.cost !== 0) objTerms.push(term(v.cost, lpColumnName(j), objTerms.length === 0));
  });
  if (objTerms.length === 0) objTerms.push(`0 ${lpColumnName(0)}`);
  pushWrapped(out, ' obj: ', objTerms);
  out.push('Subject To');
  model.constraints.forEach((row, i) => {
    const terms: string[] = [];
    for (let k = 0; k < row.indices.length; k++) {
      terms.push(term(row.coefs[k]!, lpColumnName(row.indices[k]!), terms.length === 0));
    }
    if (terms.length === 0) terms.push(`0 ${lpColumnName(0)}`);
    const lo = row.lower;
    const hi = row.upper;
    if (lo === hi) {
      pushWrapped(out, ` r${i}: `, terms, ` = ${num(hi)}`);
    } else if (Number.isFinite(lo) && Number.isFinite(hi)) {
      // ranged row: write as two rows (LP format's range syntax is not universally parsed)
      pushWrapped(out, ` r${i}: `, terms, ` >= ${num(lo)}`);
      pushWrapped(out, ` r${i}u: `, terms, ` <= ${num(hi)}`);
    } else if (Number.isFinite(lo)) {
      pushWrapped(out, ` r${i}: `, terms, ` >= ${num(lo)}`);
    } else if (Number.isFinite(hi)) {
      pushWrapped(out, ` r${i}: `, terms, ` <= ${num(hi)}`);
    }
  });
  out.push('Bounds');
  const ints: string[] = [];
  model.variables.forEach((v, j) => {
    const n = lpColumnName(j);
    const lo = Number.isFinite(v.lower) ? num(v.lower) : '-inf';
    const hi = Number.isFinite(v.upper) ? num(v.upper) : '+inf';
    if (v.lower === v.upper) out.push(` ${n} = ${num(v.lower)}`);
    else out.push(` ${lo} <= ${n} <= ${hi}`);
    if (v.integer) ints.push(n);
  });
  if (ints.length) {
    out.push('General');
    for (let k = 0; k < ints.length; k += 16) out.push(` ${ints.slice(k, k + 16).join(' ')}`);
  }
  out.push('End');
  return `${out.join('\n')}\n`;
}

function num(x: number): string {
  // JavaScript's shortest round-trip representation (exact; exponent form is valid LP syntax).
  return String(x);
}

function term(c: number, name: string, first: boolean): string {
  const sign = c < 0 ? '-' : '+';
  const a = Math.abs(c);
  const coef = a === 1 ? '' : `${num(a)} `;
  return first ? `${c < 0 ? '-' : ''}${coef}${name}`.replace(/^\+/, '') : `${sign} ${coef}${name}`;
}

function pushWrapped(out: string[], head: string, terms: string[], tail = ''): void {
  const per = 12;
  for (let k = 0; k < terms.length; k += per) {
    const chunk = terms.slice(k, k + per).join(' ');
    const isLast = k + per >= terms.length;
    out.push((k === 0 ? head : '   ') + chunk + (isLast ? tail : ''));
  }
}
