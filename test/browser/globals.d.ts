/**
 * The planning map exposes its running app as `window.__beatplan` for the browser tests
 * (see packages/map-ui/src/main.ts). Tests reach into it from page.evaluate callbacks,
 * which run in the page, so its type is left open here.
 */
declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    __beatplan?: any;
    /** Set by the map when start-up failed (the message shown). */
    __beatplanError?: string;
  }
}
export {};
