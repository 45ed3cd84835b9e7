import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { diskModel } from './test-support/disk-model.js';
import { polygonRings, readTile, ringArea2 } from './test-support/mvt.js';
import { buildTileIndex, encodeTile, mercX, mercY, TILE_LAYERS, type TileAddress } from './vector-tiles.js';

const centre = latLngToCell(41.88, -87.63, 9);
const disk = gridDisk(centre, 3); // 37 cells, all in one tile of zoom 9
const tileAt = (z: number): TileAddress => ({ z, x: Math.floor(mercX(-87.63) * 2 ** z), y: Math.floor(mercY(41.88) * 2 ** z) });

/** A model of the disk with beat `beatOf[k]` for cell k (−1 = unassigned). */
const modelOf = (beatOf: readonly number[], beats: number) => diskModel(disk, beatOf, beats, 9);

/** Per beat: twice the area of its cells (from the cells layer) and of its area feature (outer rings minus holes). */
function areas(beatOf: readonly number[], beats: number, z = 9) {
  const model = modelOf(beatOf, beats);
  const index = buildTileIndex(model);
  const t = tileAt(z);
  const cells = readTile(encodeTile(model, index, 'cells', t)).layers[0]!;
  const fromCells = new Map<number, number>();
  for (const f of cells.features) {
    const b = model.beatOf[f.id!]!;
    if (b >= 0) fromCells.set(b, (fromCells.get(b) ?? 0) + Math.abs(ringArea2(polygonRings(f.geometry)[0]!)));
  }
  // the hex edges as they are: no display smoothing or simplification
  const tile = readTile(encodeTile(model, index, 'beats', t, {}, { smooth: 0, simplifyPx: 0 }));
  const layer = tile.layers.find((l) => l.name === TILE_LAYERS.areas)!;
  const fromAreas = new Map<number, { area: number; outer: number; holes: number; b: unknown }>();
  for (const f of layer.features) {
    const rings = polygonRings(f.geometry).map(ringArea2);
    fromAreas.set(f.id!, {
      area: rings.reduce((s, a) => s + a, 0),
      outer: rings.filter((a) => a > 0).length,
      holes: rings.filter((a) => a < 0).length,
      b: tile.props(layer, f).b,
    });
  }
  return { fromCells, fromAreas, model };
}

describe('areas: beats merged into polygons for the city-wide view', () => {
  it('an inner beat ringed by another: the outer beat is one polygon with one hole, areas equal their cells', () => {
    const inner = new Set(gridDisk(centre, 1));
    const { fromCells, fromAreas } = areas(
      disk.map((h) => (inner.has(h) ? 0 : 1)),
      2,
    );
    expect([...fromAreas.keys()].sort()).toEqual([0, 1]);
    expect(fromAreas.get(0)).toMatchObject({ outer: 1, holes: 0, b: 0 });
    expect(fromAreas.get(1)).toMatchObject({ outer: 1, holes: 1, b: 1 });
    for (const b of [0, 1]) expect(fromAreas.get(b)!.area).toBe(fromCells.get(b));
  });

  it('any assignment of the cells to beats: each beat area is exactly the union of its cells (same tile points)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 3 }), { minLength: disk.length, maxLength: disk.length }), (beatOf) => {
        const { fromCells, fromAreas } = areas(beatOf, 4);
        expect(new Set(fromAreas.keys())).toEqual(new Set(fromCells.keys()));
        for (const [b, a] of fromCells) {
          expect(fromAreas.get(b)!.area).toBe(a);
          expect(fromAreas.get(b)!.outer).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an edit (the assignment changed in place) re-cuts the outlines and areas: nothing stale from the chains built before', () => {
    const model = modelOf(
      disk.map(() => 0),
      2,
    );
    const index = buildTileIndex(model);
    const t = tileAt(9);
    const areasOf = () =>
      readTile(encodeTile(model, index, 'beats', t))
        .layers.find((l) => l.name === TILE_LAYERS.areas)!
        .features.map((f) => f.id);
    expect(areasOf()).toEqual([0]);
    model.beatOf[disk.indexOf(centre)] = 1; // the centre cell moves to beat 1
    expect(areasOf().sort()).toEqual([0, 1]);
    model.beatOf[disk.indexOf(centre)] = 0;
    expect(areasOf()).toEqual([0]);
  });

  it('nothing to draw far from the grid', () => {
    const model = modelOf(
      disk.map(() => 0),
      1,
    );
    expect(encodeTile(model, buildTileIndex(model), 'areas', { z: 12, x: 0, y: 0 }).byteLength).toBe(0);
  });
});
