/**
 * The loop monitor of the off-thread test and the API bench (test/support/loop-delay.ts): a
 * synchronous block of this thread is counted as held, waiting is not.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { startLoopMonitor } from './support/loop-delay.js';

/** Keeps this thread busy for `ms` milliseconds. */
const block = (ms: number) => {
  const t = performance.now();
  while (performance.now() - t < ms) {
    // busy
  }
};

describe('startLoopMonitor', () => {
  it('counts a 200 ms block of the loop as held and as delay, right from its start', async () => {
    const m = await startLoopMonitor();
    block(200); // before any tick of the running monitor: still recorded
    await new Promise((ok) => setTimeout(ok, 20));
    const r = await m.stop();
    expect(r.held).toBeGreaterThan(150);
    expect(r.stall).toBeGreaterThanOrEqual(200);
    expect(r.delayMax).toBeGreaterThan(150);
  });

  it('does not count waiting (timers, I/O) as held', async () => {
    const m = await startLoopMonitor();
    for (let k = 0; k < 10; k++) await new Promise((ok) => setTimeout(ok, 20));
    const r = await m.stop();
    expect(r.held).toBeLessThan(50);
    expect(r.elu).toBeLessThan(0.5);
  });
});
