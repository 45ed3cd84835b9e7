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

/** The hook of a running app (getters: always the current state). */
export function testHook(app: PlanningApp): BeatplanTestHook {
  return {
    get ready() {
      return app.ready;
    },
    get map() {
      return app.map;
    },
    get plan() {
      return app.plan;
    },
    get model() {
      return app.model;
    },
    get selectedBeat() {
      return app.selectedBeat;
    },
    selectBeat: (beat, zoom) => app.selectBeat(beat, zoom),
    get swipe() {
      return app.swipe;
    },
    get lastMessage() {
      return app.lastMessage;
    },
    set lastMessage(m: string) {
      app.lastMessage = m;
    },
    get perf() {
      return app.perf;
    },
    get loadTimings() {
      return app.loadTimings;
    },
    get heatOn() {
      return app.heatOn;
    },
    get heat() {
      return app.heat;
    },
    get heatTimings() {
      return app.heatTimings;
    },
    get keyboardCursor() {
      return app.keyboardCursor;
    },
  };
}
