/**
 * The small, typed hook the browser tests (and the console) use: `window.__beatplan`. It
 * exposes what a test needs to read the page's state and to drive what has no UI gesture
 * (fitting the map, selecting a beat programmatically) — not the app's internals. Everything
 * else is driven through the page itself (clicks, keys, form fields).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { PlanDto } from './api-client.js';
import type { EditTiming, PlanningApp } from './app.js';
import type { CellModel } from './cell-model.js';
import type { HeatSummary } from './heat.js';
import type { SwipeView } from './swipe-view.js';

/** What `window.__beatplan` offers. */
export interface BeatplanTestHook {
  /** True once the first plan is on the map. */
  readonly ready: boolean;
  /** The planning map (camera, rendered features, layers). */
  readonly map: MapLibreMap;
  /** The plan on show, its cells as typed arrays, the selected beat (index into `model.beatIds`). */
  readonly plan: PlanDto | null;
  readonly model: CellModel | null;
  readonly selectedBeat: number | null;
  /** Selects a beat (null clears), optionally zooming to it. */
  selectBeat(beat: number | null, zoom?: boolean): void;
  /** The swipe comparison when open (its map, divider and compared plan). */
  readonly swipe: SwipeView | null;
  /** The status line's last message; tests may clear it to wait for the next one. */
  lastMessage: string;
  /** Timings of each edit stroke (ms), newest last. */
  readonly perf: readonly EditTiming[];
  /** Load phases (ms) and counters of the plan, swipe, response and what-if loads. */
  readonly loadTimings: Readonly<Record<string, number>>;
  /** The incidents heat layer: on, its summary, its timings (ms). */
  readonly heatOn: boolean;
  readonly heat: HeatSummary | null;
  readonly heatTimings: Readonly<Record<string, number>>;
  /** The Paint tool's keyboard cursor cell (−1 when none). */
  readonly keyboardCursor: number;
}

/** What the hook reads from the app as it is at each read (the hook's read-only fields). */
const LIVE = [
  'ready',
  'map',
  'plan',
  'model',
  'selectedBeat',
  'swipe',
  'perf',
  'loadTimings',
  'heatOn',
  'heat',
  'heatTimings',
  'keyboardCursor',
] as const satisfies ReadonlyArray<keyof BeatplanTestHook & keyof PlanningApp>;

/** A live field whose type on the app is the hook's (a mismatch makes {@link LIVE} fail to type-check below). */
type SameType<K extends (typeof LIVE)[number]> = K extends unknown ? (PlanningApp[K] extends BeatplanTestHook[K] ? K : never) : never;
const CHECKED: ReadonlyArray<SameType<(typeof LIVE)[number]>> = LIVE;

/**
 * The hook of a running app: each field a getter of the app's current state (one table,
 * {@link LIVE}), `lastMessage` also settable, and `selectBeat`.
 */
export function testHook(app: PlanningApp): BeatplanTestHook {
  const hook = { selectBeat: (beat: number | null, zoom?: boolean) => app.selectBeat(beat, zoom) };
  for (const key of CHECKED) Object.defineProperty(hook, key, { get: () => app[key], enumerable: true });
  Object.defineProperty(hook, 'lastMessage', { get: () => app.lastMessage, set: (m: string) => (app.lastMessage = m), enumerable: true });
  return hook as BeatplanTestHook;
}
