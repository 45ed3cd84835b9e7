import fc from 'fast-check';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { BeatplanError } from '../errors.js';
import { buildGrid } from '../grid/build-grid.js';
import { estimateResponse } from './estimate-response.js';
import { ACCESS_SPEED_KMH, atomTravelMinutes, roadNetworkFromGeojson, snapToRoads, withRoads } from './roads.js';
import { syntheticPlan, syntheticScores } from './synthetic.js';
import { buildTravelModel, csrShortestPaths } from './travel.js';

// A 4 km × 4 km town at Chicago's latitude; a river runs west–east through the middle.
const LNG0 = -87.7;
const LAT0 = 41.85;
const KX = 111.2 * Math.cos((LAT0 * Math.PI) / 180);
const KY = 111.2;
const at = (xKm: number, yKm: number): [number, number] => [LNG0 + xKm / KX, LAT0 + yKm / KY];
const town: Polygon = { type: 'Polygon', coordinates: [[at(0, 0), at(4, 0), at(4, 4), at(0, 4), at(0, 0)]] };
const RIVER_Y = 2.0;

/** Street grid every 0.25 km; north–south streets stop at the river except the bridge at x = bridgeX. */
function streets(bridgeX: number | null) {
  const features: unknown[] = [];
  const step = 0.25;
  for (let k = 0; k <= 16; k++) {
    const y = k * step;
    features.push({
      type: 'Feature',
      properties: { highway: 'residential' },
      geometry: { type: 'LineString', coordinates: Array.from({ length: 17 }, (_, i) => at(i * step, y)) },
    });
  }
  for (let i = 0; i <= 16; i++) {
    const x = i * step;
    const south = Array.from({ length: 9 }, (_, k) => at(x, k * step)).filter((p) => (p[1] - LAT0) * KY < RIVER_Y - 0.1);
    const north = Array.from({ length: 9 }, (_, k) => at(x, 2 + k * step)).filter((p) => (p[1] - LAT0) * KY > RIVER_Y + 0.1);
    if (bridgeX !== null && Math.abs(x - bridgeX) < 1e-9) {
      features.push({
        type: 'Feature',
        properties: { highway: 'primary', name: 'bridge street' },
        geometry: { type: 'LineString', coordinates: Array.from({ length: 17 }, (_, k) => at(x, k * step)) },
      });
    } else {
      features.push({
        type: 'Feature',
        properties: { highway: 'residential' },
        geometry: { type: 'MultiLineString', coordinates: [south, north] },
      });
    }
  }
  return { type: 'FeatureCollection', features };
}

