/**
 * Candidate venues for beat community meetings: schools, libraries, park field houses,
 * churches and community centres, placed where people live.
 */
import type { Rng } from '../../packages/engine/src/random.js';
import { vertexId } from './block-grid.js';
import type { City } from './city.js';
import type { Feature } from './geojson.js';
import { feature } from './geojson.js';
import type { Point } from './geometry.js';
import { distanceToRing, kmToLngLat, pointInRing } from './geometry.js';
import { CHURCH_KINDS, LAST_NAMES, SAINTS, STREET_WORDS } from './names.js';
import { cumulative, pick } from './sampling.js';

/** Venue kinds and how many of each. */
export const VENUE_KINDS = {
  school: 40,
  church: 25,
  'park-house': 25,
  library: 15,
  'community-center': 15,
} as const;

/** Minimum distance between two venues, km. */
const MIN_SPACING_KM = 0.3;

/**
 * ~120 venues as GeoJSON Point features with `name`, `kind` and `neighbourhood`, drawn in
 * blocks weighted by population and kept at least 300 m apart. Libraries and community
 * centres are named after their neighbourhood.
 */
export function makeVenues(city: City, rng: Rng): Feature[] {
  const landBlocks = [...city.land.keys()].filter((b) => city.land[b] === 0);
  const cum = cumulative(landBlocks.map((b) => city.population[b]!));
  const placed: Point[] = [];
  const names = new Set<string>();
  const out: Feature[] = [];
  const g = city.grid;
  for (const [kind, n] of Object.entries(VENUE_KINDS) as Array<[keyof typeof VENUE_KINDS, number]>) {
    for (let k = 0; k < n; k++) {
      let p: Point | null = null;
      let b = -1;
      for (let attempt = 0; attempt < 200 && !p; attempt++) {
        b = landBlocks[pick(cum, rng.next())]!;
        const i = b % g.nu;
        const j = (b - i) / g.nu;
        const s = 0.15 + 0.7 * rng.next();
        const t = 0.15 + 0.7 * rng.next();
        const c = [vertexId(g, i, j), vertexId(g, i + 1, j), vertexId(g, i + 1, j + 1), vertexId(g, i, j + 1)];
        const w = [(1 - s) * (1 - t), s * (1 - t), s * t, (1 - s) * t];
        const q: Point = [0, 0];
        for (let m = 0; m < 4; m++) {
          q[0] += g.vx[c[m]!]! * w[m]!;
          q[1] += g.vy[c[m]!]! * w[m]!;
        }
        if (!pointInRing(q, city.rings[b]!) || distanceToRing(q, city.rings[b]!) < 0.01) continue;
        if (placed.some((o) => (o[0] - q[0]) ** 2 + (o[1] - q[1]) ** 2 < MIN_SPACING_KM ** 2)) continue;
        p = q;
      }
      if (!p) throw new Error(`makeVenues: no room for another ${kind}`);
      const hood = city.neighbourhoodNames[city.neighbourhood[b]!]!;
      let name = '';
      for (let attempt = 0; attempt < 50 && (name === '' || names.has(name)); attempt++) {
        name = venueName(kind, hood, rng, attempt);
      }
      if (names.has(name)) name = `${name} ${k + 1}`;
      names.add(name);
      placed.push(p);
      out.push(feature({ name, kind, neighbourhood: hood }, { type: 'Point', coordinates: kmToLngLat(p) }));
    }
  }
  return out;
}

function venueName(kind: keyof typeof VENUE_KINDS, hood: string, rng: Rng, attempt: number): string {
  const title = (w: string) => w.toLowerCase().replace(/\b\w/g, (c) => c.toUpperCase());
  switch (kind) {
    case 'school': {
      const level = ['Elementary School', 'Elementary School', 'Middle School', 'High School', 'Academy'][rng.int(5)]!;
      return `${LAST_NAMES[rng.int(LAST_NAMES.length)]} ${level}`;
    }
    case 'church':
      return rng.next() < 0.45
        ? `St. ${SAINTS[rng.int(SAINTS.length)]} Church`
        : `${attempt > 5 ? hood : title(STREET_WORDS[rng.int(STREET_WORDS.length)]!)} ${CHURCH_KINDS[rng.int(CHURCH_KINDS.length)]}`;
    case 'park-house':
      return `${title(STREET_WORDS[rng.int(STREET_WORDS.length)]!)} Park Field House`;
    case 'library':
      return attempt === 0 ? `${hood} Branch Library` : `${title(STREET_WORDS[rng.int(STREET_WORDS.length)]!)} Branch Library`;
    case 'community-center':
      return attempt === 0 ? `${hood} Community Center` : `${title(STREET_WORDS[rng.int(STREET_WORDS.length)]!)} Community Center`;
  }
}
