/**
 * Source of the HiGHS worker thread, kept as a string so that it runs unchanged from the
 * TypeScript sources (vitest, tsx) and from compiled JavaScript: `new Worker(code, {eval: true})`.
 * The worker loads the `highs` WebAssembly module once (URL passed in `workerData.url`), solves
 * one CPLEX-LP model per message and answers with status, bound and column values by name.
 * A wasm abort (e.g. the 2 GB heap ceiling: `Aborted()`) is reported as `fatal`; the parent then
 * discards the worker and a fresh one loads a fresh module.
 */
export const HIGHS_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
let loading = null;
function load() {
  if (!loading) loading = import(workerData.url).then((m) => (m.default || m)());
  return loading;
}
const STATUS = {
  7: 'optimal', 8: 'infeasible', 9: 'infeasible-or-unbounded', 10: 'unbounded',
  13: 'timeout', 14: 'iteration-limit', 17: 'interrupted', 16: 'solution-limit',
  11: 'objective-bound', 12: 'objective-target', 6: 'empty',
};
parentPort.on('message', async (msg) => {
  let highs;
  try {
    highs = await load();
  } catch (e) {
    parentPort.postMessage({ id: msg.id, status: 'error', message: 'cannot load highs: ' + (e && e.message || e), fatal: true });
    return;
  }
  let model = null;
  try {
    model = highs.createModel({ format: 'lp', data: msg.lp });
    const opts = { output_flag: false, time_limit: msg.timeLimitSec, mip_rel_gap: msg.mipGap };
    model.options.set(opts);
    model.run();
    const code = model.getModelStatus();
    const status = STATUS[code] || ('highs-status-' + code);
    let primalOk = false;
    try { primalOk = Number(model.info.get('primal_solution_status')) === 2; } catch (e) {}
    let bound;
    try { bound = Number(model.info.get('mip_dual_bound')); } catch (e) {}
    let names = null, values = null;
    if (primalOk) {
      const sol = model.getSolution();
      const n = sol.colValue.length;
      names = new Array(n);
      for (let i = 0; i < n; i++) names[i] = model.getColName(i);
      values = sol.colValue;
    }
    parentPort.postMessage({ id: msg.id, status, code, names, values, bound, memoryBytes: highs.memoryBytes });
  } catch (e) {
    const text = String(e && e.message || e);
    parentPort.postMessage({ id: msg.id, status: 'error', message: 'highs: ' + text, fatal: /abort/i.test(text) || e instanceof WebAssembly.RuntimeError });
  } finally {
    try { if (model) model.dispose(); } catch (e) {}
  }
});
`;
