/// <reference types="vite/client" />
/**
 * The planning map exposes a small typed hook as `window.__beatplan` for the browser tests
 * (packages/map-ui/src/test-hook.ts). Tests read it in page.evaluate callbacks, which run in
 * the page; they drive everything else through the page's UI.
 */
import type { BeatplanTestHook } from '../../packages/map-ui/src/test-hook.js';

declare global {
  interface Window {
    __beatplan?: BeatplanTestHook;
    /** Set by the map when start-up failed (the message shown). */
    __beatplanError?: string;
  }
}
