/**
 * Seeded value noise: smooth random fields for coastlines, population density and hardship.
 * Lattice values come from the injected {@link Rng}; interpolation is a smoothstep, so the
 * same seed always gives the same field on every machine (no trigonometry involved).
 */
import type { Rng } from '../../packages/engine/src/random.js';

/** A smooth field with values in [-1, 1]; arguments are in lattice units. */
export type Noise1 = (x: number) => number;
/** A smooth 2-D field with values in [-1, 1]; arguments are in lattice units. */
export type Noise2 = (x: number, y: number) => number;

const fade = (t: number) => t * t * (3 - 2 * t);

/**
 * 1-D value noise over lattice points `0..size` (arguments outside are clamped).
 * @example const n = createNoise1(rng, 64); n(3.5) // in [-1, 1]
 */
export function createNoise1(rng: Rng, size: number): Noise1 {
  const values = new Float64Array(size + 2);
  for (let i = 0; i < values.length; i++) values[i] = rng.next() * 2 - 1;
  return (x: number) => {
    const c = Math.min(Math.max(x, 0), size);
    const i = Math.floor(c);
    const t = fade(c - i);
    return values[i]! * (1 - t) + values[i + 1]! * t;
  };
}

/**
 * 2-D value noise over a `size × size` lattice (arguments clamped to `[0, size]`).
 * @example const n = createNoise2(rng, 32); n(1.2, 7.9)
 */
export function createNoise2(rng: Rng, size: number): Noise2 {
  const w = size + 2;
  const values = new Float64Array(w * w);
  for (let i = 0; i < values.length; i++) values[i] = rng.next() * 2 - 1;
  return (x: number, y: number) => {
    const cx = Math.min(Math.max(x, 0), size);
    const cy = Math.min(Math.max(y, 0), size);
    const i = Math.floor(cx);
    const j = Math.floor(cy);
    const tx = fade(cx - i);
    const ty = fade(cy - j);
    const a = values[j * w + i]! * (1 - tx) + values[j * w + i + 1]! * tx;
    const b = values[(j + 1) * w + i]! * (1 - tx) + values[(j + 1) * w + i + 1]! * tx;
    return a * (1 - ty) + b * ty;
  };
}

/**
 * Fractal sum of 2-D value noise (octaves halve the wavelength and the amplitude); the result
 * is normalised back to about [-1, 1].
 */
export function createFractalNoise2(rng: Rng, size: number, octaves: number): Noise2 {
  const layers: Noise2[] = [];
  for (let k = 0; k < octaves; k++) layers.push(createNoise2(rng, size << k));
  return (x: number, y: number) => {
    let sum = 0;
    let norm = 0;
    for (let k = 0; k < octaves; k++) {
      const f = 1 << k;
      const amp = 1 / f;
      sum += layers[k]!(x * f, y * f) * amp;
      norm += amp;
    }
    return sum / norm;
  };
}
