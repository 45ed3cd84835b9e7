import fc from 'fast-check';
import { gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type CellModel, isBeatEdge } from './cell-model.js';
import { chainPoints, chainRings, OUTSIDE, outlineChains, simplifyChains, smoothChains } from './outline-chains.js';
import { diskModel } from './test-support/disk-model.js';
import { polygonRings, readTile } from './test-support/mvt.js';
import { buildTileIndex, DISPLAY_OUTLINES, encodeTile, mercX, mercY, TILE_LAYERS } from './vector-tiles.js';

const centre = latLngToCell(41.88, -87.63, 9);
const disk = gridDisk(centre, 4); // 61 cells

/** A model of the disk with beat `beatOf[k]` for cell k (−1 = unassigned). */
const modelOf = (beatOf: readonly number[], beats: number) => diskModel(disk, beatOf, beats, 9);

const assignment = fc.array(fc.integer({ min: -1, max: 3 }), { minLength: disk.length, maxLength: disk.length });

/** Boundary edges at each vertex. */
function boundaryDegree(model: CellModel): Map<number, number> {
  const deg = new Map<number, number>();
  for (let e = 0; e < model.edgeA.length; e++) {
    if (!isBeatEdge(model, e)) continue;
    for (const v of [model.edgeV[2 * e]!, model.edgeV[2 * e + 1]!]) deg.set(v, (deg.get(v) ?? 0) + 1);
  }
  return deg;
}

