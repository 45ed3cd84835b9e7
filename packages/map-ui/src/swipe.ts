/**
 * The maths of the swipe comparison: two synced maps stacked, the upper one (plan B, right of
 * the divider) clipped with CSS `clip-path: inset(…)` so that plan A shows left of the divider.
 * Pure functions (pixels are CSS pixels of the map container); the DOM and the second map are
 * in `swipe-view.ts`.
 */

/** Smallest distance of the divider from either edge of the map, CSS px (keeps the handle reachable). */
export const SWIPE_MARGIN_PX = 24;

/** Where the divider stands and how the upper map is clipped. */
export interface SwipeClip {
  /** Fraction of the width left of the divider, clamped so the divider stays ≥ margin from the edges. */
  fraction: number;
  /** Divider position from the container's left edge, CSS px (rounded to whole pixels). */
  x: number;
  /** CSS `clip-path` of the upper (plan B) map: only the part right of the divider shows. */
  clipPath: string;
}

/**
 * The divider at `fraction` of a map `widthPx` wide: its pixel position and the clip of the
 * upper map. The fraction is clamped to keep the divider `marginPx` from both edges (or in
 * the middle of a map narrower than two margins).
 * @example swipeClip(0.5, 800) // { fraction: 0.5, x: 400, clipPath: 'inset(0px 0px 0px 400px)' }
 */
export function swipeClip(fraction: number, widthPx: number, marginPx: number = SWIPE_MARGIN_PX): SwipeClip {
  const w = Math.max(0, widthPx);
  const f = Number.isFinite(fraction) ? fraction : 0.5;
  const lo = w > 2 * marginPx ? marginPx : w / 2;
  const x = Math.round(Math.min(w - lo, Math.max(lo, f * w)));
  return { fraction: w > 0 ? x / w : 0.5, x, clipPath: `inset(0px 0px 0px ${x}px)` };
}

/**
 * The divider fraction under a pointer at `clientX`, for a container whose left edge is at
 * `left` and that is `widthPx` wide (clamped to [0, 1]).
 * @example fractionAtPointer(300, 100, 800) // 0.25
 */
export function fractionAtPointer(clientX: number, left: number, widthPx: number): number {
  if (!(widthPx > 0)) return 0.5;
  return Math.min(1, Math.max(0, (clientX - left) / widthPx));
}

/**
 * The divider after a key press on it (it is a `role="slider"`): arrows move 2% (10% with
 * Shift), PageUp/PageDown 10%, Home/End to the ends; other keys → null (not handled).
 * @example nudgeFraction(0.5, 'ArrowLeft') // 0.48
 */
export function nudgeFraction(fraction: number, key: string, shiftKey = false): number | null {
  const step = shiftKey ? 0.1 : 0.02;
  const clamp = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(fraction - step);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(fraction + step);
    case 'PageDown':
      return clamp(fraction - 0.1);
    case 'PageUp':
      return clamp(fraction + 0.1);
    case 'Home':
      return 0;
    case 'End':
      return 1;
    default:
      return null;
  }
}

/** Which plan a point of the map shows: left of the divider plan A, right of it plan B. */
export function sideAt(xPx: number, clip: Pick<SwipeClip, 'x'>): 'a' | 'b' {
  return xPx < clip.x ? 'a' : 'b';
}
