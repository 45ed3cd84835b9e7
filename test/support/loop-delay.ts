/**
 * How long this process's event loop is held, for the API's off-thread tests and benchmarks
 * (issue 13 item 6: no request holds the event loop more than 50 ms). Run in the process that
 * serves the API, it measures the server's loop.
 */
import { readFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';

/** What {@link startLoopMonitor} measured between its start and `stop()`; all in milliseconds. */
export interface LoopDelay {
  /**
   * Event-loop delay percentiles: `perf_hooks.monitorEventLoopDelay` at 10 ms resolution
   * records the interval between its timer's ticks; the delay is that interval minus the 10 ms
   * (at least 0), so an idle loop shows ~0.
   */
  delayP50: number;
  delayP99: number;
  delayMax: number;
  /** The longest wall time between two ticks of a 5 ms interval timer. */
  stall: number;
  /**
   * The longest time the loop was held by this process's own work: per pair of 5 ms ticks, the
   * smallest of the wall time between them, the time the loop was active meanwhile (not waiting
   * for I/O: `performance.eventLoopUtilization`) and the CPU time the loop's thread used meanwhile
   * (Linux: `/proc/thread-self/schedstat`; elsewhere the process's, `process.cpuUsage`). Each is
   * an upper bound of the loop thread's own work; the CPU time leaves out the time the thread
   * waited for a core held by other processes, the active time that of other threads. The
   * wall and active times are taken less the garbage-collection pauses within the pair (reported
   * apart: `gcMax`), so this bounds the longest the loop was held by code — a request handler, a
   * reply's deserialization, the client.
   */
  held: number;
  /** The longest garbage-collection pause of the loop's thread (`gc` performance entries, wall time); not counted in `held`. */
  gcMax: number;
  /** How many garbage-collection pauses the loop's thread had (`gc` performance entries) in the window. */
  gcCount: number;
  /** The sum of those pauses' wall times. */
  gcSum: number;
  /** The longest pause of each kind that had one (`minor` scavenge, `major` mark-compact, `incremental` marking step, `weakcb` weak callbacks). */
  gcMaxByKind: Partial<Record<'minor' | 'major' | 'incremental' | 'weakcb', number>>;
  /** Event-loop utilisation over the window (`performance.eventLoopUtilization`), 0–1. */
  elu: number;
}

/**
 * CPU time (ms) of the calling thread — the loop's — from Linux's `/proc/thread-self/schedstat`
 * (nanoseconds on a CPU); elsewhere the whole process's (`process.cpuUsage`: its other threads too).
 */
function loopThreadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ', 1)[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** The `kind` of a `gc` performance entry (`perf_hooks.constants.NODE_PERFORMANCE_GC_*`) by name. */
const GC_KINDS: Record<number, keyof LoopDelay['gcMaxByKind']> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Resolution of the delay histogram (ms). */
const RESOLUTION_MS = 10;
/** Interval of the stall / held timer (ms). */
const TICK_MS = 5;

/**
 * Starts measuring this process's event loop, resolved once the histogram has ticked (its first
 * interval is not recorded, so a block starting before that tick would be missed); `stop()`
 * waits a few ticks (so a block that just ended is recorded), stops and returns the figures.
 * @example const m = await startLoopMonitor(); await work(); const { delayP99, held } = await m.stop();
 */
export async function startLoopMonitor(): Promise<{ stop: () => Promise<LoopDelay> }> {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // (not reset after: a reset forgets the last tick too, so the next interval would be lost again)
  await new Promise((ok) => setTimeout(ok, 3 * RESOLUTION_MS));
  const elu0 = performance.eventLoopUtilization();
  let tick = performance.now();
  let cpu = loopThreadCpuMs();
  let elu = elu0;
  let stall = 0;
  /** Tick pairs that held the loop longer than a tick (from, to: performance.now() ms). */
  const long: Array<{ from: number; to: number; active: number; cpu: number }> = [];
  /** Garbage-collection pauses of this thread (`gc` performance entries). */
  const gcs: Array<{ from: number; to: number; kind: keyof LoopDelay['gcMaxByKind'] | undefined }> = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0];
      gcs.push({ from: e.startTime, to: e.startTime + e.duration, kind });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpuNow = loopThreadCpuMs();
    const loop = performance.eventLoopUtilization();
    const active = loop.active - elu.active;
    stall = Math.max(stall, now - tick);
    const cpuMs = cpuNow - cpu;
    if (Math.min(now - tick, active, cpuMs) > TICK_MS) long.push({ from: tick, to: now, active, cpu: cpuMs });
    tick = now;
    cpu = cpuNow;
    elu = loop;
  }, TICK_MS);
  const delay = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    stop: async () => {
      await new Promise((ok) => setTimeout(ok, 3 * RESOLUTION_MS));
      histogram.disable();
      clearInterval(ticker);
      gcObserver.disconnect();
      // the loop held by work other than garbage collection: each tick pair's held time less the
      // GC pauses within it
      let held = 0;
      for (const t of long) {
        let gc = 0;
        for (const g of gcs) gc += Math.max(0, Math.min(t.to, g.to) - Math.max(t.from, g.from));
        held = Math.max(held, Math.min(t.to - t.from - gc, t.active - gc, t.cpu));
      }
      return {
        delayP50: delay(histogram.percentile(50)),
        delayP99: delay(histogram.percentile(99)),
        delayMax: delay(histogram.max),
        stall,
        held,
        gcMax: gcs.reduce((m, g) => Math.max(m, g.to - g.from), 0),
        gcCount: gcs.length,
        gcSum: gcs.reduce((sum, g) => sum + g.to - g.from, 0),
        gcMaxByKind: gcs.reduce<LoopDelay['gcMaxByKind']>((m, g) => {
          if (g.kind) m[g.kind] = Math.max(m[g.kind] ?? 0, g.to - g.from);
          return m;
        }, {}),
        elu: performance.eventLoopUtilization(elu0).utilization,
      };
    },
  };
}

/**
 * One line of {@link LoopDelay} figures.
 * @example formatLoopDelay(m) // 'event-loop delay p50 0.2 ms, p99 12.3 ms, max 40 ms; …'
 */
export function formatLoopDelay(m: LoopDelay): string {
  return `event-loop delay p50 ${m.delayP50.toFixed(1)} ms, p99 ${m.delayP99.toFixed(1)} ms, max ${m.delayMax.toFixed(0)} ms; longest stall between ${TICK_MS} ms ticks ${m.stall.toFixed(0)} ms, held by this process's code ${m.held.toFixed(0)} ms, longest GC pause ${m.gcMax.toFixed(0)} ms (${m.gcCount} pauses, ${m.gcSum.toFixed(0)} ms in all); loop busy ${(100 * m.elu).toFixed(0)}%`;
}