describe('outline chains: beat-boundary edges joined between junctions', () => {
  it('any assignment: every boundary edge is in exactly one chain, chains are connected runs between junctions with one pair of sides', () => {
    fc.assert(
      fc.property(assignment, (beatOf) => {
        const model = modelOf(beatOf, 4);
        const ch = outlineChains(model);
        const deg = boundaryDegree(model);
        const seen = new Int32Array(model.edgeA.length);
        for (let c = 0; c + 1 < ch.start.length; c++) {
          let v = ch.from[c]!;
          const sides = new Set<string>();
          for (let k = ch.start[c]!; k < ch.start[c + 1]!; k++) {
            const e = ch.edges[k]!;
            const r = ch.rev[k]!;
            seen[e]!++;
            expect(model.edgeV[2 * e + r]).toBe(v); // each edge starts where the last ended
            if (k > ch.start[c]!) expect(deg.get(v)).toBe(2); // inner vertices: the boundary just continues
            v = model.edgeV[2 * e + 1 - r]!;
            const a = model.beatOf[model.edgeA[e]!]!;
            const b = model.edgeB[e]! < 0 ? OUTSIDE : model.beatOf[model.edgeB[e]!]!;
            sides.add([a, b].sort().join());
          }
          expect(v).toBe(ch.to[c]);
          expect(sides.size).toBe(1);
          expect([...sides][0]).toBe([ch.fwdSide[c]!, ch.revSide[c]!].sort().join());
          if (ch.closed[c]) expect(ch.from[c]).toBe(ch.to[c]);
          else {
            // junctions at both ends: three sides meet, or the boundary ends
            expect(deg.get(ch.from[c]!)).not.toBe(2);
            expect(deg.get(ch.to[c]!)).not.toBe(2);
          }
        }
        for (let e = 0; e < model.edgeA.length; e++) expect(seen[e]).toBe(isBeatEdge(model, e) ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });

  it('rings of chains: each beat is bounded by closed rings, every chain used once per beat side', () => {
    fc.assert(
      fc.property(assignment, (beatOf) => {
        const model = modelOf(beatOf, 4);
        const ch = outlineChains(model);
        const rings = chainRings(ch);
        const used = new Map<number, number>();
        for (const [b, list] of rings) {
          expect(b).toBeGreaterThanOrEqual(0);
          for (const ring of list) {
            for (let k = 0; k < ring.length; k++) {
              const r = ring[k]!;
              used.set(r, (used.get(r) ?? 0) + 1);
              expect(r & 1 ? ch.revSide[r >> 1] : ch.fwdSide[r >> 1]).toBe(b);
              const tail = r & 1 ? ch.from[r >> 1] : ch.to[r >> 1];
              const n = ring[(k + 1) % ring.length]!;
              expect(n & 1 ? ch.to[n >> 1] : ch.from[n >> 1]).toBe(tail); // closes end to start
            }
          }
        }
        for (let c = 0; c + 1 < ch.start.length; c++) {
          expect(used.get(2 * c) ?? 0).toBe(ch.fwdSide[c]! >= 0 ? 1 : 0);
          expect(used.get(2 * c + 1) ?? 0).toBe(ch.revSide[c]! >= 0 ? 1 : 0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an inner beat ringed by another: one closed chain, no junction', () => {
    const inner = new Set(gridDisk(centre, 1));
    const model = modelOf(
      disk.map((h) => (inner.has(h) ? 0 : 1)),
      2,
    );
    const ch = outlineChains(model);
    // the ring around beat 0 (closed, 6 cells × 3 outer edges = 18 edges), and the grid's outer boundary
    expect(ch.start.length - 1).toBe(2);
    const loop = [0, 1].find((c) => ch.fwdSide[c] === 0 || ch.revSide[c] === 0)!;
    expect(ch.closed[loop]).toBe(1);
    expect(ch.start[loop + 1]! - ch.start[loop]!).toBe(18);
    expect(chainRings(ch).get(1)).toHaveLength(2); // outer ring and the hole
  });
});

describe('display smoothing and simplification', () => {
  it('Chaikin: a corner is cut at ¼ and ¾ of each segment, the end points kept', () => {
    const pts = { start: Int32Array.from([0, 3]), xy: Float64Array.from([0, 0, 4, 0, 4, 4]) };
    expect([...smoothChains(pts, Uint8Array.from([0]), 1).xy]).toEqual([0, 0, 3, 0, 4, 1, 4, 4]);
    const two = smoothChains(pts, Uint8Array.from([0]), 2);
    expect(two.start[1]).toBe(6);
    expect([...two.xy.subarray(0, 2), ...two.xy.subarray(-2)]).toEqual([0, 0, 4, 4]);
    // a closed square is cut all round, and stays closed
    const sq = { start: Int32Array.from([0, 5]), xy: Float64Array.from([0, 0, 4, 0, 4, 4, 0, 4, 0, 0]) };
    const s = smoothChains(sq, Uint8Array.from([1]), 1);
    expect([...s.xy]).toEqual([1, 0, 3, 0, 4, 1, 4, 3, 3, 4, 1, 4, 0, 3, 0, 1, 1, 0]);
    // a single segment stays straight
    const seg = { start: Int32Array.from([0, 2]), xy: Float64Array.from([0, 0, 1, 1]) };
    expect([...smoothChains(seg, Uint8Array.from([0]), 2).xy]).toEqual([0, 0, 1, 1]);
  });

  it('Douglas–Peucker keeps the end points and every point farther than the tolerance', () => {
    const pts = { start: Int32Array.from([0, 5]), xy: Float64Array.from([0, 0, 1, 0.1, 2, -0.1, 3, 5, 4, 0]) };
    expect([...simplifyChains(pts, Uint8Array.from([0]), 0.5).xy]).toEqual([0, 0, 2, -0.1, 3, 5, 4, 0]);
    expect([...simplifyChains(pts, Uint8Array.from([0]), 10).xy]).toEqual([0, 0, 4, 0]);
  });

  it('any assignment: the junctions stay where they are after smoothing and simplification', () => {
    fc.assert(
      fc.property(assignment, fc.integer({ min: 0, max: 3 }), fc.double({ min: 0, max: 1e-4, noNaN: true }), (beatOf, iterations, tol) => {
        const model = modelOf(beatOf, 4);
        const ch = outlineChains(model);
        const raw = chainPoints(ch, model.edgeXY);
        const out = simplifyChains(smoothChains(raw, ch.closed, iterations), ch.closed, tol);
        for (let c = 0; c + 1 < ch.start.length; c++) {
          if (ch.closed[c]) continue;
          for (const [i, j] of [
            [raw.start[c]!, out.start[c]!],
            [raw.start[c + 1]! - 1, out.start[c + 1]! - 1],
          ] as const) {
            expect(out.xy[2 * j]).toBe(raw.xy[2 * i]);
            expect(out.xy[2 * j + 1]).toBe(raw.xy[2 * i + 1]);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('any assignment, display outlines: fills and outlines run through the same points, each shared segment in two beats, no gap', () => {
    const z = 11;
    const t = { z, x: Math.floor(mercX(-87.63) * 2 ** z), y: Math.floor(mercY(41.88) * 2 ** z) };
    fc.assert(
      fc.property(assignment, (beatOf) => {
        const model = modelOf(beatOf, 4);
        const tile = readTile(encodeTile(model, buildTileIndex(model), 'beats', t, {}, DISPLAY_OUTLINES));
        const key = (ax: number, ay: number, bx: number, by: number) =>
          ax < bx || (ax === bx && ay < by) ? `${ax},${ay},${bx},${by}` : `${bx},${by},${ax},${ay}`;
        const lines = new Map<string, number>();
        const lineLayer = tile.layers.find((l) => l.name === TILE_LAYERS.beats);
        for (const run of lineLayer ? polygonRings(lineLayer.features[0]!.geometry) : [])
          for (let k = 2; k < run.length; k += 2) {
            const s = key(run[k - 2]!, run[k - 1]!, run[k]!, run[k + 1]!);
            lines.set(s, (lines.get(s) ?? 0) + 1);
          }
        const fills = new Map<string, number>();
        for (const f of tile.layers.find((l) => l.name === TILE_LAYERS.areas)?.features ?? [])
          for (const ring of polygonRings(f.geometry))
            for (let k = 0; k < ring.length; k += 2) {
              const j = (k + 2) % ring.length;
              const s = key(ring[k]!, ring[k + 1]!, ring[j]!, ring[j + 1]!);
              fills.set(s, (fills.get(s) ?? 0) + 1);
            }
        if (beatOf.some((b) => b >= 0)) expect(fills.size).toBeGreaterThan(2);
        for (const [s, n] of fills) {
          expect(lines.get(s), s).toBe(1); // every edge of a fill is drawn as outline once
          expect(n).toBeLessThanOrEqual(2); // and bounds at most the two beats on its sides: no overlap
        }
        for (const n of lines.values()) expect(n).toBe(1);
      }),
      { numRuns: 40 },
    );
  });
});