describe('road network', () => {
  it('joins lines at shared vertices and takes speeds from speed_kmh, maxspeed, the road class or the default', () => {
    const net = roadNetworkFromGeojson({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { speed_kmh: 60 }, geometry: { type: 'LineString', coordinates: [at(0, 0), at(1, 0)] } },
        { type: 'Feature', properties: { maxspeed: '30 mph' }, geometry: { type: 'LineString', coordinates: [at(1, 0), at(2, 0)] } },
        { type: 'Feature', properties: { fclass: 'motorway' }, geometry: { type: 'LineString', coordinates: [at(2, 0), at(3, 0)] } },
        { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [at(3, 0), at(4, 0)] } },
        { type: 'Feature', properties: { highway: 'footway' }, geometry: { type: 'LineString', coordinates: [at(0, 0), at(0, 1)] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: at(0, 0) } },
      ],
    });
    expect(net.nodeCount).toBe(5);
    expect(net.speedSources).toEqual({ speedKmh: 1, maxspeed: 1, roadClass: 1, default: 1 });
    expect(net.skippedFeatures).toBe(2);
    expect(net.lengthKm).toBeCloseTo(4, 1);
    const d = csrShortestPaths(net.offsets, net.targets, net.minutes, 0, Infinity, new Float64Array(net.nodeCount));
    // 1 km at 60 + 1 km at 48.28 (30 mph) + 1 km at 90 + 1 km at 30 km/h, in minutes.
    expect(d[4]!).toBeCloseTo(60 / 60 + 60 / 48.28032 + 60 / 90 + 60 / 30, 1);
  });

  it('rejects a bad coordinate naming the feature, and a file without roads (BAD_INPUT)', () => {
    const bad = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [at(0, 0), [200, 95]] } }],
    };
    try {
      roadNetworkFromGeojson(bad, { source: 'roads.geojson' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BeatplanError);
      expect((e as BeatplanError).code).toBe('BAD_INPUT');
      expect((e as BeatplanError).details.field).toBe('roads.geojson.features.0.geometry');
    }
    expect(() => roadNetworkFromGeojson({ type: 'FeatureCollection', features: [] })).toThrow(/no road/);
  });

  it('refuses a speed that is no speed (negative, zero, not a number) naming the feature and property; OSM words fall back to the class', () => {
    const road = (properties: Record<string, unknown>) => ({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { highway: 'residential' }, geometry: { type: 'LineString', coordinates: [at(0, 0), at(1, 0)] } },
        { type: 'Feature', properties, geometry: { type: 'LineString', coordinates: [at(1, 0), at(2, 0)] } },
      ],
    });
    for (const [props, key] of [
      [{ speed_kmh: -30 }, 'speed_kmh'],
      [{ speed_kmh: 0 }, 'speed_kmh'],
      [{ speed_kmh: 'fast' }, 'speed_kmh'],
      [{ speed_kmh: true }, 'speed_kmh'],
      [{ maxspeed: -50 }, 'maxspeed'],
      [{ maxspeed: '-30 mph' }, 'maxspeed'],
      [{ maxspeed: '0' }, 'maxspeed'],
    ] as const) {
      try {
        roadNetworkFromGeojson(road(props), { source: 'roads.geojson' });
        expect.unreachable(JSON.stringify(props));
      } catch (e) {
        expect(e).toBeInstanceOf(BeatplanError);
        expect((e as BeatplanError).code).toBe('BAD_INPUT');
        expect((e as BeatplanError).details.field).toBe(`roads.geojson.features.1.properties.${key}`);
        expect((e as BeatplanError).message).toMatch(/feature 1 .*must be a number > 0 km\/h/);
      }
    }
    // "none" / "signals" are OSM words, not speeds: the road class decides (primary 50 km/h); null speed_kmh is absent.
    const net = roadNetworkFromGeojson(road({ maxspeed: 'signals', speed_kmh: null, highway: 'primary' }));
    expect(net.speedSources).toEqual({ speedKmh: 0, maxspeed: 0, roadClass: 2, default: 0 });
  });

  it('snaps every point to its nearest node of the largest piece (property: equals brute force)', () => {
    const net = roadNetworkFromGeojson(streets(1));
    fc.assert(
      fc.property(fc.double({ min: -0.5, max: 4.5, noNaN: true }), fc.double({ min: -0.5, max: 4.5, noNaN: true }), (x, y) => {
        const [lng, lat] = at(x, y);
        const s = snapToRoads(net, [lng], [lat]);
        let best = Infinity;
        for (let v = 0; v < net.nodeCount; v++) {
          if (net.component[v] !== 0) continue;
          const dx = (net.lng[v]! - lng) * KX;
          const dy = (net.lat[v]! - lat) * KY;
          best = Math.min(best, Math.hypot(dx, dy));
        }
        expect(s.km[0]!).toBeCloseTo(best, 2);
      }),
      { numRuns: 60, seed: 4 },
    );
  });
});

