/**
 * Test support: a minimal Mapbox Vector Tile reader (enough to check what `encodeTile` writes)
 * and polygon helpers over its geometry.
 */
import { expect } from 'vitest';

/** A minimal MVT reader (enough to check what `encodeTile` writes). */
export function readTile(buf: ArrayBuffer) {
  const b = new Uint8Array(buf);
  let pos = 0;
  const varint = () => {
    let v = 0;
    let m = 1;
    for (;;) {
      const x = b[pos++]!;
      v += (x & 0x7f) * m;
      if (x < 0x80) return v;
      m *= 128;
    }
  };
  const fields = (end: number, fn: (field: number, wire: number) => void) => {
    while (pos < end) {
      const t = varint();
      fn(t >> 3, t & 7);
    }
  };
  const text = (len: number) => new TextDecoder().decode(b.subarray(pos, (pos += len)));
  const packed = () => {
    const end = varint() + pos;
    const out: number[] = [];
    while (pos < end) out.push(varint());
    return out;
  };
  const layers: Array<{
    name: string;
    extent: number;
    keys: string[];
    values: Array<number | string>;
    features: Array<{ id?: number; type: number; tags: number[]; geometry: number[] }>;
  }> = [];
  fields(b.length, (f) => {
    expect(f).toBe(3);
    const end = varint() + pos;
    const layer = {
      name: '',
      extent: 0,
      keys: [] as string[],
      values: [] as Array<number | string>,
      features: [] as Array<{ id?: number; type: number; tags: number[]; geometry: number[] }>,
    };
    fields(end, (lf) => {
      if (lf === 15 || lf === 5) {
        const v = varint();
        if (lf === 5) layer.extent = v;
      } else if (lf === 1) layer.name = text(varint());
      else if (lf === 3) layer.keys.push(text(varint()));
      else if (lf === 4) {
        const vend = varint() + pos;
        fields(vend, (vf) => {
          if (vf === 2) {
            layer.values.push(new DataView(b.buffer, b.byteOffset + pos, 4).getFloat32(0, true));
            pos += 4;
          } else if (vf === 3) {
            layer.values.push(new DataView(b.buffer, b.byteOffset + pos, 8).getFloat64(0, true));
            pos += 8;
          } else if (vf === 6) {
            const z = varint();
            layer.values.push(z % 2 ? -(z + 1) / 2 : z / 2);
          } else if (vf === 1) layer.values.push(text(varint()));
        });
      } else if (lf === 2) {
        const fend = varint() + pos;
        const feat: { id?: number; type: number; tags: number[]; geometry: number[] } = { type: 0, tags: [], geometry: [] };
        fields(fend, (ff) => {
          if (ff === 1) feat.id = varint();
          else if (ff === 3) feat.type = varint();
          else if (ff === 2) feat.tags = packed();
          else if (ff === 4) feat.geometry = packed();
        });
        layer.features.push(feat);
      }
    });
    layers.push(layer);
  });
  const props = (l: (typeof layers)[number], f: (typeof layers)[number]['features'][number]) =>
    Object.fromEntries(Array.from({ length: f.tags.length / 2 }, (_, k) => [l.keys[f.tags[2 * k]!]!, l.values[f.tags[2 * k + 1]!]!]));
  return { layers, props };
}

/** The rings of a polygon feature's geometry, as flat `[x, y, …]` tile points (commands decoded). */
export function polygonRings(geometry: readonly number[]): number[][] {
  const rings: number[][] = [];
  let x = 0;
  let y = 0;
  let k = 0;
  const unzig = (v: number) => (v % 2 ? -(v + 1) / 2 : v / 2);
  while (k < geometry.length) {
    const c = geometry[k++]!;
    const id = c & 7;
    const count = c >> 3;
    if (id === 7) continue;
    if (id === 1) rings.push([]);
    for (let n = 0; n < count; n++) {
      x += unzig(geometry[k++]!);
      y += unzig(geometry[k++]!);
      rings[rings.length - 1]!.push(x, y);
    }
  }
  return rings;
}

/** Twice the signed area of a ring (shoelace, tile units; positive = outer ring in MVT). */
export function ringArea2(xy: readonly number[]): number {
  let a = 0;
  for (let k = 0; k < xy.length; k += 2) {
    const j = (k + 2) % xy.length;
    a += xy[k]! * xy[j + 1]! - xy[j]! * xy[k + 1]!;
  }
  return a;
}
