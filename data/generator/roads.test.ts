/**
 * The demo city's roads file: a street grid that crosses the river only on its bridges, and
 * one connected network the response model can drive on.
 */
import { describe, expect, it } from 'vitest';
import { roadNetworkFromGeojson } from '../../packages/engine/src/response/roads.js';
import { buildDemo } from './demo-files.js';
import { lngLatToKm, type Point } from './geometry.js';
import { crossesPolyline } from './polyline.js';
import { roadFeatures } from './roads.js';

describe('demo roads', () => {
  const ctx = buildDemo(7);
  const { features, counts } = roadFeatures(ctx.city);
  const river = ctx.city.barriers.find((b) => b.kind === 'river')!;

  it('crosses the river only on one street segment per bridge', () => {
    expect(counts.bridges).toBe(river.crossings.length);
    let crossings = 0;
    for (const f of features) {
      const line = (f.geometry as { coordinates: Point[] }).coordinates.map(lngLatToKm);
      for (let k = 1; k < line.length; k++) {
        if (!crossesPolyline(line[k - 1]!, line[k]!, river.line)) continue;
        crossings++;
        expect(f.properties.bridge).toBe(true);
      }
    }
    expect(crossings).toBe(river.crossings.length);
  });

  it('is one connected network of streets with arterials', () => {
    const net = roadNetworkFromGeojson(JSON.parse(ctx.smallFiles.get('roads.geojson')!));
    let largest = 0;
    for (let v = 0; v < net.nodeCount; v++) if (net.component[v] === 0) largest++;
    expect(largest / net.nodeCount).toBeGreaterThan(0.99);
    expect(net.speedSources.roadClass).toBe(counts.segments);
    expect(features.some((f) => f.properties.highway === 'primary')).toBe(true);
    expect(net.lengthKm).toBeGreaterThan(counts.segments * 0.2);
  });
});
