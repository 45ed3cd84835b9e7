/**
 * The small, typed hook the browser tests (and the console) use: `window.__beatplan`. It
 * exposes what a test needs to read the page's state and to drive what has no UI gesture
 * (fitting the map, selecting a beat programmatically) — not the app's internals. Everything
 * else is driven through the page itself (clicks, keys, form fields).
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { PlanDto } from './api-client.js';
import type { CellModel } from './cell-model.js';
import type { HeatSummary } from './heat.js';
import type { LabelBox } from './labels.js';
import type { EditTiming } from './panels/editing.js';
import type { Panels } from './panels/registry.js';
import type { PlanLoader } from './plan-loader.js';
import type { PlanSession } from './plan-session.js';
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
  /**
   * Every beat label's screen box as the collision thinning sees it at this read (CSS px,
   * centre relative to the map), and the beats whose labels the last thinning showed; what is
   * drawn is read from the map (the `bp-beat-labels` symbol layer's rendered features).
   */
  readonly labelBoxes: readonly LabelBox[];
  readonly labelsShown: readonly number[];
}

/** The hook's fields read as they are at each read (all but `lastMessage` and `selectBeat`). */
export type LiveField = Exclude<keyof BeatplanTestHook, 'lastMessage' | 'selectBeat'>;

/**
 * What the hook reads: the app's map, selection and status line, its plan session and loader,
 * and its panels (absent, or not yet mounted, before the app has started).
 */
export interface HookSource {
  readonly map: MapLibreMap;
  readonly selectedBeat: number | null;
  lastMessage: string;
  selectBeat(beat: number | null, zoom?: boolean): void;
  readonly session: Pick<PlanSession, 'plan' | 'model'>;
  readonly loader: Pick<PlanLoader, 'ready' | 'loadTimings'>;
  readonly panels: Partial<Pick<Panels, 'editing' | 'heat' | 'comparison' | 'keyboardPaint' | 'labels'>>;
}

/**
 * Where each live field is read, grouped by the part of the app that owns it; the mapped type
 * makes a missing field, or one of another type than the hook's, fail to type-check.
 */
const READERS: { readonly [K in LiveField]: (app: HookSource) => BeatplanTestHook[K] } = {
  // the app: the map and the selection
  map: (a) => a.map,
  selectedBeat: (a) => a.selectedBeat,
  // the plan loader and the plan on show
  ready: (a) => a.loader.ready,
  loadTimings: (a) => a.loader.loadTimings,
  plan: (a) => a.session.plan,
  model: (a) => a.session.model,
  // the editing tools, the Paint tool's keyboard cursor
  perf: (a) => a.panels.editing?.perf ?? [],
  keyboardCursor: (a) => a.panels.keyboardPaint?.cursor ?? -1,
  // the comparison's swipe view
  swipe: (a) => a.panels.comparison?.swipe ?? null,
  // the beat labels
  labelBoxes: (a) => a.panels.labels?.boxes() ?? [],
  labelsShown: (a) => [...(a.panels.labels?.shown ?? [])],
  // the incidents heat layer
  heatOn: (a) => a.panels.heat?.on ?? false,
  heat: (a) => a.panels.heat?.summary ?? null,
  heatTimings: (a) => a.panels.heat?.timings ?? {},
};

/**
 * The hook of a running app: each live field a getter through {@link READERS}, `lastMessage`
 * also settable, and `selectBeat`.
 * @example window.__beatplan = testHook(app); // then in a test: window.__beatplan.ready
 */
export function testHook(app: HookSource): BeatplanTestHook {
  const hook = { selectBeat: (beat: number | null, zoom?: boolean) => app.selectBeat(beat, zoom) };
  for (const key of Object.keys(READERS) as LiveField[]) {
    const read = READERS[key];
    Object.defineProperty(hook, key, { get: () => read(app), enumerable: true });
  }
  Object.defineProperty(hook, 'lastMessage', { get: () => app.lastMessage, set: (m: string) => (app.lastMessage = m), enumerable: true });
  return hook as BeatplanTestHook;
}
