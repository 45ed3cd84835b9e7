/**
 * The small demo files as text, from a seed: boundary, barriers, neighbourhoods, districts,
 * beats, roster, fleet and venues. Pure (no file system); `write-demo.ts` writes them.
 */

import type { Rng } from '../../packages/engine/src/random.js';
import { createRng } from '../../packages/engine/src/random.js';
import { HOLE, OUTSIDE, traceRegions } from './block-grid.js';
import type { City } from './city.js';
import { buildCity } from './city.js';
import type { Feature } from './geojson.js';
import { feature, featureCollectionText, polygonGeometry } from './geojson.js';
import { kmToLngLat } from './geometry.js';
import { roadFeatures } from './roads.js';
import { fleetCsv, makeRoster, rosterCsv } from './roster.js';
import { makeVenues } from './venues.js';

/** Name of the synthetic city. */
export const CITY_NAME = 'Lakeport';
/** Bumped whenever the output for a given seed changes on purpose. */
export const GENERATOR_VERSION = '1.1.0';
/** Default seed of the committed demo data. */
export const DEFAULT_SEED = 2025;

/** Everything a run derives from the seed: the city and the generators for later stages. */
export interface DemoContext {
  readonly seed: number;
  readonly city: City;
  /** Generator for incident placement and timing. */
  readonly incidentRng: Rng;
  /** Generator for incident row details (case numbers, arrests, ...). */
  readonly incidentRowRng: Rng;
  readonly smallFiles: ReadonlyMap<string, string>;
  readonly counts: DemoCounts;
}

/** Headline numbers of the city (recorded in the manifest). */
export interface DemoCounts {
  /** Land area, km² (reservoir excluded). */
  areaKm2: number;
  population: number;
  neighbourhoods: number;
  districts: number;
  beats: number;
  officers: number;
  officersAvailable: number;
  venues: number;
  /** LineString features in river.geojson (river and expressway pieces). */
  barrierSegments: number;
  bridges: number;
  /** Street segments (block edges) in roads.geojson, bridges and overpasses included. */
  roadSegments: number;
}

/** File names of the small (committed) outputs, in writing order. */
export const SMALL_FILES = [
  'boundary.geojson',
  'river.geojson',
  'neighbourhoods.geojson',
  'districts.geojson',
  'beats.geojson',
  'roster.csv',
  'fleet.csv',
  'venues.geojson',
  'roads.geojson',
] as const;

/**
 * Builds the city and the text of every small file for a seed. The random streams are forked
 * in a fixed order, so the small files do not depend on how many incidents are drawn later.
 * @example const ctx = buildDemo(2025); ctx.smallFiles.get('beats.geojson')
 */
export function buildDemo(seed: number): DemoContext {
  const root = createRng(seed);
  const city = buildCity(root.fork());
  const rosterRng = root.fork();
  const venueRng = root.fork();
  const incidentRng = root.fork();
  const incidentRowRng = root.fork();

  const files = new Map<string, string>();
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const landArea = city.areaKm2.reduce((s, a, b) => s + (city.land[b] === 0 ? a : 0), 0);
  const population = city.population.reduce((s, p) => s + p, 0);

  // Boundary: land vs the rest.
  const landLabels = Int32Array.from(city.land, (l) => (l === 0 ? 0 : l === HOLE ? HOLE : OUTSIDE));
  const boundary = traceRegions(city.grid, landLabels, 1)[0]!;
  if (boundary.length !== 1 || boundary[0]!.length !== 2) {
    throw new Error(`buildDemo: the boundary should be one polygon with one hole, got ${boundary.length} part(s)`);
  }
  files.set(
    'boundary.geojson',
    featureCollectionText([
      feature(
        { name: CITY_NAME, synthetic: true, areaKm2: round2(landArea), population, hole: 'Lakeport Reservoir' },
        polygonGeometry(boundary),
      ),
    ]),
  );

  // Barriers: each stretch between two crossings is one LineString.
  const barrierFeatures: Feature[] = [];
  for (const barrier of city.barriers) {
    barrier.pieces.forEach((piece, k) => {
      barrierFeatures.push(
        feature({ kind: barrier.kind, name: barrier.name, segment: k + 1 }, { type: 'LineString', coordinates: piece.map(kmToLngLat) }),
      );
    });
  }
  files.set('river.geojson', featureCollectionText(barrierFeatures));

  // Neighbourhoods.
  const hoodPolys = traceRegions(city.grid, city.neighbourhood, city.neighbourhoodNames.length);
  const hoodFeatures = city.neighbourhoodNames.map((name, k) => {
    let pop = 0;
    let hardshipSum = 0;
    let area = 0;
    city.neighbourhood.forEach((l, b) => {
      if (l !== k) return;
      pop += city.population[b]!;
      hardshipSum += city.population[b]! * city.hardship[b]!;
      area += city.areaKm2[b]!;
    });
    return feature(
      { id: k + 1, name, population: pop, hardship: Math.round(hardshipSum / Math.max(pop, 1)), areaKm2: round2(area) },
      polygonGeometry(hoodPolys[k]!),
    );
  });
  files.set('neighbourhoods.geojson', featureCollectionText(hoodFeatures));

  // Districts (unions of beats) and beats.
  const districtLabels = Int32Array.from(city.beat, (l) => (l >= 0 ? city.beatDistrict[l]! : l));
  const districtPolys = traceRegions(city.grid, districtLabels, city.districtIds.length);
  files.set(
    'districts.geojson',
    featureCollectionText(
      city.districtIds.map((d, k) => feature({ district: d, name: `District ${d}` }, polygonGeometry(districtPolys[k]!))),
    ),
  );
  const beatPolys = traceRegions(city.grid, city.beat, city.beatIds.length);
  files.set(
    'beats.geojson',
    featureCollectionText(
      city.beatIds.map((id, k) =>
        feature({ beat: id, district: city.districtIds[city.beatDistrict[k]!]!, sector: Number(id[2]) }, polygonGeometry(beatPolys[k]!)),
      ),
    ),
  );

  const officers = makeRoster(city, rosterRng);
  files.set('roster.csv', rosterCsv(officers));
  files.set('fleet.csv', fleetCsv(officers));
  const venues = makeVenues(city, venueRng);
  files.set('venues.geojson', featureCollectionText(venues));
  // Streets: the block mesh's edges, crossing the river only on its bridges.
  const roads = roadFeatures(city);
  files.set('roads.geojson', featureCollectionText(roads.features));

  return {
    seed,
    city,
    incidentRng,
    incidentRowRng,
    smallFiles: files,
    counts: {
      areaKm2: round2(landArea),
      population,
      neighbourhoods: city.neighbourhoodNames.length,
      districts: city.districtIds.length,
      beats: city.beatIds.length,
      officers: officers.length,
      officersAvailable: officers.filter((o) => o.available).length,
      venues: venues.length,
      barrierSegments: barrierFeatures.length,
      bridges: city.barriers.filter((b) => b.kind === 'river').reduce((s, b) => s + b.crossings.length, 0),
      roadSegments: roads.counts.segments,
    },
  };
}