describe('travel on roads', () => {
  const grid = buildGrid(town, { resolution: 9 });
  const plan = syntheticPlan(grid, 4, 2);
  const base = buildTravelModel(grid, plan, { atomSizeKm: 0.5, barriers: false });
  const yOf = (a: number) => (base.lat[a]! - LAT0) * KY;
  const xOf = (a: number) => (base.lng[a]! - LNG0) * KX;
  const straightMinutes = (a: number, b: number) => (Math.hypot(xOf(a) - xOf(b), yOf(a) - yOf(b)) * 1.3 * 60) / 30;

  it('a river with one bridge at the west end: cells facing each other across it at the east end are far apart in time', () => {
    const roads = withRoads(base, grid, roadNetworkFromGeojson(streets(0.25)));
    const withAll = withRoads(base, grid, roadNetworkFromGeojson(streets(3.5)));
    let pairs = 0;
    for (let a = 0; a < base.atomCount; a++) {
      for (let b = 0; b < base.atomCount; b++) {
        const facing =
          yOf(a) < RIVER_Y - 0.1 && yOf(b) > RIVER_Y + 0.1 && Math.abs(xOf(a) - xOf(b)) < 0.3 && yOf(b) - yOf(a) < 1.2 && xOf(a) > 3;
        if (!facing) continue;
        pairs++;
        const viaWest = atomTravelMinutes(roads, a, b, 0, (1.3 / 30) * 60);
        const viaEast = atomTravelMinutes(withAll, a, b, 0, (1.3 / 30) * 60);
        // Around by the bridge 3 km west: ≥ 5.5 km of streets at 30-50 km/h vs a short hop.
        expect(viaWest).toBeGreaterThan(3 * straightMinutes(a, b));
        expect(viaWest).toBeGreaterThan(7);
        expect(viaEast).toBeLessThan(0.5 * viaWest);
      }
    }
    expect(pairs).toBeGreaterThan(0);
    expect(roads.roadUnreachedPairs).toBe(0);
  });

  it('on one bank, road time follows the streets: near the straight-line rule, never below the straight line at road speed', () => {
    const roads = withRoads(base, grid, roadNetworkFromGeojson(streets(0.25)));
    for (let a = 0; a < base.atomCount; a++) {
      for (let b = 0; b < base.atomCount; b++) {
        if (a === b || yOf(a) > RIVER_Y - 0.3 || yOf(b) > RIVER_Y - 0.3) continue;
        const m = roads.roadMinutes![a * base.atomCount + b]!;
        const manhattan = Math.abs(xOf(a) - xOf(b)) + Math.abs(yOf(a) - yOf(b));
        // Streets are a grid: time ≥ Manhattan distance less the access legs at 30 km/h, ≤ it plus them.
        expect(m).toBeGreaterThanOrEqual(((manhattan - 0.6) / 30) * 60 - 1e-6);
        expect(m).toBeLessThanOrEqual(((manhattan + 0.6) / 30) * 60 + ((2 * 0.25 * 1.3) / ACCESS_SPEED_KMH) * 60);
      }
    }
  });

  it('estimateResponse uses road times and says so in its assumptions', () => {
    const scores = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 120 });
    const units = [
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ];
    const straight = estimateResponse(grid, plan, scores, units, {
      travel: buildTravelModel(grid, plan, { atomSizeKm: 0.5, barriers: false, cellWeights: scores.workloadHours }),
    });
    const onRoads = estimateResponse(grid, plan, scores, units, {
      travel: withRoads(
        buildTravelModel(grid, plan, { atomSizeKm: 0.5, barriers: false, cellWeights: scores.workloadHours }),
        grid,
        roadNetworkFromGeojson(streets(0.25)),
      ),
    });
    expect(onRoads.assumptions.travel).toMatch(/road network/);
    expect(onRoads.assumptions.speedKmh).toEqual([null, null, null]);
    expect(straight.assumptions.travel).toMatch(/straight line/);
    // Cross-river dispatches go round by the bridge: longer mean travel on roads.
    expect(onRoads.city.meanTravelMinutes!).toBeGreaterThan(straight.city.meanTravelMinutes!);
    expect(onRoads.city.meanResponseMinutes!).toBeCloseTo(onRoads.city.meanTravelMinutes! + onRoads.city.meanQueueWaitMinutes!, 5);
  });

  it('says when demand lies far from every road (legs to the road at the access speed)', () => {
    const scores = syntheticScores(grid, { seed: 2, workloadHoursPerWeek: 120 });
    // Roads only along the southern edge: the northern atoms are 2–4 km from a road.
    const south = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [at(0, 0), at(2, 0), at(4, 0)] } }],
    };
    const travel = withRoads(
      buildTravelModel(grid, plan, { atomSizeKm: 0.5, barriers: false, cellWeights: scores.workloadHours }),
      grid,
      roadNetworkFromGeojson(south),
    );
    const r = estimateResponse(
      grid,
      plan,
      scores,
      [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ],
      { travel },
    );
    expect(r.warnings.some((w) => /more than 1 km from the road network/.test(w))).toBe(true);
  });
});
